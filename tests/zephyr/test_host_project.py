"""A plain host CMake project uses torchmcu_add_model() and the runner library to build every
sample's own main.cpp and model.py. Each checks itself against the expected header
torchmcu_add_model() writes (the host runner's output for the same program and input), prints
the verdict line its sample.yaml waits for, and reports a corrupted header as a mismatch."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.zephyr.test_samples import PROGRAM, SAMPLES, verdict_regex
from torchmcu.native import _cmake, executorch_package_dir

REPO = Path(__file__).resolve().parents[2]
PROJECT = Path(__file__).resolve().parent / "host_project"


def configure_and_build(build: Path, *definitions: str, target: str = "all") -> subprocess.CompletedProcess:
    configure = subprocess.run(
        [_cmake(), "-S", str(PROJECT), "-B", str(build), "-DCMAKE_BUILD_TYPE=Release",
         f"-DCMAKE_PREFIX_PATH={executorch_package_dir()}", f"-DTORCHMCU_PYTHON={sys.executable}", *definitions],
        capture_output=True, text=True)
    assert configure.returncode == 0, configure.stdout + configure.stderr
    return subprocess.run([_cmake(), "--build", str(build), "-j2", "--target", target], capture_output=True, text=True,
                          timeout=1200)


@pytest.fixture(scope="module")
def model_copy(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("model") / "model.py"
    shutil.copy(REPO / "samples" / "hello_model" / "model.py", path)
    return path


@pytest.fixture(scope="module")
def built(tmp_path_factory, model_copy) -> Path:
    build = tmp_path_factory.mktemp("host_project")
    # Programs in their own section, as CONFIG_TORCHMCU_MODEL_SECTION asks (checked below).
    result = configure_and_build(build, f"-DHELLO_MODEL={model_copy}", "-DCONFIG_TORCHMCU_MODEL_SECTION=.torchmcu_model")
    assert result.returncode == 0, (result.stdout + result.stderr)[-4000:]
    return build


def test_model_section_places_the_program_bytes(built):
    from elftools.elf.elffile import ELFFile

    with (built / "hello_model").open("rb") as stream:
        elf = ELFFile(stream)
        # A static array in C++: its symbol is mangled (_ZL15hello_model_pte).
        (symbol,) = [s for s in elf.get_section_by_name(".symtab").iter_symbols() if s.name.endswith("hello_model_pte")]
        assert elf.get_section(symbol["st_shndx"]).name == ".torchmcu_model"


def expected_bytes_of_text(text: str) -> bytes:
    body = re.search(r"_expected_0\[\d+\] = \{(.*?)\};", text, re.S).group(1)
    return bytes(int(b, 16) for b in re.findall(r"0x([0-9a-f]{2})", body))


def expected_bytes(header: Path) -> bytes:
    """Output 0's bytes as <name>_expected.h holds them."""
    return expected_bytes_of_text(header.read_text())


@pytest.mark.parametrize("sample", SAMPLES)
def test_host_build_prints_the_verdict_sample_yaml_waits_for(built, sample):
    run = subprocess.run([str(built / sample)], capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stdout + run.stderr
    assert re.search(verdict_regex(sample), run.stdout), run.stdout
    assert f"{sample}: done" in run.stdout


@pytest.mark.parametrize("sample", SAMPLES)
def test_expected_header_is_what_torchmcu_run_prints_for_the_same_program_and_input(built, sample, tmp_path):
    name = PROGRAM[sample]
    if sample == "keyword_spotting":  # the bundled clip, as the build embeds it
        feed = ["--input", str(built / "input" / "kws_input.npy")]
    else:
        feed = ["--pattern"]
    pte = built / "torchmcu" / name / f"{name}.pte"
    run = subprocess.run([sys.executable, "-m", "torchmcu", "run", str(pte), *feed, "--output", str(tmp_path / "o.npz")],
                         capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr
    import numpy as np

    host = np.load(tmp_path / "o.npz")["arr_0"].tobytes()
    assert expected_bytes(built / "torchmcu" / name / f"{name}_expected.h") == host


def test_a_corrupted_expected_header_is_reported_as_a_mismatch(built):
    header = built / "torchmcu" / "hello_model" / "hello_model_expected.h"
    original = header.read_text()
    good = expected_bytes(header)
    flipped = good[5] ^ 0x40
    corrupted = re.sub(r"(_expected_0\[\d+\] = \{\s*(?:0x[0-9a-f]{2},\s*){5})0x[0-9a-f]{2}",
                       lambda m: f"{m.group(1)}0x{flipped:02x}", original, count=1)
    assert expected_bytes_of_text(corrupted)[5] == flipped
    try:
        header.write_text(corrupted)
        rebuilt = subprocess.run([_cmake(), "--build", str(built), "--target", "hello_model"], capture_output=True,
                                 text=True, timeout=600)
        assert rebuilt.returncode == 0, rebuilt.stdout + rebuilt.stderr
        run = subprocess.run([str(built / "hello_model")], capture_output=True, text=True, timeout=60)
    finally:
        header.write_text(original)
    assert run.returncode != 0
    assert f"hello_model: MISMATCH at byte 5: device 0x{good[5]:02x} host 0x{flipped:02x}" in run.stdout, run.stdout
    assert "matches host" not in run.stdout
    restored = subprocess.run([_cmake(), "--build", str(built), "--target", "hello_model"], capture_output=True,
                              text=True, timeout=600)
    assert restored.returncode == 0


def test_memory_header_reserves_the_plan(built):
    text = (built / "torchmcu" / "hello_model" / "hello_model_memory.h").read_text()
    planned = int(re.search(r"Planned: arena (\d+) B", text).group(1))
    assert f"#define HELLO_MODEL_ARENA_BYTES {planned}u" in text


def test_an_arena_override_smaller_than_the_plan_fails_the_build_with_both_numbers(built, tmp_path, model_copy):
    planned = int(re.search(r"Planned: arena (\d+) B",
                            (built / "torchmcu" / "hello_model" / "hello_model_memory.h").read_text()).group(1))
    result = configure_and_build(tmp_path / "small", f"-DHELLO_MODEL={model_copy}", "-DCONFIG_TORCHMCU_ARENA_SIZE=64",
                                 target="hello_model_hello_model_torchmcu")  # just the model step
    assert result.returncode != 0
    log = " ".join((result.stdout + result.stderr).split())  # CMake wraps long messages
    assert f"CONFIG_TORCHMCU_ARENA_SIZE=64 is smaller than the {planned} bytes model 'hello_model' was planned for" \
        in log


def test_the_model_is_recompiled_when_its_file_changes(built, model_copy):
    quiet = subprocess.run([_cmake(), "--build", str(built)], capture_output=True, text=True, timeout=600)
    assert "torchmcu: compiling" not in quiet.stdout
    model_copy.write_text(model_copy.read_text().replace("manual_seed(0)", "manual_seed(5)"))
    rebuilt = subprocess.run([_cmake(), "--build", str(built)], capture_output=True, text=True, timeout=1200)
    assert rebuilt.returncode == 0, rebuilt.stdout + rebuilt.stderr
    assert "torchmcu: compiling model for cortex-m55" in rebuilt.stdout
    assert "torchmcu: host runner output of hello_model" in rebuilt.stdout  # the expected bytes follow the model
    run = subprocess.run([str(built / "hello_model")], capture_output=True, text=True, timeout=60)
    assert run.returncode == 0 and "hello_model: output matches host" in run.stdout, run.stdout
