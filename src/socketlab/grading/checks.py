"""Step 1: look at every submission before grading it, without changing it.

Readable notebook? The right file name? Test cells deleted, edited or reordered? An old
nbformat? Malformed nbgrader metadata? A symbolic link? Answer code that touches the
grading machinery (suspicious.py)? Each finding is a note (graded
anyway) or a one-line reason why the submission cannot be graded (it then scores 0).
Whatever a submission holds, checking it never raises: one bad submission costs only itself.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import nbformat

from socketlab.grading.status import Outcome
from socketlab.grading.suspicious import submission_notes

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


def _kind(value: Any) -> str:
    return "null" if value is None else f"a{'n' if type(value).__name__[0] in 'aeiou' else ''} {type(value).__name__}"


def malformed(nb: Any) -> str:
    """Why the cells of ``nb`` cannot be graded as they are ('' when they can): wrong types where nbgrader
    expects a mapping, text or a number."""
    if not isinstance(nb.get("cells"), list):
        return f"its cells are {_kind(nb.get('cells'))}, not a list"
    for number, cell in enumerate(nb["cells"], 1):
        where = f"cell {number}"
        if not isinstance(cell, dict):
            return f"{where} is {_kind(cell)}, not a cell"
        if cell.get("cell_type") not in ("code", "markdown", "raw"):
            return f"{where}: unknown cell type {str(cell.get('cell_type'))[:40]!r}"
        if not isinstance(cell.get("source", ""), str):
            return f"{where}: its source is {_kind(cell.get('source'))}, not text"
        meta = cell.get("metadata", {})
        if not isinstance(meta, dict):
            return f"{where}: its metadata is {_kind(meta)}, not a mapping"
        if "nbgrader" not in meta:
            continue
        grading = meta["nbgrader"]
        if not isinstance(grading, dict):
            return f"{where}: its nbgrader metadata is {_kind(grading)}, not a mapping"
        if "grade_id" in grading and not isinstance(grading["grade_id"], str):
            return f"{where}: its nbgrader grade_id is {_kind(grading['grade_id'])}, not text"
        points = grading.get("points", 0)
        if isinstance(points, bool) or not isinstance(points, (int, float, str)):
            return f"{where}: its nbgrader points are {_kind(points)}, not a number"
        try:
            float(points)
        except ValueError:
            return f"{where}: its nbgrader points {str(points)[:20]!r} are not a number"
        for flag in ("grade", "solution", "locked", "task"):
            if flag in grading and not isinstance(grading[flag], bool):
                return f"{where}: its nbgrader {flag} is {_kind(grading[flag])}, not true or false"
    return ""


def symlinks(folder: Path, root: Path) -> list[str]:
    """Symbolic links in a submission folder (the folder and its student folder included), relative to ``root``."""
    found = [p for p in (folder.parent, folder) if p.is_symlink()]
    if not found:
        for top, dirs, files in os.walk(folder):  # does not follow links
            found += [Path(top) / name for name in [*dirs, *files] if (Path(top) / name).is_symlink()]
    return [str(p.relative_to(root)) if p.is_relative_to(root) else str(p) for p in sorted(found)]


def check_submission(folder: Path, assignment: str, tests: dict[str, str], order: list[str],
                     course_sources: set[str] | None = None) -> tuple[Outcome, Any]:
    """Look at ``submitted/<student>/<assignment>/``: (outcome so far, the notebook or None). Never raises.

    Cells the student wrote or changed (their source is not in ``course_sources``, the
    student edition's) that touch the grading machinery get a ``look:`` note (suspicious.py).
    """
    outcome = Outcome(folder.parent.name)
    try:
        outcome, nb = _check(outcome, folder, assignment, tests, order)
        if nb is not None and course_sources is not None:
            outcome.notes += submission_notes(nb, course_sources, set(tests))
        return outcome, nb
    except Exception as exc:  # noqa: BLE001 -- a submission we did not foresee: it alone is not graded
        outcome.fail("unreadable", f"could not be checked: {type(exc).__name__}: {str(exc)[:200]}")
        return outcome, None


def _check(outcome: Outcome, folder: Path, assignment: str, tests: dict[str, str],
           order: list[str]) -> tuple[Outcome, Any]:
    links = symlinks(folder, folder.parent.parent.parent)
    if links:
        outcome.fail("refused", f"{links[0]} is a symbolic link: refused, only regular files are graded"
                     + (f" ({len(links) - 1} more)" if len(links) > 1 else ""))
        return outcome, None
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
    problem = malformed(nb)
    if problem:
        outcome.fail("unreadable", f"malformed notebook: {problem}")
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
