"""Times the example case: check, HTML-only build, and full build with the PDF.

    .venv/bin/python benchmarks/example_bench.py [--runs 3]

Each step runs in a fresh process (as an author runs it), on a private copy of the example case;
prints the median and every run. Absolute times drift on shared machines: compare ratios.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def timed(cmd: list[str], cwd: Path) -> float:
    start = time.perf_counter()
    subprocess.run(
        cmd,
        cwd=cwd,
        check=True,
        capture_output=True,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )
    return time.perf_counter() - start


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        case = Path(tmp) / "case"
        case.mkdir()
        shutil.copy(REPO / "mkdocs.yml", case)
        shutil.copytree(REPO / "docs", case / "docs")
        shutil.copytree(REPO / "data", case / "data")
        imr = [sys.executable, "-m", "imr_site.cli"]
        steps = {
            "imr check": imr + ["check", "."],
            "imr build --no-pdf": imr + ["build", ".", "--no-pdf"],
            "imr build (HTML + PDF)": imr + ["build", "."],
        }
        for name, cmd in steps.items():
            runs = [timed(cmd, case) for _ in range(args.runs)]
            shown = ", ".join(f"{r:.2f}" for r in runs)
            print(f"{name:26s} median {statistics.median(runs):6.2f} s   runs: {shown}")
        pdf = next((case / "site").glob("*.pdf"))
        info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
        pages = next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:"))
        print(f"PDF {pdf.name}: {pages} pages")


if __name__ == "__main__":
    main()
