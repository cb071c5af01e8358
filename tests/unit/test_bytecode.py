"""socketlab's bytecode is written before a grading run: sandboxed processes cannot write it."""

import importlib.util
from pathlib import Path

from socketlab.grading import isolate, limits


def test_write_bytecode_compiles_what_is_missing():
    cached = Path(importlib.util.cache_from_source(limits.__file__))
    cached.unlink(missing_ok=True)
    isolate.write_bytecode()
    assert cached.is_file()
