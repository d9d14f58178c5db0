"""Spreadsheets in: the CSV and XLSX reading that every importer shares (the chronology, the
glossary, the people key, the action plan), and the notes an import reports.

Agencies keep these tables in Excel. Reading never drops a row and never changes a cell: rows keep
the number the spreadsheet shows, a cell is returned as the file holds it (text, number, date),
and a file that cannot be read stops the import with :class:`ImportRefused`, which says why.
Each part's ``io`` module turns the cells into its own data, under the same rules.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from imr_site.case.files import MAX_FILE_BYTES, MAX_FILE_MB, MAX_ROWS


def normalise_heading(text) -> str:
    t = str(text or "").lower().replace("&", " and ").replace("_", " ")
    return " ".join(re.sub(r"[^\w]+", " ", t).split())


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
    path: str | os.PathLike,
    sheet: str | None = None,
    encoding: str | None = None,
    what: str = "chronology",
) -> Table:
    """The cells of a CSV or XLSX file, each row with its number as the spreadsheet shows it.
    ``what`` names what the sheet should hold, in messages. Raises :class:`ImportRefused`."""
    p = Path(path)
    if not p.is_file():
        raise ImportRefused([ImportNote("error", None, None, f"there is no file {p}.")])
    _refuse_if_too_large(p)
    suffix = p.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return _read_xlsx(p, sheet, what)
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


def _read_xlsx(p: Path, sheet: str | None, what: str) -> Table:
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
                        f"({', '.join(used)}); say which one holds the {what} with "
                        f"--sheet NAME (import the others separately if they hold one too).",
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


# The import's limits: a file over MAX_FILE_MB, a workbook that unpacks to more than five times
# that (a small zip can unpack to gigabytes), more rows than a case's chronology may hold, or more
# merged cells than any real sheet has, is refused before it is read.
MAX_UNPACKED_BYTES = 5 * MAX_FILE_BYTES
# openpyxl makes one object per merged cell as it opens a workbook: "A1:XFD1048576" alone would
# take all the memory there is.
MAX_MERGED_CELLS = 2_000_000
_MERGE_REF = re.compile(rb'<(?:\w+:)?mergeCell\s+ref="([A-Z]+)(\d+):([A-Z]+)(\d+)"')


def too_large(what: str) -> ImportRefused:
    return ImportRefused(
        [
            ImportNote(
                "error",
                None,
                None,
                f"{what}, over the import's limit ({MAX_FILE_MB} MB, {MAX_ROWS:,} rows); "
                "nothing was written. Check it is the right file, or split it.",
            )
        ]
    )


def _refuse_if_too_large(p: Path) -> None:
    import zipfile

    size = p.stat().st_size
    if size > MAX_FILE_BYTES:
        raise too_large(f"the file is {size / 1024 / 1024:.0f} MB")
    if zipfile.is_zipfile(p):
        try:
            with zipfile.ZipFile(p) as z:
                unpacked = sum(i.file_size for i in z.infolist())
        except (zipfile.BadZipFile, OSError):
            return  # reported when the workbook is opened
        if unpacked > MAX_UNPACKED_BYTES:
            raise too_large(f"the workbook unpacks to {unpacked / 1024 / 1024:.0f} MB")


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
                    f"the workbook merges {total:,} cells together, far more than a real sheet "
                    "has; nothing was written. Unmerge the cells in Excel (Home, Merge & Center, "
                    "Unmerge Cells), save, and import again.",
                )
            ]
        )


# --- cells ----------------------------------------------------------------------------------


def blank(v) -> bool:
    return v is None or (isinstance(v, str) and not v.strip())


def column_name(i: int) -> str:
    s = ""
    i += 1
    while i:
        i, rem = divmod(i - 1, 26)
        s = chr(65 + rem) + s
    return s


def cell_text(v) -> str:
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    if isinstance(v, dt.datetime):
        return v.isoformat(sep=" ")
    return v if isinstance(v, str) else str(v)


# --- rows into records (glossary, people key, action plan) ----------------------------------

SKIP = "-"  # --map "Heading=-" leaves a column out on purpose


@dataclass
class Records:
    """The data rows of a table, each as (row number, {field: cell}) with blank cells left out."""

    rows: list[tuple[int, dict[str, object]]]
    notes: list[ImportNote] = field(default_factory=list)
    columns: dict[str, str] = field(default_factory=dict)  # heading as written -> field
    headings: dict[str, str] = field(default_factory=dict)  # field -> heading as written


@dataclass
class Imported:
    """What an import made: the YAML to write, how many entries, and what to tell the author."""

    yaml: str
    count: int
    notes: list[ImportNote] = field(default_factory=list)
    columns: dict[str, str] = field(default_factory=dict)


def parse_field_mapping(items: list[str] | None, fields, what: str) -> dict[str, str]:
    """``["Heading=field", ...]`` (from --map) -> {normalised heading: field}; ``what`` names
    the data in messages ("glossary"). Raises :class:`ImportRefused`."""
    import difflib

    out: dict[str, str] = {}
    problems = []
    for item in items or []:
        heading, eq, fld = (s.strip() for s in item.rpartition("="))
        if not eq:
            problems.append(f"--map '{item}' must be written 'Heading=field'.")
        elif fld != SKIP and fld not in fields:
            close = difflib.get_close_matches(fld, fields, n=1)
            hint = f"did you mean '{close[0]}'?" if close else f"fields are {', '.join(fields)}"
            problems.append(f"--map '{item}': '{fld}' is not a {what} field; {hint}")
        else:
            out[normalise_heading(heading)] = fld
    if problems:
        raise ImportRefused([ImportNote("error", None, None, p) for p in problems])
    return out


def read_records(table: Table, known: dict[str, str], fields, what: str, key: str) -> Records:
    """The records of a table whose heading row names its columns.

    ``known`` maps normalised headings to fields (with any --map already in it); ``key`` is the
    field a heading row must name (or two known headings of any field). Nothing is dropped: a
    column with text but no known heading, or text beyond the last heading, stops the import
    (:class:`ImportRefused`) with the row and column, and says how to --map it."""
    import difflib

    notes = list(table.notes)
    header_at = None
    for i, (_, cells) in enumerate(table.rows[:30]):
        hits = [known.get(normalise_heading(c)) for c in cells if not blank(c)]
        if key in hits or sum(1 for h in hits if h and h != SKIP) >= 2:
            header_at = i
            break
    if header_at is None:
        raise ImportRefused(
            [
                ImportNote(
                    "error",
                    None,
                    None,
                    f"no row of column headings was found (the {what} needs a '{key}' column "
                    f"among: {', '.join(fields)}). Add a heading row, or say which heading means "
                    'which field with --map "Heading=field".',
                )
            ]
        )
    header_row, headings = table.rows[header_at]
    above = [r for r, cells in table.rows[:header_at] if any(not blank(c) for c in cells)]
    if above:
        notes.append(
            ImportNote(
                "info",
                None,
                None,
                f"row(s) {', '.join(map(str, above))} above the headings (row {header_row}) "
                f"read as a title, not as {what} rows.",
            )
        )
    data_rows = table.rows[header_at + 1 :]
    columns: dict[int, str] = {}
    problems: list[ImportNote] = []
    for ci, heading in enumerate(headings):
        has_data = any(ci < len(cells) and not blank(cells[ci]) for _, cells in data_rows)
        fld = None if blank(heading) else known.get(normalise_heading(heading))
        if fld == SKIP or (fld is None and not has_data):
            continue
        if blank(heading):
            problems.append(
                ImportNote(
                    "error",
                    header_row,
                    column_name(ci),
                    f"column {column_name(ci)} has no heading but has text; give it a heading.",
                )
            )
        elif fld is None:
            close = difflib.get_close_matches(normalise_heading(heading), list(known), n=1)
            hint = f" (it looks like '{known[close[0]]}')" if close else ""
            problems.append(
                ImportNote(
                    "error",
                    header_row,
                    str(heading),
                    f"this heading is not one the tool knows{hint}. Say which field it fills "
                    f'with --map "{heading}=FIELD" (fields: {", ".join(fields)}), or leave the '
                    f'column out on purpose with --map "{heading}=-".',
                )
            )
        elif fld in columns.values():
            problems.append(
                ImportNote(
                    "error",
                    header_row,
                    str(heading),
                    f"two columns look like the '{fld}' field; use --map to send one elsewhere.",
                )
            )
        else:
            columns[ci] = fld
    if key not in columns.values():
        problems.append(
            ImportNote("error", header_row, None, f"no column gives the {what}'s '{key}' field.")
        )
    records: list[tuple[int, dict[str, object]]] = []
    skipped = 0
    for r, cells in data_rows:
        if all(blank(c) for c in cells):
            skipped += 1
            continue
        beyond = [ci for ci, c in enumerate(cells) if ci >= len(headings) and not blank(c)]
        if beyond:
            problems.append(
                ImportNote(
                    "error",
                    r,
                    column_name(beyond[0]),
                    "there is text beyond the last heading; give that column a heading so "
                    "nothing is lost.",
                )
            )
        record = {}
        for ci, fld in columns.items():
            v = cells[ci] if ci < len(cells) else None
            if blank(v):
                continue
            record[fld] = v
            if (r, ci) in table.merged:
                notes.append(
                    ImportNote(
                        "warning",
                        r,
                        str(headings[ci]),
                        f"this cell is part of the merged cells {table.merged[(r, ci)]}; its "
                        "value was copied into each row the merge covers. Check it.",
                    )
                )
        records.append((r, record))
    if problems:
        raise ImportRefused(problems)
    if skipped:
        notes.append(ImportNote("info", None, None, f"{skipped} empty row(s) skipped."))
    return Records(
        records,
        notes,
        {str(headings[ci]): f for ci, f in columns.items()},
        {f: str(headings[ci]) for ci, f in columns.items()},
    )


def split_list(value) -> list[str]:
    """A cell holding several items ("R1, R2"; "Jo; Mrs Smith") as a list: split on semicolons
    when there are any, otherwise on commas."""
    text = cell_text(value)
    sep = ";" if ";" in text else ","
    return [part.strip() for part in text.split(sep) if part.strip()]


# --- tables out ------------------------------------------------------------------------------


def table_csv(headings: list[str], rows: list[list]) -> bytes:
    """CSV in UTF-8 with a byte-order mark (so Excel shows accented letters), Excel's quoting."""
    buf = io.StringIO(newline="")
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(headings)
    w.writerows([["" if v is None else v for v in row] for row in rows])
    return buf.getvalue().encode("utf-8-sig")


def table_xlsx(headings: list[str], rows: list[list], title: str) -> bytes:
    """One bold heading row, then the rows; every cell text (never a formula)."""
    import openpyxl
    from openpyxl.styles import Alignment, Font

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = title[:31]
    ws.append(headings)
    for c in ws[1]:
        c.font = Font(bold=True)
    wrap = Alignment(wrap_text=True, vertical="top")
    for r, row in enumerate(rows, start=2):
        for c, value in enumerate(row, start=1):
            if value is None or value == "":
                continue
            cell = ws.cell(row=r, column=c, value=cell_text(value))
            cell.data_type = "s"
            cell.alignment = wrap
    for c in range(len(headings)):
        ws.column_dimensions[column_name(c)].width = 40 if c else 16
    ws.freeze_panes = "A2"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def table_bytes(
    path: str | os.PathLike, headings: list[str], rows: list[list], title: str
) -> bytes:
    """The table as the file ``path`` names it: .xlsx, or CSV."""
    if Path(path).suffix.lower() == ".xlsx":
        return table_xlsx(headings, rows, title)
    return table_csv(headings, rows)


# --- the data file an import writes ------------------------------------------------------------


def holds_data(path: Path) -> bool:
    """True when ``path`` holds entries an import would replace (a file that cannot be read as
    YAML counts: it is the author's, whatever it holds)."""
    if not path.is_file():
        return False
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError, OSError):
        return True
    return bool(data) and data != _template_data(path.name)


def _template_data(name: str):
    """What `imr new` put in data/<name> (the glossary starts with IMR, which the sign-off
    title uses): a file still holding only that is replaced without --force."""
    from importlib.resources import files

    try:
        shipped = files("imr_site.case_template").joinpath("data", name)
        return yaml.safe_load(shipped.read_text(encoding="utf-8"))
    except (FileNotFoundError, ModuleNotFoundError, yaml.YAMLError, OSError):
        return None


def comment_header(path: Path, default: str) -> str:
    """The comment lines at the top of the file being replaced (its explanation and the editor's
    schema modeline), or ``default`` when there is no such file."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return default
    kept = []
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        kept.append(line + "\n")
    return "".join(kept) or default


def write_data_file(path: Path, body: str, default_header: str, force: bool) -> None:
    """Write an imported data file in one step, keeping the old file's header comments. Raises
    FileExistsError when the file already holds entries and ``force`` was not given."""
    from imr_site.case import atomic

    if holds_data(path) and not force:
        raise FileExistsError(str(path))
    header = comment_header(path, default_header)
    atomic.write_atomic(path, header + ("\n" if header else "") + body)


class _DataDumper(yaml.SafeDumper):
    """Block style, fields in the order given; a list of short items on one line ([R1, R2])."""


def _represent_list(dumper, items):
    short = all(isinstance(x, str) and len(x) < 40 and "\n" not in x for x in items)
    return dumper.represent_sequence("tag:yaml.org,2002:seq", items, flow_style=short)


_DataDumper.add_representer(list, _represent_list)


def dump_data(data) -> str:
    """YAML text for imported data, as an author would write it."""
    return yaml.dump(data, Dumper=_DataDumper, sort_keys=False, allow_unicode=True, width=100_000)
