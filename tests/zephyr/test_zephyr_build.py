"""A real `west build` of every sample against the Zephyr 4.1 workspace in ../shared/zephyr, run in
QEMU on a Cortex-M55 (mps3/corstone300/an547, Helium) and a Cortex-M33 (mps2/an521/cpu0). Each
sample compares its output byte for byte with the host runner's output for the same program and
input (embedded at build time) and prints its verdict, the line sample.yaml's harness waits for."""

from __future__ import annotations

import json
import re

import pytest

from tests.zephyr.test_samples import PROGRAM, SAMPLES, verdict_regex
from tests.zephyr.zephyr_workspace import M33, M55, run_in_qemu, west_build, workspace_missing

pytestmark = pytest.mark.skipif(workspace_missing() is not None, reason=workspace_missing() or "")

# Each board/configuration is one build per sample, so options share builds where that stays
# honest: the M55 builds run the default configuration; the M33 builds also check every kernel's
# planned scratch against CMSIS-NN (runtime asserts) and run the program op by op with cycle
# counts (profiling). Neither changes an output byte, and the verdict still compares every one.
CHECKED = ("CONFIG_TORCHMCU_RUNTIME_ASSERTS=y", "CONFIG_TORCHMCU_PROFILE=y")
CONFIGS = {M55: (), M33: CHECKED}
PORTABLE = ("CONFIG_TORCHMCU_KERNELS_PORTABLE=y",)


def built(board: str, sample: str, configs: tuple[str, ...] = ()):
    result, directory = west_build(board, sample, configs)
    assert result.returncode == 0, (result.stdout + result.stderr)[-6000:]
    return directory


def assert_matches_host(sample: str, output: str) -> None:
    assert re.search(verdict_regex(sample), output), output[-3000:]
    assert "MISMATCH" not in output and "failed" not in output, output[-3000:]


@pytest.mark.parametrize("board", [M55, M33])
@pytest.mark.parametrize("sample", SAMPLES)
def test_sample_output_on_qemu_equals_the_host_runner(board, sample):
    directory = built(board, sample, CONFIGS[board])
    output = run_in_qemu(directory)
    assert_matches_host(sample, output)
    if CONFIGS[board] == CHECKED:  # profiling: one cycle count per instruction, then the total
        name = PROGRAM[sample]
        plan = json.loads((directory / "torchmcu" / name / f"{name}.plan.json").read_text())
        counted = [int(i) for i in re.findall(r"^\s*op (\d+): \d+ cycles", output, re.M)]
        assert counted == list(range(len(counted))) and len(counted) >= len(plan["ops"]), output[-3000:]
        total = re.search(rf"{sample}: {len(counted)} ops, (\d+) cycles", output)
        assert total and int(total.group(1)) > 0, output[-3000:]  # a clock that never moved measures nothing


def test_firmware_links_neither_executorch_log_lines_nor_newlib_stdio():
    """docs/flash.md: ExecuTorch's logging is off by default and C asserts report through printk."""
    from elftools.elf.elffile import ELFFile

    with open(built(M55, "keyword_spotting") / "zephyr" / "zephyr.elf", "rb") as stream:
        symbols = {s.name for s in ELFFile(stream).get_section_by_name(".symtab").iter_symbols()}
    assert "__wrap___assert_func" in symbols  # the asserts are still checked
    assert not {"__assert_func", "_vfiprintf_r", "fiprintf", "__sfp"} & symbols  # newlib's stdio is not linked
    assert not [s for s in symbols if "8internal5vlogf" in s]  # ExecuTorch's log formatter is compiled out


def test_portable_kernels_give_the_same_bytes():
    # The verdict compares with the host runner's bytes, as the CMSIS-NN build of this sample does.
    output = run_in_qemu(built(M55, "hello_model", PORTABLE))
    assert_matches_host("hello_model", output)


def test_an_arena_smaller_than_the_plan_fails_the_build_with_both_numbers(tmp_path):
    memory = built(M55, "hello_model") / "torchmcu" / "hello_model" / "hello_model_memory.h"
    planned = int(re.search(r"Planned: arena (\d+) B", memory.read_text()).group(1))
    result, _ = west_build(M55, "hello_model", ("CONFIG_TORCHMCU_ARENA_SIZE=64",), directory=tmp_path / "small",
                           target="app_hello_model_torchmcu")  # configure, then just the model step
    assert result.returncode != 0
    log = " ".join((result.stdout + result.stderr).split())  # CMake wraps long messages
    assert f"CONFIG_TORCHMCU_ARENA_SIZE=64 is smaller than the {planned} bytes model 'hello_model' was planned for" \
        in log
