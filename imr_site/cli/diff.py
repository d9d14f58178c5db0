"""``imr diff OLD [NEW]``: a redline of the report between two versions kept in Git, as its
readers see it. The work is :mod:`imr_site.publish.redline`; this module parses the arguments
and prints what happened."""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

from imr_site.cli.exit_codes import EXIT_OK, EXIT_UNUSABLE
from imr_site.cli.export import quiet_mkdocs
from imr_site.review.formats import format_text


def register(sub) -> None:
    d = sub.add_parser(
        "diff",
        help="what changed in the report between two versions (a redline: HTML, PDF or JSON)",
        description=(
            "Compare two versions of the report as its readers see it: each section word by "
            "word, the chronology and the action plan entry by entry, and the status, "
            "signatures and dates. OLD and NEW are Git revisions (a tag such as v1.0, a branch, "
            "a commit); without NEW, the working tree as it is now."
        ),
    )
    d.add_argument("old", metavar="OLD", help="the earlier version (tag, branch or commit)")
    d.add_argument(
        "new", metavar="NEW", nargs="?", help="the later version (default: the working tree)"
    )
    d.add_argument("--case", default=".", help="the case folder (default: here)")
    d.add_argument("--edition", choices=("restricted", "anonymised"))
    d.add_argument(
        "-o",
        "--output",
        action="append",
        default=[],
        metavar="FILE",
        help="write the redline here: .html, .pdf or .json by its ending (repeatable). Default "
        "with --format text: site/redline-OLD-NEW.html and .pdf",
    )
    d.add_argument(
        "--format",
        choices=("text", "json"),
        default="text",
        help="what to print: a summary (text) or the whole comparison (json)",
    )
    d.set_defaults(func=cmd_diff)


def _err(message: str) -> None:
    print(message, file=sys.stderr)


def cmd_diff(args) -> int:
    from imr_site.case.findings import CaseError
    from imr_site.publish.redline import (
        RedlineError,
        RedlineLeak,
        gate,
        make_redline,
        redline_html,
        redline_json,
        redline_pdf,
        write,
    )

    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    quiet_mkdocs()
    case_dir = Path(args.case).resolve()
    outputs = [Path(o) for o in args.output]
    for o in outputs:
        if o.suffix.lower() not in (".html", ".htm", ".pdf", ".json"):
            _err(f"{o}: the file name must end in .html, .pdf or .json. Nothing was written.")
            return EXIT_UNUSABLE
    try:
        redline, cases = make_redline(case_dir, args.old, args.new, edition=args.edition)
    except RedlineError as e:
        if e.findings:
            _err(format_text(e.findings))
        _err(f"imr diff: {e}")
        return EXIT_UNUSABLE
    except CaseError as e:
        _err(format_text(e.findings))
        return EXIT_UNUSABLE
    if not outputs and args.format == "text":
        stem = f"redline-{_safe(args.old)}-{_safe(args.new or 'working-tree')}"
        outputs = [case_dir / "site" / f"{stem}.html", case_dir / "site" / f"{stem}.pdf"]
    marking = cases[-1].config.protective_marking
    written = []
    try:
        for o in outputs:
            suffix = o.suffix.lower()
            if suffix == ".pdf":
                data = redline_pdf(redline, marking)
            elif suffix == ".json":
                data = redline_json(redline).encode("utf-8")
            else:
                data = redline_html(redline, marking).encode("utf-8")
            gate(cases, o.name, data)
            write(o, data)
            written.append(o)
        if args.format == "json":
            text = redline_json(redline)
            gate(cases, "redline.json", text.encode("utf-8"))
            sys.stdout.write(text)
            return EXIT_OK
    except RedlineLeak as e:
        _err(str(e))
        return EXIT_UNUSABLE
    except OSError as e:
        _err(f"The redline could not be written: {e.strerror or e}.")
        return EXIT_UNUSABLE
    _print_summary(redline)
    for o in written:
        print(f"Redline written: {o}")
    return EXIT_OK


def _print_summary(redline) -> None:
    print(f"From {redline.old.described} to {redline.new.described} ({redline.edition} edition):")
    if not redline.changed:
        print("No changes: the two versions show readers the same report.")
        return
    s = redline.summary()
    for sec in redline.sections:
        if sec.status == "changed":
            print(
                f"  {sec.title}: {sec.words_inserted} word(s) inserted, {sec.words_deleted} deleted"
            )
        elif sec.status != "unchanged":
            print(f"  {sec.title}: section {sec.status}")
    for name, key in (("Chronology", "chronology"), ("Action plan", "actions")):
        c = s[key]
        if any(c.values()):
            print(f"  {name}: {c['added']} added, {c['removed']} removed, {c['changed']} changed")
    for f in redline.front_matter:
        print(f"  {f.section}: {f.label}: {f.old or 'not set'} -> {f.new or 'not set'}")


def _safe(revision: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "-", revision).strip("-.") or "version"
