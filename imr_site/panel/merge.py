"""Merging every agency's submission into the panel's integrated chronology.

Every entry of every agency is kept, none dropped or silently merged: each gets its agency, its
origin (file and line, or spreadsheet row) and an id made from the agency and the entry's own
identity (date, time, sequence, source, who, event), so the id stays the same when the agency
adds, removes or reorders other entries, or edits an entry's action, outcome or comment. The
panel's own annotations (``same_as``, ``not_same_as``, ``panel_note``) are carried to the entry
with the same id on every re-run; when the agency reworded the entry, to the one entry of the
same agency and day that reads most like it; otherwise they are kept in ``data/panel.yml`` and
reported, never lost.

The people keys become one key with panel-wide labels (a person in two keys keeps the first
agency's label; a label that two agencies use for different people is given a free number for
the later one) and the entries' text is written with those labels. The glossaries become one.
"""

from __future__ import annotations

import difflib
import hashlib
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from imr_site.case.dates import DateProblem, FuzzyDate, as_text
from imr_site.panel.submissions import Person, Submission, Term

# The panel's annotations on an entry: kept across merges by the entry's id.
PANEL_OWNED = ("same_as", "not_same_as", "panel_note")
# What the merge writes on each entry, besides the agency's own fields.
MERGE_FIELDS = ("id", "agency", "origin")
IDENTITY = ("date", "time", "end_date", "seq", "source", "contact_with", "event")
TEXT_FIELDS = ("source", "contact_with", "contact_type", "event", "action", "decision", "comment")


@dataclass
class AgencyChange:
    name: str
    entries: int
    added: int = 0
    removed: int = 0
    first_merge: bool = False

    def __str__(self) -> str:
        n = f"{self.entries} entr{'y' if self.entries == 1 else 'ies'}"
        if self.first_merge:
            return f"{self.name}: {n}, merged for the first time"
        if not self.added and not self.removed:
            return f"{self.name}: {n}, unchanged"
        return f"{self.name}: {n} ({self.added} new or changed, {self.removed} gone)"


@dataclass
class MergeResult:
    entries: list[dict]  # the integrated chronology, in date order
    people: dict[str, dict]  # panel label -> the person (name, role, agency, aliases)
    glossary: dict[str, str]
    record: dict  # data/panel.yml: what each agency submitted, for the checks
    changes: list[AgencyChange] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    orphans: list[dict] = field(default_factory=list)


def _norm(v) -> str:
    if v is None:
        return ""
    if isinstance(v, list):
        return "; ".join(_norm(x) for x in v)
    return " ".join(as_text(v).lower().split())


def entry_id(code: str, fields: dict, seen: Counter) -> str:
    basis = "\x1f".join(_norm(fields.get(k)) for k in IDENTITY)
    h = hashlib.sha1(basis.encode("utf-8"), usedforsecurity=False).hexdigest()[:8]
    seen[h] += 1
    # The same entry written twice by one agency: both kept, told apart by their order.
    return f"{code.lower()}-{h}" + (f"-{seen[h]}" if seen[h] > 1 else "")


def _sort_key(e: dict) -> tuple:
    try:
        key = FuzzyDate.parse(e.get("date")).sort_key()
    except DateProblem:
        key = (FuzzyDate(9999).start, 3)
    return (key, _norm(e.get("time")) or "99:99", _seq(e.get("seq")))


def _seq(v) -> int:
    try:
        return int(v)
    except (TypeError, ValueError):
        return 0


def merge(
    submissions: list[Submission], previous: list[dict], previous_orphans: list[dict] = ()
) -> MergeResult:
    """The integrated chronology from every submission, keeping the panel's annotations that
    ``previous`` (the entries of the last merge) carries."""
    labels, people, person_rows = panel_labels(submissions)
    glossary, glossary_rows = merged_glossary(submissions)
    entries: list[dict] = []
    for sub in submissions:
        seen: Counter = Counter()
        relabel = _relabeller(labels[sub.name])
        for item in sub.entries:
            fields = {k: v for k, v in item.fields.items() if k not in PANEL_OWNED + MERGE_FIELDS}
            eid = entry_id(sub.source.code, fields, seen)
            for k in TEXT_FIELDS:
                if isinstance(fields.get(k), str) and relabel:
                    fields[k] = relabel(fields[k])
            entries.append({"id": eid, "agency": sub.name, **fields, "origin": item.origin})
    entries.sort(key=_sort_key)
    result = MergeResult(entries, people, glossary, {})
    _carry_annotations(result, previous, list(previous_orphans))
    _changes(result, submissions, previous)
    for sub in submissions:
        for theirs, ours in labels[sub.name].items():
            if theirs != ours:
                result.notes.append(
                    f"{sub.name}: label {theirs} is {ours} in the panel's key and chronology."
                )
    result.record = {
        "agencies": [
            {
                "name": sub.name,
                "code": sub.source.code,
                "submission": sub.source.describe(),
                **({"commit": sub.commit} if sub.commit else {}),
                "digest": sub.digest,
                "entries": len(sub.entries),
                "people": person_rows[sub.name],
                "glossary": glossary_rows[sub.name],
            }
            for sub in submissions
        ],
        **({"orphaned_annotations": result.orphans} if result.orphans else {}),
    }
    return result


# --- the panel's annotations ----------------------------------------------------------------


def _carry_annotations(result: MergeResult, previous: list[dict], orphans: list[dict]) -> None:
    by_id = {e["id"]: e for e in result.entries}
    old_ids = {str(e.get("id")) for e in previous if e.get("id")}
    renamed: dict[str, str] = {}
    pending = []
    for old in previous + orphans:
        notes = {k: old[k] for k in PANEL_OWNED if old.get(k) not in (None, "", [])}
        if not notes or not old.get("id"):
            continue
        target = by_id.get(str(old["id"]))
        if target is None:
            target = _reworded(old, result.entries, old_ids)
            if target is not None:
                renamed[str(old["id"])] = target["id"]
                result.notes.append(
                    f"the panel's notes on entry {old['id']} were moved to {target['id']} "
                    f"({target['agency']} reworded the entry: check they still apply)."
                )
        if target is None:
            pending.append(old)
            continue
        for k, v in notes.items():
            target.setdefault(k, v)
    for e in result.entries:
        for k in ("same_as", "not_same_as"):
            if isinstance(e.get(k), list):
                e[k] = [renamed.get(str(x), x) for x in e[k]]
            elif isinstance(e.get(k), str):
                e[k] = renamed.get(e[k], e[k])
    for old in pending:
        kept = {k: old[k] for k in ("id", "agency", "date", "event", *PANEL_OWNED) if k in old}
        result.orphans.append(kept)
        result.notes.append(
            f"entry {old['id']} ({old.get('agency', 'unknown agency')}, {old.get('date', '')}) "
            "is no longer in its agency's submission; the panel's notes on it are kept in "
            "data/panel.yml under orphaned_annotations."
        )


def _reworded(old: dict, entries: list[dict], old_ids: set[str]) -> dict | None:
    """The new entry (not in the last merge) of the same agency and date that reads most like
    ``old``, if exactly one reads much like it."""
    words = _norm(old.get("event"))
    scored = []
    for e in entries:
        if e["agency"] != old.get("agency") or e["id"] in old_ids:
            continue
        if _norm(e.get("date")) != _norm(old.get("date")):
            continue
        ratio = difflib.SequenceMatcher(None, words, _norm(e.get("event"))).ratio()
        if ratio >= 0.6:
            scored.append((ratio, e))
    scored.sort(key=lambda x: -x[0])
    if len(scored) == 1 or (len(scored) > 1 and scored[0][0] > scored[1][0]):
        return scored[0][1]
    return None


def _changes(result: MergeResult, submissions: list[Submission], previous: list[dict]) -> None:
    # by the agency's code, which starts each id
    before: dict[str, set] = defaultdict(set)
    for e in previous:
        before[str(e.get("id")).partition("-")[0]].add(str(e.get("id")))
    now: dict[str, set] = defaultdict(set)
    for e in result.entries:
        now[e["id"].partition("-")[0]].add(e["id"])
    for sub in submissions:
        code = sub.source.code.lower()
        old, new = before.get(code), now[code]
        change = AgencyChange(sub.name, len(sub.entries))
        if old is None:
            change.first_merge = True
        else:
            change.added, change.removed = len(new - old), len(old - new)
        result.changes.append(change)


# --- people and labels -----------------------------------------------------------------------

_TITLES = {"dr", "mr", "mrs", "ms", "miss", "mx", "prof", "sir", "dame", "rev"}


def person_key(name: str) -> str:
    words = [w for w in re.split(r"[^\w'-]+", name.lower()) if w]
    return " ".join(w for w in words if w not in _TITLES)


def _names(p: Person) -> list[str]:
    aliases = p.details.get("aliases") or []
    if isinstance(aliases, str):
        aliases = [aliases]
    return [k for k in (person_key(p.name), *(person_key(as_text(a)) for a in aliases)) if k]


def same_people(submissions: list[Submission]) -> dict[tuple[str, str], int]:
    """(agency, label) -> a number shared by every label that names the same person (the same
    name or alias, titles and case ignored)."""
    parent: dict[int, int] = {}

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    by_name: dict[str, int] = {}
    ids: dict[tuple[str, str], int] = {}
    for sub in submissions:
        for p in sub.people:
            i = len(parent)
            parent[i] = i
            ids[(sub.name, p.label)] = i
            for n in _names(p):
                if n in by_name:
                    parent[find(i)] = find(by_name[n])
                else:
                    by_name[n] = i
    return {k: find(i) for k, i in ids.items()}


def panel_labels(
    submissions: list[Submission],
) -> tuple[dict[str, dict[str, str]], dict[str, dict], dict[str, list[dict]]]:
    """({agency: {their label: panel label}}, the merged key, each agency's key as submitted)."""
    who = same_people(submissions)
    taken: dict[str, int] = {}  # panel label -> person
    given: dict[int, str] = {}  # person -> panel label
    every = {p.label for sub in submissions for p in sub.people}
    labels: dict[str, dict[str, str]] = {sub.name: {} for sub in submissions}
    people: dict[str, dict] = {}
    rows: dict[str, list[dict]] = {sub.name: [] for sub in submissions}
    for sub in submissions:
        for p in sub.people:
            person = who[(sub.name, p.label)]
            label = given.get(person)
            if label is None:
                label = (
                    p.label
                    if taken.get(p.label, person) == person
                    else _free(p.label, every, taken)
                )
                given[person], taken[label] = label, person
                people[label] = {
                    "name": p.name,
                    **({"role": p.role} if p.role else {}),
                    "agency": as_text(p.details.get("agency") or sub.name),
                }
            _add_aliases(people[label], p)
            labels[sub.name][p.label] = label
            rows[sub.name].append(
                {
                    "label": p.label,
                    "name": p.name,
                    **({"role": p.role} if p.role else {}),
                    "panel_label": label,
                    "file": p.file,
                    "line": p.line,
                    "unit": p.unit,
                }
            )
    return labels, people, rows


def _free(label: str, every: set[str], taken: dict) -> str:
    stem = re.sub(r"\d+$", "", label) or label
    n = 2
    while f"{stem}{n}" in every or f"{stem}{n}" in taken:
        n += 1
    return f"{stem}{n}"


def _add_aliases(entry: dict, p: Person) -> None:
    """Every spelling of a person's name any agency used is kept, so the name checks and the
    anonymised edition's gate look for all of them."""
    known = {person_key(entry["name"]), *(person_key(a) for a in entry.get("aliases", []))}
    aliases = p.details.get("aliases") or []
    if isinstance(aliases, str):
        aliases = [aliases]
    for n in (p.name, *(as_text(a) for a in aliases)):
        if n and person_key(n) not in known:
            entry.setdefault("aliases", []).append(n)
            known.add(person_key(n))
    not_names = p.details.get("not_names") or []
    if isinstance(not_names, list):
        for n in not_names:
            if n not in entry.get("not_names", []):
                entry.setdefault("not_names", []).append(as_text(n))


def _relabeller(mapping: dict[str, str]):
    changed = {a: b for a, b in mapping.items() if a != b}
    if not changed:
        return None
    rx = re.compile(
        r"(?<![\w-])("
        + "|".join(re.escape(k) for k in sorted(changed, key=len, reverse=True))
        + r")(?![\w-])"
    )
    return lambda text: rx.sub(lambda m: changed[m.group(1)], text)


# --- glossaries -----------------------------------------------------------------------------


def meaning_key(meaning: str) -> str:
    return " ".join(re.sub(r"[^\w]+", " ", meaning.lower().replace("&", " and ")).split())


def merged_glossary(
    submissions: list[Submission],
) -> tuple[dict[str, str], dict[str, list[dict]]]:
    """One glossary: an abbreviation that two agencies define differently keeps both meanings,
    each with its agency, until the panel settles it (a finding says so)."""
    meanings: dict[str, dict[str, list[str]]] = {}
    rows: dict[str, list[dict]] = {sub.name: [] for sub in submissions}
    for sub in submissions:
        for t in sub.glossary:
            if not t.meaning:
                continue
            by_meaning = meanings.setdefault(t.abbreviation, {})
            key = meaning_key(t.meaning)
            if key not in by_meaning:
                by_meaning[key] = [t.meaning]
            by_meaning[key].append(sub.source.code)
            rows[sub.name].append(_term_row(t))
    out = {}
    for abbr, by_meaning in meanings.items():
        if len(by_meaning) == 1:
            out[abbr] = next(iter(by_meaning.values()))[0]
        else:
            out[abbr] = "; ".join(
                f"{v[0]} ({', '.join(dict.fromkeys(v[1:]))})" for v in by_meaning.values()
            )
    return out, rows


def _term_row(t: Term) -> dict:
    return {
        "abbreviation": t.abbreviation,
        "meaning": t.meaning,
        "file": t.file,
        "line": t.line,
        "unit": t.unit,
    }
