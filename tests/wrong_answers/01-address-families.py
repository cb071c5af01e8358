"""Typical wrong answers to 01-address-families, and the test cells each must fail.

Small edits are mutations of the solution: (old, new) text replacements in its answer cell. "breaks" names the
requirement (the numbered list in the exercise's text) each one breaks.
"""

# ex3's check before bind: what to do with whatever is already at the path
_STALE_FILE_CHECK = '''\
    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:
        pass
    else:
        if not stat.S_ISSOCK(mode):
            raise FileExistsError(errno.EEXIST, "exists and is not a socket", path)
        os.unlink(path)
'''
_NOT_A_SOCKET_CHECK = '''\
        if not stat.S_ISSOCK(mode):
            raise FileExistsError(errno.EEXIST, "exists and is not a socket", path)
'''

_ROUND_TRIP_BODY = "\n" + _STALE_FILE_CHECK + '''\
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as server:
        server.settimeout(timeout)
        server.bind(path)
        server.listen(1)
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as client:
            client.settimeout(timeout)
            client.connect(path)
            conn, _ = server.accept()
            with conn:
                client.sendall(data)
                client.shutdown(socket.SHUT_WR)
                received = b""
                while chunk := conn.recv(4096):
                    received += chunk
                conn.sendall(received.upper())
            reply = b""
            while chunk := client.recv(4096):
                reply += chunk
    os.unlink(path)
    return reply
'''

EX3_ALL = ["ex3-test-round-trip", "ex3-test-stale-file", "ex3-test-not-a-socket", "ex3-test-cleanup-on-error",
           "ex3-test-sockets-on-error", "ex3-test-too-long"]

WRONG_ANSWERS = [
    # Exercise 1: address_family
    {
        "name": "the name of the family instead of the constant, for IPv4",
        "cell": "ex1-solution",
        "breaks": [1],
        "fails": ["ex1-test-examples", "ex1-test-other-spellings"],
        "mutate": [("return socket.AF_INET if addr.version == 4", 'return "AF_INET" if addr.version == 4')],
    },
    {
        "name": "inet_pton rejects IPv6 zones",
        "cell": "ex1-solution",
        "breaks": [2],
        "fails": ["ex1-test-other-spellings"],
        "source": '''
def address_family(text):
    if text.startswith("\\0") or "/" in text:
        return socket.AF_UNIX
    for family in (socket.AF_INET, socket.AF_INET6):
        try:
            socket.inet_pton(family, text)
            return family
        except OSError:
            pass
    raise ValueError(text)
''',
    },
    {
        "name": "only absolute paths are socket paths",
        "cell": "ex1-solution",
        "breaks": [3],
        "fails": ["ex1-test-other-spellings"],
        "mutate": [('if text.startswith("\\0") or "/" in text:', 'if text.startswith(("\\0", "/")):')],
    },
    {
        "name": "inet_aton and a colon test accept short forms and non-addresses",
        "cell": "ex1-solution",
        "breaks": [4],
        "fails": ["ex1-test-not-addresses"],
        "source": '''
def address_family(text):
    if text.startswith("\\0") or "/" in text:
        return socket.AF_UNIX
    try:
        socket.inet_aton(text)
        return socket.AF_INET
    except OSError:
        pass
    if ":" in text:
        return socket.AF_INET6
    raise ValueError(text)
''',
    },
    # Exercise 2: stream_endpoints
    {
        "name": "IPv6 endpoints without brackets",
        "cell": "ex2-solution",
        "breaks": [1],
        "fails": ["ex2-test-numeric", "ex2-test-dual-stack-name"],
        "mutate": [('text = f"[{address}]:{number}" if family == socket.AF_INET6 else f"{address}:{number}"',
                    'text = f"{address}:{number}"')],
    },
    {
        "name": "no type hint: one endpoint per socket type",
        "cell": "ex2-solution",
        "breaks": [2],
        "fails": ["ex2-test-numeric", "ex2-test-dual-stack-name"],
        "mutate": [("getaddrinfo(host, port, type=socket.SOCK_STREAM)", "getaddrinfo(host, port)"),
                   ("        if text not in endpoints:\n            endpoints.append(text)",
                    "        endpoints.append(text)")],
    },
    {
        "name": "sorted instead of getaddrinfo's order",
        "cell": "ex2-solution",
        "breaks": [2],
        "fails": ["ex2-test-dual-stack-name"],
        "mutate": [("    return endpoints", "    return sorted(endpoints)")],
    },
    {
        "name": "IPv4 only",
        "cell": "ex2-solution",
        "breaks": [3],
        "fails": ["ex2-test-numeric", "ex2-test-dual-stack-name"],
        "mutate": [("getaddrinfo(host, port, type=socket.SOCK_STREAM)",
                    "getaddrinfo(host, port, socket.AF_INET, socket.SOCK_STREAM)")],
    },
    {
        "name": "an unknown name gives an empty list",
        "cell": "ex2-solution",
        "breaks": [4],
        "fails": ["ex2-test-unresolvable"],
        "mutate": [("    endpoints = []\n",
                    "    try:\n"
                    "        results = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)\n"
                    "    except socket.gaierror:\n"
                    "        return []\n"
                    "    endpoints = []\n"),
                   ("in socket.getaddrinfo(host, port, type=socket.SOCK_STREAM):", "in results:")],
    },
    # Exercise 3: unix_round_trip
    {
        "name": "stale socket file not removed before bind",
        "cell": "ex3-solution",
        "breaks": [1],
        "fails": ["ex3-test-stale-file"],
        "mutate": [(_STALE_FILE_CHECK, "")],
    },
    {
        "name": "deletes whatever is at the path, regular files too",
        "cell": "ex3-solution",
        "breaks": [1],
        "fails": ["ex3-test-not-a-socket"],
        "mutate": [(_NOT_A_SOCKET_CHECK, ""),
                   ("if stat.S_ISSOCK(os.lstat(path).st_mode):", "if os.path.exists(path):")],
    },
    {
        "name": "unlinks the path before bind even when nothing is there",
        "cell": "ex3-solution",
        "breaks": [1],
        "fails": ["ex3-test-round-trip", "ex3-test-not-a-socket", "ex3-test-cleanup-on-error"],
        "mutate": [(_STALE_FILE_CHECK, "    os.unlink(path)\n")],
    },
    {
        "name": "no half-close: the server waits for an end of file",
        "cell": "ex3-solution",
        "breaks": [2],
        "fails": ["ex3-test-round-trip", "ex3-test-stale-file"],
        "mutate": [("                    client.shutdown(socket.SHUT_WR)\n", "")],
    },
    {
        "name": "the reply not upper-cased",
        "cell": "ex3-solution",
        "breaks": [3],
        "fails": ["ex3-test-round-trip", "ex3-test-stale-file"],
        "mutate": [("conn.sendall(received.upper())", "conn.sendall(received)")],
    },
    {
        "name": "socket file removed only on success (no finally)",
        "cell": "ex3-solution",
        "breaks": [4],
        "fails": ["ex3-test-cleanup-on-error"],
        "source": "def unix_round_trip(path, data, timeout=2.0):" + _ROUND_TRIP_BODY,
    },
    {
        "name": "sockets closed only when all goes well",
        "cell": "ex3-solution",
        "breaks": [5],
        "fails": ["ex3-test-sockets-on-error"],
        "source": "def unix_round_trip(path, data, timeout=2.0):\n" + _STALE_FILE_CHECK + '''\
    try:
        server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        server.settimeout(timeout)
        server.bind(path)
        server.listen(1)
        client = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        client.settimeout(timeout)
        client.connect(path)
        conn, _ = server.accept()
        client.sendall(data)
        client.shutdown(socket.SHUT_WR)
        received = b""
        while chunk := conn.recv(4096):
            received += chunk
        conn.sendall(received.upper())
        conn.close()
        reply = b""
        while chunk := client.recv(4096):
            reply += chunk
        client.close()
        server.close()
        return reply
    finally:
        if os.path.exists(path):
            os.unlink(path)
''',
    },
    {
        "name": "the TypeError swallowed",
        "cell": "ex3-solution",
        "breaks": [6],
        "fails": ["ex3-test-cleanup-on-error"],
        "mutate": [("                    client.sendall(data)\n",
                    "                    try:\n                        client.sendall(data)\n"
                    "                    except TypeError:\n                        return b\"\"\n")],
    },
    {
        "name": "OSError swallowed: returns b'' instead of raising",
        "cell": "ex3-solution",
        "breaks": [1, 6],
        "fails": ["ex3-test-not-a-socket", "ex3-test-too-long"],
        "mutate": [('raise FileExistsError(errno.EEXIST, "exists and is not a socket", path)', 'return b""'),
                   ("    finally:\n", "    except OSError:\n        return b\"\"\n    finally:\n")],
    },
    {
        "name": "a try-out at the top of the answer cell waits in accept() forever",
        "cell": "ex3-solution",
        "breaks": [2],
        "hangs": True,
        "hanging_cells": 1,
        "fails": EX3_ALL,
        "source": '''
trial_folder = tempfile.mkdtemp()
trial = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
trial.bind(os.path.join(trial_folder, "try.sock"))
trial.listen()
conn, _ = trial.accept()          # no client and no timeout: waits forever

def unix_round_trip(path, data, timeout=2.0):''' + _ROUND_TRIP_BODY,
    },
]
