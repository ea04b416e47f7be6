"""The program record: written by the compiler, read back, and enforced by the runner.

The runner's check runs before `forward` is loaded, so a probe executable
built from the runner with the build-info macros of a given firmware (DSP or
MVE CMSIS-NN build, portable build, a known CMSIS-NN sizing id) shows what
that firmware would accept (docs/record.md).
"""

from __future__ import annotations

import subprocess
import warnings
from pathlib import Path

import pytest

import torchmcu.record as record
from tests.runtime.conftest import MODEL_FILES
from torchmcu.compiler import compile as compile_model
from torchmcu.model_file import load_model_file
from torchmcu.native import REPO_ROOT, executorch_package_dir
from torchmcu.plan import read_plan
from torchmcu.target import parse_target

FIRMWARES = {
    "portable": {},
    "cmsis-dsp": {"TORCHMCU_BUILD_USES_CMSIS_NN": "1", "TORCHMCU_BUILD_ISA": "1"},
    "cmsis-mve": {"TORCHMCU_BUILD_USES_CMSIS_NN": "1", "TORCHMCU_BUILD_ISA": "2"},
    "cmsis-mve-pinned": {"TORCHMCU_BUILD_USES_CMSIS_NN": "1", "TORCHMCU_BUILD_ISA": "2",
                         "TORCHMCU_CMSIS_NN_SIZING_VERSION": "0x12345678u"},
}


@pytest.fixture(scope="module")
def probes(tmp_path_factory) -> dict[str, Path]:
    et = executorch_package_dir()
    out = tmp_path_factory.mktemp("probes")
    built = {}
    for name, defines in FIRMWARES.items():
        exe = out / f"probe-{name}"
        command = [
            "g++", "-std=c++17", "-O1", "-Wall", "-Werror", f"-I{REPO_ROOT / 'kernels' / 'include'}",
            f"-I{et / 'include'}", f"-I{et / 'include/executorch/runtime/core/portable_type/c10'}",
            "-DC10_USING_CUSTOM_GENERATED_MACROS", *[f"-D{k}={v}" for k, v in defines.items()],
            *map(str, sorted((REPO_ROOT / "kernels/runner").glob("*.cpp"))),
            str(REPO_ROOT / "kernels/host/record_probe.cpp"),
            f"-L{et / 'lib'}", "-lexecutorch", f"-Wl,-rpath,{et / 'lib'}", "-o", str(exe),
        ]
        result = subprocess.run(command, capture_output=True, text=True)
        assert result.returncode == 0, result.stderr
        built[name] = exe
    return built


def compile_tiny(target: str, tmp_path: Path, name: str) -> Path:
    model = load_model_file(MODEL_FILES / "tiny_cnn.py")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        program = compile_model(model.module, model.example_inputs, target=target, calibration=model.calibration)
    path = tmp_path / f"{name}.pte"
    path.write_bytes(program.pte)
    return path


def probe(probes, firmware: str, pte: Path) -> str:
    return subprocess.run([str(probes[firmware]), str(pte)], capture_output=True, text=True, timeout=60).stdout


def test_record_round_trips_through_the_pte(tmp_path):
    pte = compile_tiny("cortex-m33+nodsp", tmp_path, "m33")
    plan = read_plan(pte.read_bytes())
    from torchmcu.sizing import select_sizer

    sizer = select_sizer()
    expected = record.record_for(parse_target("cortex-m33+nodsp"), sizer.SIZING_SOURCE,
                                 sizer.sizing_version()).describe()
    assert plan["record"]["method_pool_bytes"] > 0  # measured by loading forward on the host
    expected["method_pool_bytes"] = plan["record"]["method_pool_bytes"]
    assert plan["record"] == expected
    assert plan["record"]["isa"] == "scalar" and plan["record"]["cpu"] == "cortex-m33"


def test_isa_mismatch_is_refused_with_the_fix(probes, tmp_path):
    mve = compile_tiny("cortex-m55", tmp_path, "mve")
    dsp = compile_tiny("cortex-m55+nomve", tmp_path, "dsp")
    refused = probe(probes, "cmsis-dsp", mve)
    assert refused.startswith("refused") and "planned for cortex-m55 (MVE" in refused
    assert "--target cortex-m55+nomve" in refused
    refused = probe(probes, "cmsis-mve", dsp)
    assert refused.startswith("refused") and "(DSP scratch sizes)" in refused and "MVE path" in refused
    assert probe(probes, "cmsis-mve", mve).startswith("accepted")
    assert probe(probes, "cmsis-dsp", dsp).startswith("accepted")
    # The portable backend runs a program planned for any core.
    assert probe(probes, "portable", mve).startswith("accepted")
    assert probe(probes, "portable", dsp).startswith("accepted")


@pytest.mark.parametrize(
    "version,outcome",
    [((0, 1, 0), "accepted"), ((0, 0, 9), "accepted"), ((0, 2, 0), "refused"), ((1, 1, 0), "refused")],
)
def test_version_rules(probes, tmp_path, monkeypatch, version, outcome):
    """Same major and minor <= the firmware's: accepted; newer minor or other major: refused."""
    major, minor, patch = version
    monkeypatch.setattr(record, "version_code", lambda *_: (major << 16) | (minor << 8) | patch)
    pte = compile_tiny("cortex-m55", tmp_path, "versioned")
    result = probe(probes, "cmsis-mve", pte)
    assert result.startswith(outcome), result
    if outcome == "refused":
        assert f"program from torchmcu {major}.{minor}.{patch}" in result and "recompile" in result


def test_operator_set_mismatch_is_refused(probes, tmp_path, monkeypatch):
    monkeypatch.setattr(record, "opset_hash", lambda: 0xDEADBEEF)
    pte = compile_tiny("cortex-m55", tmp_path, "other_ops")
    result = probe(probes, "portable", pte)
    assert result.startswith("refused") and "operator set 0xdeadbeef" in result


def test_sizing_source_rules(probes, tmp_path, monkeypatch):
    """Firmware that pins its CMSIS-NN refuses programs sized for another one."""
    from torchmcu.sizing import BuiltinSizer

    monkeypatch.delenv("CMSIS_NN_PATH", raising=False)  # planned with the built-in sizes
    builtin = compile_tiny("cortex-m55", tmp_path, "builtin")
    refused = probe(probes, "cmsis-mve-pinned", builtin)
    planned_with = f"0x{BuiltinSizer().sizing_version():08x}"
    assert refused.startswith("refused") and planned_with in refused and "0x12345678" in refused
    assert "CMSIS_NN_PATH" in refused

    monkeypatch.setattr(BuiltinSizer, "sizing_version", lambda self: 0x12345678)
    matching = compile_tiny("cortex-m55", tmp_path, "matching")
    assert probe(probes, "cmsis-mve-pinned", matching).startswith("accepted")
    # Firmware that does not pin a CMSIS-NN id accepts either.
    assert probe(probes, "cmsis-mve", builtin).startswith("accepted")


def test_program_without_record_is_refused(probes, tmp_path):
    import torch
    from executorch.exir import to_edge

    class Plus(torch.nn.Module):
        def forward(self, x):
            return x + 1

    pte = tmp_path / "foreign.pte"
    pte.write_bytes(to_edge(torch.export.export(Plus(), (torch.ones(2),))).to_executorch().buffer)
    result = probe(probes, "portable", pte)
    assert result.startswith("refused") and "not compiled by torchmcu" in result


def test_version_header_is_in_sync_with_the_op_library():
    """kernels/include/torchmcu/version.h is what the op library generates (the host/kernel ABI lock)."""
    header = (REPO_ROOT / "kernels/include/torchmcu/version.h").read_text()
    assert header == record.render_version_header(), "run `python -m torchmcu.record` and commit version.h"
