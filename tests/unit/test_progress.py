"""socketlab-grade's progress: the live line on a terminal, one plain line per submission elsewhere."""

from __future__ import annotations

import io
import logging

import pytest

from socketlab.grading.progress import Progress, ProgressHandler, duration, live_line, plain_line


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize("seconds, text", [(0, "0 s"), (8.4, "8 s"), (59.6, "1 min"), (65, "1 min 5 s"),
                                           (3599, "59 min 59 s"), (3600, "1 h"), (4320, "1 h 12 min"),
                                           (-3, "0 s")])
def test_duration(seconds, text):
    assert duration(seconds) == text


def test_lines():
    assert live_line("00-x", 12, 60, 2, 65) == "grading 00-x: 12/60 done, 2 odd, about 1 min 5 s left"
    assert live_line("00-x", 0, 60, 0, None) == "grading 00-x: 0/60 done, 0 odd, time left unknown yet"
    assert live_line("00-x", 60, 60, 3, 0, took_s=94) == "grading 00-x: 60/60 done, 3 odd, took 1 min 34 s"
    assert plain_line("alice", "graded", 12, 60, 2, 65) == "[12/60] alice graded; 2 odd so far; about 1 min 5 s left"
    assert (plain_line("bob", "failed", 60, 60, 3, 0, "the kernel died")
            == "[60/60] bob failed: the kernel died; 3 odd so far")


def test_one_plain_line_per_submission_when_not_a_terminal():
    clock, said, stream = Clock(), [], io.StringIO()
    with Progress("00-x", 4, stream=stream, say=said.append, clock=clock) as progress:
        assert not progress.live
        progress.settle("dan", "unreadable", odd=True, detail="not valid JSON", ran=False)
        clock.now += 10
        progress.settle("amy")  # its worker said done
        progress.settle("amy")  # the chunk ended: nothing new
        progress.settle("amy", odd=True)  # its outputs added a note: counted, no second line
        clock.now += 10
        progress.settle("bob", "failed", odd=True, detail="the kernel died")
        progress.settle("cid")
    assert said == ["[1/4] dan unreadable: not valid JSON; 1 odd so far; time left unknown yet",
                    "[2/4] amy graded; 1 odd so far; about 20 s left",  # 10 s for 1 run, 2 to go
                    "[3/4] bob failed: the kernel died; 3 odd so far; about 10 s left",
                    "[4/4] cid graded; 3 odd so far"]
    assert stream.getvalue() == ""  # no live line, no control characters in a log


def test_live_line_on_a_terminal_and_messages_above_it(caplog):
    caplog.set_level(logging.INFO, logger="socketlab.grading")  # as the command sets it (not -q)
    clock, terminal = Clock(), Terminal()
    handler = ProgressHandler(terminal)
    logger = logging.getLogger("socketlab.grading.test-progress")
    logger.addHandler(handler)
    try:
        with Progress("00-x", 2, stream=terminal, say=logger.info, clock=clock) as progress:
            assert progress.live
            clock.now += 30
            progress.settle("amy", "failed", odd=True, detail="the kernel died")
            clock.now += 30
            progress.settle("bob")
    finally:
        logger.removeHandler(handler)
    screen = terminal.getvalue()
    assert screen.split("\r\x1b[K") == [
        "",
        "grading 00-x: 0/2 done, 0 odd, time left unknown yet",
        "  amy failed: the kernel died\ngrading 00-x: 0/2 done, 0 odd, time left unknown yet",  # above, redrawn
        "grading 00-x: 1/2 done, 1 odd, about 30 s left",
        "grading 00-x: 2/2 done, 1 odd, took 1 min\n"]


def test_no_live_line_when_quiet_or_not_a_terminal(caplog):
    caplog.set_level(logging.WARNING, logger="socketlab.grading")  # -q
    assert not Progress("00-x", 1, stream=Terminal()).live
    caplog.set_level(logging.INFO, logger="socketlab.grading")
    assert Progress("00-x", 1, stream=Terminal()).live
    assert not Progress("00-x", 1, stream=io.StringIO()).live
