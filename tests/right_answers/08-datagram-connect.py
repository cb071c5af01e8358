"""Correct answers for 08-datagram-connect in styles unlike the solution; each must get full marks (tests/answers.py)."""

RIGHT_ANSWERS = [
    # Exercise 1: request
    {
        "name": "socket() with try/finally, a while loop counting attempts",
        "cell": "ex1-solution",
        "source": '''
def request(address, payload, timeout=0.3, retries=3):
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        sock.settimeout(timeout)
        attempts = 0
        while attempts <= retries:
            attempts += 1
            sock.sendto(payload, address)
            try:
                return sock.recvfrom(65536)[0]
            except socket.timeout:
                pass
        raise TimeoutError(f"{attempts} attempts, no reply")
    finally:
        sock.close()
''',
    },
    {
        "name": "a connected UDP socket with send and recv",
        "cell": "ex1-solution",
        "source": '''
def request(address, payload, timeout=0.3, retries=3):
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.connect(address)
        sock.settimeout(timeout)
        for _ in range(1 + retries):
            sock.send(payload)
            try:
                return sock.recv(65507)
            except TimeoutError:
                continue
        raise TimeoutError("the server did not answer")
''',
    },
    {
        "name": "from socket import ..., select for the wait, no socket timeout",
        "cell": "ex1-solution",
        "source": '''
from socket import socket as new_socket, AF_INET, SOCK_DGRAM
import select


def request(address, payload, timeout=0.3, retries=3):
    with new_socket(AF_INET, SOCK_DGRAM) as sock:
        for _ in range(retries + 1):
            sock.sendto(payload, address)
            readable, _, _ = select.select([sock], [], [], timeout)
            if readable:
                data, _ = sock.recvfrom(70000)
                return data
    raise TimeoutError("no reply")
''',
    },
    # Exercise 2: ping and summarize
    {
        "name": "select with a deadline, the sequence number parsed from the reply, statistics.fmean",
        "cell": "ex2-solution",
        "source": '''
import select
import statistics


def ping(address, count, timeout=0.2):
    results = []
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        for seq in range(count):
            sent_at = time.perf_counter()
            sock.sendto(b"PING %d" % seq, address)
            result = None
            while result is None:
                left = sent_at + timeout - time.perf_counter()
                if left <= 0 or not select.select([sock], [], [], left)[0]:
                    break
                data, _ = sock.recvfrom(2048)
                parts = data.split()
                if len(parts) == 2 and parts[0] == b"PING" and parts[1] == str(seq).encode():
                    result = time.perf_counter() - sent_at
            results.append(result)
    finally:
        sock.close()
    return results


def summarize(rtts):
    ms = [1000.0 * r for r in rtts if r is not None]
    return {
        "sent": len(rtts),
        "received": len(ms),
        "loss_percent": 100.0 - 100.0 * len(ms) / len(rtts),
        "min_ms": min(ms, default=None),
        "avg_ms": statistics.fmean(ms) if ms else None,
        "max_ms": max(ms, default=None),
    }
''',
    },
    {
        "name": "a helper that waits for one reply, time.monotonic, a connected socket",
        "cell": "ex2-solution",
        "source": '''
def _wait_for(sock, expected, deadline):
    """True when the expected datagram came before the deadline."""
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            return False
        sock.settimeout(left)
        try:
            if sock.recv(512) == expected:
                return True
        except TimeoutError:
            return False


def ping(address, count, timeout=0.2):
    rtts = []
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.connect(address)
        for seq in range(count):
            message = f"PING {seq}".encode()
            start = time.monotonic()
            sock.send(message)
            rtts.append(time.monotonic() - start if _wait_for(sock, message, start + timeout) else None)
    return rtts


def summarize(rtts):
    received = [r for r in rtts if r is not None]
    stats = {"sent": len(rtts), "received": len(received),
             "loss_percent": (len(rtts) - len(received)) * 100 / len(rtts)}
    for key, fn in (("min_ms", min), ("avg_ms", lambda xs: sum(xs) / len(xs)), ("max_ms", max)):
        stats[key] = fn(received) * 1000 if received else None
    return stats
''',
    },
    {
        "name": "settimeout before each recvfrom, sorted for min and max",
        "cell": "ex2-solution",
        "source": '''
def ping(address, count, timeout=0.2):
    out = [None] * count
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        for seq in range(count):
            want = b"PING " + str(seq).encode()
            t0 = time.perf_counter()
            s.sendto(want, address)
            try:
                while True:
                    remaining = timeout - (time.perf_counter() - t0)
                    if remaining <= 0:
                        break
                    s.settimeout(remaining)
                    reply, _ = s.recvfrom(100)
                    if reply == want:
                        out[seq] = time.perf_counter() - t0
                        break
            except TimeoutError:
                pass
    return out


def summarize(rtts):
    ok = sorted(r * 1e3 for r in rtts if r is not None)
    n, k = len(rtts), len(ok)
    return dict(sent=n, received=k, loss_percent=100 * (n - k) / n,
                min_ms=ok[0] if ok else None, avg_ms=sum(ok) / k if k else None, max_ms=ok[-1] if ok else None)
''',
    },
    # Exercise 3: probe
    {
        "name": "socket() with try/finally, the refusal recognised by its errno",
        "cell": "ex3-solution",
        "source": '''
import errno


def probe(address, timeout=0.3):
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        sock.settimeout(timeout)
        sock.connect(address)
        sock.send(b"probe")
        sock.recv(2048)
        return "reply"
    except socket.timeout:
        return "no answer"
    except OSError as exc:
        if exc.errno == errno.ECONNREFUSED:
            return "nobody listening"
        raise
    finally:
        sock.close()
''',
    },
    {
        "name": "select for the wait, then recv",
        "cell": "ex3-solution",
        "source": '''
import select


def probe(address, timeout=0.3):
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.connect(address)
        try:
            sock.send(b"probe")
            ready, _, _ = select.select([sock], [], [], timeout)
            if not ready:
                return "no answer"
            sock.recv(65535)
        except ConnectionRefusedError:
            return "nobody listening"
        return "reply"
''',
    },
    {
        "name": "from socket import ..., recv_into, results from a table",
        "cell": "ex3-solution",
        "source": '''
from socket import socket as udp, AF_INET, SOCK_DGRAM

OUTCOMES = {ConnectionRefusedError: "nobody listening", TimeoutError: "no answer"}


def probe(address, timeout=0.3):
    buffer = bytearray(65535)
    with udp(AF_INET, SOCK_DGRAM) as s:
        s.settimeout(timeout)
        s.connect(address)
        try:
            s.send(b"probe")
            s.recv_into(buffer)
        except (ConnectionRefusedError, TimeoutError) as exc:
            return OUTCOMES[type(exc)]
    return "reply"
''',
    },
]
