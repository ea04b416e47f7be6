"""Every constant a .pte stores is read by a kernel call, and the plan counts exactly those bytes.

The programs are parsed back with ExecuTorch's own flatbuffer schema: the
check trusts neither the compiler nor torchmcu.plan.
"""

from __future__ import annotations

import functools
import warnings
from pathlib import Path

import pytest
import torch
from executorch.exir._serialize._program import _ExtendedHeader, deserialize_pte_binary, serialize_pte_binary
from executorch.exir._serialize.generated.executorch_flatbuffer.Tensor import TensorT
from executorch.exir.schema import Int, IntList, KernelCall, Tensor, TensorList
from torch import nn

from tests.host.conftest import compiled_model
from tests.models import ALL_MODELS
from torchmcu.compact_program import SEGMENT_ALIGNMENT
from torchmcu.compiler import compile as compile_model
from torchmcu.model_file import load_model_file
from torchmcu.passes import RemoveUnusedConstantsPass
from torchmcu.plan import CONSTANT_KINDS, read_plan
from torchmcu.share_tables import shared_tensor_tables

SAMPLES = sorted((Path(__file__).resolve().parents[2] / "samples").glob("*/model.py"))

# Upstream ExecuTorch 1.5.1's own Cortex-M pipeline on cortex-m55, every reference model it lowers
# fully (benchmarks/upstream_pte.py; docs/memory.md). Recorded, not recompiled: its compile is slow.
# The bytes follow from the graph upstream builds and the tensors' shapes (every flatbuffer field and
# constant has a size fixed by its shape and type), not from calibration values or the CPU.
UPSTREAM_PTE_BYTES_M55 = {
    "small_cnn": 13_000, "ds_cnn": 53_600, "resnet8": 100_744, "mobilenet_v1": 313_432,
    "mobilenet_v2": 644_808, "mobilenet_v3_small": 612_945, "deep_autoencoder": 285_376, "conv_decoder": 40_052,
}
# On cortex-m4 (and m33, the same program on both sides) upstream's programs are smaller than on m55
# (no MVE kernel sums); deep_autoencoder's is the closest to torchmcu's of every model.
UPSTREAM_PTE_BYTES_M4 = {"deep_autoencoder": 278_048}


@functools.lru_cache(maxsize=None)
def sample_program(path: Path):
    model = load_model_file(path)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return compile_model(model.module, model.example_inputs, calibration=model.calibration)


def stored_and_read_buffers(pte: bytes) -> tuple[set[int], set[int]]:
    """(constant buffer indices the program stores, those some kernel call's arguments name)."""
    program = deserialize_pte_binary(pte).program
    stored = set(range(1, len(program.constant_buffer)))  # buffer 0 is ExecuTorch's empty placeholder
    read: set[int] = set()
    for method in program.execution_plan:
        for chain in method.chains:
            for instruction in chain.instructions:
                if not isinstance(instruction.instr_args, KernelCall):
                    continue
                for index in instruction.instr_args.args:
                    value = method.values[index].val
                    items = [method.values[i].val for i in value.items] if isinstance(value, TensorList) else [value]
                    read |= {t.data_buffer_idx for t in items if isinstance(t, Tensor) and t.data_buffer_idx > 0}
    return stored, read


def assert_every_constant_read(pte: bytes, what: str) -> None:
    stored, read = stored_and_read_buffers(pte)
    assert stored, f"{what}: no constants at all (the parse is broken)"
    assert stored <= read, f"{what}: constant buffers no kernel call reads: {sorted(stored - read)}"
    plan = read_plan(pte)
    assert plan["unread_constant_bytes"] == 0
    assert sum(plan["constant_bytes_by_kind"].values()) == plan["constant_bytes"]


# All reference models at the default target: the session's other model tests compile the same programs.
# The size against upstream is checked here too, so no test compiles a model only for that.
@pytest.mark.parametrize("name", ALL_MODELS)
def test_reference_model_stores_only_constants_kernels_read(name):
    pte = compiled_model(name)[0].pte
    assert_every_constant_read(pte, name)
    if name in UPSTREAM_PTE_BYTES_M55:
        assert len(pte) < UPSTREAM_PTE_BYTES_M55[name], (name, len(pte))


@pytest.mark.parametrize("name", sorted(UPSTREAM_PTE_BYTES_M4))
def test_reference_model_is_smaller_than_upstream_on_cortex_m4(name):
    pte = compiled_model(name, "cortex-m4")[0].pte
    assert_every_constant_read(pte, name)
    assert len(pte) < UPSTREAM_PTE_BYTES_M4[name], (name, len(pte))


@pytest.mark.parametrize("path", SAMPLES, ids=[p.parent.name for p in SAMPLES])
def test_sample_stores_only_constants_kernels_read(path):
    assert_every_constant_read(sample_program(path).pte, path.parent.name)


def test_constant_bytes_by_kind_count_what_each_kernel_reads():
    """A conv, a linear and a sigmoid: weights, bias, requantization and the LUT each land in their kind.

    The linear's rows share one range (nn.Linear's uniform init), so it is
    quantized per tensor: one multiplier and shift. On MVE its bias is folded
    into the kernel sums CMSIS-NN reads instead.
    """
    model = nn.Sequential(nn.Conv2d(3, 8, 3), nn.ReLU(), nn.Flatten(), nn.Linear(8 * 4 * 4, 5), nn.Sigmoid()).eval()
    generator = torch.Generator().manual_seed(0)
    calibration = [(torch.randn(1, 3, 6, 6, generator=generator),) for _ in range(4)]
    for target, linear_bias, kernel_sums in (("cortex-m4", 5, 0), ("cortex-m55", 0, 5 * 4)):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            plan = compile_model(model, calibration[0], target=target, calibration=calibration).plan
        assert set(plan["constant_bytes_by_kind"]) == set(CONSTANT_KINDS)
        assert plan["constant_bytes_by_kind"] == {
            "int8_weights": 8 * 3 * 3 * 3 + 5 * 128,
            "int32_bias": 4 * (8 + linear_bias),
            "requantization": 2 * 4 * (8 + 1),  # a Q31 multiplier and a shift per conv channel, one for the linear
            "luts": 256,
            "other": kernel_sums,  # MVE's fully-connected kernel sums, precomputed on the host
        }, target
        assert plan["int8_weight_bytes"] == plan["constant_bytes_by_kind"]["int8_weights"]


def test_linear_keeps_per_channel_scales_only_where_they_gain_a_decibel():
    """Rows of one range: one multiplier and shift. Rows of ranges 1x..8x: one multiplier per output
    feature (Q15, int16) and the one shift they share (1x..8x costs no channel more than 8 bits)."""
    model = nn.Sequential(nn.Linear(16, 6), nn.ReLU(), nn.Linear(6, 4)).eval()
    with torch.no_grad():
        model[0].weight.copy_(torch.full((6, 16), 0.1) * torch.tensor([1.0, 2, 4, 8, 1, 1]).view(-1, 1))
        model[2].weight.copy_(torch.full((4, 6), 0.2) * torch.tensor([1.0, -1.0]).repeat(12).view(4, 6))
    generator = torch.Generator().manual_seed(0)
    calibration = [(torch.randn(1, 16, generator=generator),) for _ in range(4)]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        plan = compile_model(model, calibration[0], target="cortex-m4", calibration=calibration).plan
    linears = [op for op in plan["ops"] if op["op"].startswith("torchmcu::linear")]
    shapes = [{c["argument"]: (c["dtype"], c["shape"]) for c in op["constants"]} for op in linears]
    assert [(s["multiplier"], s["shift"]) for s in shapes] == [(("int16", [6]), ("int32", [1])),
                                                               (("int32", [1]), ("int32", [1]))]


def test_pass_drops_unread_constants_and_keeps_read_ones():
    graph_module = torch.fx.symbolic_trace(nn.Linear(4, 2))
    graph_module.register_buffer("orphan", torch.ones(3))
    graph_module.register_buffer("dangling", torch.ones(5))
    with graph_module.graph.inserting_before(next(iter(graph_module.graph.nodes))):
        graph_module.graph.get_attr("dangling")  # a get_attr with no user, as lowering leaves them
    RemoveUnusedConstantsPass()(graph_module)
    names = {name for name, _ in graph_module.named_parameters()} | {name for name, _ in graph_module.named_buffers()}
    assert names == {"weight", "bias"}
    assert [n.target for n in graph_module.graph.nodes if n.op == "get_attr"] == ["weight", "bias"]


def test_each_distinct_scalar_argument_is_stored_once():
    """Kernels only read scalar arguments: equal ones share one value (torchmcu.share_values)."""
    program = deserialize_pte_binary(sample_program(SAMPLES[0]).pte).program
    forward = next(plan for plan in program.execution_plan if plan.name == "forward")
    ints = [v.val.int_val for v in forward.values if isinstance(v.val, Int)]
    lists = [tuple(v.val.items) for v in forward.values if isinstance(v.val, IntList)]
    assert ints and len(ints) == len(set(ints))
    assert lists and len(lists) == len(set(lists))


def test_the_program_holds_no_pytree_specs_and_no_segment_padding():
    """No pytree specs (the runtime never reads them) and no padding before the constant segment
    beyond its 16-byte alignment (torchmcu.compact_program)."""
    pte = sample_program(SAMPLES[0]).pte
    program = deserialize_pte_binary(pte).program
    assert [(plan.container_meta_type.encoded_inp_str, plan.container_meta_type.encoded_out_str)
            for plan in program.execution_plan] == [("", "")] * len(program.execution_plan)
    header = _ExtendedHeader.from_bytes(pte[8:])
    assert header.segment_base_offset % SEGMENT_ALIGNMENT == 0
    assert header.segment_base_offset - header.program_size < SEGMENT_ALIGNMENT


def test_equal_tensor_descriptions_are_stored_once():
    """Sharing tensor tables and shape vectors (torchmcu.share_tables) stores the same Program in fewer bytes,
    and leaves ExecuTorch's serializer as it was."""
    pte_file = deserialize_pte_binary(sample_program(SAMPLES[0]).pte)
    pack = TensorT.Pack
    separate = bytes(serialize_pte_binary(pte_file, segment_alignment=SEGMENT_ALIGNMENT))
    with shared_tensor_tables():
        shared = bytes(serialize_pte_binary(pte_file, segment_alignment=SEGMENT_ALIGNMENT))
    assert TensorT.Pack is pack
    assert deserialize_pte_binary(shared).program == deserialize_pte_binary(separate).program == pte_file.program
    assert len(shared) < len(separate)
