"""The learner's own copy of the course, outside the files git tracks.

    python -m socketlab.workspace          # copy what is missing from notebooks/ to workspace/
    python -m socketlab.workspace --fresh 03-bind   # set your 03-bind aside, take a new copy

`make lab` runs the first form, so a learner works in `workspace/<id>/` (git-ignored):
autosave never dirties the repository, `git pull` brings course updates without conflicts,
and `make release` (which rewrites `notebooks/`) never touches the learner's work. A file
is copied only when it is missing, so nothing a learner changed is ever overwritten;
`--fresh` moves the old folder aside (`workspace/03-bind.old-<time>`) rather than deleting it.
"""

from __future__ import annotations

import argparse
import shutil
import time
from pathlib import Path

__all__ = ["fresh", "prepare"]

FOLDER = "workspace"


def _course_folders(root: Path) -> list[Path]:
    return sorted(p for p in (root / "notebooks").iterdir() if (p / f"{p.name}.ipynb").is_file())


def prepare(root: Path) -> list[Path]:
    """Copy every file of notebooks/ that workspace/ lacks; return the files copied."""
    copied = []
    for source in _course_folders(root):
        for path in sorted(source.rglob("*")):
            target = root / FOLDER / source.name / path.relative_to(source)
            if path.is_file() and ".ipynb_checkpoints" not in path.parts and not target.exists():
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(path, target)
                copied.append(target)
    return copied


def fresh(root: Path, assignment: str) -> Path | None:
    """Move workspace/<assignment> aside and copy the current version; return where the old one went."""
    if not (root / "notebooks" / assignment).is_dir():
        raise ValueError(f"no notebook {assignment!r} in notebooks/")
    current = root / FOLDER / assignment
    moved = None
    if current.exists():
        moved = current.with_name(f"{assignment}.old-{time.strftime('%Y%m%d-%H%M%S')}")
        current.rename(moved)
    prepare(root)
    return moved


def main(argv: list[str] | None = None) -> None:
    from socketlab.release import course_root

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--fresh", metavar="ID", help="set your copy of this notebook aside and take a new one")
    options = parser.parse_args(argv)
    root = course_root()
    if options.fresh:
        moved = fresh(root, options.fresh)
        print(f"{FOLDER}/{options.fresh} is the current version"
              + (f"; your old copy is in {moved.relative_to(root)}" if moved else ""))
        return
    copied = prepare(root)
    if copied:
        print(f"copied {len(copied)} course file(s) to {FOLDER}/ (your own copy; git ignores it)")


if __name__ == "__main__":
    main()
