"""Correct answers for 05-accept-loop in styles unlike the solution; each must get full marks."""

RIGHT_ANSWERS = [
    # Exercise 1: handle_client
    {
        "name": "collects everything, then one sendall",
        "cell": "ex1-solution",
        "source": '''
def handle_client(conn):
    request = bytearray()
    while True:
        chunk = conn.recv(4096)
        if chunk == b"":
            break
        request += chunk
    conn.sendall(bytes(request).upper())
''',
    },
    {
        "name": "makefile: read() to end-of-file, write, flush",
        "cell": "ex1-solution",
        "source": '''
def handle_client(conn):
    with conn.makefile("rb") as reader, conn.makefile("wb") as writer:
        writer.write(reader.read().upper())
        writer.flush()
''',
    },
    {
        "name": "recv_into a buffer, sendall of a memoryview, then half-close",
        "cell": "ex1-solution",
        "source": '''
from socket import SHUT_WR

def handle_client(conn):
    buffer = bytearray(65536)
    view = memoryview(buffer)
    while (n := conn.recv_into(buffer)) > 0:
        conn.sendall(bytes(view[:n]).upper())
    conn.shutdown(SHUT_WR)
''',
    },
    # Exercise 2: serve_clients
    {
        "name": "while loop, try/finally close",
        "cell": "ex2-solution",
        "source": '''
def serve_clients(listener, n, handler, timeout=2.0):
    listener.settimeout(timeout)
    served = []
    while len(served) < n:
        conn, addr = listener.accept()
        try:
            handler(conn)
        except OSError:
            pass
        finally:
            conn.close()
        served.append(addr)
    return served
''',
    },
    {
        "name": "select() for the timeout, a helper per client",
        "cell": "ex2-solution",
        "source": '''
import select

def serve_one(conn, handler):
    with conn:
        try:
            handler(conn)
        except OSError as exc:
            return exc
    return None

def serve_clients(listener, n, handler, timeout=2.0):
    served = []
    for _ in range(n):
        readable, _, _ = select.select([listener], [], [], timeout)
        if not readable:
            raise TimeoutError(f"no client within {timeout} s")
        conn, addr = listener.accept()
        serve_one(conn, handler)
        served.append(addr)
    return served
''',
    },
    {
        "name": "socketserver.TCPServer on the given listener",
        "cell": "ex2-solution",
        "source": '''
import socketserver

def serve_clients(listener, n, handler, timeout=2.0):
    served = []

    class Handler(socketserver.BaseRequestHandler):
        def handle(self):
            served.append(self.client_address)
            handler(self.request)

    class Server(socketserver.TCPServer):
        def handle_error(self, request, client_address):
            pass                                  # an OSError ends that client only

        def handle_timeout(self):
            raise TimeoutError(f"no client within {timeout} s")

    server = Server(listener.getsockname(), Handler, bind_and_activate=False)
    server.socket.close()
    server.socket = listener
    server.timeout = timeout
    for _ in range(n):
        server.handle_request()
    return served
''',
    },
    # Exercise 3: serve_concurrently
    {
        "name": "ThreadPoolExecutor, one worker per client",
        "cell": "ex3-solution",
        "source": '''
from concurrent.futures import ThreadPoolExecutor

def serve_concurrently(listener, n, handler, timeout=2.0):
    def serve(conn):
        try:
            handler(conn)
        except OSError:
            pass
        finally:
            conn.close()

    listener.settimeout(timeout)
    served = []
    with ThreadPoolExecutor(max_workers=max(n, 1)) as pool:   # leaving the block waits for all
        for _ in range(n):
            conn, addr = listener.accept()
            served.append(addr)
            pool.submit(serve, conn)
    return served
''',
    },
    {
        "name": "socketserver.ThreadingTCPServer, server_close joins",
        "cell": "ex3-solution",
        "source": '''
import socketserver

def serve_concurrently(listener, n, handler, timeout=2.0):
    served = []

    class Handler(socketserver.BaseRequestHandler):
        def handle(self):
            handler(self.request)

    class Server(socketserver.ThreadingTCPServer):
        block_on_close = True                 # server_close() joins the client threads

        def process_request(self, request, client_address):
            served.append(client_address)      # called right after accept, in order
            super().process_request(request, client_address)

        def handle_error(self, request, client_address):
            pass

        def handle_timeout(self):
            raise TimeoutError(f"no client within {timeout} s")

    server = Server(listener.getsockname(), Handler, bind_and_activate=False)
    server.socket.close()
    server.socket = listener
    server.timeout = timeout
    try:
        for _ in range(n):
            server.handle_request()
    finally:
        server.server_close()
    return served
''',
    },
    {
        "name": "a Thread subclass per client, joined in a second loop",
        "cell": "ex3-solution",
        "source": '''
import threading

class ClientThread(threading.Thread):
    def __init__(self, conn, handler):
        super().__init__()
        self.conn, self.handler = conn, handler

    def run(self):
        with self.conn:
            try:
                self.handler(self.conn)
            except OSError:
                pass

def serve_concurrently(listener, n, handler, timeout=2.0):
    listener.settimeout(timeout)
    threads, served = [], []
    try:
        while len(served) < n:
            conn, addr = listener.accept()
            served.append(addr)
            threads.append(ClientThread(conn, handler))
            threads[-1].start()
    finally:
        for thread in threads:
            thread.join()
    return served
''',
    },
    # Exercise 4: serve_selector
    {
        "name": "asyncio streams: drain() with the write limit set to `limit`",
        "cell": "ex4-solution",
        "source": '''
import asyncio

def serve_selector(listener, n, limit=65536, timeout=2.0):
    async def main():
        finished = 0
        activity = asyncio.Event()
        writers = set()

        async def upper(reader, writer):
            nonlocal finished
            writers.add(writer)
            writer.transport.set_write_buffer_limits(high=limit)
            activity.set()
            try:
                while data := await reader.read(65536):
                    activity.set()
                    writer.write(data.upper())
                    await writer.drain()          # waits while more than `limit` is queued
                    activity.set()
            except OSError:
                pass
            finally:
                writer.close()
                try:
                    await writer.wait_closed()    # the rest of the reply goes out first
                except OSError:
                    pass
                writers.discard(writer)
                finished += 1
                activity.set()

        server = await asyncio.start_server(upper, sock=listener)
        try:
            while finished < n:
                activity.clear()
                await asyncio.wait_for(activity.wait(), timeout)
        finally:
            server.close()
            for writer in list(writers):
                writer.transport.abort()
            await asyncio.sleep(0)

    asyncio.run(main())
''',
    },
    {
        "name": "selectors with a class per connection",
        "cell": "ex4-solution",
        "source": '''
import selectors

class Connection:
    def __init__(self, sock):
        self.sock, self.out, self.eof = sock, bytearray(), False

    def on_ready(self, mask):
        """Do what the socket is ready for; True once this client is done."""
        try:
            if mask & selectors.EVENT_READ:
                data = self.sock.recv(32768)
                self.out += data.upper()
                self.eof = not data
            if mask & selectors.EVENT_WRITE and self.out:
                sent = self.sock.send(self.out)
                del self.out[:sent]
        except OSError:
            return True
        return self.eof and not self.out

    def events(self, limit):
        wanted = selectors.EVENT_WRITE if self.out else 0
        if not self.eof and len(self.out) <= limit:
            wanted |= selectors.EVENT_READ
        return wanted

def serve_selector(listener, n, limit=65536, timeout=2.0):
    with selectors.DefaultSelector() as sel:
        listener.setblocking(False)
        sel.register(listener, selectors.EVENT_READ)
        done, accepted = 0, 0
        try:
            while done < n:
                events = sel.select(timeout=timeout)
                if not events:
                    raise TimeoutError("nothing happened")
                for key, mask in events:
                    if key.fileobj is listener:
                        sock, _ = listener.accept()
                        sock.setblocking(False)
                        sel.register(sock, selectors.EVENT_READ, Connection(sock))
                        accepted += 1
                        if accepted == n:
                            sel.unregister(listener)
                    elif key.data.on_ready(mask):
                        sel.unregister(key.fileobj)
                        key.fileobj.close()
                        done += 1
                    elif key.data.events(limit) != key.events:
                        sel.modify(key.fileobj, key.data.events(limit), key.data)
        finally:
            for key in list(sel.get_map().values()):
                if key.data is not None:
                    key.fileobj.close()
''',
    },
    {
        "name": "select.select() with dicts of buffers",
        "cell": "ex4-solution",
        "source": '''
import select

def serve_selector(listener, n, limit=65536, timeout=2.0):
    listener.setblocking(False)
    pending, closed_in, clients = {}, set(), []
    done = 0
    try:
        while done < n:
            accepting = [listener] if len(clients) < n else []
            readers = [c for c in pending if c not in closed_in and len(pending[c]) <= limit]
            writers = [c for c in pending if pending[c]]
            r, w, _ = select.select(accepting + readers, writers, [], timeout)
            if not r and not w:
                raise TimeoutError("no activity")
            finished = set()
            for sock in r:
                if sock is listener:
                    conn, _ = listener.accept()
                    conn.setblocking(False)
                    clients.append(conn)
                    pending[conn] = bytearray()
                    continue
                try:
                    data = sock.recv(16384)
                except OSError:
                    finished.add(sock)
                    continue
                if data:
                    pending[sock] += data.upper()
                else:
                    closed_in.add(sock)
            for sock in w:
                if sock in finished:
                    continue
                try:
                    sent = sock.send(pending[sock])
                    del pending[sock][:sent]
                except OSError:
                    finished.add(sock)
            for sock in list(pending):
                if sock in finished or (sock in closed_in and not pending[sock]):
                    del pending[sock]
                    sock.close()
                    done += 1
    finally:
        for sock in clients:
            sock.close()
''',
    },
]
