"""Typical wrong answers to 01-address-families, and the test cells each must fail.

Small edits are mutations of the solution: (old, new) text replacements in its answer cell.
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

WRONG_ANSWERS = [
    {
        "name": "inet_aton and a colon test accept short forms and non-addresses",
        "cell": "ex1-solution",
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
    {
        "name": "inet_pton rejects IPv6 zones",
        "cell": "ex1-solution",
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
        "name": "no type hint: one endpoint per socket type",
        "cell": "ex2-solution",
        "fails": ["ex2-test-numeric", "ex2-test-dual-stack-name"],
        "mutate": [("getaddrinfo(host, port, type=socket.SOCK_STREAM)", "getaddrinfo(host, port)"),
                   ("        if text not in endpoints:\n            endpoints.append(text)",
                    "        endpoints.append(text)")],
    },
    {
        "name": "IPv6 endpoints without brackets",
        "cell": "ex2-solution",
        "fails": ["ex2-test-numeric", "ex2-test-dual-stack-name"],
        "mutate": [('text = f"[{address}]:{number}" if family == socket.AF_INET6 else f"{address}:{number}"',
                    'text = f"{address}:{number}"')],
    },
    {
        "name": "IPv4 only",
        "cell": "ex2-solution",
        "fails": ["ex2-test-numeric", "ex2-test-dual-stack-name"],
        "mutate": [("getaddrinfo(host, port, type=socket.SOCK_STREAM)",
                    "getaddrinfo(host, port, socket.AF_INET, socket.SOCK_STREAM)")],
    },
    {
        "name": "an unknown name gives an empty list",
        "cell": "ex2-solution",
        "fails": ["ex2-test-unresolvable"],
        "mutate": [("    endpoints = []\n",
                    "    try:\n"
                    "        results = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)\n"
                    "    except socket.gaierror:\n"
                    "        return []\n"
                    "    endpoints = []\n"),
                   ("in socket.getaddrinfo(host, port, type=socket.SOCK_STREAM):", "in results:")],
    },
    {
        "name": "socket file removed only on success (no finally)",
        "cell": "ex3-solution",
        "fails": ["ex3-test-cleanup-on-error"],
        "source": "def unix_round_trip(path, data, timeout=2.0):" + _ROUND_TRIP_BODY,
    },
    {
        "name": "stale socket file not removed before bind",
        "cell": "ex3-solution",
        "fails": ["ex3-test-stale-file"],
        "mutate": [(_STALE_FILE_CHECK, "")],
    },
    {
        "name": "deletes whatever is at the path, regular files too",
        "cell": "ex3-solution",
        "fails": ["ex3-test-not-a-socket"],
        "mutate": [(_NOT_A_SOCKET_CHECK, ""),
                   ("if stat.S_ISSOCK(os.lstat(path).st_mode):", "if os.path.exists(path):")],
    },
    {
        "name": "OSError swallowed: returns b'' instead of raising",
        "cell": "ex3-solution",
        "fails": ["ex3-test-not-a-socket", "ex3-test-too-long"],
        "mutate": [('raise FileExistsError(errno.EEXIST, "exists and is not a socket", path)', 'return b""'),
                   ("    finally:\n", "    except OSError:\n        return b\"\"\n    finally:\n")],
    },
    {
        "name": "a try-out at the top of the answer cell waits in accept() forever",
        "cell": "ex3-solution",
        "hangs": True,
        "hanging_cells": 1,
        "fails": ["ex3-test-round-trip", "ex3-test-stale-file", "ex3-test-not-a-socket",
                  "ex3-test-cleanup-on-error", "ex3-test-too-long"],
        "source": '''
trial_folder = tempfile.mkdtemp()
trial = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
trial.bind(os.path.join(trial_folder, "try.sock"))
trial.listen()
conn, _ = trial.accept()          # no client and no timeout: waits forever

def unix_round_trip(path, data, timeout=2.0):''' + _ROUND_TRIP_BODY,
    },
]
