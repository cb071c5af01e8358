"""Unit tests for socketlab.server: background TCP, UDP and Unix servers in `with` blocks.

Every server here uses a short ``timeout`` so that a failing test still ends in
about a second, and most tests prove that nothing (thread, descriptor, socket)
outlives the ``with`` block.
"""

from __future__ import annotations

import errno
import gc
import os
import socket
import stat
import tempfile
import threading
import time
import warnings

import psutil
import pytest

from socketlab.check import run_limited
from socketlab.server import BackgroundServer, tcp_server, udp_server, unix_server

T = 0.5  # the servers' handler timeout in these tests

needs_unix = pytest.mark.skipif(not hasattr(socket, "AF_UNIX"), reason="no AF_UNIX sockets on this platform")


def _ipv6_loopback() -> bool:
    if not socket.has_ipv6:
        return False
    try:
        with socket.socket(socket.AF_INET6, socket.SOCK_STREAM) as probe:
            probe.bind(("::1", 0))
        return True
    except OSError:
        return False


needs_ipv6 = pytest.mark.skipif(not _ipv6_loopback(), reason="no IPv6 loopback (::1) here")


def snapshot() -> dict:
    """What this process holds: live threads, open descriptors and sockets."""
    proc = psutil.Process()
    return {
        "threads": set(threading.enumerate()),
        "fds": proc.num_fds(),
        "sockets": {(c.fd, c.family, c.type, c.laddr, c.raddr, c.status) for c in proc.net_connections("all")},
    }


def wait_for_threads(threads: set, within: float = 2.0) -> None:
    """Wait until the live threads are ``threads`` again (for tests that release a stuck handler)."""
    deadline = time.monotonic() + within
    while set(threading.enumerate()) != threads and time.monotonic() < deadline:
        time.sleep(0.02)


def upper(conn: socket.socket) -> None:
    """Answer every chunk in upper case until the client closes."""
    while data := conn.recv(1024):
        conn.sendall(data.upper())


def round_trip(address, family=socket.AF_INET, payload=b"hello") -> bytes:
    with socket.socket(family, socket.SOCK_STREAM) as client:
        client.settimeout(2)
        client.connect(address)
        client.sendall(payload)
        return client.recv(1024)


# --- normal paths ---------------------------------------------------------------

def test_tcp_round_trip_ipv4_and_nothing_left_behind():
    before = snapshot()
    with tcp_server(upper, timeout=T) as server:
        assert isinstance(server, BackgroundServer)
        host, port = server.address
        assert host == "127.0.0.1" and port > 0  # the kernel picked a port
        assert round_trip(server.address) == b"HELLO"
        assert round_trip(server.address, payload=b"again") == b"AGAIN"  # serves more than one client
    assert server.errors == []
    assert snapshot() == before


def test_tcp_handler_gets_a_connection_with_the_server_timeout():
    seen = []

    def record(conn):
        seen.append((conn.gettimeout(), conn.type))
        conn.sendall(b"ok")

    with tcp_server(record, timeout=T) as server:
        assert round_trip(server.address) == b"ok"
    assert seen == [(T, socket.SOCK_STREAM)]


@needs_ipv6
def test_tcp_round_trip_ipv6_loopback():
    before = snapshot()
    with tcp_server(upper, host="::1", timeout=T) as server:
        assert server.sock.family == socket.AF_INET6
        assert server.address[0] == "::1"
        # server.address is (host, port) in every family: connect() and create_connection() take it
        assert round_trip(server.address, socket.AF_INET6) == b"HELLO"
        assert len(server.address) == 2, "an IPv6 server's address should be (host, port)"
        with socket.create_connection(server.address, timeout=2) as client:
            client.sendall(b"v6")
            assert client.recv(1024) == b"V6"
    assert snapshot() == before


def test_udp_reply_and_no_reply():
    seen = []

    def handler(data, addr):
        seen.append((data, addr))
        return None if data == b"quiet" else data.upper()

    before = snapshot()
    with udp_server(handler, timeout=T) as server:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as client:
            client.bind(("127.0.0.1", 0))
            client.settimeout(2)
            client.sendto(b"quiet", server.address)  # no answer to this one...
            client.sendto(b"loud", server.address)
            data, source = client.recvfrom(1024)
            assert (data, source) == (b"LOUD", server.address)  # ...so the first reply is to "loud"
            client.settimeout(0.1)
            with pytest.raises(TimeoutError):
                client.recvfrom(1024)  # and nothing else arrives
            me = client.getsockname()
    assert seen == [(b"quiet", me), (b"loud", me)]
    assert server.errors == []
    assert snapshot() == before


@needs_ipv6
def test_udp_round_trip_ipv6_loopback():
    with udp_server(lambda data, addr: data[::-1], host="::1", timeout=T) as server:
        assert server.sock.family == socket.AF_INET6
        with socket.socket(socket.AF_INET6, socket.SOCK_DGRAM) as client:
            client.settimeout(2)
            client.sendto(b"abc", server.address)
            assert client.recv(1024) == b"cba"


@needs_unix
def test_unix_round_trip_and_cleanup_of_file_and_folder():
    before = snapshot()
    with unix_server(upper, timeout=T) as server:
        path = server.address
        assert isinstance(path, str) and os.path.basename(path) == "server.sock"
        assert stat.S_ISSOCK(os.stat(path).st_mode)
        folder = os.path.dirname(path)
        assert os.path.basename(folder).startswith("socketlab-")
        assert round_trip(path, socket.AF_UNIX) == b"HELLO"
    assert not os.path.exists(path)
    assert not os.path.exists(folder)  # the private temporary folder is gone too
    assert server.errors == []
    assert snapshot() == before


@needs_unix
def test_unix_server_on_a_given_path_removes_the_file(tmp_path):
    path = str(tmp_path / "my.sock")
    with unix_server(upper, path=path, timeout=T) as server:
        assert server.address == path
        assert round_trip(path, socket.AF_UNIX) == b"HELLO"
    assert not os.path.exists(path)
    assert tmp_path.is_dir()  # the caller's folder is the caller's: left in place


def test_unix_server_without_af_unix_says_so(monkeypatch):
    monkeypatch.delattr(socket, "AF_UNIX", raising=False)
    with pytest.raises(OSError, match="no AF_UNIX"):
        unix_server(upper)


def test_concurrent_clients_are_served_in_parallel():
    # Each handler waits for the other one: this passes only if both run at the same time.
    both_in = threading.Barrier(2, timeout=1.0)

    def meet(conn):
        conn.recv(16)
        both_in.wait()
        conn.sendall(b"together")

    start = time.monotonic()
    with tcp_server(meet, timeout=T) as server:
        with socket.create_connection(server.address, timeout=2) as a, \
             socket.create_connection(server.address, timeout=2) as b:
            a.sendall(b"a")
            b.sendall(b"b")
            assert (a.recv(64), b.recv(64)) == (b"together", b"together")
    assert server.errors == []
    assert time.monotonic() - start < 2.0  # one after the other, the first would wait 1 s and fail


def test_a_client_that_never_connects_means_a_clean_quick_stop():
    calls = []
    before = snapshot()
    start = time.monotonic()
    with tcp_server(calls.append, timeout=3.0) as server:
        pass
    assert time.monotonic() - start < 1.0  # no waiting for the handlers' timeout (3 s)
    assert calls == [] and server.errors == []
    assert snapshot() == before


def test_a_client_that_connects_and_closes_at_once_is_fine():
    got = []

    def handler(conn):
        got.append(conn.recv(1024))

    with tcp_server(handler, timeout=T) as server:
        socket.create_connection(server.address, timeout=2).close()
        deadline = time.monotonic() + 2
        while not got and time.monotonic() < deadline:
            time.sleep(0.01)
    assert got == [b""] and server.errors == []


# --- failures inside the handler ---------------------------------------------------

def test_handler_exception_is_reraised_at_the_end_of_the_block_not_printed(capfd):
    raised = []

    def broken(conn):
        conn.recv(1024)
        raised.append(ValueError("the handler broke"))
        raise raised[-1]

    before = snapshot()
    with pytest.raises(ValueError, match="the handler broke") as excinfo:
        with tcp_server(broken, timeout=T) as server:
            with socket.create_connection(server.address, timeout=2) as client:
                client.sendall(b"x")
                assert client.recv(1024) == b""  # the server closed the connection
            reached_end_of_body = True
    assert reached_end_of_body  # raised at the end of the block, not in the middle
    assert excinfo.value.original is raised[0]  # the very same exception object, explained
    assert isinstance(excinfo.value, AssertionError)
    assert server.errors == [raised[0]]
    assert capfd.readouterr().err == ""  # nothing reached stderr (fd 2 or sys.stderr)
    assert snapshot() == before


def test_udp_handler_exception_is_reraised_not_printed(capfd):
    handled = threading.Event()

    def broken(data, addr):
        handled.set()
        raise KeyError(data)

    with pytest.raises(KeyError) as excinfo:
        with udp_server(broken, timeout=T) as server:
            with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as client:
                client.sendto(b"boom", server.address)
                assert handled.wait(2)
    assert excinfo.value.args == (b"boom",)
    assert capfd.readouterr().err == ""


@needs_unix
def test_unix_handler_exception_is_reraised_and_file_still_removed():
    def broken(conn):
        raise RuntimeError("unix handler broke")

    with pytest.raises(RuntimeError, match="unix handler broke"):
        with unix_server(broken, timeout=T) as server:
            with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as client:
                client.settimeout(2)
                client.connect(server.address)
                assert client.recv(16) == b""
    assert not os.path.exists(server.address)
    assert not os.path.exists(os.path.dirname(server.address))


def test_the_body_exception_wins_over_the_handler_exception(capfd):
    def broken(conn):
        raise ValueError("from the handler")

    with pytest.raises(KeyError, match="from the body"):
        with tcp_server(broken, timeout=T) as server:
            with socket.create_connection(server.address, timeout=2) as client:
                assert client.recv(16) == b""  # the handler has failed by now
            raise KeyError("from the body")
    assert [type(e) for e in server.errors] == [ValueError]  # recorded, not raised
    assert capfd.readouterr().err == ""


def handler_error(handler, client_does, **options):
    """The exception a server with ``handler`` raises at the end of its block, after the
    client did ``client_does(client_socket)``, closed, and the handler has ended."""
    ended = threading.Event()

    def watched(conn):
        try:
            handler(conn)
        finally:
            ended.set()

    watched.__name__ = handler.__name__
    with pytest.raises(BaseException) as excinfo:
        with tcp_server(watched, **options) as server:
            with socket.create_connection(server.address, timeout=2) as client:
                client_does(client)
            assert ended.wait(3)
    return excinfo.value


def test_a_broken_pipe_in_the_handler_reads_as_a_message_about_the_client():
    # The client goes away without reading; the handler's sendall fails with EPIPE or ECONNRESET.
    def talkative(conn):
        conn.recv(1)
        time.sleep(0.2)  # the client has closed by now
        for _ in range(100):
            conn.sendall(b"x" * 65536)

    error = handler_error(talkative, lambda c: c.sendall(b"?"), timeout=T)
    message = str(error)
    assert isinstance(error, AssertionError)
    assert isinstance(error, (BrokenPipeError, ConnectionResetError))  # still what it was
    assert message.startswith("The test's server expected to finish its exchange with the code under test, "
                              "but its handler talkative got ")
    assert "conn.sendall(b\"x\" * 65536)" in message  # where it failed
    assert "closed its socket (or returned, or raised) before the exchange was over" in message
    assert type(error).__name__ == "AssertionError"  # what a learner's traceback shows


def test_a_handler_timeout_says_the_server_waited_for_data():
    def patient(conn):
        conn.recv(1024)

    error = handler_error(patient, lambda c: time.sleep(0.5), timeout=0.2)
    assert isinstance(error, AssertionError) and isinstance(error, TimeoutError)
    assert "The server waited 0.2 s for data that never came" in str(error)
    assert "what ends a message (a newline, a length, or closing the connection)" in str(error)


def test_undecodable_bytes_in_the_handler_say_what_was_sent():
    def reader(conn):
        conn.recv(16).decode("utf-8")

    error = handler_error(reader, lambda c: c.sendall(b"\xff\xfe"), timeout=T)
    assert isinstance(error, UnicodeDecodeError) and isinstance(error, AssertionError)
    assert "UnicodeDecodeError" in str(error) and "not UTF-8 text" in str(error)


def test_an_assertion_in_the_handler_is_reraised_unchanged():
    raised = []

    def checking(conn):
        raised.append(AssertionError("the request: expected b'HI', got b'hi'."))
        raise raised[-1]

    error = handler_error(checking, lambda c: c.recv(16), timeout=T)
    assert error is raised[0]


def test_errors_property_is_a_copy():
    with tcp_server(upper, timeout=T) as server:
        server.errors.append(ValueError("not really"))
    assert server.errors == []


def test_handler_waiting_for_a_silent_client_ends_in_bounded_time_with_timeout_error(capfd):
    # The client never sends nor closes; the handler's recv has the server's timeout.
    entered = threading.Event()

    def patient(conn):
        entered.set()
        conn.recv(1024)

    before = snapshot()
    start = time.monotonic()
    with socket.socket() as client:
        with pytest.raises(TimeoutError):
            with tcp_server(patient, timeout=T) as server:
                client.settimeout(2)
                client.connect(server.address)
                assert entered.wait(2)  # the handler is waiting when the block ends
        elapsed = time.monotonic() - start
    assert elapsed < T + 1.0
    assert capfd.readouterr().err == ""
    assert snapshot() == before


def test_handler_that_drops_its_timeout_is_unblocked_and_reported(capfd):
    # A handler that set its connection blocking waits forever for a silent client:
    # the server shuts the connection down to wake it and still reports the hang.
    woke = []
    entered = threading.Event()

    def stubborn(conn):
        conn.settimeout(None)
        entered.set()
        woke.append(conn.recv(1024))
        conn.sendall(b"too late")  # fails on the shut-down connection: not the handler's fault

    before = snapshot()
    start = time.monotonic()
    with socket.socket() as client:
        with pytest.raises(TimeoutError, match="still running 0.5 s after the with block ended") as excinfo:
            with tcp_server(stubborn, timeout=T) as server:
                client.settimeout(2)
                client.connect(server.address)
                assert entered.wait(2)
        elapsed = time.monotonic() - start
    assert "it waited for something from the code under test that never came" in str(excinfo.value)
    assert isinstance(excinfo.value, AssertionError)
    assert woke == [b""]  # the handler thread really was woken, and has ended
    assert len(server.errors) == 1  # the follow-up error of the woken handler is not reported
    assert elapsed < T + 1.5
    assert capfd.readouterr().err == ""
    assert snapshot() == before


def test_udp_handler_that_hangs_is_reported():
    release = threading.Event()
    entered = threading.Event()

    def stuck(data, addr):
        entered.set()
        release.wait(3)

    before = snapshot()
    start = time.monotonic()
    try:
        with pytest.raises(TimeoutError, match="still running"):
            with udp_server(stuck, timeout=T) as server:
                with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as client:
                    client.sendto(b"x", server.address)
                    assert entered.wait(2)
        assert time.monotonic() - start < T + 1.0
    finally:
        release.set()  # let the stuck handler finish, then check it went away
        wait_for_threads(before["threads"])
    assert snapshot() == before


# --- stopping ---------------------------------------------------------------------

def test_stop_is_idempotent_and_really_stops():
    with tcp_server(upper, timeout=T) as server:
        address = server.address
        assert round_trip(address) == b"HELLO"
        server.stop()
        server.stop()
        with pytest.raises(ConnectionRefusedError):
            socket.create_connection(address, timeout=1).close()
    server.stop()  # a third time, after __exit__
    assert server.errors == []


@needs_unix
def test_unix_stop_is_idempotent():
    with unix_server(upper, timeout=T) as server:
        server.stop()
        assert not os.path.exists(server.address)
    server.stop()


def test_stop_without_a_with_block_releases_everything():
    before = snapshot()
    server = tcp_server(upper, timeout=T)
    assert snapshot()["fds"] > before["fds"]
    server.stop()  # never started: nothing to join, but the sockets must be closed
    server.stop()
    assert snapshot() == before


# --- bind failures ------------------------------------------------------------------

def no_resource_warnings(make) -> BaseException:
    """Call ``make()``, expecting OSError; fail if it left anything for the garbage collector."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ResourceWarning)
        with pytest.raises(OSError) as excinfo:
            make()
        gc.collect()
    assert [str(w.message) for w in caught if issubclass(w.category, ResourceWarning)] == []
    return excinfo.value


@pytest.mark.parametrize("make_server, kind", [(tcp_server, socket.SOCK_STREAM), (udp_server, socket.SOCK_DGRAM)])
def test_bind_to_a_port_in_use_raises_oserror_and_leaks_nothing(make_server, kind):
    with socket.socket(socket.AF_INET, kind) as taken:
        taken.bind(("127.0.0.1", 0))
        if kind == socket.SOCK_STREAM:
            taken.listen()
        port = taken.getsockname()[1]
        before = snapshot()
        error = no_resource_warnings(lambda: make_server(upper, port=port, timeout=T))
        assert error.errno == errno.EADDRINUSE
        assert snapshot() == before


def test_bind_to_a_bad_host_raises_oserror_and_leaks_nothing():
    before = snapshot()
    no_resource_warnings(lambda: tcp_server(upper, host="256.0.0.1"))
    assert snapshot() == before


@needs_unix
def test_unix_bind_on_an_existing_file_fails_and_keeps_the_file(tmp_path):
    path = tmp_path / "taken.sock"
    path.write_text("not mine to delete")
    before = snapshot()
    error = no_resource_warnings(lambda: unix_server(upper, path=str(path)))
    assert error.errno == errno.EADDRINUSE
    assert path.read_text() == "not mine to delete"
    assert snapshot() == before


@needs_unix
def test_unix_bind_failure_removes_its_temporary_folder(tmp_path, monkeypatch):
    # A socket file's path has a length limit (108 bytes on Linux): a long TMPDIR breaks bind.
    long_tmp = tmp_path / ("d" * 120)
    long_tmp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(long_tmp))
    before = snapshot()
    with pytest.raises(OSError) as excinfo:
        unix_server(upper)
    # excinfo keeps the failed server object alive: the folder must be gone all the same,
    # removed at once rather than by the garbage collector (with a ResourceWarning)
    assert list(long_tmp.iterdir()) == []
    del excinfo
    assert snapshot() == before


def test_a_relays_error_is_explained_too():
    # Relays (socketlab.relay) are BackgroundServers: their errors reach a test cell the same way.
    from socketlab.relay import stream_relay

    spare = socket.create_server(("127.0.0.1", 0))
    nobody = spare.getsockname()
    spare.close()
    with pytest.raises(ConnectionRefusedError) as excinfo:
        with stream_relay(nobody) as relay:
            with socket.create_connection(relay.address, timeout=2) as client:
                assert client.recv(10) == b""
    assert isinstance(excinfo.value, AssertionError)
    assert str(excinfo.value).startswith("The test's server expected to finish its exchange with the code "
                                         "under test, but its handler _relay got ConnectionRefusedError")
    assert "Nothing was listening at the address connected to." in str(excinfo.value)


LEARNERS_CELL = '''
def handle_client(conn):
    while True:
        chunk = conn.recv(4096)
        if not chunk:
            return
        conn.sendall(chunk.upper())

def stub(conn):
    raise NotImplementedError()

def upper_text(conn):
    chunk = conn.recv(4096)
    conn.sendall(chunk.decode("utf-8").upper().encode("utf-8"))
'''


def learners(name):
    """A function as if from a learner's answer cell: code compiled under a file name of its own."""
    namespace = {}
    exec(compile(LEARNERS_CELL, "/tmp/ipykernel_1/answer_cell.py", "exec"), namespace)
    return namespace[name]


def test_an_error_in_the_code_under_test_that_a_server_runs_is_not_blamed_on_the_test():
    # The learner's handler serves the test's client, which resets the connection on purpose.
    handle_client = learners("handle_client")
    error = handler_error(lambda conn: handle_client(conn), lambda c: (
        c.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00"),
        c.sendall(b"x"), time.sleep(0.2)), timeout=T)
    message = str(error)
    assert isinstance(error, AssertionError) and isinstance(error, ConnectionResetError)
    assert message.startswith("handle_client, run by the test's server for each connection, was expected "
                              "to handle it, but raised ConnectionResetError")
    assert "the code under test closed its socket" not in message  # that would be the learner's server
    assert "The other side closed or reset the connection" in message


def test_a_stub_run_by_a_server_speaks_for_itself_also_through_a_failing_client():
    stub = learners("stub")

    def session(address):
        with socket.create_connection(address, timeout=2) as c:
            time.sleep(0.2)  # the stub has raised and its connection is closed
            c.sendall(b"x" * 1_000_000)
            return c.recv(10)

    with pytest.raises(NotImplementedError):
        with tcp_server(lambda conn: stub(conn), timeout=T) as server:
            with pytest.raises(NotImplementedError):  # not "session() got BrokenPipeError"
                run_limited(session, server.address, limit=3)


def test_a_client_failing_after_the_code_under_test_failed_in_the_server_names_that_first():
    def session(address):
        with socket.create_connection(address, timeout=2) as c:
            c.sendall(b"\xff" * 10)
            time.sleep(0.3)
            c.sendall(b"x" * 1_000_000)  # the server side has failed: EPIPE or ECONNRESET
            return c.recv(10)

    upper_text = learners("upper_text")
    with pytest.raises(UnicodeDecodeError):
        with tcp_server(lambda conn: upper_text(conn), timeout=T) as server:
            with pytest.raises(AssertionError) as excinfo:
                run_limited(session, server.address, limit=3)
    assert "Before that, the code the test's server runs for each connection raised UnicodeDecodeError" in \
        str(excinfo.value)
