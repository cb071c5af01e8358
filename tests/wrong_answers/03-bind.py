"""Typical wrong answers for 03-bind, and the test cells each must lose (tests/test_autograde.py)."""

WRONG_ANSWERS = [
    {
        "name": "binds every interface instead of loopback",
        "cell": "ex1-solution",
        "fails": ["ex1-test-basic", "ex1-test-ipv6"],
        "source": '''
def bind_loopback(family=socket.AF_INET, type=socket.SOCK_STREAM):
    sock = socket.socket(family, type)
    sock.bind(("", 0))
    return sock
''',
    },
    {
        "name": "a fixed port instead of port 0",
        "cell": "ex1-solution",
        "fails": ["ex1-test-several"],
        "source": '''
def bind_loopback(family=socket.AF_INET, type=socket.SOCK_STREAM):
    host = "::1" if family == socket.AF_INET6 else "127.0.0.1"
    sock = socket.socket(family, type)
    try:
        sock.bind((host, 61234))
    except OSError:
        sock.close()
        raise
    return sock
''',
    },
    {
        "name": "always IPv4 loopback, whatever the family",
        "cell": "ex1-solution",
        "fails": ["ex1-test-ipv6"],
        "source": '''
def bind_loopback(family=socket.AF_INET, type=socket.SOCK_STREAM):
    sock = socket.socket(socket.AF_INET, type)
    sock.bind(("127.0.0.1", 0))
    return sock
''',
    },
    {
        "name": "ignores the type argument",
        "cell": "ex1-solution",
        "fails": ["ex1-test-udp"],
        "source": '''
def bind_loopback(family=socket.AF_INET, type=socket.SOCK_STREAM):
    host = "::1" if family == socket.AF_INET6 else "127.0.0.1"
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.bind((host, 0))
    return sock
''',
    },
    {
        "name": "thinks TCP and UDP share port numbers",
        "cell": "ex2-solution",
        "fails": ["ex2-test-same-port"],
        "source": '''
PREDICTIONS = {
    "same_tcp": "EADDRINUSE",
    "udp_same_port": "EADDRINUSE",
    "every_interface_same_port": "EADDRINUSE",
    "reuseaddr_vs_listener": "EADDRINUSE",
    "not_my_address": "EADDRNOTAVAIL",
    "bind_twice": "EINVAL",
    "after_time_wait": "EADDRINUSE",
    "after_time_wait_both_reuseaddr": None,
}
''',
    },
    {
        "name": "thinks a closed server frees its port at once",
        "cell": "ex2-solution",
        "fails": ["ex2-test-time-wait"],
        "source": '''
PREDICTIONS = {
    "same_tcp": "EADDRINUSE",
    "udp_same_port": None,
    "every_interface_same_port": "EADDRINUSE",
    "reuseaddr_vs_listener": "EADDRINUSE",
    "not_my_address": "EADDRNOTAVAIL",
    "bind_twice": "EINVAL",
    "after_time_wait": None,
    "after_time_wait_both_reuseaddr": None,
}
''',
    },
    {
        "name": "errno numbers instead of names, and a rebind that works",
        "cell": "ex2-solution",
        "fails": ["ex2-test-same-tcp", "ex2-test-same-port", "ex2-test-addresses", "ex2-test-time-wait"],
        "source": '''
PREDICTIONS = {
    "same_tcp": 98,
    "udp_same_port": None,
    "every_interface_same_port": 98,
    "reuseaddr_vs_listener": 98,
    "not_my_address": 99,
    "bind_twice": None,
    "after_time_wait": 98,
    "after_time_wait_both_reuseaddr": None,
}
''',
    },
    {
        "name": "no retry: a single bind",
        "cell": "ex3-solution",
        "fails": ["ex3-test-freed-later", "ex3-test-stays-busy"],
        "source": '''
def bind_with_retry(sock, address, attempts=5, delay=0.1):
    sock.bind(address)
    return sock.getsockname()
''',
    },
    {
        "name": "retries every OSError, not only EADDRINUSE",
        "cell": "ex3-solution",
        "fails": ["ex3-test-other-errors"],
        "source": '''
def bind_with_retry(sock, address, attempts=5, delay=0.1):
    for attempt in range(attempts):
        try:
            sock.bind(address)
            return sock.getsockname()
        except OSError as exc:
            last = exc
            time.sleep(delay)
    raise OSError(errno.EADDRINUSE, f"port {address[1]} still in use after {attempts} attempts")
''',
    },
    {
        "name": "gives up silently when the port stays busy",
        "cell": "ex3-solution",
        "fails": ["ex3-test-stays-busy"],
        "source": '''
def bind_with_retry(sock, address, attempts=5, delay=0.1):
    for attempt in range(attempts):
        try:
            sock.bind(address)
            return sock.getsockname()
        except OSError as exc:
            if exc.errno != errno.EADDRINUSE:
                raise
            time.sleep(delay)
    return None
''',
    },
    {
        "name": "waits forever for a port that never frees (cell blocks at top level)",
        "cell": "ex3-solution",
        "hangs": True,
        "hanging_cells": 2,          # the answer cell, then the "try it" cell, which calls it on a busy port
        "fails": ["ex3-test-stays-busy", "ex3-test-other-errors"],
        "source": '''
def bind_with_retry(sock, address, attempts=5, delay=0.1):
    while True:                      # "keep trying until it works"
        try:
            sock.bind(address)
            return sock.getsockname()
        except OSError:
            time.sleep(delay)

with socket.create_server(("127.0.0.1", 0)) as busy, socket.socket() as mine:
    bind_with_retry(mine, busy.getsockname())    # the port never frees: this never returns
''',
    },
]
