"""Short failures in the course's notebooks: each notebook's first cell runs `%load_ext socketlab.notebook`.

- A failed check (an AssertionError raised inside socketlab.check) shows its message
  alone: expected, actual, what to look at; no frames of the checking machinery.
- An exercise not solved yet (its stub's NotImplementedError) shows one line saying so.
- Any other error shows the usual traceback, less the frames inside socketlab, so what is
  left is the learner's code.

The cell still fails: IPython records the error as usual, so nbgrader still scores a
failing test cell 0 and Run All goes on only past cells tagged `raises-exception`.
"""

from __future__ import annotations

from pathlib import Path
from types import TracebackType

__all__ = ["load_ipython_extension", "short_report", "without_our_frames"]

PACKAGE = str(Path(__file__).resolve().parent)
RED, RESET = "\x1b[31m", "\x1b[0m"


def _ours(tb: TracebackType) -> bool:
    return str(Path(tb.tb_frame.f_code.co_filename).resolve()).startswith(PACKAGE)


def _frames(tb: TracebackType | None) -> list[TracebackType]:
    found = []
    while tb is not None:
        found.append(tb)
        tb = tb.tb_next
    return found


def without_our_frames(tb: TracebackType | None) -> TracebackType | None:
    """The traceback ``tb`` with socketlab's own frames taken out (the chain is relinked)."""
    kept = [frame for frame in _frames(tb) if not _ours(frame)]
    for frame, after in zip(kept, [*kept[1:], None]):
        frame.tb_next = after
    return kept[0] if kept else None


def short_report(etype: type, value: BaseException, tb: TracebackType | None) -> str | None:
    """The one-paragraph report of a failed check or an unsolved exercise; None for other errors."""
    frames = _frames(tb)
    if issubclass(etype, NotImplementedError):
        where = frames[-1].tb_frame.f_code.co_name if frames else ""
        what = f"`{where}` is" if where and where != "<module>" else "this exercise is"
        return (f"{RED}Not solved yet{RESET}: {what} still the stub that raises NotImplementedError. "
                "Write your answer in its cell, run that cell, then run this one again.")
    if issubclass(etype, AssertionError) and frames and _ours(frames[-1]):
        return f"{RED}{etype.__name__}{RESET}: {value}"
    return None


def _show(shell, etype, value, tb, tb_offset=None):
    report = short_report(etype, value, tb)
    stb = [report] if report else shell.InteractiveTB.structured_traceback(
        etype, value, without_our_frames(tb), tb_offset=tb_offset)
    shell._showtraceback(etype, value, stb)
    return stb


def load_ipython_extension(shell) -> None:
    shell.set_custom_exc((Exception,), _show)


def unload_ipython_extension(shell) -> None:
    shell.set_custom_exc((), None)
