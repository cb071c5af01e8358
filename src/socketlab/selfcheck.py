"""``socketlab check <notebook>``: grade your own notebook as the class would be graded.

For self-study: runs every test of the notebook's assignment, hidden ones included, with
the same sealed judge as class grading (real ``nbgrader autograde`` in a private copy of
the course, made from this repository's solutions/), and prints each test's requirement
line, points and message. The hidden tests' code is never printed; a failing hidden test
shows only its message. Your notebook is read, never changed.

    socketlab check workspace/03-bind/03-bind.ipynb
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

__all__ = ["main", "check"]

STUDENT = "me"


def _course(root: Path, assignment: str, notebook: Path, work: Path) -> Path:
    """A private course in ``work``: the course's config and this assignment's solution, your notebook submitted."""
    from socketlab.grading.nbgrader_run import run_nbgrader

    course = work / "course"
    (course / "solutions").mkdir(parents=True)
    shutil.copy(root / "nbgrader_config.py", course)
    shutil.copytree(root / "solutions" / assignment, course / "solutions" / assignment)
    run_nbgrader(course, "generate_assignment", assignment, "--force",
                 f"--CourseDirectory.release_directory={work / 'release'}")
    submitted = course / "submitted" / STUDENT / assignment
    submitted.mkdir(parents=True)
    shutil.copy(notebook, submitted / f"{assignment}.ipynb")
    return course


def _requirement(source: str) -> str:
    """A test cell's first line when it is its docstring ('R1, R2: ...'), else ''."""
    first = source.strip().splitlines()[0] if source.strip() else ""
    return first.strip('"').strip() if first.startswith('"""') else ""


def check(notebook: Path, root: Path) -> list[dict]:
    """[{grade_id, requirement, score, points, message}] for each auto-graded test of ``notebook``."""
    import nbformat
    from nbgrader.api import Gradebook

    from socketlab.grading.nbgrader_run import gradebook_url, run_nbgrader

    assignment = notebook.stem
    if not (root / "solutions" / assignment / f"{assignment}.ipynb").is_file():
        raise SystemExit(f"socketlab check: {notebook.name} is not one of the course's notebooks "
                         f"(no solutions/{assignment}/ in {root})")
    with tempfile.TemporaryDirectory(prefix="socketlab-check-") as tmp:
        course = _course(root, assignment, notebook, Path(tmp))
        try:
            run_nbgrader(course, "autograde", assignment, "--force", timeout=1800)
        except RuntimeError as exc:
            raise SystemExit(f"socketlab check: grading stopped: {str(exc).splitlines()[0]}") from None
        graded = nbformat.read(course / "autograded" / STUDENT / assignment / f"{assignment}.ipynb", as_version=4)
        messages = {}
        for cell in graded.cells:
            meta = cell.metadata.get("nbgrader", {})
            if cell.cell_type == "code" and meta.get("grade") and not meta.get("solution"):
                errors = [o for o in cell.get("outputs", []) if o.get("output_type") == "error"]
                text = errors[0].get("traceback", [""])[0] if errors else ""
                messages[meta["grade_id"]] = (_requirement(cell.source), _plain(text))
        with Gradebook(gradebook_url(course)) as gb:
            grades = gb.find_submission_notebook(assignment, assignment, STUDENT).grades
            results = [{"grade_id": g.name, "requirement": messages.get(g.name, ("", ""))[0],
                        "score": g.score, "points": g.max_score, "message": messages.get(g.name, ("", ""))[1]}
                       for g in grades if g.cell_type == "code"]
    order = list(messages)
    return sorted(results, key=lambda r: order.index(r["grade_id"]) if r["grade_id"] in order else len(order))


def _plain(text: str) -> str:
    """A message without terminal colours."""
    import re

    return re.sub(r"\x1b\[[0-9;]*m", "", text)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="socketlab", description="Tools for learners of the socketlab course.")
    commands = parser.add_subparsers(dest="command", required=True)
    checking = commands.add_parser("check", help="grade your notebook with every test, hidden ones included")
    checking.add_argument("notebook", type=Path)
    options = parser.parse_args(argv)
    from socketlab.grading.nbgrader_run import course_root

    notebook = options.notebook.resolve()
    if not notebook.is_file():
        raise SystemExit(f"socketlab check: no such notebook: {options.notebook}")
    results = check(notebook, course_root(Path(__file__).resolve().parent))
    total = sum(r["score"] for r in results)
    for r in results:
        mark = "ok  " if r["score"] == r["points"] else "FAIL"
        print(f"{mark} {r['score']:g}/{r['points']:g}  {r['grade_id']}: {r['requirement']}")
        if r["message"] and r["score"] != r["points"]:
            print("       " + r["message"].replace("\n", "\n       "))
    print(f"{total:g} of {sum(r['points'] for r in results):g} automatic points; free-text answers are graded by hand.")
    sys.exit(0 if all(r["score"] == r["points"] for r in results) else 1)


if __name__ == "__main__":
    main()
