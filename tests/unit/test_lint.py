"""ruff and mypy, configured in pyproject.toml, are clean: `make test` fails with their report otherwise."""

import subprocess
import sys

import pytest

from conftest import ROOT


def run(*args: str) -> subprocess.CompletedProcess:
    try:
        return subprocess.run([sys.executable, "-m", *args], cwd=ROOT, capture_output=True, text=True, timeout=300)
    except FileNotFoundError as exc:  # pragma: no cover
        pytest.fail(f"cannot run {args[0]}: {exc}")


@pytest.mark.parametrize("tool", ["ruff", "mypy"])
def test_tool_installed(tool):
    done = run(tool, "--version")
    assert done.returncode == 0, f"{tool} is not installed (pip install -e '.[test]'): {done.stderr[-500:]}"


def test_ruff_is_clean():
    """Pyflakes, pycodestyle, bugbear and import order over the package, the tests and the benchmark."""
    done = run("ruff", "check", "--no-cache", "src", "tests", "benchmarks")
    assert done.returncode == 0, f"ruff found problems (fix them, or `ruff check --fix`):\n{done.stdout}{done.stderr}"


def test_mypy_is_clean():
    """The package type-checks with --check-untyped-defs (pyproject.toml [tool.mypy])."""
    done = run("mypy")  # its cache (.mypy_cache, git-ignored) makes a second run take seconds
    assert done.returncode == 0, f"mypy found problems:\n{done.stdout}{done.stderr}"
