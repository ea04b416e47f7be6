import torch
from torch import nn


class DataDependent(nn.Module):
    def forward(self, x):
        # Shape depends on data: torch.export cannot produce a static graph.
        return x[x > 0].sum().reshape(1) * torch.ones(int(x.sum().item()) % 3 + 1)


def model():
    return DataDependent()


def example_inputs():
    return (torch.randn(1, 4),)
