"""Autograde a whole class in parallel, fenced in, with nbgrader as the engine.

Design (why the gradebook cannot be corrupted):

1. **Check** every ``submitted/<student>/<assignment>/`` (readable notebook? renamed?
   test cells deleted, edited or reordered? old nbformat?) without changing it.
2. **Execute in parallel.** The submissions are split into one chunk per worker;
   each chunk is graded by real ``nbgrader autograde`` in a *private copy* of the
   course (config, a snapshot of the gradebook, the assignment's non-notebook files,
   that chunk's submissions) inside the sandbox of ``isolate.py``, under a wall-clock
   limit after which its whole process tree is killed. One nbgrader process per chunk
   matters: starting nbgrader costs seconds of CPU, as much as grading a notebook.
   Every submission a chunk did not grade (a hang past nbgrader's interrupt, a dead
   kernel, the chunk killed) is graded again alone, which gives its one-line reason
   and keeps the odd one from costing the others. Workers never open the course's
   gradebook.
3. **Merge serially.** One process runs nbgrader's ``Autograde`` converter (through
   ``NbGraderAPI``) over the executed notebooks with the ``Execute`` and
   ``ClearOutput`` preprocessors left out: nbgrader itself restores locked cells and
   writes the scores (``SaveAutoGrades``, late penalties) into the course's gradebook,
   one student after another. A submission that could not be executed (hung, killed
   its kernel, unreadable, missing) is merged as its notebook -- or the blank student
   edition when it cannot be read -- with every test cell showing the one-line reason
   as an error, so it scores 0 there, still appears in formgrader (its hand-graded
   answers can be graded) and its feedback says what happened.

nbgrader's ``update_or_create_*`` calls make a re-run update the same rows: no
duplicates. Results land in ``reports/<assignment>/status.json``.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import warnings
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path

import nbformat

from socketlab.grading import isolate
from socketlab.release import run_nbgrader

__all__ = ["Outcome", "grade", "course_settings", "load_status"]


@dataclass
class Outcome:
    student: str
    status: str = "graded"  # graded | failed | unreadable | missing
    reason: str = ""  # one line, empty when nothing went wrong
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0


# ---------------------------------------------------------------- course settings

def course_settings(root: Path):
    """The course's nbgrader config (nbgrader_config.py) as a traitlets Config."""
    from traitlets.config import Config
    from traitlets.config.loader import PyFileConfigLoader

    config = Config()
    if (root / "nbgrader_config.py").is_file():
        config.merge(PyFileConfigLoader("nbgrader_config.py", path=str(root)).load_config())
    config.CourseDirectory.root = str(root)
    return config


def _dirs(root: Path) -> dict[str, str]:
    from nbgrader.coursedir import CourseDirectory

    coursedir = CourseDirectory(config=course_settings(root))
    return {"source": coursedir.source_directory, "release": coursedir.release_directory}


def cell_timeout(root: Path) -> float:
    config = course_settings(root)
    return float(config.Execute.get("timeout", 30))


def ensure_assignment(root: Path, assignment: str) -> None:
    """Put the assignment's cells into the gradebook (generate_assignment) unless they are there."""
    from nbgrader.api import Gradebook, MissingEntry

    with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gb:
        try:
            if gb.find_assignment(assignment).notebooks:
                return
        except MissingEntry:
            pass
    with tempfile.TemporaryDirectory() as release:  # never touch the committed student edition
        run_nbgrader(root, "generate_assignment", assignment, "--force",
                     f"--CourseDirectory.release_directory={release}")


def student_edition(root: Path, assignment: str, work: Path) -> Path:
    """The released (blank) notebook, generated into ``work`` when the course has no copy."""
    released = root / _dirs(root)["release"] / assignment / f"{assignment}.ipynb"
    if released.is_file():
        return released
    run_nbgrader(root, "generate_assignment", assignment, "--force", "--no-db",
                 f"--CourseDirectory.release_directory={work / 'release'}")
    return work / "release" / assignment / f"{assignment}.ipynb"


# ---------------------------------------------------------------- step 1: checks

def test_cells(released) -> dict[str, str]:
    """{grade_id: source} of the auto-graded test cells of the student edition, in notebook order."""
    return {c.metadata.nbgrader["grade_id"]: c.source for c in released.cells
            if c.cell_type == "code" and c.metadata.get("nbgrader", {}).get("grade")
            and not c.metadata.nbgrader.get("solution")}


def check_submission(folder: Path, assignment: str, tests: dict[str, str], order: list[str]) -> tuple[Outcome, object]:
    """Look at a submission without changing it: (outcome so far, the notebook or None)."""
    student = folder.parent.name
    outcome = Outcome(student)
    path = folder / f"{assignment}.ipynb"
    if not path.is_file():
        others = sorted(p.name for p in folder.glob("*.ipynb"))
        outcome.status = "missing"
        outcome.reason = (f"no {path.name} in the submission" +
                          (f" (found {', '.join(others)}: collect accepts renamed notebooks)" if others else ""))
        return outcome, None
    raw = path.read_bytes()
    if not raw.strip():
        outcome.status, outcome.reason = "unreadable", "the notebook file is empty"
        return outcome, None
    try:
        version = json.loads(raw).get("nbformat")
        nb = nbformat.reads(raw.decode("utf-8"), as_version=4)
    except Exception as exc:  # JSON, encoding or nbformat errors all mean the same to a teacher
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        outcome.status, outcome.reason = "unreadable", f"not a valid notebook: {first[:200]}"
        return outcome, None
    if version != 4:
        outcome.notes.append(f"saved as nbformat v{version}: converted to v4 for grading")
    seen = [c.metadata.get("nbgrader", {}).get("grade_id") for c in nb.cells]
    seen_tests = [g for g in seen if g in tests]
    deleted = [g for g in tests if g not in seen_tests]
    if deleted:
        outcome.notes.append(f"test cells deleted: {', '.join(deleted)} (nbgrader leaves them ungraded, "
                             "flagged 'needs manual grade')")
    edited = [c.metadata.nbgrader["grade_id"] for c in nb.cells
              if c.metadata.get("nbgrader", {}).get("grade_id") in tests
              and c.source.strip() != tests[c.metadata.nbgrader["grade_id"]].strip()]
    if edited:
        outcome.notes.append(f"test cells edited: {', '.join(edited)} (nbgrader restored the originals)")
    seen_ids = [g for g in seen if g in order]
    if seen_ids != sorted(seen_ids, key=order.index):
        outcome.notes.append("nbgrader cells reordered: graded in the student's order")
    return outcome, nb


# ---------------------------------------------------------------- step 2: parallel execution

def _private_course(root: Path, scratch: Path, assignment: str, students: list[str], snapshot: Path) -> Path:
    private = scratch / "course"
    private.mkdir(parents=True)
    shutil.copy(root / "nbgrader_config.py", private)
    shutil.copy(snapshot, private / "gradebook.db")
    source = _dirs(root)["source"]
    # Files beside the notebook (pictures, data); not the solution notebook itself.
    shutil.copytree(root / source / assignment, private / source / assignment,
                    ignore=shutil.ignore_patterns("*.ipynb", ".ipynb_checkpoints"))
    for student in students:
        shutil.copytree(root / "submitted" / student / assignment, private / "submitted" / student / assignment)
    return private


def kill_tree(proc: subprocess.Popen) -> None:
    """SIGKILL a worker, its process group and every descendant still visible."""
    try:
        import psutil

        descendants = psutil.Process(proc.pid).children(recursive=True)
    except Exception:
        descendants = []
    for target in [proc.pid]:
        try:
            os.killpg(target, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
    for child in descendants:
        try:
            child.kill()
        except Exception:
            pass
    proc.wait()


def _failure_reason(log: str, memory_mb: int) -> str:
    if "CellTimeoutError" in log:
        return ("a cell kept running after nbgrader's interrupt at the cell time limit (e.g. a loop that "
                "catches KeyboardInterrupt): nbgrader stopped grading the notebook")
    if "DeadKernelError" in log or "Kernel died" in log:
        return "the kernel died while running the notebook (the code ended its own process, e.g. os._exit, or crashed)"
    if "MemoryError" in log:
        return f"the grading process ran out of memory (limit {4 * memory_mb + 1024} MB): probably endless output"
    if "No reply from kernel" in log or "UnresponsiveKernelError" in log:
        return "the kernel stopped answering"
    lines = [line for line in log.splitlines() if line.strip() and "Traceback" not in line]
    errors = [line for line in lines if "[ERROR]" in line or "Error" in line]
    return "nbgrader autograde failed: " + ((errors or lines or ["no output"])[-1].strip()[:200])


def _notes_from_outputs(nb, memory_mb: int, timeout: float) -> list[str]:
    notes = []
    for index, cell in enumerate(nb.cells):
        name = cell.metadata.get("nbgrader", {}).get("grade_id") or f"cell {index + 1}"
        for output in cell.get("outputs", []):
            if output.get("output_type") != "error":
                continue
            if output.get("ename") == "CellTimeoutError":
                notes.append(f"{name}: ran over the {timeout:g} s cell limit and was interrupted")
            elif output.get("ename") == "MemoryError":
                notes.append(f"{name}: ran out of memory (limit {memory_mb} MB)")
    return notes


def run_worker(root: Path, assignment: str, students: list[str], name: str, work: Path, snapshot: Path, sandbox,
               *, time_limit: float, memory_mb: int) -> tuple[str, dict[str, Path]]:
    """Autograde ``students`` in a private course copy ``work/workers/<name>``.

    Returns (failure reason or '', {student: executed notebook}) for those it graded.
    With one student the worker runs nbgrader for that student alone, so its log's
    reason is that student's.
    """
    scratch = work / "workers" / name
    shutil.rmtree(scratch, ignore_errors=True)
    private = _private_course(root, scratch, assignment, students, snapshot)
    cmd = [*sandbox.prefix, sys.executable, "-m", "socketlab.grading.isolate", "worker",
           "--assignment", assignment, "--scratch", str(scratch), "--memory-mb", str(memory_mb),
           *(["--student", students[0]] if len(students) == 1 else []), *(["--net"] if sandbox.network else [])]
    log_path = scratch / "autograde.log"
    outputs = {s: private / "autograded" / s / assignment / f"{assignment}.ipynb" for s in students}
    # nbgrader grades one student after another and copies each notebook to autograded/ when it
    # starts on it: a new file means the previous student is finished and the next has begun.
    started = lambda: {s: path for s, path in outputs.items() if path.is_file()}  # noqa: E731
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(cmd, cwd=private, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                                start_new_session=True)
        count, since = 0, time.monotonic()
        while proc.poll() is None:
            time.sleep(0.2)
            if len(started()) > count:
                count, since = len(started()), time.monotonic()
            elif time.monotonic() - since > time_limit:  # the limit is per submission
                kill_tree(proc)
                finished = dict(started())
                if finished:  # the newest is the one that was still running
                    del finished[max(finished, key=lambda s: finished[s].stat().st_ctime_ns)]
                return (f"still running after the {time_limit:g} s limit per submission, killed (code that "
                        "survives nbgrader's interrupt, e.g. a loop that catches KeyboardInterrupt and keeps "
                        "printing)"), finished
    executed = started()
    if proc.returncode == 0 and len(executed) == len(students):
        return "", executed
    return _failure_reason(log_path.read_text(errors="replace"), memory_mb), executed


def chunks(items: list[str], count: int) -> list[list[str]]:
    """``items`` dealt round-robin into at most ``count`` non-empty chunks."""
    return [items[i::count] for i in range(min(count, len(items)))]


# ---------------------------------------------------------------- step 3: serial merge

def _with_reason(nb, reason: str):
    """A copy of ``nb`` without outputs whose test cells show ``reason`` as an error (so score 0)."""
    nb = nbformat.from_dict(nb)
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        cell.outputs = []
        cell.execution_count = None
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("grade") and not meta.get("solution"):
            cell.outputs = [nbformat.v4.new_output("error", ename="NotGraded", evalue=reason,
                                                   traceback=[f"NotGraded: {reason}"])]
    return nb


def merge(root: Path, assignment: str, staging: Path, students: list[str]) -> dict[str, str]:
    """nbgrader's Autograde over already-executed notebooks, one student at a time; {student: error}."""
    from nbgrader.apps import NbGraderAPI
    from nbgrader.preprocessors import (AssignLatePenalties, CheckCellMetadata, DeduplicateIds, IgnorePattern,
                                        LimitOutput, OverwriteCells, OverwriteKernelspec, SaveAutoGrades)

    config = course_settings(root)
    config.CourseDirectory.submitted_directory = str(staging)
    config.Autograde.sanitize_preprocessors = [DeduplicateIds, OverwriteKernelspec, OverwriteCells,
                                               CheckCellMetadata]
    config.Autograde.autograde_preprocessors = [IgnorePattern, LimitOutput, SaveAutoGrades, AssignLatePenalties,
                                                CheckCellMetadata]
    api = NbGraderAPI(config=config)
    errors = {}
    for student in students:
        with warnings.catch_warnings():  # SQLAlchemy's notes on nbgrader's own session use: noise here
            warnings.filterwarnings("ignore", module="nbgrader.api")
            result = api.autograde(assignment, student, force=True, create=True)
        if not result["success"]:
            errors[student] = (result.get("error") or result.get("log") or "").strip().splitlines()[-1:] or ["?"]
            errors[student] = errors[student][0][:200]
    return errors


def _stage(staging: Path, root: Path, assignment: str, student: str, nb) -> None:
    folder = staging / student / assignment
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    nbformat.write(nb, folder / f"{assignment}.ipynb")
    stamp = root / "submitted" / student / assignment / "timestamp.txt"
    if stamp.is_file():
        shutil.copy(stamp, folder)


# ---------------------------------------------------------------- the command

def grade(root: Path, assignment: str, *, students: list[str] | None = None, jobs: int | None = None,
          time_limit: float = 300.0, memory_mb: int = 1024, isolation: bool = True,
          log=print) -> dict[str, Outcome]:
    """Autograde every submission of ``assignment`` (or ``students``); returns {student: Outcome}."""
    from socketlab.grading.collect import tools_on_path

    tools_on_path()
    root = Path(root).resolve()
    started = time.monotonic()
    lock_path = root / "reports" / ".socketlab-grade.lock"
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    with open(lock_path, "w") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            raise SystemExit(f"another `socketlab-grade grade` is running in {root} (lock: {lock_path})") from None
        return _grade(root, assignment, started, students=students, jobs=jobs, time_limit=time_limit,
                      memory_mb=memory_mb, isolation=isolation, log=log)


def _grade(root: Path, assignment: str, started: float, *, students, jobs, time_limit, memory_mb, isolation,
           log) -> dict[str, Outcome]:
    ensure_assignment(root, assignment)
    submitted = root / "submitted"
    folders = sorted(p for p in submitted.glob(f"*/{assignment}") if p.is_dir()) if submitted.is_dir() else []
    if students:
        folders = [f for f in folders if f.parent.name in set(students)]
    if not folders:
        raise SystemExit(f"no submissions of {assignment} under {submitted} (run `socketlab-grade collect` first)")
    jobs = max(1, jobs or os.cpu_count() or 1)
    sandbox = isolate.probe(isolation)
    for warning in sandbox.warnings:
        log(f"warning: {warning}")
    log(f"grading {len(folders)} submissions of {assignment} with {jobs} workers ({sandbox.describe()}, "
        f"{time_limit:g} s and {memory_mb} MB per submission)")
    timeout = cell_timeout(root)
    outcomes: dict[str, Outcome] = {}
    notebooks = {}
    with tempfile.TemporaryDirectory(prefix=f"socketlab-grade-{assignment}-") as tmp:
        work = Path(tmp)
        blank = nbformat.read(student_edition(root, assignment, work), as_version=4)
        tests = test_cells(blank)
        order = [c.metadata["nbgrader"]["grade_id"] for c in blank.cells if "nbgrader" in c.metadata]
        for folder in folders:
            outcome, nb = check_submission(folder, assignment, tests, order)
            outcomes[outcome.student] = outcome
            notebooks[outcome.student] = nb
        snapshot = work / "gradebook-snapshot.db"
        shutil.copy(root / "gradebook.db", snapshot)  # nobody writes it while workers run
        staging = work / "executed"
        runnable = [s for s, o in outcomes.items() if o.status == "graded"]
        landlock_warned = []

        def run(students: list[str], name: str) -> list[str]:
            """Grade ``students`` in one worker; return those it could not grade (alone: mark them failed)."""
            begin = time.monotonic()
            reason, executed = run_worker(root, assignment, students, name, work, snapshot, sandbox,
                                          time_limit=time_limit, memory_mb=memory_mb)
            seconds = round((time.monotonic() - begin) / len(students), 1)
            notes = work / "workers" / name / "sandbox.json"
            if notes.is_file() and not landlock_warned:
                landlock = json.loads(notes.read_text()).get("landlock", "ok")
                if landlock != "ok":
                    landlock_warned.append(landlock)
                    log(f"warning: {landlock}")
            for student, path in list(executed.items()):
                try:
                    nb = nbformat.read(path, as_version=4)
                except Exception:  # half-written when its chunk was killed: grade it again
                    del executed[student]
                    continue
                outcome = outcomes[student]
                outcome.seconds = seconds
                outcome.notes += _notes_from_outputs(nb, memory_mb, timeout)
                _stage(staging, root, assignment, student, nb)
                log(f"  {student}: graded")
            left = [s for s in students if s not in executed]
            if len(students) == 1 and left:
                outcome = outcomes[left[0]]
                outcome.status, outcome.reason, outcome.seconds = "failed", reason, seconds
                log(f"  {left[0]}: failed in {seconds:g} s -- {reason}")
                return []
            return left

        with ThreadPoolExecutor(max_workers=jobs) as pool:
            batches = chunks(runnable, jobs)
            left = [s for lost in pool.map(run, batches, [f"chunk{i}" for i in range(len(batches))]) for s in lost]
            if left:
                log(f"grading {len(left)} submission(s) again one by one: {', '.join(left)}")
                list(pool.map(run, [[s] for s in left], left))

        for student, outcome in outcomes.items():
            if outcome.status == "graded":
                continue
            nb = notebooks.get(student)
            if nb is None:
                nb = blank
            _stage(staging, root, assignment, student, _with_reason(nb, outcome.reason))
        errors = merge(root, assignment, staging, sorted(outcomes))
        for student, error in errors.items():  # nbgrader could not process it: fall back to the blank edition
            reason = f"nbgrader could not process the notebook: {error}"
            _stage(staging, root, assignment, student, _with_reason(blank, reason))
            outcomes[student].status, outcomes[student].reason = "failed", reason
            still = merge(root, assignment, staging, [student])
            if still:
                outcomes[student].reason += f"; not in the gradebook: {still[student]}"

    save_status(root, assignment, outcomes)
    log(f"graded {assignment} in {time.monotonic() - started:.1f} s")
    return outcomes


def status_path(root: Path, assignment: str) -> Path:
    return Path(root) / "reports" / assignment / "status.json"


def save_status(root: Path, assignment: str, outcomes: dict[str, Outcome]) -> None:
    path = status_path(root, assignment)
    path.parent.mkdir(parents=True, exist_ok=True)
    old = load_status(root, assignment)
    old.update({s: asdict(o) for s, o in outcomes.items()})
    path.write_text(json.dumps(dict(sorted(old.items())), indent=1))


def load_status(root: Path, assignment: str) -> dict[str, dict]:
    path = status_path(root, assignment)
    return json.loads(path.read_text()) if path.is_file() else {}
