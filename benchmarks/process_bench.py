#!/usr/bin/env python3
"""What the IMR process rules add to `imr check`, at 1,000 and 5,000 chronology entries.

    .venv/bin/python benchmarks/process_bench.py            # medians of 5 runs
    .venv/bin/python benchmarks/process_bench.py --runs 3 --sizes 1000 5000 10000

The example case (its people key and process record) with its chronology replaced by N generated
entries, each naming one of the agency's staff by label, so that every rule has work to do.
"process" is the PRC rules alone (which entries name whom, and every step); "checklist" is the
status page's checklist; "all checks" is every rule of `imr check` on the case already read.
The ratio process / all checks is the share the process record costs; it is measured in the same
run, so it holds on a busy machine where the absolute times do not.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from imr_site.chronology.io import dump_chronology
from imr_site.chronology.sample import generate_entries
from imr_site.process import checks as process_checks
from imr_site.process.render import checklist
from imr_site.review.registry import load_case, run_checks

REPO = Path(__file__).resolve().parent.parent
STAFF = ["DN1", "DN2", "DN3", "TL1", "TVN1", "SGL1", "PT1", "OT1", "CPN1"]


def make_case(root: Path, n: int) -> Path:
    shutil.copytree(REPO / "docs", root / "docs")
    shutil.copytree(REPO / "data", root / "data")
    shutil.copy(REPO / "mkdocs.yml", root / "mkdocs.yml")
    cfg = load_case(root).config
    entries = generate_entries(n, cfg.review_start, cfg.review_end, seed=n)
    for i, e in enumerate(entries):
        e["event"] = f"{STAFF[i % len(STAFF)]}: {e['event']}"
    (root / "data" / "chronology.yml").write_text(dump_chronology(entries), encoding="utf-8")
    return root


def median_cpu(fn, runs: int) -> float:
    """Median CPU seconds (steadier than wall time on a shared machine)."""
    out = []
    for _ in range(runs):
        c = time.process_time()
        fn()
        out.append(time.process_time() - c)
    return statistics.median(out)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[1000, 5000])
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args(argv)
    print(
        f"{'entries':>8} {'process cpu s':>14} {'checklist cpu s':>16} {'all checks cpu s':>17} "
        f"{'process/all':>12} {'PRC findings':>13}"
    )
    with tempfile.TemporaryDirectory() as tmp:
        for n in args.sizes:
            case = load_case(make_case(Path(tmp) / f"case{n}", n))
            t_process = median_cpu(lambda case=case: process_checks.check(case), args.runs)
            t_list = median_cpu(lambda case=case: checklist(case), args.runs)
            t_all = median_cpu(lambda case=case: run_checks(case), args.runs)
            found = process_checks.check(case)
            print(
                f"{n:>8} {t_process:>14.3f} {t_list:>16.3f} {t_all:>17.3f} "
                f"{t_process / t_all:>12.1%} {len(found):>13}"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
