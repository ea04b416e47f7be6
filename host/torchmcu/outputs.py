"""Output paths checked up front and files written atomically.

Every file goes to a temporary name in its directory and is renamed over the
target, so a reader never sees half a file and a failed command leaves the
previous file (or none) in place. Paths are checked before anything slow runs,
so a typo in --output-dir costs a second, not a compile.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from torchmcu.errors import UsageError


def _nearest_existing(path: Path) -> Path:
    path = path.absolute()
    while not path.exists() and path != path.parent:
        path = path.parent
    return path


def check_output_dir(directory: str | Path, flag: str = "--output-dir") -> Path:
    """A directory that exists or can be created, and can be written."""
    directory = Path(directory)
    if str(directory).strip() == "":
        raise UsageError(f"{flag}: empty path")
    if directory.exists() and not directory.is_dir():
        raise UsageError(f"{flag} {directory}: exists and is not a directory")
    existing = _nearest_existing(directory)
    if not existing.is_dir():
        raise UsageError(f"{flag} {directory}: {existing} is not a directory")
    if not os.access(existing, os.W_OK | os.X_OK):
        raise UsageError(f"{flag} {directory}: {existing} is not writable")
    return directory


def check_output_file(path: str | Path, flag: str = "--output", create_parents: bool = False) -> Path:
    """A file path whose directory exists (or may be created) and which is not a directory itself."""
    path = Path(path)
    if str(path).strip() == "" or path.name in ("", ".", ".."):
        raise UsageError(f"{flag} {str(path)!r}: not a file name")
    if path.is_dir():
        raise UsageError(f"{flag} {path}: is a directory")
    parent = path.absolute().parent
    if not create_parents and not parent.is_dir():
        if parent.exists():
            raise UsageError(f"{flag} {path}: {parent} is not a directory")
        raise UsageError(f"{flag} {path}: directory {parent} does not exist")
    check_output_dir(parent, flag=f"{flag} {path}: directory")
    return path


def check_stem(name: str, flag: str = "--name") -> str:
    """A bare file stem: it cannot climb out of the output directory or hide a path."""
    if not name or name.strip() != name or name in (".", "..") or "/" in name or "\\" in name or "\0" in name \
            or name.startswith("."):
        raise UsageError(f"{flag} {name!r}: must be a plain file name stem (no '/', no leading '.', no spaces "
                         "around it); the files go into --output-dir")
    return name


def write_atomic(path: str | Path, data: bytes | str) -> Path:
    """Write `data` to `path` through a temporary file in the same directory and a rename."""
    path = Path(path)
    payload = data.encode() if isinstance(data, str) else data
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(descriptor, "wb") as stream:
            stream.write(payload)
        os.chmod(temporary, 0o644 & ~_umask())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return path


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


def remove_quietly(*paths: Path) -> None:
    """Remove outputs a failed command must not leave behind (missing files are fine)."""
    for path in paths:
        try:
            Path(path).unlink()
        except (FileNotFoundError, IsADirectoryError):
            pass
