"""MLPerf Tiny IC, image classification: ResNet-8 at 32x32x3 (CIFAR-10), 10 classes.

The reference architecture lives in tests/models/resnet8.py (checked against mlcommons/tiny there);
this file re-exports it so the benchmark app and `torchmcu compile` can load it by path.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # the repository root

from tests.models.resnet8 import calibration_data, example_inputs, model  # noqa: E402,F401
