import torch


def example_inputs():
    return (torch.randn(1, 4),)
