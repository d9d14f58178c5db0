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

from imr_site.case.bulk import texts_matching
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
# What every text holding a placeholder has: a bracket, a backtick (inline code, blanked out
# before looking, can sit between '(' and 'insert'), TBC/TBA/TBD, XX, ??? or '(' and an
# instruction. Blanking only turns characters into spaces, so each of these is in the text as
# written. Most text has none, and is passed over quickly (a 10,000-entry chronology has some
# 90,000 values, and its file is looked at whole first). The pattern starts with one set of
# rare characters (B, not the common T), so that the regular expression engine skips straight to
# the next of them (with re.IGNORECASE it tries every position); t, b, a, c, d and x have no case
# forms but these two.
_MAYBE = re.compile(
    r"[\[<`?(BbXx]"
    r"(?:(?<=[\[<`])"  # a bracket or a backtick
    r"|(?<=\?)\?\?"  # ???
    r"|(?<=[Tt][Bb])[AaCcDd]"  # TBC, TBA, TBD
    r"|(?<=[Xx])[Xx]"  # XX
    rf"|(?<=\()\s*(?i:{_INSTRUCTION}))"  # (insert
)
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
    texts: list[str] = []
    lines: list[int] = []
    _strings(value, line, texts, lines)
    out: list[Placeholder] = []
    for i in sorted(texts_matching(_MAYBE, texts, "\0")):  # no match can hold a NUL
        out += find(texts[i], lines[i], defined=defined)
    return out


def _strings(value, line: int, texts: list[str], lines: list[int]) -> None:
    """Every string inside a YAML value, in order, and the line of each."""
    if isinstance(value, str):
        texts.append(value)
        lines.append(line)
        return
    if isinstance(value, dict):
        line_of = value.line_of if isinstance(value, LineDict) else None
        items = ((v, line_of(k) if line_of else line) for k, v in value.items())
    elif isinstance(value, list):
        item_lines = getattr(value, "item_lines", None) or []
        items = ((v, item_lines[i] if i < len(item_lines) else line) for i, v in enumerate(value))
    else:
        return
    for v, at in items:
        if isinstance(v, str):  # most values: no call for each
            texts.append(v)
            lines.append(at)
        else:
            _strings(v, at, texts, lines)


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
    if not path.is_file() or path in case.refused:  # refused: outside the case, or too large
        return []
    rel = path.relative_to(case.root).as_posix() if path.is_relative_to(case.root) else str(path)
    if not _may_hold_one(path):
        return []
    try:
        raw = load_yaml(path, rel)
    except YAMLProblem:  # an unreadable file is its part's finding already
        return []
    if not isinstance(raw, (LineDict, LineList)):
        return []
    return findings(rel, in_value(raw, raw.line, defined=defined_words(case)))


def _may_hold_one(path) -> bool:
    """Whether a YAML file may hold a placeholder in one of its strings, from its text as written.

    A string read from YAML holds the characters written in the file, with line breaks and
    indentation turned into spaces or line breaks, and quotes undone: a placeholder's marks
    (above) are in the file's text as they are in the string ('(' and 'insert' with only spaces
    or line breaks between them). Only a backslash escape in double quotes ("\\x5B") can make a
    character the file does not show, so a file with a backslash is always looked at.
    """
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return True  # reading it again says what is wrong
    return "\\" in text or _MAYBE.search(text) is not None
