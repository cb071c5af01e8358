"""Unit tests of socketlab.relay: the chunking stream relay and the lossy datagram relay."""

import socket
import threading
import time

import pytest

from socketlab.relay import TO_CLIENT, TO_SERVER, datagram_relay, relayed_pair, stream_relay
from socketlab.server import tcp_server, udp_server


def read_all(sock):
    data = b""
    while chunk := sock.recv(65536):
        data += chunk
    return data


def echo_until_eof(conn):
    conn.sendall(read_all(conn))


def leftover_threads(before):
    time.sleep(0.05)
    return [t.name for t in threading.enumerate() if t not in before and t.is_alive()]


# --- stream relay ---------------------------------------------------------------
def test_stream_relay_forwards_both_ways_in_fixed_pieces():
    with tcp_server(echo_until_eof) as server, stream_relay(server.address, chunks=[1, 3], delay=0) as relay:
        with socket.create_connection(relay.address, timeout=2) as client:
            client.sendall(b"abcdefghij")
            client.shutdown(socket.SHUT_WR)
            assert read_all(client) == b"abcdefghij"
    assert relay.sizes(TO_SERVER) == [1, 3, 1, 3, 1, 1]  # the last piece is what was left
    assert sum(relay.sizes(TO_CLIENT)) == 10
    eofs = [c.direction for c in relay.log if c.size == 0]
    assert sorted(eofs) == [TO_CLIENT, TO_SERVER]


def test_stream_relay_random_sizes_are_seeded_and_in_range():
    payload = bytes(range(256)) * 200  # 51200 bytes
    runs = []
    for _ in range(2):
        with tcp_server(echo_until_eof) as server, stream_relay(server.address, seed=7, delay=0) as relay:
            with socket.create_connection(relay.address, timeout=2) as client:
                client.sendall(payload)
                client.shutdown(socket.SHUT_WR)
                assert read_all(client) == payload
        runs.append(relay)
    sizes = runs[0].sizes(TO_SERVER)
    assert all(1 <= n <= 4096 for n in sizes) and len(set(sizes)) > 3
    # Where the relay's own reads split the data may differ from run to run; the draws do not.
    a, b = runs[0]._sizer(0, TO_SERVER), runs[1]._sizer(0, TO_SERVER)
    assert [next(a) for _ in range(50)] == [next(b) for _ in range(50)]
    c = runs[0]._sizer(0, TO_CLIENT)
    assert [next(c) for _ in range(50)] != [next(runs[0]._sizer(0, TO_SERVER)) for _ in range(50)]


def test_stream_relay_receiver_sees_separate_pieces():
    def send_once(conn):
        conn.sendall(b"x" * 4000)

    with tcp_server(send_once) as server, stream_relay(server.address, chunks=1000, delay=0.02) as relay:
        with socket.create_connection(relay.address, timeout=2) as client:
            reads = []
            while data := client.recv(65536):
                reads.append(len(data))
    assert reads == [1000] * 4
    times = [c.time for c in relay.log if c.direction == TO_CLIENT and c.size]
    assert all(b - a >= 0.015 for a, b in zip(times, times[1:]))


def test_stream_relay_keeps_half_close():
    def reply_after_eof(conn):
        request = read_all(conn)
        conn.sendall(b"got %d" % len(request))

    with tcp_server(reply_after_eof) as server, stream_relay(server.address, delay=0) as relay:
        with socket.create_connection(relay.address, timeout=2) as client:
            client.sendall(b"12345")
            client.shutdown(socket.SHUT_WR)
            assert read_all(client) == b"got 5"


def test_stream_relay_reraises_upstream_errors():
    spare = socket.create_server(("127.0.0.1", 0))
    nobody = spare.getsockname()
    spare.close()
    with pytest.raises(ConnectionRefusedError):
        with stream_relay(nobody) as relay:
            with socket.create_connection(relay.address, timeout=2) as client:
                assert client.recv(10) == b""  # the relay closes the client's connection


def test_stream_relay_stops_and_leaks_nothing():
    before = set(threading.enumerate())
    with tcp_server(echo_until_eof) as server, stream_relay(server.address) as relay:
        with socket.create_connection(relay.address, timeout=2) as client:
            client.sendall(b"bye")
            client.shutdown(socket.SHUT_WR)
            assert read_all(client) == b"bye"
    assert leftover_threads(before) == []
    assert relay.sock.fileno() == -1


def test_stream_relay_stops_even_with_an_idle_client():
    before = set(threading.enumerate())

    def wait_for_eof(conn):
        read_all(conn)

    start = time.monotonic()
    with tcp_server(wait_for_eof) as server:
        with socket.create_connection(server.address, timeout=2):
            pass  # warm up: the server's first accept
        relay = stream_relay(server.address, timeout=0.3)
        with socket.socket() as client:
            try:
                with relay:
                    client.settimeout(2)
                    client.connect(relay.address)
                    time.sleep(0.1)
            except TimeoutError as exc:  # like tcp_server: a handler still busy at the end is reported
                assert "still running" in str(exc)
            assert client.recv(10) == b""  # the relay closed the client's connection
    assert time.monotonic() - start < 3
    assert leftover_threads(before) == []


def test_relayed_pair_is_ready_and_closes_everything():
    before = set(threading.enumerate())
    with relayed_pair([2, 5], delay=0.01) as (client, server, relay):
        assert len([t for t in threading.enumerate() if t not in before]) == 2  # accept loop, one relay thread
        server.sendall(b"0123456789")
        got = [client.recv(100) for _ in range(3)]
        client.sendall(b"ok")
        client.shutdown(socket.SHUT_WR)
        assert read_all(server) == b"ok"
    assert got == [b"01", b"23456", b"78"]
    assert client.fileno() == server.fileno() == relay.sock.fileno() == -1
    assert leftover_threads(before) == []


def test_relay_survives_a_client_that_resets():
    with relayed_pair(delay=0) as (client, server, relay):
        server.sendall(b"unread")
        time.sleep(0.05)
        client.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
        client.close()  # with unread data and linger 0: a reset
        server.settimeout(2)
        try:
            assert server.recv(10) == b""
        except ConnectionResetError:
            pass


@pytest.mark.parametrize("bad", [0, [], [3, 0], "big", [1.5]])
def test_stream_relay_rejects_bad_chunks(bad):
    with pytest.raises(ValueError):
        stream_relay(("127.0.0.1", 9), chunks=bad)


def test_stream_relay_rejects_bad_sizes():
    with pytest.raises(ValueError):
        stream_relay(("127.0.0.1", 9), sizes=(0, 10))


def test_stream_relay_over_ipv6():
    if not socket.has_ipv6:
        pytest.skip("no IPv6")
    try:
        server = tcp_server(echo_until_eof, host="::1")
    except OSError:
        pytest.skip("no ::1 here")
    with server, stream_relay(server.address[:2], host="::1", delay=0) as relay:
        with socket.create_connection(relay.address[:2], timeout=2) as client:
            client.sendall(b"six")
            client.shutdown(socket.SHUT_WR)
            assert read_all(client) == b"six"


# --- datagram relay -------------------------------------------------------------
def echo(data, addr):
    return data


def exchange(address, messages, wait=0.3):
    """Send each message, then collect what comes back within ``wait`` seconds of quiet."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.settimeout(wait)
        for m in messages:
            sock.sendto(m, address)
        got = []
        try:
            while True:
                got.append(sock.recv(65535))
        except TimeoutError:
            return got


def test_datagram_relay_follows_its_plan():
    plan = {0: "drop", 1: "duplicate", 2: "reorder", 4: "delay"}
    with udp_server(echo) as server, datagram_relay(server.address, plan=plan, delay_by=0.1) as relay:
        got = exchange(relay.address, [b"0", b"1", b"2", b"3", b"4", b"5"])
    assert got == [b"1", b"1", b"3", b"2", b"5", b"4"]
    assert relay.actions(TO_SERVER) == ["drop", "duplicate", "reorder", "pass", "delay", "pass"]
    assert relay.actions(TO_CLIENT) == ["pass"] * 6
    assert [d.data for d in relay.log if d.direction == TO_SERVER] == [b"0", b"1", b"2", b"3", b"4", b"5"]
    assert [d.seq for d in relay.log if d.direction == TO_SERVER] == [0, 1, 2, 3, 4, 5]
    assert relay.log[0].index(TO_SERVER) == 0  # still a tuple: its own index method works


def test_datagram_relay_reply_plan():
    with udp_server(echo) as server, datagram_relay(server.address, reply_plan={1: "drop"}) as relay:
        got = exchange(relay.address, [b"a", b"b", b"c"])
    assert got == [b"a", b"c"]


def test_datagram_relay_reorder_releases_after_a_while():
    with udp_server(echo) as server, datagram_relay(server.address, plan={0: "reorder"}, delay_by=0.05) as relay:
        got = exchange(relay.address, [b"only"])
    assert got == [b"only"]


def test_datagram_relay_random_plan_is_repeatable():
    runs = []
    for _ in range(2):
        with udp_server(echo) as server, datagram_relay(server.address, drop=0.3, seed=11) as relay:
            exchange(relay.address, [b"%d" % i for i in range(30)], wait=0.2)
        runs.append(relay.actions(TO_SERVER))
    assert runs[0] == runs[1]
    assert 3 <= runs[0].count("drop") <= 18 and set(runs[0]) == {"pass", "drop"}


def test_datagram_relay_each_client_is_its_own_peer():
    def who(data, addr):
        return repr(addr).encode()

    with udp_server(who) as server, datagram_relay(server.address) as relay:
        first = exchange(relay.address, [b"x"])
        second = exchange(relay.address, [b"x"])
    assert len(first) == len(second) == 1 and first != second


def test_datagram_relay_with_nobody_upstream_gives_no_answer():
    spare = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    spare.bind(("127.0.0.1", 0))
    nobody = spare.getsockname()
    spare.close()
    with datagram_relay(nobody) as relay:
        assert exchange(relay.address, [b"a", b"b", b"c"], wait=0.2) == []
    assert relay.actions(TO_SERVER) == ["pass"] * 3


def test_datagram_relay_stops_cleanly_with_pending_datagrams():
    before = set(threading.enumerate())
    with udp_server(echo) as server, datagram_relay(server.address, delay=1.0, delay_by=10) as relay:
        exchange(relay.address, [b"late"], wait=0.1)
    assert relay.actions(TO_SERVER) == ["delay"]
    assert leftover_threads(before) == []
    assert relay.sock.fileno() == -1 and all(s.fileno() == -1 for s in relay._owners)


@pytest.mark.parametrize("options", [{"drop": 1.5}, {"drop": -0.1}, {"drop": 0.6, "delay": 0.6},
                                     {"plan": {0: "lose"}}, {"reply_plan": {2: "explode"}}])
def test_datagram_relay_rejects_bad_plans(options):
    with pytest.raises(ValueError):
        datagram_relay(("127.0.0.1", 9), **options)


def test_datagram_relay_reraises_its_errors():
    with udp_server(echo) as server:
        relay = datagram_relay(server.address)
        relay._route = None  # break it: the relay thread fails on the first datagram
        with pytest.raises(TypeError):
            with relay:
                exchange(relay.address, [b"x"], wait=0.1)
