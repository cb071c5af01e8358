"""The sealed judge: test cells decided outside the student's kernel (see execute.py).

In a learner's own kernel none of this runs: the test cells run there as they always did.
At grading time the judge runs them in a process of its own and reaches the student's code
through a call-server in the kernel. :func:`student_side` marks the few socketlab helpers
that must act inside the student's process (a stand-in resolver, a watch on its threads):
under the judge they run in the kernel; elsewhere, here.
"""

from __future__ import annotations

import functools
from typing import Any, Callable

__all__ = ["student_side", "student_pid"]


def student_pid() -> int:
    """The process the learner's code runs in: the kernel's under the judge, else this one."""
    import os

    from socketlab.judge.remote import current

    session = current()
    return session.pid if session else os.getpid()


def student_side(fn: Callable) -> Callable:
    """Run ``fn`` (a socketlab function, plain-data arguments) where the student's code runs.

    What it returns comes back as data, or as an object that stays in the kernel (a context
    manager works as one). Being in the student's process, what it reports is only as
    trustworthy as that process: use it for what cannot be seen from outside."""

    @functools.wraps(fn)
    def wrapper(*args: Any) -> Any:
        from socketlab.judge.remote import current

        session = current()
        if session is None:
            return fn(*args)
        return session.library(f"{fn.__module__}.{fn.__qualname__}", args)

    return wrapper
