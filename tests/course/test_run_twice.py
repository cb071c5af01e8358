"""Run-All twice in one kernel works: no leftover listeners, threads or files break a re-run.

nbval runs each solution notebook once; this runs it twice in a single kernel and
requires the second pass to be as clean as the first (no errors, nothing on stderr).
"""

import nbformat
import pytest
from nbclient import NotebookClient

from conftest import ROOT, solution_ids


def problems(nb) -> list[str]:
    found = []
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "code" or "raises-exception" in cell.metadata.get("tags", []):
            continue
        for out in cell.get("outputs", []):
            if out.output_type == "error":
                found.append(f"cell {i}: {out.ename}: {out.evalue}")
            elif out.output_type == "stream" and out.name == "stderr":
                found.append(f"cell {i} wrote to stderr: {out.text[:200]!r}")
    return found


@pytest.mark.parametrize("assignment", solution_ids())
def test_run_all_twice(assignment):
    path = ROOT / "solutions" / assignment / f"{assignment}.ipynb"
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, timeout=60, kernel_name="python3", allow_errors=True,
                            resources={"metadata": {"path": str(path.parent)}})
    with client.setup_kernel():
        for run in ("first", "second"):
            for index, cell in enumerate(nb.cells):
                if cell.cell_type == "code":
                    client.execute_cell(cell, index)
            found = problems(nb)
            assert not found, f"{assignment}, {run} Run-All in one kernel:\n  " + "\n  ".join(found)
