#!/usr/bin/env python3
"""How long the chronology takes to check and to render, at 1,000, 5,000 and 10,000 entries.

    .venv/bin/python benchmarks/chronology_bench.py            # medians of 5 runs
    .venv/bin/python benchmarks/chronology_bench.py --runs 3 --sizes 1000 10000

"load+check" is everything `imr check` does for the case (read mkdocs.yml, docs/ and data/,
then every rule); "html" is the chronology block the site and the PDF show (table, filters,
timeline). The html ratio per 1,000 entries shows whether rendering grows linearly.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import tempfile
import time
from pathlib import Path

from imr_site.case import load_case
from imr_site.checks import run_checks
from imr_site.chronology_io import dump_chronology
from imr_site.sample_chronology import generate_entries

MKDOCS_YML = """site_name: Benchmark case
plugins:
  - imr:
      case_reference: BENCH-1
      agency: Example agency
      review_period: {start: 2022-01-01, end: 2024-12-31}
"""

INTRO = """---
section: introduction
subject:
  initials: AA
  dob: 1950-06-15
---
# Introduction
"""


def make_case(root: Path, n: int) -> Path:
    (root / "docs").mkdir(parents=True)
    (root / "data").mkdir()
    (root / "mkdocs.yml").write_text(MKDOCS_YML, encoding="utf-8")
    (root / "docs" / "index.md").write_text(INTRO, encoding="utf-8")
    entries = generate_entries(n, dt.date(2022, 1, 1), dt.date(2024, 12, 31), seed=n)
    (root / "data" / "chronology.yml").write_text(dump_chronology(entries), encoding="utf-8")
    return root


def timed(fn, runs: int) -> tuple[float, float]:
    """Median wall-clock and median CPU seconds (CPU time is steadier on a shared machine)."""
    wall, cpu = [], []
    for _ in range(runs):
        t, c = time.perf_counter(), time.process_time()
        fn()
        wall.append(time.perf_counter() - t)
        cpu.append(time.process_time() - c)
    return statistics.median(wall), statistics.median(cpu)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[1000, 5000, 10000])
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args(argv)
    try:
        from imr_site.render_chronology import chronology_block
    except ImportError:  # pragma: no cover - before the HTML part exists
        chronology_block = None
    print(
        f"{'entries':>8} {'load+check s':>13} {'(cpu s)':>8} {'html s':>8} {'(cpu s)':>8} "
        f"{'html cpu ms/1k':>15} {'CHR findings':>13}"
    )
    with tempfile.TemporaryDirectory() as tmp:
        for n in args.sizes:
            root = make_case(Path(tmp) / f"case{n}", n)
            found: list = []

            def check(root=root, found=found):
                found[:] = run_checks(load_case(root))

            t_check, c_check = timed(check, args.runs)
            case = load_case(root)
            nan = (float("nan"), float("nan"))
            t_html, c_html = (
                timed(lambda case=case: chronology_block(case), args.runs)
                if chronology_block
                else nan
            )
            chron = [f for f in found if f.code.startswith("CHR")]
            print(
                f"{n:>8} {t_check:>13.3f} {c_check:>8.3f} {t_html:>8.3f} {c_html:>8.3f} "
                f"{1e6 * c_html / n:>15.1f} {len(chron):>13}"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
