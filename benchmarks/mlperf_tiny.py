"""MLPerf Tiny on emulated Cortex-M55, M33 and M4: instructions, RAM and flash per inference.

    python benchmarks/mlperf_tiny.py [--models kws,vww,ic,ad] [--boards m55,m33,m4]
                                     [--backends cmsis_nn,portable] [--no-upstream] [--no-ours]
                                     [--results cells.jsonl]
    python benchmarks/mlperf_tiny.py --report cells.jsonl [more.jsonl ...]

For each model, board and backend: a `west build` of benchmarks/mlperf_tiny/app through the
Zephyr workspace (../shared/zephyr), two QEMU runs under -icount shift=0 (both counts printed;
they must be identical), the arena / method-pool / stack bytes the firmware reports, the flash
split from the map file (`torchmcu size --components`), and whether the output bytes equal the
host runner's. "direct" is the same kernel calls (same shapes) run straight on the kernels
through the tests/target harness (-O2, as the app builds everything); "ratio"
is ours / direct. With benchmarks/upstream present (issue #20), the same models also run
through upstream ExecuTorch's Cortex-M backend on the same boards, also at -O2. --results appends
every cell as a JSON line; --report prints the tables from such files (a table measured in parts).
See docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO), str(REPO / "host")]

from benchmarks.mlperf_tiny import firmware, layers  # noqa: E402
from tests.target import harness  # noqa: E402
from tests.zephyr.zephyr_workspace import build_root, workspace_missing, zephyr_env  # noqa: E402
from torchmcu.report.components import component_size  # noqa: E402


def flash_split(elf: Path) -> dict[str, int]:
    """Flash bytes: program, torchmcu (kernels + runner), ExecuTorch runtime, CMSIS-NN, total."""
    components = {name: usage.flash for name, usage in component_size(elf).components.items()}
    ours = sum(v for k, v in components.items() if k.startswith(("kernels: ", "torchmcu ")))
    return {"program": components.get("program (.pte)", 0), "torchmcu": ours,
            "ExecuTorch": components.get("ExecuTorch runtime", 0), "CMSIS-NN": components.get("CMSIS-NN", 0),
            "total": sum(components.values())}


def direct_instructions(pte: bytes, board: str, backend: str, elf: Path) -> int:
    """The program's kernel calls run straight on the kernels (tests/target harness, built with the CPU
    flags of the firmware `elf`), summed."""
    firmware.check_baseline_flags(board, elf)
    machine = firmware.BOARDS[board].harness
    cases = layers.program_cases(pte, machine.isa)
    results = harness.run(machine, cases, backend)
    for case, result in zip(cases, results):
        if result.status != 0:
            raise RuntimeError(f"{case.label} on {machine.name}: harness status {result.status}")
    return round(sum(r.ticks for r in results) * machine.instructions_per_tick)


def ours(model: str, board: str, backend: str, directory: Path | None = None) -> dict:
    elf = firmware.build(board, model, backend, directory)
    first, second = (firmware.measure(board, elf, model) for _ in range(2))
    pte = firmware.embedded_program(elf).read_bytes()
    direct = direct_instructions(pte, board, backend, elf)
    return {"model": model, "board": board, "backend": backend, "instructions": first.instructions,
            "again": second.instructions, "arena": first.arena, "method_pool": first.method_pool,
            "method_pool_used": first.method_pool_used, "stack": first.stack, "equal": first.matches_host,
            "direct": direct, "ratio": first.instructions / direct, **flash_split(elf)}


def upstream(model: str, board: str) -> dict:
    """The same model through upstream ExecuTorch's Cortex-M backend (benchmarks/upstream, issue #20)."""
    from benchmarks import upstream as up

    out = build_root() / "mlperf_tiny" / f"{board}-upstream" / f"{model}.pte"
    pte = up.compile_upstream(firmware.HERE / f"{model}.py", out, board)
    first = up.build_and_run(pte, board)
    again, *_ = up.run(first.elf, board)
    return {"model": model, "board": board, "instructions": first.instructions, "again": again,
            "arena": first.planned_bytes, "method_pool": first.method_pool_bytes,
            "program": first.program_bytes, "non_program": first.non_program_flash}


def print_ours_header() -> None:
    print("| model | board | backend | instructions | again | arena | method pool (used) | stack | program | "
          "torchmcu | ExecuTorch | CMSIS-NN | flash total | = host | direct | ratio |")
    print("|---|---|---|" + "---:|" * 10 + "---|" + "---:|" * 2)


def print_ours(r: dict) -> None:
    if "error" in r:
        print(f"| {r['model']} | {r['board']} | {r['backend']} | failed: {r['error']} |" + " |" * 13, flush=True)
        return
    print(f"| {r['model']} | {r['board']} | {r['backend']} | {r['instructions']:,} | {r['again']:,} | "
          f"{r['arena']:,} | {r['method_pool']:,} ({r['method_pool_used']:,}) | {r['stack']:,} | "
          f"{r['program']:,} | {r['torchmcu']:,} | {r['ExecuTorch']:,} | {r['CMSIS-NN']:,} | {r['total']:,} | "
          f"{'yes' if r['equal'] else 'NO'} | {r['direct']:,} | {r['ratio']:.3f} |", flush=True)


def print_upstream(rows: list[dict], mine: list[dict]) -> None:
    ours_by_cell = {(r["model"], r["board"]): r for r in mine
                    if r["backend"] == "cmsis_nn" and "error" not in r}
    print("\n| model | board | upstream instructions | again | arena | method pool used | program | flash w/o program "
          "| ours / upstream: instructions | arena + pool used | flash w/o program |")
    print("|---|---|" + "---:|" * 9)
    for r in rows:
        if "error" in r:
            print(f"| {r['model']} | {r['board']} | failed: {r['error']} |" + " |" * 8)
            continue
        o = ours_by_cell.get((r["model"], r["board"]))
        ratios = ["", "", ""]
        if o:
            ratios = [f"{o['instructions'] / r['instructions']:.3f}",
                      f"{(o['arena'] + o['method_pool_used']) / (r['arena'] + r['method_pool']):.3f}",
                      f"{(o['total'] - o['program']) / r['non_program']:.3f}"]
        print(f"| {r['model']} | {r['board']} | {r['instructions']:,} | {r['again']:,} | {r['arena']:,} | "
              f"{r['method_pool']:,} | {r['program']:,} | {r['non_program']:,} | " + " | ".join(ratios) + " |")


def cell(results: Path | None, side: str, measure, **names) -> dict:
    """One cell's row, or how it failed (a failing cell is a result); appended to `results` as a JSON line."""
    try:
        row = measure(**names)
    except Exception as error:
        text = str(error).strip()  # the table shows its first line, the file keeps the build's or console's tail
        row = {**names, "error": text.splitlines()[0][:200], "detail": text[-4000:]}
    if results:
        with results.open("a") as stream:
            stream.write(json.dumps({"side": side, **row}) + "\n")
    return row


def report(files: list[str]) -> int:
    """The tables from cells stored by --results (the last row of a cell wins)."""
    missing = [name for name in files if not Path(name).is_file()]
    if missing:
        print(f"error: --report: no such file {', '.join(missing)}", file=sys.stderr)
        return 1
    rows = {}
    for name in files:
        for line in Path(name).read_text().splitlines():
            row = json.loads(line)
            rows[(row["side"], row["model"], row["board"], row.get("backend"))] = row
    mine = [r for r in rows.values() if r["side"] == "ours"]
    print_ours_header()
    for r in mine:
        print_ours(r)
    print_upstream([r for r in rows.values() if r["side"] == "upstream"], mine)
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", default=",".join(firmware.MODELS))
    parser.add_argument("--boards", default=",".join(firmware.BOARDS))
    parser.add_argument("--backends", default=",".join(firmware.BACKENDS))
    parser.add_argument("--no-upstream", action="store_true", help="skip upstream ExecuTorch's column")
    parser.add_argument("--no-ours", action="store_true", help="skip torchmcu's cells")
    parser.add_argument("--results", type=Path, help="append every cell's row to this file (JSON lines)")
    parser.add_argument("--report", nargs="+", metavar="RESULTS", help="print the tables of stored cells, run nothing")
    args = parser.parse_args()
    if args.report:
        return report(args.report)
    chosen = {}
    for option, known in (("models", firmware.MODELS), ("boards", firmware.BOARDS), ("backends", firmware.BACKENDS)):
        chosen[option] = getattr(args, option).split(",")
        unknown = [v for v in chosen[option] if v not in known]
        if unknown:
            print(f"error: --{option}: unknown {', '.join(unknown)} (known: {', '.join(known)})", file=sys.stderr)
            return 1
    for missing in (workspace_missing(), harness.tools_missing()):
        if missing:
            print(f"error: {missing}", file=sys.stderr)
            return 1
    # The baseline calls the CMSIS-NN the firmware links: the Zephyr workspace's module.
    os.environ["CMSIS_NN_PATH"] = str(Path(zephyr_env()["ZEPHYR_BASE"]).parent / "modules" / "lib" / "cmsis-nn")
    mine = []
    print_ours_header()
    for board in chosen["boards"] if not args.no_ours else ():
        for backend in chosen["backends"]:
            for model in chosen["models"]:
                mine.append(cell(args.results, "ours", ours, model=model, board=board, backend=backend))
                print_ours(mine[-1])
    has_upstream = (REPO / "benchmarks" / "upstream" / "__init__.py").is_file()
    if args.no_upstream or not has_upstream:
        print("\nupstream: " + ("skipped (--no-upstream)" if args.no_upstream else "benchmarks/upstream is absent"))
        return 0
    rows = []
    for board in chosen["boards"]:
        for model in chosen["models"]:
            rows.append(cell(args.results, "upstream", upstream, model=model, board=board))
    print_upstream(rows, mine)
    return 0


if __name__ == "__main__":
    sys.exit(main())
