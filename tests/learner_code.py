"""What the learner writes in a notebook, as the tests see it (tests/course, tests/e2e)."""

from __future__ import annotations

import ast


def learner_names(nb) -> set[str]:
    """Names the answer cells define at top level (functions, classes, constants)."""
    names = set()
    for cell in nb.cells:
        if cell.cell_type == "code" and cell.metadata.get("nbgrader", {}).get("solution"):
            for node in ast.parse(cell.source).body:
                if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                    names.add(node.name)
                elif isinstance(node, ast.Assign):
                    names |= {t.id for t in node.targets if isinstance(t, ast.Name)}
    return names
