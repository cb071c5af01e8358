"""A live view of the sockets the kernel holds, read with psutil.

``socket_table()`` returns a table that shows itself as HTML in a notebook and as
aligned text in a terminal. Rows can be filtered by process, port, local address and state, so a
notebook can show just the sockets of its own demo server.
"""

from __future__ import annotations

import html
import os
import socket
from dataclasses import dataclass
from typing import Iterable, Optional

import psutil

__all__ = ["SocketRow", "SocketTable", "socket_table"]

_FAMILIES = {socket.AF_INET: "IPv4", socket.AF_INET6: "IPv6"}
if hasattr(socket, "AF_UNIX"):
    _FAMILIES[socket.AF_UNIX] = "Unix"
_TYPES = {socket.SOCK_STREAM: "stream", socket.SOCK_DGRAM: "datagram"}
if hasattr(socket, "SOCK_SEQPACKET"):
    _TYPES[socket.SOCK_SEQPACKET] = "seqpacket"


@dataclass(frozen=True)
class SocketRow:
    family: str
    type: str
    local: str
    remote: str
    state: str
    pid: Optional[int]
    program: str

    COLUMNS = ("family", "type", "local", "remote", "state", "pid", "program")


def _endpoint(addr) -> str:
    if not addr:
        return ""
    if isinstance(addr, str):  # a Unix socket path
        return addr
    host, port = addr[0], addr[1]
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def _port(addr) -> Optional[int]:
    return addr[1] if addr and not isinstance(addr, str) else None


def _program(pid: Optional[int]) -> str:
    if pid is None:
        return ""
    try:
        return psutil.Process(pid).name()
    except psutil.Error:
        return "?"


class SocketTable(list):
    """A list of SocketRow that renders as a table."""

    def _cells(self) -> list[tuple[str, ...]]:
        return [tuple("" if getattr(r, c) is None else str(getattr(r, c)) for c in SocketRow.COLUMNS)
                for r in self]

    def __str__(self) -> str:
        rows = [SocketRow.COLUMNS] + self._cells()
        widths = [max(len(row[i]) for row in rows) for i in range(len(SocketRow.COLUMNS))]
        return "\n".join("  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip() for row in rows)

    def __repr__(self) -> str:
        return str(self)

    def _repr_html_(self) -> str:
        head = "".join(f"<th>{c}</th>" for c in SocketRow.COLUMNS)
        body = "".join("<tr>" + "".join(f"<td>{html.escape(cell)}</td>" for cell in row) + "</tr>"
                       for row in self._cells())
        return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _connections(pid: Optional[int], kind: str):
    if pid is not None:
        return psutil.Process(pid).net_connections(kind=kind), pid
    try:
        return psutil.net_connections(kind=kind), None
    except psutil.AccessDenied:  # macOS lists other users' sockets only for root
        return psutil.Process().net_connections(kind=kind), os.getpid()


def socket_table(pid: Optional[int] = None, kind: str = "inet", ports: Optional[Iterable[int]] = None,
                 states: Optional[Iterable[str]] = None, local: Optional[tuple] = None) -> SocketTable:
    """The sockets of process ``pid`` (None: every process we may see), sorted by local address.

    ``kind`` is psutil's: "inet" (TCP and UDP, IPv4 and IPv6), "tcp", "udp", "unix", "all".
    ``ports`` keeps rows whose local or remote port is listed; ``states`` keeps rows
    in those TCP states ("LISTEN", "ESTABLISHED", "TIME_WAIT", ...; "NONE" for UDP);
    ``local`` keeps rows whose own end is that (host, port) address, leaving out
    connections that only went *to* that port.
    """
    wanted_ports = set(ports) if ports is not None else None
    wanted_states = {s.upper() for s in states} if states is not None else None
    wanted_local = _endpoint(local) if local is not None else None
    conns, owner = _connections(pid, kind)
    table = SocketTable()
    for c in conns:
        if wanted_ports is not None and not {_port(c.laddr), _port(c.raddr)} & wanted_ports:
            continue
        if wanted_states is not None and c.status not in wanted_states:
            continue
        here = _endpoint(c.laddr)
        if wanted_local is not None and here != wanted_local:
            continue
        who = owner if owner is not None else c.pid
        table.append(SocketRow(_FAMILIES.get(c.family, str(c.family)), _TYPES.get(c.type, str(c.type)),
                               here, _endpoint(c.raddr), c.status, who, _program(who)))
    table.sort(key=lambda r: (r.local, r.remote))
    return table
