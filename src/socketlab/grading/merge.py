"""Step 3: merge executed notebooks into the course's gradebook, one student after another.

One process runs nbgrader's ``Autograde`` converter (through ``NbGraderAPI``) over the
executed notebooks with the ``Execute`` and ``ClearOutput`` preprocessors left out:
nbgrader itself restores locked cells and writes the scores (``SaveAutoGrades``, late
penalties). A submission that could not be executed is merged as its notebook -- or
the blank student edition when it cannot be read -- with every test cell showing the
one-line reason as an error, so it scores 0 there, still appears in formgrader (its
hand-graded answers can be graded) and its feedback says what happened.
"""

from __future__ import annotations

import contextlib
import shutil
import sys
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import nbformat

from socketlab.grading.checks import nbgrader_meta
from socketlab.grading.nbgrader_run import course_settings

__all__ = ["SUBMISSION_FILES", "with_reason", "stage", "Merger"]


def with_reason(nb: Any, reason: str) -> Any:
    """A copy of ``nb`` without outputs whose test cells show ``reason`` as an error (so score 0)."""
    nb = nbformat.from_dict(nb)
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        cell.outputs = []
        cell.execution_count = None
        meta = nbgrader_meta(cell)
        if meta.get("grade") and not meta.get("solution"):
            cell.outputs = [nbformat.v4.new_output("error", ename="NotGraded", evalue=reason,
                                                   traceback=[f"NotGraded: {reason}"])]
    return nb


#: nbgrader's files beside a submitted notebook that must travel on to ``autograded/`` and
#: ``feedback/``: the submission time (late penalty) and the secret of an exchange submission
#: (``nbgrader submit`` writes it; ``release_feedback`` names the feedback file after it and
#: fails without it, ``fetch_feedback`` finds the student's feedback by it).
SUBMISSION_FILES = ("timestamp.txt", "submission_secret.txt")


def stage(staging: Path, root: Path, assignment: str, student: str, nb: Any) -> None:
    """Put ``nb`` where the merge reads it: ``staging/<student>/<assignment>/``, with ``SUBMISSION_FILES``."""
    folder = staging / student / assignment
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    nbformat.write(nb, folder / f"{assignment}.ipynb")
    for name in SUBMISSION_FILES:
        kept = root / "submitted" / student / assignment / name
        if kept.is_file() and not kept.is_symlink():  # a link could point anywhere
            shutil.copy(kept, folder)


@contextlib.contextmanager
def _importable(root: Path) -> Iterator[None]:
    """The course folder on ``sys.path``, as nbgrader's commands put theirs (the folder they run in):
    nbgrader's docs place a course's late-penalty plugin there (``late.py``, ``c.AssignLatePenalties.plugin_class``)."""
    folder = str(Path(root).resolve())
    added = folder not in sys.path
    if added:
        sys.path.insert(0, folder)
    try:
        yield
    finally:
        if added and folder in sys.path:
            sys.path.remove(folder)


class Merger:
    """nbgrader's Autograde over already-executed notebooks in ``staging``, one student a call.

    It records each submission's ``timestamp.txt`` and gives the late penalty of the course's
    ``AssignLatePenalties.plugin_class`` (nbgrader's ``LateSubmissionPlugin`` unless configured).
    One instance, used from one thread: the only writer of the course's gradebook."""

    def __init__(self, root: Path, assignment: str, staging: Path) -> None:
        from nbgrader.apps import NbGraderAPI
        from nbgrader.preprocessors import (
            AssignLatePenalties,
            CheckCellMetadata,
            DeduplicateIds,
            IgnorePattern,
            LimitOutput,
            OverwriteCells,
            OverwriteKernelspec,
            SaveAutoGrades,
        )

        config = course_settings(root)
        config.CourseDirectory.submitted_directory = str(staging)
        config.Autograde.sanitize_preprocessors = [DeduplicateIds, OverwriteKernelspec, OverwriteCells,
                                                   CheckCellMetadata]
        # No second CheckCellMetadata (nbgrader's default has one): the sanitize pass just validated
        # the notebook, and nothing after it changes metadata (it costs ~30 ms a notebook).
        config.Autograde.autograde_preprocessors = [IgnorePattern, LimitOutput, SaveAutoGrades, AssignLatePenalties]
        self.root, self.assignment = root, assignment
        self.api = NbGraderAPI(config=config)

    def __call__(self, student: str) -> str:
        """Merge one staged student; '' or nbgrader's last line of complaint."""
        with warnings.catch_warnings(), _importable(self.root):  # SQLAlchemy's notes on nbgrader's session use
            warnings.filterwarnings("ignore", module="nbgrader.api")
            result = self.api.autograde(self.assignment, student, force=True, create=True)
        if result["success"]:
            return ""
        last = (result.get("error") or result.get("log") or "").strip().splitlines()[-1:] or ["?"]
        return last[0][:200]
