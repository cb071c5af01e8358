"""Typical wrong answers for 08-datagram-connect, and the test cells each must fail (docs/authoring.md).

Most are mutations of the solution: (old, new) text replacements in its answer cell.
"""

WRONG_ANSWERS = [
    {
        "name": "no retries: one attempt only",
        "cell": "ex1-solution",
        "fails": ["ex1-test-retry", "ex1-test-gives-up"],
        "mutate": [("for attempt in range(retries + 1):", "for attempt in range(1):")],
    },
    {
        "name": "off by one: retries sends in all instead of retries + 1",
        "cell": "ex1-solution",
        "fails": ["ex1-test-gives-up"],
        "mutate": [("for attempt in range(retries + 1):", "for attempt in range(retries):")],
    },
    {
        "name": "no timeout on recvfrom",
        "cell": "ex1-solution",
        "fails": ["ex1-test-retry", "ex1-test-gives-up"],
        "mutate": [("        sock.settimeout(timeout)\n", "")],
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
        "mutate": [("if reply == message:", "if True:")],
    },
    {
        "name": "loss as a fraction, and RTTs left in seconds",
        "cell": "ex2-solution",
        "fails": ["ex2-test-summary"],
        "mutate": [
            ("got = [r * 1000 for r in rtts", "got = [r for r in rtts"),
            ('"loss_percent": 100 * (len(rtts) - len(got))', '"loss_percent": (len(rtts) - len(got))'),
        ],
    },
    {
        "name": "unconnected socket (sendto/recvfrom)",
        "cell": "ex3-solution",
        "fails": ["ex3-test-refused", "ex3-test-other-peer"],
        "mutate": [
            ("            sock.connect(address)\n", ""),
            ('sock.send(b"probe")', 'sock.sendto(b"probe", address)'),
            ("sock.recv(65535)", "sock.recvfrom(65535)"),
        ],
    },
    {
        "name": "a broad except OSError catches the refusal first",
        "cell": "ex3-solution",
        "fails": ["ex3-test-refused"],
        "mutate": [
            ("        except ConnectionRefusedError:",
             '        except OSError:\n            return "no answer"\n        except ConnectionRefusedError:'),
        ],
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
