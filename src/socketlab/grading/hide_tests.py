"""Feedback that keeps hidden tests hidden (nbgrader shows them verbatim: its issue #917).

nbgrader_config.py adds ``HideTestCode`` to ``GenerateFeedback.preprocessors``. In every
auto-graded test cell the hidden block's code is replaced by one comment line, and an error's
traceback (whose frames quote the test's source lines) is cut to its last line, the message
the check wrote: the learner still sees each test's docstring, points and message.
"""

from __future__ import annotations

import re

from nbconvert.preprocessors import Preprocessor
from traitlets import Bool

__all__ = ["HideTestCode", "hide_test_code"]

HIDDEN = re.compile(r"^[ \t]*### BEGIN HIDDEN TESTS.*?^[ \t]*### END HIDDEN TESTS[^\n]*", re.M | re.S)
PLACEHOLDER = "# (hidden tests: their result is below)"
ANSI = re.compile(r"\x1b\[[0-9;]*m")


def hide_test_code(cell) -> None:
    """Strip hidden code and traceback frames from one test cell, in place."""
    meta = cell.metadata.get("nbgrader", {})
    if cell.cell_type != "code" or not meta.get("grade") or meta.get("solution"):
        return
    cell.source = HIDDEN.sub(PLACEHOLDER, cell.source)
    for out in cell.get("outputs", []):
        if out.output_type == "error" and out.traceback:
            out.traceback = [ANSI.sub("", out.traceback[-1])]


class HideTestCode(Preprocessor):
    enabled = Bool(True)  # nbconvert's preprocessors are off unless enabled

    def preprocess_cell(self, cell, resources, index):
        hide_test_code(cell)
        return cell, resources
