"""Due dates and late penalties reach the grades through socketlab-grade, as nbgrader defines them.

The due date is set with ``nbgrader db assignment add --duedate``; each submission's
``timestamp.txt`` says when it was handed in; nbgrader's ``AssignLatePenalties`` asks the
configured plugin for the penalty. Here the plugin is the instructor guide's example, one
point per started hour, in a ``late.py`` beside ``nbgrader_config.py``, where nbgrader's docs put
it (https://nbgrader.readthedocs.io/en/stable/plugins/late-plugin.html).
"""

from __future__ import annotations

import csv

import nbformat
from nbgrader.api import Gradebook

from sample import CORRECT, filled, make_course, nbgrader_here, student_notebook
from sample import SAMPLE_ID as A
from socketlab.grading.cli import main as cli
from socketlab.grading.nbgrader_run import gradebook_url

PLUGIN = '''import math
from nbgrader.plugins import BasePlugin

class PointPerHour(BasePlugin):
    def late_submission_penalty(self, student_id, score, total_seconds_late):
        return math.ceil(total_seconds_late / 3600)
'''


def test_a_late_submission_gets_the_configured_penalty(tmp_path):
    course = make_course(tmp_path / "course")
    (course / "late.py").write_text(PLUGIN)
    with open(course / "nbgrader_config.py", "a") as config:
        config.write('c.AssignLatePenalties.plugin_class = "late.PointPerHour"\n')
    nbgrader_here(course, "db", "assignment", "add", A, "--duedate=2026-05-01 12:00:00 UTC")
    answer = filled(student_notebook(course), CORRECT)
    for student, handed_in in [("prompt", "2026-05-01 11:59:00.000000 UTC"),
                               ("late", "2026-05-01 14:30:00.000000 UTC")]:  # 2 h 30 min late
        folder = course / "submitted" / student / A
        folder.mkdir(parents=True)
        nbformat.write(answer, folder / f"{A}.ipynb")
        (folder / "timestamp.txt").write_text(handed_in)

    assert cli(["grade", A, "--course", str(course), "--jobs", "1", "--no-feedback"]) == 0

    with Gradebook(gradebook_url(course)) as gb:
        got = {s: (gb.find_submission(A, s).score, gb.find_submission(A, s).late_submission_penalty)
               for s in ("prompt", "late")}
    assert got == {"prompt": (4.0, 0.0), "late": (4.0, 3.0)}  # 4 points before the hand-graded answer
    with open(course / "reports" / A / "grades.csv", newline="") as handle:
        rows = {row["student_id"]: row for row in csv.DictReader(handle)}
    assert (rows["late"]["score"], rows["late"]["raw_score"], rows["late"]["late_penalty"]) == ("1.0", "4.0", "3.0")
    assert rows["late"]["submitted_at"].startswith("2026-05-01 14:30:00")
    assert (rows["prompt"]["score"], rows["prompt"]["late_penalty"]) == ("4.0", "0.0")
