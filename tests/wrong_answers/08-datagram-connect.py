"""Typical wrong answers for 08-datagram-connect, and the test cells each must fail (docs/authoring.md)."""

WRONG_ANSWERS = [
    {
        "name": "no retries: one attempt only",
        "cell": "ex1-solution",
        "fails": ["ex1-test-retry", "ex1-test-gives-up"],
        "source": '''
def request(address, payload, timeout=0.3, retries=3):
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.settimeout(timeout)
        sock.sendto(payload, address)
        reply, _ = sock.recvfrom(65535)
        return reply
''',
    },
    {
        "name": "off by one: retries sends in all instead of retries + 1",
        "cell": "ex1-solution",
        "fails": ["ex1-test-gives-up"],
        "source": '''
def request(address, payload, timeout=0.3, retries=3):
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.settimeout(timeout)
        for attempt in range(retries):
            sock.sendto(payload, address)
            try:
                return sock.recvfrom(65535)[0]
            except TimeoutError:
                pass
    raise TimeoutError("no reply")
''',
    },
    {
        "name": "no timeout on recvfrom",
        "cell": "ex1-solution",
        "fails": ["ex1-test-retry", "ex1-test-gives-up"],
        "source": '''
def request(address, payload, timeout=0.3, retries=3):
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        for attempt in range(retries + 1):
            sock.sendto(payload, address)
            try:
                return sock.recvfrom(65535)[0]
            except TimeoutError:
                pass
    raise TimeoutError("no reply")
''',
    },
    {
        "name": "the socket is never closed",
        "cell": "ex1-solution",
        "fails": ["ex1-test-reply", "ex1-test-retry"],
        "source": '''
def request(address, payload, timeout=0.3, retries=3):
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.settimeout(timeout)
    for attempt in range(retries + 1):
        sock.sendto(payload, address)
        try:
            return sock.recvfrom(65535)[0]
        except TimeoutError:
            pass
    raise TimeoutError("no reply")
''',
    },
    {
        "name": "pinger takes any reply for the current ping",
        "cell": "ex2-solution",
        "fails": ["ex2-test-late"],
        "source": '''
def ping(address, count, timeout=0.2):
    rtts = []
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.settimeout(timeout)
        for seq in range(count):
            start = time.perf_counter()
            sock.sendto(b"PING %d" % seq, address)
            try:
                sock.recvfrom(1024)
                rtts.append(time.perf_counter() - start)
            except TimeoutError:
                rtts.append(None)
    return rtts


def summarize(rtts):
    got = [r * 1000 for r in rtts if r is not None]
    return {"sent": len(rtts), "received": len(got), "loss_percent": 100 * (len(rtts) - len(got)) / len(rtts),
            "min_ms": min(got) if got else None, "avg_ms": sum(got) / len(got) if got else None,
            "max_ms": max(got) if got else None}
''',
    },
    {
        "name": "loss as a fraction, and RTTs left in seconds",
        "cell": "ex2-solution",
        "fails": ["ex2-test-summary"],
        "source": '''
def ping(address, count, timeout=0.2):
    rtts = []
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        for seq in range(count):
            message = b"PING %d" % seq
            start = time.perf_counter()
            sock.sendto(message, address)
            rtt = None
            while (left := start + timeout - time.perf_counter()) > 0:
                sock.settimeout(left)
                try:
                    reply, _ = sock.recvfrom(1024)
                except TimeoutError:
                    break
                if reply == message:
                    rtt = time.perf_counter() - start
                    break
            rtts.append(rtt)
    return rtts


def summarize(rtts):
    got = [r for r in rtts if r is not None]
    return {"sent": len(rtts), "received": len(got), "loss_percent": (len(rtts) - len(got)) / len(rtts),
            "min_ms": min(got) if got else None, "avg_ms": sum(got) / len(got) if got else None,
            "max_ms": max(got) if got else None}
''',
    },
    {
        "name": "unconnected socket (sendto/recvfrom)",
        "cell": "ex3-solution",
        "fails": ["ex3-test-refused", "ex3-test-other-peer"],
        "source": '''
def probe(address, timeout=0.3):
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.settimeout(timeout)
        try:
            sock.sendto(b"probe", address)
            sock.recvfrom(65535)
            return "reply"
        except ConnectionRefusedError:
            return "nobody listening"
        except TimeoutError:
            return "no answer"
''',
    },
    {
        "name": "a broad except OSError catches the refusal first",
        "cell": "ex3-solution",
        "fails": ["ex3-test-refused"],
        "source": '''
def probe(address, timeout=0.3):
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.settimeout(timeout)
        try:
            sock.connect(address)
            sock.send(b"probe")
            sock.recv(65535)
            return "reply"
        except OSError:
            return "no answer"
        except ConnectionRefusedError:
            return "nobody listening"
''',
    },
    {
        "name": "answer cell blocks forever (recvfrom without a timeout)",
        "cell": "ex1-solution",
        "hangs": True,
        "fails": ["ex1-test-reply", "ex1-test-retry", "ex1-test-gives-up"],
        "source": '''
sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
sock.bind(("127.0.0.1", 0))
data, sender = sock.recvfrom(1024)   # no timeout and nobody sends: waits forever


def request(address, payload, timeout=0.3, retries=3):
    sock.sendto(payload, address)
    return sock.recvfrom(65535)[0]
''',
    },
]
