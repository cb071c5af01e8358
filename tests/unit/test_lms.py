"""Grades exports for Canvas and Moodle have the columns each LMS documents for its import."""

import csv

import pytest

from socketlab.grading.lms import write_lms

HEADER = ["student_id", "last_name", "first_name", "email", "score", "max_score"]
ROWS = [["12345", "Doe", "Jane", "jane@example.org", "13.0", "16"],
        ["67890", "", "", "", "0", "16"]]


@pytest.fixture
def grades(tmp_path):
    path = tmp_path / "grades.csv"
    with open(path, "w", newline="") as f:
        csv.writer(f).writerows([HEADER, *ROWS])
    return path


def read(path):
    with open(path, newline="") as f:
        return list(csv.reader(f))


def test_canvas(grades):
    table = read(write_lms(grades, "canvas", "00-sockets-and-ports"))
    assert table[0] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", "00-sockets-and-ports"]
    assert table[1][0].strip() == "Points Possible" and table[1][-1] == "16"
    assert table[2] == ["Doe, Jane", "12345", "", "", "", "13.0"]
    assert table[3][:2] == ["67890", "67890"], "a student without a name is shown by id"


def test_moodle(grades):
    table = read(write_lms(grades, "moodle", "00-sockets-and-ports"))
    assert table[0] == ["First name", "Last name", "ID number", "Email address", "00-sockets-and-ports"]
    assert table[1] == ["Jane", "Doe", "12345", "jane@example.org", "13.0"]


def test_unknown_lms_is_a_clear_error(grades):
    with pytest.raises(ValueError, match="unknown LMS 'blackboard': choose one of canvas, moodle"):
        write_lms(grades, "blackboard", "x")
