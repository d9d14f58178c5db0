"""``imr check``: every rule, without building; findings as text, JSON, GitHub annotations or JUnit."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from imr_site.case import gitrepo
from imr_site.case.findings import CaseError
from imr_site.cli.exit_codes import EXIT_UNUSABLE, exit_code
from imr_site.review.formats import FORMATS, ReportContext, github_step_summary
from imr_site.review.registry import load_case, run_checks


def register(sub) -> None:
    c = sub.add_parser("check", help="run every check without building")
    c.add_argument("dir", nargs="?", default=".", help="the case folder (default: here)")
    c.add_argument("--format", choices=sorted(FORMATS), default="text")
    c.add_argument(
        "--strict",
        action="store_true",
        help="warnings fail too: exit code 1, and failures in --format junit",
    )
    c.add_argument(
        "-v", "--verbose", action="store_true", help="also say how YAML files are read (on stderr)"
    )
    c.set_defaults(func=cmd_check)


def cmd_check(args) -> int:
    if getattr(args, "verbose", False):
        from imr_site.case.yamlio import reader

        print(f"YAML files are read with {reader()}.", file=sys.stderr)
    return check_and_report(args.dir, args.format, strict=args.strict)


def check_and_report(case_dir: str, fmt: str, strict: bool = False) -> int:
    """Every check on the case, printed in the format asked for; the exit code."""
    # Paths in annotations are relative to the repository's top, as CI sees the files.
    ctx = ReportContext(path_prefix=gitrepo.prefix(Path(case_dir)), strict=strict)
    try:
        case = load_case(case_dir)
    except CaseError as e:
        print(FORMATS[fmt](e.findings, ctx))
        return EXIT_UNUSABLE
    ctx.rules = case.config.rules
    findings = run_checks(case)
    print(FORMATS[fmt](findings, ctx))
    summary_file = os.environ.get("GITHUB_STEP_SUMMARY")
    if fmt == "github" and summary_file:
        # GitHub shows only the first annotations on the diff; its run summary shows them all.
        try:
            with open(summary_file, "a", encoding="utf-8") as out:
                out.write(github_step_summary(findings, ctx))
        except OSError as e:
            print(f"(the run summary could not be written: {e})", file=sys.stderr)
    return exit_code(findings, strict=strict)
