"""Checks that notebook test cells call.

Every failure is an ``AssertionError`` whose message says what was expected, what
happened, and what to look at, in one paragraph a learner can act on. A learner's
function is run under a hard time limit, so a missing timeout costs the test, not
the whole notebook, and nothing it started (threads, sockets) outlives the check,
whether it returned or raised.

An exception the function raises (other than a stub's ``NotImplementedError`` or an
``AssertionError``) comes back as an AssertionError that says so and is still an
instance of the original type, so a test cell written as ``except OSError:`` keeps
working: see :func:`failure`.
"""

from __future__ import annotations

import errno
import gc
import linecache
import os
import re
import socket
import stat
import sys
import sysconfig
import tempfile
import threading
import time
import traceback
import warnings
from typing import Any, Callable, Optional

import psutil

__all__ = ["expect", "expect_raises", "run_limited", "failure"]

_REAL_GETADDRINFO = socket.getaddrinfo


def judge_session():
    """The sealed judge's session with the student's kernel, or None in a learner's kernel."""
    from socketlab.judge.remote import current

    return current()
_LIBRARY_DIRS = tuple(os.path.realpath(p) + os.sep for p in {
    sysconfig.get_paths()["stdlib"], sysconfig.get_paths()["platstdlib"],
    sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"],
    os.path.dirname(os.path.abspath(__file__))})


# --- showing values ---------------------------------------------------------------------

def _describe_call(fn: Callable, args: tuple, kwargs: dict) -> str:
    shown = [_short(a) for a in args] + [f"{k}={_short(v)}" for k, v in kwargs.items()]
    return f"{getattr(fn, '__name__', 'function')}({', '.join(shown)})"


def _short(value: Any, limit: int = 60) -> str:
    if isinstance(value, socket.socket):
        return "<socket>"  # its repr (fd, family, addresses) says nothing a learner needs, at length
    try:
        text = repr(value)
    except Exception:  # noqa: BLE001 (a learner's object whose __repr__ breaks)
        text = f"<{_type_name(type(value))} object>"
    return text if len(text) <= limit else f"{text[:limit - 15]}... ({len(text)} chars)"


def _type_name(cls: type, other: Optional[type] = None) -> str:
    if other is not None and cls.__name__ == other.__name__:
        return f"{cls.__module__}.{cls.__qualname__}"  # two types that call themselves the same
    return cls.__name__


def _tidy(text: str) -> str:
    """An exception's text without the grader's scratch folders: /tmp/x/y/server.sock -> .../server.sock."""
    return re.sub(re.escape(tempfile.gettempdir()) + r"/[^\s'\"]*/", ".../", text)


# --- expect -----------------------------------------------------------------------------

def _compatible(actual: type, expected: type) -> bool:
    """Same type, or one a subclass of the other that keeps the base type's equality (a
    namedtuple for a tuple, an IntEnum such as AF_INET for an int). bool is never an int."""
    if actual is expected:
        return True
    if bool in (actual, expected):
        return False
    if issubclass(actual, expected):
        sub, base = actual, expected
    elif issubclass(expected, actual):
        sub, base = expected, actual
    else:
        return False
    return all(getattr(sub, m, None) is getattr(base, m, None) for m in ("__eq__", "__ne__"))


def _type_difference(actual: Any, expected: Any, path: str = "", depth: int = 0) -> Optional[str]:
    """Where the types of ``actual`` and ``expected`` part, or None. Containers are walked with
    the base types' own methods, so an element that claims to equal anything is found too."""
    if depth > 50:
        return None
    where = f"{path} is " if path else ""
    ta, te = type(actual), type(expected)
    if actual is None or expected is None:
        return None  # None against a value: the values show the difference
    if not _compatible(ta, te):
        return f"{where}{_a(_type_name(ta, te))}, not {_type_name(te, ta)}"
    for base in (tuple, list):
        # The base's own len and iter: a subclass of the learner's may redefine both.
        if isinstance(expected, base) and base.__len__(actual) == base.__len__(expected):  # type: ignore[arg-type]
            for i, (a, e) in enumerate(zip(base.__iter__(actual), base.__iter__(expected))):  # type: ignore[arg-type]
                found = _type_difference(a, e, f"{path}[{i}]", depth + 1)
                if found:
                    return found
            return None
    if isinstance(expected, dict):
        key_types = {type(k) for k in dict.keys(expected)}
        for key in dict.keys(actual):
            if key_types and not any(_compatible(type(key), t) for t in key_types):
                return f"key {_short(key)} of {path or 'it'} is {_a(_type_name(type(key)))}"
        for key, value in dict.items(expected):
            if dict.__contains__(actual, key):
                found = _type_difference(dict.__getitem__(actual, key), value, f"{path}[{key!r}]", depth + 1)
                if found:
                    return found
    elif isinstance(expected, (set, frozenset)):
        types = {type(e) for e in expected}
        for item in (set.__iter__(actual) if isinstance(actual, set) else frozenset.__iter__(actual)):
            if types and not any(_compatible(type(item), t) for t in types):
                return f"item {_short(item)} of {path or 'it'} is {_a(_type_name(type(item)))}"
    return None


def _a(name: str) -> str:
    return f"{'an' if name[:1].lower() in 'aeiou' else 'a'} {name}"


def _equal(actual: Any, expected: Any) -> bool:
    try:
        return bool(expected == actual)
    except Exception:  # noqa: BLE001 (an __eq__ that raises is not equality)
        return False


def expect(actual: Any, expected: Any, what: str, hint: str = "") -> None:
    """Fail with 'what: expected X, got Y. hint' unless ``actual`` equals ``expected``.

    Types count: True is not 1, a list is not a tuple, and an object whose ``__eq__`` says
    yes to everything is not the str it claims to be (a subclass that keeps its base's
    equality, such as a namedtuple or socket.AF_INET, still counts as its base)."""
    difference = _type_difference(actual, expected)
    if difference is None and _equal(actual, expected):
        return
    message = f"{what}: expected {_short(expected, 200)}, got {_short(actual, 200)}"
    if difference:
        message += f" ({difference})"
    raise AssertionError(f"{message}. {hint}".strip())


# --- what a failure looks like ------------------------------------------------------------

_FAILURE_TYPES: dict[type, type] = {}


def failure(original: BaseException, message: str) -> AssertionError:
    """An AssertionError with ``message`` that is also an instance of ``original``'s type.

    Learners (and nbgrader) see ``AssertionError: message``; a test cell that catches the
    original type (``except ConnectionError``) still catches it. ``.original`` keeps the
    exception itself. Falls back to a plain AssertionError for types that cannot be mixed.
    """
    cls = type(original)
    made: AssertionError
    try:
        if cls not in _FAILURE_TYPES:
            _FAILURE_TYPES[cls] = type("AssertionError", (AssertionError, cls), {
                "__module__": "builtins", "__qualname__": "AssertionError",
                "__str__": lambda self: self.message, "__repr__": lambda self: f"AssertionError({self.message!r})"})
        made = _FAILURE_TYPES[cls](*original.args)
        for name in ("errno", "strerror", "filename", "filename2"):
            if hasattr(original, name):
                setattr(made, name, getattr(original, name))
    except Exception:  # noqa: BLE001 (a learner's exception with its own __init__, a final type)
        made = AssertionError(message)
    # Read by __str__ above and by reports.
    made.message = message  # type: ignore[attr-defined]
    made.original = original  # type: ignore[attr-defined]
    return made


def _code(line: str) -> str:
    """A line of code as a message shows it: without its comment, at most 80 characters."""
    line = line.strip()
    if "#" in line and not re.search(r"[\'\"].*#", line):  # a comment, not a '#' in a string
        line = line[:line.index("#")].rstrip()
    return line if len(line) <= 80 else line[:77] + "..."


def _innermost(tb) -> Optional[traceback.FrameSummary]:
    """The innermost frame of a traceback outside the standard library and socketlab."""
    for frame in reversed(traceback.extract_tb(tb)):
        if not _is_library(frame.filename):
            return frame
    return None


def _where(tb) -> str:
    """' (at line 5 of shout: `conn.sendall(data)`)' for the innermost frame outside the
    standard library and socketlab, or '' when there is none."""
    frame = _innermost(tb)
    if frame is None:
        return ""
    line = _code(frame.line or "")
    return f" (at line {frame.lineno} of {frame.name}{f': `{line}`' if line else ''})"


def _where_raised(exc: BaseException) -> str:
    """:func:`_where` of an exception; one raised in the student's kernel (socketlab.judge)
    carries the place the kernel reported."""
    return getattr(exc, "__socketlab_where__", None) or _where(exc.__traceback__)


# Errors of test servers' handlers (socketlab.server), newest last, with the time they happened:
# when a call fails meanwhile (a client whose server broke off), its message names the first cause.
_SERVER_ERRORS: list[tuple[float, BaseException]] = []


def note_server_error(error: BaseException) -> None:
    """Called by socketlab.server when code under test that a test server runs raises."""
    _SERVER_ERRORS.append((time.monotonic(), error))
    del _SERVER_ERRORS[:-10]


def _server_errors_since(start: float) -> list[BaseException]:
    return [e for t, e in list(_SERVER_ERRORS) if t >= start]


def _exception_hint(exc: BaseException) -> str:
    """What an exception usually means in these exercises; worded so it holds whatever the code did."""
    if isinstance(exc, (MemoryError, OverflowError)):
        return ("It asked for more memory than there is, or a size too big for a socket call: "
                "a length prefix read from the wrong bytes (framing off by some bytes, or the wrong byte "
                "order) turns into a huge size. Check how many bytes the length takes and in which order.")
    if isinstance(exc, socket.gaierror):
        if socket.getaddrinfo is not _REAL_GETADDRINFO:
            return ("This test replaced socket.getaddrinfo with a stand-in that knows only the names the "
                    "test gives it (nothing leaves this machine); the error came from that stand-in.")
        if exc.errno == getattr(socket, "EAI_FAMILY", None) or exc.errno == getattr(socket, "EAI_ADDRFAMILY", None):
            return ("getaddrinfo found no address of the family it was asked for (an IPv6 address asked "
                    "for as AF_INET, or the other way round).")
        return "getaddrinfo could not turn that name into an address."
    if isinstance(exc, (BrokenPipeError, ConnectionResetError, ConnectionAbortedError)):
        return "The other side closed or reset the connection while this side was still sending or reading."
    if isinstance(exc, ConnectionRefusedError):
        return "Nothing was listening at the address connected to."
    if isinstance(exc, TimeoutError):
        return "A socket timeout expired: what was waited for (data, a connection) did not come in time."
    if isinstance(exc, OSError) and exc.errno == errno.EBADF:
        return ("The socket was already closed when it was used: a `with` block had ended, or close() "
                "came first.")
    if isinstance(exc, UnicodeDecodeError):
        return ("Bytes that are not whole UTF-8 text were decoded. Decoding each chunk on its own fails "
                "when a character is split between two chunks: join the bytes, then decode once.")
    return ""


def _raised_text(exc: BaseException) -> str:
    text = _tidy(str(exc))
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def _join(*parts: str) -> str:
    return " ".join(p.strip() for p in parts if p and p.strip())


# --- run_limited --------------------------------------------------------------------------

def open_sockets(process: str = "self") -> dict[int, int]:
    """{descriptor: inode} of the sockets /proc/<process> ('self' or a pid) has open, bound or
    not; {} where /proc cannot be read."""
    try:
        names = os.listdir(f"/proc/{process}/fd")
    except OSError:
        return {}
    found = {}
    for name in names:
        try:
            st = os.stat(f"/proc/{process}/fd/{name}")
        except OSError:  # closed while we looked (the listing's own descriptor, for one)
            continue
        if stat.S_ISSOCK(st.st_mode):
            found[int(name)] = st.st_ino
    return found


def _socket_fds() -> set[int]:
    """File descriptors of the sockets this process has open: /proc's on Linux, elsewhere
    psutil's connection list, which misses sockets not yet bound."""
    if os.path.isdir("/proc/self/fd"):
        return set(open_sockets())
    try:
        return {c.fd for c in psutil.Process().net_connections(kind="all") if c.fd != -1}
    except psutil.Error:
        return set()


def _warned_fd(message) -> int | None:
    """The descriptor in a ResourceWarning such as "unclosed <socket.socket fd=12, ...>"."""
    match = re.search(r"fd=(\d+)", str(message))
    return int(match[1]) if match else None


def _unblock(fds: set[int]) -> None:
    """Shut down sockets by descriptor, which wakes a thread blocked in accept/recv on them."""
    for fd in fds:
        try:
            sock = socket.socket(fileno=fd)
        except OSError:
            continue  # closed meanwhile
        try:
            sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass  # not connected (a listener on some systems): closing below still helps
        finally:
            sock.detach()  # the descriptor belongs to the learner's socket object


# Calls written in C that a learner's line may block in, as its text shows them, most specific first.
_BLOCKING = ("recv_into", "recvfrom_into", "recvfrom", "recvmsg", "recv", "accept", "connect_ex",
             "connect", "sendall", "sendto", "sendmsg", "send", "select", "poll", "sleep")
# Library functions written in Python (the one the learner's line called) and what they do.
_LIBRARY_CALLS = {"readinto": "recv (reading through makefile)", "write": "send (writing through makefile)",
                  "create_connection": "create_connection (connecting)", "join": "join (waiting for a thread)",
                  "wait": "wait (for an event or a condition)", "get": "get (of a queue)"}


def _is_library(filename: str) -> bool:
    return filename.startswith("<frozen") or os.path.realpath(filename).startswith(_LIBRARY_DIRS)


def _lookup(frame, dotted: str) -> Any:
    """The object a name such as ``self.conn`` stands for in a frame, or None."""
    first, *rest = dotted.split(".")
    value = frame.f_locals.get(first, frame.f_globals.get(first))
    for name in rest:
        value = getattr(value, name, None)
    return value


def _socket_in(candidate: Any) -> Optional[socket.socket]:
    for value in (candidate, getattr(candidate, "_sock", None)):  # a socket, or makefile's SocketIO
        if isinstance(value, socket.socket) and value.fileno() != -1:
            return value
    return None


def _waiting_for(thread: threading.Thread, limit: float) -> str:
    """What a thread that overran its limit is doing, from its innermost frames, with a hint
    that fits: 'It was waiting in recv, at `conn.recv(1024)` (line 4 of ask), on a socket
    without a timeout: ...'. '' when that cannot be told."""
    try:
        frame = sys._current_frames().get(thread.ident or -1)
        library = None  # the outermost library frame above the learner's: what the learner called
        while frame is not None and _is_library(frame.f_code.co_filename):
            library = frame
            frame = frame.f_back
        if frame is None:
            return ""
        line = _code(linecache.getline(frame.f_code.co_filename, frame.f_lineno, frame.f_globals))
        place = f"`{line}` (line {frame.f_lineno} of {frame.f_code.co_name})" if line else \
            f"line {frame.f_lineno} of {frame.f_code.co_name}"
        call, sock = None, None
        if library is not None:
            name = library.f_code.co_name
            call = _LIBRARY_CALLS.get(name, name)
            sock = _socket_in(library.f_locals.get("self")) or _socket_in(library.f_locals.get("sock"))
        else:
            for name in _BLOCKING:
                match = re.search(rf"([\w.]+)\s*\.\s*{name}\s*\(", line) or re.search(rf"\b{name}\s*\(", line)
                if match:
                    call = name
                    if match.re.groups:
                        sock = _socket_in(_lookup(frame, match[1]))
                    break
        if call is None:
            return (f"It was running {place}, not waiting for the network: look for a loop whose end "
                    "condition never comes true.")
        told = f"It was waiting in {call}, at {place}"
        if sock is not None:
            timeout = sock.gettimeout()
            if timeout is None:
                return (f"{told}, on a socket without a timeout. A call that waits for the network needs "
                        "one: settimeout(...) or create_connection(..., timeout=...).")
            if timeout > limit:
                return (f"{told}, on a socket whose timeout ({timeout:g} s) is longer than this test waits "
                        f"({limit:g} s): was it waiting for more than the other side sends, or for data "
                        "after the other side was done?")
            return (f"{told}, on a socket whose timeout is {timeout:g} s, so that call must have timed out "
                    "and been made again: a loop that catches TimeoutError and tries again never ends. Let "
                    "the TimeoutError through, or stop after a deadline.")
        if call == "sleep":
            return f"{told}: the waits add up to more than this test allows ({limit:g} s)."
        return (f"{told}. Everything that waits needs a limit: a timeout on the socket (settimeout(...) "
                "or timeout=...), on a join or a wait, or a loop that ends.")
    except Exception:  # noqa: BLE001 (a diagnosis must never hide the verdict)
        return ""


class _Outcome:
    def __init__(self, call: str):
        self.call = call
        self.start = time.monotonic()
        self.value: Any = None
        self.error: Optional[BaseException] = None
        self.unclosed: list[str] = []
        self.running: list[str] = []

    def leaks(self) -> str:
        """What the call left behind, as the end of a sentence: 'left 1 socket(s) open: ...'."""
        parts = []
        if self.unclosed:
            parts.append(f"left {len(self.unclosed)} socket(s) open: {self.unclosed[0]}")
        if self.running:
            parts.append(f"left {len(self.running)} thread(s) running ({', '.join(self.running)})")
        return " and ".join(parts)

    def leak_advice(self) -> str:
        advice = []
        if self.unclosed:
            advice.append("Close every socket you create, best with a `with` block"
                          + (", so it is closed also when an error is raised." if self.error else "."))
        if self.running:
            advice.append("Stop and join the threads you start before returning"
                          + (" (also when an error is raised: try/finally)." if self.error else "."))
        return " ".join(advice)


def _clear_frames(exc: Optional[BaseException]) -> None:
    """Drop the locals of the frames an exception holds, so sockets only they reference are
    finalised (and a leak on the error path shows as a ResourceWarning) now."""
    seen = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        traceback.clear_frames(exc.__traceback__)
        for linked in (exc.__cause__, exc.__context__):
            if linked is not None and id(linked) not in seen:
                _clear_frames(linked)
        exc = None


def _run(fn: Callable, args: tuple, kwargs: dict, limit: float, allow_leaks: bool, hint: str) -> _Outcome:
    """Call fn in a worker thread; fail (AssertionError) only when it overruns ``limit``.
    The outcome says what it returned or raised and what it left behind."""
    outcome = _Outcome(_describe_call(fn, args, kwargs))

    def target() -> None:
        try:
            outcome.value = fn(*args, **kwargs)
        except BaseException as exc:  # handed to the caller
            outcome.error = exc

    threads_before = set(threading.enumerate())
    fds_before = _socket_fds()
    kernel = judge_session()  # when a judge runs this test, the code under test runs in another process
    kernel_before = kernel.snapshot() if kernel else None
    # The name tells socketlab.judge that this thread's calls into the kernel have a limit.
    worker = threading.Thread(target=target, daemon=True, name="socketlab-check")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ResourceWarning)
        worker.start()
        worker.join(limit)
        if worker.is_alive():
            remote = kernel.unblock() if kernel else []
            doing = remote[0] if remote else _waiting_for(worker, limit)
            _unblock(_socket_fds() - fds_before - (kernel.own_fds if kernel else set()))
            worker.join(1.0)
            raise AssertionError(_join(
                f"{outcome.call} did not return within {limit:g} s.",
                doing or ("A call that waits for the network needs a timeout: look for connect, accept or "
                          "recv on a socket without settimeout(...) or timeout=..., or a loop that never ends."),
                hint))
        _clear_frames(outcome.error)
        # Finalise sockets held in reference cycles, so their warnings show now. The young
        # generations hold what the call created; a full collection costs ~0.5 s in a kernel.
        gc.collect(1)
    if not allow_leaks:
        outcome.unclosed = [str(w.message) for w in caught if issubclass(w.category, ResourceWarning)
                            and _warned_fd(w.message) not in fds_before]  # not left open by earlier code
        outcome.running = _threads_still_running(threads_before | {worker})
        if kernel and kernel_before:
            outcome.unclosed += kernel.unclosed_since(kernel_before)
            outcome.running += kernel.threads_since(kernel_before)
    return outcome


def _threads_still_running(before: set[threading.Thread], grace: float = 1.0) -> list[str]:
    """Names of the threads started during the call and still running after ``grace`` seconds.
    A test server's connection threads (socketlab.server) are the test's, not the learner's:
    one still running means a connection left open, which the socket check reports."""
    started = [t for t in threading.enumerate() if t not in before and t.name != "socketlab-handler"
               and not t.name.startswith("judge-")]  # the sealed judge's own (socketlab.judge)
    for thread in started:
        thread.join(grace)
    return [t.name for t in started if t.is_alive()]


def _speaks_for_itself(exc: BaseException) -> bool:
    """A stub's NotImplementedError, a check's AssertionError, KeyboardInterrupt/SystemExit."""
    return isinstance(exc, (NotImplementedError, AssertionError)) or not isinstance(exc, Exception)


def _unexpected(outcome: _Outcome, expected: str, hint: str) -> BaseException:
    exc = outcome.error
    assert exc is not None, "called only for a call that raised"
    leaks = outcome.leaks()
    first = [e for e in _server_errors_since(outcome.start) if e is not exc]
    if first and isinstance(first[0], NotImplementedError):
        return first[0]  # a stub the test's server ran (a learner's handler): it speaks for itself
    if first:
        cause = (f"Before that, the code the test's server runs for each connection raised "
                 f"{_raised_text(first[0])}{_where_raised(first[0])}: look there first.")
    else:
        cause = _exception_hint(exc)
    return failure(exc, _join(
        f"{outcome.call}: expected {expected}, got {_raised_text(exc)}{_where_raised(exc)}"
        + (f"; it also {leaks}." if leaks else "."),
        cause, outcome.leak_advice() if leaks else "", hint))


def run_limited(fn: Callable, *args, limit: float = 5.0, allow_leaks: bool = False, hint: str = "",
                **kwargs) -> Any:
    """Call ``fn(*args, **kwargs)`` and return its result, within ``limit`` seconds.

    Fails when the call does not return in time (after waking it by shutting down the sockets
    it opened; the message says what it was waiting in), when it leaves a socket unclosed
    (CPython reports that as a ResourceWarning), or when threads it started are still running
    one second after it returned. ``allow_leaks=True`` skips the last two checks, for a test
    cell that checks something else and leaves leaks to a test of their own.

    An exception from ``fn`` fails too, with a message that names it, where it was raised, and
    ``hint``; it is an AssertionError that is also of the exception's type (see :func:`failure`).
    A stub's NotImplementedError and an AssertionError are re-raised unchanged.
    """
    outcome = _run(fn, args, kwargs, limit, allow_leaks, hint)
    if outcome.error is not None:
        if _speaks_for_itself(outcome.error):
            raise outcome.error
        raise _unexpected(outcome, "it to return", hint) from None
    if outcome.unclosed or outcome.running:
        raise AssertionError(_join(f"{outcome.call} returned but {outcome.leaks()}.",
                                   outcome.leak_advice(), hint))
    return outcome.value


def expect_raises(exc_type: type[BaseException] | tuple, fn: Callable, *args, limit: float = 5.0,
                  hint: str = "", allow_leaks: bool = False, **kwargs) -> BaseException:
    """Fail unless ``fn(*args, **kwargs)`` raises ``exc_type`` within ``limit`` seconds, without
    leaving a socket open or a thread running (unless ``allow_leaks``). Returns the exception."""
    types = exc_type if isinstance(exc_type, tuple) else (exc_type,)
    names = " or ".join(t.__name__ for t in types)
    outcome = _run(fn, args, kwargs, limit, allow_leaks, hint)
    exc = outcome.error
    if exc is not None and isinstance(exc, exc_type):
        if outcome.unclosed or outcome.running:
            raise AssertionError(_join(f"{outcome.call} raised {type(exc).__name__} as expected, but "
                                       f"{outcome.leaks()}.", outcome.leak_advice(), hint))
        return exc
    if exc is not None:
        if _speaks_for_itself(exc):
            raise exc
        raise _unexpected(outcome, names, hint) from None
    if outcome.unclosed or outcome.running:
        raise AssertionError(_join(f"{outcome.call} returned but {outcome.leaks()}.",
                                   outcome.leak_advice(), hint))
    raise AssertionError(_join(f"{outcome.call}: expected {names}, but it returned {_short(outcome.value)}.", hint))
