"""An op the runtime cannot execute: compile must refuse it, naming the op and where it is."""

import torch
from torch import nn


def model():
    return nn.Sequential(nn.Conv3d(1, 2, 3))


def example_inputs():
    return (torch.randn(1, 1, 4, 4, 4),)
