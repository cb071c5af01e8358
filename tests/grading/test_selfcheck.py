"""`socketlab check <notebook>`: a learner grades their own notebook with every test, hidden
ones included, through the same judge as class grading, and sees messages, never test code."""

from __future__ import annotations

import re
import subprocess
import sys

import nbformat

from conftest import ROOT

ASSIGNMENT = "02-socket-types"


def run_check(notebook) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "socketlab.selfcheck", "check", str(notebook)],
                          capture_output=True, text=True, timeout=900, cwd=ROOT)


def hidden_lines() -> set[str]:
    """The code lines of the assignment's hidden tests (those long enough to be telling)."""
    text = (ROOT / "solutions" / ASSIGNMENT / f"{ASSIGNMENT}.md").read_text()
    blocks = re.findall(r"### BEGIN HIDDEN TESTS\n(.*?)### END HIDDEN TESTS", text, re.S)
    return {line.strip() for block in blocks for line in block.splitlines() if len(line.strip()) > 30}


def test_a_solved_notebook_gets_every_point(tmp_path):
    notebook = tmp_path / f"{ASSIGNMENT}.ipynb"
    notebook.write_bytes((ROOT / "solutions" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb").read_bytes())
    done = run_check(notebook)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "FAIL" not in done.stdout and re.search(r"(\d+) of \1 automatic points", done.stdout), done.stdout


def test_a_wrong_answer_sees_messages_and_no_hidden_code(tmp_path):
    nb = nbformat.read(ROOT / "solutions" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", as_version=4)
    for cell in nb.cells:  # errno_name that swallows timeouts: a hidden test's case among others
        if cell.metadata.get("nbgrader", {}).get("grade_id") == "ex3-solution":
            cell.source = "def errno_name(action):\n    try:\n        action()\n    except Exception as e:\n        return 'X'\n"
    notebook = tmp_path / f"{ASSIGNMENT}.ipynb"
    nbformat.write(nb, notebook)
    before = notebook.read_bytes()
    done = run_check(notebook)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "FAIL" in done.stdout and "ex3-test" in done.stdout and "expected" in done.stdout, done.stdout
    leaked = [line for line in hidden_lines() if line in done.stdout]
    assert not leaked, f"hidden test code printed: {leaked[:3]}"
    assert notebook.read_bytes() == before, "the learner's notebook was changed"
