"""``imr merge``: the review panel's integrated chronology from every agency's submission,
then every check on the result (as ``imr check``)."""

from __future__ import annotations

import sys
from pathlib import Path

from imr_site.case import gitrepo
from imr_site.case.findings import CaseError
from imr_site.cli.check import check_and_report
from imr_site.cli.exit_codes import EXIT_UNUSABLE
from imr_site.publish.merge import merge_panel
from imr_site.review.formats import FORMATS, ReportContext


def register(sub) -> None:
    m = sub.add_parser(
        "merge",
        help="merge every agency's chronology into the panel's integrated chronology",
        description=(
            "Read each agency's submission listed under `panel: agencies:` in the panel case's "
            "mkdocs.yml and write data/chronology.yml, data/people.yml, data/glossary.yml and "
            "data/panel.yml; then check the result as `imr check` does. Nothing is written when "
            "any submission cannot be used."
        ),
    )
    m.add_argument("dir", nargs="?", default=".", help="the panel case folder (default: here)")
    m.add_argument("--format", choices=sorted(FORMATS), default="text")
    m.set_defaults(func=cmd_merge)


def cmd_merge(args) -> int:
    ctx = ReportContext(path_prefix=gitrepo.prefix(Path(args.dir)))
    try:
        outcome = merge_panel(args.dir)
    except CaseError as e:
        print(FORMATS[args.format](e.findings, ctx))
        return EXIT_UNUSABLE
    if outcome.refused:
        print(FORMATS[args.format](outcome.findings, ctx))
        print("Nothing was merged or written.", file=sys.stderr)
        return EXIT_UNUSABLE
    # Progress goes to stderr, so that --format json prints JSON alone on stdout.
    result = outcome.result
    for change in result.changes:
        print(change, file=sys.stderr)
    for note in result.notes:
        print(note, file=sys.stderr)
    n = len(result.entries)
    print(
        f"Merged {n} entr{'y' if n == 1 else 'ies'} from {len(result.changes)} agencies into "
        f"{', '.join(p.parent.name + '/' + p.name for p in outcome.written)}.",
        file=sys.stderr,
    )
    return check_and_report(args.dir, args.format)
