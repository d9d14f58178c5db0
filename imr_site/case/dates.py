"""Dates as a case writes them.

- :func:`as_date`: front matter and settings, written YYYY-MM-DD (YAML may already have read them
  as dates). Everything but the chronology and the action plan uses this one reading.
- :class:`FuzzyDate` and :func:`parse_uk_date`: the chronology's imprecise dates (a month, a year,
  a leading ``?``) and the day-first forms UK spreadsheets use (22/05/2024, 22-May-24). The
  chronology, its importer and the action plan's timescales all read dates this way.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from functools import cached_property


def as_date(value) -> dt.date | None:
    """The date written, or None when the value is empty or not a YYYY-MM-DD date."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        return None


_ISO = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$")
_UNCERTAIN = re.compile(r"^(?:\?|c\.|ca\.|circa\b|about\b|approximately\b|approx\.?)\s*", re.I)
_TIME = re.compile(r"^(\d{1,2}):(\d{2})(?::(\d{2}))?$")
PRECISIONS = ("year", "month", "day")
YEAR_RANGE = (1850, 2200)


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
        text = as_text(value).strip()
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
    text = as_text(value).strip()
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
    text = as_text(value).strip()
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
    text = as_text(value).strip()
    m = _TIME.match(text)
    if not m:
        raise DateProblem(
            f"'{text}' is not a time; write it as HH:MM on the 24-hour clock, like 14:30"
        )
    h, mi, s = int(m.group(1)), int(m.group(2)), int(m.group(3) or 0)
    if h > 23 or mi > 59 or s > 59:
        raise DateProblem(f"'{text}' is not a possible time of day (00:00 to 23:59)")
    return dt.time(h, mi, s)


def as_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def silent_periods(
    spans: list[tuple[dt.date, dt.date]],
    start: dt.date | None,
    end: dt.date | None,
    longer_than: int,
) -> list[tuple[dt.date, dt.date, int | None, int | None]]:
    """Periods of more than ``longer_than`` days that no span covers, within [start, end] when
    set, including before the first span and after the last. ``spans`` are (first day, last
    day), sorted by first day. Each period is (first day, last day, the index of the span before
    it, the index of the span after it); None at the ends. A span starting after ``end`` is
    never the one "before" the end of the period (the chronology and the panel share this)."""
    out: list = []
    if not spans:
        return out
    one = dt.timedelta(days=1)

    def add(first: dt.date, last: dt.date, before, after) -> None:
        first, last = max(first, start) if start else first, min(last, end) if end else last
        if (last - first).days + 1 > longer_than:
            out.append((first, last, before, after))

    covered = start - one if start else None
    before = None
    for i, (first, last) in enumerate(spans):
        if covered is not None and first > covered + one:
            add(covered + one, first - one, before, i)
        if covered is None or last > covered:
            covered = last
        if end is None or first <= end:
            before = i
    if end and covered is not None and covered < end:
        add(covered + one, end, before, None)
    return out
