"""The chronology of agency involvement (appendix 8b): ``data/chronology.yml``.

A list of entries, one per contact. This module reads the file into :class:`Entry` objects and
knows how entries sort; the rules about entries live in ``checks/chronology.py``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from .findings import Finding, finding, rule
from .yamlio import LineDict, LineList, load_yaml

R_SHAPE = rule(
    "CHR001", "error", "Chronology is not a list of entries",
    "Each entry starts with '- date: ...' at the left margin; see the example case.",
)

FIELDS = (
    "date", "time", "end_date", "end_time", "seq", "source", "contact_with", "contact_type",
    "event", "action", "decision", "key_episode", "comment", "references",
)


@dataclass
class Entry:
    fields: dict
    line: int
    index: int  # position in the file
    key_lines: dict = field(default_factory=dict)

    def get(self, key: str, default=None):
        v = self.fields.get(key, default)
        return default if v is None else v

    def text(self, key: str) -> str:
        v = self.fields.get(key)
        if v is None:
            return ""
        if isinstance(v, list):
            return "; ".join(str(x) for x in v)
        if isinstance(v, bool):
            return "Yes" if v else ""
        return str(v).strip()

    @property
    def date(self) -> dt.date | None:
        try:
            return dt.date.fromisoformat(self.text("date"))
        except ValueError:
            return None

    @property
    def key_episode(self) -> bool:
        return self.fields.get("key_episode") in (True, "yes", "Yes", "true", "y", "Y")

    def sort_key(self):
        d = self.date
        return (d or dt.date.max, self.text("time") or "99:99", int(self.fields.get("seq") or 0), self.index)

    def line_of(self, key: str) -> int:
        return self.key_lines.get(key, self.line)


@dataclass
class Chronology:
    entries: list[Entry]
    rel: str
    exists: bool = True

    def in_order(self) -> list[Entry]:
        return sorted(self.entries, key=Entry.sort_key)

    @property
    def key_episodes(self) -> list[Entry]:
        return [e for e in self.entries if e.key_episode]


def load_chronology(path: Path, rel: str, case=None) -> tuple[Chronology, list[Finding]]:
    if not path.is_file():
        return Chronology([], rel, exists=False), []
    raw = load_yaml(path, rel)
    findings: list[Finding] = []
    entries: list[Entry] = []
    if raw is None:
        return Chronology([], rel), []
    if not isinstance(raw, LineList):
        findings.append(
            finding(R_SHAPE.code, rel, getattr(raw, "line", 1),
                    "the chronology must be a list of entries, each starting with '- date:'.")
        )
        return Chronology([], rel), findings
    for i, (item, line) in enumerate(zip(raw, raw.item_lines)):
        if not isinstance(item, LineDict):
            findings.append(
                finding(R_SHAPE.code, rel, line,
                        f"entry {i + 1} is not a set of 'field: value' lines; it will be left out until fixed.")
            )
            continue
        entries.append(Entry(dict(item), line, i, dict(item.key_lines)))
    return Chronology(entries, rel), findings
