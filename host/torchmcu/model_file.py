"""Load a model file: a Python file defining model(), example_inputs() and
optionally calibration_data()."""

from __future__ import annotations

import importlib.util
import sys
import traceback
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from torchmcu.errors import CompileError, TorchMcuError, existing_file


class ModelFileError(TorchMcuError):
    """The model file is missing, broken, or lacks a required function."""


@dataclass
class ModelFile:
    path: Path
    module: Any  # torch.nn.Module (torch is imported only once a model file is loaded)
    example_inputs: tuple
    calibration: list[tuple] | None

    @property
    def stem(self) -> str:
        return self.path.stem


def _first_line(error: BaseException) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else "(no message)"


def _call(namespace, name: str, path: Path):
    try:
        return getattr(namespace, name)()
    except (Exception, SystemExit) as error:  # a model file's sys.exit() is an error too
        frame = traceback.extract_tb(error.__traceback__)[-1]
        raise ModelFileError(
            f"{path}: {name}() raised {type(error).__name__}: {_first_line(error)} (at {frame.filename}:{frame.lineno})"
        ) from error


def load_model_file_as_compiled(path: str | Path) -> ModelFile:
    """`path` evaluated as `torchmcu compile` evaluates it (docs/reproducibility.md): ATen's portable kernels,
    one thread, no oneDNN. The file's seeded weights and batch-norm statistics are then the same bits on every
    machine, so a recompile (`run --compare`, `compare`) reproduces the program."""
    from torchmcu.determinism import fixed_float_environment, pin_portable_kernels

    if not pin_portable_kernels():
        print("warning: torch chose its CPU kernels before torchmcu could pin them; the program bytes may depend "
              "on this CPU", file=sys.stderr)
    with fixed_float_environment():
        return load_model_file(path)


def load_model_file(path: str | Path) -> ModelFile:
    path = check_model_path(path)
    spec = importlib.util.spec_from_file_location(f"torchmcu_model_{path.stem}", path)
    namespace = importlib.util.module_from_spec(spec)
    sys.path.insert(0, str(path.parent.resolve()))
    try:
        spec.loader.exec_module(namespace)
    except (Exception, SystemExit) as error:  # a model file's sys.exit() is an error too
        frames = [f for f in traceback.extract_tb(error.__traceback__) if f.filename == str(path)]
        where = f"{path}:{frames[-1].lineno}" if frames else str(path)
        raise ModelFileError(f"{where}: importing the model file failed: {type(error).__name__}: {_first_line(error)}") from error
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
    from torchmcu.input_checks import check_calibration, check_example_inputs, check_module

    try:
        module = check_module(_call(namespace, "model", path))
        example_inputs = check_example_inputs(_call(namespace, "example_inputs", path))
        calibration = None
        if callable(getattr(namespace, "calibration_data", None)):
            calibration = check_calibration(_call(namespace, "calibration_data", path), example_inputs)
    except CompileError as error:
        raise ModelFileError(f"{path}: {error}") from error
    return ModelFile(path, module, example_inputs, calibration)


def check_model_path(path: str | Path) -> Path:
    """The model file's path, refused before anything slow if it cannot be a model file."""
    path = existing_file(path, ModelFileError, "a Python model file (.py)")
    if path.suffix != ".py":
        raise ModelFileError(f"{path}: expected a Python model file (.py) defining model() and example_inputs()")
    return path
