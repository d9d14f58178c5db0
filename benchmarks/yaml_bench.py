#!/usr/bin/env python3
"""Reading a generated chronology in-process: yamlio.parse_yaml with the fast reader (yaml_rs
values, lines from a scan) against PyYAML's way (the C loader and yamlio's node walk), the two
interleaved in one run, with the garbage collector paused as load_chronology does.

    .venv/bin/python benchmarks/yaml_bench.py                  # 10,000 entries, median of 7
    .venv/bin/python benchmarks/yaml_bench.py --entries 1000 --runs 11

Also the schema validation of the same chronology (compiled validator), for scale. On a shared
machine the absolute times are inflated: the ratio is the figure to compare.
"""

from __future__ import annotations

import argparse
import gc
import statistics
import time

from imr_site.case import yamlfast, yamlio
from imr_site.chronology.io import dump_chronology
from imr_site.chronology.sample import generate_entries
from imr_site.review import schema


def _seconds(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--entries", type=int, default=10_000)
    ap.add_argument("--runs", type=int, default=7)
    args = ap.parse_args()
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
