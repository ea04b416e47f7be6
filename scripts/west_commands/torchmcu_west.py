"""`west torchmcu ...`: the torchmcu host CLI inside west.

    west torchmcu compile model.py --target cortex-m55 --output-dir out
    west torchmcu plan out/model.pte
    west torchmcu run out/model.pte --pattern

Every argument goes to `python -m torchmcu` unchanged, with the interpreter
west itself runs under (install torchmcu into it: pip install <torchmcu>/).
"""

from __future__ import annotations

import argparse
import subprocess
import sys

from west.commands import WestCommand


def torchmcu_command(arguments: list[str]) -> list[str]:
    """The command line `west torchmcu <arguments>` runs."""
    return [sys.executable, "-m", "torchmcu", *arguments]


class TorchMcu(WestCommand):
    def __init__(self) -> None:
        super().__init__("torchmcu", "run the torchmcu host toolchain", __doc__, accepts_unknown_args=True)

    def do_add_parser(self, parser_adder):
        parser = parser_adder.add_parser(self.name, help=self.help, description=self.description,
                                         formatter_class=argparse.RawDescriptionHelpFormatter, add_help=False)
        return parser

    def do_run(self, args, unknown: list[str]) -> None:
        completed = subprocess.run(torchmcu_command(unknown))
        if completed.returncode != 0:
            self.die(f"torchmcu exited with status {completed.returncode}")
