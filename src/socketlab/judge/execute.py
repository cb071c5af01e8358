"""nbgrader's Execute step with a sealed judge: the student's kernel runs the student's cells,
the judge (:mod:`socketlab.judge.runner`, a process of its own) runs the instructor's.

For each code cell of a submission, in order:

* a test cell (nbgrader ``grade`` and not ``solution``): its source is taken from the
  gradebook, sent to the judge, and the judge's outputs become the cell's outputs, which
  nbgrader's SaveAutoGrades then scores. The kernel never sees it.
* a locked helper cell (``locked``, neither answer nor test): the judge runs the
  gradebook's source, and so does the kernel (demos may use what it defines).
* any other cell: the kernel runs it, as plain nbgrader would.

Before the first cell the kernel runs one line that starts its call-server
(:mod:`socketlab.judge.callee`), which connects to the judge over a Unix socket in a
folder both can reach (bound into the kernel's sandbox by isolate.py). If that fails
(the student's environment is broken), every test cell fails with a one-line reason.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any, Optional

import nbformat
from nbformat import NotebookNode
from nbgrader.preprocessors import Execute
from traitlets import List, Unicode

from socketlab.grading.isolate import JUDGE_DIR, copy_without_notebooks

__all__ = ["JudgedExecute", "JUDGE_DIR"]

START_WAIT = 60  # seconds the judge may take to start, and the kernel to reach it (a loaded 2-core box)
BOOT = ("import socketlab.judge.callee as _socketlab_callee\n"
        "_socketlab_callee.start({path!r}, globals())\n"
        "del _socketlab_callee")


def role(cell: NotebookNode) -> str:
    """'test', 'helper' or 'student' for a code cell (by its nbgrader metadata)."""
    meta = cell.get("metadata", {}).get("nbgrader")
    if cell.get("cell_type") != "code" or not isinstance(meta, dict):
        return "student"
    if meta.get("grade") and not meta.get("solution"):
        return "test"
    if meta.get("locked") and not meta.get("solution") and not meta.get("grade"):
        return "helper"
    return "student"


class JudgedExecute(Execute):
    """Execute, with the test cells decided by the sealed judge (see the module's docstring)."""

    kernel_side = List(Unicode(), help="Assignments whose test cells run in the student's kernel instead, "
                                       "as in plain nbgrader.").tag(config=True)

    _judge: Optional[subprocess.Popen] = None
    _folder: Optional[Path] = None
    _trusted: dict[str, str] = {}
    _connected: Optional[str] = None  # None before the first cell; '' once connected; else why not

    def preprocess(self, nb: NotebookNode, resources: Any = None, km: Any = None):
        info = (resources or {}).get("nbgrader", {})
        if info.get("assignment") in self.kernel_side or "db_url" not in info:
            return super().preprocess(nb, resources, km)
        self._trusted = _instructor_sources(info)
        self._folder = _judge_folder()
        os.chmod(self._folder, 0o1777)
        env = {**os.environ, "TMPDIR": str(self._folder)}  # test files the kernel must reach: here
        command = [sys.executable, "-m", "socketlab.judge.runner", str(self._folder / "judge.sock")]
        self._judge = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=env,
                                       cwd=self._folder)
        self._connected = None
        os.environ[JUDGE_DIR] = str(self._folder)
        # The kernel works in a copy of the notebook's folder without the notebook: nbgrader has
        # written it there with the hidden tests put back.
        metadata = resources.setdefault("metadata", {})
        path = metadata.get("path")
        if path:
            metadata["path"] = str(copy_without_notebooks(Path(path), self._folder / "work"))
        try:
            return super().preprocess(nb, resources, km)
        finally:
            metadata["path"] = path
            os.environ.pop(JUDGE_DIR, None)
            self._stop()

    def _stop(self) -> None:
        if self._judge is not None:
            self._judge.stdin.close()  # type: ignore[union-attr]
            try:
                self._judge.wait(5)
            except subprocess.TimeoutExpired:
                self._judge.kill()
                self._judge.wait()
            self._judge = None
        if self._folder is not None:
            shutil.rmtree(self._folder, ignore_errors=True)
            self._folder = None

    def _send(self, request: dict) -> bool:
        """Write one request to the judge; False when it has stopped."""
        assert self._judge is not None and self._judge.stdin
        if self._judge.poll() is not None:
            return False
        try:
            self._judge.stdin.write(json.dumps(request) + "\n")
            self._judge.stdin.flush()
        except OSError:
            return False
        return True

    def _ask(self, request: dict, wait: float) -> dict:
        """One request to the judge; a judge that does not answer in time is stopped."""
        assert self._judge is not None and self._judge.stdout
        if not self._send(request):
            return {"error": "the judge had stopped after an earlier test"}
        line = _readline(self._judge.stdout, wait)
        if line is None:
            self._judge.kill()
            return {"error": f"the judge did not answer within {wait:g} s"}
        try:
            return json.loads(line)
        except ValueError:
            return {"error": "the judge's answer was not readable"}

    def _connect(self) -> str:
        """Start the call-server in the kernel; '' when the judge reached it, else why not."""
        assert self._folder is not None and self._judge is not None
        # The kernel may connect only once the judge listens: a judge slow to start (a loaded
        # machine) otherwise loses the race, and every test of the notebook fails.
        ready = _readline(self._judge.stdout, START_WAIT)
        if not ready or not json.loads(ready).get("ready") or not self._send({"op": "accept", "timeout": START_WAIT}):
            return "the judge did not start"
        boot = NotebookNode(cell_type="code", source=BOOT.format(path=str(self._folder / "judge.sock")),
                            metadata={}, outputs=[], execution_count=None)
        super().preprocess_cell(boot, self.resources, 0)
        errors = [o for o in boot.outputs if o.get("output_type") == "error"]
        if errors:
            return f"the judge could not reach your kernel ({errors[0]['ename']}: {errors[0]['evalue']})"
        line = _readline(self._judge.stdout, START_WAIT + 10)
        reply = json.loads(line) if line else {"error": "no answer"}
        return "" if reply.get("ok") else f"the judge could not reach your kernel ({reply.get('error', '')})"

    def preprocess_cell(self, cell, resources, index):
        if self._judge is None:
            return super().preprocess_cell(cell, resources, index)
        if self._connected is None:
            self._connected = self._connect()
        kind = role(cell)
        if kind == "student":
            return super().preprocess_cell(cell, resources, index)
        grade_id = cell.metadata["nbgrader"].get("grade_id", "")
        source = self._trusted.get(grade_id)
        if source is None:  # not the instructor's cell: it runs as the student's
            return super().preprocess_cell(cell, resources, index)
        outputs = self._judged(grade_id, source)
        if kind == "test":
            cell.outputs = [nbformat.from_dict(o) for o in outputs]
            return cell, self.resources
        return super().preprocess_cell(cell, resources, index)

    def _judged(self, grade_id: str, source: str) -> list[dict]:
        if self._connected:
            return [_error(self._connected)]
        limit = float(self.timeout or 30)
        reply = self._ask({"op": "run", "name": grade_id, "source": source, "limit": limit}, limit + 30)
        if "error" in reply:
            return [_error(str(reply["error"]))]
        return list(reply.get("outputs", []))


def _judge_folder() -> Path:
    """A new folder for the judge's socket and the tests' files: in TMPDIR (a grading worker's
    scratch, which Landlock may confine it to), or in /tmp when that path would be too long for
    a Unix socket's (108 bytes)."""
    folder = Path(tempfile.mkdtemp(prefix="sj-"))
    if len(str(folder / "judge.sock")) > 100:
        folder.rmdir()
        folder = Path(tempfile.mkdtemp(prefix="sj-", dir="/tmp"))
    return folder


def _error(text: str) -> dict:
    return {"output_type": "error", "ename": "JudgeError", "evalue": text, "traceback": [f"JudgeError: {text}"]}


def _instructor_sources(info: dict) -> dict[str, str]:
    """grade_id -> source of the instructor's locked cells of this notebook, from the gradebook."""
    from nbgrader.api import Gradebook

    with Gradebook(info["db_url"]) as gradebook:
        notebook = gradebook.find_notebook(info["notebook"], info["assignment"])
        return {cell.name: cell.source for cell in notebook.source_cells if cell.locked}


def _readline(stream, wait: float) -> Optional[str]:
    """A line from ``stream`` within ``wait`` seconds, or None."""
    import selectors

    with selectors.DefaultSelector() as selector:
        selector.register(stream, selectors.EVENT_READ)
        if not selector.select(wait):
            return None
    line = stream.readline()
    return line or None
