"""The judge: a process of its own that runs a notebook's test cells against the student's kernel.

Started by :mod:`socketlab.judge.execute` (nbgrader's Execute step, at grading time) with
a Unix socket path; it talks to that step over stdin/stdout, one JSON object a line:

* first, unasked, ``{"ready": true}`` once its Unix socket listens (the kernel may connect
  only after that).
* ``{"op": "accept", "timeout": s}`` -- wait for the kernel's call-server to connect.
* ``{"op": "run", "name": ..., "source": ...}`` -- run one cell of the instructor's (a test
  cell, or a locked helper cell) in the judge's namespace, after binding the names the
  student's notebook defines (:meth:`Session.names`); answer ``{"outputs": [...]}``
  in nbformat's shape, so nbgrader scores them as if the kernel had produced them.

The cell's source comes from the gradebook, never from the submission; it runs here, with
this process's rights, so none of it (hidden tests included) enters the student's sandbox.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import sys
import tempfile
import threading
from pathlib import Path
from typing import Any

from socketlab.judge.remote import Session
from socketlab.judge.wire import WireError

RED, RESET = "\x1b[31m", "\x1b[0m"


def _python(source: str) -> str:
    """A cell's source without IPython's magics (``%load_ext ...``): plain Python."""
    return "\n".join("" if line.lstrip().startswith(("%", "!")) else line for line in source.splitlines())


def error_output(exc: BaseException, unlisted: str = "") -> dict:
    """How a failed cell looks to nbgrader and to the learner: the check's message alone.
    ``unlisted``: why the judge could not read the kernel's names before this cell ('' if it could)."""
    name = type(exc).__name__
    text = str(exc)
    if isinstance(exc, NotImplementedError):
        stub = re.search(r" of (\w+)", getattr(exc, "__socketlab_where__", ""))
        what = f"`{stub[1]}` is" if stub and stub[1] != "<module>" else "this exercise is"
        report = (f"{RED}Not solved yet{RESET}: {what} still the stub that raises NotImplementedError. "
                  "Write your answer in its cell, run that cell, then run this one again.")
    elif isinstance(exc, AssertionError):
        report = f"{RED}{name}{RESET}: {text}"
    elif isinstance(exc, NameError) and getattr(exc, "name", None) and unlisted:
        text = (f"`{exc.name}` could not be looked up in your kernel ({unlisted}). A cell before this one may "
                "have used up the kernel's memory (a loop that never ends, say), or left it unable to answer.")
        report = f"{RED}{name}{RESET}: {text}"
    elif isinstance(exc, NameError) and getattr(exc, "name", None):
        text = (f"`{exc.name}` is not defined, so this test cannot call it: run the cell that defines it. An "
                "error in that cell, or a cell that never finished (it waited forever), leaves it undefined.")
        report = f"{RED}{name}{RESET}: {text}"
    else:
        where = getattr(exc, "__socketlab_where__", "")
        report = f"{RED}{name}{RESET}: {text}" + (f"\n(raised by your code{where})" if where else "")
    return {"output_type": "error", "ename": name, "evalue": text, "traceback": [report]}


class Judge:
    def __init__(self, path: Path):
        self.session = Session(path)
        self.namespace: dict[str, Any] = {"__name__": "__main__", "__builtins__": __builtins__}
        self.own: set[str] = set()  # names the instructor's cells defined: never replaced by the student's
        self.session.namespace = self.namespace

    def run(self, name: str, source: str, limit: float) -> list[dict]:
        unlisted = ""
        try:
            names = self.session.names()
        except (OSError, EOFError, WireError) as exc:  # the kernel is gone or stuck: the cell's own calls say so
            names, unlisted = {}, f"{type(exc).__name__}: {exc}"[:200]
        for key, value in names.items():
            if key not in self.own:
                self.namespace[key] = value
        before = {k: id(v) for k, v in self.namespace.items()}
        out = io.StringIO()
        outcome: list[BaseException] = []

        def target() -> None:
            try:
                code = compile(_python(source), f"<{name}>", "exec")
                exec(code, self.namespace)  # noqa: S102 (the instructor's cell, from the gradebook)
            except BaseException as exc:  # reported as the cell's error
                outcome.append(exc)

        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
            worker = threading.Thread(target=target, daemon=True, name="judge-cell")
            worker.start()
            worker.join(limit)
            if worker.is_alive():
                where = self.session.unblock()
                worker.join(2.0)
                outcome[:] = [AssertionError(f"This test did not finish within {limit:g} s. " + " ".join(where))]
        self.own |= {k for k, v in self.namespace.items() if before.get(k) != id(v)}
        outputs = []
        if out.getvalue():
            outputs.append({"output_type": "stream", "name": "stdout", "text": out.getvalue()[-20000:]})
        if outcome:
            outputs.append(error_output(outcome[0], unlisted))
        return outputs


def _shared_temporary_folders() -> None:
    """Folders a test makes with tempfile (for a Unix socket's path, say) are the student's
    kernel's to use too: it runs as another user, and mkdtemp's are private (0700)."""
    private = tempfile.mkdtemp

    def mkdtemp(*args, **kwargs):
        path = private(*args, **kwargs)
        os.chmod(path, 0o777)
        return path

    tempfile.mkdtemp = mkdtemp


def main() -> None:
    path = Path(sys.argv[1])
    replies = os.fdopen(os.dup(1), "w", buffering=1)
    os.dup2(os.open(os.devnull, os.O_WRONLY), 1)  # stray writes to fd 1 must not reach the protocol
    _shared_temporary_folders()
    judge = Judge(path)
    replies.write(json.dumps({"ready": True}) + "\n")
    for line in sys.stdin:
        try:
            request = json.loads(line)
            if request["op"] == "accept":
                judge.session.accept(float(request.get("timeout", 20)))
                reply: dict = {"ok": True}
            elif request["op"] == "run":
                reply = {"outputs": judge.run(str(request["name"]), str(request["source"]),
                                              float(request.get("limit", 20)))}
            else:
                reply = {"error": f"unknown request {request['op']!r}"}
        except Exception as exc:  # noqa: BLE001 (said to the grader, which fails the cell)
            reply = {"error": f"{type(exc).__name__}: {exc}"}
        replies.write(json.dumps(reply) + "\n")
    judge.session.close()


if __name__ == "__main__":
    main()
