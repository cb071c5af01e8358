"""Checks that notebook test cells call.

Every failure is an ``AssertionError`` whose message says what was expected, what
happened, and what to look at, in one paragraph a learner can act on. A learner's
function is run under a hard time limit, so a missing timeout costs the test, not
the whole notebook, and nothing it started (threads, sockets) outlives the check.
"""

from __future__ import annotations

import gc
import os
import re
import socket
import threading
import warnings
from typing import Any, Callable

import psutil

__all__ = ["expect", "expect_raises", "run_limited"]


def _describe_call(fn: Callable, args: tuple, kwargs: dict) -> str:
    shown = [_short(a) for a in args] + [f"{k}={_short(v)}" for k, v in kwargs.items()]
    return f"{getattr(fn, '__name__', 'function')}({', '.join(shown)})"


def _short(value: Any, limit: int = 60) -> str:
    text = repr(value)
    return text if len(text) <= limit else f"{text[:limit - 15]}... ({len(text)} chars)"


def expect(actual: Any, expected: Any, what: str, hint: str = "") -> None:
    """Fail with 'what: expected X, got Y. hint' unless ``actual == expected``."""
    if actual != expected:
        message = f"{what}: expected {_short(expected, 200)}, got {_short(actual, 200)}."
        raise AssertionError(f"{message} {hint}".strip())


def _socket_fds() -> set[int]:
    """File descriptors of the sockets this process has open.

    Linux: every descriptor that /proc/self/fd shows as a socket, bound or not.
    Elsewhere psutil's connection list, which misses sockets not yet bound.
    """
    if os.path.isdir("/proc/self/fd"):
        found = set()
        for fd in os.listdir("/proc/self/fd"):
            try:
                if os.readlink(f"/proc/self/fd/{fd}").startswith("socket:"):
                    found.add(int(fd))
            except OSError:  # closed while we looked (the listing's own descriptor, for one)
                pass
        return found
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


def run_limited(fn: Callable, *args, limit: float = 5.0, allow_leaks: bool = False, **kwargs) -> Any:
    """Call ``fn(*args, **kwargs)`` and return its result, within ``limit`` seconds.

    Fails when the call does not return in time (after waking it by shutting down
    the sockets it opened), when it leaves a socket unclosed (CPython reports that
    as a ResourceWarning), or when threads it started are still running one second
    after it returned. ``allow_leaks=True`` skips the last two checks, for a test
    cell that checks something else and leaves leaks to a test of their own.
    Exceptions from ``fn`` are re-raised unchanged, so a stub's
    NotImplementedError reads as itself.
    """
    call = _describe_call(fn, args, kwargs)
    result: dict[str, Any] = {}

    def target() -> None:
        try:
            result["value"] = fn(*args, **kwargs)
        except BaseException as exc:  # handed to the caller below
            result["error"] = exc

    threads_before = set(threading.enumerate())
    fds_before = _socket_fds()
    worker = threading.Thread(target=target, daemon=True, name="socketlab-check")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ResourceWarning)
        worker.start()
        worker.join(limit)
        if worker.is_alive():
            _unblock(_socket_fds() - fds_before)
            worker.join(1.0)
            raise AssertionError(
                f"{call} did not return within {limit} s. A call that waits for the "
                "network needs a timeout: look for connect, accept or recv on a socket "
                "without settimeout(...) or timeout=..., or a loop that never ends.")
        # Finalise sockets held in reference cycles, so their warnings show now. The young
        # generations hold what the call created; a full collection costs ~0.5 s in a kernel.
        gc.collect(1)
    if "error" in result:
        raise result["error"]
    unclosed = [str(w.message) for w in caught if issubclass(w.category, ResourceWarning)
                and _warned_fd(w.message) not in fds_before]  # not one left open by earlier code
    if unclosed and not allow_leaks:
        raise AssertionError(
            f"{call} returned but left {len(unclosed)} socket(s) open: {unclosed[0]}. "
            "Close every socket you create, best with a `with` block.")
    if not allow_leaks:
        _expect_threads_done(call, threads_before | {worker})
    return result.get("value")


def _expect_threads_done(call: str, before: set[threading.Thread], grace: float = 1.0) -> None:
    started = [t for t in threading.enumerate() if t not in before]
    for thread in started:
        thread.join(grace)
    running = [t.name for t in started if t.is_alive()]
    if running:
        raise AssertionError(
            f"{call} returned but left {len(running)} thread(s) running ({', '.join(running)}). "
            "Stop and join the threads you start before returning.")


def expect_raises(exc_type: type[BaseException] | tuple, fn: Callable, *args,
                  limit: float = 5.0, hint: str = "", **kwargs) -> BaseException:
    """Fail unless ``fn(*args, **kwargs)`` raises ``exc_type`` within ``limit`` seconds."""
    call = _describe_call(fn, args, kwargs)
    names = " or ".join(t.__name__ for t in (exc_type if isinstance(exc_type, tuple) else (exc_type,)))
    raised: list[BaseException] = []

    def recorded(*a, **k):  # tells fn's own exceptions from run_limited's verdicts
        try:
            return fn(*a, **k)
        except BaseException as exc:
            raised.append(exc)
            raise

    recorded.__name__ = getattr(fn, "__name__", "function")
    try:
        value = run_limited(recorded, *args, limit=limit, **kwargs)
    except BaseException as exc:
        if not any(exc is e for e in raised):
            raise  # run_limited's own verdict (timeout, leak), even when exc_type is Exception
        if isinstance(exc, exc_type):
            return exc
        if isinstance(exc, (NotImplementedError, AssertionError)) or not isinstance(exc, Exception):
            raise  # a stub, or the function's own assertion: already clear
        raise AssertionError(f"{call}: expected {names}, got {type(exc).__name__}: {exc}. {hint}".strip()) from None
    raise AssertionError(f"{call}: expected {names}, but it returned {_short(value)}. {hint}".strip())
