"""Input arrays from .npy/.npz files, checked against what a model or program takes.

Each error names the file and the array; NaN and Inf are reported so `run`
can warn (docs/numerics.md says what the kernels do with them).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from torchmcu.errors import TorchMcuError, existing_file


if TYPE_CHECKING:
    import numpy as np


class SampleFileError(TorchMcuError):
    """An input file is missing, unreadable, or does not fit the model or program."""


def _check_path(path: str | Path, suffix: str) -> Path:
    return existing_file(path, SampleFileError, f"a {suffix} file")


def check_npz_path(path: str | Path) -> Path:
    return _check_path(path, ".npz")


def check_input_path(path: str | Path) -> Path:
    return _check_path(path, ".npy")


def load_npy(path: str | Path) -> np.ndarray:
    """One array from a .npy file (no pickled objects)."""
    import numpy as np

    path = _check_path(path, ".npy")
    try:
        array = np.load(path, allow_pickle=False)
    except (OSError, ValueError, EOFError) as error:
        reason = str(error).splitlines()[0] if str(error) else type(error).__name__
        raise SampleFileError(f"{path}: cannot read as .npy ({reason})") from error
    if not isinstance(array, np.ndarray):
        array.close()
        raise SampleFileError(f"{path}: is an .npz archive; give one .npy file per input with --input")
    if array.dtype.kind not in "biuf":
        raise SampleFileError(f"{path}: holds {array.dtype} data, expected numbers")
    return array


def non_finite(array: np.ndarray) -> str | None:
    """'NaN' or 'Inf' if the array holds one."""
    import numpy as np

    if array.dtype.kind != "f":
        return None
    if np.isnan(array).any():
        return "NaN"
    if np.isinf(array).any():
        return "Inf"
    return None


def load_samples(path: str | Path, example_inputs: tuple) -> list[tuple]:
    """Evaluation samples from an .npz: one array per model input, samples along axis 0."""
    import numpy as np
    import torch

    path = check_npz_path(path)
    try:
        arrays = np.load(path, allow_pickle=False)
    except (OSError, ValueError, EOFError) as error:
        raise SampleFileError(f"{path}: cannot read as .npz ({type(error).__name__})") from error
    if isinstance(arrays, np.ndarray):
        raise SampleFileError(f"{path}: is a single .npy array, expected an .npz with one array per input")
    with arrays:
        stacked = [arrays[key] for key in arrays.files]
    if len(stacked) != len(example_inputs) or len({a.shape[:1] for a in stacked}) != 1 or stacked[0].ndim == 0:
        raise SampleFileError(f"{path}: needs {len(example_inputs)} array(s) (one per model input) with the same "
                              f"number of samples along axis 0; has {[list(a.shape) for a in stacked]}")
    for position, (array, example) in enumerate(zip(stacked, example_inputs)):
        if list(array.shape[1:]) != list(example.shape[1:]):
            raise SampleFileError(f"{path}: array {position} has samples of shape {list(array.shape[1:])}, the "
                                  f"model's input {position} is {list(example.shape)[1:]} (after the batch axis)")
        if array.dtype.kind != "f":
            raise SampleFileError(f"{path}: array {position} has dtype {array.dtype}, expected float32")
        bad = non_finite(array)
        if bad:
            finite_rows = np.isfinite(array.reshape(array.shape[0], -1)).all(axis=1)
            index = int(np.flatnonzero(~finite_rows)[0])
            raise SampleFileError(f"{path}: array {position}, sample {index} contains {bad}")
    return [tuple(torch.from_numpy(np.ascontiguousarray(a[i:i + 1], dtype=np.float32)) for a in stacked)
            for i in range(stacked[0].shape[0])]
