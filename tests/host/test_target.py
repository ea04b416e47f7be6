"""Target strings resolve to the CMSIS-NN backend each CPU runs."""

import pytest

from torchmcu.target import TargetError, parse_target, valid_targets


@pytest.mark.parametrize(
    "text,isa",
    [
        ("cortex-m0", "scalar"), ("cortex-m0plus", "scalar"), ("cortex-m3", "scalar"), ("cortex-m4", "dsp"),
        ("cortex-m7", "dsp"), ("cortex-m23", "scalar"), ("cortex-m33", "dsp"), ("cortex-m35p", "dsp"),
        ("cortex-m55", "mve"), ("cortex-m85", "mve"), ("cortex-m55+int8", "mve"), ("cortex-m55+nomve", "dsp"),
        ("cortex-m85+int8+nomve", "dsp"), ("cortex-m33+nodsp", "scalar"), ("cortex-m35p+nodsp", "scalar"),
    ],
)
def test_isa(text, isa):
    target = parse_target(text)
    assert target.isa == isa
    assert parse_target(target.name) == target


@pytest.mark.parametrize(
    "text,fragment",
    [
        ("cortex-m0+mve", "has no MVE"), ("cortex-m4+nomve", "meaningless"), ("cortex-m55+nodsp", "always has"),
        ("cortex-m99", "unknown CPU"), ("cortex-m55+fp16", "unknown target suffix"), ("", "empty target"),
    ],
)
def test_invalid_targets_list_valid_values(text, fragment):
    with pytest.raises(TargetError) as info:
        parse_target(text)
    assert fragment in str(info.value)
    assert "cortex-m55" in str(info.value) and "+nomve" in str(info.value)


def test_every_cpu_is_listed():
    assert len(valid_targets()) == 10
