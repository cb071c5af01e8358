"""What travels between the judge and the call-server in a student's kernel, and how.

A message is a 4-byte length and a JSON document; sockets it carries travel beside it as
file descriptors (SCM_RIGHTS), so the receiver gets its own descriptor of the same socket.
Values are plain data, tagged where JSON has no type of its own. Nothing is unpickled and
nothing is evaluated: a value either decodes to data, a socket, an exception of a known
kind, or a handle the receiving side looks up in its own table.

Tags: ``{"B": base64}`` bytes, ``{"A": base64}`` bytearray, ``{"T": [...]}`` tuple,
``{"L": [...]}`` list, ``{"D": [[k, v], ...]}`` dict, ``{"S": [...]}`` set, ``{"Z": [...]}``
frozenset, ``{"F": [n, timeout, family, type, proto]}`` the n-th attached socket,
``{"N": [enum, value]}`` a member of one of the standard library's socket enums,
``{"E": {...}}`` an exception, ``{"R": id}`` an object that stays on the kernel's side,
``{"C": id}`` a callable that stays on the judge's.
"""

from __future__ import annotations

import base64
import builtins
import enum
import json
import os
import socket
import struct
import threading
from typing import Any, Callable, Optional

__all__ = ["Channel", "Codec", "WireError", "ENUMS", "exception_data", "checked_exception", "builtin_exception",
           "rebuild", "sockets_of"]

MAX_MESSAGE = 64 * 1024 * 1024  # a 1 MB reply, base64-encoded, fits many times over
MAX_FDS = 32
MAX_DEPTH = 40
MAX_ITEMS = 200_000

# Enums a value may carry across (socket.AF_INET is an AddressFamily, not an int).
ENUMS: dict[str, type[enum.Enum]] = {
    f"socket.{cls.__name__}": cls for cls in (socket.AddressFamily, socket.SocketKind, socket.MsgFlag,
                                             socket.AddressInfo)}


_TAGS: dict[type, str] = {list: "L", tuple: "T", set: "S", frozenset: "Z"}


class Lent(socket.socket):
    """A socket the other side lent this one (its own descriptor of the same socket): left
    to the garbage collector it closes quietly, since the code that got it did not open it."""

    def __del__(self) -> None:
        try:
            if self.fileno() != -1:
                self.close()
        except OSError:
            pass


SOCKETS = (socket.socket, Lent)  # the types that travel as descriptors (a test's subclass does not)


class WireError(Exception):
    """A message that is not one: too big, cut short, or not the data this format allows."""


class Channel:
    """One end of a connection carrying messages; ``lock`` keeps a request and its reply together."""

    def __init__(self, sock: socket.socket):
        self.sock = sock
        self.lock = threading.Lock()
        self._send_lock = threading.Lock()

    def send(self, message: dict, fds: list[int] = ()) -> None:  # type: ignore[assignment]
        data = json.dumps(message, separators=(",", ":")).encode()
        if len(data) > MAX_MESSAGE:
            raise WireError(f"message of {len(data)} bytes is larger than {MAX_MESSAGE}")
        header = struct.pack("!I", len(data))
        with self._send_lock:
            if fds:
                socket.send_fds(self.sock, [header], list(fds))
                self.sock.sendall(data)
            else:
                self.sock.sendall(header + data)

    def receive(self, timeout: Optional[float] = None) -> tuple[dict, list[int]]:
        """The next message and the descriptors that came with it. Raises TimeoutError,
        EOFError when the other side closed, WireError for anything malformed."""
        self.sock.settimeout(timeout)
        header, fds = b"", []
        while len(header) < 4:
            chunk, more, flags, _ = socket.recv_fds(self.sock, 4 - len(header), MAX_FDS)
            fds += more
            if not chunk:
                _close_all(fds)
                raise EOFError("the other side closed the connection")
            if flags & socket.MSG_CTRUNC:
                _close_all(fds)
                raise WireError("too many descriptors in one message")
            header += chunk
        size = struct.unpack("!I", header)[0]
        if size > MAX_MESSAGE:
            _close_all(fds)
            raise WireError(f"message of {size} bytes announced")
        body = bytearray()
        while len(body) < size:
            chunk = self.sock.recv(min(size - len(body), 1 << 20))
            if not chunk:
                _close_all(fds)
                raise EOFError("the connection closed in the middle of a message")
            body += chunk
        try:
            message = json.loads(body)
        except ValueError as exc:
            _close_all(fds)
            raise WireError(f"not JSON: {exc}") from None
        if not isinstance(message, dict):
            _close_all(fds)
            raise WireError("a message must be a JSON object")
        return message, fds

    def close(self) -> None:
        try:
            self.sock.close()
        except OSError:
            pass


def _close_all(fds: list[int]) -> None:
    for fd in fds:
        try:
            os.close(fd)
        except OSError:
            pass


def exception_data(exc: BaseException, where: str = "") -> dict:
    """An exception as data: its type's name and module, the built-in types it derives from
    (nearest first), its arguments where they are plain, its text and where it was raised."""
    cls = type(exc)
    bases = [c.__name__ for c in cls.__mro__ if c.__module__ == "builtins" and issubclass(c, BaseException)]
    plain = all(isinstance(a, (str, int, float, bool, type(None))) for a in exc.args)
    try:
        text = str(exc)
    except Exception:  # noqa: BLE001 (a __str__ that raises)
        text = ""
    data: dict[str, Any] = {"type": cls.__name__, "module": cls.__module__, "bases": bases,
            "args": list(exc.args) if plain else [text], "text": text[:4000], "where": where[:1000]}
    origin = getattr(exc, "__socketlab_origin__", None)
    if type(origin) is int:
        data["origin"] = origin
    return data


class Codec:
    """Encodes values for one side of a session and decodes what the other side sent.

    ``keep(value)`` returns the id under which this side keeps a value it will not send as
    data (the other side gets a handle); ``handle(tag, id)`` turns a handle the other side
    sent into the local object ("R" or "C"); ``exception(data)`` rebuilds an exception."""

    def __init__(self, keep: Callable[[Any], dict], handle: Callable[[str, Any], Any],
                 exception: Callable[[dict], BaseException]):
        self._keep, self._handle, self._exception = keep, handle, exception

    # -- encoding
    def encode(self, value: Any, fds: list[int], depth: int = 0) -> Any:
        if depth > MAX_DEPTH:
            raise WireError("value nested too deeply")
        if value is None or type(value) in (bool, str, float):
            return value
        if type(value) is int:
            return value
        if isinstance(value, enum.Enum) and f"{type(value).__module__}.{type(value).__name__}" in ENUMS:
            return {"N": [f"{type(value).__module__}.{type(value).__name__}", value.value]}
        kind = type(value)
        if kind is bytes:
            return {"B": base64.b64encode(value).decode()}
        if kind is bytearray:
            return {"A": base64.b64encode(bytes(value)).decode()}
        if kind in (list, tuple, set, frozenset):
            tag = _TAGS[kind]
            return {tag: [self.encode(v, fds, depth + 1) for v in value]}
        if kind is dict:
            return {"D": [[self.encode(k, fds, depth + 1), self.encode(v, fds, depth + 1)] for k, v in value.items()]}
        if type(value) in SOCKETS and value.fileno() != -1:  # a test's subclass (one that counts its calls) stays
            fds.append(value.fileno())
            return {"F": [len(fds) - 1, value.gettimeout(), int(value.family), int(value.type), value.proto]}
        if isinstance(value, BaseException):
            return {"E": exception_data(value)}
        return self._keep(value)

    # -- decoding
    def decode(self, data: Any, fds: list[int], depth: int = 0, count: Optional[list[int]] = None) -> Any:
        count = [0] if count is None else count
        count[0] += 1
        if depth > MAX_DEPTH or count[0] > MAX_ITEMS:
            raise WireError("value too big or nested too deeply")
        if data is None or type(data) in (bool, str, int, float):
            return data
        if not isinstance(data, dict) or len(data) != 1:
            raise WireError(f"not a value: {str(data)[:80]}")
        ((tag, body),) = data.items()
        if tag in ("B", "A"):
            raw = base64.b64decode(_str(body), validate=True)
            return raw if tag == "B" else bytearray(raw)
        if tag in ("L", "T", "S", "Z"):
            items = [self.decode(v, fds, depth + 1, count) for v in _list(body)]
            try:
                return {"L": list, "T": tuple, "S": set, "Z": frozenset}[tag](items)
            except TypeError as exc:  # an unhashable item in a set
                raise WireError(str(exc)) from None
        if tag == "D":
            try:
                pairs = [(_list(kv)[0], _list(kv)[1]) for kv in _list(body)]
                return {self.decode(k, fds, depth + 1, count): self.decode(v, fds, depth + 1, count) for k, v in pairs}
            except (TypeError, IndexError) as exc:
                raise WireError(f"not a dict: {exc}") from None
        if tag == "F":
            index, timeout, *kind = _list(body) if len(_list(body)) == 5 else (None, None)
            if type(index) is not int or not 0 <= index < len(fds) or not (
                    timeout is None or (type(timeout) in (int, float) and timeout >= 0)) or \
                    not all(type(k) is int for k in kind):
                raise WireError("no such descriptor")
            # family, type and proto as the sender's object has them: a socket made with proto 0
            # says 0, though the kernel chose 6 (a learner's code may read sock.proto).
            family, kind_, proto = kind
            made = Lent(family, kind_, proto, os.dup(fds[index]))
            # The two sides share the descriptor's blocking flag: this side starts with the sender's
            # timeout, so the flag and this socket object agree (see sockets_of).
            made.settimeout(timeout)
            return made
        if tag == "N":
            name, value = _list(body)[:2]
            if name not in ENUMS:
                raise WireError(f"unknown enum {str(name)[:40]}")
            try:
                return ENUMS[name](value)
            except ValueError:
                return value
        if tag == "E":
            return self._exception(checked_exception(body))
        if tag in ("R", "C"):
            return self._handle(tag, body)
        raise WireError(f"unknown tag {tag[:10]!r}")


def _str(value: Any) -> str:
    if not isinstance(value, str):
        raise WireError("expected a string")
    return value


def _list(value: Any) -> list:
    if not isinstance(value, list):
        raise WireError("expected a list")
    return value


def checked_exception(body: Any) -> dict:
    if not isinstance(body, dict):
        raise WireError("not an exception")
    out: dict[str, Any] = {key: str(body.get(key, ""))[:4000] for key in ("type", "module", "text", "where")}
    out["bases"] = [str(b) for b in body.get("bases", []) if isinstance(b, str)][:30]
    out["args"] = [a for a in body.get("args", []) if isinstance(a, (str, int, float, bool, type(None)))][:10]
    if type(body.get("origin")) is int:
        out["origin"] = body["origin"]
    return out


def sockets_of(value: Any, depth: int = 0) -> list[socket.socket]:
    """The plain sockets in ``value`` (arguments, nested a little), in the order they are encoded."""
    if type(value) in SOCKETS:
        return [value]
    if depth > 3:
        return []
    if isinstance(value, (list, tuple)):
        return [s for v in value for s in sockets_of(v, depth + 1)]
    if isinstance(value, dict):
        return [s for v in value.values() for s in sockets_of(v, depth + 1)]
    return []


def builtin_exception(data: dict) -> type[BaseException]:
    """The nearest built-in exception type an exception's data names (Exception if none)."""
    for name in data.get("bases", []):
        cls = getattr(builtins, name, None)
        if isinstance(cls, type) and issubclass(cls, BaseException):
            return cls
    return Exception


def rebuild(cls: type[BaseException], data: dict) -> BaseException:
    """An instance of ``cls`` from an exception's data: its arguments if they fit, else its text;
    a type that takes neither (UnicodeDecodeError wants five arguments) gives way to its nearest
    built-in base that does."""
    made: BaseException | None = None
    for kind in [cls, *(getattr(builtins, b) for b in data.get("bases", []) if hasattr(builtins, b)), Exception]:
        for args in (data.get("args", []), [data.get("text", "")]):
            try:
                made = kind(*args)
                break
            except Exception:  # noqa: BLE001 (a constructor of its own)
                continue
        if made is not None:
            break
    assert made is not None  # Exception(text) always works
    made.__socketlab_where__ = data.get("where", "")  # type: ignore[attr-defined]
    return made
