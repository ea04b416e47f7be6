"""MLPerf Tiny KWS, keyword spotting: DS-CNN on 49x10 MFCC features, 12 classes.

The reference architecture lives in tests/models/ds_cnn.py (checked against mlcommons/tiny there);
this file re-exports it so the benchmark app and `torchmcu compile` can load it by path.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # the repository root

from tests.models.ds_cnn import calibration_data, example_inputs, model  # noqa: E402,F401
