"""The class flow over nbgrader's exchange, with socketlab-grade doing the grading.

release_assignment -> fetch_assignment -> submit -> collect (nbgrader, a temporary exchange
folder) -> ``socketlab-grade grade`` -> release_feedback -> fetch_feedback: the student gets
the feedback page. nbgrader names released feedback after the submission's secret
(``submission_secret.txt``, written by ``submit``), so the secret has to travel from
``submitted/`` through ``autograded/`` to ``feedback/`` (socketlab.grading.merge.stage).

One student and the blank student edition of 01-address-families, the quickest notebook to
grade: the flow is under test, not the scores.
"""

from __future__ import annotations

import os
import pwd
import shutil

from conftest import ROOT
from sample import nbgrader_here as nbgrader
from socketlab.grading.cli import main as cli

A = "01-address-families"
COURSE_ID = "socketlab"


def test_feedback_reaches_the_student_through_the_exchange(tmp_path, monkeypatch):
    exchange, course, home = tmp_path / "exchange", tmp_path / "course", tmp_path / "student"
    exchange.mkdir()
    home.mkdir()
    course.mkdir()
    shutil.copy(ROOT / "nbgrader_config.py", course)
    shutil.copytree(ROOT / "solutions" / A, course / "solutions" / A)
    monkeypatch.setenv("JUPYTER_CONFIG_DIR", str(tmp_path / "jupyter-config"))  # no one's own nbgrader config
    monkeypatch.setenv("JUPYTER_DATA_DIR", str(tmp_path / "jupyter"))
    flags = [f"--Exchange.root={exchange}", f"--CourseDirectory.course_id={COURSE_ID}"]
    student_flags = [*flags, f"--Exchange.cache={tmp_path / 'cache'}"]  # the student's own copy of the secret

    nbgrader(course, "generate_assignment", A, "--force")
    nbgrader(course, "release_assignment", A, *flags)
    nbgrader(home, "fetch_assignment", A, *student_flags)
    nbgrader(home, "submit", A, *student_flags)
    nbgrader(course, "collect", A, *flags)
    student = pwd.getpwuid(os.getuid()).pw_name  # nbgrader's student id: the user who submitted
    submitted = course / "submitted" / student / A
    assert (submitted / "submission_secret.txt").is_file()

    assert cli(["grade", A, "--course", str(course), "--jobs", "1"]) == 0
    for step in ("autograded", "feedback"):
        kept = course / step / student / A / "submission_secret.txt"
        assert kept.read_text() == (submitted / "submission_secret.txt").read_text(), step

    nbgrader(course, "release_feedback", A, *flags)
    nbgrader(home, "fetch_feedback", A, *student_flags)
    pages = list((home / A / "feedback").glob(f"*/{A}.html"))
    assert len(pages) == 1, f"fetch_feedback gave {pages}"
    page = pages[0].read_text()
    ours = (course / "feedback" / student / A / f"{A}.html").read_text()
    assert page == ours and "Score" in page


def test_collect_keeps_the_secret_of_a_submission_in_nbgraders_layout(tmp_path):
    """`socketlab-grade collect` over a copy of nbgrader's submitted/ (or inbound) folders."""
    from socketlab.grading.collect import collect

    folder = tmp_path / "downloads" / "s1" / A
    folder.mkdir(parents=True)
    (folder / f"{A}.ipynb").write_text("{}")
    (folder / "timestamp.txt").write_text("2026-05-01 10:00:00.000000 UTC")
    (folder / "submission_secret.txt").write_text("abc123")
    (tmp_path / "students.csv").write_text("id\ns1\ns2\n")
    flat = tmp_path / "downloads" / f"s2_{A}.ipynb"  # an LMS file: a secret beside it is no one's
    flat.write_text("{}")
    (flat.parent / "submission_secret.txt").write_text("not s2's")
    collect(tmp_path / "course", A, tmp_path / "downloads", tmp_path / "students.csv")
    assert (tmp_path / "course" / "submitted" / "s1" / A / "submission_secret.txt").read_text() == "abc123"
    assert not (tmp_path / "course" / "submitted" / "s2" / A / "submission_secret.txt").exists()
