"""Stopping a process (a grading worker, a test's Jupyter server) and everything it started."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess

__all__ = ["kill_tree"]


def kill_tree(proc: subprocess.Popen, grace: float = 0.0) -> None:
    """Stop ``proc`` (started with ``start_new_session=True``), its process group and every descendant.

    With ``grace`` > 0, SIGTERM first and up to ``grace`` seconds to exit (a Jupyter
    server then shuts its kernels down); then SIGKILL for whatever is left. Kernels run
    in process groups of their own, so descendants are listed before anything is killed,
    and waited for (up to 5 s each step) after. Used by the grader's workers and the browser tests.
    """
    import psutil

    try:
        family = psutil.Process(proc.pid).children(recursive=True)
    except psutil.Error:
        family = []
    if grace > 0:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(proc.pid, signal.SIGTERM)
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=grace)
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGKILL)
    for child in family:
        with contextlib.suppress(psutil.Error):
            child.kill()
    psutil.wait_procs(family, timeout=5)
    with contextlib.suppress(subprocess.TimeoutExpired):  # one stuck in uninterruptible sleep: do not hang on it
        proc.wait(timeout=5)
