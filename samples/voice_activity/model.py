"""voice_activity: the Silero-VAD-style conv1d reference model (tests/models/silero_vad.py)."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "tests" / "models"))

from silero_vad import calibration_data, example_inputs, model  # noqa: E402,F401
