"""The learner's workspace/ survives `make lab` again and `git pull` (`make release` writes only
notebooks/ and solutions/, never workspace/)."""

import shutil
import subprocess

import pytest

from conftest import ROOT
from socketlab.workspace import fresh, prepare

pytestmark = pytest.mark.skipif(not shutil.which("git"), reason="needs git")


def git(cwd, *args):
    return subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@t", *args], cwd=cwd,
                          check=True, capture_output=True, text=True).stdout


@pytest.fixture
def upstream(tmp_path):
    """A course repository with one notebook, and a learner's clone of it."""
    origin = tmp_path / "origin"
    (origin / "notebooks" / "00-x").mkdir(parents=True)
    (origin / "notebooks" / "00-x" / "00-x.ipynb").write_text('{"v": 1}')
    (origin / "notebooks" / "00-x" / "pic.svg").write_text("<svg/>")
    shutil.copy(ROOT / ".gitignore", origin)
    (origin / "nbgrader_config.py").write_text("")
    git(origin, "init", "-q", "-b", "main")
    git(origin, "add", "-A")
    git(origin, "commit", "-qm", "course")
    git(tmp_path, "clone", "-q", str(origin), "learner")
    return origin, tmp_path / "learner"


def test_prepare_copies_once_and_never_overwrites(upstream):
    _, learner = upstream
    copied = prepare(learner)
    assert sorted(p.name for p in copied) == ["00-x.ipynb", "pic.svg"]
    mine = learner / "workspace" / "00-x" / "00-x.ipynb"
    mine.write_text('{"my": "answer"}')
    assert prepare(learner) == [], "a second make lab copied files again"
    assert mine.read_text() == '{"my": "answer"}'
    assert git(learner, "status", "--porcelain") == "", "the workspace dirtied the repository"


def test_a_course_update_pulled_leaves_the_learners_copy_alone(upstream):
    origin, learner = upstream
    prepare(learner)
    mine = learner / "workspace" / "00-x" / "00-x.ipynb"
    mine.write_text('{"my": "answer"}')
    (origin / "notebooks" / "00-x" / "00-x.ipynb").write_text('{"v": 2}')  # a course update
    (origin / "notebooks" / "01-y").mkdir()
    (origin / "notebooks" / "01-y" / "01-y.ipynb").write_text('{"new": 1}')
    git(origin, "add", "-A")
    git(origin, "commit", "-qm", "update")
    git(learner, "pull", "-q")
    assert (learner / "notebooks" / "00-x" / "00-x.ipynb").read_text() == '{"v": 2}'
    assert mine.read_text() == '{"my": "answer"}'
    assert [p.name for p in prepare(learner)] == ["01-y.ipynb"], "the new notebook should be added"


def test_fresh_sets_the_old_copy_aside(upstream):
    _, learner = upstream
    prepare(learner)
    (learner / "workspace" / "00-x" / "00-x.ipynb").write_text('{"my": "answer"}')
    moved = fresh(learner, "00-x")
    assert (moved / "00-x.ipynb").read_text() == '{"my": "answer"}'
    assert (learner / "workspace" / "00-x" / "00-x.ipynb").read_text() == '{"v": 1}'
    with pytest.raises(ValueError, match="no notebook"):
        fresh(learner, "99-nothing")
