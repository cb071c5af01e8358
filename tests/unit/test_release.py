"""Unit tests for socketlab.release: course_root, assignment_ids and run_nbgrader's error paths.

Most run_nbgrader tests use a stand-in for the Python interpreter (a tiny shell
script), so they are fast and can check exactly what is run and where; two run
the real nbgrader (about 3 s each: that is nbgrader's start-up time).
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from conftest import ROOT
from socketlab.release import assignment_ids, course_root, run_nbgrader


@pytest.fixture
def course(tmp_path) -> Path:
    root = tmp_path / "course"
    root.mkdir()
    (root / "nbgrader_config.py").write_text("c = get_config()\n")
    return root


# --- course_root --------------------------------------------------------------------------

def test_course_root_from_a_subfolder(course):
    deep = course / "solutions" / "00-x" / "pictures"
    deep.mkdir(parents=True)
    assert course_root(deep) == course.resolve()
    assert course_root(course) == course.resolve()


def test_course_root_defaults_to_the_working_directory(course, monkeypatch):
    (course / "notebooks").mkdir()
    monkeypatch.chdir(course / "notebooks")
    assert course_root() == course.resolve()


def test_course_root_takes_the_nearest_folder(course):
    inner = course / "archive" / "old-course"
    (inner / "solutions").mkdir(parents=True)
    (inner / "nbgrader_config.py").write_text("")
    assert course_root(inner / "solutions") == inner.resolve()


def test_course_root_ignores_a_folder_named_like_the_config(tmp_path, course):
    (course / "sub" / "nbgrader_config.py").mkdir(parents=True)  # a folder, not a file
    assert course_root(course / "sub") == course.resolve()


def test_course_root_of_this_repository():
    assert course_root(ROOT / "src" / "socketlab") == ROOT


def test_course_root_outside_a_course_says_so(tmp_path):
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    if any((folder / "nbgrader_config.py").is_file() for folder in (outside, *outside.parents)):
        pytest.skip("this machine has an nbgrader_config.py above the temporary folder")
    with pytest.raises(FileNotFoundError) as excinfo:
        course_root(outside)
    message = str(excinfo.value)
    assert message.startswith(f"no nbgrader_config.py in {outside.resolve()} or above")
    assert "run this from the course folder" in message


# --- assignment_ids -----------------------------------------------------------------------

def touch(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("{}")


def test_assignment_ids_lists_only_id_slash_id_notebooks(course):
    for rel in ["02-b/02-b.ipynb", "00-a/00-a.ipynb", "00-a/scratch.ipynb",  # an extra notebook: no new id
                "03-c/other.ipynb",                 # folder without its own notebook
                "04-d/04-d.py",                     # not a notebook
                "05-e/sub/05-e.ipynb",              # too deep
                "top.ipynb",                        # not in a folder
                "00-a/.ipynb_checkpoints/00-a-checkpoint.ipynb"]:
        touch(course / "solutions" / rel)
    (course / "06-f").mkdir()
    assert assignment_ids(course) == ["00-a", "02-b"]


def test_assignment_ids_of_another_source_folder(course):
    touch(course / "notebooks" / "01-z" / "01-z.ipynb")
    touch(course / "solutions" / "00-a" / "00-a.ipynb")
    assert assignment_ids(course, source="notebooks") == ["01-z"]


def test_assignment_ids_without_a_source_folder_is_empty(course):
    assert assignment_ids(course) == []


# --- run_nbgrader with a stand-in interpreter ---------------------------------------------

@pytest.fixture
def fake_python(tmp_path, monkeypatch):
    """Replace sys.executable by a script; returns a function that sets what it does."""
    bin_dir = tmp_path / "fakebin"
    bin_dir.mkdir()
    script = bin_dir / "python"
    log = tmp_path / "fake.log"

    def behave(body: str) -> Path:
        script.write_text(f'#!/bin/sh\n{{ pwd; echo "$PATH"; echo "$@"; }} > "{log}"\n{body}\n')
        script.chmod(0o755)
        return log

    monkeypatch.setattr(sys, "executable", str(script))
    return behave


def test_run_nbgrader_runs_in_the_course_folder_with_its_python_on_path(course, fake_python):
    log = fake_python('echo "all fine"; exit 0')
    done = run_nbgrader(course, "generate_assignment", "00-a", "--force")
    assert done.returncode == 0 and done.stdout == "all fine\n"
    cwd, path, args = log.read_text().splitlines()
    assert Path(cwd).resolve() == course.resolve()
    assert path.split(":")[0] == str(Path(sys.executable).parent)  # helpers like alembic are found
    assert args == "-m nbgrader generate_assignment 00-a --force"


def test_run_nbgrader_runs_through_a_prefix(course, fake_python, tmp_path):
    log = fake_python("exit 0")
    wrapper = tmp_path / "wrapper"
    wrapper.write_text(f'#!/bin/sh\necho "wrapped: $*" > "{tmp_path / "wrapper.log"}"\nexec "$@"\n')
    wrapper.chmod(0o755)
    run_nbgrader(course, "autograde", "00-a", prefix=[str(wrapper)])
    assert (tmp_path / "wrapper.log").read_text() == f"wrapped: {sys.executable} -m nbgrader autograde 00-a\n"
    assert log.read_text().splitlines()[2] == "-m nbgrader autograde 00-a"  # then the command itself ran


def test_run_nbgrader_failure_carries_the_exit_code_and_stderr(course, fake_python):
    fake_python('echo "[AutogradeApp | ERROR] something broke" >&2; exit 3')
    with pytest.raises(RuntimeError) as excinfo:
        run_nbgrader(course, "autograde", "00-a")
    assert str(excinfo.value) == "nbgrader autograde failed (exit 3):\n[AutogradeApp | ERROR] something broke\n"


def test_run_nbgrader_keeps_the_end_of_a_long_log(course, fake_python):
    fake_python("i=0; while [ $i -lt 300 ]; do echo 'noise noise noise noise' >&2; i=$((i+1)); done; "
                "echo 'THE REAL ERROR' >&2; exit 1")
    with pytest.raises(RuntimeError) as excinfo:
        run_nbgrader(course, "autograde", "00-a")
    message = str(excinfo.value)
    assert message.endswith("THE REAL ERROR\n")
    assert len(message) < 4100


def test_run_nbgrader_without_arguments_fails_cleanly(course, fake_python):
    fake_python("exit 2")
    with pytest.raises(RuntimeError, match=r"failed \(exit 2\)"):  # not an IndexError on args[0]
        run_nbgrader(course)


def test_run_nbgrader_unknown_command_is_an_error(course, fake_python):
    # nbgrader prints its list of subcommands and exits 0 when it does not know the command
    fake_python('echo "No command given (run with --help for options). List of subcommands:"; exit 0')
    with pytest.raises(RuntimeError, match="nbgrader has no command 'autogarde'"):
        run_nbgrader(course, "autogarde", "00-a")


# --- run_nbgrader with the real nbgrader (each about 3 s: nbgrader's start-up) ------------------

def test_real_nbgrader_failure_raises_with_its_message(course):
    with pytest.raises(RuntimeError) as excinfo:
        run_nbgrader(course, "generate_assignment", "no-such-assignment", "--no-db", timeout=600)
    message = str(excinfo.value)
    assert message.startswith("nbgrader generate_assignment failed (exit 1):\n")
    assert "No notebooks were matched" in message and "no-such-assignment" in message
    assert not (course / "gradebook.db").exists()


def test_real_nbgrader_unknown_command_raises(course):
    with pytest.raises(RuntimeError) as excinfo:
        run_nbgrader(course, "autogarde", timeout=600)
    message = str(excinfo.value)
    assert message.startswith("nbgrader has no command 'autogarde':\nNo command given")
    assert "autograde" in message  # the list of subcommands shows the right spelling
