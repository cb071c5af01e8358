"""Shared paths, the test layers, and the closing summary.

Layers, by folder (each also a marker: `pytest -m unit`):
    tests/unit      the helper package alone; quick (`make test-fast`)
    tests/course    the notebooks: nbval over solutions/, structure, text form, release sync
    tests/grading   real nbgrader and socketlab-grade runs over sample classes
    tests/e2e       real JupyterLab in Chromium, real clients (nc, socat)
"""

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LAYERS = ("unit", "course", "grading", "e2e")
# A prefix for run_nbgrader: a network namespace of its own (tests/offline.py). A kernel picks
# its ZMQ ports by binding port 0 and closing it; on a shared network another worker's kernel
# could take one in between (seen: "ZMQError: Address already in use", every cell 0).
OWN_NETWORK = (sys.executable, str(ROOT / "tests" / "offline.py"))


def solution_ids() -> list[str]:
    from socketlab.release import assignment_ids

    return assignment_ids(ROOT)


def layer(path: Path) -> str:
    relative = path.resolve().relative_to(ROOT).parts
    if relative[0] == "solutions":
        return "course"  # nbval
    return relative[1] if relative[0] == "tests" and relative[1] in LAYERS else ""


def pytest_configure(config):
    for name in LAYERS:
        config.addinivalue_line("markers", f"{name}: the tests/{name} layer (see tests/conftest.py)")


def pytest_collection_modifyitems(items):
    for item in items:
        name = layer(Path(item.fspath))
        if name:
            item.add_marker(name)


# One autograde run grades an assignment's whole class, so its cases share a worker.
AUTOGRADE_CASE = re.compile(r"(.*test_autograde\.py::test_submission\[[^/\]]+)/")


def pytest_xdist_make_scheduler(config, log):
    """Like --dist=loadscope (a notebook's nbval cells stay in one kernel, one module's tests on
    one worker), but each assignment's autograde cases are a scope of their own."""
    from xdist.scheduler import LoadScopeScheduling

    class ByAssignment(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            match = AUTOGRADE_CASE.match(nodeid)
            return match[1] if match else super()._split_scope(nodeid)

    return ByAssignment(config, log)


def _per_notebook(reports, pattern: str) -> dict[str, float]:
    """Seconds spent per notebook, from the reports whose node id matches ``pattern``."""
    totals: dict[str, float] = {}
    for report in reports:
        match = re.search(pattern, report.nodeid)
        if match:
            totals[match[1]] = totals.get(match[1], 0.0) + report.duration
    return totals


def pytest_terminal_summary(terminalreporter):
    """After the run: the slowest notebooks under nbval, and autograde time per assignment."""
    reports = [r for key in ("passed", "failed", "error") for r in terminalreporter.stats.get(key, [])
               if hasattr(r, "duration")]
    for title, pattern in (("nbval: seconds per solution notebook", r"^(solutions/[^:]+\.ipynb)::"),
                           ("autograde: seconds per assignment (all sample submissions)",
                            r"test_autograde\.py::test_submission\[([^/\]]+)/")):
        totals = _per_notebook(reports, pattern)
        if totals:
            terminalreporter.write_sep("-", title)
            for name, seconds in sorted(totals.items(), key=lambda kv: -kv[1]):
                terminalreporter.write_line(f"{seconds:7.1f}  {name}")
