"""Typical wrong answers to 00-sockets-and-ports, and exactly the test cells each must fail."""

EX3_ALL = ["ex3-test-round-trip", "ex3-test-pieces", "ex3-test-long-text", "ex3-test-timeout", "ex3-test-closes"]

WRONG_ANSWERS = [
    {
        "name": "ranges off by one",
        "cell": "ex1-solution",
        "fails": ["ex1-test-boundaries"],
        "source": '''
def port_category(port):
    if not 0 <= port <= 65535:
        raise ValueError(port)
    if port < 1023:
        return "well-known"
    if port < 49151:
        return "registered"
    return "dynamic"
''',
    },
    {
        "name": "no check for impossible ports",
        "cell": "ex1-solution",
        "fails": ["ex1-test-invalid"],
        "source": '''
def port_category(port):
    if port <= 1023:
        return "well-known"
    if port <= 49151:
        return "registered"
    return "dynamic"
''',
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
        "source": '''
def shout(address, text, timeout=2.0):
    with socket.create_connection(address, timeout=timeout) as conn:
        conn.sendall(text.encode("utf-8") + b"\\n")
        return conn.recv(1024).decode("utf-8").rstrip("\\n")
''',
    },
    {
        "name": "send instead of sendall",
        "cell": "ex3-solution",
        "fails": ["ex3-test-long-text"],
        "source": '''
def shout(address, text, timeout=2.0):
    with socket.create_connection(address, timeout=timeout) as conn:
        conn.send(text.encode("utf-8") + b"\\n")
        reply = b""
        while chunk := conn.recv(1024):
            reply += chunk
    return reply.decode("utf-8").rstrip("\\n")
''',
    },
    {
        "name": "no timeout",
        "cell": "ex3-solution",
        "fails": ["ex3-test-timeout"],
        "source": '''
def shout(address, text, timeout=2.0):
    with socket.create_connection(address) as conn:
        conn.sendall(text.encode("utf-8") + b"\\n")
        reply = b""
        while chunk := conn.recv(1024):
            reply += chunk
    return reply.decode("utf-8").rstrip("\\n")
''',
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
    while chunk := conn.recv(1024):
        reply += chunk
    return reply.decode("utf-8").rstrip("\\n")
''',
    },
    {
        "name": "wrong address: the classic example's port 9090",
        "cell": "ex3-solution",
        "fails": EX3_ALL,
        "source": '''
def shout(address, text, timeout=2.0):
    with socket.create_connection(("127.0.0.1", 9090), timeout=timeout) as conn:
        conn.sendall(text.encode("utf-8") + b"\\n")
        reply = b""
        while chunk := conn.recv(1024):
            reply += chunk
    return reply.decode("utf-8").rstrip("\\n")
''',
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
