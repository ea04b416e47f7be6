import torch
from torch import nn


def model():
    return nn.Linear(4, 2)


def example_inputs():
    return (torch.randn(2, 4),)


def dynamic_shapes():
    return {"input": {0: torch.export.Dim("batch")}}
