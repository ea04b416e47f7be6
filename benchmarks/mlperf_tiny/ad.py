"""MLPerf Tiny AD, anomaly detection: the FC autoencoder on 640 log-mel inputs.

The reference architecture lives in tests/models/deep_autoencoder.py (checked against mlcommons/tiny there);
this file re-exports it so the benchmark app and `torchmcu compile` can load it by path.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # the repository root

from tests.models.deep_autoencoder import calibration_data, example_inputs, model  # noqa: E402,F401
