"""Correct answers to 01-address-families in styles unlike the solution; each must get full marks."""

RIGHT_ANSWERS = [
    # Exercise 1: address_family
    {
        "name": "inet_pton for each family, the zone cut off first",
        "cell": "ex1-solution",
        "source": '''
def address_family(text):
    if "/" in text or text[:1] == "\\0":
        return socket.AF_UNIX
    try:
        socket.inet_pton(socket.AF_INET, text)
        return socket.AF_INET
    except OSError:
        pass
    address, _, zone = text.partition("%")
    try:
        socket.inet_pton(socket.AF_INET6, address)
    except OSError:
        raise ValueError(f"not an address: {text!r}") from None
    return socket.AF_INET6
''',
    },
    {
        "name": "from ipaddress import the two classes",
        "cell": "ex1-solution",
        "source": '''
from ipaddress import IPv4Address, IPv6Address, AddressValueError
from socket import AF_INET, AF_INET6

def address_family(text):
    if text.startswith("\\x00") or text.find("/") >= 0:
        return socket.AF_UNIX
    for cls, family in ((IPv4Address, AF_INET), (IPv6Address, AF_INET6)):
        try:
            cls(text)
        except AddressValueError:
            continue
        return family
    raise ValueError("neither IPv4, IPv6 nor a socket path: %r" % (text,))
''',
    },
    {
        "name": "helper predicates",
        "cell": "ex1-solution",
        "source": '''
def _is_unix(text):
    return text.startswith("\\0") or "/" in text

def _version(text):
    try:
        return ipaddress.ip_address(text).version
    except ValueError:
        return None

def address_family(text):
    if _is_unix(text):
        return socket.AF_UNIX
    families = {4: socket.AF_INET, 6: socket.AF_INET6}
    version = _version(text)
    if version is None:
        raise ValueError(f"{text!r}: no address family fits")
    return families[version]
''',
    },
    # Exercise 2: stream_endpoints
    {
        "name": "dict.fromkeys keeps the order, proto=IPPROTO_TCP",
        "cell": "ex2-solution",
        "source": '''
def stream_endpoints(host, port):
    found = socket.getaddrinfo(host, port, 0, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    return list(dict.fromkeys(
        ("[%s]:%d" if fam == socket.AF_INET6 else "%s:%d") % (sa[0], sa[1]) for fam, _, _, _, sa in found))
''',
    },
    {
        "name": "from socket import getaddrinfo and the constants",
        "cell": "ex2-solution",
        "source": '''
from socket import getaddrinfo, AF_INET6, SOCK_STREAM

def stream_endpoints(host, port):
    result, seen = [], set()
    for info in getaddrinfo(host, port, type=SOCK_STREAM):
        family, sockaddr = info[0], info[4]
        shown = f"[{sockaddr[0]}]" if family is AF_INET6 or family == AF_INET6 else sockaddr[0]
        endpoint = f"{shown}:{sockaddr[1]}"
        if endpoint not in seen:
            seen.add(endpoint)
            result.append(endpoint)
    return result
''',
    },
    {
        "name": "no type hint, stream results filtered afterwards",
        "cell": "ex2-solution",
        "source": '''
def stream_endpoints(host, port):
    endpoints = []
    for family, kind, proto, canonname, sockaddr in socket.getaddrinfo(host, port):
        if kind != socket.SOCK_STREAM:
            continue
        host_text = sockaddr[0]
        if ":" in host_text:
            host_text = "[" + host_text + "]"
        endpoint = host_text + ":" + str(sockaddr[1])
        if endpoint not in endpoints:
            endpoints.append(endpoint)
    return endpoints
''',
    },
    # Exercise 3: unix_round_trip
    {
        "name": "ExitStack, makefile reads and pathlib",
        "cell": "ex3-solution",
        "source": '''
import contextlib
import pathlib

def unix_round_trip(path, data, timeout=2.0):
    where = pathlib.Path(path)
    if where.is_socket():
        where.unlink()
    elif where.exists() or where.is_symlink():
        raise FileExistsError(f"{path} is there and is not a socket")
    with contextlib.ExitStack() as stack:
        stack.callback(lambda: where.unlink() if where.is_socket() else None)
        server = stack.enter_context(socket.socket(socket.AF_UNIX, socket.SOCK_STREAM))
        server.settimeout(timeout)
        server.bind(path)
        server.listen()
        client = stack.enter_context(socket.socket(socket.AF_UNIX, socket.SOCK_STREAM))
        client.settimeout(timeout)
        client.connect(path)
        conn = stack.enter_context(server.accept()[0])
        conn.settimeout(timeout)
        client.sendall(data)
        client.shutdown(socket.SHUT_WR)
        with conn.makefile("rb") as incoming:
            request = incoming.read()
        conn.sendall(request.upper())
        conn.close()
        with client.makefile("rb") as incoming:
            return incoming.read()
''',
    },
    {
        "name": "try/finally with explicit closes and helpers",
        "cell": "ex3-solution",
        "source": '''
def _remove_stale(path):
    if not os.path.lexists(path):
        return
    if not stat.S_ISSOCK(os.lstat(path).st_mode):
        raise OSError(errno.EEXIST, "not a socket, left alone", path)
    os.remove(path)

def _read_to_end(sock):
    parts = []
    while True:
        part = sock.recv(7)
        if not part:
            return b"".join(parts)
        parts.append(part)

def unix_round_trip(path, data, timeout=2.0):
    _remove_stale(path)
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        server.settimeout(timeout)
        server.bind(path)
        server.listen(1)
        client = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            client.settimeout(timeout)
            client.connect(path)
            conn, _ = server.accept()
            try:
                conn.settimeout(timeout)
                client.sendall(data)
                client.shutdown(socket.SHUT_WR)
                conn.sendall(_read_to_end(conn).upper())
            finally:
                conn.close()
            return _read_to_end(client)
        finally:
            client.close()
    finally:
        server.close()
        if os.path.lexists(path) and stat.S_ISSOCK(os.lstat(path).st_mode):
            os.remove(path)
''',
    },
    {
        "name": "from socket import names, unlink right after accept",
        "cell": "ex3-solution",
        "source": '''
from socket import socket as new_socket, AF_UNIX, SOCK_STREAM, SHUT_WR

def unix_round_trip(path, data, timeout=2.0):
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        info = None
    if info is not None:
        if not stat.S_ISSOCK(info.st_mode):
            raise FileExistsError(errno.EEXIST, os.strerror(errno.EEXIST), path)
        os.unlink(path)
    bound = False
    try:
        with new_socket(AF_UNIX, SOCK_STREAM) as server, new_socket(AF_UNIX, SOCK_STREAM) as client:
            server.settimeout(timeout)
            client.settimeout(timeout)
            server.bind(path)
            bound = True
            server.listen(1)
            client.connect(path)
            conn, _ = server.accept()
            os.unlink(path)          # connected: the name is no longer needed
            bound = False
            with conn:
                conn.settimeout(timeout)
                client.sendall(data)
                client.shutdown(SHUT_WR)
                received = bytearray()
                while chunk := conn.recv(1024):
                    received.extend(chunk)
                conn.sendall(bytes(received).upper())
            answer = bytearray()
            while chunk := client.recv(1024):
                answer.extend(chunk)
            return bytes(answer)
    finally:
        if bound:
            os.unlink(path)
''',
    },
]
