#!/usr/bin/env python3
"""Reading a generated chronology in-process: yamlio.parse_yaml with the fast reader (yaml_rs
values, lines from a scan) against PyYAML's way (the C loader and yamlio's node walk), the two
interleaved in one run, with the garbage collector paused as load_chronology does.

    .venv/bin/python benchmarks/yaml_bench.py                  # 10,000 entries, median of 7
    .venv/bin/python benchmarks/yaml_bench.py --entries 1000 --runs 11
    .venv/bin/python benchmarks/yaml_bench.py --check --runs 5  # whole imr check processes

Also the schema validation of the same chronology (compiled validator), for scale. With --check:
`imr check` on the example case with N generated entries, as whole processes with the fast
reader on and off (this tree's code both times), interleaved: wall time and the CPU time of the
process, which a shared machine inflates less. On a shared machine the absolute times are
inflated: the ratios are the figures to compare.
"""

from __future__ import annotations

import argparse
import gc
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from imr_site.case import yamlfast, yamlio
from imr_site.chronology.io import dump_chronology
from imr_site.chronology.sample import generate_entries
from imr_site.review import schema


def _seconds(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


CHECK = (
    "import sys; from imr_site.case import yamlio; yamlio.FAST = {fast}; "
    "from imr_site.cli import main; sys.exit(main(['check', {case!r}]))"
)


def whole_check(entries: int, runs: int) -> None:
    sys.path.insert(0, str(Path(__file__).parent))
    from check_bench import example_with

    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    with tempfile.TemporaryDirectory() as tmp:
        case = str(example_with(Path(tmp) / "case", entries))
        wall: dict[bool, list[float]] = {True: [], False: []}
        cpu: dict[bool, list[float]] = {True: [], False: []}
        for _ in range(runs):
            for fast in (True, False):
                before, start = os.times(), time.perf_counter()
                code = CHECK.format(fast=fast, case=case)
                subprocess.run([sys.executable, "-c", code], env=env, capture_output=True)
                after = os.times()
                wall[fast].append(time.perf_counter() - start)
                cpu[fast].append(
                    after.children_user
                    + after.children_system
                    - before.children_user
                    - before.children_system
                )
    print(f"imr check, {entries:,} entries, whole processes (median of {runs}, interleaved)")
    for fast, name in ((False, "PyYAML's way"), (True, "fast reader ")):
        w, c = statistics.median(wall[fast]), statistics.median(cpu[fast])
        print(f"  {name}: wall {w:.3f} s, CPU {c:.3f} s")
    w_ratio = statistics.median(wall[False]) / statistics.median(wall[True])
    c_ratio = statistics.median(cpu[False]) / statistics.median(cpu[True])
    print(f"  ratio: wall {w_ratio:.2f}x, CPU {c_ratio:.2f}x")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--entries", type=int, default=10_000)
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--check", action="store_true", help="time whole imr check processes")
    args = ap.parse_args()
    if args.check:
        whole_check(args.entries, args.runs)
        return
    text = dump_chronology(generate_entries(args.entries, seed=args.entries))
    data = yamlio.parse_yaml(text)
    chronology_schema = schema.shipped("chronology")
    schema.validate(data, chronology_schema)  # compiled once, as in a run of imr check

    def read(fast: bool):
        def run():
            yamlio.FAST = fast
            try:
                yamlio.parse_yaml(text, "data/chronology.yml")
            finally:
                yamlio.FAST = True

        return run

    times: dict[str, list[float]] = {"fast": [], "pyyaml": [], "validate": []}
    was = gc.isenabled()
    gc.disable()
    try:
        for _ in range(args.runs):  # interleaved, so that the machine's load falls on both
            times["fast"].append(_seconds(read(True)))
            times["pyyaml"].append(_seconds(read(False)))
            times["validate"].append(_seconds(lambda: schema.validate(data, chronology_schema)))
    finally:
        if was:
            gc.enable()
    med = {k: statistics.median(v) for k, v in times.items()}
    print(f"chronology: {args.entries:,} entries, {len(text) / 1e6:.1f} MB; median of {args.runs}")
    print(f"  reader: {yamlio.reader()}")
    if not yamlfast.AVAILABLE:
        print("  (yaml_rs is not installed: both figures are PyYAML's)")
    print(f"  parse_yaml, PyYAML's way:  {med['pyyaml']:.3f} s")
    print(f"  parse_yaml, fast reader:   {med['fast']:.3f} s")
    print(f"  ratio: {med['pyyaml'] / med['fast']:.2f}x faster")
    print(f"  schema validation (compiled): {med['validate']:.3f} s")


if __name__ == "__main__":
    main()
