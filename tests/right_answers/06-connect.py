"""Correct answers for 06-connect in styles unlike the solution; each must get full marks."""

RIGHT_ANSWERS = [
    # Exercise 1: probe
    {
        "name": "socket + settimeout + connect_ex, errno classification, try/finally",
        "cell": "ex1-solution",
        "source": '''
import errno as _errno
from socket import socket as make_socket

def probe(address, timeout=0.5):
    sock = make_socket()
    try:
        sock.settimeout(timeout)
        code = sock.connect_ex(address)       # a bad name still raises socket.gaierror
    except socket.gaierror:
        return "unresolved"
    finally:
        sock.close()
    if code == 0:
        return "connected"
    if code == _errno.ECONNREFUSED:
        return "refused"
    if code in (_errno.EAGAIN, _errno.EWOULDBLOCK, _errno.ETIMEDOUT):
        return "timeout"
    raise OSError(code, os.strerror(code))
''',
    },
    {
        "name": "getaddrinfo loop, a socket per address, with blocks",
        "cell": "ex1-solution",
        "source": '''
def _try_one(family, kind, proto, sockaddr, timeout):
    with socket.socket(family, kind, proto) as sock:
        sock.settimeout(timeout)
        sock.connect(sockaddr)

def probe(address, timeout=0.5):
    host, port = address
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror:
        return "unresolved"
    last = None
    for family, kind, proto, _, sockaddr in infos:
        try:
            _try_one(family, kind, proto, sockaddr, timeout)
            return "connected"
        except OSError as exc:
            last = exc
    if isinstance(last, ConnectionRefusedError):
        return "refused"
    if isinstance(last, TimeoutError):
        return "timeout"
    raise last
''',
    },
    {
        "name": "non-blocking connect with selectors and SO_ERROR",
        "cell": "ex1-solution",
        "source": '''
import selectors as _selectors

def probe(address, timeout=0.5):
    try:
        with socket.socket() as sock, _selectors.DefaultSelector() as sel:
            sock.setblocking(False)
            code = sock.connect_ex(address)
            if code not in (0, errno.EINPROGRESS):
                err = code
            else:
                sel.register(sock, _selectors.EVENT_WRITE)
                if not sel.select(timeout):
                    return "timeout"
                err = sock.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
    except socket.gaierror:
        return "unresolved"
    if err == 0:
        return "connected"
    if err == errno.ECONNREFUSED:
        return "refused"
    raise OSError(err, os.strerror(err))
''',
    },
    # Exercise 2: connect_with_retries
    {
        "name": "socket + settimeout + connect, from-imports, errno-based retry test",
        "cell": "ex2-solution",
        "source": '''
from socket import socket as tcp_socket, gaierror
from time import monotonic, sleep
from random import uniform

RETRY = {errno.ECONNREFUSED, errno.ECONNRESET, errno.ECONNABORTED, errno.ENETUNREACH, errno.EHOSTUNREACH}

def connect_with_retries(address, deadline=2.0, attempt_timeout=0.5, base=0.05, cap=0.5):
    end = monotonic() + deadline
    k = 0
    while True:
        sock = tcp_socket()
        sock.settimeout(max(0.001, min(attempt_timeout, end - monotonic())))
        try:
            sock.connect(address)
            return sock
        except gaierror:
            sock.close()
            raise
        except OSError as exc:
            sock.close()
            if not (isinstance(exc, TimeoutError) or exc.errno in RETRY) or monotonic() >= end:
                raise
        sleep(max(0.0, min(end - monotonic(), uniform(0, min(cap, base * 2 ** k)))))
        k += 1
''',
    },
    {
        "name": "helper functions, itertools.count, random.random() * bound",
        "cell": "ex2-solution",
        "source": '''
import itertools

def _pause(k, base, cap):
    return random.random() * min(cap, base * 2 ** k)

def _attempt(address, timeout):
    return socket.create_connection(address, timeout=timeout)

def connect_with_retries(address, deadline=2.0, attempt_timeout=0.5, base=0.05, cap=0.5):
    started = time.monotonic()
    remaining = lambda: deadline - (time.monotonic() - started)
    for k in itertools.count():
        try:
            return _attempt(address, max(0.01, min(attempt_timeout, remaining())))
        except (ConnectionError, TimeoutError) as exc:
            last = exc
        if remaining() <= 0:
            raise last
        time.sleep(max(0.0, min(remaining(), _pause(k, base, cap))))
''',
    },
    {
        "name": "a failure list and a deadline check before each attempt",
        "cell": "ex2-solution",
        "source": '''
def connect_with_retries(address, deadline=2.0, attempt_timeout=0.5, base=0.05, cap=0.5):
    stop_at = time.monotonic() + deadline
    failures = []
    while not failures or time.monotonic() < stop_at:
        budget = stop_at - time.monotonic()
        try:
            return socket.create_connection(address, timeout=max(0.005, min(attempt_timeout, budget)))
        except (ConnectionRefusedError, TimeoutError) as exc:
            failures.append(exc)
        wait = random.uniform(0, min(cap, base * 2 ** (len(failures) - 1)))
        time.sleep(max(0.0, min(wait, stop_at - time.monotonic())))
    raise failures[-1]
''',
    },
    # Exercise 3: fetch
    {
        "name": "half-close after sending, bytearray and recv_into",
        "cell": "ex3-solution",
        "source": '''
def fetch(address, request, timeout=2.0):
    with socket.create_connection(address, timeout=timeout) as sock:
        sock.sendall(request)
        sock.shutdown(socket.SHUT_WR)          # "that was all": the server sees end-of-file
        reply = bytearray()
        buffer = bytearray(32768)
        while n := sock.recv_into(buffer):
            reply += buffer[:n]
        return bytes(reply)
''',
    },
    {
        "name": "from socket import socket, settimeout + connect, makefile read",
        "cell": "ex3-solution",
        "source": '''
from socket import socket      # shadows the module's name: the tests do not rely on it

def fetch(address, request, timeout=2.0):
    sock = socket()
    with sock:
        sock.settimeout(timeout)
        sock.connect(address)
        with sock.makefile("rwb") as stream:
            stream.write(request)
            stream.flush()
            return stream.read()
''',
    },
    {
        "name": "try/finally, 1000-byte reads into a list",
        "cell": "ex3-solution",
        "source": '''
def fetch(address, request, timeout=2.0):
    sock = socket.create_connection(address, timeout=timeout)
    try:
        sock.sendall(request)
        parts = []
        part = sock.recv(1000)
        while part:
            parts.append(part)
            part = sock.recv(1000)
        return b"".join(parts)
    finally:
        sock.close()
''',
    },
]
