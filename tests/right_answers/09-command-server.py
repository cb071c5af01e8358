"""Correct answers for 09-command-server in styles unlike the solution; each must get full marks."""

RIGHT_ANSWERS = [
    # ---------------------------------------------------------------- exercise 1: parse_command
    {"name": "split with maxsplit and str(bytes, 'utf-8')", "cell": "ex1-solution", "source": r'''
def parse_command(line):
    if line[-1:] == b"\r":
        line = line[:-1]
    try:
        text_line = str(line, "utf-8")
    except UnicodeDecodeError as exc:
        raise CommandError("not UTF-8") from exc
    if text_line == "":
        raise CommandError("empty line")
    word, text = text_line.split(" ", 1) if " " in text_line else (text_line, "")
    name = word.upper()
    if name not in COMMANDS:
        raise CommandError("unknown command " + repr(word))
    if COMMANDS[name][0]:
        if text == "":
            raise CommandError(f"usage: {name} <text>")
        return name, text
    if text.replace(" ", ""):
        raise CommandError(f"usage: {name}")
    return name, ""
'''},
    {"name": "a regular expression on bytes", "cell": "ex1-solution", "source": r'''
import re

_LINE = re.compile(rb"(?P<word>[^ ]*)(?: (?P<text>.*))?", re.DOTALL)

def parse_command(line):
    line = line.removesuffix(b"\r")
    try:
        line.decode("utf-8")
    except UnicodeDecodeError:
        raise CommandError("not UTF-8")
    match = _LINE.fullmatch(line)
    word = match["word"].decode("utf-8")
    text = (match["text"] or b"").decode("utf-8")
    if not line:
        raise CommandError("empty line")
    if word.upper() not in COMMANDS:
        raise CommandError(f"unknown command '{word}'" if "'" not in word else f"unknown command {word!r}")
    name = word.upper()
    takes_text, _ = COMMANDS[name]
    if takes_text and not text:
        raise CommandError("usage: %s <text>" % name)
    if not takes_text and text.strip(" "):
        raise CommandError("usage: %s" % name)
    return (name, text) if takes_text else (name, "")
'''},
    {"name": "find the space by hand, codecs decoder", "cell": "ex1-solution", "source": r'''
import codecs

def parse_command(line: bytes):
    if line and line[-1] == 13:
        line = line[:len(line) - 1]
    try:
        decoded = codecs.decode(line, "utf-8", "strict")
    except ValueError:
        raise CommandError("not UTF-8") from None
    space = decoded.find(" ")
    word = decoded if space < 0 else decoded[:space]
    rest = "" if space < 0 else decoded[space + 1:]
    if len(decoded) == 0:
        raise CommandError("empty line")
    match COMMANDS.get(word.upper()):
        case None:
            raise CommandError(f"unknown command {word!r}")
        case (True, _) if rest == "":
            raise CommandError(f"usage: {word.upper()} <text>")
        case (False, _) if rest.strip(" ") != "":
            raise CommandError(f"usage: {word.upper()}")
        case (takes_text, _):
            return word.upper(), rest if takes_text else ""
'''},
    # ---------------------------------------------------------------- exercise 2: handle_client
    {"name": "makefile readline with a size limit, drain with select", "cell": "ex2-solution", "source": r'''
import select

def handle_client(conn, counter):
    try:
        with conn.makefile("rb") as reader:
            conn.sendall(GREETING.encode() + b"\n")
            while True:
                raw = reader.readline(MAX_LINE + 1)
                if not raw:
                    return
                if not raw.endswith(b"\n"):
                    if len(raw) <= MAX_LINE:
                        return  # the stream ended mid-line
                    conn.sendall(b"ERR line too long (limit %d bytes); closing\n" % MAX_LINE)
                    conn.shutdown(socket.SHUT_WR)
                    end = time.monotonic() + DRAIN_SECONDS
                    while time.monotonic() < end:
                        readable, _, _ = select.select([conn], [], [], end - time.monotonic())
                        if not readable or not conn.recv(65536):
                            break
                    return
                try:
                    name, text = parse_command(raw[:-1])
                except CommandError as problem:
                    conn.sendall(b"ERR " + str(problem).encode() + b"\n")
                    continue
                conn.sendall(execute(name, text, counter).encode())
                if name == "QUIT":
                    return
    except (ConnectionError, TimeoutError):
        pass
'''},
    {"name": "bytearray buffer, recv(100), helper functions", "cell": "ex2-solution", "source": r'''
def _refuse_and_linger(conn):
    conn.sendall(f"ERR line too long (limit {MAX_LINE} bytes); closing\n".encode())
    conn.shutdown(socket.SHUT_WR)
    give_up = time.monotonic() + DRAIN_SECONDS
    while True:
        left = give_up - time.monotonic()
        if left <= 0:
            return
        conn.settimeout(left)
        if conn.recv(100) == b"":
            return

def _answer(line, counter):
    try:
        name, text = parse_command(bytes(line))
    except CommandError as exc:
        return None, f"ERR {exc}\n"
    return name, execute(name, text, counter)

def handle_client(conn, counter):
    pending = bytearray()
    try:
        conn.sendall(f"{GREETING}\n".encode())
        while True:
            end = pending.find(b"\n")
            if end < 0:
                if len(pending) > MAX_LINE:
                    _refuse_and_linger(conn)
                    return
                data = conn.recv(100)
                if not data:
                    return
                pending += data
                continue
            if end > MAX_LINE:
                _refuse_and_linger(conn)
                return
            line = pending[:end]
            del pending[:end + 1]
            name, reply = _answer(line, counter)
            conn.sendall(reply.encode())
            if name == "QUIT":
                return
    except (TimeoutError, ConnectionResetError, BrokenPipeError, ConnectionAbortedError):
        return
'''},
    {"name": "a generator of lines and an exception for the limit", "cell": "ex2-solution", "source": r'''
from socket import SHUT_WR

class _TooLong(Exception):
    pass

def _lines(conn):
    buffer = b""
    while True:
        if b"\n" in buffer:
            line, buffer = buffer.split(b"\n", 1)
            if len(line) > MAX_LINE:
                raise _TooLong
            yield line
            continue
        if len(buffer) > MAX_LINE:
            raise _TooLong
        chunk = conn.recv(8192)
        if not chunk:
            return
        buffer += chunk

def handle_client(conn, counter):
    try:
        conn.sendall((GREETING + "\n").encode("utf-8"))
        try:
            for line in _lines(conn):
                try:
                    name, text = parse_command(line)
                    conn.sendall(execute(name, text, counter).encode("utf-8"))
                except CommandError as exc:
                    conn.sendall(("ERR %s\n" % exc).encode("utf-8"))
                    continue
                if name == "QUIT":
                    break
        except _TooLong:
            conn.sendall(("ERR line too long (limit %d bytes); closing\n" % MAX_LINE).encode())
            conn.shutdown(SHUT_WR)
            stop_at = time.monotonic() + DRAIN_SECONDS
            while time.monotonic() < stop_at:
                conn.settimeout(max(0.01, stop_at - time.monotonic()))
                if not conn.recv(4096):
                    break
    except (OSError, TimeoutError):
        pass
'''},
    # ---------------------------------------------------------------- exercise 3: command_server
    {"name": "socketserver.ThreadingTCPServer", "cell": "ex3-solution", "source": r'''
import socketserver

@contextlib.contextmanager
def command_server(host="127.0.0.1", port=0, idle_timeout=30.0):
    counter = Counter()
    live = set()
    guard = threading.Lock()

    class Handler(socketserver.BaseRequestHandler):
        def setup(self):
            self.request.settimeout(idle_timeout)
            with guard:
                live.add(self.request)

        def handle(self):
            handle_client(self.request, counter)

        def finish(self):
            with guard:
                live.discard(self.request)

    class Server(socketserver.ThreadingTCPServer):
        daemon_threads = False
        block_on_close = True
        request_queue_size = 64
        address_family = socket.AF_INET6 if ":" in host else socket.AF_INET

    server = Server((host, port), Handler)
    loop = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    loop.start()
    try:
        yield server.server_address[:2]
    finally:
        server.shutdown()  # serve_forever returns: no more accepts
        loop.join()
        with guard:
            for sock in live:
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
        server.server_close()  # closes the listener and joins the handler threads
'''},
    {"name": "a thread pool, and select on a wake-up socketpair", "cell": "ex3-solution", "source": r'''
import selectors

@contextlib.contextmanager
def command_server(host="127.0.0.1", port=0, idle_timeout=30.0):
    counter = Counter()
    wake_r, wake_w = socket.socketpair()
    conns, conns_lock = [], threading.Lock()
    listener = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM)
    listener.bind((host, port))
    listener.listen(64)

    def serve(conn):
        try:
            handle_client(conn, counter)
        finally:
            with conns_lock:
                conns.remove(conn)
            conn.close()

    def accept_loop(pool):
        with selectors.DefaultSelector() as sel:
            sel.register(listener, selectors.EVENT_READ)
            sel.register(wake_r, selectors.EVENT_READ)
            while True:
                ready = [key.fileobj for key, _ in sel.select()]
                if wake_r in ready:
                    return
                conn, _ = listener.accept()
                conn.settimeout(idle_timeout)
                with conns_lock:
                    conns.append(conn)
                pool.submit(serve, conn)

    pool = ThreadPoolExecutor(max_workers=64)
    acceptor = threading.Thread(target=accept_loop, args=(pool,))
    acceptor.start()
    try:
        yield (host, listener.getsockname()[1])
    finally:
        wake_w.send(b"!")
        acceptor.join()
        listener.close()
        with conns_lock:
            for conn in conns:
                try:
                    conn.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
        pool.shutdown(wait=True)
        wake_r.close()
        wake_w.close()
'''},
    {"name": "plain threads, try/finally instead of with, a list of workers", "cell": "ex3-solution", "source": r'''
from socket import socket as Socket, AF_INET, SOCK_STREAM, SHUT_RDWR, SOL_SOCKET, SO_REUSEADDR

@contextlib.contextmanager
def command_server(host="127.0.0.1", port=0, idle_timeout=30.0):
    shared = Counter()
    stopping = threading.Event()
    workers, open_socks = [], {}
    mutex = threading.Lock()
    listener = Socket(AF_INET, SOCK_STREAM)
    try:
        listener.setsockopt(SOL_SOCKET, SO_REUSEADDR, 1)
        listener.bind((host, port))
        listener.listen()
        listener.settimeout(0.05)

        def one_client(conn, key):
            try:
                handle_client(conn, shared)
            finally:
                with mutex:
                    open_socks.pop(key, None)
                conn.close()

        def accepting():
            key = 0
            while not stopping.is_set():
                try:
                    conn, _ = listener.accept()
                except OSError:
                    continue
                conn.settimeout(idle_timeout)
                key += 1
                with mutex:
                    open_socks[key] = conn
                worker = threading.Thread(target=one_client, args=(conn, key))
                workers.append(worker)
                worker.start()

        acceptor = threading.Thread(target=accepting)
        acceptor.start()
        try:
            yield tuple(listener.getsockname()[:2])
        finally:
            stopping.set()
            acceptor.join()
            with mutex:
                for conn in list(open_socks.values()):
                    try:
                        conn.shutdown(SHUT_RDWR)
                    except OSError:
                        pass
            for worker in workers:
                worker.join()
    finally:
        listener.close()
'''},
    # ---------------------------------------------------------------- exercise 4: ask
    {"name": "socket()+settimeout+connect, a recv loop, try/finally", "cell": "ex4-solution", "source": r'''
def ask(address, commands, timeout=2.0):
    sock = socket.socket(socket.AF_INET6 if ":" in address[0] else socket.AF_INET, socket.SOCK_STREAM)
    buffer = b""

    def next_line():
        nonlocal buffer
        while b"\n" not in buffer:
            chunk = sock.recv(512)
            if not chunk:
                raise ConnectionError("the server closed the connection before the line ended")
            buffer += chunk
        line, _, buffer = buffer.partition(b"\n")
        return line.decode("utf-8")

    try:
        sock.settimeout(timeout)
        sock.connect(address)
        next_line()
        replies = []
        for command in commands:
            sock.sendall(f"{command}\n".encode())
            reply = [next_line()]
            if command.partition(" ")[0].upper() == "HELP" and reply[0][:2] == "OK":
                while True:
                    line = next_line()
                    if line == ".":
                        break
                    reply.append(line)
            replies.append("\n".join(reply))
        sock.sendall(b"QUIT\n")
        next_line()
        return replies
    finally:
        sock.close()
'''},
    {"name": "text-mode makefile, from socket import", "cell": "ex4-solution", "source": r'''
from socket import create_connection

def ask(address, commands, timeout=2.0):
    out = []
    with create_connection(address, timeout) as conn:
        with conn.makefile("r", encoding="utf-8", newline="\n") as stream:
            def line():
                text = stream.readline()
                if not text.endswith("\n"):
                    raise ConnectionError(f"reply cut off: {text!r}")
                return text[:-1]

            line()
            for command in commands:
                conn.sendall((command + "\n").encode("utf-8"))
                first = line()
                if command.split(" ")[0].upper() == "HELP" and first.startswith("OK"):
                    rest = []
                    while (more := line()) != ".":
                        rest.append(more)
                    first = "\n".join([first] + rest)
                out.append(first)
            conn.sendall(b"QUIT\n")
            line()
    return out
'''},
    {"name": "half-close after QUIT, one bytearray for all replies", "cell": "ex4-solution", "source": r'''
def _read_line(sock, pending):
    while True:
        cut = pending.find(b"\n")
        if cut >= 0:
            line = bytes(pending[:cut])
            del pending[:cut + 1]
            return line.decode()
        data = sock.recv(4096)
        if data == b"":
            raise ConnectionError("connection closed mid-line")
        pending.extend(data)

def ask(address, commands, timeout=2.0):
    pending = bytearray()
    with socket.create_connection(address, timeout=timeout) as sock:
        _read_line(sock, pending)
        replies = []
        for command in commands:
            sock.sendall(command.encode() + b"\n")
            lines = [_read_line(sock, pending)]
            if command.split(" ", 1)[0].upper() == "HELP" and lines[0].startswith("OK"):
                while lines[-1] != ".":
                    lines.append(_read_line(sock, pending))
                lines.pop()
            replies.append("\n".join(lines))
        sock.sendall(b"QUIT\n")
        sock.shutdown(socket.SHUT_WR)  # nothing more to send
        _read_line(sock, pending)
    return replies
'''},
]
