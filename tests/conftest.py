"""Shared paths for the tests."""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def solution_ids() -> list[str]:
    from socketlab.release import assignment_ids

    return assignment_ids(ROOT)
