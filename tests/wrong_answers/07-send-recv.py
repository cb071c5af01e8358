"""Typical wrong answers for 07-send-recv, and the test cells each must fail (docs/authoring.md).

Most are mutations of the solution: (old, new) text replacements in its answer cell.
"""

WRONG_ANSWERS = [
    {
        "name": "one recv instead of a loop",
        "cell": "ex1-solution",
        "fails": ["ex1-test-pieces", "ex1-test-eof"],
        "mutate": [("while missing > 0:", "if missing > 0:")],
    },
    {
        "name": "reads more than n bytes (recv(4096) until there are enough)",
        "cell": "ex1-solution",
        "fails": ["ex1-test-exact"],
        "mutate": [("sock.recv(min(missing, 65536))", "sock.recv(4096)")],
    },
    {
        "name": "does not notice the end of the stream (loops on b'')",
        "cell": "ex1-solution",
        "fails": ["ex1-test-eof"],
        "mutate": [
            ('        if not chunk:\n'
             '            raise EOFError(f"the peer closed with {missing} of {n} bytes still missing")\n', ""),
        ],
    },
    {
        "name": "send instead of sendall",
        "cell": "ex2-solution",
        "fails": ["ex2-test-sendall"],
        "mutate": [("sock.sendall(", "sock.send(")],
    },
    {
        "name": "native (little-endian) byte order for the length",
        "cell": "ex2-solution",
        "fails": ["ex2-test-send", "ex2-test-recv", "ex2-test-sendall"],
        "mutate": [('struct.pack("!I"', 'struct.pack("<I"'), ('struct.unpack("!I"', 'struct.unpack("<I"')],
    },
    {
        "name": "one recv for the payload, and a short payload at the end",
        "cell": "ex2-solution",
        "fails": ["ex2-test-recv", "ex2-test-eof"],
        "mutate": [("return exactly(length)", 'return sock.recv(length) if length else b""')],
    },
    {
        "name": "no buffer: the bytes after the newline are thrown away",
        "cell": "ex3-solution",
        "fails": ["ex3-test-lines", "ex3-test-end"],
        "mutate": [("self.buffer[:end + 1], self.buffer[end + 1:]", 'self.buffer[:end + 1], b""')],
    },
    {
        "name": "no limit on the line length",
        "cell": "ex3-solution",
        "fails": ["ex3-test-limit"],
        "mutate": [
            (r'self.buffer.find(b"\n", 0, self.max_line)', r'self.buffer.find(b"\n")'),
            ('            if len(self.buffer) >= self.max_line:\n'
             '                raise ValueError(f"no newline in the first {self.max_line} bytes")\n', ""),
        ],
    },
    {
        "name": "loses the last line when it has no newline",
        "cell": "ex3-solution",
        "fails": ["ex3-test-end"],
        "mutate": [("self.at_end = True", 'return b""')],
    },
    {
        "name": "answer cell blocks forever (accept without a timeout)",
        "cell": "ex1-solution",
        "hangs": True,
        "fails": ["ex1-test-pieces", "ex1-test-exact", "ex1-test-eof"],
        "source": '''
listener = socket.create_server(("127.0.0.1", 0))
conn, _ = listener.accept()      # nobody connects, and there is no timeout: waits forever


def recv_exactly(sock, n):
    return conn.recv(n)
''',
    },
]
