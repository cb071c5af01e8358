"""Progress while grading: one live line on a terminal, one plain line per submission in a log.

On a terminal (stderr is a TTY) the grader keeps one line up to date as each submission
is settled, e.g. ``grading 00-sockets-and-ports: 12/60 done, 2 odd, about 1 min 5 s left``;
messages logged meanwhile (an odd submission's reason, warnings) are printed above it by
``ProgressHandler``. Elsewhere (a log file, CI) each settled submission is one line:
``[12/60] alice graded; 2 odd so far; about 1 min 5 s left``.

A submission is settled when its worker reports it ``done``, when nbgrader gives up on it,
or when the checks before grading already decided it (unreadable, missing, refused).
"Odd" is what the report lists under "Submissions that need a look": not graded, or graded
with notes. The time left is the time per executed submission so far times those left.
"""

from __future__ import annotations

import logging
import shutil
import threading
import time
from collections.abc import Callable
from typing import IO, Any

__all__ = ["Progress", "ProgressHandler", "duration", "live_line", "plain_line"]

log = logging.getLogger(__name__)

_TERMINAL = threading.RLock()  # one writer at a time on the terminal: the live line or a log message
_ACTIVE: list[Progress] = []  # the live line being shown, if any


def duration(seconds: float) -> str:
    """``seconds`` for people: '8 s', '3 min 5 s', '1 h 12 min'."""
    whole = max(0, round(seconds))
    if whole < 60:
        return f"{whole} s"
    if whole < 3600:
        return f"{whole // 60} min {whole % 60} s" if whole % 60 else f"{whole // 60} min"
    hours, minutes = divmod(round(whole / 60), 60)
    return f"{hours} h {minutes} min" if minutes else f"{hours} h"


def _left(left_s: float | None) -> str:
    return "time left unknown yet" if left_s is None else f"about {duration(left_s)} left"


def live_line(assignment: str, settled: int, total: int, odd: int, left_s: float | None,
              took_s: float = 0.0) -> str:
    """The terminal's live line; ``left_s`` None before the first submission is done, ``took_s`` once all are."""
    tail = f"took {duration(took_s)}" if settled >= total else _left(left_s)
    return f"grading {assignment}: {settled}/{total} done, {odd} odd, {tail}"


def plain_line(student: str, what: str, settled: int, total: int, odd: int, left_s: float | None,
               detail: str = "") -> str:
    """The log's line for one settled submission."""
    text = f"[{settled}/{total}] {student} {what}" + (f": {detail}" if detail else "")
    tail = "" if settled >= total else f"; {_left(left_s)}"
    return f"{text}; {odd} odd so far{tail}"


class Progress:
    """Counts settled submissions of one grading run and shows them (thread-safe).

    ``live`` None: a live line when ``stream`` is a terminal and INFO messages are shown.
    ``say`` prints a plain line (default: an INFO message of this module's logger).
    """

    def __init__(self, assignment: str, total: int, *, stream: IO[str] | None = None, live: bool | None = None,
                 say: Callable[[str], Any] | None = None, clock: Callable[[], float] = time.monotonic) -> None:
        import sys

        self.assignment, self.total = assignment, total
        self.stream = stream or sys.stderr
        if live is None:
            live = bool(getattr(self.stream, "isatty", lambda: False)()) and log.isEnabledFor(logging.INFO)
        self.live = live
        self.say = say or log.info
        self.clock = clock
        self.begin = clock()
        self.odd: dict[str, bool] = {}  # settled student -> odd
        self.ran = 0  # settled after running (not decided by the checks)
        self.line = ""  # the live line as last drawn
        self._lock = threading.Lock()

    def __enter__(self) -> Progress:
        if self.live:
            _ACTIVE.append(self)
            self._draw()
        return self

    def __exit__(self, *exc: object) -> None:
        if self.live and self in _ACTIVE:
            _ACTIVE.remove(self)
            with _TERMINAL:
                self.stream.write("\n")
                self.stream.flush()

    def left(self) -> float | None:
        """Seconds left, estimated from the executed submissions so far (None before the first)."""
        if self.ran == 0:
            return None
        return (self.clock() - self.begin) / self.ran * (self.total - len(self.odd))

    def settle(self, student: str, what: str = "graded", *, odd: bool = False, detail: str = "",
               ran: bool = True) -> None:
        """``student`` is done (``what``: graded, failed, unreadable...); again: only ``odd`` can change.

        ``ran``: it was executed (counts for the time left); False for what the checks decided.
        """
        with self._lock:
            new = student not in self.odd
            changed = new or (odd and not self.odd[student])
            self.odd[student] = self.odd.get(student, False) or odd
            if new and ran:
                self.ran += 1
            counts = (len(self.odd), self.total, sum(self.odd.values()), self.left())
        if not changed:
            return
        if self.live:
            if new and detail:  # an odd one's reason, above the live line
                self.say(f"  {student} {what}: {detail}")
            self._draw(counts)
        elif new:
            self.say(plain_line(student, what, counts[0], counts[1], counts[2], counts[3], detail))

    def _draw(self, counts: tuple[int, int, int, float | None] | None = None) -> None:
        if counts is None:
            with self._lock:
                counts = (len(self.odd), self.total, sum(self.odd.values()), self.left())
        settled, total, odd, left = counts
        width = shutil.get_terminal_size((100, 24)).columns - 1  # a wrapped line cannot be redrawn
        with _TERMINAL:
            self.line = live_line(self.assignment, settled, total, odd, left, self.clock() - self.begin)[:width]
            self.stream.write("\r\x1b[K" + self.line)
            self.stream.flush()


class ProgressHandler(logging.StreamHandler):
    """A StreamHandler that prints messages above the live progress line on the same stream."""

    def emit(self, record: logging.LogRecord) -> None:
        live = next((p for p in _ACTIVE if p.stream is self.stream), None)
        if live is None:
            super().emit(record)
            return
        with _TERMINAL:
            self.stream.write("\r\x1b[K")
            super().emit(record)
            self.stream.write(live.line)
            self.stream.flush()
