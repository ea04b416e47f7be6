"""Selective kernels in a real Zephyr build: the firmware links only the kernels its programs call,
and a program that needs a kernel a fixed selection leaves out fails the build, naming the op."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.zephyr.zephyr_workspace import M55, REPO, build_root, west_build, workspace_missing

pytestmark = pytest.mark.skipif(workspace_missing() is not None, reason=workspace_missing() or "")
SELECTION_STEP = "torchmcu_kernel_selection"  # cmake/torchmcu_select_kernels.cmake


def linked_kernels(directory) -> set[str]:
    """The torchmcu ops whose kernels the linker kept, from `torchmcu size --components`."""
    result = subprocess.run([sys.executable, "-m", "torchmcu", "size", str(directory / "zephyr" / "zephyr.elf"),
                             "--components", "--json"], capture_output=True, text=True, timeout=600,
                            env={"PYTHONPATH": str(REPO / "host"), "PATH": "/usr/bin:/bin"})
    assert result.returncode == 0, result.stderr
    return {name.removeprefix("kernels: ") for name in json.loads(result.stdout)["components"]
            if name.startswith("kernels: ")}


def test_the_firmware_links_only_the_kernels_its_program_calls():
    result, directory = west_build(M55, "keyword_spotting")
    assert result.returncode == 0, (result.stdout + result.stderr)[-6000:]
    selection = json.loads((directory / "torchmcu" / "kernel_selection" / "selection.json").read_text())
    assert selection["programs"] == ["kws.pte"]
    linked = linked_kernels(directory)
    assert "transpose_conv2d" not in linked and "softmax" not in linked and "batch_matmul" not in linked
    assert {"conv2d", "depthwise_conv2d", "linear"} <= linked


def test_a_program_outside_a_fixed_selection_fails_the_build_naming_the_op(tmp_path):
    # hello_model's kernels only: keyword_spotting also needs depthwise_conv2d. Both builds stop after the
    # selection step (and the model steps it depends on): the rest of the firmware is not what is tested, and
    # hello_model's default build directory is the one test_zephyr_build.py goes on to build in full.
    result, directory = west_build(M55, "hello_model", target=SELECTION_STEP)
    assert result.returncode == 0, (result.stdout + result.stderr)[-6000:]
    fixed = tmp_path / "selection.json"
    fixed.write_bytes((directory / "torchmcu" / "kernel_selection" / "selection.json").read_bytes())
    assert "depthwise_conv2d" not in json.loads(fixed.read_text())["kernels"]
    result, _ = west_build(M55, "keyword_spotting", (f'CONFIG_TORCHMCU_KERNEL_SELECTION="{fixed}"',),
                           directory=build_root() / "selection-kws-fixed", target=SELECTION_STEP)
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert "error: kws.pte needs torchmcu::depthwise_conv2d.out" in output, output[-6000:]
