"""``imr new``: a new case from the template, ready to build, with its CI and pre-commit files."""

from __future__ import annotations

import sys
from pathlib import Path

from imr_site.cli.exit_codes import EXIT_OK, EXIT_UNUSABLE
from imr_site.publish.new_case import new_case


def register(sub) -> None:
    n = sub.add_parser("new", help="start a new case from the template")
    n.add_argument("dir")
    n.set_defaults(func=cmd_new)


def cmd_new(args) -> int:
    target = Path(args.dir)
    if target.exists() and any(target.iterdir()):
        print(
            f"{target} already exists and is not empty: choose a new folder name.", file=sys.stderr
        )
        return EXIT_UNUSABLE
    new_case(target)
    print(f"New case in {target}. Next: edit mkdocs.yml and the files in docs/ and data/, then run")
    print(f"  imr check {target}\n  imr serve {target}")
    return EXIT_OK
