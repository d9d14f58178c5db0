"""Rules about abbreviations: every abbreviation used is defined, and the glossary is used."""

from __future__ import annotations

import re

from imr_site.case import placeholders
from imr_site.case.bulk import gc_paused
from imr_site.case.findings import Finding, finding, rule
from imr_site.people.abbreviations import find_usage, ignore_options, vocabulary

_LABEL_LIKE = re.compile(r"[A-Z]{1,4}\d{1,3}")  # DN3, SW12: usually a person's label

R_UNDEFINED = rule(
    "GLO002",
    "warning",
    "Abbreviation used but not defined",
    "Add it to data/glossary.yml ('CMHT: Community Mental Health Team'), write it in full, or, if "
    "it is not an abbreviation, add it to 'abbreviations: ignore:' in mkdocs.yml.",
)
R_UNUSED = rule(
    "GLO003",
    "info",
    "Abbreviation defined but not used",
    "Nothing to do: it is left off the abbreviations page. Delete it from data/glossary.yml if "
    "it is not needed.",
)
R_IGNORE_OPTION = rule(
    "GLO005",
    "error",
    "The abbreviations ignore list is wrong",
    "Write 'abbreviations: {ignore: [WORD, ...]}' under the imr plugin in mkdocs.yml.",
)


def check(case) -> list[Finding]:
    with gc_paused():  # thousands of texts and matches, no reference cycles
        return _check(case)


def _check(case) -> list[Finding]:
    out: list[Finding] = []
    _, _, problems = ignore_options(case)
    out += [finding(R_IGNORE_OPTION.code, "mkdocs.yml", None, p) for p in problems]
    out += placeholders.in_data_file(case, "glossary")
    vocab = vocabulary(case)
    usage = find_usage(case)  # with the same vocabulary, shared with the build's hovers
    glossary = case.data.get("glossary")
    for abbr, uses in usage.uses.items():
        if vocab.defined(abbr):
            continue
        # One finding per file, at the first line it appears, so a long chronology using an
        # undefined abbreviation 200 times does not bury every other finding.
        by_file: dict[str, list] = {}
        for u in uses:
            by_file.setdefault(u.file, []).append(u)
        for file, file_uses in by_file.items():
            first = file_uses[0]
            more = len(file_uses) - 1
            also = f" (and {more} more time{'s' if more > 1 else ''} in this file)" if more else ""
            if _LABEL_LIKE.fullmatch(abbr):
                fix = (
                    f"If it stands for a person, add '{abbr}' to data/people.yml with their name, "
                    "role and agency; otherwise add it to the glossary."
                )
            else:
                fix = f"Add '{abbr}: <what it stands for>' to the glossary, or write it in full."
            out.append(
                finding(
                    R_UNDEFINED.code,
                    file,
                    first.line,
                    f"'{abbr}' looks like an abbreviation but is not in data/glossary.yml{also}. "
                    + fix,
                )
            )
    if glossary:
        for term in glossary.terms.values():
            if term.abbreviation not in usage:
                out.append(
                    finding(
                        R_UNUSED.code,
                        glossary.rel,
                        term.line,
                        f"'{term.abbreviation}' is defined but not used in the report, so it is "
                        "left off the abbreviations page.",
                    )
                )
    return out
