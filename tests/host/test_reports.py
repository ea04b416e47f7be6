"""Reports on real files: the arena plot, per-layer compare, and firmware size from an ELF."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

MODEL = Path(__file__).parent / "model_files" / "tiny_cnn.py"
ARM_GCC = shutil.which("arm-none-eabi-gcc")


def torchmcu(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "torchmcu", *args], capture_output=True, text=True, timeout=900)


@pytest.fixture(scope="module")
def program(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("program")
    assert torchmcu("compile", str(MODEL), "--output-dir", str(out), "--quiet").returncode == 0
    return out / "tiny_cnn.pte"


def png_text(path: Path) -> dict[str, str]:
    from PIL import Image

    with Image.open(path) as image:
        assert image.size[0] > 300 and image.size[1] > 200
        return dict(image.text)


def test_arena_plot_shows_the_plans_numbers(program, tmp_path):
    png = tmp_path / "arena.png"
    result = torchmcu("plan", str(program), "--plot", str(png))
    assert result.returncode == 0, result.stderr
    plan = json.loads(torchmcu("plan", str(program), "--json").stdout)
    description = png_text(png)["Description"]
    assert f"arena_bytes={plan['arena_bytes']}" in description
    assert f"peak_scratch_bytes={plan['peak_scratch_bytes']}" in description
    from torchmcu.plan import lower_bound_bytes
    from torchmcu.report.arena_plot import arena_blocks

    assert f"lower_bound_bytes={lower_bound_bytes(plan)}" in description
    blocks = arena_blocks(plan)
    assert any(b.scratch for b in blocks) and any(not b.scratch for b in blocks)
    assert max(b.offset + b.nbytes for b in blocks) <= plan["arena_bytes"]
    assert f"arena {plan['arena_bytes']} B" in result.stdout


def test_compare_agrees_with_run_compare(program, tmp_path):
    x = np.random.default_rng(3).standard_normal((1, 1, 12, 12)).astype(np.float32)
    np.save(tmp_path / "x.npy", x)
    np.savez(tmp_path / "samples.npz", x)
    run = torchmcu("run", str(program), "--input", str(tmp_path / "x.npy"), "--compare", str(MODEL))
    assert run.returncode == 0, run.stderr
    run_sqnr = float(re.search(r"SQNR vs float ([-0-9.]+) dB", run.stdout).group(1))
    reports = []
    for kernels in ([], ["--kernels"]):
        compare = torchmcu("compare", str(MODEL), "--calibration", str(tmp_path / "samples.npz"), "--json", *kernels)
        assert compare.returncode == 0, compare.stderr
        report = json.loads(compare.stdout)
        assert report["samples"] == 1 and report["kernels"] == bool(kernels)
        assert round(report["final_sqnr_db"][0], 2) == run_sqnr
        assert report["top1_agreement"] in (0.0, 1.0)
        reports.append(report)
    reference, kernels = reports
    # Layer by layer, the host kernels' int8 values are the reference's: same SQNR everywhere.
    assert [layer["max_lsb_vs_reference"] for layer in kernels["layers"]] == [0] * len(reference["layers"])
    assert [layer["sqnr_db"] for layer in kernels["layers"]] == [layer["sqnr_db"] for layer in reference["layers"]]


def test_compare_reports_every_quantized_layer(tmp_path):
    png = tmp_path / "layers.png"
    result = torchmcu("compare", str(MODEL), "--plot", str(png))
    assert result.returncode == 0, result.stderr
    rows = [line for line in result.stdout.splitlines() if re.match(r"\s+\d+\s+aten\.", line)]
    ops = [line.split()[1] for line in rows]
    assert ops.count("aten.conv2d.default") == 2 and "aten.linear.default" in ops
    assert all(float(line.split()[-1]) > 20 for line in rows)  # a healthy tiny CNN
    assert "top-1 agreement with float: " in result.stdout
    assert "final_sqnr_db=" in png_text(png)["Description"]


def test_compare_keeps_a_layer_value_an_in_place_activation_overwrites():
    # The float conv+BatchNorm value feeding `hardswish_` was the activation's output by the time it was
    # compared, and the conv row read -3.8 dB while the model was fine.
    result = torchmcu("compare", str(MODEL.parent / "inplace_activations.py"), "--quiet")
    assert result.returncode == 0, result.stderr
    rows = [line.split() for line in result.stdout.splitlines() if re.match(r"\s+\d+\s+aten\.", line)]
    assert [row[1] for row in rows].count("aten.conv2d.default") == 3
    assert all(float(row[-1]) > 30 for row in rows), result.stdout


def test_compare_refuses_a_malformed_samples_file(tmp_path):
    np.savez(tmp_path / "bad.npz", np.zeros((2, 1, 12, 12), np.float32), np.zeros((3, 4), np.float32))
    result = torchmcu("compare", str(MODEL), "--calibration", str(tmp_path / "bad.npz"))
    assert result.returncode == 1
    assert "needs 1 array(s) (one per model input)" in result.stderr and "Traceback" not in result.stderr


FIRMWARE_C = r"""
#include <stdint.h>
const uint8_t hello_model_pte[3000] __attribute__((aligned(16))) = {1, 2, 3};
uint8_t torchmcu_arena[4096] __attribute__((aligned(16)));
uint8_t torchmcu_method_pool[1536];
int32_t tmcu_scale_table[100] = {1};
int tmcu_conv2d_s8(int x) { return x * 3 + 1; }
int arm_convolve_s8(int x) { return x * 5 + tmcu_scale_table[x & 7]; }
int _ZN10executorch7runtime6Method7executeEv(int x) { return arm_convolve_s8(x) + hello_model_pte[x & 1023]; }
int main(void) { torchmcu_arena[0] = 1; torchmcu_method_pool[0] = 2;
  return tmcu_conv2d_s8(1) + _ZN10executorch7runtime6Method7executeEv(2); }
void _exit(int code) { for (;;) { (void)code; } }
"""


@pytest.fixture(scope="module")
def firmware(tmp_path_factory) -> Path:
    if ARM_GCC is None:
        pytest.skip("arm-none-eabi-gcc is not installed (scripts/setup.sh --test installs it)")
    work = tmp_path_factory.mktemp("firmware")
    (work / "firmware.c").write_text(FIRMWARE_C)
    elf = work / "firmware.elf"
    result = subprocess.run([ARM_GCC, "-mcpu=cortex-m4", "-mthumb", "-O1", "--specs=nosys.specs", "-o", str(elf),
                             str(work / "firmware.c")], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return elf


def test_size_reports_the_symbols_the_firmware_placed(firmware):
    result = torchmcu("size", str(firmware), "--json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    categories = report["categories"]
    assert categories["program (.pte)"] == {"flash": 3000, "ram": 0}
    assert categories["arena"] == {"flash": 0, "ram": 4096}
    assert categories["method allocator"] == {"flash": 0, "ram": 1536}
    assert categories["torchmcu kernels"]["ram"] == 400 and categories["torchmcu kernels"]["flash"] >= 400
    assert categories["CMSIS-NN"]["flash"] > 0 and categories["ExecuTorch runtime"]["flash"] > 0
    assert report["section_ram"] >= 4096 + 1536 + 400
    assert any("X" in s["flags"] for s in report["segments"]) and any("W" in s["flags"] for s in report["segments"])
    text = torchmcu("size", str(firmware)).stdout
    assert re.search(r"program \(\.pte\)\s+3,000\s+0", text)
    assert "memory regions (loadable segments):" in text


def test_size_refuses_non_elf_and_stripped_files(firmware, tmp_path):
    (tmp_path / "notes.txt").write_text("not firmware")
    result = torchmcu("size", str(tmp_path / "notes.txt"))
    assert result.returncode == 1 and "not an ELF file" in result.stderr and "Traceback" not in result.stderr
    stripped = tmp_path / "stripped.elf"
    subprocess.run(["arm-none-eabi-strip", "-o", str(stripped), str(firmware)], check=True)
    result = torchmcu("size", str(stripped))
    assert result.returncode == 1 and "stripped (no .symtab)" in result.stderr
    host_elf = Path(sys.executable).resolve()
    result = torchmcu("size", str(host_elf))
    assert result.returncode == 1 and "not an Arm ELF" in result.stderr
