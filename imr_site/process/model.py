"""The process record, ``data/process.yml`` (restricted): who did what in the IMR process, when.

::

    senior_manager: {name: Marcus Feeney, role: Director of Nursing, no_involvement: yes,
                     appointed: 2025-03-10}
    files: {secured: 2025-03-11, author_access: 2025-03-12}
    staff:
      DN1: {invited: 2025-03-20, contributed: 2025-04-02, how: interview with the author,
            meeting: 2025-04-02, record_shared: 2025-04-07, checked: 2025-05-20, entries: all}
      DN3: {invited: 2025-03-20, declined: 2025-04-30, how: no reply through the nursing agency}
    other_investigations: {considered: yes, date: 2025-03-14, needed: no, note: ...}
    signoff: {sent: 2025-06-20}
    forwarded: {date: 2025-06-30, to: Chair of the SAR panel}
    deadlines: {contributions: 2025-04-30, chronology_checked: 2025-05-31, ...}

Staff are named by their label in the people key. ``entries`` is ``all`` or a list of the
chronology dates (YYYY-MM-DD) whose entries were checked with the person. Nothing here is ever
published in the anonymised edition.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

from imr_site.case.dates import as_date
from imr_site.case.findings import Finding, finding, rule
from imr_site.case.yamlio import LineDict, load_yaml

R_SHAPE = rule(
    "PRC001",
    "error",
    "Process record is malformed",
    "Write data/process.yml as in a new case (`imr new`): the parts senior_manager, files, "
    "staff, other_investigations, signoff, forwarded and deadlines, each with its fields "
    "under it; the message names the field.",
)
R_DATE = rule(
    "PRC002",
    "error",
    "Date in the process record cannot be read",
    "Write dates as YYYY-MM-DD, like 2025-04-02.",
)

# part -> its fields (and what kind of value each holds)
DATE, TEXT, YES_NO, ENTRIES = "date", "text", "yes/no", "entries"
PARTS: dict[str, dict[str, str]] = {
    "senior_manager": {"name": TEXT, "role": TEXT, "no_involvement": YES_NO, "appointed": DATE},
    "files": {"secured": DATE, "author_access": DATE},
    "other_investigations": {"considered": YES_NO, "date": DATE, "needed": YES_NO, "note": TEXT},
    "signoff": {"sent": DATE, "to": TEXT},
    "forwarded": {"date": DATE, "to": TEXT},
}
STAFF_FIELDS: dict[str, str] = {
    "invited": DATE,
    "contributed": DATE,
    "declined": DATE,
    "how": TEXT,
    "meeting": DATE,
    "record_shared": DATE,
    "checked": DATE,
    "entries": ENTRIES,
    "note": TEXT,
}

# The process steps, in the guidance's order: id -> what the step is (the status checklist).
STEPS: dict[str, str] = {
    "senior_manager": "A senior manager not involved in the case appointed",
    "files_secured": "Files secured and the author given access",
    "invitations": "Every member of staff involved invited to contribute",
    "contributions": "Each member of staff's contribution (or refusal) recorded",
    "records_shared": "Each meeting's record shared with the member of staff",
    "chronology_checked": "The chronology checked with the staff it names",
    "other_investigations": "Other investigations (disciplinary, regulatory) considered",
    "signoff": "Report sent to the senior manager for sign-off",
    "forwarded": "Report forwarded to the chair of the review group",
}
DEADLINE_KEYS = tuple(STEPS)

_YES = {"yes", "y", "true"}
_NO = {"no", "n", "false"}


@dataclass
class Value:
    """One field as written, with its line and (for dates) the date read from it."""

    raw: object
    line: int
    date: dt.date | None = None

    @property
    def text(self) -> str:
        if self.raw is None:
            return ""
        if isinstance(self.raw, bool):
            return "yes" if self.raw else "no"
        return str(self.raw).strip()

    @property
    def yes(self) -> bool | None:
        """True/False for yes/no, None when not answered (or not a yes/no)."""
        if isinstance(self.raw, bool):
            return self.raw
        word = self.text.lower()
        return True if word in _YES else False if word in _NO else None


@dataclass
class Part:
    """One part of the record (senior_manager, files, ...): its fields as written."""

    name: str
    line: int | None  # None when the record does not have this part
    values: dict[str, Value] = field(default_factory=dict)

    def get(self, key: str) -> Value | None:
        v = self.values.get(key)
        return v if v is not None and v.raw not in (None, "") else None

    def date(self, key: str) -> dt.date | None:
        v = self.get(key)
        return v.date if v else None

    def text(self, key: str) -> str:
        v = self.get(key)
        return v.text if v else ""

    def line_of(self, key: str) -> int | None:
        v = self.values.get(key)
        return v.line if v is not None else self.line


@dataclass
class StaffRecord(Part):
    """What the record says about one member of staff (``name`` is their label)."""

    @property
    def entries_all(self) -> bool:
        v = self.get("entries")
        return v is not None and v.text.lower() == "all"

    @property
    def entry_dates(self) -> set[dt.date]:
        v = self.get("entries")
        return {d for d in (as_date(x) for x in _entry_items(v.raw if v else None)) if d}


@dataclass
class ProcessRecord:
    rel: str = "data/process.yml"
    exists: bool = False
    readable: bool = True  # False when the file is not a set of parts (PRC001 says why)
    parts: dict[str, Part] = field(default_factory=dict)
    staff: dict[str, StaffRecord] = field(default_factory=dict)
    staff_line: int | None = None
    deadlines: dict[str, Value] = field(default_factory=dict)

    def part(self, name: str) -> Part:
        return self.parts.get(name) or Part(name, None)

    def deadline(self, step: str) -> dt.date | None:
        v = self.deadlines.get(step)
        return v.date if v else None

    def restricted_texts(self) -> list[tuple[str, str]]:
        """(text, what it is) for what only the restricted edition may hold: the notes."""
        out = []
        note = self.part("other_investigations").text("note")
        if note:
            out.append((note, "note on other investigations"))
        for label, s in self.staff.items():
            if s.text("note"):
                out.append((s.text("note"), f"note about {label}"))
        return out


def _entry_items(raw) -> list:
    """The entries as listed: 'all' (or nothing) is none; '2024-03-07, 2024-03-12' is two."""
    if isinstance(raw, list):
        return raw
    if not isinstance(raw, str) or raw.strip().lower() in ("all", ""):
        return []
    return [x for x in re.split(r"[,;]\s*", raw.strip().strip("[]")) if x]


def _value(raw, line: int, kind: str, where: str, rel: str, out: list[Finding]) -> Value:
    v = Value(raw, line)
    if raw in (None, ""):
        return v
    if kind == DATE:
        v.date = as_date(raw)
        if v.date is None:
            out.append(
                finding(
                    R_DATE.code,
                    rel,
                    line,
                    f"{where} is '{raw}', which is not a date: write it as YYYY-MM-DD.",
                )
            )
    elif kind == YES_NO and v.yes is None:
        out.append(finding(R_SHAPE.code, rel, line, f"{where} must be yes or no, not '{raw}'."))
    elif kind == TEXT and isinstance(raw, (dict, list)):
        out.append(
            finding(R_SHAPE.code, rel, line, f"{where} must be text on the same line as its name.")
        )
    elif kind == ENTRIES:
        bad = [x for x in _entry_items(raw) if not as_date(x)]
        if not isinstance(raw, (str, list)):
            bad = [raw]
        if bad:
            out.append(
                finding(
                    R_DATE.code,
                    rel,
                    line,
                    f"{where} lists '{bad[0]}', which is not a date: write 'all' or the "
                    "chronology dates as YYYY-MM-DD, like [2024-03-07, 2024-03-12].",
                )
            )
    return v


def _not_a_mapping(raw, line: int, rel: str, out: list[Finding], message: str) -> bool:
    """Whether ``raw`` is not a mapping (then reported, PRC001, with ``message``)."""
    if isinstance(raw, dict):
        return False
    out.append(finding(R_SHAPE.code, rel, getattr(raw, "line", None) or line, message))
    return True


def _fields(
    name: str, raw, line: int, known: dict[str, str], rel: str, out: list[Finding], cls=Part
) -> Part:
    part = cls(name, line)
    if raw is None or _not_a_mapping(
        raw, line, rel, out, f"'{name}' must have its fields under it ({', '.join(known)})."
    ):
        return part
    for key, value in raw.items():
        key_line = raw.line_of(key) if isinstance(raw, LineDict) else line
        if key not in known:
            out.append(
                finding(
                    R_SHAPE.code,
                    rel,
                    key_line,
                    f"'{key}' under '{name}' is not a field of the process record (use "
                    f"{', '.join(known)}).",
                )
            )
            continue
        part.values[key] = _value(value, key_line, known[key], f"{name}: {key}", rel, out)
    return part


def load_process(path: Path, rel: str, case=None) -> tuple[ProcessRecord, list[Finding]]:
    record = ProcessRecord(rel)
    if not path.is_file():
        return record, []
    record.exists = True
    raw = load_yaml(path, rel)
    out: list[Finding] = []
    if raw is None:
        return record, out
    if _not_a_mapping(
        raw,
        1,
        rel,
        out,
        "the process record must be its parts (senior_manager:, files:, staff: ...), each with "
        "its fields under it.",
    ):
        record.readable = False  # nothing more to say until it can be read
        return record, out
    known = [*PARTS, "staff", "deadlines"]
    for name, value in raw.items():
        line = raw.line_of(name)
        if name in PARTS:
            record.parts[name] = _fields(name, value, line, PARTS[name], rel, out)
        elif name == "staff":
            record.staff_line = line
            _read_staff(record, value, line, rel, out)
        elif name == "deadlines":
            deadlines = _fields(name, value, line, dict.fromkeys(DEADLINE_KEYS, DATE), rel, out)
            record.deadlines = deadlines.values
        else:
            out.append(
                finding(
                    R_SHAPE.code,
                    rel,
                    line,
                    f"'{name}' is not a part of the process record (use {', '.join(known)}).",
                )
            )
    return record, out


def _read_staff(record: ProcessRecord, raw, line: int, rel: str, out: list[Finding]) -> None:
    message = (
        "'staff' must list each member of staff by their label in the people key, with "
        "'invited:' and the other dates under it."
    )
    if raw is None or _not_a_mapping(raw, line, rel, out, message):
        return
    for label, fields in raw.items():
        label_line = raw.line_of(label) if isinstance(raw, LineDict) else line
        record.staff[str(label)] = _fields(
            str(label), fields, label_line, STAFF_FIELDS, rel, out, cls=StaffRecord
        )
