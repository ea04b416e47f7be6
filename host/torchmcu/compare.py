"""Compare host-kernel outputs with the Python reference (bit for bit) and with float."""

from __future__ import annotations

import contextlib
import os
import sys
from pathlib import Path

import numpy as np
import torch

from torchmcu.errors import EXIT_MISMATCH


def _float64(values) -> np.ndarray:
    if isinstance(values, torch.Tensor):
        values = values.detach().cpu().numpy()
    return np.asarray(values, dtype=np.float64).ravel()


def sqnr_db(reference, approximation) -> float:
    """Signal-to-quantization-noise ratio in dB of arrays or tensors (inf when identical)."""
    reference = _float64(reference)
    noise = reference - _float64(approximation)
    noise_power = float(np.sum(noise**2))
    if noise_power == 0.0:
        return float("inf")
    return float(10 * np.log10(max(float(np.sum(reference**2)), 1e-30) / noise_power))


def output_scales(reference: torch.fx.GraphModule) -> list[float | None]:
    """Per model output: the scale of the dequantize that produces it (None if not dequantized)."""
    output_node = next(n for n in reference.graph.nodes if n.op == "output")
    results = output_node.args[0]
    results = results if isinstance(results, (tuple, list)) else (results,)
    scales = []
    for node in results:
        if getattr(node, "target", None) == torch.ops.torchmcu.dequantize_per_tensor.default:
            scales.append(float(node.args[1]))
        else:
            scales.append(None)
    return scales


@contextlib.contextmanager
def _sizing_of(record: dict):
    """Recompile with the scratch sizing the program recorded: the built-in formulas or CMSIS_NN_PATH's."""
    saved = os.environ.pop("CMSIS_NN_PATH", None)
    try:
        if record["scratch_sizing_source"] == "builtin":
            yield None
        else:
            if not saved:
                print("warning: the program's scratch was sized by a CMSIS-NN checkout; set CMSIS_NN_PATH to it "
                      "so the recompile reproduces the program", file=sys.stderr)
            yield saved
    finally:
        if saved is not None:
            os.environ["CMSIS_NN_PATH"] = saved


def compare_with_reference(model_path: Path, pte: bytes, inputs: list[np.ndarray], outputs: list[np.ndarray],
                           plan: dict) -> int:
    """Recompile `model_path` (deterministic), run its reference and float model on `inputs`, report."""
    from torchmcu.compiler import compile as compile_model
    from torchmcu.errors import TorchMcuError
    from torchmcu.model_file import load_model_file_as_compiled

    model = load_model_file_as_compiled(model_path)
    program_inputs = [spec["shape"] for spec in plan["program_inputs"]]
    model_inputs = [list(x.shape) for x in model.example_inputs]
    if program_inputs != model_inputs:
        raise TorchMcuError(f"{model_path} does not match the program: the model takes inputs {model_inputs}, "
                            f"the program {program_inputs}")
    with _sizing_of(plan["record"]) as cmsis_nn_path:
        program = compile_model(model.module, model.example_inputs, target=plan["target"],
                                calibration=model.calibration, cmsis_nn_path=cmsis_nn_path)
    if [list(spec["shape"]) for spec in program.plan["program_outputs"]] != \
            [list(spec["shape"]) for spec in plan["program_outputs"]]:
        raise TorchMcuError(f"{model_path} does not match the program: its outputs have other shapes")
    if program.pte != pte:
        print(f"warning: recompiling {model_path} for {plan['target']} did not reproduce this .pte byte for byte; "
              "the reference may not correspond to it", file=sys.stderr)
    tensors = [torch.from_numpy(np.ascontiguousarray(x)) for x in inputs]
    reference = [r.detach().numpy() for r in program.run_reference(*tensors)]
    with torch.no_grad():
        floats = model.module.eval()(*tensors)
    floats = [f.numpy() for f in (floats if isinstance(floats, (tuple, list)) else (floats,))]
    exact = True
    for i, (ours, ref, flt, scale) in enumerate(zip(outputs, reference, floats, output_scales(program.reference))):
        diff = np.abs(ours.astype(np.float64) - ref.astype(np.float64))
        max_lsb = float(diff.max() / scale) if scale else float(diff.max())
        exact &= bool(np.array_equal(ours, ref))
        print(f"output {i}: kernels vs reference max {max_lsb:.3g} LSB "
              f"({'bit-exact' if np.array_equal(ours, ref) else 'MISMATCH'}); "
              f"SQNR vs float {sqnr_db(flt, ours):.2f} dB")
    return 0 if exact else EXIT_MISMATCH
