"""``imr build``: the site and the PDF, of one edition or both, DRAFT or FINAL, with an offline
bundle on request. The build itself is ``imr_site.publish.build``; this module parses the
arguments and prints what happened."""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path

from imr_site.case.findings import summarise
from imr_site.cli.exit_codes import EXIT_FINDINGS, EXIT_UNUSABLE, exit_code
from imr_site.publish.build import (
    BuildStopped,
    MkDocsEchoes,
    SeenBefore,
    build_final,
    build_site,
    final_in_settings,
    unsafe_site_dir,
)
from imr_site.review.formats import format_text, switched_off_lines


def register(sub) -> None:
    b = sub.add_parser("build", help="build the HTML site and the PDF")
    b.add_argument("dir", nargs="?", default=".")
    which = b.add_mutually_exclusive_group()
    which.add_argument("--edition", choices=("restricted", "anonymised"))
    which.add_argument(
        "--both-editions",
        action="store_true",
        help="build the restricted and the anonymised edition, into SITE_DIR/restricted and "
        "SITE_DIR/anonymised",
    )
    b.add_argument("--final", action="store_true", help="a FINAL build (refused unless complete)")
    b.add_argument("--no-pdf", action="store_true", help="HTML only")
    b.add_argument("--site-dir", help="where to write the site (default: DIR/site)")
    b.add_argument(
        "--bundle",
        action="store_true",
        help="also write SITE/<case reference>-<edition>.zip: the site, working when opened from "
        "disk, and the PDF",
    )
    b.add_argument(
        "--with-process",
        action="store_true",
        help="print the restricted process record (data/process.yml) at the end of the PDF; "
        "never in the anonymised edition",
    )
    b.add_argument("-v", "--verbose", action="store_true")
    b.set_defaults(func=cmd_build)


def setup_logging(verbose: bool, progress: bool = False) -> logging.Handler:
    """MkDocs' log on stderr; without ``verbose``, its lines that repeat a finding are left out,
    and its INFO lines too unless ``progress`` (the live preview says where it serves)."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(levelname)s: %(message)s"))
    if not verbose:
        handler.addFilter(MkDocsEchoes(progress=progress))
    root = logging.getLogger("mkdocs")
    root.handlers[:] = [handler]
    root.setLevel(logging.DEBUG if verbose else logging.INFO)
    root.propagate = False
    return handler


def cmd_build(args) -> int:
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    seen = SeenBefore()
    setup_logging(args.verbose).addFilter(seen)
    case_dir = Path(args.dir).resolve()
    site_dir = Path(args.site_dir).resolve() if args.site_dir else case_dir / "site"
    problem = unsafe_site_dir(case_dir, site_dir)
    if problem:
        print(f"Build stopped: {problem}", file=sys.stderr)
        return EXIT_UNUSABLE
    final = args.final or final_in_settings(case_dir)
    if not args.both_editions:
        return _build_edition(args, case_dir, site_dir, args.edition, seen, final)
    # Both editions, each in its own folder (site/restricted/, site/anonymised/), each PDF named
    # by case reference and edition. The anonymised one goes through the leak gate as always.
    codes = []
    for edition in ("restricted", "anonymised"):
        print(f"--- {edition} edition")
        codes.append(_build_edition(args, case_dir, site_dir / edition, edition, seen, final))
        if codes[-1] == EXIT_UNUSABLE:
            # The other edition is the same case: it would stop with the same messages again.
            print("The other edition was not built either.", file=sys.stderr)
            break
    return max(codes)


def _build_edition(args, case_dir: Path, site_dir: Path, edition, seen, final: bool) -> int:
    build = build_final if final else build_site
    try:
        result = build(
            case_dir,
            site_dir,
            edition,
            pdf=not args.no_pdf,
            bundle=args.bundle,
            seen=seen,
            with_process=args.with_process,
        )
    except BuildStopped as e:
        if e.findings:
            print(format_text(e.findings), file=sys.stderr)
        for line in e.lines:
            print(line, file=sys.stderr)
        return EXIT_FINDINGS if e.has_findings else EXIT_UNUSABLE
    s = summarise(result.findings)
    print(f"Site built in {result.site_dir}")
    for label, path in result.outputs:
        print(f"{label}: {path}")
    print(
        f"{s['error']} error(s), {s['warning']} warning(s), {s['info']} note(s). "
        f"Status: {result.status}."
    )
    for line in switched_off_lines(result.rules):
        print(line)
    return exit_code(result.findings)
