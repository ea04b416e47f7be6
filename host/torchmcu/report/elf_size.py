"""`torchmcu size firmware.elf`: flash and RAM a firmware image spends on the program bytes,
the arena, the method allocator, torchmcu's kernels, the ExecuTorch runtime, CMSIS-NN and
everything else, with the memory regions (loadable segments) they land in.

Symbols are sorted into categories by name (docs/reports.md); a symbol in a writable
section costs RAM (and flash too when it has an initial value), any other allocated
symbol costs flash.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from torchmcu.errors import TorchMcuError, existing_file

CATEGORIES = ("program (.pte)", "arena", "method allocator", "torchmcu kernels", "ExecuTorch runtime", "CMSIS-NN",
              "other")
# First match wins; names are matched raw (C++ names mangled: _ZN8torchmcu..., _ZN10executorch...).
_RULES = (
    ("program (.pte)", re.compile(r"_pte$")),
    ("method allocator", re.compile(r"method_(pool|allocator)", re.I)),
    ("arena", re.compile(r"arena", re.I)),
    ("torchmcu kernels", re.compile(r"^tmcu_|torchmcu")),
    ("ExecuTorch runtime", re.compile(r"executorch|torch\d*executor|^et_pal_|^_ZN\d*executorch")),
    ("CMSIS-NN", re.compile(r"^arm_")),
)
_SHF_WRITE, _SHF_ALLOC, _SHT_NOBITS = 0x1, 0x2, 8


class ElfSizeError(TorchMcuError):
    """The file is not an Arm ELF with a symbol table."""


def category_of(name: str) -> str:
    for category, pattern in _RULES:
        if pattern.search(name):
            return category
    return "other"


@dataclass
class Usage:
    flash: int = 0
    ram: int = 0


@dataclass
class Segment:
    address: int
    file_bytes: int
    memory_bytes: int
    flags: str


@dataclass
class SizeReport:
    path: str
    machine: str
    categories: dict[str, Usage]
    largest: dict[str, list[tuple[str, int]]]
    section_flash: int
    section_ram: int
    segments: list[Segment] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"path": self.path, "machine": self.machine,
                "categories": {k: {"flash": v.flash, "ram": v.ram} for k, v in self.categories.items()},
                "largest": self.largest, "section_flash": self.section_flash, "section_ram": self.section_ram,
                "segments": [vars(s) for s in self.segments]}


def elf_size(path: str | Path) -> SizeReport:
    path = existing_file(path, ElfSizeError, "a firmware ELF (Zephyr: build/zephyr/zephyr.elf)")
    try:
        return _elf_size(path)
    except ElfSizeError:
        raise
    except Exception as error:  # pyelftools raises struct, ELFParseError, ... on truncated images
        raise ElfSizeError(f"{path}: truncated or corrupted ELF ({type(error).__name__})") from error


def _elf_size(path: Path) -> SizeReport:
    from elftools.common.exceptions import ELFError
    from elftools.elf.elffile import ELFFile
    from elftools.elf.sections import SymbolTableSection
    with path.open("rb") as stream:
        try:
            elf = ELFFile(stream)
        except ELFError as error:
            raise ElfSizeError(f"{path}: not an ELF file ({error})") from error
        if elf["e_machine"] != "EM_ARM":
            raise ElfSizeError(f"{path}: not an Arm ELF (machine {elf['e_machine']}); torchmcu size reads "
                               f"Cortex-M firmware images")
        symtab = elf.get_section_by_name(".symtab")
        if not isinstance(symtab, SymbolTableSection) or symtab.num_symbols() == 0:
            raise ElfSizeError(f"{path}: stripped (no .symtab); give the unstripped image "
                               f"(Zephyr: build/zephyr/zephyr.elf)")
        sections = list(elf.iter_sections())
        categories = {name: Usage() for name in CATEGORIES}
        largest: dict[str, list[tuple[str, int]]] = {name: [] for name in CATEGORIES}
        for symbol in symtab.iter_symbols():
            kind = symbol["st_info"]["type"]
            size = int(symbol["st_size"])
            index = symbol["st_shndx"]
            if kind not in ("STT_OBJECT", "STT_FUNC") or size == 0 or not isinstance(index, int):
                continue
            section = sections[index]
            if not section["sh_flags"] & _SHF_ALLOC:
                continue
            usage = categories[category_of(symbol.name)]
            if section["sh_flags"] & _SHF_WRITE:
                usage.ram += size
                if section["sh_type"] != "SHT_NOBITS":
                    usage.flash += size  # the initial value is stored in flash and copied at boot
            else:
                usage.flash += size
            largest[category_of(symbol.name)].append((symbol.name, size))
        section_flash = section_ram = 0
        for section in sections:
            flags = section["sh_flags"]
            if not flags & _SHF_ALLOC or section["sh_size"] == 0:
                continue
            if flags & _SHF_WRITE:
                section_ram += section["sh_size"]
                if section["sh_type"] != "SHT_NOBITS":
                    section_flash += section["sh_size"]
            else:
                section_flash += section["sh_size"]
        segments = []
        for segment in elf.iter_segments():
            if segment["p_type"] != "PT_LOAD" or segment["p_memsz"] == 0:
                continue
            flags = segment["p_flags"]
            segments.append(Segment(int(segment["p_paddr"]), int(segment["p_filesz"]), int(segment["p_memsz"]),
                                    ("R" if flags & 4 else "-") + ("W" if flags & 2 else "-") +
                                    ("X" if flags & 1 else "-")))
    for name in largest:
        largest[name] = sorted(largest[name], key=lambda item: -item[1])[:5]
    return SizeReport(str(path), "ARM", categories, largest, section_flash, section_ram, segments)


def format_size(report: SizeReport) -> str:
    lines = [f"{report.path} ({report.machine})", f"{'category':<22} {'flash B':>10} {'RAM B':>10}"]
    for name, usage in report.categories.items():
        lines.append(f"{name:<22} {usage.flash:>10,} {usage.ram:>10,}")
    symbols_flash = sum(u.flash for u in report.categories.values())
    symbols_ram = sum(u.ram for u in report.categories.values())
    lines.append(f"{'sized symbols':<22} {symbols_flash:>10,} {symbols_ram:>10,}")
    lines.append(f"{'all sections':<22} {report.section_flash:>10,} {report.section_ram:>10,}")
    lines.append("")
    lines.append("memory regions (loadable segments):")
    for segment in report.segments:
        lines.append(f"  0x{segment.address:08x} {segment.flags}  file {segment.file_bytes:>10,} B  "
                     f"memory {segment.memory_bytes:>10,} B")
    biggest = [(name, symbol, size) for name, items in report.largest.items() for symbol, size in items[:1]]
    if biggest:
        lines.append("")
        lines.append("largest symbol per category:")
        for name, symbol, size in biggest:
            lines.append(f"  {name:<20} {symbol} ({size:,} B)")
    return "\n".join(lines)
