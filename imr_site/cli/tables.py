"""``imr glossary|people import|export`` and ``imr actions import``: spreadsheets in and out of a
case's data files. The parts' ``io`` modules do the work; this module parses the arguments, finds
the case's data folder, and prints what happened (as ``imr chronology import`` does)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from imr_site.case.atomic import write_atomic
from imr_site.case.files import shown as shown_path
from imr_site.case.findings import CaseError
from imr_site.case.model import parse_options, read_mkdocs_yml
from imr_site.case.spec import SpecError, load_spec, spec_path
from imr_site.case.spreadsheet import ImportRefused, table_bytes, write_data_file
from imr_site.cli.exit_codes import EXIT_FINDINGS, EXIT_OK, EXIT_UNUSABLE


@dataclass(frozen=True)
class DataTable:
    """One data file that can come from a spreadsheet (and go back to one)."""

    name: str  # the file's stem in data/, and the command group
    what: str  # "glossary", in messages
    headings: str  # the headings recognised, for --help
    importer: Callable  # (file, mapping, sheet, encoding, spec) -> Imported
    header: str  # the comment block of a new file
    table: Callable | None = None  # (data file) -> (headings, rows), for export
    sheet_title: str = ""


def _err(message: str) -> None:
    print(message, file=sys.stderr)


def add_import(sub, t: DataTable) -> None:
    imp = sub.add_parser(
        "import",
        help=f"read the {t.what} from a CSV or XLSX file into data/{t.name}.yml",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description=(
            f"Read a {t.what} spreadsheet (CSV or XLSX) into data/{t.name}.yml.\n"
            f"Headings recognised: {t.headings}; others with --map.\n"
            "No row is dropped: a cell that cannot be read is kept as written and reported, and a\n"
            "row the file cannot hold (no label, a label twice) stops the import, naming the row."
        ),
    )
    import_arguments(imp, f"data/{t.name}.yml", f"replace a {t.what} that has entries")
    imp.set_defaults(func=lambda args: cmd_import(args, t))


def import_arguments(imp, target: str, force_help: str) -> None:
    """The arguments every `imr ... import` takes (the chronology's too)."""
    imp.add_argument("file", help="the .csv or .xlsx file")
    imp.add_argument("--case", default=".", help="the case folder (default: here)")
    imp.add_argument(
        "--map",
        action="append",
        default=[],
        metavar='"Heading=field"',
        help="say which field a column fills (repeatable); 'Heading=-' leaves a column out",
    )
    imp.add_argument("--sheet", help="the sheet to read, when the workbook has several")
    imp.add_argument("--encoding", help="the CSV file's encoding, if not UTF-8 or Windows-1252")
    imp.add_argument("-o", "--output", help=f"write here instead of {target}")
    imp.add_argument("--force", action="store_true", help=force_help)


def add_export(sub, t: DataTable) -> None:
    exp = sub.add_parser("export", help=f"write the {t.what} to a CSV or XLSX file")
    exp.add_argument("file", help="the file to write; its ending (.csv or .xlsx) gives the format")
    exp.add_argument("--case", default=".", help="the case folder (default: here)")
    exp.add_argument("--force", action="store_true", help="replace the file if it exists")
    exp.set_defaults(func=lambda args: cmd_export(args, t))


def register_group(sub, t: DataTable, help_text: str) -> None:
    group = sub.add_parser(t.name, help=help_text)
    actions = group.add_subparsers(dest=f"{t.name}_command", metavar="ACTION")
    actions.required = True
    add_import(actions, t)
    add_export(actions, t)


def case_settings(case_dir: Path) -> tuple[Path, object]:
    """(data folder, spec or None) of the case; CaseError/SpecError when mkdocs.yml is bad."""
    cfg_file = case_dir / "mkdocs.yml"
    if not cfg_file.is_file():
        return case_dir / "data", None
    _, options = read_mkdocs_yml(cfg_file)
    config = parse_options(options)
    spec = load_spec(spec_path(case_dir, config.spec))
    return case_dir / config.data_dir, spec


def readable_case_settings(case_dir: Path) -> tuple[Path, object] | None:
    """:func:`case_settings`, or None once stderr says why mkdocs.yml or the spec is unusable."""
    try:
        return case_settings(case_dir)
    except CaseError as e:
        _err("\n".join(str(f) for f in e.findings))
    except SpecError as e:
        _err(str(e))
    return None


def cmd_import(args, t: DataTable) -> int:
    case_dir = Path(args.case).resolve()
    if not (case_dir / "mkdocs.yml").is_file() and not args.output:
        _err(
            f"There is no mkdocs.yml in {case_dir}: run this in the case folder, give it with "
            "--case DIR, or say where to write with -o FILE."
        )
        return EXIT_UNUSABLE
    settings = readable_case_settings(case_dir)
    if settings is None:
        return EXIT_UNUSABLE
    data_dir, spec = settings
    out = Path(args.output).resolve() if args.output else data_dir / f"{t.name}.yml"
    shown = shown_path(case_dir, out)
    try:
        result = t.importer(args.file, args.map, args.sheet, args.encoding, spec)
    except ImportRefused as e:
        _err(f"{args.file} was not imported; nothing was written:")
        for n in e.notes:
            _err(f"  {n}")
        return EXIT_UNUSABLE
    try:
        write_data_file(out, result.yaml, t.header, force=args.force)
    except FileExistsError:
        _err(
            f"{shown} already has entries, so nothing was written. Add --force to replace it "
            "(Git keeps the old one), or write somewhere else with -o FILE."
        )
        return EXIT_UNUSABLE
    except OSError as e:
        _err(f"{shown} could not be written: {e.strerror or e}.")
        return EXIT_UNUSABLE
    for n in result.notes:
        print(f"{args.file}: {n.level}: {n}")
    warnings = sum(1 for n in result.notes if n.level == "warning")
    print(
        f"Imported {result.count} row(s) from {args.file} into {shown}."
        + (
            f" {warnings} warning(s): check those cells; `imr check` points at them."
            if warnings
            else ""
        )
    )
    print("Columns read: " + ", ".join(f"{h} -> {f}" for h, f in result.columns.items()) + ".")
    return EXIT_FINDINGS if warnings else EXIT_OK


def cmd_export(args, t: DataTable) -> int:
    case_dir = Path(args.case).resolve()
    target = Path(args.file)
    if target.suffix.lower() not in (".csv", ".xlsx"):
        _err(f"{args.file}: the file name must end in .csv or .xlsx.")
        return EXIT_UNUSABLE
    if target.exists() and not args.force:
        _err(f"{args.file} already exists; add --force to replace it. Nothing was written.")
        return EXIT_UNUSABLE
    try:
        data_dir, _ = case_settings(case_dir)
    except (CaseError, SpecError) as e:
        _err("\n".join(str(f) for f in e.findings) if isinstance(e, CaseError) else str(e))
        return EXIT_UNUSABLE
    source = data_dir / f"{t.name}.yml"
    if not source.is_file():
        _err(f"There is no {shown_path(case_dir, source)} to export.")
        return EXIT_UNUSABLE
    try:
        headings, rows = t.table(source)
        write_atomic(target, table_bytes(target, headings, rows, t.sheet_title))
    except ValueError as e:  # the part's ExportRefused: the file is not the expected shape
        _err(f"{e} Nothing was written.")
        return EXIT_UNUSABLE
    except OSError as e:
        _err(f"{args.file} could not be written: {e.strerror or e}.")
        return EXIT_UNUSABLE
    print(f"Exported {len(rows)} row(s) from {shown_path(case_dir, source)} to {args.file}.")
    return EXIT_OK
