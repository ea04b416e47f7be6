"""How the suite shares two cores: CI runs it with pytest-xdist (`-n 2 --dist loadgroup`, .ci/run).

Each test file is one unit of work, so a module fixture (a compile, a build) runs once, on one
worker. Two units span files:
- tests/zephyr: its files build into the same Zephyr build directories
  (tests/zephyr/zephyr_workspace.py build_root()), and only one build may use a directory at a time;
- the files that use the session's reference-model compiles (tests/host/conftest.py
  compiled_model): on one worker, each model is compiled once, as in a run on one core.
The longest units go first, so the other worker never waits at the end for one of them.
Without `--dist loadgroup` this hook does nothing.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent
ZEPHYR = "zephyr"
REFERENCE_MODELS = "reference models"
OWN_BUILD_DIRECTORY = {"test_host_project.py"}  # tests/zephyr files that build in a temporary directory
LONGEST_FIRST = (ZEPHYR, REFERENCE_MODELS, "host/test_deterministic_compile.py", "zephyr/test_host_project.py")


def work_unit(item: pytest.Item) -> str:
    path = item.path.relative_to(TESTS)
    if path.parts[0] == ZEPHYR and path.name not in OWN_BUILD_DIRECTORY:
        return ZEPHYR
    compiled_model = getattr(sys.modules.get("tests.host.conftest"), "compiled_model", None)
    module = getattr(item, "module", None)
    if "compile_cached" in getattr(item, "fixturenames", ()) or \
            (compiled_model is not None and module is not None and compiled_model in vars(module).values()):
        return REFERENCE_MODELS
    return path.as_posix()


@pytest.hookimpl(tryfirst=True)  # before pytest-xdist's hook reads the groups
def pytest_collection_modifyitems(config, items):
    if not getattr(config.option, "loadgroup", False):  # set by pytest-xdist's --dist loadgroup
        return
    units = {item: work_unit(item) for item in items}
    for item, unit in units.items():
        item.add_marker(pytest.mark.xdist_group(unit))
    rank = {unit: index for index, unit in enumerate(LONGEST_FIRST)}
    items.sort(key=lambda item: rank.get(units[item], len(rank)))  # stable: file order otherwise
