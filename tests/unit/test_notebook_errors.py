"""`%load_ext socketlab.notebook`: short failures in a real kernel, still recorded as errors."""

import re

from nbclient import NotebookClient
from nbformat.v4 import new_code_cell, new_notebook


def run(*sources):
    nb = new_notebook(cells=[new_code_cell("%load_ext socketlab.notebook"), *map(new_code_cell, sources)])
    NotebookClient(nb, timeout=30, kernel_name="python3", allow_errors=True).execute()
    errors = []
    for cell in nb.cells[1:]:
        found = [o for o in cell.outputs if o.output_type == "error"]
        errors.append(found[0] if found else None)
    return errors


def text(error) -> str:
    """The traceback as plain text, without the terminal colours."""
    return re.sub(r"\x1b\[[0-9;]*m", "", "\n".join(error.traceback))


def test_failures_read_short_and_stay_errors():
    check, stub, own, fine = run(
        "from socketlab.check import expect\nexpect(1, 2, 'one plus nothing')",
        "def parse(text):\n    raise NotImplementedError()\n\nfrom socketlab.check import run_limited\nrun_limited(parse, 'x')",
        "from socketlab.check import run_limited\ndef boom():\n    assert 1 + 1 == 3, 'my own check'\nrun_limited(boom)",
        "print('ok')",
    )
    assert check.ename == "AssertionError" and len(check.traceback) == 1, check.traceback
    assert "one plus nothing: expected 2, got 1." in text(check)
    assert stub.ename == "NotImplementedError" and len(stub.traceback) == 1
    assert "Not solved yet" in text(stub) and "`parse`" in text(stub)
    assert own.ename == "AssertionError"
    assert "assert 1 + 1 == 3" in text(own), "the learner's own line should still be shown"
    assert "check.py" not in text(own), text(own)
    assert fine is None
