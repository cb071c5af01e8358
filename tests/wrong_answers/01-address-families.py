"""Typical wrong answers to 01-address-families, and the test cells each must fail."""

_ROUND_TRIP_BODY = '''
    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:
        pass
    else:
        if not stat.S_ISSOCK(mode):
            raise FileExistsError(errno.EEXIST, "exists and is not a socket", path)
        os.unlink(path)
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
        "source": '''
def stream_endpoints(host, port):
    endpoints = []
    for family, _, _, _, sockaddr in socket.getaddrinfo(host, port):
        if family == socket.AF_INET6:
            endpoints.append(f"[{sockaddr[0]}]:{sockaddr[1]}")
        else:
            endpoints.append(f"{sockaddr[0]}:{sockaddr[1]}")
    return endpoints
''',
    },
    {
        "name": "IPv6 endpoints without brackets",
        "cell": "ex2-solution",
        "fails": ["ex2-test-numeric", "ex2-test-dual-stack-name"],
        "source": '''
def stream_endpoints(host, port):
    endpoints = []
    for *_, sockaddr in socket.getaddrinfo(host, port, type=socket.SOCK_STREAM):
        text = f"{sockaddr[0]}:{sockaddr[1]}"
        if text not in endpoints:
            endpoints.append(text)
    return endpoints
''',
    },
    {
        "name": "IPv4 only",
        "cell": "ex2-solution",
        "fails": ["ex2-test-numeric", "ex2-test-dual-stack-name"],
        "source": '''
def stream_endpoints(host, port):
    endpoints = []
    for *_, sockaddr in socket.getaddrinfo(host, port, socket.AF_INET, socket.SOCK_STREAM):
        text = f"{sockaddr[0]}:{sockaddr[1]}"
        if text not in endpoints:
            endpoints.append(text)
    return endpoints
''',
    },
    {
        "name": "an unknown name gives an empty list",
        "cell": "ex2-solution",
        "fails": ["ex2-test-unresolvable"],
        "source": '''
def stream_endpoints(host, port):
    try:
        results = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror:
        return []
    endpoints = []
    for family, _, _, _, sockaddr in results:
        text = f"[{sockaddr[0]}]:{sockaddr[1]}" if family == socket.AF_INET6 else f"{sockaddr[0]}:{sockaddr[1]}"
        if text not in endpoints:
            endpoints.append(text)
    return endpoints
''',
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
        "source": '''
def unix_round_trip(path, data, timeout=2.0):
    try:
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
                return reply
    finally:
        if os.path.exists(path) and stat.S_ISSOCK(os.stat(path).st_mode):
            os.unlink(path)
''',
    },
    {
        "name": "deletes whatever is at the path, regular files too",
        "cell": "ex3-solution",
        "fails": ["ex3-test-not-a-socket"],
        "source": '''
def unix_round_trip(path, data, timeout=2.0):
    if os.path.exists(path):
        os.remove(path)
    try:
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
                return reply
    finally:
        if os.path.exists(path):
            os.remove(path)
''',
    },
    {
        "name": "OSError swallowed: returns b'' instead of raising",
        "cell": "ex3-solution",
        "fails": ["ex3-test-not-a-socket", "ex3-test-too-long"],
        "source": '''
def unix_round_trip(path, data, timeout=2.0):
    try:
        if os.path.exists(path):
            if not stat.S_ISSOCK(os.stat(path).st_mode):
                raise FileExistsError(path)
            os.unlink(path)
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
                return reply
    except OSError:
        return b""
    finally:
        if os.path.exists(path) and stat.S_ISSOCK(os.stat(path).st_mode):
            os.unlink(path)
''',
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
