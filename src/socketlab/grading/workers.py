"""Step 2: execute submissions in parallel workers, each a real ``nbgrader autograde`` fenced in.

A worker grades one chunk of submissions in a *private copy* of the course (config, a
snapshot of the gradebook, the assignment's non-notebook files, that chunk's
submissions) inside the sandbox of ``isolate.py``. One nbgrader process per chunk
matters: starting nbgrader costs seconds of CPU, as much as grading a notebook.

The worker tells the grader what happens over a pipe it inherits (one JSON object a
line, the kernels never get the pipe): ``start`` and ``done`` per student, ``error``
with the exception's type when nbgrader gave up on a submission, ``sandbox`` notes and
nbgrader's ``exit`` code. The per-submission wall-clock limit is counted from each
``start``; past it the worker's whole process tree is killed. Failures are read from
these events, not from the log; the log is the last resort for a reason.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from socketlab.grading.limits import Limits
from socketlab.grading.nbgrader_run import course_dirs
from socketlab.grading.processes import kill_tree

__all__ = ["WorkerResult", "run_worker", "chunks", "autograde_reporting", "drop_links"]

log = logging.getLogger(__name__)

_LINE_MAX = 64 * 1024  # a longer event line is not ours


def chunks(items: list[str], count: int) -> list[list[str]]:
    """``items`` dealt round-robin into at most ``count`` non-empty chunks."""
    return [items[i::count] for i in range(min(count, len(items)))]


# ---------------------------------------------------------------- grader side

@dataclass
class WorkerResult:
    executed: dict[str, Path] = field(default_factory=dict)  # student -> executed notebook, finished ones
    reasons: dict[str, str] = field(default_factory=dict)  # student -> why nbgrader gave up on it
    reason: str = ""  # why the worker as a whole failed ('' when it did not)
    sandbox: dict[str, str] = field(default_factory=dict)  # the worker's notes, e.g. {"landlock": "ok"}


#: Told as soon as the worker reports it: ("done", student, the executed notebook's path) or
#: ("error", student, why nbgrader gave up).
OnEvent = Callable[[str, str, str], Any]


class _Events:
    """Reads the worker's event pipe in a thread; keeps only well-formed events about its own students."""

    def __init__(self, fd: int, students: list[str], limits: Limits | None = None,
                 on_event: OnEvent | None = None, executed: Callable[[str], Path] | None = None) -> None:
        self.students = set(students)
        self.executed = executed or (lambda student: Path())
        self.limits = limits or Limits()
        self.on_event = on_event
        self.started: dict[str, float] = {}
        self.done: list[str] = []
        self.errors: dict[str, tuple[str, str]] = {}
        self.sandbox: dict[str, str] = {}
        self.exit_code: int | None = None
        self.ignored = 0
        self._stream = os.fdopen(fd, "rb")
        self._thread = threading.Thread(target=self._read, name="worker-events")
        self._thread.start()

    def _read(self) -> None:
        with self._stream:
            while line := self._stream.readline(_LINE_MAX):
                try:
                    event = json.loads(line)
                    self._take(event if isinstance(event, dict) else {})
                except (ValueError, TypeError):
                    self.ignored += 1

    def _take(self, event: dict[str, Any]) -> None:
        kind, student = event.get("event"), event.get("student")
        if kind == "exit" and isinstance(event.get("code"), int):
            self.exit_code = event["code"]
        elif kind == "sandbox":
            self.sandbox.update({str(k): str(v)[:300] for k, v in event.items() if k != "event"})
        elif student not in self.students:
            self.ignored += 1
        elif kind == "start":
            self.started[student] = time.monotonic()
        elif kind == "done":
            self.done.append(student)
            self._tell("done", student, str(self.executed(student)))
        elif kind == "error":
            self.errors[student] = (str(event.get("type", "Error"))[:80], str(event.get("message", ""))[:300])
            self._tell("error", student, _reason_for(self.errors[student], self.limits))
        else:
            self.ignored += 1

    def _tell(self, kind: str, student: str, why: str) -> None:
        if self.on_event:
            try:
                self.on_event(kind, student, why)
            except Exception:  # noqa: BLE001 -- showing progress must never cost an event
                log.debug("progress callback failed", exc_info=True)

    def close(self, timeout: float = 10.0) -> None:
        self._thread.join(timeout)


def _reason_for(error: tuple[str, str], limits: Limits) -> str:
    kind, message = error
    if kind == "CellTimeoutError":
        return ("a cell kept running after nbgrader's interrupt at the cell time limit (e.g. a loop that "
                "catches KeyboardInterrupt): nbgrader stopped grading the notebook")
    if kind == "DeadKernelError":
        return "the kernel died while running the notebook (the code ended its own process, e.g. os._exit, or crashed)"
    if kind == "MemoryError":
        return (f"the grading process ran out of memory (limit {limits.grader_memory_mb} MB): "
                "probably endless output")
    if kind in ("UnresponsiveKernelError", "TimeoutError"):
        return "the kernel stopped answering"
    first = message.strip().splitlines()[0] if message.strip() else ""
    return f"nbgrader autograde failed: {kind}: {first}"[:240].rstrip(": ")


def _reason_from_log(log_text: str, returncode: int | None) -> str:
    """The last resort: no event says why the worker stopped."""
    if returncode is not None and returncode < 0:
        return f"the grading process was killed by {signal.Signals(-returncode).name}"
    lines = [line for line in log_text.splitlines() if line.strip() and "Traceback" not in line]
    errors = [line for line in lines if "[ERROR]" in line or "Error" in line]
    return "nbgrader autograde failed: " + ((errors or lines or ["no output"])[-1].strip()[:200])


def _private_course(root: Path, scratch: Path, assignment: str, students: list[str], snapshot: Path) -> Path:
    private = scratch / "course"
    private.mkdir(parents=True)
    shutil.copy(root / "nbgrader_config.py", private)
    shutil.copy(snapshot, private / "gradebook.db")
    source = course_dirs(root)["source"]
    # Files beside the notebook (pictures, data); not the solution notebook itself.
    shutil.copytree(root / source / assignment, private / source / assignment,
                    ignore=shutil.ignore_patterns("*.ipynb", ".ipynb_checkpoints"))
    for student in students:
        shutil.copytree(root / "submitted" / student / assignment, private / "submitted" / student / assignment)
    return private


#: The only variables of the grader's environment a worker (and the student's kernel) sees:
#: a submission could print the others (tokens, paths) into its own feedback.
PASSED_ENV = ("PATH", "LANG", "LANGUAGE", "TZ", "TERM", "XDG_CACHE_HOME", "MPLCONFIGDIR")


def _worker_env() -> dict[str, str]:
    """A minimal environment (``PASSED_ENV``, locale settings) with this very socketlab first on PYTHONPATH.

    The worker runs in the private course folder: a relative PYTHONPATH (``src``) or
    another installed copy would otherwise give it different code than the grader's.
    isolate.worker then points HOME, TMPDIR and the Jupyter folders into its scratch folder.
    """
    env = {k: v for k, v in os.environ.items() if k in PASSED_ENV or k.startswith("LC_")}
    here = str(Path(__file__).resolve().parents[2])  # the folder holding the socketlab package
    paths = [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]
    env["PYTHONPATH"] = os.pathsep.join([here, *(str(Path(p).resolve()) for p in paths)])
    return env


def run_worker(root: Path, assignment: str, students: list[str], name: str, work: Path, snapshot: Path,
               sandbox: Any, limits: Limits, on_event: OnEvent | None = None) -> WorkerResult:
    """Autograde ``students`` in a private course copy ``work/workers/<name>``.

    With one student the worker runs nbgrader for that student alone, so a failure
    of the worker as a whole is that student's. ``on_event`` hears of each student
    done or given up as it happens (from another thread), for the progress line.
    """
    scratch = work / "workers" / name
    shutil.rmtree(scratch, ignore_errors=True)
    private = _private_course(root, scratch, assignment, students, snapshot)
    log_path = work / "logs" / f"{name}.log"  # outside the scratch folder the submission may write
    log_path.parent.mkdir(parents=True, exist_ok=True)
    read_fd, write_fd = os.pipe()
    cmd = [*sandbox.prefix, sys.executable, "-m", "socketlab.grading.isolate", "worker",
           "--assignment", assignment, "--scratch", str(scratch), "--memory-mb", str(limits.memory_mb),
           "--file-mb", str(limits.file_mb), "--events-fd", str(write_fd),
           *(["--student", students[0]] if len(students) == 1 else []), *(["--net"] if sandbox.network else [])]
    result = WorkerResult()
    with open(log_path, "wb") as log_file:
        try:
            proc = subprocess.Popen(cmd, cwd=private, env=_worker_env(), stdin=subprocess.DEVNULL, stdout=log_file,
                                    stderr=subprocess.STDOUT, start_new_session=True, pass_fds=(write_fd,))
        finally:
            os.close(write_fd)
        outputs = private / "autograded"
        events = _Events(read_fd, students, limits, on_event,
                         executed=lambda student: outputs / student / assignment / f"{assignment}.ipynb")
        since = time.monotonic()
        while proc.poll() is None:
            time.sleep(0.2)
            since = max([since, *events.started.values()])
            if time.monotonic() - since > limits.time_s:  # the limit is per submission
                kill_tree(proc)
                result.reason = (f"still running after the {limits.time_s:g} s limit per submission, killed (code "
                                 "that survives nbgrader's interrupt, e.g. a loop that catches KeyboardInterrupt "
                                 "and keeps printing)")
                break
        events.close()
    result.executed = {s: events.executed(s) for s in events.done}
    result.reasons = {s: _reason_for(error, limits) for s, error in events.errors.items() if s not in events.done}
    result.sandbox = events.sandbox
    if events.ignored:
        log.debug("worker %s: %d event lines ignored", name, events.ignored)
    if not result.reason and (proc.returncode != 0 or events.exit_code not in (0, None)):
        if len(students) == 1 and students[0] in result.reasons:
            result.reason = result.reasons[students[0]]
        else:
            result.reason = _reason_from_log(log_path.read_text(errors="replace"), proc.returncode)
    return result


# ---------------------------------------------------------------- worker side

def drop_links(folder: Path) -> list[Path]:
    """Remove every symbolic link under ``folder`` (links are not followed); returns them."""
    links = []
    for top, dirs, files in os.walk(folder):
        for name in [*dirs, *files]:
            path = Path(top) / name
            if path.is_symlink():
                path.unlink()
                links.append(path)
    return links


def autograde_reporting(assignment: str, student: str | None, events_fd: int) -> int:
    """Run ``nbgrader autograde`` in this process, reporting each submission's progress on ``events_fd``.

    Called by ``isolate.worker`` inside the sandbox, after the limits are set. Returns nbgrader's exit code.
    """
    from nbgrader.apps.nbgraderapp import NbGraderApp
    from nbgrader.converters.autograde import Autograde

    os.set_inheritable(events_fd, False)  # kernels started by nbgrader never get the pipe
    stream = os.fdopen(events_fd, "w", buffering=1)
    current: dict[str, str] = {}

    def emit(**event: Any) -> None:
        try:
            stream.write(json.dumps(event) + "\n")
            stream.flush()
        except (OSError, ValueError):  # the grader is gone: nothing to tell
            pass

    def reporting(method: Any, before: str = "", after: str = "") -> Any:
        def wrapper(self: Any, *args: Any) -> Any:
            if before:
                current["student"] = args[1]
                emit(event=before, student=args[1])
            try:
                value = method(self, *args)
            except BaseException as exc:
                emit(event="error", student=current.get("student"), type=type(exc).__name__,
                     message=str(exc)[:300])
                raise
            if after:
                emit(event=after, student=args[1])
            return value
        return wrapper

    def links_dropped(method: Any, folder: Any) -> Any:
        """``method`` after removing symbolic links from the folder it writes or chmods (as root)."""
        def wrapper(self: Any, *args: Any) -> Any:
            drop_links(Path(folder(self, *args)))
            return method(self, *args)
        return wrapper

    # Defence in depth: where the kernel shares nbgrader's folder (no bubblewrap), a link it
    # planted there must not take nbgrader's writes and chmods elsewhere.
    Autograde.write_single_notebook = links_dropped(Autograde.write_single_notebook, lambda self, _, resources: (
        self._format_dest(resources["nbgrader"]["assignment"], resources["nbgrader"]["student"])))
    Autograde.set_permissions = links_dropped(Autograde.set_permissions, Autograde._format_dest)
    Autograde.init_assignment = reporting(Autograde.init_assignment, before="start")  # (assignment, student)
    Autograde.convert_single_notebook = reporting(Autograde.convert_single_notebook)
    Autograde.set_permissions = reporting(Autograde.set_permissions, after="done")  # (assignment, student)
    # Late penalties are the merge's business (merge.py, in the course folder): the worker's
    # gradebook is a throw-away copy, and a course's own plugin (late.py beside the config,
    # as nbgrader's docs show it) is not in the worker's private course folder.
    argv = ["autograde", assignment, "--force", *([f"--student={student}"] if student else []),
            "--AssignLatePenalties.plugin_class=nbgrader.plugins.LateSubmissionPlugin"]
    try:
        NbGraderApp.launch_instance(argv=argv)
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    emit(event="exit", code=code)
    stream.close()
    return code
