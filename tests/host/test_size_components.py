"""`torchmcu size --components`: a firmware's flash and RAM per component, from the linker map.

The firmware is a small image linked by arm-none-eabi-gcc from archives laid
out as a Zephyr build lays them out (modules/torchmcu/libtorchmcu.a, ...), with
Zephyr's section garbage collection, so what the report says can be checked
against what was linked.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ARM_GCC = shutil.which("arm-none-eabi-gcc")
ARM_AR = shutil.which("arm-none-eabi-ar")

# archive -> {object name: C source}
ARCHIVES = {
    "modules/torchmcu/libtorchmcu.a": {
        "op_conv2d.cpp.obj": "int tmcu_conv2d_s8(int x); int conv2d_out(int x) { return tmcu_conv2d_s8(x) + 7; }",
        "conv2d.c.obj": "int arm_convolve_s8(int x);\nint tmcu_conv2d_s8(int x) { return arm_convolve_s8(x) * 3; }",
        # Nothing calls add: the linker drops it, and the report must not list it.
        "op_add.cpp.obj": "int add_out(int x) { return x * 11 + 5; }",
        "runner.cpp.obj": "int conv2d_out(int x);\nint tmcu_run(int x) { return conv2d_out(x) - 1; }",
    },
    "modules/executorch/executorch/libexecutorch_core.a": {
        "method.cpp.obj": "int tmcu_run(int x);\nint et_execute(int x) { return tmcu_run(x) ^ 0x55; }",
    },
    "modules/cmsis-nn/libmodules__cmsis-nn.a": {
        "arm_convolve_s8.c.obj": "int arm_table[64] = {1, 2, 3};\n"
                                 "int arm_convolve_s8(int x) { return arm_table[x & 63] * x; }",
    },
    "zephyr/libzephyr.a": {
        "printk.c.obj": "int printk_count;\nvoid printk_char(int c) { printk_count += c; }",
    },
    "app/libapp.a": {
        "main.cpp.obj": "#include <stdint.h>\n"
                        "static const uint8_t kws_pte[3000] __attribute__((aligned(16))) = {1, 2, 3};\n"
                        "int et_execute(int x); void printk_char(int c);\n"
                        "int main(void) { printk_char(kws_pte[et_execute(2) & 1023]); return 0; }\n"
                        "void _exit(int code) { for (;;) { (void)code; } }",
    },
}


def torchmcu(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "torchmcu", *args], capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def firmware(tmp_path_factory) -> Path:
    if ARM_GCC is None or ARM_AR is None:
        pytest.skip("arm-none-eabi-gcc is not installed (scripts/setup.sh --test installs it)")
    work = tmp_path_factory.mktemp("firmware")
    archives = []
    for archive, objects in ARCHIVES.items():
        members = []
        for name, source in objects.items():
            c_file = work / "src" / archive.replace("/", "_") / (name + ".c")
            c_file.parent.mkdir(parents=True, exist_ok=True)
            c_file.write_text(source + "\n")
            obj = c_file.parent / name
            subprocess.run([ARM_GCC, "-mcpu=cortex-m4", "-mthumb", "-Os", "-ffunction-sections", "-fdata-sections",
                            "-c", str(c_file), "-o", str(obj)], check=True)
            members.append(str(obj))
        (work / archive).parent.mkdir(parents=True, exist_ok=True)
        subprocess.run([ARM_AR, "rcs", archive, *members], check=True, cwd=work)
        archives.append(archive)
    result = subprocess.run([ARM_GCC, "-mcpu=cortex-m4", "-mthumb", "--specs=nosys.specs", "-Wl,--gc-sections",
                             "-Wl,-Map=zephyr.map", "-o", "zephyr.elf", "-Wl,--whole-archive", "app/libapp.a",
                             "-Wl,--no-whole-archive", "-Wl,--start-group", *archives, "-Wl,--end-group"],
                            capture_output=True, text=True, cwd=work)
    assert result.returncode == 0, result.stderr
    return work / "zephyr.elf"


def test_components_attribute_every_linked_byte(firmware):
    result = torchmcu("size", str(firmware), "--components", "--json")
    assert result.returncode == 0, result.stderr
    components = json.loads(result.stdout)["components"]
    assert components["program (.pte)"] == {"flash": 3000, "ram": 0}
    assert components["kernels: conv2d"]["flash"] > 0
    assert "kernels: add" not in components  # garbage-collected
    assert components["torchmcu runner"]["flash"] > 0
    assert components["ExecuTorch runtime"]["flash"] > 0
    cmsis_nn = components["CMSIS-NN"]
    assert cmsis_nn["ram"] == 64 * 4 and cmsis_nn["flash"] >= 64 * 4  # an initialised table: RAM and its flash copy
    assert components["Zephyr"]["ram"] >= 4
    assert components["C/C++ libraries"]["flash"] > 0
    # Every allocated byte of the image, padding included, is in exactly one component.
    sections = json.loads(torchmcu("size", str(firmware), "--json").stdout)
    assert sum(c["flash"] for c in components.values()) == sections["section_flash"]
    assert sum(c["ram"] for c in components.values()) == sections["section_ram"]
    text = torchmcu("size", str(firmware), "--components").stdout
    assert "flash that is not the program" in text and "kernels: conv2d" in text


def test_components_need_the_linker_map(firmware, tmp_path):
    lonely = tmp_path / "zephyr.elf"
    shutil.copy(firmware, lonely)
    result = torchmcu("size", str(lonely), "--components")
    assert result.returncode == 1 and "no linker map next to the ELF" in result.stderr
    assert "Traceback" not in result.stderr
    (tmp_path / "notes.map").write_text("not a map\n")
    result = torchmcu("size", str(lonely), "--map", str(tmp_path / "notes.map"))
    assert result.returncode == 1 and "not a GNU ld map file" in result.stderr
