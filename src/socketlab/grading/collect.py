"""Collect downloaded submissions into the course's ``submitted/`` folder and the gradebook.

Accepted input (a folder, searched recursively; input files are only ever read):

1. nbgrader's layout: ``<student-id>/<assignment>/*.ipynb`` (optionally under a
   ``submitted/`` folder), with an optional ``timestamp.txt`` beside the notebook (and
   ``submission_secret.txt`` from ``nbgrader submit``, kept for ``release_feedback``).
2. LMS bulk downloads, one flat file per upload, where ``<id>`` is an ``id`` from the
   student CSV and ``<name>`` is the original file name:

   * ``<last>_<first>[_LATE]_<id>_<upload-no>_<name>.ipynb`` -- Canvas style, e.g.
     ``doe_jane_12345_67890_00-sockets-and-ports.ipynb`` (also ``doejane_...``);
   * ``<id>_<name>.ipynb`` or ``<id>.ipynb``;
   * ``<First Last>_<n>_assignsubmission_file_<name>.ipynb`` -- Moodle style, matched
     by the full name in the CSV (first and last name, case-insensitive).

   The student is found only in the part of the name the LMS puts in front
   (``<last>_<first>[_LATE]_<id>_<upload-no>_``, ``<id>_``, ``<First Last>_<n>_assignsubmission_file_``),
   never in ``<name>``, which the student chose: a Moodle upload named ``12345_x.ipynb``
   belongs to its uploader, not to student 12345. Files that match nobody are listed as unmatched.

Symbolic links in the input (files or folders) are never followed: each is listed as
refused, in ``collect.csv`` and by the command.

Any notebook file name is accepted (a renamed ``Untitled.ipynb`` or ``... (1).ipynb``
too) and stored as ``<assignment>.ipynb`` -- the report says it was renamed. When a
student has several files, the **newest** counts: the latest ``timestamp.txt`` or,
without one, the latest file modification time (LMS zips keep upload times); ties go
to the larger upload number, then to the later name. A collect run replaces an
earlier collected copy only when its chosen file is newer. Every choice is written to
``reports/<assignment>/collect.csv``.
"""

from __future__ import annotations

import csv
import hashlib
import os
import re
import shutil
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from nbgrader.api import Gradebook

from socketlab.grading.errors import UsageError
from socketlab.grading.nbgrader_run import gradebook_url, tools_on_path

__all__ = ["Student", "Upload", "read_students", "match_upload", "collect", "BORROWED"]

#: collect.csv's note on an upload whose own file name holds another student's id (the report flags it).
BORROWED = "its file name holds another student's id"


class StudentListError(UsageError, ValueError):
    """The student CSV cannot be used (no id column, an id that is no folder name)."""


class InputNotFound(UsageError, FileNotFoundError):
    """The download folder is not there."""


@dataclass
class Student:
    id: str
    first_name: str = ""
    last_name: str = ""
    email: str = ""


@dataclass
class Upload:
    path: Path
    student: str
    original_name: str
    upload_no: int = 0
    late_flag: bool = False
    timestamp: datetime | None = None
    nbgrader_layout: bool = False  # <student>/<assignment>/<file>: nbgrader's files may be beside it

    @property
    def when(self) -> datetime:
        if self.timestamp:
            return self.timestamp
        return datetime.fromtimestamp(self.path.stat().st_mtime, timezone.utc)

    def sort_key(self):
        return (self.when, self.upload_no, self.path.name)


@dataclass
class CollectResult:
    taken: dict[str, Upload] = field(default_factory=dict)
    kept: dict[str, str] = field(default_factory=dict)  # student -> why the earlier copy stayed
    ignored: list[tuple[Upload, str]] = field(default_factory=list)
    unmatched: list[Path] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)  # students in the CSV with nothing at all
    refused: list[Path] = field(default_factory=list)  # symbolic links in the input, not followed


_HEADERS = {
    "id": ("id", "student_id", "student id", "sis user id", "username", "login"),
    "first_name": ("first_name", "first name", "first", "given name"),
    "last_name": ("last_name", "last name", "last", "surname", "family name"),
    "email": ("email", "e-mail", "email address"),
}


def read_students(csv_path: Path) -> dict[str, Student]:
    """Students from a CSV with a header row naming id, first name, last name and email columns."""
    with open(csv_path, newline="", encoding="utf-8-sig") as handle:
        rows = list(csv.DictReader(handle))
    if not rows:
        return {}
    columns = {}
    for key, names in _HEADERS.items():
        for header in rows[0]:
            if header and header.strip().lower() in names:
                columns[key] = header
                break
    if "id" not in columns:
        raise StudentListError(f"{csv_path}: no id column (one of {', '.join(_HEADERS['id'])})")
    students = {}
    for row in rows:
        sid = (row.get(columns["id"]) or "").strip()
        if not sid:
            continue
        if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._@-]*", sid):
            raise StudentListError(f"{csv_path}: student id {sid!r} is not usable as a folder name")
        students[sid] = Student(sid, *((row.get(columns[k]) or "").strip() if k in columns else ""
                                       for k in ("first_name", "last_name", "email")))
    return students


def _timestamp_file(folder: Path) -> datetime | None:
    stamp = folder / "timestamp.txt"
    if not stamp.is_file() or stamp.is_symlink():
        return None
    from nbgrader.utils import parse_utc

    try:
        return parse_utc(stamp.read_text().strip())
    except Exception:
        return None


def match_upload(path: Path, students: dict[str, Student], assignment: str, top: Path) -> Upload | None:
    """The student an input notebook belongs to, by the patterns in the module docstring."""
    rel = path.relative_to(top).parts
    # nbgrader layout: .../<student>/<assignment>/<file>.ipynb
    if len(rel) >= 3 and rel[-2] == assignment and rel[-3] in students:
        return Upload(path, rel[-3], path.name, timestamp=_timestamp_file(path.parent), nbgrader_layout=True)
    moodle = re.match(r"^(?P<name>[^_]+)_(?P<n>\d+)_assignsubmission_file_(?P<file>.*)$", path.stem)
    if moodle:  # only the full name in front counts
        wanted = " ".join(moodle["name"].lower().split())
        hits = [s for s in students.values() if f"{s.first_name} {s.last_name}".lower() == wanted
                or f"{s.last_name} {s.first_name}".lower() == wanted]
        if len(hits) == 1:
            return Upload(path, hits[0].id, moodle["file"] + ".ipynb", upload_no=int(moodle["n"]))
        return None
    tokens = path.stem.split("_")
    if tokens[0] in students:  # <id>.ipynb, <id>_<name>.ipynb, <id>_<upload-no>_<name>.ipynb
        rest, upload_no = tokens[1:], 0
        if len(rest) > 1 and rest[0].isdigit():
            upload_no, rest = int(rest[0]), rest[1:]
        return Upload(path, tokens[0], "_".join(rest) + ".ipynb" if rest else path.name, upload_no=upload_no)
    for i in (1, 2, 3):  # Canvas: one or two name parts, optionally LATE, then the id and the upload number
        names, late = tokens[:i], False
        if names[-1] == "LATE":
            names, late = names[:-1], True
        if (len(tokens) > i + 1 and tokens[i] in students and tokens[i + 1].isdigit()
                and 1 <= len(names) <= 2 and "LATE" not in names):
            rest = tokens[i + 2:]
            return Upload(path, tokens[i], "_".join(rest) + ".ipynb" if rest else path.name,
                          upload_no=int(tokens[i + 1]), late_flag=late)
    return None


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _notebooks(inputs: Path) -> tuple[list[Path], list[Path]]:
    """(every regular ``*.ipynb`` under ``inputs``, every symbolic link there), sorted; links are not followed."""
    notebooks, links = [], []
    for top, dirs, files in os.walk(inputs):  # os.walk does not descend into linked folders
        here = Path(top)
        links += [here / d for d in dirs if (here / d).is_symlink()]
        dirs[:] = [d for d in dirs if d != ".ipynb_checkpoints" and not (here / d).is_symlink()]
        for name in files:
            path = here / name
            if path.is_symlink():
                links.append(path)
            elif name.endswith(".ipynb") and path.is_file():
                notebooks.append(path)
    return sorted(notebooks), sorted(links)


def collect(course: Path, assignment: str, inputs: Path, students_csv: Path) -> CollectResult:
    """Copy each student's newest notebook to submitted/<id>/<assignment>/ and register students."""
    tools_on_path()
    course, inputs = Path(course), Path(inputs)
    if not inputs.is_dir():
        raise InputNotFound(f"{inputs}: not a folder of submissions")
    students = read_students(students_csv)
    result = CollectResult()
    by_student: dict[str, list[Upload]] = {}
    submitted_root = (course / "submitted").resolve()
    notebooks, result.refused = _notebooks(inputs)
    for path in notebooks:
        if path.resolve().is_relative_to(submitted_root):
            continue
        upload = match_upload(path, students, assignment, inputs)
        if upload is None:
            result.unmatched.append(path)
        else:
            by_student.setdefault(upload.student, []).append(upload)

    for sid, uploads in sorted(by_student.items()):
        uploads.sort(key=Upload.sort_key)
        newest = uploads[-1]
        for older in uploads[:-1]:
            result.ignored.append((older, f"older than {newest.path.name}"))
        target = course / "submitted" / sid / assignment
        notebook = target / f"{assignment}.ipynb"
        previous = _timestamp_file(target)
        if notebook.exists() and previous and previous > newest.when:
            result.kept[sid] = f"already collected a newer copy ({previous.isoformat()})"
            result.ignored.append((newest, result.kept[sid]))
            continue
        if notebook.exists() and previous == newest.when and _digest(notebook) == _digest(newest.path):
            result.kept[sid] = "unchanged since the last collect"
            result.taken[sid] = newest
            continue
        if target.exists():
            shutil.rmtree(target)
        target.mkdir(parents=True)
        shutil.copyfile(newest.path, notebook)  # contents only: the input keeps its own times and mode
        (target / "timestamp.txt").write_text(newest.when.strftime("%Y-%m-%d %H:%M:%S.%f %Z"))
        secret = newest.path.parent / "submission_secret.txt"
        if newest.nbgrader_layout and secret.is_file() and not secret.is_symlink():
            shutil.copyfile(secret, target / secret.name)
        result.taken[sid] = newest
    result.missing = sorted(set(students) - set(by_student))

    with Gradebook(gradebook_url(course)) as gb:
        for student in students.values():
            gb.update_or_create_student(student.id, first_name=student.first_name or None,
                                        last_name=student.last_name or None, email=student.email or None)

    report = course / "reports" / assignment
    report.mkdir(parents=True, exist_ok=True)
    with open(report / "collect.csv", "w", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(["student_id", "status", "file", "submitted_at", "note"])
        for sid, upload in sorted(result.taken.items()):
            note = [] if upload.original_name == f"{assignment}.ipynb" else [f"renamed from {upload.original_name}"]
            if upload.late_flag:
                note.append("LMS marked it late")
            if sid in result.kept:
                note.append(result.kept[sid])
            borrowed = sorted(set(re.split(r"[^A-Za-z0-9._@-]+|_", upload.original_name)) & set(students) - {sid})
            if borrowed:
                note.append(f"{BORROWED} ({', '.join(borrowed)}): credited to the uploader")
            out.writerow([sid, "collected", upload.path, upload.when.isoformat(), "; ".join(note)])
        for upload, why in result.ignored:
            out.writerow([upload.student, "ignored", upload.path, upload.when.isoformat(), why])
        for sid in result.missing:
            out.writerow([sid, "missing", "", "", "no submission found"])
        for path in result.unmatched:
            out.writerow(["", "unmatched", path, "", "file name matches no student in the CSV"])
        for path in result.refused:
            out.writerow(["", "refused", path, "", "a symbolic link: not followed"])
    return result
