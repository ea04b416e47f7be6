"""MLPerf Tiny VWW, visual wake words: MobileNetV1 width 0.25 at 96x96x3, 2 classes.

The reference architecture lives in tests/models/mobilenet_v1.py (checked against mlcommons/tiny there);
this file re-exports it so the benchmark app and `torchmcu compile` can load it by path.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # the repository root

from tests.models.mobilenet_v1 import calibration_data, example_inputs, model  # noqa: E402,F401
