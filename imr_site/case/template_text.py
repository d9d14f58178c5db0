"""The case template's own text: the paragraphs `imr new` writes that an author must replace.

A new case's pages hold the template's explanations (the home page's "This is the home page of
your Individual Management Review ...") beside its `[Write here: ...]` prompts. Left unchanged,
they would be published in a final report. The sections part reports each such paragraph
(TPL001); the people part leaves them out when it looks for abbreviations, so that a new case's
own words (IMR, PDF, GP1) raise no warnings.

A paragraph here is a block between blank lines, or one item of a list; it is compared with
its spacing and capitals ignored. Short ones (a few words, which an author may well write too)
and paragraphs holding a prompt (HDG005 reports those) are left out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from imr_site.case.sections import _scan

MIN_WORDS = 8
_LIST_ITEM = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+")
_PROMPT = re.compile(r"\[Write here:", re.IGNORECASE)


@dataclass(frozen=True)
class Paragraph:
    line: int  # the file line it starts on
    end: int  # the file line it ends on
    text: str  # as written, lines joined with spaces


def normalise(text: str) -> str:
    return " ".join(text.split()).casefold()


def paragraphs(prose_lines: list[str], first_line: int) -> list[Paragraph]:
    """Blocks between blank lines, each list item a block of its own."""
    out: list[Paragraph] = []
    start, lines = None, []

    def close(end: int):
        if lines:
            out.append(Paragraph(start, end, " ".join(s.strip() for s in lines)))

    for i, raw in enumerate(prose_lines):
        n = first_line + i
        if not raw.strip():
            close(n - 1)
            start, lines = None, []
            continue
        if _LIST_ITEM.match(raw) and lines:
            close(n - 1)
            start, lines = None, []
        if start is None:
            start = n
        lines.append(raw)
    close(first_line + len(prose_lines) - 1)
    return out


def _body(text: str) -> tuple[str, int]:
    lines = text.split("\n")
    if lines and lines[0].strip() == "---":
        close = next((i for i in range(1, len(lines)) if lines[i].strip() == "---"), None)
        if close is not None:
            return "\n".join(lines[close + 1 :]), close + 2
    return text, 1


@lru_cache(maxsize=1)
def template_paragraphs() -> frozenset[str]:
    """Every paragraph of the template's pages worth reporting, normalised."""
    found: set[str] = set()
    docs = resources.files("imr_site.case_template") / "docs"
    for page in docs.iterdir():
        if not page.name.endswith(".md"):
            continue
        body, start = _body(page.read_text(encoding="utf-8").replace("\r\n", "\n"))
        _, prose = _scan(body, start)
        for p in paragraphs(prose, start):
            if len(p.text.split()) >= MIN_WORDS and not _PROMPT.search(p.text):
                found.add(normalise(p.text))
    return frozenset(found)


def unchanged(page) -> list[Paragraph]:
    """The paragraphs of a page (a ``SectionFile``) that are the template's, word for word."""
    known = template_paragraphs()
    return [p for p in paragraphs(page.body_lines, page.body_start) if normalise(p.text) in known]
