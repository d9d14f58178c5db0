"""Who was involved: the agency's staff in the people key, and where the chronology names them.

The people key and the chronology belong to other parts of the report; this module reads them
as the case holds them (``case.data``), never through those parts' code, as the layout requires.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

_TEXT_FIELDS = ("source", "contact_with", "event", "action", "decision", "comment")


@dataclass(frozen=True)
class Mention:
    """A chronology entry that names someone."""

    line: int  # the entry's line in the chronology file
    date: dt.date | None  # its day (None when imprecise or unreadable)
    written: str  # the entry's date as written, for messages


def people(case) -> list:
    key = case.data.get("people")
    return list(key.people) if key else []


def agency_staff(case) -> dict[str, object]:
    """label -> person, for everyone in the people key who works for the agency writing the IMR
    (their agency starts with the agency's name, so "... (agency worker)" counts too)."""
    agency = " ".join(case.config.agency.casefold().split())
    if not agency:
        return {}
    return {
        p.label: p
        for p in people(case)
        if " ".join(str(p.agency or "").casefold().split()).startswith(agency)
    }


def chronology_file(case) -> str:
    chron = case.data.get("chronology")
    return chron.rel if chron is not None else "data/chronology.yml"


def mentions(case, labels) -> dict[str, list[Mention]]:
    """label -> the chronology entries that name it (as a whole word), in file order."""
    labels = [str(x) for x in labels if str(x).strip()]
    chron = case.data.get("chronology")
    found: dict[str, list[Mention]] = {label: [] for label in labels}
    if not labels or chron is None:
        return found
    pattern = re.compile(
        r"(?<![\w])("
        + "|".join(re.escape(x) for x in sorted(labels, key=len, reverse=True))
        + r")(?![\w])"
    )
    for entry in chron.entries:
        text = "\n".join(_text(entry.fields.get(k)) for k in _TEXT_FIELDS)
        named = set(pattern.findall(text))
        for label in named:
            found[label].append(Mention(entry.line, entry.date, _text(entry.fields.get("date"))))
    return found


def resolve_person(case, written: str) -> str | None:
    """The people key label for a label or a name (or alias) as written, or None."""
    text = " ".join(str(written or "").split())
    if not text:
        return None
    folded = text.casefold()
    for p in people(case):
        names = [p.label, p.name, *p.aliases]
        if any(folded == " ".join(str(n).split()).casefold() for n in names if n):
            return p.label
    return None


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return "; ".join(str(x) for x in value)
    return str(value)
