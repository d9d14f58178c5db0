#!/usr/bin/env python3
"""How long `imr sign` and `imr verify` take on the example case's FINAL PDF (goal: under 2 s each).

    .venv/bin/python benchmarks/sign_bench.py            # 5 runs of each, medians
    .venv/bin/python benchmarks/sign_bench.py --runs 9

The example case (docs/, data/, mkdocs.yml) is copied into a temporary Git repository and built
once with `imr build --final`. A throwaway CA and the author's and Director's certificates are
made with `cryptography` (tests/signing_keys.py). Each run then, on a fresh copy of the PDF:

- signs it as the author, then as the Director (`imr sign ... --p12`, PAdES B-B), each in a
  fresh process, as a user runs it (Python start-up and imports included);
- verifies the two-signature PDF (`imr verify --trust CA.pem`), in a fresh process;
- runs poppler's `pdfsig` on the same file: the reference, measured in the same run, so that a
  busy shared machine slows both and the ratio stays meaningful;
- and times the library calls alone (``sign_pdf``, ``verify_pdf``, in this process).

Medians over the runs are printed, with each against pdfsig.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))

from signing_keys import PASSWORD, TestCA  # noqa: E402

from imr_site.publish.signing.sign import PKCS12Key, sign_pdf  # noqa: E402
from imr_site.publish.signing.verify import verify_pdf  # noqa: E402

IMR = [sys.executable, "-m", "imr_site.cli"]
ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "IMR_BENCH_PASSWORD": PASSWORD}


CPU: dict[str, list[float]] = {}  # CPU seconds (user + system) of each measurement


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(cmd: list[str], name: str | None = None, ok=(0,)) -> float:
    """Wall seconds of a command in a fresh process (its CPU seconds go into CPU[name])."""
    cpu = _children_cpu()
    started = time.perf_counter()
    done = subprocess.run(cmd, env=ENV, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if done.returncode not in ok:
        raise SystemExit(f"{' '.join(cmd)} failed ({done.returncode}):\n{done.stderr}")
    if name:
        CPU.setdefault(name, []).append(_children_cpu() - cpu)
    return seconds


class InProcess:
    """Wall and CPU seconds of a block run in this process."""

    def __init__(self, name: str, times: dict[str, list[float]]):
        self.name, self.times = name, times

    def __enter__(self):
        self.wall, self.cpu = time.perf_counter(), time.process_time()

    def __exit__(self, *exc):
        self.times.setdefault(self.name, []).append(time.perf_counter() - self.wall)
        CPU.setdefault(self.name, []).append(time.process_time() - self.cpu)


def final_pdf(work: Path) -> tuple[Path, Path]:
    case = work / "case"
    case.mkdir()
    shutil.copy(REPO / "mkdocs.yml", case)
    shutil.copytree(REPO / "docs", case / "docs")
    shutil.copytree(REPO / "data", case / "data")
    git = ["git", "-C", str(case), "-c", "user.name=Bench", "-c", "user.email=bench@example.org"]
    subprocess.run([*git, "init", "-q"], check=True)
    (case / ".gitignore").write_text("/site/\n")
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run([*git, "commit", "-q", "-m", "bench"], check=True)
    timed([*IMR, "build", "--final", str(case)])
    site = case / "site"
    return next(site.glob("*.pdf")), site / "manifest.json"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    pdfsig = shutil.which("pdfsig")
    with tempfile.TemporaryDirectory(prefix="imr-sign-bench-") as tmp:
        work = Path(tmp)
        pdf, manifest = final_pdf(work)
        pages = _pages(pdf)
        ca = TestCA(work / "ca")
        author, director = ca.issue("Ruth Halloran"), ca.issue("Marcus Feeney")
        times: dict[str, list[float]] = {}

        def run_cli(name: str, cmd: list[str], ok=(0,)) -> None:
            times.setdefault(name, []).append(timed(cmd, name, ok))

        key = ["--password-env", "IMR_BENCH_PASSWORD"]
        for n in range(args.runs):
            run = work / f"run{n}"
            run.mkdir()
            copy = run / pdf.name
            shutil.copy(pdf, copy)
            shutil.copy(manifest, run / "manifest.json")
            sign = [*IMR, "sign", str(copy)]
            run_cli(
                "imr sign --as author", [*sign, "--as", "author", "--p12", str(author.p12), *key]
            )
            run_cli(
                "imr sign --as senior-officer",
                [*sign, "--as", "senior-officer", "--p12", str(director.p12), *key],
            )
            run_cli("imr verify", [*IMR, "verify", str(copy), "--trust", str(ca.pem)])
            if pdfsig:
                run_cli("pdfsig (reference)", [pdfsig, str(copy)], ok=(0, 1, 2))
            # the library alone, in this (warm) process
            lib = run / "lib"
            lib.mkdir()
            shutil.copy(pdf, lib / pdf.name)
            with InProcess("sign_pdf (library, author)", times):
                sign_pdf(lib / pdf.name, "author", PKCS12Key(author.p12, PASSWORD.encode()))
            with InProcess("sign_pdf (library, Director)", times):
                sign_pdf(
                    lib / pdf.name, "senior-officer", PKCS12Key(director.p12, PASSWORD.encode())
                )
            with InProcess("verify_pdf (library)", times):
                report = verify_pdf(lib / pdf.name, [ca.pem], manifest)
            assert report.ok, report.as_json()

    print(f"Example FINAL PDF ({pages} pages), {args.runs} runs, medians (wall; CPU):")
    reference = statistics.median(times["pdfsig (reference)"]) if pdfsig else None
    for name, values in times.items():
        median = statistics.median(values)
        cpu = statistics.median(CPU[name])
        ratio = f" ({median / reference:5.1f} x pdfsig)" if reference else ""
        print(
            f"  {name:30} {median:5.2f} s{ratio}; CPU {cpu:5.2f} s   wall runs: "
            + ", ".join(f"{v:.2f}" for v in values)
        )
    print(
        f"  load average now: {', '.join(f'{x:.1f}' for x in os.getloadavg())} "
        f"on {os.cpu_count()} CPUs"
    )


def _pages(pdf: Path) -> int:
    import pikepdf

    with pikepdf.open(pdf) as doc:
        return len(doc.pages)


if __name__ == "__main__":
    main()
