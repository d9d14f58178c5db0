#!/usr/bin/env python3
"""How long a review panel takes to merge and check 10 agencies' chronologies of 1,000 entries.

    .venv/bin/python benchmarks/merge_bench.py                  # median of 5 runs
    .venv/bin/python benchmarks/merge_bench.py --agencies 10 --entries 1000 --runs 3

Each agency is a case folder with a realistic fictional chronology (imr_site.chronology.sample,
one seed per agency, the same three years), a people key and a glossary. "merge" is `imr merge`'s
work (read every submission, write data/); "check" is `imr check` on the panel case (every rule,
the findings across agencies included). The target is merge + check <= 3 s on 2 cores.

As a reference measured in the same run, "one case" is `imr check` on a single case holding all
N x M entries as one agency's chronology: the ratio says what the panel's work adds.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import tempfile
import time
from pathlib import Path

from imr_site.chronology.io import dump_chronology
from imr_site.chronology.sample import generate_entries
from imr_site.publish.merge import merge_panel
from imr_site.review.registry import load_case, run_checks

PERIOD = "{start: 2022-01-01, end: 2024-12-31}"
INTRO = (
    "---\nsection: introduction\nsubject:\n  initials: AA\n  dob: 1950-06-15\n---\n# Introduction\n"
)


def _case_yml(agency: str, extra: str = "") -> str:
    return (
        f"site_name: {agency}\nplugins:\n  - imr:\n      case_reference: BENCH-1\n"
        f"      agency: {agency}\n      review_period: {PERIOD}\n{extra}"
    )


def make_panel(root: Path, agencies: int, entries: int) -> Path:
    listed = []
    for i in range(agencies):
        name = f"Agency {i + 1}"
        folder = root / f"agency{i + 1}"
        (folder / "data").mkdir(parents=True)
        (folder / "mkdocs.yml").write_text(_case_yml(name), "utf-8")
        rows = generate_entries(entries, dt.date(2022, 1, 1), dt.date(2024, 12, 31), seed=i + 1)
        (folder / "data" / "chronology.yml").write_text(dump_chronology(rows), "utf-8")
        (folder / "data" / "people.yml").write_text(
            f"GP1:\n  name: Doctor Number{i}\n  role: GP\nSW{i + 1}:\n  name: Worker Person{i}\n"
            "  role: Social Worker\n",
            "utf-8",
        )
        (folder / "data" / "glossary.yml").write_text(
            "GP: General Practitioner\nSW: Social Worker\n", "utf-8"
        )
        listed.append(
            f"          - name: {name}\n            code: A{i + 1}\n            case: ../agency{i + 1}\n"
        )
    panel = root / "panel"
    (panel / "docs").mkdir(parents=True)
    (panel / "docs" / "index.md").write_text(INTRO, "utf-8")
    (panel / "mkdocs.yml").write_text(
        _case_yml("Panel", "      panel:\n        agencies:\n" + "".join(listed)), "utf-8"
    )
    return panel


def make_single(root: Path, agencies: int, entries: int) -> Path:
    rows = []
    for i in range(agencies):
        rows += generate_entries(entries, dt.date(2022, 1, 1), dt.date(2024, 12, 31), seed=i + 1)
    rows.sort(key=lambda e: (e["date"].lstrip("?")[:10], e.get("time", "99:99")))
    (root / "docs").mkdir(parents=True)
    (root / "data").mkdir()
    (root / "docs" / "index.md").write_text(INTRO, "utf-8")
    (root / "mkdocs.yml").write_text(_case_yml("One agency"), "utf-8")
    (root / "data" / "chronology.yml").write_text(dump_chronology(rows), "utf-8")
    return root


def timed(fn) -> tuple[float, float, object]:
    """(wall seconds, CPU seconds of this process, result): on a shared machine the CPU time
    says what the work costs, the wall time what the user waits."""
    w, c = time.perf_counter(), time.process_time()
    out = fn()
    return time.perf_counter() - w, time.process_time() - c, out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--agencies", type=int, default=10)
    ap.add_argument("--entries", type=int, default=1000)
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args(argv)
    times: dict[str, list[tuple[float, float]]] = {
        k: [] for k in ("merge", "check", "merge again", "one case")
    }
    findings: dict[str, int] = {}
    with tempfile.TemporaryDirectory() as tmp:
        panel = make_panel(Path(tmp) / "p", args.agencies, args.entries)
        single = make_single(Path(tmp) / "s", args.agencies, args.entries)
        for run in range(args.runs):
            # a fresh panel each run, so every first merge writes data/ from nothing
            for p in (panel / "data").glob("*") if (panel / "data").exists() else []:
                p.unlink()
            w, c, outcome = timed(lambda: merge_panel(panel))
            assert not outcome.refused, outcome.findings
            times["merge"].append((w, c))
            w, c, found = timed(lambda: run_checks(load_case(panel)))
            times["check"].append((w, c))
            # a resubmission: the merge reads its last output for the panel's notes
            w, c, _ = timed(lambda: merge_panel(panel))
            times["merge again"].append((w, c))
            w, c, _ = timed(lambda: run_checks(load_case(single)))
            times["one case"].append((w, c))
            if run == 0:
                for f in found:
                    if f.code.startswith("PNL"):
                        findings[f.code] = findings.get(f.code, 0) + 1
            print(
                f"run {run + 1}: " + ", ".join(f"{k} {v[-1][0]:.2f} s" for k, v in times.items()),
                file=sys.stderr,
            )
    med = {
        k: (statistics.median(w for w, _ in v), statistics.median(c for _, c in v))
        for k, v in times.items()
    }
    n = args.agencies * args.entries
    print(
        f"{args.agencies} agencies x {args.entries} entries ({n} in all), median of {args.runs} (wall / CPU):"
    )
    for k, (w, c) in med.items():
        label = f"check of one case of {n} entries" if k == "one case" else k
        print(f"  {label:34s} {w:6.2f} s / {c:6.2f} s")
    total_w = med["merge"][0] + med["check"][0]
    total_c = med["merge"][1] + med["check"][1]
    print(f"  {'merge + check':34s} {total_w:6.2f} s / {total_c:6.2f} s   (target <= 3 s)")
    print(f"  (merge + check) / one case's check: {total_c / med['one case'][1]:.2f} (CPU)")
    print(f"  panel findings in the generated data: {dict(sorted(findings.items()))}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
