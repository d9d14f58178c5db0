"""The action plan in and out of files an author did not write by hand.

- :func:`export_actions` writes the plan as CSV or XLSX, because boards collect action plans in
  spreadsheets. Every action and every field is written, including fields the tool does not know.
- :func:`fix_dates` rewrites day-first timescales (31/12/2025) in ``data/actions.yml`` as ISO dates
  (2025-12-31), only when the author asks, editing just those values so the rest of the file stays
  byte-for-byte as it was, and replacing the file atomically.
"""

from __future__ import annotations

import csv
import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path

import yaml

from imr_site.actions.model import FIELDS, Action, ActionPlan, read_date
from imr_site.actions.recommendations import Recommendation, normalise_ref, recommendations_of
from imr_site.case.atomic import replacing
from imr_site.case.spreadsheet import (
    Imported,
    ImportNote,
    cell_text,
    dump_data,
    normalise_heading,
    parse_field_mapping,
    read_records,
    read_table,
    split_list,
)
from imr_site.case.yamlio import YAMLProblem, parse_yaml

FORMATS = (".csv", ".xlsx")
PLAN_SHEET = "Action plan"  # the sheet of an exported workbook that holds the plan


class ExportError(Exception):
    """The export cannot be written (unknown format, folder missing); the message says why."""


def columns(case, plan: ActionPlan) -> list[tuple[str, str]]:
    """(field, column heading) for every column written: the spec's, then any others found."""
    cols = [(c.key, c.label) for c in case.spec.action_columns]
    known = {k for k, _ in cols}
    cols += [(k, k) for k in FIELDS if k not in known]
    cols += [(k, k) for k in plan.extra_fields if k not in {c for c, _ in cols}]
    return cols


def cell_value(a: Action, key: str):
    """An action's field as a spreadsheet cell: dates as dates, lists joined, text as written."""
    v = a.fields.get(key)
    if key == "timescale":
        reading = read_date(v)
        return reading.date if reading.date else (reading.text or None)
    if key == "recommendations":
        return ", ".join(normalise_ref(r) or r for r in a.recommendations) or None
    if key == "status":
        return a.status or (a.text("status") or None)
    if key == "immediate":
        return ("Yes" if a.immediate else "No") if v is not None else None
    if v is None:
        return None
    if isinstance(v, bool):
        return "Yes" if v else "No"
    if isinstance(v, list):
        return "; ".join(_flat(x) for x in v)
    if isinstance(v, dict):
        return _flat(v)
    return str(v)


def _flat(v) -> str:
    if isinstance(v, dict):
        return "; ".join(f"{k}: {_flat(x)}" for k, x in v.items())
    if isinstance(v, list):
        return ", ".join(_flat(x) for x in v)
    return str(v)


def rows(case, plan: ActionPlan) -> tuple[list[str], list[list]]:
    cols = columns(case, plan)
    return [label for _, label in cols], [[cell_value(a, k) for k, _ in cols] for a in plan.actions]


def actions_csv(case) -> bytes:
    """The action plan as CSV (UTF-8 with a byte-order mark), as ``imr actions export`` writes it."""
    import io

    plan: ActionPlan = case.data.get("actions") or ActionPlan([], "data/actions.yml")
    buf = io.BytesIO()
    _write_csv(buf, *rows(case, plan))
    return buf.getvalue()


def export_actions(case, path: str | os.PathLike) -> int:
    """Write the action plan to ``path`` (.csv or .xlsx). Returns the number of actions written."""
    out = Path(path)
    suffix = out.suffix.lower()
    if suffix not in FORMATS:
        raise ExportError(
            f"{out.name}: the file name must end in .csv or .xlsx, so the format is known."
        )
    if not out.parent.is_dir():
        raise ExportError(f"the folder {out.parent} does not exist.")
    plan: ActionPlan = case.data.get("actions") or ActionPlan([], "data/actions.yml")
    header, body = rows(case, plan)
    recs = recommendations_of(case)
    if suffix == ".csv":
        _atomic_write(out, lambda f: _write_csv(f, header, body))
    else:
        _atomic_write(out, lambda f: _write_xlsx(f, case, plan, header, body, recs))
    return len(body)


def _write_csv(f, header, body) -> None:
    # UTF-8 with a byte-order mark: Excel then reads names with accents correctly.
    text = _CsvText()
    w = csv.writer(text, lineterminator="\r\n")
    w.writerow(header)
    for r in body:
        w.writerow(
            ["" if v is None else (v.isoformat() if isinstance(v, dt.date) else v) for v in r]
        )
    f.write(("\ufeff" + "".join(text.parts)).encode("utf-8"))


class _CsvText:
    def __init__(self):
        self.parts: list[str] = []

    def write(self, s: str) -> None:
        self.parts.append(s)


def _write_xlsx(f, case, plan: ActionPlan, header, body, recs: list[Recommendation]) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    ws = wb.active
    ws.title = PLAN_SHEET
    ws.append(header)
    for row_no, r in enumerate(body, start=2):
        for col, v in enumerate(r, start=1):
            cell = ws.cell(row=row_no, column=col)
            cell.value = v
            if isinstance(v, str):
                cell.data_type = "s"  # never a formula, whatever the text starts with
            elif isinstance(v, dt.date):
                cell.number_format = "DD/MM/YYYY"
    _tidy(ws, header, Font, Alignment, get_column_letter)

    rs = wb.create_sheet("Recommendations")
    rs.append(["Ref", "Recommendation", "Text", "Actions"])
    for rec in recs:
        served = ", ".join(a.ref for a in plan.serving(rec.ref) if a.ref)
        rs.append([rec.ref, rec.title, rec.text, served])
        for cell in rs[rs.max_row]:  # a handful of recommendations: max_row is cheap here
            if isinstance(cell.value, str):
                cell.data_type = "s"
    _tidy(rs, ["Ref", "Recommendation", "Text", "Actions"], Font, Alignment, get_column_letter)

    wb.properties.title = f"{case.config.case_reference} action plan"
    wb.properties.creator = case.config.agency or "imr"
    wb.save(f)


def _tidy(ws, header, Font, Alignment, get_column_letter) -> None:
    for cell in ws[1]:
        cell.font = Font(bold=True)
    ws.freeze_panes = "A2"
    if ws.max_row > 1:
        ws.auto_filter.ref = ws.dimensions
    widths = [len(str(label)) for label in header]
    wrap = Alignment(wrap_text=True, vertical="top")
    for row in ws.iter_rows(min_row=2):
        for i, cell in enumerate(row):
            if cell.value is not None:
                widths[i] = max(widths[i], len(str(cell.value)))
            cell.alignment = wrap
    for i, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = min(max(10, w + 2), 60)


def _atomic_write(path: Path, write) -> None:
    with replacing(path) as f:
        write(f)


# --- rewriting day-first dates as ISO -------------------------------------------------------


@dataclass(frozen=True)
class DateFix:
    line: int
    ref: str
    written: str
    iso: str


def fix_dates(path: str | os.PathLike, *, dry_run: bool = False) -> list[DateFix]:
    """Rewrite understood day-first timescales in an actions file as YYYY-MM-DD.

    Only the date values change: comments, quoting, order, spacing, line endings and a byte-order
    mark stay exactly as they were. Values that are not dates (ASAP) are left alone; the checks
    report them. Raises :class:`YAMLProblem` when the file cannot be read as YAML.
    """
    p = Path(path)
    data = p.read_bytes()
    bom = data.startswith(b"\xef\xbb\xbf")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        raise YAMLProblem(str(p), None, f"this file is not UTF-8 text (byte {e.start}).") from None
    parse_yaml(text, str(p))  # the same errors, with lines, as every other command gives
    root = yaml.compose(text, Loader=yaml.SafeLoader)
    edits: list[tuple[int, int, str]] = []
    fixes: list[DateFix] = []
    items = root.value if isinstance(root, yaml.SequenceNode) else []
    for item in items:
        if not isinstance(item, yaml.MappingNode):
            continue
        ref = next(
            (v.value for k, v in item.value if k.value == "ref" and isinstance(v, yaml.ScalarNode)),
            "",
        )
        for k, v in item.value:
            if not (isinstance(k, yaml.ScalarNode) and k.value == "timescale"):
                continue
            if not isinstance(v, yaml.ScalarNode) or v.style not in (None, "'", '"'):
                continue
            reading = read_date(v.value)
            if reading.kind != "uk":
                continue
            quote = v.style or ""
            edits.append((v.start_mark.index, v.end_mark.index, f"{quote}{reading.iso}{quote}"))
            fixes.append(DateFix(v.start_mark.line + 1, str(ref), v.value, reading.iso))
    if edits and not dry_run:
        for start, end, new in sorted(edits, reverse=True):
            text = text[:start] + new + text[end:]
        out = text.encode("utf-8")
        if bom and not out.startswith(b"\xef\xbb\xbf"):
            out = b"\xef\xbb\xbf" + out
        _atomic_write(p, lambda f: f.write(out))
    return fixes


# --- import from a spreadsheet ---------------------------------------------------------------

# Headings seen in agencies' action plans, by the field they fill (the spec's labels, as the
# export writes them, and the field names are known too).
HEADINGS = {
    "ref": ("ref", "action ref", "action no", "action number", "no", "number", "id"),
    "recommendations": ("recommendation", "recommendations", "rec", "recs", "recommendation ref"),
    "action": ("action", "action required", "actions", "what will be done", "action to be taken"),
    "agency": ("agency", "organisation", "organization", "agency responsible"),
    "lead": ("lead", "lead officer", "responsible", "person responsible", "owner", "by whom"),
    "timescale": ("timescale", "target date", "deadline", "by when", "due date", "completion date"),
    "monitoring": ("monitoring", "how monitored", "monitoring arrangements", "assurance"),
    "indirect": ("indirect", "indirect actions"),
    "status": ("status", "progress", "rag", "rag status"),
    "evidence": ("evidence", "evidence of completion", "evidence of impact", "outcome"),
    "immediate": ("immediate", "immediate action", "already taken"),
}
ACTIONS_HEADER = (
    "# Action plan: one entry for each action, each serving at least one recommendation (R1, R2 ...)\n"
    "# from the recommendations section.\n"
)
_YES = {"yes", "y", "true", "1"}
_NO = {"no", "n", "false", "0"}


def known_headings(spec=None) -> dict[str, str]:
    known = {normalise_heading(h): f for f, hs in HEADINGS.items() for h in hs}
    known.update({normalise_heading(f): f for f in FIELDS})
    if spec is not None:
        known.update({normalise_heading(c.label): c.key for c in spec.action_columns})
    return known


def import_actions(path, mapping=None, sheet=None, encoding=None, spec=None):
    """actions.yml text from a spreadsheet action plan, one action per row, in row order.
    Raises :class:`~imr_site.case.spreadsheet.ImportRefused`."""
    known = known_headings(spec)
    known.update(parse_field_mapping(mapping, FIELDS, "action plan"))
    if sheet is None and Path(path).suffix.lower() == ".xlsx":
        sheet = _plan_sheet(Path(path))
    table = read_table(path, sheet, encoding, what="action plan")
    records = read_records(table, known, FIELDS, "action plan", "action")
    notes = list(records.notes)
    actions = []
    for row, rec in records.rows:
        kept = []
        actions.append(_action(rec, kept))
        for fld, why in kept:
            notes.append(
                ImportNote(
                    "warning",
                    row,
                    records.headings.get(fld),
                    f"{why}; kept exactly as written ('{actions[-1][fld]}'), and `imr check` "
                    "will point at it until it is corrected.",
                )
            )
    body = "\n".join(dump_data([a]) for a in actions) if actions else "[]\n"
    return Imported(body, len(actions), notes, records.columns)


def _plan_sheet(path: Path) -> str | None:
    """The export's "Action plan" sheet, when the workbook has one beside others."""
    import zipfile

    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        names = openpyxl.load_workbook(path, read_only=True).sheetnames
    except (zipfile.BadZipFile, InvalidFileException, OSError, KeyError, ValueError):
        return None  # the spreadsheet reader then says what is wrong with the file
    return PLAN_SHEET if PLAN_SHEET in names and len(names) > 1 else None


def _action(rec: dict, kept: list) -> dict:
    """One action in FIELDS order; cells that cannot be read are kept as written."""
    out: dict = {}
    for fld in FIELDS:
        if fld not in rec:
            continue
        v = rec[fld]
        if fld == "recommendations":
            out[fld] = split_list(v)
        elif fld == "timescale":
            if isinstance(v, (int, float)) and not isinstance(v, bool):
                out[fld] = cell_text(v)
                kept.append((fld, "this timescale is a number, not a date (format it as a date)"))
                continue
            reading = read_date(v)
            if reading.date is not None:
                out[fld] = reading.iso
            else:
                out[fld] = reading.text or cell_text(v)
                if reading.kind != "imprecise":
                    kept.append((fld, "this timescale is not a date the tool can read"))
        elif fld == "immediate":
            word = cell_text(v).strip().lower()
            if isinstance(v, bool) or word in _YES | _NO:
                out[fld] = v if isinstance(v, bool) else word in _YES
            else:
                out[fld] = cell_text(v)
                kept.append((fld, "immediate should be Yes or No"))
        else:
            out[fld] = cell_text(v)
    return out
