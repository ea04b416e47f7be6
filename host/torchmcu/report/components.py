"""`torchmcu size firmware.elf --components`: flash and RAM per firmware component.

Every byte the linker placed is attributed through the GNU ld map file written
next to the ELF (Zephyr: zephyr.map next to zephyr.elf): each input section
names the object file (and archive) it came from, so the attribution does not
depend on symbol names. Components: the program bytes (.pte), torchmcu's
kernels per op (adapter, CMSIS-NN wrapper and portable kernel of that op), the
kernels' shared code, the runner, the ExecuTorch runtime, CMSIS-NN, the C/C++
libraries (libc, libstdc++, libgcc), Zephyr, the application and the rest.

An input section costs flash when its output section is read-only, RAM when it
is writable, and both when a writable one has an initial value (copied at boot).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from torchmcu.report.elf_size import ElfSizeError, Usage

_SHF_WRITE, _SHF_ALLOC = 0x1, 0x2
# Output section line: name at column 0, then address and size (on the same or the next line).
_OUTPUT = re.compile(r"^(\S+)(?:\s+0x([0-9a-fA-F]+)\s+0x([0-9a-fA-F]+))?")
# Input section line: " <section> 0x<address> 0x<size> <file>" (section name possibly on the previous line).
_INPUT = re.compile(r"^ (\S+)?\s+0x([0-9a-fA-F]+)\s+0x([0-9a-fA-F]+)\s+(\S.*)$")
_FILL = re.compile(r"^ \*fill\*\s+0x([0-9a-fA-F]+)\s+0x([0-9a-fA-F]+)")
_KERNEL_OBJECT = re.compile(r"^(?:op_)?(\w+?)\.(?:c|cpp)\.obj$")
# torchmcu objects that are not one op's.
_TORCHMCU_SHARED = {"runner": "torchmcu runner", "program_checks": "torchmcu runner", "executorch_log": "torchmcu runner",
                    "libc_assert": "torchmcu runner", "checks": "torchmcu kernels (shared)",
                    "lut": "kernels: lut", "quantize": "kernels: quantize/dequantize",
                    "scratch_needed": "torchmcu kernels (shared)", "scratch_size": "torchmcu kernels (shared)",
                    "status": "torchmcu kernels (shared)", "minimum_maximum": "kernels: minimum/maximum",
                    "minimum": "kernels: minimum/maximum", "maximum": "kernels: minimum/maximum",
                    "quantize_per_tensor": "kernels: quantize/dequantize",
                    "quantize_per_tensor_nhwc": "kernels: quantize/dequantize",
                    "dequantize_per_tensor": "kernels: quantize/dequantize"}
_C_LIBRARIES = re.compile(r"(^|/)(libc|libg|libm|libstdc\+\+|libsupc\+\+|libgcc|libnosys|crt\w*)(_nano)?\.(a|o)\b")


@dataclass
class ComponentReport:
    path: str
    map_path: str
    components: dict[str, Usage]
    unattributed_flash: int = 0
    largest: dict[str, list[tuple[str, int]]] = field(default_factory=dict)

    def as_dict(self) -> dict:
        return {"path": self.path, "map": self.map_path,
                "components": {k: {"flash": v.flash, "ram": v.ram} for k, v in self.components.items()},
                "largest": self.largest}


def component_of(section: str, origin: str) -> str:
    """The component an input section belongs to, from its name and the file it came from."""
    if origin == "*fill*":
        return "alignment padding"
    if re.search(r"_pte$", section):
        return "program (.pte)"
    archive, _, member = origin.partition("(")
    member = member.rstrip(")")
    archive_name = Path(archive).name
    if "torchmcu" in archive_name or "/torchmcu/" in archive:
        match = _KERNEL_OBJECT.match(Path(member or archive).name)
        stem = match.group(1) if match else Path(member or archive).name
        if stem.startswith("arm_"):
            return "CMSIS-NN"  # CMSIS-NN sources the module compiles into its own library
        if stem in _TORCHMCU_SHARED:
            return _TORCHMCU_SHARED[stem]
        symbol = section.split(".", 2)[-1] if section.startswith((".text.", ".rodata.")) else ""
        if symbol.startswith("_Z") and not symbol.startswith("_ZN12_GLOBAL__N_1") and f"{stem}_out" not in symbol:
            # An inline C++ helper several adapters share (op_util.h, ExecuTorch templates): the linker
            # keeps the copy of whichever object comes first, which says nothing about that op.
            return "torchmcu kernels (shared)"
        return f"kernels: {stem}"
    if "cmsis-nn" in archive_name or "cmsis_nn" in archive_name:
        return "CMSIS-NN"  # Zephyr's module, or the copy ExecuTorch's cortex_m backend builds
    if "executorch" in archive or "flatcc" in archive or archive_name.startswith("libupstream_"):
        if "cortex_m" in archive_name:
            return "ExecuTorch cortex_m kernels"  # upstream's own Cortex-M backend (benchmarks/upstream)
        if "portable" in archive_name:
            return "ExecuTorch portable kernels"
        return "ExecuTorch runtime"
    if _C_LIBRARIES.search(archive):
        return "C/C++ libraries"
    if "/app/" in archive or archive_name.startswith("libapp"):
        return "application"
    if archive.startswith(("zephyr/", "modules/")) or "zephyr" in archive_name or "/zephyr/" in archive:
        return "Zephyr"
    return "other"


def _output_sections(elf_path: Path) -> dict[str, tuple[int, str]]:
    from elftools.common.exceptions import ELFError
    from elftools.elf.elffile import ELFFile

    with elf_path.open("rb") as stream:
        try:
            elf = ELFFile(stream)
        except ELFError as error:
            raise ElfSizeError(f"{elf_path}: not an ELF file ({error})") from error
        return {s.name: (int(s["sh_flags"]), s["sh_type"]) for s in elf.iter_sections()}


def component_size(elf_path: str | Path, map_path: str | Path | None = None) -> ComponentReport:
    elf_path = Path(elf_path)
    if not elf_path.is_file():
        raise ElfSizeError(f"{elf_path}: no such file")
    map_path = Path(map_path) if map_path else elf_path.with_suffix(".map")
    if not map_path.is_file():
        raise ElfSizeError(f"{map_path}: no linker map next to the ELF; link with -Wl,-Map=<file> "
                           f"(Zephyr writes zephyr.map) or give it with --map")
    sections = _output_sections(elf_path)
    components: dict[str, Usage] = {}
    largest: dict[str, list[tuple[str, int]]] = {}
    in_memory_map = False
    output: str | None = None
    pending: str | None = None
    for line in map_path.read_text(errors="replace").splitlines():
        if not in_memory_map:
            in_memory_map = line.startswith("Linker script and memory map")
            continue
        if line and not line[0].isspace():
            output = _OUTPUT.match(line).group(1)
            pending = None
            continue
        fill = _FILL.match(line)
        match = _INPUT.match(line)
        if fill:
            section, size, origin = "*fill*", int(fill.group(2), 16), "*fill*"
        elif match is None:
            stripped = line.strip()
            # A long input section name stands alone; its address and size follow on the next line.
            pending = stripped if line.startswith(" .") and " " not in stripped else None
            continue
        else:
            section = match.group(1) or pending or ""
            size = int(match.group(3), 16)
            origin = match.group(4).strip()
        pending = None
        if size == 0 or output not in sections or origin.startswith("load address"):
            continue
        flags, kind = sections[output]
        if not flags & _SHF_ALLOC:
            continue
        name = component_of(section, origin)
        usage = components.setdefault(name, Usage())
        if flags & _SHF_WRITE:
            usage.ram += size
            if kind != "SHT_NOBITS":
                usage.flash += size
        else:
            usage.flash += size
        largest.setdefault(name, []).append((section, size))
    if not in_memory_map:
        raise ElfSizeError(f"{map_path}: not a GNU ld map file (no 'Linker script and memory map')")
    for name in largest:
        largest[name] = sorted(largest[name], key=lambda item: -item[1])[:3]
    ordered = dict(sorted(components.items(), key=lambda item: (not item[0].startswith("kernels: "), item[0])))
    return ComponentReport(str(elf_path), str(map_path), ordered, largest=largest)


def non_program_flash(report: ComponentReport) -> int:
    return sum(u.flash for name, u in report.components.items() if name != "program (.pte)")


def format_components(report: ComponentReport) -> str:
    lines = [f"{report.path} (map {report.map_path})", f"{'component':<32} {'flash B':>10} {'RAM B':>10}"]
    for name, usage in report.components.items():
        lines.append(f"{name:<32} {usage.flash:>10,} {usage.ram:>10,}")
    lines.append(f"{'total':<32} {sum(u.flash for u in report.components.values()):>10,} "
                 f"{sum(u.ram for u in report.components.values()):>10,}")
    lines.append(f"{'flash that is not the program':<32} {non_program_flash(report):>10,}")
    return "\n".join(lines)
