"""The people key: ``data/people.yml``, the restricted list of who each label stands for.

Each label (initials such as ``AB``, role codes such as ``GP1``) maps to the real name, role and
employing agency, as the guidance's abbreviations and anonymisation sheet requires::

    DN2:
      name: Sarah Marsh
      role: District Nurse
      agency: Anytown Community Health Trust
      aliases: [Sally, Sarah Hill]   # a nickname, a maiden name
      not_names: [marsh]             # words that look like the name but are not (case as written)

The key is shown only in the restricted edition. Every name in it is searched for in the report
(``name_checks.py``) and in the built anonymised edition (``leaks.py``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from imr_site.case.findings import Finding, finding, rule
from imr_site.case.yamlio import LineDict, load_yaml, read_as_yes_no, yes_no_message
from imr_site.people.identifiers import name_parts

R_SHAPE = rule(
    "PPL001",
    "error",
    "People key entry is malformed",
    "Each label needs 'name:', and for staff 'role:' and 'agency:' under it.",
)
R_SAME_NAME = rule(
    "PPL002",
    "error",
    "One person under two labels",
    "Keep one label for each person and use it everywhere; delete the other entry.",
)
R_SHORT_NAME = rule(
    "PPL004",
    "error",
    "Name too short to check",
    "Write the person's full name (at least two letters); initials belong in the label.",
)
R_UNKNOWN_FIELD = rule(
    "PPL005",
    "warning",
    "Unknown field in the people key",
    "Use only name, role, agency, aliases and not_names; check the spelling.",
)
R_NOT_NAME_HIDES = rule(
    "PPL006",
    "error",
    "not_names would hide the name itself",
    "List only the ordinary word as it is written in the text (usually in small letters), "
    "not the name with its capitals.",
)

FIELDS = ("name", "role", "agency", "aliases", "not_names")


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

    @property
    def labels(self) -> set[str]:
        return {p.label for p in self.people}


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
        findings.append(
            finding(
                R_SHAPE.code,
                rel,
                getattr(raw, "line", 1),
                "the people key must be labels, each with 'name:' under it.",
            )
        )
        return PeopleKey([], rel), findings
    people = []
    for label, d in raw.items():
        line = raw.line_of(label)
        if read_as_yes_no(label):
            findings.append(finding(R_SHAPE.code, rel, line, yes_no_message("label", "'NO':")))
            # Kept all the same: the name under it must still be searched for.
        if isinstance(d, str):
            d = {"name": d}
        if d is None:
            d = {}
        if not isinstance(d, dict):
            findings.append(
                finding(
                    R_SHAPE.code,
                    rel,
                    line,
                    f"'{label}' must have 'name:', 'role:' and 'agency:' under it.",
                )
            )
            d = {}
        raw_name = d.get("name")
        if isinstance(raw_name, (dict, list)):
            findings.append(
                finding(
                    R_SHAPE.code,
                    rel,
                    d.line_of("name") if isinstance(d, LineDict) else line,
                    f"the name of '{label}' must be written as text, like 'name: Sarah Marsh'.",
                )
            )
            raw_name = " ".join(str(x) for x in raw_name) if isinstance(raw_name, list) else ""
        name = str(raw_name or "").strip()
        if not name:
            # The label is kept: the report uses it, and nothing the author wrote is lost.
            findings.append(
                finding(
                    R_SHAPE.code,
                    rel,
                    line,
                    f"'{label}' has no 'name:'. Write the person's real name; the "
                    "name check cannot look for it until you do.",
                )
            )
        for key in d:
            if key not in FIELDS:
                findings.append(
                    finding(
                        R_UNKNOWN_FIELD.code,
                        rel,
                        d.line_of(key) if isinstance(d, LineDict) else line,
                        f"'{key}' under '{label}' is not a people key field "
                        f"(use {', '.join(FIELDS)}); it is ignored.",
                    )
                )
        for key in ("aliases", "not_names"):
            v = d.get(key)
            if isinstance(v, dict) or (
                isinstance(v, list) and any(isinstance(x, (dict, list)) for x in v)
            ):
                findings.append(
                    finding(
                        R_SHAPE.code,
                        rel,
                        d.line_of(key) if isinstance(d, LineDict) else line,
                        f"'{key}' under '{label}' must be a list of words, like "
                        f"{key}: [Sally, Sarah Hill].",
                    )
                )
        person = Person(
            label=str(label),
            name=name,
            role=str(d.get("role") or "").strip(),
            agency=str(d.get("agency") or "").strip(),
            aliases=_strings(d.get("aliases")) if not isinstance(d.get("aliases"), dict) else (),
            not_names=_strings(d.get("not_names"))
            if not isinstance(d.get("not_names"), dict)
            else (),
            line=line,
        )
        people.append(person)
    key = PeopleKey(people, rel)
    findings += _check_names(key)
    return key, findings


def _check_names(key: PeopleKey) -> list[Finding]:

    out: list[Finding] = []
    seen: dict[str, Person] = {}
    for p in key.people:
        for what, text in [("name", p.name)] + [("alias", a) for a in p.aliases]:
            if not text:
                continue
            letters = [c for c in text if c.isalpha()]
            if len(letters) < 2 or not name_parts(text):
                out.append(
                    finding(
                        R_SHORT_NAME.code,
                        key.rel,
                        p.line,
                        f"the {what} of '{p.label}' is '{text}', too short to look for in "
                        "the report. Write the person's full name.",
                    )
                )
        if p.name:
            norm = " ".join(p.name.casefold().split())
            if norm in seen:
                first = seen[norm]
                out.append(
                    finding(
                        R_SAME_NAME.code,
                        key.rel,
                        p.line,
                        f"'{p.label}' and '{first.label}' (line {first.line}) are both "
                        f"'{p.name}'. If they are one person, keep one label; if two "
                        "people share a name, add a middle name or a note to tell them apart.",
                    )
                )
            else:
                seen[norm] = p
        names = {p.name, *p.aliases, *(x for n in (p.name, *p.aliases) for x in name_parts(n))}
        for nn in p.not_names:
            if nn in names:
                out.append(
                    finding(
                        R_NOT_NAME_HIDES.code,
                        key.rel,
                        p.line,
                        f"not_names of '{p.label}' lists '{nn}', written exactly as the "
                        "name itself, so the name would never be found. List the ordinary "
                        f"word as written in the text, such as '{nn.lower()}'.",
                    )
                )
    return out
