"""course.toml is the one list of notebooks: the README and every notebook agree with it."""

from conftest import ROOT
from socketlab.course import lessons, problems
from socketlab.release import assignment_ids


def test_every_notebook_is_in_the_manifest_once():
    listed = [lesson.id for lesson in lessons(ROOT)]
    assert len(listed) == len(set(listed)), f"course.toml lists a notebook twice: {listed}"
    assert sorted(listed) == assignment_ids(ROOT), "course.toml and solutions/ list different notebooks"


def test_titles_times_next_links_and_readme_agree():
    found = problems(ROOT)
    assert not found, "the course disagrees with course.toml:\n  " + "\n  ".join(found)
