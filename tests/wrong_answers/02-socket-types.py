"""Typical wrong answers to 02-socket-types, and the test cells each must fail.

Small edits are mutations of the solution: (old, new) text replacements in its answer cell.
"""

WRONG_ANSWERS = [
    {
        "name": "protocol printed as the raw number from sock.proto",
        "cell": "ex1-solution",
        "fails": ["ex1-test-explicit", "ex1-test-default-protocol"],
        "mutate": [('return f"{family}/{kind}/{names.get(proto, str(proto))}"', 'return f"{family}/{kind}/{sock.proto}"')],
    },
    {
        "name": "protocol 0 taken to mean TCP or UDP in every family",
        "cell": "ex1-solution",
        "fails": ["ex1-test-unix"],
        "mutate": [("    if proto == 0 and hasattr(socket, \"SO_PROTOCOL\"):\n"
                    "        proto = sock.getsockopt(socket.SOL_SOCKET, socket.SO_PROTOCOL)\n"
                    "    elif proto == 0 and sock.family in (socket.AF_INET, socket.AF_INET6):\n",
                    "    if proto == 0:\n")],
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
        "mutate": [("receiver.recv(bufsize)", "receiver.recv(65536)")],
    },
    {
        "name": "reads until end of file, which a datagram socket never sees",
        "cell": "ex2-solution",
        "fails": ["ex2-test-messages", "ex2-test-small-buffer"],
        "mutate": [("        receiver.setblocking(False)\n", "        sender.close()\n")],
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
        "mutate": [("return errno.errorcode[exc.errno]", "return exc.strerror")],
    },
    {
        "name": "catches every exception",
        "cell": "ex3-solution",
        "fails": ["ex3-test-other-errors"],
        "mutate": [("    except OSError as exc:\n        if exc.errno is None:\n            raise\n",
                    "    except Exception as exc:\n"),
                   ("errno.errorcode[exc.errno]", "errno.errorcode.get(getattr(exc, \"errno\", None))")],
    },
]
