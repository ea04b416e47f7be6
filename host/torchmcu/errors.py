"""User-facing errors: each message names the problem and where it is.

Every class carries the CLI exit code it maps to (docs/reports.md):
1 usage and input errors, 2 `--strict` refusals, 3 comparison mismatches.
"""

from __future__ import annotations

from pathlib import Path

EXIT_ERROR, EXIT_STRICT, EXIT_MISMATCH = 1, 2, 3


class TorchMcuError(Exception):
    """Base of every error the CLI reports as one line (exit code 1)."""

    exit_code = EXIT_ERROR


class UsageError(TorchMcuError):
    """A command-line argument is missing, malformed or contradicts another."""


class CompileError(TorchMcuError):
    """The model cannot be compiled as given; the message says what to change."""


class StrictError(CompileError):
    """`--strict` refused a program that would keep float ops or exceed a budget."""

    exit_code = EXIT_STRICT


class MismatchError(TorchMcuError):
    """The host kernels and the Python reference disagree."""

    exit_code = EXIT_MISMATCH


def existing_file(path: str | Path, error: type[TorchMcuError], expected: str) -> Path:
    """`path`, refused with one line naming it when it is a directory or does not exist."""
    path = Path(path)
    if path.is_dir():
        raise error(f"{path}: is a directory, expected {expected}")
    if not path.is_file():
        raise error(f"{path}: no such file")
    return path
