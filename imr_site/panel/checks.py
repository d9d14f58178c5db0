"""Findings across agencies, on the panel's integrated chronology (``imr check`` on a panel case).

- PNL010 the same event recorded by two or more agencies: the same day, times within
  ``same_event_minutes`` (any time when one has none), and similar people or wording;
- PNL011 the same event on different dates: similar wording and people, a few days apart;
- PNL012 one label standing for different people in two agencies' keys; PNL013 one person
  under different labels; PNL014 one abbreviation with different meanings;
- PNL015 a period in which no agency had contact;
- PNL016 ``same_as`` / ``not_same_as`` naming an entry that is not there; PNL017 the panel's
  notes left without their entry.

Finding duplicates never compares every pair of entries: entries are grouped by day first.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections import defaultdict

from imr_site.case.dates import silent_periods
from imr_site.case.findings import Finding, finding, rule
from imr_site.case.links import linked_groups
from imr_site.panel.merge import meaning_key
from imr_site.panel.record import R_RECORD, PanelRecord
from imr_site.panel.settings import is_panel, read_settings
from imr_site.panel.submissions import fingerprint

R_SAME_EVENT = rule(
    "PNL010",
    "warning",
    "The same event recorded by several agencies",
    "Confirm it on the first entry named with `same_as: [ID, ...]` (the report then shows one "
    "row with each agency's account), or reject it with `not_same_as: [ID, ...]`.",
)
R_CONFLICT = rule(
    "PNL011",
    "warning",
    "The same event on different dates",
    "Ask the agencies which date is right; once settled, record it on the first entry with "
    "`same_as: [ID]` (the same event) or `not_same_as: [ID]` (different events).",
)
R_LABEL_CLASH = rule(
    "PNL012",
    "warning",
    "One label stands for different people in two agencies",
    "Nothing to do for the report: the panel's key gives the later person a free label and the "
    "chronology uses it. Tell the agencies, so that their own reports stay clear.",
)
R_TWO_LABELS = rule(
    "PNL013",
    "info",
    "One person has different labels in two agencies",
    "Nothing to do for the report: the panel's key and chronology use the first agency's label.",
)
R_GLOSSARY = rule(
    "PNL014",
    "warning",
    "One abbreviation with different meanings in two agencies",
    "Decide which meaning the panel's report uses, and ask the agency whose meaning differs to "
    "write the term in full; the merged glossary shows both meanings until then.",
)
R_GAP = rule(
    "PNL015",
    "warning",
    "No agency had contact for a long period",
    "Say in the panel's report what was known in this period, or ask the agencies whether "
    "anything is missing from their chronologies.",
)
R_LINK = rule(
    "PNL016",
    "error",
    "A link to an entry that is not there",
    "Correct the id in `same_as:` or `not_same_as:` (ids are in the chronology, like gpp-1a2b3c4d).",
)
R_ORPHAN = rule(
    "PNL017",
    "warning",
    "The panel's notes on an entry the agency removed",
    "Read the notes under orphaned_annotations in data/panel.yml and write them on the entry "
    "they now belong to, or let them go.",
)

_STOP = set(
    "the and with for was were has had her his him she they them their from that this not "
    "but are been into about after over who which what when then also any all per via".split()
)
_WORD = re.compile(r"[a-z0-9]+")


def words(text: str) -> frozenset:
    return frozenset(w for w in _WORD.findall(text.lower()) if len(w) > 2 and w not in _STOP)


@functools.lru_cache(maxsize=4096)  # the same few people recur through a chronology
def people_words(text: str) -> frozenset:
    return frozenset(w for w in _WORD.findall(text.lower()) if w not in ("and", "with", "the"))


def likeness(a: frozenset, b: frozenset) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)


SAME_WORDING = 0.4
SAME_PEOPLE = 0.5
CONFLICT_WORDING = 0.5


def check(case) -> list[Finding]:
    if not is_panel(case.config.options):
        return []
    settings, out = read_settings(case.config.options)
    record: PanelRecord | None = case.data.get("panel")
    chron = case.data.get("chronology")
    if record is None or not record.exists:
        out.append(
            finding(
                R_RECORD.code,
                "mkdocs.yml",
                None,
                "this is a panel case, but the agencies' submissions have not been merged yet.",
            )
        )
        return out
    listed = [a.name for a in settings.agencies]
    if listed and set(listed) != set(record.names()):
        out.append(
            finding(
                R_RECORD.code,
                record.rel,
                1,
                "the agencies merged last time are not the agencies in mkdocs.yml now.",
            )
        )
    out.extend(_resubmitted(settings, record, case.root))
    out.extend(_people(record))
    out.extend(_glossary(record))
    for o in record.orphans:
        out.append(
            finding(
                R_ORPHAN.code,
                record.rel,
                None,
                f"entry {o.get('id')} ({o.get('agency')}, {o.get('date')}) was removed by its "
                "agency, and the panel's notes on it are kept here.",
            )
        )
    entries = [e for e in (chron.entries if chron is not None else []) if e.fields.get("id")]
    if entries:
        rel = chron.rel
        out.extend(_links(entries, rel))
        decided = _decided(entries)
        days = _by_day(entries)
        out.extend(_same_events(days, rel, settings.window_minutes, decided))
        out.extend(_conflicts(days, rel, settings.conflict_days, decided))
        start, end = case.config.review_start, case.config.review_end
        out.extend(_silences(entries, rel, _gap_days(case), start, end))
    return out


def _resubmitted(settings, record: PanelRecord, root) -> list[Finding]:
    """Agencies whose submission is not what the last merge read (a new commit, changed files)."""
    merged = {str(a.get("name")): str(a.get("digest") or "") for a in record.agencies}
    out = []
    for source in settings.agencies:
        before = merged.get(source.name)
        if before and fingerprint(source, root) != before:
            out.append(
                finding(
                    R_RECORD.code,
                    record.rel,
                    1,
                    f"{source.name}'s submission ({source.describe()}) has changed, or cannot be "
                    "read, since the last merge.",
                )
            )
    return out


def _gap_days(case) -> int:
    """The chronology's silent-period limit (CHR014 reports a wrong setting)."""
    opts = case.config.options.get("chronology")
    value = opts.get("gap_days") if isinstance(opts, dict) else None
    ok = isinstance(value, int) and not isinstance(value, bool) and value > 0
    return value if ok else case.spec.gap_days


# --- entries -------------------------------------------------------------------------------


def _ids(value) -> list[str]:
    if isinstance(value, list):
        return [str(v) for v in value]
    if value in (None, ""):
        return []
    return [s.strip() for s in str(value).split(",") if s.strip()]


def _links(entries, rel: str) -> list[Finding]:
    known = {str(e.fields["id"]) for e in entries}
    out = []
    for e in entries:
        for key in ("same_as", "not_same_as"):
            for other in _ids(e.fields.get(key)):
                if other not in known:
                    out.append(
                        finding(
                            R_LINK.code,
                            rel,
                            e.line_of(key),
                            f"entry {e.fields['id']}: {key} names {other}, which is not an "
                            "entry of the integrated chronology.",
                        )
                    )
    return out


def _decided(entries) -> set[frozenset]:
    """Pairs of entries the panel has confirmed or rejected as one event (every pair in a
    confirmed group: A same as B and A same as C settles B and C too)."""
    out = set()
    for e in entries:
        for key in ("same_as", "not_same_as"):
            for other in _ids(e.fields.get(key)):
                out.add(frozenset((str(e.fields["id"]), other)))
    for ids in confirmed_groups(entries):
        out.update(frozenset((a, b)) for i, a in enumerate(ids) for b in ids[i + 1 :])
    return out


def confirmed_groups(entries) -> list[list[str]]:
    """The ids of entries the panel confirmed as one event (``same_as``), in groups."""
    ids = [str(e.fields.get("id")) for e in entries if e.fields.get("id")]
    links = [(str(e.fields["id"]), o) for e in entries for o in _ids(e.fields.get("same_as"))]
    return linked_groups(ids, links)


class _Seen:
    """What a finding needs from an entry, worked out once."""

    __slots__ = ("entry", "id", "agency", "day", "minute", "words", "people")

    def __init__(self, e):
        self.entry = e
        self.id = str(e.fields["id"])
        self.agency = str(e.fields.get("agency") or "")
        self.day = e.when.start.toordinal()
        t = e.time_of_day
        self.minute = t.hour * 60 + t.minute if t else None
        self.words = words(e.text("event"))
        self.people = people_words(e.text("contact_with"))


def _by_day(entries) -> dict[int, list[_Seen]]:
    days = defaultdict(list)
    for e in entries:
        if e.when is not None and e.when.precision == "day" and not e.when.uncertain:
            days[e.when.start.toordinal()].append(_Seen(e))
    return days


def _where(s: _Seen) -> str:
    return f"{s.id} ({s.agency}, {s.entry.fields.get('origin') or 'line ' + str(s.entry.line)})"


def _same_events(days: dict, rel: str, window: int, decided: set) -> list[Finding]:
    seen: dict[str, _Seen] = {}
    pairs: list[tuple[str, str]] = []
    for day in days.values():
        for i, a in enumerate(day):
            for b in day[i + 1 :]:
                if a.agency == b.agency or frozenset((a.id, b.id)) in decided:
                    continue
                timed = a.minute is not None and b.minute is not None
                if timed and abs(a.minute - b.minute) > window:
                    continue
                alike = likeness(a.words, b.words) >= SAME_WORDING
                if not alike and not (timed and likeness(a.people, b.people) >= SAME_PEOPLE):
                    continue
                seen[a.id], seen[b.id] = a, b
                pairs.append((a.id, b.id))
    groups = [[seen[i] for i in g] for g in linked_groups(seen, pairs)]
    out = []
    for group in groups:
        group.sort(key=lambda s: s.entry.line)
        first, rest = group[0], group[1:]
        out.append(
            finding(
                R_SAME_EVENT.code,
                rel,
                first.entry.line,
                f"{len({s.agency for s in group})} agencies may have recorded one event on "
                f"{first.entry.when.display()}: {'; '.join(_where(s) for s in group)}. Confirm "
                f"with same_as: [{', '.join(s.id for s in rest)}] on entry {first.id}, or reject "
                "with not_same_as.",
            )
        )
    return out


def _conflicts(days: dict, rel: str, days_apart: int, decided: set) -> list[Finding]:
    t = CONFLICT_WORDING
    out = []
    alike_people: dict[tuple, bool] = {}
    for day in sorted(days):
        # the next days' entries by who the contact was with: people are compared once a group
        by_people: dict[frozenset, list[_Seen]] = defaultdict(list)
        for d in range(day + 1, day + days_apart + 1):
            for b in days.get(d, ()):
                by_people[b.people].append(b)
        for a in days[day]:
            aw, na = a.words, len(a.words)
            if not na:
                continue
            for people, group in by_people.items():
                key = (a.people, people)
                if key not in alike_people:
                    alike_people[key] = not (a.people or people) or (
                        likeness(a.people, people) >= SAME_PEOPLE
                    )
                if not alike_people[key]:
                    continue
                for b in group:
                    nb = len(b.words)
                    # likeness >= t needs the smaller set to be at least t of the larger, and
                    # enough words in common: |a & b| >= t (|a| + |b|) / (1 + t)
                    if nb < t * na or na < t * nb or a.agency == b.agency:
                        continue
                    if len(aw & b.words) * (1 + t) < t * (na + nb):
                        continue
                    if frozenset((a.id, b.id)) in decided:
                        continue
                    out.append(
                        finding(
                            R_CONFLICT.code,
                            rel,
                            a.entry.line,
                            f"{a.agency} records this on {a.entry.when.display()} and "
                            f"{b.agency} on {b.entry.when.display()}, with similar people "
                            f"and wording: {_where(a)}; {_where(b)}.",
                        )
                    )
    return out


def _silences(entries, rel: str, gap_days: int, start, end) -> list[Finding]:
    dated = sorted((e for e in entries if e.when is not None), key=lambda e: e.sort_key())
    out = []
    for first, last, before, after in silent_periods(
        [(e.when.start, e.last_day) for e in dated], start, end, gap_days
    ):
        b = dated[before] if before is not None else None
        a = dated[after] if after is not None else None
        since = (
            f"last contact: {b.fields.get('agency')} on {b.when.display()}"
            if b
            else "from the start of the review period"
        )
        until = (
            f"next: {a.fields.get('agency')} on {a.when.display()}"
            if a
            else "up to the end of the review period"
        )
        out.append(
            finding(
                R_GAP.code,
                rel,
                (a or b or dated[-1]).line,
                f"no agency had contact for {(last - first).days + 1} days, from {_d(first)} to "
                f"{_d(last)} ({since}; {until}; limit: {gap_days} days).",
            )
        )
    return out


def _d(d: dt.date) -> str:
    return f"{d.day} {d.strftime('%B %Y')}"


# --- people keys and glossaries -------------------------------------------------------------


def _at(row: dict) -> str:
    return f"{row.get('file')}, {row.get('unit', 'line')} {row.get('line')}"


def _people(record: PanelRecord) -> list[Finding]:
    """PNL012 where one label is two people; PNL013 where one person has two labels."""
    rows = [(a["name"], row) for a in record.agencies for row in a.get("people") or []]

    def clash(label: str, first_agency: str, first: dict, agency: str, row: dict) -> Finding:
        return finding(
            R_LABEL_CLASH.code,
            row.get("file"),
            row.get("line"),
            f"{label} is {first.get('name')} for {first_agency} ({_at(first)}) but "
            f"{row.get('name')} for {agency} ({_at(row)}); the panel's key calls {agency}'s "
            f"{label} {row.get('panel_label')}.",
        )

    def two_labels(label: str, first_agency: str, first: dict, agency: str, row: dict) -> Finding:
        return finding(
            R_TWO_LABELS.code,
            row.get("file"),
            row.get("line"),
            f"{agency} calls {row.get('name')} {row.get('label')} ({_at(row)}); {first_agency} "
            f"calls them {first.get('label')} ({_at(first)}). The panel's key and chronology "
            f"use {label}.",
        )

    return _differing(rows, "label", "panel_label", clash) + _differing(
        rows, "panel_label", "label", two_labels
    )


def _differing(rows: list[tuple[str, dict]], same: str, differ: str, report) -> list[Finding]:
    """A finding for each row of another agency whose ``same`` field is the first row's but
    whose ``differ`` field is not."""
    groups: dict[str, list[tuple[str, dict]]] = defaultdict(list)
    for agency, row in rows:
        groups[str(row.get(same))].append((agency, row))
    out = []
    for key, group in groups.items():
        first_agency, first = group[0]
        for agency, row in group[1:]:
            if agency != first_agency and row.get(differ) != first.get(differ):
                out.append(report(key, first_agency, first, agency, row))
    return out


def _glossary(record: PanelRecord) -> list[Finding]:
    out = []
    seen: dict[str, tuple[str, dict]] = {}
    for a in record.agencies:
        for row in a.get("glossary") or []:
            abbr = str(row.get("abbreviation"))
            if abbr not in seen:
                seen[abbr] = (a["name"], row)
                continue
            agency, first = seen[abbr]
            if agency == a["name"]:
                continue
            if meaning_key(str(row.get("meaning"))) != meaning_key(str(first.get("meaning"))):
                out.append(
                    finding(
                        R_GLOSSARY.code,
                        row.get("file"),
                        row.get("line"),
                        f"{abbr} means '{first.get('meaning')}' to {agency} ({_at(first)}) but "
                        f"'{row.get('meaning')}' to {a['name']} ({_at(row)}).",
                    )
                )
    return out
