"""Autograde a whole class in parallel, fenced in, with nbgrader as the engine.

The steps, each in its own module (why the gradebook cannot be corrupted):

1. **Check** (``checks.py``) every ``submitted/<student>/<assignment>/`` without changing it.
2. **Execute in parallel** (``workers.py``, sandbox in ``isolate.py``): one chunk of
   submissions per worker, each a real ``nbgrader autograde`` in a private copy of the
   course, under a per-submission wall-clock limit. A submission its chunk did not
   finish (the chunk killed at the limit, nbgrader's process lost) is graded again
   alone, which gives its one-line reason and keeps the odd one from costing the
   others. Workers never open the course's gradebook.
3. **Merge serially** (``merge.py``): nbgrader's own ``Autograde`` converter, without
   ``Execute``, writes the scores into the course's gradebook, one student after another,
   in one thread of this process, each as soon as its worker has executed it.
4. **Status** (``status.py``): ``reports/<assignment>/status.json``, one ``Outcome`` per student.

nbgrader's ``update_or_create_*`` calls make a re-run update the same rows: no duplicates.
"""

from __future__ import annotations

import fcntl
import logging
import queue
import shutil
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import nbformat

from socketlab.grading import isolate
from socketlab.grading.checks import check_submission, grade_ids, malformed, nbgrader_meta, test_cells
from socketlab.grading.errors import Busy, GradesNotStored, NoSubmissions
from socketlab.grading.limits import Limits, default_jobs
from socketlab.grading.merge import Merger, stage, with_reason
from socketlab.grading.nbgrader_run import (
    cell_timeout,
    ensure_assignment,
    gradebook_url,
    student_edition,
    tools_on_path,
)
from socketlab.grading.progress import Progress
from socketlab.grading.status import Outcome, load_status, save_status, status_path
from socketlab.grading.workers import chunks, run_worker

__all__ = ["Outcome", "grade", "load_status", "submission_folders"]

log = logging.getLogger(__name__)


def grade(root: Path, assignment: str, *, students: list[str] | None = None, jobs: int | None = None,
          time_limit: float = 300.0, memory_mb: int = 1024, isolation: bool = True) -> dict[str, Outcome]:
    """Autograde every submission of ``assignment`` (or ``students``); returns {student: Outcome}.

    Raises ``Busy`` when another run holds the course's lock, ``NoSubmissions`` when
    there is nothing to grade, ``GradesNotStored`` (with the outcomes) when grading ran
    but some grades are not in the course's gradebook.
    """
    tools_on_path()
    root = Path(root).resolve()
    started = time.monotonic()
    lock_path = root / "reports" / ".socketlab-grade.lock"
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    with open(lock_path, "w") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            raise Busy(f"another `socketlab-grade grade` is running in {root} (lock: {lock_path})") from None
        ensure_assignment(root, assignment)
        isolate.write_bytecode()
        folders = submission_folders(root, assignment, students)
        run = _Run(root, assignment, Limits(time_s=time_limit, memory_mb=memory_mb),
                   jobs=max(1, jobs or default_jobs()), sandbox=isolate.probe(isolation))
        outcomes = run.grade(folders)
        lost = not_in_gradebook(root, assignment, outcomes)
    save_status(root, assignment, outcomes)
    log.info("graded %s in %.1f s", assignment, time.monotonic() - started)
    if lost:
        raise GradesNotStored(f"the grades of {len(lost)} of {len(outcomes)} submissions did not reach the "
                              f"gradebook ({root / 'gradebook.db'}): {', '.join(lost[:10])}"
                              + (", ..." if len(lost) > 10 else "") + f"; see {status_path(root, assignment)}",
                              outcomes=outcomes)
    return outcomes


def not_in_gradebook(root: Path, assignment: str, outcomes: dict[str, Outcome]) -> list[str]:
    """Students whose grades this run did not store: the merge said so, or the gradebook has no submission."""
    from nbgrader.api import Gradebook, MissingEntry

    try:
        with Gradebook(gradebook_url(root)) as gb:
            for outcome in outcomes.values():
                if outcome.stored:
                    try:
                        gb.find_submission(assignment, outcome.student)
                    except MissingEntry:
                        _lose(outcome, "not in the gradebook")
    except Exception as exc:  # noqa: BLE001 -- an unreadable gradebook holds nobody's grades
        for outcome in outcomes.values():
            if outcome.stored:
                _lose(outcome, f"gradebook unreadable: {type(exc).__name__}")
    return sorted(s for s, o in outcomes.items() if not o.stored)


def _lose(outcome: Outcome, why: str) -> None:
    outcome.stored = False
    outcome.reason = "; ".join(filter(None, [outcome.reason, why]))


def submission_folders(root: Path, assignment: str, students: list[str] | None = None) -> list[Path]:
    """``submitted/<student>/<assignment>/`` folders, sorted; raise ``NoSubmissions`` when there are none."""
    submitted = root / "submitted"
    folders = sorted(p for p in submitted.glob(f"*/{assignment}") if p.is_dir()) if submitted.is_dir() else []
    if students:
        folders = [f for f in folders if f.parent.name in set(students)]
    if not folders:
        raise NoSubmissions(f"no submissions of {assignment} under {submitted} (run `socketlab-grade collect` first)")
    return folders


@dataclass
class _Run:
    """One grading run of one assignment: the state the three steps share."""

    root: Path
    assignment: str
    limits: Limits
    jobs: int
    sandbox: Any
    outcomes: dict[str, Outcome] = field(default_factory=dict)
    notebooks: dict[str, Any] = field(default_factory=dict)  # student -> submitted notebook (None: unreadable)
    warned: set[str] = field(default_factory=set)
    taken: dict[str, str] = field(default_factory=dict)  # student -> '' (staged, being merged) or why not usable
    progress: Progress = field(init=False)  # set while the submissions are executed

    def grade(self, folders: list[Path]) -> dict[str, Outcome]:
        for warning in self.sandbox.warnings:
            log.warning(warning)
        log.info("grading %d submissions of %s with %d workers (%s, %g s and %d MB per submission)", len(folders),
                 self.assignment, self.jobs, self.sandbox.describe(), self.limits.time_s, self.limits.memory_mb)
        self.cell_timeout = cell_timeout(self.root)
        with tempfile.TemporaryDirectory(prefix=f"socketlab-grade-{self.assignment}-") as tmp:
            self.work = Path(tmp)
            self.staging = self.work / "executed"
            self.blank = nbformat.read(student_edition(self.root, self.assignment, self.work), as_version=4)
            self.check(folders)
            self.snapshot = self.work / "gradebook-snapshot.db"
            shutil.copy(self.root / "gradebook.db", self.snapshot)  # nobody writes it while workers run
            self.progress = Progress(self.assignment, len(folders))
            self.merging = _Merging(self.root, self.assignment, self.staging)
            with self.progress:
                for outcome in self.outcomes.values():
                    if outcome.status != "graded":  # decided by the checks: nothing to run
                        self.progress.settle(outcome.student, outcome.status, odd=True, detail=outcome.reason,
                                             ran=False)
                self.execute([s for s, o in self.outcomes.items() if o.status == "graded"])
            self.merge()
        return self.outcomes

    # ---- step 1
    def check(self, folders: list[Path]) -> None:
        tests, order = test_cells(self.blank), grade_ids(self.blank)
        course_sources = {cell.source.strip() for cell in self.blank.cells}
        for folder in folders:
            outcome, nb = check_submission(folder, self.assignment, tests, order, course_sources)
            self.outcomes[outcome.student] = outcome
            self.notebooks[outcome.student] = nb

    # ---- step 2
    def execute(self, runnable: list[str]) -> None:
        with ThreadPoolExecutor(max_workers=self.jobs) as pool:
            batches = chunks(runnable, self.jobs)
            names = [f"chunk{i}" for i in range(len(batches))]
            left = [s for lost in pool.map(self.run_chunk, batches, names) for s in lost]
            if left:
                log.info("grading %d submission(s) again one by one: %s", len(left), ", ".join(left))
                list(pool.map(self.run_chunk, [[s] for s in left], left))

    def run_chunk(self, students: list[str], name: str) -> list[str]:
        """Grade ``students`` in one worker; return those it did not finish (alone: mark them failed)."""
        begin = time.monotonic()
        result = run_worker(self.root, self.assignment, students, name, self.work, self.snapshot, self.sandbox,
                            self.limits, on_event=self.heard)
        seconds = round((time.monotonic() - begin) / len(students), 1)
        landlock = result.sandbox.get("landlock", "ok")
        if landlock != "ok" and landlock not in self.warned:
            self.warned.add(landlock)
            log.warning(landlock)
        left = []
        for student in students:
            outcome = self.outcomes[student]
            outcome.seconds = seconds
            if student in result.executed:  # taken when its worker said done (heard)
                problem = self.taken.pop(student, "its worker said done, but no notebook was taken")
                if problem and len(students) > 1:
                    left.append(student)  # grade it again alone
                elif problem:
                    self.failed(outcome, f"the executed notebook could not be read back: {problem}")
            elif student in result.reasons:
                self.failed(outcome, result.reasons[student])
            elif len(students) == 1:
                self.failed(outcome, result.reason or "nbgrader finished without grading it")
            else:
                left.append(student)
        return left

    def take(self, student: str, executed: Path) -> str:
        """Stage one executed notebook for the merge; '' or why it cannot be used.

        The submission's own code could have written the file after nbgrader did.
        """
        try:
            if executed.is_symlink() or not executed.is_file():
                return "not a regular file"
            nb = nbformat.read(executed, as_version=4)
            problem = malformed(nb)
            if problem:
                return problem
            notes = _notes_from_outputs(nb, self.limits, self.cell_timeout)
            stage(self.staging, self.root, self.assignment, student, nb)
        except Exception as exc:  # noqa: BLE001 -- whatever is wrong with it, it cannot be merged
            return f"{type(exc).__name__}: {str(exc).strip()[:120]}" if str(exc).strip() else type(exc).__name__
        self.outcomes[student].notes += notes
        return ""

    def heard(self, kind: str, student: str, detail: str) -> None:
        """A worker's event as it comes (its thread): a notebook done is taken and merged at once
        (``detail`` is its path), the progress line moves on."""
        if kind == "done":
            problem = self.take(student, Path(detail))
            self.taken[student] = problem
            if not problem:
                self.merging.add(student)
                self.progress.settle(student, odd=bool(self.outcomes[student].notes))
        elif kind == "error":
            self.progress.settle(student, "failed", odd=True, detail=detail)

    def failed(self, outcome: Outcome, reason: str) -> None:
        outcome.fail("failed", reason)
        self.progress.settle(outcome.student, "failed", odd=True, detail=outcome.reason)

    # ---- step 3
    def merge(self) -> None:
        """The rest of the merge: what could not be executed, and what nbgrader refused."""
        errors = self.merging.finish()
        for student, outcome in self.outcomes.items():
            if outcome.status != "graded":
                nb = self.notebooks.get(student)
                stage(self.staging, self.root, self.assignment, student,
                      with_reason(self.blank if nb is None else nb, outcome.reason))
                errors[student] = self.merging.merger(student)
        for student, error in sorted(errors.items()):  # nbgrader could not process it: the blank edition instead
            if not error:
                continue
            outcome = self.outcomes[student]
            outcome.fail("failed", f"nbgrader could not process the notebook: {error}")
            stage(self.staging, self.root, self.assignment, student, with_reason(self.blank, outcome.reason))
            still = self.merging.merger(student)
            if still:
                outcome.stored = False
                outcome.reason += f"; not in the gradebook: {still}"


class _Merging:
    """Step 3 in a thread of its own, fed while the workers run: merging a notebook costs a
    fraction of a second of nbgrader, which would otherwise all come after the last worker."""

    def __init__(self, root: Path, assignment: str, staging: Path) -> None:
        self.merger = Merger(root, assignment, staging)
        self.errors: dict[str, str] = {}
        self._queue: queue.SimpleQueue = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._run, name="merge", daemon=True)
        self._thread.start()

    def add(self, student: str) -> None:
        self._queue.put(student)

    def _run(self) -> None:
        while (student := self._queue.get()) is not None:
            try:
                self.errors[student] = self.merger(student)
            except Exception as exc:  # noqa: BLE001 -- that student fails with the reason, the others go on
                self.errors[student] = f"{type(exc).__name__}: {exc}"[:200]

    def finish(self) -> dict[str, str]:
        """Wait for the notebooks added so far; {student: '' or nbgrader's complaint}."""
        self._queue.put(None)
        self._thread.join()
        return self.errors

def _notes_from_outputs(nb: Any, limits: Limits, timeout: float) -> list[str]:
    """Notes for the teacher from the executed notebook's error outputs (cells interrupted, out of memory)."""
    notes = []
    for index, cell in enumerate(nb.cells):
        name = nbgrader_meta(cell).get("grade_id") or f"cell {index + 1}"
        for output in cell.get("outputs", []) if isinstance(cell.get("outputs"), list) else []:
            if not isinstance(output, dict) or output.get("output_type") != "error":
                continue
            if output.get("ename") == "CellTimeoutError":
                notes.append(f"{name}: ran over the {timeout:g} s cell limit and was interrupted")
            elif output.get("ename") == "MemoryError":
                notes.append(f"{name}: ran out of memory (limit {limits.memory_mb} MB)")
    return notes
