"""The report's "need a look" detector (socketlab.grading.suspicious): what it flags and what it leaves."""

import nbformat
import pytest

from answers import answer_source, load, solved_edition
from conftest import ROOT, solution_ids
from socketlab.grading.suspicious import findings, submission_notes


@pytest.mark.parametrize("source,words", [
    ("import socketlab.check as c\nc.expect = lambda *a, **k: None", "imports socketlab.check"),
    ("from socketlab import check", "socketlab.check"),
    ("from socketlab.grading import isolate", "the grader"),
    ("import sys\nsys.modules['socketlab.check'] = None", "sys.modules"),
    ("import builtins\nbuiltins.print = len", "imports builtins"),
    ("__builtins__['len'] = max", "__builtins__"),
    ("get_ipython().events.register('post_run_cell', print)", "get_ipython()"),
    ("from IPython.core.interactiveshell import InteractiveShell", "IPython"),
    ("ip = __import__('IPython').get_ipython()", "__import__"),
    ("open('/proc/self/environ').read()", "/proc"),
    ("open(f'/proc/{pid}/mem', 'rb')", "/proc"),
    ("import os\nos.setsid()", "os.setsid"),
    ("import os\nif os.fork() == 0:\n    pass", "os.fork"),
    ("from os import fork", "os.fork"),
    ("import daemon", "daemonizes"),
    ("import ctypes\nctypes.CDLL(None)", "ctypes"),
    ("import subprocess\nsubprocess.run(['true'])", "subprocess"),
    ("import subprocess as s", "subprocess"),
    ("Popen(['sleep', '9'], start_new_session=True)", "start_new_session"),
    ("def f():\n    return f.__globals__", "__globals__"),
    ("import sys\nsys._getframe(1).f_back.f_locals['x'] = 1", "sys._getframe"),
    ("exec(bytes.fromhex('7072696e74').decode())", "exec()"),
    ("!cat ../../gradebook.db", "shell command"),
    ("%%bash\necho hi", "shell command"),
    ("x = os.environ['HOME']", "os.environ"),
    ("path = '../../../autograded/me/x.ipynb'", "the grader's files"),
    ("display(HTML('<script>alert(1)</script>'))", "HTML script"),
    ("s.connect('/run/dbus/system_bus_socket')", "the machine's sockets"),
    ("def broken(:\n    pass", "does not parse as Python (line 1"),
])
def test_flagged(source, words):
    found = findings(source)
    assert any(words in f for f in found), found


@pytest.mark.parametrize("source", [
    "import socket, selectors, threading, os\n"
    "def serve(path):\n    os.unlink(path)\n    sel = selectors.DefaultSelector()\n"
    "    for key, events in sel.select(1):\n        if key.events & selectors.EVENT_READ:\n            pass",
    "from socketlab.server import tcp_server\nfrom socketlab.socket_table import socket_table",
    "with open('/proc/net/tcp') as table:\n    next(table)",
    "for fd in os.listdir('/proc/self/fd'):\n    os.readlink(f'/proc/self/fd/{fd}')",
    "# no subprocess here, nor /proc or ctypes: a comment only\nx = 1",
    "%timeit sum(range(10))",
    "from IPython.display import HTML, display\ndisplay(HTML('<b>bold</b>'))",
    "threading.Thread(target=print, daemon=False).start()",
])
def test_left_alone(source):
    assert findings(source) == []


def test_markdown_with_script_is_flagged_and_plain_markdown_is_not():
    assert findings("notes <script>x()</script>", "markdown") == ["names HTML script"]
    assert findings("<img src=x onerror=alert(1)>", "markdown") == ["names HTML script"]
    assert findings("if one = two then the *socket* is <b>bound</b>", "markdown") == []


@pytest.mark.parametrize("assignment", solution_ids())
def test_no_solution_and_no_course_cell_is_flagged(assignment):
    """The solution's answers (an honest student) are never flagged; course cells are left out."""
    blank = nbformat.read(ROOT / "notebooks" / assignment / f"{assignment}.ipynb", as_version=4)
    solution = nbformat.read(ROOT / "solutions" / assignment / f"{assignment}.ipynb", as_version=4)
    nb = solved_edition(blank, solution)
    tests = {c.metadata["nbgrader"]["grade_id"] for c in blank.cells
             if c.metadata.get("nbgrader", {}).get("grade") and not c.metadata["nbgrader"].get("solution")}
    known = {c.source.strip() for c in blank.cells}
    assert submission_notes(nb, known, tests) == []
    nb.cells[-1] = nbformat.v4.new_code_cell("import ctypes")  # the same notebook with one added cell
    assert submission_notes(nb, known, tests) == [
        f"look: cell {len(nb.cells)} touches the grading machinery: imports ctypes (C calls into the interpreter)"]


@pytest.mark.parametrize("assignment", solution_ids())
def test_no_right_answer_is_flagged(assignment):
    """tests/right_answers: honest answers in other styles (selectors, socketserver, asyncio, ...)."""
    solution = nbformat.read(ROOT / "solutions" / assignment / f"{assignment}.ipynb", as_version=4)
    sources = {c.metadata["nbgrader"]["grade_id"]: c.source for c in solution.cells
               if c.metadata.get("nbgrader", {}).get("solution")}
    flagged = {entry["name"]: found for entry in load(assignment, "right")
               if (found := findings(answer_source(entry, sources[entry["cell"]])))}
    assert not flagged
