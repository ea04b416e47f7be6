"""The compile pipeline: nn.Module -> int8 torchmcu program (.pte + plan), in named stages."""

from __future__ import annotations

import copy
import dataclasses
import json
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Sequence

import torch
from torch.fx import GraphModule

import torchmcu.ops  # noqa: F401  (registers torchmcu::)
from torchmcu import __version__
from torchmcu.errors import CompileError, StrictError
from torchmcu.host_check import check_program_runs
from torchmcu.input_checks import check_calibration, check_example_inputs, check_module
from torchmcu.passes import PlanScratchPass, lowering_passes, pre_quantization_passes
from torchmcu.passes.lower_quantized_ops_pass import NotLoweredOp, source_location
from torchmcu.program_file import program_plan
from torchmcu.target import Target, parse_target

Calibration = Sequence[tuple[torch.Tensor, ...]]


@dataclass
class CompiledProgram:
    """A compiled model: program bytes, its plan, and the lowered graph (the Python reference)."""

    pte: bytes
    plan: dict[str, Any]
    target: Target
    reference: GraphModule
    not_lowered: list[NotLoweredOp] = field(default_factory=list)

    def run_reference(self, *inputs: torch.Tensor) -> tuple[torch.Tensor, ...]:
        """Run the lowered graph with the torchmcu Python references (the specification)."""
        out = self.reference(*inputs)
        return tuple(out) if isinstance(out, (tuple, list)) else (out,)

    def save(self, directory: str | Path, name: str) -> dict[str, Path]:
        """Write <name>.pte and its <name>.plan.json report, each atomically; on failure neither remains."""
        from torchmcu.outputs import remove_quietly, write_atomic

        directory = Path(directory)
        paths = {"pte": directory / f"{name}.pte", "plan": directory / f"{name}.plan.json"}
        try:
            write_atomic(paths["pte"], self.pte)
            write_atomic(paths["plan"], json.dumps(self.plan, indent=2) + "\n")
        except BaseException:
            remove_quietly(*paths.values())  # never a new .pte beside an old .plan.json
            raise
        return paths


def _user_frame(error: BaseException) -> str:
    """'file.py:12' of the innermost traceback frame in the user's code (not torch, not torchmcu)."""
    import traceback

    frames = traceback.extract_tb(error.__traceback__)
    package = str(Path(__file__).parent)
    for frame in reversed(frames):
        if "site-packages" not in frame.filename and not frame.filename.startswith(package) \
                and not frame.filename.startswith("<"):
            return f"{frame.filename}:{frame.lineno}"
    return "<model code>"


def export_model(module: torch.nn.Module, example_inputs: tuple) -> GraphModule:
    """Stage 1: torch.export to a static-shape aten graph module."""
    import contextlib
    import io

    printed = io.StringIO()
    try:
        # On failure torch.export prints the partial graph to stderr; the error below says what matters.
        with contextlib.redirect_stderr(printed):
            exported = torch.export.export(module, example_inputs, strict=False)
    except Exception as error:  # torch.export raises many types; one message for the user
        first_line = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise CompileError(
            f"torch.export failed at {_user_frame(error)}: {type(error).__name__}: {first_line}"
        ) from error
    for node in exported.graph.nodes:
        value = node.meta.get("val")
        if isinstance(value, torch.Tensor) and any(not isinstance(d, int) for d in value.shape):
            raise CompileError(f"dynamic shape at {node.name} ({source_location(node)}): torchmcu plans static shapes")
        if node.op == "call_function" and node.target in (torch.ops.higher_order.cond, torch.ops.higher_order.while_loop):
            raise CompileError(
                f"data-dependent control flow ({node.target.__name__}) at {source_location(node)}: "
                "a static int8 program cannot branch; remove the branch or make it depend on Python values"
            )
    return exported.module(check_guards=False)


def quantize(graph: GraphModule, calibration: Calibration, progress: Callable | None = None,
             activation_ranges: str = "minmax", lstm_sigmoid_table: torch.Tensor | None = None) -> GraphModule:
    """Stage 2: PT2E int8 quantization with torchmcu's quantizer and calibration data.
    LSTMs fuse given `lstm_sigmoid_table` (torchmcu.lstm_fusion)."""
    from torchao.quantization.pt2e.quantize_pt2e import convert_pt2e, prepare_pt2e

    from torchmcu.quantizer import TorchMcuQuantizer

    for p in pre_quantization_passes(lstm_sigmoid_table):
        graph = p(graph).graph_module
    prepared = prepare_pt2e(graph, TorchMcuQuantizer(activation_ranges))
    calibrate(prepared, progress(calibration) if progress else calibration)
    return convert_pt2e(prepared)


def calibrate(prepared: GraphModule, samples: Calibration) -> None:
    """Run the observers in float64, then round their ranges once (torchmcu.determinism).

    A graph that cannot run in float64 (an op pinned to float32) calibrates in
    float32, with a warning: its bytes may then depend on the machine.
    Histogram observers ("mse" ranges) see the samples a second time, over the
    rounded first-pass ranges, and then choose their ranges.
    """
    from torchmcu.observers import histogram_observers

    samples = list(samples)
    _observe(prepared, samples)
    histograms = histogram_observers(prepared)
    if histograms:
        for observer in histograms:
            observer.start_histogram()
        _observe(prepared, samples)
        for observer in histograms:
            observer.choose_range()
        _round_ranges(prepared)


def _observe(prepared: GraphModule, samples: list) -> None:
    """One calibration pass (float64, else float32), observed ranges rounded to the grid."""
    try:
        with torch.no_grad():
            prepared.to(torch.float64)
            for sample in samples:
                prepared(*(x.to(torch.float64) for x in sample))
    except RuntimeError as error:
        warnings.warn(f"calibrating in float32 ({type(error).__name__}: {str(error).splitlines()[0]}); "
                      "the program bytes may depend on this machine's CPU", stacklevel=4)
        _reset_observers(prepared)
        prepared.to(torch.float32)
        with torch.no_grad():
            for sample in samples:
                prepared(*sample)
    prepared.to(torch.float32)
    _round_ranges(prepared)


def _round_ranges(prepared: GraphModule) -> None:
    from torchmcu.determinism import round_to_grid

    for observer in _observers(prepared):
        observer.min_val.copy_(round_to_grid(observer.min_val))
        observer.max_val.copy_(round_to_grid(observer.max_val))


def _observers(prepared: GraphModule) -> list[torch.nn.Module]:
    """Observers holding a running min/max (fixed-qparam observers hold none)."""
    return [m for m in prepared.modules() if hasattr(m, "min_val") and hasattr(m, "max_val")]


def _reset_observers(prepared: GraphModule) -> None:
    for observer in _observers(prepared):
        observer.reset_min_max_vals()


def propagate_static_shapes(graph: GraphModule, example_inputs: tuple) -> None:
    """Give every node a fake value with the concrete shapes of `example_inputs`.

    convert_pt2e leaves some nodes without metadata and some with symbolic
    sizes; lowering needs plain integers.
    """
    from torch._subclasses import FakeTensorMode
    from torch.fx.passes.fake_tensor_prop import FakeTensorProp

    mode = FakeTensorMode(allow_non_fake_inputs=True)
    FakeTensorProp(graph, mode).propagate(*[mode.from_tensor(x) for x in example_inputs])


def lower(graph: GraphModule, target: Target, example_inputs: tuple) -> tuple[GraphModule, list[NotLoweredOp]]:
    """Stage 3: quantized aten graph -> torchmcu ops, NHWC inside."""
    propagate_static_shapes(graph, example_inputs)
    not_lowered: list[NotLoweredOp] = []
    for p in lowering_passes(target):
        graph = p(graph).graph_module
        not_lowered.extend(getattr(p, "not_lowered", []))
    return graph, not_lowered


def remaining_float_ops(graph: GraphModule, reasons: list[NotLoweredOp]) -> list[NotLoweredOp]:
    """Every compute op that is not a torchmcu kernel (views are free)."""
    explained = {r.node: r for r in reasons}
    free = {torch.ops.aten.view.default}
    result = []
    for node in graph.graph.nodes:
        if node.op != "call_function" or node.target in free:
            continue
        if getattr(node.target, "namespace", None) == "torchmcu":
            continue
        if node.name in explained:
            result.append(explained[node.name])
        else:
            result.append(NotLoweredOp(str(node.target), node.name, "no torchmcu lowering for this op",
                                       source_location(node)))
    return result


def measure_method_pool(pte: bytes) -> int:
    """Method-pool bytes `forward` needs when the host runner loads it, plus the runner's guard.

    A 64-bit figure: an upper bound for 32-bit Cortex-M. 0 when the host kernels
    cannot be built here (the runner then skips its pre-load check).
    """
    from torchmcu.host_check import captured_native_stderr
    from torchmcu.native import GuardBytes, HostRunner, NativeBuildError, RunnerError

    try:
        with captured_native_stderr():  # a refused load is explained by check_program_runs
            return HostRunner(pte).method_pool_used + GuardBytes
    except NativeBuildError as error:
        # Unmeasured: a firmware build refuses the program (torchmcu_check_plan.cmake) unless told a size.
        warnings.warn(f"method pool not measured: the host kernels did not build "
                      f"({str(error).splitlines()[0]})", stacklevel=2)
        return 0
    except RunnerError as error:
        # This host's kernels refuse the program's record (a record built for another release).
        warnings.warn(f"method pool not measured: the host runner refused the program ({error.message})",
                      stacklevel=2)
        return 0


def to_program(graph: GraphModule, example_inputs: tuple, target: Target, sizer) -> bytes:
    """Stage 4: export the torchmcu graph, plan scratch + activations in one arena, serialize."""
    from executorch.exir import EdgeCompileConfig, ExecutorchBackendConfig, to_edge
    from executorch.exir.memory_planning import MemoryPlanningAlgorithmSuite
    from executorch.exir.passes import MemoryPlanningPass

    from torchmcu.arena_planner import plan_arena
    from torchmcu.record import METHOD_NAME, record_for
    from torchmcu.compact_program import compact_program

    exported = torch.export.export(graph, example_inputs, strict=False)
    record = record_for(target, sizer.SIZING_SOURCE, sizer.sizing_version())
    edge = to_edge(
        exported,
        # The plan's assumptions travel with the program; the runner checks them before loading forward.
        constant_methods={METHOD_NAME: record.as_tuple()},
        compile_config=EdgeCompileConfig(_check_ir_validity=False),
    )
    edge = edge.transform([PlanScratchPass(target.isa, sizer)])
    def serialize(edge) -> bytes:
        from torchmcu.integrity import add_trailer

        # The CRC trailer seals the final bytes, so it is added last.
        return add_trailer(compact_program(edge.to_executorch(
            ExecutorchBackendConfig(
                # Inputs and outputs live in the arena too: one buffer holds everything.
                memory_planning_pass=MemoryPlanningPass(
                    memory_planning_algo=MemoryPlanningAlgorithmSuite([plan_arena]),
                    alloc_graph_input=True, alloc_graph_output=True,
                ),
                extract_delegate_segments=False,
            )
        ).buffer))

    # to_executorch mutates the edge program: measure on a copy.
    pte = serialize(copy.deepcopy(edge))
    # The record carries forward's method-pool need so the runner can refuse a
    # smaller pool before ExecuTorch starts allocating (docs/record.md).
    needed = measure_method_pool(pte)
    if needed:
        edge._config_methods[METHOD_NAME] = dataclasses.replace(record, method_pool_bytes=needed).as_tuple()
        pte = serialize(edge)
    return pte


def compile(
    module: torch.nn.Module,
    example_inputs: tuple,
    target: str | Target = "cortex-m55",
    calibration: Calibration | None = None,
    strict: bool = False,
    progress: Callable | None = None,
    cmsis_nn_path: str | None = None,
    activation_ranges: str = "minmax",
) -> CompiledProgram:
    """Compile `module` to an int8 torchmcu program for a Cortex-M target.

    `calibration` is a list of input tuples; without it random data is used
    (with a warning: the scales will not fit real data). `strict` makes any op
    that cannot be lowered an error instead of a warning. `cmsis_nn_path` (or
    CMSIS_NN_PATH) sizes scratch with that CMSIS-NN checkout's own functions.
    `activation_ranges` ("minmax" or "mse", torchmcu.observers) picks how activation ranges are chosen.
    """
    from torchmcu.determinism import fixed_float_environment, random_calibration
    from torchmcu.lstm_fusion import has_lstm, lstm_fusion
    from torchmcu.sizing import select_sizer

    target = target if isinstance(target, Target) else parse_target(target)
    example_inputs = check_example_inputs(example_inputs)
    check_module(module)
    if calibration is not None:
        calibration = check_calibration(calibration, example_inputs)
    sizer = select_sizer(cmsis_nn_path)  # a bad checkout fails before the slow stages
    module = module.eval()
    if calibration is None:
        warnings.warn(
            "no calibration data: calibrating on random inputs, so int8 scales will not match real data; "
            "define calibration_data() in the model file",
            stacklevel=2,
        )
        calibration = random_calibration(example_inputs)
    fusion = lstm_fusion(target, sizer)
    with fixed_float_environment():
        graph = export_model(module, example_inputs)
        lstm_note = fusion.reason if has_lstm(graph) else None  # before the passes replace the LSTMs
        quantized = quantize(graph, calibration, progress, activation_ranges, fusion.sigmoid_table)
    lowered, reasons = lower(quantized, target, example_inputs)
    not_lowered = remaining_float_ops(lowered, reasons)
    if not_lowered:
        listing = "\n".join(f"  {r.op} ({r.node}) at {r.source}: {r.reason}" for r in not_lowered)
        if strict:
            raise StrictError(f"{len(not_lowered)} op(s) could not be lowered to torchmcu kernels:\n{listing}")
        warnings.warn(f"{len(not_lowered)} op(s) stay as portable float ops:\n{listing}", stacklevel=2)
    pte = to_program(lowered, example_inputs, target, sizer)
    check_program_runs(pte, example_inputs, lowered)  # before anything is written: a program that cannot run
    # Target, ISA and method pool come from the record inside the program: one source of truth.
    plan = program_plan(pte)
    plan.update({
        "not_lowered": [vars(r) for r in not_lowered],
        "method_allocator_note": "measured by loading the program in the host runner (64-bit): an upper bound on "
                                 "32-bit Cortex-M",
    })
    if lstm_note:
        plan["lstm_fusion"] = lstm_note
    return CompiledProgram(pte=pte, plan=plan, target=target, reference=lowered, not_lowered=not_lowered)
