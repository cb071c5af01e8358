"""What can stop a grading step, as exception types; ``cli.py`` maps each to an exit code.

Library code raises these (never ``SystemExit``), so a caller such as a test or a
notebook gets an exception it can catch, and the command line gets a documented code.
"""

from __future__ import annotations

__all__ = ["GradingError", "UsageError", "CourseNotFound", "NoSubmissions", "Busy", "NbgraderFailed",
           "GradesNotStored", "EXIT_CODES"]


class GradingError(Exception):
    """A grading step could not do its job; the message says why in one line or a short log."""

    exit_code = 1


class UsageError(GradingError):
    """The input is wrong: a missing folder, an unusable student list."""

    exit_code = 2


class CourseNotFound(UsageError, FileNotFoundError):
    """No nbgrader_config.py in the folder given (or the current one) or above."""


class NoSubmissions(GradingError):
    """Nothing to grade: no submitted/<student>/<assignment>/ folder (or none of the students asked for)."""

    exit_code = 3


class Busy(GradingError):
    """Another ``socketlab-grade grade`` holds the course's lock."""

    exit_code = 4


class NbgraderFailed(GradingError, RuntimeError):
    """An nbgrader command the grader needs (generate_assignment, ...) failed; the message carries
    the end of its log, ``log`` all of it."""

    exit_code = 5

    def __init__(self, message: str, log: str = "") -> None:
        super().__init__(message)
        self.log = log


class GradesNotStored(GradingError):
    """Grading ran, but the grades of some submissions did not reach the course's gradebook."""

    exit_code = 6

    def __init__(self, message: str, outcomes: dict | None = None) -> None:
        super().__init__(message)
        self.outcomes = outcomes or {}  # {student: Outcome} of the run, stored ones included


#: exit code -> meaning, for ``socketlab-grade --help`` and the instructor guide.
EXIT_CODES = {
    0: "done (submissions that could not be graded are listed, get 0 and a reason: still 0)",
    1: "an unexpected error (a bug: run again with -v for the traceback)",
    2: "wrong input: command line, course folder, student list or download folder",
    NoSubmissions.exit_code: "no submissions to grade",
    Busy.exit_code: "another grading run is busy in this course",
    NbgraderFailed.exit_code: "an nbgrader command failed (its log is shown)",
    GradesNotStored.exit_code: "some grades did not reach the gradebook (the students are named)",
}
