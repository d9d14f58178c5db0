"""How fast, and in how much memory, the "billion laughs" YAML file is refused.

    python benchmarks/yaml_bomb_bench.py [--runs 5]

Prints, as medians of the runs:
- the refusal itself (``parse_yaml`` of the 9-line file): seconds and peak Python memory;
- `imr check` on a copy of the example case with the file as data/chronology.yml, as a process of
  its own: wall seconds and maximum resident memory, beside the same for the clean example (the
  reference measured in the same run, since the machine may be shared).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BOMB = "".join(
    f"{name}: &{name} [{', '.join([prev] * 9)}]\n"
    for name, prev in zip("abcdefghi", ['"lol"', *("*" + c for c in "abcdefgh")], strict=True)
)


def refusal() -> tuple[float, int]:
    from imr_site.case.yamlio import YAMLProblem, parse_yaml

    tracemalloc.start()
    started = time.perf_counter()
    try:
        parse_yaml(BOMB, "data/chronology.yml")
    except YAMLProblem:
        pass
    seconds = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return seconds, peak


def guard_overhead(entries: int, runs: int) -> None:
    """What refusing anchors costs on an honest chronology: the guard alone, against the parse."""
    import yaml

    from imr_site.case import yamlio
    from imr_site.chronology.io import dump_chronology
    from imr_site.chronology.sample import generate_entries

    plain = dump_chronology(generate_entries(entries))
    # "A&E" and "**" in every entry: the quick test cannot rule anchors out, so events are read
    marked = plain.replace("event: ", "event: A&E **urgent** ")
    for label, text in (("no & or *", plain), ("A&E, ** in every entry", marked)):
        guard = statistics.median(
            _seconds(lambda t=text: yamlio.refuse_anchors(t)) for _ in range(runs)
        )
        load = statistics.median(
            _seconds(lambda t=text: yaml.load(t, Loader=yamlio._LineLoader))  # noqa: S506
            for _ in range(runs)
        )
        print(
            f"{entries:,}-entry chronology ({label}): guard {guard * 1000:.1f} ms, "
            f"parse {load * 1000:.0f} ms ({guard / load:.1%} of the parse)"
        )


def _seconds(fn) -> float:
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


def check_process(case: Path) -> tuple[float, float, int]:
    """(wall seconds, max RSS in MB, exit code) of `imr check` in a child process."""
    started = time.perf_counter()
    pid = os.fork()
    if pid == 0:
        os.execv(
            sys.executable,
            [sys.executable, "-m", "imr_site.cli", "check", str(case)],
        )
    _, status, usage = os.wait4(pid, 0)
    return time.perf_counter() - started, usage.ru_maxrss / 1024, os.waitstatus_to_exitcode(status)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5)
    runs = ap.parse_args().runs
    sys.path.insert(0, str(REPO))
    refusals = [refusal() for _ in range(runs)]
    print(
        f"parse_yaml refuses the bomb: {statistics.median(s for s, _ in refusals) * 1000:.2f} ms, "
        f"peak {statistics.median(p for _, p in refusals) / 1024:.1f} KiB (median of {runs})"
    )
    guard_overhead(10_000, runs)
    with tempfile.TemporaryDirectory() as tmp:
        clean, bomb = Path(tmp) / "clean", Path(tmp) / "bomb"
        for case in (clean, bomb):
            shutil.copytree(REPO / "docs", case / "docs")
            shutil.copytree(REPO / "data", case / "data")
            shutil.copy(REPO / "mkdocs.yml", case)
        (bomb / "data" / "chronology.yml").write_text(BOMB, encoding="utf-8")
        results = {"clean example": [], "alias bomb": []}
        with open(os.devnull, "w") as null:
            saved = os.dup(1)
            os.dup2(null.fileno(), 1)
            try:
                for _ in range(runs):
                    results["clean example"].append(check_process(clean))
                    results["alias bomb"].append(check_process(bomb))
            finally:
                os.dup2(saved, 1)
        ref = statistics.median(s for s, _, _ in results["clean example"])
        for label, rs in results.items():
            wall = statistics.median(s for s, _, _ in rs)
            rss = statistics.median(m for _, m, _ in rs)
            print(
                f"imr check, {label}: {wall:.2f} s ({wall / ref:.2f} x the clean example), "
                f"max RSS {rss:.0f} MB, exit {rs[0][2]}"
            )


if __name__ == "__main__":
    main()
