"""keyword_spotting: the DS-CNN reference model (tests/models/ds_cnn.py), 49x10 MFCC -> 12 keywords."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "tests" / "models"))

from ds_cnn import calibration_data, example_inputs, model  # noqa: E402,F401
