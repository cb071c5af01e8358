"""Real `nbgrader autograde` over a class of sample submissions, for every notebook.

For each assignment a temporary course folder gets: the solution as submitted
(full marks), the untouched student edition (zero, and it finishes), one
submission per typical wrong answer in tests/wrong_answers/<id>.py (exactly the
listed test cells score 0), and the hanging ones (grading still finishes).
nbgrader's exit code says nothing about scores, so the gradebook is read.
"""

from __future__ import annotations

import runpy
import shutil
import textwrap
import time
from functools import lru_cache
from pathlib import Path

import nbformat
import pytest
from nbgrader.api import Gradebook

from conftest import ROOT, solution_ids
from socketlab.release import run_nbgrader

CELL_TIMEOUT = 10  # nbgrader_config.py: c.Execute.timeout


def wrong_answers(assignment: str) -> list[dict]:
    spec = ROOT / "tests" / "wrong_answers" / f"{assignment}.py"
    return runpy.run_path(str(spec))["WRONG_ANSWERS"] if spec.exists() else []


def nbgrader_cells(nb) -> dict[str, nbformat.NotebookNode]:
    return {c.metadata["nbgrader"]["grade_id"]: c for c in nb.cells if "nbgrader" in c.metadata}


def wrong_source(wrong: dict, solution_source: str) -> str:
    """The answer cell a wrong answer submits: its own ``source``, or the solution with
    each ``mutate`` pair (old, new) replaced, every ``old`` required to occur."""
    if "source" in wrong:
        return textwrap.dedent(wrong["source"]).strip("\n")
    source = solution_source
    for old, new in wrong["mutate"]:
        assert old in source, f"wrong answer {wrong['name']!r}: {old!r} is not in {wrong['cell']}'s solution"
        source = source.replace(old, new)
    return source


def filled_in(student_nb, solution_nb, wrong: dict | None = None):
    """The student edition with every answer cell taken from the solution, but ``wrong``'s."""
    nb = nbformat.from_dict(student_nb)
    solved = nbgrader_cells(solution_nb)
    for grade_id, cell in nbgrader_cells(nb).items():
        if cell.metadata["nbgrader"].get("solution"):
            cell.source = solved[grade_id].source
        if wrong and grade_id == wrong["cell"]:
            cell.source = wrong_source(wrong, solved[grade_id].source)
    return nb


def submissions(assignment: str) -> dict[str, nbformat.NotebookNode]:
    solution = nbformat.read(ROOT / "solutions" / assignment / f"{assignment}.ipynb", as_version=4)
    student = nbformat.read(ROOT / "notebooks" / assignment / f"{assignment}.ipynb", as_version=4)
    class_ = {"solution": solution, "blank": student}
    for i, wrong in enumerate(wrong_answers(assignment)):
        class_[f"wrong{i}"] = filled_in(student, solution, wrong)
    return class_


@lru_cache(maxsize=None)
def graded(assignment: str, tmp_root: Path) -> dict:
    """Grade the whole class once per worker: {student: {grade_id: (score, max)}}, and times.

    One `nbgrader autograde` run grades every submission that should finish quickly;
    each hanging one gets a run of its own, timed, to show what a hang costs.
    """
    course = tmp_root / assignment
    course.mkdir(parents=True)
    shutil.copy(ROOT / "nbgrader_config.py", course)
    shutil.copytree(ROOT / "solutions" / assignment, course / "solutions" / assignment)
    run_nbgrader(course, "generate_assignment", assignment, "--force")
    hanging = {f"wrong{i}" for i, w in enumerate(wrong_answers(assignment)) if w.get("hangs")}
    class_ = submissions(assignment)
    for student, nb in class_.items():
        folder = course / "submitted" / student / assignment
        folder.mkdir(parents=True)
        nbformat.write(nb, folder / f"{assignment}.ipynb")
    start = time.monotonic()
    run_nbgrader(course, "autograde", assignment, "--force",
                 f"--CourseDirectory.student_id_exclude={','.join(sorted(hanging))}")
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


def pytest_generate_tests(metafunc):
    """One case per submission of the class's assignment."""
    assignment = metafunc.cls.assignment
    params = [pytest.param("solution", None, id="solution"), pytest.param("blank", None, id="blank")]
    params += [pytest.param(f"wrong{i}", w, id=w["name"]) for i, w in enumerate(wrong_answers(assignment))]
    metafunc.parametrize("student,wrong", params)


@pytest.fixture(scope="session")
def grading_root(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("courses")


class AutogradeCases:
    """The checks for one assignment; a Test* subclass per assignment is made below, so that
    pytest-xdist (--dist=loadscope) grades different assignments on different workers."""

    assignment = ""

    def test_submission(self, student, wrong, grading_root):
        assignment = self.assignment
        result = graded(assignment, grading_root)
        scores = result["scores"][student]
        assert scores, f"{assignment}: no autograded test cells were recorded for {student}"
        if student == "solution":
            expected_zero = set()
        elif student == "blank":
            expected_zero = set(scores)
        else:
            expected_zero = set(wrong["fails"])
            unknown = expected_zero - set(scores)
            assert not unknown, f"{assignment}: '{wrong['name']}' names unknown test cells {sorted(unknown)}"
        problems = []
        for grade_id, (score, max_score) in sorted(scores.items()):
            want = 0 if grade_id in expected_zero else max_score
            if score != want:
                problems.append(f"{grade_id}: expected {want} of {max_score}, got {score}")
        what = wrong["name"] if wrong else student
        assert not problems, f"{assignment} / {what}:\n  " + "\n  ".join(problems)
        if wrong and wrong.get("hangs"):
            # Each hanging cell may cost one per-cell timeout; nothing may wait forever.
            budget = result["times"]["typical"] + CELL_TIMEOUT * wrong.get("hanging_cells", 1) + 30
            took = result["times"][student]
            assert took < budget, f"{assignment} / {what}: grading took {took:.0f} s, more than {budget:.0f} s"


for _assignment in solution_ids():
    _name = "TestAutograde_" + _assignment.replace("-", "_")
    globals()[_name] = type(_name, (AutogradeCases,), {"assignment": _assignment})
