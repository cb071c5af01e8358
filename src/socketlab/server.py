"""Background servers for demos and tests.

A server runs its handler in threads on loopback and a port the kernel picks,
gives back its address, and stops when its ``with`` block ends. An exception in
the handler is re-raised in the caller at the end of the block, instead of being
printed to stderr from a thread (which would cost a notebook test cell its points).
It is re-raised as an AssertionError that says what the server was doing and what
that usually means for the learner's code, and is still an instance of the handler's
exception type (``socketlab.check.failure``); an AssertionError (a test's own check
inside the handler) is re-raised unchanged.

    def upper(conn):
        conn.sendall(conn.recv(1024).upper())

    with tcp_server(upper) as server:
        with socket.create_connection(server.address, timeout=2) as client:
            client.sendall(b"hi")
            print(client.recv(1024))        # b'HI'
"""

from __future__ import annotations

import os
import select
import socket
import tempfile
import threading
from typing import Callable, Optional

from socketlab.check import _exception_hint, _innermost, _raised_text, _where, failure, note_server_error

__all__ = ["BackgroundServer", "tcp_server", "udp_server", "unix_server"]


class _StillRunning(TimeoutError):
    """A handler that had not finished when its server stopped."""

StreamHandler = Callable[[socket.socket], None]
DatagramHandler = Callable[[bytes, object], Optional[bytes]]


class BackgroundServer:
    """Serve one listening or datagram socket from a background thread.

    Stream sockets: ``handler(conn)`` runs in a thread of its own for every
    accepted connection; ``conn`` has a timeout of ``timeout`` seconds and is
    closed after the handler returns. Datagram sockets: ``handler(data, addr)``
    runs for every datagram; a ``bytes`` return value is sent back to ``addr``.
    """

    def __init__(self, handler, family, type, address, *, timeout=5.0, backlog=16):
        self.handler = handler
        self.timeout = timeout
        self.sock = socket.socket(family, type)
        self._errors: list[BaseException] = []
        self._threads: list[threading.Thread] = []
        self._conns: set[socket.socket] = set()
        self._lock = threading.Lock()
        self._wake_r, self._wake_w = socket.socketpair()
        self._stopping = False
        self._forced = False  # handlers' errors after a forced shutdown are ours, not theirs
        try:
            self.sock.bind(address)
            if type == socket.SOCK_STREAM:
                self.sock.listen(backlog)
        except BaseException:
            self._close_sockets()
            raise
        # (host, port) for IPv6 too, so create_connection(server.address) works in every family.
        name = self.sock.getsockname()
        self.address = name[:2] if family == socket.AF_INET6 else name
        serve = self._accept_loop if type == socket.SOCK_STREAM else self._datagram_loop
        self._main = threading.Thread(target=self._guard, args=(serve,), daemon=True,
                                      name=f"socketlab-server-{self.address}")

    # --- lifetime -----------------------------------------------------------
    def __enter__(self) -> "BackgroundServer":
        self._main.start()
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        self.stop()
        if self._errors and exc is None:
            raise self._explained(self._errors[0])

    def _raised_by_code_under_test(self, error: BaseException):
        """The frame that raised ``error`` when it is in code defined outside the handler's own
        cell or file, which the handler called: the code under test served by the test's server
        (a learner's handle_client), not the test's own handler. None otherwise."""
        raised_in = _innermost(error.__traceback__)
        handler_file = getattr(getattr(self.handler, "__code__", None), "co_filename", None)
        return raised_in if raised_in and handler_file and raised_in.filename != handler_file else None

    def _explained(self, error: BaseException) -> BaseException:
        """The handler's error as a learner reads it: what the test's server was doing, what
        went wrong, what it usually means for the code under test."""
        if isinstance(error, (AssertionError, NotImplementedError)) or not isinstance(error, Exception):
            return error  # the test's own check in the handler, a stub, KeyboardInterrupt: already clear
        name = getattr(self.handler, "__name__", "handler")
        raised_in = self._raised_by_code_under_test(error)
        if raised_in:
            return failure(error, " ".join(p for p in (
                f"{raised_in.name}, run by the test's server for each connection, was expected to "
                f"handle it, but raised {_raised_text(error)}{_where(error.__traceback__)}.",
                _exception_hint(error)) if p))
        if isinstance(error, _StillRunning):
            return failure(error, (
                f"The test's server expected its handler {name} to be done when the test was, but it was "
                f"still running {self.timeout:g} s after the with block ended: it waited for something "
                "from the code under test that never came. "
                "Check that everything was sent (sendall) with what ends it (a newline, a length, or "
                "closing the connection), and that every connection made was closed."))
        if isinstance(error, TimeoutError):
            meaning = (f"The server waited {self.timeout:g} s for data that never came: check that "
                       "everything was sent (sendall), with what ends a message (a newline, a length, or "
                       "closing the connection).")
        elif isinstance(error, (BrokenPipeError, ConnectionResetError, ConnectionAbortedError)):
            meaning = ("The connection was closed or reset from the other side while the server was still "
                       "sending or reading: the code under test closed its socket (or returned, or raised) "
                       "before the exchange was over.")
        elif isinstance(error, UnicodeDecodeError):
            meaning = "The server was sent bytes that are not UTF-8 text: encode text with .encode('utf-8')."
        else:
            meaning = _exception_hint(error) or (
                "The server could not handle what it was sent; compare what the code under test sends "
                "with what the exercise asks for.")
        return failure(error, f"The test's server expected to finish its exchange with the code under test, "
                              f"but its handler {name} got {_raised_text(error)}{_where(error.__traceback__)}. "
                              f"{meaning}")

    def stop(self) -> None:
        """Stop accepting, give running handlers ``timeout`` seconds, then close everything."""
        if self._stopping:
            return
        self._stopping = True
        self._wake_w.send(b"x")
        if self._main.ident is not None:  # never started when stopped without a with block
            self._main.join(self.timeout)
        stuck = self._main.is_alive()  # a datagram handler runs in the main thread
        for thread in list(self._threads):
            thread.join(self.timeout)
            if thread.is_alive():  # stuck in recv on a client that never closes: unblock it
                stuck = True
                self._shutdown_conns()
                thread.join(1.0)
        if stuck:  # reported even when the forced shutdown did wake the handler
            self._errors.append(_StillRunning(
                f"the server's handler was still running {self.timeout} s after the "
                "with block ended; does it wait for data that never comes?"))
        self._close_sockets()

    @property
    def errors(self) -> list[BaseException]:
        """Exceptions the handler raised so far (the first is re-raised on exit)."""
        return list(self._errors)

    # --- threads --------------------------------------------------------------
    def _guard(self, target, *args) -> None:
        try:
            target(*args)
        except BaseException as exc:  # re-raised in the caller by __exit__
            if not self._forced:
                self._errors.append(exc)
                if self._raised_by_code_under_test(exc):
                    note_server_error(exc)  # a check failing meanwhile names it as the first cause

    def _ready(self) -> bool:
        """Wait until the server socket is readable; False once stop() was called."""
        readable, _, _ = select.select([self.sock, self._wake_r], [], [])
        return self._wake_r not in readable

    def _accept_loop(self) -> None:
        while self._ready():
            conn, _ = self.sock.accept()
            conn.settimeout(self.timeout)
            with self._lock:
                self._conns.add(conn)
            thread = threading.Thread(target=self._guard, args=(self._serve_conn, conn),
                                      daemon=True, name="socketlab-handler")
            self._threads.append(thread)
            thread.start()

    def _serve_conn(self, conn: socket.socket) -> None:
        try:
            with conn:
                self.handler(conn)
        finally:
            with self._lock:
                self._conns.discard(conn)

    def _datagram_loop(self) -> None:
        while self._ready():
            data, addr = self.sock.recvfrom(65535)
            reply = self.handler(data, addr)
            if reply is not None:
                self.sock.sendto(reply, addr)

    def _shutdown_conns(self) -> None:
        self._forced = True
        with self._lock:
            for conn in self._conns:
                try:
                    conn.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass  # already closed by the peer

    def _close_sockets(self) -> None:
        for sock in (self.sock, self._wake_r, self._wake_w):
            sock.close()


def tcp_server(handler: StreamHandler, host: str = "127.0.0.1", port: int = 0, **options) -> BackgroundServer:
    """A TCP server on ``host`` (IPv4 or IPv6 literal) that runs ``handler(conn)`` per connection."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    return BackgroundServer(handler, family, socket.SOCK_STREAM, (host, port), **options)


def udp_server(handler: DatagramHandler, host: str = "127.0.0.1", port: int = 0, **options) -> BackgroundServer:
    """A UDP server that answers each datagram with what ``handler(data, addr)`` returns."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    return BackgroundServer(handler, family, socket.SOCK_DGRAM, (host, port), **options)


class _UnixServer(BackgroundServer):
    """A stream server on a socket file in a private temporary folder, removed on stop."""

    def __init__(self, handler, path, **options):
        self._tmpdir = None
        if path is None:
            self._tmpdir = tempfile.TemporaryDirectory(prefix="socketlab-")
            path = os.path.join(self._tmpdir.name, "server.sock")
        try:
            super().__init__(handler, socket.AF_UNIX, socket.SOCK_STREAM, path, **options)
        except BaseException:  # e.g. "AF_UNIX path too long" under a long TMPDIR
            if self._tmpdir is not None:
                self._tmpdir.cleanup()
            raise

    def stop(self) -> None:
        super().stop()
        if os.path.exists(self.address):
            os.unlink(self.address)
        if self._tmpdir is not None:
            self._tmpdir.cleanup()


def unix_server(handler: StreamHandler, path: Optional[str] = None, **options) -> BackgroundServer:
    """A Unix-domain stream server; ``address`` is the socket file's path."""
    if not hasattr(socket, "AF_UNIX"):
        raise OSError("this platform has no AF_UNIX sockets (native Windows before 10 build 17063)")
    return _UnixServer(handler, path, **options)
