"""The committed student edition is exactly what nbgrader generates from solutions/."""

import json

import pytest

from conftest import ROOT, solution_ids
from socketlab.release import generate


def test_every_solution_has_a_student_edition():
    missing = [i for i in solution_ids() if not (ROOT / "notebooks" / i / f"{i}.ipynb").exists()]
    extra = sorted({p.parent.name for p in (ROOT / "notebooks").glob("*/*.ipynb")} - set(solution_ids()))
    assert not missing, f"no student edition for {missing}: run `make release`"
    assert not extra, f"notebooks/ has {extra} with no solutions/ source: delete them or add the source"


@pytest.mark.parametrize("assignment", solution_ids())
def test_student_edition_in_sync(assignment, tmp_path):
    fresh = generate(ROOT, assignment, tmp_path)
    committed = ROOT / "notebooks" / assignment
    fresh_files = sorted(p.relative_to(fresh) for p in fresh.rglob("*") if p.is_file())
    committed_files = sorted(p.relative_to(committed) for p in committed.rglob("*") if p.is_file())
    assert fresh_files == committed_files, (
        f"notebooks/{assignment} has files {committed_files}, nbgrader makes {fresh_files}: run `make release`")
    for name in fresh_files:
        got, want = (committed / name).read_bytes(), (fresh / name).read_bytes()
        if name.suffix == ".ipynb":
            got, want = json.loads(got), json.loads(want)
        assert got == want, f"notebooks/{assignment}/{name} differs from solutions/{assignment}: run `make release`"
