"""``imr export docx``: the report as a Word document, for readers outside Git. The work is
:mod:`imr_site.publish.docx` (on the site's own pages, :mod:`imr_site.publish.pages`); this
module parses the arguments and prints what happened."""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path

from imr_site.case.findings import CaseError, summarise
from imr_site.case.model import read_mkdocs_yml
from imr_site.cli.exit_codes import EXIT_FINDINGS, EXIT_OK, EXIT_UNUSABLE
from imr_site.people.leaks import leak_findings
from imr_site.publish.build import BuildStopped, final_in_settings
from imr_site.review.formats import format_text


def register(sub) -> None:
    """Add `imr export docx` to the `imr` command's subcommands."""
    exp = sub.add_parser(
        "export",
        help="the report in another format for readers outside Git (Word)",
        description="Write the whole report in another format.",
    )
    formats = exp.add_subparsers(dest="export_format", metavar="FORMAT")
    formats.required = True
    d = formats.add_parser(
        "docx",
        help="the whole report as a Word document (.docx)",
        description=(
            "Write the whole report as a Word document: cover, contents, the sections under "
            "Word's heading styles, the chronology and action plan as landscape tables, the "
            "protective marking and page numbers on every page. The anonymised edition is "
            "checked for names before it is written."
        ),
    )
    d.add_argument("dir", nargs="?", default=".", help="the case folder (default: here)")
    d.add_argument("--edition", choices=("restricted", "anonymised"))
    d.add_argument(
        "-o",
        "--output",
        help="the .docx file to write (default: site/<case reference>-<edition>.docx)",
    )
    d.add_argument(
        "--reference-docx",
        metavar="FILE",
        help="a Word document whose styles (and header logo) to use; also `reference_docx:` "
        "under the imr plugin in mkdocs.yml",
    )
    d.add_argument(
        "--final",
        action="store_true",
        help="a FINAL document (refused unless the case is complete and signed off)",
    )
    d.add_argument("--force", action="store_true", help="replace the file if it exists")
    d.set_defaults(func=cmd_docx)


def _err(message: str) -> None:
    print(message, file=sys.stderr)


def cmd_docx(args) -> int:
    from imr_site.publish.docx import DocxError, DocxLeak, write_docx
    from imr_site.publish.pages import rendered_report

    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    quiet_mkdocs()
    case_dir = Path(args.dir).resolve()
    reference = args.reference_docx
    if reference is None and (case_dir / "mkdocs.yml").is_file():
        try:
            option = read_mkdocs_yml(case_dir / "mkdocs.yml")[1].get("reference_docx")
        except CaseError as e:
            _err(format_text(e.findings))
            return EXIT_UNUSABLE
        reference = str(case_dir / option) if option else None
    if reference is not None and not Path(reference).is_file():
        _err(f"The reference document {reference} does not exist. Nothing was written.")
        return EXIT_UNUSABLE
    if args.output:
        # Said before the build, which takes a while: a file the author named is never replaced
        # without --force (the default, in site/, is the build's own output and is replaced).
        if Path(args.output).suffix.lower() != ".docx":
            _err(f"{args.output}: the file name must end in .docx. Nothing was written.")
            return EXIT_UNUSABLE
        if Path(args.output).exists() and not args.force:
            _err(f"{args.output} already exists; add --force to replace it. Nothing was written.")
            return EXIT_UNUSABLE
    final = args.final or final_in_settings(case_dir)
    try:
        with rendered_report(case_dir, args.edition, final=final) as built:
            case = built.case
            out = (
                Path(args.output)
                if args.output
                else case_dir / "site" / f"{case.config.output_stem}.docx"
            )
            out.parent.mkdir(parents=True, exist_ok=True)
            result = write_docx(
                case,
                built.section_html,
                built.section_urls,
                out,
                status=built.status,
                version=built.version,
                site_dir=built.site_dir,
                reference_docx=reference,
            )
    except BuildStopped as e:
        if e.findings:
            _err(format_text(e.findings))
        for line in e.lines:
            _err(line.replace("Build stopped", "Export stopped"))
        _err("No Word document was written.")
        return EXIT_FINDINGS if e.has_findings else EXIT_UNUSABLE
    except DocxLeak as e:
        _err(format_text(leak_findings(e.leaks, e.problems)))
        _err(str(e))
        return EXIT_FINDINGS
    except DocxError as e:
        _err(f"Export stopped: {e}")
        return EXIT_UNUSABLE
    except OSError as e:
        _err(f"The Word document could not be written: {e.strerror or e}. Nothing was written.")
        return EXIT_UNUSABLE
    for problem in result.problems:
        print(f"Not shown in Word: {problem}")
    s = summarise(built.findings)
    print(
        f"Word document written: {result.path} ({result.sections} sections, "
        f"{result.chronology_entries} chronology entries, {result.actions} actions; "
        f"{built.status}, {case.config.edition} edition; {result.seconds:.1f} s)."
    )
    if s["error"] or s["warning"]:
        print(
            f"The case has {s['error']} error(s) and {s['warning']} warning(s): "
            "`imr check` lists them."
        )
    return EXIT_OK


def quiet_mkdocs() -> None:
    """The build behind an export prints only what stops it: findings are `imr check`'s job."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(levelname)s: %(message)s"))
    log = logging.getLogger("mkdocs")
    log.handlers[:] = [handler]
    log.setLevel(logging.ERROR)
    log.propagate = False
