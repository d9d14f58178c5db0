"""The report's recommendations, numbered R1, R2, ... in the recommendations section.

An author writes each recommendation as a level-3 heading under "## Case review
recommendations", starting with its reference, and the recommendation's text under it::

    ### R1. Self-neglect referrals are triaged within one working day
    The Adult Social Care front door will ...

"R1:", "R1 -", "R1)" and "Recommendation 1" are read the same way, in any case. The reference is
what actions in ``data/actions.yml`` name in their ``recommendations:`` field.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from imr_site.case.findings import Finding, finding, rule
from imr_site.case.sections import Heading, SectionFile

R_NO_REF = rule(
    "REC001",
    "error",
    "Recommendation heading has no reference",
    "Start each recommendation heading with its number, like '### R1. Short title'.",
)
R_DUPLICATE = rule(
    "REC002",
    "error",
    "Two recommendations share a reference",
    "Give each recommendation its own number (R1, R2, ...); actions name them by it.",
)

SECTION_ID = "recommendations"

# "R1. Title", "R1: Title", "R1 - Title", "R1) Title", "Recommendation 1. Title", "R 1 Title"
_HEADING_REF = re.compile(
    r"^\s*(?:recommendation\s*(?:no\.?\s*)?r?|r)\s*(\d{1,3})\b\s*(?:[.:)\-–—]\s*)?(.*)$",
    re.IGNORECASE,
)
# a reference as an action names it: "R1", "r1", "1", "Recommendation 1"
_REF = re.compile(
    r"^\s*(?:recommendation\s*(?:no\.?\s*)?r?|r)?\s*(\d{1,3})\s*\.?\s*$", re.IGNORECASE
)


@dataclass(frozen=True)
class Recommendation:
    ref: str  # "R1"
    title: str  # the heading's words after the reference
    text: str  # what is written under the heading (prose lines, code and comments removed)
    line: int  # the heading's line in the section file
    number: int = 0

    @property
    def heading(self) -> str:
        return f"{self.ref}. {self.title}" if self.title else self.ref

    @property
    def wording(self) -> str:
        """Title and text together, as a reader takes them in."""
        return " ".join(f"{self.title} {self.text}".split())


def normalise_ref(value) -> str | None:
    """'R1', 'r1', '1', 1 and 'Recommendation 1' all mean R1; anything else is None."""
    if isinstance(value, bool) or value is None:
        return None
    m = _REF.match(str(value))
    return f"R{int(m.group(1))}" if m else None


def heading_ref(text: str) -> tuple[str, str] | None:
    """(reference, title) when a heading starts with a recommendation reference."""
    m = _HEADING_REF.match(text)
    if not m:
        return None
    return f"R{int(m.group(1))}", m.group(2).strip()


def container_heading(case, page: SectionFile) -> tuple[Heading | None, int | None]:
    """The "Case review recommendations" heading and the line where its part ends."""
    spec = case.spec.section(SECTION_ID) if case is not None else None
    wanted = spec.headings[0] if spec and spec.headings else None
    for i, h in enumerate(page.headings):
        if h.level == 2 and (
            wanted.matches(h.text) if wanted else "recommendation" in h.text.lower()
        ):
            end = next((n.line for n in page.headings[i + 1 :] if n.level <= 2), None)
            return h, end
    return None, None


def parse_recommendations(
    page: SectionFile | None, case=None
) -> tuple[list[Recommendation], list[Finding]]:
    """Read the recommendations from the section file. Findings: REC001 and REC002.

    Recommendations are the level-3 headings under "Case review recommendations". When that
    heading is missing (a structure finding says so), level-3 headings anywhere in the file that
    start with a reference are still read, so actions can be checked against them.
    """
    if page is None:
        return [], []
    container, end = container_heading(case, page)
    if container is not None:
        candidates = [
            h for h in page.headings if h.line > container.line and (end is None or h.line < end)
        ]
    else:
        candidates = list(page.headings)
    recs: list[Recommendation] = []
    findings: list[Finding] = []
    seen: dict[str, Recommendation] = {}
    for h in candidates:
        if h.level != 3:
            continue
        parsed = heading_ref(h.text)
        if parsed is None:
            if container is not None:
                findings.append(
                    finding(
                        R_NO_REF.code,
                        page.rel,
                        h.line,
                        f"the recommendation '### {h.text}' has no reference, so actions cannot "
                        f"name it. Start the heading with its number: '### R{len(recs) + 1}. "
                        f"{h.text}'.",
                    )
                )
            continue
        ref, title = parsed
        nxt = next((n.line for n in page.headings if n.line > h.line and n.level <= 3), None)
        if end is not None and (nxt is None or nxt > end):
            nxt = end
        text = " ".join(page.text_between(h.line, nxt).split())
        rec = Recommendation(ref, title, text, h.line, int(ref[1:]))
        if ref in seen:
            findings.append(
                finding(
                    R_DUPLICATE.code,
                    page.rel,
                    h.line,
                    f"{ref} is used twice: here and on line {seen[ref].line}. Give this "
                    "recommendation the next free number, and check which one each action "
                    "in data/actions.yml means.",
                )
            )
            continue
        seen[ref] = rec
        recs.append(rec)
    return recs, findings


def recommendations_of(case) -> list[Recommendation]:
    """The case's recommendations (first of each reference), for renderers."""
    page = case.section(SECTION_ID)
    return parse_recommendations(page, case)[0]
