"""The chronology of agency involvement (appendix 8b): ``data/chronology.yml``.

A list of entries, one per contact. This module reads the file into :class:`Entry` objects, parses
each entry's date and time once (imprecise dates included) and knows how entries sort; the rules
about entries live in ``checks.py`` beside it.

Dates are written ``2024-05-22`` (a day), ``2024-05`` (a month only) or ``2024`` (a year only); a
leading ``?`` (or ``c.``, ``circa``, ``about``) marks a date the records leave uncertain. The text
the author wrote is always kept, so a date that cannot be read is shown and reported, never lost.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass, field
from pathlib import Path

from imr_site.case.bulk import gc_paused  # noqa: F401  (its render, io and checks use it)
from imr_site.case.dates import DateProblem, FuzzyDate, as_text, parse_time
from imr_site.case.files import MAX_ROWS
from imr_site.case.findings import Finding, finding, rule
from imr_site.case.yamlio import LineDict, LineList, load_yaml

R_SHAPE = rule(
    "CHR001",
    "error",
    "Chronology is not a list of entries",
    "Each entry starts with '- date: ...' at the left margin; see the example case.",
)

# Stated in the README: more entries than any review has, and a build of minutes, not hours.
MAX_ENTRIES = MAX_ROWS

R_TOO_LONG = rule(
    "CHR016",
    "error",
    "Chronology too long",
    f"Keep the chronology under {MAX_ENTRIES:,} entries: check that the file holds one agency's "
    "contacts for the review period, not a whole records system's export.",
)

FIELDS = (
    "date",
    "time",
    "end_date",
    "end_time",
    "seq",
    "source",
    "contact_with",
    "contact_type",
    "event",
    "action",
    "decision",
    "key_episode",
    "comment",
    "references",
)

# Fields `imr merge` writes in the review panel's integrated chronology: the entry's id, its
# agency and where it came from, and the panel's own notes on it (imr_site.panel).
PANEL_FIELDS = ("id", "agency", "origin", "same_as", "not_same_as", "panel_note")

TRUE_WORDS = {"yes", "y", "true", "x", "key", "✓", "✔"}
FALSE_WORDS = {"no", "n", "false", ""}


def key_episode_value(value) -> bool | None:
    """True/False for a key-episode flag, None when it is not a recognisable yes or no."""
    if isinstance(value, bool):
        return value
    if value is None:
        return False
    word = as_text(value).strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    return None


@dataclass
class Entry:
    fields: dict
    line: int
    index: int  # position in the file
    key_lines: dict = field(default_factory=dict)
    # Parsed once when the entry is made; a problem is kept for the checks to report.
    when: FuzzyDate | None = field(default=None, init=False)
    date_problem: str | None = field(default=None, init=False)
    time_of_day: dt.time | None = field(default=None, init=False)
    time_problem: str | None = field(default=None, init=False)
    until: FuzzyDate | None = field(default=None, init=False)
    end_date_problem: str | None = field(default=None, init=False)
    until_time: dt.time | None = field(default=None, init=False)
    end_time_problem: str | None = field(default=None, init=False)

    def __post_init__(self) -> None:
        self.when, self.date_problem = _parse_or_problem(FuzzyDate.parse, self.fields.get("date"))
        self.time_of_day, self.time_problem = _parse_or_problem(parse_time, self.fields.get("time"))
        self.until, self.end_date_problem = _parse_or_problem(
            FuzzyDate.parse, self.fields.get("end_date")
        )
        self.until_time, self.end_time_problem = _parse_or_problem(
            parse_time, self.fields.get("end_time")
        )

    def get(self, key: str, default=None):
        v = self.fields.get(key, default)
        return default if v is None else v

    def text(self, key: str) -> str:
        v = self.fields.get(key)
        if type(v) is str:  # most fields
            return v.strip()
        if v is None:
            return ""
        if isinstance(v, list):
            return "; ".join(as_text(x) for x in v)
        if isinstance(v, bool):
            return "Yes" if v else ""
        return as_text(v).strip()

    @property
    def date(self) -> dt.date | None:
        """The day of the entry, or None when the date is missing, unreadable or not to the day."""
        w = self.when
        return w.start if w is not None and w.precision == "day" else None

    @property
    def key_episode(self) -> bool:
        return key_episode_value(self.fields.get("key_episode")) is True

    @property
    def seq(self) -> int:
        v = self.fields.get("seq")
        if isinstance(v, bool):
            return 0
        if isinstance(v, int):
            return v
        try:
            return int(str(v).strip()) if v not in (None, "") else 0
        except ValueError:
            return 0

    @property
    def last_day(self) -> dt.date | None:
        """The last day the entry covers (its end date, or the end of an imprecise period)."""
        if self.when is None:
            return None
        end = self.until.end if self.until is not None else self.when.end
        return max(end, self.when.end)

    def sort_key(self) -> tuple:
        # Entries are read once and not changed, so the key is worked out once.
        key = self.__dict__.get("_sort_key")
        if key is None:
            w = self.when
            key = (
                w.sort_key() if w is not None else (dt.date.max, 3),
                self.time_of_day or dt.time.max,
                self.seq,
                self.index,
            )
            self.__dict__["_sort_key"] = key
        return key

    def line_of(self, key: str) -> int:
        return self.key_lines.get(key, self.line)


def _parse_or_problem(parse, value):
    if value is None or (isinstance(value, str) and not value.strip()):
        return None, None
    if type(value) is str:  # a chronology writes the same few dates and times again and again
        return _parsed_text(parse, value)
    return _parsed(parse, value)


def _parsed(parse, value):
    try:
        return parse(value), None
    except DateProblem as e:
        return None, str(e)


# What is parsed is immutable (FuzzyDate is frozen, dt.time, the problem's text): shared safely.
_parsed_text = functools.lru_cache(maxsize=8192)(_parsed)


@dataclass
class Chronology:
    entries: list[Entry]
    rel: str
    exists: bool = True

    @property
    def merged(self) -> bool:
        """The review panel's integrated chronology: `imr merge` gives every entry its agency and
        id (an agency's own chronology has neither, and CHR009 reports them there)."""
        return any(e.fields.get("agency") and e.fields.get("id") for e in self.entries[:50])

    def in_order(self) -> list[Entry]:
        return sorted(self.entries, key=Entry.sort_key)

    @property
    def key_episodes(self) -> list[Entry]:
        return [e for e in self.entries if e.key_episode]


def load_chronology(path: Path, rel: str, case=None) -> tuple[Chronology, list[Finding]]:
    if not path.is_file():
        return Chronology([], rel, exists=False), []
    too_long = _too_long(path, rel)
    if too_long is not None:
        # Never parsed (that alone would take minutes): the case lists it with the files it
        # refused, so that nothing else reads it either.
        if case is None:
            return Chronology([], rel), [too_long]
        case.refused[path] = too_long
        return Chronology([], rel), []
    with gc_paused():
        return _load(path, rel)


def _too_long(path: Path, rel: str) -> Finding | None:
    """CHR016 when the file holds more than MAX_ENTRIES entries, counted without parsing it:
    each entry starts with '- ' at the left margin (nested lists are indented)."""
    data = path.read_bytes()
    count = data.count(b"\n-") + data.startswith(b"-")
    if count <= MAX_ENTRIES:
        return None
    return finding(
        R_TOO_LONG.code,
        rel,
        None,
        f"the chronology has about {count:,} entries, over the limit of {MAX_ENTRIES:,}, so it "
        "is not read. A review's chronology holds the agency's contacts in the review period: "
        "check the file is the right one, or split out what is not needed.",
    )


def _load(path: Path, rel: str) -> tuple[Chronology, list[Finding]]:
    raw = load_yaml(path, rel)
    findings: list[Finding] = []
    entries: list[Entry] = []
    if raw is None:
        return Chronology([], rel), []
    if not isinstance(raw, LineList):
        what = "a single entry" if isinstance(raw, dict) else "a single value"
        findings.append(
            finding(
                R_SHAPE.code,
                rel,
                getattr(raw, "line", 1),
                f"the chronology must be a list of entries, each starting with '- date:', but this "
                f"file holds {what}. Put '- ' before the first field of each entry.",
            )
        )
        return Chronology([], rel), findings
    for i, (item, line) in enumerate(zip(raw, raw.item_lines, strict=True)):
        if not isinstance(item, LineDict):
            shown = as_text(item) if not isinstance(item, list) else "a list"
            findings.append(
                finding(
                    R_SHAPE.code,
                    rel,
                    line,
                    f"entry {i + 1} ('{shown[:60]}') is not a set of 'field: value' lines, so it "
                    "is "
                    "left out of the chronology until fixed. Write it as 'date: ...', 'event: ...' "
                    "on lines of their own under the '- '.",
                )
            )
            continue
        entries.append(Entry(dict(item), line, i, dict(item.key_lines)))
    return Chronology(entries, rel), findings
