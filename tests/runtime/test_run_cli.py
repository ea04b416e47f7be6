"""`torchmcu run`: host execution with checksums, --compare against the reference."""

from __future__ import annotations

import subprocess
import sys

import numpy as np

from tests.runtime.conftest import MODEL_FILES, tiny_program
from torchmcu.run import run_program


def torchmcu(*args):
    return subprocess.run([sys.executable, "-m", "torchmcu", *args], capture_output=True, text=True, timeout=600)


def test_run_compare_is_bit_exact(tmp_path):
    model = MODEL_FILES / "tiny_cnn.py"
    assert torchmcu("compile", str(model), "--output-dir", str(tmp_path), "--quiet").returncode == 0
    x = np.random.default_rng(3).standard_normal((1, 1, 12, 12)).astype(np.float32)
    np.save(tmp_path / "x.npy", x)
    result = torchmcu("run", str(tmp_path / "tiny_cnn.pte"), "--input", str(tmp_path / "x.npy"), "--compare",
                      str(model), "--output", str(tmp_path / "out.npz"))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "bit-exact" in result.stdout and "0 LSB" in result.stdout and "SQNR vs float" in result.stdout
    outputs = np.load(tmp_path / "out.npz")
    program = tiny_program()
    (expected,) = program.run_reference(__import__("torch").from_numpy(x))
    np.testing.assert_array_equal(outputs["arr_0"], expected.numpy())
    checksum = run_program(program.pte, [x])[1]["checksums"][0]
    assert f"checksum 0x{checksum:08x}" in result.stdout


def test_run_rejects_wrong_inputs(tmp_path):
    path = tmp_path / "tiny.pte"
    path.write_bytes(tiny_program().pte)
    np.save(tmp_path / "bad.npy", np.zeros((1, 1, 5, 5), np.float32))
    result = torchmcu("run", str(path), "--input", str(tmp_path / "bad.npy"))
    assert result.returncode == 1 and "input 0 has shape [1, 1, 5, 5], the program expects [1, 1, 12, 12]" in result.stderr
    np.save(tmp_path / "int.npy", np.zeros((1, 1, 12, 12), np.int64))
    result = torchmcu("run", str(path), "--input", str(tmp_path / "int.npy"))
    assert result.returncode == 1 and "dtype int64" in result.stderr and "Traceback" not in result.stderr
