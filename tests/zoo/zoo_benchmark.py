"""benchmarks/zoo.py, loaded by path: `benchmarks.zoo` cannot be imported, since the benchmark module
zoo.py and the directory of model files zoo/ beside it share the name."""

from __future__ import annotations

import functools
import importlib.util
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


@functools.cache
def zoo():
    spec = importlib.util.spec_from_file_location("zoo", REPO / "benchmarks" / "zoo.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["zoo"] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module
