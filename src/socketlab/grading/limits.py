"""The limits one submission is graded under, the one formula derived from them, and how many
submissions are graded at once."""

from __future__ import annotations

import os
from dataclasses import dataclass

__all__ = ["MB", "Limits", "DEFAULT_JOBS"]

MB = 1024 * 1024

#: Workers when -j is not given: the submissions' tests mostly wait (timeouts, servers, kernels
#: starting), so more workers than cores overlap the waits; see benchmarks/grade_class.py.
DEFAULT_JOBS = os.cpu_count() or 1


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
