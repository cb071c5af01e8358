"""Typical wrong answers to 02-socket-types, and the test cells each must fail."""

WRONG_ANSWERS = [
    {
        "name": "protocol printed as the raw number from sock.proto",
        "cell": "ex1-solution",
        "fails": ["ex1-test-explicit", "ex1-test-default-protocol"],
        "source": '''
def describe(sock):
    return f"{sock.family.name}/{sock.type.name}/{sock.proto}"
''',
    },
    {
        "name": "protocol 0 taken to mean TCP or UDP in every family",
        "cell": "ex1-solution",
        "fails": ["ex1-test-unix"],
        "source": '''
def describe(sock):
    names = {socket.IPPROTO_TCP: "IPPROTO_TCP", socket.IPPROTO_UDP: "IPPROTO_UDP",
             socket.IPPROTO_ICMP: "IPPROTO_ICMP", socket.IPPROTO_ICMPV6: "IPPROTO_ICMPV6"}
    proto = sock.proto
    if proto == 0:
        proto = socket.IPPROTO_TCP if sock.type == socket.SOCK_STREAM else socket.IPPROTO_UDP
    return f"{sock.family.name}/{sock.type.name}/{names.get(proto, str(proto))}"
''',
    },
    {
        "name": "no sockets: the answer is guessed from the type",
        "cell": "ex2-solution",
        "fails": ["ex2-test-small-buffer"],
        "source": '''
def chunks_received(sock_type, messages, bufsize=65536):
    if sock_type == socket.SOCK_STREAM:
        return [b"".join(messages)]
    return list(messages)
''',
    },
    {
        "name": "bufsize ignored",
        "cell": "ex2-solution",
        "fails": ["ex2-test-small-buffer"],
        "source": '''
def chunks_received(sock_type, messages, bufsize=65536):
    sender, receiver = socket.socketpair(socket.AF_UNIX, sock_type)
    with sender, receiver:
        for message in messages:
            sender.sendall(message)
        receiver.setblocking(False)
        chunks = []
        while True:
            try:
                chunk = receiver.recv(65536)
            except BlockingIOError:
                break
            if not chunk:
                break
            chunks.append(chunk)
        return chunks
''',
    },
    {
        "name": "reads until end of file, which a datagram socket never sees",
        "cell": "ex2-solution",
        "fails": ["ex2-test-messages", "ex2-test-small-buffer"],
        "source": '''
def chunks_received(sock_type, messages, bufsize=65536):
    sender, receiver = socket.socketpair(socket.AF_UNIX, sock_type)
    with receiver:
        with sender:
            for message in messages:
                sender.sendall(message)
        chunks = []
        while True:
            chunk = receiver.recv(bufsize)
            if not chunk:
                break
            chunks.append(chunk)
        return chunks
''',
    },
    {
        "name": "a try-out at the top of the answer cell waits in recv() forever",
        "cell": "ex2-solution",
        "hangs": True,
        "hanging_cells": 1,
        "fails": ["ex2-test-stream", "ex2-test-messages", "ex2-test-small-buffer"],
        "source": '''
left, right = socket.socketpair(socket.AF_UNIX, socket.SOCK_DGRAM)
print(right.recv(1024))           # nothing was sent and there is no timeout: waits forever

def chunks_received(sock_type, messages, bufsize=65536):
    sender, receiver = socket.socketpair(socket.AF_UNIX, sock_type)
    with sender, receiver:
        for message in messages:
            sender.sendall(message)
        receiver.settimeout(0.1)
        chunks = []
        while True:
            try:
                chunk = receiver.recv(bufsize)
            except TimeoutError:
                break
            if not chunk:
                break
            chunks.append(chunk)
        return chunks
''',
    },
    {
        "name": "returns the message instead of the errno name",
        "cell": "ex3-solution",
        "fails": ["ex3-test-examples", "ex3-test-more-errors"],
        "source": '''
def errno_name(action):
    try:
        action()
    except OSError as exc:
        if exc.errno is None:
            raise
        return exc.strerror
    return None
''',
    },
    {
        "name": "catches every exception",
        "cell": "ex3-solution",
        "fails": ["ex3-test-other-errors"],
        "source": '''
def errno_name(action):
    try:
        action()
    except Exception as exc:
        return errno.errorcode.get(getattr(exc, "errno", None))
    return None
''',
    },
]
