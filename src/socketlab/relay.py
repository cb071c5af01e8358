"""Relays that shape traffic between a client and a server, on loopback.

A relay sits between a client and a server: the client connects (or sends) to the
relay's ``address`` and the relay forwards to ``upstream``. It records what passed,
so a notebook can show and plot how the bytes travelled.

``stream_relay`` forwards TCP and cuts the bytes into pieces of chosen sizes (or
seeded random sizes, 1 to 4096 bytes by default), pausing briefly between pieces so
the receiver really gets them separately::

    with tcp_server(echo) as server, stream_relay(server.address, chunks=[1, 3]) as relay:
        with socket.create_connection(relay.address, timeout=2) as client:
            ...
    relay.sizes("to_server")           # [1, 3, 1, 3, ...]

``datagram_relay`` forwards UDP and drops, duplicates, delays or reorders datagrams
by a seeded plan: the same seed gives the same fate to the n-th datagram of each
direction, however the datagrams interleave::

    with udp_server(echo) as server, datagram_relay(server.address, drop=0.3, seed=1) as relay:
        ...
    [d.action for d in relay.log]      # ['pass', 'drop', 'pass', ...]

Both are ``socketlab.server.BackgroundServer`` underneath: they stop when their
``with`` block ends, and an error in a relay thread is re-raised there.
"""

from __future__ import annotations

import contextlib
import heapq
import itertools
import random
import select
import socket
import time
from typing import NamedTuple, Optional, Sequence, Union

from socketlab.server import BackgroundServer

__all__ = ["Chunk", "Datagram", "StreamRelay", "DatagramRelay", "stream_relay", "datagram_relay", "relayed_pair",
           "TO_SERVER", "TO_CLIENT", "ACTIONS"]

TO_SERVER, TO_CLIENT = "to_server", "to_client"
ACTIONS = ("pass", "drop", "duplicate", "delay", "reorder")


def _family(host: str) -> int:
    return socket.AF_INET6 if ":" in host else socket.AF_INET


class Chunk(NamedTuple):
    """One piece the stream relay wrote; ``size == 0`` records an end of stream (EOF)."""
    direction: str   # TO_SERVER or TO_CLIENT
    size: int
    time: float      # seconds since the relay was made
    connection: int  # 0 for the first connection the relay accepted, then 1, 2, ...


class Datagram(NamedTuple):
    """One datagram the datagram relay received, and what it did with it."""
    direction: str   # TO_SERVER or TO_CLIENT
    seq: int         # 0, 1, 2, ... counted per direction (not `index`: that is tuple.index)
    size: int
    action: str      # one of ACTIONS
    time: float      # seconds since the relay was made
    data: bytes


# --- stream relay -------------------------------------------------------------
class StreamRelay(BackgroundServer):
    """Forward each accepted TCP connection to ``upstream``, in pieces (see the module doc).

    ``chunks``: None for seeded random sizes between ``sizes[0]`` and ``sizes[1]``
    inclusive; an int for one fixed size; a sequence of ints, used in turn and
    cycled. Each direction of each connection draws its own sizes from ``seed``.
    A piece is at most the size drawn: the relay never holds bytes back waiting for
    more, so when the data runs out first the piece is shorter. After every piece
    the relay sleeps ``delay`` seconds.
    """

    def __init__(self, upstream, chunks: Union[None, int, Sequence[int]] = None, *, seed=0,
                 sizes=(1, 4096), delay=0.002, host="127.0.0.1", timeout=5.0):
        if chunks is not None:
            fixed = [chunks] if isinstance(chunks, int) else list(chunks)
            if not fixed or any(not isinstance(n, int) or n < 1 for n in fixed):
                raise ValueError(f"chunks must be a positive int or a non-empty sequence of them, not {chunks!r}")
        low, high = sizes
        if not 1 <= low <= high:
            raise ValueError(f"sizes must be (low, high) with 1 <= low <= high, not {sizes!r}")
        self.upstream = upstream
        self.chunks, self.seed, self.size_range, self.delay = chunks, seed, (low, high), delay
        self.log: list[Chunk] = []
        self._numbers = itertools.count()
        self._start = time.monotonic()
        super().__init__(self._relay, _family(host), socket.SOCK_STREAM, (host, 0), timeout=timeout)

    def sizes(self, direction: str = TO_CLIENT, connection: Optional[int] = None) -> list[int]:
        """The sizes of the pieces written in ``direction`` (EOF marks left out)."""
        return [c.size for c in self.log if c.direction == direction and c.size
                and (connection is None or c.connection == connection)]

    def _sizer(self, number: int, direction: str):
        if self.chunks is None:
            rng = random.Random(f"{self.seed}/{number}/{direction}")
            return iter(lambda: rng.randint(*self.size_range), None)
        return itertools.cycle([self.chunks] if isinstance(self.chunks, int) else self.chunks)

    def _relay(self, conn: socket.socket) -> None:
        number = next(self._numbers)
        with socket.create_connection(self.upstream, timeout=self.timeout) as upstream:
            for sock in (conn, upstream):
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            routes = {conn: (upstream, TO_SERVER, self._sizer(number, TO_SERVER)),
                      upstream: (conn, TO_CLIENT, self._sizer(number, TO_CLIENT))}
            reading = [conn, upstream]
            try:
                while reading and not self._forced:
                    readable, _, _ = select.select(reading, [], [], 0.1)
                    for src in readable:
                        dst, direction, sizer = routes[src]
                        data = src.recv(65536)
                        if not data:
                            reading.remove(src)
                            self._shut_write(dst)
                        self._forward(memoryview(data), dst, direction, number, sizer)
            except (ConnectionResetError, ConnectionAbortedError, BrokenPipeError):
                return  # a peer vanished: closing both ends is all a relay can do

    def _forward(self, data: memoryview, dst: socket.socket, direction: str, number: int, sizer) -> None:
        if not data:
            self.log.append(Chunk(direction, 0, time.monotonic() - self._start, number))
        offset = 0
        while offset < len(data):
            piece = data[offset:offset + next(sizer)]
            dst.sendall(piece)
            offset += len(piece)
            self.log.append(Chunk(direction, len(piece), time.monotonic() - self._start, number))
            time.sleep(self.delay)

    @staticmethod
    def _shut_write(sock: socket.socket) -> None:
        try:
            sock.shutdown(socket.SHUT_WR)  # pass the EOF on, keep the other direction open
        except OSError:
            pass  # the peer is already gone


def stream_relay(upstream, chunks: Union[None, int, Sequence[int]] = None, **options) -> StreamRelay:
    """A TCP relay to ``upstream`` that forwards in pieces; use it in a ``with`` block."""
    return StreamRelay(upstream, chunks, **options)


@contextlib.contextmanager
def relayed_pair(chunks: Union[None, int, Sequence[int]] = None, *, timeout=5.0, **options):
    """Two connected TCP sockets with a stream relay between them: ``(client, server, relay)``.

    Everything exists when the block starts (no thread or connection still on its
    way), and everything is closed when it ends::

        with relayed_pair(seed=3) as (client, server, relay):
            server.sendall(b"x" * 10_000)
            client.recv(65536)        # at most one piece of the relay's cutting
    """
    with socket.create_server(("127.0.0.1", 0)) as listener:
        listener.settimeout(timeout)
        with stream_relay(listener.getsockname(), chunks, timeout=timeout, **options) as relay:
            with socket.create_connection(relay.address, timeout=timeout) as client:
                server, _ = listener.accept()  # returns once the relay's thread has connected
                with server:
                    server.settimeout(timeout)
                    try:
                        yield client, server, relay
                    finally:  # wake any thread still blocked in recv on either end, then close
                        for sock in (client, server):
                            try:
                                sock.shutdown(socket.SHUT_RDWR)
                            except OSError:
                                pass  # already closed, or never fully connected


# --- datagram relay -----------------------------------------------------------
class DatagramRelay(BackgroundServer):
    """Forward UDP datagrams between clients and ``upstream`` by a seeded, repeatable plan.

    The fate of the n-th datagram in each direction (TO_SERVER, TO_CLIENT) is one of
    ACTIONS: ``pass``; ``drop``; ``duplicate`` (sent twice); ``delay`` (sent
    ``delay_by`` seconds later); ``reorder`` (held back and sent just after the next
    datagram that passes in the same direction, or after ``delay_by`` seconds).
    ``plan`` and ``reply_plan`` ({seq: action}) fix the fate of given datagrams
    to the server and to the client; the others are drawn with the probabilities
    ``drop``, ``duplicate``, ``delay`` and ``reorder`` from ``seed``.

    Each client address gets its own connected socket towards ``upstream``, so the
    server sees one peer per client. Datagrams still waiting when the relay stops
    are discarded; an ICMP "port unreachable" from ``upstream`` is not passed on
    (the client sees no answer).
    """

    def __init__(self, upstream, *, seed=0, drop=0.0, duplicate=0.0, delay=0.0, reorder=0.0,
                 delay_by=0.3, plan: Optional[dict] = None, reply_plan: Optional[dict] = None,
                 host="127.0.0.1", timeout=5.0):
        rates = {"drop": drop, "duplicate": duplicate, "delay": delay, "reorder": reorder}
        if any(not 0 <= p <= 1 for p in rates.values()) or sum(rates.values()) > 1:
            raise ValueError(f"probabilities must be between 0 and 1 and add up to at most 1: {rates}")
        plans = {TO_SERVER: dict(plan or {}), TO_CLIENT: dict(reply_plan or {})}
        unknown = {a for p in plans.values() for a in p.values()} - set(ACTIONS)
        if unknown:
            raise ValueError(f"unknown actions {sorted(unknown)}; use {ACTIONS}")
        self.upstream, self.seed, self.rates, self.plans, self.delay_by = upstream, seed, rates, plans, delay_by
        self.log: list[Datagram] = []
        self._start = time.monotonic()
        self._counts = {TO_SERVER: 0, TO_CLIENT: 0}
        self._clients: dict[object, socket.socket] = {}   # client address -> socket towards upstream
        self._owners: dict[socket.socket, object] = {}    # and back
        self._due: list[list] = []                         # heap of [when, seq, sock, data, dest, alive]
        self._held: dict[str, list] = {}                   # direction -> entry held for reordering
        self._seq = itertools.count()
        super().__init__(None, _family(host), socket.SOCK_DGRAM, (host, 0), timeout=timeout)

    def actions(self, direction: str = TO_SERVER) -> list[str]:
        """What the relay did with each datagram in ``direction``, in order."""
        return [d.action for d in self.log if d.direction == direction]

    def _decide(self, direction: str, seq: int) -> str:
        if seq in self.plans[direction]:
            return self.plans[direction][seq]
        draw = random.Random(f"{self.seed}/{direction}/{seq}").random()
        for action, rate in self.rates.items():
            if draw < rate:
                return action
            draw -= rate
        return "pass"

    def _datagram_loop(self) -> None:  # replaces BackgroundServer's loop (same thread, errors, stop)
        while True:
            wait = max(0.0, self._due[0][0] - time.monotonic()) if self._due else None
            readable, _, _ = select.select([self.sock, self._wake_r, *self._owners], [], [], wait)
            if self._wake_r in readable:
                return
            for sock in readable:
                if sock is self.sock:
                    data, client = self.sock.recvfrom(65535)
                    self._route(TO_SERVER, data, self._towards_upstream(client), None)
                else:
                    try:
                        data = sock.recv(65535)
                    except (ConnectionRefusedError, BlockingIOError):
                        continue  # nobody listens upstream (the client gets no answer), or a send took the error
                    self._route(TO_CLIENT, data, self.sock, self._owners[sock])
            while self._due and self._due[0][0] <= time.monotonic():
                self._release(heapq.heappop(self._due))

    def _towards_upstream(self, client) -> socket.socket:
        if client not in self._clients:
            sock = socket.socket(_family(self.upstream[0]), socket.SOCK_DGRAM)
            sock.connect(self.upstream)
            sock.setblocking(False)  # readable may mean only an ICMP error, which a send can consume first
            self._clients[client], self._owners[sock] = sock, client
        return self._clients[client]

    def _route(self, direction: str, data: bytes, sock: socket.socket, dest) -> None:
        seq = self._counts[direction]
        self._counts[direction] += 1
        action = self._decide(direction, seq)
        self.log.append(Datagram(direction, seq, len(data), action, time.monotonic() - self._start, data))
        entry = [time.monotonic() + self.delay_by, next(self._seq), sock, data, dest, True]
        if action in ("delay", "reorder"):
            heapq.heappush(self._due, entry)
            if action == "reorder":
                self._release(self._held.pop(direction, None))  # one held back at a time
                self._held[direction] = entry
        elif action != "drop":
            for _ in range(2 if action == "duplicate" else 1):
                self._send(sock, data, dest)
            self._release(self._held.pop(direction, None))  # the one held back goes after this

    def _release(self, entry: Optional[list]) -> None:
        if entry and entry[5]:
            entry[5] = False
            self._send(*entry[2:5])

    @staticmethod
    def _send(sock: socket.socket, data: bytes, dest) -> None:
        try:
            if dest is None:
                sock.send(data)
            else:
                sock.sendto(data, dest)
        except ConnectionRefusedError:
            pass  # an earlier datagram found nobody listening upstream; UDP promises nothing

    def _close_sockets(self) -> None:
        super()._close_sockets()
        for sock in self._owners:
            sock.close()


def datagram_relay(upstream, **options) -> DatagramRelay:
    """A UDP relay to ``upstream`` that drops, duplicates, delays or reorders; use it in a ``with`` block."""
    return DatagramRelay(upstream, **options)
