"""nbgrader plumbing in one place: the course folder, its config and gradebook, running nbgrader.

Used by the grader (grade.py, collect.py, report.py, the workers of isolate.py) and by
``python -m socketlab.release``, which re-exports ``course_root`` and ``run_nbgrader``.
nbgrader itself is imported only inside the functions that need it.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from socketlab.grading.errors import CourseNotFound, NbgraderFailed

__all__ = ["course_root", "gradebook_url", "tool_path", "tools_on_path", "run_nbgrader", "course_settings",
           "course_dirs", "cell_timeout", "ensure_assignment", "student_edition"]


def course_root(start: Path | None = None) -> Path:
    """The nearest folder at or above ``start`` (default: cwd) holding nbgrader_config.py."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / "nbgrader_config.py").is_file():
            return folder
    raise CourseNotFound(f"no nbgrader_config.py in {here} or above: run this from the course folder")


def gradebook_url(root: Path) -> str:
    """The SQLAlchemy URL of the course's gradebook (nbgrader's default place, ``<root>/gradebook.db``)."""
    return f"sqlite:///{Path(root) / 'gradebook.db'}"


def tool_path(path: str | None) -> str:
    """``path`` (a PATH value) with this Python's folder first.

    nbgrader runs helpers such as ``alembic`` (new gradebooks) by name; in a virtual
    environment that is not activated they are found only beside ``sys.executable``.
    """
    here = str(Path(sys.executable).parent)
    rest = [part for part in (path or "").split(os.pathsep) if part and part != here]
    return os.pathsep.join([here, *rest])


def tools_on_path(env: dict[str, str] | None = None) -> dict[str, str]:
    """Put this Python's folder first on PATH in ``env`` (default: ``os.environ``, changed in place)."""
    target: Any = os.environ if env is None else env
    target["PATH"] = tool_path(target.get("PATH"))
    return target


def run_nbgrader(root: Path, *args: str, timeout: float = 600,
                 prefix: Sequence[str] = ()) -> subprocess.CompletedProcess:
    """Run an nbgrader command in course folder ``root``, through the command ``prefix`` if any (a
    wrapper that then runs the rest); raise ``NbgraderFailed`` with its log when it fails."""
    cmd = [*prefix, sys.executable, "-m", "nbgrader", *args]
    env = tools_on_path(dict(os.environ))
    done = subprocess.run(cmd, cwd=root, env=env, capture_output=True, text=True, timeout=timeout)
    command = args[0] if args else ""
    if done.returncode != 0:
        raise NbgraderFailed(f"nbgrader {command} failed (exit {done.returncode}):\n{done.stderr[-4000:]}",
                             log=done.stderr)
    if done.stdout.startswith("No command given"):  # nbgrader exits 0 on an unknown subcommand
        raise NbgraderFailed(f"nbgrader has no command {command!r}:\n{done.stdout[:4000]}")
    return done


def course_settings(root: Path) -> Any:
    """The course's nbgrader config (nbgrader_config.py) as a traitlets Config."""
    from traitlets.config import Config
    from traitlets.config.loader import PyFileConfigLoader

    config = Config()
    if (Path(root) / "nbgrader_config.py").is_file():
        config.merge(PyFileConfigLoader("nbgrader_config.py", path=str(root)).load_config())
    config.CourseDirectory.root = str(root)
    return config


def course_dirs(root: Path) -> Mapping[str, str]:
    """The course's source and release folder names (``solutions``, ``notebooks`` here)."""
    from nbgrader.coursedir import CourseDirectory

    coursedir = CourseDirectory(config=course_settings(root))
    return {"source": coursedir.source_directory, "release": coursedir.release_directory}


def cell_timeout(root: Path) -> float:
    """nbgrader's per-cell time limit in this course (``c.Execute.timeout``)."""
    return float(course_settings(root).Execute.get("timeout", 30))


def ensure_assignment(root: Path, assignment: str) -> None:
    """Put the assignment's cells into the gradebook (generate_assignment) unless they are there."""
    from nbgrader.api import Gradebook, MissingEntry

    with Gradebook(gradebook_url(root)) as gb:
        try:
            if gb.find_assignment(assignment).notebooks:
                return
        except MissingEntry:
            pass
    with tempfile.TemporaryDirectory() as release:  # never touch the committed student edition
        run_nbgrader(root, "generate_assignment", assignment, "--force",
                     f"--CourseDirectory.release_directory={release}")


def student_edition(root: Path, assignment: str, work: Path) -> Path:
    """The released (blank) notebook, generated into ``work`` when the course has no copy."""
    released = Path(root) / course_dirs(root)["release"] / assignment / f"{assignment}.ipynb"
    if released.is_file():
        return released
    run_nbgrader(root, "generate_assignment", assignment, "--force", "--no-db",
                 f"--CourseDirectory.release_directory={work / 'release'}")
    return work / "release" / assignment / f"{assignment}.ipynb"
