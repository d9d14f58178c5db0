"""``imr new``: a new case from the template, ready to build, with its CI and pre-commit files."""

from __future__ import annotations

import sys
from pathlib import Path

from imr_site.cli.exit_codes import EXIT_OK, EXIT_UNUSABLE
from imr_site.publish.new_case import new_case, new_panel


def register(sub) -> None:
    n = sub.add_parser("new", help="start a new case from the template")
    n.add_argument("dir")
    n.add_argument(
        "--panel",
        action="store_true",
        help="a review panel's case: every agency's chronology merged by `imr merge`",
    )
    n.set_defaults(func=cmd_new)


def cmd_new(args) -> int:
    target = Path(args.dir)
    if target.exists() and any(target.iterdir()):
        print(
            f"{target} already exists and is not empty: choose a new folder name.", file=sys.stderr
        )
        return EXIT_UNUSABLE
    if args.panel:
        new_panel(target)
        print(f"New review panel case in {target}. Next: list the agencies in mkdocs.yml, then run")
        print(f"  imr merge {target}\n  imr serve {target}")
        return EXIT_OK
    new_case(target)
    print(f"New case in {target}. Next: edit mkdocs.yml and the files in docs/ and data/, then run")
    print(f"  imr check {target}\n  imr serve {target}")
    return EXIT_OK
