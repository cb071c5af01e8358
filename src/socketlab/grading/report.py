"""After grading: HTML feedback (nbgrader), a grades CSV and a per-exercise report for the teacher.

Everything is read from nbgrader's gradebook and the autograded notebooks, so it can
be re-run after hand-grading in formgrader (``socketlab-grade feedback``, ``export``,
``report``). Files go to ``feedback/<student>/<assignment>/`` (nbgrader) and
``reports/<assignment>/``: ``grades.csv``, ``report.md``, ``tests.csv``, ``tests.png``.
"""

from __future__ import annotations

import csv
import logging
import re
from collections import Counter, defaultdict
from pathlib import Path

import nbformat
from nbgrader.api import Gradebook, MissingEntry

from socketlab.grading.checks import nbgrader_meta
from socketlab.grading.collect import BORROWED
from socketlab.grading.nbgrader_run import course_settings, gradebook_url
from socketlab.grading.status import load_status

__all__ = ["feedback", "export_grades", "teacher_report"]

log = logging.getLogger(__name__)

_ANSI = re.compile(r"\x1b\[[0-9;]*m")


def _gradebook(root: Path) -> Gradebook:
    return Gradebook(gradebook_url(root))


def feedback(root: Path, assignment: str) -> list[str]:
    """nbgrader generate_feedback for every autograded student; returns the students done.

    The pages are safe to open (no ``<script>`` a submission wrote reaches them):
    nbconvert's sanitiser cleans outputs and leaves out JavaScript ones; markdown
    cells, which nbgrader's template does not sanitise, are cleaned by ``sanitize.py``.
    Hidden tests stay hidden (``hide_tests.py``), even when the course's config forgets it.
    """
    from nbconvert.preprocessors import CSSHTMLHeaderPreprocessor
    from nbgrader.apps import NbGraderAPI
    from nbgrader.preprocessors import GetGrades

    from socketlab.grading.hide_tests import HideTestCode
    from socketlab.grading.sanitize import SanitizeMarkdown

    config = course_settings(Path(root))
    config.HTMLExporter.sanitize_html = True  # outputs (nbconvert's own sanitiser)
    # The course's own list (nbgrader_config.py) with hidden tests hidden and markdown cleaned, whatever it says.
    steps = list(config.GenerateFeedback.get("preprocessors", [GetGrades, CSSHTMLHeaderPreprocessor]))
    names = {step if isinstance(step, str) else f"{step.__module__}.{step.__name__}" for step in steps}
    if f"{HideTestCode.__module__}.HideTestCode" not in names:
        steps.insert(1, HideTestCode)
    config.GenerateFeedback.preprocessors = [*steps, SanitizeMarkdown]
    api = NbGraderAPI(config=config)
    done = []
    for folder in sorted((Path(root) / "autograded").glob(f"*/{assignment}")):
        student = folder.parent.name
        result = api.generate_feedback(assignment, student, force=True)
        if result["success"]:
            done.append(student)
        else:
            log.warning("no feedback for %s: %s", student, (result.get("error") or "").strip()[-300:])
    return done


def export_grades(root: Path, assignment: str) -> Path:
    """reports/<assignment>/grades.csv: one row per student in the gradebook, scores per test cell."""
    root = Path(root)
    status = load_status(root, assignment)
    path = root / "reports" / assignment / "grades.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    with _gradebook(root) as gb:
        cells = [c.name for notebook in gb.find_assignment(assignment).notebooks for c in notebook.grade_cells]
        max_score = gb.find_assignment(assignment).max_score
        with open(path, "w", newline="") as handle:
            out = csv.writer(handle)
            out.writerow(["student_id", "last_name", "first_name", "email", "score", "max_score", "raw_score",
                          "needs_manual_grade", "late_penalty", "submitted_at", "status", "reason", *cells])
            for student in sorted(gb.students, key=lambda s: s.id):
                try:
                    sub = gb.find_submission(assignment, student.id)
                except MissingEntry:
                    out.writerow([student.id, student.last_name, student.first_name, student.email, 0, max_score,
                                  0, False, 0, "", "no submission", "", *[""] * len(cells)])
                    continue
                grades = {g.name: g.score for nb in sub.notebooks for g in nb.grades}
                state = status.get(student.id, {})
                out.writerow([student.id, student.last_name, student.first_name, student.email,
                              max(0.0, sub.score - sub.late_submission_penalty), max_score, sub.score,
                              sub.needs_manual_grade,
                              sub.late_submission_penalty, sub.timestamp or "", state.get("status", "graded"),
                              state.get("reason", ""), *[grades.get(c, "") for c in cells]])
    return path


def _failure(cell) -> str | None:
    """The one-line failure message of an executed test cell, or None when it passed."""
    outputs = cell.get("outputs")
    for output in outputs if isinstance(outputs, list) else []:
        if not isinstance(output, dict):
            continue
        if output.get("output_type") == "error":
            value = _ANSI.sub("", str(output.get("evalue", ""))).strip().splitlines()
            return f"{output.get('ename', 'Error')}: {value[0] if value else ''}".strip()[:240]
        if output.get("output_type") == "stream" and output.get("name") == "stderr":
            text = _ANSI.sub("", str(output.get("text", ""))).strip().splitlines()
            return f"wrote to stderr: {text[-1] if text else ''}"[:240]
    return None


def teacher_report(root: Path, assignment: str, top: int = 3) -> Path:
    """reports/<assignment>/report.md (+ tests.csv, tests.png): passes and common failures per test cell."""
    root = Path(root)
    folder = root / "reports" / assignment
    folder.mkdir(parents=True, exist_ok=True)
    status = load_status(root, assignment)
    with _gradebook(root) as gb:
        cells = [(c.name, c.max_score) for nb in gb.find_assignment(assignment).notebooks
                 for c in nb.grade_cells if c.cell_type == "code"]
        scores = {}
        for sub in gb.assignment_submissions(assignment):
            scores[sub.student.id] = {g.name: g.score for nb in sub.notebooks for g in nb.grades}
    messages: dict[str, Counter] = defaultdict(Counter)
    for path in sorted((root / "autograded").glob(f"*/{assignment}/{assignment}.ipynb")):
        student = path.parent.parent.name
        if student not in scores:
            continue
        try:
            nb = nbformat.read(path, as_version=4)
        except Exception as exc:  # noqa: BLE001 -- one unreadable notebook must not stop the report
            log.warning("report: skipped %s (%s)", path, type(exc).__name__)
            continue
        for cell in nb.cells:
            grade_id = nbgrader_meta(cell).get("grade_id")
            if cell.cell_type == "code" and grade_id and scores[student].get(grade_id, 0) < \
                    float(nbgrader_meta(cell).get("points", 0)):
                messages[grade_id][_failure(cell) or "no error shown (ungraded or partial credit)"] += 1

    rows = []
    for name, max_score in cells:
        got = [s.get(name) for s in scores.values()]
        passed = sum(1 for g in got if g is not None and g >= max_score)
        rows.append((name, max_score, passed, len(got), messages[name].most_common(top)))
    with open(folder / "tests.csv", "w", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(["test_cell", "points", "passed", "graded", "most_common_failure", "count"])
        for name, points, passed, total, common in rows:
            first = common[0] if common else ("", 0)
            out.writerow([name, points, passed, total, *first])
    _plot(rows, folder / "tests.png", assignment)

    lines = [f"# {assignment}: grading report", "",
             f"{len(scores)} submissions in the gradebook. ![passes per test cell](tests.png)", "",
             "| test cell | points | passed | of |", "|---|---|---|---|"]
    lines += [f"| {n} | {p:g} | {ok} | {t} |" for n, p, ok, t, _ in rows]
    lines += ["", "## Most common failures", ""]
    for name, _, _, _, common in rows:
        if common:
            lines.append(f"**{name}**")
            lines += [f"- {count} x `{message}`" for message, count in common]
            lines.append("")
    odd = {s: dict(v) for s, v in status.items() if v.get("status") != "graded" or v.get("notes")}
    refused = []
    for row in _collect_rows(folder):
        if row.get("status") == "refused":
            refused.append(f"{Path(row.get('file', '')).name}: {row.get('note', '')}")
        elif BORROWED in row.get("note", "") and row.get("student_id"):
            state = odd.setdefault(row["student_id"], dict(status.get(row["student_id"], {"status": "graded"})))
            state["notes"] = [*state.get("notes", []), f"collect: {row['note']}"]
    if odd or refused:
        lines += ["## Submissions that need a look", "",
                  "Not graded, noted by the checks, or answer code that touches the grading machinery "
                  "(`look:`: read that cell).", "", "| student | status | reason / notes |", "|---|---|---|"]
        for student, state in sorted(odd.items()):
            text = "; ".join(filter(None, [state.get("reason", ""), *state.get("notes", [])])).replace("|", "/")
            lines.append(f"| {student} | {state.get('status')} | {text} |")
        lines += [f"| (collect) | refused | {text.replace('|', '/')} |" for text in refused]
    path = folder / "report.md"
    path.write_text("\n".join(lines) + "\n")
    return path


def _collect_rows(folder: Path) -> list[dict[str, str]]:
    """The rows of the assignment's collect.csv ([] before any collect)."""
    path = folder / "collect.csv"
    if not path.is_file():
        return []
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _plot(rows, path: Path, assignment: str) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    names = [r[0] for r in rows]
    passed = [r[2] for r in rows]
    failed = [r[3] - r[2] for r in rows]
    fig, ax = plt.subplots(figsize=(7, 0.45 * len(rows) + 1.2))
    ax.barh(names, passed, color="#4c9a5b", label="passed")
    ax.barh(names, failed, left=passed, color="#c8553d", label="not passed")
    ax.invert_yaxis()
    ax.set_xlabel("students")
    ax.set_title(f"{assignment}: test cells passed")
    ax.legend(loc="lower right")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
