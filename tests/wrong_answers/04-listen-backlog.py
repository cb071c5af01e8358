"""Typical wrong answers for 04-listen-backlog, and the test cells each must lose (tests/grading/test_autograde.py).

Most are mutations of the solution: (old, new) text replacements in its answer cell.
"""

WRONG_ANSWERS = [
    {
        "name": "expects a full queue to refuse: catches only ConnectionRefusedError",
        "cell": "ex1-solution",
        "fails": ["ex1-test-full-queue", "ex1-test-timeout"],
        "mutate": [
            ('        except TimeoutError:             # socket.timeout is the same class since Python 3.10\n'
             '            return "timed out"\n', ""),
        ],
    },
    {
        "name": "no timeout on connect",
        "cell": "ex1-solution",
        "fails": ["ex1-test-full-queue", "ex1-test-timeout"],
        "mutate": [("        client.settimeout(timeout)\n", "")],
    },
    {
        "name": "calls every error 'refused'",
        "cell": "ex1-solution",
        "fails": ["ex1-test-full-queue", "ex1-test-timeout"],
        "mutate": [("except ConnectionRefusedError:", "except OSError:")],
    },
    {
        "name": "ignores the timeout argument",
        "cell": "ex1-solution",
        "fails": ["ex1-test-timeout"],
        "mutate": [("client.settimeout(timeout)", "client.settimeout(0.2)")],
    },
    {
        "name": "accepts the connections it counts",
        "cell": "ex2-solution",
        "fails": ["ex2-test-basic", "ex2-test-small", "ex2-test-timeout"],
        "mutate": [
            ("                completed += 1",
             "                conn, _ = listener.accept()\n"
             "                conn.close()\n"
             "                completed += 1"),
        ],
    },
    {
        "name": "ignores the timeout argument (1 s per attempt)",
        "cell": "ex2-solution",
        "fails": ["ex2-test-timeout"],
        "mutate": [("client.settimeout(timeout)", "client.settimeout(1.0)")],
    },
    {
        "name": "leaves the client sockets open",
        "cell": "ex2-solution",
        "fails": ["ex2-test-basic", "ex2-test-small", "ex2-test-timeout"],
        "mutate": [("client = clients.enter_context(socket.socket())", "client = socket.socket()")],
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
        "mutate": [
            ('table = "/proc/net/tcp6" if listener.family == socket.AF_INET6 else "/proc/net/tcp"',
             'table = "/proc/net/tcp"'),
        ],
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
