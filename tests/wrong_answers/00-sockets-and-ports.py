"""Typical wrong answers to 00-sockets-and-ports, and exactly the test cells each must fail.

Most are mutations of the solution: (old, new) text replacements in its answer cell.
"""

EX3_ALL = ["ex3-test-round-trip", "ex3-test-pieces", "ex3-test-long-text", "ex3-test-timeout", "ex3-test-closes"]

WRONG_ANSWERS = [
    {
        "name": "ranges off by one",
        "cell": "ex1-solution",
        "fails": ["ex1-test-boundaries"],
        "mutate": [("port <= 1023", "port < 1023"), ("port <= 49151", "port < 49151")],
    },
    {
        "name": "no check for impossible ports",
        "cell": "ex1-solution",
        "fails": ["ex1-test-invalid"],
        "mutate": [("raise ValueError(f\"port must be 0-65535, not {port}\")", "pass")],
    },
    {
        "name": "split on every colon",
        "cell": "ex2-solution",
        "fails": ["ex2-test-ipv6", "ex2-test-bad-input"],
        "source": '''
def parse_endpoint(text):
    host, port = text.split(":")
    return host, int(port)
''',
    },
    {
        "name": "last colon but brackets kept and no checks",
        "cell": "ex2-solution",
        "fails": ["ex2-test-ipv6", "ex2-test-bad-input"],
        "source": '''
def parse_endpoint(text):
    host, port = text.rsplit(":", 1)
    return host, int(port)
''',
    },
    {
        "name": "one recv instead of a loop",
        "cell": "ex3-solution",
        "fails": ["ex3-test-pieces"],
        "mutate": [("        while True:", "        for _ in range(1):")],
    },
    {
        "name": "send instead of sendall",
        "cell": "ex3-solution",
        "fails": ["ex3-test-long-text"],
        "mutate": [("conn.sendall(", "conn.send(")],
    },
    {
        "name": "no timeout",
        "cell": "ex3-solution",
        "fails": ["ex3-test-timeout"],
        "mutate": [("create_connection(address, timeout=timeout)", "create_connection(address)")],
    },
    {
        "name": "no close",
        "cell": "ex3-solution",
        "fails": ["ex3-test-closes"],
        "source": '''
def shout(address, text, timeout=2.0):
    conn = socket.create_connection(address, timeout=timeout)
    conn.sendall(text.encode("utf-8") + b"\\n")
    reply = b""
    while chunk := conn.recv(4096):
        reply += chunk
    return reply.decode("utf-8").rstrip("\\n")
''',
    },
    {
        "name": "wrong address: the classic example's port 9090",
        "cell": "ex3-solution",
        "fails": EX3_ALL,
        "mutate": [("create_connection(address,", "create_connection((\"127.0.0.1\", 9090),")],
    },
    {
        "name": "answer cell blocks forever in accept",
        "cell": "ex3-solution",
        "hangs": True,
        "fails": EX3_ALL,
        "source": '''
listener = socket.create_server(("127.0.0.1", 0))
conn, addr = listener.accept()   # waits for a client that never comes: no timeout
''',
    },
]
