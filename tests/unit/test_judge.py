"""The sealed judge's session with a stand-in kernel: a plain Python process running the
call-server (socketlab.judge.callee) over a namespace of 'student code', as the grading
kernel does after its first line. What a test cell needs works across the process
boundary, and what a hostile student's code sends back decides nothing."""

from __future__ import annotations

import socket
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from socketlab.check import expect, expect_raises, run_limited
from socketlab.judge import remote
from socketlab.judge.remote import Session, StudentObject

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")

STUDENT = '''
import socket
class CommandError(ValueError):
    pass
GREETING = "HELLO"
runaway = [b""] * 2_000_000  # what a loop that never ends leaves behind
PREDICTIONS = {"a": ("EADDRINUSE", 98)}
kept = []
def add(a, b):
    return a + b
def upper(address, text):
    with socket.create_connection(address, timeout=2) as s:
        s.sendall(text.encode())
        s.shutdown(socket.SHUT_WR)
        data = b""
        while chunk := s.recv(100):
            data += chunk
    return data.decode()
def keeps_open(address):
    kept.append(socket.create_connection(address, timeout=2))
def leaves_to_gc(address):
    s = socket.create_connection(address, timeout=2)
def bad(x):
    raise CommandError(f"bad {x}")
def refused(port):
    socket.create_connection(("127.0.0.1", port), timeout=2)
def serve(listener, handler):
    conn, addr = listener.accept()
    with conn:
        handler(conn)
    return addr
def closes(sock):
    sock.close()
def proto_of(sock):
    return sock.family, sock.type, sock.proto
def serve_once_now(handler):
    with socket.create_server(("127.0.0.1", 0)) as listener, \\
            socket.create_connection(listener.getsockname(), timeout=2) as client:
        client.sendall(b"hi")
        client.shutdown(socket.SHUT_WR)
        conn, _ = listener.accept()
        with conn:
            handler(conn)
        return client.recv(10)
def decodes(data):
    return data.decode("utf-8")
def sets_no_timeout(sock):
    sock.settimeout(None)
def waits(sock):
    return sock.recv(10)
class Liar(str):
    def __eq__(self, other):
        return True
    __hash__ = str.__hash__
def forged():
    class Anything:
        def __eq__(self, other):
            return True
    return Anything()
def errno_of(action):
    try:
        action()
    except OSError as exc:
        if exc.errno is None:
            raise
        return exc.errno
def bind_twice(sock, address):
    for _ in range(2):
        sock.bind(address)
def talk_nonsense():
    import socketlab.judge.wire as wire
    wire.Channel.send = lambda self, message, fds=(): self.sock.sendall(b"\\x00\\x00\\x00\\x04{not")
def replace_the_checks():
    import socketlab.check as check
    check.expect = lambda *a, **k: None
    check.run_limited = lambda fn, *a, **k: "whatever"
    return "done"
'''


@pytest.fixture()
def student(tmp_path: Path):
    """The stand-in kernel's names, seen through a live session (closed afterwards)."""
    path = tmp_path / "judge.sock"
    session = Session(path)
    code = textwrap.dedent(f"""
        import sys, time
        import socketlab.judge.callee as callee
        namespace = {{"__name__": "__main__"}}
        exec(compile({STUDENT!r}, "<answer cell>", "exec"), namespace)
        callee.start({str(path)!r}, namespace)
        time.sleep(60)
    """)
    kernel = subprocess.Popen([sys.executable, "-c", code])
    try:
        session.accept(20)
        yield session.names()
    finally:
        session.close()
        kernel.kill()
        kernel.wait()


def echo_upper(conn):
    data = b""
    while chunk := conn.recv(100):
        data += chunk
    conn.sendall(data.upper())


def test_plain_values_are_copied_and_functions_run_in_the_kernel(student):
    assert student["GREETING"] == "HELLO" and student["PREDICTIONS"] == {"a": ("EADDRINUSE", 98)}
    assert isinstance(student["add"], StudentObject)
    expect(run_limited(student["add"], 2, 3), 5, "add(2, 3)")


def test_sockets_travel_and_the_judges_handler_is_called_back(student):
    from socketlab.server import tcp_server

    with tcp_server(echo_upper) as server:
        expect(run_limited(student["upper"], server.address, "hi"), "HI", "upper()")
    with socket.create_server(("127.0.0.1", 0)) as listener:
        with socket.create_connection(listener.getsockname(), timeout=2) as client:
            client.sendall(b"abc")
            client.shutdown(socket.SHUT_WR)
            address = run_limited(student["serve"], listener, echo_upper)
            assert client.recv(10) == b"ABC"
            assert address == client.getsockname()


def test_a_socket_the_student_closes_is_closed_for_the_test_too(student):
    a, b = socket.socketpair()
    with a, b:
        run_limited(student["closes"], a)
        assert a.fileno() == -1


def test_exceptions_keep_their_type_and_say_where(student):
    error = expect_raises(student["CommandError"], student["bad"], 3)
    assert isinstance(error, ValueError) and str(error) == "bad 3"
    assert "line" in error.__socketlab_where__
    with socket.socket() as spare:
        spare.bind(("127.0.0.1", 0))
        port = spare.getsockname()[1]
    refused_error = expect_raises(ConnectionRefusedError, student["refused"], port)
    assert refused_error.errno == 111


def test_leaks_are_seen_from_outside_and_from_the_kernels_warnings(student):
    with socket.create_server(("127.0.0.1", 0)) as listener:
        with pytest.raises(AssertionError, match=r"left 1 socket\(s\) open: <TCP socket"):
            run_limited(student["keeps_open"], listener.getsockname())
        with pytest.raises(AssertionError, match=r"left 1 socket\(s\) open: unclosed"):
            run_limited(student["leaves_to_gc"], listener.getsockname())


def test_a_call_that_leaves_nothing_open_costs_no_socket_table_walk(student, monkeypatch):
    """psutil's walk of the socket tables costs ~15 ms of CPU: only a leak is worth it."""
    import psutil

    def walk(*args, **kwargs):
        raise AssertionError("psutil's socket tables were read for a call that left nothing open")

    monkeypatch.setattr(psutil.Process, "net_connections", walk)
    expect(run_limited(student["add"], 2, 3), 5, "add(2, 3)")


def test_a_call_that_hangs_is_woken_and_fails_in_time(student):
    a, b = socket.socketpair()
    with a, b:
        start = time.monotonic()
        with pytest.raises(AssertionError, match="did not return within 1 s"):
            run_limited(student["waits"], a, limit=1)
        assert time.monotonic() - start < 10
    # Waking it shut down the call's sockets, never the judge's channels: the next call works.
    expect(run_limited(student["add"], 1, 2), 3, "add(1, 2) after a call that had to be woken")
    expect(run_limited(student["serve_once_now"], echo_upper), b"HI", "a callback after a call that had to be woken")


def test_an_exception_of_the_tests_comes_back_as_the_same_object(student):
    timeout = TimeoutError("the test's own")

    def action():
        raise timeout

    assert expect_raises(TimeoutError, student["errno_of"], action) is timeout
    def refused():
        raise ConnectionRefusedError(111, "Connection refused")

    assert run_limited(student["errno_of"], refused) == 111


def test_a_socket_subclass_of_the_tests_stays_with_the_test(student):
    class CountingSocket(socket.socket):
        binds = 0

        def bind(self, address):
            self.binds += 1
            return super().bind(address)

    with CountingSocket() as counting:
        error = expect_raises(OSError, student["bind_twice"], counting, ("127.0.0.1", 0))
        assert counting.binds == 2 and error.errno == 22  # EINVAL: already bound


def test_forged_answers_decide_nothing(student):
    with pytest.raises(AssertionError, match="expected 'HELLO'"):
        expect(run_limited(student["forged"]), "HELLO", "the reply")
    run_limited(student["replace_the_checks"])  # replaces the kernel's copy, not the judge's
    with pytest.raises(AssertionError, match="expected 6"):
        expect(run_limited(student["add"], 2, 3), 6, "add(2, 3)")


def test_a_kernel_that_answers_nonsense_fails_its_own_test_only(student):
    with pytest.raises(AssertionError, match="lost its connection to your kernel"):
        run_limited(student["talk_nonsense"])
    assert remote.current() is not None  # the session, and the judge, go on


def test_a_socket_keeps_its_timeout_on_both_sides(student):
    a, b = socket.socketpair()
    with a, b:
        a.settimeout(0.5)
        b.sendall(b"hi")
        expect(run_limited(student["waits"], a), b"hi", "recv on a socket with a timeout, in the kernel")
        expect(a.gettimeout(), 0.5, "the test's socket's timeout after the call")
        run_limited(student["sets_no_timeout"], a)
        expect(a.gettimeout(), None, "the timeout the student's code set, seen by the test")


def test_an_exception_that_wants_its_own_arguments_still_comes_back(student):
    error = expect_raises(ValueError, student["decodes"], b"\xff")
    assert isinstance(error, ValueError) and "utf-8" in str(error)


def test_a_socket_says_what_it_was_made_as(student):
    with socket.socket() as sock:  # proto 0: the kernel chose TCP, but the object says 0
        expect(run_limited(student["proto_of"], sock), (socket.AF_INET, socket.SOCK_STREAM, 0),
               "family, type and proto of the test's socket, in the kernel")


def test_the_judge_says_ready_only_once_its_socket_listens(tmp_path: Path):
    """The grading step lets the kernel connect only after this line: a judge slow to start
    (a loaded machine) must not make a whole notebook's tests fail."""
    path = tmp_path / "judge.sock"
    judge = subprocess.Popen([sys.executable, "-m", "socketlab.judge.runner", str(path)],
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert judge.stdout.readline().strip() == '{"ready": true}'
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as probe:
            probe.settimeout(5)
            probe.connect(str(path))
    finally:
        judge.stdin.close()
        judge.kill()
        judge.wait()


def test_a_huge_value_of_the_notebooks_stays_in_the_kernel(student):
    """Listed by reference, without walking it: a test cell after a runaway loop still finds the names."""
    assert isinstance(student["runaway"], StudentObject)
    assert student["add"](2, 3) == 5


def test_names_the_judge_could_not_list_are_explained_as_such():
    from socketlab.judge.runner import error_output

    said = error_output(NameError("name 'send_message' is not defined", name="send_message"),
                        "WireError: MemoryError in the kernel")
    assert "could not be looked up in your kernel (WireError: MemoryError in the kernel)" in said["evalue"]
    plain = error_output(NameError("name 'send_message' is not defined", name="send_message"))
    assert "run the cell that defines it" in plain["evalue"]
