"""torchmcu: PyTorch models to int8 CMSIS-NN programs for Arm Cortex-M."""

__version__ = "0.1.0"
