"""Answer code that touches the grading machinery: what a teacher should read first.

A socket exercise needs ``socket``, ``selectors``, ``threading``, ``os.unlink`` and the
like; it never needs the course's checks, the interpreter's module table or builtins,
IPython's internals, ``/proc``, new sessions or forks, ``ctypes`` or a shell. Code that
reaches for them may be trying to change how it is graded, so the report lists it under
"Submissions that need a look" with the cell and what it touched. The cell's source is
read with Python's ``ast`` (imports, attribute access, calls, names, string constants),
after IPython's own rewriting of magics, so ``x.events`` on a selector key is no finding
but ``get_ipython().events`` is, and a comment that merely mentions ``subprocess`` is
none either. ``/proc/net`` (the socket tables) and ``/proc/self/fd`` are course
material, the rest of ``/proc`` is not. A cell that does not parse as Python is a finding of its own.

A finding is a reason to look, not a verdict: honest code can trip it (a student who
imports ``subprocess`` to run ``ss``), and determined code can hide from any static
reading, which is why grading does not depend on it (see isolate.py and the instructor
guide).
"""

from __future__ import annotations

import ast
import re
from typing import Any

__all__ = ["findings", "submission_notes"]

# Modules an answer cell has no business importing: (module or prefix, what it gives).
MODULES = {
    "ctypes": "C calls into the interpreter", "cffi": "C calls into the interpreter",
    "subprocess": "runs other programs", "pty": "runs other programs", "multiprocessing": "starts processes",
    "daemon": "daemonizes", "builtins": "the builtins", "importlib": "the import machinery",
    "gc": "every object of the kernel", "inspect": "the test's own frames",
    "IPython": "IPython's internals", "ipykernel": "the kernel's internals", "jupyter_client": "the kernel's channels",
    "zmq": "the kernel's channels", "nbgrader": "the grader", "nbclient": "the grader", "nbformat": "notebook files",
    "socketlab.check": "the course's checks", "socketlab.grading": "the grader",
}
# socketlab modules the lessons use openly (their demo cells import them), IPython's display: not findings.
COURSE_HELPERS = ("socketlab.server", "socketlab.socket_table", "socketlab.ports", "socketlab.relay")
PUBLIC = ("IPython.display",)
# Attributes of a module (os.fork) or of anything (x.__globals__).
ATTRIBUTES = {
    ("sys", "modules"): "sys.modules", ("sys", "meta_path"): "sys.meta_path", ("sys", "settrace"): "sys.settrace",
    ("sys", "setprofile"): "sys.setprofile", ("sys", "_getframe"): "sys._getframe",
    ("sys", "displayhook"): "sys.displayhook", ("sys", "excepthook"): "sys.excepthook",
    ("os", "environ"): "os.environ", ("os", "getenv"): "os.getenv",
}
OS_PROCESS = re.compile(r"^(fork|forkpty|setsid|setpgrp|setpgid|daemon|system|popen|exec\w*|spawn\w*|"
                        r"posix_spawn\w*|kill|killpg|_exit|chmod|chown|chflags|lchmod|lchown|symlink|link)$")
DUNDERS = {"__builtins__", "__import__", "__subclasses__", "__globals__", "__code__", "__closure__", "f_back",
           "f_globals", "f_locals", "gi_frame", "tb_frame", "__loader__"}
CALLS = {"get_ipython": "get_ipython()", "eval": "eval()", "exec": "exec()", "compile": "compile()",
         "__import__": "__import__()", "globals": "globals()", "breakpoint": "breakpoint()"}
KEYWORDS = {"start_new_session": "a new session (start_new_session)", "preexec_fn": "preexec_fn"}
IPYTHON_NAMES = {"InteractiveShell", "get_ipython"}
# Paths and words in string constants (and markdown) that only the grading machinery has.
STRINGS = [
    # /proc/net, /proc/sys/net and the process's own fd table are course material (04 matches
    # its sockets' inodes in the socket tables)
    (re.compile(r"(^|[^\w])/proc(?!/net/|/sys/net/|/self/fd(/|$)|/self/net/)(/|$)"), "/proc"),
    (re.compile(r"/etc/shadow"), "/etc/shadow"),
    (re.compile(r"(^|[^\w])/(var/)?run/"), "the machine's sockets (/run)"),
    (re.compile(r"gradebook|autograded|nbgrader|kernel\.json|profile_default|IPYTHONDIR|JUPYTER_", re.I),
     "the grader's files or settings"),
    (re.compile(r"(^|/)(solutions|submitted|feedback)(/|$)"), "the course's folders"),
    (re.compile(r"<\s*script|javascript:|<[^>]*\son\w+\s*=", re.I), "HTML script"),
]
SHELL_MAGICS = {"system", "sx", "sc", "bash", "sh", "script", "perl", "ruby", "writefile", "capture"}


def _dotted(node: ast.AST) -> str:
    """``a.b.c`` for an attribute chain of names, '' otherwise."""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        return ".".join([node.id, *reversed(parts)])
    return ""


def _module_reason(name: str) -> str | None:
    if name in PUBLIC or name.startswith(tuple(p + "." for p in PUBLIC)):
        return None
    if name == "socketlab" or (name.startswith("socketlab.") and not name.startswith(COURSE_HELPERS)):
        return MODULES.get(name) or "socketlab's internals"
    for module, what in MODULES.items():
        if name == module or name.startswith(module + "."):
            return what
    return None


class _Reader(ast.NodeVisitor):
    def __init__(self, source: str) -> None:
        self.source = source
        self.found: list[str] = []

    def add(self, text: str) -> None:
        if text not in self.found:
            self.found.append(text)

    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            if (what := _module_reason(alias.name)) is not None:
                self.add(f"imports {alias.name} ({what})")

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        module = node.module or ""
        for alias in node.names:
            full = f"{module}.{alias.name}" if module else alias.name
            what = _module_reason(module) or _module_reason(full)
            if what is not None:
                self.add(f"imports {full} ({what})")
            elif module == "os" and OS_PROCESS.match(alias.name):
                self.add(f"imports os.{alias.name}")
            elif module == "sys" and ("sys", alias.name) in ATTRIBUTES and ATTRIBUTES["sys", alias.name]:
                self.add(f"imports sys.{alias.name}")

    def visit_Attribute(self, node: ast.Attribute) -> None:
        owner = _dotted(node.value)
        if owner in ("os", "posix") and OS_PROCESS.match(node.attr):
            self.add(f"uses os.{node.attr}")
        elif ATTRIBUTES.get((owner, node.attr)):
            self.add(f"uses {ATTRIBUTES[owner, node.attr]}")
        elif node.attr in DUNDERS:
            self.add(f"uses .{node.attr}")
        elif node.attr in IPYTHON_NAMES:
            self.add(f"uses {node.attr} (IPython's internals)")
        self.generic_visit(node)

    def visit_Name(self, node: ast.Name) -> None:
        if node.id in DUNDERS:
            self.add(f"uses {node.id}")
        elif node.id == "InteractiveShell":
            self.add("uses InteractiveShell (IPython's internals)")
        elif node.id == "get_ipython" and "get_ipython" in self.source:  # not IPython's rewritten magics
            self.add("uses get_ipython() (IPython's internals)")

    def visit_Call(self, node: ast.Call) -> None:
        func = node.func
        if isinstance(func, ast.Name) and func.id in CALLS and func.id != "get_ipython":
            self.add(f"calls {CALLS[func.id]}")
        if isinstance(func, ast.Attribute) and _dotted(func.value) == "" and isinstance(func.value, ast.Call) \
                and isinstance(func.value.func, ast.Name) and func.value.func.id == "get_ipython":
            self._magic(func.attr, node.args)
        for keyword in node.keywords:
            if keyword.arg in KEYWORDS:
                self.add(f"asks for {KEYWORDS[keyword.arg]}")
        self.generic_visit(node)

    def _magic(self, method: str, args: list[ast.expr]) -> None:
        """IPython's rewriting of ``!cmd`` and ``%magic``: a shell escape is a finding."""
        name = args[0].value if args and isinstance(args[0], ast.Constant) else ""
        if method in ("system", "getoutput") or (method in ("run_line_magic", "run_cell_magic")
                                                 and name in SHELL_MAGICS):
            self.add("runs a shell command (!, %%bash, %system)")

    def visit_Constant(self, node: ast.Constant) -> None:
        if isinstance(node.value, str):
            for pattern, what in STRINGS:
                if pattern.search(node.value):
                    self.add(f"names {what}")


def _ipython_to_python(source: str) -> str:
    """``source`` with IPython's magics and shell escapes rewritten as Python, as the kernel would."""
    try:
        from IPython.core.inputtransformer2 import TransformerManager
    except ImportError:  # pragma: no cover -- nbgrader brings IPython
        return source
    try:
        return TransformerManager().transform_cell(source)
    except Exception:  # noqa: BLE001 -- then the parser says what is wrong
        return source


def findings(source: str, cell_type: str = "code") -> list[str]:
    """What ``source`` touches of the grading machinery, one short phrase each ([] for none)."""
    if cell_type == "markdown":
        return [f"names {what}" for pattern, what in STRINGS[-1:] if pattern.search(source)]
    if cell_type != "code":
        return []
    python = _ipython_to_python(source)
    try:
        tree = ast.parse(python)
    except SyntaxError as exc:
        return [f"does not parse as Python (line {exc.lineno}: {exc.msg})"]
    except (ValueError, RecursionError, MemoryError) as exc:  # NUL bytes, absurd nesting
        return [f"does not parse as Python ({type(exc).__name__})"]
    reader = _Reader(source)
    reader.visit(tree)
    return reader.found


def submission_notes(nb: Any, course_sources: set[str], tests: set[str]) -> list[str]:
    """One note per cell the student wrote or changed whose code touches the grading machinery.

    ``course_sources`` are the sources of the student edition's cells (left as given, they
    are the course's own code); cells whose grade_id is in ``tests`` are put back by nbgrader.
    """
    from socketlab.grading.checks import nbgrader_meta

    notes = []
    for number, cell in enumerate(nb.cells, 1):
        grade_id = nbgrader_meta(cell).get("grade_id")
        source = cell.get("source", "")
        if grade_id in tests or not isinstance(source, str) or source.strip() in course_sources:
            continue
        found = findings(source, cell.get("cell_type", "code"))
        if found:
            where = grade_id or f"cell {number}"
            shown = "; ".join(found[:6]) + (f"; {len(found) - 6} more" if len(found) > 6 else "")
            notes.append(f"look: {where} touches the grading machinery: {shown}")
    return notes
