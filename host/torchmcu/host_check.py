"""A compile that succeeds gives a program that runs: load it in the host runner and run it once.

Before the compiler writes anything, the program is loaded into the C++ runner
(portable backend) and run on the example input. An operator the runtime has
no kernel for, or a shape a kernel refuses (a rank-5 add, a 3-D convolution
left in float), becomes a compile error naming the op and the model file's line,
instead of a program that fails on the device.
"""

from __future__ import annotations

import contextlib
import errno
import os
import tempfile
import warnings
from typing import Any

from torchmcu.errors import CompileError


@contextlib.contextmanager
def captured_native_stderr():
    """What C++ code writes to fd 2 meanwhile (ExecuTorch's log names the failing kernel's cause)."""
    captured: list[str] = []
    with tempfile.TemporaryFile(mode="w+b") as sink:
        saved = os.dup(2)
        os.dup2(sink.fileno(), 2)
        try:
            yield captured
        finally:
            os.dup2(saved, 2)
            os.close(saved)
            sink.seek(0)
            captured.extend(sink.read().decode(errors="replace").splitlines())


def _logged_cause(lines: list[str]) -> str:
    """The kernel's own complaint: the first ExecuTorch log line before "KernelCall failed", unprefixed."""
    texts = [line.split("] ", 1)[-1].strip() for line in lines]
    failed = next((i for i, text in enumerate(texts) if text.startswith("KernelCall failed")), len(texts))
    causes = [text for text in texts[:failed] if text]
    ours = [text for text in causes if text.startswith("torchmcu::")]
    return (ours or causes or [""])[0]


def _where(node) -> str:
    """The model file's line of `node`; for a layer whose forward lives in torch (nn.Sequential), its module path."""
    from torchmcu.passes.lower_quantized_ops_pass import source_location

    location = source_location(node)
    stack = node.meta.get("nn_module_stack") or {}
    if ("site-packages" in location or location.startswith("<")) and stack:
        path, kind = list(stack.values())[-1]
        kind = getattr(kind, "__name__", str(kind)).split(".")[-1]
        return f"layer {path or 'model'!r} ({kind})"
    return location


def _op_base(name: str) -> str:
    return name.split(".")[0]


def _node_source(graph, op_name: str, occurrence: int) -> str | None:
    """The model line of the `occurrence`-th graph node calling `op_name` (program order = graph order)."""
    seen = 0
    for node in graph.graph.nodes:
        schema = getattr(getattr(node.target, "_schema", None), "name", None)
        if node.op == "call_function" and schema == _op_base(op_name):
            if seen == occurrence:
                return _where(node)
            seen += 1
    return None


def _float_node_source(graph, float_index: int) -> str:
    """The model line of the `float_index`-th op left in float (the program renames some: conv3d -> convolution)."""
    free = ("view", "getitem", "quantize_per_tensor", "dequantize_per_tensor")
    floats = [node for node in graph.graph.nodes if node.op == "call_function"
              and getattr(node.target, "namespace", None) not in ("torchmcu", None)
              and not any(word in str(node.target) for word in free)]
    return _where(floats[float_index]) if float_index < len(floats) else "<unknown source>"


def _describe_op(plan: dict[str, Any], graph, index: int) -> str:
    op = plan["ops"][index]["op"]
    occurrence = sum(1 for earlier in plan["ops"][:index] if _op_base(earlier["op"]) == _op_base(op))
    source = _node_source(graph, op, occurrence)
    if source is None:
        float_index = sum(1 for earlier in plan["ops"][:index] if not earlier["op"].startswith("torchmcu::"))
        source = _float_node_source(graph, float_index)
    return f"{op} (op #{index}, {source})"


def _missing_operators(plan: dict[str, Any]) -> list[int]:
    from executorch.extension.pybindings.portable_lib import _get_operator_names

    registered = set(_get_operator_names())
    return [i for i, op in enumerate(plan["ops"]) if op["op"] not in registered and not op["op"].startswith(
        "executorch_prim::")]


def _kernel_index(pte: bytes, instruction: int) -> int | None:
    """The position among kernel calls of the `instruction`-th instruction of forward (None: not a kernel call)."""
    from torchmcu.pte_reader import KernelCall, read_program

    forward = next(p for p in read_program(pte).execution_plan if p.name == "forward")
    instructions = [i.instr_args for chain in forward.chains for i in chain.instructions]
    if instruction >= len(instructions) or not isinstance(instructions[instruction], KernelCall):
        return None
    return sum(1 for args in instructions[:instruction] if isinstance(args, KernelCall))


def _program_inputs(plan: dict[str, Any], example_inputs: tuple) -> list:
    """The example inputs as the program takes them; zeros where the program's input differs (e.g. int8 fed)."""
    import numpy as np

    arrays = []
    for spec, x in zip(plan["program_inputs"], example_inputs):
        array = x.detach().contiguous().numpy()
        if list(array.shape) != spec["shape"] or str(array.dtype) != spec["dtype"]:
            array = np.zeros(spec["shape"], dtype=spec["dtype"] if spec["dtype"] != "bool" else np.bool_)
        arrays.append(array)
    return arrays


def check_program_runs(pte: bytes, example_inputs: tuple, graph) -> None:
    """Load `pte` in the host runner and run it once on `example_inputs`; raise CompileError if it cannot run."""
    from torchmcu.native import HostRunner, NativeBuildError, RunnerError, load_library
    from torchmcu.plan import read_plan

    try:
        load_library()
    except NativeBuildError as error:
        warnings.warn(f"the program was not test-run: the host kernels cannot be built here "
                      f"({str(error).splitlines()[0]})", stacklevel=3)
        return
    plan = read_plan(pte)
    missing = _missing_operators(plan)
    if missing:
        listing = "; ".join(_describe_op(plan, graph, i) for i in missing)
        raise CompileError(f"the runtime has no kernel for {listing}: replace the op in the model "
                           "(it is neither lowered to a torchmcu kernel nor a portable ExecuTorch op)")
    with captured_native_stderr() as logged:
        try:
            runner = HostRunner(pte)
            for i, array in enumerate(_program_inputs(plan, example_inputs)):
                runner.set_input(i, array)
            runner.run_profiled()
        except RunnerError as error:
            failure = error
        else:
            failure = None
    if failure is None:
        return
    if failure.code == -errno.EPROTO:  # a record this host build refuses: not the program's fault
        warnings.warn(f"the program was not test-run: {failure.message}", stacklevel=3)
        return
    index = _kernel_index(pte, failure.instruction) if failure.instruction is not None else None
    where = _describe_op(plan, graph, index) if index is not None and index < len(plan["ops"]) else "the program"
    cause = _logged_cause(logged) or failure.message
    raise CompileError(f"the compiled program cannot run: {where} fails on the example input: {cause}")
