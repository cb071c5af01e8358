"""Formgrader shows a submission as nbconvert's HTMLExporter renders it with the course's
config and nbgrader's 'formgrade' template: a student's script in an output or a markdown
cell must not reach the teacher's browser."""

from __future__ import annotations

import re

import nbformat
from nbconvert.exporters import HTMLExporter

from conftest import ROOT
from socketlab.grading.nbgrader_run import course_settings


def test_a_students_script_is_not_in_the_formgrader_page():
    from nbgrader.server_extensions.formgrader import handlers

    config = course_settings(ROOT)
    config.HTMLExporter.template_name = "formgrade"  # as nbgrader's formgrader sets them
    config.HTMLExporter.extra_template_basedirs = [handlers.template_path]
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("hello <script>alert('md')</script>"),
        nbformat.v4.new_code_cell("x", outputs=[nbformat.v4.new_output(
            "display_data", data={"text/html": "<b>hi</b><script>alert('out')</script>"})]),
    ])
    html, _ = HTMLExporter(config=config).from_notebook_node(nb, resources={
        "assignment_id": "a", "notebook_id": "a", "submission_id": "s", "index": 0, "total": 1, "base_url": "",
        "student": "s", "last_name": "", "first_name": "", "notebook_path": "a.ipynb"})
    assert not re.search(r"<script[^>]*>\s*alert", html), "a student's script would run in formgrader"
