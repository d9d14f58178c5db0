"""The people key: ``data/people.yml``, the restricted list of who each label stands for.

Each label (initials such as ``AB``, role codes such as ``GP1``) maps to the real name, role and
employing agency, as the guidance's abbreviations and anonymisation sheet requires.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .findings import Finding, finding, rule
from .yamlio import LineDict, load_yaml

R_SHAPE = rule(
    "PPL001", "error", "People key entry is malformed",
    "Each label needs 'name:', and for staff 'role:' and 'agency:' under it.",
)


@dataclass(frozen=True)
class Person:
    label: str
    name: str
    role: str = ""
    agency: str = ""
    aliases: tuple[str, ...] = ()
    not_names: tuple[str, ...] = ()
    line: int = 0


@dataclass
class PeopleKey:
    people: list[Person] = field(default_factory=list)
    rel: str = "data/people.yml"
    exists: bool = True

    def by_label(self) -> dict[str, Person]:
        return {p.label: p for p in self.people}


def _strings(v) -> tuple[str, ...]:
    if v is None:
        return ()
    if isinstance(v, list):
        return tuple(str(x).strip() for x in v if str(x).strip())
    return (str(v).strip(),)


def load_people(path: Path, rel: str, case=None) -> tuple[PeopleKey, list[Finding]]:
    if not path.is_file():
        return PeopleKey([], rel, exists=False), []
    raw = load_yaml(path, rel)
    if raw is None:
        return PeopleKey([], rel), []
    findings: list[Finding] = []
    if not isinstance(raw, LineDict):
        findings.append(finding(R_SHAPE.code, rel, getattr(raw, "line", 1),
                                "the people key must be labels, each with 'name:' under it."))
        return PeopleKey([], rel), findings
    people = []
    for label, d in raw.items():
        line = raw.line_of(label)
        if isinstance(d, str):
            d = {"name": d}
        if not isinstance(d, dict) or not str(d.get("name") or "").strip():
            findings.append(finding(R_SHAPE.code, rel, line, f"'{label}' has no 'name:'."))
            continue
        people.append(
            Person(
                label=str(label),
                name=str(d["name"]).strip(),
                role=str(d.get("role") or "").strip(),
                agency=str(d.get("agency") or "").strip(),
                aliases=_strings(d.get("aliases")),
                not_names=_strings(d.get("not_names")),
                line=line,
            )
        )
    return PeopleKey(people, rel), findings
