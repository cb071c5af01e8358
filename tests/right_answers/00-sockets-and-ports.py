"""Correct answers to 00-sockets-and-ports in styles unlike the solution; each must get full marks."""

RIGHT_ANSWERS = [
    # Exercise 1: port_category
    {
        "name": "a table of ranges and range() membership",
        "cell": "ex1-solution",
        "source": '''
RANGES = [(range(0, 1024), "well-known"), (range(1024, 49152), "registered"), (range(49152, 65536), "dynamic")]

def port_category(port):
    for numbers, name in RANGES:
        if port in numbers:
            return name
    raise ValueError(f"{port} is not a port number (0-65535)")
''',
    },
    {
        "name": "bisect over the range starts",
        "cell": "ex1-solution",
        "source": '''
import bisect

def port_category(port):
    if port < 0 or port > 0xFFFF:
        raise ValueError("a port is a 16-bit number")
    return ["well-known", "registered", "dynamic"][bisect.bisect_right([1024, 49152], port)]
''',
    },
    {
        "name": "chained comparisons, checks last",
        "cell": "ex1-solution",
        "source": '''
def port_category(port):
    if 0 <= port < 1024:
        return "well-known"
    elif 1024 <= port < 49152:
        return "registered"
    elif 49152 <= port <= 65535:
        return "dynamic"
    else:
        raise ValueError("port out of range: %d" % port)
''',
    },
    # Exercise 2: parse_endpoint
    {
        "name": "a regular expression",
        "cell": "ex2-solution",
        "source": '''
import re

ENDPOINT = re.compile(r"(?:\\[(?P<v6>[^\\[\\]]+)\\]|(?P<host>[^:\\[\\]]+)):(?P<port>[0-9]+)")

def parse_endpoint(text):
    match = ENDPOINT.fullmatch(text)
    if match is None:
        raise ValueError(f"not an endpoint of the form host:port or [v6]:port: {text!r}")
    port = int(match["port"])
    if port > 65535:
        raise ValueError(f"port {port} is larger than 65535")
    return match["v6"] or match["host"], port
''',
    },
    {
        "name": "rsplit and helper checks",
        "cell": "ex2-solution",
        "source": '''
def _check_port(text, port):
    if port == "" or any(c not in "0123456789" for c in port):
        raise ValueError(f"bad port in {text!r}")
    if int(port) > 65535:
        raise ValueError(f"port too large in {text!r}")
    return int(port)

def _check_host(text, host):
    if host[:1] == "[":
        if host[-1:] != "]" or len(host) == 2:
            raise ValueError(f"bad bracketed host in {text!r}")
        return host[1:-1]
    if host == "" or ":" in host:
        raise ValueError(f"bad host in {text!r}")
    return host

def parse_endpoint(text):
    if ":" not in text:
        raise ValueError(f"no port in {text!r}")
    host, port = text.rsplit(":", 1)
    return _check_host(text, host), _check_port(text, port)
''',
    },
    {
        "name": "bracket form first, ipaddress not needed, int() after a digit check",
        "cell": "ex2-solution",
        "source": '''
def parse_endpoint(text):
    if text.startswith("["):
        close = text.find("]")
        if close < 0 or text[close + 1:close + 2] != ":":
            raise ValueError("expected [address]:port")
        host, port = text[1:close], text[close + 2:]
    else:
        if text.count(":") != 1:
            raise ValueError("expected exactly one colon outside brackets")
        host, port = text.split(":")
    if not host:
        raise ValueError("empty host")
    if not (port.isdecimal() and port.isascii()):
        raise ValueError("the port is not a number")
    number = int(port)
    if not 0 <= number <= 65535:
        raise ValueError("the port is outside 0-65535")
    return host, number
''',
    },
    # Exercise 3: ask_upper
    {
        "name": "socket() + settimeout + connect, makefile read, try/finally",
        "cell": "ex3-solution",
        "source": '''
def ask_upper(address, text, timeout=2.0):
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        sock.settimeout(timeout)
        sock.connect(address)
        sock.sendall((text + "\\n").encode("utf-8"))
        with sock.makefile("rb") as reader:
            data = reader.read()
    finally:
        sock.close()
    reply = data.decode("utf-8")
    return reply[:-1] if reply.endswith("\\n") else reply
''',
    },
    {
        "name": "from socket import, half-close after sending, bytearray",
        "cell": "ex3-solution",
        "source": '''
from socket import create_connection, SHUT_WR

def ask_upper(address, text, timeout=2.0):
    with create_connection(address, timeout) as conn:
        conn.sendall(text.encode("utf-8") + b"\\n")
        conn.shutdown(SHUT_WR)          # nothing more to send: the server sees end of file
        reply = bytearray()
        while True:
            piece = conn.recv(1000)
            if piece == b"":
                break
            reply += piece
    decoded = reply.decode("utf-8")
    if decoded.endswith("\\n"):
        decoded = decoded[:-1]
    return decoded
''',
    },
    {
        "name": "helpers: a send loop by hand and a small recv buffer",
        "cell": "ex3-solution",
        "source": '''
def send_everything(sock, data):
    view = memoryview(data)
    while view:
        sent = sock.send(view)      # may send only part: go on with the rest
        view = view[sent:]

def receive_until_closed(sock, size=97):
    parts = []
    while part := sock.recv(size):
        parts.append(part)
    return b"".join(parts)

def ask_upper(address, text, timeout=2.0):
    sock = socket.create_connection(address, timeout=timeout)
    with sock:
        send_everything(sock, text.encode("utf-8") + b"\\n")
        return receive_until_closed(sock).decode("utf-8").rstrip("\\n")
''',
    },
    {
        "name": "an incremental decoder",
        "cell": "ex3-solution",
        "source": '''
import codecs

def ask_upper(address, text, timeout=2.0):
    decoder = codecs.getincrementaldecoder("utf-8")()
    pieces = []
    with socket.create_connection(address, timeout=timeout) as conn:
        conn.sendall(f"{text}\\n".encode())
        while chunk := conn.recv(2048):
            pieces.append(decoder.decode(chunk))
    pieces.append(decoder.decode(b"", final=True))
    return "".join(pieces).removesuffix("\\n")
''',
    },
]
