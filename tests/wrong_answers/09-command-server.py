"""Typical wrong answers for 09-command-server, each breaking one numbered requirement (docs/authoring.md).

Most are mutations of the solution: (old, new) text replacements in its answer cell. When graded,
the tests of exercises 2 and 3 use reference versions of parse_command and handle_client
(built_on in the notebook), so a mistake in one exercise costs that exercise's test cells only.
"""

WRONG_ANSWERS = [
    # ---------------------------------------------------------------- exercise 1: parse_command
    {"name": "strips every trailing \\r, not one", "cell": "ex1-solution", "breaks": [1],
     "fails": ["ex1-test-cr"],
     "mutate": [('    if line.endswith(b"\\r"):\n        line = line[:-1]\n', '    line = line.rstrip(b"\\r")\n')]},
    {"name": "decodes with errors='replace', so bad bytes pass as text", "cell": "ex1-solution", "breaks": [2],
     "fails": ["ex1-test-utf8"],
     "mutate": [('line.decode("utf-8")', 'line.decode("utf-8", errors="replace")')]},
    {"name": "lets UnicodeDecodeError escape instead of CommandError", "cell": "ex1-solution", "breaks": [2],
     "fails": ["ex1-test-utf8"],
     "mutate": [("    except UnicodeDecodeError:\n        raise CommandError(\"not UTF-8\") from None\n",
                 "    except LookupError:\n        raise CommandError(\"not UTF-8\") from None\n")]},
    {"name": "command names compared case-sensitively", "cell": "ex1-solution", "breaks": [3],
     "fails": ["ex1-test-case"],
     "mutate": [("name = word.upper()", "name = word")]},
    {"name": "text stripped of its spaces", "cell": "ex1-solution", "breaks": [4],
     "fails": ["ex1-test-text"],
     "mutate": [('word, space, text = decoded.partition(" ")', 'word, space, text = decoded.partition(" ")\n    text = text.strip(" ")')]},
    {"name": "unknown command message without the quotes", "cell": "ex1-solution", "breaks": [5],
     "fails": ["ex1-test-errors"],
     "mutate": [('f"unknown command {word!r}"', 'f"unknown command {word}"')]},
    {"name": "ECHO with an empty text accepted", "cell": "ex1-solution", "breaks": [5],
     "fails": ["ex1-test-errors"],
     "mutate": [("if takes_text and not text:", "if takes_text and not space:")]},
    {"name": "spaces after a command without text are returned as its text", "cell": "ex1-solution", "breaks": [6],
     "fails": ["ex1-test-basic"],
     "mutate": [('            raise CommandError(f"usage: {name}")\n        text = ""\n',
                 '            raise CommandError(f"usage: {name}")\n')]},
    # ---------------------------------------------------------------- exercise 2: handle_client
    {"name": "a greeting other than GREETING", "cell": "ex2-solution", "breaks": [1],
     "fails": ["ex2-test-session"],
     "mutate": [('conn.sendall((GREETING + "\\n").encode())', 'conn.sendall(b"HELLO\\n")')]},
    {"name": "an error reply ends the session", "cell": "ex2-solution", "breaks": [2],
     "fails": ["ex2-test-errors"],
     "mutate": [('                conn.sendall(f"ERR {exc}\\n".encode())\n                continue',
                 '                conn.sendall(f"ERR {exc}\\n".encode())\n                return')]},
    {"name": "a new Counter for every command", "cell": "ex2-solution", "breaks": [2],
     "fails": ["ex2-test-errors"],
     "mutate": [("execute(name, text, counter)", "execute(name, text, Counter())")]},
    {"name": "the rest of a recv after the first line is thrown away", "cell": "ex2-solution", "breaks": [3],
     "fails": ["ex2-test-pieces"],
     "mutate": [("            buffer = rest\n", "            buffer = b\"\"\n")]},
    {"name": "no line-length limit", "cell": "ex2-solution", "breaks": [4],
     "fails": ["ex2-test-long", "ex2-test-polite"],
     "mutate": [(" and len(buffer) <= MAX_LINE:", ":"),
                ("if not newline or len(line) > MAX_LINE:", "if not newline:")]},
    {"name": "the limit counts the \\n", "cell": "ex2-solution", "breaks": [4],
     "fails": ["ex2-test-long"],
     "mutate": [("len(line) > MAX_LINE", "len(line) + 1 > MAX_LINE")]},
    {"name": "closes at once after line too long (no half-close, no drain)", "cell": "ex2-solution", "breaks": [5],
     "fails": ["ex2-test-polite"],
     "mutate": [("                conn.shutdown(socket.SHUT_WR)  # our FIN follows the reply: the client reads ERR, then b\"\"\n"
                 "                deadline = time.monotonic() + DRAIN_SECONDS\n", "                deadline = time.monotonic()\n")]},
    {"name": "drains but never half-closes", "cell": "ex2-solution", "breaks": [5],
     "fails": ["ex2-test-polite"],
     "mutate": [("                conn.shutdown(socket.SHUT_WR)  # our FIN follows the reply: the client reads ERR, then b\"\"\n", "")]},
    {"name": "half-closes but drains without a time limit", "cell": "ex2-solution", "breaks": [5],
     "fails": ["ex2-test-polite"],
     "mutate": [("                while (left := deadline - time.monotonic()) > 0:\n                    conn.settimeout(left)\n",
                 "                while True:\n")]},
    {"name": "goes on reading after QUIT", "cell": "ex2-solution", "breaks": [6],
     "fails": ["ex2-test-session"],
     "mutate": [('            if name == "QUIT":\n                return\n', "")]},
    {"name": "a vanished or silent client raises instead of ending the session", "cell": "ex2-solution", "breaks": [7],
     "fails": ["ex2-test-polite", "ex2-test-vanish"],
     "mutate": [("    except (ConnectionError, TimeoutError):\n        return  # the client vanished or went quiet",
                 "    finally:\n        pass  # errors from a vanished or silent client escape")]},
    # ---------------------------------------------------------------- exercise 3: command_server
    {"name": "listens on every interface", "cell": "ex3-solution", "breaks": [1],
     "fails": ["ex3-test-basic"],
     "mutate": [("socket.create_server((host, port), family=family)", "socket.create_server((\"\", port), family=family)"),
                ("yield listener.getsockname()[:2]", "yield (host, listener.getsockname()[1])")]},
    {"name": "iterative server: one client at a time", "cell": "ex3-solution", "breaks": [2],
     "fails": ["ex3-test-basic", "ex3-test-many", "ex3-test-slow", "ex3-test-garbage", "ex3-test-stop"],
     "mutate": [("            worker = threading.Thread(target=serve_one, args=(conn,))\n"
                 "            threads[:] = [t for t in threads if t.is_alive()] + [worker]\n"
                 "            worker.start()\n", "            serve_one(conn)\n")]},
    {"name": "a new Counter for every client", "cell": "ex3-solution", "breaks": [3],
     "fails": ["ex3-test-basic", "ex3-test-many"],
     "mutate": [("handle_client(conn, counter)", "handle_client(conn, Counter())")]},
    {"name": "no idle timeout on accepted sockets", "cell": "ex3-solution", "breaks": [4],
     "fails": ["ex3-test-idle"],
     "mutate": [("            conn.settimeout(idle_timeout)\n", "            conn.settimeout(None)\n")]},
    {"name": "connections closed only when the server stops", "cell": "ex3-solution", "breaks": [5],
     "fails": ["ex3-test-idle", "ex3-test-close"],
     "mutate": [("            with lock:\n                open_conns.discard(conn)\n            conn.close()\n", "            pass\n"),
                ("            for worker in threads:\n                worker.join()\n",
                 "            for worker in threads:\n                worker.join()\n            for conn in open_conns:\n                conn.close()\n")]},
    {"name": "stop does not wake or join the client threads", "cell": "ex3-solution", "breaks": [6],
     "fails": ["ex3-test-stop"],
     "mutate": [("            with lock:\n"
                 "                for conn in open_conns:\n"
                 "                    try:\n"
                 "                        conn.shutdown(socket.SHUT_RDWR)  # wakes a handler blocked in recv\n"
                 "                    except OSError:\n"
                 "                        pass  # the client had already gone\n"
                 "            for worker in threads:\n"
                 "                worker.join()\n", "")]},
    # ---------------------------------------------------------------- exercise 4: ask
    {"name": "no timeout on the connection", "cell": "ex4-solution", "breaks": [1],
     "fails": ["ex4-test-quiet"],
     "mutate": [("create_connection(address, timeout=timeout)", "create_connection(address)")]},
    {"name": "the greeting is not read", "cell": "ex4-solution", "breaks": [2],
     "fails": ["ex4-test-basic", "ex4-test-help", "ex4-test-pieces"],
     "mutate": [("        read_line(reader)  # the greeting\n", "")]},
    {"name": "one recv taken as one reply", "cell": "ex4-solution", "breaks": [3],
     "fails": ["ex4-test-basic", "ex4-test-help", "ex4-test-pieces", "ex4-test-closed"],
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
'''},
    {"name": "HELP recognised in capitals only", "cell": "ex4-solution", "breaks": [4],
     "fails": ["ex4-test-help"],
     "mutate": [('command.split(" ")[0].upper() == "HELP"', 'command.split(" ")[0] == "HELP"')]},
    {"name": "no QUIT at the end", "cell": "ex4-solution", "breaks": [5],
     "fails": ["ex4-test-basic"],
     "mutate": [('        sock.sendall(b"QUIT\\n")\n        read_line(reader)\n', "")]},
    {"name": "a reply cut off by the end of the stream is returned as it is", "cell": "ex4-solution", "breaks": [6],
     "fails": ["ex4-test-closed"],
     "mutate": [('        if not raw.endswith(b"\\n"):\n            raise ConnectionError(f"the server closed the connection mid-reply (got {raw!r})")\n        return raw[:-1].decode()',
                 '        return raw.decode().removesuffix("\\n")')]},
    {"name": "tries the client at top level with a recv that waits forever", "cell": "ex4-solution", "breaks": [1],
     "hangs": True, "hanging_cells": 1,
     "fails": ["ex4-test-basic", "ex4-test-help", "ex4-test-pieces", "ex4-test-closed", "ex4-test-quiet"],
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
'''},
]
