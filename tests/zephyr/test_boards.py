"""boards/: every board torchmcu supports has its settings; Kconfig fragments set only real
symbols; devicetree overlays compile with dtc (against stand-in labels where they reference
the board's own nodes)."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
BOARDS = REPO / "boards"
SUPPORTED = ["mps3/corstone300/an547", "mps3/corstone300/fvp", "ensemble_e8_dk/ae822fa0e5597ls0/rtss_he",
             "ensemble_e8_dk/ae822fa0e5597ls0/rtss_hp", "nucleo_n657x0_q"]
# Labels the board devicetrees define upstream, stood in for here.
BOARD_LABELS = {"sram0": "memory@2000000", "axisram2": "memory@34100000"}


def file_name(board: str) -> str:
    return board.replace("/", "_")


@pytest.mark.parametrize("board", SUPPORTED)
def test_each_supported_board_has_a_kconfig_fragment(board):
    assert (BOARDS / f"{file_name(board)}.conf").is_file()


def test_fragments_set_only_symbols_the_kconfig_tree_defines():
    from tests.zephyr.test_kconfig import load

    kconf = load({"ARM", "CPU_CORTEX_M", "CPU_CORTEX_M55"})
    zephyr_board_symbols = {"FPU"}  # the board's own Kconfig provides these
    for conf in sorted(BOARDS.glob("*.conf")):
        for line in conf.read_text().splitlines():
            match = re.match(r"CONFIG_([A-Z0-9_]+)=", line)
            if match:
                assert match.group(1) in kconf.syms and kconf.syms[match.group(1)].nodes or \
                    match.group(1) in zephyr_board_symbols, f"{conf.name}: unknown symbol {match.group(1)}"


def test_nucleo_n6_keeps_the_non_helium_plan():
    """Zephyr builds the STM32N6's M55 without MVE: the fragment must not force a Helium target."""
    settings = [line for line in (BOARDS / "nucleo_n657x0_q.conf").read_text().splitlines()
                if line.startswith("CONFIG_")]
    assert settings and not any(line.startswith(("CONFIG_TORCHMCU_TARGET", "CONFIG_ARMV8_1_M_MVE")) for line in settings)


@pytest.mark.skipif(shutil.which("dtc") is None, reason="dtc not installed (apt-get install device-tree-compiler)")
@pytest.mark.parametrize("overlay", sorted(p.name for p in BOARDS.glob("*.overlay")))
def test_overlays_compile_with_dtc(tmp_path, overlay):
    text = (BOARDS / overlay).read_text()
    referenced = set(re.findall(r"&([A-Za-z_][A-Za-z0-9_]*)", text))
    defined = set(re.findall(r"^\s*([A-Za-z_][A-Za-z0-9_]*):", text, flags=re.M))
    stand_ins = referenced - defined
    assert stand_ins <= set(BOARD_LABELS), f"unknown board labels {stand_ins - set(BOARD_LABELS)}"
    base = "".join(f"\t{label}: {BOARD_LABELS[label]} {{ }};\n" for label in sorted(stand_ins))
    source = tmp_path / "board.dts"
    source.write_text(f"/dts-v1/;\n/ {{\n\t#address-cells = <1>;\n\t#size-cells = <1>;\n{base}}};\n{text}")
    result = subprocess.run(["dtc", "-I", "dts", "-O", "dtb", "-o", str(tmp_path / "board.dtb"), str(source)],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    if "torchmcu,arena-region" in text:
        decompiled = subprocess.run(["dtc", "-I", "dtb", "-O", "dts", str(tmp_path / "board.dtb")],
                                    capture_output=True, text=True).stdout
        assert "torchmcu,arena-region" in decompiled and "zephyr,memory-region" in decompiled
