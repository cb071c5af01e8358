"""socketlab-grade: grade a whole class with nbgrader, in parallel and fenced in.

    socketlab-grade collect 00-sockets-and-ports downloads/ --students students.csv
    socketlab-grade grade 00-sockets-and-ports            # autograde + feedback + grades.csv + report
    socketlab-grade feedback|export|report 00-sockets-and-ports   # again, e.g. after hand-grading

Run it in the course folder (the one holding nbgrader_config.py) or pass --course.
Progress goes to stderr (-v for more, -q for warnings and errors only).
"""

from __future__ import annotations

import argparse
import logging
import sys
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from socketlab.grading.errors import EXIT_CODES, GradesNotStored, GradingError
from socketlab.grading.nbgrader_run import course_root

log = logging.getLogger("socketlab.grading")


def _version() -> str:
    try:
        return version("socketlab")
    except PackageNotFoundError:  # run from a source tree that was never installed
        return "unknown (not installed)"


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("assignment", help="assignment id, e.g. 00-sockets-and-ports")
    parser.add_argument("--course", type=Path, help="course folder (default: nearest with nbgrader_config.py)")


def _parser() -> argparse.ArgumentParser:
    doc = __doc__ or ""
    codes = "exit codes:\n" + "\n".join(f"  {code}  {text}" for code, text in sorted(EXIT_CODES.items()))
    parser = argparse.ArgumentParser(prog="socketlab-grade", description=doc.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter,
                                     epilog=doc + "\n" + codes)
    parser.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    loud = parser.add_mutually_exclusive_group()
    loud.add_argument("-v", "--verbose", action="store_true", help="more detail (debug messages, tracebacks)")
    loud.add_argument("-q", "--quiet", action="store_true", help="only warnings and errors")
    steps = parser.add_subparsers(dest="step", required=True)

    collect = steps.add_parser("collect", help="copy downloaded submissions into submitted/ and the gradebook")
    _common(collect)
    collect.add_argument("inputs", type=Path, help="folder of downloaded notebooks (LMS or nbgrader layout)")
    collect.add_argument("--students", type=Path, required=True, help="CSV: id, first name, last name, email")

    grade = steps.add_parser("grade", help="autograde all submissions, then feedback, grades.csv and report")
    _common(grade)
    grade.add_argument("--student", action="append", help="only these students (repeatable)")
    grade.add_argument("--jobs", "-j", type=int,
                       help="parallel workers (default: two per core, as memory allows)")
    grade.add_argument("--time-limit", type=float, default=300, help="seconds per submission (default 300)")
    grade.add_argument("--memory-mb", type=int, default=1024, help="kernel address-space limit (default 1024)")
    grade.add_argument("--no-isolation", action="store_true", help="no network/PID/write fencing")
    grade.add_argument("--no-feedback", action="store_true",
                       help="skip the HTML feedback (grades.csv and the report are still written)")

    for name, text in [("feedback", "generate HTML feedback (nbgrader generate_feedback)"),
                       ("export", "write reports/<assignment>/grades.csv, canvas.csv and moodle.csv"),
                       ("report", "write the per-test report (report.md, tests.csv, tests.png)")]:
        _common(steps.add_parser(name, help=text))
    return parser


class _Format(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        text = super().format(record)
        return text if record.levelno < logging.WARNING else f"{record.levelname.lower()}: {text}"


def _setup_logging(verbose: bool, quiet: bool) -> logging.Handler:
    from socketlab.grading.progress import ProgressHandler

    handler = ProgressHandler(sys.stderr)  # messages go above the live progress line
    handler.setFormatter(_Format("%(message)s"))
    log.addHandler(handler)
    log.setLevel(logging.DEBUG if verbose else logging.WARNING if quiet else logging.INFO)
    log.propagate = False
    return handler


def main(argv: list[str] | None = None) -> int:
    options = _parser().parse_args(argv)
    handler = _setup_logging(options.verbose, options.quiet)
    try:
        return _run(options)
    except GradingError as exc:
        log.error("%s", exc)
        return exc.exit_code
    except Exception:
        log.critical("unexpected error (a bug in socketlab-grade; please report it)", exc_info=options.verbose)
        if not options.verbose:
            log.critical("run again with -v for the traceback")
        return 1
    finally:
        log.removeHandler(handler)


def _run(options: argparse.Namespace) -> int:
    root = (options.course or course_root()).resolve()
    assignment = options.assignment
    if options.step == "collect":
        _collect(root, assignment, options)
        return 0
    not_stored = None
    if options.step == "grade":
        from socketlab.grading.grade import grade as run_grade

        try:
            outcomes = run_grade(root, assignment, students=options.student, jobs=options.jobs,
                                 time_limit=options.time_limit, memory_mb=options.memory_mb,
                                 isolation=not options.no_isolation)
        except GradesNotStored as exc:  # still write feedback and reports for the rest, then fail
            not_stored, outcomes = exc, exc.outcomes
        for outcome in outcomes.values():
            if outcome.status != "graded":
                log.warning("%s: %s: %s", outcome.student, outcome.status, outcome.reason)
    from socketlab.grading import report
    from socketlab.grading.lms import FORMATS, write_lms

    if options.step == "feedback" or (options.step == "grade" and not options.no_feedback):
        done = report.feedback(root, assignment)
        log.info("feedback for %d students in feedback/*/%s/", len(done), assignment)
    if options.step in ("grade", "export"):
        grades = report.export_grades(root, assignment)
        log.info("grades: %s", grades)
        for lms in FORMATS:  # the same grades in each LMS's import format
            log.info("grades for %s: %s", lms.capitalize(), write_lms(grades, lms, assignment))
    if options.step in ("grade", "report"):
        log.info("report: %s", report.teacher_report(root, assignment))
    if not_stored:
        raise not_stored
    return 0


def _collect(root: Path, assignment: str, options: argparse.Namespace) -> None:
    from socketlab.grading.collect import collect as run_collect

    result = run_collect(root, assignment, options.inputs, options.students)
    log.info("collected %d submissions of %s; %d older or superseded files ignored; %d students without a "
             "submission; %d unmatched files (see reports/%s/collect.csv)", len(result.taken), assignment,
             len(result.ignored), len(result.missing), len(result.unmatched), assignment)
    for path in result.unmatched:
        log.info("  unmatched: %s", path)
    for path in result.refused:
        log.warning("refused %s: a symbolic link (links in the download folder are never followed)", path)


if __name__ == "__main__":
    sys.exit(main())
