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


# --- numbered requirements (issue 14; docs/authoring.md, "Requirements, tests and answers") ---

REQUIREMENTS = "**Requirements**"
ITEM = re.compile(r"^(\d+)\.\s+\S")
NAMES = re.compile(r"^(R\d+(?:\s*,\s*R\d+)*)\s*:")  # """R1, R2: what the cell checks."""
RIGHT_ANSWERS_PER_EXERCISE = 3


def requirements(text: str) -> list[int] | None:
    """The numbers of the list after the `**Requirements**` line of an exercise's markdown, or None
    when it has none. The list ends at the first line that is neither an item, nor indented (an
    item's continuation), nor blank."""
    lines = text.splitlines()
    start = next((i for i, line in enumerate(lines) if line.strip() == REQUIREMENTS), None)
    if start is None:
        return None
    numbers = []
    for line in lines[start + 1:]:
        item = ITEM.match(line)
        if item:
            numbers.append(int(item[1]))
        elif line.strip() and not line.startswith((" ", "\t")):
            break
    return numbers


def exercises(nb) -> dict[int, list[int] | None]:
    """{exercise number: its requirement numbers, or None}, from the cells with an exercise heading."""
    found = {}
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            headings = list(EXERCISE.finditer(cell.source))
            for match, following in zip(headings, headings[1:] + [None]):
                section = cell.source[match.start():following.start() if following else None]
                found[int(match[1])] = requirements(section)
    return found


def named_requirements(cell) -> list[int] | None:
    """The requirement numbers a test cell's docstring starts with, or None when it names none."""
    doc = ast.get_docstring(ast.parse(cell.source)) or ""
    match = NAMES.match(doc.strip())
    return [int(n) for n in re.findall(r"\d+", match[1])] if match else None


def exercise_of(grade_id: str) -> int | None:
    match = re.match(r"ex(\d+)-", grade_id)
    return int(match[1]) if match else None


def with_requirements() -> list[str]:
    return [a for a in solution_ids() if any(r is not None for r in exercises(load(a)).values())]


def requirement_problems(assignment: str, nb=None, wrong=None, right=None) -> list[str]:
    """Everything that breaks the requirements convention in one notebook and its answer files
    (by default the solution notebook and tests/wrong_answers|right_answers/<assignment>.py)."""
    from answers import load as load_answers

    nb = nb or load(assignment)
    wrong = load_answers(assignment, "wrong") if wrong is None else wrong
    right = load_answers(assignment, "right") if right is None else right
    specs = exercises(nb)
    found = [f"exercise {n}: no '{REQUIREMENTS}' numbered list" for n, r in specs.items() if r is None]
    specs = {n: r for n, r in specs.items() if r is not None}
    for n, numbers in specs.items():
        if numbers != list(range(1, len(numbers) + 1)):
            found.append(f"exercise {n}: requirements numbered {numbers}, want 1..{len(numbers)}")
    tested = defaultdict(set)
    for cell in grade_cells(nb):
        gid = cell.metadata.nbgrader["grade_id"]
        n = exercise_of(gid)
        if cell.cell_type != "code" or not cell.metadata.nbgrader["grade"] or n not in specs:
            continue
        names = named_requirements(cell)
        if not names:
            found.append(f"{gid}: its docstring should start with the requirements it checks, e.g. 'R1, R2: ...'")
            continue
        unknown = sorted(set(names) - set(specs[n]))
        if unknown:
            found.append(f"{gid}: names R{', R'.join(map(str, unknown))}, which exercise {n} does not have")
        tested[n] |= set(names)
    broken = defaultdict(set)
    for entry in wrong:
        n = exercise_of(entry["cell"])
        if n not in specs:
            continue
        if not entry.get("breaks"):
            found.append(f"wrong answer {entry['name']!r}: no 'breaks' (the requirements of exercise {n} it breaks)")
            continue
        unknown = sorted(set(entry["breaks"]) - set(specs[n]))
        if unknown:
            found.append(f"wrong answer {entry['name']!r}: breaks {unknown}, which exercise {n} does not have")
        if entry["fails"]:
            broken[n] |= set(entry["breaks"])
    answered = defaultdict(int)
    for entry in right:
        answered[exercise_of(entry["cell"])] += 1
    for n, numbers in specs.items():
        for r in numbers:
            if r not in tested[n]:
                found.append(f"exercise {n} R{r}: no test cell names it")
            if r not in broken[n]:
                found.append(f"exercise {n} R{r}: no wrong answer in tests/wrong_answers/{assignment}.py breaks it")
        if answered[n] < RIGHT_ANSWERS_PER_EXERCISE:
            found.append(f"exercise {n}: {answered[n]} right answers in tests/right_answers/{assignment}.py, "
                         f"want at least {RIGHT_ANSWERS_PER_EXERCISE}")
    return found


def sample_notebook(spec: str, docstrings: list[str]):
    """A notebook with exercise 1 whose markdown is ``spec`` and one test cell per docstring."""
    nb = nbformat.v4.new_notebook()
    nb.cells.append(nbformat.v4.new_markdown_cell(f"## Exercise 1: Echo (2 points)\n\nWrite `echo`.\n\n{spec}"))
    for i, doc in enumerate(docstrings):
        cell = nbformat.v4.new_code_cell(f'"""{doc}"""\nexpect(1, 1, "one")')
        cell.metadata["nbgrader"] = {"grade": True, "solution": False, "locked": True, "points": 1,
                                     "grade_id": f"ex1-test-{i}"}
        nb.cells.append(cell)
    return nb


SPEC = """**Requirements**
1. Returns the reply as `str`,
   decoded from UTF-8.

2. Closes the socket in every case.

```python
echo(address)
```
3. Not a requirement: the list ended at the code block.
"""
RIGHT = [{"name": f"style {i}", "cell": "ex1-solution", "source": "pass"} for i in range(3)]


def test_the_requirements_check_accepts_a_notebook_that_follows_the_convention():
    assert requirements(SPEC) == [1, 2]
    nb = sample_notebook(SPEC, ["R1: the reply is text.", "R1, R2: closes, also after an error."])
    wrong = [{"name": "bytes", "cell": "ex1-solution", "fails": ["ex1-test-0"], "breaks": [1], "source": ""},
             {"name": "no close", "cell": "ex1-solution", "fails": ["ex1-test-1"], "breaks": [2], "source": ""}]
    assert requirement_problems("sample", nb, wrong, RIGHT) == []


def test_the_requirements_check_finds_every_kind_of_gap():
    nb = sample_notebook(SPEC, ["Checks the reply.", "R1, R3: something else."])
    wrong = [{"name": "bytes", "cell": "ex1-solution", "fails": ["ex1-test-1"], "breaks": [1, 4], "source": ""},
             {"name": "no breaks", "cell": "ex1-solution", "fails": ["ex1-test-1"], "source": ""}]
    assert requirement_problems("sample", nb, wrong, RIGHT[:2]) == [
        "ex1-test-0: its docstring should start with the requirements it checks, e.g. 'R1, R2: ...'",
        "ex1-test-1: names R3, which exercise 1 does not have",
        "wrong answer 'bytes': breaks [4], which exercise 1 does not have",
        "wrong answer 'no breaks': no 'breaks' (the requirements of exercise 1 it breaks)",
        "exercise 1 R2: no test cell names it",
        "exercise 1 R2: no wrong answer in tests/wrong_answers/sample.py breaks it",
        "exercise 1: 2 right answers in tests/right_answers/sample.py, want at least 3",
    ]
    nb.cells[0].source += "\n## Exercise 2: More (1 point)\n"  # an exercise without a list
    assert "exercise 2: no '**Requirements**' numbered list" in requirement_problems("sample", nb, wrong, RIGHT)
    assert requirements("**Requirements**\n1. One.\n3. Three.\n") == [1, 3]
    nb.cells[0].source = "## Exercise 1: Echo (2 points)\n**Requirements**\n1. One.\n3. Three.\n"
    assert "exercise 1: requirements numbered [1, 3], want 1..2" in requirement_problems("sample", nb, wrong, RIGHT)


@pytest.mark.parametrize("assignment", solution_ids())
def test_every_requirement_is_tested_broken_and_answered(assignment):
    if assignment not in with_requirements():
        pytest.skip(f"{assignment} has no '{REQUIREMENTS}' list yet (see test_every_notebook_has_requirements)")
    problems = requirement_problems(assignment)
    assert not problems, f"{assignment}: requirements convention (docs/authoring.md):\n  " + "\n  ".join(problems)


def test_every_notebook_has_requirements():
    missing = sorted(set(solution_ids()) - set(with_requirements()))
    assert not missing, f"notebooks without any '{REQUIREMENTS}' list: {', '.join(missing)}"
