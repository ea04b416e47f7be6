"""benchmarks/mlperf_tiny: the model files are the MLPerf Tiny reference shapes, the firmware's
console output becomes instruction counts only when the clock proves exact, and a program's kernel
calls become harness cases (the overhead baseline) that the kernels pass against the reference."""

from __future__ import annotations

import importlib.util
import json
import subprocess

import numpy as np
import pytest
import torch

from benchmarks.mlperf_tiny import firmware, layers
from tests.host.conftest import compiled_model
from tests.target import harness

# (input shape, output shape) of the MLPerf Tiny reference models (mlcommons/tiny, closed division).
REFERENCE_SHAPES = {"kws": ((1, 1, 49, 10), (1, 12)), "vww": ((1, 3, 96, 96), (1, 2)),
                    "ic": ((1, 3, 32, 32), (1, 10)), "ad": ((1, 640), (1, 640))}


def load(model: str):
    spec = importlib.util.spec_from_file_location(model, firmware.HERE / f"{model}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("model", sorted(firmware.MODELS))
def test_model_files_have_the_reference_input_and_output_shapes(model):
    module = load(model)
    (example,) = module.example_inputs()
    expected_input, expected_output = REFERENCE_SHAPES[model]
    assert tuple(example.shape) == expected_input
    with torch.no_grad():
        assert tuple(module.model()(example).shape) == expected_output
    assert all(tuple(x.shape) == expected_input for (x,) in module.calibration_data())


def console(calibration_ticks: int, inference_ticks: int, verdict: str) -> str:
    return (f"*** Booting Zephyr OS build v4.1.0 ***\n"
            f"mlperf_tiny: calibration 2000000 instructions in {calibration_ticks} ticks\n"
            f"kws: inference {inference_ticks} ticks\n"
            f"kws: arena 20464 method pool 13678 (used 7370) stack 1824 bytes\n{verdict}\n")


def test_every_cell_builds_in_a_directory_of_its_own_at_one_depth():
    cells = [(m, b, k) for m in firmware.MODELS for b in firmware.BOARDS for k in firmware.BACKENDS]
    directories = {firmware.build_directory(*cell) for cell in cells}
    assert len(directories) == len(cells)  # a run of the table never switches a build's model
    assert len({len(d.parts) for d in directories}) == 1  # ccache's base directory shares their objects


def test_a_failed_build_is_named_by_its_first_error_line():
    output = "[41/42] Linking CXX executable zephyr/zephyr_pre0.elf\nld.bfd: region `FLASH' overflowed by 64 bytes\n" \
             "collect2: error: ld returned 1 exit status\n"
    error = firmware.build_error("vww for mps2/an386", subprocess.CompletedProcess([], 1, output, ""))
    assert str(error).splitlines()[0] == "west build of vww for mps2/an386 failed: ld.bfd: region `FLASH' overflowed by 64 bytes"


def test_ticks_become_instructions_at_the_machines_clock():
    per_tick = firmware.BOARDS["m33"].harness.instructions_per_tick  # 20 MHz SysTick: 50
    ticks = round(2_000_000 / per_tick)
    measured = firmware.parse("m33", "kws", console(ticks, 1000, "kws: output matches host (48 bytes)"))
    assert measured.instructions == round(1000 * per_tick)
    assert (measured.arena, measured.method_pool, measured.method_pool_used, measured.stack) == (20464, 13678, 7370,
                                                                                                 1824)
    assert measured.matches_host and firmware.clock_is_exact("m33", measured.calibration_instructions)


def test_a_clock_that_misreads_the_calibration_loop_is_refused():
    # The M33's ticks read as if the clock were the M55's: 2,000,000 instructions would not come out.
    ticks = round(2_000_000 / firmware.BOARDS["m55"].harness.instructions_per_tick)
    measured = firmware.parse("m33", "kws", console(ticks, 1000, "kws: output matches host (48 bytes)"))
    assert not firmware.clock_is_exact("m33", measured.calibration_instructions)
    with pytest.raises(RuntimeError, match="read as 3,200,000"):
        firmware.checked_clock("m33", console(ticks, 1000, "kws: output matches host (48 bytes)"))


def test_a_mismatch_verdict_is_reported_as_not_equal():
    measured = firmware.parse("m55", "kws", console(64001, 10, "kws: MISMATCH at byte 3: device 0x01 host 0x02"))
    assert not measured.matches_host


def test_missing_figures_fail_with_the_console_output():
    with pytest.raises(RuntimeError, match=r"did not print its figures \(last line: kws: run failed: out of memory\)"):
        firmware.parse("m55", "kws", "kws: run failed: out of memory\n")


def test_program_kernel_calls_become_harness_cases_the_kernels_pass():
    program, _ = compiled_model("ds_cnn")
    calls = layers.kernel_calls(program.pte)
    planned = [op["op"].removesuffix(".out") for op in program.plan["ops"]]
    assert [c.op for c in calls] == planned
    cases = layers.program_cases(program.pte, "mve")
    harness_names = {"quantize_per_tensor": "quantize", "dequantize_per_tensor": "dequantize",
                     "quantize_per_tensor_nhwc": "quantize_nhwc"}
    kernels = [op.removeprefix("torchmcu::") for op in planned if op not in layers.FREE_OPS]
    assert [c.op for c in cases] == [harness_names.get(op, op) for op in kernels]
    first_conv = next(c for c in calls if c.op == "torchmcu::conv2d")
    conv_case = next(c for c in cases if c.op == "conv2d")
    assert conv_case.params[-12:-8] == list(first_conv.arguments["input"])  # input dims, NHWC
    for case, result in zip(cases, harness.run_on_host(cases, "portable")):
        harness.assert_matches(case, result)


def test_asymmetric_padding_is_refused_with_the_values():
    call = layers.KernelCall("torchmcu::conv2d", {
        "input": (1, 8, 8, 4), "weight": (4, 3, 3, 4), "bias": None, "stride": [2, 2], "padding": [0, 0, 1, 1],
        "dilation": [1, 1], "groups": 1, "multiplier": (4,)})
    with pytest.raises(ValueError, match=r"asymmetric padding \[0, 0, 1, 1\]"):
        layers.as_case(call, "mve", np.random.default_rng(0))


def firmware_elf(tmp_path, flags: str):
    """A build directory whose compile_commands.json compiles with `flags`; its zephyr/zephyr.elf path."""
    command = f"/usr/bin/arm-none-eabi-gcc -O2 {flags} -mthumb -c main.c -o main.o"
    (tmp_path / "compile_commands.json").write_text(json.dumps([{"directory": ".", "command": command,
                                                                  "file": "main.c"}]))
    return tmp_path / "zephyr" / "zephyr.elf"


@pytest.mark.parametrize("board", sorted(firmware.BOARDS))
def test_the_baseline_is_built_with_the_firmwares_cpu_flags(tmp_path, board):
    # A firmware built exactly as the board's harness machine passes, flags in any order.
    elf = firmware_elf(tmp_path, " ".join(reversed(firmware.BOARDS[board].harness.cflags)))
    firmware.check_baseline_flags(board, elf)


def test_a_baseline_with_other_cpu_features_than_the_firmware_is_refused(tmp_path):
    # Zephyr builds mps2/an521/cpu0 without DSP and FPU; a DSP + FPU build of the same core is another code path.
    elf = firmware_elf(tmp_path, "-mcpu=cortex-m33 -mfloat-abi=hard -mfpu=fpv5-sp-d16")
    with pytest.raises(RuntimeError, match=r"firmware is built -mcpu=cortex-m33 -mfloat-abi=hard"):
        firmware.check_baseline_flags("m33", elf)


def test_no_float_abi_flag_is_the_toolchains_soft_float():
    assert firmware.cpu_flags(["-mcpu=cortex-m33+nodsp"]) == {"-mcpu=cortex-m33+nodsp", "-mfloat-abi=soft"}
