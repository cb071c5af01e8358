"""Typical wrong answers for 06-connect, and the test cells each must fail (docs/authoring.md).

Most are mutations of the solution: (old, new) text replacements in its answer cell.
"""

WRONG_ANSWERS = [
    {
        "name": "except OSError before the specific errors",
        "cell": "ex1-solution",
        "fails": ["ex1-test-timeout", "ex1-test-unresolved"],
        "mutate": [("    except ConnectionRefusedError:", "    except OSError:\n        return \"refused\"\n    except ConnectionRefusedError:")],
    },
    {
        "name": "probe without a timeout",
        "cell": "ex1-solution",
        "fails": ["ex1-test-timeout"],
        "mutate": [("create_connection(address, timeout=timeout)", "create_connection(address)")],
    },
    {
        "name": "probe never closes its socket",
        "cell": "ex1-solution",
        "fails": ["ex1-test-connected"],
        "mutate": [
            ('with socket.create_connection(address, timeout=timeout):\n            return "connected"',
             'socket.create_connection(address, timeout=timeout)\n        return "connected"'),
        ],
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
        "mutate": [("random.uniform(0, min(cap, base * 2 ** k))", "cap, base * 2 ** k")],
    },
    {
        "name": "retries a name that does not resolve",
        "cell": "ex2-solution",
        "fails": ["ex2-test-bad-name"],
        "mutate": [
            ("except (ConnectionRefusedError, TimeoutError, ConnectionResetError, ConnectionAbortedError):",
             "except OSError:"),
        ],
    },
    {
        "name": "one recv instead of a loop",
        "cell": "ex3-solution",
        "fails": ["ex3-test-pieces", "ex3-test-large"],
        "mutate": [("            chunks.append(data)", "            return data")],
    },
    {
        "name": "fetch without a timeout",
        "cell": "ex3-solution",
        "fails": ["ex3-test-silent"],
        "mutate": [("create_connection(address, timeout=timeout)", "create_connection(address)")],
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
