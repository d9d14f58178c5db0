"""``imr actions export FILE`` and ``imr actions fix-dates``: the command-line side of
:mod:`imr_site.actions.io` (which does the work and knows nothing of the command line)."""

from __future__ import annotations

import sys
from pathlib import Path

from imr_site.actions.io import (
    ACTIONS_HEADER,
    ExportError,
    export_actions,
    fix_dates,
    import_actions,
)
from imr_site.case.findings import CaseError, Finding, Severity
from imr_site.case.model import parse_options, read_mkdocs_yml
from imr_site.case.yamlio import YAMLProblem
from imr_site.cli.exit_codes import EXIT_OK, EXIT_UNUSABLE
from imr_site.cli.tables import DataTable, add_import
from imr_site.review.registry import load_case, run_checks


def _findings_text(findings: list[Finding]) -> str:
    return "\n".join(str(f) for f in findings)


def cmd_export(args) -> int:
    try:
        case = load_case(args.case)
    except CaseError as e:
        print(_findings_text(e.findings), file=sys.stderr)
        return EXIT_UNUSABLE
    try:
        n = export_actions(case, args.file)
    except ExportError as e:
        print(f"imr actions export: {e}", file=sys.stderr)
        return EXIT_UNUSABLE
    except OSError as e:
        print(f"imr actions export: cannot write {args.file}: {e.strerror}.", file=sys.stderr)
        return EXIT_UNUSABLE
    print(f"Wrote {n} action{'' if n == 1 else 's'} to {args.file}.")
    plan = case.data.get("actions")
    problems = [
        f
        for f in run_checks(case)
        if f.code.startswith(("ACT", "REC")) and f.severity is Severity.ERROR
    ]
    if problems:
        print(
            f"Note: the action plan has {len(problems)} error(s); `imr check` lists them. "
            f"Every action in {plan.rel if plan else 'the plan'} was still exported."
        )
    return EXIT_OK


def cmd_fix_dates(args) -> int:
    root = Path(args.case).resolve()
    data_dir = "data"
    if (root / "mkdocs.yml").is_file():
        try:
            data_dir = parse_options(read_mkdocs_yml(root / "mkdocs.yml")[1]).data_dir
        except CaseError as e:
            print(_findings_text(e.findings), file=sys.stderr)
            return EXIT_UNUSABLE
    path = root / data_dir / "actions.yml"
    rel = f"{data_dir}/actions.yml"
    if not path.is_file():
        print(f"imr actions fix-dates: there is no {rel} in {root}.", file=sys.stderr)
        return EXIT_UNUSABLE
    try:
        fixes = fix_dates(path, dry_run=args.dry_run)
    except YAMLProblem as e:
        print(f"{rel}:{e.line or ''}: {e.message} Nothing was changed.", file=sys.stderr)
        return EXIT_UNUSABLE
    except OSError as e:
        print(f"imr actions fix-dates: cannot rewrite {rel}: {e.strerror}.", file=sys.stderr)
        return EXIT_UNUSABLE
    for fx in fixes:
        print(f"{rel}:{fx.line}: {fx.ref or 'action'} timescale {fx.written} -> {fx.iso}")
    if not fixes:
        print(f"No day-first dates to rewrite in {rel}.")
    elif args.dry_run:
        print(f"{len(fixes)} date(s) would be rewritten; nothing was changed (--dry-run).")
    else:
        print(f"Rewrote {len(fixes)} date(s) in {rel}; nothing else in the file changed.")
    return EXIT_OK


def register(sub) -> None:
    """Add `imr actions export|fix-dates|import` to the `imr` command's subcommands."""
    a = sub.add_parser("actions", help="the action plan: import or export it, tidy its dates")
    asub = a.add_subparsers(dest="actions_command", metavar="ACTION")
    asub.required = True
    e = asub.add_parser("export", help="write the action plan to a .csv or .xlsx file")
    e.add_argument("file", help="the file to write; its ending (.csv or .xlsx) gives the format")
    e.add_argument("--case", default=".", help="the case folder (default: here)")
    e.set_defaults(func=cmd_export)
    f = asub.add_parser(
        "fix-dates",
        help="rewrite day-first timescales (31/12/2025) in data/actions.yml as 2025-12-31",
    )
    f.add_argument("--case", default=".", help="the case folder (default: here)")
    f.add_argument("--dry-run", action="store_true", help="show what would change; change nothing")
    f.set_defaults(func=cmd_fix_dates)
    add_import(asub, ACTIONS)


ACTIONS = DataTable(
    name="actions",
    what="action plan",
    headings="Ref, Recommendation(s), Action, Agency, Lead, Timescale, Status, ... "
    "(the export's headings)",
    importer=import_actions,
    header=ACTIONS_HEADER,
)
