#!/usr/bin/env python3
"""How long `imr export docx` takes for a large case, and `imr diff` for two versions of the
example (goals: 1,000 entries to Word in 5 s or less; the example's redline in 2 s or less).

    .venv/bin/python benchmarks/docx_bench.py                 # 1,000 entries; 3 runs each
    .venv/bin/python benchmarks/docx_bench.py --sizes 1000,5000 --runs 5

Each size is the example case with its chronology replaced by N generated entries inside its
review period (``imr_site.chronology.sample``). Every timing is a fresh process, as an author
runs the command: `imr export docx` (an HTML-only build, then the Word document), and as the
reference in the same round, `imr build --no-pdf` of the same case (the part of the export that
is the site's own build). The redline is `imr diff v1 v2 --format json` on a Git repository of
the example with v2 = a changed word, a changed and an added chronology entry, an action's
status and a sign-off status; its reference is `imr build --no-pdf` of the example (the diff
builds twice). Runs are interleaved so that drift on a shared machine falls on both; compare
the ratios.
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

from imr_site.chronology import sample
from imr_site.chronology.io import dump_chronology

REPO = Path(__file__).resolve().parent.parent
ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
IMR = [sys.executable, "-m", "imr_site.cli"]


def timed(args: list[str], cwd: Path | None = None) -> tuple[float, float]:
    """(wall-clock seconds, CPU seconds of the process): on a shared machine the CPU time is
    the steadier of the two."""
    started = time.perf_counter()
    proc = subprocess.Popen(
        args, cwd=cwd, env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
    )
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"{' '.join(args)} failed:\n{proc.stderr.read()}")
    return seconds, usage.ru_utime + usage.ru_stime


def example_copy(dest: Path) -> Path:
    dest.mkdir(parents=True)
    shutil.copy(REPO / "mkdocs.yml", dest / "mkdocs.yml")
    shutil.copytree(REPO / "docs", dest / "docs")
    shutil.copytree(REPO / "data", dest / "data")
    return dest


def git(repo: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-C", str(repo), "-c", "user.name=Bench", "-c", "user.email=b@example.org", *args],
        check=True,
        capture_output=True,
    )


def replace_once(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def redline_repo(dest: Path) -> Path:
    case = example_copy(dest)
    (case / ".gitignore").write_text("/site/\n", encoding="utf-8")
    git(case, "init", "-q")
    git(case, "add", "-A")
    git(case, "commit", "-qm", "v1")
    git(case, "tag", "v1")
    replace_once(case / "docs" / "01-organisational-context.md", "in eight", "in nine")
    replace_once(case / "docs" / "09-signoff.md", "status: final", "status: in review")
    replace_once(case / "data" / "chronology.yml", "Routine priority", "Urgent priority")
    with (case / "data" / "chronology.yml").open("a", encoding="utf-8") as fh:
        fh.write(
            "\n- date: 2025-01-20\n  source: District Nursing\n  contact_with: AB\n"
            "  event: Telephone review.\n"
        )
    replace_once(case / "data" / "actions.yml", "status: in progress", "status: complete")
    git(case, "commit", "-qam", "v2")
    git(case, "tag", "v2")
    return case


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="1000", help="chronology sizes for the Word export")
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    sizes = [int(s) for s in args.sizes.split(",") if s]
    with tempfile.TemporaryDirectory(prefix="imr-docx-bench-") as tmp:
        root = Path(tmp)
        cases = {}
        for n in sizes:
            case = example_copy(root / f"case-{n}")
            entries = sample.generate_entries(n, dt.date(2023, 12, 1), dt.date(2025, 2, 9), seed=3)
            (case / "data" / "chronology.yml").write_text(
                dump_chronology(entries), encoding="utf-8"
            )
            cases[n] = case
        repo = redline_repo(root / "redline")
        times: dict[str, list[float]] = {}
        for _ in range(args.runs):
            for n, case in cases.items():
                out = root / f"out-{n}.docx"
                times.setdefault(f"docx {n}", []).append(
                    timed([*IMR, "export", "docx", str(case), "-o", str(out), "--force"])
                )
                times.setdefault(f"html {n}", []).append(
                    timed([*IMR, "build", str(case), "--no-pdf"])
                )
            times.setdefault("diff", []).append(
                timed([*IMR, "diff", "v1", "v2", "--case", str(repo), "--format", "json"])
            )
            times.setdefault("html example", []).append(
                timed([*IMR, "build", str(repo), "--no-pdf"])
            )
    med = {k: statistics.median(w for w, _ in v) for k, v in times.items()}
    cpu = {k: statistics.median(c for _, c in v) for k, v in times.items()}
    print(
        f"median of {args.runs} runs, fresh process each; wall-clock seconds (CPU seconds); "
        f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}"
    )
    for n in sizes:
        docx, html = f"docx {n}", f"html {n}"
        print(
            f"  {n:>6} entries: imr export docx {med[docx]:6.2f} s ({cpu[docx]:5.2f})   "
            f"imr build --no-pdf {med[html]:6.2f} s ({cpu[html]:5.2f})   "
            f"ratio {med[docx] / med[html]:4.2f}   goal <= 5 s: "
            f"{'met' if med[docx] <= 5 else 'NOT met'}"
        )
    diff, html = "diff", "html example"
    print(
        f"  example redline: imr diff v1 v2 {med[diff]:6.2f} s ({cpu[diff]:5.2f})   "
        f"imr build --no-pdf {med[html]:6.2f} s ({cpu[html]:5.2f})   "
        f"ratio {med[diff] / med[html]:4.2f}   goal <= 2 s: {'met' if med[diff] <= 2 else 'NOT met'}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
