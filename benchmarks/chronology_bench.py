#!/usr/bin/env python3
"""How long the chronology takes to check and to render, at 1,000, 5,000 and 10,000 entries.

    .venv/bin/python benchmarks/chronology_bench.py            # medians of 5 runs
    .venv/bin/python benchmarks/chronology_bench.py --runs 3 --sizes 1000 10000

"load+check" is everything `imr check` does for the case (read mkdocs.yml, docs/ and data/,
then every rule); "html" is the chronology block the site and the PDF show (table, filters,
timeline). The html ratio per 1,000 entries shows whether rendering grows linearly.

    .venv/bin/python benchmarks/chronology_bench.py --site     # also `imr build --no-pdf`

--site also builds the whole example site (MkDocs + Material, search index included) with the
chronology replaced by N generated entries, in a fresh process each run, as an author would.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from imr_site.chronology.io import dump_chronology
from imr_site.chronology.render import chronology_block
from imr_site.chronology.sample import generate_entries
from imr_site.review.registry import load_case, run_checks

REPO = Path(__file__).resolve().parent.parent

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


def site_build_seconds(tmp: Path, n: int, runs: int) -> float:
    """Median wall time of `imr build --no-pdf` on the example case with n generated entries."""
    root = tmp / f"site{n}"
    shutil.copytree(REPO / "docs", root / "docs")
    shutil.copytree(REPO / "data", root / "data")
    shutil.copy(REPO / "mkdocs.yml", root / "mkdocs.yml")
    cfg = load_case(root).config
    entries = generate_entries(n, cfg.review_start, cfg.review_end, seed=n)
    (root / "data" / "chronology.yml").write_text(dump_chronology(entries), encoding="utf-8")
    imr = Path(sys.executable).with_name("imr")
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        subprocess.run(
            [str(imr), "build", str(root), "--no-pdf"], check=True, capture_output=True, env=env
        )
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[1000, 5000, 10000])
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--site", action="store_true", help="also time `imr build --no-pdf`")
    args = ap.parse_args(argv)
    print(
        f"{'entries':>8} {'load+check s':>13} {'(cpu s)':>8} {'html s':>8} {'(cpu s)':>8} "
        f"{'html cpu ms/1k':>15} {'CHR findings':>13}"
        + (f" {'site build s':>13}" if args.site else "")
    )
    with tempfile.TemporaryDirectory() as tmp:
        for n in args.sizes:
            root = make_case(Path(tmp) / f"case{n}", n)
            found: list = []

            def check(root=root, found=found):
                found[:] = run_checks(load_case(root))

            t_check, c_check = timed(check, args.runs)
            case = load_case(root)
            t_html, c_html = timed(lambda case=case: chronology_block(case), args.runs)
            chron = [f for f in found if f.code.startswith("CHR")]
            site = f" {site_build_seconds(Path(tmp), n, args.runs):>13.2f}" if args.site else ""
            print(
                f"{n:>8} {t_check:>13.3f} {c_check:>8.3f} {t_html:>8.3f} {c_html:>8.3f} "
                f"{1e6 * c_html / n:>15.1f} {len(chron):>13}{site}"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
