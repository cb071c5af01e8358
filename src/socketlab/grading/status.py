"""What happened to each submission: ``Outcome``, kept in ``reports/<assignment>/status.json``."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

__all__ = ["Outcome", "status_path", "save_status", "load_status"]


@dataclass
class Outcome:
    student: str
    status: str = "graded"  # graded | failed | unreadable | missing | refused
    reason: str = ""  # one line, empty when nothing went wrong
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0
    stored: bool = True  # False: this run's grades did not reach the gradebook

    def fail(self, status: str, reason: str) -> None:
        """Mark the submission as not graded, with a one-line reason."""
        self.status, self.reason = status, " ".join(reason.split())


def status_path(root: Path, assignment: str) -> Path:
    return Path(root) / "reports" / assignment / "status.json"


def save_status(root: Path, assignment: str, outcomes: dict[str, Outcome]) -> None:
    """Merge ``outcomes`` into the assignment's status file (students graded earlier stay)."""
    path = status_path(root, assignment)
    path.parent.mkdir(parents=True, exist_ok=True)
    old = load_status(root, assignment)
    old.update({s: asdict(o) for s, o in outcomes.items()})
    path.write_text(json.dumps(dict(sorted(old.items())), indent=1))


def load_status(root: Path, assignment: str) -> dict[str, dict[str, Any]]:
    path = status_path(root, assignment)
    return json.loads(path.read_text()) if path.is_file() else {}
