"""The compiler's identity: a digest of this torchmcu's Python sources and of the kernels it sizes against.

A build that compiled a model at configure time reuses that program only while
this digest is unchanged (cmake/torchmcu_float_ops.cmake): a program from
another torchmcu (a new op changes the operator set the firmware checks, a new
pass changes the calls) is compiled again instead of failing on the device.

`python -m torchmcu.fingerprint` prints it; with `--files`, the files it reads (a
build reconfigures when one changes). Imports nothing heavy.
"""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
KERNELS_DIR = PACKAGE_DIR.parents[1] / "kernels"
KERNEL_SUFFIXES = {".c", ".cpp", ".h", ".cmake", ".txt"}


def tree_files(root: Path, suffixes: set[str]) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file() and p.suffix in suffixes)


def add_tree(digest, root: Path, suffixes: set[str]) -> None:
    """Feed every file under `root` with one of `suffixes` (its relative path, then its bytes) to `digest`."""
    for path in tree_files(root, suffixes):
        digest.update(str(path.relative_to(root)).encode())
        digest.update(path.read_bytes())


def _trees() -> list[tuple[Path, set[str]]]:
    return [(PACKAGE_DIR, {".py"})] + ([(KERNELS_DIR, KERNEL_SUFFIXES)] if KERNELS_DIR.is_dir() else [])


def compiler_fingerprint() -> str:
    digest = hashlib.sha256()
    for root, suffixes in _trees():
        add_tree(digest, root, suffixes)
    return digest.hexdigest()[:16]


if __name__ == "__main__":
    if sys.argv[1:] == ["--files"]:
        print(";".join(str(path) for root, suffixes in _trees() for path in tree_files(root, suffixes)))
    else:
        print(compiler_fingerprint())
