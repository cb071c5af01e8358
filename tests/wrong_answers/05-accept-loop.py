"""Typical wrong answers for 05-accept-loop, and the test cells each must fail (docs/authoring.md).

Most are mutations of the solution: (old, new) text replacements in its answer cell. `breaks`
names the requirement (of the exercise the cell belongs to) each one breaks.
"""

WRONG_ANSWERS = [
    # Exercise 1: handle_client
    {
        "name": "upper-cases decoded text, not bytes",
        "cell": "ex1-solution",
        "breaks": [1],
        "fails": ["ex1-test-basic"],
        "mutate": [("conn.sendall(data.upper())", "conn.sendall(data.decode().upper().encode())")],
    },
    {
        "name": "one recv instead of a loop",
        "cell": "ex1-solution",
        "breaks": [2],
        "fails": ["ex1-test-pieces", "ex1-test-large"],
        "mutate": [("    while True:", "    for _ in range(1):")],
    },
    {
        "name": "never stops at b''",
        "cell": "ex1-solution",
        "breaks": [3],
        "fails": ["ex1-test-basic", "ex1-test-pieces", "ex1-test-empty", "ex1-test-large"],
        "mutate": [("        if not data:\n            return\n", "")],
    },
    {
        "name": "collects, then one send() of the whole reply",
        "cell": "ex1-solution",
        "breaks": [4],
        "fails": ["ex1-test-large"],
        "source": '''
def handle_client(conn):
    chunks = []
    while data := conn.recv(4096):
        chunks.append(data)
    conn.send(b"".join(chunks).upper())
''',
    },
    # Exercise 2: serve_clients
    {
        "name": "returns the addresses in reverse order",
        "cell": "ex2-solution",
        "breaks": [1],
        "fails": ["ex2-test-basic"],
        "mutate": [("    return served\n", "    return served[::-1]\n")],
    },
    {
        "name": "off by one: serves n + 1 clients",
        "cell": "ex2-solution",
        "breaks": [2],
        "fails": ["ex2-test-basic", "ex2-test-count", "ex2-test-one-at-a-time", "ex2-test-closes",
                  "ex2-test-vanished"],
        "mutate": [("range(n)", "range(n + 1)")],
    },
    {
        "name": "a thread per client (and joins them)",
        "cell": "ex2-solution",
        "breaks": [3],
        "fails": ["ex2-test-one-at-a-time"],
        "source": '''
def serve_clients(listener, n, handler, timeout=2.0):
    def serve(conn):
        with conn:
            try:
                handler(conn)
            except OSError:
                pass
    listener.settimeout(timeout)
    served, workers = [], []
    try:
        for _ in range(n):
            conn, addr = listener.accept()
            served.append(addr)
            workers.append(threading.Thread(target=serve, args=(conn,)))
            workers[-1].start()
    finally:
        for worker in workers:
            worker.join()
    return served
''',
    },
    {
        "name": "closes the client socket only when the handler succeeded",
        "cell": "ex2-solution",
        "breaks": [4],
        "fails": ["ex2-test-closes", "ex2-test-vanished"],
        "source": '''
def serve_clients(listener, n, handler, timeout=2.0):
    listener.settimeout(timeout)
    served = []
    for _ in range(n):
        conn, addr = listener.accept()
        try:
            handler(conn)
            conn.close()
        except OSError:
            pass
        served.append(addr)
    return served
''',
    },
    {
        "name": "a vanished client stops the loop",
        "cell": "ex2-solution",
        "breaks": [5],
        "fails": ["ex2-test-vanished"],
        "mutate": [
            ("            try:\n"
             "                handler(conn)\n"
             "            except OSError:\n"
             "                pass            # the client went away; serve the next one\n",
             "            handler(conn)\n"),
        ],
    },
    {
        "name": "accept without a timeout",
        "cell": "ex2-solution",
        "breaks": [6],
        "fails": ["ex2-test-timeout"],
        "mutate": [("    listener.settimeout(timeout)\n", "")],
    },
    {
        "name": "a fixed 2 s accept timeout instead of `timeout`",
        "cell": "ex2-solution",
        "breaks": [6],
        "fails": ["ex2-test-timeout"],
        "mutate": [("    listener.settimeout(timeout)\n", "    listener.settimeout(2.0)\n")],
    },
    # Exercise 3: serve_concurrently
    {
        "name": "addresses in the order the handlers finished",
        "cell": "ex3-solution",
        "breaks": [1],
        "fails": ["ex3-test-basic"],
        "mutate": [
            ("    def serve(conn):\n", "    def serve(conn, addr):\n"),
            ("                pass\n", "                pass\n        served.append(addr)\n"),
            ("            served.append(addr)\n", ""),
            ("args=(conn,)", "args=(conn, addr)"),
        ],
    },
    {
        "name": "iterative instead of concurrent",
        "cell": "ex3-solution",
        "breaks": [2],
        "fails": ["ex3-test-at-once"],
        "source": '''
def serve_concurrently(listener, n, handler, timeout=2.0):
    listener.settimeout(timeout)
    served = []
    for _ in range(n):
        conn, addr = listener.accept()
        with conn:
            try:
                handler(conn)
            except OSError:
                pass
        served.append(addr)
    return served
''',
    },
    {
        "name": "threads not joined",
        "cell": "ex3-solution",
        "breaks": [3],
        "fails": ["ex3-test-joins"],
        "mutate": [("            worker.join()", "            pass")],
    },
    {
        "name": "a fixed one-second wait instead of joining",
        "cell": "ex3-solution",
        "breaks": [3],
        "fails": ["ex3-test-joins", "ex3-test-timeout"],   # also waits 1 s before raising TimeoutError
        "mutate": [("        for worker in workers:\n            worker.join()\n", "        time.sleep(1.0)\n")],
    },
    {
        "name": "errors escape the client threads",
        "cell": "ex3-solution",
        "breaks": [4],
        "fails": ["ex3-test-vanished"],
        "mutate": [
            ("            try:\n"
             "                handler(conn)\n"
             "            except OSError:\n"
             "                pass\n",
             "            handler(conn)\n"),
        ],
    },
    {
        "name": "a fixed 1 s accept timeout instead of `timeout`",
        "cell": "ex3-solution",
        "breaks": [5],
        "fails": ["ex3-test-timeout"],
        "mutate": [("    listener.settimeout(timeout)\n", "    listener.settimeout(1.0)\n")],
    },
    # Exercise 4: serve_selector
    {
        "name": "forgets the part a non-blocking send() did not take",
        "cell": "ex4-solution",
        "breaks": [1],
        "fails": ["ex4-test-basic", "ex4-test-resume"],
        "mutate": [("del state[\"out\"][:conn.send(state[\"out\"])]",
                    "conn.send(state[\"out\"])\n                        state[\"out\"].clear()")],
    },
    {
        "name": "serves one client to the end before the next",
        "cell": "ex4-solution",
        "breaks": [2],
        "fails": ["ex4-test-at-once"],
        "source": '''
def serve_selector(listener, n, limit=65536, timeout=2.0):
    listener.settimeout(timeout)
    for _ in range(n):
        conn, _ = listener.accept()
        with conn:
            conn.settimeout(timeout)
            try:
                while data := conn.recv(65536):
                    conn.sendall(data.upper())
            except OSError:
                pass
''',
    },
    {
        "name": "one client's reset ends the loop",
        "cell": "ex4-solution",
        "breaks": [3],
        "fails": ["ex4-test-reset"],
        "mutate": [("                except OSError:\n"
                    "                    state[\"eof\"], state[\"out\"] = True, bytearray()\n",
                    "                finally:\n"
                    "                    pass\n")],
    },
    {
        "name": "no backpressure: reads whatever the reply backlog",
        "cell": "ex4-solution",
        "breaks": [4],
        "fails": ["ex4-test-backpressure"],
        "mutate": [(" or len(state[\"out\"]) > limit", "")],
    },
    {
        "name": "stops reading over the limit and never reads again",
        "cell": "ex4-solution",
        "breaks": [5],
        "fails": ["ex4-test-resume"],
        "mutate": [
            ("                    sel.register(conn, selectors.EVENT_READ, data={\"out\": bytearray(), \"eof\": False})",
             "                    sel.register(conn, selectors.EVENT_READ, data={\"out\": bytearray(), \"eof\": False, \"full\": False})"),
            ("                wanted = 0 if state[\"eof\"] or len(state[\"out\"]) > limit else selectors.EVENT_READ",
             "                state[\"full\"] = state[\"full\"] or len(state[\"out\"]) > limit\n"
             "                wanted = 0 if state[\"eof\"] or state[\"full\"] else selectors.EVENT_READ"),
        ],
    },
    {
        "name": "select() without the timeout",
        "cell": "ex4-solution",
        "breaks": [6],
        "fails": ["ex4-test-timeout"],
        "mutate": [("ready = sel.select(timeout)", "ready = sel.select(timeout * 10)")],
    },
    {
        "name": "leaves client sockets open when it times out",
        "cell": "ex4-solution",
        "breaks": [6],
        "fails": ["ex4-test-timeout"],
        "mutate": [("        for key in list(sel.get_map().values()):\n"
                    "            if key.fileobj is not listener:\n"
                    "                key.fileobj.close()\n", ""),
                   ("                    conn.close()\n                    finished += 1\n",
                    "                    conn.close()\n                    finished += 1\n"
                    "                    clients_left.discard(conn)\n"),
                   ("    accepted = finished = 0\n", "    accepted = finished = 0\n    clients_left = set()\n"),
                   ("                    conn.setblocking(False)\n",
                    "                    conn.setblocking(False)\n                    clients_left.add(conn)\n"),
                   ("                raise TimeoutError(f\"no client activity for {timeout} s\")",
                    "                leaked.extend(clients_left)          # kept open, like a forgotten close\n"
                    "                raise TimeoutError(f\"no client activity for {timeout} s\")"),
                   ("    sel = selectors.DefaultSelector()\n", "    global leaked\n    leaked = []\n    sel = selectors.DefaultSelector()\n")],
    },
    {
        "name": "answer cell blocks in accept() with no timeout",
        "cell": "ex2-solution",
        "hangs": True,
        "breaks": [6],
        "fails": ["ex2-test-basic", "ex2-test-count", "ex2-test-one-at-a-time", "ex2-test-closes",
                  "ex2-test-vanished", "ex2-test-timeout"],
        "source": '''
import socket
listener = socket.create_server(("127.0.0.1", 0))
conn, addr = listener.accept()   # nobody connects: waits forever
''',
    },
]
