"""The panel's settings: which agencies there are and where each one's submission is.

Written under the imr plugin in the panel case's ``mkdocs.yml``::

    panel:
      same_event_minutes: 30     # times this close on one day may be one event
      conflict_days: 7           # the same event this many days apart is a conflict
      agencies:
        - name: Northbridge Medical Practice
          code: GPP                          # short, for entry ids (default: the initials)
          case: submissions/gp-practice      # a case folder made with this tool
        - name: Northbridge Community Health NHS Trust
          git: ../community-health-imr       # a Git repository ...
          ref: v1.0                          # ... at a tag or commit (path: the case inside it)
        - name: Northbridge Adult Social Care
          chronology: submissions/asc/chronology.xlsx   # a spreadsheet (CSV or XLSX)
          map: ["Narrative=event"]                      # as `imr chronology import --map`
          people: submissions/asc/people.csv            # YAML, CSV or XLSX
          glossary: submissions/asc/glossary.csv

A case is a panel case when it has ``panel:``; everything else about it is an ordinary case.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from imr_site.case.dates import as_date
from imr_site.case.findings import Finding, finding, rule

R_SETTINGS = rule(
    "PNL001",
    "error",
    "Panel settings are wrong",
    "Correct `panel:` under the imr plugin in mkdocs.yml: each agency needs a name and one of "
    "case:, git: (with ref:) or chronology:.",
)
R_NO_NAME = rule(
    "PNL002",
    "error",
    "Agency with no name",
    "Write the agency's name in `name:` under its entry in `panel: agencies:`.",
)
R_SAME_NAME = rule(
    "PNL003",
    "error",
    "Two agencies with the same name",
    "Each agency is listed once in `panel: agencies:`; give the second its own name, or "
    "remove it if it is the same agency twice.",
)

KINDS = ("case", "git", "chronology")
DEFAULT_WINDOW = 30
DEFAULT_CONFLICT_DAYS = 7
KNOWN = {
    "name",
    "code",
    "case",
    "git",
    "ref",
    "path",
    "chronology",
    "map",
    "sheet",
    "people",
    "glossary",
    "review_period",
}


@dataclass
class AgencySource:
    """One agency and where its submission is (paths as written, relative to the panel case)."""

    name: str
    code: str
    kind: str  # "case", "git" or "chronology"
    location: str  # the case folder, the repository, or the spreadsheet
    ref: str | None = None
    path: str = ""  # the case folder inside a Git repository
    mapping: list[str] = field(default_factory=list)
    sheet: str | None = None
    people: str | None = None
    glossary: str | None = None
    review_start: object = None
    review_end: object = None
    index: int = 0

    def describe(self) -> str:
        if self.kind == "git":
            inside = f", folder {self.path}" if self.path else ""
            return f"the Git repository {self.location} at {self.ref}{inside}"
        if self.kind == "case":
            return f"the case folder {self.location}"
        return f"the spreadsheet {self.location}"


@dataclass
class PanelSettings:
    agencies: list[AgencySource]
    window_minutes: int = DEFAULT_WINDOW
    conflict_days: int = DEFAULT_CONFLICT_DAYS

    def agency(self, name: str) -> AgencySource | None:
        return next((a for a in self.agencies if a.name == name), None)


def is_panel(options: dict) -> bool:
    return (options or {}).get("panel") is not None


def initials(name: str) -> str:
    words = [w for w in re.split(r"[^A-Za-z0-9]+", name) if w and w.lower() not in _SMALL]
    return "".join(w[0] for w in words).upper()[:6] or "AG"


_SMALL = {"of", "and", "the", "for", "nhs", "&"}


def read_settings(options: dict, rel: str = "mkdocs.yml") -> tuple[PanelSettings, list[Finding]]:
    """The panel's settings, and a finding for each thing wrong with them (agencies with a
    problem are left out of the settings returned, so nothing is merged from them)."""
    raw = (options or {}).get("panel")
    out: list[Finding] = []

    def bad(message: str, code: str = R_SETTINGS.code) -> None:
        out.append(finding(code, rel, None, message))

    if not isinstance(raw, dict):
        bad("`panel:` must have settings under it, with `agencies:` listing each agency.")
        return PanelSettings([]), out
    settings = PanelSettings([])
    for key, default, attr in (
        ("same_event_minutes", DEFAULT_WINDOW, "window_minutes"),
        ("conflict_days", DEFAULT_CONFLICT_DAYS, "conflict_days"),
    ):
        value = raw.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            bad(f"panel {key} is '{value}'; it must be a whole number, like {default}.")
            value = default
        setattr(settings, attr, value)
    for key in raw:
        if key not in ("agencies", "same_event_minutes", "conflict_days"):
            bad(f"panel has '{key}', which is not a panel setting.")
    agencies = raw.get("agencies")
    if not isinstance(agencies, list) or not agencies:
        bad("panel `agencies:` must list the agencies, each as '- name: ...' with its submission.")
        return settings, out
    seen: dict[str, int] = {}
    codes: dict[str, str] = {}
    for i, item in enumerate(agencies, start=1):
        source, problems = _agency(item, i)
        for code, message in problems:
            bad(message, code)
        if source is None:
            continue
        key = " ".join(source.name.lower().split())
        if key in seen:
            bad(
                f"agencies {seen[key]} and {i} are both named '{source.name}'.",
                R_SAME_NAME.code,
            )
            continue
        seen[key] = i
        if source.code in codes:
            bad(
                f"agencies '{codes[source.code]}' and '{source.name}' have the same code "
                f"'{source.code}'; give one of them its own `code:` (it starts each entry's id)."
            )
            continue
        codes[source.code] = source.name
        source.index = len(settings.agencies)
        settings.agencies.append(source)
    return settings, out


def _agency(item, i: int) -> tuple[AgencySource | None, list[tuple[str, str]]]:
    problems: list[tuple[str, str]] = []
    if not isinstance(item, dict):
        return None, [(R_SETTINGS.code, f"agency {i} must be written as '- name: ...' lines.")]
    name = str(item.get("name") or "").strip()
    if not name:
        problems.append(
            (
                R_NO_NAME.code,
                f"agency {i} in `panel: agencies:` has no name, so its entries cannot be "
                "attributed; nothing is merged from it.",
            )
        )
    for key in item:
        if key not in KNOWN:
            problems.append(
                (R_SETTINGS.code, f"agency {i} has '{key}', which is not an agency setting.")
            )
    kinds = [k for k in KINDS if item.get(k)]
    if len(kinds) != 1:
        problems.append(
            (
                R_SETTINGS.code,
                f"agency {i} ({name or 'no name'}) must say where its submission is with exactly "
                "one of `case:` (a case folder), `git:` (a repository, with `ref:`) or "
                "`chronology:` (a CSV or XLSX file).",
            )
        )
        return None, problems
    kind = kinds[0]
    if kind == "git" and not item.get("ref"):
        problems.append(
            (
                R_SETTINGS.code,
                f"agency {i} ({name or 'no name'}) names a Git repository but no `ref:` (the tag "
                "or commit the agency submitted).",
            )
        )
    mapping = item.get("map") or []
    if isinstance(mapping, str):
        mapping = [mapping]
    if not isinstance(mapping, list) or not all(isinstance(m, str) for m in mapping):
        problems.append(
            (R_SETTINGS.code, f'agency {i}: `map:` is a list like ["Narrative=event"].')
        )
        mapping = []
    period = item.get("review_period") or {}
    if not isinstance(period, dict):
        problems.append((R_SETTINGS.code, f"agency {i}: review_period needs start: and end:."))
        period = {}
    start, end = as_date(period.get("start")), as_date(period.get("end"))
    if problems:
        return None, problems
    code = str(item.get("code") or initials(name)).strip().upper()
    if not re.fullmatch(r"[A-Z0-9]{1,10}", code):
        return None, [
            (
                R_SETTINGS.code,
                f"agency {i}: code '{code}' must be letters and digits only (up to 10), like GPP.",
            )
        ]
    return (
        AgencySource(
            name=name,
            code=code,
            kind=kind,
            location=str(item[kind]),
            ref=str(item["ref"]) if item.get("ref") is not None else None,
            path=str(item.get("path") or "").strip("/"),
            mapping=list(mapping),
            sheet=str(item["sheet"]) if item.get("sheet") else None,
            people=str(item["people"]) if item.get("people") else None,
            glossary=str(item["glossary"]) if item.get("glossary") else None,
            review_start=start,
            review_end=end,
        ),
        problems,
    )


def resolve(root: Path, location: str) -> Path:
    p = Path(location).expanduser()
    return p if p.is_absolute() else (root / p)
