"""Sample answers the autograde test submits: tests/wrong_answers/<id>.py and tests/right_answers/<id>.py.

Each file defines a list of entries (WRONG_ANSWERS or RIGHT_ANSWERS), one answer cell each:

    name           what the answer does, in a few words (the test case's id)
    cell           the grade_id of the answer cell it replaces
    source         the whole answer cell, or
    mutate         [(old, new), ...]: the solution's cell with each old text replaced
    fails          (wrong answers) the test cells that must score 0; all others keep full marks
    breaks         (wrong answers) the requirement numbers of the exercise it breaks, e.g. [2]: the
                   numbered **Requirements** of the exercise whose answer cell `cell` is; each at least 1
    hangs          (wrong answers) True when a cell of it blocks until nbgrader's cell timeout
    hanging_cells  (wrong answers) how many cells may each cost one timeout (default 1)

A right answer must get full marks. An unknown key or a missing one is an error, so a typo
such as "hang" fails loudly instead of being ignored.
"""

from __future__ import annotations

import runpy
import textwrap

from conftest import ROOT

COMMON = {"name": str, "cell": str, "source": str, "mutate": list}
KINDS = {
    "wrong": ("WRONG_ANSWERS", {**COMMON, "fails": list, "breaks": list, "hangs": bool, "hanging_cells": int},
              {"fails"}),
    "right": ("RIGHT_ANSWERS", COMMON, set()),
}


def problems(entry: dict, kind: str) -> list[str]:
    """What is wrong with one entry's shape (empty when it is well formed)."""
    _, allowed, required = KINDS[kind]
    found = []
    unknown = sorted(set(entry) - set(allowed))
    if unknown:
        found.append(f"unknown keys {unknown} (allowed: {sorted(allowed)})")
    missing = sorted(({"name", "cell"} | required) - set(entry))
    if missing:
        found.append(f"missing {missing}")
    if ("source" in entry) == ("mutate" in entry):
        found.append("give exactly one of 'source' and 'mutate'")
    found += [f"{key!r} should be {allowed[key].__name__}, not {type(value).__name__}"
              for key, value in entry.items() if key in allowed and not isinstance(value, allowed[key])]
    breaks = entry.get("breaks")
    if isinstance(breaks, list) and (not breaks or len(set(map(repr, breaks))) != len(breaks) or not all(
            type(n) is int and n >= 1 for n in breaks)):
        found.append(f"'breaks' should list requirement numbers (1, 2, ...) once each, not {breaks!r}")
    return found


def load(assignment: str, kind: str) -> list[dict]:
    """The entries of one assignment's file, checked; [] when there is no file."""
    variable = KINDS[kind][0]
    path = ROOT / "tests" / f"{kind}_answers" / f"{assignment}.py"
    if not path.exists():
        return []
    entries = runpy.run_path(str(path))[variable]
    bad = [f"{entry.get('name', i)!r}: {p}" for i, entry in enumerate(entries) for p in problems(entry, kind)]
    if bad:
        raise ValueError(f"{path.relative_to(ROOT)}:\n  " + "\n  ".join(bad))
    return entries


def answer_source(entry: dict, solution_source: str) -> str:
    """The answer cell an entry submits: its ``source``, or the solution with each ``mutate`` pair
    (old, new) replaced, every ``old`` required to occur."""
    if "source" in entry:
        return textwrap.dedent(entry["source"]).strip("\n")
    source = solution_source
    for old, new in entry["mutate"]:
        assert old in source, f"answer {entry['name']!r}: {old!r} is not in {entry['cell']}'s solution"
        source = source.replace(old, new)
    return source


def solved_edition(student_nb, solution_nb):
    """A copy of the student edition whose answer cells hold the solution's: an honest student."""
    import nbformat

    answers = {c.metadata["nbgrader"]["grade_id"]: c.source for c in solution_nb.cells
               if c.metadata.get("nbgrader", {}).get("solution")}
    nb = nbformat.from_dict(student_nb)
    for cell in nb.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if grade_id in answers:
            cell.source = answers[grade_id]
    return nb
