"""Typical wrong answers for 08-datagram-connect, and the test cells each must fail (docs/authoring.md).

Most are mutations of the solution: (old, new) text replacements in its answer cell.
"breaks" names the requirement numbers of the exercise that each one breaks.
"""

WRONG_ANSWERS = [
    # Exercise 1: request
    {
        "name": "a 1024-byte receive buffer cuts a long reply",
        "cell": "ex1-solution",
        "breaks": [1],
        "fails": ["ex1-test-reply"],
        "mutate": [("sock.recvfrom(65535)", "sock.recvfrom(1024)")],
    },
    {
        "name": "no retries: one attempt only",
        "cell": "ex1-solution",
        "breaks": [2],
        "fails": ["ex1-test-retry", "ex1-test-gives-up"],
        "mutate": [("for attempt in range(retries + 1):", "for attempt in range(1):")],
    },
    {
        "name": "off by one: retries sends in all instead of retries + 1",
        "cell": "ex1-solution",
        "breaks": [2],
        "fails": ["ex1-test-gives-up"],
        "mutate": [("for attempt in range(retries + 1):", "for attempt in range(retries):")],
    },
    {
        "name": "no timeout on recvfrom",
        "cell": "ex1-solution",
        "breaks": [2],
        "fails": ["ex1-test-retry", "ex1-test-gives-up", "ex1-test-closes"],
        "mutate": [("        sock.settimeout(timeout)\n", "")],
    },
    {
        "name": "returns None instead of raising when every attempt timed out",
        "cell": "ex1-solution",
        "breaks": [3],
        "fails": ["ex1-test-gives-up", "ex1-test-closes"],
        "mutate": [('    raise TimeoutError(f"no reply after {retries + 1} attempts of {timeout} s")', "    return None")],
    },
    {
        "name": "the socket is never closed",
        "cell": "ex1-solution",
        "breaks": [4],
        "fails": ["ex1-test-closes"],
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
        "name": "closes the socket only when a reply came, not when it raises",
        "cell": "ex1-solution",
        "breaks": [4],
        "fails": ["ex1-test-closes"],
        "source": '''
def request(address, payload, timeout=0.3, retries=3):
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.settimeout(timeout)
    for attempt in range(retries + 1):
        sock.sendto(payload, address)
        try:
            reply = sock.recvfrom(65535)[0]
        except TimeoutError:
            continue
        sock.close()
        return reply
    raise TimeoutError(f"no reply after {retries + 1} attempts")
''',
    },
    {
        "name": "answer cell blocks forever (recvfrom without a timeout)",
        "cell": "ex1-solution",
        "breaks": [2],
        "hangs": True,
        "fails": ["ex1-test-reply", "ex1-test-retry", "ex1-test-gives-up", "ex1-test-closes"],
        "source": '''
sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
sock.bind(("127.0.0.1", 0))
data, sender = sock.recvfrom(1024)   # no timeout and nobody sends: waits forever


def request(address, payload, timeout=0.3, retries=3):
    sock.sendto(payload, address)
    return sock.recvfrom(65535)[0]
''',
    },
    # Exercise 2: ping and summarize
    {
        "name": "a new socket for every ping",
        "cell": "ex2-solution",
        "breaks": [1],
        "fails": ["ex2-test-no-loss"],
        "source": '''
def ping(address, count, timeout=0.2):
    rtts = []
    for seq in range(count):
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
            message = b"PING %d" % seq
            start = time.perf_counter()
            deadline = start + timeout
            sock.sendto(message, address)
            rtt = None
            while (left := deadline - time.perf_counter()) > 0:
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
    got = [r * 1000 for r in rtts if r is not None]
    return {
        "sent": len(rtts),
        "received": len(got),
        "loss_percent": 100 * (len(rtts) - len(got)) / len(rtts),
        "min_ms": min(got) if got else None,
        "avg_ms": sum(got) / len(got) if got else None,
        "max_ms": max(got) if got else None,
    }
''',
    },
    {
        "name": "round-trip times in milliseconds instead of seconds",
        "cell": "ex2-solution",
        "breaks": [2],
        "fails": ["ex2-test-no-loss"],
        "mutate": [("rtt = time.perf_counter() - start", "rtt = (time.perf_counter() - start) * 1000")],
    },
    {
        "name": "a lost ping is left out of the list instead of None",
        "cell": "ex2-solution",
        "breaks": [3],
        "fails": ["ex2-test-loss", "ex2-test-late"],
        "mutate": [("            rtts.append(rtt)", "            if rtt is not None:\n                rtts.append(rtt)")],
    },
    {
        "name": "pinger takes any reply for the current ping",
        "cell": "ex2-solution",
        "breaks": [4],
        "fails": ["ex2-test-late"],
        "mutate": [("if reply == message:", "if True:")],
    },
    {
        "name": "the socket is never closed",
        "cell": "ex2-solution",
        "breaks": [5],
        "fails": ["ex2-test-closes"],
        "mutate": [("    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:\n        for seq",
                    "    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\n    if True:\n        for seq")],
    },
    {
        "name": "loss as a fraction, and RTTs left in seconds",
        "cell": "ex2-solution",
        "breaks": [6],
        "fails": ["ex2-test-summary"],
        "mutate": [
            ("got = [r * 1000 for r in rtts", "got = [r for r in rtts"),
            ('"loss_percent": 100 * (len(rtts) - len(got))', '"loss_percent": (len(rtts) - len(got))'),
        ],
    },
    # Exercise 3: probe
    {
        "name": "returns the reply's bytes instead of \"reply\"",
        "cell": "ex3-solution",
        "breaks": [1],
        "fails": ["ex3-test-reply"],
        "mutate": [('            sock.recv(65535)\n            return "reply"', "            return sock.recv(65535)")],
    },
    {
        "name": "a broad except OSError catches the refusal first",
        "cell": "ex3-solution",
        "breaks": [2],
        "fails": ["ex3-test-refused"],
        "mutate": [
            ("        except ConnectionRefusedError:",
             '        except OSError:\n            return "no answer"\n        except ConnectionRefusedError:'),
        ],
    },
    {
        "name": "unconnected socket (sendto/recvfrom)",
        "cell": "ex3-solution",
        "breaks": [2, 4],
        "fails": ["ex3-test-refused", "ex3-test-other-peer"],
        "mutate": [
            ("            sock.connect(address)\n", ""),
            ('sock.send(b"probe")', 'sock.sendto(b"probe", address)'),
            ("sock.recv(65535)", "sock.recvfrom(65535)"),
        ],
    },
    {
        "name": "a timeout is reported as \"nobody listening\"",
        "cell": "ex3-solution",
        "breaks": [3],
        "fails": ["ex3-test-silent", "ex3-test-other-peer"],
        "mutate": [('        except TimeoutError:\n            return "no answer"',
                    '        except TimeoutError:\n            return "nobody listening"')],
    },
    {
        "name": "unconnected with IP_RECVERR: hears the refusal, but takes any sender's datagram",
        "cell": "ex3-solution",
        "breaks": [4],
        "fails": ["ex3-test-other-peer"],
        "mutate": [
            ("            sock.connect(address)\n", "            sock.setsockopt(socket.IPPROTO_IP, 11, 1)   # IP_RECVERR\n"),
            ('sock.send(b"probe")', 'sock.sendto(b"probe", address)'),
            ("sock.recv(65535)", "sock.recvfrom(65535)"),
        ],
    },
    {
        "name": "the socket is never closed",
        "cell": "ex3-solution",
        "breaks": [5],
        "fails": ["ex3-test-closes"],
        "mutate": [("    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:\n",
                    "    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\n    if True:\n")],
    },
]
