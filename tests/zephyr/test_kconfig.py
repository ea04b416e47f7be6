"""The module's Kconfig, parsed with kconfiglib: against a stand-in for the Zephyr symbols it uses
(fast, any CPU), and against the real Zephyr 4.1 tree of ../shared/zephyr when it is present."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

kconfiglib = pytest.importorskip("kconfiglib")

from torchmcu.target import parse_target  # noqa: E402

REPO = Path(__file__).resolve().parents[2]
STUB = Path(__file__).resolve().parent / "kconfig_stub"

CPU_CASES = [
    ({"CPU_CORTEX_M55", "ARMV8_1_M_MVEI"}, "cortex-m55"),
    ({"CPU_CORTEX_M55"}, "cortex-m55+nomve"),  # e.g. Zephyr's STM32N6
    ({"CPU_CORTEX_M85", "ARMV8_1_M_MVEI"}, "cortex-m85"),
    ({"CPU_CORTEX_M85"}, "cortex-m85+nomve"),
    ({"CPU_CORTEX_M33", "ARMV8_M_DSP"}, "cortex-m33"),
    ({"CPU_CORTEX_M33"}, "cortex-m33+nodsp"),
    ({"CPU_CORTEX_M7"}, "cortex-m7"),
    ({"CPU_CORTEX_M4"}, "cortex-m4"),
    ({"CPU_CORTEX_M3"}, "cortex-m3"),
    ({"CPU_CORTEX_M23"}, "cortex-m23"),
    ({"CPU_CORTEX_M0PLUS"}, "cortex-m0plus"),
    ({"CPU_CORTEX_M0"}, "cortex-m0"),
]


def fresh() -> "kconfiglib.Kconfig":
    os.environ["TORCHMCU_ROOT"] = str(REPO)
    os.environ["srctree"] = str(STUB)
    return kconfiglib.Kconfig(str(STUB / "Kconfig"), warn_to_stderr=False)


def load(enabled: set[str]) -> "kconfiglib.Kconfig":
    """The tree with TORCHMCU and `enabled` set (hardware symbols, as a board's SoC selects them)."""
    kconf = fresh()
    for name in sorted(enabled | {"TORCHMCU"}):
        sym = kconf.syms[name]
        assert sym.set_value(2), f"cannot set {name}"
    return kconf


def torchmcu_symbols(kconf) -> list:
    return [s for s in kconf.unique_defined_syms if s.name.startswith("TORCHMCU")]


def test_parses_without_warnings_and_references_only_known_symbols():
    kconf = load({"ARM", "CPU_CORTEX_M", "CPU_CORTEX_M55"})
    assert kconf.warnings == []
    # kconfiglib also lists integer literals and its built-in MODULES as symbols.
    undefined = [s.name for s in kconf.syms.values()
                 if not s.nodes and s.name != "MODULES" and not s.name.lstrip("-").isdigit()]
    assert undefined == []


def test_every_symbol_has_a_type_help_and_lives_under_torchmcu():
    kconf = load({"ARM", "CPU_CORTEX_M", "CPU_CORTEX_M55"})
    names = {s.name for s in torchmcu_symbols(kconf)}
    assert {"TORCHMCU", "TORCHMCU_RUNTIME_ASSERTS", "TORCHMCU_ARENA_SIZE", "TORCHMCU_METHOD_ALLOCATOR_SIZE",
            "TORCHMCU_KERNELS_PORTABLE", "TORCHMCU_PROFILE", "TORCHMCU_TARGET", "TORCHMCU_ARENA_SECTION",
            "TORCHMCU_MODEL_SECTION", "TORCHMCU_ARENA_IN_RAM", "TORCHMCU_ARENA_IN_REGION",
            "TORCHMCU_ARENA_IN_SECTION", "TORCHMCU_LOG_LEVEL"} <= names
    for sym in torchmcu_symbols(kconf):
        assert sym.type != kconfiglib.UNKNOWN, sym.name
        prompted = any(node.prompt for node in sym.nodes)
        helped = any(node.help for node in sym.nodes)
        assert helped or not prompted, f"{sym.name} has a prompt but no help"
        if sym.name != "TORCHMCU":
            assert kconf.syms["TORCHMCU"] in kconfiglib.expr_items(sym.direct_dep) or \
                sym.name.startswith("TORCHMCU_ARENA_IN_"), f"{sym.name} does not depend on TORCHMCU"


def test_defaults_reserve_exactly_the_plan_and_keep_asserts_off():
    kconf = load({"ARM", "CPU_CORTEX_M", "CPU_CORTEX_M55", "ARMV8_1_M_MVEI"})
    assert kconf.syms["TORCHMCU_ARENA_SIZE"].str_value == "0"
    assert kconf.syms["TORCHMCU_METHOD_ALLOCATOR_SIZE"].str_value == "0"
    assert kconf.syms["TORCHMCU_RUNTIME_ASSERTS"].str_value == "n"
    assert kconf.syms["TORCHMCU_ARENA_IN_RAM"].str_value == "y"
    assert kconf.syms["TORCHMCU_PROFILE"].str_value == "n"


def test_torchmcu_turns_on_cpp17_and_the_executorch_runtime():
    kconf = fresh()
    kconf.syms["CPP"].set_value(2)
    assert kconf.named_choices["STD_CPP"].selection.name == "STD_CPP11"  # Zephyr's default without torchmcu
    kconf = fresh()
    assert kconf.syms["TORCHMCU"].set_value(2)
    assert kconf.syms["CPP"].str_value == "y"
    assert kconf.named_choices["STD_CPP"].selection.name == "STD_CPP17"
    assert kconf.syms["REQUIRES_FULL_LIBCPP"].str_value == "y"
    assert kconf.syms["EXECUTORCH"].str_value == "y"
    kconf.syms["STD_CPP20"].set_value(2)  # a newer standard stays the user's choice
    assert kconf.named_choices["STD_CPP"].selection.name == "STD_CPP20"


@pytest.mark.parametrize("enabled,target", CPU_CASES, ids=[t for _, t in CPU_CASES])
def test_target_follows_the_cpu_features_kconfig_enables(enabled, target):
    kconf = load(enabled | {"ARM", "CPU_CORTEX_M"})
    assert kconf.syms["TORCHMCU_TARGET"].str_value == target
    parsed = parse_target(target)  # the host CLI accepts it
    assert parsed.isa == ("mve" if "ARMV8_1_M_MVEI" in enabled else
                          "dsp" if ("ARMV8_M_DSP" in enabled or enabled & {"CPU_CORTEX_M4", "CPU_CORTEX_M7"}
                                    or (enabled & {"CPU_CORTEX_M55", "CPU_CORTEX_M85"})) else "scalar")


def test_cmsis_nn_on_cortex_m_portable_elsewhere():
    kconf = load({"ARM", "CPU_CORTEX_M", "CPU_CORTEX_M4"})
    assert kconf.syms["TORCHMCU_KERNELS_PORTABLE"].str_value == "n"
    assert kconf.syms["TORCHMCU_USE_CMSIS_NN"].str_value == "y"
    assert kconf.syms["CMSIS_NN"].str_value == "y"
    assert kconf.syms["EXECUTORCH"].str_value == "y"
    kconf.syms["TORCHMCU_KERNELS_PORTABLE"].set_value(2)
    assert kconf.syms["TORCHMCU_USE_CMSIS_NN"].str_value == "n"

    off_arm = load(set())
    assert off_arm.syms["TORCHMCU_KERNELS_PORTABLE"].str_value == "y"
    assert off_arm.syms["TORCHMCU_USE_CMSIS_NN"].str_value == "n"
    assert off_arm.syms["CMSIS_NN"].str_value == "n"
    for tree in (kconf, off_arm):  # selects whose targets' own dependencies fail warn only once evaluated
        tree.write_config(os.devnull)
        assert tree.warnings == []


def test_arena_section_only_with_section_placement():
    kconf = load({"ARM", "CPU_CORTEX_M", "CPU_CORTEX_M55"})
    assert kconf.syms["TORCHMCU_ARENA_SECTION"].visibility == 0
    kconf.syms["TORCHMCU_ARENA_IN_SECTION"].set_value(2)
    assert kconf.syms["TORCHMCU_ARENA_SECTION"].str_value == ".torchmcu_arena"


# The real tree: Zephyr 4.1's Kconfig with the ExecuTorch, CMSIS-NN and torchmcu modules, as a
# configured build of hello_model for the M55 sees it (../shared/zephyr).
@pytest.fixture(scope="module")
def real_tree():
    from tests.zephyr.zephyr_workspace import M55, kconfig_environment, west_build, workspace_missing

    if workspace_missing():
        pytest.skip(workspace_missing())
    result, directory = west_build(M55, "hello_model", cmake_only=True)
    assert result.returncode == 0, (result.stdout + result.stderr)[-4000:]
    env = kconfig_environment(directory)
    zephyr_kconfiglib = _zephyr_kconfiglib(Path(env["ZEPHYR_BASE"]))
    saved = dict(os.environ)
    os.environ.update(env)
    # Zephyr's Kconfig preprocessor functions (devicetree queries), found on sys.path by name.
    sys.path.insert(0, str(Path(env["ZEPHYR_BASE"]) / "scripts" / "kconfig"))
    try:
        kconf = zephyr_kconfiglib.Kconfig(str(Path(env["ZEPHYR_BASE"]) / "Kconfig"), warn_to_stderr=False)
        kconf.load_config(env["KCONFIG_CONFIG"])
    finally:
        sys.path.pop(0)
        os.environ.clear()
        os.environ.update(saved)
    return kconf


def _zephyr_kconfiglib(zephyr_base: Path):
    """Zephyr's own kconfiglib (it knows Zephyr's extensions), imported under its own name."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("zephyr_kconfiglib", zephyr_base / "scripts/kconfig/kconfiglib.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_real_tree_nests_every_torchmcu_option_inside_the_torchmcu_menu(real_tree):
    (menu,) = real_tree.syms["TORCHMCU"].nodes
    assert menu.is_menuconfig
    ours = [node for node in real_tree.node_iter()
            if isinstance(getattr(node.item, "name", None), str) and node.item.name.startswith("TORCHMCU_")]
    assert ours, "no TORCHMCU_* symbols in the real tree"
    for node in ours:
        parent = node.parent
        while parent is not None and parent is not menu:
            parent = parent.parent
        assert parent is menu, f"{node.item.name} ({node.filename}:{node.linenr}) is outside the torchmcu menu"


def test_real_tree_build_config_has_cpp17_the_heap_and_no_portable_ops(real_tree):
    syms = real_tree.syms
    assert syms["TORCHMCU"].str_value == "y"
    assert syms["TORCHMCU_TARGET"].str_value == "cortex-m55"  # the an547 board's M55 with Helium
    assert syms["STD_CPP17"].str_value == "y"
    assert int(syms["HEAP_MEM_POOL_ADD_SIZE_TORCHMCU"].str_value) > 0  # ExecuTorch's PAL links k_malloc
    assert syms["EXECUTORCH_BUILD_PORTABLE_OPS"].str_value == "n"
    assert syms["EXECUTORCH_ENABLE_LOGGING"].str_value == "n"  # cmake/torchmcu_defaults.conf
    assert syms["CMSIS_NN"].str_value == "y"
