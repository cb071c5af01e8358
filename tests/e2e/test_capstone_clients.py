"""The capstone's solution servers (solutions/09-command-server) driven by clients nobody here wrote.

The server's code is taken from the solution notebook itself (its imports, the given protocol
code and the answer cells), so these tests check exactly what learners are shown. External
programs talk to it over 127.0.0.1: netcat and socat where installed (skipped with the reason
where not), and clients running in separate Python processes. Every test runs against both
servers the notebook builds: the threaded `command_server` and the asyncio `async_command_server`.
"""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from functools import lru_cache

import nbformat
import pytest

from conftest import ROOT

NOTEBOOK = ROOT / "solutions" / "09-command-server" / "09-command-server.ipynb"
GREETING = b"HELLO socketlab command server; send HELP for the commands\n"


def _keeps(node: ast.stmt) -> bool:
    """Definitions only: imports, functions, classes and constants; no demo that runs anything."""
    if isinstance(node, ast.Import):
        return not any(alias.name.startswith("matplotlib") for alias in node.names)  # plots only
    if isinstance(node, (ast.ImportFrom, ast.FunctionDef, ast.ClassDef)):
        return True
    if isinstance(node, ast.Assign):
        try:
            ast.literal_eval(node.value)
        except ValueError:
            return False
        return True
    return False


@lru_cache(maxsize=None)
def solution() -> dict:
    """The names the solution notebook defines, from its non-test code cells."""
    namespace: dict = {"__name__": "capstone_solution"}
    for cell in nbformat.read(NOTEBOOK, as_version=4).cells:
        if cell.cell_type != "code" or cell.metadata.get("nbgrader", {}).get("grade"):
            continue
        # IPython magics (the first cell's %load_ext) are not Python: leave them out.
        tree = ast.parse("\n".join(line for line in cell.source.splitlines() if not line.startswith("%")))
        tree.body = [node for node in tree.body if _keeps(node)]
        exec(compile(tree, str(NOTEBOOK), "exec"), namespace)
    return namespace


@pytest.fixture(params=["command_server", "async_command_server"])
def server(request):
    """A running solution server, threaded or asyncio; yields (host, port)."""
    with solution()[request.param](idle_timeout=5.0) as address:
        yield address


def external(name: str, host: str, port: int) -> list[str]:
    if not shutil.which(name):
        pytest.skip(f"{name} is not installed (Debian/Ubuntu: apt-get install netcat-openbsd socat)")
    if name == "nc":
        return ["nc", "-w", "3", host, str(port)]
    return ["socat", "-t", "2", "-T", "3", "-", f"TCP:{host}:{port}"]


@pytest.mark.parametrize("program", ["nc", "socat"])
def test_external_program_session(program, server):
    host, port = server
    script = b"UPPER hello\r\nECHO  two  spaces\nCOUNT\nCOUNT\nfrob\n\xff\xfe\nTIME now\nQUIT\n"
    done = subprocess.run(external(program, host, port), input=script, capture_output=True, timeout=10)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split(b"\n") == [
        GREETING.rstrip(b"\n"), b"OK HELLO", b"OK  two  spaces", b"OK 1", b"OK 2",
        b"ERR unknown command 'frob'", b"ERR not UTF-8", b"ERR usage: TIME", b"OK bye", b"",
    ]


@pytest.mark.parametrize("program", ["nc", "socat"])
def test_external_program_help_and_long_line(program, server):
    host, port = server
    script = b"HELP\nECHO " + b"x" * 1100 + b"\nECHO never answered\n"
    done = subprocess.run(external(program, host, port), input=script, capture_output=True, timeout=10)
    lines = done.stdout.decode().split("\n")
    assert lines[1] == "OK commands follow" and lines[8] == ".", lines[:10]
    assert lines[9:] == ["ERR line too long (limit 1024 bytes); closing", ""], lines[9:]
    assert done.returncode == 0, done.stderr


LONG_LINE_THEN_EOF = r"""
import socket, sys
host, port = sys.argv[1], int(sys.argv[2])
with socket.create_connection((host, port), timeout=5) as sock, sock.makefile("rb") as reader:
    reader.readline()
    sock.sendall(b"ECHO " + b"x" * 1100 + b"\n" + b"UPPER more\n" * 3000)
    print(reader.readline().decode().rstrip("\n"))
    try:
        print("EOF" if reader.readline() == b"" else "MORE DATA")
    except ConnectionResetError:
        print("RESET")
"""


def test_line_too_long_ends_with_eof_not_reset(server):
    """After 'line too long' with ~33 KB still unread, a client reads the ERR line, then b'' (no RST)."""
    host, port = server
    done = subprocess.run([sys.executable, "-c", LONG_LINE_THEN_EOF, host, str(port)],
                          capture_output=True, text=True, timeout=20)
    assert done.stdout.splitlines() == ["ERR line too long (limit 1024 bytes); closing", "EOF"], done.stderr


CLIENT = r"""
import socket, sys
host, port, name = sys.argv[1], int(sys.argv[2]), sys.argv[3]
with socket.create_connection((host, port), timeout=5) as sock, sock.makefile("rwb") as stream:
    assert stream.readline().startswith(b"HELLO")
    for command in [f"UPPER {name}", "COUNT", "COUNT", "COUNT", "QUIT"]:
        stream.write(command.encode() + b"\n")
        stream.flush()
        print(stream.readline().decode().rstrip("\n"))
    print("EOF" if stream.readline() == b"" else "NO EOF")
"""


def test_python_processes_at_once(server):
    host, port = server
    procs = [subprocess.Popen([sys.executable, "-c", CLIENT, host, str(port), f"p{i}"],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for i in range(8)]
    counts = []
    for i, proc in enumerate(procs):
        out, err = proc.communicate(timeout=20)
        assert proc.returncode == 0 and not err, err
        lines = out.splitlines()
        assert lines[0] == f"OK P{i}" and lines[4:] == ["OK bye", "EOF"], lines
        counts += [int(line.split()[1]) for line in lines[1:4]]
    assert sorted(counts) == list(range(1, 25)), "COUNT must be shared and atomic across all clients"


SLOW_AND_GARBAGE = r"""
import socket, sys, time
host, port, mode = sys.argv[1], int(sys.argv[2]), sys.argv[3]
with socket.create_connection((host, port), timeout=5) as sock, sock.makefile("rb") as reader:
    reader.readline()
    if mode == "slow":
        for byte in b"UPPER slow\n":
            sock.sendall(bytes([byte]))
            time.sleep(0.02)
    else:
        sock.sendall(b"\x00\x01\x02\xff\n")
    print(reader.readline().decode().rstrip("\n"))
    if mode == "vanish":
        sock.sendall(b"ECHO half a li")  # and exit mid-line without QUIT
"""


def test_slow_garbage_and_vanishing_processes(server):
    host, port = server
    modes = ["slow", "garbage", "vanish"]
    procs = {m: subprocess.Popen([sys.executable, "-c", SLOW_AND_GARBAGE, host, str(port), m],
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for m in modes}
    results = {m: p.communicate(timeout=20) for m, p in procs.items()}
    assert results["slow"] == ("OK SLOW\n", "")
    assert results["garbage"] == ("ERR not UTF-8\n", "")
    assert results["vanish"] == ("ERR not UTF-8\n", "")
    # the server still serves a new client afterwards
    done = subprocess.run([sys.executable, "-c", CLIENT, host, str(port), "after"],
                          capture_output=True, text=True, timeout=20)
    assert done.returncode == 0 and done.stdout.splitlines()[0] == "OK AFTER", done.stderr
