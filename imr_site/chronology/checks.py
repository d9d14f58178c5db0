"""Rules about the chronology: readable dates and times, mandatory cells, the review period,
duplicates, file order and unexplained periods of no contact (what Chronolator checks)."""

from __future__ import annotations

import datetime as dt
import difflib
import re

from imr_site.case import placeholders
from imr_site.case.dates import silent_periods
from imr_site.case.findings import Finding, finding, rule
from imr_site.case.yamlio import plain
from imr_site.chronology.model import (
    FIELDS,
    PANEL_FIELDS,
    Chronology,
    Entry,
    gc_paused,
    key_episode_value,
)

R_DATE = rule(
    "CHR002",
    "error",
    "Date cannot be read or is impossible",
    "Write dates as YYYY-MM-DD (2024-05-22); a month only as 2024-05, a year only as 2024; "
    "put ? in "
    "front of a date the records leave uncertain.",
)
R_TIME = rule(
    "CHR003",
    "error",
    "Time cannot be read or is impossible",
    "Write times as HH:MM on the 24-hour clock, like 14:30, or leave the time out.",
)
R_PERIOD = rule(
    "CHR004",
    "warning",
    "Entry outside the review period",
    "Check the date; if the entry is relevant context from outside the period, say so in its "
    "comment, or switch this code off for the case.",
)
R_MANDATORY = rule(
    "CHR005",
    "error",
    "Mandatory cell empty",
    "Fill in the field: the template requires it in every chronology entry.",
)
R_DUPLICATE = rule(
    "CHR006",
    "warning",
    "Entry written twice",
    "Delete one of the two identical entries (they may have come from two merged records).",
)
R_ORDER = rule(
    "CHR007",
    "info",
    "Entry out of date order in the file",
    "Nothing to fix for the report (it is sorted by date); moving the entry keeps the file "
    "easier to "
    "review.",
)
R_GAP = rule(
    "CHR008",
    "warning",
    "Long period with no contact recorded",
    "State the period of no contact: add an entry with date and end_date covering it and "
    "say what (if anything) the agency knew, or change gap_days.",
)
R_UNKNOWN_FIELD = rule(
    "CHR009",
    "error",
    "Unknown field in an entry",
    "Correct the field name (the message suggests the nearest known field); text under an unknown "
    "name is not shown in the report.",
)
R_END = rule(
    "CHR010",
    "error",
    "Entry ends before it starts",
    "Check the date/time and end_date/end_time of the entry.",
)
R_SEQ = rule(
    "CHR011",
    "error",
    "Sequence is not a whole number",
    "Write seq as 1, 2, 3 ... to order same-day entries that have no time.",
)
R_KEY = rule(
    "CHR012",
    "error",
    "Key episode is not yes or no",
    "Write key_episode: yes for a key episode, or leave it out.",
)
R_SHAPE_VALUE = rule(
    "CHR013",
    "error",
    "Field holds a list or nested fields instead of text",
    "Write the text on the same line after the colon, or on the lines below a '|'.",
)
R_OPTIONS = rule(
    "CHR014",
    "error",
    "Chronology settings are wrong",
    "Correct `chronology:` under the imr plugin in mkdocs.yml (gap_days is a whole number "
    "of days).",
)
R_NEAR_DUPLICATE = rule(
    "CHR015",
    "info",
    "Entry probably describes the same contact as another",
    "If both entries are the same contact (often from two merged records), keep one and merge "
    "what the two say; if they are different contacts, nothing to do.",
)

# Fields that may be written as a list (several record references).
LIST_FIELDS = {"references", "same_as", "not_same_as"}


def check(case) -> list[Finding]:
    chron: Chronology | None = case.data.get("chronology")
    if chron is None or not chron.entries:
        return []
    with gc_paused():
        return _check(case, chron) + placeholders.in_data_file(case, "chronology")


def _check(case, chron: Chronology) -> list[Finding]:
    rel = chron.rel
    out: list[Finding] = []
    gap_days, option_findings = gap_setting(case)
    out.extend(option_findings)
    columns = {c.key: c for c in case.spec.chronology_columns}
    mandatory = [c for c in case.spec.chronology_columns if c.mandatory]
    known = set(FIELDS) | set(columns) | (set(PANEL_FIELDS) if chron.merged else set())
    start, end = case.config.review_start, case.config.review_end

    seen: dict[frozenset, Entry] = {}
    alike: dict[tuple, list[Entry]] = {}  # (day, time) -> its entries so far, no two alike
    likeness: dict[int, tuple | None] = {}  # entry index -> _likeness, once it is needed
    previous: Entry | None = None  # the latest entry so far in date order, and its place in it
    before: tuple = ()
    for e in chron.entries:
        out.extend(_entry_findings(e, rel, known, mandatory, columns))
        if e.when is not None and ((start and e.last_day < start) or (end and e.when.start > end)):
            out.append(
                finding(
                    R_PERIOD.code,
                    rel,
                    e.line_of("date"),
                    f"{_label(e)} is outside the review period ({case.config.review_period_text}).",
                )
            )
        key = _identity(e)
        if key in seen:
            out.append(
                finding(
                    R_DUPLICATE.code,
                    rel,
                    e.line,
                    f"{_label(e)} is exactly the same as the entry on line {seen[key].line}.",
                )
            )
        elif e.when is not None:
            seen[key] = e
            same_time = alike.setdefault((e.when.iso, e.text("time")), [])
            first = _first_alike(e, same_time, likeness)
            if first is None:
                same_time.append(e)
            else:
                out.append(
                    finding(
                        R_NEAR_DUPLICATE.code,
                        rel,
                        e.line,
                        f"{_label(e)} has the same date, time, source and event as the entry "
                        f"on line {first.line}, but differs elsewhere.",
                    )
                )
        else:
            seen[key] = e
        if e.when is not None:
            here = e.sort_key()[:3]
            if previous is not None and here < before:
                out.append(
                    finding(
                        R_ORDER.code,
                        rel,
                        e.line,
                        f"{_label(e)} comes after an entry dated {previous.when.display()} "
                        f"(line {previous.line}) in the file.",
                    )
                )
            else:
                previous, before = e, here
    if not chron.merged:  # the panel's check says which agencies were silent (PNL015)
        out.extend(_gaps(chron, rel, gap_days, start, end))
    return out


def gap_setting(case) -> tuple[int, list[Finding]]:
    """The longest silent period allowed: the spec's gap_days unless the case sets its own."""
    opts = case.config.options.get("chronology") or {}
    if not isinstance(opts, dict):
        return case.spec.gap_days, [
            finding(
                R_OPTIONS.code,
                "mkdocs.yml",
                None,
                "`chronology:` must have settings under it, like 'gap_days: 60'.",
            )
        ]
    value = opts.get("gap_days")
    if value is None:
        return case.spec.gap_days, []
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        return case.spec.gap_days, [
            finding(
                R_OPTIONS.code,
                "mkdocs.yml",
                None,
                f"chronology gap_days is '{value}'; it must be a whole number of days, like 90.",
            )
        ]
    return value, []


def _label(e: Entry) -> str:
    if e.when is not None:
        return f"the entry dated {e.when.display()}"
    return f"entry {e.index + 1}"


def _identity(e: Entry) -> frozenset:
    """What an entry says, field by field, whatever the order of its fields."""
    return frozenset(
        (k, v if isinstance(v, (str, int, float, bool)) else repr(plain(v)))
        for k, v in e.fields.items()
        if v not in (None, "")
    )


_WORDS = re.compile(r"\w+")


def _likeness(e: Entry) -> tuple | None:
    """What two records of one contact share even when typed differently: the day, the time,
    the source and the event's words (case, spacing and punctuation ignored)."""
    if e.when is None:
        return None
    words = " ".join(_WORDS.findall(e.text("event").lower()))
    if not words:
        return None
    return (e.when.iso, e.text("time"), e.text("source").lower(), words)


def _first_alike(e: Entry, earlier: list[Entry], likeness: dict) -> Entry | None:
    """The first of ``earlier`` (entries of e's day and time) that probably records the same
    contact as ``e``. An entry's likeness is worked out only once there is another to compare
    it with: most entries have a day and time of their own."""
    if not earlier:
        return None

    def like(x: Entry) -> tuple | None:
        if x.index not in likeness:
            likeness[x.index] = _likeness(x)
        return likeness[x.index]

    near = like(e)
    return next((x for x in earlier if like(x) == near), None) if near is not None else None


def _entry_findings(e: Entry, rel: str, known: set, mandatory, columns) -> list[Finding]:
    out: list[Finding] = []
    for key in e.fields.keys() - known:  # most entries: none
        name = str(key)
        hint = _nearest_field(name, columns)
        msg = f"'{name}' is not a chronology field"
        msg += f"; did you mean '{hint}'?" if hint else f"; the fields are: {', '.join(FIELDS)}."
        out.append(finding(R_UNKNOWN_FIELD.code, rel, e.line_of(key), msg))
    for col in mandatory:
        if not e.text(col.key):
            out.append(
                finding(
                    R_MANDATORY.code,
                    rel,
                    e.line_of(col.key),
                    f"{_label(e)} has no '{col.key}' ({col.label}); the template requires it in "
                    "every entry.",
                )
            )
    for key, problem in (("date", e.date_problem), ("end_date", e.end_date_problem)):
        if problem:
            out.append(finding(R_DATE.code, rel, e.line_of(key), f"{key}: {problem}."))
    for key, problem in (("time", e.time_problem), ("end_time", e.end_time_problem)):
        if problem:
            out.append(finding(R_TIME.code, rel, e.line_of(key), f"{_label(e)}, {key}: {problem}."))
    if e.when is not None and e.until is not None:
        starts = (e.when.start, e.time_of_day or dt.time.min)
        ends = (e.until.end, e.until_time or dt.time.max)
        if ends < starts:
            out.append(
                finding(
                    R_END.code,
                    rel,
                    e.line_of("end_date"),
                    f"{_label(e)} ends on {e.until.display()}, before it starts.",
                )
            )
    elif e.time_of_day and e.until_time and e.until is None and e.until_time < e.time_of_day:
        out.append(
            finding(
                R_END.code,
                rel,
                e.line_of("end_time"),
                f"{_label(e)} ends at {e.text('end_time')}, before its start time "
                f"{e.text('time')}; if it ran past midnight, add end_date.",
            )
        )
    seq = e.fields.get("seq")
    if seq not in (None, "") and (
        isinstance(seq, bool) or not (isinstance(seq, int) or str(seq).strip().isdigit())
    ):
        out.append(
            finding(
                R_SEQ.code,
                rel,
                e.line_of("seq"),
                f"{_label(e)} has seq '{seq}'; write a whole number like 1 or 2.",
            )
        )
    if key_episode_value(e.fields.get("key_episode")) is None:
        out.append(
            finding(
                R_KEY.code,
                rel,
                e.line_of("key_episode"),
                f"{_label(e)} has key_episode '{e.fields.get('key_episode')}'; write yes or no.",
            )
        )
    for key, value in e.fields.items():
        if isinstance(value, dict) or (isinstance(value, list) and key not in LIST_FIELDS):
            out.append(
                finding(
                    R_SHAPE_VALUE.code,
                    rel,
                    e.line_of(key),
                    f"{_label(e)}: '{key}' holds "
                    f"{'nested fields' if isinstance(value, dict) else 'a list'}, not text.",
                )
            )
    return out


def _nearest_field(name: str, columns: dict) -> str | None:
    """The field an unknown name most likely meant: a spreadsheet heading or column label for
    it ('Outcome', 'Contact with'), or a close spelling ('evnt')."""
    from imr_site.chronology.io import known_headings, normalise_heading

    headings = known_headings()
    headings.update({normalise_heading(c.label): c.key for c in columns.values()})
    n = normalise_heading(name)
    if n in headings:
        return headings[n]
    close = difflib.get_close_matches(n, list(headings), n=1, cutoff=0.75)
    if close:
        return headings[close[0]]
    close = difflib.get_close_matches(name.lower(), list(FIELDS), n=1, cutoff=0.6)
    return close[0] if close else None


def _gaps(chron: Chronology, rel: str, gap_days: int, start, end) -> list[Finding]:
    """Silent periods longer than gap_days within the review period (when one is set), including
    before the first and after the last entry. An entry with an end_date covers every day up to
    it; entries outside the review period do not make silences outside it worth reporting."""
    dated = sorted((e for e in chron.entries if e.when is not None), key=Entry.sort_key)
    spans = [(e.when.start, e.last_day) for e in dated]
    out: list[Finding] = []
    for first, last, before, after in silent_periods(spans, start, end, gap_days):
        if after is not None:
            line = dated[after].line
            where = (
                f"after the entry on line {dated[before].line}"
                if before is not None
                else "from the start of the review period"
            )
        else:
            line = dated[before].line if before is not None else dated[-1].line
            where = "up to the end of the review period"
        silent = (last - first).days + 1
        out.append(
            finding(
                R_GAP.code,
                rel,
                line,
                f"no contact is recorded for {silent} days, from {_d(first)} to {_d(last)} "
                f"({where}); the template asks for periods of no contact to be stated "
                f"(limit: {gap_days} days).",
            )
        )
    return out


def _d(d: dt.date) -> str:
    return f"{d.day} {d.strftime('%B %Y')}"
