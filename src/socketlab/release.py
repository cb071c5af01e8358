"""Build the student edition from the instructor edition, with nbgrader.

    python -m socketlab.release                    # regenerate notebooks/ from solutions/
    python -m socketlab.release --execute 03-bind  # first re-run that solution notebook

Each solution notebook is first rebuilt from its text form (socketlab.lessons).

The course root is the folder holding ``nbgrader_config.py``; nbgrader reads it
from there (source ``solutions``, release ``notebooks``).
"""

from __future__ import annotations

import argparse
import shutil
from pathlib import Path

import nbformat

from socketlab import course, lessons
from socketlab.grading.nbgrader_run import course_root, run_nbgrader  # nbgrader plumbing, shared with the grader

__all__ = ["course_root", "assignment_ids", "execute", "generate", "run_nbgrader"]


def assignment_ids(root: Path, source: str = "solutions") -> list[str]:
    """Every ``<source>/<id>/<id>.ipynb`` under ``root``, as sorted ids."""
    return sorted(p.parent.name for p in (root / source).glob("*/*.ipynb") if p.stem == p.parent.name)


def generate(root: Path, assignment: str, release_dir: Path) -> Path:
    """Generate the student edition of ``assignment`` into ``release_dir/<assignment>/``."""
    run_nbgrader(root, "generate_assignment", assignment, "--force", "--no-db",
                 f"--CourseDirectory.root={root}",
                 f"--CourseDirectory.release_directory={release_dir.resolve()}")
    return release_dir / assignment


def execute(notebook: Path, timeout: int = 60) -> None:
    """Run a notebook top to bottom in a fresh kernel and store its outputs (no pictures) in place."""
    from nbclient import NotebookClient

    nb = nbformat.read(notebook, as_version=4)
    NotebookClient(nb, timeout=timeout, kernel_name="python3", record_timing=False,
                   resources={"metadata": {"path": str(notebook.parent)}}).execute()
    nbformat.write(lessons.without_pictures(nb), notebook)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("ids", nargs="*", help="assignment ids (default: all)")
    parser.add_argument("--execute", action="store_true", help="re-run the solution notebooks first")
    options = parser.parse_args(argv)
    root = course_root()
    ids = options.ids or assignment_ids(root)
    for assignment in ids:
        if lessons.sync(root, assignment):
            print(f"rebuilt solutions/{assignment} from its text")
        if options.execute:
            execute(root / "solutions" / assignment / f"{assignment}.ipynb")
            print(f"executed solutions/{assignment}")
        target = root / "notebooks" / assignment
        shutil.rmtree(target, ignore_errors=True)
        generate(root, assignment, root / "notebooks")
        print(f"generated notebooks/{assignment}")
    if course.write_readme(root):
        print("rewrote README.md's course table from course.toml")


if __name__ == "__main__":
    main()
