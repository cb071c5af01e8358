"""Correct answers for 04-listen-backlog in styles unlike the solution; each must get full marks
(tests/grading/test_autograde.py)."""

RIGHT_ANSWERS = [
    # Exercise 1: connect_outcome
    {
        "name": "from-import create_connection, one except per outcome",
        "cell": "ex1-solution",
        "source": '''
from socket import create_connection

def connect_outcome(address, timeout=0.2):
    try:
        conn = create_connection(address, timeout=timeout)
    except ConnectionRefusedError:
        return "refused"
    except TimeoutError:
        return "timed out"
    conn.close()
    return "connected"
''',
    },
    {
        "name": "connect_ex and errno codes, try/finally",
        "cell": "ex1-solution",
        "source": '''
OUTCOMES = {0: "connected", errno.ECONNREFUSED: "refused", errno.EAGAIN: "timed out"}

def connect_outcome(address, timeout=0.2):
    client = socket.socket()
    try:
        client.settimeout(timeout)
        code = client.connect_ex(address)     # a timeout reads as EAGAIN here
        return OUTCOMES.get(code, errno.errorcode.get(code, str(code)))
    finally:
        client.close()
''',
    },
    {
        "name": "non-blocking connect and select",
        "cell": "ex1-solution",
        "source": '''
import select

def connect_outcome(address, timeout=0.2):
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.setblocking(False)
        code = s.connect_ex(address)
        if code not in (0, errno.EINPROGRESS):
            return "refused" if code == errno.ECONNREFUSED else errno.errorcode[code]
        _, writable, _ = select.select([], [s], [], timeout)
        if not writable:
            return "timed out"
        code = s.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
        if code == errno.ECONNREFUSED:
            return "refused"
        return "connected" if code == 0 else errno.errorcode[code]
''',
    },
    # Exercise 2: count_completed
    {
        "name": "create_server and create_connection, a list closed in finally",
        "cell": "ex2-solution",
        "source": '''
def count_completed(backlog, attempts, timeout=0.2):
    listener = socket.create_server(("127.0.0.1", 0), backlog=backlog)
    clients = []
    try:
        for _ in range(attempts):
            try:
                clients.append(socket.create_connection(listener.getsockname(), timeout=timeout))
            except socket.timeout:
                pass
        return len(clients)
    finally:
        for c in clients:
            c.close()
        listener.close()
''',
    },
    {
        "name": "a helper that closes each client at once (the queue keeps its connection)",
        "cell": "ex2-solution",
        "source": '''
def one_attempt(address, timeout):
    """True if a connection to address completes within timeout."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as client:
        client.settimeout(timeout)
        try:
            client.connect(address)
        except TimeoutError:
            return False
        return True

def count_completed(backlog, attempts, timeout=0.2):
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(backlog)
        address = listener.getsockname()
        return sum(one_attempt(address, timeout) for _ in range(attempts))
''',
    },
    {
        "name": "from-imports, connect_ex, clients kept in an ExitStack",
        "cell": "ex2-solution",
        "source": '''
from contextlib import ExitStack
from socket import AF_INET, SOCK_STREAM, socket as Socket

def count_completed(backlog, attempts, timeout=0.2):
    completed = 0
    with ExitStack() as stack:
        listener = stack.enter_context(Socket(AF_INET, SOCK_STREAM))
        listener.bind(("127.0.0.1", 0))
        listener.listen(backlog)
        for _ in range(attempts):
            client = stack.enter_context(Socket(AF_INET, SOCK_STREAM))
            client.settimeout(timeout)
            if client.connect_ex(listener.getsockname()) == 0:
                completed += 1
    return completed
''',
    },
    # Exercise 3: accept_queue_length
    {
        "name": "TCP_INFO: tcpi_unacked",
        "cell": "ex3-solution",
        "source": '''
import struct

def accept_queue_length(listener):
    info = listener.getsockopt(socket.IPPROTO_TCP, socket.TCP_INFO, 104)
    (unacked,) = struct.unpack_from("=I", info, 24)
    return unacked
''',
    },
    {
        "name": "parses ss -lnt for the listener's port",
        "cell": "ex3-solution",
        "source": '''
def accept_queue_length(listener):
    port = listener.getsockname()[1]
    out = subprocess.run(["ss", "-H", "-lnt", f"sport = :{port}"], capture_output=True, text=True,
                         timeout=5, check=True).stdout
    host = listener.getsockname()[0]
    for line in out.splitlines():
        state, recv_q, send_q, local, *_ = line.split()
        if local.rsplit(":", 1)[0].strip("[]") in (host, "*"):
            return int(recv_q)
    raise LookupError(f"ss does not list a listener on {host} port {port}")
''',
    },
    {
        "name": "/proc by local address and port in hex, both tables",
        "cell": "ex3-solution",
        "source": '''
import ipaddress

def proc_address(host, port):
    """The local_address column /proc/net/tcp[6] would show for (host, port)."""
    packed = ipaddress.ip_address(host).packed
    words = [packed[i:i + 4][::-1].hex().upper() for i in range(0, len(packed), 4)]   # each 32-bit word in host order
    return "".join(words) + f":{port:04X}"

def accept_queue_length(listener):
    host, port = listener.getsockname()[:2]
    wanted = proc_address(host, port)
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with open(table) as f:
            for line in f.readlines()[1:]:
                fields = line.split()
                if fields[1] == wanted and fields[3] == "0A":          # 0A: LISTEN
                    return int(fields[4].partition(":")[2], 16)
    return 0
''',
    },
]
