"""socketlab-grade on a class of misbehaving submissions of a tiny purpose-made assignment.

One batch is collected from an LMS-style download folder and graded once (module
fixture) with real nbgrader; each test then checks one promise: every well-behaved
student is graded right, every odd one gets a one-line reason, inputs and submitted
files never change, the sandbox holds, a re-run changes and duplicates nothing.
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
import re
import sqlite3
import tempfile
import time
from pathlib import Path
from types import SimpleNamespace

import nbformat
import pytest
from nbgrader.api import Gradebook

from sample import ANSWERS, CORRECT, SAMPLE_ID, filled, gradebook_scores, make_course, student_notebook
from socketlab.grading import isolate
from socketlab.grading.cli import main as cli
from socketlab.grading.collect import match_upload, read_students
from socketlab.grading.errors import Busy, GradesNotStored
from socketlab.grading.nbgrader_run import gradebook_url
from socketlab.grading.status import load_status

A = SAMPLE_ID
FULL = {"ex1-test-small": 1.0, "ex1-test-negative": 1.0, "ex2-test-short": 1.0, "ex2-test-pieces": 1.0}
TIME_LIMIT = 40  # per submission; the slow one (1020) costs exactly this

STUDENTS = [  # id, first, last
    ("1001", "Alice", "Liddell"), ("1002", "Bob", "Stone"), ("1003", "Carol", "Carroll"),
    ("1004", "Dan", "Block"), ("1005", "Erin", "Stubborn"), ("1006", "Finn", "Quit"),
    ("1007", "Gus", "Chatty"), ("1008", "Hal", "Hog"), ("1009", "Ivy", "Server"),
    ("1010", "Jo", "Broken"), ("1011", "Kim", "Empty"), ("1012", "Lou", "Renamed"),
    ("1013", "Max", "Editor"), ("1014", "Ned", "Shuffle"), ("1015", "Oz", "Old"),
    ("1016", "Pat", "Absent"), ("1017", "Quinn", "Ghost"), ("1018", "Rae", "Layout"),
    ("1019", "Sam", "Prober"), ("1020", "Tom", "Slow"),
    # hostile: malformed metadata, symbolic links, a borrowed id in a file name, scripts and secrets
    ("1021", "Vi", "Null"), ("1022", "Wes", "String"), ("1023", "Xia", "List"), ("1024", "Yan", "Int"),
    ("1025", "Zed", "Linker"), ("1026", "Amy", "Folder"), ("1027", "Ben", "Planted"), ("1028", "Cat", "Layout"),
    ("1029", "Dee", "Shadow"), ("1030", "Uma", "Mimic"), ("1031", "Eve", "Script"),
]
SECRET = "grader-secret-7f3a9c"  # in the grader's environment while it grades


def answer(extra: str, base: dict | None = None) -> dict:
    """Correct answers, with ``extra`` code run at the end of exercise 1's answer cell."""
    base = dict(base or CORRECT)
    base["ex1-solution"] = base["ex1-solution"] + "\n\n" + extra
    return base


BEHAVIOUR = {
    "block": answer("import socket\nlistener = socket.create_server(('127.0.0.1', 0))\nlistener.accept()"),
    # survives nbgrader's interrupt: nbclient gives up on the notebook (CellTimeoutError)
    "stubborn": answer("import time\nwhile True:\n    try:\n        time.sleep(0.2)\n"
                       "    except KeyboardInterrupt:\n        pass"),
    "quit": answer("import os\nos._exit(3)"),
    "chatty": answer("while True:\n    print('spam ' * 40)"),
    # bytes(n) takes untouched zero pages (calloc), so the address-space limit is reached within
    # milliseconds however busy the machine is; bytearray(n) writes every page and took over the
    # 3 s cell limit on a loaded CI run.
    "hog": answer("blocks = []\nwhile True:\n    blocks.append(bytes(256 * 2**20))"),
    "server": answer("import socket, threading\nserver = socket.create_server(('127.0.0.1', 0))\n"
                     "threading.Thread(target=lambda: [server.accept() for _ in iter(int, 1)]).start()"),
}


def malformed(blank, kind: str) -> str:
    """A correct submission whose first test cell was edited to break the grader (as JSON text)."""
    nb = json.loads(nbformat.writes(filled(blank, CORRECT)))
    cell = next(c for c in nb["cells"] if c["metadata"].get("nbgrader", {}).get("grade_id") == "ex1-test-small")
    if kind == "int-source":
        cell["source"] = 42
    else:
        cell["metadata"]["nbgrader"] = {"null": None, "string": "grade me 100", "list": ["grade", True]}[kind]
    return json.dumps(nb)


# Scripts in outputs and in a markdown cell, and the environment printed, for the feedback page.
SCRIPTS = answer("""import os
from IPython.display import HTML, Javascript, display
display(HTML("<script>window.pwned = 1</script><b>bold</b>"))
display(Javascript("window.pwned = 2"))
print(sorted(os.environ.items()))""")


def probe_code(outside: Path) -> str:
    return answer(f'''
import json, resource, socket
found = {{"interfaces": [name for _, name in socket.if_nameindex()],
          "memory": resource.getrlimit(resource.RLIMIT_AS)[0]}}
try:
    with open({str(outside)!r}, "w") as f:
        f.write("escaped")
    found["write"] = "allowed"
except OSError as exc:
    found["write"] = type(exc).__name__
try:
    socket.create_connection(("192.0.2.1", 80), timeout=1).close()
    found["internet"] = "reached"
except OSError as exc:
    found["internet"] = type(exc).__name__
print("PROBE " + json.dumps(found))
''')


def digest_tree(folder: Path) -> dict[str, tuple[str, float, int]]:
    return {str(p.relative_to(folder)): (hashlib.sha256(p.read_bytes()).hexdigest(), p.stat().st_mtime,
                                         p.stat().st_mode)
            for p in sorted(folder.rglob("*")) if p.is_file()}


def table_counts(db: Path) -> dict[str, int]:
    with sqlite3.connect(db) as con:
        names = [r[0] for r in con.execute("select name from sqlite_master where type='table'")]
        return {n: con.execute(f"select count(*) from {n}").fetchone()[0] for n in names}


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("grading")
    course = make_course(tmp / "course")
    blank = student_notebook(course)
    downloads = tmp / "downloads"
    downloads.mkdir()
    with open(tmp / "students.csv", "w", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(["id", "first_name", "last_name", "email"])
        out.writerows([sid, first, last, f"{first.lower()}@example.org"] for sid, first, last in STUDENTS)

    def put(name: str, nb=None, raw: str | None = None, mtime: float | None = None, version: int = 4) -> Path:
        path = downloads / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if raw is not None:
            path.write_text(raw)
        elif version == 3:
            nbformat.write(nbformat.convert(nb, 3), path, version=3)
        else:
            nbformat.write(nb, path)
        if mtime:
            os.utime(path, (mtime, mtime))
        return path

    now = time.time()
    put("liddell_alice_1001_501_sample-echo.ipynb", filled(blank, CORRECT))
    put("1002_sample-echo.ipynb", filled(blank, ANSWERS["one-recv"]))
    # Carol submits twice: a wrong first try, then a correct one (the LMS adds "-1").
    put("carroll_carol_1003_502_sample-echo.ipynb", filled(blank, ANSWERS["subtracts"]), mtime=now - 3600)
    put("carroll_carol_1003_503_sample-echo-1.ipynb", filled(blank, CORRECT), mtime=now - 60)
    for sid, kind in [("1004", "block"), ("1005", "stubborn"), ("1006", "quit"), ("1007", "chatty"),
                      ("1008", "hog"), ("1009", "server")]:
        put(f"student_{kind}_{sid}_6{sid}_sample-echo.ipynb", filled(blank, BEHAVIOUR[kind]))
    # Busy for longer than the per-submission limit, each cell just under nbgrader's cell limit.
    slow = filled(blank, CORRECT)
    slow.cells[3:3] = [nbformat.v4.new_code_cell("import time\ntime.sleep(2.5)") for _ in range(30)]
    put("slow_tom_1020_608_sample-echo.ipynb", slow)
    put("broken_jo_1010_601_sample-echo.ipynb", raw='{"cells": [ this is not json')
    put("empty_kim_1011_602_sample-echo.ipynb", raw="")
    put("renamed_lou_1012_603_Untitled.ipynb", filled(blank, CORRECT))
    edited = filled(blank, ANSWERS["subtracts"])
    for cell in edited.cells:
        if cell.metadata.get("nbgrader", {}).get("grade_id") == "ex1-test-small":
            cell.source = "pass  # nothing to see here"
    edited.cells = [c for c in edited.cells if c.metadata.get("nbgrader", {}).get("grade_id") != "ex1-test-negative"]
    put("editor_max_1013_604_sample-echo.ipynb", edited)
    shuffled = filled(blank, CORRECT)
    shuffled.cells = [shuffled.cells[3]] + shuffled.cells[:3] + shuffled.cells[4:]  # a test before its answer
    put("shuffle_ned_1014_605_sample-echo.ipynb", shuffled)
    put("old_oz_1015_606_sample-echo.ipynb", filled(blank, CORRECT), version=3)
    put(f"1018/{A}/{A}.ipynb", filled(blank, CORRECT))  # nbgrader's own layout works too
    (downloads / "1018" / A / "timestamp.txt").write_text("2024-05-01 10:00:00.000000 UTC")
    put("prober_sam_1019_607_sample-echo.ipynb", filled(blank, probe_code(tmp / "outside.txt")))
    put("nobody_9999_1_sample-echo.ipynb", filled(blank, CORRECT))  # not in the CSV
    for sid, kind in [("1021", "null"), ("1022", "string"), ("1023", "list"), ("1024", "int-source")]:
        put(f"bad_meta_{sid}_7{sid}_sample-echo.ipynb", raw=malformed(blank, kind))
    # Links in the download folder: to the solution, to a folder in nbgrader's layout, to a private file.
    (downloads / "planted_ben_1027_609_sample-echo.ipynb").symlink_to(course / "solutions" / A / f"{A}.ipynb")
    (tmp / "elsewhere" / A).mkdir(parents=True)
    nbformat.write(filled(blank, CORRECT), tmp / "elsewhere" / A / f"{A}.ipynb")
    (downloads / "1028").symlink_to(tmp / "elsewhere", target_is_directory=True)
    (tmp / "private.txt").write_text("instructor only")
    (downloads / "shadow_dee_1029_610_sample-echo.ipynb").symlink_to(tmp / "private.txt")
    # A Moodle upload by Uma whose own file name starts with Alice's id, newer than Alice's.
    put("Uma Mimic_4712_assignsubmission_file_1001_sample-echo.ipynb", filled(blank, ANSWERS["subtracts"]),
        mtime=now + 120)
    scripts = filled(blank, SCRIPTS)
    scripts.cells.insert(1, nbformat.v4.new_markdown_cell("<script>window.pwned = 3</script> my notes"))
    put("script_eve_1031_611_sample-echo.ipynb", scripts)

    inputs_before = digest_tree(downloads)
    assert cli(["collect", A, str(downloads), "--students", str(tmp / "students.csv"), "--course", str(course)]) == 0
    # A submission folder without its notebook (nbgrader layout, e.g. copied by hand).
    (course / "submitted" / "1017" / A).mkdir(parents=True)
    (course / "submitted" / "1017" / A / "notes.txt").write_text("forgot the notebook")
    # Links planted in submitted/ (by hand or by another tool): the solution as a notebook, as a folder.
    (course / "submitted" / "1025" / A).mkdir(parents=True)
    (course / "submitted" / "1025" / A / f"{A}.ipynb").symlink_to(course / "solutions" / A / f"{A}.ipynb")
    (course / "submitted" / "1026").mkdir()
    (course / "submitted" / "1026" / A).symlink_to(course / "solutions" / A, target_is_directory=True)
    submitted_before = digest_tree(course / "submitted")
    start = time.monotonic()
    with pytest.MonkeyPatch.context() as patch:
        # the grader's scratch folders under tmp, told apart from other grading runs on the machine
        (tmp / "scratch").mkdir()
        patch.setattr(tempfile, "tempdir", str(tmp / "scratch"))
        patch.setenv("SOCKETLAB_TEST_TOKEN", SECRET)
        assert cli(["grade", A, "--course", str(course), "--jobs", "2", "--time-limit", str(TIME_LIMIT)]) == 0
    took = time.monotonic() - start
    return {"tmp": tmp, "course": course, "downloads": downloads, "inputs_before": inputs_before,
            "submitted_before": submitted_before, "took": took, "scores": gradebook_scores(course),
            "status": load_status(course, A), "counts": table_counts(course / "gradebook.db")}


# ---------------------------------------------------------------- collect

def test_collect_patterns(tmp_path):
    (tmp_path / "s.csv").write_text("id,First Name,Last Name,Email\n12345,Jane,Doe,j@x\njdoe2,John,Doe,\n")
    students = read_students(tmp_path / "s.csv")
    assert set(students) == {"12345", "jdoe2"} and students["12345"].last_name == "Doe"

    def who(name):
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.touch()
        found = match_upload(path, students, "00-x", tmp_path)
        return found and (found.student, found.original_name, found.upload_no, found.late_flag)

    assert who("doe_jane_12345_67890_00-x.ipynb") == ("12345", "00-x.ipynb", 67890, False)
    assert who("doejane_LATE_12345_67890_00-x-1.ipynb") == ("12345", "00-x-1.ipynb", 67890, True)
    assert who("12345_00-x.ipynb") == ("12345", "00-x.ipynb", 0, False)
    assert who("jdoe2.ipynb") == ("jdoe2", "jdoe2.ipynb", 0, False)
    assert who("Jane Doe_4711_assignsubmission_file_00-x.ipynb") == ("12345", "00-x.ipynb", 4711, False)
    assert who("jdoe2/00-x/whatever.ipynb") == ("jdoe2", "whatever.ipynb", 0, False)
    assert who("someone_999_1_00-x.ipynb") is None
    # Only the LMS's own prefix names the student, never the name the uploader chose.
    (tmp_path / "s.csv").write_text("id,First Name,Last Name,Email\n12345,Jane,Doe,j@x\njdoe2,John,Doe,\n"
                                    "777,Mal,Lory,\n")
    students = read_students(tmp_path / "s.csv")
    assert who("Mal Lory_4711_assignsubmission_file_12345_00-x.ipynb") == ("777", "12345_00-x.ipynb", 4711, False)
    assert who("Nobody Here_4711_assignsubmission_file_12345_00-x.ipynb") is None
    assert who("lory_mal_777_5_12345_00-x.ipynb") == ("777", "12345_00-x.ipynb", 5, False)
    assert who("somebody_else_12345.ipynb") is None
    assert who("my_work_for_jdoe2_1_00-x.ipynb") is None


def test_collect_takes_newest_and_never_touches_inputs(batch):
    course = batch["course"]
    assert digest_tree(batch["downloads"]) == batch["inputs_before"]
    rows = list(csv.DictReader(open(course / "reports" / A / "collect.csv")))
    status = {(r["student_id"], Path(r["file"]).name if r["file"] else ""): r["status"] for r in rows}
    assert status[("1003", "carroll_carol_1003_503_sample-echo-1.ipynb")] == "collected"
    assert status[("1003", "carroll_carol_1003_502_sample-echo.ipynb")] == "ignored"
    assert status[("1016", "")] == "missing"
    assert status[("", "nobody_9999_1_sample-echo.ipynb")] == "unmatched"
    assert any("renamed from Untitled.ipynb" in r["note"] for r in rows if r["student_id"] == "1012")
    assert batch["scores"]["1003"] == FULL  # the newest (correct) try counts
    with Gradebook(gradebook_url(course)) as gb:
        assert gb.find_student("1001").email == "alice@example.org"
        assert len(gb.students) == len(STUDENTS)


# ---------------------------------------------------------------- grading results

@pytest.mark.parametrize("student,expected", [
    ("1001", FULL), ("1003", FULL), ("1012", FULL), ("1015", FULL), ("1018", FULL),
    ("1002", {**FULL, "ex2-test-pieces": 0.0}),
    # blocks in accept: the cell is interrupted after nbgrader's 3 s cell limit, the rest is graded
    ("1004", FULL),
    # endless print: interrupted, output truncated by nbgrader, graded
    ("1007", FULL),
    # endless allocation: MemoryError under RLIMIT_AS, graded
    ("1008", FULL),
    # a server thread that never stops: graded, kernel killed at shutdown
    ("1009", FULL),
    # test cell edited (restored by nbgrader, so the wrong add fails it) and one deleted (ungraded: 0)
    ("1013", {**FULL, "ex1-test-small": 0.0, "ex1-test-negative": 0.0}),
    # a test moved above the answer it tests: NameError, graded in the student's order
    ("1014", {**FULL, "ex1-test-small": 0.0}),
])
def test_scores(batch, student, expected):
    assert batch["scores"][student] == expected
    assert batch["status"][student]["status"] == "graded", batch["status"][student]


@pytest.mark.parametrize("student,status,words", [
    ("1005", "failed", "kept running after nbgrader's interrupt"),
    ("1020", "failed", f"{TIME_LIMIT} s limit"),
    ("1006", "failed", "kernel died"),
    ("1010", "unreadable", "not a valid notebook"),
    ("1011", "unreadable", "empty"),
    ("1017", "missing", "no sample-echo.ipynb"),
    # a cell's nbgrader metadata or source of the wrong type: only that student gets 0, the batch goes on
    ("1021", "unreadable", "its nbgrader metadata is null, not a mapping"),
    ("1022", "unreadable", "its nbgrader metadata is a str, not a mapping"),
    ("1023", "unreadable", "its nbgrader metadata is a list, not a mapping"),
    ("1024", "unreadable", "its source is an int, not text"),
    # the solution linked into submitted/, as the notebook or as the whole folder: refused, not graded 4/4
    ("1025", "refused", "submitted/1025/sample-echo/sample-echo.ipynb is a symbolic link"),
    ("1026", "refused", "submitted/1026/sample-echo is a symbolic link"),
])
def test_odd_ones_get_a_one_line_reason_and_zero(batch, student, status, words):
    state = batch["status"][student]
    assert state["status"] == status and words in state["reason"] and "\n" not in state["reason"], state
    assert batch["scores"][student] == dict.fromkeys(FULL, 0.0)  # in the gradebook, with zeros
    html = batch["course"] / "feedback" / student / A / f"{A}.html"
    assert words in html.read_text().replace("&#39;", "'")  # the feedback tells the student why


def test_collect_refuses_links_and_reads_only_the_lms_prefix(batch):
    course, downloads = batch["course"], batch["downloads"]
    rows = list(csv.DictReader(open(course / "reports" / A / "collect.csv")))
    refused = {Path(r["file"]).name for r in rows if r["status"] == "refused"}
    assert refused == {"planted_ben_1027_609_sample-echo.ipynb", "1028", "shadow_dee_1029_610_sample-echo.ipynb"}
    for sid in ("1027", "1028", "1029"):
        assert not (course / "submitted" / sid).exists()
        assert any(r["status"] == "missing" for r in rows if r["student_id"] == sid)
    grades = {r["student_id"]: r for r in csv.DictReader(open(course / "reports" / A / "grades.csv"))}
    assert grades["1027"]["status"] == "no submission" and grades["1027"]["score"] == "0"
    uma = next(r for r in rows if "Uma Mimic" in r["file"])
    assert uma["student_id"] == "1030" and uma["status"] == "collected"
    assert batch["scores"]["1001"] == FULL  # Alice keeps her own (correct) notebook
    assert batch["scores"]["1030"]["ex2-test-short"] == 1.0 and batch["scores"]["1030"] != FULL
    assert (downloads / "1028").is_symlink()  # the input is left as it was


def test_feedback_runs_no_scripts_and_shows_no_grader_environment(batch):
    course = batch["course"]
    page = (course / "feedback" / "1031" / A / f"{A}.html").read_text()
    assert "<b>bold</b>" in page  # harmless HTML stays
    assert "window.pwned = 1" in page  # shown as text ...
    assert not re.search(r"<script[^>]*>[^<]*window\.pwned", page)  # ... but never as a script
    executed = (course / "autograded" / "1031" / A / f"{A}.ipynb").read_text()
    assert "SOCKETLAB_TEST_TOKEN" not in executed and SECRET not in executed and SECRET not in page
    assert "HOME" in executed  # the environment was printed: the minimal one
    assert batch["scores"]["1031"] == FULL


def test_notes_on_interrupted_cells_and_edits(batch):
    notes = {s: " ".join(v["notes"]) for s, v in batch["status"].items()}
    assert "ex1-solution: ran over the 3 s cell limit" in notes["1004"]
    assert "out of memory" in notes["1008"]
    assert "test cells deleted: ex1-test-negative" in notes["1013"]
    assert "test cells edited: ex1-test-small" in notes["1013"]
    assert "reordered" in notes["1014"]
    assert "nbformat v3" in notes["1015"]
    with Gradebook(gradebook_url(batch["course"])) as gb:
        deleted = gb.find_grade("ex1-test-negative", A, A, "1013")
        assert deleted.auto_score is None and deleted.needs_manual_grade  # nbgrader's own behaviour


def test_submitted_files_unchanged(batch):
    assert digest_tree(batch["course"] / "submitted") == batch["submitted_before"]


def test_no_process_left_behind(batch):
    import psutil

    left = []
    for proc in psutil.process_iter(["cmdline"]):
        if any(str(batch["tmp"]) in part for part in proc.info["cmdline"] or []):
            left.append(proc.info["cmdline"])
    assert not left


def test_sandbox(batch):
    out = nbformat.read(batch["course"] / "autograded" / "1019" / A / f"{A}.ipynb", as_version=4)
    text = "".join(o.get("text", "") for c in out.cells if c.cell_type == "code" for o in c.outputs)
    found = json.loads(text.split("PROBE ", 1)[1].splitlines()[0])
    assert found["memory"] == 1024 * 1024 * 1024
    sandbox = isolate.probe()
    if sandbox.network:
        assert found["interfaces"] == ["lo"] and found["internet"] != "reached"
    if isolate.fence_works():  # its own bubblewrap sandbox: the folder outside is not even there
        assert found["write"] in ("FileNotFoundError", "PermissionError") and not (batch["tmp"] / "outside.txt").exists()
    elif isolate.landlock_abi():
        assert found["write"] == "PermissionError" and not (batch["tmp"] / "outside.txt").exists()
    assert batch["scores"]["1019"] == FULL


def test_reports(batch):
    course, folder = batch["course"], batch["course"] / "reports" / A
    grades = {r["student_id"]: r for r in csv.DictReader(open(folder / "grades.csv"))}
    assert len(grades) == len(STUDENTS)
    assert grades["1001"]["score"] == "4.0" and grades["1016"]["status"] == "no submission"
    assert grades["1005"]["status"] == "failed" and "interrupt" in grades["1005"]["reason"]
    assert grades["1020"]["status"] == "failed" and "limit" in grades["1020"]["reason"]
    tests = {r["test_cell"]: r for r in csv.DictReader(open(folder / "tests.csv"))}
    passing = [s for s, scores in batch["scores"].items() if scores.get("ex2-test-pieces") == 1.0]
    assert tests["ex2-test-pieces"]["passed"] == str(len(passing))
    assert len(passing) == len(batch["scores"]) - 1 - 6 - 6  # not bob, the six odd ones, the six hostile ones
    assert "two pieces" in tests["ex2-test-pieces"]["most_common_failure"] or \
        "NotGraded" in tests["ex2-test-pieces"]["most_common_failure"]
    report = (folder / "report.md").read_text()
    assert "AssertionError: echo(address, b'hello') when the reply comes in two pieces" in report
    assert "| 1005 | failed |" in report
    assert (folder / "tests.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    for student in batch["scores"]:
        assert (course / "feedback" / student / A / f"{A}.html").is_file()


def test_rerun_changes_nothing(batch):
    """Grading again (a correct, a twice-submitting and a crashing student) duplicates nothing."""
    course = batch["course"]
    page, report = course / "feedback" / "1001" / A / f"{A}.html", course / "reports" / A / "report.md"
    before = page.stat().st_mtime_ns, report.stat().st_mtime_ns
    assert cli(["grade", A, "--course", str(course), "--jobs", "2", "--time-limit", str(TIME_LIMIT),
                "--student", "1001", "--student", "1003", "--student", "1006", "--no-feedback"]) == 0
    # --no-feedback skips only the HTML feedback: the CSV and the report are written again
    assert page.stat().st_mtime_ns == before[0] and report.stat().st_mtime_ns > before[1]
    assert gradebook_scores(course) == batch["scores"]
    assert table_counts(course / "gradebook.db") == batch["counts"]
    assert load_status(course, A)["1006"]["reason"] == batch["status"]["1006"]["reason"]
    assert digest_tree(course / "submitted") == batch["submitted_before"]


def test_batch_time(batch):
    # 16 executed submissions on 2 workers, one of them held for the whole time limit.
    assert batch["took"] < 600, f"grading took {batch['took']:.0f} s"  # finishes: nothing waits for ever


def test_degrades_without_namespaces(monkeypatch):
    off = isolate.probe(enabled=False)
    assert off.prefix == [] and not off.network and "switched off" in off.warnings[0]
    monkeypatch.setattr(isolate.shutil, "which", lambda name: None)
    missing = isolate.probe()
    assert missing.prefix == [] and not missing.network and "unshare" in missing.warnings[0]


def test_one_grading_run_at_a_time(tmp_path):
    import fcntl

    from socketlab.grading.grade import grade

    (tmp_path / "reports").mkdir()
    with open(tmp_path / "reports" / ".socketlab-grade.lock", "w") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        with pytest.raises(Busy, match="another"):
            grade(tmp_path, A)
        assert cli(["grade", A, "--course", str(tmp_path)]) == Busy.exit_code


# ---------------------------------------------------------------- one bad result costs only itself

def test_garbage_on_the_worker_pipe_is_ignored():
    """A worker (or whatever got hold of its pipe) writes junk between real events."""
    from socketlab.grading.workers import _Events

    read_fd, write_fd = os.pipe()
    events = _Events(read_fd, ["s1", "s2"])
    with os.fdopen(write_fd, "wb") as pipe:
        for line in [b"{not json", b"[1, 2]", b"null", json.dumps({"event": "done", "student": "s9"}).encode(),
                     json.dumps({"event": "done", "student": ["s1"]}).encode(), b"x" * 200_000,
                     json.dumps({"event": "start", "student": "s1"}).encode(),
                     json.dumps({"event": "exit", "code": "0"}).encode(),
                     json.dumps({"event": "done", "student": "s1"}).encode(),
                     json.dumps({"event": "error", "student": "s2", "type": {"a": 1}}).encode()]:
            pipe.write(line + b"\n")
    events.close()
    assert events.done == ["s1"] and list(events.started) == ["s1"] and events.exit_code is None
    assert events.errors["s2"][0] == "{'a': 1}" and events.ignored >= 5


def test_an_unreadable_executed_notebook_costs_only_its_student(tmp_path, monkeypatch):
    """Code that outlives its cell overwrites its own executed notebook with junk, or with a link."""
    from socketlab.grading import grade as grading
    from socketlab.grading.limits import Limits
    from socketlab.grading.progress import Progress
    from socketlab.grading.status import Outcome
    from socketlab.grading.workers import WorkerResult

    good, junk, link = tmp_path / "good.ipynb", tmp_path / "junk.ipynb", tmp_path / "link.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1")]), good)
    junk.write_text("{not json")
    link.symlink_to(good)
    executed = {"s1": junk, "s2": good, "s3": link}

    def worker(root, assignment, students, *args, on_event, **kwargs):  # says done as the real one does
        for student in students:
            on_event("done", student, str(executed[student]))
        return WorkerResult(executed={s: executed[s] for s in students})

    monkeypatch.setattr(grading, "run_worker", worker)
    run = grading._Run(tmp_path, A, Limits(), jobs=1, sandbox=isolate.probe(False))
    merged: list[str] = []
    run.progress, run.merging = Progress(A, 3, live=False), SimpleNamespace(add=merged.append)
    run.work, run.staging, run.cell_timeout, run.snapshot = tmp_path, tmp_path / "staged", 3.0, tmp_path / "db"
    run.outcomes = {s: Outcome(s) for s in ("s1", "s2", "s3")}
    assert run.run_chunk(["s1", "s2", "s3"], "chunk0") == ["s1", "s3"]  # again alone, the others are fine
    assert run.run_chunk(["s1"], "s1") == [] and run.run_chunk(["s3"], "s3") == []
    assert run.outcomes["s1"].status == "failed" and "could not be read back" in run.outcomes["s1"].reason
    assert "not a regular file" in run.outcomes["s3"].reason
    assert run.outcomes["s2"].status == "graded" and (tmp_path / "staged" / "s2" / A / f"{A}.ipynb").is_file()
    assert merged == ["s2"]  # handed to the merge as soon as its worker said done


def test_grades_that_miss_the_gradebook_fail_the_command(tmp_path, monkeypatch):
    """Something holds the gradebook's write lock while grading: the command must not exit 0."""
    from socketlab.grading.grade import grade
    from socketlab.grading.nbgrader_run import ensure_assignment, tool_path

    monkeypatch.setenv("PATH", tool_path(os.environ.get("PATH")))  # nbgrader's gradebook runs alembic, as grade() does
    course = make_course(tmp_path / "course")
    ensure_assignment(course, A)
    folder = course / "submitted" / "s1" / A
    folder.mkdir(parents=True)
    (folder / f"{A}.ipynb").write_text("")  # unreadable: nothing to execute, straight to the merge
    holder = sqlite3.connect(course / "gradebook.db", isolation_level=None)
    try:
        holder.execute("BEGIN IMMEDIATE")  # readers go on, writers wait and give up
        assert cli(["grade", A, "--course", str(course), "--no-feedback"]) == GradesNotStored.exit_code
        with pytest.raises(GradesNotStored, match="did not reach the gradebook.*s1") as caught:
            grade(course, A)
        assert not caught.value.outcomes["s1"].stored
    finally:
        holder.close()
    state = load_status(course, A)["s1"]
    assert state["stored"] is False and "not in the gradebook" in state["reason"]
