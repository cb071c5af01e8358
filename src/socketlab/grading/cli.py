"""socketlab-grade: grade a whole class with nbgrader, in parallel and fenced in.

    socketlab-grade collect 00-sockets-and-ports downloads/ --students students.csv
    socketlab-grade grade 00-sockets-and-ports            # autograde + feedback + grades.csv + report
    socketlab-grade feedback|export|report 00-sockets-and-ports   # again, e.g. after hand-grading

Run it in the course folder (the one holding nbgrader_config.py) or pass --course.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from socketlab.release import course_root


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("assignment", help="assignment id, e.g. 00-sockets-and-ports")
    parser.add_argument("--course", type=Path, help="course folder (default: nearest with nbgrader_config.py)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="socketlab-grade", description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__)
    steps = parser.add_subparsers(dest="step", required=True)

    collect = steps.add_parser("collect", help="copy downloaded submissions into submitted/ and the gradebook")
    _common(collect)
    collect.add_argument("inputs", type=Path, help="folder of downloaded notebooks (LMS or nbgrader layout)")
    collect.add_argument("--students", type=Path, required=True, help="CSV: id, first name, last name, email")

    grade = steps.add_parser("grade", help="autograde all submissions, then feedback, grades.csv and report")
    _common(grade)
    grade.add_argument("--student", action="append", help="only these students (repeatable)")
    grade.add_argument("--jobs", "-j", type=int, default=os.cpu_count(), help="parallel workers (default: cores)")
    grade.add_argument("--time-limit", type=float, default=300, help="seconds per submission (default 300)")
    grade.add_argument("--memory-mb", type=int, default=1024, help="kernel address-space limit (default 1024)")
    grade.add_argument("--no-isolation", action="store_true", help="no network/PID/write fencing")
    grade.add_argument("--no-feedback", action="store_true", help="skip feedback, CSV and report")

    for name, text in [("feedback", "generate HTML feedback (nbgrader generate_feedback)"),
                       ("export", "write reports/<assignment>/grades.csv from the gradebook"),
                       ("report", "write the per-test report (report.md, tests.csv, tests.png)")]:
        _common(steps.add_parser(name, help=text))

    options = parser.parse_args(argv)
    root = (options.course or course_root()).resolve()
    assignment = options.assignment
    if options.step == "collect":
        from socketlab.grading.collect import collect as run_collect

        result = run_collect(root, assignment, options.inputs, options.students)
        print(f"collected {len(result.taken)} submissions of {assignment}; {len(result.ignored)} older or "
              f"superseded files ignored; {len(result.missing)} students without a submission; "
              f"{len(result.unmatched)} unmatched files (see reports/{assignment}/collect.csv)")
        for path in result.unmatched:
            print(f"  unmatched: {path}")
        return 0
    if options.step == "grade":
        from socketlab.grading.grade import grade as run_grade

        outcomes = run_grade(root, assignment, students=options.student, jobs=options.jobs,
                             time_limit=options.time_limit, memory_mb=options.memory_mb,
                             isolation=not options.no_isolation)
        odd = [o for o in outcomes.values() if o.status != "graded"]
        for outcome in odd:
            print(f"! {outcome.student}: {outcome.status}: {outcome.reason}")
        if options.no_feedback:
            return 0
    from socketlab.grading import report

    if options.step in ("grade", "feedback"):
        done = report.feedback(root, assignment)
        print(f"feedback for {len(done)} students in feedback/*/{assignment}/")
    if options.step in ("grade", "export"):
        print(f"grades: {report.export_grades(root, assignment)}")
    if options.step in ("grade", "report"):
        print(f"report: {report.teacher_report(root, assignment)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
