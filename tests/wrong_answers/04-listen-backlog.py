"""Typical wrong answers for 04-listen-backlog, and the test cells each must lose (tests/grading/test_autograde.py).

Most are mutations of the solution: (old, new) text replacements in its answer cell.
`breaks` names the requirements (numbered in each exercise's text) the answer breaks.
"""

WRONG_ANSWERS = [
    # Exercise 1: connect_outcome
    {
        "name": "keeps the connected socket open for later",
        "cell": "ex1-solution", "breaks": [1],
        "fails": ["ex1-test-closes"],
        "source": '''
KEPT = []                                # "the caller may want the connection"

def connect_outcome(address, timeout=0.2):
    client = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    client.settimeout(timeout)
    try:
        client.connect(address)
    except ConnectionRefusedError:
        client.close()
        return "refused"
    except TimeoutError:
        client.close()
        return "timed out"
    KEPT.append(client)
    return "connected"
''',
    },
    {
        "name": "calls a refusal a timeout",
        "cell": "ex1-solution", "breaks": [2],
        "fails": ["ex1-test-basic"],
        "mutate": [('            return "refused"', '            return "timed out"')],
    },
    {
        "name": "expects a full queue to refuse: catches only ConnectionRefusedError",
        "cell": "ex1-solution", "breaks": [3],
        "fails": ["ex1-test-full-queue", "ex1-test-timeout"],
        "mutate": [
            ('        except TimeoutError:             # socket.timeout is the same class since Python 3.10\n'
             '            return "timed out"\n', ""),
        ],
    },
    {
        "name": "no timeout on connect",
        "cell": "ex1-solution", "breaks": [3],
        "fails": ["ex1-test-full-queue", "ex1-test-timeout"],
        "mutate": [("        client.settimeout(timeout)\n", "")],
    },
    {
        "name": "ignores the timeout argument",
        "cell": "ex1-solution", "breaks": [3],
        "fails": ["ex1-test-timeout"],
        "mutate": [("client.settimeout(timeout)", "client.settimeout(0.2)")],
    },
    {
        "name": "closes the socket only when it connected",
        "cell": "ex1-solution", "breaks": [4],
        "fails": ["ex1-test-basic", "ex1-test-full-queue", "ex1-test-timeout"],
        "source": '''
def connect_outcome(address, timeout=0.2):
    client = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    client.settimeout(timeout)
    try:
        client.connect(address)
    except ConnectionRefusedError:
        return "refused"
    except TimeoutError:
        return "timed out"
    client.close()
    return "connected"
''',
    },
    # Exercise 2: count_completed
    {
        "name": "accepts the connections it counts",
        "cell": "ex2-solution", "breaks": [1],
        "fails": ["ex2-test-basic", "ex2-test-small", "ex2-test-timeout", "ex2-test-loopback"],
        "mutate": [
            ("                completed += 1",
             "                conn, _ = listener.accept()\n"
             "                conn.close()\n"
             "                completed += 1"),
        ],
    },
    {
        "name": "listens on every interface",
        "cell": "ex2-solution", "breaks": [1],
        "fails": ["ex2-test-loopback"],
        "mutate": [('listener.bind(("127.0.0.1", 0))', 'listener.bind(("", 0))')],
    },
    {
        "name": "listen() with the default backlog",
        "cell": "ex2-solution", "breaks": [1],
        "fails": ["ex2-test-basic", "ex2-test-small", "ex2-test-timeout", "ex2-test-loopback"],
        "mutate": [("listener.listen(backlog)", "listener.listen()")],
    },
    {
        "name": "ignores the timeout argument (1 s per attempt)",
        "cell": "ex2-solution", "breaks": [2],
        "fails": ["ex2-test-timeout"],
        "mutate": [("client.settimeout(timeout)", "client.settimeout(1.0)")],
    },
    {
        "name": "returns how many timed out",
        "cell": "ex2-solution", "breaks": [3],
        "fails": ["ex2-test-basic", "ex2-test-small", "ex2-test-timeout"],
        "mutate": [("    return completed", "    return attempts - completed")],
    },
    {
        "name": "leaves the client sockets open",
        "cell": "ex2-solution", "breaks": [4],
        "fails": ["ex2-test-basic", "ex2-test-small", "ex2-test-timeout", "ex2-test-loopback"],
        "mutate": [("client = clients.enter_context(socket.socket())", "client = socket.socket()")],
    },
    # Exercise 3: accept_queue_length
    {
        "name": "reads the backlog (Send-Q) instead of the queue length",
        "cell": "ex3-solution", "breaks": [1],
        "fails": ["ex3-test-basic", "ex3-test-after-accept", "ex3-test-ipv6", "ex3-test-two-listeners",
                  "ex3-test-leaves-queue"],
        "source": '''
import struct

def accept_queue_length(listener):
    info = listener.getsockopt(socket.IPPROTO_TCP, socket.TCP_INFO, 104)
    return struct.unpack_from("I", info, 28)[0]     # tcpi_sacked: the backlog, not the queue
''',
    },
    {
        "name": "counts every ESTABLISHED socket on the port, accepted or not",
        "cell": "ex3-solution", "breaks": [2],
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
        "name": "looks only in /proc/net/tcp (no IPv6)",
        "cell": "ex3-solution", "breaks": [3],
        "fails": ["ex3-test-ipv6"],
        "mutate": [
            ('table = "/proc/net/tcp6" if listener.family == socket.AF_INET6 else "/proc/net/tcp"',
             'table = "/proc/net/tcp"'),
        ],
    },
    {
        "name": "adds up the queues of all of this program's listeners",
        "cell": "ex3-solution", "breaks": [4],
        "fails": ["ex3-test-two-listeners"],
        "source": '''
def accept_queue_length(listener):
    mine = set()
    for fd in os.listdir("/proc/self/fd"):
        with contextlib.suppress(OSError):
            target = os.readlink(f"/proc/self/fd/{fd}")
            if target.startswith("socket:["):
                mine.add(target[8:-1])
    total = 0
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with open(table) as f:
            next(f)
            for line in f:
                fields = line.split()
                if fields[3] == "0A" and fields[9] in mine:
                    total += int(fields[4].split(":")[1], 16)
    return total
''',
    },
    {
        "name": "counts by accepting the waiting connections",
        "cell": "ex3-solution", "breaks": [5],
        "fails": ["ex3-test-after-accept", "ex3-test-leaves-queue"],
        "source": '''
def accept_queue_length(listener):
    old = listener.gettimeout()
    listener.setblocking(False)
    count = 0
    try:
        while True:
            try:
                conn, _ = listener.accept()
            except BlockingIOError:
                return count
            conn.close()
            count += 1
    finally:
        listener.settimeout(old)
''',
    },
    {
        "name": "makes the listener non-blocking and leaves it so",
        "cell": "ex3-solution", "breaks": [5],
        "fails": ["ex3-test-leaves-queue"],
        "mutate": [("    inode = str(os.fstat(listener.fileno()).st_ino)\n",
                    "    listener.setblocking(False)                  # 'never block'\n"
                    "    inode = str(os.fstat(listener.fileno()).st_ino)\n")],
    },
    {
        "name": "waits in accept() with no timeout at top level",
        "cell": "ex3-solution", "breaks": [1],
        "hangs": True,
        "fails": ["ex3-test-basic", "ex3-test-after-accept", "ex3-test-ipv6", "ex3-test-two-listeners",
                  "ex3-test-leaves-queue"],
        "source": '''
demo = socket.create_server(("127.0.0.1", 0))
conn, addr = demo.accept()            # wait for a client to look at: none ever comes

def accept_queue_length(listener):
    return len(socket_table(ports=[listener.getsockname()[1]], states=["ESTABLISHED"]))
''',
    },
]
