"""The limits one submission is graded under, the one formula derived from them, and how many
submissions are graded at once."""

from __future__ import annotations

import os
from dataclasses import dataclass

__all__ = ["MB", "Limits", "default_jobs"]

MB = 1024 * 1024


def default_jobs() -> int:
    """Workers when -j is not given: two per core, as memory allows (about 500 MB each: nbgrader,
    a kernel, the judge). The tests mostly wait (timeouts, servers, kernels starting), so more
    workers than cores overlap the waits. Measured with benchmarks/grade_class.py on 2 idle cores,
    60 submissions of 00: -j 2 1.45x plain serial nbgrader, -j 4 2.12x, -j 6 2.19x."""
    import psutil

    return max(1, min(2 * (os.cpu_count() or 1), psutil.virtual_memory().available // (500 * MB)))



@dataclass(frozen=True)
class Limits:
    """Per-submission limits: wall-clock time, the kernel's address space, the largest file it may write."""

    time_s: float = 300.0
    memory_mb: int = 1024
    file_mb: int = 64

    @property
    def grader_memory_mb(self) -> int:
        """Address-space limit of the nbgrader process itself.

        It holds every output the kernel sends, so an endless print must not eat the
        machine. Four kernels' worth plus 1 GB for nbgrader's own imports.
        """
        return 4 * self.memory_mb + 1024
