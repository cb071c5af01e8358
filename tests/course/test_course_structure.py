"""Every solution notebook follows the course's anatomy (docs/authoring.md).

These checks read the notebooks; nbval (run over solutions/) checks that they run.
"""

import ast
import re
from collections import defaultdict

import nbformat
import pytest

from conftest import ROOT, solution_ids

EXERCISE = re.compile(r"^## Exercise (\d+): .+ \((\d+) points?\)\s*$", re.M)
HIDDEN = "### BEGIN HIDDEN TESTS"


def load(assignment):
    return nbformat.read(ROOT / "solutions" / assignment / f"{assignment}.ipynb", as_version=4)


def grade_cells(nb):
    return [c for c in nb.cells if "nbgrader" in c.metadata]


def markdown(nb):
    return "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")


def test_there_is_a_course():
    assert "00-sockets-and-ports" in solution_ids()


@pytest.mark.parametrize("assignment", solution_ids())
def test_opening_cell(assignment):
    first = load(assignment).cells[0]
    assert first.cell_type == "markdown" and first.source.startswith("# "), \
        f"{assignment}: the first cell should be a markdown title starting with '# '"
    assert "You will learn" in first.source, f"{assignment}: the first cell should list 'You will learn'"


@pytest.mark.parametrize("assignment", solution_ids())
def test_exercises_and_points(assignment):
    nb = load(assignment)
    headings = {int(n): int(p) for n, p in EXERCISE.findall(markdown(nb))}
    assert len(headings) >= 3, f"{assignment}: {len(headings)} '## Exercise N: title (P points)' headings, want 3+"
    assert sorted(headings) == list(range(1, len(headings) + 1)), f"{assignment}: exercises not numbered 1..n"
    tests, answers = defaultdict(list), defaultdict(list)
    for cell in grade_cells(nb):
        meta = cell.metadata.nbgrader
        match = re.match(r"ex(\d+)-(solution|test)", meta["grade_id"])
        if match and match[2] == "test":
            assert meta["grade"] and not meta["solution"] and meta["locked"], f"{meta['grade_id']}: test cell flags"
            tests[int(match[1])].append(cell)
        elif match:
            assert meta["solution"] and not meta["grade"], f"{meta['grade_id']}: answer cell flags"
            answers[int(match[1])].append(cell)
    for n, points in headings.items():
        assert answers[n], f"{assignment}: exercise {n} has no answer cell ex{n}-solution"
        got = sum(c.metadata.nbgrader["points"] for c in tests[n])
        assert got == points, f"{assignment}: exercise {n} heading says {points} points, its test cells give {got}"
        assert any(HIDDEN not in c.source for c in tests[n]), f"{assignment}: exercise {n} has no visible test"
        assert any(HIDDEN in c.source for c in tests[n]), f"{assignment}: exercise {n} has no hidden test"


@pytest.mark.parametrize("assignment", solution_ids())
def test_test_cells_read_well(assignment):
    for cell in grade_cells(load(assignment)):
        if cell.cell_type != "code" or not cell.metadata.nbgrader["grade"]:
            continue
        gid = cell.metadata.nbgrader["grade_id"]
        tree = ast.parse(cell.source)
        doc = ast.get_docstring(tree)
        assert doc and "\n" not in doc.strip(), f"{assignment}/{gid}: start with a one-line docstring"
        last = tree.body[-1]
        assert len(tree.body) > 1, f"{assignment}/{gid}: a test cell that only has a docstring checks nothing"
        assert not (isinstance(last, ast.Expr) and not isinstance(last.value, ast.Call)), \
            f"{assignment}/{gid}: ends with a bare expression, which nbgrader may read as partial credit"


@pytest.mark.parametrize("assignment", solution_ids())
def test_hand_graded_question_and_key_points(assignment):
    nb = load(assignment)
    manual = [c for c in grade_cells(nb) if c.cell_type == "markdown" and c.metadata.nbgrader["grade"]]
    assert manual, f"{assignment}: no free-text question graded by hand (a markdown cell with grade and solution)"
    assert "## Key points" in markdown(nb), f"{assignment}: no '## Key points' section"


@pytest.mark.parametrize("assignment", solution_ids())
def test_stored_outputs_are_clean(assignment):
    for i, cell in enumerate(load(assignment).cells):
        if cell.cell_type != "code":
            continue
        assert cell.execution_count is not None, f"{assignment} cell {i}: not run; `make outputs ID={assignment}`"
        if "raises-exception" in cell.metadata.get("tags", []):
            continue
        for out in cell.outputs:
            assert out.output_type != "error", f"{assignment} cell {i}: stored an error ({out.ename})"
            assert not (out.output_type == "stream" and out.name == "stderr"), \
                f"{assignment} cell {i}: wrote to stderr: {out.text[:200]!r}"


@pytest.mark.parametrize("assignment", solution_ids())
def test_text_and_notebook_agree(assignment):
    from socketlab.lessons import PICTURES, differences

    problems = differences(ROOT, assignment)
    assert not problems, (f"solutions/{assignment}: the .md and the .ipynb disagree "
                          f"(edit the .md, then `make release`):\n  " + "\n  ".join(problems))
    pictures = [i for i, c in enumerate(load(assignment).cells) for o in c.get("outputs", [])
                if set(PICTURES) & set(o.get("data", {}))]
    assert not pictures, f"solutions/{assignment}: cells {pictures} store pictures: `make outputs ID={assignment}`"
