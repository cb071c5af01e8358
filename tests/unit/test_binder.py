"""binder/: a lean learner image with what the course needs and no test tools."""

import re

import tomllib

from conftest import ROOT


def names(requirements) -> set[str]:
    return {re.match(r"\s*([A-Za-z0-9_.\-]+)", r)[1].lower() for r in requirements}


def test_binder_has_the_course_and_not_the_tests():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    text = (ROOT / "binder" / "environment.yml").read_text().split("dependencies:")[1]
    listed = {m.lower() for m in re.findall(r"^  - ([A-Za-z][A-Za-z0-9_.\-]*)", text, re.M)} - {"python", "pip"}
    wanted = names(project["dependencies"]) | names(project["optional-dependencies"]["course"])
    assert listed == wanted, f"binder/environment.yml has {sorted(listed)}, the course needs {sorted(wanted)}"
    assert not listed & names(project["optional-dependencies"]["test"]), "test tools in the learner's image"


def test_binder_starts_like_make_lab():
    start = (ROOT / "binder" / "start").read_text()
    assert "jupyter/learner" in start and "socketlab.workspace" in start
    readme = (ROOT / "README.md").read_text()
    assert "urlpath=lab/tree/workspace/00-sockets-and-ports/00-sockets-and-ports.ipynb" in readme
