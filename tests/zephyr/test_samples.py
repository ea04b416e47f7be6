"""samples/: each sample is a complete Zephyr app whose sample.yaml passes twister's rules and
waits for the sample's own verdict: its output equals the host runner's, byte for byte."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

jsonschema = pytest.importorskip("jsonschema")

REPO = Path(__file__).resolve().parents[2]
SAMPLES = ["hello_model", "keyword_spotting", "voice_activity"]
# The name each sample gives its program in torchmcu_add_model(... NAME <name>).
PROGRAM = {"hello_model": "hello_model", "keyword_spotting": "kws", "voice_activity": "vad"}
_STRINGS = {"oneOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]}
# The keys twister's testsuite schema (scripts/schemas/twister/testsuite-schema.yaml) allows per test.
_TEST_KEYS = {
    "arch_allow": _STRINGS, "arch_exclude": _STRINGS, "build_only": {"type": "boolean"},
    "build_on_all": {"type": "boolean"}, "depends_on": _STRINGS, "extra_args": _STRINGS,
    "extra_configs": {"type": "array"}, "extra_conf_files": {"type": "array"}, "filter": {"type": "string"},
    "harness": {"type": "string"}, "integration_platforms": {"type": "array", "items": {"type": "string"}},
    "levels": {"type": "array"}, "min_ram": {"type": "integer"}, "min_flash": {"type": "integer"},
    "modules": {"type": "array"}, "platform_allow": _STRINGS, "platform_exclude": _STRINGS,
    "tags": _STRINGS, "timeout": {"type": "integer"}, "toolchain_allow": _STRINGS,
    "harness_config": {
        "type": "object", "additionalProperties": False,
        "properties": {"type": {"enum": ["one_line", "multi_line"]}, "ordered": {"type": "boolean"},
                       "regex": {"type": "array", "items": {"type": "string"}}, "fixture": {"type": "string"},
                       "repeat": {"type": "integer"}},
    },
}
SAMPLE_SCHEMA = {
    "type": "object", "additionalProperties": False, "required": ["tests"],
    "properties": {
        "sample": {"type": "object", "required": ["name"], "additionalProperties": False,
                   "properties": {"name": {"type": "string"}, "description": {"type": "string"}}},
        "common": {"type": "object"},
        "tests": {"type": "object", "minProperties": 1,
                  "patternProperties": {r"^[a-zA-Z0-9_.]+$": {"type": "object", "additionalProperties": False,
                                                               "properties": _TEST_KEYS}},
                  "additionalProperties": False},
    },
}


def sample_yaml(name: str) -> dict:
    return yaml.safe_load((REPO / "samples" / name / "sample.yaml").read_text())


def verdict_regex(name: str) -> str:
    """The line the sample's console harness waits for."""
    (test,) = sample_yaml(name)["tests"].values()
    (line,) = test["harness_config"]["regex"]
    return line


@pytest.mark.parametrize("name", SAMPLES)
def test_sample_is_a_complete_zephyr_app(name):
    root = REPO / "samples" / name
    for path in ("CMakeLists.txt", "prj.conf", "sample.yaml", "README.rst", "src/main.cpp", "model.py"):
        assert (root / path).is_file(), f"{name}/{path}"
    assert "CONFIG_TORCHMCU=y" in (root / "prj.conf").read_text().splitlines()
    cmake = (root / "CMakeLists.txt").read_text()
    assert "find_package(Zephyr" in cmake and "torchmcu_add_model(app MODEL model.py" in cmake
    assert not (root / "boards").exists(), "board settings live in the module's boards/, not in samples"


@pytest.mark.parametrize("name", SAMPLES)
def test_sample_yaml_passes_twister_rules(name):
    data = sample_yaml(name)
    jsonschema.validate(data, SAMPLE_SCHEMA)
    (test,) = data["tests"].values()
    assert test["harness"] == "console"
    assert "mps3/corstone300/an547" in test["platform_allow"]
    assert {"mps3/corstone300/an547", "mps2/an521/cpu0"} <= set(test["integration_platforms"])
    # The sample's verdict, never a value computed on one machine.
    assert re.search(verdict_regex(name), f"{name}: output matches host (48 bytes)")
    assert not re.search(verdict_regex(name), f"{name}: MISMATCH at byte 3: device 0x01 host 0x02")
    assert "checksum" not in (REPO / "samples" / name / "sample.yaml").read_text()
