"""Chronologies in and out of spreadsheets: CSV and XLSX to ``data/chronology.yml`` and back.

Agencies keep chronologies in Excel; the panel reads ours in review-friendly YAML. Import
recognises the usual column headings (and takes an explicit mapping for others), understands UK
date formats and never drops a row: a cell it cannot read is kept exactly as written and reported,
and ``imr check`` then flags it. Every function here is pure except the two that write files,
which write atomically and refuse to overwrite unless asked.
"""

from __future__ import annotations

import csv
import datetime as dt
import difflib
import io
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from imr_site.case import atomic
from imr_site.case.dates import DateProblem, FuzzyDate, parse_time, parse_uk_date, serial_to_date
from imr_site.case.files import MAX_FILE_BYTES, MAX_FILE_MB
from imr_site.chronology.model import (
    FIELDS,
    MAX_ENTRIES,
    Chronology,
    key_episode_value,
)

# Column headings seen in agency chronologies (Chronolator, the appendix 8b template, Excel
# exports of case-management systems), by the field they fill. Compared after normalising.
HEADINGS: dict[str, tuple[str, ...]] = {
    "date": (
        "date",
        "date of contact",
        "contact date",
        "start date",
        "date of event",
        "event date",
    ),
    "time": ("time", "time of contact", "start time", "contact time"),
    "end_date": ("end date", "date to", "to date", "date ended", "finish date"),
    "end_time": ("end time", "time to", "finish time"),
    "seq": ("seq", "sequence", "seq no", "sequence number", "sequence no", "order"),
    "source": (
        "source",
        "source of information",
        "source team or service",
        "team",
        "service",
        "agency",
        "team or service",
        "team service",
        "source team",
        "source agency",
    ),
    "contact_with": (
        "contact with",
        "who was the contact with",
        "contact was with",
        "who",
        "person contacted",
        "with whom",
        "contact made with",
    ),
    "contact_type": (
        "contact type",
        "type of contact",
        "type",
        "contact method",
        "method",
        "method of contact",
    ),
    "event": (
        "event",
        "key intervention",
        "key intervention event",
        "details",
        "event details",
        "description",
        "details of contact",
        "summary",
        "key event details",
        "intervention",
    ),
    "action": ("action taken", "action", "actions", "actions taken"),
    "decision": (
        "outcome decision",
        "decision outcome",
        "decision made outcome",
        "outcome",
        "decision",
        "decision made",
        "outcome and decision",
        "decision made or outcome",
        "outcome of contact",
    ),
    "key_episode": ("key episode", "key event", "key", "significant event", "key episode y n"),
    "comment": (
        "analysis",
        "comment",
        "comments",
        "analysis comment",
        "analysis or comment",
        "analysis and comment",
        "notes",
    ),
    "references": (
        "source records",
        "references",
        "reference",
        "record reference",
        "source record",
        "records",
        "record",
        "source record references",
        "record references",
        "ref",
    ),
}

DATE_FIELDS = ("date", "end_date")
TIME_FIELDS = ("time", "end_time")
SKIP = "-"  # --map "Heading=-" leaves a column out on purpose


def normalise_heading(text) -> str:
    t = str(text or "").lower().replace("&", " and ").replace("_", " ")
    return " ".join(re.sub(r"[^\w]+", " ", t).split())


def known_headings(spec=None) -> dict[str, str]:
    """Normalised heading -> field, including the field names and the spec's column labels."""
    out = {normalise_heading(h): f for f, hs in HEADINGS.items() for h in hs}
    out.update({normalise_heading(f): f for f in FIELDS})
    if spec is not None:
        out.update({normalise_heading(c.label): c.key for c in spec.chronology_columns})
    return out


@dataclass(frozen=True)
class ImportNote:
    """Something the author should know about the import, at a row (and column) of the file."""

    level: str  # "error" (nothing written), "warning" (kept as written: check it), "info"
    row: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        where = []
        if self.row:
            where.append(f"row {self.row}")
        if self.column:
            where.append(f"column '{self.column}'")
        return (", ".join(where) + ": " if where else "") + self.message


@dataclass
class ImportResult:
    entries: list[dict]
    notes: list[ImportNote] = field(default_factory=list)
    columns: dict[str, str] = field(default_factory=dict)  # heading as written -> field
    rows_read: int = 0


class ImportRefused(Exception):
    """The file cannot be imported as it is; nothing was written. ``notes`` say why."""

    def __init__(self, notes: list[ImportNote]):
        self.notes = notes
        super().__init__("\n".join(str(n) for n in notes))


# --- reading the table --------------------------------------------------------------------


@dataclass
class Table:
    rows: list[tuple[int, list]]  # (row number as the spreadsheet shows it, cells)
    notes: list[ImportNote] = field(default_factory=list)
    merged: dict[tuple[int, int], str] = field(default_factory=dict)  # (row, col) -> range name


def read_table(
    path: str | os.PathLike, sheet: str | None = None, encoding: str | None = None
) -> Table:
    p = Path(path)
    if not p.is_file():
        raise ImportRefused([ImportNote("error", None, None, f"there is no file {p}.")])
    _refuse_if_too_large(p)
    suffix = p.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return _read_xlsx(p, sheet)
    if suffix == ".xls":
        raise ImportRefused(
            [
                ImportNote(
                    "error",
                    None,
                    None,
                    "this is an old-style Excel file (.xls); open it in Excel and save it as .xlsx "
                    "(Excel Workbook) or .csv, then import that.",
                )
            ]
        )
    try:
        data = p.read_bytes()
    except OSError as e:
        raise ImportRefused(
            [ImportNote("error", None, None, f"{p} cannot be read: {e.strerror or e}.")]
        ) from None
    return _read_csv(data, encoding)


# An XLSX file is a zip: what it unpacks to is limited too (a small file can unpack to gigabytes).
MAX_UNPACKED_BYTES = 5 * MAX_FILE_BYTES


def _too_large(what: str) -> ImportRefused:
    return ImportRefused(
        [
            ImportNote(
                "error",
                None,
                None,
                f"{what}, over the import's limit ({MAX_FILE_MB} MB, {MAX_ENTRIES:,} rows); "
                "nothing was written. Check it is the right file, or split it.",
            )
        ]
    )


def _refuse_if_too_large(p: Path) -> None:
    import zipfile

    size = p.stat().st_size
    if size > MAX_FILE_BYTES:
        raise _too_large(f"the file is {size / 1024 / 1024:.0f} MB")
    if zipfile.is_zipfile(p):
        try:
            with zipfile.ZipFile(p) as z:
                unpacked = sum(i.file_size for i in z.infolist())
        except (zipfile.BadZipFile, OSError):
            return  # reported when the workbook is opened
        if unpacked > MAX_UNPACKED_BYTES:
            raise _too_large(f"the workbook unpacks to {unpacked / 1024 / 1024:.0f} MB")


def _decode(data: bytes, encoding: str | None) -> tuple[str, list[ImportNote]]:
    if encoding:
        try:
            return data.decode(encoding), []
        except (UnicodeDecodeError, LookupError) as e:
            raise ImportRefused(
                [ImportNote("error", None, None, f"the file cannot be read as {encoding}: {e}.")]
            ) from None
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):  # Excel's "Unicode Text" is UTF-16
        try:
            return data.decode("utf-16"), []
        except UnicodeDecodeError:
            pass
    try:
        return data.decode("utf-8-sig"), []
    except UnicodeDecodeError:
        pass
    for enc, name in (("cp1252", "Windows-1252"), ("latin-1", "Latin-1")):
        try:
            text = data.decode(enc)
        except UnicodeDecodeError:
            continue
        return text, [
            ImportNote(
                "warning",
                None,
                None,
                f"the file is not UTF-8, so it was read as {name} (what Excel on Windows saves as "
                "'CSV'). Check that accented letters, £ signs and quotation marks look right in "
                "the "
                "result; if not, save the spreadsheet as 'CSV UTF-8' and import again.",
            )
        ]
    raise AssertionError("latin-1 decodes every byte")


def _read_csv(data: bytes, encoding: str | None) -> Table:
    text, notes = _decode(data, encoding)
    # Excel writes commas, or semicolons in locales with a decimal comma; quoting is always
    # Excel's. Only the separator is guessed, from the heading line.
    first = text.split("\n", 1)[0]
    counts = {d: first.count(d) for d in (",", ";", "\t")}
    delimiter = max(counts, key=lambda d: counts[d]) if any(counts.values()) else ","

    class dialect(csv.excel):
        pass

    dialect.delimiter = delimiter
    reader = csv.reader(io.StringIO(text, newline=""), dialect)
    rows = []
    try:
        for n, row in enumerate(reader, start=1):
            rows.append((n, [c.replace("\r\n", "\n") for c in row]))
    except csv.Error as e:
        raise ImportRefused(
            [
                ImportNote(
                    "error",
                    len(rows) + 1,
                    None,
                    f"the CSV file is damaged here ({e}); open it in Excel and save it again.",
                )
            ]
        ) from None
    return Table(rows, notes)


def _read_xlsx(p: Path, sheet: str | None) -> Table:
    import zipfile

    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    _refuse_huge_merges(p)
    try:
        wb = openpyxl.load_workbook(p, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, OSError, KeyError, ValueError) as e:
        raise ImportRefused(
            [
                ImportNote(
                    "error",
                    None,
                    None,
                    f"this Excel file cannot be opened ({e}); open it in Excel and save it again.",
                )
            ]
        ) from None
    names = wb.sheetnames
    notes: list[ImportNote] = []
    if sheet is not None:
        if sheet not in names:
            raise ImportRefused(
                [
                    ImportNote(
                        "error",
                        None,
                        None,
                        f"the workbook has no sheet called '{sheet}'; its sheets are: "
                        f"{', '.join(names)}.",
                    )
                ]
            )
        ws = wb[sheet]
    else:
        used = [n for n in names if _sheet_has_data(wb[n])]
        if len(used) > 1:
            raise ImportRefused(
                [
                    ImportNote(
                        "error",
                        None,
                        None,
                        f"the workbook has {len(used)} sheets with something in them "
                        f"({', '.join(used)}); say which one holds the chronology with "
                        "--sheet NAME (import the others separately if they are chronologies "
                        "too).",
                    )
                ]
            )
        ws = wb[used[0]] if used else wb[names[0]]
        if len(names) > 1:
            notes.append(
                ImportNote(
                    "info", None, None, f"read sheet '{ws.title}'; the other sheets are empty."
                )
            )
    grid = _values(ws)
    merged: dict[tuple[int, int], str] = {}
    for rng in ws.merged_cells.ranges:
        top = grid.get((rng.min_row, rng.min_col))
        for r in range(rng.min_row, rng.max_row + 1):
            for c in range(rng.min_col, rng.max_col + 1):
                if (r, c) == (rng.min_row, rng.min_col):
                    continue
                merged[(r, c)] = str(rng.coord)
                # A cell merged down several rows applies to each of them: copy it down. A cell
                # merged across columns belongs to its first column only.
                if c == rng.min_col and top is not None:
                    grid[(r, c)] = top
    # A sheet's "used range" can run to a million rows of formatting: read up to the last value.
    max_row = max((r for r, _ in grid), default=0)
    max_col = max((c for _, c in grid), default=0)
    rows = [(r, [grid.get((r, c)) for c in range(1, max_col + 1)]) for r in range(1, max_row + 1)]
    return Table(rows, notes, merged)


def _values(ws) -> dict[tuple[int, int], object]:
    """(row, column) -> value of every cell that holds one. Only the cells stored are visited:
    one formatted cell at row 200,000, column 200 would otherwise make 40 million empty ones."""
    cells = getattr(ws, "_cells", None)
    if cells is None:  # another openpyxl: the slower public way
        return {
            (r, c): v
            for r, row in enumerate(ws.iter_rows(values_only=True), start=1)
            for c, v in enumerate(row, start=1)
            if v is not None
        }
    return {pos: cell.value for pos, cell in cells.items() if cell.value is not None}


def _sheet_has_data(ws) -> bool:
    return bool(_values(ws))


# openpyxl makes one object per merged cell as it opens a workbook: "A1:XFD1048576" alone would
# take all the memory there is. More merged cells than this is no chronology.
MAX_MERGED_CELLS = 2_000_000
_MERGE_REF = re.compile(rb'<(?:\w+:)?mergeCell\s+ref="([A-Z]+)(\d+):([A-Z]+)(\d+)"')


def _column_number(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ch - 64
    return n


def _refuse_huge_merges(p: Path) -> None:
    import zipfile

    try:
        with zipfile.ZipFile(p) as z:
            sheets = [n for n in z.namelist() if n.startswith("xl/worksheets/")]
            total = 0
            for name in sheets:
                for m in _MERGE_REF.finditer(z.read(name)):
                    c1, r1, c2, r2 = m.groups()
                    rows = abs(int(r2) - int(r1)) + 1
                    cols = abs(_column_number(c2) - _column_number(c1)) + 1
                    total += rows * cols
    except (zipfile.BadZipFile, OSError, KeyError, ValueError):
        return  # reported when the workbook is opened
    if total > MAX_MERGED_CELLS:
        raise ImportRefused(
            [
                ImportNote(
                    "error",
                    None,
                    None,
                    f"the workbook merges {total:,} cells together, far more than a chronology "
                    "has; nothing was written. Unmerge the cells in Excel (Home, Merge & Center, "
                    "Unmerge Cells), save, and import again.",
                )
            ]
        )


# --- turning the table into entries --------------------------------------------------------


def _blank(v) -> bool:
    return v is None or (isinstance(v, str) and not v.strip())


def _col_name(i: int) -> str:
    s = ""
    i += 1
    while i:
        i, rem = divmod(i - 1, 26)
        s = chr(65 + rem) + s
    return s


def parse_mapping(items: list[str] | None) -> dict[str, str]:
    """``["Heading=field", ...]`` (from --map) -> {normalised heading: field}."""
    out: dict[str, str] = {}
    problems = []
    for item in items or []:
        if "=" not in item:
            problems.append(
                ImportNote("error", None, None, f"--map '{item}' must be written 'Heading=field'.")
            )
            continue
        heading, fld = (s.strip() for s in item.rsplit("=", 1))
        if fld != SKIP and fld not in FIELDS:
            close = difflib.get_close_matches(fld, FIELDS, n=1)
            hint = f"; did you mean '{close[0]}'?" if close else f"; fields are {', '.join(FIELDS)}"
            problems.append(
                ImportNote(
                    "error", None, None, f"--map '{item}': '{fld}' is not a chronology field{hint}"
                )
            )
            continue
        out[normalise_heading(heading)] = fld
    if problems:
        raise ImportRefused(problems)
    return out


def import_table(table: Table, mapping: dict[str, str] | None = None, spec=None) -> ImportResult:
    """Entries from a table read by :func:`read_table`. Raises :class:`ImportRefused`."""
    mapping = mapping or {}
    known = known_headings(spec)
    known.update(mapping)
    notes = list(table.notes)

    header_at = None
    for i, (_, cells) in enumerate(table.rows[:30]):
        hits = [known.get(normalise_heading(c)) for c in cells if not _blank(c)]
        if "date" in hits or sum(1 for h in hits if h) >= 2:
            header_at = i
            break
    if header_at is None:
        raise ImportRefused(
            [
                ImportNote(
                    "error",
                    None,
                    None,
                    "no row of column headings was found (looked for 'Date', 'Time', 'Source of "
                    "information', 'Contact with', 'Event', ...). Add a heading row, or say which "
                    'heading means which field with --map "Heading=field".',
                )
            ]
        )
    header_row, headings = table.rows[header_at]
    above = [r for r, cells in table.rows[:header_at] if any(not _blank(c) for c in cells)]
    if above:
        notes.append(
            ImportNote(
                "info",
                None,
                None,
                f"row{'s' if len(above) > 1 else ''} {', '.join(map(str, above))} above the "
                "headings "
                "(row {0}) read as a title, not as entries.".format(header_row),
            )
        )

    data_rows = table.rows[header_at + 1 :]
    columns: dict[int, str] = {}
    used_by: dict[str, int] = {}
    problems: list[ImportNote] = []
    for ci, heading in enumerate(headings):
        has_data = any(ci < len(cells) and not _blank(cells[ci]) for _, cells in data_rows)
        if _blank(heading):
            if has_data:
                rows_with = [
                    str(r) for r, cells in data_rows if ci < len(cells) and not _blank(cells[ci])
                ][:5]
                problems.append(
                    ImportNote(
                        "error",
                        header_row,
                        _col_name(ci),
                        f"column {_col_name(ci)} has no heading but has text (rows "
                        f"{', '.join(rows_with)}); give it a heading, or --map it.",
                    )
                )
            continue
        fld = known.get(normalise_heading(heading))
        if fld is None:
            if not has_data:
                notes.append(
                    ImportNote(
                        "info",
                        header_row,
                        str(heading),
                        "column is empty and not a chronology field; left out.",
                    )
                )
                continue
            close = difflib.get_close_matches(
                normalise_heading(heading), list(known), n=1, cutoff=0.6
            )
            hint = (
                f" (it looks like '{known[close[0]]}': --map \"{heading}={known[close[0]]}\")"
                if close
                else ""
            )
            problems.append(
                ImportNote(
                    "error",
                    header_row,
                    str(heading),
                    f"this heading is not one the tool knows{hint}. Say which field it fills with "
                    f'--map "{heading}=FIELD" (fields: {", ".join(FIELDS)}), or leave the column '
                    f'out on purpose with --map "{heading}=-".',
                )
            )
            continue
        if fld == SKIP:
            continue
        if fld in used_by:
            problems.append(
                ImportNote(
                    "error",
                    header_row,
                    str(heading),
                    f"both column '{headings[used_by[fld]]}' and column '{heading}' look like the "
                    f"'{fld}' field; use --map to send one of them to another field.",
                )
            )
            continue
        used_by[fld] = ci
        columns[ci] = fld
    if problems:
        raise ImportRefused(problems + [n for n in notes if n.level != "info"])

    entries: list[dict] = []
    blank_rows = 0
    merged_noted: set[str] = set()
    for r, cells in data_rows:
        if all(_blank(c) for c in cells):
            blank_rows += 1
            continue
        extra = [
            (ci, c)
            for ci, c in enumerate(cells)
            if ci not in columns and not _blank(c) and ci >= len(headings)
        ]
        if extra:
            raise ImportRefused(
                [
                    ImportNote(
                        "error",
                        r,
                        _col_name(extra[0][0]),
                        "there is text beyond the last heading (column "
                        f"{_col_name(extra[0][0])}); give "
                        "that column a heading so nothing is lost.",
                    )
                ]
            )
        raw: dict[str, object] = {}
        for ci, fld in columns.items():
            v = cells[ci] if ci < len(cells) else None
            if not _blank(v):
                raw[fld] = v
            rng = table.merged.get((r, ci))
            if rng and rng not in merged_noted and v is not None:
                merged_noted.add(rng)
                notes.append(
                    ImportNote(
                        "warning",
                        r,
                        str(headings[ci]),
                        f"cells {rng} are merged; the value '{_text(v)[:40]}' was copied into "
                        "each row "
                        "the merge covers. Check that it applies to each of them.",
                    )
                )
        entries.append(_entry(raw, r, {f: str(headings[ci]) for ci, f in columns.items()}, notes))
    if blank_rows:
        notes.append(
            ImportNote(
                "info",
                None,
                None,
                f"{blank_rows} empty row{'s' if blank_rows > 1 else ''} skipped.",
            )
        )
    return ImportResult(
        entries, notes, {str(headings[ci]): f for ci, f in columns.items()}, len(data_rows)
    )


def import_file(
    path: str | os.PathLike,
    mapping: list[str] | dict | None = None,
    sheet: str | None = None,
    encoding: str | None = None,
    spec=None,
) -> ImportResult:
    """Read a CSV or XLSX chronology into entries. Raises :class:`ImportRefused`."""
    if isinstance(mapping, list):
        mapping = parse_mapping(mapping)
    table = read_table(path, sheet, encoding)
    if len(table.rows) > MAX_ENTRIES + 1:  # the heading row, and a row per entry
        raise _too_large(f"the file has {len(table.rows):,} rows")
    return import_table(table, mapping, spec)


def _text(v) -> str:
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    if isinstance(v, dt.datetime):
        return v.isoformat(sep=" ")
    return v if isinstance(v, str) else str(v)


def _entry(raw: dict, row: int, heading_of: dict, notes: list[ImportNote]) -> dict:
    """One entry in FIELDS order. Cells that cannot be read are kept exactly as written."""
    out: dict = {}

    def keep(fld: str, why: str) -> None:
        out[fld] = _text(raw[fld])
        notes.append(
            ImportNote(
                "warning",
                row,
                heading_of[fld],
                f"{why}; kept exactly as written ('{out[fld]}'), and `imr check` "
                "will point at it until it is corrected.",
            )
        )

    for fld in FIELDS:
        if fld not in raw:
            continue
        v = raw[fld]
        if fld in DATE_FIELDS:
            if isinstance(v, dt.datetime) or isinstance(v, dt.date):
                d = v.date() if isinstance(v, dt.datetime) else v
                out[fld] = d.isoformat()
                if isinstance(v, dt.datetime) and v.time() != dt.time(0):
                    tf = "time" if fld == "date" else "end_time"
                    if tf not in raw:
                        raw[tf] = v.time()
                        heading_of.setdefault(tf, heading_of[fld])
                    elif _time_text(raw[tf]) != v.strftime("%H:%M"):
                        notes.append(
                            ImportNote(
                                "warning",
                                row,
                                heading_of[fld],
                                f"the date cell also holds the time {v.strftime('%H:%M')}, which "
                                f"differs from the time column; the time column was used.",
                            )
                        )
                continue
            if isinstance(v, (int, float)) and not isinstance(v, bool):
                serial = serial_to_date(v)
                keep(
                    fld,
                    f"this date is a spreadsheet number, not a date (it may mean "
                    f"{serial.strftime('%d/%m/%Y')}; format the cell as a date)"
                    if serial
                    else "this is a number, not a date",
                )
                continue
            try:
                d = parse_uk_date(v)
            except DateProblem as e:
                keep(fld, f"this date is impossible: {e}")
                continue
            if d is None:
                serial = serial_to_date(v)
                keep(
                    fld,
                    f"this date is a spreadsheet number, not a date (it may mean "
                    f"{serial.strftime('%d/%m/%Y')})"
                    if serial
                    else "this is not a date",
                )
                continue
            out[fld] = d.iso
        elif fld in TIME_FIELDS:
            t = _time_text(v)
            if t is None:
                why = (
                    "this time is a spreadsheet fraction of a day, not a time"
                    if isinstance(v, float)
                    else "this is not a time of day"
                )
                keep(fld, why)
                continue
            out[fld] = t
        elif fld == "seq":
            if isinstance(v, (int, float)) and not isinstance(v, bool) and float(v).is_integer():
                out[fld] = int(v)
            elif isinstance(v, str) and v.strip().isdigit():
                out[fld] = int(v.strip())
            else:
                keep(fld, "the sequence is not a whole number")
        elif fld == "key_episode":
            k = key_episode_value(v)
            if k is None:
                keep(fld, "key episode should be Yes or No")
            elif k:
                out[fld] = True
        else:
            out[fld] = _text(v)
    return out


_TIME_LOOSE = re.compile(r"^(\d{1,2})(?:[:.](\d{2}))?(?::(\d{2}))?\s*([ap]\.?m\.?)?$", re.I)
_TIME_4 = re.compile(r"^(\d{2})(\d{2})(?:\s*(?:hrs|hours|h))?$", re.I)


def _time_text(v) -> str | None:
    """HH:MM for a time cell written in any common way, or None when it is not a time."""
    if isinstance(v, dt.datetime):
        v = v.time()
    if isinstance(v, dt.time):
        return v.strftime("%H:%M:%S" if v.second else "%H:%M")
    if not isinstance(v, str):
        return None
    s = v.strip()
    m = _TIME_4.match(s)
    if m:
        s = f"{m.group(1)}:{m.group(2)}"
    m = _TIME_LOOSE.match(s)
    if not m or (m.group(2) is None and not m.group(4)):
        return None
    h, mi, sec = int(m.group(1)), int(m.group(2) or 0), int(m.group(3) or 0)
    if m.group(4):
        if not 1 <= h <= 12:
            return None
        h = h % 12 + (12 if m.group(4).lower().startswith("p") else 0)
    try:
        t = parse_time(f"{h:02d}:{mi:02d}:{sec:02d}")
    except DateProblem:
        return None
    return t.strftime("%H:%M:%S" if sec else "%H:%M")


# --- writing YAML ----------------------------------------------------------------------------

_Dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


class _ChronologyDumper(_Dumper):
    """Block style, field order kept, multi-line text as | blocks, dates and times unquoted."""


# Dates and times are written bare (2024-05-22, 10:30): the tool reads them back as text, so the
# YAML 1.1 timestamp and base-60 rules (which would otherwise force quotes) are left out here.
def _no_clock(tag: str, rx: re.Pattern) -> re.Pattern:
    if tag.endswith((":int", ":float")):
        return re.compile(r"^(?!.*:)(?:" + rx.pattern + ")", rx.flags)
    return rx


_ChronologyDumper.yaml_implicit_resolvers = {
    k: [(tag, _no_clock(tag, rx)) for tag, rx in v if tag != "tag:yaml.org,2002:timestamp"]
    for k, v in _Dumper.yaml_implicit_resolvers.items()
}


_ODD_BREAKS = re.compile("[\r\x85\u2028\u2029]")


def _represent_str(dumper, value: str):
    # A | block for text over several lines; not for text ending in blank lines, which would
    # need |+ (a form that makes the next entry's blank separator part of the text).
    block = "\n" in value and value.strip("\n") and not value.endswith("\n\n")
    if block and not _ODD_BREAKS.search(value):
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|")
    return dumper.represent_scalar("tag:yaml.org,2002:str", value)


_ChronologyDumper.add_representer(str, _represent_str)

HEADER = (
    "# Chronology of agency involvement (appendix 8b): one entry per contact, in date order.\n"
    "# Dates: 2024-05-22, or 2024-05 (month only), 2024 (year only); ? in front if uncertain.\n"
    "# Fields: " + ", ".join(FIELDS) + ".\n"
)


def ordered(entry: dict) -> dict:
    """The entry with fields in the template's order, then any others as written."""
    out = {k: entry[k] for k in FIELDS if k in entry}
    out.update({k: v for k, v in entry.items() if k not in out})
    return out


def dump_chronology(entries: list[dict], header: bool = True) -> str:
    """chronology.yml text for the entries: one block per entry, a blank line between entries."""
    parts = [HEADER] if header else []
    for e in entries:
        parts.append(
            yaml.dump(
                [ordered(_plain(e))],
                Dumper=_ChronologyDumper,
                sort_keys=False,
                allow_unicode=True,
                default_flow_style=False,
                width=1_000_000,
                indent=2,
            )
        )
    return "\n".join(parts) if entries else ("".join(parts) + "[]\n")


def _plain(v):
    if isinstance(v, dict):
        return {str(k): _plain(x) for k, x in v.items()}
    if isinstance(v, list):
        return [_plain(x) for x in v]
    return v


def write_atomic(path: Path, data: bytes | str, force: bool = False) -> None:
    """Write a file in one step (a temporary file renamed into place); refuse to overwrite."""
    path = Path(path)
    if path.exists() and not force:
        raise FileExistsError(str(path))
    atomic.write_atomic(path, data)


# --- export ----------------------------------------------------------------------------------


def export_table(chron: Chronology, spec=None) -> tuple[list[str], list[list]]:
    """Headings and rows for a spreadsheet, entries in file order, nothing left out."""
    labels = {c.key: c.label for c in spec.chronology_columns} if spec is not None else {}
    extra: list[str] = []
    for e in chron.entries:
        for k in e.fields:
            if k not in FIELDS and k not in extra:
                extra.append(str(k))
    keys = list(FIELDS) + extra
    headings = [labels.get(k, k) for k in keys]
    rows = [[_cell(k, e.fields.get(k)) for k in keys] for e in chron.entries]
    return headings, rows


def _cell(key: str, v):
    if v is None:
        return ""
    if key in DATE_FIELDS:
        try:
            d = FuzzyDate.parse(v)
        except DateProblem:
            return _text(v)
        body = (
            f"{d.day:02d}/{d.month:02d}/{d.year}"
            if d.day
            else f"{d.month:02d}/{d.year}"
            if d.month
            else f"{d.year}"
        )
        return ("?" if d.uncertain else "") + body
    if key == "key_episode":
        k = key_episode_value(v)
        return "Yes" if k else "" if k is False else _text(v)
    if isinstance(v, list):
        return "; ".join(_text(x) for x in v)
    if isinstance(v, dict):
        return yaml.safe_dump(_plain(v), default_flow_style=True, allow_unicode=True).strip()
    return _text(v)


def export_csv(chron: Chronology, spec=None) -> bytes:
    """UTF-8 with a byte-order mark, so Excel shows non-English letters correctly."""
    headings, rows = export_table(chron, spec)
    buf = io.StringIO(newline="")
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(headings)
    w.writerows(rows)
    return buf.getvalue().encode("utf-8-sig")


def export_xlsx(chron: Chronology, spec=None) -> bytes:
    import openpyxl
    from openpyxl.styles import Alignment, Font

    headings, rows = export_table(chron, spec)
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Chronology"
    ws.append(headings)
    for c in ws[1]:
        c.font = Font(bold=True)
    wrap = Alignment(wrap_text=True, vertical="top")
    date_columns = {FIELDS.index(k) for k in DATE_FIELDS}
    for r, row in enumerate(rows, start=2):
        for c, value in enumerate(row):
            if value == "":
                continue
            cell = ws.cell(row=r, column=c + 1)
            cell.alignment = wrap
            day = _exact_day(value) if c in date_columns else None
            if day is not None:
                # A real date cell, so that Excel sorts and filters it; imprecise, uncertain
                # and unreadable dates stay text exactly as exported to CSV.
                cell.value = day
                cell.number_format = "DD/MM/YYYY"
                continue
            cell.value = value
            # Text is text: never let a cell starting with '=' become a formula.
            cell.data_type = "s"
    widths = {"date": 12, "time": 7, "end_date": 12, "end_time": 7, "seq": 5, "key_episode": 8}
    for c, key in enumerate(list(FIELDS) + headings[len(FIELDS) :], start=1):
        ws.column_dimensions[_col_name(c - 1)].width = widths.get(key, 30)
    ws.freeze_panes = "A2"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _exact_day(text: str) -> dt.date | None:
    if not re.fullmatch(r"\d{2}/\d{2}/\d{4}", text):
        return None
    try:
        return dt.datetime.strptime(text, "%d/%m/%Y").date()
    except ValueError:
        return None


def export_file(chron: Chronology, path: str | os.PathLike, spec=None, force: bool = False) -> None:
    path = Path(path)
    data = export_xlsx(chron, spec) if path.suffix.lower() == ".xlsx" else export_csv(chron, spec)
    write_atomic(path, data, force=force)
