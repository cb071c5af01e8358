"""Real `nbgrader autograde` over a class of sample submissions, for every notebook.

For each assignment a temporary course folder gets: the solution as submitted
(full marks), the untouched student edition (zero, and it finishes), one
submission per typical wrong answer in tests/wrong_answers/<id>.py (exactly the
listed test cells score 0), one per right answer in tests/right_answers/<id>.py
(full marks), and the hanging ones (grading still finishes).
nbgrader's exit code says nothing about scores, so the gradebook is read.
"""

from __future__ import annotations

import shutil
import time
from functools import lru_cache
from pathlib import Path

import nbformat
import pytest
from nbgrader.api import Gradebook

from answers import answer_source, load
from conftest import ROOT, solution_ids
from socketlab.release import run_nbgrader

CELL_TIMEOUT = 10  # nbgrader_config.py: c.Execute.timeout


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
    # One run grades the whole class: allow each submission a minute on a busy 2-core box.
    run_nbgrader(course, "autograde", assignment, "--force",
                 f"--CourseDirectory.student_id_exclude={','.join(sorted(hanging))}",
                 timeout=max(600, 60 * (len(class_) - len(hanging))))
    times = {"typical": (time.monotonic() - start) / (len(class_) - len(hanging))}
    for student in sorted(hanging):
        start = time.monotonic()
        run_nbgrader(course, "autograde", assignment, "--force", f"--student={student}")
        times[student] = time.monotonic() - start
    scores = {}
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        for student in class_:
            nb = gb.find_submission_notebook(assignment, assignment, student)
            scores[student] = {g.name: (g.score, g.max_score) for g in nb.grades if g.cell_type == "code"}
    return {"scores": scores, "times": times}


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
    assert scores, f"{assignment}: no autograded test cells were recorded for {student}"
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
            problems.append(f"{grade_id}: expected {want} of {max_score}, got {score}")
    what = f"{kind} answer '{entry['name']}'" if entry else student
    assert not problems, f"{assignment} / {what}:\n  " + "\n  ".join(problems)
    if entry and entry.get("hangs"):
        # Each hanging cell may cost one per-cell timeout; nothing may wait forever.
        budget = result["times"]["typical"] + CELL_TIMEOUT * entry.get("hanging_cells", 1) + 30
        took = result["times"][student]
        assert took < budget, f"{assignment} / {what}: grading took {took:.0f} s, more than {budget:.0f} s"
