"""Typical wrong answers for 05-accept-loop, and the test cells each must fail (docs/authoring.md)."""

WRONG_ANSWERS = [
    {
        "name": "one recv instead of a loop",
        "cell": "ex1-solution",
        "fails": ["ex1-test-pieces", "ex1-test-large"],
        "source": '''
def handle_client(conn):
    data = conn.recv(1024)
    conn.sendall(data.upper())
''',
    },
    {
        "name": "never stops at b''",
        "cell": "ex1-solution",
        "fails": ["ex1-test-basic", "ex1-test-pieces", "ex1-test-empty", "ex1-test-large"],
        "source": '''
def handle_client(conn):
    while True:
        data = conn.recv(1024)
        conn.sendall(data.upper())
''',
    },
    {
        "name": "off by one: serves n + 1 clients",
        "cell": "ex2-solution",
        "fails": ["ex2-test-basic", "ex2-test-count", "ex2-test-vanished"],
        "source": '''
def serve_clients(listener, n, handler, timeout=2.0):
    listener.settimeout(timeout)
    served = []
    for _ in range(n + 1):
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
        "name": "accept without a timeout",
        "cell": "ex2-solution",
        "fails": ["ex2-test-timeout"],
        "source": '''
def serve_clients(listener, n, handler, timeout=2.0):
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
        "name": "a vanished client stops the loop",
        "cell": "ex2-solution",
        "fails": ["ex2-test-vanished"],
        "source": '''
def serve_clients(listener, n, handler, timeout=2.0):
    listener.settimeout(timeout)
    served = []
    for _ in range(n):
        conn, addr = listener.accept()
        with conn:
            handler(conn)
        served.append(addr)
    return served
''',
    },
    {
        "name": "never closes the client sockets",
        "cell": "ex2-solution",
        "fails": ["ex2-test-basic", "ex2-test-count", "ex2-test-vanished"],
        "source": '''
def serve_clients(listener, n, handler, timeout=2.0):
    listener.settimeout(timeout)
    served = []
    for _ in range(n):
        conn, addr = listener.accept()
        try:
            handler(conn)
        except OSError:
            pass
        served.append(addr)
    return served
''',
    },
    {
        "name": "iterative instead of concurrent",
        "cell": "ex3-solution",
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
        "fails": ["ex3-test-joins"],
        "source": '''
def serve_concurrently(listener, n, handler, timeout=2.0):
    def serve(conn):
        with conn:
            try:
                handler(conn)
            except OSError:
                pass
    listener.settimeout(timeout)
    served = []
    for _ in range(n):
        conn, addr = listener.accept()
        served.append(addr)
        threading.Thread(target=serve, args=(conn,)).start()
    return served
''',
    },
    {
        "name": "errors escape the client threads",
        "cell": "ex3-solution",
        "fails": ["ex3-test-vanished"],
        "source": '''
def serve_concurrently(listener, n, handler, timeout=2.0):
    def serve(conn):
        with conn:
            handler(conn)
    listener.settimeout(timeout)
    served, workers = [], []
    for _ in range(n):
        conn, addr = listener.accept()
        served.append(addr)
        worker = threading.Thread(target=serve, args=(conn,))
        worker.start()
        workers.append(worker)
    for worker in workers:
        worker.join()
    return served
''',
    },
    {
        "name": "answer cell blocks in accept() with no timeout",
        "cell": "ex2-solution",
        "hangs": True,
        "fails": ["ex2-test-basic", "ex2-test-count", "ex2-test-timeout", "ex2-test-vanished"],
        "source": '''
import socket
listener = socket.create_server(("127.0.0.1", 0))
conn, addr = listener.accept()   # nobody connects: waits forever
''',
    },
]
