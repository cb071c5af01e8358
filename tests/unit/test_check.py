"""Unit tests for socketlab.check: run_limited, expect and expect_raises.

The functions under test stand for learners' answers, right and wrong. Limits
are short (0.3 s) so that every test, passing or failing, ends in about a second.
"""

from __future__ import annotations

import errno
import socket
import threading
import time

import psutil
import pytest

from socketlab.check import expect, expect_raises, run_limited
from socketlab.server import tcp_server

LIMIT = 0.3


def snapshot() -> dict:
    proc = psutil.Process()
    return {"threads": set(threading.enumerate()), "fds": proc.num_fds(),
            "sockets": {(c.fd, c.laddr, c.raddr, c.status) for c in proc.net_connections("all")}}


def closed_port() -> int:
    """A loopback port nobody listens on (just released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# --- run_limited: results and exceptions --------------------------------------------

def test_run_limited_returns_the_value_and_passes_arguments():
    def add(a, b, *, times=1):
        return (a + b) * times

    assert run_limited(add, 2, 3) == 5
    assert run_limited(add, 2, 3, times=4, limit=1.0) == 20
    assert run_limited(lambda: None) is None


def test_run_limited_reraises_a_stubs_not_implemented_error_unchanged():
    raised = []

    def stub():
        """Your code here."""
        raised.append(NotImplementedError())
        raise raised[-1]

    with pytest.raises(NotImplementedError) as excinfo:
        run_limited(stub, limit=LIMIT)
    assert excinfo.value is raised[0]  # the very object, not a wrapper


def test_run_limited_reraises_other_exceptions_unchanged():
    def connect_nowhere():
        with socket.socket() as s:
            s.settimeout(1)
            s.connect(("127.0.0.1", closed_port()))

    with pytest.raises(ConnectionRefusedError) as excinfo:
        run_limited(connect_nowhere, limit=1.0)
    assert excinfo.value.errno == errno.ECONNREFUSED


# --- run_limited: calls that block ------------------------------------------------------

def test_blocking_accept_fails_clearly_and_the_thread_is_woken():
    workers, woke_with = [], []

    def serve_once(port):
        workers.append(threading.current_thread())
        with socket.socket() as s:
            s.bind(("127.0.0.1", port))
            s.listen()
            try:
                s.accept()  # no timeout: blocks forever without help
            except OSError as exc:
                woke_with.append(exc)
                raise

    before = snapshot()
    start = time.monotonic()
    with pytest.raises(AssertionError) as excinfo:
        run_limited(serve_once, 0, limit=LIMIT)
    assert time.monotonic() - start < LIMIT + 1.0
    message = str(excinfo.value)
    assert message.startswith(f"serve_once(0) did not return within {LIMIT} s.")
    assert "needs a timeout" in message and "settimeout" in message
    workers[0].join(1.0)
    assert not workers[0].is_alive()  # woken up (accept failed), not left blocked
    assert [type(e) for e in woke_with] == [OSError]
    assert snapshot() == before  # its listening socket got closed by its `with`


def test_blocking_recv_fails_clearly_and_the_thread_is_woken():
    workers, got = [], []
    listening = threading.Event()

    def silent(conn):
        listening.set()
        conn.recv(1)  # never sends; woken when the client's side goes away

    def ask(address):
        workers.append(threading.current_thread())
        with socket.create_connection(address) as s:  # no timeout given
            got.append(s.recv(1024))

    before = snapshot()
    with tcp_server(silent, timeout=1.0) as server:
        with pytest.raises(AssertionError, match=r"^ask\(\('127\.0\.0\.1', \d+\)\) did not return within 0\.3 s"):
            run_limited(ask, server.address, limit=LIMIT)
        assert listening.is_set()
        workers[0].join(1.0)
        assert not workers[0].is_alive()
        assert got == [b""]  # its recv was woken by the shutdown
    assert server.errors == []
    assert snapshot() == before


def test_blocking_udp_recvfrom_fails_and_the_thread_is_woken():
    workers = []

    def wait_for_datagram():
        workers.append(threading.current_thread())
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.bind(("127.0.0.1", 0))
            return s.recvfrom(1024)

    with pytest.raises(AssertionError, match="did not return within"):
        run_limited(wait_for_datagram, limit=LIMIT)
    workers[0].join(1.0)
    assert not workers[0].is_alive()


def test_a_busy_loop_fails_within_the_limit():
    stop = threading.Event()

    def spin():
        while not stop.is_set():
            time.sleep(0.01)

    start = time.monotonic()
    try:
        with pytest.raises(AssertionError, match=r"spin\(\) did not return within 0\.3 s"):
            run_limited(spin, limit=LIMIT)
        assert time.monotonic() - start < LIMIT + 1.5
    finally:
        stop.set()


# --- run_limited: leaks ------------------------------------------------------------------

def test_an_unclosed_socket_is_flagged():
    def leaky():
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        return "done"

    with pytest.raises(AssertionError) as excinfo:
        run_limited(leaky, limit=LIMIT)
    message = str(excinfo.value)
    assert message.startswith("leaky() returned but left 1 socket(s) open: unclosed <socket.socket")
    assert "127.0.0.1" in message  # the warning's text names the socket
    assert message.endswith("Close every socket you create, best with a `with` block.")


def test_two_unclosed_sockets_are_counted():
    def leaky_pair():
        a, b = socket.socketpair()

    with pytest.raises(AssertionError, match=r"left 2 socket\(s\) open"):
        run_limited(leaky_pair, limit=LIMIT)


def test_an_unclosed_socket_in_a_reference_cycle_is_flagged():
    def leaky_cycle():
        holder = [socket.socket()]
        holder.append(holder)  # only the garbage collector frees this one

    with pytest.raises(AssertionError, match=r"left 1 socket\(s\) open"):
        run_limited(leaky_cycle, limit=LIMIT)


def test_a_returned_open_socket_is_not_flagged():
    def make_listener():
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        s.listen()
        return s  # the caller asked for it: not a leak

    sock = run_limited(make_listener, limit=LIMIT)
    try:
        assert isinstance(sock, socket.socket) and sock.fileno() != -1
        assert sock.getsockname()[0] == "127.0.0.1"
    finally:
        sock.close()


def test_a_closed_socket_is_not_flagged():
    def tidy():
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            return s.getsockname()[0]

    assert run_limited(tidy, limit=LIMIT) == "127.0.0.1"


def test_a_thread_left_running_is_flagged():
    release = threading.Event()

    def start_and_forget():
        threading.Thread(target=release.wait, args=(3,), name="forgotten-worker", daemon=True).start()

    try:
        with pytest.raises(AssertionError) as excinfo:
            run_limited(start_and_forget, limit=LIMIT)
        assert str(excinfo.value) == (
            "start_and_forget() returned but left 1 thread(s) running (forgotten-worker). "
            "Stop and join the threads you start before returning.")
    finally:
        release.set()


def test_a_thread_that_ends_soon_after_the_return_is_not_flagged():
    def start_short():
        threading.Thread(target=time.sleep, args=(0.1,), daemon=True).start()
        return 1

    assert run_limited(start_short, limit=LIMIT) == 1


def test_allow_leaks_skips_the_leak_checks_but_not_the_time_limit():
    release = threading.Event()

    def leaky_and_threaded():
        socket.socket()
        threading.Thread(target=release.wait, args=(3,), daemon=True).start()
        return "value"

    def hang():
        with socket.create_server(("127.0.0.1", 0)) as s:
            s.accept()

    try:
        assert run_limited(leaky_and_threaded, limit=LIMIT, allow_leaks=True) == "value"
    finally:
        release.set()
    with pytest.raises(AssertionError, match="did not return within"):
        run_limited(hang, limit=LIMIT, allow_leaks=True)


def test_talking_to_an_outside_server_is_not_a_leak():
    # The usual test cell: a server from the test, a client function from the learner.
    # The server's handler thread starts during the call but is not the learner's.
    def echo(conn):
        while data := conn.recv(1024):
            conn.sendall(data)

    def client(address, payload):
        with socket.create_connection(address, timeout=1) as s:
            s.sendall(payload)
            return s.recv(1024)

    with tcp_server(echo, timeout=1.0) as server:
        assert run_limited(client, server.address, b"ping", limit=1.0) == b"ping"


def test_a_server_started_and_stopped_inside_the_call_is_not_a_leak():
    def own_server():
        with tcp_server(lambda conn: conn.sendall(b"hi"), timeout=1.0) as server:
            with socket.create_connection(server.address, timeout=1) as s:
                return s.recv(16)

    assert run_limited(own_server, limit=2.0) == b"hi"


# --- expect -------------------------------------------------------------------------------

def test_expect_passes_on_equal_values():
    assert expect(b"HI", b"HI", "the reply") is None
    assert expect([1, 2], [1, 2], "the list", hint="never shown") is None


def test_expect_message_says_what_expected_and_got():
    with pytest.raises(AssertionError) as excinfo:
        expect(8080, 80, "the port")
    assert str(excinfo.value) == "the port: expected 80, got 8080."


def test_expect_message_ends_with_the_hint():
    with pytest.raises(AssertionError) as excinfo:
        expect("hi", b"hi", "the reply", hint="recv returns bytes, not str.")
    # repr shows the difference between bytes and str
    assert str(excinfo.value) == "the reply: expected b'hi', got 'hi'. recv returns bytes, not str."


def test_expect_shortens_long_values():
    expected, actual = b"x" * 300, b"y" * 1000
    with pytest.raises(AssertionError) as excinfo:
        expect(actual, expected, "the data")
    shown_expected = repr(expected)[:185] + "... (303 chars)"
    shown_actual = repr(actual)[:185] + "... (1003 chars)"
    assert str(excinfo.value) == f"the data: expected {shown_expected}, got {shown_actual}."
    assert len(str(excinfo.value)) < 450


def test_expect_keeps_values_up_to_200_chars_whole():
    value = "a" * 198  # repr adds two quotes: 200 chars
    with pytest.raises(AssertionError) as excinfo:
        expect("b", value, "text")
    assert str(excinfo.value) == f"text: expected {value!r}, got 'b'."


# --- expect_raises ------------------------------------------------------------------------

def test_expect_raises_returns_the_expected_exception():
    raised = []

    def refuse():
        raised.append(ConnectionRefusedError("no one there"))
        raise raised[-1]

    assert expect_raises(ConnectionRefusedError, refuse, limit=LIMIT) is raised[0]
    assert expect_raises(OSError, refuse, limit=LIMIT) is raised[1]  # a subclass counts
    assert expect_raises((ValueError, OSError), refuse, limit=LIMIT) is raised[2]


def test_expect_raises_with_a_real_refused_connection():
    def connect(port):
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            pass

    error = expect_raises(ConnectionRefusedError, connect, closed_port(), limit=1.0)
    assert error.errno == errno.ECONNREFUSED


def test_expect_raises_wrong_type_says_what_came_instead():
    def parse(text):
        raise ValueError("bad port")

    with pytest.raises(AssertionError) as excinfo:
        expect_raises(OSError, parse, "http", limit=LIMIT, hint="Let connect's error through.")
    assert str(excinfo.value) == "parse('http'): expected OSError, got ValueError: bad port. Let connect's error through."
    assert excinfo.value.__suppress_context__  # reads as one message, not a chain of two


def test_expect_raises_names_every_accepted_type():
    with pytest.raises(AssertionError, match=r"expected TimeoutError or ConnectionError, got KeyError"):
        expect_raises((TimeoutError, ConnectionError), lambda: {}["x"], limit=LIMIT)


def test_expect_raises_no_exception_says_what_was_returned():
    def lenient(port):
        return port * 2

    with pytest.raises(AssertionError) as excinfo:
        expect_raises(ValueError, lenient, 70000, limit=LIMIT, hint="Check the range.")
    assert str(excinfo.value) == "lenient(70000): expected ValueError, but it returned 140000. Check the range."


def test_expect_raises_timeout_is_reported_as_such():
    def hang():
        with socket.create_server(("127.0.0.1", 0)) as s:
            s.accept()

    start = time.monotonic()
    with pytest.raises(AssertionError, match=r"^hang\(\) did not return within 0\.3 s"):
        expect_raises(OSError, hang, limit=LIMIT)
    assert time.monotonic() - start < LIMIT + 1.0


@pytest.mark.parametrize("expected", [Exception, BaseException, AssertionError])
def test_expect_raises_broad_types_do_not_swallow_a_timeout(expected):
    # run_limited's verdict is an AssertionError; it must not count as "the function raised".
    def hang():
        with socket.create_server(("127.0.0.1", 0)) as s:
            s.accept()

    with pytest.raises(AssertionError, match="did not return within"):
        expect_raises(expected, hang, limit=LIMIT)


def test_expect_raises_broad_type_does_not_swallow_a_leak():
    def leaky():
        socket.socket()

    with pytest.raises(AssertionError, match=r"left 1 socket\(s\) open"):
        expect_raises(Exception, leaky, limit=LIMIT)


def test_expect_raises_lets_a_stub_speak_for_itself():
    raised = []

    def stub():
        raised.append(NotImplementedError())
        raise raised[-1]

    with pytest.raises(NotImplementedError) as excinfo:
        expect_raises(OSError, stub, limit=LIMIT)
    assert excinfo.value is raised[0]
    assert expect_raises(NotImplementedError, stub, limit=LIMIT) is raised[1]


def test_expect_raises_lets_the_functions_own_assertion_through():
    def checks_itself():
        raise AssertionError("my own check")  # (a bare assert here would be rewritten by pytest)

    with pytest.raises(AssertionError, match="^my own check$"):
        expect_raises(OSError, checks_itself, limit=LIMIT)


def test_expect_raises_accepts_an_assertion_error_when_asked():
    def checks_itself():
        raise AssertionError("expected this one")

    error = expect_raises(AssertionError, checks_itself, limit=LIMIT)
    assert str(error) == "expected this one"


def test_a_socket_leaked_before_the_call_is_not_blamed_on_it():
    # An earlier cell leaked a socket in a reference cycle; the garbage collector happens to
    # finalise it while the next check runs. That leak is not the checked function's.
    import gc

    class Holder:
        pass

    leaked = Holder()
    leaked.sock, leaked.me = socket.socket(), leaked  # a cycle: freed only by the collector
    del leaked

    def tidy():
        gc.collect()  # the stray socket is finalised here, during the call
        with socket.socket():
            return "tidy"

    assert run_limited(tidy, limit=LIMIT) == "tidy"


def test_a_socket_leaked_during_the_call_is_still_blamed():
    import gc

    def leaks_in_a_cycle():
        class Holder:
            pass

        holder = Holder()
        holder.sock, holder.me = socket.socket(), holder

    with pytest.raises(AssertionError, match="left 1 socket"):
        run_limited(leaks_in_a_cycle, limit=LIMIT)
    gc.collect()
