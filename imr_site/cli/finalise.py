"""``imr finalise``: every section marked final (`status: final`) in one step, once the case has
no error findings left."""

from __future__ import annotations

import sys

from imr_site.case.findings import CaseError, Severity
from imr_site.cli.exit_codes import EXIT_FINDINGS, EXIT_OK, EXIT_UNUSABLE
from imr_site.review.formats import format_text
from imr_site.review.registry import load_case, run_checks
from imr_site.sections.finalise import set_status


def register(sub) -> None:
    f = sub.add_parser(
        "finalise",
        help="mark every section final (refused while any error finding remains)",
        description="Set `status: final` in the front matter of every section file, changing "
        "nothing else in them. Refused, with the list, while any finding at error level remains.",
    )
    f.add_argument("dir", nargs="?", default=".", help="the case folder (default: here)")
    f.set_defaults(func=cmd_finalise)


def cmd_finalise(args) -> int:
    try:
        case = load_case(args.dir)
    except CaseError as e:
        print(format_text(e.findings), file=sys.stderr)
        return EXIT_UNUSABLE
    errors = [f for f in run_checks(case) if f.severity is Severity.ERROR]
    if errors:
        print(format_text(errors), file=sys.stderr)
        print(
            "No section was marked final: fix these first (`imr check` lists every finding).",
            file=sys.stderr,
        )
        return EXIT_FINDINGS
    changed, unchanged = [], []
    for s in case.spec.sections:
        page = case.section(s.id)
        if page is not None:
            (changed if set_status(page, "final") else unchanged).append(page.rel)
    for rel in changed:
        print(f"{rel}: status: final")
    print(
        f"{len(changed)} section(s) marked final"
        + (f"; {len(unchanged)} already were." if unchanged else ".")
        + " Commit the change, then build with `imr build --final`."
    )
    return EXIT_OK
