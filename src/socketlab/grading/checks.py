"""Step 1: look at every submission before grading it, without changing it.

Readable notebook? The right file name? Test cells deleted, edited or reordered? An old
nbformat? Malformed nbgrader metadata? Each finding is a note (graded anyway) or a
one-line reason why the submission cannot be graded (it then scores 0).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import nbformat

from socketlab.grading.status import Outcome

__all__ = ["nbgrader_meta", "test_cells", "grade_ids", "check_submission"]


def nbgrader_meta(cell: Any) -> dict[str, Any]:
    """A cell's nbgrader metadata, ``{}`` when it has none (or none that is a mapping)."""
    meta = cell.get("metadata", {}).get("nbgrader") if isinstance(cell.get("metadata"), dict) else None
    return meta if isinstance(meta, dict) else {}


def test_cells(released: Any) -> dict[str, str]:
    """{grade_id: source} of the auto-graded test cells of the student edition, in notebook order."""
    return {nbgrader_meta(c)["grade_id"]: c.source for c in released.cells
            if c.cell_type == "code" and nbgrader_meta(c).get("grade") and not nbgrader_meta(c).get("solution")}


def grade_ids(nb: Any) -> list[str]:
    """The grade_id of every nbgrader cell, in notebook order."""
    return [nbgrader_meta(c)["grade_id"] for c in nb.cells if "grade_id" in nbgrader_meta(c)]


def check_submission(folder: Path, assignment: str, tests: dict[str, str],
                     order: list[str]) -> tuple[Outcome, Any]:
    """Look at ``submitted/<student>/<assignment>/``: (outcome so far, the notebook or None)."""
    outcome = Outcome(folder.parent.name)
    path = folder / f"{assignment}.ipynb"
    if not path.is_file():
        others = sorted(p.name for p in folder.glob("*.ipynb"))
        outcome.fail("missing", f"no {path.name} in the submission" +
                     (f" (found {', '.join(others)}: collect accepts renamed notebooks)" if others else ""))
        return outcome, None
    raw = path.read_bytes()
    if not raw.strip():
        outcome.fail("unreadable", "the notebook file is empty")
        return outcome, None
    try:
        version = json.loads(raw).get("nbformat")
        nb = nbformat.reads(raw.decode("utf-8"), as_version=4)
    except Exception as exc:  # JSON, encoding or nbformat errors all mean the same to a teacher
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        outcome.fail("unreadable", f"not a valid notebook: {first[:200]}")
        return outcome, None
    if version != 4:
        outcome.notes.append(f"saved as nbformat v{version}: converted to v4 for grading")
    seen = [nbgrader_meta(c).get("grade_id") for c in nb.cells]
    deleted = [g for g in tests if g not in seen]
    if deleted:
        outcome.notes.append(f"test cells deleted: {', '.join(deleted)} (nbgrader leaves them ungraded, "
                             "flagged 'needs manual grade')")
    edited = [g for c in nb.cells if (g := nbgrader_meta(c).get("grade_id")) in tests
              and c.source.strip() != tests[g].strip()]
    if edited:
        outcome.notes.append(f"test cells edited: {', '.join(edited)} (nbgrader restored the originals)")
    seen_ids = [g for g in seen if g in order]
    if seen_ids != sorted(seen_ids, key=order.index):
        outcome.notes.append("nbgrader cells reordered: graded in the student's order")
    return outcome, nb
