"""Access to ../shared/cmsis_nn_vectors (real CMSIS-NN outputs), read in place."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

VECTORS_DIR = Path(__file__).resolve().parents[2].parent / "shared" / "cmsis_nn_vectors"


class GoldenCase:
    def __init__(self, data, index: int) -> None:
        self._data = data
        self.index = index
        names = [str(n) for n in data["param_names"]]
        self.params = {n: int(v) for n, v in zip(names, data["params"][index])}
        self.note = str(data["note"][index])
        self.path = str(data["path"][index]) if "path" in data.files else None

    def __getitem__(self, key: str):
        if key in self.params:
            return self.params[key]
        return self._data[f"case{self.index:03d}_{key}"]

    def has(self, key: str) -> bool:
        return key in self.params or f"case{self.index:03d}_{key}" in self._data.files


def load_family(family: str) -> list[GoldenCase]:
    path = VECTORS_DIR / f"{family}.npz"
    if not path.exists():
        pytest.skip(f"golden vectors not found at {path}")
    data = np.load(path)
    return [GoldenCase(data, i) for i in range(int(data["num_cases"]))]


def case_ids(family: str) -> list[str] | None:
    """Readable test ids from the cases' notes; None (pytest's own ids) when the vectors are absent,
    so the tests collect and then skip with the reason."""
    path = VECTORS_DIR / f"{family}.npz"
    if not path.exists():
        return None
    data = np.load(path)
    return [f"{family}{i:03d}-{data['note'][i]}" for i in range(int(data["num_cases"]))]
