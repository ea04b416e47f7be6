"""A program that keeps a float op gets exactly that op's ExecuTorch portable kernel in a Zephyr
firmware without ExecuTorch's portable library (torchmcu's default): torchmcu_add_model() selects it
from the program (python -m torchmcu.portable_ops) and builds it with ExecuTorch's codegen. A float op
that cannot be built that way stops the build, naming it."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.zephyr.zephyr_workspace import M55, run_in_qemu, west_build, workspace_missing

REPO = Path(__file__).resolve().parents[2]
MODEL = REPO / "tests" / "host" / "model_files" / "unsupported_op.py"  # int8 linear, then a float cumsum
APP = Path(__file__).resolve().parent / "float_op_app"  # builds MODEL as one_float_op
KEPT = "aten::cumsum.out"
# A portable kernel's entry point, as the compiler names it: torch::executor::native::<name>(...)
# is _ZN5torch8executor6native<length><name>E<parameters>.
PORTABLE_KERNEL = re.compile(r"^_ZN5torch8executor6native(\d+)")


@pytest.fixture(scope="module")
def program(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("float_op")
    compiled = subprocess.run([sys.executable, "-m", "torchmcu", "compile", str(MODEL), "--output-dir", str(out),
                               "--name", "one_float_op", "--quiet"], capture_output=True, text=True, timeout=900)
    assert compiled.returncode == 0, compiled.stderr
    return out / "one_float_op.pte"


def portable_ops(program: Path, executorch: Path) -> subprocess.CompletedProcess:
    """The step torchmcu_add_model() runs when CMake configures (cmake/torchmcu_float_ops.cmake)."""
    return subprocess.run([sys.executable, "-m", "torchmcu.portable_ops", str(program), "--name", "one_float_op",
                           "--executorch", str(executorch)], capture_output=True, text=True, timeout=300)


def fake_executorch(root: Path, functions_yaml: str) -> Path:
    """An ExecuTorch tree with just a portable functions.yaml and a cumsum kernel file."""
    kernels = root / "kernels" / "portable" / "cpu"
    kernels.mkdir(parents=True)
    (root / "kernels" / "portable" / "functions.yaml").write_text(functions_yaml)
    (kernels / "op_cumsum.cpp").write_text("Tensor& cumsum_out(KernelRuntimeContext& ctx, ...) {}\n")
    (kernels / "op_add.cpp").write_text("Tensor& add_out(KernelRuntimeContext& ctx, ...) {}\n")
    return root


CUMSUM_AND_ADD = """
- op: add.out
  kernels:
    - arg_meta: null
      kernel_name: torch::executor::add_out
- op: cumsum.out
  kernels:
    - arg_meta: null
      kernel_name: torch::executor::cumsum_out
"""


def test_the_kept_float_op_selects_its_kernel_file_only(program, tmp_path):
    result = portable_ops(program, fake_executorch(tmp_path, CUMSUM_AND_ADD))
    assert result.returncode == 0, result.stderr
    selected = json.loads(result.stdout)
    assert selected == {"ops": [KEPT], "sources": [str(tmp_path / "kernels" / "portable" / "cpu" / "op_cumsum.cpp")]}


def test_a_float_op_without_a_portable_kernel_stops_the_build_naming_it(program, tmp_path):
    result = portable_ops(program, fake_executorch(tmp_path, CUMSUM_AND_ADD.split("- op: cumsum.out")[0]))
    assert result.returncode != 0
    assert result.stderr.startswith("error: model 'one_float_op' keeps float ops that torchmcu does not lower: "
                                    f"{KEPT}. ExecuTorch has no portable kernel for {KEPT} "), result.stderr
    assert "Traceback" not in result.stderr


def test_without_executorch_sources_the_build_stops_naming_the_float_op(program, tmp_path):
    result = portable_ops(program, tmp_path)
    assert result.returncode != 0
    assert f"model 'one_float_op' keeps float ops that torchmcu does not lower: {KEPT}." in result.stderr
    assert "CONFIG_EXECUTORCH_BUILD_PORTABLE_OPS=n" in result.stderr


def test_a_file_that_is_not_a_program_is_refused_in_one_line(program, tmp_path):
    plan = program.with_name("one_float_op.plan.json")
    result = portable_ops(plan, tmp_path)
    assert result.returncode != 0
    assert result.stderr.startswith(f"error: {plan}: not an ExecuTorch program"), result.stderr
    assert "Traceback" not in result.stderr


def portable_kernels_linked(elf_path: Path) -> set[str]:
    """The ExecuTorch portable kernel functions (torch::executor::native::*) an image holds."""
    from elftools.elf.elffile import ELFFile

    names = set()
    with elf_path.open("rb") as stream:
        for symbol in ELFFile(stream).get_section_by_name(".symtab").iter_symbols():
            match = PORTABLE_KERNEL.match(symbol.name)
            if match and symbol["st_info"]["type"] == "STT_FUNC":
                end = match.end() + int(match.group(1))
                if symbol.name[end:end + 1] == "E":  # a function of native::, not of a namespace inside it
                    names.add(symbol.name[match.end():end])
    return names


@pytest.mark.skipif(workspace_missing() is not None, reason=workspace_missing() or "")
def test_a_program_with_one_float_op_runs_on_qemu_with_only_that_kernel():
    result, directory = west_build(M55, "float_op_app", source=APP)
    assert result.returncode == 0, (result.stdout + result.stderr)[-6000:]
    # ExecuTorch's codegen registered the one op, and the image holds its kernel and no other.
    selected = yaml.safe_load((directory / "torchmcu_float_ops" / "selected_operators.yaml").read_text())
    assert list(selected["operators"]) == [KEPT]
    assert portable_kernels_linked(directory / "zephyr" / "zephyr.elf") == {"cumsum_out"}
    # The device's output equals the host runner's, byte for byte (the app compares them itself).
    output = run_in_qemu(directory)
    assert re.search(r"one_float_op: output matches host \(\d+ bytes\)", output), output[-3000:]
    assert "MISMATCH" not in output and "failed" not in output, output[-3000:]
