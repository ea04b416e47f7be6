"""LSTM keyword spotter at microcontroller size: a convolutional-recurrent (CRNN) KWS.

After "Hello Edge" (Zhang et al., 2017; ARM-software/ML-KWS-for-MCU), whose CRNN puts a
strided convolution in front of the recurrent layer so it runs over few time steps:
25 frames x 10 MFCCs (batch-first) -> Conv1d(10 -> 32, kernel 4, stride 3) + ReLU over time
(8 steps) -> one unidirectional LSTM layer (64 cells) -> linear on the last hidden state
to 12 classes (10 words, silence, unknown). Random weights (PyTorch's default
initialisation, seeded); no BatchNorm to re-estimate.
"""

from torch import nn

from _kws_features import crnn_model_file  # this folder is on sys.path (CLI, zoo.py)

model, example_inputs, calibration_data = crnn_model_file(nn.LSTM)
