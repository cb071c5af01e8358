"""Correct answers for 03-bind in styles unlike the solution; each must get full marks
(tests/grading/test_autograde.py)."""

RIGHT_ANSWERS = [
    # Exercise 1: bind_loopback
    {
        "name": "from-imports, a table of loopback addresses, no cleanup on error",
        "cell": "ex1-solution",
        "source": '''
from socket import AF_INET, AF_INET6, SOCK_STREAM
from socket import socket as new_socket

LOOPBACK = {AF_INET: "127.0.0.1", AF_INET6: "::1"}

def bind_loopback(family=AF_INET, type=SOCK_STREAM):
    sock = new_socket(family, type)
    sock.bind((LOOPBACK[family], 0))
    return sock
''',
    },
    {
        "name": "ExitStack that hands the socket over with pop_all",
        "cell": "ex1-solution",
        "source": '''
import contextlib

def bind_loopback(family=socket.AF_INET, type=socket.SOCK_STREAM):
    with contextlib.ExitStack() as stack:
        sock = stack.enter_context(socket.socket(family, type))
        if family == socket.AF_INET6:
            sock.bind(("::1", 0, 0, 0))          # the four-tuple form of an IPv6 address
        else:
            sock.bind(("127.0.0.1", 0))
        stack.pop_all()                          # success: the caller owns it now
        return sock
''',
    },
    {
        "name": "loopback address from ipaddress, try/except OSError",
        "cell": "ex1-solution",
        "source": '''
import ipaddress

def loopback_of(family):
    return str(ipaddress.IPv6Address(1) if family == socket.AF_INET6 else ipaddress.IPv4Address("127.0.0.1"))

def bind_loopback(family=socket.AF_INET, type=socket.SOCK_STREAM):
    sock = socket.socket(family=family, type=type)
    try:
        sock.bind((loopback_of(family), 0))
    except OSError:
        sock.close()
        raise
    return sock
''',
    },
    # Exercise 2: PREDICTIONS
    {
        "name": "names taken from errno.errorcode",
        "cell": "ex2-solution",
        "source": '''
import errno
IN_USE = errno.errorcode[errno.EADDRINUSE]
PREDICTIONS = dict(
    same_tcp=IN_USE,
    udp_same_port=None,
    every_interface_same_port=IN_USE,
    reuseaddr_vs_listener=IN_USE,
    not_my_address=errno.errorcode[errno.EADDRNOTAVAIL],
    bind_twice=errno.errorcode[errno.EINVAL],
    after_time_wait=IN_USE,
    after_time_wait_both_reuseaddr=None,
)
''',
    },
    {
        "name": "keys in another order, one per statement",
        "cell": "ex2-solution",
        "source": '''
PREDICTIONS = {}
PREDICTIONS["after_time_wait_both_reuseaddr"] = None
PREDICTIONS["after_time_wait"] = "EADDRINUSE"
PREDICTIONS["bind_twice"] = "EINVAL"
PREDICTIONS["not_my_address"] = "EADDRNOTAVAIL"
PREDICTIONS["reuseaddr_vs_listener"] = "EADDRINUSE"
PREDICTIONS["every_interface_same_port"] = "EADDRINUSE"
PREDICTIONS["udp_same_port"] = None
PREDICTIONS["same_tcp"] = "EADDRINUSE"
''',
    },
    {
        "name": "an experimenter: runs the listener scenarios itself, writes the rest",
        "cell": "ex2-solution",
        "source": '''
import errno

def outcome(kind, host, reuse=False):
    with socket.socket() as listener, socket.socket(socket.AF_INET, kind) as s:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        if reuse:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((host, listener.getsockname()[1]))
            return None
        except OSError as exc:
            return errno.errorcode[exc.errno]

PREDICTIONS = {
    "same_tcp": outcome(socket.SOCK_STREAM, "127.0.0.1"),
    "udp_same_port": outcome(socket.SOCK_DGRAM, "127.0.0.1"),
    "every_interface_same_port": outcome(socket.SOCK_STREAM, "0.0.0.0"),
    "reuseaddr_vs_listener": outcome(socket.SOCK_STREAM, "127.0.0.1", reuse=True),
    "not_my_address": "EADDRNOTAVAIL",
    "bind_twice": "EINVAL",
    "after_time_wait": "EADDRINUSE",
    "after_time_wait_both_reuseaddr": None,
}
''',
    },
    # Exercise 3: bind_with_retry
    {
        "name": "while loop with a counter, host:port in the message",
        "cell": "ex3-solution",
        "source": '''
def bind_with_retry(sock, address, attempts=5, delay=0.1):
    tries = 0
    while True:
        tries += 1
        try:
            sock.bind(address)
        except OSError as exc:
            if exc.errno != errno.EADDRINUSE:
                raise
            if tries >= attempts:
                host, port = address[:2]
                raise OSError(errno.EADDRINUSE, f"{host}:{port} is still in use after {tries} tries") from exc
            time.sleep(delay)
        else:
            return sock.getsockname()
''',
    },
    {
        "name": "from-imports, for/else, sleeps after every failure",
        "cell": "ex3-solution",
        "source": '''
from errno import EADDRINUSE
from time import sleep

def bind_with_retry(sock, address, attempts=5, delay=0.1):
    for _ in range(attempts):
        try:
            sock.bind(address)
            break
        except OSError as exc:
            if exc.errno != EADDRINUSE:
                raise
            sleep(delay)
    else:
        raise OSError(EADDRINUSE, "port %d still in use after %d attempts" % (address[1], attempts))
    return sock.getsockname()
''',
    },
    {
        "name": "a helper that tries once, and a loop that keeps the last error",
        "cell": "ex3-solution",
        "source": '''
def try_bind(sock, address):
    """None when bind worked, else the OSError it raised."""
    try:
        sock.bind(address)
    except OSError as exc:
        return exc
    return None

def bind_with_retry(sock, address, attempts=5, delay=0.1):
    for attempt in range(attempts):
        if attempt:
            time.sleep(delay)
        error = try_bind(sock, address)
        if error is None:
            return sock.getsockname()
        if error.errno != errno.EADDRINUSE:
            raise error
    raise OSError(errno.EADDRINUSE, f"gave up on port {address[1]}: busy for {attempts} attempts")
''',
    },
]
