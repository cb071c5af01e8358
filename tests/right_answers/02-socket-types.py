"""Correct answers to 02-socket-types in styles unlike the solution; each must get full marks."""

RIGHT_ANSWERS = [
    # Exercise 1: describe
    {
        "name": "enum names, a table of defaults",
        "cell": "ex1-solution",
        "source": '''
DEFAULTS = {(socket.AF_INET, socket.SOCK_STREAM): 6, (socket.AF_INET6, socket.SOCK_STREAM): 6,
            (socket.AF_INET, socket.SOCK_DGRAM): 17, (socket.AF_INET6, socket.SOCK_DGRAM): 17}
NAMES = {6: "IPPROTO_TCP", 17: "IPPROTO_UDP", 1: "IPPROTO_ICMP", 58: "IPPROTO_ICMPV6"}

def describe(sock):
    if hasattr(socket, "SO_PROTOCOL"):
        number = sock.getsockopt(socket.SOL_SOCKET, socket.SO_PROTOCOL)
    else:
        number = sock.proto or DEFAULTS.get((sock.family, sock.type), 0)
    return "/".join([sock.family.name, sock.type.name, NAMES.get(number, str(number))])
''',
    },
    {
        "name": "from socket import, names looked up with getattr",
        "cell": "ex1-solution",
        "source": '''
from socket import SOL_SOCKET, AddressFamily, SocketKind

def _protocol_name(number):
    for name in ("IPPROTO_TCP", "IPPROTO_UDP", "IPPROTO_ICMP", "IPPROTO_ICMPV6"):
        if getattr(socket, name) == number:
            return name
    return str(number)

def describe(sock):
    try:
        number = sock.getsockopt(SOL_SOCKET, socket.SO_PROTOCOL)
    except AttributeError:            # no SO_PROTOCOL on this system
        number = sock.proto
        if number == 0 and sock.family in (socket.AF_INET, socket.AF_INET6):
            number = socket.IPPROTO_TCP if sock.type == socket.SOCK_STREAM else socket.IPPROTO_UDP
    return f"{AddressFamily(sock.family).name}/{SocketKind(sock.type).name}/{_protocol_name(number)}"
''',
    },
    {
        "name": "the kernel asked first, even for an explicit protocol",
        "cell": "ex1-solution",
        "source": '''
def describe(sock):
    kernel = getattr(socket, "SO_PROTOCOL", None)
    proto = sock.getsockopt(socket.SOL_SOCKET, kernel) if kernel is not None else sock.proto
    text = {socket.IPPROTO_TCP: "IPPROTO_TCP", socket.IPPROTO_UDP: "IPPROTO_UDP",
            socket.IPPROTO_ICMP: "IPPROTO_ICMP", socket.IPPROTO_ICMPV6: "IPPROTO_ICMPV6"}.get(proto, "%d" % proto)
    return "%s/%s/%s" % (getattr(sock.family, "name"), getattr(sock.type, "name"), text)
''',
    },
    # Exercise 2: chunks_received
    {
        "name": "a short timeout instead of non-blocking",
        "cell": "ex2-solution",
        "source": '''
def chunks_received(sock_type, messages, bufsize=65536):
    a, b = socket.socketpair(socket.AF_UNIX, sock_type)
    try:
        for m in messages:
            a.sendall(m)
        b.settimeout(0.05)
        out = []
        while True:
            try:
                data = b.recv(bufsize)
            except TimeoutError:
                return out
            if data == b"":
                return out
            out.append(data)
    finally:
        a.close()
        b.close()
''',
    },
    {
        "name": "select with a zero timeout",
        "cell": "ex2-solution",
        "source": '''
import select

def chunks_received(sock_type, messages, bufsize=65536):
    sender, receiver = socket.socketpair(socket.AF_UNIX, sock_type)
    with sender, receiver:
        for message in messages:
            sender.send(message)      # a socket pair takes these small messages whole
        got = []
        while select.select([receiver], [], [], 0)[0]:
            chunk = receiver.recv(bufsize)
            if not chunk:
                break
            got.append(chunk)
    return got
''',
    },
    {
        "name": "MSG_DONTWAIT on each recv",
        "cell": "ex2-solution",
        "source": '''
from socket import socketpair, AF_UNIX, MSG_DONTWAIT

def chunks_received(sock_type, messages, bufsize=65536):
    pair = socketpair(AF_UNIX, sock_type)
    with pair[0] as out, pair[1] as into:
        for message in messages:
            out.sendall(message)
        chunks = []
        while True:
            try:
                chunk = into.recv(bufsize, MSG_DONTWAIT)
            except BlockingIOError:
                break
            if chunk:
                chunks.append(chunk)
            else:
                break
        return chunks
''',
    },
    # Exercise 3: errno_name
    {
        "name": "else branch and errno test inverted",
        "cell": "ex3-solution",
        "source": '''
def errno_name(action):
    try:
        action()
    except OSError as exc:
        if exc.errno is not None:
            return errno.errorcode[exc.errno]
        raise
    else:
        return None
''',
    },
    {
        "name": "from errno import errorcode, BaseException re-raised",
        "cell": "ex3-solution",
        "source": '''
from errno import errorcode

def errno_name(action):
    try:
        action()
    except BaseException as problem:
        if isinstance(problem, OSError) and problem.errno is not None:
            return errorcode[problem.errno]
        raise
''',
    },
    {
        "name": "a helper that classifies, the exception kept and re-raised",
        "cell": "ex3-solution",
        "source": '''
def _name_of(exc):
    code = getattr(exc, "errno", None)
    return errno.errorcode.get(code) if isinstance(exc, OSError) and code is not None else None

def errno_name(action):
    caught = None
    try:
        action()
    except OSError as exc:
        caught = exc
    if caught is None:
        return None
    name = _name_of(caught)
    if name is None:
        raise caught
    return name
''',
    },
]
