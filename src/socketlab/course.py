"""The course as data: course.toml lists the notebooks in order, with title, time and topics.

    python -m socketlab.course   # rewrite the README's table of notebooks from course.toml

What is written by hand elsewhere is checked against it (``problems``): each solution
notebook's title line, its "**Time:** about N minutes" and its "**Next:**" link, and the
README's table.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import tomllib

__all__ = ["Lesson", "lessons", "problems", "readme_table", "write_readme"]

TABLE_START = "<!-- course table: made from course.toml by `python -m socketlab.course`; do not edit -->"
TABLE_END = "<!-- end of course table -->"


@dataclass(frozen=True)
class Lesson:
    id: str
    title: str
    minutes: int
    learn: str

    @property
    def heading(self) -> str:
        return f"{self.id[:2]} · {self.title}"

    @property
    def notebook(self) -> str:
        return f"{self.id}/{self.id}.ipynb"


def lessons(root: Path) -> list[Lesson]:
    """The notebooks of course.toml, in course order."""
    data = tomllib.loads((root / "course.toml").read_text())
    return [Lesson(**entry) for entry in data["notebook"]]


def readme_table(course: list[Lesson]) -> str:
    rows = [f"| [{lesson.heading}](notebooks/{lesson.notebook}) | {lesson.learn} | {lesson.minutes} min |"
             for lesson in course]
    return "\n".join([TABLE_START, "| notebook | what you learn | time |", "|---|---|---|", *rows, TABLE_END])


def _current_table(readme: str) -> str | None:
    match = re.search(re.escape(TABLE_START) + r".*?" + re.escape(TABLE_END), readme, re.S)
    return match[0] if match else None


def write_readme(root: Path) -> bool:
    """Put the table made from course.toml into README.md; True when it changed."""
    path = root / "README.md"
    readme = path.read_text()
    current, wanted = _current_table(readme), readme_table(lessons(root))
    if current is None:
        raise ValueError(f"README.md has no course table: add the lines {TABLE_START!r} and {TABLE_END!r}")
    if current == wanted:
        return False
    path.write_text(readme.replace(current, wanted))
    return True


def _lesson_problems(root: Path, lesson: Lesson, after: Lesson | None) -> list[str]:
    path = root / "solutions" / lesson.id / f"{lesson.id}.md"
    if not path.exists():
        return [f"course.toml lists {lesson.id}, but there is no solutions/{lesson.id}/{lesson.id}.md"]
    text, where = path.read_text(), f"solutions/{lesson.id}/{lesson.id}.md"
    found = []
    if f"\n# {lesson.heading}\n" not in text:
        found.append(f"{where}: its title line should be '# {lesson.heading}' (course.toml)")
    # "about 80 minutes", "about 2 hours", or a range "about 60-75 minutes" (its upper end counts)
    time = re.search(r"\*\*Time:\*\* about (?:\d+-)?(\d+(?:\.\d+)?) (minutes|hours)", text)
    minutes = time and float(time[1]) * (60 if time[2] == "hours" else 1)
    if minutes != lesson.minutes:
        found.append(f"{where}: '**Time:** about ...' should say {lesson.minutes} minutes (course.toml), "
                     f"found {time[0] if time else 'none'}")
    if after:
        link = f"**Next:** [{after.heading}](../{after.notebook})"
        if link not in text:
            found.append(f"{where}: the next-notebook line should start with {link}")
    return found


def problems(root: Path) -> list[str]:
    """Where the course disagrees with course.toml (empty when it agrees)."""
    course = lessons(root)
    listed = [lesson.id for lesson in course]
    present = sorted(p.name for p in (root / "solutions").iterdir() if (p / f"{p.name}.md").exists())
    found = [f"solutions/{i} is not in course.toml" for i in present if i not in listed]
    for lesson, after in zip(course, [*course[1:], None]):
        found += _lesson_problems(root, lesson, after)
    if _current_table((root / "README.md").read_text()) != readme_table(course):
        found.append("README.md's course table is not the one course.toml makes: `python -m socketlab.course`")
    return found


def main() -> None:
    from socketlab.release import course_root

    root = course_root()
    print("README.md's course table " + ("rewritten" if write_readme(root) else "already up to date"))


if __name__ == "__main__":
    main()
