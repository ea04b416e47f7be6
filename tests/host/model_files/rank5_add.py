"""An op the runtime cannot execute: compile must refuse it, naming the op and where it is."""

import torch
from torch import nn


class Rank5(nn.Module):
    def forward(self, x):
        return torch.relu(x) + 1


def model():
    return Rank5()


def example_inputs():
    return (torch.randn(1, 2, 2, 2, 3),)
