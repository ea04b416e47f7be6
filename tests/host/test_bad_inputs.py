"""Bad input, every subcommand: one `error:` line naming the problem, the right exit code, no traceback.

Each row is (id, argv, exit code, fragment of the error line). `{w}` is a
workspace holding the files the rows point at: tiny model files with one
defect each, a compiled program and damaged copies of it, .npy/.npz inputs
and ELF files. Nearly every row fails before any torch compile, so the whole
table runs in-process in seconds; a few rows repeat through a subprocess to
check the process's exit code and stderr as a user sees them.
"""

from __future__ import annotations

import os
import shutil
import struct
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from torchmcu.cli import main
from torchmcu.integrity import TRAILER_BYTES, add_trailer

GOOD = """
import torch
from torch import nn

def model():
    torch.manual_seed(0)
    return nn.Sequential(nn.Linear(4, 3), nn.BatchNorm1d(3))

def example_inputs():
    return (torch.randn(1, 4),)

def calibration_data():
    return [(torch.randn(1, 4),) for _ in range(4)]
"""

# name -> (what to replace in GOOD or append to it)
MODEL_DEFECTS = {
    "syntax_error": ("append", "def broken(:\n"),
    "import_raises": ("append", "import no_such_module_for_torchmcu\n"),
    "exits_on_import": ("append", "import sys\nsys.exit(3)\n"),
    "no_model": ("replace", "def model():", "def not_model():"),
    "no_example_inputs": ("replace", "def example_inputs():", "def other_inputs():"),
    "model_not_callable": ("append", "model = 3\n"),
    "model_raises": ("append", "def model():\n    raise RuntimeError('weights missing')\n"),
    "model_returns_int": ("append", "def model():\n    return 42\n"),
    "model_returns_none": ("append", "def model():\n    return None\n"),
    "inputs_int": ("append", "def example_inputs():\n    return 42\n"),
    "inputs_none": ("append", "def example_inputs():\n    return None\n"),
    "inputs_empty": ("append", "def example_inputs():\n    return ()\n"),
    "inputs_str": ("append", "def example_inputs():\n    return ('x',)\n"),
    "inputs_float64": ("append", "def example_inputs():\n    return (torch.randn(1, 4, dtype=torch.float64),)\n"),
    "inputs_int64": ("append", "def example_inputs():\n    return (torch.ones(1, 4, dtype=torch.int64),)\n"),
    "inputs_scalar": ("append", "def example_inputs():\n    return (torch.tensor(1.0),)\n"),
    "inputs_zero_size": ("append", "def example_inputs():\n    return (torch.randn(1, 0),)\n"),
    "inputs_nan": ("append", "def example_inputs():\n    return (torch.full((1, 4), float('nan')),)\n"),
    "inputs_inf": ("append", "def example_inputs():\n    return (torch.full((1, 4), float('inf')),)\n"),
    "inputs_raise": ("append", "def example_inputs():\n    raise ValueError('no data')\n"),
    "calibration_none": ("append", "def calibration_data():\n    return None\n"),
    "calibration_int": ("append", "def calibration_data():\n    return 42\n"),
    "calibration_empty": ("append", "def calibration_data():\n    return []\n"),
    "calibration_tensor": ("append", "def calibration_data():\n    return torch.randn(4, 1, 4)\n"),
    "calibration_shape": ("append", "def calibration_data():\n"
                                    "    return [(torch.randn(1, 4),), (torch.randn(1, 4),), (torch.randn(1, 5),)]\n"),
    "calibration_dtype": ("append", "def calibration_data():\n    return [(torch.randn(1, 4, dtype=torch.float64),)]\n"),
    "calibration_count": ("append", "def calibration_data():\n    return [(torch.randn(1, 4), torch.randn(1, 4))]\n"),
    "calibration_nan": ("append", "def calibration_data():\n    samples = [(torch.randn(1, 4),) for _ in range(5)]\n"
                                  "    samples[3][0][0, 1] = float('nan')\n    return samples\n"),
    "calibration_inf": ("append", "def calibration_data():\n    return [(torch.full((1, 4), -float('inf')),)]\n"),
    "calibration_str_sample": ("append", "def calibration_data():\n    return ['sample']\n"),
    "calibration_none_tensor": ("append", "def calibration_data():\n    return [(None,)]\n"),
    "calibration_raises": ("append", "def calibration_data():\n    raise OSError('dataset not found')\n"),
    "weight_nan": ("append", "_model = model\ndef model():\n    m = _model()\n"
                             "    m[0].weight.data[0, 0] = float('nan')\n    return m\n"),
    "bias_inf": ("append", "_model = model\ndef model():\n    m = _model()\n"
                           "    m[0].bias.data[1] = float('inf')\n    return m\n"),
    "buffer_nan": ("append", "_model = model\ndef model():\n    m = _model()\n"
                             "    m[1].running_mean[0] = float('nan')\n    return m\n"),
    "weight_float64": ("append", "_model = model\ndef model():\n    return _model().double()\n"),
    "dynamic_shapes": ("append", "def dynamic_shapes():\n    return None\n"),
    "other_shape": ("replace", "torch.randn(1, 4)", "torch.randn(1, 5)"),
}

ROOT = os.geteuid() == 0 if hasattr(os, "geteuid") else False


def _model_source(defect) -> str:
    if defect[0] == "append":
        return GOOD + "\n" + defect[1]
    return GOOD.replace(defect[1], defect[2])


def _arm_elf_header(with_sections: bool) -> bytes:
    """An ELF32 little-endian Arm header; without sections it is 'stripped', with bogus ones 'truncated'."""
    ident = b"\x7fELF" + bytes([1, 1, 1]) + bytes(9)
    shoff, shnum = (4096, 5) if with_sections else (0, 0)
    return ident + struct.pack("<HHIIIIIHHHHHH", 2, 40, 1, 0, 0, shoff, 0, 52, 0, 0, 40, shnum, 0)


@pytest.fixture(scope="module")
def workspace(tmp_path_factory) -> Path:
    from tests.runtime.conftest import tiny_program

    w = tmp_path_factory.mktemp("bad_inputs")
    (w / "models").mkdir()
    (w / "models" / "good.py").write_text(GOOD)
    (w / "models" / "empty.py").write_text("")
    (w / "models" / "notes.txt").write_text(GOOD)
    for name, defect in MODEL_DEFECTS.items():
        (w / "models" / f"{name}.py").write_text(_model_source(defect))
    pte = tiny_program().pte
    (w / "good.pte").write_bytes(pte)
    (w / "empty.pte").write_bytes(b"")
    (w / "text.pte").write_text("not a program\n" * 10)
    (w / "half.pte").write_bytes(pte[: len(pte) // 2])
    (w / "header_only.pte").write_bytes(pte[:64])
    corrupted = bytearray(pte)
    corrupted[0:4] = b"\xff\xff\xff\x7f"  # the flatbuffer root offset points far outside the file
    (w / "corrupted.pte").write_bytes(bytes(corrupted))
    # The same damage with a matching CRC (a broken writer, not bit rot): the reader's bounds checks refuse it.
    (w / "resealed.pte").write_bytes(add_trailer(bytes(corrupted[:-TRAILER_BYTES])))
    flipped = bytearray(pte)
    flipped[len(pte) // 2] ^= 0x04
    (w / "flipped.pte").write_bytes(bytes(flipped))
    (w / "a_file").write_text("x")
    (w / "dir.pte").mkdir()
    (w / "taken").mkdir()
    for name in ("taken_pte.pte", "taken_plan.plan.json", "taken_h_pte.h"):
        (w / "taken" / name).mkdir()
    np.save(w / "x.npy", np.zeros((1, 1, 12, 12), np.float32))
    np.save(w / "wrong_shape.npy", np.zeros((1, 1, 5, 5), np.float32))
    np.save(w / "int64.npy", np.zeros((1, 1, 12, 12), np.int64))
    np.save(w / "objects.npy", np.array([{"a": 1}], dtype=object), allow_pickle=True)
    np.save(w / "strings.npy", np.array(["a", "b"]))
    np.savez(w / "x.npz", np.zeros((1, 1, 12, 12), np.float32))
    (w / "text.npy").write_text("hello")
    rng = np.random.default_rng(0)
    np.savez(w / "samples_two.npz", rng.standard_normal((3, 4)).astype(np.float32),
             rng.standard_normal((3, 4)).astype(np.float32))
    np.savez(w / "samples_shape.npz", rng.standard_normal((3, 5)).astype(np.float32))
    np.savez(w / "samples_int.npz", np.zeros((3, 4), np.int32))
    nan_samples = rng.standard_normal((4, 4)).astype(np.float32)
    nan_samples[2, 1] = np.nan
    np.savez(w / "samples_nan.npz", nan_samples)
    (w / "arm_stripped.elf").write_bytes(_arm_elf_header(with_sections=False))
    (w / "arm_truncated.elf").write_bytes(_arm_elf_header(with_sections=True))
    (w / "host.elf").write_bytes(Path(sys.executable).resolve().read_bytes()[:4096])
    (w / "empty.elf").write_bytes(b"")
    if not ROOT:
        (w / "readonly").mkdir()
        os.chmod(w / "readonly", 0o555)
    yield w
    if (w / "readonly").exists():
        os.chmod(w / "readonly", 0o755)


M = "{w}/models/"
C = ["compile", "--output-dir", "{w}/out"]
CASES = [
    # --- model files (compile) ---
    ("missing_model", ["compile", M + "missing.py"], 1, "missing.py: no such file"),
    ("model_is_directory", ["compile", "{w}/models"], 1, "is a directory"),
    ("model_not_python", ["compile", M + "notes.txt"], 1, "expected a Python model file"),
    ("empty_model_file", C + [M + "empty.py"], 1, "defines no model() function"),
    ("syntax_error", C + [M + "syntax_error.py"], 1, "importing the model file failed: SyntaxError"),
    ("import_raises", C + [M + "import_raises.py"], 1, "ModuleNotFoundError"),
    ("exits_on_import", C + [M + "exits_on_import.py"], 1, "SystemExit"),
    ("no_model", C + [M + "no_model.py"], 1, "defines no model() function"),
    ("no_example_inputs", C + [M + "no_example_inputs.py"], 1, "defines no example_inputs() function"),
    ("model_not_callable", C + [M + "model_not_callable.py"], 1, "defines no model() function"),
    ("model_raises", C + [M + "model_raises.py"], 1, "model() raised RuntimeError: weights missing"),
    ("model_returns_int", C + [M + "model_returns_int.py"], 1, "model() returned int, expected a torch.nn.Module"),
    ("model_returns_none", C + [M + "model_returns_none.py"], 1, "model() returned None"),
    ("inputs_int", C + [M + "inputs_int.py"], 1, "example_inputs() is a int"),
    ("inputs_none", C + [M + "inputs_none.py"], 1, "example_inputs() is a None"),
    ("inputs_empty", C + [M + "inputs_empty.py"], 1, "example_inputs() is empty; expected a non-empty tuple"),
    ("inputs_str", C + [M + "inputs_str.py"], 1, "example_inputs() input 0 is a str"),
    ("inputs_float64", C + [M + "inputs_float64.py"], 1, "input 0 has dtype torch.float64"),
    ("inputs_int64", C + [M + "inputs_int64.py"], 1, "input 0 has dtype torch.int64"),
    ("inputs_scalar", C + [M + "inputs_scalar.py"], 1, "input 0 has shape []"),
    ("inputs_zero_size", C + [M + "inputs_zero_size.py"], 1, "input 0 has shape [1, 0]"),
    ("inputs_nan", C + [M + "inputs_nan.py"], 1, "example_inputs() input 0 contains NaN"),
    ("inputs_inf", C + [M + "inputs_inf.py"], 1, "example_inputs() input 0 contains Inf"),
    ("inputs_raise", C + [M + "inputs_raise.py"], 1, "example_inputs() raised ValueError: no data"),
    ("calibration_none", C + [M + "calibration_none.py"], 1, "calibration_data() returned None"),
    ("calibration_int", C + [M + "calibration_int.py"], 1, "calibration_data() returned int"),
    ("calibration_empty", C + [M + "calibration_empty.py"], 1, "calibration_data() returned no samples"),
    ("calibration_tensor", C + [M + "calibration_tensor.py"], 1, "calibration_data() returned Tensor"),
    ("calibration_shape", C + [M + "calibration_shape.py"], 1, "calibration sample 2, input 0 has shape [1, 5]"),
    ("calibration_dtype", C + [M + "calibration_dtype.py"], 1, "calibration sample 0, input 0 has dtype torch.float64"),
    ("calibration_count", C + [M + "calibration_count.py"], 1, "calibration sample 0 has 2 tensor(s)"),
    ("calibration_nan", C + [M + "calibration_nan.py"], 1, "calibration sample 3, input 0 contains NaN"),
    ("calibration_inf", C + [M + "calibration_inf.py"], 1, "calibration sample 0, input 0 contains Inf"),
    ("calibration_str_sample", C + [M + "calibration_str_sample.py"], 1, "calibration sample 0 is a str"),
    ("calibration_none_tensor", C + [M + "calibration_none_tensor.py"], 1, "input 0 is a None"),
    ("calibration_raises", C + [M + "calibration_raises.py"], 1, "calibration_data() raised OSError"),
    ("weight_nan", C + [M + "weight_nan.py"], 1, "parameter '0.weight' contains NaN"),
    ("bias_inf", C + [M + "bias_inf.py"], 1, "parameter '0.bias' contains Inf"),
    ("buffer_nan", C + [M + "buffer_nan.py"], 1, "'1.running_mean' contains NaN"),
    ("weight_float64", C + [M + "weight_float64.py"], 1, "torch.float64"),
    ("dynamic_shapes", C + [M + "dynamic_shapes.py"], 1, "shapes must be static"),
    # --- targets ---
    ("target_unknown_cpu", C + [M + "good.py", "--target", "cortex-m99"], 1, "unknown CPU 'cortex-m99'"),
    ("target_not_cortex", C + [M + "good.py", "--target", "riscv"], 1, "valid CPUs: cortex-m0"),
    ("target_empty", C + [M + "good.py", "--target", ""], 1, "empty target"),
    ("target_no_mve", C + [M + "good.py", "--target", "cortex-m0+mve"], 1, "cortex-m0 has no MVE"),
    ("target_nomve_meaningless", C + [M + "good.py", "--target", "cortex-m4+nomve"], 1, "+nomve is meaningless"),
    ("target_nodsp_impossible", C + [M + "good.py", "--target", "cortex-m4+nodsp"], 1, "+nodsp is impossible"),
    ("target_unknown_suffix", C + [M + "good.py", "--target", "cortex-m55+fp16"], 1, "unknown target suffix +fp16"),
    # --- output paths and arguments (compile) ---
    ("output_dir_is_file", ["compile", M + "good.py", "--output-dir", "{w}/a_file"], 1, "exists and is not a directory"),
    ("output_dir_under_file", ["compile", M + "good.py", "--output-dir", "{w}/a_file/sub"], 1, "is not a directory"),
    ("name_escapes", C + [M + "good.py", "--name", "../escaped"], 1, "--name '../escaped': must be a plain file name"),
    ("name_has_slash", C + [M + "good.py", "--name", "a/b"], 1, "must be a plain file name"),
    ("name_empty", C + [M + "good.py", "--name", ""], 1, "--name '': must be a plain file name"),
    ("name_hidden", C + [M + "good.py", "--name", ".hidden"], 1, "must be a plain file name"),
    ("pte_is_directory", ["compile", M + "good.py", "--output-dir", "{w}/taken", "--name", "taken_pte"], 1,
     "taken_pte.pte: is a directory"),
    ("plan_json_is_directory", ["compile", M + "good.py", "--output-dir", "{w}/taken", "--name", "taken_plan"], 1,
     "taken_plan.plan.json: is a directory"),
    ("header_is_directory", ["compile", M + "good.py", "--output-dir", "{w}/taken", "--name", "taken_h", "--header"],
     1, "taken_h_pte.h: is a directory"),
    ("flash_budget_text", C + [M + "good.py", "--flash-budget", "lots"], 1, "'lots' is not a byte count"),
    ("flash_budget_negative", C + [M + "good.py", "--flash-budget=-5"], 1, "a budget must be positive"),
    ("ram_budget_zero", C + [M + "good.py", "--ram-budget", "0"], 1, "a budget must be positive"),
    ("compile_unknown_option", C + [M + "good.py", "--frobnicate"], 1, "unrecognized arguments: --frobnicate"),
    ("compile_no_model", ["compile"], 1, "the following arguments are required: model"),
    ("no_command", [], 1, "the following arguments are required: command"),
    ("unknown_command", ["frobnicate"], 1, "invalid choice: 'frobnicate'"),
    # --- programs (plan, header) ---
    ("plan_missing", ["plan", "{w}/missing.pte"], 1, "missing.pte: no such file"),
    ("plan_directory", ["plan", "{w}/dir.pte"], 1, "dir.pte: is a directory"),
    ("plan_empty", ["plan", "{w}/empty.pte"], 1, "empty.pte: empty file"),
    ("plan_text", ["plan", "{w}/text.pte"], 1, "text.pte: not an ExecuTorch program"),
    ("plan_truncated", ["plan", "{w}/half.pte"], 1, "half.pte: truncated or corrupted"),
    ("plan_header_only", ["plan", "{w}/header_only.pte"], 1, "header_only.pte: truncated or corrupted"),
    ("plan_corrupted", ["plan", "{w}/corrupted.pte"], 1, "corrupted.pte: program corrupted"),
    ("plan_resealed_corrupt", ["plan", "{w}/resealed.pte"], 1, "resealed.pte: truncated or corrupted"),
    ("plan_bit_flip", ["plan", "{w}/flipped.pte"], 1, "flipped.pte: program corrupted: its CRC-32"),
    ("header_bit_flip", ["header", "{w}/flipped.pte", "--output", "{w}/h.h"], 1, "program corrupted"),
    ("run_bit_flip", ["run", "{w}/flipped.pte", "--random"], 1, "program corrupted"),
    ("plan_model_file", ["plan", M + "good.py"], 1, "not an ExecuTorch program"),
    ("plan_output_is_directory", ["plan", "{w}/good.pte", "--output", "{w}/taken"], 1, "--output {w}/taken: is a directory"),
    ("plan_output_under_file", ["plan", "{w}/good.pte", "--output", "{w}/a_file/plan.json"], 1, "is not a directory"),
    ("plan_plot_under_file", ["plan", "{w}/good.pte", "--plot", "{w}/a_file/arena.png"], 1, "is not a directory"),
    ("header_missing_program", ["header", "{w}/missing.pte", "--output", "{w}/h.h"], 1, "no such file"),
    ("header_no_output", ["header", "{w}/good.pte"], 1, "the following arguments are required: --output"),
    ("header_output_is_directory", ["header", "{w}/good.pte", "--output", "{w}/taken"], 1, "is a directory"),
    ("header_output_under_file", ["header", "{w}/good.pte", "--output", "{w}/a_file/x.h"], 1, "is not a directory"),
    ("header_not_a_program", ["header", "{w}/text.pte", "--output", "{w}/h.h"], 1, "not an ExecuTorch program"),
    ("header_truncated", ["header", "{w}/half.pte", "--output", "{w}/h.h"], 1, "truncated or corrupted"),
    ("header_empty_name", ["header", "{w}/good.pte", "--output", "{w}/h.h", "--name", " "], 1, "--name: empty"),
    # --- run: programs, .npy inputs, outputs ---
    ("run_missing_program", ["run", "{w}/missing.pte", "--random"], 1, "missing.pte: no such file"),
    ("run_truncated_program", ["run", "{w}/half.pte", "--random"], 1, "truncated or corrupted"),
    ("run_text_program", ["run", "{w}/text.pte", "--random"], 1, "not an ExecuTorch program"),
    ("run_no_input_source", ["run", "{w}/good.pte"], 1, "give exactly one input source"),
    ("run_two_input_sources", ["run", "{w}/good.pte", "--random", "--pattern"], 1, "got --random and --pattern"),
    ("run_input_missing", ["run", "{w}/good.pte", "--input", "{w}/missing.npy"], 1, "missing.npy: no such file"),
    ("run_input_directory", ["run", "{w}/good.pte", "--input", "{w}/taken"], 1, "is a directory"),
    ("run_input_text", ["run", "{w}/good.pte", "--input", "{w}/text.npy"], 1, "text.npy: cannot read as .npy"),
    ("run_input_npz", ["run", "{w}/good.pte", "--input", "{w}/x.npz"], 1, "is an .npz archive"),
    ("run_input_pickled", ["run", "{w}/good.pte", "--input", "{w}/objects.npy"], 1, "objects.npy: cannot read as .npy"),
    ("run_input_strings", ["run", "{w}/good.pte", "--input", "{w}/strings.npy"], 1, "expected numbers"),
    ("run_input_shape", ["run", "{w}/good.pte", "--input", "{w}/wrong_shape.npy"], 1,
     "input 0 has shape [1, 1, 5, 5], the program expects [1, 1, 12, 12]"),
    ("run_input_dtype", ["run", "{w}/good.pte", "--input", "{w}/int64.npy"], 1, "input 0 has dtype int64"),
    ("run_input_count", ["run", "{w}/good.pte", "--input", "{w}/x.npy", "--input", "{w}/x.npy"], 1,
     "the program takes 1 input(s), got 2"),
    ("run_output_is_directory", ["run", "{w}/good.pte", "--random", "--output", "{w}/taken"], 1, "is a directory"),
    ("run_output_under_file", ["run", "{w}/good.pte", "--random", "--output", "{w}/a_file/o.npz"], 1,
     "is not a directory"),
    ("run_compare_missing", ["run", "{w}/good.pte", "--random", "--compare", M + "missing.py"], 1, "no such file"),
    ("run_compare_not_python", ["run", "{w}/good.pte", "--random", "--compare", M + "notes.txt"], 1,
     "expected a Python model file"),
    ("run_backend_unknown", ["run", "{w}/good.pte", "--random", "--backend", "gpu"], 1, "invalid choice: 'gpu'"),
    ("run_seed_not_int", ["run", "{w}/good.pte", "--random", "--seed", "x"], 1, "invalid int value: 'x'"),
    # --- compare: model files and .npz samples ---
    ("compare_missing_model", ["compare", M + "missing.py"], 1, "no such file"),
    ("compare_bad_target", ["compare", M + "good.py", "--target", "cortex-m1"], 1, "unknown CPU"),
    ("compare_npz_missing", ["compare", M + "good.py", "--calibration", "{w}/missing.npz"], 1, "no such file"),
    ("compare_npz_directory", ["compare", M + "good.py", "--calibration", "{w}/taken"], 1, "is a directory"),
    ("compare_npz_text", ["compare", M + "good.py", "--calibration", "{w}/text.npy"], 1, "cannot read as .npz"),
    ("compare_npz_single_npy", ["compare", M + "good.py", "--calibration", "{w}/x.npy"], 1, "single .npy array"),
    ("compare_npz_count", ["compare", M + "good.py", "--calibration", "{w}/samples_two.npz"], 1,
     "needs 1 array(s) (one per model input)"),
    ("compare_npz_shape", ["compare", M + "good.py", "--calibration", "{w}/samples_shape.npz"], 1,
     "array 0 has samples of shape [5]"),
    ("compare_npz_dtype", ["compare", M + "good.py", "--calibration", "{w}/samples_int.npz"], 1,
     "array 0 has dtype int32"),
    ("compare_npz_nan", ["compare", M + "good.py", "--calibration", "{w}/samples_nan.npz"], 1,
     "array 0, sample 2 contains NaN"),
    ("compare_model_calibration_nan", ["compare", M + "calibration_nan.py"], 1, "calibration sample 3"),
    ("compare_plot_under_file", ["compare", M + "good.py", "--plot", "{w}/a_file/p.png"], 1, "is not a directory"),
    # --- size: ELF files ---
    ("size_missing", ["size", "{w}/missing.elf"], 1, "missing.elf: no such file"),
    ("size_directory", ["size", "{w}/taken"], 1, "is a directory"),
    ("size_text", ["size", "{w}/text.pte"], 1, "not an ELF file"),
    ("size_empty", ["size", "{w}/empty.elf"], 1, "empty.elf: "),
    ("size_host_elf", ["size", "{w}/host.elf"], 1, "not an Arm ELF"),
    ("size_stripped", ["size", "{w}/arm_stripped.elf"], 1, "stripped (no .symtab)"),
    ("size_truncated", ["size", "{w}/arm_truncated.elf"], 1, "truncated or corrupted ELF"),
    ("size_no_argument", ["size"], 1, "the following arguments are required: elf"),
    # --- refusals and mismatches that are not exit 1 ---
    ("run_compare_other_model", ["run", "{w}/good.pte", "--random", "--compare", M + "good.py"], 1,
     "does not match the program"),
]
if not ROOT:  # root writes into read-only directories
    CASES.append(("output_dir_read_only", ["compile", M + "good.py", "--output-dir", "{w}/readonly/out"], 1,
                  "is not writable"))


def test_the_table_is_large_and_covers_every_subcommand():
    assert len(CASES) >= 80
    assert {argv[0] for _, argv, _, _ in CASES if argv} == {"compile", "plan", "header", "run", "compare", "size",
                                                              "frobnicate"}
    assert len({case_id for case_id, *_ in CASES}) == len(CASES)


@pytest.mark.parametrize("case_id,argv,code,fragment", CASES, ids=[c[0] for c in CASES])
def test_bad_input(workspace, capsys, monkeypatch, case_id, argv, code, fragment):
    monkeypatch.chdir(workspace)
    argv = [a.format(w=workspace) for a in argv]
    returned = main(argv)
    captured = capsys.readouterr()
    lines = captured.err.strip().splitlines()
    assert returned == code, captured.err
    assert "Traceback" not in captured.err
    assert lines and lines[-1].startswith("error: "), captured.err
    assert fragment.format(w=workspace) in lines[-1], lines[-1]
    assert all(line.startswith("warning: ") for line in lines[:-1]), lines
    assert not (workspace / "out").exists() or not any((workspace / "out").iterdir())


def test_cmsis_nn_backend_without_checkout_is_one_line(workspace, capsys, monkeypatch):
    monkeypatch.delenv("CMSIS_NN_PATH", raising=False)
    assert main(["run", str(workspace / "good.pte"), "--random", "--backend", "cmsis_nn"]) == 1
    assert capsys.readouterr().err.strip() == "error: --backend cmsis_nn needs a CMSIS-NN checkout: set CMSIS_NN_PATH"


@pytest.mark.parametrize("argv", [["compile", "missing.py"], ["plan", "missing.pte"], ["size", "--json"],
                                  ["compile", "x.py", "--target"]])
def test_a_user_sees_one_line_and_exit_1(tmp_path, argv):
    result = subprocess.run([sys.executable, "-m", "torchmcu", *argv], capture_output=True, text=True, cwd=tmp_path,
                            timeout=120)
    assert result.returncode == 1
    assert len(result.stderr.strip().splitlines()) == 1 and result.stderr.startswith("error: "), result.stderr

