"""The limits one submission is graded under, and the one formula derived from them."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["MB", "Limits"]

MB = 1024 * 1024


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
