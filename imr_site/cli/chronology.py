"""``imr chronology import FILE`` and ``imr chronology export FILE``: the command-line side of
:mod:`imr_site.chronology.io` (which does the work and knows nothing of the command line)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from imr_site.case.files import shown
from imr_site.case.findings import CaseError
from imr_site.chronology.io import (
    ImportRefused,
    dump_chronology,
    export_file,
    import_file,
    is_empty,
    modeline,
    parse_mapping,
    write_atomic,
)
from imr_site.chronology.model import R_SHAPE
from imr_site.cli.exit_codes import EXIT_FINDINGS, EXIT_OK, EXIT_UNUSABLE
from imr_site.cli.tables import import_arguments, readable_case_settings
from imr_site.review.registry import load_case


def register(sub) -> None:
    """Add `imr chronology import|export` to the `imr` command's subcommands."""
    chron = sub.add_parser(
        "chronology",
        help="import a chronology from CSV/XLSX, or export it",
        description="Move the chronology between spreadsheets and data/chronology.yml.",
    )
    actions = chron.add_subparsers(dest="chronology_command", metavar="ACTION")
    actions.required = True

    imp = actions.add_parser(
        "import",
        help="read a CSV or XLSX chronology into data/chronology.yml",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description=(
            "Read a chronology spreadsheet (CSV or XLSX) into data/chronology.yml.\n"
            "Common headings (Date, Time, Source of information, Contact with, Event, Action\n"
            "taken, Outcome/Decision, Key episode, ...) are recognised; UK dates (22/05/2024,\n"
            "22.05.24, 22-May-24) are understood. No row is dropped: a cell that cannot be read\n"
            "is kept as written and reported, and `imr check` points at it until it is fixed."
        ),
    )
    import_arguments(imp, "the case's data/chronology.yml", "replace an existing chronology file")
    imp.set_defaults(func=cmd_import)

    exp = actions.add_parser(
        "export", help="write the chronology to a CSV or XLSX file (entries in file order)"
    )
    exp.add_argument("file", help="the .csv or .xlsx file to write")
    exp.add_argument("--case", default=".", help="the case folder (default: here)")
    exp.add_argument("--force", action="store_true", help="replace the file if it exists")
    exp.set_defaults(func=cmd_export)


def _err(message: str) -> None:
    print(message, file=sys.stderr)


def cmd_import(args) -> int:
    case_dir = Path(args.case).resolve()
    settings = readable_case_settings(case_dir)
    if settings is None:
        return EXIT_UNUSABLE
    data_dir, spec = settings
    if not (case_dir / "mkdocs.yml").is_file() and not args.output:
        _err(
            f"There is no mkdocs.yml in {case_dir}: run this in the case folder, give it with "
            "--case DIR, or say where to write with -o FILE."
        )
        return EXIT_UNUSABLE
    out = Path(args.output).resolve() if args.output else data_dir / "chronology.yml"
    shown_out = shown(case_dir, out)
    # An empty chronology (the new case's `[]`) holds nothing to lose: no --force needed.
    replace = args.force or is_empty(out)
    if out.exists() and not replace:
        _err(
            f"{shown_out} already exists, so nothing was written. Add --force to replace it "
            "(Git keeps the old one), or write somewhere else with -o FILE."
        )
        return EXIT_UNUSABLE
    try:
        result = import_file(
            args.file, parse_mapping(args.map), sheet=args.sheet, encoding=args.encoding, spec=spec
        )
    except ImportRefused as e:
        _err(f"{args.file} was not imported; nothing was written:")
        for n in e.notes:
            _err(f"  {n}")
        return EXIT_UNUSABLE
    try:
        text = dump_chronology(result.entries, schema_line=modeline(out))
        write_atomic(out, text, force=replace)
    except FileExistsError:
        _err(f"{shown_out} appeared while importing; nothing was written. Try again.")
        return EXIT_UNUSABLE
    except OSError as e:
        _err(f"{shown_out} could not be written: {e.strerror or e}.")
        return EXIT_UNUSABLE
    for n in result.notes:
        print(f"{args.file}: {n.level}: {n}")
    kept = sum(1 for n in result.notes if n.level == "warning" and "kept exactly" in n.message)
    print(
        f"Imported {len(result.entries)} entr{'y' if len(result.entries) == 1 else 'ies'} from "
        f"{args.file} into {shown_out}."
        + (
            f" {kept} cell{'s were' if kept != 1 else ' was'} kept exactly as written; "
            f"`imr check` will point at {'them' if kept != 1 else 'it'} until corrected."
            if kept
            else ""
        )
    )
    columns = ", ".join(f"{h} -> {f}" for h, f in result.columns.items())
    print(f"Columns read: {columns}.")
    return EXIT_FINDINGS if kept else EXIT_OK


def cmd_export(args) -> int:
    case_dir = Path(args.case).resolve()
    target = Path(args.file)
    if target.suffix.lower() not in (".csv", ".xlsx"):
        _err(f"{args.file}: the file name must end in .csv or .xlsx.")
        return EXIT_UNUSABLE
    try:
        case = load_case(case_dir)
    except CaseError as e:
        _err("\n".join(str(f) for f in e.findings))
        return EXIT_UNUSABLE
    chron = case.data.get("chronology")
    if chron is None or not chron.exists:
        _err(f"There is no {case.config.data_dir}/chronology.yml in {case_dir} to export.")
        return EXIT_UNUSABLE
    shape = [f for f in case.findings if f.code == R_SHAPE.code]
    if shape:
        _err("The chronology has entries that cannot be read, which an export would leave out:")
        for f in shape:
            _err(f"  {f}")
        _err("Fix them first (see `imr check`); nothing was written.")
        return EXIT_UNUSABLE
    try:
        export_file(chron, target, case.spec, force=args.force)
    except FileExistsError:
        _err(f"{args.file} already exists; add --force to replace it. Nothing was written.")
        return EXIT_UNUSABLE
    except OSError as e:
        _err(f"{args.file} could not be written: {e.strerror or e}.")
        return EXIT_UNUSABLE
    n = len(chron.entries)
    print(f"Exported {n} entr{'y' if n == 1 else 'ies'} to {args.file}.")
    return EXIT_OK
