"""Feedback keeps hidden tests hidden and carries its pictures (nbgrader_config.py, hide_tests.py)."""

import nbformat
from nbconvert import HTMLExporter
from nbformat.v4 import new_output
from traitlets.config import Config
from traitlets.config.loader import PyFileConfigLoader

from conftest import ROOT
from socketlab.grading.hide_tests import hide_test_code

ASSIGNMENT = "00-sockets-and-ports"


def graded_notebook():
    """The student edition with the solution's test cells (hidden code included), one failing."""
    nb = nbformat.read(ROOT / "solutions" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", as_version=4)
    tests = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade") and c.cell_type == "code"]
    tests[-1].outputs = [new_output("error", ename="AssertionError", evalue="shout: expected 'HI', got ''.",
                                    traceback=["\x1b[31m---\x1b[0m", "secret_helper(conn)  # a hidden line",
                                               "\x1b[31mAssertionError\x1b[0m: shout: expected 'HI', got ''."])]
    return nb, tests


def test_hidden_code_and_frames_are_gone_and_the_message_stays():
    nb, tests = graded_notebook()
    assert any("### BEGIN HIDDEN TESTS" in c.source for c in tests)
    for cell in nb.cells:
        hide_test_code(cell)
    assert not any("BEGIN HIDDEN" in c.source or "END HIDDEN" in c.source for c in nb.cells)
    assert all(c.source.lstrip().startswith('"""') for c in tests), "the docstring stays"
    assert tests[-1].outputs[0].traceback == ["AssertionError: shout: expected 'HI', got ''."]


def test_the_course_config_hides_tests_and_embeds_pictures():
    config = Config()
    config.merge(PyFileConfigLoader("nbgrader_config.py", path=str(ROOT)).load_config())
    names = config.GenerateFeedback.preprocessors
    assert "socketlab.grading.hide_tests.HideTestCode" in names
    assert config.HTMLExporter.embed_images is True
    nb, _ = graded_notebook()
    exporter = HTMLExporter(config=config, preprocessors=names[1:])  # GetGrades needs a gradebook
    html, _ = exporter.from_notebook_node(nb, resources={"metadata": {"path": str(ROOT / "solutions" / ASSIGNMENT)}})
    assert "BEGIN HIDDEN TESTS" not in html and "a hidden line" not in html
    assert html.count("data:image/svg+xml") >= 2, "the notebook's two SVG pictures should be embedded"
