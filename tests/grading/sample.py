"""A tiny self-contained course for trying (and testing) the grading pipeline.

    from sample import make_course, SAMPLE_ID
    course = make_course(tmp_path / "course")        # nbgrader_config.py + solutions/sample-echo
    nb = student_notebook(course)                      # the student edition (a NotebookNode)
    write(filled(nb, ANSWERS["correct"]), path)        # a correct submission

The assignment ``sample-echo`` has two auto-graded exercises (a pure function and a
TCP client that talks to a loopback server), one visible and one hidden test each,
and one hand-graded free-text answer. Its per-cell timeout is short (3 s) so that
misbehaving submissions cost little time in tests.
"""

from __future__ import annotations

import os
import sys
import textwrap
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from socketlab.release import run_nbgrader

SAMPLE_ID = "sample-echo"
CELL_TIMEOUT = 3

CONFIG = f'''"""nbgrader settings of the sample course (tests/grading/sample.py)."""
c = get_config()  # noqa: F821
c.CourseDirectory.course_id = "socketlab-sample"
c.CourseDirectory.source_directory = "solutions"
c.CourseDirectory.release_directory = "notebooks"
c.Execute.timeout = {CELL_TIMEOUT}
'''


def _meta(grade_id: str, *, grade=False, solution=False, locked=False, points=0) -> dict:
    meta = {"grade": grade, "grade_id": grade_id, "locked": locked, "schema_version": 3, "solution": solution}
    if grade:
        meta["points"] = points
    return {"nbgrader": meta}


def _code(source: str, **meta) -> nbformat.NotebookNode:
    return new_code_cell(textwrap.dedent(source).strip("\n"), metadata=_meta(**meta))


def solution_notebook() -> nbformat.NotebookNode:
    """The instructor edition of the sample assignment."""
    cells = [
        new_markdown_cell("# Sample · echo\n\nA two-exercise notebook used to try the grading tools."),
        new_markdown_cell("## Exercise 1: Add (2 points)\n\nWrite `add(a, b)` returning `a + b`."),
        _code('''
            def add(a, b):
                """Return a + b."""
                ### BEGIN SOLUTION
                return a + b
                ### END SOLUTION
            ''', grade_id="ex1-solution", solution=True),
        _code('''
            """add() adds two small numbers."""
            from socketlab.check import expect, run_limited
            expect(run_limited(add, 2, 3), 5, "add(2, 3)", hint="return the sum.")
            ''', grade_id="ex1-test-small", grade=True, locked=True, points=1),
        _code('''
            """add() adds negative numbers."""
            from socketlab.check import expect, run_limited
            ### BEGIN HIDDEN TESTS
            expect(run_limited(add, -2, -3), -5, "add(-2, -3)", hint="no special cases needed.")
            ### END HIDDEN TESTS
            ''', grade_id="ex1-test-negative", grade=True, locked=True, points=1),
        new_markdown_cell("## Exercise 2: Echo (2 points)\n\nWrite `echo(address, data)`: connect over TCP, "
                          "send `data`, shut down sending, and return all bytes received until the server closes."),
        _code('''
            import socket

            def echo(address, data, timeout=2.0):
                """Send data to the TCP server at address; return all it sends back."""
                ### BEGIN SOLUTION
                with socket.create_connection(address, timeout=timeout) as sock:
                    sock.sendall(data)
                    sock.shutdown(socket.SHUT_WR)
                    chunks = []
                    while chunk := sock.recv(4096):
                        chunks.append(chunk)
                return b"".join(chunks)
                ### END SOLUTION
            ''', grade_id="ex2-solution", solution=True),
        _code('''
            """echo() gets a short reply back."""
            from socketlab.check import expect, run_limited
            from socketlab.server import tcp_server

            def upper(conn):
                conn.sendall(conn.recv(1024).upper())

            with tcp_server(upper) as server:
                got = run_limited(echo, server.address, b"hi")
            expect(got, b"HI", "echo(address, b'hi')")
            ''', grade_id="ex2-test-short", grade=True, locked=True, points=1),
        _code('''
            """echo() reads a reply that arrives in pieces."""
            import time
            from socketlab.check import expect, run_limited
            from socketlab.server import tcp_server
            ### BEGIN HIDDEN TESTS
            def in_pieces(conn):
                data = conn.recv(1024)
                conn.sendall(data[:2])
                time.sleep(0.2)
                conn.sendall(data[2:])

            with tcp_server(in_pieces) as server:
                got = run_limited(echo, server.address, b"hello")
            expect(got, b"hello", "echo(address, b'hello') when the reply comes in two pieces",
                   hint="call recv in a loop until it returns b''.")
            ### END HIDDEN TESTS
            ''', grade_id="ex2-test-pieces", grade=True, locked=True, points=1),
        new_markdown_cell("## Question 1 (1 point)\n\nWhy does `echo` shut down sending?",
                          metadata=_meta("q1-task", locked=True)),
        new_markdown_cell("=== BEGIN MARK SCHEME ===\nSo that the server sees end of file.\n=== END MARK SCHEME ===",
                          metadata=_meta("q1", grade=True, solution=True, points=1)),
    ]
    nb = new_notebook(cells=cells)
    nb.metadata.kernelspec = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.metadata.language_info = {"name": "python"}
    return nb


def make_course(root: Path, assignment: str = SAMPLE_ID) -> Path:
    """Create a course folder at ``root`` with the sample assignment and its student edition."""
    root = Path(root)
    (root / "solutions" / assignment).mkdir(parents=True, exist_ok=True)
    (root / "nbgrader_config.py").write_text(CONFIG)
    nbformat.write(solution_notebook(), root / "solutions" / assignment / f"{assignment}.ipynb")
    run_nbgrader(root, "generate_assignment", assignment, "--force", "--no-db")
    return root


def nbgrader_here(cwd: Path, *args: str) -> None:
    """Run one nbgrader command in this process (a new one costs seconds), in ``cwd``, as nbgrader's
    own tests do; fail the test when it fails. The working folder, PATH and ``sys.path`` (nbgrader
    puts the folder it runs in first) are restored afterwards."""
    from jupyter_core.application import NoStart
    from nbgrader.apps import NbGraderApp

    from socketlab.grading.nbgrader_run import tool_path

    here, path, tools = Path.cwd(), list(sys.path), os.environ.get("PATH")
    os.environ["PATH"] = tool_path(tools)  # nbgrader runs alembic by name
    os.chdir(cwd)
    app = NbGraderApp.instance()
    try:
        app.initialize(list(args))
        app.start()
        code = 0
    except NoStart:  # how a subcommand's end shows
        code = 0
    except SystemExit as exc:
        code = exc.code
    finally:
        app.reset()
        os.chdir(here)
        sys.path[:] = path
        if tools is None:
            del os.environ["PATH"]
        else:
            os.environ["PATH"] = tools
    assert code in (0, None), f"nbgrader {args[0]} exited with {code} (its log is above)"


def student_notebook(root: Path, assignment: str = SAMPLE_ID) -> nbformat.NotebookNode:
    return nbformat.read(root / "notebooks" / assignment / f"{assignment}.ipynb", as_version=4)


def filled(student_nb: nbformat.NotebookNode, answers: dict[str, str]) -> nbformat.NotebookNode:
    """A copy of the student edition with answer cells replaced by ``answers`` {grade_id: source}."""
    nb = nbformat.from_dict(student_nb)
    for cell in nb.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if grade_id in answers:
            cell.source = textwrap.dedent(answers[grade_id]).strip("\n")
    return nb


CORRECT = {
    "ex1-solution": "def add(a, b):\n    return a + b",
    "ex2-solution": '''
        import socket

        def echo(address, data, timeout=2.0):
            with socket.create_connection(address, timeout=timeout) as sock:
                sock.sendall(data)
                sock.shutdown(socket.SHUT_WR)
                reply = b""
                while chunk := sock.recv(4096):
                    reply += chunk
            return reply
        ''',
    "q1": "The server reads until end of file, which our shutdown sends.",
}

# Submissions by behaviour: answer cells replacing the stub ({grade_id: source}).
ANSWERS: dict[str, dict[str, str]] = {
    "correct": CORRECT,
    "one-recv": {**CORRECT, "ex2-solution": '''
        import socket

        def echo(address, data, timeout=2.0):
            with socket.create_connection(address, timeout=timeout) as sock:
                sock.sendall(data)
                return sock.recv(4096)
        '''},
    "subtracts": {**CORRECT, "ex1-solution": "def add(a, b):\n    return a - b"},
}


def gradebook_scores(course: Path, assignment: str = SAMPLE_ID) -> dict[str, dict[str, float]]:
    """{student: {test cell: score}} of every submission of ``assignment`` in the course's gradebook."""
    from nbgrader.api import Gradebook

    from socketlab.grading.nbgrader_run import gradebook_url

    with Gradebook(gradebook_url(course)) as gb:
        return {s.student.id: {g.name: g.score for nb in s.notebooks for g in nb.grades if g.cell_type == "code"}
                for s in gb.assignment_submissions(assignment)}
