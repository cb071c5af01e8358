"""Typical wrong answers for 07-send-recv, and the test cells each must fail (docs/authoring.md)."""

WRONG_ANSWERS = [
    {
        "name": "one recv instead of a loop",
        "cell": "ex1-solution",
        "fails": ["ex1-test-pieces", "ex1-test-eof"],
        "source": '''
def recv_exactly(sock, n):
    return sock.recv(n)
''',
    },
    {
        "name": "reads more than n bytes (recv(4096) until there are enough)",
        "cell": "ex1-solution",
        "fails": ["ex1-test-exact"],
        "source": '''
def recv_exactly(sock, n):
    data = b""
    while len(data) < n:
        chunk = sock.recv(4096)
        if not chunk:
            raise EOFError("closed early")
        data += chunk
    return data
''',
    },
    {
        "name": "does not notice the end of the stream (loops on b'')",
        "cell": "ex1-solution",
        "fails": ["ex1-test-eof"],
        "source": '''
def recv_exactly(sock, n):
    data = b""
    while len(data) < n:
        data += sock.recv(n - len(data))
    return data
''',
    },
    {
        "name": "send instead of sendall",
        "cell": "ex2-solution",
        "fails": ["ex2-test-sendall"],
        "source": '''
def send_message(sock, payload):
    sock.send(struct.pack("!I", len(payload)) + payload)


def recv_message(sock):
    def exactly(n, allow_clean_end=False):
        data = b""
        while len(data) < n:
            chunk = sock.recv(n - len(data))
            if not chunk:
                if allow_clean_end and not data:
                    return None
                raise EOFError("closed early")
            data += chunk
        return data

    header = exactly(4, allow_clean_end=True)
    if header is None:
        return None
    return exactly(struct.unpack("!I", header)[0])
''',
    },
    {
        "name": "native (little-endian) byte order for the length",
        "cell": "ex2-solution",
        "fails": ["ex2-test-send", "ex2-test-recv", "ex2-test-sendall"],
        "source": '''
def send_message(sock, payload):
    sock.sendall(struct.pack("<I", len(payload)) + payload)


def recv_message(sock):
    def exactly(n, allow_clean_end=False):
        data = b""
        while len(data) < n:
            chunk = sock.recv(n - len(data))
            if not chunk:
                if allow_clean_end and not data:
                    return None
                raise EOFError("closed early")
            data += chunk
        return data

    header = exactly(4, allow_clean_end=True)
    if header is None:
        return None
    return exactly(struct.unpack("<I", header)[0])
''',
    },
    {
        "name": "one recv for the payload, and a short payload at the end",
        "cell": "ex2-solution",
        "fails": ["ex2-test-recv", "ex2-test-eof"],
        "source": '''
def send_message(sock, payload):
    sock.sendall(struct.pack("!I", len(payload)) + payload)


def recv_message(sock):
    header = b""
    while len(header) < 4:
        chunk = sock.recv(4 - len(header))
        if not chunk:
            if header:
                raise EOFError("closed in the header")
            return None
        header += chunk
    (length,) = struct.unpack("!I", header)
    return sock.recv(length) if length else b""
''',
    },
    {
        "name": "no buffer: the bytes after the newline are thrown away",
        "cell": "ex3-solution",
        "fails": ["ex3-test-lines", "ex3-test-end"],
        "source": '''
class LineReader:
    def __init__(self, sock, max_line=65536):
        self.sock = sock
        self.max_line = max_line

    def readline(self):
        data = b""
        while b"\\n" not in data:
            if len(data) >= self.max_line:
                raise ValueError("line too long")
            chunk = self.sock.recv(4096)
            if not chunk:
                return data
            data += chunk
        line, _, _ = data.partition(b"\\n")
        return line + b"\\n"
''',
    },
    {
        "name": "no limit on the line length",
        "cell": "ex3-solution",
        "fails": ["ex3-test-limit"],
        "source": '''
class LineReader:
    def __init__(self, sock, max_line=65536):
        self.sock = sock
        self.buffer = b""

    def readline(self):
        while b"\\n" not in self.buffer:
            chunk = self.sock.recv(4096)
            if not chunk:
                line, self.buffer = self.buffer, b""
                return line
            self.buffer += chunk
        line, _, self.buffer = self.buffer.partition(b"\\n")
        return line + b"\\n"
''',
    },
    {
        "name": "loses the last line when it has no newline",
        "cell": "ex3-solution",
        "fails": ["ex3-test-end"],
        "source": '''
class LineReader:
    def __init__(self, sock, max_line=65536):
        self.sock = sock
        self.max_line = max_line
        self.buffer = b""

    def readline(self):
        while True:
            end = self.buffer.find(b"\\n", 0, self.max_line)
            if end >= 0:
                line, self.buffer = self.buffer[:end + 1], self.buffer[end + 1:]
                return line
            if len(self.buffer) >= self.max_line:
                raise ValueError("line too long")
            chunk = self.sock.recv(4096)
            if not chunk:
                return b""
            self.buffer += chunk
''',
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
