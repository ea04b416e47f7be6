"""User-facing errors: each message names the problem and where it is."""


class TorchMcuError(Exception):
    """Base of every error the CLI reports as one line (exit code 1)."""


class CompileError(TorchMcuError):
    """The model cannot be compiled as given; the message says what to change."""
