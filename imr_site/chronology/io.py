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
from imr_site.case.spreadsheet import (  # the reading every importer shares
    ImportNote,
    ImportRefused,
    Table,
    normalise_heading,
    read_table,
    too_large,
)
from imr_site.case.spreadsheet import blank as _blank
from imr_site.case.spreadsheet import cell_text as _text
from imr_site.case.spreadsheet import column_name as _col_name
from imr_site.case.yamlio import LineDict, LineList, parse_yaml
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


def known_headings(spec=None) -> dict[str, str]:
    """Normalised heading -> field, including the field names and the spec's column labels."""
    out = {normalise_heading(h): f for f, hs in HEADINGS.items() for h in hs}
    out.update({normalise_heading(f): f for f in FIELDS})
    if spec is not None:
        out.update({normalise_heading(c.label): c.key for c in spec.chronology_columns})
    return out


@dataclass
class ImportResult:
    entries: list[dict]
    notes: list[ImportNote] = field(default_factory=list)
    columns: dict[str, str] = field(default_factory=dict)  # heading as written -> field
    rows_read: int = 0
    rows: list[int] = field(default_factory=list)  # the spreadsheet row of each entry


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
    rows: list[int] = []
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
        rows.append(r)
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
        entries, notes, {str(headings[ci]): f for ci, f in columns.items()}, len(data_rows), rows
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
        raise too_large(f"the file has {len(table.rows):,} rows")
    return import_table(table, mapping, spec)


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
    """Block style, field order kept, multi-line text as | blocks, dates unquoted, times quoted."""


# Dates are written bare (2024-05-22): the tool reads them back as text, so the YAML 1.1 timestamp
# and base-60 rules (which would otherwise force quotes) are left out here. Times are quoted
# (see _Clock), because other YAML readers would take a bare 10:30 as a number.
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


class _Clock(str):
    """A time of day, written in quotes ("10:15"): bare, a YAML 1.1 reader takes 10:15 as the
    base-60 number 615."""


_ChronologyDumper.add_representer(
    _Clock,
    lambda dumper, value: dumper.represent_scalar("tag:yaml.org,2002:str", str(value), style='"'),
)

MODELINE = "# yaml-language-server:"


def modeline(path: Path) -> str | None:
    """The file's ``# yaml-language-server: $schema=...`` line (the editor's schema), if any."""
    try:
        with open(path, encoding="utf-8-sig") as fh:
            for _, line in zip(range(20), fh, strict=False):
                if line.startswith(MODELINE):
                    return line.rstrip("\n")
    except (OSError, UnicodeDecodeError):
        return None
    return None


def is_empty(path: Path) -> bool:
    """Whether a chronology file holds no entries (missing, only comments, or ``[]``): an import
    may replace it without --force, keeping nothing the author wrote."""
    if not path.is_file():
        return True
    try:
        text = path.read_text(encoding="utf-8-sig")
        data = yaml.safe_load(text)
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return False
    return data is None or data == []


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


def dump_chronology(
    entries: list[dict], header: bool = True, schema_line: str | None = None
) -> str:
    """chronology.yml text for the entries: one block per entry, a blank line between entries.
    ``schema_line`` (the editor's modeline) is kept as the file's first line."""
    top = (f"{schema_line}\n" if schema_line else "") + (HEADER if header else "")
    parts = [top] if top else []
    for e in entries:
        e = ordered(_plain(_clocks(e)))
        parts.append(_fast_block(e) or _dump_block(e))
    return "\n".join(parts) if entries else ("".join(parts) + "[]\n")


def dump_and_read(entries: list[dict], lines_before: int = 0) -> tuple[str, LineList]:
    """The chronology's text without its header (as ``dump_chronology(entries, header=False)``)
    and what reading it back gives: the LineList ``load_yaml`` would return for the file, when
    ``lines_before`` lines come before the text. `imr merge` checks the file straight after
    writing 10,000 entries, and need not parse them again."""
    parts: list[str] = []
    data = LineList()
    data.item_lines = []
    line = lines_before + 1
    for e in entries:
        e = ordered(_plain(_clocks(e)))
        block = _fast_block(e)
        if block is not None:
            item = LineDict({k: str(v) if isinstance(v, _Clock) else v for k, v in e.items()})
            item.line = line
            item.key_lines = {k: line + i for i, k in enumerate(e)}
        else:
            block = _dump_block(e)
            item = _moved(parse_yaml(block)[0], line - 1)
        parts.append(block)
        data.append(item)
        data.item_lines.append(line)
        line += block.count("\n") + 1  # the blank line between entries
    data.line = data.item_lines[0] if data.item_lines else lines_before + 1
    return "\n".join(parts) if entries else "[]\n", data


def _clocks(entry: dict) -> dict:
    """The entry with its times marked to be written in quotes."""
    return {
        k: _Clock(v) if k in TIME_FIELDS and isinstance(v, str) else v for k, v in entry.items()
    }


def _moved(value, by: int):
    """A parsed value with every line number moved down ``by`` lines."""
    if isinstance(value, LineDict):
        value.line += by
        value.key_lines = {k: n + by for k, n in value.key_lines.items()}
        for v in value.values():
            _moved(v, by)
    elif isinstance(value, LineList):
        value.line += by
        value.item_lines = [n + by for n in value.item_lines]
        for v in value:
            _moved(v, by)
    return value


def _dump_block(entry: dict) -> str:
    return yaml.dump(
        [entry],
        Dumper=_ChronologyDumper,
        sort_keys=False,
        allow_unicode=True,
        default_flow_style=False,
        width=1_000_000,
        indent=2,
    )


# Text that YAML writes as it is, without quotes, whatever the resolvers say about it (checked
# below); anything else goes through the dumper. Writing 10,000 entries (`imr merge`) this way
# takes a fraction of the time, with the same bytes (tests/test_chronology_io.py).
_PLAIN_KEY = re.compile(r"[a-z_]+\Z")
_PLAIN_TEXT = re.compile("[A-Za-z0-9(.][A-Za-z0-9 .,;:()/&+=£$%?!\"'’‘“”–—-]*\\Z")
_STR_TAG = "tag:yaml.org,2002:str"


def _plain_text(value: str) -> bool:
    return (
        _PLAIN_TEXT.match(value) is not None
        and not value.endswith((" ", ":"))
        and not value.startswith("...")  # a document end marker to YAML
        and ": " not in value
        and " #" not in value
        and _ChronologyDumper.resolve(_ChronologyDumper, yaml.ScalarNode, value, (True, False))
        == _STR_TAG
    )


_CLOCK_TEXT = re.compile(r"[0-9]{1,2}[:.][0-9]{2}")


def _fast_block(entry: dict) -> str | None:
    lines = []
    for k, v in entry.items():
        if not (isinstance(k, str) and _PLAIN_KEY.match(k)):
            return None
        if isinstance(v, bool):
            text = "true" if v else "false"
        elif isinstance(v, int):
            text = str(v)
        elif type(v) is str and _plain_text(v):  # a str subclass has its own representer
            text = v
        elif isinstance(v, _Clock) and _CLOCK_TEXT.fullmatch(v):
            text = f'"{v}"'  # as the dumper writes a time: quoted, so no reader takes a number
        else:
            return None
        lines.append(f"{'- ' if not lines else '  '}{k}: {text}\n")
    return "".join(lines) or None


def _plain(v):
    if isinstance(v, _Clock):
        return v
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
