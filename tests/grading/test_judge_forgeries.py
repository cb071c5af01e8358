"""Forgeries from inside the student's process, graded with real `nbgrader autograde` on
notebook 00: with the sealed judge each scores 0 on every test cell, the honest control
keeps full marks; with the test cells run in the kernel (plain nbgrader, the judge
switched off for 00) the same forgeries get marks, so these tests can fail.

Each hostile submission leaves every exercise a stub (or a wrong answer) and adds one
answer cell's worth of tampering, as a student could write it."""

from __future__ import annotations

import shutil
from functools import lru_cache
from pathlib import Path

import nbformat
import pytest

from conftest import OWN_NETWORK, ROOT
from sample import gradebook_scores
from socketlab.release import run_nbgrader

ASSIGNMENT = "00-sockets-and-ports"

FORGERIES = {
    "replaces socketlab.check": '''
import socketlab.check as check
check.expect = lambda *args, **kwargs: None
check.expect_raises = lambda *args, **kwargs: ValueError("forged")
check.run_limited = lambda fn, *args, **kwargs: None
''',
    "answers that equal anything": '''
class Anything(str):
    def __eq__(self, other):
        return True
    def __ne__(self, other):
        return False
    __hash__ = str.__hash__

def port_category(port):
    return Anything("well-known")

def parse_endpoint(text):
    return Anything("x")

def ask_upper(address, text, timeout=2.0):
    return Anything("")
''',
    "wraps every later cell in try/except": '''
def swallow(lines):
    return ["try:\\n", "    pass\\n"] + ["    " + line for line in lines] + ["\\nexcept BaseException:\\n", "    pass\\n"]

get_ipython().input_transformers_post.append(swallow)
''',
    "looks for the hidden tests": '''
import gc, glob, os
found = []
for path in glob.glob("**/*", recursive=True):
    try:
        with open(path, errors="replace") as file:
            if "BEGIN HIDDEN" + " TESTS" in file.read():
                found.append(path)
    except OSError:
        pass
found += ["memory" for o in gc.get_objects() if isinstance(o, str) and "BEGIN HIDDEN" + " TESTS" in o]
print("hidden tests found:", found or "none")
''',
}


def hostile(student_nb, tampering: str):
    """The student edition, stubs left as they are, with ``tampering`` added to the first answer cell."""
    nb = nbformat.from_dict(student_nb)
    first = next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("solution") and c.cell_type == "code")
    first.source = tampering + "\n\n" + first.source
    return nb


@lru_cache(maxsize=None)
def graded(judged: bool, base: str) -> dict:
    """{student: {grade_id: score}} and the autograded notebooks' folder, for the batch."""
    course = Path(base) / ("judged" if judged else "in-kernel")
    course.mkdir(parents=True)
    shutil.copy(ROOT / "nbgrader_config.py", course)
    shutil.copytree(ROOT / "solutions" / ASSIGNMENT, course / "solutions" / ASSIGNMENT)
    run_nbgrader(course, "generate_assignment", ASSIGNMENT, "--force")
    solution = nbformat.read(ROOT / "solutions" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", as_version=4)
    student = nbformat.read(ROOT / "notebooks" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", as_version=4)
    batch = {"control": solution, **{f"forger{i}": hostile(student, code) for i, code in enumerate(FORGERIES.values())}}
    for who, nb in batch.items():
        folder = course / "submitted" / who / ASSIGNMENT
        folder.mkdir(parents=True)
        nbformat.write(nb, folder / f"{ASSIGNMENT}.ipynb")
    # nbgrader_config.py judges 00 (test_the_course_judges_00); in-kernel is plain nbgrader's way.
    side = [] if judged else [f"--JudgedExecute.kernel_side={ASSIGNMENT}"]
    try:
        run_nbgrader(course, "autograde", ASSIGNMENT, "--force", *side, timeout=900, prefix=OWN_NETWORK)
    except RuntimeError:
        pass  # nbgrader exits 1 when a submission errs; the gradebook says what was graded
    scores = gradebook_scores(course, ASSIGNMENT)
    return {"scores": {who: scores.get(who, {}) for who in batch}, "autograded": course / "autograded"}


@pytest.fixture(scope="module")
def base(tmp_path_factory) -> str:
    return str(tmp_path_factory.mktemp("forgeries"))


def test_the_course_judges_00():
    from socketlab.grading.nbgrader_run import course_settings

    assert ASSIGNMENT not in course_settings(ROOT).JudgedExecute.get("kernel_side", [])


def test_the_honest_control_keeps_full_marks(base):
    scores = graded(True, base)["scores"]["control"]
    assert scores and all(score > 0 for score in scores.values()), scores


@pytest.mark.parametrize("index,name", list(enumerate(FORGERIES)))
def test_a_forgery_scores_nothing_under_the_judge(base, index, name):
    scores = graded(True, base)["scores"][f"forger{index}"]
    assert scores, f"{name}: not graded"
    forged = {cell: score for cell, score in scores.items() if score}
    assert not forged, f"{name}: got marks under the judge for {sorted(forged)}"


def test_the_hidden_tests_are_neither_in_the_kernels_folder_nor_in_its_memory(base):
    """(Elsewhere on the machine is the sandbox's job: socketlab-grade, tests/grading/test_sandbox.py.)"""
    index = list(FORGERIES).index("looks for the hidden tests")
    nb = nbformat.read(graded(True, base)["autograded"] / f"forger{index}" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb",
                       as_version=4)
    printed = "".join(o.get("text", "") for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", []))
    assert "hidden tests found: none" in printed, printed[:500]


def test_the_same_forgeries_get_marks_when_tests_run_in_the_kernel(base):
    """Plain nbgrader: the test cells share the kernel with the forgery (why the judge exists)."""
    scores = graded(False, base)["scores"]
    forged = [name for i, name in enumerate(FORGERIES) if any(scores[f"forger{i}"].values())]
    assert {"replaces socketlab.check", "wraps every later cell in try/except"} <= set(forged), scores
