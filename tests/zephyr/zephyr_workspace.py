"""Builds and runs the samples with a real Zephyr workspace (../shared/zephyr, see its WORKSPACE.md).

One build directory per (board, extra configuration, sample) under TORCHMCU_ZEPHYR_BUILDS
(default ~/.cache/torchmcu-zephyr-builds), kept between runs so a rerun only rebuilds what
changed. ccache, when installed, shares objects between samples of one board.
"""

from __future__ import annotations

import fcntl
import functools
import hashlib
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from tests.target.harness import MACHINES, Machine

REPO = Path(__file__).resolve().parents[2]
SHARED_ZEPHYR = REPO.parent / "shared" / "zephyr"
M55 = "mps3/corstone300/an547"
M33 = "mps2/an521/cpu0"
M4 = "mps2/an386"
# A sample's last word: its verdict, a load/run failure, or a Zephyr fault.
FINAL_LINE = r"(output matches host \(\d+ bytes\)|MISMATCH.*|failed: .*|FATAL ERROR.*|>>> ZEPHYR FATAL.*)"


@dataclass(frozen=True)
class QemuBoard:
    """A Zephyr board whose image runs under QEMU, with the tests/target machine of the same CPU and clock."""

    name: str                 # west build -b
    cpu: str                  # for tables
    qemu: tuple[str, ...]     # qemu-system-arm machine arguments
    harness: Machine          # its SysTick clock turns ticks into instructions (docs/target.md)

    def qemu_command(self, elf: str | Path) -> list[str]:
        """The image under -icount shift=0: one instruction is one nanosecond of virtual time."""
        return ["qemu-system-arm", *self.qemu, "-nographic", "-vga", "none", "-icount", "shift=0", "-kernel", str(elf)]


# The one table of QEMU boards, by the short names the benchmarks take.
BOARDS = {
    "m55": QemuBoard(M55, "Cortex-M55 (Helium)", ("-machine", "mps3-an547", "-cpu", "cortex-m55"),
                     MACHINES["mps3-an547"]),
    # mps2/an521/cpu0 is the SSE-200's CPU0: a Cortex-M33 without the DSP extension or FPU in Zephyr 4.1's
    # SoC Kconfig (only CPU1 selects ARMV8_M_DSP and CPU_HAS_FPU) and in QEMU's mps2-an521 (a DSP instruction
    # faults). Zephyr builds it -mcpu=cortex-m33+nodsp, soft float, so CMSIS-NN compiles its plain C path;
    # the overhead baseline is built the same way and runs on the same machine.
    "m33": QemuBoard(M33, "Cortex-M33 (no DSP, no FPU)", ("-machine", "mps2-an521", "-cpu", "cortex-m33", "-m", "16"),
                     Machine("mps2-an521", "cortex-m33", ("-mcpu=cortex-m33+nodsp", "-mfloat-abi=soft"),
                             20_000_000, "scalar")),
    # Zephyr 4.1's `-t run` knows only Arm's FVP for the AN386; QEMU runs the image directly.
    "m4": QemuBoard(M4, "Cortex-M4", ("-machine", "mps2-an386", "-cpu", "cortex-m4"), MACHINES["mps2-an386"]),
}


def workspace_missing() -> str | None:
    """Why the Zephyr tests cannot run here, or None."""
    if not (SHARED_ZEPHYR / "env.sh").is_file():
        return f"{SHARED_ZEPHYR} (the Zephyr 4.1 test workspace) is absent"
    return None


@functools.cache
def zephyr_env() -> dict[str, str]:
    """The environment `. ../shared/zephyr/env.sh` sets up, plus this checkout's Python package."""
    shown = subprocess.run(["bash", "-c", f'. "{SHARED_ZEPHYR}/env.sh" >&2 && env -0'], capture_output=True,
                           timeout=1800)
    if shown.returncode != 0:
        raise RuntimeError(f"env.sh failed: {shown.stderr.decode(errors='replace')}")
    env = dict(item.split("=", 1) for item in shown.stdout.decode().split("\0") if "=" in item)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO / "host"), env.get("PYTHONPATH")]))
    # ExecuTorch builds the host flatc and flatcc with `cmake --build`, one job unless told.
    env.setdefault("CMAKE_BUILD_PARALLEL_LEVEL", "2")
    if shutil.which("ccache", path=env.get("PATH")):
        # Every CMake project of a build uses ccache: Zephyr's (it looks for ccache itself) and the
        # host flatc/flatcc that ExecuTorch builds as external projects in each build directory.
        env.setdefault("CCACHE_DIR", str(Path.home() / ".cache" / "ccache"))
        env.setdefault("CMAKE_C_COMPILER_LAUNCHER", "ccache")
        env.setdefault("CMAKE_CXX_COMPILER_LAUNCHER", "ccache")
        # Samples of one board compile the same kernel, runtime and CMSIS-NN objects in different
        # build directories (all at the same depth): relative paths make their cache entries shared.
        env.setdefault("CCACHE_BASEDIR", str(Path.home()))
        env.setdefault("CCACHE_NOHASHDIR", "1")
    return env


def build_root() -> Path:
    default = Path.home() / ".cache" / "torchmcu-zephyr-builds"
    checkout = hashlib.sha256(str(REPO).encode()).hexdigest()[:8]  # two checkouts never share a build
    return Path(os.environ.get("TORCHMCU_ZEPHYR_BUILDS", default)) / checkout


def build_dir(board: str, sample: str, configs: tuple[str, ...] = ()) -> Path:
    variant = "-".join(c.removeprefix("CONFIG_TORCHMCU_").lower().replace("=", "_") for c in configs) or "default"
    return build_root() / f"{board.replace('/', '_')}-{variant}" / sample


# Successful full builds of this process, by directory: the same build asked for again (several test files
# run the same sample on the same board) returns at once instead of configuring the directory again.
_FULL_BUILDS: dict[Path, tuple[tuple, subprocess.CompletedProcess]] = {}


def west_build(board: str, sample: str, configs: tuple[str, ...] = (), target: str | None = None,
               directory: Path | None = None, cmake_only: bool = False, source: Path | None = None,
               with_torchmcu: bool = True) -> tuple[subprocess.CompletedProcess, Path]:
    """`west build` of samples/<sample> (or the app in `source`) for `board` with extra `-D` settings
    (`CONFIG_...=` or CMake variables); `with_torchmcu=False` leaves this checkout's module out."""
    directory = directory or build_dir(board, sample, configs)
    full, request = target is None and not cmake_only, (board, sample, configs, source, with_torchmcu)
    earlier = _FULL_BUILDS.pop(directory, None)  # any other build there may change what the earlier one left
    if full and earlier and earlier[0] == request:
        _FULL_BUILDS[directory] = earlier
        return earlier[1], directory
    command = ["west", "build", "-p", "auto", "-b", board, "-d", str(directory),
               str(source or REPO / "samples" / sample), "-o=-j2"]
    if target:
        command += ["-t", target]
    if cmake_only:
        command += ["--cmake-only"]
    command += ["--", *([f"-DZEPHYR_EXTRA_MODULES={REPO}", f"-DTORCHMCU_PYTHON={sys.executable}"] if with_torchmcu
                        else []), *(f"-D{c}" for c in configs)]
    if zephyr_env().get("CMAKE_C_COMPILER_LAUNCHER"):
        command.append("-DUSE_CCACHE=0")  # the launcher already is ccache; Zephyr would add it twice
    # One build at a time per workspace: every configure deletes third-party/flatcc/lib in the workspace's
    # ExecuTorch, where another build's host flatcc (an external project) is writing and linking its libraries.
    with open(Path(zephyr_env()["ZEPHYR_BASE"]).parent / ".torchmcu-build.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        result = subprocess.run(command, capture_output=True, text=True, env=zephyr_env(), timeout=3600)
    if full and result.returncode == 0:
        _FULL_BUILDS[directory] = (request, result)
    return result, directory


def run_in_qemu(directory: Path, timeout_s: float = 600) -> str:
    """`west build -t run_qemu` until the sample prints its last word (QEMU never exits by itself).
    run_qemu, not run: `run` starts a board's first emulator, which for mps3/corstone300/an547 is QEMU
    in Zephyr 4.1 but Arm's FVP in newer releases (Zephyr's current mps3 board documentation)."""
    return read_until_verdict(["west", "build", "-d", str(directory), "-t", "run_qemu"], timeout_s)


def read_until_verdict(command: list[str], timeout_s: float, final_line: str = FINAL_LINE) -> str:
    """The console output of `command` (an emulator, which never exits by itself) up to the firmware's last
    word (`final_line`, a sample's verdict by default), or up to `timeout_s`; then the emulator's whole
    process group is killed."""
    # errors="replace": a firmware may print bytes that are not UTF-8 (ExecuTorch's log formats %zu, which
    # printk does not know), and its console must still reach the verdict.
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                               text=True, errors="replace", env=zephyr_env(), start_new_session=True)
    output, deadline = "", time.monotonic() + timeout_s
    try:
        while time.monotonic() < deadline:
            line = process.stdout.readline()
            if not line and process.poll() is not None:
                break
            output += line
            if re.search(final_line, output):
                break
    finally:
        os.killpg(process.pid, signal.SIGKILL)  # QEMU may run in a group ninja started
        process.wait()
    return output



def kconfig_environment(directory: Path) -> dict[str, str]:
    """The environment Zephyr's menuconfig target runs Kconfig with, from a configured build directory."""
    ninja = (directory / "build.ninja").read_text(errors="replace")
    command = re.search(r"^build CMakeFiles/menuconfig\b.*\n\s+COMMAND = (.*)$", ninja, re.M).group(1)
    tokens = shlex.split(command.split(" -E env ", 1)[1])
    env = {}
    for token in tokens:  # NAME=value ... then the Python that runs menuconfig.py
        name, equals, value = token.partition("=")
        if not equals or not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
            break
        env[name] = value
    return env
