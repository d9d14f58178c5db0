"""Placeholders: text that stands in for something not written yet (TBC, XX, [name], "(insert ...)").

A report that still holds one is unfinished, wherever it is: in a section's prose or headings, in
its front matter (a signature's name), or in a data file (the chronology, the action plan, the
people key, the glossary). Each part of the report looks for them in its own files with this one
matcher, and reports them as PLH001 (an error, so a FINAL build is refused while one is left).

What counts, in any case of letters:

- the template's prompts, ``[Write here: ...]``;
- the guidance's own way of asking for text, a bracketed instruction: ``(insert adults initials
  to keep anonymous)``, ``[enter date]``;
- the words authors use for "not known yet": TBC, TBA, TBD, XX, XXX (also inside XX/XX/XXXX), ???;
- a bracketed stand-in for a detail: ``[name]``, ``<name>``, ``[date of birth]``, ``<agency>``.

Ordinary prose ("we will insert a prompt") has no brackets and is not one. A word the author has
defined in the glossary (TBA: Transitional Benefit Allowance) is an abbreviation, not a placeholder.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from imr_site.case.findings import Finding, finding, rule
from imr_site.case.yamlio import LineDict, LineList, YAMLProblem, load_yaml

R_PLACEHOLDER = rule(
    "PLH001",
    "error",
    "Placeholder left in",
    "Replace the placeholder (TBC, XX, [name], '(insert ...)') with what it stands for. If the "
    "word is a real abbreviation, define it in data/glossary.yml.",
)

WRITE_HERE = r"\[Write here:[^\]]*\]"
# Words that name a detail still to be filled in, when they stand alone in brackets.
_DETAIL = (
    r"(?:(?:full |first |last |sur|staff |worker'?s? |person'?s? |adult'?s? |your |their )?name"
    r"|initials|date(?: of birth| of death| signed)?|dob|dod|d\.o\.b\.?|time|age|agency"
    r"|organisation|organization|role|job title|title|team|service|address|postcode|phone"
    r"|telephone|tel|email|e-mail|number|ref|reference|details?|signature|author|manager|gp"
    r"|nhs number|id)"
)
# Details that are also HTML elements an author may paste (<details>, <time>, <title>,
# <address>): in angle brackets they are markup, not a stand-in.
_HTML_TAGS = r"(?:details|time|title|address)"
# "Not known yet" words: a placeholder (PLH001), never also an undefined abbreviation.
WORDS = ("TBC", "TBA", "TBD")
_WORDS = "|".join(WORDS)
_INSTRUCTION = r"(?:insert|enter|add|type|write|fill in|complete|put)"
_PATTERN = re.compile(
    "|".join(
        [
            rf"(?P<prompt>{WRITE_HERE})",
            rf"(?P<instruction>[\(\[]\s*{_INSTRUCTION}\b[^\)\]\n]*[\)\]])",
            rf"(?P<detail>\[\s*{_DETAIL}\s*\](?![\(\[:])|<\s*(?!{_HTML_TAGS}\s*>){_DETAIL}\s*>)",
            rf"(?P<word>(?<![\w-])(?:{_WORDS}|X{{2,}}(?:[/:.]X{{2,}})*)(?![\w-]))",
            r"(?P<marks>\?{3,})",
        ]
    ),
    re.IGNORECASE,
)
# A character every placeholder has: most text has none, and is passed over quickly (a
# 10,000-entry chronology has some 90,000 values).
_MAYBE = re.compile(r"[\[(<?]|tb[acd]|xx", re.IGNORECASE)
# Not text an author reads: inline code and a link's address.
_NOT_TEXT = re.compile(r"`+[^`]*`+|(?<=\]\()[^)]*(?=\))")


@dataclass(frozen=True)
class Placeholder:
    line: int
    text: str  # as written

    def snippet(self) -> str:
        s = " ".join(self.text.split())
        return s if len(s) <= 70 else s[:67] + "..."


def defined_words(case) -> set[str]:
    """The glossary's abbreviations (read by the people part; here only its keys are needed)."""
    glossary = case.data.get("glossary")
    return set(getattr(glossary, "terms", None) or ())


def find(
    text: str, line: int = 1, *, defined: set[str] = frozenset(), prompts: bool = True
) -> list[Placeholder]:
    """Placeholders in a piece of text that starts at ``line``. ``prompts=False`` leaves out the
    template's ``[Write here: ...]`` prompts (sections report those as HDG005)."""
    if not text or not _MAYBE.search(text):
        return []
    text = _NOT_TEXT.sub(lambda m: " " * len(m.group(0)), text)
    out = []
    for m in _PATTERN.finditer(text):
        if m.group("prompt") and not prompts:
            continue
        if m.group("word") and m.group(0) in defined:
            continue
        out.append(Placeholder(line + text.count("\n", 0, m.start()), m.group(0)))
    return out


def in_value(value, line: int, *, defined: set[str] = frozenset()) -> list[Placeholder]:
    """Placeholders in every string inside a YAML value (mapping keys are not text to fill in)."""
    if isinstance(value, str):
        return find(value, line, defined=defined)
    out: list[Placeholder] = []
    if isinstance(value, dict):
        for k, v in value.items():
            at = value.line_of(k) if isinstance(value, LineDict) else line
            out += in_value(v, at, defined=defined)
    elif isinstance(value, list):
        lines = getattr(value, "item_lines", None) or []
        for i, v in enumerate(value):
            out += in_value(v, lines[i] if i < len(lines) else line, defined=defined)
    return out


def findings(rel: str, found: list[Placeholder], where: str = "") -> list[Finding]:
    """PLH001 for each placeholder found in one file (the same one twice on a line is one)."""
    return [
        finding(
            R_PLACEHOLDER.code,
            rel,
            p.line,
            f"'{p.snippet()}' is a placeholder{where}: replace it with what it stands for before "
            "the report is final.",
        )
        for p in dict.fromkeys(found)
    ]


def in_data_file(case, name: str) -> list[Finding]:
    """PLH001 for each placeholder in ``data/<name>.yml`` (its parse is the one its part read)."""
    path = case.data_path / f"{name}.yml"
    if not path.is_file():
        return []
    rel = path.relative_to(case.root).as_posix() if path.is_relative_to(case.root) else str(path)
    try:
        raw = load_yaml(path, rel)
    except YAMLProblem:  # an unreadable file is its part's finding already
        return []
    if not isinstance(raw, (LineDict, LineList)):
        return []
    return findings(rel, in_value(raw, raw.line, defined=defined_words(case)))
