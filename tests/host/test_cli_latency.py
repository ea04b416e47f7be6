"""The fast answers stay fast: --help, plan, header, size and argument errors never import torch.

No test here measures time (benchmarks/cli_latency.py prints the figures); they
assert the cause of slowness is absent: torch and executorch.exir stay out of
sys.modules.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

HEAVY = ("torch", "executorch.exir", "torchao")


def imported_after(code: str) -> list[str]:
    probe = code + "\nimport sys, json\nprint(json.dumps(sorted(m for m in sys.modules if m in %r)))" % (HEAVY,)
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_importing_the_cli_does_not_import_torch():
    assert imported_after("import torchmcu.cli; torchmcu.cli.build_parser()") == []


@pytest.mark.parametrize("argv", [["compile", "missing.py"], ["compile", "x.py", "--target", "cortex-m99"],
                                  ["plan", "missing.pte"], ["run", "missing.pte", "--random"],
                                  ["size", "missing.elf"], ["compare", "missing.py"]])
def test_errors_answer_without_torch(argv):
    assert imported_after(f"from torchmcu.cli import main\nassert main({argv!r}) == 1") == []


def test_plan_and_header_read_a_program_without_torch(tmp_path):
    from tests.runtime.conftest import tiny_program

    (tmp_path / "m.pte").write_bytes(tiny_program().pte)
    code = (f"from torchmcu.cli import main\nassert main(['plan', {str(tmp_path / 'm.pte')!r}, '--json']) == 0\n"
            f"assert main(['header', {str(tmp_path / 'm.pte')!r}, '--output', {str(tmp_path / 'm.h')!r}]) == 0")
    assert imported_after(code) == []


def test_the_torch_free_reader_matches_executorch(compile_cached):
    from executorch.exir._serialize._program import deserialize_pte_binary

    from torchmcu.pte_reader import KernelCall, read_program

    program, _ = compile_cached("small_cnn")
    theirs, ours = deserialize_pte_binary(program.pte).program, read_program(program.pte)
    assert [p.name for p in theirs.execution_plan] == [p.name for p in ours.execution_plan]
    for a, b in zip(theirs.execution_plan, ours.execution_plan):
        assert (list(a.inputs), list(a.outputs)) == (b.inputs, b.outputs)
        assert [int(x) for x in a.non_const_buffer_sizes] == b.non_const_buffer_sizes
        assert [(o.name, o.overload) for o in a.operators] == [(o.name, o.overload) for o in b.operators]
        for va, vb in zip(a.values, b.values):
            if type(va.val).__name__ == "Tensor":
                assert (list(va.val.sizes), va.val.data_buffer_idx) == (vb.val.sizes, vb.val.data_buffer_idx)
                assert int(getattr(va.val.scalar_type, "value", va.val.scalar_type)) == vb.val.scalar_type
        calls_a = [i.instr_args for c in a.chains for i in c.instructions if type(i.instr_args).__name__ == "KernelCall"]
        calls_b = [i.instr_args for c in b.chains for i in c.instructions if isinstance(i.instr_args, KernelCall)]
        assert [(k.op_index, list(k.args)) for k in calls_a] == [(k.op_index, k.args) for k in calls_b]


def test_the_argument_name_table_matches_the_registered_schemas():
    import torchmcu.op_arguments as table

    source = open(table.__file__).read()
    assert table.render() in source, "run `python -m torchmcu.op_arguments` and commit op_arguments.py"
