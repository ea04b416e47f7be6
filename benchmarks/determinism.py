"""sha256 of every sample's and every reference model's .pte (and plan.json) per ATen CPU
capability x torch threads, and whether they are all identical (docs/reproducibility.md).

    python benchmarks/determinism.py [--parallel 2]

Capabilities this CPU lacks are listed as skipped. Exit status 1 if any bytes differ.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from _models import REPO  # noqa: F401  (puts the repository on sys.path)

from tests.host.determinism_worker import THREADS, capabilities, reference_models, run_configurations, sample_models


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--parallel", type=int, default=2, help="configurations compiled at once (default: 2)")
    args = parser.parse_args()
    for capability, missing in capabilities().items():
        if missing:
            print(f"skipped {capability}: {missing}")
    configurations = [(c, t) for c, missing in capabilities().items() if missing is None for t in THREADS]
    models = sample_models() + reference_models()
    with tempfile.TemporaryDirectory() as out:
        results = run_configurations(configurations, models, Path(out), parallel=args.parallel)
    print(f"{'model':<36} {'capability':<10} {'threads':>7}  {'.pte sha256':<64}  plan.json sha256")
    identical = True
    for model in results[configurations[0]]["hashes"]:
        digests = set()
        for capability, threads in configurations:
            digest = results[(capability, threads)]["hashes"][model]
            digests.add((digest["pte"], digest["plan"]))
            print(f"{model:<36} {capability:<10} {threads:>7}  {digest['pte']}  {digest['plan']}")
        identical &= len(digests) == 1
    print(f"all identical: {'yes' if identical else 'NO'} ({len(models)} models x {len(configurations)} configurations)")
    return 0 if identical else 1


if __name__ == "__main__":
    sys.exit(main())
