"""A plain host CMake project uses torchmcu_add_model() and the runner library to build every
sample's own main.cpp and model.py, and each prints the checksum its sample.yaml expects, which
is also what `torchmcu run` prints for the same program and input."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.zephyr.test_samples import SAMPLES, expected_checksum
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


def checksum_of(output: str) -> str:
    return re.search(r"output 0: \d+ bytes checksum (0x[0-9a-f]{8})", output).group(1)


# The name torchmcu_add_model() gives each sample's program.
PROGRAM = {"hello_model": "hello_model", "keyword_spotting": "kws", "voice_activity": "vad"}


@pytest.mark.parametrize("sample", SAMPLES)
def test_host_build_prints_the_checksum_sample_yaml_expects(built, sample):
    run = subprocess.run([str(built / sample)], capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stdout + run.stderr
    assert checksum_of(run.stdout) == expected_checksum(sample)
    assert f"{sample}: done" in run.stdout


@pytest.mark.parametrize("sample", SAMPLES)
def test_torchmcu_run_on_the_same_program_and_input_prints_the_same_checksum(built, sample, tmp_path):
    name = PROGRAM[sample]
    if sample == "keyword_spotting":  # the bundled clip, as the build embeds it
        npy = tmp_path / "kws_input.npy"
        subprocess.run([sys.executable, str(REPO / "samples" / "common" / "make_input.py"),
                        str(REPO / "samples" / sample / "model.py"), "--name", "kws_input", "--npy", str(npy)],
                       check=True, timeout=300)
        feed = ["--input", str(npy)]
    else:
        feed = ["--pattern"]
    pte = built / "torchmcu" / name / f"{name}.pte"
    run = subprocess.run([sys.executable, "-m", "torchmcu", "run", str(pte), *feed], capture_output=True,
                         text=True, timeout=600)
    assert run.returncode == 0, run.stderr
    assert re.search(r"checksum (0x[0-9a-f]{8})", run.stdout).group(1) == expected_checksum(sample)


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
    run = subprocess.run([str(built / "hello_model")], capture_output=True, text=True, timeout=60)
    assert checksum_of(run.stdout) != expected_checksum("hello_model")  # new weights, new numbers
