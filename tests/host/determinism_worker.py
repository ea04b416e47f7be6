"""Compile model files under one CPU configuration and hash what `torchmcu compile` writes.

As a script (the child process):

    ATEN_CPU_CAPABILITY=avx2 OMP_NUM_THREADS=2 python tests/host/determinism_worker.py OUT_DIR MODEL.py...

prints a first JSON line with the configuration torch saw, then one per model:
{"model", "pte", "plan"} (sha256 hex digests). One process compiles many models,
so torch is imported once per configuration. `run_configurations` drives the
children, two at a time; tests/host/test_deterministic_compile.py and
benchmarks/determinism.py use it.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
THREADS = (1, 2)


def cpu_flags() -> set[str]:
    try:
        text = Path("/proc/cpuinfo").read_text()
    except OSError:
        return set()
    for line in text.splitlines():
        if line.startswith(("flags", "Features")):
            return set(line.split(":", 1)[1].split())
    return set()


def capabilities() -> dict[str, str | None]:
    """ATen CPU capability -> None if this CPU has it, else why it cannot be tried here."""
    flags = cpu_flags()
    return {
        "default": None,
        "avx2": None if "avx2" in flags else "this CPU has no AVX2",
        "avx512": None if "avx512f" in flags else "this CPU has no AVX-512 (no avx512f in /proc/cpuinfo)",
    }


def sample_models() -> list[Path]:
    return sorted((REPO / "samples").glob("*/model.py"))


def reference_models() -> list[Path]:
    return sorted(p for p in (REPO / "tests" / "models").glob("*.py") if not p.name.startswith(("_", "test_")))


def _environment(capability: str, threads: int) -> dict[str, str]:
    env = dict(os.environ, ATEN_CPU_CAPABILITY=capability, OMP_NUM_THREADS=str(threads))
    env.pop("CMSIS_NN_PATH", None)  # built-in sizing: the same for every configuration
    host = str(REPO / "host")
    env["PYTHONPATH"] = os.pathsep.join([host, env["PYTHONPATH"]]) if env.get("PYTHONPATH") else host
    return env


def run_configurations(configurations: list[tuple[str, int]], models: list[Path], out_dir: Path,
                       parallel: int = 2) -> dict[tuple[str, int], dict]:
    """{(capability, threads): {"threads_seen": n, "hashes": {model: {"pte", "plan"}}}}, `parallel` at a time."""
    from torchmcu.native import NativeBuildError, build_library

    try:
        build_library()  # once, before the children measure method pools with it (no concurrent builds)
    except NativeBuildError:
        pass
    results, pending = {}, list(configurations)
    running: list[tuple[tuple[str, int], subprocess.Popen]] = []
    while pending or running:
        while pending and len(running) < parallel:
            capability, threads = config = pending.pop(0)
            directory = out_dir / f"{capability}-{threads}"
            directory.mkdir(parents=True, exist_ok=True)
            command = [sys.executable, __file__, str(directory), *map(str, models)]
            running.append((config, subprocess.Popen(command, cwd=REPO, env=_environment(capability, threads),
                                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)))
        config, process = running.pop(0)
        stdout, stderr = process.communicate(timeout=1800)
        if process.returncode != 0:
            raise RuntimeError(f"worker {config} exited with {process.returncode}:\n{stderr[-3000:]}")
        header, *rows = (json.loads(line) for line in stdout.splitlines() if line.startswith("{"))
        results[config] = {"threads_seen": header["threads"],
                           "hashes": {row["model"]: {"pte": row["pte"], "plan": row["plan"]} for row in rows}}
    return results


def compile_and_hash(out_dir: Path, model: Path) -> dict[str, str]:
    from torchmcu.cli import main

    name = f"{model.parent.name}_{model.stem}"
    code = main(["compile", str(model), "--output-dir", str(out_dir), "--name", name, "--quiet"])
    if code != 0:
        raise SystemExit(f"torchmcu compile {model} exited with {code}")
    digest = {kind: hashlib.sha256((out_dir / f"{name}{suffix}").read_bytes()).hexdigest()
              for kind, suffix in (("pte", ".pte"), ("plan", ".plan.json"))}
    model = model.resolve()
    return {"model": str(model.relative_to(REPO)) if REPO in model.parents else str(model), **digest}


def main(argv: list[str]) -> int:
    import torch

    print(json.dumps({"threads": torch.get_num_threads()}), flush=True)
    out_dir, models = Path(argv[0]), [Path(m) for m in argv[1:]]
    for model in models:
        print(json.dumps(compile_and_hash(out_dir, model)), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
