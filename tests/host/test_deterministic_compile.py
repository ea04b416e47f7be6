"""Same model file, same bytes: `torchmcu compile` writes an identical .pte and plan.json under
every ATen CPU capability this CPU has and with 1 or 2 torch threads (docs/reproducibility.md).

Every sample and a CI-affordable subset of the reference models (BatchNorm folding, LUT
activations, softmax and matmul) compile in one child process per configuration, two at a
time; benchmarks/determinism.py runs every reference model.
"""

from __future__ import annotations

import pytest

from tests.host.determinism_worker import REPO, THREADS, capabilities, run_configurations, sample_models

REFERENCE_SUBSET = ["small_cnn", "deep_autoencoder", "tiny_transformer"]
MODELS = sample_models() + [REPO / "tests" / "models" / f"{name}.py" for name in REFERENCE_SUBSET]
BASELINE = ("default", 1)
CONFIGURATIONS = [(capability, threads) for capability, missing in capabilities().items() if missing is None
                  for threads in THREADS]


@pytest.fixture(scope="module")
def hashes(tmp_path_factory) -> dict:
    return run_configurations(CONFIGURATIONS, MODELS, tmp_path_factory.mktemp("determinism"))


def test_every_sample_is_compiled():
    assert len(sample_models()) >= 3 and all(m.is_file() for m in MODELS)


@pytest.mark.parametrize("threads", THREADS)
@pytest.mark.parametrize("capability", list(capabilities()))
def test_same_bytes_as_the_baseline(hashes, capability, threads):
    missing = capabilities()[capability]
    if missing:
        pytest.skip(missing)
    result = hashes[(capability, threads)]
    assert result["threads_seen"] == threads  # the child really ran with this many torch threads
    baseline = hashes[BASELINE]["hashes"]
    assert sorted(result["hashes"]) == sorted(baseline) and len(baseline) == len(MODELS)
    differing = {model: (digest, baseline[model]) for model, digest in result["hashes"].items()
                 if digest != baseline[model]}
    assert not differing, f"{capability}, {threads} thread(s) wrote other bytes than {BASELINE}: {differing}"
