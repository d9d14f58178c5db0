#!/usr/bin/env python3
"""Write a large, realistic, fictional chronology.yml (for benchmarks and load tests).

python scripts/generate_chronology.py 10000 -o /tmp/big/data/chronology.yml
python scripts/generate_chronology.py 5000 --start 2020-01-01 --end 2024-12-31 --seed 7
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

from imr_site.chronology.io import dump_chronology, write_atomic
from imr_site.chronology.sample import generate_entries


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("entries", type=int, help="how many entries")
    ap.add_argument("-o", "--output", help="file to write (default: standard output)")
    ap.add_argument("--start", default="2022-01-01", help="first day (YYYY-MM-DD)")
    ap.add_argument("--end", default="2024-12-31", help="last day (YYYY-MM-DD)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--force", action="store_true", help="overwrite the output file")
    args = ap.parse_args(argv)
    entries = generate_entries(
        args.entries, dt.date.fromisoformat(args.start), dt.date.fromisoformat(args.end), args.seed
    )
    text = dump_chronology(entries)
    if args.output:
        try:
            write_atomic(Path(args.output), text, force=args.force)
        except FileExistsError:
            print(f"{args.output} exists; add --force to replace it.", file=sys.stderr)
            return 2
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
