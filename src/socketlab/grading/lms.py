"""Grades in the import formats of two LMSs, made from the plain grades CSV (report.export_grades).

- **Canvas** (Grades → Import): the columns of a Canvas gradebook export, `Student` ("Last,
  First"), `ID`, `SIS User ID`, `SIS Login ID`, `Section`, then one column per assignment; the
  row under the header gives the points possible. Canvas matches rows by `ID`, the Canvas user
  id, which is the id in Canvas's bulk-download file names that `socketlab-grade collect` reads.
- **Moodle** (Grades → Import → CSV file): `First name`, `Last name`, `ID number`,
  `Email address` and one column per assignment; on import, map "Email address" to the user's
  email and the assignment column to its grade item.

Names and emails come from the roster that `collect --students` read into the gradebook.
"""

from __future__ import annotations

import csv
from pathlib import Path

__all__ = ["FORMATS", "write_lms"]


def _rows(grades_csv: Path) -> list[dict[str, str]]:
    with open(grades_csv, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _canvas(rows: list[dict[str, str]], assignment: str) -> list[list[str]]:
    points = rows[0]["max_score"] if rows else ""
    table = [["Student", "ID", "SIS User ID", "SIS Login ID", "Section", assignment],
             ["    Points Possible", "", "", "", "", points]]
    for row in rows:
        name = ", ".join(part for part in (row["last_name"], row["first_name"]) if part) or row["student_id"]
        table.append([name, row["student_id"], "", "", "", row["score"]])
    return table


def _moodle(rows: list[dict[str, str]], assignment: str) -> list[list[str]]:
    table = [["First name", "Last name", "ID number", "Email address", assignment]]
    table += [[row["first_name"], row["last_name"], row["student_id"], row["email"], row["score"]] for row in rows]
    return table


FORMATS = {"canvas": _canvas, "moodle": _moodle}


def write_lms(grades_csv: Path, lms: str, assignment: str) -> Path:
    """Write ``<lms>.csv`` beside ``grades_csv`` and return its path."""
    if lms not in FORMATS:
        raise ValueError(f"unknown LMS {lms!r}: choose one of {', '.join(FORMATS)}")
    path = grades_csv.with_name(f"{lms}.csv")
    with open(path, "w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(FORMATS[lms](_rows(grades_csv), assignment))
    return path
