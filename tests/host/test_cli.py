"""The torchmcu CLI: outputs, summary, and one clear message per kind of bad input."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

MODEL_FILES = Path(__file__).parent / "model_files"


def torchmcu(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "torchmcu", *args], capture_output=True, text=True, cwd=cwd,
                          timeout=600)


def test_compile_writes_pte_plan_and_summary(tmp_path):
    result = torchmcu("compile", str(MODEL_FILES / "tiny_cnn.py"), "--target", "cortex-m4", "--output-dir",
                      str(tmp_path), "--header")
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "tiny_cnn.pte").stat().st_size > 0
    plan = json.loads((tmp_path / "tiny_cnn.plan.json").read_text())
    assert plan["target"] == "cortex-m4" and plan["isa"] == "dsp"
    assert plan["non_lowered_kernel_calls"] == 0
    assert f"arena {plan['arena_bytes']} B" in result.stdout
    assert f".pte {plan['pte_bytes']} B" in result.stdout
    header = (tmp_path / "tiny_cnn_pte.h").read_text()
    assert f"#define TINY_CNN_ARENA_SIZE {plan['arena_bytes']}u" in header
    assert "__attribute__((aligned(16)))" in header
    assert "Traceback" not in result.stderr


def test_plan_reads_back_an_existing_program(tmp_path):
    assert torchmcu("compile", str(MODEL_FILES / "tiny_cnn.py"), "--output-dir", str(tmp_path), "--quiet").returncode == 0
    result = torchmcu("plan", str(tmp_path / "tiny_cnn.pte"), "--json")
    assert result.returncode == 0, result.stderr
    plan = json.loads(result.stdout)
    recorded = json.loads((tmp_path / "tiny_cnn.plan.json").read_text())
    assert plan["arena_bytes"] == recorded["arena_bytes"]
    assert [op["op"] for op in plan["ops"]] == [op["op"] for op in recorded["ops"]]
    # Read back in a fresh process, every op sorts its tensors exactly as the compiler did.
    assert [(len(op["inputs"]), len(op["constants"]), len(op["outputs"]), op["scratch_bytes"]) for op in plan["ops"]] \
        == [(len(op["inputs"]), len(op["constants"]), len(op["outputs"]), op["scratch_bytes"]) for op in recorded["ops"]]
    assert plan["peak_scratch_bytes"] == recorded["peak_scratch_bytes"] > 0
    assert torchmcu("plan", str(tmp_path / "tiny_cnn.pte")).stdout.count("torchmcu::") == len(plan["ops"])


def test_missing_calibration_warns(tmp_path):
    source = MODEL_FILES.parents[2] / "samples" / "hello_model" / "model.py"  # what tiny_cnn.py re-exports
    no_calibration = tmp_path / "no_calibration.py"
    no_calibration.write_text(source.read_text().split("def calibration_data")[0])
    result = torchmcu("compile", str(no_calibration), "--output-dir", str(tmp_path))
    assert result.returncode == 0, result.stderr
    assert "no calibration_data()" in result.stderr and "random" in result.stderr


@pytest.mark.parametrize(
    "model_file,args,fragment",
    [
        ("no_model_function.py", [], "defines no model() function"),
        ("export_fails.py", [], "torch.export failed at "),
        ("float64_model.py", [], "float64"),
        ("dynamic.py", [], "shapes must be static"),
        ("tiny_cnn.py", ["--target", "cortex-m0+mve"], "cortex-m0 has no MVE"),
        ("does_not_exist.py", [], "no such file"),
    ],
)
def test_bad_input_is_one_clear_message(tmp_path, model_file, args, fragment):
    result = torchmcu("compile", str(MODEL_FILES / model_file), "--output-dir", str(tmp_path), *args)
    assert result.returncode == 1
    assert fragment in result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert lines[-1].startswith("error:") and all(line.startswith("warning:") for line in lines[:-1]), lines


def test_debug_shows_the_traceback(tmp_path):
    result = torchmcu("--debug", "compile", str(MODEL_FILES / "no_model_function.py"), "--output-dir", str(tmp_path))
    assert result.returncode != 0 and "Traceback" in result.stderr


def test_unlowered_ops_warn_with_source_line_and_strict_fails(tmp_path):
    result = torchmcu("compile", str(MODEL_FILES / "unsupported_op.py"), "--output-dir", str(tmp_path))
    assert result.returncode == 0, result.stderr
    assert "cumsum" in result.stderr and "unsupported_op.py:" in result.stderr
    strict = torchmcu("compile", str(MODEL_FILES / "unsupported_op.py"), "--output-dir", str(tmp_path), "--strict")
    assert strict.returncode == 2
    assert "cumsum" in strict.stderr and "could not be lowered" in strict.stderr
