"""torchmcu: PyTorch models to int8 CMSIS-NN programs for Arm Cortex-M."""

__version__ = "0.1.0"


def compile(*args, **kwargs):
    """See `torchmcu.compiler.compile` (imported lazily: torch is heavy)."""
    from torchmcu.compiler import compile as _compile

    return _compile(*args, **kwargs)
