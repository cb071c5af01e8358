"""Stand-ins a test puts into the process that runs the learner's code.

A few things a test must arrange cannot be done from outside that process: names only a
test knows (nothing may leave the machine, not even a DNS query), or a count of the
learner's own calls. Each helper here is marked :func:`socketlab.judge.student_side`, so
at grading time it acts inside the student's kernel, where the learner's code runs.
"""

from __future__ import annotations

import _socket
import contextlib
import socket
import threading
from typing import Iterator, Optional

from socketlab.judge import student_side

__all__ = ["simulated_names", "thread_errors", "replaced", "kept_open"]


def _resolver(names: dict, real):
    """A stand-in for the C resolver behind socket.getaddrinfo that knows ``names``
    ({name: [sockaddr, ...]} or {name: None} for a name that does not exist)."""

    def getaddrinfo(host, port, family=0, type=0, proto=0, flags=0):
        if host not in names:
            return real(host, port, family, type, proto, flags)
        if names[host] is None or flags & socket.AI_NUMERICHOST:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        results = []
        for addr in names[host]:
            fam = socket.AF_INET6 if ":" in addr[0] else socket.AF_INET
            for typ, pro in [(socket.SOCK_STREAM, 6), (socket.SOCK_DGRAM, 17), (socket.SOCK_RAW, 0)]:
                if family in (0, fam) and type in (0, typ) and proto in (0, pro):
                    results.append((fam, typ, pro, "", (addr[0], int(port), *addr[1:])))
        return results

    return getaddrinfo


@student_side
@contextlib.contextmanager
def simulated_names(names: dict[str, Optional[list]]) -> Iterator[None]:
    """While the block runs, socket.getaddrinfo knows ``names`` as if a resolver did
    (``{"both.example": [("2001:db8::1", 0, 0), ("192.0.2.1",)], "gone.example": None}``);
    every other name goes to the real resolver."""
    real = _socket.getaddrinfo
    _socket.getaddrinfo = _resolver(names, real)
    try:
        yield
    finally:
        _socket.getaddrinfo = real


class EscapedErrors:
    """Exceptions that escape threads while its block runs, kept instead of printed to stderr."""

    def __enter__(self) -> "EscapedErrors":
        self._caught: list[str] = []
        self._previous = threading.excepthook
        threading.excepthook = lambda args: self._caught.append(f"{args.exc_type.__name__}: {args.exc_value}")
        return self

    def __exit__(self, *exc_info) -> None:
        threading.excepthook = self._previous

    def seen(self) -> list[str]:
        """'ConnectionResetError: ...' for each exception that escaped a thread so far."""
        return list(self._caught)


@student_side
def thread_errors() -> EscapedErrors:
    """``with thread_errors() as errors: ...`` then ``errors.seen()``: what escaped the learner's threads."""
    return EscapedErrors()


@student_side
@contextlib.contextmanager
def replaced(functions: dict) -> Iterator[None]:
    """While the block runs, the notebook's names in ``functions`` stand for these functions (a
    grader's reference versions of earlier exercises, so one mistake costs its own points once)."""
    from socketlab.judge.callee import student_namespace

    namespace = student_namespace()
    saved = {name: namespace[name] for name in functions if name in namespace}
    namespace.update(functions)
    try:
        yield
    finally:
        namespace.update(saved)


@student_side
@contextlib.contextmanager
def kept_open(*sockets) -> Iterator[None]:
    """While the block runs, the process that runs the learner's code holds these sockets too,
    as it would were the test in that process (a test of "the listener I am given, not another
    one of this program"). In that very process already, there is nothing to do."""
    yield
