"""What compile writes: a program that runs, or nothing; header and plan from the program's own record."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

MODEL_FILES = Path(__file__).parent / "model_files"


def torchmcu(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "torchmcu", *args], capture_output=True, text=True, timeout=900)


@pytest.mark.parametrize("model_file,fragment", [
    ("sort_op.py", "no kernel for aten::sort.values (op #3, {path}:13)"),
    ("conv3d_op.py", "aten::convolution.out (op #0, layer '0' (Conv3d))"),
    ("rank5_add.py", "torchmcu::add.out (op #2, {path}:9) fails on the example input: torchmcu::add: rank above 4"),
])
def test_a_program_that_cannot_run_is_a_compile_error(tmp_path, model_file, fragment):
    path = MODEL_FILES / model_file
    result = torchmcu("compile", str(path), "--output-dir", str(tmp_path), "--quiet")
    assert result.returncode == 1, result.stderr
    lines = result.stderr.strip().splitlines()
    assert lines[-1].startswith("error: ") and fragment.format(path=path) in lines[-1], result.stderr
    assert all(line.startswith("warning: ") for line in lines[:-1]), result.stderr
    assert list(tmp_path.iterdir()) == []


@pytest.fixture(scope="module")
def m4_program(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("m4")
    result = torchmcu("compile", str(MODEL_FILES / "tiny_cnn.py"), "--target", "cortex-m4", "--output-dir", str(out),
                      "--quiet")
    assert result.returncode == 0, result.stderr
    return out / "tiny_cnn.pte"


def test_header_and_plan_ignore_a_stale_plan_json(m4_program, tmp_path):
    sidecar = m4_program.with_suffix(".plan.json")
    stale = json.loads(sidecar.read_text())
    stale.update(target="cortex-m55", isa="mve", method_allocator_bytes=1)
    sidecar.write_text(json.dumps(stale))
    assert torchmcu("header", str(m4_program), "--output", str(tmp_path / "m_pte.h"), "--name", "m").returncode == 0
    header = (tmp_path / "m_pte.h").read_text()
    assert '#define M_TARGET "cortex-m4"' in header and "Planned for cortex-m4 (dsp)" in header
    plan = json.loads(torchmcu("plan", str(m4_program), "--json").stdout)
    assert (plan["target"], plan["isa"]) == ("cortex-m4", "dsp")
    assert plan["method_allocator_bytes"] == plan["record"]["method_pool_bytes"] > 1
    assert "cortex-m55" not in torchmcu("plan", str(m4_program)).stdout


def test_budgets_refuse_with_exit_2_and_write_nothing(tmp_path):
    result = torchmcu("compile", str(MODEL_FILES / "tiny_cnn.py"), "--output-dir", str(tmp_path), "--quiet",
                      "--flash-budget", "1K")
    assert result.returncode == 2, result.stderr
    assert "above --flash-budget 1,024 B; largest constants: #" in result.stderr
    result = torchmcu("compile", str(MODEL_FILES / "tiny_cnn.py"), "--output-dir", str(tmp_path), "--quiet",
                      "--ram-budget", "64")
    assert result.returncode == 2 and "above --ram-budget 64 B; largest layers: #" in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_a_failed_save_leaves_no_stale_pair(tmp_path):
    from torchmcu.compiler import CompiledProgram

    (tmp_path / "m.pte").write_bytes(b"old program")
    (tmp_path / "m.plan.json").write_text("{}")
    unserializable = CompiledProgram(pte=b"new program", plan={"bad": object()}, target=None, reference=None)
    with pytest.raises(TypeError):
        unserializable.save(tmp_path, "m")
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def test_outputs_are_replaced_atomically(tmp_path):
    from torchmcu.outputs import write_atomic

    target = tmp_path / "x.bin"
    target.write_bytes(b"old")
    write_atomic(target, b"new")
    assert target.read_bytes() == b"new" and [p.name for p in tmp_path.iterdir()] == ["x.bin"]


def test_run_compare_recompiles_for_the_recorded_target(m4_program):
    result = torchmcu("run", str(m4_program), "--pattern", "--compare", str(MODEL_FILES / "tiny_cnn.py"))
    assert result.returncode == 0, result.stderr
    assert "bit-exact" in result.stdout and "did not reproduce" not in result.stderr


def test_large_programs_warn_naming_the_largest_layers():
    from torchmcu.budgets import check_budgets

    def op(index, name, constants, live):
        return {"index": index, "op": name, "constants": [{"bytes": constants}], "inputs": [{"bytes": live}],
                "outputs": [], "scratch_bytes": 0}

    plan = {"pte_bytes": 3 << 20, "arena_bytes": 2 << 20, "method_allocator_bytes": 4096,
            "ops": [op(0, "torchmcu::conv2d.out", 100, 2 << 20), op(1, "torchmcu::linear.out", 3 << 20, 10)]}
    program_warning, arena_warning = check_budgets(plan)
    assert "above 2 MiB" in program_warning and program_warning.index("#1 torchmcu::linear.out") < \
        program_warning.index("#0 torchmcu::conv2d.out")
    assert "above 1 MiB" in arena_warning and "#0 torchmcu::conv2d.out 2,097,152 B" in arena_warning
    assert check_budgets(plan, flash_budget=4 << 20, ram_budget=4 << 20) == []
