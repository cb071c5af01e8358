"""Benchmark: grade a class of N submissions serially with plain nbgrader, then with socketlab-grade
(a sandbox per submission, test cells decided by the sealed judge).

    .venv/bin/python benchmarks/grade_class.py            # 60 submissions
    .venv/bin/python benchmarks/grade_class.py -n 10 -j 2 4 6   # one socketlab-grade run per -j

Grades notebook 00-sockets-and-ports: half the submissions are the solution
notebook's answers filled into the student edition, half are untouched. Both runs use
fresh course copies in a temporary folder, the same submissions and the course's own
nbgrader_config.py; the scores of both runs are compared. Prints both wall-clock times and their ratio. Not a test.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

import nbformat
from nbgrader.api import Gradebook

from socketlab.grading.cli import main as socketlab_grade
from socketlab.grading.limits import default_jobs
from socketlab.grading.nbgrader_run import gradebook_url, run_nbgrader

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests" / "grading"))
from sample import filled  # noqa: E402 (the grading tests' sample course)

COURSE_ID = "00-sockets-and-ports"


def class_of(n: int, work: Path) -> tuple[Path, str, list[nbformat.NotebookNode]]:
    """A course folder template, the assignment id and n submissions."""
    template = work / "template"
    solution = REPO / "solutions" / COURSE_ID / f"{COURSE_ID}.ipynb"
    template.mkdir()
    shutil.copy(REPO / "nbgrader_config.py", template)
    shutil.copytree(solution.parent, template / "solutions" / COURSE_ID)
    run_nbgrader(template, "generate_assignment", COURSE_ID, "--force", "--no-db")
    blank = nbformat.read(template / "notebooks" / COURSE_ID / f"{COURSE_ID}.ipynb", as_version=4)
    solved = nbformat.read(solution, as_version=4)
    answers = {c.metadata.nbgrader["grade_id"]: c.source for c in solved.cells
               if c.metadata.get("nbgrader", {}).get("solution")}
    kinds = [answers, {}]  # full marks and an untouched notebook
    return template, COURSE_ID, [filled(blank, kinds[i % len(kinds)]) for i in range(n)]


def fresh_course(template: Path, target: Path, assignment: str, submissions) -> Path:
    shutil.copytree(template, target)
    run_nbgrader(target, "generate_assignment", assignment, "--force",
                 f"--CourseDirectory.release_directory={target / 'release-tmp'}")
    for i, nb in enumerate(submissions):
        folder = target / "submitted" / f"s{i:03d}" / assignment
        folder.mkdir(parents=True)
        nbformat.write(nb, folder / f"{assignment}.ipynb")
    return target


def scores(course: Path, assignment: str) -> dict[str, float]:
    with Gradebook(gradebook_url(course)) as gb:
        return {s.student.id: s.score for s in gb.assignment_submissions(assignment)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", type=int, default=60, help="submissions (default 60)")
    parser.add_argument("-j", "--jobs", type=int, nargs="+", default=[default_jobs()],
                        help=f"workers for socketlab-grade, one run for each (default {default_jobs()})")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="grade-bench-") as tmp:
        work = Path(tmp)
        template, assignment, submissions = class_of(options.n, work)
        print(f"{options.n} submissions of {assignment}; {os.cpu_count()} cores; load {os.getloadavg()[0]:.1f}")

        plain = fresh_course(template, work / "plain", assignment, submissions)
        start = time.monotonic()
        # Plain nbgrader: the test cells run in the student's kernel (the judge switched off).
        run_nbgrader(plain, "autograde", assignment, "--force", f"--JudgedExecute.kernel_side={assignment}",
                     timeout=24 * 3600)
        serial = time.monotonic() - start
        print(f"plain `nbgrader autograde` (serial, one process, tests in the kernel): {serial:.1f} s")

        for jobs in options.jobs:
            ours = fresh_course(template, work / f"ours-{jobs}", assignment, submissions)
            start = time.monotonic()
            socketlab_grade(["-q", "grade", assignment, "--course", str(ours), "--jobs", str(jobs), "--no-feedback"])
            parallel = time.monotonic() - start
            same = scores(plain, assignment) == scores(ours, assignment)
            print(f"socketlab-grade grade -j {jobs} (sandboxed, sealed judge, autograde only): {parallel:.1f} s; "
                  f"ratio plain/socketlab-grade {serial / parallel:.2f}; same scores: {same}; "
                  f"load now {os.getloadavg()[0]:.1f}", flush=True)
            if not same:
                sys.exit("the two runs disagree on scores")

if __name__ == "__main__":
    main()
