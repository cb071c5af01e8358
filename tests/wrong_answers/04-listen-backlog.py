"""Typical wrong answers for 04-listen-backlog, and the test cells each must lose (tests/test_autograde.py)."""

WRONG_ANSWERS = [
    {
        "name": "expects a full queue to refuse: catches only ConnectionRefusedError",
        "cell": "ex1-solution",
        "fails": ["ex1-test-full-queue", "ex1-test-timeout"],
        "source": '''
def connect_outcome(address, timeout=0.2):
    with socket.socket() as client:
        client.settimeout(timeout)
        try:
            client.connect(address)
        except ConnectionRefusedError:
            return "refused"
        return "connected"
''',
    },
    {
        "name": "no timeout on connect",
        "cell": "ex1-solution",
        "fails": ["ex1-test-full-queue", "ex1-test-timeout"],
        "source": '''
def connect_outcome(address, timeout=0.2):
    with socket.socket() as client:
        try:
            client.connect(address)
        except ConnectionRefusedError:
            return "refused"
        except TimeoutError:
            return "timed out"
        return "connected"
''',
    },
    {
        "name": "calls every error 'refused'",
        "cell": "ex1-solution",
        "fails": ["ex1-test-full-queue", "ex1-test-timeout"],
        "source": '''
def connect_outcome(address, timeout=0.2):
    with socket.socket() as client:
        client.settimeout(timeout)
        try:
            client.connect(address)
        except OSError:
            return "refused"
        return "connected"
''',
    },
    {
        "name": "ignores the timeout argument",
        "cell": "ex1-solution",
        "fails": ["ex1-test-timeout"],
        "source": '''
def connect_outcome(address, timeout=0.2):
    try:
        with socket.create_connection(address, timeout=0.2):
            return "connected"
    except ConnectionRefusedError:
        return "refused"
    except TimeoutError:
        return "timed out"
''',
    },
    {
        "name": "accepts the connections it counts",
        "cell": "ex2-solution",
        "fails": ["ex2-test-basic", "ex2-test-small", "ex2-test-timeout"],
        "source": '''
def count_completed(backlog, attempts, timeout=0.2):
    completed = 0
    with socket.socket() as listener:
        listener.settimeout(timeout)
        listener.bind(("127.0.0.1", 0))
        listener.listen(backlog)
        for _ in range(attempts):
            with socket.socket() as client:
                client.settimeout(timeout)
                try:
                    client.connect(listener.getsockname())
                    conn, _ = listener.accept()
                    conn.close()
                    completed += 1
                except TimeoutError:
                    pass
    return completed
''',
    },
    {
        "name": "ignores the timeout argument (1 s per attempt)",
        "cell": "ex2-solution",
        "fails": ["ex2-test-timeout"],
        "source": '''
def count_completed(backlog, attempts, timeout=0.2):
    completed = 0
    clients = []
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(backlog)
        try:
            for _ in range(attempts):
                client = socket.socket()
                clients.append(client)
                client.settimeout(1.0)
                try:
                    client.connect(listener.getsockname())
                    completed += 1
                except TimeoutError:
                    pass
        finally:
            for client in clients:
                client.close()
    return completed
''',
    },
    {
        "name": "leaves the client sockets open",
        "cell": "ex2-solution",
        "fails": ["ex2-test-basic", "ex2-test-small", "ex2-test-timeout"],
        "source": '''
def count_completed(backlog, attempts, timeout=0.2):
    completed = 0
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(backlog)
        for _ in range(attempts):
            client = socket.socket()
            client.settimeout(timeout)
            try:
                client.connect(listener.getsockname())
                completed += 1
            except TimeoutError:
                pass
    return completed
''',
    },
    {
        "name": "counts every ESTABLISHED socket on the port, accepted or not",
        "cell": "ex3-solution",
        "fails": ["ex3-test-after-accept"],
        "source": '''
import psutil

def accept_queue_length(listener):
    port = listener.getsockname()[1]
    return sum(1 for c in psutil.net_connections(kind="tcp")
               if c.laddr and c.laddr.port == port and c.status == "ESTABLISHED")
''',
    },
    {
        "name": "reads the backlog (Send-Q) instead of the queue length",
        "cell": "ex3-solution",
        "fails": ["ex3-test-basic", "ex3-test-after-accept", "ex3-test-ipv6", "ex3-test-two-listeners"],
        "source": '''
import struct

def accept_queue_length(listener):
    info = listener.getsockopt(socket.IPPROTO_TCP, socket.TCP_INFO, 104)
    return struct.unpack_from("I", info, 28)[0]     # tcpi_sacked: the backlog, not the queue
''',
    },
    {
        "name": "looks only in /proc/net/tcp (no IPv6)",
        "cell": "ex3-solution",
        "fails": ["ex3-test-ipv6"],
        "source": '''
def accept_queue_length(listener):
    port = listener.getsockname()[1]
    with open("/proc/net/tcp") as f:
        next(f)
        for line in f:
            fields = line.split()
            if fields[3] == "0A" and int(fields[1].split(":")[1], 16) == port:
                return int(fields[4].split(":")[1], 16)
    return 0
''',
    },
    {
        "name": "waits in accept() with no timeout at top level",
        "cell": "ex3-solution",
        "hangs": True,
        "fails": ["ex3-test-basic", "ex3-test-after-accept", "ex3-test-ipv6", "ex3-test-two-listeners"],
        "source": '''
demo = socket.create_server(("127.0.0.1", 0))
conn, addr = demo.accept()            # wait for a client to look at: none ever comes

def accept_queue_length(listener):
    return len(socket_table(ports=[listener.getsockname()[1]], states=["ESTABLISHED"]))
''',
    },
]
