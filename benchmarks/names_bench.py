"""Times the name check, the abbreviation check and the leak gate.

    .venv/bin/python benchmarks/names_bench.py [--runs 5] [--entries 10000]

The two checks run on the example case and on a copy whose chronology is repeated up to
``--entries`` entries; the leak gate reads the example's anonymised build (HTML and PDF).
Prints the median of the runs. Absolute times drift on shared machines: compare ratios.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import tempfile
import time
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent


def median_time(fn, runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def copy_example(dest: Path) -> Path:
    dest.mkdir(parents=True)
    shutil.copy(REPO / "mkdocs.yml", dest)
    shutil.copytree(REPO / "docs", dest / "docs")
    shutil.copytree(REPO / "data", dest / "data")
    return dest


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--entries", type=int, default=10_000)
    args = ap.parse_args()
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")

    from imr_site.people import abbreviation_checks as glossary
    from imr_site.people import name_checks as names
    from imr_site.publish.editions import check_output
    from imr_site.review.registry import load_case

    with tempfile.TemporaryDirectory() as tmp:
        case_dir = copy_example(Path(tmp) / "example")
        case = load_case(case_dir)
        for label, check in (("name check", names.check), ("abbreviation check", glossary.check)):
            t = median_time(lambda check=check: check(case), args.runs)
            print(f"{label}, example ({len(case.data['chronology'].entries)} entries): {t:.3f} s")

        big_dir = copy_example(Path(tmp) / "big")
        entries = yaml.safe_load((big_dir / "data/chronology.yml").read_text(encoding="utf-8"))
        big = [dict(e) for _ in range(args.entries // len(entries) + 1) for e in entries]
        (big_dir / "data/chronology.yml").write_text(yaml.safe_dump(big[: args.entries]))
        big_case = load_case(big_dir)
        for label, check in (("name check", names.check), ("abbreviation check", glossary.check)):
            t = median_time(lambda check=check: check(big_case), max(1, args.runs // 2))
            print(f"{label}, {args.entries} entries: {t:.3f} s")

        from mkdocs.commands.build import build
        from mkdocs.config import load_config

        site = case_dir / "site"
        cfg = load_config(config_file=str(case_dir / "mkdocs.yml"), site_dir=str(site))
        plugin = cfg.plugins["imr"]
        plugin.config["edition"] = "anonymised"
        build(cfg)
        skip = plugin._not_from_case  # the theme's files, as the plugin skips them
        anonymised = load_case(
            case_dir, options={**dict(plugin.config)}, docs_dir=case_dir / "docs"
        )
        t = median_time(lambda: check_output(anonymised, site, skip=skip), args.runs)
        print(f"leak gate, example anonymised build with its PDF: {t:.3f} s")


if __name__ == "__main__":
    main()
