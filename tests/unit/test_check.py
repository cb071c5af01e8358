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


def test_run_limited_turns_other_exceptions_into_a_message_of_the_same_type():
    def connect_nowhere():
        with socket.socket() as s:
            s.settimeout(1)
            s.connect(("127.0.0.1", closed_port()))

    with pytest.raises(ConnectionRefusedError) as excinfo:  # `except ConnectionError` still works
        run_limited(connect_nowhere, limit=1.0, hint="Let connect's error reach the caller.")
    error = excinfo.value
    assert isinstance(error, AssertionError) and type(error).__name__ == "AssertionError"
    assert error.errno == errno.ECONNREFUSED and type(error.original) is ConnectionRefusedError
    assert str(error) == (
        "connect_nowhere(): expected it to return, got ConnectionRefusedError: [Errno 111] Connection "
        f"refused (at line {connect_nowhere.__code__.co_firstlineno + 3} of connect_nowhere: "
        "`s.connect((\"127.0.0.1\", closed_port()))`). Nothing was listening at the address connected to. "
        "Let connect's error reach the caller.")
    assert error.__suppress_context__  # one message, not a chain


def test_a_learners_own_exception_type_that_cannot_be_copied_still_gives_a_message():
    class Odd(Exception):
        def __init__(self, a, b):
            super().__init__(f"{a}-{b}")

    def odd():
        raise Odd(1, 2)

    with pytest.raises(AssertionError, match=r"^odd\(\): expected it to return, got Odd: 1-2 \(at line"):
        run_limited(odd, limit=LIMIT)


def test_a_huge_allocation_says_the_length_was_probably_misread():
    def read_frame():
        length = int.from_bytes(b"\xff\xff\xff\xff\xff\xff\xff\x00", "little")  # header read the wrong way
        return bytearray(length)  # MemoryError (or OverflowError) before anything is allocated

    with pytest.raises(AssertionError) as excinfo:
        run_limited(read_frame, limit=2.0)
    message = str(excinfo.value)
    assert message.startswith("read_frame(): expected it to return, got MemoryError")
    assert "a length prefix read from the wrong bytes" in message and "byte order" in message
    assert isinstance(excinfo.value, MemoryError)


def test_a_gaierror_from_a_replaced_getaddrinfo_says_the_test_replaced_it(monkeypatch):
    def fake_getaddrinfo(host, *args, **kwargs):
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    def resolve():
        return socket.getaddrinfo("example.invalid", 80)

    with pytest.raises(AssertionError) as excinfo:
        run_limited(resolve, limit=LIMIT)
    assert "This test replaced socket.getaddrinfo" not in str(excinfo.value)  # the real one answered
    monkeypatch.setattr(socket, "getaddrinfo", fake_getaddrinfo)
    with pytest.raises(socket.gaierror) as excinfo:
        run_limited(resolve, limit=LIMIT)
    assert "This test replaced socket.getaddrinfo with a stand-in" in str(excinfo.value)


def test_a_closed_socket_used_again_is_named_and_scratch_paths_are_shortened(tmp_path):
    def use_after_close():
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.close()
        s.connect(str(tmp_path / "server.sock"))

    def missing_file():
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
            s.connect(str(tmp_path / "server.sock"))

    with pytest.raises(AssertionError, match=r"Bad file descriptor.*The socket was already closed when it was used"):
        run_limited(use_after_close, limit=LIMIT)
    with pytest.raises(FileNotFoundError) as excinfo:
        run_limited(missing_file, limit=LIMIT)
    assert str(tmp_path) not in str(excinfo.value)


def test_an_unclosed_socket_is_flagged_when_the_function_raises():
    def leaky_then_refused(port):
        s = socket.socket()
        s.settimeout(1)
        s.connect(("127.0.0.1", port))  # refused: s is never closed

    with pytest.raises(AssertionError) as excinfo:
        expect_raises(ConnectionRefusedError, leaky_then_refused, closed_port(), limit=1.0)
    message = str(excinfo.value)
    assert message.startswith("leaky_then_refused(")
    assert "raised ConnectionRefusedError as expected, but left 1 socket(s) open: unclosed <socket.socket" in message
    assert "so it is closed also when an error is raised" in message
    # the same call, with leaks allowed, passes; and run_limited reports both things
    assert isinstance(expect_raises(ConnectionRefusedError, leaky_then_refused, closed_port(), limit=1.0,
                                    allow_leaks=True), ConnectionRefusedError)
    with pytest.raises(AssertionError, match=r"got ConnectionRefusedError.*; it also left 1 socket\(s\) open"):
        run_limited(leaky_then_refused, closed_port(), limit=1.0)


def test_a_closed_socket_on_the_error_path_is_not_flagged():
    def tidy_then_refused(port):
        with socket.socket() as s:
            s.settimeout(1)
            s.connect(("127.0.0.1", port))

    assert isinstance(expect_raises(ConnectionRefusedError, tidy_then_refused, closed_port(), limit=1.0),
                      ConnectionRefusedError)


def test_a_thread_left_running_is_flagged_when_the_function_raises():
    release = threading.Event()

    def start_then_fail():
        threading.Thread(target=release.wait, args=(3,), name="orphan", daemon=True).start()
        raise TimeoutError("gave up")

    try:
        with pytest.raises(AssertionError, match=r"raised TimeoutError as expected, but left 1 thread\(s\) "
                                                 r"running \(orphan\)\..*also when an error is raised"):
            expect_raises(TimeoutError, start_then_fail, limit=LIMIT)
    finally:
        release.set()


def test_run_limited_adds_its_hint_to_a_timeout():
    def hang():
        with socket.create_server(("127.0.0.1", 0)) as s:
            s.accept()

    with pytest.raises(AssertionError, match=r"without a timeout\..* Give accept a timeout\.$"):
        run_limited(hang, limit=LIMIT, hint="Give accept a timeout.")


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
    assert message.startswith(f"serve_once(0) did not return within {LIMIT} s. It was waiting in accept, "
                              "at `s.accept()` (line ")  # its comment is not shown
    assert "on a socket without a timeout" in message and "settimeout" in message
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
    # repr shows the difference between bytes and str, and the types are named
    assert str(excinfo.value) == "the reply: expected b'hi', got 'hi' (a str, not bytes). recv returns bytes, not str."


def test_a_socket_argument_is_shown_briefly():
    with socket.socket() as s:
        with pytest.raises(AssertionError, match=r"^recv_all\(<socket>, 10\): expected it to return, got KeyError"):
            run_limited(_named("recv_all", lambda sock, n: {}["x"]), s, 10, limit=LIMIT)


def _named(name, fn):
    fn.__name__ = name
    return fn


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
    assert str(excinfo.value) == ("parse('http'): expected OSError, got ValueError: bad port (at line "
                                  f"{parse.__code__.co_firstlineno + 1} of parse: `raise ValueError(\"bad port\")`). "
                                  "Let connect's error through.")
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


# --- what a call that overran its limit was waiting for -------------------------------

def overran(fn, *args, limit=LIMIT) -> str:
    with pytest.raises(AssertionError) as excinfo:
        run_limited(fn, *args, limit=limit)
    return str(excinfo.value)


def silent(conn):
    """A test server that reads until the client goes away and never answers."""
    while conn.recv(1024):
        pass


def test_a_timeout_names_the_recv_and_its_missing_timeout():
    def ask(address):
        with socket.create_connection(address) as conn:
            conn.sendall(b"hi")
            return conn.recv(1024)

    with tcp_server(silent, timeout=1.0) as server:
        message = overran(ask, server.address)
    assert "It was waiting in recv, at `return conn.recv(1024)` (line " in message
    assert "of ask), on a socket without a timeout." in message


def test_a_timeout_on_a_loop_that_swallows_timeouts_says_so_not_add_a_timeout():
    # The learner did set a timeout; telling them to add one would contradict what they did.

    def stubborn(address):
        with socket.create_connection(address, timeout=0.05) as conn:
            while True:
                try:
                    return conn.recv(1024)
                except TimeoutError:
                    pass

    with tcp_server(silent, timeout=1.0) as server:
        message = overran(stubborn, server.address)
    assert "on a socket whose timeout is 0.05 s" in message
    assert "a loop that catches TimeoutError and tries again never ends" in message
    assert "without a timeout" not in message


def test_a_timeout_longer_than_the_limit_is_named():
    def patient(address):
        with socket.create_connection(address, timeout=30) as conn:
            return conn.recv(1024)

    with tcp_server(silent, timeout=1.0) as server:
        message = overran(patient, server.address)
    assert "on a socket whose timeout (30 s) is longer than this test waits (0.3 s): was it waiting" in message


def test_a_timeout_in_makefile_readline_names_the_reading():
    def read_line(address):
        with socket.create_connection(address) as conn, conn.makefile("rb") as reader:
            return reader.readline()

    with tcp_server(silent, timeout=1.0) as server:
        message = overran(read_line, server.address)
    assert "It was waiting in recv (reading through makefile), at `return reader.readline()`" in message
    assert "on a socket without a timeout" in message


def test_a_timeout_in_sendall_to_a_server_that_does_not_read():
    def not_reading(conn):
        time.sleep(1.5)

    def flood(address):
        with socket.create_connection(address) as conn:
            conn.sendall(b"x" * 100_000_000)

    with tcp_server(not_reading, timeout=2.0) as server:
        message = overran(flood, server.address, limit=0.5)
    assert "It was waiting in sendall, at `conn.sendall(b\"x\" * 100_000_000)`" in message


def test_a_timeout_in_a_join_or_sleep_or_busy_loop_is_told_apart():
    release = threading.Event()

    def joins():
        worker = threading.Thread(target=release.wait, args=(3,))
        worker.start()
        worker.join()

    def sleeps():
        for _ in range(10):
            time.sleep(0.1)

    def spins():
        end = time.monotonic() + 1.0
        while time.monotonic() < end:
            pass

    try:
        assert "It was waiting in join (waiting for a thread), at `worker.join()`" in overran(joins)
    finally:
        release.set()
    assert "It was waiting in sleep, at `time.sleep(0.1)`" in overran(sleeps)
    assert "the waits add up to more than this test allows (0.3 s)" in overran(sleeps)
    message = overran(spins)
    assert "not waiting for the network: look for a loop whose end condition never comes true" in message


# --- expect compares types too ------------------------------------------------------------

class AlwaysEqual:
    """What a learner's answer could return to claim any expected value."""

    def __eq__(self, other):
        return True

    def __ne__(self, other):
        return False

    __hash__ = object.__hash__


def test_expect_fails_an_object_that_claims_to_equal_anything():
    with pytest.raises(AssertionError, match=r"^the reply: expected 'HI', got <.*AlwaysEqual object at .*> "
                                             r"\(an AlwaysEqual, not str\)\.$"):
        expect(AlwaysEqual(), "HI", "the reply")


def test_expect_fails_such_an_object_inside_a_container():
    for actual, expected, where in [
            ([1, AlwaysEqual()], [1, 2], r"\[1\] is an AlwaysEqual, not int"),
            ((b"a", [AlwaysEqual()]), (b"a", [b"b"]), r"\[1\]\[0\] is an AlwaysEqual, not bytes"),
            ({"port": AlwaysEqual()}, {"port": 80}, r"\['port'\] is an AlwaysEqual, not int"),
            ({AlwaysEqual(): 1}, {"a": 1}, "key <.*> of it is an AlwaysEqual"),
            ({AlwaysEqual()}, {"a"}, "item <.*> of it is an AlwaysEqual")]:
        with pytest.raises(AssertionError, match=where):
            expect(actual, expected, "the value")


def test_expect_fails_a_subclass_that_changes_equality():
    class LooseStr(str):
        def __eq__(self, other):
            return True

        __hash__ = str.__hash__

    with pytest.raises(AssertionError, match=r"\(a LooseStr, not str\)"):
        expect(LooseStr("anything"), "HI", "the reply")


def test_expect_tells_bool_from_int_and_tuple_from_list():
    with pytest.raises(AssertionError) as excinfo:
        expect(True, 1, "the count")
    assert str(excinfo.value) == "the count: expected 1, got True (a bool, not int)."
    with pytest.raises(AssertionError) as excinfo:
        expect(0, False, "the flag")
    assert str(excinfo.value) == "the flag: expected False, got 0 (an int, not bool)."
    with pytest.raises(AssertionError) as excinfo:
        expect(["::1", 80], ("::1", 80), "the endpoint", hint="Return a tuple.")
    assert str(excinfo.value) == "the endpoint: expected ('::1', 80), got ['::1', 80] (a list, not tuple). Return a tuple."
    with pytest.raises(AssertionError, match=r"\[0\] is a list, not tuple"):
        expect([["a", 1]], [("a", 1)], "the endpoints")


def test_expect_accepts_subclasses_that_keep_their_base_equality():
    from collections import namedtuple

    Endpoint = namedtuple("Endpoint", "host port")
    expect(Endpoint("::1", 80), ("::1", 80), "a namedtuple for a tuple")
    expect(socket.AF_INET, socket.AF_INET, "the family")
    expect(2, socket.AF_INET, "an int for an IntEnum of that value")  # equal, as before
    with pytest.raises(AssertionError, match=r"\(a SocketKind, not AddressFamily\)"):
        expect(socket.SOCK_STREAM, socket.AF_UNIX, "the family")  # both 1, not the same thing
    expect(None, None, "nothing")
    with pytest.raises(AssertionError) as excinfo:
        expect([5, 4006], [5, None], "the lengths")
    assert str(excinfo.value) == "the lengths: expected [5, None], got [5, 4006]."  # no type note for None
    expect({"a": [1, (2, 3)]}, {"a": [1, (2, 3)]}, "nested values")


def test_expect_names_types_that_call_themselves_the_same():
    class str:  # noqa: A001 (a learner's class named like a builtin)
        def __eq__(self, other):
            return True

        __hash__ = object.__hash__

    with pytest.raises(AssertionError, match=r"\(a test_check\..*str, not builtins\.str\)"):
        expect(str(), "HI", "the reply")


def test_expect_survives_a_repr_or_eq_that_raises():
    class Broken:
        def __repr__(self):
            raise RuntimeError("no repr")

        def __eq__(self, other):
            raise RuntimeError("no eq")

        __hash__ = object.__hash__

    with pytest.raises(AssertionError, match=r"^the reply: expected <Broken object>, got <Broken object>\.$"):
        expect(Broken(), Broken(), "the reply")


def test_the_test_servers_own_threads_are_not_blamed_on_the_call():
    # The call keeps a connection to the test's server open (here the test holds it); the
    # server's handler thread for it outlives the call, but it is the test's thread.
    def patient(conn):
        conn.settimeout(3)
        try:
            while conn.recv(1024):
                pass
        except OSError:
            pass

    kept = []

    def client_that_gives_up(address):
        kept.append(socket.create_connection(address, timeout=1))
        raise TimeoutError("gave up")

    with tcp_server(patient, timeout=3.0) as server:
        try:
            error = expect_raises(TimeoutError, client_that_gives_up, server.address, limit=1.0)
        finally:
            kept[0].close()
    assert str(error) == "gave up"


def test_a_gaierror_for_the_wrong_family_says_so():
    def ipv4_only(host):
        return socket.getaddrinfo(host, 80, socket.AF_INET, socket.SOCK_STREAM, 0, socket.AI_NUMERICHOST)

    with pytest.raises(socket.gaierror) as excinfo:
        run_limited(ipv4_only, "::1", limit=LIMIT)
    assert "getaddrinfo found no address of the family it was asked for" in str(excinfo.value)
