"""pyproject.toml (pip) and environment.yml (conda, Binder) describe one environment."""

import re
import sys

from conftest import ROOT

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib


def split(requirement: str) -> tuple[str, str]:
    name, spec = re.match(r"\s*([A-Za-z0-9_.\-]+)\s*(.*)", requirement).groups()
    return name.lower().replace("_", "-"), spec.replace(" ", "")


def pip_requirements() -> dict[str, str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    reqs = list(project["dependencies"])
    for extra in project["optional-dependencies"].values():
        reqs += extra
    return dict(split(r) for r in reqs)


def conda_requirements() -> dict[str, str]:
    found, in_deps = {}, False
    for line in (ROOT / "environment.yml").read_text().splitlines():
        if line.startswith("dependencies:"):
            in_deps = True
        elif in_deps and re.match(r"  - [A-Za-z]", line):
            name, spec = split(line[4:])
            if name not in ("python", "pip"):
                found[name] = spec
        elif in_deps and line and not line.startswith(" "):
            in_deps = False
    return found


def test_pip_and_conda_agree():
    pip, conda = pip_requirements(), conda_requirements()
    assert pip == conda, (
        f"pyproject.toml and environment.yml differ; only in pip: "
        f"{ {k: v for k, v in pip.items() if conda.get(k) != v} }, only in conda: "
        f"{ {k: v for k, v in conda.items() if pip.get(k) != v} }")


def test_conda_installs_the_package_itself():
    assert re.search(r"^\s+- -e \.\s*$", (ROOT / "environment.yml").read_text(), re.M), \
        "environment.yml should pip-install the helper package with '- -e .'"
