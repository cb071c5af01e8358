"""The call-server in a student's kernel: it runs what the judge asks for and answers in data.

Started by one line the judge has the kernel run before any student code
(``start(path, globals())``), it connects to the judge's Unix socket and then only
answers. The judge sends it new channels (socket pairs) over that first connection; each
channel is served by a thread of its own, so calls can overlap as a server's would. A
request names one of: the names the notebook defines (``names``), a call, an attribute,
leaving a ``with`` block. When the student's code calls back a function the judge passed
in (a test's handler), the call goes to the judge over a channel the judge hands over.

Nothing here is trusted by the judge: a student can replace any of it. What it reports
is only what the student's own code did (a result, an exception, the socket warnings
CPython raised in its process); verdicts are the judge's, and what can be seen from
outside (open sockets, threads) the judge reads from /proc itself.
"""

from __future__ import annotations

import gc
import importlib
import itertools
import os
import queue
import socket
import threading
import types
import warnings
from typing import Any

from socketlab.judge.wire import (
    Channel,
    Codec,
    WireError,
    builtin_exception,
    checked_exception,
    exception_data,
    rebuild,
    sockets_of,
)

__all__ = ["start"]

_HIDDEN = {"In", "Out", "exit", "quit", "get_ipython", "open"}
PLAIN_MAX = 1 << 20  # a bigger value of the notebook's (a demo's 32 MB buffer) stays here, as an object


class _NotPlain(Exception):
    pass


class Callee:
    def __init__(self, path: str, namespace: dict):
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.settimeout(10)
        sock.connect(path)
        sock.settimeout(None)
        self.control = Channel(sock)
        self._own_fds = {sock.fileno()}  # the judge's channels: never shut down when a call is woken
        self.namespace = namespace
        self.objects: dict[int, Any] = {}
        self._ids = itertools.count(1)
        self._callback_channels: queue.SimpleQueue = queue.SimpleQueue()  # idle ones
        self._waiting: dict[Any, queue.SimpleQueue] = {}  # ticket -> where the channel asked for goes
        self.calls: dict[int, set[int]] = {}  # thread ident -> socket fds open when its call began
        self._warnings: list[tuple[int, str]] = []  # (thread ident, message) of ResourceWarnings
        self.codec = Codec(self._keep, self._handle, self._exception)
        self._watch_warnings()
        threading.Thread(target=self._control_loop, daemon=True, name="socketlab-judge").start()

    # ---------------------------------------------------------------- values
    def _keep(self, value: Any) -> dict:
        if isinstance(value, _JudgeObject):
            return {"C": [object.__getattribute__(value, "_socketlab_link")[1]]}
        handle = next(self._ids)
        self.objects[handle] = value
        return {"R": [handle, *_describe(value)]}

    def _handle(self, tag: str, body: Any) -> Any:
        if tag == "C":
            return _JudgeObject(self, body)
        if isinstance(body, list) and body and type(body[0]) is int and body[0] in self.objects:
            return self.objects[body[0]]
        raise WireError("no such object")

    def _exception(self, data: dict) -> BaseException:
        cls = self.namespace.get(data["type"]) if data.get("module") == "__main__" else None
        if not (isinstance(cls, type) and issubclass(cls, BaseException)):  # not the notebook's own class
            cls = builtin_exception({"bases": [data["type"], *data["bases"]]})
        made = rebuild(cls, data)
        if "origin" in data:  # raised by the judge: sent back as it is, the judge finds its own object
            made.__socketlab_origin__ = data["origin"]  # type: ignore[attr-defined]
        return made

    def _plain(self, value: Any) -> Any:
        """``value`` encoded, if it is plain data of at most PLAIN_MAX bytes; else _NotPlain."""
        def refuse(v: Any) -> dict:
            raise _NotPlain

        if _size(value) > PLAIN_MAX:
            raise _NotPlain

        fds: list[int] = []
        encoded = Codec(refuse, self._handle, self._exception).encode(value, fds)
        if fds:
            raise _NotPlain
        return encoded

    # ---------------------------------------------------------------- the control connection
    def _control_loop(self) -> None:
        while True:
            try:
                message, fds = self.control.receive()
            except (EOFError, OSError, WireError):
                return
            op = message.get("op")
            if op in ("channel", "callback-channel") and len(fds) == 1:
                channel = Channel(socket.socket(fileno=fds[0]))
                self._own_fds.add(fds[0])
                if op == "channel":
                    threading.Thread(target=self._serve, args=(channel,), daemon=True, name="socketlab-call").start()
                else:
                    self._waiting.pop(message.get("ticket"), self._callback_channels).put(channel)
            elif op == "unblock":
                self._unblock()
            else:
                for fd in fds:
                    os.close(fd)

    def _unblock(self) -> None:
        """Wake the calls in progress: shut down the sockets they opened; say where each was."""
        from socketlab import check

        where = []
        for ident, before in list(self.calls.items()):
            thread = next((t for t in threading.enumerate() if t.ident == ident), None)
            if thread is not None:
                where.append(check._waiting_for(thread, 0) or "")
            check._unblock(check._socket_fds() - before - self._own_fds)  # not the judge's channels
        self.control.send({"op": "unblocked", "where": [w for w in where if w]})

    # ---------------------------------------------------------------- requests
    def _serve(self, channel: Channel) -> None:
        held: list = []  # the last call's arguments, alive until the judge has looked at /proc
        while True:
            try:
                message, fds = channel.receive()
            except (EOFError, OSError, WireError):
                channel.close()
                return
            held.clear()  # the student's code may keep its sockets; else they close quietly (wire.Lent)
            if message.get("op") == "release-args":
                continue
            try:
                reply = self._answer(message, fds)
                held.append(reply.pop("held", ()))
            except WireError as exc:
                reply = {"error": str(exc)}
            except Exception as exc:  # noqa: BLE001 (MemoryError, say): this channel must answer all the same
                reply = {"error": f"{type(exc).__name__} in the kernel: {exc}"[:300]}
            finally:
                for fd in fds:
                    os.close(fd)
            out: list[int] = []
            try:
                encoded = {key: self.codec.encode(value, out) if key in ("ok",) else value
                           for key, value in reply.items()}
                channel.send(encoded, out)
            except (WireError, TypeError, ValueError) as exc:
                channel.send({"error": f"the result could not be sent: {exc}"})
            except OSError:
                channel.close()
                return

    def _answer(self, message: dict, fds: list[int]) -> dict:
        op = message.get("op")
        if op == "names":
            return {"names": self._names()}
        if op == "release":
            for handle in message.get("ids", []):
                self.objects.pop(handle, None)
            return {"ok": None}
        if op == "library":
            return self._library(message, fds)
        target = self.codec.decode(message.get("target"), fds)
        if op == "getattr":
            return self._run(lambda: getattr(target, str(message.get("name"))))
        if op == "call":
            args = self.codec.decode(message.get("args", {"T": []}), fds)
            kwargs = self.codec.decode(message.get("kwargs", {"D": []}), fds)
            if not isinstance(args, tuple) or not isinstance(kwargs, dict):
                raise WireError("bad arguments")
            reply = self._run(lambda: target(*args, **kwargs))
            reply["timeouts"] = [sock.gettimeout() if sock.fileno() != -1 else None
                                 for sock in sockets_of((args, kwargs))]
            reply["held"] = args
            del args, kwargs
            return reply
        if op == "exit":
            error = self.codec.decode(message.get("error"), fds)
            return self._run(lambda: target.__exit__(type(error) if error else None, error, None))
        raise WireError(f"unknown request {str(op)[:20]!r}")

    def _library(self, message: dict, fds: list[int]) -> dict:
        """Call one of socketlab's own functions here, in the student's process (see
        socketlab.judge.student_side): the few checks that must watch from inside."""
        name = str(message.get("name"))
        module, _, function = name.rpartition(".")
        if not module.startswith("socketlab."):
            raise WireError(f"not a socketlab function: {name[:80]}")
        fn = getattr(importlib.import_module(module), function, None)
        fn = getattr(fn, "__wrapped__", fn)  # the function itself, not student_side's wrapper
        args = self.codec.decode(message.get("args", {"T": []}), fds)
        if not callable(fn) or not isinstance(args, tuple):
            raise WireError(f"cannot call {name[:80]}")
        return self._run(lambda: fn(*args))

    def _run(self, action) -> dict:
        """Run the student's code in this thread; report its result or exception and the
        sockets CPython warned it left unclosed."""
        from socketlab import check

        ident = threading.get_ident()
        self.calls[ident] = check._socket_fds()
        start = len(self._warnings)
        try:
            reply = {"ok": action()}
        except BaseException as exc:  # handed to the judge
            reply = {"raised": exception_data(exc, check._where(exc.__traceback__))}
            check._clear_frames(exc)
            del exc
        finally:
            before = self.calls.pop(ident, set())
        gc.collect(1)
        reply["unclosed"] = [text for who, text in self._warnings[start:]
                             if who == ident and check._warned_fd(text) not in before][:5]
        return reply

    def _names(self) -> dict:
        names = {}
        for name, value in list(self.namespace.items()):
            if name.startswith("_") or name in _HIDDEN:
                continue
            if isinstance(value, types.ModuleType):
                names[name] = {"kind": "module", "name": value.__name__}
                continue
            module = getattr(value, "__module__", None)
            if isinstance(value, (type, types.FunctionType, types.BuiltinFunctionType)) and \
                    isinstance(module, str) and module != "__main__":  # imported: the judge has its own
                names[name] = {"kind": "import", "module": module, "name": str(value.__qualname__)}
                continue
            try:
                names[name] = {"kind": "value", "value": self._plain(value)}
            except (_NotPlain, WireError):
                names[name] = {"kind": "ref", "ref": self._keep(value)["R"]}
        return names

    # ---------------------------------------------------------------- callbacks to the judge
    def callback(self, handle: int, op: str, args: tuple, kwargs: dict) -> Any:
        try:
            channel = self._callback_channels.get_nowait()
        except queue.Empty:  # ask for one of its own: another thread may take an idle one meanwhile
            ticket = next(self._ids)
            box: queue.SimpleQueue = queue.SimpleQueue()
            self._waiting[ticket] = box
            self.control.send({"op": "want-channel", "ticket": ticket})
            channel = box.get(timeout=10)
        out: list[int] = []
        message = {"op": op, "id": handle, "args": self.codec.encode(tuple(args), out),
                   "kwargs": self.codec.encode(dict(kwargs), out)}
        channel.send(message, out)
        reply, fds = channel.receive(timeout=120)
        self._callback_channels.put(channel)
        for sock in sockets_of((args, kwargs)):  # the shared blocking flag back to what this side expects
            if sock.fileno() != -1:
                sock.settimeout(sock.gettimeout())
        try:
            if "raised" in reply:
                raise self._exception(checked_exception(reply["raised"]))
            return self.codec.decode(reply.get("ok"), fds)
        finally:
            for fd in fds:
                os.close(fd)

    # ---------------------------------------------------------------- socket warnings
    def _watch_warnings(self) -> None:
        shown = warnings.showwarning

        def record(message, category, filename, lineno, file=None, line=None):
            if issubclass(category, ResourceWarning):
                self._warnings.append((threading.get_ident(), str(message)))
                del self._warnings[:-1000]
                return
            shown(message, category, filename, lineno, file, line)

        warnings.showwarning = record
        warnings.simplefilter("always", ResourceWarning)


class _JudgeObject:
    """Something of the judge's (a test's handler, a socket that counts its calls) as the
    student's code sees it: calls and attributes go to the judge."""

    def __init__(self, callee: Callee, handle: Any):
        if type(handle) is not list or len(handle) != 2 or type(handle[0]) is not int:
            raise WireError("bad handle of the judge's")
        object.__setattr__(self, "_socketlab_link", (callee, handle[0]))
        object.__setattr__(self, "__name__", str(handle[1])[:80])

    def __call__(self, *args, **kwargs):
        callee, handle = object.__getattribute__(self, "_socketlab_link")
        return callee.callback(handle, "call", args, kwargs)

    def __getattr__(self, name: str):
        if name.startswith("__") and name.endswith("__"):
            raise AttributeError(name)
        callee, handle = object.__getattribute__(self, "_socketlab_link")
        return callee.callback(handle, "getattr", (name,), {})

    def __repr__(self) -> str:
        return f"<{object.__getattribute__(self, '__name__')} of the test's>"


def _size(value: Any, depth: int = 0) -> int:
    """About how many bytes ``value`` takes as data (containers summed; one of more than 10,000
    items counts as too big, without walking it: a runaway loop's list of millions)."""
    if isinstance(value, (bytes, bytearray, str)):
        return len(value)
    if isinstance(value, (dict, list, tuple, set, frozenset)) and len(value) > 10_000:
        return PLAIN_MAX + 1
    if isinstance(value, dict) and depth < 20:
        return sum(_size(k, depth + 1) + _size(v, depth + 1) for k, v in value.items())
    if isinstance(value, (list, tuple, set, frozenset)) and depth < 20:
        return sum(_size(v, depth + 1) for v in value)
    return 16


def _describe(value: Any) -> list:
    """[kind, name, built-in bases, module] of an object kept on this side."""
    if isinstance(value, type) and issubclass(value, BaseException):
        bases = [c.__name__ for c in value.__mro__ if c.__module__ == "builtins"]
        return ["exception", value.__name__, bases, str(value.__module__)]
    kind = "callable" if callable(value) else "object"
    return [kind, str(getattr(value, "__name__", type(value).__name__)), [], ""]


_callee: Callee | None = None


def student_namespace() -> dict:
    """The notebook's namespace in this kernel: the one the judge reaches, else IPython's."""
    if _callee is not None:
        return _callee.namespace
    from IPython import get_ipython

    shell = get_ipython()
    if shell is None:
        raise RuntimeError("not in a notebook's kernel")
    return shell.user_ns


def start(path: str, namespace: dict) -> None:
    """Connect to the judge at ``path`` (called once, before any student code runs)."""
    global _callee
    _callee = Callee(path, namespace)
