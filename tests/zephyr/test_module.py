"""zephyr/module.yml and west.yml follow the rules Zephyr and west apply to them."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest
import yaml

jsonschema = pytest.importorskip("jsonschema")

REPO = Path(__file__).resolve().parents[2]

# The structure scripts/zephyr_module.py validates (pykwalify there; the same rules here).
_PATHS = {"type": "array", "items": {"type": "string"}}
MODULE_SCHEMA = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "name": {"type": "string"},
        "build": {
            "type": "object",
            "additionalProperties": False,
            "properties": {
                "cmake": {"type": "string"}, "kconfig": {"type": "string"},
                "cmake-ext": {"type": "boolean"}, "kconfig-ext": {"type": "boolean"},
                "sysbuild-cmake": {"type": "string"}, "sysbuild-kconfig": {"type": "string"},
                "sysbuild-cmake-ext": {"type": "boolean"}, "sysbuild-kconfig-ext": {"type": "boolean"},
                "depends": _PATHS,
                "settings": {
                    "type": "object",
                    "additionalProperties": False,
                    "properties": {key: {"type": "string"} for key in (
                        "board_root", "dts_root", "snippet_root", "soc_root", "arch_root", "module_ext_root",
                        "sca_root")},
                },
            },
        },
        "tests": _PATHS, "samples": _PATHS, "boards": _PATHS,
        "blobs": {"type": "array"},
    },
}


def module_yml() -> dict:
    return yaml.safe_load((REPO / "zephyr" / "module.yml").read_text())


def test_module_yml_matches_zephyrs_schema():
    jsonschema.validate(module_yml(), MODULE_SCHEMA)


def test_module_yml_points_at_what_exists():
    meta = module_yml()
    assert meta["name"] == "torchmcu"
    build = meta["build"]
    # Zephyr resolves these against the module root (the parent of zephyr/).
    assert (REPO / build["cmake"] / "CMakeLists.txt").is_file()
    assert (REPO / build["kconfig"]).is_file()
    assert (REPO / build["settings"]["module_ext_root"] / "modules" / "modules.cmake").is_file()
    assert set(build["depends"]) == {"cmsis-nn", "executorch"}
    for path in meta["samples"] + meta["tests"]:
        assert (REPO / path).is_dir(), path


def test_root_cmake_builds_the_library_only_when_enabled():
    text = (REPO / "CMakeLists.txt").read_text()
    assert text.lstrip("# \n").startswith("torchmcu") and "if(CONFIG_TORCHMCU)" in text
    assert "zephyr_library_named(torchmcu)" in text
    assert "torchmcu_collect_sources" in text  # the one source list (kernels/torchmcu_sources.cmake)


def test_west_manifest_gives_a_ready_workspace_pinned_to_the_host_wheel():
    manifest = yaml.safe_load((REPO / "west.yml").read_text())["manifest"]
    projects = {p["name"]: p for p in manifest["projects"]}
    assert re.fullmatch(r"v4\.\d+\.\d+", projects["zephyr"]["revision"])
    allowed = set(projects["zephyr"]["import"]["name-allowlist"])
    # Zephyr's CMSIS_NN selects CMSIS_DSP: without cmsis-dsp, Kconfig aborts.
    assert {"cmsis_6", "cmsis-nn", "cmsis-dsp"} <= allowed
    pinned = re.search(r'"executorch==([0-9.]+)"', (REPO / "pyproject.toml").read_text()).group(1)
    assert projects["executorch"]["revision"] == f"v{pinned}"
    assert manifest["self"]["path"].endswith("torchmcu")
    remotes = {r["name"] for r in manifest["remotes"]}
    assert all(p["remote"] in remotes for p in manifest["projects"])


def test_west_command_forwards_to_the_cli():
    manifest = yaml.safe_load((REPO / "west.yml").read_text())["manifest"]
    spec = yaml.safe_load((REPO / manifest["self"]["west-commands"]).read_text())
    (entry,) = spec["west-commands"]
    (command,) = entry["commands"]
    assert command["name"] == "torchmcu" and (REPO / entry["file"]).is_file()
    pytest.importorskip("west")
    sys.path.insert(0, str((REPO / entry["file"]).parent))
    try:
        module = __import__(Path(entry["file"]).stem)
    finally:
        sys.path.pop(0)
    cls = getattr(module, command["class"])
    assert cls().name == "torchmcu"
    assert module.torchmcu_command(["plan", "x.pte"])[1:] == ["-m", "torchmcu", "plan", "x.pte"]


def test_the_module_names_no_cmsis_core_module_nor_cmsis_dsp():
    # Zephyr 4.1 calls the CMSIS core module `cmsis`, 4.4 `cmsis_6`, and 4.1's CMSIS_NN selects
    # CMSIS_DSP: naming none of them keeps the module buildable on both (docs/zephyr.md).
    build_files = [REPO / "CMakeLists.txt", REPO / "Kconfig", REPO / "zephyr" / "module.yml",
                   *(REPO / "cmake").rglob("*.cmake"), *(REPO / "boards").glob("*.conf")]
    for path in build_files:
        text = path.read_text()
        assert not re.search(r"\bcmsis_6\b|ZEPHYR_CMSIS(_6)?_MODULE|\bCMSIS_DSP", text, re.I), path
