"""The judge's side of a session with a student's kernel: proxies for the student's code,
calls into it, calls back out of it, and what can be seen of the kernel from outside.

A test cell run by the judge sees the names the student's notebook defines as they are
in the kernel: plain data is copied (a constant, a dict of predictions); a function, a
class or any other object is a :class:`StudentObject` whose calls run in the kernel. A
function of the judge's passed to the student's code (a test's handler) stays here: the
kernel calls it back. Sockets travel both ways as descriptors of the same socket.

What the judge trusts is only what it sees itself: the values that come back (checked by
type, so an object that claims to equal anything is not a str), the effects on its own
servers and clients, and the kernel's open sockets and threads read from ``/proc``.
"""

from __future__ import annotations

import builtins
import importlib
import itertools
import os
import socket
import struct
import sys
import threading
import time
from pathlib import Path
from typing import Any, Optional

from socketlab.check import open_sockets
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

__all__ = ["Session", "StudentObject", "current"]

# How long a call made outside run_limited may take (run_limited sets its own limit).
BARE_LIMIT = 15.0
# The longest any one reply is waited for (a call under run_limited is abandoned at its limit).
LONGEST = 120.0
# Modules a test cell may see under the name the notebook imported them as.
_MODULES_OK = set(sys.stdlib_module_names) | {"socketlab", "psutil", "matplotlib", "numpy"}

_session: Optional["Session"] = None


def current() -> Optional["Session"]:
    """The session of the notebook being judged, or None (in a learner's own kernel)."""
    return _session


class StudentObject:
    """Something that lives in the student's kernel: calling it, reading its attributes or
    using it as a context manager or iterator happens there."""

    __slots__ = ("_session", "_handle", "_kind", "__name__", "_bases")

    def __init__(self, session: "Session", handle: int, kind: str, name: str, bases: list):
        object.__setattr__(self, "_session", session)
        object.__setattr__(self, "_handle", handle)
        object.__setattr__(self, "_kind", kind)
        object.__setattr__(self, "__name__", name)
        object.__setattr__(self, "_bases", bases)

    def __call__(self, *args, **kwargs):
        return self._session.request(self, "call", args=args, kwargs=kwargs)

    def __getattr__(self, name: str):
        if name.startswith("__") and name.endswith("__"):
            raise AttributeError(name)
        return self._session.request(self, "getattr", name=name)

    def __enter__(self):
        return self._session.request(self._session.request(self, "getattr", name="__enter__"), "call")

    def __exit__(self, kind, error, tb):
        return self._session.request(self, "exit", error=error)

    def __iter__(self):
        return self._session.request(self._session.request(self, "getattr", name="__iter__"), "call")

    def __next__(self):
        return self._session.request(self._session.request(self, "getattr", name="__next__"), "call")

    def __repr__(self) -> str:
        return f"<{self.__name__} from your code>" if self._kind == "callable" else f"<a {self.__name__} object>"


def _peer_pid(sock: socket.socket) -> int:
    creds = sock.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, struct.calcsize("3i"))
    return struct.unpack("3i", creds)[0]


def _inode(fd: int) -> int:
    return os.fstat(fd).st_ino


class Session:
    """One notebook's connection to its kernel's call-server."""

    def __init__(self, path: Path):
        self.path = path
        self.listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.listener.bind(str(path))
        os.chmod(path, 0o666)  # the kernel runs as another user (nobody) in its sandbox
        self.listener.listen(1)
        self.control: Optional[Channel] = None
        self.pid = 0
        self._idle: list[Channel] = []
        self._idle_lock = threading.Lock()
        self.channel_inodes: set[int] = set()  # the kernel's ends of our channels: not the student's sockets
        self.channels_made = 0
        self.own_fds: set[int] = set()  # this side's ends of the channels: never shut down to wake a call
        self._callbacks: dict[int, Any] = {}
        self._callback_ids: dict[int, int] = {}
        self._ids = itertools.count(1)
        self._mirrors: dict[tuple[str, str], type] = {}
        self._raised: dict[int, BaseException] = {}
        self.namespace: dict[str, Any] = {}  # the judge's (runner.py): its own classes win
        self.unclosed: list[tuple[float, str]] = []  # socket warnings the kernel reported, with when
        self._unblocked = threading.Event()
        self._where: list[str] = []
        self.codec = Codec(self._keep, self._handle, self._exception)

    # ---------------------------------------------------------------- connecting
    def accept(self, timeout: float) -> None:
        """Wait for the kernel's call-server; from then on this is the current session."""
        global _session
        self.listener.settimeout(timeout)
        try:
            sock, _ = self.listener.accept()
        finally:
            self.listener.close()
            self.path.unlink(missing_ok=True)
        self.pid = _peer_pid(sock)
        self.control = Channel(sock)
        self.own_fds.add(sock.fileno())
        threading.Thread(target=self._control_loop, daemon=True, name="judge-control").start()
        _session = self

    def close(self) -> None:
        global _session
        if _session is self:
            _session = None
        for channel in self._idle:
            channel.close()
        if self.control is not None:
            self.control.close()

    def _control_loop(self) -> None:
        assert self.control is not None
        while True:
            try:
                message, fds = self.control.receive()
            except (EOFError, OSError, WireError):
                return
            for fd in fds:
                os.close(fd)
            if message.get("op") == "want-channel":
                mine = self._new_channel("callback-channel", message.get("ticket"))
                threading.Thread(target=self._serve_callbacks, args=(mine,), daemon=True,
                                 name="judge-callbacks").start()
            elif message.get("op") == "unblocked":
                self._where = [str(w)[:1000] for w in message.get("where", []) if isinstance(w, str)]
                self._unblocked.set()

    def _new_channel(self, kind: str, ticket: Any = None) -> Channel:
        mine, theirs = socket.socketpair()
        self.channel_inodes.add(_inode(theirs.fileno()))
        self.channels_made += kind == "channel"
        assert self.control is not None
        self.control.send({"op": kind, "ticket": ticket if type(ticket) is int else None}, [theirs.fileno()])
        theirs.close()
        self.own_fds.add(mine.fileno())
        return Channel(mine)

    # ---------------------------------------------------------------- values
    def _keep(self, value: Any) -> dict:
        if isinstance(value, StudentObject):
            return {"R": [value._handle]}
        # Anything else (a handler, a socket subclass that counts its calls) stays here; the
        # kernel gets a stand-in whose calls and attributes come back to it.
        handle = self._callback_ids.get(id(value))
        if handle is None:
            handle = next(self._ids)
            self._callbacks[handle] = value
            self._callback_ids[id(value)] = handle
        return {"C": [handle, str(getattr(value, "__name__", type(value).__name__))]}

    def _handle(self, tag: str, body: Any) -> Any:
        if tag == "C":
            if isinstance(body, list) and body and body[0] in self._callbacks:
                return self._callbacks[body[0]]
            raise WireError("no such function of the judge's")
        if not (isinstance(body, list) and len(body) == 5 and type(body[0]) is int and isinstance(body[3], list)):
            raise WireError("bad object handle")
        handle, kind, name, bases, module = body
        if kind == "exception":
            return self.mirror(str(module), str(name), [str(b) for b in bases])
        return StudentObject(self, handle, str(kind), str(name)[:80], [])

    def _remember(self, exc: BaseException) -> int:
        """An id for an exception raised here and sent to the kernel: when the student's code
        lets it through, the test gets this very object back."""
        handle = next(self._ids)
        self._raised[handle] = exc
        for old in list(self._raised)[:-100]:
            del self._raised[old]
        return handle

    def mirror(self, module: str, name: str, bases: list[str]) -> type:
        """The judge's stand-in for an exception class the student's notebook defines: same
        name, derived from the same built-in exception, the same class every time. A class the
        instructor's cells define here under that name (a given CommandError) is that class."""
        own = self.namespace.get(name) if module == "__main__" else None
        if isinstance(own, type) and issubclass(own, BaseException):
            return own
        key = (module, name)
        if key not in self._mirrors:
            base = builtin_exception({"bases": bases})
            self._mirrors[key] = type(name, (base,), {"__module__": module})
        return self._mirrors[key]

    def _exception(self, data: dict) -> BaseException:
        if data.get("origin") in self._raised:
            return self._raised[data["origin"]]
        module, name = data["module"], data["type"]
        cls = None
        if module == "builtins" or (module in sys.modules and module.split(".")[0] in _MODULES_OK):
            found = getattr(sys.modules.get(module, builtins), name, None)
            if isinstance(found, type) and issubclass(found, BaseException):
                cls = found
        if cls is None:
            cls = self.mirror(module, name, data["bases"])
        return rebuild(cls, data)

    # ---------------------------------------------------------------- requests
    def _take(self) -> Channel:
        with self._idle_lock:
            if self._idle:
                return self._idle.pop()
        return self._new_channel("channel")

    def request(self, target: Any, op: str, **fields: Any) -> Any:
        """Ask the kernel to do ``op`` on ``target`` and wait for its answer (see BARE_LIMIT)."""
        limited = threading.current_thread().name == "socketlab-check"  # check.run_limited's worker
        wait = LONGEST if limited else BARE_LIMIT
        fds: list[int] = []
        message = {"op": op, "target": self.codec.encode(target, fds)}
        for key, value in fields.items():
            message[key] = self.codec.encode(value, fds)
        passed = [_inode(fd) for fd in fds]
        channel = self._take()
        channel.send(message, fds)
        try:
            reply, got = channel.receive(timeout=wait)
        except TimeoutError:
            channel.close()
            if limited:
                raise
            self.unblock()
            raise AssertionError(f"{getattr(target, '__name__', 'your code')} did not return within {wait:g} s. "
                                 + " ".join(self._where)) from None
        except (EOFError, WireError, OSError) as exc:
            channel.close()
            raise AssertionError(f"the judge lost its connection to your kernel ({exc}): did your code end "
                                 "the kernel or close descriptors it did not open?") from None
        try:
            self._mirror(fields, passed, reply.get("timeouts"))
            channel.send({"op": "release-args"})
            with self._idle_lock:
                self._idle.append(channel)
            self.unclosed += [(time.monotonic(), str(t)) for t in reply.get("unclosed", []) if isinstance(t, str)]
            if "error" in reply:
                raise AssertionError(f"the judge could not use your code's answer: {str(reply['error'])[:300]}")
            if "raised" in reply:
                raise self._exception(checked_exception(reply["raised"]))
            return self.codec.decode(reply.get("ok"), got)
        finally:
            for fd in got:
                os.close(fd)

    def library(self, name: str, args: tuple) -> Any:
        """Run socketlab function ``name`` in the kernel (see socketlab.judge.student_side)."""
        return self.request(None, "library", name=name, args=args)

    def _mirror(self, fields: dict, passed: list[int], timeouts: Any) -> None:
        """A socket the judge passed in that the student's code closed (seen in /proc) is
        closed here too, as it would be were the two the same object; one whose timeout it
        changed (as the kernel says) gets that timeout here, which also sets the blocking
        flag the two share back to what this side's object expects."""
        if not passed:
            return
        mine = sockets_of((fields.get("args", ()), fields.get("kwargs", {})))
        told = timeouts if isinstance(timeouts, list) and len(timeouts) == len(mine) else [s.gettimeout() for s in mine]
        for sock, timeout in zip(mine, told):
            if sock.fileno() != -1 and (timeout is None or (type(timeout) in (int, float) and timeout >= 0)):
                sock.settimeout(timeout)
        still = self.socket_inodes()
        for sock in mine:
            if sock.fileno() != -1 and _inode(sock.fileno()) in passed and _inode(sock.fileno()) not in still:
                sock.close()

    def _serve_callbacks(self, channel: Channel) -> None:
        while True:
            try:
                message, fds = channel.receive()
            except (EOFError, OSError, WireError):
                channel.close()
                return
            received: list[socket.socket] = []
            out: list[int] = []
            try:
                thing = self._callbacks.get(message.get("id"))  # type: ignore[arg-type]
                if thing is None:
                    raise WireError("no such object of the judge's")
                args = self.codec.decode(message.get("args"), fds)
                kwargs = self.codec.decode(message.get("kwargs"), fds)
                received = sockets_of((args, kwargs))
                if message.get("op") == "getattr":
                    result = getattr(thing, str(args[0]))
                else:
                    result = thing(*args, **kwargs)
                reply = {"ok": self.codec.encode(result, out)}
            except BaseException as exc:  # handed back to the student's code, which may catch it
                from socketlab import check

                if message.get("op") != "getattr":
                    check.note_server_error(exc)
                reply = {"raised": {**exception_data(exc), "origin": self._remember(exc)}}
            finally:
                for fd in fds:
                    os.close(fd)
            try:
                channel.send(reply, out)
            except (OSError, WireError):
                channel.close()
                return
            finally:
                for sock in received:  # the judge's copy; the student's code closes its own
                    sock.close()

    def names(self) -> dict:
        """The names the student's notebook defines, as a test cell should see them."""
        channel = self._take()
        channel.send({"op": "names"})
        reply, fds = channel.receive(timeout=BARE_LIMIT)
        for fd in fds:
            os.close(fd)
        with self._idle_lock:
            self._idle.append(channel)
        if "error" in reply:
            raise WireError(str(reply["error"])[:300])
        found = {}
        for name, desc in (reply.get("names") or {}).items():
            if not isinstance(desc, dict) or not isinstance(name, str) or not name.isidentifier():
                continue
            try:
                if desc.get("kind") == "module":
                    module = str(desc.get("name"))
                    if module.split(".")[0] in _MODULES_OK:
                        found[name] = importlib.import_module(module)
                elif desc.get("kind") == "import":
                    found[name] = _imported(str(desc.get("module")), str(desc.get("name")))
                    if found[name] is None:
                        del found[name]
                elif desc.get("kind") == "value":
                    found[name] = self.codec.decode(desc.get("value"), [])
                elif desc.get("kind") == "ref":
                    found[name] = self._handle("R", desc.get("ref"))
            except (WireError, ImportError, ValueError):
                continue
        return found

    def unblock(self, wait: float = 2.0) -> list[str]:
        """Wake the kernel's calls in progress; what each was waiting in."""
        self._unblocked.clear()
        self._where = []
        if self.control is not None:
            try:
                self.control.send({"op": "unblock"})
            except OSError:
                return []
        self._unblocked.wait(wait)
        return list(self._where)

    # ---------------------------------------------------------------- the kernel seen from outside
    def socket_inodes(self) -> set[int]:
        """Inodes of the sockets the kernel process has open, less the judge's own channels."""
        return set(open_sockets(str(self.pid)).values()) - self.channel_inodes

    def snapshot(self) -> tuple:
        """What the kernel holds now: (when, its sockets, its threads, channels made so far)."""
        return time.monotonic(), self.socket_inodes(), self.thread_count(), self.channels_made

    def unclosed_since(self, before: tuple, grace: float = 1.0) -> list[str]:
        """The sockets the kernel opened since ``before`` and still holds after up to ``grace``
        seconds, and those CPython warned were left to the garbage collector (said by the kernel)."""
        when, inodes = before[0], before[1]
        deadline = time.monotonic() + grace
        while True:
            new = self.socket_inodes() - inodes - set(open_sockets().values())  # the judge's own: passed in, not leaked
            if not new or time.monotonic() > deadline:
                break
            time.sleep(0.05)
        warned = [text for at, text in list(self.unclosed) if at >= when]
        return warned + self.describe_sockets(new)

    def threads_since(self, before: tuple, grace: float = 1.0) -> list[str]:
        """The threads the kernel started since ``before`` still running after up to ``grace`` s
        (less one per channel made meanwhile: the call-server's own)."""
        deadline = time.monotonic() + grace
        while True:
            extra = self.thread_count() - before[2] - (self.channels_made - before[3])
            if extra <= 0 or time.monotonic() > deadline:
                break
            time.sleep(0.05)
        return [f"{extra} in your code's process"] if extra > 0 else []

    def thread_count(self) -> int:
        try:
            return len(os.listdir(f"/proc/{self.pid}/task"))
        except OSError:
            return 0

    def describe_sockets(self, inodes: set[int]) -> list[str]:
        """'a TCP socket 127.0.0.1:5000 -> 127.0.0.1:40000' for each of the kernel's sockets in ``inodes``."""
        if not inodes:  # the usual case: psutil's walk of every socket table costs ~15 ms
            return []
        import psutil

        fd_of = {inode: fd for fd, inode in open_sockets(str(self.pid)).items()}
        try:
            connections = {c.fd: c for c in psutil.Process(self.pid).net_connections(kind="all")}
        except psutil.Error:
            connections = {}
        described = []
        for inode in sorted(inodes):
            fd = fd_of.get(inode, -1)
            conn = connections.get(fd)
            if conn is None:
                described.append(f"<socket fd={fd}>")
                continue
            kind = {socket.SOCK_STREAM: "TCP", socket.SOCK_DGRAM: "UDP"}.get(conn.type, "")
            local = _address(conn.laddr)
            remote = f" -> {_address(conn.raddr)}" if conn.raddr else ""
            described.append(f"<{kind or 'a'} socket fd={fd} {local}{remote}>".replace("  ", " "))
        return described


def _imported(module: str, qualname: str) -> Any:
    """The judge's own copy of a function or class the notebook imported (None if not allowed)."""
    if module.split(".")[0] not in _MODULES_OK:
        return None
    value: Any = importlib.import_module(module)
    for part in qualname.split("."):
        value = getattr(value, part, None)
    return value if callable(value) else None


def _address(addr: Any) -> str:
    if not addr:
        return ""
    if isinstance(addr, str):
        return addr
    return f"{addr[0]}:{addr[1]}" if len(addr) >= 2 else str(addr)
