"""Compile a torchmcu model file with upstream ExecuTorch's own Cortex-M pipeline.

Benchmark-only: this is the one place that imports executorch.backends.cortex_m
(product code never does). The flow is upstream's best case as its AoT compiler
runs it for a `cortex-m<cpu>` target: model and inputs channels-last, its
CortexMQuantizer (PT2E) calibrated on the model file's data, its edge compile
config, its CortexMPassManager for the target CPU, then to_executorch.
"""

from __future__ import annotations

from pathlib import Path

def _channels_last(value):
    import torch

    if isinstance(value, torch.Tensor) and value.dim() == 4:
        return value.to(memory_format=torch.channels_last)
    return value


def lower_upstream(module, example: tuple, calibration: list[tuple], cpu: str = "cortex-m55"):
    """Upstream's EdgeProgramManager for `module` after its Cortex-M passes, ready for to_executorch()."""
    import torch
    from executorch.backends.cortex_m.edge_compile_config import cortex_m_edge_compile_config
    from executorch.backends.cortex_m.passes.cortex_m_pass_manager import CortexMPassManager
    from executorch.backends.cortex_m.quantizer.quantizer import CortexMQuantizer
    from executorch.backends.cortex_m.target_config import CortexMTargetConfig
    from executorch.exir import to_edge_transform_and_lower
    from torchao.quantization.pt2e.quantize_pt2e import convert_pt2e, prepare_pt2e

    module = module.eval().to(memory_format=torch.channels_last)
    example = tuple(_channels_last(x) for x in example)
    with torch.no_grad():
        prepared = prepare_pt2e(torch.export.export(module, example).module(check_guards=False), CortexMQuantizer())
        for sample in calibration or [example]:
            prepared(*(_channels_last(x) for x in sample))
        quantized = convert_pt2e(prepared)
        exported = torch.export.export(quantized, example)
    edge = to_edge_transform_and_lower(exported, compile_config=cortex_m_edge_compile_config())
    target = CortexMTargetConfig.from_target_string(cpu)
    edge._edge_programs["forward"] = CortexMPassManager(edge.exported_program(), target_config=target).transform()
    return edge


def compile_upstream(model_file: str | Path, output: str | Path, board: str = "m55") -> Path:
    """Writes the upstream Cortex-M program of `model_file` (a torchmcu model file) for `board` (a short
    name of tests/zephyr/zephyr_workspace.BOARDS; upstream's target is its CPU) to `output`."""
    from executorch.exir import ExecutorchBackendConfig

    from tests.zephyr.zephyr_workspace import BOARDS
    from torchmcu.model_file import load_model_file

    cpu = BOARDS[board].harness.cpu
    loaded = load_model_file(model_file)
    edge = lower_upstream(loaded.module, loaded.example_inputs, loaded.calibration, cpu)
    program = edge.to_executorch(config=ExecutorchBackendConfig(extract_delegate_segments=False))
    output = Path(output)
    output.parent.mkdir(parents=True, exist_ok=True)
    if not output.is_file() or output.read_bytes() != program.buffer:
        output.write_bytes(program.buffer)  # unchanged, it leaves the firmware's build up to date
    return output


def operators(pte: str | Path) -> list[str]:
    """The operator names a program calls, from its flatbuffer."""
    from executorch.exir._serialize._program import deserialize_pte_binary

    program = deserialize_pte_binary(Path(pte).read_bytes())
    program = getattr(program, "program", program)
    return sorted({f"{op.name}.{op.overload}" if op.overload else op.name
                   for plan in program.execution_plan for op in plan.operators})
