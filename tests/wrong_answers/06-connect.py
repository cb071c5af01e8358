"""Typical wrong answers for 06-connect, and the test cells each must fail (docs/authoring.md).

Most are mutations of the solution: (old, new) text replacements in its answer cell. "breaks" names
the requirement (numbered in the exercise's text) each one breaks.
"""

WRONG_ANSWERS = [
    # Exercise 1: probe
    {
        "name": "returns 'open' instead of 'connected'",
        "cell": "ex1-solution", "breaks": [1],
        "fails": ["ex1-test-connected"],
        "mutate": [('return "connected"', 'return "open"')],
    },
    {
        "name": "does not catch ConnectionRefusedError",
        "cell": "ex1-solution", "breaks": [2],
        "fails": ["ex1-test-refused"],
        "mutate": [('    except ConnectionRefusedError:\n        return "refused"\n', "")],
    },
    {
        "name": "probe without a timeout",
        "cell": "ex1-solution", "breaks": [3],
        "fails": ["ex1-test-timeout"],
        "mutate": [("create_connection(address, timeout=timeout)", "create_connection(address)")],
    },
    {
        "name": "a fixed 2 s timeout instead of the argument",
        "cell": "ex1-solution", "breaks": [3],
        "fails": ["ex1-test-timeout"],
        "mutate": [("create_connection(address, timeout=timeout)", "create_connection(address, timeout=2.0)")],
    },
    {
        "name": "does not catch socket.gaierror",
        "cell": "ex1-solution", "breaks": [4],
        "fails": ["ex1-test-unresolved"],
        "mutate": [('    except socket.gaierror:\n        return "unresolved"\n', "")],
    },
    {
        "name": "except OSError before the specific errors",
        "cell": "ex1-solution", "breaks": [3, 4, 5],
        "fails": ["ex1-test-timeout", "ex1-test-unresolved", "ex1-test-other"],
        "mutate": [("    except ConnectionRefusedError:", "    except OSError:\n        return \"refused\"\n    except ConnectionRefusedError:")],
    },
    {
        "name": "every other OSError also reported as refused",
        "cell": "ex1-solution", "breaks": [5],
        "fails": ["ex1-test-other"],
        "mutate": [('        return "unresolved"', '        return "unresolved"\n    except OSError:\n        return "refused"')],
    },
    {
        "name": "probe never closes its socket",
        "cell": "ex1-solution", "breaks": [6],
        "fails": ["ex1-test-connected"],
        "mutate": [
            ('with socket.create_connection(address, timeout=timeout):\n            return "connected"',
             'socket.create_connection(address, timeout=timeout)\n        return "connected"'),
        ],
    },
    # Exercise 2: connect_with_retries
    {
        "name": "closes the socket it returns",
        "cell": "ex2-solution", "breaks": [1],
        "fails": ["ex2-test-up", "ex2-test-late"],
        "mutate": [("            return socket.create_connection(address, timeout=max(0.01, min(attempt_timeout, left)))",
                    "            with socket.create_connection(address, timeout=max(0.01, min(attempt_timeout, left))) as sock:\n"
                    "                return sock")],
    },
    {
        "name": "attempt timeout not cut at the deadline",
        "cell": "ex2-solution", "breaks": [2],
        "fails": ["ex2-test-silent"],
        "mutate": [("timeout=max(0.01, min(attempt_timeout, left))", "timeout=attempt_timeout")],
    },
    {
        "name": "retries refusals only, not timeouts",
        "cell": "ex2-solution", "breaks": [3],
        "fails": ["ex2-test-silent", "ex2-test-backoff"],
        "mutate": [("except (ConnectionRefusedError, TimeoutError, ConnectionResetError, ConnectionAbortedError):",
                    "except ConnectionRefusedError:")],
    },
    {
        "name": "backoff without jitter",
        "cell": "ex2-solution", "breaks": [4],
        "fails": ["ex2-test-backoff"],
        "mutate": [("random.uniform(0, min(cap, base * 2 ** k))", "min(cap, base * 2 ** k)")],
    },
    {
        "name": "jitter without backoff (the bound never grows)",
        "cell": "ex2-solution", "breaks": [4],
        "fails": ["ex2-test-backoff"],
        "mutate": [("random.uniform(0, min(cap, base * 2 ** k))", "random.uniform(0, base)")],
    },
    {
        "name": "raises its own TimeoutError at the deadline",
        "cell": "ex2-solution", "breaks": [5],
        "fails": ["ex2-test-deadline"],
        "mutate": [("            if left <= 0:\n                raise",
                    "            if left <= 0:\n                raise TimeoutError(\"deadline passed\")")],
    },
    {
        "name": "retries an address that does not resolve",
        "cell": "ex2-solution", "breaks": [6],
        "fails": ["ex2-test-bad-name"],
        "mutate": [
            ("except (ConnectionRefusedError, TimeoutError, ConnectionResetError, ConnectionAbortedError):",
             "except OSError:"),
        ],
    },
    {
        "name": "keeps failed sockets open, closes them only when giving up",
        "cell": "ex2-solution", "breaks": [7],
        "fails": ["ex2-test-late"],
        "source": '''
def connect_with_retries(address, deadline=2.0, attempt_timeout=0.5, base=0.05, cap=0.5):
    give_up_at = time.monotonic() + deadline
    failed = []
    k = 0
    while True:
        sock = socket.socket()
        left = give_up_at - time.monotonic()
        sock.settimeout(max(0.01, min(attempt_timeout, left)))
        try:
            sock.connect(address)
            return sock
        except (ConnectionRefusedError, TimeoutError):
            failed.append(sock)
            left = give_up_at - time.monotonic()
            if left <= 0:
                for old in failed:
                    old.close()
                raise
        except OSError:
            sock.close()
            raise
        time.sleep(min(left, random.uniform(0, min(cap, base * 2 ** k))))
        k += 1
''',
    },
    # Exercise 3: fetch
    {
        "name": "send instead of sendall",
        "cell": "ex3-solution", "breaks": [1],
        "fails": ["ex3-test-request"],
        "mutate": [("sock.sendall(request)", "sock.send(request)")],
    },
    {
        "name": "fetch without a timeout",
        "cell": "ex3-solution", "breaks": [1],
        "fails": ["ex3-test-silent"],
        "mutate": [("create_connection(address, timeout=timeout)", "create_connection(address)")],
    },
    {
        "name": "one recv instead of a loop",
        "cell": "ex3-solution", "breaks": [2],
        "fails": ["ex3-test-pieces", "ex3-test-large"],
        "mutate": [("            chunks.append(data)", "            return data")],
    },
    {
        "name": "returns what it has when the server goes quiet",
        "cell": "ex3-solution", "breaks": [3],
        "fails": ["ex3-test-silent"],
        "mutate": [("            data = sock.recv(4096)",
                    "            try:\n                data = sock.recv(4096)\n            except TimeoutError:\n                data = b\"\"")],
    },
    {
        "name": "closes the socket only on success",
        "cell": "ex3-solution", "breaks": [4],
        "fails": ["ex3-test-silent"],
        "source": '''
def fetch(address, request, timeout=2.0):
    sock = socket.create_connection(address, timeout=timeout)
    sock.sendall(request)
    reply = bytearray()
    while data := sock.recv(65536):
        reply += data
    sock.close()
    return bytes(reply)
''',
    },
    {
        "name": "answer cell blocks in recv() with no timeout",
        "cell": "ex3-solution", "breaks": [1],
        "hangs": True,
        "fails": ["ex3-test-basic", "ex3-test-pieces", "ex3-test-large", "ex3-test-request", "ex3-test-silent"],
        "source": '''
import socket
listener = socket.create_server(("127.0.0.1", 0))
client = socket.create_connection(listener.getsockname())
reply = client.recv(1024)   # the server never sends anything: waits forever
''',
    },
]
