"""Load a model file: a Python file defining model(), example_inputs() and
optionally calibration_data()."""

from __future__ import annotations

import importlib.util
import sys
import traceback
from dataclasses import dataclass
from pathlib import Path

import torch

from torchmcu.errors import TorchMcuError


class ModelFileError(TorchMcuError):
    """The model file is missing, broken, or lacks a required function."""


@dataclass
class ModelFile:
    path: Path
    module: torch.nn.Module
    example_inputs: tuple
    calibration: list[tuple] | None

    @property
    def stem(self) -> str:
        return self.path.stem


def _call(namespace, name: str, path: Path):
    try:
        return getattr(namespace, name)()
    except Exception as error:
        frame = traceback.extract_tb(error.__traceback__)[-1]
        raise ModelFileError(
            f"{path}: {name}() raised {type(error).__name__}: {error} (at {frame.filename}:{frame.lineno})"
        ) from error


def load_model_file(path: str | Path) -> ModelFile:
    path = Path(path)
    if not path.is_file():
        raise ModelFileError(f"{path}: no such file")
    if path.suffix != ".py":
        raise ModelFileError(f"{path}: expected a Python model file (.py) defining model() and example_inputs()")
    spec = importlib.util.spec_from_file_location(f"torchmcu_model_{path.stem}", path)
    namespace = importlib.util.module_from_spec(spec)
    sys.path.insert(0, str(path.parent.resolve()))
    try:
        spec.loader.exec_module(namespace)
    except Exception as error:
        frames = [f for f in traceback.extract_tb(error.__traceback__) if f.filename == str(path)]
        where = f"{path}:{frames[-1].lineno}" if frames else str(path)
        raise ModelFileError(f"{where}: importing the model file failed: {type(error).__name__}: {error}") from error
    finally:
        sys.path.pop(0)
    for required in ("model", "example_inputs"):
        if not callable(getattr(namespace, required, None)):
            raise ModelFileError(
                f"{path}: defines no {required}() function; a model file defines model() -> nn.Module, "
                "example_inputs() -> tuple of tensors, and optionally calibration_data() -> list of tuples"
            )
    if hasattr(namespace, "dynamic_shapes"):
        raise ModelFileError(f"{path}: defines dynamic_shapes(); torchmcu plans every byte, so shapes must be static")
    module = _call(namespace, "model", path)
    if not isinstance(module, torch.nn.Module):
        raise ModelFileError(f"{path}: model() returned {type(module).__name__}, expected a torch.nn.Module")
    example_inputs = _call(namespace, "example_inputs", path)
    if isinstance(example_inputs, torch.Tensor):
        example_inputs = (example_inputs,)
    calibration = None
    if callable(getattr(namespace, "calibration_data", None)):
        calibration = [tuple(s) if isinstance(s, (tuple, list)) else (s,) for s in _call(namespace, "calibration_data", path)]
        if not calibration:
            raise ModelFileError(f"{path}: calibration_data() returned no samples")
    return ModelFile(path, module, tuple(example_inputs), calibration)
