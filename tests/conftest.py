"""Shared paths for the tests."""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def solution_ids() -> list[str]:
    from socketlab.release import assignment_ids

    return assignment_ids(ROOT)


def _per_notebook(reports, marker: str) -> dict[str, float]:
    """Seconds spent per notebook, from reports whose node id contains ``marker``."""
    totals: dict[str, float] = {}
    for report in reports:
        parts = report.nodeid.split("::")
        if marker == ".ipynb" and parts[0].endswith(".ipynb"):
            key = parts[0]
        elif marker != ".ipynb" and marker in report.nodeid:
            key = parts[1]
        else:
            continue
        totals[key] = totals.get(key, 0.0) + report.duration
    return totals


def pytest_terminal_summary(terminalreporter):
    """After the run: the slowest notebooks under nbval, and autograde time per assignment."""
    reports = [r for key in ("passed", "failed", "error") for r in terminalreporter.stats.get(key, [])
               if hasattr(r, "duration")]
    for title, marker in (("nbval: seconds per solution notebook", ".ipynb"),
                          ("autograde: seconds per assignment (all sample submissions)", "::TestAutograde_")):
        totals = _per_notebook(reports, marker)
        if totals:
            terminalreporter.write_sep("-", title)
            for name, seconds in sorted(totals.items(), key=lambda kv: -kv[1]):
                terminalreporter.write_line(f"{seconds:7.1f}  {name}")
