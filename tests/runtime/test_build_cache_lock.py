"""Concurrent first-time runs share one host build cache: one builds, the others wait, all succeed."""

from __future__ import annotations

import os
import subprocess
import sys

from tests.runtime.conftest import tiny_program


def test_three_first_runs_on_an_empty_cache_all_succeed(tmp_path):
    program = tmp_path / "tiny.pte"
    program.write_bytes(tiny_program().pte)
    env = dict(os.environ, TORCHMCU_CACHE=str(tmp_path / "empty_cache"))
    runs = [subprocess.Popen([sys.executable, "-m", "torchmcu", "run", str(program), "--pattern"], env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(3)]
    results = [(run.wait(timeout=1800), *run.communicate()) for run in runs]
    for code, stdout, stderr in results:
        assert code == 0, stderr
    checksums = {line.split("checksum ")[1] for _, stdout, _ in results for line in stdout.splitlines()
                 if "checksum" in line}
    assert len(checksums) == 1  # one library, one answer
    builds = list((tmp_path / "empty_cache" / "build").iterdir())
    assert len([b for b in builds if b.is_dir()]) == 1
