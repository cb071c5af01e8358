"""Run All works on the student edition before any exercise is solved (a learner's first hour).

Every cell that runs the learner's code (test cells, try-it cells, later demos that use an
answer) is tagged `raises-exception`, so JupyterLab's Run All (and nbclient, and nbval)
goes on past it; `%load_ext socketlab.notebook` in the first code cell makes each such
failure one clear line.
"""

import ast
import re

import nbformat
import pytest
from nbclient import NotebookClient

from conftest import ROOT, solution_ids
from learner_code import learner_names

TAG = "raises-exception"
EXTENSION = "%load_ext socketlab.notebook"


def _assigned(source: str) -> set[str]:
    """Names a cell binds at top level (not inside its functions)."""
    found, todo = set(), list(ast.parse(source).body)
    while todo:
        node = todo.pop()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            found.add(node.name)
            continue
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            found.add(node.id)
        todo.extend(ast.iter_child_nodes(node))
    return found


def _runs(cell, names: set[str]) -> bool:
    meta = cell.metadata.get("nbgrader", {})
    if cell.cell_type != "code":
        return False
    if meta.get("solution") or meta.get("grade"):
        return True  # an answer cell (its stub may raise at top level) or a test cell
    return any(re.search(rf"\b{re.escape(n)}\b", cell.source) for n in names)


def cells_running_learner_code(nb) -> list:
    """The cells that fail while an exercise is unsolved: those that use what an answer cell
    defines, or what such a cell computed from it (a later plot of a measurement, say)."""
    names, found = learner_names(nb), []
    for cell in nb.cells:
        if _runs(cell, names):
            found.append(cell)
            if not cell.metadata.get("nbgrader"):
                names |= _assigned(cell.source)
    return found


def student_edition(assignment: str):
    return nbformat.read(ROOT / "notebooks" / assignment / f"{assignment}.ipynb", as_version=4)


@pytest.mark.parametrize("assignment", solution_ids())
def test_cells_that_run_learner_code_are_tagged(assignment):
    nb = nbformat.read(ROOT / "solutions" / assignment / f"{assignment}.ipynb", as_version=4)
    first = next(c for c in nb.cells if c.cell_type == "code")
    assert EXTENSION in first.source, f"{assignment}: the first code cell should run `{EXTENSION}`"
    untagged = [c.get("id") for c in cells_running_learner_code(nb) if TAG not in c.metadata.get("tags", [])]
    assert not untagged, (f"{assignment}: cells {untagged} run the learner's code but lack the tag {TAG!r}, "
                          "so Run All would stop there before the exercise is solved")


@pytest.mark.parametrize("assignment", solution_ids())
def test_run_all_on_the_blank_edition_reaches_the_end(assignment, tmp_path):
    nb = student_edition(assignment)
    folder = ROOT / "notebooks" / assignment
    client = NotebookClient(nb, timeout=60, kernel_name="python3", resources={"metadata": {"path": str(folder)}})
    try:
        client.execute()  # stops at the first error in a cell without the tag, as Run All does
    except Exception as error:  # noqa: BLE001 (the reason is the report)
        pytest.fail(f"{assignment}: Run All stopped: {str(error)[:1500]}")
    long = [c.get("id") for c in nb.cells for o in c.get("outputs", [])
            if o.output_type == "error" and len(o.traceback) > 1 and o.ename in ("NotImplementedError", "AssertionError")]
    assert not long, f"{assignment}: cells {long} show a full traceback where one line says it (socketlab.notebook)"
