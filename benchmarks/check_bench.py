#!/usr/bin/env python3
"""Issue 16's goals, measured as an author meets them: whole processes, against a reference
measured in the same run (paired and interleaved, medians).

    .venv/bin/python benchmarks/check_bench.py check          # imr check, 1,000 and 10,000 entries
    .venv/bin/python benchmarks/check_bench.py build          # imr build --no-pdf vs plain MkDocs
    .venv/bin/python benchmarks/check_bench.py serve          # live preview: write -> served page
    .venv/bin/python benchmarks/check_bench.py all --runs 7
    .venv/bin/python benchmarks/check_bench.py all --baseline 903633f   # before/after, paired

check: `imr check` on the example case with its chronology replaced by N generated entries,
against `python -c "import yaml"` (the start-up of a process that can read YAML at all). Goals:
10,000 entries <= 1.0 s, 1,000 entries <= 0.4 s.

build: `imr build --no-pdf` against `mkdocs build` of the same content with MkDocs + Material and
the search plugin but without the imr plugin, the chronology written by hand as a Markdown table
in its section. Goal: <= 1.25x at 1,000 and 5,000 entries.

serve: `imr serve` on the example case and on a 1,000-entry case; a section file and
data/chronology.yml are changed and the served page polled until it shows the change. Goal:
<= 1 s (median of 5).

On a shared machine the absolute times are inflated: the ratios are the figures to compare.
"""

from __future__ import annotations

import argparse
import itertools
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from imr_site.chronology.io import dump_chronology
from imr_site.chronology.sample import generate_entries
from imr_site.review.registry import load_case

REPO = Path(__file__).resolve().parent.parent
PY = sys.executable
ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
COLUMNS = ("date", "time", "source", "contact_with", "contact_type", "event", "action", "decision")


def example_with(dest: Path, n: int | None) -> Path:
    """A copy of the example case; with n, its chronology replaced by n generated entries."""
    dest.mkdir(parents=True)
    shutil.copy(REPO / "mkdocs.yml", dest / "mkdocs.yml")
    shutil.copytree(REPO / "docs", dest / "docs")
    shutil.copytree(REPO / "data", dest / "data")
    if n:
        cfg = load_case(dest).config
        entries = generate_entries(n, cfg.review_start, cfg.review_end, seed=n)
        (dest / "data" / "chronology.yml").write_text(dump_chronology(entries), encoding="utf-8")
    return dest


def plain_mkdocs(case: Path, dest: Path) -> Path:
    """The same content for plain MkDocs + Material: no imr plugin, the chronology as a table."""
    shutil.copytree(case, dest)
    cfg = (dest / "mkdocs.yml").read_text(encoding="utf-8")
    head, _, rest = cfg.partition("  - imr:\n")
    rest = rest.split("\n", 1)[1]
    while rest.startswith("      "):  # the imr plugin's options
        rest = rest.split("\n", 1)[1]
    (dest / "mkdocs.yml").write_text(head + rest, encoding="utf-8")
    entries = load_case(case).data["chronology"].entries
    rows = ["| " + " | ".join(c.replace("_", " ").title() for c in COLUMNS) + " |"]
    rows.append("|" + " --- |" * len(COLUMNS))
    for e in entries:
        # Each cell as the author wrote it (Entry.text): the same words the imr page shows.
        cells = [e.text(c).replace("\n", " ").replace("|", "\\|") for c in COLUMNS]
        rows.append("| " + " | ".join(cells) + " |")
    page = dest / "docs" / "03-chronology.md"
    text = page.read_text(encoding="utf-8").replace("<!-- imr:chronology -->", "\n".join(rows))
    page.write_text(text, encoding="utf-8")
    return dest


# --baseline COMMIT: the same commands with that commit's imr_site and plugin, interleaved with
# this tree's, so that "before" and "after" meet the same load. Set up by baseline().
BASE: dict[str, object] = {}
SITECUSTOMIZE = """import sys
sys.meta_path[:] = [f for f in sys.meta_path if "editable" not in type(f).__module__]
"""


def baseline(commit: str, tmp: Path) -> None:
    """That commit's imr_site and plugins in a folder put first on PYTHONPATH (the editable
    install's finder is taken out by a sitecustomize there); commands run from that folder."""
    root = tmp / "baseline"
    root.mkdir()
    archive = subprocess.run(
        ["git", "-C", str(REPO), "archive", commit, "imr_site", "plugins"],
        capture_output=True,
        check=True,
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(root)], input=archive, check=True)
    (root / "sitecustomize.py").write_text(SITECUSTOMIZE, encoding="utf-8")
    BASE.update(
        commit=commit,
        cwd=str(root),
        env={**ENV, "PYTHONPATH": f"{root}{os.pathsep}{root / 'plugins'}"},
    )


def compiled(*folders: Path) -> None:
    """Byte-compile this tree's code and the baseline's, as an installed wheel is: otherwise, where
    PYTHONDONTWRITEBYTECODE is set (it is on these machines), each process compiles every module
    it imports again, and a tree that happens to hold .pyc files is timed against one that doesn't."""
    for folder in folders:
        subprocess.run([PY, "-m", "compileall", "-q", str(folder)], check=True)


def imr(*args: str) -> list[str]:
    return [PY, "-m", "imr_site.cli", *args]


def with_baseline(commands: dict[str, list[str]], keys: list[str]) -> dict:
    """The commands, and for each key in ``keys`` the same command with the baseline's code."""
    if not BASE:
        return commands
    out: dict = {}
    for k, cmd in commands.items():
        out[k] = cmd
        if k in keys:
            out[f"{k} [{BASE['commit']}]"] = ("base", cmd)
    return out


def run(cmd, ok=(0, 1)) -> float:
    env, cwd = ENV, None
    if isinstance(cmd, tuple):  # ("base", command): the baseline's code
        env, cwd, cmd = BASE["env"], BASE["cwd"], cmd[1]
    t = time.perf_counter()
    p = subprocess.run(cmd, capture_output=True, env=env, cwd=cwd)
    took = time.perf_counter() - t
    if p.returncode not in ok:
        raise SystemExit(f"{' '.join(cmd)} failed ({p.returncode}):\n{p.stderr.decode()[-2000:]}")
    return took


def paired(commands: dict, runs: int) -> dict[str, float]:
    """Median seconds of each command, the commands interleaved run by run."""
    times: dict[str, list[float]] = {k: [] for k in commands}
    for _ in range(runs):
        for k, cmd in commands.items():
            times[k].append(run(cmd))
    return {k: statistics.median(v) for k, v in times.items()}


def bench_check(tmp: Path, runs: int) -> None:
    cases = {n: example_with(tmp / f"check{n}", n) for n in (1000, 10000)}
    commands = {"python -c 'import yaml'": [PY, "-c", "import yaml"]}
    checks = {f"imr check, {n:,} entries": imr("check", str(c)) for n, c in cases.items()}
    med = paired(with_baseline(commands | checks, list(checks)), runs)
    ref = med["python -c 'import yaml'"]
    print(f"\nimr check (median of {runs}, interleaved)")
    for k, v in med.items():
        print(f"  {k:<32} {v:7.3f} s   {v / ref:5.2f}x python start-up")


def bench_build(tmp: Path, runs: int, sizes: list[int]) -> None:
    print(f"\nimr build --no-pdf vs plain MkDocs + Material (median of {runs}, interleaved)")
    for n in sizes:
        case = example_with(tmp / f"build{n}", n)
        plain = plain_mkdocs(case, tmp / f"plain{n}")
        commands = {
            "imr": imr("build", str(case), "--no-pdf"),
            "mkdocs": [PY, "-m", "mkdocs", "build", "-q", "-f", str(plain / "mkdocs.yml")],
        }
        med = paired(with_baseline(commands, ["imr"]), runs)
        for k, v in med.items():
            if k != "mkdocs":
                print(
                    f"  {n:>6,} entries: {k:<18} {v:6.2f} s, mkdocs {med['mkdocs']:6.2f} s, "
                    f"ratio {v / med['mkdocs']:.2f}"
                )


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=5) as r:  # noqa: S310 - our own server
            return r.read().decode("utf-8", "replace")
    except OSError:
        return ""


def _until(url: str, text: str, limit: float = 60.0) -> float:
    t = time.perf_counter()
    while text not in _get(url):
        if time.perf_counter() - t > limit:
            raise SystemExit(f"{url} did not show {text!r} within {limit:.0f} s")
        time.sleep(0.02)
    return time.perf_counter() - t


def bench_serve(tmp: Path, runs: int) -> None:
    print(f"\nimr serve: from the write to the served page showing it (median of {runs})")
    codes = [("", ENV, None)]
    if BASE:
        codes.append((f" [{BASE['commit']}]", BASE["env"], BASE["cwd"]))
    for (label, n), (code, env, cwd) in itertools.product(
        (("example", None), ("1,000 entries", 1000)), codes
    ):
        case = example_with(tmp / f"serve{n or 0}{code.strip(' []')}", n)
        port = _free_port()
        proc = subprocess.Popen(
            [*imr("serve", str(case)), "--dev-addr", f"127.0.0.1:{port}"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env=env,
            cwd=cwd,
        )
        try:
            base = f"http://127.0.0.1:{port}/"
            _until(base + "03-chronology.html", "Chronology", limit=300)
            section = case / "docs" / "05-analysis.md"
            data = case / "data" / "chronology.yml"
            original = section.read_text(encoding="utf-8"), data.read_text(encoding="utf-8")
            took: dict[str, list[float]] = {"section": [], "data": []}
            for i in range(runs):
                word = f"Benchmarkword{i}x"
                time.sleep(1.0)  # the watcher's own quiet period after the last build
                section.write_text(original[0] + f"\n\n{word}\n", encoding="utf-8")
                took["section"].append(_until(base + "05-analysis.html", word))
                word = f"Chronoword{i}x"
                time.sleep(1.0)
                data.write_text(
                    original[1].replace("event: ", f"event: {word} ", 1), encoding="utf-8"
                )
                took["data"].append(_until(base + "03-chronology.html", word))
        finally:
            proc.terminate()
            proc.wait(timeout=30)
        print(
            f"  {label + code:<24} section {statistics.median(took['section']):5.2f} s, "
            f"data/chronology.yml {statistics.median(took['data']):5.2f} s"
        )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("what", choices=["check", "build", "serve", "all"])
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--sizes", type=int, nargs="+", default=[1000, 5000], help="for build")
    ap.add_argument("--baseline", metavar="COMMIT", help="also time that commit's code, paired")
    args = ap.parse_args(argv)
    print(
        f"python {sys.version.split()[0]}, load average {os.getloadavg()[0]:.1f} (shared machine:"
    )
    print("absolute times are inflated; compare the ratios)")
    with tempfile.TemporaryDirectory() as tmp:
        if args.baseline:
            baseline(args.baseline, Path(tmp))
        compiled(REPO / "imr_site", REPO / "plugins", *([Path(BASE["cwd"])] if BASE else []))
        if args.what in ("check", "all"):
            bench_check(Path(tmp), args.runs)
        if args.what in ("build", "all"):
            bench_build(Path(tmp), args.runs, args.sizes)
        if args.what in ("serve", "all"):
            bench_serve(Path(tmp), args.runs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
