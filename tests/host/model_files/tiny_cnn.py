"""The tiny CNN model file the CLI tests use: samples/hello_model's model, re-exported."""

import importlib.util
from pathlib import Path

_path = Path(__file__).resolve().parents[3] / "samples" / "hello_model" / "model.py"
_spec = importlib.util.spec_from_file_location("hello_model_model", _path)
_module = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_module)

model, example_inputs, calibration_data = _module.model, _module.example_inputs, _module.calibration_data
