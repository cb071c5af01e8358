"""Typical wrong answers for 03-bind, and the test cells each must lose (tests/grading/test_autograde.py).

Small edits are mutations of the solution: (old, new) text replacements in its answer cell.
`breaks` names the requirements (numbered in each exercise's text) the answer breaks.
"""

WRONG_ANSWERS = [
    # Exercise 1: bind_loopback
    {
        "name": "binds every interface instead of loopback",
        "cell": "ex1-solution", "breaks": [2],
        "fails": ["ex1-test-basic", "ex1-test-ipv6"],
        "mutate": [("sock.bind((host, 0))", "sock.bind((\"\", 0))")],
    },
    {
        "name": "IPv6 binds '::' (every interface) instead of ::1",
        "cell": "ex1-solution", "breaks": [2],
        "fails": ["ex1-test-ipv6"],
        "mutate": [('host = "::1" if', 'host = "::" if')],
    },
    {
        "name": "a fixed port instead of port 0",
        "cell": "ex1-solution", "breaks": [3],
        "fails": ["ex1-test-several"],
        "mutate": [("sock.bind((host, 0))", "sock.bind((host, 61234))")],
    },
    {
        "name": "always IPv4 loopback, whatever the family",
        "cell": "ex1-solution", "breaks": [1, 2],
        "fails": ["ex1-test-ipv6"],
        "mutate": [('host = "::1" if family == socket.AF_INET6 else "127.0.0.1"', 'host = "127.0.0.1"'),
                   ("socket.socket(family, type)", "socket.socket(socket.AF_INET, type)")],
    },
    {
        "name": "ignores the type argument",
        "cell": "ex1-solution", "breaks": [1],
        "fails": ["ex1-test-udp"],
        "mutate": [("socket.socket(family, type)", "socket.socket(family, socket.SOCK_STREAM)")],
    },
    {
        "name": "returns from inside a with block: the socket comes back closed",
        "cell": "ex1-solution", "breaks": [4],
        "fails": ["ex1-test-basic", "ex1-test-open", "ex1-test-ipv6", "ex1-test-udp", "ex1-test-several"],
        "source": '''
def bind_loopback(family=socket.AF_INET, type=socket.SOCK_STREAM):
    host = "::1" if family == socket.AF_INET6 else "127.0.0.1"
    with socket.socket(family, type) as sock:
        sock.bind((host, 0))
        return sock
''',
    },
    {
        "name": "returns a listening socket",
        "cell": "ex1-solution", "breaks": [4],
        "fails": ["ex1-test-open", "ex1-test-udp"],     # a UDP socket cannot listen: EOPNOTSUPP
        "mutate": [("        sock.bind((host, 0))\n", "        sock.bind((host, 0))\n        sock.listen()\n")],
    },
    # Exercise 2: PREDICTIONS
    {
        "name": "adds a key of its own",
        "cell": "ex2-solution", "breaks": [1],
        "fails": ["ex2-test-same-tcp"],
        "mutate": [('    "same_tcp": "EADDRINUSE",', '    "same_tcp": "EADDRINUSE",\n    "notes": None,')],
    },
    {
        "name": "thinks a second TCP bind of a listener's address works",
        "cell": "ex2-solution", "breaks": [2],
        "fails": ["ex2-test-same-tcp"],
        "mutate": [('"same_tcp": "EADDRINUSE",', '"same_tcp": None,')],
    },
    {
        "name": "thinks TCP and UDP share port numbers",
        "cell": "ex2-solution", "breaks": [2],
        "fails": ["ex2-test-same-port"],
        "mutate": [('"udp_same_port": None,', '"udp_same_port": "EADDRINUSE",')],
    },
    {
        "name": "thinks SO_REUSEADDR lets a socket bind beside a listener",
        "cell": "ex2-solution", "breaks": [2],
        "fails": ["ex2-test-same-port"],
        "mutate": [('"reuseaddr_vs_listener": "EADDRINUSE",', '"reuseaddr_vs_listener": None,')],
    },
    {
        "name": "thinks any address can be bound",
        "cell": "ex2-solution", "breaks": [3],
        "fails": ["ex2-test-addresses"],
        "mutate": [('"not_my_address": "EADDRNOTAVAIL",', '"not_my_address": None,')],
    },
    {
        "name": "thinks a bound socket can bind again",
        "cell": "ex2-solution", "breaks": [3],
        "fails": ["ex2-test-addresses"],
        "mutate": [('"bind_twice": "EINVAL",', '"bind_twice": None,')],
    },
    {
        "name": "thinks a closed server frees its port at once",
        "cell": "ex2-solution", "breaks": [4],
        "fails": ["ex2-test-time-wait"],
        "mutate": [('"after_time_wait": "EADDRINUSE",', '"after_time_wait": None,')],
    },
    {
        "name": "thinks SO_REUSEADDR does not help after TIME_WAIT",
        "cell": "ex2-solution", "breaks": [4],
        "fails": ["ex2-test-time-wait"],
        "mutate": [('"after_time_wait_both_reuseaddr": None,', '"after_time_wait_both_reuseaddr": "EADDRINUSE",')],
    },
    {
        "name": "errno numbers instead of names, and a rebind that works",
        "cell": "ex2-solution", "breaks": [1, 2, 3, 4],
        "fails": ["ex2-test-same-tcp", "ex2-test-same-port", "ex2-test-addresses", "ex2-test-time-wait"],
        "mutate": [('"EADDRINUSE"', "98"), ('"EADDRNOTAVAIL"', "99"),
                   ('"bind_twice": "EINVAL",', '"bind_twice": None,')],
    },
    # Exercise 3: bind_with_retry
    {
        "name": "no retry: a single bind",
        "cell": "ex3-solution", "breaks": [1, 3],
        "fails": ["ex3-test-freed-later", "ex3-test-stays-busy"],
        "source": '''
def bind_with_retry(sock, address, attempts=5, delay=0.1):
    sock.bind(address)
    return sock.getsockname()
''',
    },
    {
        "name": "one try too many (off by one)",
        "cell": "ex3-solution", "breaks": [1],
        "fails": ["ex3-test-freed-later"],
        "mutate": [("for attempt in range(1, attempts + 1):", "for attempt in range(0, attempts + 1):")],
    },
    {
        "name": "retries at once, without waiting delay seconds",
        "cell": "ex3-solution", "breaks": [1],
        "fails": ["ex3-test-freed-later", "ex3-test-stays-busy"],
        "mutate": [("                time.sleep(delay)\n", "                pass\n")],
    },
    {
        "name": "retries every OSError, not only EADDRINUSE",
        "cell": "ex3-solution", "breaks": [2],
        "fails": ["ex3-test-other-errors"],
        "mutate": [("            if exc.errno != errno.EADDRINUSE:\n                raise\n", "")],
    },
    {
        "name": "gives up silently when the port stays busy",
        "cell": "ex3-solution", "breaks": [3],
        "fails": ["ex3-test-stays-busy"],
        "mutate": [("    raise OSError(errno.EADDRINUSE,\n"
                    "                  f\"port {address[1]} on {address[0]} still in use after {attempts} attempts\")",
                    "    return None")],
    },
    {
        "name": "the final error does not name the port",
        "cell": "ex3-solution", "breaks": [3],
        "fails": ["ex3-test-stays-busy"],
        "mutate": [("f\"port {address[1]} on {address[0]} still in use after {attempts} attempts\"",
                    "\"address still in use, giving up\"")],
    },
    {
        "name": "closes the caller's socket after binding",
        "cell": "ex3-solution", "breaks": [4],
        "fails": ["ex3-test-free", "ex3-test-freed-later"],
        "mutate": [("            sock.bind(address)\n            return sock.getsockname()\n",
                    "            sock.bind(address)\n            name = sock.getsockname()\n"
                    "            sock.close()\n            return name\n")],
    },
    {
        "name": "waits forever for a port that never frees (cell blocks at top level)",
        "cell": "ex3-solution", "breaks": [1, 2],
        "hangs": True,
        # the answer cell and the "try it" cell (it calls it on a busy port) each cost nbgrader's
        # cell timeout; three test cells each wait out run_limited's 2 s limit on top
        "hanging_cells": 3,
        "fails": ["ex3-test-freed-later", "ex3-test-stays-busy", "ex3-test-other-errors"],
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
