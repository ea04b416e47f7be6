"""Activation ranges chosen to minimize quantization MSE ("mse") against min/max ("minmax"):
on data with a few outliers the MSE range quantizes with less error, a compiled program's
scales change but its kernels still equal the reference, and the CLI offers the same choices."""

from __future__ import annotations

import torch
from torch import nn

from torchmcu.observers import ACTIVATION_RANGES, MseObserver
from torchmcu.quantizer import activation_spec

OBSERVER_ARGS = dict(dtype=torch.int8, quant_min=-128, quant_max=127, qscheme=torch.per_tensor_affine, eps=2.0**-20)


def _quantization_mse(observer, x: torch.Tensor) -> float:
    scale, zero_point = observer.calculate_qparams()
    q = torch.fake_quantize_per_tensor_affine(x, float(scale), int(zero_point), -128, 127)
    return float(((q - x) ** 2).mean())


def _observed(observer, x: torch.Tensor):
    """Both calibration passes, as torchmcu.compiler.calibrate runs them."""
    observer(x)
    if isinstance(observer, MseObserver):
        observer.start_histogram()
        observer(x)
        observer.choose_range()
    return observer


def _with_outliers() -> torch.Tensor:
    """A million unit-Gaussian values and one at 25: clipping it costs less than the coarser step it forces."""
    x = torch.randn(1_000_000, generator=torch.Generator().manual_seed(0))
    x[0] = 25.0
    return x


def test_mse_range_quantizes_outliers_better_than_min_max():
    x = _with_outliers()
    minmax = _observed(torch.ao.quantization.MinMaxObserver(**OBSERVER_ARGS), x)
    mse = _observed(MseObserver(**OBSERVER_ARGS), x)
    assert float(mse.max_val) < float(minmax.max_val)  # it clips the outliers
    assert _quantization_mse(mse, x) < 0.6 * _quantization_mse(minmax, x)


def test_mse_range_keeps_zero_and_a_tight_distribution():
    positive = torch.linspace(1.0, 2.0, 1000)  # no outliers: clipping pays for next to nothing
    observer = _observed(MseObserver(**OBSERVER_ARGS), positive)
    assert float(observer.min_val) == 0.0  # the range holds 0
    assert float(observer.max_val) > 1.99  # at most a few of the 2048 histogram bins clipped


def test_an_unknown_range_choice_is_refused():
    assert activation_spec("minmax") is not activation_spec("mse")
    try:
        activation_spec("percentile")
    except ValueError as error:
        assert "minmax, mse" in str(error)
    else:
        raise AssertionError("accepted an unknown activation range choice")


def test_cli_offers_the_observer_choices():
    from torchmcu.cli import build_parser

    compile_parser = build_parser()._subparsers._group_actions[0].choices["compile"]
    option = next(a for a in compile_parser._actions if a.dest == "activation_ranges")
    assert tuple(option.choices) == ACTIVATION_RANGES
    assert option.default == "minmax"


def _outlier_model_and_data():
    torch.manual_seed(0)
    model = nn.Sequential(nn.Conv2d(3, 8, 3, padding=1), nn.ReLU(), nn.Conv2d(8, 4, 1)).eval()
    g = torch.Generator().manual_seed(1)
    calibration = [(torch.randn(1, 3, 8, 8, generator=g) * (6.0 if i == 0 else 1.0),) for i in range(8)]
    return model, (calibration[1][0],), calibration


def test_mse_ranges_change_scales_and_the_program_stays_bit_exact():
    from torchmcu.compiler import compile as compile_model
    from torchmcu.run import run_program

    model, example, calibration = _outlier_model_and_data()
    programs = {ranges: compile_model(model, example, target="cortex-m3", calibration=calibration,
                                      activation_ranges=ranges) for ranges in ACTIVATION_RANGES}
    assert programs["mse"].pte != programs["minmax"].pte
    program = programs["mse"]
    ours, _ = run_program(program.pte, [x.numpy() for x in example])
    reference = program.run_reference(*example)
    assert all((torch.from_numpy(a) == b).all() for a, b in zip(ours, reference))
