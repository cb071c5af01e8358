"""Typical wrong answers for 06-connect, and the test cells each must fail (docs/authoring.md)."""

WRONG_ANSWERS = [
    {
        "name": "except OSError before the specific errors",
        "cell": "ex1-solution",
        "fails": ["ex1-test-timeout", "ex1-test-unresolved"],
        "source": '''
def probe(address, timeout=0.5):
    try:
        with socket.create_connection(address, timeout=timeout):
            return "connected"
    except OSError:
        return "refused"
''',
    },
    {
        "name": "probe without a timeout",
        "cell": "ex1-solution",
        "fails": ["ex1-test-timeout"],
        "source": '''
def probe(address, timeout=0.5):
    try:
        with socket.socket() as s:
            s.connect(address)
            return "connected"
    except ConnectionRefusedError:
        return "refused"
    except TimeoutError:
        return "timeout"
    except socket.gaierror:
        return "unresolved"
''',
    },
    {
        "name": "probe never closes its socket",
        "cell": "ex1-solution",
        "fails": ["ex1-test-connected"],
        "source": '''
def probe(address, timeout=0.5):
    try:
        socket.create_connection(address, timeout=timeout)
        return "connected"
    except ConnectionRefusedError:
        return "refused"
    except TimeoutError:
        return "timeout"
    except socket.gaierror:
        return "unresolved"
''',
    },
    {
        "name": "no retries",
        "cell": "ex2-solution",
        "fails": ["ex2-test-late", "ex2-test-deadline", "ex2-test-backoff", "ex2-test-jitter"],
        "source": '''
def connect_with_retries(address, deadline=2.0, attempt_timeout=0.5, base=0.05, cap=0.5):
    return socket.create_connection(address, timeout=attempt_timeout)
''',
    },
    {
        "name": "backoff without jitter",
        "cell": "ex2-solution",
        "fails": ["ex2-test-jitter"],
        "source": '''
def connect_with_retries(address, deadline=2.0, attempt_timeout=0.5, base=0.05, cap=0.5):
    give_up_at = time.monotonic() + deadline
    k = 0
    while True:
        left = give_up_at - time.monotonic()
        try:
            return socket.create_connection(address, timeout=max(0.01, min(attempt_timeout, left)))
        except (ConnectionRefusedError, TimeoutError):
            left = give_up_at - time.monotonic()
            if left <= 0:
                raise
        time.sleep(min(left, cap, base * 2 ** k))
        k += 1
''',
    },
    {
        "name": "retries a name that does not resolve",
        "cell": "ex2-solution",
        "fails": ["ex2-test-bad-name"],
        "source": '''
def connect_with_retries(address, deadline=2.0, attempt_timeout=0.5, base=0.05, cap=0.5):
    give_up_at = time.monotonic() + deadline
    k = 0
    while True:
        left = give_up_at - time.monotonic()
        try:
            return socket.create_connection(address, timeout=max(0.01, min(attempt_timeout, left)))
        except OSError:
            left = give_up_at - time.monotonic()
            if left <= 0:
                raise
        time.sleep(min(left, random.uniform(0, min(cap, base * 2 ** k))))
        k += 1
''',
    },
    {
        "name": "one recv instead of a loop",
        "cell": "ex3-solution",
        "fails": ["ex3-test-pieces", "ex3-test-large"],
        "source": '''
def fetch(address, request, timeout=2.0):
    with socket.create_connection(address, timeout=timeout) as sock:
        sock.sendall(request)
        return sock.recv(65536)
''',
    },
    {
        "name": "fetch without a timeout",
        "cell": "ex3-solution",
        "fails": ["ex3-test-silent"],
        "source": '''
def fetch(address, request, timeout=2.0):
    with socket.socket() as sock:
        sock.connect(address)
        sock.sendall(request)
        reply = b""
        while data := sock.recv(4096):
            reply += data
        return reply
''',
    },
    {
        "name": "fetch never closes its socket",
        "cell": "ex3-solution",
        "fails": ["ex3-test-basic", "ex3-test-pieces", "ex3-test-large"],
        "source": '''
def fetch(address, request, timeout=2.0):
    sock = socket.create_connection(address, timeout=timeout)
    sock.sendall(request)
    reply = b""
    while data := sock.recv(4096):
        reply += data
    return reply
''',
    },
    {
        "name": "answer cell blocks in recv() with no timeout",
        "cell": "ex3-solution",
        "hangs": True,
        "fails": ["ex3-test-basic", "ex3-test-pieces", "ex3-test-large", "ex3-test-silent"],
        "source": '''
import socket
listener = socket.create_server(("127.0.0.1", 0))
client = socket.create_connection(listener.getsockname())
reply = client.recv(1024)   # the server never sends anything: waits forever
''',
    },
]
