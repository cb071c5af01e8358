"""Typical wrong answers for 07-send-recv, and the test cells each must fail (docs/authoring.md).

Most are mutations of the solution: (old, new) text replacements in its answer cell.
"breaks" names the requirement numbers of the exercise that each one breaks.
"""

WRONG_ANSWERS = [
    # Exercise 1: recv_exactly
    {
        "name": "one recv instead of a loop",
        "cell": "ex1-solution",
        "breaks": [1, 3],
        "fails": ["ex1-test-pieces", "ex1-test-exact", "ex1-test-eof", "ex1-test-timeout"],
        "mutate": [("while missing > 0:", "if missing > 0:")],
    },
    {
        "name": "reads more than n bytes (recv(4096) until there are enough)",
        "cell": "ex1-solution",
        "breaks": [2],
        "fails": ["ex1-test-exact"],
        "mutate": [("sock.recv(min(missing, 65536))", "sock.recv(4096)")],
    },
    {
        "name": "asks for n bytes every time, not for the bytes still missing",
        "cell": "ex1-solution",
        "breaks": [2],
        "fails": ["ex1-test-exact"],
        "mutate": [("sock.recv(min(missing, 65536))", "sock.recv(n)")],
    },
    {
        "name": "does not notice the end of the stream (loops on b'')",
        "cell": "ex1-solution",
        "breaks": [3],
        "fails": ["ex1-test-eof"],
        "mutate": [
            ('        if not chunk:\n'
             '            raise EOFError(f"the peer closed with {missing} of {n} bytes still missing")\n', ""),
        ],
    },
    {
        "name": "EOFError without saying how many bytes were missing",
        "cell": "ex1-solution",
        "breaks": [3],
        "fails": ["ex1-test-eof"],
        "mutate": [('raise EOFError(f"the peer closed with {missing} of {n} bytes still missing")',
                    'raise EOFError("the peer closed too early")')],
    },
    {
        "name": "first recv before the loop: recv_exactly(sock, 0) raises EOFError",
        "cell": "ex1-solution",
        "breaks": [4],
        "fails": ["ex1-test-zero"],
        "source": '''
def recv_exactly(sock, n):
    data = sock.recv(n)
    while True:
        if not data:
            raise EOFError(f"{n - len(data)} of {n} bytes missing")
        if len(data) == n:
            return data
        more = sock.recv(n - len(data))
        if not more:
            raise EOFError(f"{n - len(data)} of {n} bytes missing")
        data += more
''',
    },
    {
        "name": "sets its own timeout on the caller's socket",
        "cell": "ex1-solution",
        "breaks": [5],
        "fails": ["ex1-test-timeout"],
        "mutate": [("    parts = []\n", "    sock.settimeout(10)\n    parts = []\n")],
    },
    {
        "name": "swallows the timeout and returns what it has",
        "cell": "ex1-solution",
        "breaks": [5],
        "fails": ["ex1-test-timeout"],
        "mutate": [("        chunk = sock.recv(min(missing, 65536))\n",
                    "        try:\n"
                    "            chunk = sock.recv(min(missing, 65536))\n"
                    "        except TimeoutError:\n"
                    "            break\n")],
    },
    {
        "name": "answer cell blocks forever (accept without a timeout)",
        "cell": "ex1-solution",
        "breaks": [1],
        "hangs": True,
        "fails": ["ex1-test-pieces", "ex1-test-exact", "ex1-test-eof", "ex1-test-zero", "ex1-test-timeout"],
        "source": '''
listener = socket.create_server(("127.0.0.1", 0))
conn, _ = listener.accept()      # nobody connects, and there is no timeout: waits forever


def recv_exactly(sock, n):
    return conn.recv(n)
''',
    },
    # Exercise 2: send_message and recv_message
    {
        "name": "native (little-endian) byte order for the length when sending",
        "cell": "ex2-solution",
        "breaks": [1],
        "fails": ["ex2-test-send"],
        "mutate": [('struct.pack("!I"', 'struct.pack("<I"')],
    },
    {
        "name": "send instead of sendall",
        "cell": "ex2-solution",
        "breaks": [2],
        "fails": ["ex2-test-sendall"],
        "mutate": [("sock.sendall(", "sock.send(")],
    },
    {
        "name": "native (little-endian) byte order for the length when receiving",
        "cell": "ex2-solution",
        "breaks": [3],
        "fails": ["ex2-test-recv", "ex2-test-eof", "ex2-test-limit"],
        "mutate": [('struct.unpack("!I"', 'struct.unpack("<I"')],
    },
    {
        "name": "one recv for the payload, and a short payload at the end",
        "cell": "ex2-solution",
        "breaks": [3, 5],
        "fails": ["ex2-test-recv", "ex2-test-eof"],
        "mutate": [("    return exactly(length)", '    return sock.recv(length) if length else b""')],
    },
    {
        "name": "b'' instead of None at the clean end",
        "cell": "ex2-solution",
        "breaks": [4],
        "fails": ["ex2-test-recv"],
        "mutate": [("    if header is None:\n        return None\n", '    if header is None:\n        return b""\n')],
    },
    {
        "name": "a short payload at the end is returned instead of raising EOFError",
        "cell": "ex2-solution",
        "breaks": [5],
        "fails": ["ex2-test-eof"],
        "mutate": [('                raise EOFError(f"the peer closed after {len(data)} of {n} bytes")',
                    '                return data if not allow_clean_end else None')],
    },
    {
        "name": "no maximum length",
        "cell": "ex2-solution",
        "breaks": [6],
        "fails": ["ex2-test-limit"],
        "mutate": [('    if length > max_length:\n'
                    '        raise ValueError(f"the header announces {length} bytes, more than max_length={max_length}")\n',
                    "")],
    },
    {
        "name": "refuses a payload of exactly max_length bytes",
        "cell": "ex2-solution",
        "breaks": [6],
        "fails": ["ex2-test-limit"],
        "mutate": [("    if length > max_length:", "    if length >= max_length:")],
    },
    {
        "name": "reads the payload first, checks the length after",
        "cell": "ex2-solution",
        "breaks": [6],
        "fails": ["ex2-test-limit"],
        "mutate": [('    if length > max_length:\n'
                    '        raise ValueError(f"the header announces {length} bytes, more than max_length={max_length}")\n'
                    '    return exactly(length)',
                    '    payload = exactly(length)\n'
                    '    if length > max_length:\n'
                    '        raise ValueError("too long")\n'
                    '    return payload')],
    },
    {
        "name": "sets its own timeout on the socket",
        "cell": "ex2-solution",
        "breaks": [7],
        "fails": ["ex2-test-timeout"],
        "mutate": [('    sock.sendall(struct.pack("!I", len(payload)) + payload)',
                    '    sock.settimeout(30)\n    sock.sendall(struct.pack("!I", len(payload)) + payload)')],
    },
    # Exercise 3: LineReader
    {
        "name": "no buffer: the bytes after the newline are thrown away",
        "cell": "ex3-solution",
        "breaks": [2],
        "fails": ["ex3-test-lines", "ex3-test-bytes", "ex3-test-end", "ex3-test-limit"],
        "mutate": [("self.buffer[:end + 1], self.buffer[end + 1:]", 'self.buffer[:end + 1], b""')],
    },
    {
        "name": "the line without its newline",
        "cell": "ex3-solution",
        "breaks": [1],
        "fails": ["ex3-test-lines", "ex3-test-bytes", "ex3-test-end", "ex3-test-limit"],
        "mutate": [("line, self.buffer = self.buffer[:end + 1], self.buffer[end + 1:]",
                    "line, self.buffer = self.buffer[:end], self.buffer[end + 1:]")],
    },
    {
        "name": "decodes each piece as UTF-8 on its own",
        "cell": "ex3-solution",
        "breaks": [3],
        "fails": ["ex3-test-bytes"],
        "source": '''
class LineReader:
    def __init__(self, sock, max_line=65536):
        self.sock = sock
        self.max_line = max_line
        self.text = ""
        self.done = False

    def readline(self):
        while "\\n" not in self.text[:self.max_line + 1]:
            if len(self.text) > self.max_line:
                raise ValueError("line too long")
            if self.done:
                line, self.text = self.text, ""
                return line.encode()
            chunk = self.sock.recv(4096)
            if not chunk:
                self.done = True
            self.text += chunk.decode()      # a piece may end inside a character
        end = self.text.index("\\n")
        line, self.text = self.text[:end + 1], self.text[end + 1:]
        return line.encode()
''',
    },
    {
        "name": "loses the last line when it has no newline",
        "cell": "ex3-solution",
        "breaks": [4],
        "fails": ["ex3-test-end", "ex3-test-limit"],
        "mutate": [("self.at_end = True", 'return b""')],
    },
    {
        "name": "no limit on the line length",
        "cell": "ex3-solution",
        "breaks": [5],
        "fails": ["ex3-test-limit"],
        "mutate": [
            (r'self.buffer.find(b"\n", 0, self.max_line + 1)', r'self.buffer.find(b"\n")'),
            ('            if len(self.buffer) > self.max_line:\n'
             '                raise ValueError(f"no newline in the first {self.max_line + 1} bytes")\n', ""),
        ],
    },
    {
        "name": "max_line counts the newline (a line of max_line bytes plus newline is refused)",
        "cell": "ex3-solution",
        "breaks": [5],
        "fails": ["ex3-test-limit"],
        "mutate": [
            (r'self.buffer.find(b"\n", 0, self.max_line + 1)', r'self.buffer.find(b"\n", 0, self.max_line)'),
            ("            if len(self.buffer) > self.max_line:", "            if len(self.buffer) >= self.max_line:"),
        ],
    },
]
