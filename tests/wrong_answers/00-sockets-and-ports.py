"""Typical wrong answers to 00-sockets-and-ports, and exactly the test cells each must fail.

Most are mutations of the solution: (old, new) text replacements in its answer cell. "breaks" names the
requirement (the numbered list in the exercise's text) each one breaks.
"""

EX3_ALL = ["ex3-test-round-trip", "ex3-test-pieces", "ex3-test-exact-text", "ex3-test-long-text",
           "ex3-test-timeout", "ex3-test-closes"]

WRONG_ANSWERS = [
    # Exercise 1: port_category
    {
        "name": "1023 counted as registered",
        "cell": "ex1-solution",
        "breaks": [1],
        "fails": ["ex1-test-boundaries"],
        "mutate": [("port <= 1023", "port < 1023")],
    },
    {
        "name": "49151 counted as dynamic",
        "cell": "ex1-solution",
        "breaks": [2],
        "fails": ["ex1-test-boundaries"],
        "mutate": [("port <= 49151", "port < 49151")],
    },
    {
        "name": "the dynamic range called private",
        "cell": "ex1-solution",
        "breaks": [3],
        "fails": ["ex1-test-examples", "ex1-test-boundaries"],
        "mutate": [('return "dynamic"', 'return "private"')],
    },
    {
        "name": "65535 taken for the first impossible port",
        "cell": "ex1-solution",
        "breaks": [3],
        "fails": ["ex1-test-boundaries"],
        "mutate": [("if not 0 <= port <= 65535:", "if not 0 <= port < 65535:")],
    },
    {
        "name": "no check for impossible ports",
        "cell": "ex1-solution",
        "breaks": [4],
        "fails": ["ex1-test-invalid"],
        "mutate": [("raise ValueError(f\"port must be 0-65535, not {port}\")", "pass")],
    },
    {
        "name": "negative ports allowed",
        "cell": "ex1-solution",
        "breaks": [4],
        "fails": ["ex1-test-invalid"],
        "mutate": [("if not 0 <= port <= 65535:", "if port > 65535:")],
    },
    # Exercise 2: parse_endpoint
    {
        "name": "port 0 refused",
        "cell": "ex2-solution",
        "breaks": [1],
        "fails": ["ex2-test-names-and-ipv4", "ex2-test-ipv6"],  # both check a port 0
        "mutate": [("if int(port) > 65535:", "if not 0 < int(port) <= 65535:")],
    },
    {
        "name": "int() of the port without checks",
        "cell": "ex2-solution",
        "breaks": [3],
        "fails": ["ex2-test-bad-port"],
        "mutate": [('    if not (port.isascii() and port.isdigit()):\n'
                    '        raise ValueError(f"{text!r}: the port must be a decimal number")\n', "")],
    },
    {
        "name": "no upper limit on the port",
        "cell": "ex2-solution",
        "breaks": [3],
        "fails": ["ex2-test-bad-port"],
        "mutate": [("if int(port) > 65535:", "if int(port) > 99999:")],
    },
    {
        "name": "brackets kept around IPv6 addresses",
        "cell": "ex2-solution",
        "breaks": [2],
        "fails": ["ex2-test-ipv6", "ex2-test-bad-host"],  # "[]:80" then has the host "[]"
        "mutate": [("        host = host[1:-1]\n", "        pass\n")],
    },
    {
        "name": "split at the first colon",
        "cell": "ex2-solution",
        "breaks": [2],
        "fails": ["ex2-test-ipv6"],
        "mutate": [('host, sep, port = text.rpartition(":")', 'host, sep, port = text.partition(":")')],
    },
    {
        "name": "an empty host accepted",
        "cell": "ex2-solution",
        "breaks": [4],
        "fails": ["ex2-test-bad-host"],
        "mutate": [('    if not host:\n        raise ValueError(f"{text!r} has no host")\n', "")],
    },
    {
        "name": "IPv6 without brackets accepted",
        "cell": "ex2-solution",
        "breaks": [4],
        "fails": ["ex2-test-bad-host"],
        "mutate": [('    elif ":" in host:\n'
                    '        raise ValueError(f"{text!r}: put an IPv6 address in brackets, like [::1]:80")\n', "")],
    },
    {
        "name": "ValueError without a message",
        "cell": "ex2-solution",
        "breaks": [5],
        "fails": ["ex2-test-messages"],
        "mutate": [('raise ValueError(f"{text!r} has no \':port\'")', "raise ValueError()"),
                   ('raise ValueError(f"{text!r}: put an IPv6 address in brackets, like [::1]:80")', "raise ValueError"),
                   ('raise ValueError(f"{text!r} has no host")', "raise ValueError()"),
                   ('raise ValueError(f"{text!r}: the port must be a decimal number")', "raise ValueError('')")],
    },
    {
        "name": "split on every colon",
        "cell": "ex2-solution",
        "breaks": [2, 3, 4],
        "fails": ["ex2-test-ipv6", "ex2-test-bad-port", "ex2-test-bad-host"],
        "source": '''
def parse_endpoint(text):
    host, port = text.split(":")
    return host, int(port)
''',
    },
    # Exercise 3: ask_upper
    {
        "name": "no timeout",
        "cell": "ex3-solution",
        "breaks": [1],
        "fails": ["ex3-test-timeout"],
        "mutate": [("create_connection(address, timeout=timeout)", "create_connection(address)")],
    },
    {
        "name": "the TimeoutError swallowed",
        "cell": "ex3-solution",
        "breaks": [1],
        "fails": ["ex3-test-timeout"],
        "mutate": [("            chunk = conn.recv(4096)\n",
                    "            try:\n                chunk = conn.recv(4096)\n"
                    "            except TimeoutError:\n                break\n")],
    },
    {
        "name": "send instead of sendall",
        "cell": "ex3-solution",
        "breaks": [2],
        "fails": ["ex3-test-long-text"],
        "mutate": [("conn.sendall(", "conn.send(")],
    },
    {
        "name": "no newline sent",
        "cell": "ex3-solution",
        "breaks": [2],
        "fails": [cell for cell in EX3_ALL if cell != "ex3-test-timeout"],
        "mutate": [('conn.sendall(text.encode("utf-8") + b"\\n")', 'conn.sendall(text.encode("utf-8"))')],
    },
    {
        "name": "one recv instead of a loop",
        "cell": "ex3-solution",
        "breaks": [3],
        "fails": ["ex3-test-pieces", "ex3-test-exact-text"],
        "mutate": [("        while True:", "        for _ in range(1):")],
    },
    {
        "name": "each chunk decoded on its own",
        "cell": "ex3-solution",
        "breaks": [4],
        "fails": ["ex3-test-exact-text"],
        "source": '''
def ask_upper(address, text, timeout=2.0):
    with socket.create_connection(address, timeout=timeout) as conn:
        conn.sendall(text.encode("utf-8") + b"\\n")
        reply = ""
        while chunk := conn.recv(4096):
            reply += chunk.decode("utf-8")
    return reply.rstrip("\\n")
''',
    },
    {
        "name": "strip() removes the spaces too",
        "cell": "ex3-solution",
        "breaks": [4],
        "fails": ["ex3-test-exact-text"],
        "mutate": [('.removesuffix("\\n")', ".strip()")],
    },
    {
        "name": "no close",
        "cell": "ex3-solution",
        "breaks": [5],
        "fails": ["ex3-test-closes"],
        "source": '''
def ask_upper(address, text, timeout=2.0):
    conn = socket.create_connection(address, timeout=timeout)
    conn.sendall(text.encode("utf-8") + b"\\n")
    reply = b""
    while chunk := conn.recv(4096):
        reply += chunk
    return reply.decode("utf-8").rstrip("\\n")
''',
    },
    {
        "name": "closed only when all goes well",
        "cell": "ex3-solution",
        "breaks": [5],
        "fails": ["ex3-test-closes"],
        "source": '''
def ask_upper(address, text, timeout=2.0):
    conn = socket.create_connection(address, timeout=timeout)
    conn.sendall(text.encode("utf-8") + b"\\n")
    reply = b""
    while chunk := conn.recv(4096):
        reply += chunk
    conn.close()
    return reply.decode("utf-8").rstrip("\\n")
''',
    },
    {
        "name": "wrong address: the classic example's port 9090",
        "cell": "ex3-solution",
        "breaks": [1],
        "fails": EX3_ALL,
        "mutate": [("create_connection(address,", "create_connection((\"127.0.0.1\", 9090),")],
    },
    {
        "name": "answer cell blocks forever in accept",
        "cell": "ex3-solution",
        "breaks": [1],
        "hangs": True,
        "fails": EX3_ALL,
        "source": '''
listener = socket.create_server(("127.0.0.1", 0))
conn, addr = listener.accept()   # waits for a client that never comes: no timeout
''',
    },
]
