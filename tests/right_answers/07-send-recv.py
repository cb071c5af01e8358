"""Correct answers for 07-send-recv in styles unlike the solution; each must get full marks (tests/answers.py)."""

RIGHT_ANSWERS = [
    # Exercise 1: recv_exactly
    {
        "name": "recv_into a preallocated bytearray through a memoryview",
        "cell": "ex1-solution",
        "source": '''
def recv_exactly(sock, n):
    buffer = bytearray(n)
    view = memoryview(buffer)
    got = 0
    while got < n:
        count = sock.recv_into(view[got:], n - got)
        if count == 0:
            raise EOFError(f"{n - got} of {n} bytes missing")
        got += count
    return bytes(buffer)
''',
    },
    {
        "name": "bytes concatenation with len() as the loop condition, small recv size",
        "cell": "ex1-solution",
        "source": '''
def recv_exactly(sock, n):
    data = b""
    while len(data) < n:
        piece = sock.recv(min(1024, n - len(data)))
        if piece == b"":
            raise EOFError("connection closed, %d bytes missing" % (n - len(data)))
        data = data + piece
    return data
''',
    },
    {
        "name": "io.BytesIO and a helper that reads once",
        "cell": "ex1-solution",
        "source": '''
import io


def _read_some(sock, wanted):
    chunk = sock.recv(wanted)
    if not chunk:
        raise EOFError(f"stream ended early: {wanted} bytes missing")
    return chunk


def recv_exactly(sock, n):
    out = io.BytesIO()
    while out.tell() < n:
        out.write(_read_some(sock, n - out.tell()))
    return out.getvalue()
''',
    },
    # Exercise 2: send_message and recv_message
    {
        "name": "header and payload in two sendall calls, int.from_bytes, a bytearray reader",
        "cell": "ex2-solution",
        "source": '''
def send_message(sock, payload):
    sock.sendall(len(payload).to_bytes(4, "big"))
    sock.sendall(payload)


def _exactly(sock, n):
    data = bytearray()
    while len(data) < n:
        chunk = sock.recv(min(65536, n - len(data)))
        if not chunk:
            return bytes(data)
        data += chunk
    return bytes(data)


def recv_message(sock, max_length=1_048_576):
    header = _exactly(sock, 4)
    if not header:
        return None
    if len(header) < 4:
        raise EOFError("closed inside a header")
    length = int.from_bytes(header, "big")
    if length > max_length:
        raise ValueError(f"message of {length} bytes is over the limit of {max_length}")
    payload = _exactly(sock, length)
    if len(payload) < length:
        raise EOFError(f"closed inside a payload: {length - len(payload)} bytes missing")
    return payload
''',
    },
    {
        "name": "struct.Struct, sendmsg with two buffers, recv_into a memoryview",
        "cell": "ex2-solution",
        "source": '''
HEADER = struct.Struct("!I")


def send_message(sock, payload):
    data = HEADER.pack(len(payload)) + bytes(payload)
    view = memoryview(data)
    while view:
        sent = sock.send(view)
        view = view[sent:]


def recv_message(sock, max_length=1_048_576):
    header = bytearray(4)
    got = 0
    while got < 4:
        count = sock.recv_into(memoryview(header)[got:])
        if count == 0:
            if got == 0:
                return None
            raise EOFError("the peer closed in the middle of a header")
        got += count
    (length,) = HEADER.unpack(header)
    if length > max_length:
        raise ValueError("announced length over max_length")
    payload = bytearray(length)
    got = 0
    while got < length:
        count = sock.recv_into(memoryview(payload)[got:])
        if count == 0:
            raise EOFError("the peer closed in the middle of a payload")
        got += count
    return bytes(payload)
''',
    },
    {
        "name": "reuses a recv_exactly of its own that returns None on a clean end",
        "cell": "ex2-solution",
        "source": '''
from struct import pack, unpack


def send_message(sock, payload):
    sock.sendall(b"".join([pack(">I", len(payload)), payload]))


def read_n(sock, n, clean_end_ok=False):
    parts, have = [], 0
    while have < n:
        chunk = sock.recv(n - have)
        if not chunk:
            if clean_end_ok and have == 0:
                return None
            raise EOFError(f"{n - have} of {n} bytes missing")
        parts.append(chunk)
        have += len(chunk)
    return b"".join(parts)


def recv_message(sock, max_length=1_048_576):
    header = read_n(sock, 4, clean_end_ok=True)
    if header is None:
        return None
    size = unpack(">I", header)[0]
    if size > max_length:
        raise ValueError(size)
    return read_n(sock, size) if size else b""
''',
    },
    # Exercise 3: LineReader
    {
        "name": "bytearray buffer with partition and a larger recv size",
        "cell": "ex3-solution",
        "source": '''
class LineReader:
    def __init__(self, sock, max_line=65536):
        self.sock = sock
        self.max_line = max_line
        self.pending = bytearray()
        self.eof = False

    def readline(self):
        while True:
            head, newline, tail = bytes(self.pending).partition(b"\\n")
            if newline and len(head) <= self.max_line:
                self.pending = bytearray(tail)
                return head + newline
            if len(head) > self.max_line:
                raise ValueError("line too long")
            if self.eof:
                rest = bytes(self.pending)
                self.pending.clear()
                return rest
            data = self.sock.recv(65536)
            if data:
                self.pending += data
            else:
                self.eof = True
''',
    },
    {
        "name": "a deque of complete lines, split with splitlines(keepends=True)",
        "cell": "ex3-solution",
        "source": '''
from collections import deque


class LineReader:
    def __init__(self, sock, max_line=65536):
        self.sock = sock
        self.max_line = max_line
        self.lines = deque()
        self.partial = b""
        self.closed = False

    def _fill(self):
        data = self.sock.recv(8192)
        if not data:
            self.closed = True
            return
        pieces = (self.partial + data).split(b"\\n")
        self.partial = pieces.pop()
        for piece in pieces:
            if len(piece) > self.max_line:
                raise ValueError("line longer than max_line")
            self.lines.append(piece + b"\\n")

    def readline(self):
        while not self.lines:
            if len(self.partial) > self.max_line:
                raise ValueError("line longer than max_line")
            if self.closed:
                rest, self.partial = self.partial, b""
                return rest
            self._fill()
        return self.lines.popleft()
''',
    },
    {
        "name": "one byte per recv: no buffer needed beyond the current line",
        "cell": "ex3-solution",
        "source": '''
class LineReader:
    def __init__(self, sock, max_line=65536):
        self.sock = sock
        self.max_line = max_line
        self.finished = False

    def readline(self):
        line = bytearray()
        while not self.finished:
            byte = self.sock.recv(1)
            if not byte:
                self.finished = True
                break
            line += byte
            if byte == b"\\n":
                return bytes(line)
            if len(line) > self.max_line:
                raise ValueError(f"more than {self.max_line} bytes without a newline")
        return bytes(line)
''',
    },
]
