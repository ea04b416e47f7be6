"""Every zoo model exports with torch.export, has the documented shapes and parameter count, is
deterministic, and comes with calibration data that matches its example inputs."""

from __future__ import annotations

import functools
from pathlib import Path

import pytest
import torch

from tests.models import ALL_CNN_MODELS, ALL_MODELS, AUDIO_MODELS, load

# name: (example input shapes, output shape, parameter count, BatchNorm layers).
# Parameter counts are nn.Module.parameters() (BN gamma/beta included, running stats not). ResNet-8's
# 78,186 + 2 x 240 BN running statistics = 78,666, the Keras total of the MLPerf Tiny reference.
# MobileNetV2 / V3-small counts equal torchvision's mobilenet_v2(width_mult=0.35, num_classes=2) and
# mobilenet_v3_small(width_mult=0.5, num_classes=2) (checked once by hand; torchvision is not a dependency).
# silero_vad includes the fixed 258 x 256 STFT basis (66,048).
EXPECTED = {
    "small_cnn": ([(1, 3, 32, 32)], (1, 10), 5_418, 0),
    "ds_cnn": ([(1, 1, 49, 10)], (1, 12), 23_756, 9),
    "resnet8": ([(1, 3, 32, 32)], (1, 10), 78_186, 7),
    "mobilenet_v1": ([(1, 3, 96, 96)], (1, 2), 213_586, 27),
    "mobilenet_v2": ([(1, 3, 96, 96)], (1, 2), 398_690, 52),
    "mobilenet_v3_small": ([(1, 3, 96, 96)], (1, 2), 405_290, 34),
    "deep_autoencoder": ([(1, 640)], (1, 640), 267_928, 9),
    "wav2letter": ([(1, 39, 100)], (1, 29, 50), 220_189, 0),
    "silero_vad": ([(1, 1, 1536)], (1, 1, 3), 227_073, 0),
    "conv_decoder": ([(1, 16)], (1, 1, 16, 16), 19_041, 0),
    "tiny_transformer": ([(1, 16, 32)], (1, 16, 32), 8_416, 0),
}

MODELS = [pytest.param(name, id=f"{name}-{EXPECTED[name][2]}params") for name in ALL_MODELS]


@functools.lru_cache(maxsize=None)
def _built(name: str) -> tuple[torch.nn.Module, tuple[torch.Tensor, ...]]:
    """(model, example inputs) built once per session for the tests that only read them."""
    module = load(name)
    return module.model(), module.example_inputs()


def _parameter_count(module: torch.nn.Module) -> int:
    return sum(parameter.numel() for parameter in module.parameters())


def _batchnorms(module: torch.nn.Module) -> list[torch.nn.Module]:
    return [m for m in module.modules() if isinstance(m, torch.nn.modules.batchnorm._BatchNorm)]


def test_registry_lists_every_model_file_once():
    files = {p.stem for p in Path(__file__).parent.glob("*.py") if not p.stem.startswith(("_", "test_"))}
    assert set(ALL_MODELS) == files == set(EXPECTED)
    assert (len(ALL_CNN_MODELS), len(AUDIO_MODELS)) == (7, 4) and len(set(ALL_MODELS)) == len(ALL_MODELS)
    with pytest.raises(KeyError):
        load("resnet18")


@pytest.mark.parametrize("name", MODELS)
def test_model_is_documented_and_matches_its_table_entry(name):
    module = load(name)
    input_shapes, output_shape, parameters, batchnorms = EXPECTED[name]
    assert module.__doc__ and len(module.__doc__) > 100, "the docstring says which architecture this reproduces"
    network, inputs = _built(name)
    assert not network.training
    assert [tuple(x.shape) for x in inputs] == input_shapes
    assert all(x.dtype == torch.float32 for x in inputs)
    assert _parameter_count(network) == parameters
    assert len(_batchnorms(network)) == batchnorms
    with torch.no_grad():
        output = network(*inputs)
    assert tuple(output.shape) == output_shape
    assert torch.isfinite(output).all()


@pytest.mark.parametrize("name", MODELS)
def test_export_matches_eager(name):
    network, inputs = _built(name)
    exported = torch.export.export(network, inputs)
    with torch.no_grad():
        expected = network(*inputs)
        actual = exported.module()(*inputs)
    assert tuple(actual.shape) == EXPECTED[name][1]
    torch.testing.assert_close(actual, expected)


# nn.LSTM keeps its weights in a plain list (_flat_weights); export warns that it reassigns them.
@pytest.mark.filterwarnings("ignore:The tensor attributes self.lstm._flat_weights")
def test_silero_vad_lstm_variant_exports():
    module = load("silero_vad")
    network, inputs = module.model(lstm=True), module.example_inputs()
    exported = torch.export.export(network, inputs)
    with torch.no_grad():
        torch.testing.assert_close(exported.module()(*inputs), network(*inputs))
    assert tuple(network(*inputs).shape) == EXPECTED["silero_vad"][1]


@pytest.mark.parametrize("name", MODELS)
def test_model_and_data_are_deterministic(name):
    module = load(name)
    first, second = _built(name)[0].state_dict(), module.model().state_dict()
    assert first.keys() == second.keys()
    for key in first:
        assert torch.equal(first[key], second[key]), key
    for a, b in zip(module.example_inputs(), module.example_inputs()):
        assert torch.equal(a, b)
    for sample_a, sample_b in zip(module.calibration_data(), module.calibration_data(), strict=True):
        for a, b in zip(sample_a, sample_b, strict=True):
            assert torch.equal(a, b)


@pytest.mark.parametrize("name", MODELS)
def test_calibration_data_matches_example_inputs(name):
    module = load(name)
    example = module.example_inputs()
    samples = module.calibration_data()
    assert 8 <= len(samples) <= 16
    network = _built(name)[0]
    outputs = []
    for sample in samples:
        assert isinstance(sample, tuple)
        assert [(x.shape, x.dtype) for x in sample] == [(x.shape, x.dtype) for x in example]
        assert all(torch.isfinite(x).all() for x in sample)
        with torch.no_grad():
            outputs.append(network(*sample))
    assert all(torch.isfinite(output).all() for output in outputs)
    # Distinct samples that move the output: calibration on copies of one input would test nothing.
    assert all(not torch.equal(a[0], b[0]) for i, a in enumerate(samples) for b in samples[i + 1:])
    assert torch.stack(outputs).std(dim=0).max() > 1e-4


@pytest.mark.parametrize("name", [n for n in ALL_MODELS if EXPECTED[n][3]])
def test_batchnorm_is_not_the_identity(name):
    """The compiler folds BN; default BN (mean 0, var 1, gamma 1, beta 0) would hide folding bugs."""
    for norm in _batchnorms(_built(name)[0]):
        assert norm.running_mean.abs().max() > 1e-3
        assert (norm.running_var - 1).abs().max() > 1e-3
        assert (norm.weight - 1).abs().max() > 1e-3 and norm.bias.abs().max() > 1e-3


def test_image_inputs_look_like_images():
    for name in ("small_cnn", "resnet8", "mobilenet_v1", "mobilenet_v2", "mobilenet_v3_small"):
        for (image,) in load(name).calibration_data():
            assert 0.0 <= image.min() < 0.25 and 0.75 < image.max() <= 1.0


@pytest.mark.parametrize("name", MODELS)
def test_loadable_as_a_torchmcu_model_file(name):
    """The CLI loads model files by path (not as tests.models.*), so the sibling import must work then too."""
    model_file = pytest.importorskip("torchmcu.model_file")
    loaded = model_file.load_model_file(Path(__file__).parent / f"{name}.py")
    assert _parameter_count(loaded.module) == EXPECTED[name][2]
    assert loaded.calibration is not None and len(loaded.calibration) == len(load(name).calibration_data())
