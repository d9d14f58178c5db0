#!/usr/bin/env python3
"""How long `imr build` takes with the PDF, and how much memory, at 500 to 5,000 chronology entries.

    .venv/bin/python benchmarks/pdf_bench.py                     # 500,1000,2000,5000; 3 runs each
    .venv/bin/python benchmarks/pdf_bench.py --sizes 50,100 --runs 1 --baseline-sizes 100
    .venv/bin/python benchmarks/pdf_bench.py --no-baseline
    .venv/bin/python benchmarks/pdf_bench.py --sizes '' --baseline-sizes 1000   # baseline only

Each case is the example case (docs/, data/, mkdocs.yml) with its chronology replaced by N
generated entries inside its review period, every column filled and about 60 words an entry.
The example case itself is measured too. Every build is `imr build` (HTML and PDF) in a fresh
process, as an author runs it, into an emptied site folder. "peak MB" is the largest resident
set of that process or of any process it waited for (``ru_maxrss`` from ``os.wait4``; the
largest single process, not a sum of processes running at once), in 10^6 bytes.
The spread check compares the seconds per 1,000 entries at each size with their mean: the goal
is within ±20 %.

The baseline is mkdocs-to-pdf (WeasyPrint) building the same entries as one Markdown table on
one page, printed landscape, in its own virtual environment at benchmarks/.baseline-venv (made
on first use with ``pip install mkdocs-to-pdf mkdocs-material "mkdocs<2"``). WeasyPrint needs
Debian's pango (``apt-get install libpango-1.0-0 libpangoft2-1.0-0``), which the tool itself no
longer needs or installs: install it by hand for the baseline, or pass --no-baseline. Its runs are paired with ours: each round builds every case once, the two builds of a
size one right after the other, so drift on a shared machine falls on both. Compare ratios, not
absolute times.
"""

from __future__ import annotations

import argparse
import datetime as dt
import html
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import pikepdf

from imr_site.chronology import sample
from imr_site.chronology.io import dump_chronology
from imr_site.chronology.render import TABLE_FIELDS
from imr_site.review.registry import load_case

REPO = Path(__file__).resolve().parent.parent
BASELINE_VENV = REPO / "benchmarks" / ".baseline-venv"
BASELINE_PACKAGES = ("mkdocs-to-pdf", "mkdocs-material", "mkdocs<2")  # 2.0 has no plugins
ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
SPREAD_GOAL = 0.20
TEXT_FIELDS = [f for f, _ in TABLE_FIELDS if f != "references"]  # the words an author writes

BASELINE_MKDOCS_YML = """\
site_name: Chronology (mkdocs-to-pdf baseline)
use_directory_urls: false
theme:
  name: material
  font: false
markdown_extensions:
  - tables
plugins:
  - to-pdf:
      output_path: chronology.pdf
      custom_template_path: pdf-style
"""
# Without it the 11 columns run off a portrait page and the last four are cut off. Landscape, as
# our chronology is printed, with narrower cell padding: every column shows.
BASELINE_STYLES_SCSS = """\
@page { size: a4 landscape; }
.md-typeset table:not([class]) { width: 100%; font-size: 7pt !important; }
.md-typeset table:not([class]) th, .md-typeset table:not([class]) td {
  padding: 0.3em 0.5em !important;
}
"""


def rich_entries(n: int, start: dt.date, end: dt.date, seed: int) -> list[dict]:
    """The generator's entries made as full as a thorough agency's: a time and every table
    column filled, and a longer account of each event (three generated events in one), about
    60 words an entry. The same n and seed always give the same entries."""
    entries = sample.generate_entries(n, start, end, seed)
    more = iter(e["event"] for e in sample.generate_entries(2 * n, start, end, seed + 1))
    rng = random.Random(seed)
    for i, e in enumerate(entries):
        e.pop("seq", None)  # every entry gets a time, so none needs a same-day sequence number
        e.setdefault("time", f"{rng.randint(7, 21):02d}:{rng.choice((0, 15, 30, 45)):02d}")
        e["event"] = " ".join((e["event"], next(more), next(more)))
        e.setdefault("action", rng.choice(sample.ACTIONS))
        e.setdefault("decision", rng.choice(sample.DECISIONS))
        e.setdefault("comment", rng.choice(sample.COMMENTS))
        e.setdefault("references", f"{e['source'].split()[0].upper()}-{100000 + i}")
    entries.sort(key=lambda e: (e["date"].lstrip("?")[:10], e["time"]))
    return entries


def example_case(root: Path) -> Path:
    root.mkdir(parents=True)
    shutil.copy(REPO / "mkdocs.yml", root)
    shutil.copytree(REPO / "docs", root / "docs")
    shutil.copytree(REPO / "data", root / "data")
    return root


def our_case(root: Path, entries: list[dict]) -> Path:
    example_case(root)
    (root / "data" / "chronology.yml").write_text(dump_chronology(entries), encoding="utf-8")
    return root


def _cell(value) -> str:
    if isinstance(value, list):
        value = "; ".join(map(str, value))
    text = " ".join(str(value).split())  # one line: a table row cannot hold a line break
    return html.escape(text, quote=False).replace("|", "\\|")


def baseline_case(root: Path, entries: list[dict]) -> Path:
    """The same entries as one Markdown table, the chronology's columns in its order."""
    (root / "docs").mkdir(parents=True)
    (root / "mkdocs.yml").write_text(BASELINE_MKDOCS_YML, encoding="utf-8")
    (root / "pdf-style").mkdir()
    (root / "pdf-style" / "styles.scss").write_text(BASELINE_STYLES_SCSS, encoding="utf-8")
    fields = ["date", "time", *(f for f, _ in TABLE_FIELDS), "key_episode"]
    labels = ["Date", "Time", *(label for _, label in TABLE_FIELDS), "Key episode"]
    lines = ["# Chronology of agency involvement", "", "| " + " | ".join(labels) + " |"]
    lines.append("|" + "---|" * len(labels))
    for e in entries:
        e = {**e, "key_episode": "Yes" if e.get("key_episode") else ""}
        lines.append("| " + " | ".join(_cell(e.get(f, "")) for f in fields) + " |")
    (root / "docs" / "index.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return root


def baseline_python() -> Path:
    """The baseline's own interpreter, its virtual environment made and filled on first use.
    A marker written after pip succeeds tells a finished environment from a broken one, and a
    changed package list from the one installed."""
    python = BASELINE_VENV / "bin" / "python"
    marker = BASELINE_VENV / ".installed"
    wanted = " ".join(BASELINE_PACKAGES) + "\n"
    if not marker.exists() or marker.read_text(encoding="utf-8") != wanted:
        print(f"Making {BASELINE_VENV.relative_to(REPO)} ({', '.join(BASELINE_PACKAGES)})...")
        shutil.rmtree(BASELINE_VENV, ignore_errors=True)
        subprocess.run([sys.executable, "-m", "venv", str(BASELINE_VENV)], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "-q", *BASELINE_PACKAGES], check=True)
        marker.write_text(wanted, encoding="utf-8")
    return python


def baseline_versions(python: Path) -> str:
    code = (
        "from importlib.metadata import version as v\n"
        "print(', '.join(f'{p} {v(p)}' for p in ('mkdocs-to-pdf', 'weasyprint', 'mkdocs')))"
    )
    return subprocess.run(
        [str(python), "-c", code], check=True, capture_output=True, text=True
    ).stdout.strip()


@dataclass
class Run:
    seconds: float
    peak_mb: float
    pages: int


@dataclass
class Case:
    tool: str  # "imr" or "mkdocs-to-pdf"
    entries: int
    root: Path
    cmd: list[str]
    runs: list[Run] = field(default_factory=list)

    def median(self, attr: str) -> float:
        return statistics.median(getattr(r, attr) for r in self.runs)

    def per_1k(self) -> float:
        return 1000 * self.median("seconds") / self.entries


def measure(case: Case) -> Run:
    """One build in a fresh process: wall time, that process tree's peak RSS, the PDF's pages."""
    site = case.root / "site"
    shutil.rmtree(site, ignore_errors=True)
    with tempfile.TemporaryFile() as out:
        start = time.perf_counter()
        proc = subprocess.Popen(case.cmd, cwd=case.root, env=ENV, stdout=out, stderr=out)
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        log = out.read().decode(errors="replace")
    pdfs = sorted(site.rglob("*.pdf"))
    if proc.returncode not in (0, 1) or len(pdfs) != 1:  # 1: built, with findings to fix
        sys.exit(
            f"{case.tool}, {case.entries} entries: {' '.join(case.cmd)} exited "
            f"{proc.returncode} and made {len(pdfs)} PDF(s), not one:\n{log[-3000:]}"
        )
    with pikepdf.open(pdfs[0]) as pdf:
        pages = len(pdf.pages)
    return Run(seconds, usage.ru_maxrss * 1024 / 1e6, pages)  # ru_maxrss is in KiB on Linux


def sizes(text: str) -> list[int]:
    return [int(s) for s in text.split(",") if s.strip()]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=sizes, default=[500, 1000, 2000, 5000], help="e.g. 500,1000")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--baseline-sizes", type=sizes, default=[1000, 5000], help="e.g. 1000,5000")
    ap.add_argument("--no-baseline", action="store_true", help="skip mkdocs-to-pdf")
    args = ap.parse_args(argv)
    baseline_sizes = [] if args.no_baseline else args.baseline_sizes
    imr = [str(Path(sys.executable).with_name("imr")), "build", "."]
    mkdocs: list[str] = []
    if baseline_sizes:
        mkdocs = [str(baseline_python().with_name("mkdocs")), "build"]
        print(f"Baseline: {baseline_versions(BASELINE_VENV / 'bin' / 'python')}")

    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        root = example_case(tmp / "example")
        example = load_case(root)
        start, end = example.config.review_start, example.config.review_end
        example_run = Case("imr", len(example.data["chronology"].entries), root, imr)
        ours: dict[int, Case] = {}
        theirs: dict[int, Case] = {}
        for n in sorted(set(args.sizes) | set(baseline_sizes)):
            entries = rich_entries(n, start, end, seed=n)
            words = statistics.mean(
                len(" ".join(e[f] for f in TEXT_FIELDS).split()) for e in entries
            )
            print(f"{n} entries generated, {words:.0f} words of text each on average")
            if n in args.sizes:
                ours[n] = Case("imr", n, our_case(tmp / f"imr-{n}", entries), imr)
            if n in baseline_sizes:
                theirs[n] = Case(
                    "mkdocs-to-pdf", n, baseline_case(tmp / f"to-pdf-{n}", entries), mkdocs
                )
        # One build of each tool first, not counted: Python's bytecode caches and the disk cache
        # are then as warm for the first round as for the others.
        warm_up = [example_run]
        if mkdocs:
            few = rich_entries(10, start, end, seed=10)
            warm_up.append(Case("mkdocs-to-pdf", 10, baseline_case(tmp / "warm-up", few), mkdocs))
        for case in warm_up:
            measure(case)
        # Each round builds every case once. The two builds of a size are run one right after
        # the other (a pair), ours first in odd rounds and the baseline's first in even ones.
        pairs = [[example_run]]
        pairs += [[c for c in (ours.get(n), theirs.get(n)) if c] for n in sorted({*ours, *theirs})]
        for r in range(args.runs):
            for pair in pairs:
                for case in pair if r % 2 == 0 else pair[::-1]:
                    run = measure(case)
                    case.runs.append(run)
                    print(
                        f"  round {r + 1}, {case.tool}, {case.entries} entries: "
                        f"{run.seconds:.2f} s, {run.peak_mb:.0f} MB, {run.pages} pages",
                        flush=True,
                    )
    report(example_run, ours, theirs, args.runs)
    return 0


def report(example: Case, ours: dict[int, Case], theirs: dict[int, Case], runs: int) -> None:
    print(f"\nMedians of {runs} run(s) each.\n")
    print("| entries | imr build with PDF (s) | peak MB | pages | s per 1,000 entries |")
    print("|---:|---:|---:|---:|---:|")
    for c in (example, *ours.values()):
        label = f"{c.entries} (example case)" if c is example else f"{c.entries:,}"
        print(
            f"| {label} | {c.median('seconds'):.2f} | {c.median('peak_mb'):.0f} | "
            f"{c.median('pages'):.0f} | {c.per_1k():.2f} |"
        )

    sized = {n: c.per_1k() for n, c in ours.items()}
    if len(sized) > 1:
        mean = statistics.mean(sized.values())
        print(f"\nSpread: s per 1,000 entries against their mean, {mean:.2f} s (goal ±20 %)")
        for n, v in sized.items():
            print(f"- {n:,}: {v:.2f} s, {100 * (v / mean - 1):+.0f} %")
        worst = max(abs(v / mean - 1) for v in sized.values())
        verdict = "within" if worst <= SPREAD_GOAL else "NOT within"
        print(f"Largest deviation {100 * worst:.0f} %: {verdict} ±{100 * SPREAD_GOAL:.0f} %.")

    if theirs:
        print("\nBaseline, the same entries as one Markdown table, paired runs:\n")
        print(
            "| entries | mkdocs-to-pdf (s) | peak MB | pages | imr, same rounds (s) | peak MB "
            "| imr time / mkdocs-to-pdf time |"
        )
        print("|---:|---:|---:|---:|---:|---:|---:|")
        for n, b in theirs.items():
            o = ours.get(n)
            ratio = o and statistics.median(
                x.seconds / y.seconds for x, y in zip(o.runs, b.runs, strict=True)
            )
            mine = (
                f"{o.median('seconds'):.2f} | {o.median('peak_mb'):.0f} | {ratio:.2f}"
                if o
                else "- | - | -"
            )
            print(
                f"| {n:,} | {b.median('seconds'):.2f} | {b.median('peak_mb'):.0f} | "
                f"{b.median('pages'):.0f} | {mine} |"
            )

    print("\nAll runs, in order (s / peak MB / pages):")
    for c in (example, *ours.values(), *theirs.values()):
        shown = ", ".join(f"{r.seconds:.2f} / {r.peak_mb:.0f} / {r.pages}" for r in c.runs)
        print(f"- {c.tool}, {c.entries} entries: {shown}")


if __name__ == "__main__":
    sys.exit(main())
