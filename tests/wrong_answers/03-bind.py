"""Typical wrong answers for 03-bind, and the test cells each must lose (tests/grading/test_autograde.py).

Small edits are mutations of the solution: (old, new) text replacements in its answer cell.
"""

WRONG_ANSWERS = [
    {
        "name": "binds every interface instead of loopback",
        "cell": "ex1-solution",
        "fails": ["ex1-test-basic", "ex1-test-ipv6"],
        "mutate": [("sock.bind((host, 0))", "sock.bind((\"\", 0))")],
    },
    {
        "name": "a fixed port instead of port 0",
        "cell": "ex1-solution",
        "fails": ["ex1-test-several"],
        "mutate": [("sock.bind((host, 0))", "sock.bind((host, 61234))")],
    },
    {
        "name": "always IPv4 loopback, whatever the family",
        "cell": "ex1-solution",
        "fails": ["ex1-test-ipv6"],
        "mutate": [('host = "::1" if family == socket.AF_INET6 else "127.0.0.1"', 'host = "127.0.0.1"'),
                   ("socket.socket(family, type)", "socket.socket(socket.AF_INET, type)")],
    },
    {
        "name": "ignores the type argument",
        "cell": "ex1-solution",
        "fails": ["ex1-test-udp"],
        "mutate": [("socket.socket(family, type)", "socket.socket(family, socket.SOCK_STREAM)")],
    },
    {
        "name": "thinks TCP and UDP share port numbers",
        "cell": "ex2-solution",
        "fails": ["ex2-test-same-port"],
        "mutate": [('"udp_same_port": None,', '"udp_same_port": "EADDRINUSE",')],
    },
    {
        "name": "thinks a closed server frees its port at once",
        "cell": "ex2-solution",
        "fails": ["ex2-test-time-wait"],
        "mutate": [('"after_time_wait": "EADDRINUSE",', '"after_time_wait": None,')],
    },
    {
        "name": "errno numbers instead of names, and a rebind that works",
        "cell": "ex2-solution",
        "fails": ["ex2-test-same-tcp", "ex2-test-same-port", "ex2-test-addresses", "ex2-test-time-wait"],
        "mutate": [('"EADDRINUSE"', "98"), ('"EADDRNOTAVAIL"', "99"),
                   ('"bind_twice": "EINVAL",', '"bind_twice": None,')],
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
        "mutate": [("            if exc.errno != errno.EADDRINUSE:\n                raise\n", "")],
    },
    {
        "name": "gives up silently when the port stays busy",
        "cell": "ex3-solution",
        "fails": ["ex3-test-stays-busy"],
        "mutate": [("    raise OSError(errno.EADDRINUSE,\n"
                    "                  f\"port {address[1]} on {address[0]} still in use after {attempts} attempts\")",
                    "    return None")],
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
