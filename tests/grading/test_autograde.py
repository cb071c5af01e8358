"""Real `nbgrader autograde` over a class of sample submissions, for every notebook.

For each assignment a temporary course folder gets: the solution as submitted
(full marks), the untouched student edition (zero, and it finishes), one
submission per typical wrong answer in tests/wrong_answers/<id>.py (exactly the
listed test cells score 0), one per right answer in tests/right_answers/<id>.py
(full marks), and the hanging ones (grading still finishes).
nbgrader's exit code says nothing about scores, so the gradebook is read.

Every test cell a wrong answer (or the blank edition) fails must also say why in words a
learner can act on: its error, read from the autograded notebook, is an AssertionError
whose text says what was expected (socketlab.check's messages), or a stub's
NotImplementedError in the blank edition; never a bare exception.
"""

from __future__ import annotations

import re
import shutil
import time
from functools import lru_cache
from pathlib import Path

import nbformat
import pytest
from nbgrader.api import Gradebook, MissingEntry

from answers import answer_source, load
from conftest import OWN_NETWORK, ROOT, solution_ids
from socketlab.grading.errors import NbgraderFailed
from socketlab.grading.nbgrader_run import cell_timeout
from socketlab.release import run_nbgrader

CELL_TIMEOUT = cell_timeout(ROOT)  # nbgrader_config.py: c.Execute.timeout

# A message says what was expected: the words socketlab.check's messages are built on.
SAYS_WHAT_WAS_EXPECTED = re.compile(r"expected|did not return within|returned but left")

RAISED = re.compile(r"[\w.]+(Error|Exception|Interrupt): ")  # a traceback's last line


def nbgrader_cells(nb) -> dict[str, nbformat.NotebookNode]:
    return {c.metadata["nbgrader"]["grade_id"]: c for c in nb.cells if "nbgrader" in c.metadata}


def filled_in(student_nb, solution_nb, answer: dict | None = None):
    """The student edition with every answer cell taken from the solution, but ``answer``'s."""
    nb = nbformat.from_dict(student_nb)
    solved = nbgrader_cells(solution_nb)
    for grade_id, cell in nbgrader_cells(nb).items():
        if cell.metadata["nbgrader"].get("solution"):
            cell.source = solved[grade_id].source
        if answer and grade_id == answer["cell"]:
            cell.source = answer_source(answer, solved[grade_id].source)
    return nb


def class_of(assignment: str) -> dict[str, tuple[dict | None, str]]:
    """Every sample submission of an assignment: {student: (entry, kind)}."""
    class_: dict[str, tuple[dict | None, str]] = {"solution": (None, "solution"), "blank": (None, "blank")}
    for kind in ("wrong", "right"):
        for i, entry in enumerate(load(assignment, kind)):
            class_[f"{kind}{i}"] = (entry, kind)
    return class_


def submissions(assignment: str) -> dict[str, nbformat.NotebookNode]:
    solution = nbformat.read(ROOT / "solutions" / assignment / f"{assignment}.ipynb", as_version=4)
    student = nbformat.read(ROOT / "notebooks" / assignment / f"{assignment}.ipynb", as_version=4)
    named = {"solution": solution, "blank": student}
    return {who: named.get(who) or filled_in(student, solution, entry)
            for who, (entry, _) in class_of(assignment).items()}


def grade_class(assignment: str, course: Path) -> dict:
    """{"scores": {student: {grade_id: (score, max)}}, "times": ...} for the whole class.

    One `nbgrader autograde` run grades every submission that should finish quickly;
    each hanging one gets a run of its own, timed, to show what a hang costs.
    """
    course.mkdir(parents=True)
    shutil.copy(ROOT / "nbgrader_config.py", course)
    shutil.copytree(ROOT / "solutions" / assignment, course / "solutions" / assignment)
    run_nbgrader(course, "generate_assignment", assignment, "--force")
    hanging = {who for who, (entry, _) in class_of(assignment).items() if entry and entry.get("hangs")}
    class_ = submissions(assignment)
    for student, nb in class_.items():
        folder = course / "submitted" / student / assignment
        folder.mkdir(parents=True)
        nbformat.write(nb, folder / f"{assignment}.ipynb")
    start = time.monotonic()
    # One run for the whole class: its time grows with the class (right answers too), so the
    # limit does as well: 90 s a submission (a loaded 2-core box needs it), at least 600 s.
    try:
        run_nbgrader(course, "autograde", assignment, "--force",
                     f"--CourseDirectory.student_id_exclude={','.join(sorted(hanging))}",
                     timeout=max(600, 90 * (len(class_) - len(hanging))), prefix=OWN_NETWORK)
        trouble = ""
    except NbgraderFailed as error:  # nbgrader exits 1 when one submission errs; the others are graded
        # Its ERROR lines, and the exception each traceback ends in (why), from the whole log.
        said = [line.strip() for line in error.log.splitlines()
                if "[AutogradeApp | ERROR]" in line or RAISED.match(line.strip())]
        trouble = str(error).splitlines()[0] + " " + " ".join(said)[:1200]
    times = {"typical": (time.monotonic() - start) / (len(class_) - len(hanging))}
    for student in sorted(hanging):
        start = time.monotonic()
        run_nbgrader(course, "autograde", assignment, "--force", f"--student={student}", prefix=OWN_NETWORK)
        times[student] = time.monotonic() - start
    scores = {}
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        for student in class_:
            try:
                nb = gb.find_submission_notebook(assignment, assignment, student)
            except MissingEntry:
                scores[student] = {}
                continue
            scores[student] = {g.name: (g.score, g.max_score) for g in nb.grades if g.cell_type == "code"}
    messages = {student: errors_shown(course / "autograded" / student / assignment / f"{assignment}.ipynb")
                for student in class_}
    return {"scores": scores, "times": times, "messages": messages, "trouble": trouble}


def errors_shown(path: Path) -> dict[str, tuple[str, str]]:
    """{grade_id: (ename, evalue)} of the test cells that show an error in an autograded notebook."""
    if not path.exists():
        return {}
    shown = {}
    for grade_id, cell in nbgrader_cells(nbformat.read(path, as_version=4)).items():
        if cell.cell_type == "code" and cell.metadata["nbgrader"].get("grade"):
            for out in cell.get("outputs", []):
                if out.output_type == "error":
                    shown[grade_id] = (out.ename, out.evalue)
    return shown


def bare_messages(failed: set[str], shown: dict[str, tuple[str, str]], kind: str,
                  hangs: bool = False) -> dict[str, str]:
    """{grade_id: what the learner sees} for the failed test cells whose error does not say what
    was expected: anything but an AssertionError with such words (or the blank's stub error; or,
    after an answer cell that hung and was stopped by nbgrader, the NameError of what it never
    defined: that answer cell shows the timeout)."""
    bare = {}
    for grade_id in sorted(failed):
        ename, evalue = shown.get(grade_id, ("", ""))
        if ename == "AssertionError" and SAYS_WHAT_WAS_EXPECTED.search(evalue):
            continue
        if (kind == "blank" and ename == "NotImplementedError") or (hangs and ename == "NameError"):
            continue
        bare[grade_id] = f"{ename}: {evalue}"[:300] if ename else "no error shown (stderr output, or a timeout?)"
    return bare


@lru_cache(maxsize=None)
def graded(assignment: str, tmp_root: Path) -> dict:
    """The class graded once per worker; a failed run is kept too, so that every case of this
    assignment reports the same reason (and no other assignment is touched)."""
    try:
        return grade_class(assignment, tmp_root / assignment)
    except Exception as error:  # noqa: BLE001 (reported by each case below)
        return {"error": f"grading {assignment} failed: {type(error).__name__}: {error}"}


def cases():
    """One case per sample submission (conftest.py keeps an assignment's cases on one worker)."""
    for assignment in solution_ids():
        for student, (entry, kind) in class_of(assignment).items():
            yield pytest.param(assignment, student, entry, kind, id=f"{assignment}/{entry['name'] if entry else student}")


@pytest.fixture(scope="session")
def grading_root(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("courses")


@pytest.mark.parametrize("assignment,student,entry,kind", list(cases()))
def test_submission(assignment, student, entry, kind, grading_root):
    result = graded(assignment, grading_root)
    if "error" in result:
        pytest.fail(result["error"])
    scores = result["scores"][student]
    assert scores, f"{assignment}: no autograded test cells were recorded for {student}. {result['trouble']}"
    expected_zero = set()
    if kind == "blank":
        expected_zero = set(scores)
    elif kind == "wrong":
        expected_zero = set(entry["fails"])
        unknown = expected_zero - set(scores)
        assert not unknown, f"{assignment}: '{entry['name']}' names unknown test cells {sorted(unknown)}"
    problems = []
    for grade_id, (score, max_score) in sorted(scores.items()):
        want = 0 if grade_id in expected_zero else max_score
        if score != want:
            shown = ": ".join(result["messages"][student].get(grade_id, ()))[:200]
            problems.append(f"{grade_id}: expected {want} of {max_score}, got {score}" + (f" ({shown})" if shown else ""))
    what = f"{kind} answer '{entry['name']}'" if entry else student
    assert not problems, f"{assignment} / {what}:\n  " + "\n  ".join(problems) + f"\n{result['trouble']}"
    if entry and entry.get("hangs"):
        # Each hanging cell may cost one per-cell timeout; nothing may wait forever.
        budget = result["times"]["typical"] + CELL_TIMEOUT * entry.get("hanging_cells", 1) + 60  # slack for a loaded box
        took = result["times"][student]
        assert took < budget, f"{assignment} / {what}: grading took {took:.0f} s, more than {budget:.0f} s"
    if kind in ("wrong", "blank"):
        failed = {g for g, (score, _) in scores.items() if score == 0}
        shown = result["messages"][student]
        print("\n".join(f"{g}: {': '.join(shown.get(g, ('(no error shown)',)))}" for g in sorted(failed)))  # -rP
        bare = bare_messages(failed, shown, kind, bool(entry and entry.get("hangs")))
        listed = "\n  ".join(f"{g}: {m}" for g, m in bare.items())
        assert not bare, (f"{assignment} / {what}: failed test cells whose message does not say what was "
                          f"expected (use socketlab.check's expect, expect_raises, run_limited):\n  {listed}")
