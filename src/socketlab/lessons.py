"""Lessons as text: each solution notebook's source is a MyST markdown file beside it.

    solutions/<id>/<id>.md     what authors edit and reviewers read (jupytext's MyST format,
                               nbgrader metadata in each cell's YAML header)
    solutions/<id>/<id>.ipynb  the same cells plus the outputs nbval compares; nbgrader reads it

    python -m socketlab.lessons sync [ID ...]   # rebuild each .ipynb from its .md, keeping outputs
    python -m socketlab.lessons text [ID ...]   # the reverse, for a notebook edited in JupyterLab

Cell ids are stable: a graded cell's id is its nbgrader grade_id, any other cell's id is a hash
of its text, so inserting a cell changes no other cell's id. Outputs travel from the old
notebook to the new one only for cells whose id and text are unchanged; an edited code cell
comes out unrun, and the structure test asks for `make outputs ID=<id>`.
"""

from __future__ import annotations

import argparse
import hashlib
from pathlib import Path

import nbformat

__all__ = ["differences", "notebook_from_text", "sync", "text_from_notebook", "with_stable_ids"]

FORMAT = "md:myst"
# Pictures are made anew by every run and nbval never compares them; their text/plain
# stand-in ("<Figure size ...>") stays, so tests still know which cells draw.
PICTURES = ("image/png", "image/jpeg")


def _cell_id(cell, seen: set[str]) -> str:
    grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
    base = grade_id or "c" + hashlib.sha1(f"{cell.cell_type}\n{cell.source}".encode()).hexdigest()[:8]
    cell_id, n = base, 1
    while cell_id in seen:
        n += 1
        cell_id = f"{base}-{n}"
    seen.add(cell_id)
    return cell_id


def with_stable_ids(nb):
    """``nb`` with every cell's id derived from its grade_id or its text (nbformat 4.5)."""
    seen: set[str] = set()
    for cell in nb.cells:
        cell.id = _cell_id(cell, seen)
    nb.nbformat, nb.nbformat_minor = 4, 5
    return nb


def without_pictures(nb):
    """``nb`` with image data dropped from its outputs."""
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            for mime in PICTURES:
                out.get("data", {}).pop(mime, None)
    return nb


def text_from_notebook(nb) -> str:
    """The MyST text of ``nb``: kernelspec in the header, cells with their metadata, no outputs."""
    nb = nbformat.from_dict(nb)
    nb.metadata = {"kernelspec": nb.metadata.get("kernelspec", {}),
                   "jupytext": {"notebook_metadata_filter": "kernelspec,-jupytext"}}
    import jupytext

    return jupytext.writes(nb, fmt=FORMAT)


def notebook_from_text(text: str, old=None):
    """The notebook of MyST ``text``, with the outputs of ``old``'s unchanged cells."""
    import jupytext

    nb = with_stable_ids(jupytext.reads(text, fmt=FORMAT))
    nb.metadata.pop("jupytext", None)
    kept = {}
    if old is not None:
        kept = {c.id: c for c in old.cells if c.get("id")}
        if "language_info" in old.metadata:
            nb.metadata["language_info"] = old.metadata["language_info"]
    for cell in nb.cells:
        if cell.cell_type != "code":
            cell.pop("outputs", None)
            cell.pop("execution_count", None)
            continue
        before = kept.get(cell.id)
        if before is not None and before.cell_type == "code" and before.source == cell.source:
            cell.outputs, cell.execution_count = before.outputs, before.execution_count
        else:
            cell.outputs, cell.execution_count = [], None
    return without_pictures(nb)


def paths(root: Path, assignment: str) -> tuple[Path, Path]:
    folder = root / "solutions" / assignment
    return folder / f"{assignment}.md", folder / f"{assignment}.ipynb"


def sync(root: Path, assignment: str) -> bool:
    """Rebuild the solution notebook from its text; True when the file changed."""
    text, notebook = paths(root, assignment)
    old = nbformat.read(notebook, as_version=4) if notebook.exists() else None
    new = nbformat.writes(notebook_from_text(text.read_text(), old)) + "\n"
    if notebook.exists() and notebook.read_text() == new:
        return False
    notebook.write_text(new)
    return True


def differences(root: Path, assignment: str) -> list[str]:
    """Where the solution notebook and its text disagree (empty when in step)."""
    text, notebook = paths(root, assignment)
    if not text.exists():
        return [f"{text.relative_to(root)} is missing: `python -m socketlab.lessons text {assignment}`"]
    nb = nbformat.read(notebook, as_version=4)
    want = notebook_from_text(text.read_text(), nb)
    problems = []
    if len(nb.cells) != len(want.cells):
        problems.append(f"{len(want.cells)} cells in the text, {len(nb.cells)} in the notebook")
    for i, (got, cell) in enumerate(zip(nb.cells, want.cells)):
        for key in ("id", "cell_type", "source", "metadata"):
            if got.get(key) != cell.get(key):
                problems.append(f"cell {i} ({cell.id}): {key} differs")
                break
    return problems


def main(argv: list[str] | None = None) -> None:
    from socketlab.release import assignment_ids, course_root

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("direction", choices=["sync", "text"], help="sync: .md to .ipynb; text: .ipynb to .md")
    parser.add_argument("ids", nargs="*", help="assignment ids (default: all)")
    options = parser.parse_args(argv)
    root = course_root()
    for assignment in options.ids or assignment_ids(root):
        text, notebook = paths(root, assignment)
        if options.direction == "text":
            nb = with_stable_ids(without_pictures(nbformat.read(notebook, as_version=4)))
            text.write_text(text_from_notebook(nb))
            nbformat.write(nb, notebook)
            print(f"wrote {text.relative_to(root)}")
        elif sync(root, assignment):
            print(f"rebuilt {notebook.relative_to(root)} from {text.name}")


if __name__ == "__main__":
    main()
