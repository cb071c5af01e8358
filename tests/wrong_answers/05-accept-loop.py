"""Typical wrong answers for 05-accept-loop, and the test cells each must fail (docs/authoring.md).

Most are mutations of the solution: (old, new) text replacements in its answer cell.
"""

WRONG_ANSWERS = [
    {
        "name": "one recv instead of a loop",
        "cell": "ex1-solution",
        "fails": ["ex1-test-pieces", "ex1-test-large"],
        "mutate": [("    while True:", "    for _ in range(1):")],
    },
    {
        "name": "never stops at b''",
        "cell": "ex1-solution",
        "fails": ["ex1-test-basic", "ex1-test-pieces", "ex1-test-empty", "ex1-test-large"],
        "mutate": [("        if not data:\n            return\n", "")],
    },
    {
        "name": "off by one: serves n + 1 clients",
        "cell": "ex2-solution",
        "fails": ["ex2-test-basic", "ex2-test-count", "ex2-test-vanished"],
        "mutate": [("range(n)", "range(n + 1)")],
    },
    {
        "name": "accept without a timeout",
        "cell": "ex2-solution",
        "fails": ["ex2-test-timeout"],
        "mutate": [("    listener.settimeout(timeout)\n", "")],
    },
    {
        "name": "a vanished client stops the loop",
        "cell": "ex2-solution",
        "fails": ["ex2-test-vanished"],
        "mutate": [
            ("            try:\n"
             "                handler(conn)\n"
             "            except OSError:\n"
             "                pass            # the client went away; serve the next one\n",
             "            handler(conn)\n"),
        ],
    },
    {
        "name": "never closes the client sockets",
        "cell": "ex2-solution",
        "fails": ["ex2-test-basic", "ex2-test-count", "ex2-test-vanished"],
        "source": '''
def serve_clients(listener, n, handler, timeout=2.0):
    listener.settimeout(timeout)
    served = []
    for _ in range(n):
        conn, addr = listener.accept()
        try:
            handler(conn)
        except OSError:
            pass
        served.append(addr)
    return served
''',
    },
    {
        "name": "iterative instead of concurrent",
        "cell": "ex3-solution",
        "fails": ["ex3-test-at-once"],
        "source": '''
def serve_concurrently(listener, n, handler, timeout=2.0):
    listener.settimeout(timeout)
    served = []
    for _ in range(n):
        conn, addr = listener.accept()
        with conn:
            try:
                handler(conn)
            except OSError:
                pass
        served.append(addr)
    return served
''',
    },
    {
        "name": "threads not joined",
        "cell": "ex3-solution",
        "fails": ["ex3-test-joins"],
        "mutate": [("            worker.join()", "            pass")],
    },
    {
        "name": "errors escape the client threads",
        "cell": "ex3-solution",
        "fails": ["ex3-test-vanished"],
        "mutate": [
            ("            try:\n"
             "                handler(conn)\n"
             "            except OSError:\n"
             "                pass\n",
             "            handler(conn)\n"),
        ],
    },
    {
        "name": "answer cell blocks in accept() with no timeout",
        "cell": "ex2-solution",
        "hangs": True,
        "fails": ["ex2-test-basic", "ex2-test-count", "ex2-test-timeout", "ex2-test-vanished"],
        "source": '''
import socket
listener = socket.create_server(("127.0.0.1", 0))
conn, addr = listener.accept()   # nobody connects: waits forever
''',
    },
]
