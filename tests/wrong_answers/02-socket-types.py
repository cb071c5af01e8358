"""Typical wrong answers to 02-socket-types, and the test cells each must fail.

Small edits are mutations of the solution: (old, new) text replacements in its answer cell. "breaks" names the
requirement (the numbered list in the exercise's text) each one breaks.
"""

WRONG_ANSWERS = [
    # Exercise 1: describe
    {
        "name": "family and type as numbers",
        "cell": "ex1-solution",
        "breaks": [1],
        "fails": ["ex1-test-explicit", "ex1-test-default-protocol", "ex1-test-unix"],
        "mutate": [("family = socket.AddressFamily(sock.family).name", "family = str(int(sock.family))"),
                   ("kind = socket.SocketKind(sock.type).name", "kind = str(int(sock.type))")],
    },
    {
        "name": "sock.proto trusted: protocol 0 stays 0",
        "cell": "ex1-solution",
        "breaks": [2],
        "fails": ["ex1-test-default-protocol"],
        "mutate": [('if proto == 0 and hasattr(socket, "SO_PROTOCOL"):', "if False:"),
                   ("elif proto == 0 and sock.family in (socket.AF_INET, socket.AF_INET6):", "elif False:")],
    },
    {
        "name": "protocol 0 taken to mean TCP or UDP in every family",
        "cell": "ex1-solution",
        "breaks": [2],
        "fails": ["ex1-test-unix"],
        "mutate": [("    if proto == 0 and hasattr(socket, \"SO_PROTOCOL\"):\n"
                    "        proto = sock.getsockopt(socket.SOL_SOCKET, socket.SO_PROTOCOL)\n"
                    "    elif proto == 0 and sock.family in (socket.AF_INET, socket.AF_INET6):\n",
                    "    if proto == 0:\n")],
    },
    {
        "name": "protocol printed as the raw number from sock.proto",
        "cell": "ex1-solution",
        "breaks": [3],
        "fails": ["ex1-test-explicit", "ex1-test-default-protocol"],
        "mutate": [('return f"{family}/{kind}/{names.get(proto, str(proto))}"', 'return f"{family}/{kind}/{sock.proto}"')],
    },
    {
        "name": "closes the caller's socket",
        "cell": "ex1-solution",
        "breaks": [4],
        "fails": ["ex1-test-left-open"],
        "mutate": [('    return f"{family}/{kind}/{names.get(proto, str(proto))}"',
                    '    sock.close()\n    return f"{family}/{kind}/{names.get(proto, str(proto))}"')],
    },
    # Exercise 2: chunks_received
    {
        "name": "no sockets: the answer is guessed from the type",
        "cell": "ex2-solution",
        "breaks": [1],
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
        "breaks": [2],
        "fails": ["ex2-test-small-buffer"],
        "mutate": [("receiver.recv(bufsize)", "receiver.recv(65536)")],
    },
    {
        "name": "reads until end of file, which a datagram socket never sees",
        "cell": "ex2-solution",
        "breaks": [3],
        "fails": ["ex2-test-messages", "ex2-test-small-buffer", "ex2-test-closes"],
        "mutate": [("        receiver.setblocking(False)\n", "        sender.close()\n")],
    },
    {
        "name": "the pair never closed",
        "cell": "ex2-solution",
        "breaks": [4],
        "fails": ["ex2-test-closes"],
        "mutate": [("    with sender, receiver:\n", "    if True:\n")],
    },
    {
        "name": "a try-out at the top of the answer cell waits in recv() forever",
        "cell": "ex2-solution",
        "breaks": [3],
        "hangs": True,
        "hanging_cells": 1,
        "fails": ["ex2-test-stream", "ex2-test-messages", "ex2-test-small-buffer", "ex2-test-closes"],
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
    # Exercise 3: errno_name
    {
        "name": "an empty string for success",
        "cell": "ex3-solution",
        "breaks": [1],
        "fails": ["ex3-test-examples"],
        "mutate": [("    return None\n", '    return ""\n')],
    },
    {
        "name": "returns the message instead of the errno name",
        "cell": "ex3-solution",
        "breaks": [2],
        "fails": ["ex3-test-examples", "ex3-test-more-errors"],
        "mutate": [("return errno.errorcode[exc.errno]", "return exc.strerror")],
    },
    {
        "name": "a timeout swallowed",
        "cell": "ex3-solution",
        "breaks": [3],
        "fails": ["ex3-test-timeout"],
        "mutate": [("        if exc.errno is None:\n            raise\n", "        if exc.errno is None:\n            return None\n")],
    },
    {
        "name": "a new OSError instead of the original",
        "cell": "ex3-solution",
        "breaks": [3],
        "fails": ["ex3-test-timeout"],
        "mutate": [("        if exc.errno is None:\n            raise\n",
                    "        if exc.errno is None:\n            raise OSError(str(exc))\n")],
    },
    {
        "name": "other exceptions wrapped in RuntimeError",
        "cell": "ex3-solution",
        "breaks": [4],
        "fails": ["ex3-test-other-errors"],
        "mutate": [("    return None\n", "    except Exception as other:\n"
                                         "        raise RuntimeError(f\"action failed: {other}\") from other\n"
                                         "    return None\n")],
    },
    {
        "name": "catches every exception",
        "cell": "ex3-solution",
        "breaks": [3, 4],
        "fails": ["ex3-test-timeout", "ex3-test-other-errors"],
        "mutate": [("    except OSError as exc:\n        if exc.errno is None:\n            raise\n",
                    "    except Exception as exc:\n"),
                   ("errno.errorcode[exc.errno]", "errno.errorcode.get(getattr(exc, \"errno\", None))")],
    },
]
