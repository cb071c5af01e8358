"""Unit tests for socketlab.socket_table: rows read with psutil, filters, text and HTML."""

from __future__ import annotations

import os
import socket

import psutil
import pytest

from socketlab.server import tcp_server, udp_server, unix_server
from socketlab.socket_table import SocketRow, SocketTable, socket_table

ME = os.getpid()
MY_NAME = psutil.Process().name()


def echo_until_eof(conn):
    while data := conn.recv(1024):
        conn.sendall(data)


@pytest.fixture
def connection():
    """A listening TCP server and one established connection to it: (server port, client port)."""
    with tcp_server(echo_until_eof, timeout=1.0) as server:
        with socket.create_connection(server.address, timeout=2) as client:
            client.sendall(b"x")
            assert client.recv(16) == b"x"  # the server has accepted: its side has a descriptor now
            yield server.address[1], client.getsockname()[1]


def test_listening_and_established_sockets_filtered_by_port(connection):
    port, client_port = connection
    table = socket_table(pid=ME, ports=[port])
    assert isinstance(table, SocketTable)
    # sorted by local address: the client's side, the listener, the server's side of the connection
    shape = sorted((r.local, r.remote, r.state) for r in table)
    assert shape == sorted([
        (f"127.0.0.1:{port}", "", "LISTEN"),
        (f"127.0.0.1:{port}", f"127.0.0.1:{client_port}", "ESTABLISHED"),
        (f"127.0.0.1:{client_port}", f"127.0.0.1:{port}", "ESTABLISHED"),
    ])
    assert [(r.local, r.remote) for r in table] == sorted((r.local, r.remote) for r in table)
    for row in table:
        assert (row.family, row.type, row.pid, row.program) == ("IPv4", "stream", ME, MY_NAME)


def test_port_filter_matches_the_remote_port_too(connection):
    port, client_port = connection
    table = socket_table(pid=ME, ports=[client_port])
    assert len(table) == 2 and {(r.local, r.remote) for r in table} == {
        (f"127.0.0.1:{client_port}", f"127.0.0.1:{port}"),  # the client's own socket
        (f"127.0.0.1:{port}", f"127.0.0.1:{client_port}"),  # the server's side, by its remote port
    }


def test_port_filter_keeps_out_other_sockets(connection):
    port, _ = connection
    with socket.create_server(("127.0.0.1", 0)) as other:
        other_port = other.getsockname()[1]
        assert {r.local for r in socket_table(pid=ME, ports=[other_port])} == {f"127.0.0.1:{other_port}"}
        assert all(f":{other_port}" not in r.local + r.remote for r in socket_table(pid=ME, ports=[port]))
        assert len(socket_table(pid=ME, ports=[port, other_port])) == 4


def test_local_filter_keeps_only_sockets_whose_own_end_is_that_address(connection):
    port, client_port = connection
    table = socket_table(pid=ME, local=("127.0.0.1", port))
    assert sorted((r.remote, r.state) for r in table) == [
        ("", "LISTEN"), (f"127.0.0.1:{client_port}", "ESTABLISHED")]  # not the client's, which went *to* it
    assert socket_table(pid=ME, local=("127.0.0.2", port)) == []
    (client,) = socket_table(pid=ME, local=("127.0.0.1", client_port), states=["ESTABLISHED"])
    assert client.remote == f"127.0.0.1:{port}"


def test_filter_by_states(connection):
    port, _ = connection
    listening = socket_table(pid=ME, ports=[port], states=["listen"])  # any case
    assert [(r.local, r.state) for r in listening] == [(f"127.0.0.1:{port}", "LISTEN")]
    established = socket_table(pid=ME, ports=[port], states={"ESTABLISHED"})
    assert [r.state for r in established] == ["ESTABLISHED", "ESTABLISHED"]
    assert len(socket_table(pid=ME, ports=[port], states=["LISTEN", "ESTABLISHED"])) == 3
    assert socket_table(pid=ME, ports=[port], states=["TIME_WAIT"]) == []


def test_kind_tcp_leaves_udp_out_and_udp_shows_state_none():
    with udp_server(lambda data, addr: data, timeout=1.0) as server:
        port = server.address[1]
        assert socket_table(pid=ME, kind="tcp", ports=[port]) == []
        (row,) = socket_table(pid=ME, kind="udp", ports=[port])
        assert (row.family, row.type, row.local, row.remote, row.state) == (
            "IPv4", "datagram", f"127.0.0.1:{port}", "", "NONE")
        assert socket_table(pid=ME, kind="inet", ports=[port], states=["none"]) == [row]


def test_ipv6_addresses_are_bracketed():
    try:
        server = tcp_server(echo_until_eof, host="::1", timeout=1.0)
    except OSError:
        pytest.skip("no IPv6 loopback (::1) here")
    with server:
        port = server.address[1]
        (row,) = socket_table(pid=ME, ports=[port])
        assert (row.family, row.local, row.state) == ("IPv6", f"[::1]:{port}", "LISTEN")


@pytest.mark.skipif(not hasattr(socket, "AF_UNIX"), reason="no AF_UNIX sockets on this platform")
def test_unix_socket_shows_its_path():
    with unix_server(echo_until_eof, timeout=1.0) as server:
        rows = [r for r in socket_table(pid=ME, kind="unix") if r.local == server.address]
        assert [(r.family, r.type, r.remote) for r in rows] == [("Unix", "stream", "")]
        assert all(r.local != server.address for r in socket_table(pid=ME, kind="all", ports=[0, 1]))


def test_pid_none_lists_every_process_with_its_pid(connection):
    port, _ = connection
    table = socket_table(ports=[port])  # every process we may see
    assert len(table) == 3
    assert {(r.pid, r.program) for r in table} == {(ME, MY_NAME)}  # each row says whose it is


def test_pid_none_falls_back_to_own_process_when_denied(connection, monkeypatch):
    # macOS lists other users' sockets only for root: psutil.net_connections raises AccessDenied.
    def denied(kind="inet"):
        raise psutil.AccessDenied()

    monkeypatch.setattr(psutil, "net_connections", denied)
    port, _ = connection
    table = socket_table(ports=[port])
    assert len(table) == 3
    assert {(r.pid, r.program) for r in table} == {(ME, MY_NAME)}


def test_unknown_pid_is_an_error():
    with pytest.raises(psutil.NoSuchProcess):
        socket_table(pid=2**22 + 12345)  # above Linux's pid_max


# --- rendering ---------------------------------------------------------------------------

def test_text_rendering_is_an_aligned_table(connection):
    port, _ = connection
    table = socket_table(pid=ME, ports=[port])
    text = str(table)
    assert repr(table) == text
    lines = text.splitlines()
    assert len(lines) == 1 + len(table)
    assert lines[0].split() == list(SocketRow.COLUMNS)
    # every column starts at the same place on every line
    starts = [lines[0].index(c) for c in SocketRow.COLUMNS]
    for row, line in zip(table, lines[1:]):
        for column, start in zip(("family", "type", "local"), starts):
            assert line[start:].startswith(getattr(row, column))
        assert line[starts[SocketRow.COLUMNS.index("state")]:].startswith(row.state)
        assert line.endswith(MY_NAME)
    assert f"127.0.0.1:{port}" in text and "LISTEN" in text and str(ME) in text


def test_html_rendering_has_the_columns_and_one_row_per_socket(connection):
    port, _ = connection
    table = socket_table(pid=ME, ports=[port])
    page = table._repr_html_()
    assert page.startswith("<table><thead><tr><th>family</th><th>type</th><th>local</th>")
    assert "".join(f"<th>{c}</th>" for c in SocketRow.COLUMNS) in page
    assert page.count("<tr>") == 1 + len(table)
    assert page.count("<td>") == len(SocketRow.COLUMNS) * len(table)
    assert "<td>LISTEN</td>" in page and f"<td>127.0.0.1:{port}</td>" in page and f"<td>{ME}</td>" in page
    assert page.endswith("</tbody></table>")


def test_rows_without_pid_render_empty_cells():
    row = SocketRow("IPv4", "stream", "127.0.0.1:80", "", "LISTEN", None, "")
    table = SocketTable([row])
    assert table._cells() == [("IPv4", "stream", "127.0.0.1:80", "", "LISTEN", "", "")]
    assert str(table).splitlines()[1] == "IPv4    stream  127.0.0.1:80          LISTEN"
    assert "<td>LISTEN</td><td></td><td></td></tr>" in table._repr_html_()
    assert "None" not in str(table) + table._repr_html_()


def test_html_escapes_cell_text():
    row = SocketRow("Unix", "stream", "/tmp/a<b>&c.sock", "", "NONE", 1, "<defunct>")
    page = SocketTable([row])._repr_html_()
    assert "<td>/tmp/a&lt;b&gt;&amp;c.sock</td>" in page
    assert "<td>&lt;defunct&gt;</td>" in page
    assert "<b>" not in page


def test_an_empty_table_still_has_its_header():
    assert str(SocketTable()) == "  ".join(SocketRow.COLUMNS)
    assert SocketTable()._repr_html_().endswith("<tbody></tbody></table>")
