"""Check what a model file hands the compiler before any slow stage runs.

example_inputs(), calibration_data() and the module's parameters are checked
for count, type, shape, dtype and finiteness; each error names the sample
index, the input position or the parameter. A NaN that reached the quantizer
would otherwise surface as an assertion deep inside torchao.
"""

from __future__ import annotations

from typing import Any

import torch

from torchmcu.errors import CompileError
from torchmcu.samples import non_finite


def _kind(value: Any) -> str:
    return "None" if value is None else type(value).__name__


def _non_finite(tensor: torch.Tensor) -> str | None:
    """'NaN' or 'Inf' when the tensor holds one (floating tensors only; widened, so no value overflows)."""
    if not tensor.is_floating_point():
        return None
    return non_finite(tensor.detach().cpu().double().numpy())


def as_input_tuple(value: Any, what: str) -> tuple:
    """A tensor or a tuple/list of tensors as a tuple; `what` names it in the error."""
    if isinstance(value, torch.Tensor):
        return (value,)
    if not isinstance(value, (tuple, list)):
        raise CompileError(f"{what} is a {_kind(value)}, expected a tensor or a tuple of tensors")
    if not value:
        raise CompileError(f"{what} is empty; expected a non-empty tuple of tensors")
    return tuple(value)


def check_example_inputs(example_inputs: Any) -> tuple:
    """example_inputs() as a non-empty tuple of finite float32 tensors with no zero-sized dimension."""
    inputs = as_input_tuple(example_inputs, "example_inputs()")
    for i, x in enumerate(inputs):
        if not isinstance(x, torch.Tensor):
            raise CompileError(f"example_inputs() input {i} is a {_kind(x)}, expected a torch.Tensor")
        if x.dtype != torch.float32:
            raise CompileError(f"example_inputs() input {i} has dtype {x.dtype}; torchmcu compiles float32 models "
                               "(call model.float() and pass float32 inputs)")
        if x.dim() == 0 or x.numel() == 0:
            raise CompileError(f"example_inputs() input {i} has shape {list(x.shape)}; every input needs at least "
                               "one dimension and one element")
        bad = _non_finite(x)
        if bad:
            raise CompileError(f"example_inputs() input {i} contains {bad}")
    return inputs


def check_calibration(calibration: Any, example_inputs: tuple) -> list[tuple]:
    """calibration_data() as a list of input tuples matching example_inputs() in count, shape and dtype."""
    if calibration is None or isinstance(calibration, (torch.Tensor, str, bytes, dict)):
        raise CompileError(f"calibration_data() returned {_kind(calibration)}, expected a list of samples "
                           "(each a tensor or a tuple of tensors like example_inputs())")
    try:
        samples = list(calibration)
    except TypeError:
        raise CompileError(f"calibration_data() returned {_kind(calibration)}, expected a list of samples") from None
    if not samples:
        raise CompileError("calibration_data() returned no samples")
    checked = []
    for index, sample in enumerate(samples):
        where = f"calibration sample {index}"
        sample = as_input_tuple(sample, where)
        if len(sample) != len(example_inputs):
            raise CompileError(f"{where} has {len(sample)} tensor(s), example_inputs() has {len(example_inputs)}")
        for position, (x, example) in enumerate(zip(sample, example_inputs)):
            if not isinstance(x, torch.Tensor):
                raise CompileError(f"{where}, input {position} is a {_kind(x)}, expected a torch.Tensor")
            if x.dtype != example.dtype:
                raise CompileError(f"{where}, input {position} has dtype {x.dtype}, example_inputs() has "
                                   f"{example.dtype}")
            if x.shape != example.shape:
                raise CompileError(f"{where}, input {position} has shape {list(x.shape)}, example_inputs() has "
                                   f"{list(example.shape)} (the program's shapes are static)")
            bad = _non_finite(x)
            if bad:
                raise CompileError(f"{where}, input {position} contains {bad}")
        checked.append(sample)
    return checked


def check_module(module: Any) -> torch.nn.Module:
    """A float32 nn.Module whose parameters and buffers are all finite."""
    if not isinstance(module, torch.nn.Module):
        raise CompileError(f"model() returned {_kind(module)}, expected a torch.nn.Module")
    for name, tensor in list(module.named_parameters()) + list(module.named_buffers()):
        if tensor.is_floating_point() and tensor.dtype != torch.float32:
            raise CompileError(
                f"parameter {name!r} has dtype {tensor.dtype}; torchmcu compiles float32 models (call model.float())"
            )
        bad = _non_finite(tensor.detach())
        if bad:
            raise CompileError(f"parameter {name!r} contains {bad}")
    return module
