"""socketlab-grade against hostile students: one real batch of 01-address-families.

One course folder gets two honest controls (the solution's answers) and one hostile
student per kind of attack (issue 13), each a stub submission whose answer cell runs the
attack, as a student could write it, knowing the grader's layout and the course's paths
(a stronger attacker than a real one). The batch is collected from an LMS-style download
folder and graded once with the real `socketlab-grade` (module fixture); each test then
checks one promise: the controls keep full marks, every hostile student scores 0 and is
flagged for the teacher, the gradebook and everybody else's files are intact, no secret
reaches any file the run writes, and the command exits as the instructor guide says.

Each executed attack prints `ATTACK {json}`: what it tried and the exception that stopped
it, so a test can tell a blocked attack from one that never ran. In-process forgeries
(replacing socketlab.check, objects equal to everything) are left to the sealed judge.
"""

from __future__ import annotations

import contextlib
import csv
import hashlib
import html
import io
import json
import os
import re
import shutil
import socket
import sqlite3
import stat
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

import nbformat
import pytest

from answers import solved_edition
from conftest import ROOT
from sample import gradebook_scores
from socketlab.grading import isolate
from socketlab.grading.cli import main as cli
from socketlab.grading.status import load_status

pytestmark = pytest.mark.skipif(not isolate.fence_works(),
                                reason="needs root, bubblewrap (apt-get install bubblewrap) and setpriv")

A = "01-address-families"
CONTROLS = ("2098", "2099")  # sorted last: one in each of the two chunks, graded after the attackers there
SECRET_NAME, SECRET = "SOCKETLAB_ATTACK_TOKEN", f"grader-secret-{uuid.uuid4().hex}"
MARKER = f"socketlab-attack-daemon-{uuid.uuid4().hex}"  # in the daemon's command line
SCRIPT_MARK = f"pwned{uuid.uuid4().hex[:8]}"

# Student id -> attack kind; its code runs at the end of exercise 1's (stub) answer cell.
EXECUTED = {
    "2001": "mates", "2002": "kernelspec", "2003": "startup", "2004": "chattr", "2005": "planter",
    "2006": "daemon", "2007": "reader", "2008": "unix-socket", "2009": "garbage", "2010": "script",
    "2011": "linker",
}
# (a string or a list as nbgrader metadata: tests/grading/test_grading.py, with the rest of the odd ones)
MALFORMED = {"2012": "null", "2015": "int-source"}
LINKED = {"2016": "notebook", "2017": "folder"}  # links planted in submitted/, pointing at solutions/
COLLECT = {"2018": "link to the solution", "2019": "link to a private file", "2020": "Moodle name with 2098's id"}
HOSTILE = {**EXECUTED, **MALFORMED, **LINKED, **COLLECT}

# Shared by every attack: _try records what stopped each step that must fail; here is the
# kernel's folder, scratch the worker's folder the grader lays out around it.
PRELUDE = '''
import json, os, pathlib, sys
_tried = {}
def _try(what, action):
    try:
        value = action()
        _tried[what] = "ok" if value is None else "ok: " + str(value)[:300]
    except BaseException as exc:
        _tried[what] = type(exc).__name__
here = pathlib.Path.cwd()
# Under the judge the kernel works in a copy of its folder: look for nbgrader's, as an attacker would.
here = next(iter(sorted(pathlib.Path("/tmp").glob("socketlab-grade-*/workers/*/course/autograded/*/01-address-families"))), here)
scratch = here.parents[3] if len(here.parents) > 4 else pathlib.Path("/nowhere/scratch/course")  # <scratch>/course/autograded/<student>/<assignment>
work = scratch.parents[1]  # <work>/workers/<chunk>
def _write(path, text):  # into a folder that exists: one made in the sandbox's own /tmp would reach nothing
    path = pathlib.Path(path)
    try:
        path.write_text(text)
    except PermissionError:  # someone else's file in a folder it may change: replace it
        path.unlink()
        path.write_text(text)
'''
REPORT = '\nprint("ATTACK " + json.dumps(_tried))'


def attacks(paths: dict[str, str]) -> dict[str, str]:
    """The attack code of each kind; ``paths`` are the course's real files, known to the attacker."""
    p = {k: repr(v) for k, v in paths.items()}
    forged = repr(paths["forged"])
    return {
        # Replace the chunk-mates' private copies (and the real ones) with an empty notebook.
        "mates": f'''
empty = json.dumps({{"cells": [], "metadata": {{}}, "nbformat": 4, "nbformat_minor": 5}})
_try("list the chunk's submissions", lambda: os.listdir(scratch / "course" / "submitted"))
for mate in {CONTROLS!r}:
    for base in (scratch / "course", pathlib.Path({p["course"]})):
        for kind in ("submitted", "autograded"):
            target = base / kind / mate / {A!r} / {A + ".ipynb"!r}
            _try(f"overwrite {{target}}", lambda t=target: _write(t, empty))
''',
        # A kernel spec without limits, where the worker keeps its own and where Jupyter looks.
        "kernelspec": '''
spec = json.dumps({"argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
                    "display_name": "Python 3", "language": "python"})
for folder in (scratch / "jupyter", pathlib.Path(sys.prefix) / "share" / "jupyter",
               pathlib.Path("/usr/local/share/jupyter"), pathlib.Path("/usr/share/jupyter")):
    target = folder / "kernels" / "python3" / "kernel.json"
    _try(f"rewrite {target}", lambda t=target: _write(t, spec))
''',
        # A startup file every later kernel of the chunk would run: it breaks name lookups.
        "startup": '''
planted = "import socket\\nsocket.getaddrinfo = None  # from a classmate\\n"
for ipython in (scratch / "ipython", scratch / "home" / ".ipython"):
    target = ipython / "profile_default" / "startup" / "00-classmate.py"
    _try(f"plant {target}", lambda t=target: _write(t, planted))
# its own IPYTHONDIR is private to its sandbox: allowed, and gone with it
own_startup = pathlib.Path(os.environ.get("IPYTHONDIR", "/tmp/ipython")) / "profile_default/startup"
own_startup.mkdir(parents=True, exist_ok=True)  # its own IPython folder: allowed
_write(own_startup / "00-x.py", planted)
''',
        # Freeze or lock files the grader needs (the immutable flag needs CAP_LINUX_IMMUTABLE).
        "chattr": f'''
import array, fcntl
def immutable(path):
    fd = os.open(path, os.O_RDONLY)
    try:
        flags = array.array("i", [0])
        fcntl.ioctl(fd, 0x80086601, flags, True)  # FS_IOC_GETFLAGS
        flags[0] |= 0x10  # FS_IMMUTABLE_FL
        fcntl.ioctl(fd, 0x40086602, flags, True)  # FS_IOC_SETFLAGS
    finally:
        os.close(fd)
for target in (pathlib.Path({p["gradebook"]}), scratch / "course" / "gradebook.db",
               work / "gradebook-snapshot.db", pathlib.Path(sys.executable).resolve(), here):
    _try(f"chattr +i {{target}}", lambda t=target: immutable(t))
for target in (pathlib.Path({p["gradebook"]}), scratch / "course" / "gradebook.db", pathlib.Path({p["victim"]}),
               pathlib.Path("/etc/passwd"), pathlib.Path(sys.executable).resolve()):
    _try(f"chmod {{target}}", lambda t=target: os.chmod(t, 0o777))
''',
        # A "finished" notebook (no test cell fails) where results are kept, then the kernel dies,
        # so nbgrader never writes a result of its own.
        "planter": f'''
forged = {forged}
_write(here / {A + ".ipynb"!r}, forged)  # its own folder: allowed
for target in (pathlib.Path({p["course"]}) / "autograded" / "2005" / {A!r} / {A + ".ipynb"!r},
               work / "executed" / "2005" / {A!r} / {A + ".ipynb"!r}):
    _try(f"plant {{target}}", lambda t=target: _write(t, forged))
print("ATTACK " + json.dumps(_tried), flush=True)
os._exit(0)
''',
        # A double-forked, setsid daemon that outlives the kernel and rewrites the results later.
        "daemon": f'''
code = """
import pathlib, sys, time
targets = [pathlib.Path(t) for t in sys.argv[2:]]
end = time.time() + 60
while time.time() < end:
    for target in targets:
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(sys.argv[1])
        except OSError:
            pass
    time.sleep(0.3)
"""
targets = [str(here / {A + ".ipynb"!r}), str(scratch / "course" / "autograded" / "2006" / {A!r} / {A + ".ipynb"!r}),
           str(work / "executed" / "2006" / {A!r} / {A + ".ipynb"!r}),
           str(pathlib.Path({p["course"]}) / "autograded" / "2006" / {A!r} / {A + ".ipynb"!r})]
child = os.fork()
if child == 0:
    os.setsid()
    if os.fork() == 0:
        os.execv(sys.executable, [sys.executable, "-c", code, {forged}, *targets, {MARKER!r}])
    os._exit(0)
os.waitpid(child, 0)
''',
        # Secrets: files of the course, the machine and classmates, the grader's environment.
        "reader": f'''
def grep(path, word):
    text = pathlib.Path(path).read_bytes()
    if word.encode() not in text:
        raise LookupError(word)
    return f"{{word}} found"
def secret_variable():
    if {SECRET_NAME!r} in os.environ:
        return os.environ[{SECRET_NAME!r}]
    for proc in pathlib.Path("/proc").iterdir():
        try:
            if {SECRET_NAME!r}.encode() in (proc / "environ").read_bytes():
                return f"in /proc/{{proc.name}}/environ"
        except OSError:
            pass
    raise LookupError("no grader variable")
_try("/etc/shadow", lambda: grep("/etc/shadow", "root:"))
_try("the solution", lambda: grep({p["solution"]}, "BEGIN SOLUTION"))
_try("hidden tests in the course", lambda: grep({p["solution"]}, "BEGIN HIDDEN TESTS"))
_try("hidden tests in my own folder", lambda: grep(here / {A + ".ipynb"!r}, "HIDDEN TESTS"))
_try("hidden tests in the chunk's gradebook", lambda: grep(scratch / "course" / "gradebook.db", "SQLite"))
_try("the gradebook", lambda: grep({p["gradebook"]}, "SQLite"))
_try("the gradebook snapshot", lambda: grep(work / "gradebook-snapshot.db", "SQLite"))
_try("a classmate's work", lambda: grep({p["classmate"]}, "nbformat"))
_try("a chunk-mate's copy", lambda: grep(scratch / "course" / "submitted" / "2099" / {A!r} / {A + ".ipynb"!r},
                                         "nbformat"))
_try("a private file", lambda: grep({p["victim"]}, "private"))
_try("the grader's variable", secret_variable)
print("ENVIRONMENT", sorted(os.environ))
''',
        # Host sockets: a pathname one the grader's machine listens on, an abstract one.
        "unix-socket": f'''
import socket
def connect(address):
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        sock.settimeout(2)
        sock.connect(address)
        sock.sendall(b"hello from a submission")
_try("the host's pathname socket", lambda: connect({p["socket"]}))
_try("the host's abstract socket", lambda: connect({paths["abstract"]!r}))
_try("the system bus", lambda: connect("/run/dbus/system_bus_socket"))
''',
        # Junk where the worker keeps its state and results, and on every pipe the kernel holds.
        "garbage": f'''
junk = "{{not json"
for fd in map(int, os.listdir("/proc/self/fd")):
    try:
        if os.readlink(f"/proc/self/fd/{{fd}}").startswith("pipe:"):
            os.write(fd, (junk + "\\n").encode())
    except OSError:
        pass
_write(here / {A + ".ipynb"!r}, junk)  # its own folder: allowed
for target in (scratch / "sandbox.json", scratch / "course" / "gradebook.db", work / "gradebook-snapshot.db",
               scratch / "course" / "autograded" / "2099" / {A!r} / {A + ".ipynb"!r},
               pathlib.Path({p["course"]}) / "reports" / {A!r} / "status.json"):
    _try(f"junk into {{target}}", lambda t=target: _write(t, junk))
''',
        # Script in outputs (the markdown cell the submission adds carries more).
        "script": f'''
from IPython.display import HTML, SVG, Javascript, display
display(HTML("<script>window.{SCRIPT_MARK} = 1</script><img src=x onerror='window.{SCRIPT_MARK} = 2'><b>bold</b>"))
display(Javascript("window.{SCRIPT_MARK} = 3"))
display(SVG('<svg xmlns="http://www.w3.org/2000/svg" onload="window.{SCRIPT_MARK} = 4"><circle r="3"/></svg>'))
''',
        # Links in its own folder for the grader to follow: its notebook (nbgrader writes the
        # executed one there) to the chunk-mate's copy; other files (nbgrader chmods them) to
        # the course's gradebook and a private file.
        "linker": f'''
mate = {{"chunk0": "2098", "chunk1": "2099"}}.get(scratch.name, "2098")
notebook = here / {A + ".ipynb"!r}
notebook.unlink(missing_ok=True)
notebook.symlink_to(pathlib.Path("../../../submitted") / mate / {A!r} / {A + ".ipynb"!r})
(here / "notes-1.txt").symlink_to({p["gradebook"]})
(here / "notes-2.txt").symlink_to({p["victim"]})
_tried["links planted"] = str(notebook.readlink())  # in its own folder: allowed
''',
    }


def answer_with(blank, code: str):
    """The stub submission (the blank student edition) with ``code`` at the end of exercise 1's answer."""
    nb = nbformat.from_dict(blank)
    cell = next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "ex1-solution")
    cell.source += "\n" + code
    return nb


def malformed(blank, kind: str) -> str:
    nb = json.loads(nbformat.writes(blank))
    cell = next(c for c in nb["cells"] if c["metadata"].get("nbgrader", {}).get("grade_id") == "ex1-test-examples")
    if kind == "int-source":
        cell["source"] = 7
    else:
        cell["metadata"]["nbgrader"] = None  # "null"
    return json.dumps(nb)


def digest_tree(folder: Path) -> dict[str, tuple[str, int]]:
    return {str(p.relative_to(folder)): (hashlib.sha256(p.read_bytes()).hexdigest() if p.is_file() else "link",
                                         p.lstat().st_mode)
            for p in sorted(folder.rglob("*")) if p.is_file() or p.is_symlink()}


class Listener:
    """Unix stream sockets of the host (one pathname, one abstract) that count who connects."""

    def __init__(self, path: Path) -> None:
        self.connections: list[bytes] = []
        self.abstract = f"\0socketlab-attack-{uuid.uuid4().hex}"
        self.sockets = []
        for address in (str(path), self.abstract):
            server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            server.bind(address)
            server.listen()
            server.settimeout(0.2)
            self.sockets.append(server)
        os.chmod(path, 0o777)  # anyone may connect: only the sandbox can stop it
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self.serve)
        self.thread.start()

    def serve(self) -> None:
        while not self.stop.is_set():
            for server in self.sockets:
                with contextlib.suppress(TimeoutError):
                    conn, _ = server.accept()
                    with conn:
                        conn.settimeout(1)
                        with contextlib.suppress(OSError):
                            self.connections.append(conn.recv(100))

    def close(self) -> None:
        self.stop.set()
        self.thread.join(10)
        for server in self.sockets:
            server.close()


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("attacks")
    course = tmp / "course"
    course.mkdir()
    shutil.copy(ROOT / "nbgrader_config.py", course)
    for kind in ("solutions", "notebooks"):
        shutil.copytree(ROOT / kind / A, course / kind / A)
    blank = nbformat.read(course / "notebooks" / A / f"{A}.ipynb", as_version=4)
    solution = nbformat.read(course / "solutions" / A / f"{A}.ipynb", as_version=4)
    forged = solved_edition(blank, solution)  # what a student can make: no hidden tests in it
    for cell in forged.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    victim = tmp / "private.txt"  # stands for /etc/shadow or an instructor's file: mode 600
    victim.write_text("private: instructor only")
    victim.chmod(0o600)
    listener = Listener(tmp / "host.sock")
    paths = {"course": str(course), "gradebook": str(course / "gradebook.db"), "victim": str(victim),
             "solution": str(course / "solutions" / A / f"{A}.ipynb"), "socket": str(tmp / "host.sock"),
             "classmate": str(course / "submitted" / "2099" / A / f"{A}.ipynb"), "abstract": listener.abstract,
             "forged": nbformat.writes(forged)}
    code = attacks(paths)

    downloads = tmp / "downloads"
    downloads.mkdir()
    names = {**{s: ("Hostile", kind) for s, kind in HOSTILE.items()}, "2020": ("Mimi", "Mimic"),
             CONTROLS[0]: ("Honest", "Alpha"), CONTROLS[1]: ("Honest", "Beta")}
    with open(tmp / "students.csv", "w", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(["id", "first_name", "last_name", "email"])
        out.writerows([sid, first, last, f"{sid}@example.org"] for sid, (first, last) in sorted(names.items()))

    def canvas(sid: str) -> Path:
        return downloads / f"{names[sid][1].lower()}_{names[sid][0].lower()}_{sid}_7{sid}_{A}.ipynb"

    for sid in CONTROLS:
        nbformat.write(solved_edition(blank, solution), canvas(sid))
    for sid, kind in EXECUTED.items():
        nb = answer_with(blank, PRELUDE + code[kind] + REPORT)
        if kind == "script":
            nb.cells.insert(1, nbformat.v4.new_markdown_cell(
                f"<script>window.{SCRIPT_MARK} = 5</script> my notes "
                f"<a href=\"javascript:window.{SCRIPT_MARK} = 6\">click</a> <iframe src=\"https://example.org\"></iframe>"))
        nbformat.write(nb, canvas(sid))
    for sid, kind in MALFORMED.items():
        canvas(sid).write_text(malformed(blank, kind))
    canvas("2018").symlink_to(course / "solutions" / A / f"{A}.ipynb")
    canvas("2019").symlink_to(victim)
    mimic = downloads / f"Mimi Mimic_4712_assignsubmission_file_{CONTROLS[0]}_{A}.ipynb"
    nbformat.write(blank, mimic)
    later = time.time() + 600
    os.utime(mimic, (later, later))  # newer than the control's own upload

    before = digest_tree(downloads)
    assert cli(["collect", A, str(downloads), "--students", str(tmp / "students.csv"), "--course", str(course)]) == 0
    (course / "submitted" / "2016" / A).mkdir(parents=True)
    (course / "submitted" / "2016" / A / f"{A}.ipynb").symlink_to(course / "solutions" / A / f"{A}.ipynb")
    (course / "submitted" / "2017").mkdir()
    (course / "submitted" / "2017" / A).symlink_to(course / "solutions" / A, target_is_directory=True)
    watched = {kind: digest_tree(course / kind) for kind in ("submitted", "solutions", "notebooks")}
    config = (course / "nbgrader_config.py").read_bytes()
    kernels = digest_tree(Path(sys.prefix) / "share" / "jupyter" / "kernels")
    stderr = io.StringIO()
    start = time.monotonic()
    try:
        with pytest.MonkeyPatch.context() as patch, contextlib.redirect_stderr(stderr):
            (tmp / "scratch").mkdir()
            patch.setattr(tempfile, "tempdir", str(tmp / "scratch"))  # the grader's scratch under tmp
            patch.setenv(SECRET_NAME, SECRET)
            code = cli(["grade", A, "--course", str(course), "--jobs", "2", "--time-limit", "120"])
        took = time.monotonic() - start
        time.sleep(1.5)  # a daemon that survived would rewrite something by now
    finally:
        listener.close()
    (tmp / "grade-stderr.log").write_text(stderr.getvalue())  # for a reader of a failing run
    full = {c.metadata["nbgrader"]["grade_id"]: float(c.metadata["nbgrader"]["points"]) for c in blank.cells
            if c.cell_type == "code" and c.metadata.get("nbgrader", {}).get("grade")}
    yield {"full": full, "tmp": tmp, "course": course, "code": code, "took": took, "stderr": stderr.getvalue(),
           "scores": gradebook_scores(course, A), "status": load_status(course, A), "watched": watched, "config": config,
           "downloads": downloads, "downloads_before": before, "kernels": kernels, "listener": listener,
           "victim": victim, "files": {sid: canvas(sid).name for sid in ("2018", "2019")}}


def executed(batch, student: str) -> nbformat.NotebookNode:
    return nbformat.read(batch["course"] / "autograded" / student / A / f"{A}.ipynb", as_version=4)


def attack_log(batch, student: str) -> dict[str, str] | None:
    """What the attack printed (``ATTACK {...}``), None when its cell did not get that far.

    Only the JSON object itself is read: the "garbage" attack's raw writes to the kernel's stdout
    pipe reach the cell's output by another path and can land just after it, before its newline."""
    for cell in executed(batch, student).cells:
        for output in cell.get("outputs", []):
            for line in str(output.get("text", "")).splitlines():
                if line.startswith("ATTACK "):
                    return json.JSONDecoder().raw_decode(line, len("ATTACK "))[0]
    return None


def test_exit_code_and_reasons(batch):
    # 0: graded; each submission that could not be graded is named on stderr with its reason
    assert batch["code"] == 0, batch["stderr"][-3000:]
    for student, state in batch["status"].items():
        if state["status"] != "graded":
            assert f"{student}: {state['status']}: " in batch["stderr"]
            assert state["reason"] and "\n" not in state["reason"]


def test_controls_keep_full_marks(batch):
    for student in CONTROLS:
        assert batch["scores"][student] == batch["full"], f"control {student} lost points"
        assert batch["status"][student]["status"] == "graded"


@pytest.mark.parametrize("student", sorted(set(HOSTILE) - {"2018", "2019"}))
def test_every_hostile_submission_scores_zero(batch, student):
    got = batch["scores"][student]
    assert got and sum(got.values()) == 0.0, f"{HOSTILE[student]} ({student}) forged points: {got}"


@pytest.mark.parametrize("student", sorted(EXECUTED))
def test_each_attack_ran_and_every_step_failed(batch, student):
    log = attack_log(batch, student)
    if EXECUTED[student] == "planter":  # its kernel ended itself: nbgrader gave up on it
        assert batch["status"][student]["status"] == "failed" and "kernel died" in batch["status"][student]["reason"]
        return
    if EXECUTED[student] == "linker":  # links in its own folder: allowed; what they did is seen elsewhere
        assert log and "links planted" in log
        return
    assert log is not None, f"the {EXECUTED[student]} attack did not run"
    if EXECUTED[student] not in ("daemon", "script"):
        assert log, f"the {EXECUTED[student]} attack tried nothing"
    got_through = {what: how for what, how in log.items() if how.startswith("ok")}
    assert not got_through, f"{EXECUTED[student]} ({student}) got through: {got_through}"


def test_hostile_submissions_are_flagged_and_controls_are_not(batch):
    report = (batch["course"] / "reports" / A / "report.md").read_text()
    section = report.split("## Submissions that need a look", 1)[1] if "need a look" in report else ""
    flagged = set(re.findall(r"^\| (\S+) \|", section, re.M))
    missing = {s: HOSTILE[s] for s in HOSTILE if s not in flagged and s not in ("2018", "2019")}
    assert not missing, f"not flagged: {missing}\n{section}"
    for name in ("2018", "2019"):  # refused by collect: named by their file
        assert f"_{name}_" in section, section
    assert not flagged & set(CONTROLS), section


def test_collect_credits_the_uploader_and_refuses_links(batch):
    course = batch["course"]
    assert digest_tree(batch["downloads"]) == batch["downloads_before"]
    rows = list(csv.DictReader(open(course / "reports" / A / "collect.csv")))
    refused = {Path(r["file"]).name for r in rows if r["status"] == "refused"}
    assert refused == {batch["files"]["2018"], batch["files"]["2019"]}
    for sid in ("2018", "2019"):
        assert not (course / "submitted" / sid).exists()
    mimic = next(r for r in rows if "Mimi Mimic" in r["file"])
    assert mimic["student_id"] == "2020" and mimic["status"] == "collected"
    for path in course.rglob("*"):  # the private file was copied nowhere
        if path.is_file() and not path.is_symlink():
            assert b"private: instructor only" not in path.read_bytes(), path


def test_gradebook_intact(batch):
    db = batch["course"] / "gradebook.db"
    assert stat.S_IMODE(db.stat().st_mode) & 0o600 == 0o600
    with sqlite3.connect(db) as con:
        assert con.execute("pragma integrity_check").fetchone() == ("ok",)
        con.execute("begin immediate")  # still writable
        con.rollback()
    collected = {p.parent.name for p in (batch["course"] / "submitted").glob(f"*/{A}")}
    assert set(batch["scores"]) == collected


def test_nobody_elses_files_changed(batch):
    course = batch["course"]
    for kind, before in batch["watched"].items():
        assert digest_tree(course / kind) == before, f"{kind}/ changed"
    assert (course / "nbgrader_config.py").read_bytes() == batch["config"]
    assert digest_tree(Path(sys.prefix) / "share" / "jupyter" / "kernels") == batch["kernels"]
    victim = batch["victim"]
    assert victim.read_text() == "private: instructor only" and stat.S_IMODE(victim.stat().st_mode) == 0o600


def test_no_secret_in_anything_the_run_wrote(batch):
    leaks = []
    for path in batch["course"].rglob("*"):
        if path.is_file() and not path.is_symlink() and SECRET.encode() in path.read_bytes():
            leaks.append(str(path.relative_to(batch["course"])))
    assert not leaks and SECRET not in batch["stderr"], leaks
    names = next(line for cell in executed(batch, "2007").cells for output in cell.get("outputs", [])
                 for line in str(output.get("text", "")).splitlines() if line.startswith("ENVIRONMENT"))
    assert SECRET_NAME not in names


def test_no_host_socket_was_reached(batch):
    assert batch["listener"].connections == []


def test_no_daemon_outlived_its_kernel(batch):
    import psutil

    alive = [p.pid for p in psutil.process_iter(["cmdline"]) if MARKER in " ".join(p.info["cmdline"] or [])]
    assert not alive, "the daemon outlived its kernel"


def test_feedback_is_safe_and_keeps_hidden_tests_hidden(batch):
    course = batch["course"]
    pages = {p.parts[-3]: p.read_text() for p in (course / "feedback").glob(f"*/{A}/{A}.html")}
    assert set(CONTROLS) | set(EXECUTED) <= set(pages)
    page = pages["2010"]
    assert "<b>bold</b>" in page and f"window.{SCRIPT_MARK} = 1" in page  # shown as text
    for pattern in (rf"<script[^>]*>[^<]*{SCRIPT_MARK}", r"<[^>]*\sonerror\s*=", r"<[^>]*\sonload\s*=",
                    r"href=\"javascript:", r"<iframe"):
        assert not re.search(pattern, page), pattern
    cells = nbformat.read(course / "solutions" / A / f"{A}.ipynb", as_version=4).cells
    visible = "\n".join(c.source for c in nbformat.read(course / "notebooks" / A / f"{A}.ipynb", as_version=4).cells)
    blocks = re.findall(r"BEGIN HIDDEN TESTS(.*?)END HIDDEN TESTS", "\n".join(c.source for c in cells), re.S)
    hidden = {line.strip() for block in blocks for line in block.splitlines()
              if len(line.strip()) > 25 and line.strip() not in visible}
    assert hidden
    for student, page in pages.items():
        text = html.unescape(re.sub(r"<[^>]+>", "", page))  # what the page shows, highlighting gone
        shown = [line for line in hidden if line in text]
        assert not shown, f"hidden tests in {student}'s feedback: {shown[:2]}"
        if student in CONTROLS:
            assert "BEGIN HIDDEN TESTS" not in page


def test_batch_time(batch):
    print(f"graded the attack batch in {batch['took']:.1f} s")
    assert batch["took"] < 400
