"""The compiler fingerprint a firmware build keys its configure-time program on (cmake/torchmcu_float_ops.cmake)."""

import hashlib
import shutil
import subprocess
import sys

from torchmcu import fingerprint


def test_fingerprint_changes_with_any_compiler_source(tmp_path, monkeypatch):
    package = tmp_path / "torchmcu"
    shutil.copytree(fingerprint.PACKAGE_DIR, package, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(fingerprint, "PACKAGE_DIR", package)
    monkeypatch.setattr(fingerprint, "KERNELS_DIR", tmp_path / "kernels")  # absent: Python sources only
    before = fingerprint.compiler_fingerprint()
    assert fingerprint.compiler_fingerprint() == before
    pass_file = package / "passes" / "fold_transposes_pass.py"
    pass_file.write_text(pass_file.read_text() + "\n# another torchmcu\n")
    assert fingerprint.compiler_fingerprint() != before


def test_files_are_what_the_fingerprint_reads():
    listed = subprocess.run([sys.executable, "-m", "torchmcu.fingerprint", "--files"], capture_output=True,
                            text=True, check=True).stdout.strip().split(";")
    assert str(fingerprint.PACKAGE_DIR / "compiler.py") in listed
    digest = hashlib.sha256()
    for root, suffixes in fingerprint._trees():
        fingerprint.add_tree(digest, root, suffixes)
    printed = subprocess.run([sys.executable, "-m", "torchmcu.fingerprint"], capture_output=True, text=True,
                             check=True).stdout.strip()
    assert printed == digest.hexdigest()[:16]
