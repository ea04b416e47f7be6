"""An op the runtime cannot execute: compile must refuse it, naming the op and where it is."""

import torch
from torch import nn


class Sorter(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(8, 8)

    def forward(self, x):
        return torch.sort(self.fc(x), dim=-1).values


def model():
    return Sorter()


def example_inputs():
    return (torch.randn(1, 8),)
