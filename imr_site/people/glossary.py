"""The glossary of abbreviations: ``data/glossary.yml`` (``GP: General Practitioner``).

Which abbreviations the report uses, and the rules about used and defined ones, are in
``abbreviations.py`` and ``abbreviation_checks.py``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from imr_site.case.findings import Finding, finding, rule
from imr_site.case.yamlio import LineDict, load_yaml, read_as_yes_no, yes_no_message

R_SHAPE = rule(
    "GLO001",
    "error",
    "Glossary is not a list of abbreviations",
    "Write one abbreviation per line: 'GP: General Practitioner'.",
)
R_YES_NO = rule(
    "GLO004",
    "error",
    "Abbreviation read as yes/no or a number",
    "Put the abbreviation in quotes: 'NO': Nursing Officer.",
)


@dataclass(frozen=True)
class Term:
    abbreviation: str
    meaning: str
    line: int


@dataclass
class Glossary:
    terms: dict[str, Term]
    rel: str
    exists: bool = True

    def __contains__(self, abbr: str) -> bool:
        return abbr in self.terms

    def meaning(self, abbr: str) -> str | None:
        t = self.terms.get(abbr)
        return t.meaning if t else None


def load_glossary(path: Path, rel: str, case=None) -> tuple[Glossary, list[Finding]]:
    if not path.is_file():
        return Glossary({}, rel, exists=False), []
    raw = load_yaml(path, rel)
    if raw is None:
        return Glossary({}, rel), []
    findings: list[Finding] = []
    if not isinstance(raw, LineDict):
        findings.append(
            finding(
                R_SHAPE.code,
                rel,
                getattr(raw, "line", 1),
                "the glossary must be 'ABBREVIATION: meaning' lines.",
            )
        )
        return Glossary({}, rel), findings
    terms = {}
    for abbr, meaning in raw.items():
        line = raw.line_of(abbr)
        if read_as_yes_no(abbr):
            findings.append(
                finding(
                    R_YES_NO.code,
                    rel,
                    line,
                    yes_no_message("abbreviation", "'NO': Nursing Officer"),
                )
            )
            continue
        if not isinstance(meaning, str) or not meaning.strip():
            findings.append(
                finding(
                    R_SHAPE.code, rel, line, f"'{abbr}' has no meaning written after the colon."
                )
            )
            continue
        terms[str(abbr)] = Term(str(abbr), meaning.strip(), line)
    return Glossary(terms, rel), findings
