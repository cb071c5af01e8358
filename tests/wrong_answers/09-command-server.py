"""Typical wrong answers for 09-command-server and the test cells each must fail (docs/authoring.md).

Most are mutations of the solution: (old, new) text replacements in its answer cell.

handle_client (exercise 2) is used by the server of exercise 3, so some of its mistakes also
cost exercise 3 tests; those are listed too.
"""

WRONG_ANSWERS = [
    # ---------------------------------------------------------------- exercise 1
    {
        "name": "command names compared case-sensitively",
        "cell": "ex1-solution",
        "fails": ["ex1-test-text"],
        "mutate": [("name = word.upper()", "name = word")],
    },
    {
        "name": "decodes with errors='replace', so bad bytes pass as text",
        "cell": "ex1-solution",
        "fails": ["ex1-test-errors"],
        "mutate": [('line.decode("utf-8")', 'line.decode("utf-8", errors="replace")')],
    },
    # ---------------------------------------------------------------- exercise 2
    {
        "name": "one recv taken as one line",
        "cell": "ex2-solution",
        "fails": ["ex2-test-pieces", "ex3-test-slow"],
        "source": r'''
def handle_client(conn, counter):
    try:
        conn.sendall((GREETING + "\n").encode())
        while True:
            data = conn.recv(4096)
            if not data:
                return
            line = data.rstrip(b"\n")
            if len(line) > MAX_LINE:
                conn.sendall(b"ERR line too long (limit 1024 bytes); closing\n")
                return
            try:
                name, text = parse_command(line)
            except CommandError as exc:
                conn.sendall(f"ERR {exc}\n".encode())
                continue
            conn.sendall(execute(name, text, counter).encode())
            if name == "QUIT":
                return
    except (ConnectionError, TimeoutError):
        return
''',
    },
    {
        "name": "no line-length limit",
        "cell": "ex2-solution",
        "fails": ["ex2-test-long"],
        "mutate": [
            (" and len(buffer) <= MAX_LINE:", ":"),
            ("if not newline or len(line) > MAX_LINE:", "if not newline:"),
        ],
    },
    {
        "name": "a vanished or silent client raises instead of ending the session",
        "cell": "ex2-solution",
        "fails": ["ex2-test-vanish", "ex3-test-vanish"],
        "mutate": [("    except (ConnectionError, TimeoutError):\n        return  # the client vanished or went quiet",
                    "    finally:\n        pass  # errors from a vanished or silent client escape")],
    },
    # ---------------------------------------------------------------- exercise 3
    {
        "name": "a new Counter for every client",
        "cell": "ex3-solution",
        "fails": ["ex3-test-basic", "ex3-test-many"],
        "mutate": [("handle_client(conn, counter)", "handle_client(conn, Counter())")],
    },
    {
        "name": "stop does not wake or join the client threads",
        "cell": "ex3-solution",
        "fails": ["ex3-test-stop"],
        "mutate": [
            ("            with lock:\n"
             "                for conn in open_conns:\n"
             "                    try:\n"
             "                        conn.shutdown(socket.SHUT_RDWR)  # wakes a handler blocked in recv\n"
             "                    except OSError:\n"
             "                        pass  # the client had already gone\n"
             "            for worker in threads:\n"
             "                worker.join()\n", ""),
        ],
    },
    {
        "name": "iterative server: one client at a time",
        "cell": "ex3-solution",
        "fails": ["ex3-test-basic", "ex3-test-many", "ex3-test-slow", "ex3-test-garbage", "ex3-test-stop"],
        "source": r'''
@contextlib.contextmanager
def command_server(host="127.0.0.1", port=0, idle_timeout=30.0):
    counter = Counter()
    stop = threading.Event()

    def accept_loop(listener):
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except TimeoutError:
                continue
            conn.settimeout(idle_timeout)
            with conn:
                handle_client(conn, counter)

    with socket.create_server((host, port)) as listener:
        listener.settimeout(0.1)
        acceptor = threading.Thread(target=accept_loop, args=(listener,))
        acceptor.start()
        try:
            yield listener.getsockname()
        finally:
            stop.set()
            acceptor.join()
''',
    },
    # ---------------------------------------------------------------- exercise 4
    {
        "name": "one recv taken as one reply",
        "cell": "ex4-solution",
        "fails": ["ex4-test-help", "ex4-test-pieces", "ex4-test-errors"],
        "source": r'''
def ask(address, commands, timeout=2.0):
    replies = []
    with socket.create_connection(address, timeout=timeout) as sock:
        sock.recv(1024)
        for command in commands:
            sock.sendall(command.encode() + b"\n")
            replies.append(sock.recv(4096).decode().rstrip("\n"))
        sock.sendall(b"QUIT\n")
        sock.recv(1024)
    return replies
''',
    },
    {
        "name": "no timeout on the connection",
        "cell": "ex4-solution",
        "fails": ["ex4-test-errors"],
        "mutate": [("create_connection(address, timeout=timeout)", "create_connection(address)")],
    },
    {
        "name": "tries the client at top level with a recv that waits forever",
        "cell": "ex4-solution",
        "hangs": True,
        "hanging_cells": 1,
        "fails": ["ex4-test-basic", "ex4-test-help", "ex4-test-pieces", "ex4-test-errors"],
        "source": r'''
listener = socket.create_server(("127.0.0.1", 0))
probe = socket.create_connection(listener.getsockname())
greeting = probe.recv(1024)  # nobody ever accepts or sends: blocks forever, no timeout

def ask(address, commands, timeout=2.0):
    replies = []
    with socket.create_connection(address, timeout=timeout) as sock, sock.makefile("rb") as reader:
        reader.readline()
        for command in commands:
            sock.sendall(command.encode() + b"\n")
            lines = [reader.readline().decode().rstrip("\n")]
            if command.upper() == "HELP":
                while (line := reader.readline().decode().rstrip("\n")) != ".":
                    lines.append(line)
            replies.append("\n".join(lines))
        sock.sendall(b"QUIT\n")
        reader.readline()
    return replies
''',
    },
]
