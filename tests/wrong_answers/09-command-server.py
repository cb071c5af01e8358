"""Typical wrong answers for 09-command-server and the test cells each must fail (docs/authoring.md).

handle_client (exercise 2) is used by the server of exercise 3, so some of its mistakes also
cost exercise 3 tests; those are listed too.
"""

WRONG_ANSWERS = [
    # ---------------------------------------------------------------- exercise 1
    {
        "name": "command names compared case-sensitively",
        "cell": "ex1-solution",
        "fails": ["ex1-test-text"],
        "source": r'''
def parse_command(line: bytes) -> tuple[str, str]:
    if line.endswith(b"\r"):
        line = line[:-1]
    try:
        decoded = line.decode("utf-8")
    except UnicodeDecodeError:
        raise CommandError("not UTF-8") from None
    name, _, text = decoded.partition(" ")
    if not name:
        raise CommandError("empty line")
    if name not in COMMANDS:
        raise CommandError(f"unknown command {name!r}")
    if COMMANDS[name][0] and not text:
        raise CommandError(f"usage: {name} <text>")
    if not COMMANDS[name][0]:
        if text.strip():
            raise CommandError(f"usage: {name}")
        text = ""
    return name, text
''',
    },
    {
        "name": "decodes with errors='replace', so bad bytes pass as text",
        "cell": "ex1-solution",
        "fails": ["ex1-test-errors"],
        "source": r'''
def parse_command(line: bytes) -> tuple[str, str]:
    decoded = line.decode("utf-8", errors="replace").removesuffix("\r")
    word, _, text = decoded.partition(" ")
    if not word:
        raise CommandError("empty line")
    name = word.upper()
    if name not in COMMANDS:
        raise CommandError(f"unknown command {word!r}")
    if COMMANDS[name][0] and not text:
        raise CommandError(f"usage: {name} <text>")
    if not COMMANDS[name][0]:
        if text.strip():
            raise CommandError(f"usage: {name}")
        text = ""
    return name, text
''',
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
        "source": r'''
def handle_client(conn, counter):
    buffer = b""
    try:
        conn.sendall((GREETING + "\n").encode())
        while True:
            while b"\n" not in buffer:
                chunk = conn.recv(4096)
                if not chunk:
                    return
                buffer += chunk
            line, _, buffer = buffer.partition(b"\n")
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
        "name": "a vanished or silent client raises instead of ending the session",
        "cell": "ex2-solution",
        "fails": ["ex2-test-vanish", "ex3-test-vanish"],
        "source": r'''
def handle_client(conn, counter):
    buffer = b""
    conn.sendall((GREETING + "\n").encode())
    while True:
        while b"\n" not in buffer and len(buffer) <= MAX_LINE:
            chunk = conn.recv(4096)
            if not chunk:
                return
            buffer += chunk
        line, newline, rest = buffer.partition(b"\n")
        if not newline or len(line) > MAX_LINE:
            conn.sendall(b"ERR line too long (limit 1024 bytes); closing\n")
            return
        buffer = rest
        try:
            name, text = parse_command(line)
        except CommandError as exc:
            conn.sendall(f"ERR {exc}\n".encode())
            continue
        conn.sendall(execute(name, text, counter).encode())
        if name == "QUIT":
            return
''',
    },
    # ---------------------------------------------------------------- exercise 3
    {
        "name": "a new Counter for every client",
        "cell": "ex3-solution",
        "fails": ["ex3-test-basic", "ex3-test-many"],
        "source": r'''
@contextlib.contextmanager
def command_server(host="127.0.0.1", port=0, idle_timeout=30.0):
    stop = threading.Event()
    conns, threads = [], []

    def serve_one(conn):
        with conn:
            handle_client(conn, Counter())

    def accept_loop(listener):
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except TimeoutError:
                continue
            conn.settimeout(idle_timeout)
            conns.append(conn)
            t = threading.Thread(target=serve_one, args=(conn,))
            threads.append(t)
            t.start()

    with socket.create_server((host, port)) as listener:
        listener.settimeout(0.1)
        acceptor = threading.Thread(target=accept_loop, args=(listener,))
        acceptor.start()
        try:
            yield listener.getsockname()
        finally:
            stop.set()
            acceptor.join()
            for conn in conns:
                try:
                    conn.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
            for t in threads:
                t.join()
''',
    },
    {
        "name": "stop does not wake or join the client threads",
        "cell": "ex3-solution",
        "fails": ["ex3-test-stop"],
        "source": r'''
@contextlib.contextmanager
def command_server(host="127.0.0.1", port=0, idle_timeout=30.0):
    counter = Counter()
    stop = threading.Event()

    def serve_one(conn):
        with conn:
            handle_client(conn, counter)

    def accept_loop(listener):
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except TimeoutError:
                continue
            conn.settimeout(idle_timeout)
            threading.Thread(target=serve_one, args=(conn,), daemon=True).start()

    with socket.create_server((host, port)) as listener:
        listener.settimeout(0.1)
        acceptor = threading.Thread(target=accept_loop, args=(listener,), daemon=True)
        acceptor.start()
        try:
            yield listener.getsockname()
        finally:
            stop.set()
            acceptor.join()
''',
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
        "source": r'''
def ask(address, commands, timeout=2.0):
    def read_line(reader):
        raw = reader.readline()
        if not raw.endswith(b"\n"):
            raise ConnectionError("closed mid-reply")
        return raw[:-1].decode()

    replies = []
    with socket.create_connection(address) as sock, sock.makefile("rb") as reader:
        read_line(reader)
        for command in commands:
            sock.sendall(command.encode() + b"\n")
            lines = [read_line(reader)]
            if command.upper() == "HELP":
                while (line := read_line(reader)) != ".":
                    lines.append(line)
            replies.append("\n".join(lines))
        sock.sendall(b"QUIT\n")
        read_line(reader)
    return replies
''',
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
