"""Reading one agency's submission: its chronology, people key and glossary, each item with the
file and line (or spreadsheet row) it came from.

A submission is a case folder made with this tool, a Git repository at a tag or commit (the same
files, as committed), or spreadsheets. Spreadsheets are read through the chronology importer,
which this part does not own: the caller passes the two table readers (:class:`TableReaders`),
as the case reader is given each part's data reader.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from imr_site.case import gitrepo
from imr_site.case.dates import as_text
from imr_site.case.findings import CaseError, Finding, finding, rule
from imr_site.case.model import mkdocs_options, parse_options
from imr_site.case.yamlio import LineDict, LineList, YAMLProblem, parse_yaml
from imr_site.panel.settings import AgencySource, resolve

R_UNREADABLE = rule(
    "PNL004",
    "error",
    "An agency's submission is missing or cannot be read",
    "Correct where the submission is in `panel: agencies:` (the message says what was looked "
    "for), or ask the agency for a readable copy; nothing is merged until every agency can be read.",
)
R_PERIOD = rule(
    "PNL005",
    "error",
    "An agency's review period differs from the panel's",
    "Ask the agency to correct its review period (its mkdocs.yml), or correct the panel's: "
    "every chronology must cover the same period.",
)


class Unreadable(Exception):
    """A submission's file cannot be used; the message says what to do."""


@dataclass
class TableReaders:
    """The spreadsheet readers the caller provides.

    ``chronology(path, mapping, sheet)`` -> (entries, row of each entry); ``table(path, sheet)``
    -> [(row number, cells)]. Both raise :class:`Unreadable` with the reason."""

    chronology: Callable[[Path, list[str], str | None], tuple[list[dict], list[int]]]
    table: Callable[[Path, str | None], list[tuple[int, list]]]


@dataclass
class Item:
    """A thing an agency submitted, with where it came from ("gp/data/chronology.yml", 12)."""

    file: str
    line: int | None
    unit: str = "line"  # "line" in YAML, "row" in a spreadsheet

    @property
    def origin(self) -> str:
        return f"{self.file}, {self.unit} {self.line}" if self.line else self.file


@dataclass
class SubmittedEntry(Item):
    fields: dict = field(default_factory=dict)


@dataclass
class Person(Item):
    label: str = ""
    name: str = ""
    role: str = ""
    details: dict = field(default_factory=dict)  # the entry as written (name, role, aliases...)


@dataclass
class Term(Item):
    abbreviation: str = ""
    meaning: str = ""


@dataclass
class Submission:
    source: AgencySource
    entries: list[SubmittedEntry]
    people: list[Person]
    glossary: list[Term]
    review_start: object = None
    review_end: object = None
    commit: str | None = None
    digest: str = ""  # of everything read, to tell a resubmission from the same one

    @property
    def name(self) -> str:
        return self.source.name


def read_submission(
    source: AgencySource, root: Path, readers: TableReaders, panel_period: tuple
) -> tuple[Submission | None, list[Finding]]:
    """The agency's submission, or None and the findings that say why it cannot be used."""
    try:
        if source.kind == "chronology":
            sub = _from_spreadsheets(source, root, readers)
        else:
            sub = _from_case(source, root, readers)
    except Unreadable as e:
        return None, [finding(R_UNREADABLE.code, "mkdocs.yml", None, f"{source.name}: {e}")]
    sub.digest = fingerprint(source, root) or ""
    if source.review_start or source.review_end:
        sub.review_start = source.review_start or sub.review_start
        sub.review_end = source.review_end or sub.review_end
    start, end = panel_period
    theirs = (sub.review_start, sub.review_end)
    if any(theirs) and all(panel_period) and theirs != (start, end):
        return None, [
            finding(
                R_PERIOD.code,
                "mkdocs.yml",
                None,
                f"{source.name}'s review period is {_period(*theirs)} ({source.describe()}), but "
                f"the panel's is {_period(start, end)}; nothing is merged until they agree.",
            )
        ]
    return sub, []


def fingerprint(source: AgencySource, root: Path) -> str | None:
    """What the agency's submission is now, in 16 hex digits: its commit (Git) or the bytes of
    its files. None when something cannot be read. `imr merge` records it and `imr check`
    compares, to say when an agency's files changed after the merge."""
    h = hashlib.sha256()
    try:
        if source.kind == "git":
            commit = gitrepo.resolve(resolve(root, source.location), source.ref or "")
            if commit is None:
                return None
            h.update(f"{commit}:{source.path}".encode())
        elif source.kind == "case":
            folder = resolve(root, source.location)
            text = (folder / "mkdocs.yml").read_text(encoding="utf-8-sig")
            h.update(text.encode())
            data = folder / str(mkdocs_options(text)[1].get("data_dir") or "data")
            for name in ("chronology.yml", "people.yml", "glossary.yml"):
                p = data / name
                h.update(p.read_bytes() if p.is_file() else b"-")
        else:
            h.update(resolve(root, source.location).read_bytes())
        for extra in (source.people, source.glossary):
            if extra:
                h.update(resolve(root, extra).read_bytes())
    except (OSError, UnicodeDecodeError, CaseError):
        return None
    return h.hexdigest()[:16]


def _period(start, end) -> str:
    def f(d):
        return d.isoformat() if d else "not set"

    return f"{f(start)} to {f(end)}"


# --- a case folder or a Git repository ----------------------------------------------------


class _Files:
    """Text files of a case folder, on disk or as committed in Git."""

    def __init__(self, source: AgencySource, root: Path):
        self.source = source
        self.commit = None
        if source.kind == "git":
            self.repo = resolve(root, source.location)
            if not self.repo.exists():
                raise Unreadable(f"there is no Git repository {self.repo}.")
            self.commit = gitrepo.resolve(self.repo, source.ref or "")
            if self.commit is None:
                raise Unreadable(
                    f"{source.describe()}: '{source.ref}' is not a tag or commit there (or the "
                    "folder is not a Git repository). Ask the agency which tag they submitted."
                )
            self.base = source.path
        else:
            self.repo = resolve(root, source.location)
            if not self.repo.is_dir():
                raise Unreadable(f"there is no case folder {self.repo}.")
            self.base = ""
        self.shown = (
            f"{source.location}@{source.ref}" if source.kind == "git" else source.location
        ).rstrip("/")

    def _inside(self, rel: str) -> str:
        return f"{self.base}/{rel}" if self.base else rel

    def display(self, rel: str) -> str:
        return (
            f"{self.shown}/{self._inside(rel)}"
            if self.source.kind != "git"
            else (f"{self.shown}:{self._inside(rel)}")
        )

    def read(self, rel: str) -> str | None:
        if self.commit is not None:
            return gitrepo.file_at(self.repo, self.commit, self._inside(rel))
        p = self.repo / rel
        if not p.is_file():
            return None
        try:
            return p.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as e:
            raise Unreadable(f"{self.display(rel)} cannot be read: {e}.") from None


def _from_case(source: AgencySource, root: Path, readers) -> Submission:
    files = _Files(source, root)
    text = files.read("mkdocs.yml")
    if text is None:
        raise Unreadable(
            f"{source.describe()} has no mkdocs.yml, so it is not a case made with this tool."
        )
    options = _case_options(text, files.display("mkdocs.yml"))
    data = str(options.get("data_dir") or "data").strip("/")
    chron_rel = f"{data}/chronology.yml"
    chron_text = files.read(chron_rel)
    if chron_text is None:
        raise Unreadable(f"{source.describe()} has no {chron_rel}.")
    entries = _yaml_entries(chron_text, files.display(chron_rel))
    people = _people_from(source.people, root, readers) if source.people else None
    if people is None:
        t = files.read(f"{data}/people.yml")
        people = _yaml_people(t, files.display(f"{data}/people.yml")) if t else []
    glossary = _glossary_from(source.glossary, root, readers) if source.glossary else None
    if glossary is None:
        t = files.read(f"{data}/glossary.yml")
        glossary = _yaml_glossary(t, files.display(f"{data}/glossary.yml")) if t else []
    try:
        config = parse_options(options)
    except CaseError as e:
        raise Unreadable(
            f"the settings in {files.display('mkdocs.yml')} are wrong: {e.findings[0].message}"
        ) from None
    return Submission(
        source,
        entries,
        people,
        glossary,
        config.review_start,
        config.review_end,
        commit=files.commit,
    )


def _case_options(text: str, shown: str) -> dict:
    try:
        return mkdocs_options(text, shown)[1]
    except CaseError as e:
        raise Unreadable(f"{shown}: {e.findings[0].message}") from None


def _parse(text: str, shown: str):
    try:
        return parse_yaml(text, shown)
    except YAMLProblem as e:
        raise Unreadable(f"{shown}, line {e.line}: {e.message}") from None


def _yaml_entries(text: str, shown: str) -> list[SubmittedEntry]:
    raw = _parse(text, shown)
    if raw is None:
        return []
    if not isinstance(raw, LineList):
        raise Unreadable(f"{shown} is not a list of chronology entries.")
    out = []
    for i, (item, line) in enumerate(zip(raw, raw.item_lines, strict=True), start=1):
        if not isinstance(item, LineDict):
            raise Unreadable(
                f"{shown}, line {line}: entry {i} is not a set of 'field: value' lines, so it "
                "could not be merged; the agency's `imr check` shows it too."
            )
        out.append(SubmittedEntry(shown, line, "line", _plain(item)))
    return out


def _mapping(text: str, shown: str, what: str) -> LineDict:
    raw = _parse(text, shown)
    if raw is None:
        return LineDict()
    if not isinstance(raw, LineDict):
        raise Unreadable(f"{shown} is not {what}.")
    return raw


def _yaml_people(text: str, shown: str) -> list[Person]:
    raw = _mapping(text, shown, "a people key (labels, each with 'name:' under it)")
    out = []
    for label, d in raw.items():
        details = _plain(d) if isinstance(d, dict) else {"name": as_text(d) if d else ""}
        out.append(_person(str(label), details, shown, raw.line_of(label), "line"))
    return out


def _yaml_glossary(text: str, shown: str) -> list[Term]:
    raw = _mapping(text, shown, "a glossary ('ABBREVIATION: meaning' lines)")
    return [
        Term(shown, raw.line_of(k), "line", str(k), as_text(v).strip())
        for k, v in raw.items()
        if v is not None and not isinstance(v, (dict, list))
    ]


def _person(label: str, details: dict, shown: str, line, unit: str) -> Person:
    return Person(
        shown,
        line,
        unit,
        label,
        as_text(details.get("name") or "").strip(),
        as_text(details.get("role") or "").strip(),
        details,
    )


def _plain(d) -> dict:
    if isinstance(d, dict):
        return {str(k): _plain(v) for k, v in d.items()}
    if isinstance(d, list):
        return [_plain(v) for v in d]
    return d


# --- spreadsheets -------------------------------------------------------------------------


def _from_spreadsheets(source: AgencySource, root: Path, readers) -> Submission:
    path = resolve(root, source.location)
    _exists(path, "chronology", source)
    rows_entries, rows = readers.chronology(path, source.mapping, source.sheet)
    entries = [
        SubmittedEntry(source.location, row, "row", e)
        for e, row in zip(rows_entries, rows, strict=True)
    ]
    people = _people_from(source.people, root, readers) if source.people else []
    glossary = _glossary_from(source.glossary, root, readers) if source.glossary else []
    return Submission(source, entries, people, glossary)


def _exists(path: Path, what: str, source: AgencySource) -> None:
    if not path.is_file():
        raise Unreadable(f"the {what} file {source.location} ({path}) does not exist.")


def _opened(location: str, root: Path, what: str) -> tuple[Path, str | None]:
    """The file's path, and its text when it is YAML (None for a spreadsheet)."""
    path = resolve(root, location)
    if not path.is_file():
        raise Unreadable(f"the {what} {location} ({path}) does not exist.")
    if path.suffix.lower() in (".yml", ".yaml"):
        return path, path.read_text(encoding="utf-8-sig")
    return path, None


def _people_from(location: str, root: Path, readers) -> list[Person]:
    path, text = _opened(location, root, "people key")
    if text is not None:
        return _yaml_people(text, location)
    out = []
    for row, cells in _records(readers.table(path, None), location, ("label", "name")):
        label = cells.pop("label", "")
        if label:
            out.append(_person(label, cells, location, row, "row"))
    return out


def _glossary_from(location: str, root: Path, readers) -> list[Term]:
    path, text = _opened(location, root, "glossary")
    if text is not None:
        return _yaml_glossary(text, location)
    return [
        Term(location, row, "row", cells["abbreviation"], cells.get("meaning", ""))
        for row, cells in _records(readers.table(path, None), location, ("abbreviation", "meaning"))
        if cells.get("abbreviation")
    ]


# Headings of people-key and glossary spreadsheets, by the field they fill.
_HEADINGS = {
    "label": "label",
    "initials": "label",
    "code": "label",
    "name": "name",
    "real name": "name",
    "full name": "name",
    "role": "role",
    "job title": "role",
    "agency": "agency",
    "organisation": "agency",
    "aliases": "aliases",
    "also known as": "aliases",
    "abbreviation": "abbreviation",
    "acronym": "abbreviation",
    "term": "abbreviation",
    "meaning": "meaning",
    "definition": "meaning",
    "in full": "meaning",
    "full term": "meaning",
}


def _records(rows: list[tuple[int, list]], shown: str, needed: tuple[str, str]):
    """(row, {field: text}) for each row under the heading row; the heading row must name the
    two ``needed`` fields."""

    def heads_of(cells) -> list:
        return [_HEADINGS.get(" ".join(as_text(c or "").lower().split())) for c in cells]

    at = next(
        (i for i, (_, cells) in enumerate(rows[:10]) if all(n in heads_of(cells) for n in needed)),
        None,
    )
    if at is None:
        raise Unreadable(
            f"{shown} has no heading row with '{needed[0].capitalize()}' and "
            f"'{needed[1].capitalize()}' columns."
        )
    heads = heads_of(rows[at][1])
    for row, cells in rows[at + 1 :]:
        rec = {
            h: as_text(c).strip()
            for h, c in zip(heads, cells, strict=False)
            if h and c not in (None, "") and as_text(c).strip()
        }
        if "aliases" in rec:
            rec["aliases"] = [a.strip() for a in rec["aliases"].split(";") if a.strip()]
        if rec:
            yield row, rec
