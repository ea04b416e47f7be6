"""One sizing identity: a program planned with the built-in CMSIS-NN sizes runs on firmware
linking a CMSIS-NN that sizes alike, and a program sized by a CMSIS-NN that sizes differently
is refused (torchmcu.sizing_id, docs/record.md).

Uses ../shared/cmsis-nn (the commit the built-in formulas follow) and a copy of it whose
DSP average-pool sizer asks for 4 more bytes. A process registers one kernel build, so the
programs run in a child process (this file's __main__) on the host CMSIS-NN build.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SHARED_CHECKOUT = REPO.parent / "shared" / "cmsis-nn"
pytestmark = pytest.mark.skipif(not (SHARED_CHECKOUT / "Include" / "arm_nnfunctions.h").is_file(),
                                reason=f"{SHARED_CHECKOUT} (the shared CMSIS-NN checkout) is absent")

AVGPOOL_SIZERS = Path("Source/PoolingFunctions/arm_avgpool_get_buffer_sizes_s8.c")


def doctored_copy(tmp_path: Path) -> Path:
    """The shared checkout with one sizer changed: `arm_avgpool_s8_get_buffer_size_dsp` + 4 bytes."""
    copy = tmp_path / "cmsis-nn-doctored"
    shutil.copytree(SHARED_CHECKOUT / "Include", copy / "Include")
    shutil.copytree(SHARED_CHECKOUT / "Source", copy / "Source")
    sizers = copy / AVGPOOL_SIZERS
    text = sizers.read_text()
    assert text.count("return (ch_src * sizeof(int32_t));") == 1, "the DSP avgpool sizer changed upstream"
    sizers.write_text(text.replace("return (ch_src * sizeof(int32_t));", "return (ch_src * sizeof(int32_t)) + 4;"))
    return copy


def test_builtin_sizes_and_the_checkout_they_follow_share_one_id():
    from torchmcu.cmsis_nn_checkout import sizing_version
    from torchmcu.sizing import BuiltinSizer

    assert BuiltinSizer().sizing_version() == sizing_version(SHARED_CHECKOUT)


def test_the_cli_prints_the_checkout_id():
    from torchmcu.sizing import BuiltinSizer

    result = subprocess.run([sys.executable, "-m", "torchmcu.cmsis_nn_checkout", str(SHARED_CHECKOUT)],
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"0x{BuiltinSizer().sizing_version():08x}"


def test_firmware_accepts_equal_sizing_and_refuses_different_sizing(tmp_path):
    from torchmcu.cmsis_nn_checkout import sizing_version

    other = doctored_copy(tmp_path)
    assert sizing_version(other) != sizing_version(SHARED_CHECKOUT)
    env = {k: v for k, v in os.environ.items() if k != "CMSIS_NN_PATH"}  # the built-in program: no checkout
    result = subprocess.run([sys.executable, __file__, str(SHARED_CHECKOUT), str(other)], cwd=REPO, env=env,
                            capture_output=True, text=True, timeout=1800)
    assert result.returncode == 0, result.stderr[-3000:]
    outcomes = {row["planned_with"]: row for row in map(json.loads, result.stdout.splitlines()[-2:])}
    assert outcomes["builtin"]["outcome"] == "accepted" and outcomes["builtin"]["matches_reference"]
    refused = outcomes["other"]["outcome"]
    assert refused.startswith("refused: program scratch sized for CMSIS-NN "), refused
    assert f"0x{sizing_version(other):08x}" in refused and f"0x{sizing_version(SHARED_CHECKOUT):08x}" in refused


def _run(firmware_checkout: str, other_checkout: str) -> None:
    """Child: on the host CMSIS-NN build of `firmware_checkout`, run one program planned with the
    built-in sizes and one planned with `other_checkout`; print one JSON line per program."""
    import warnings

    import numpy as np
    import torch
    from torch import nn

    from torchmcu.compiler import compile as compile_model
    from torchmcu.native import BuildConfig, RunnerError, load_library
    from torchmcu.run import run_program

    warnings.simplefilter("ignore")
    load_library(BuildConfig(backend="cmsis_nn", cmsis_nn_path=firmware_checkout))
    torch.manual_seed(0)
    model = nn.Sequential(nn.Conv2d(3, 8, 3, padding=1), nn.ReLU(), nn.AvgPool2d(2), nn.Conv2d(8, 4, 1)).eval()
    x = torch.randn(1, 3, 8, 8)
    # x86 runs CMSIS-NN's scalar path: plan for a scalar CPU.
    for planned_with, checkout in (("builtin", None), ("other", other_checkout)):
        program = compile_model(model, (x,), target="cortex-m3", calibration=[(x,)], cmsis_nn_path=checkout)
        row = {"planned_with": planned_with, "matches_reference": False}
        try:
            (ours,), _ = run_program(program.pte, [x.numpy()])
        except RunnerError as error:
            row["outcome"] = f"refused: {error.message}"
        else:
            row["outcome"] = "accepted"
            row["matches_reference"] = bool(np.array_equal(ours, program.run_reference(x)[0].numpy()))
        print(json.dumps(row), flush=True)


if __name__ == "__main__":
    sys.path.insert(0, str(REPO))
    _run(*sys.argv[1:3])
