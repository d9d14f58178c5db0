"""The chronology of agency involvement (appendix 8b): ``data/chronology.yml``.

A list of entries, one per contact. This module reads the file into :class:`Entry` objects, parses
each entry's date and time once (imprecise dates included) and knows how entries sort; the rules
about entries live in ``checks/chronology.py``.

Dates are written ``2024-05-22`` (a day), ``2024-05`` (a month only) or ``2024`` (a year only); a
leading ``?`` (or ``c.``, ``circa``, ``about``) marks a date the records leave uncertain. The text
the author wrote is always kept, so a date that cannot be read is shown and reported, never lost.
"""

from __future__ import annotations

import calendar
import contextlib
import datetime as dt
import gc
import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from .findings import Finding, finding, rule
from .yamlio import LineDict, LineList, load_yaml

R_SHAPE = rule(
    "CHR001",
    "error",
    "Chronology is not a list of entries",
    "Each entry starts with '- date: ...' at the left margin; see the example case.",
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

_ISO = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$")
_UNCERTAIN = re.compile(r"^(?:\?|c\.|ca\.|circa\b|about\b|approximately\b|approx\.?)\s*", re.I)
_TIME = re.compile(r"^(\d{1,2}):(\d{2})(?::(\d{2}))?$")
PRECISIONS = ("year", "month", "day")
YEAR_RANGE = (1850, 2200)

TRUE_WORDS = {"yes", "y", "true", "x", "key", "✓", "✔"}
FALSE_WORDS = {"no", "n", "false", ""}


class DateProblem(ValueError):
    """A date or time that cannot be read; the message says why in plain words."""


@dataclass(frozen=True)
class FuzzyDate:
    """A date as precise as the records allow: a day, a month or a year, possibly uncertain."""

    year: int
    month: int | None = None
    day: int | None = None
    uncertain: bool = False
    text: str = ""  # exactly as written

    @property
    def precision(self) -> str:
        return "day" if self.day else "month" if self.month else "year"

    @property
    def imprecise(self) -> bool:
        return self.uncertain or self.precision != "day"

    @cached_property
    def start(self) -> dt.date:
        return dt.date(self.year, self.month or 1, self.day or 1)

    @cached_property
    def end(self) -> dt.date:
        if self.day:
            return self.start
        if self.month:
            return dt.date(self.year, self.month, calendar.monthrange(self.year, self.month)[1])
        return dt.date(self.year, 12, 31)

    @property
    def iso(self) -> str:
        """The canonical form: 2024-05-22, 2024-05 or 2024, with a leading ? if uncertain."""
        s = f"{self.year:04d}"
        if self.month:
            s += f"-{self.month:02d}"
        if self.day:
            s += f"-{self.day:02d}"
        return ("?" if self.uncertain else "") + s

    def display(self) -> str:
        """As a reader sees it: 22 May 2024, May 2024, 2024; '?' in front if uncertain."""
        if self.day:
            s = f"{self.day} {calendar.month_name[self.month]} {self.year}"
        elif self.month:
            s = f"{calendar.month_name[self.month]} {self.year}"
        else:
            s = str(self.year)
        return ("? " if self.uncertain else "") + s

    def sort_key(self) -> tuple:
        # A month-only or year-only date sorts at the start of its period, before the days in it.
        return (self.start, PRECISIONS.index(self.precision))

    @classmethod
    def parse(cls, value) -> FuzzyDate:
        """Read a date as written in chronology.yml. Raises :class:`DateProblem` with the reason."""
        text = _as_text(value).strip()
        body = text
        uncertain = False
        m = _UNCERTAIN.match(body)
        if m:
            uncertain, body = True, body[m.end() :].strip()
        if body.endswith("?"):
            uncertain, body = True, body[:-1].strip()
        m = _ISO.match(body)
        if not m:
            raise DateProblem(_date_hint(text))
        year = int(m.group(1))
        month = int(m.group(2)) if m.group(2) else None
        day = int(m.group(3)) if m.group(3) else None
        if not YEAR_RANGE[0] <= year <= YEAR_RANGE[1]:
            raise DateProblem(f"the year {year} looks mistyped")
        if month is not None and not 1 <= month <= 12:
            raise DateProblem(f"there is no month {month}: months run from 01 to 12")
        if day is not None:
            last = calendar.monthrange(year, month)[1]
            if not 1 <= day <= last:
                raise DateProblem(
                    f"there is no {day} {calendar.month_name[month]} {year} "
                    f"({calendar.month_name[month]} {year} has {last} days)"
                )
        return cls(year, month, day, uncertain, text)


def _date_hint(text: str) -> str:
    """Why a date could not be read, with the form to use instead when we can guess it."""
    if not text:
        return "the date is empty"
    m = re.match(r"^(\d{4}-\d{2}-\d{2})[ T](\d{1,2}:\d{2})", text)
    if m:
        return f"'{text}' has a time in it; write the date as {m.group(1)} and put {m.group(2)} in time:"
    serial = serial_to_date(text)
    if serial:
        return (
            f"'{text}' looks like a spreadsheet's internal number for a date "
            f"({serial.strftime('%-d %B %Y')}?); write the date itself as {serial.isoformat()}"
        )
    try:
        guess = parse_uk_date(text)
    except DateProblem as e:
        return f"'{text}' is not a date: {e}"
    if guess is not None:
        return f"'{text}' is not written as YYYY-MM-DD; write it as {guess.iso}"
    return f"'{text}' is not a date; write it as YYYY-MM-DD (or YYYY-MM, YYYY, with ? if uncertain)"


_MONTHS = {m.lower(): i for i, m in enumerate(calendar.month_name) if m}
_MONTHS.update({m.lower(): i for i, m in enumerate(calendar.month_abbr) if m})
_MONTHS["sept"] = 9
_NUMERIC_DMY = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2}|\d{4})$")
_NUMERIC_MY = re.compile(r"^(\d{1,2})[/.\-](\d{4})$")
_WORDY_DMY = re.compile(
    r"^(\d{1,2})(?:st|nd|rd|th)?[\s\-/.]*([A-Za-z]+)\.?[\s\-/.,]*(\d{2}|\d{4})$"
)
_WORDY_MY = re.compile(r"^([A-Za-z]+)\.?[\s\-/.,]*(\d{4})$")


def _full_year(y: str) -> int:
    # Two-digit years are read as Excel reads them: 00-29 are 2000s, 30-99 are 1900s.
    n = int(y)
    if len(y) == 4:
        return n
    return 2000 + n if n < 30 else 1900 + n


def parse_uk_date(value) -> FuzzyDate | None:
    """Read a date as UK spreadsheets write it (22/05/2024, 22.05.24, 22-May-24, May 2024, ...).

    Returns None when the text is not a date in any form we know; raises :class:`DateProblem`
    when it is in a known form but impossible (30/02/2024). The result keeps the original text.
    """
    text = _as_text(value).strip()
    body, uncertain = text, False
    m = _UNCERTAIN.match(body)
    if m:
        uncertain, body = True, body[m.end() :].strip()
    if body.endswith("?"):
        uncertain, body = True, body[:-1].strip()
    if not body:
        return None
    prefix = "?" if uncertain else ""
    if _ISO.match(body):
        return _with_text(FuzzyDate.parse(prefix + body), text)
    m = _NUMERIC_DMY.match(body)
    if m:
        return _checked(_full_year(m.group(3)), int(m.group(2)), int(m.group(1)), uncertain, text)
    m = _WORDY_DMY.match(body)
    if m and m.group(2).lower() in _MONTHS:
        month = _MONTHS[m.group(2).lower()]
        return _checked(_full_year(m.group(3)), month, int(m.group(1)), uncertain, text)
    m = _NUMERIC_MY.match(body)
    if m:
        return _checked(int(m.group(2)), int(m.group(1)), None, uncertain, text)
    m = _WORDY_MY.match(body)
    if m and m.group(1).lower() in _MONTHS:
        return _checked(int(m.group(2)), _MONTHS[m.group(1).lower()], None, uncertain, text)
    return None


def _checked(year: int, month: int, day: int | None, uncertain: bool, text: str) -> FuzzyDate:
    iso = f"{'?' if uncertain else ''}{year:04d}-{month:02d}" + (f"-{day:02d}" if day else "")
    return _with_text(FuzzyDate.parse(iso), text)


def _with_text(d: FuzzyDate, text: str) -> FuzzyDate:
    return FuzzyDate(d.year, d.month, d.day, d.uncertain, text)


_SERIAL = re.compile(r"^\d{5}(?:\.\d+)?$")


def serial_to_date(value) -> dt.date | None:
    """The date a spreadsheet serial number (days since 30 Dec 1899) stands for, if it is one."""
    text = _as_text(value).strip()
    if not _SERIAL.match(text):
        return None
    n = float(text)
    if not 10000 <= n <= 80000:  # 1927 to 2119: anything else is not a date in a chronology
        return None
    return dt.date(1899, 12, 30) + dt.timedelta(days=int(n))


def parse_time(value) -> dt.time:
    """Read a time of day written HH:MM (24-hour). Raises :class:`DateProblem` with the reason."""
    if isinstance(value, float):
        # YAML reads 9.30 as the number 9.3: the author's dot is the problem, not the time.
        raise DateProblem(
            f"'{value}' was read as a number; write the time with a colon, like 09:30"
        )
    text = _as_text(value).strip()
    m = _TIME.match(text)
    if not m:
        raise DateProblem(
            f"'{text}' is not a time; write it as HH:MM on the 24-hour clock, like 14:30"
        )
    h, mi, s = int(m.group(1)), int(m.group(2)), int(m.group(3) or 0)
    if h > 23 or mi > 59 or s > 59:
        raise DateProblem(f"'{text}' is not a possible time of day (00:00 to 23:59)")
    return dt.time(h, mi, s)


def _as_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def key_episode_value(value) -> bool | None:
    """True/False for a key-episode flag, None when it is not a recognisable yes or no."""
    if isinstance(value, bool):
        return value
    if value is None:
        return False
    word = _as_text(value).strip().lower()
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
        if v is None:
            return ""
        if isinstance(v, list):
            return "; ".join(_as_text(x) for x in v)
        if isinstance(v, bool):
            return "Yes" if v else ""
        return _as_text(v).strip()

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
    try:
        return parse(value), None
    except DateProblem as e:
        return None, str(e)


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


@contextlib.contextmanager
def gc_paused():
    """Reading or rendering thousands of entries makes no reference cycles, yet Python's cycle
    collector would walk every object made so far again and again (half the time of reading
    10,000 entries). Pause it for the bulk work."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def load_chronology(path: Path, rel: str, case=None) -> tuple[Chronology, list[Finding]]:
    if not path.is_file():
        return Chronology([], rel, exists=False), []
    with gc_paused():
        return _load(path, rel)


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
            shown = _as_text(item) if not isinstance(item, list) else "a list"
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
