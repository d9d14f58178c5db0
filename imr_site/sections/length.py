"""How long each section is: its words, and the board's limit (``word_limit:`` in the spec).

Words are counted as a reader counts them: the prose and headings of the section's body, without
front matter, comments, code or the template's prompts. The Review status page shows the count
beside the limit; over the limit is a finding (LEN001).
"""

from __future__ import annotations

import re

from imr_site.case.findings import Finding, finding, rule
from imr_site.case.sections import SectionFile

R_TOO_LONG = rule(
    "LEN001",
    "warning",
    "Section longer than the board's word limit",
    "Shorten the section to the limit the board's template spec sets (`word_limit:`), or agree "
    "a longer one with the board.",
)

_WORD = re.compile(r"[^\W_]+(?:['’-][^\W_]+)*")
_MARKER = re.compile(r"<!--.*?-->")


def word_count(case, page: SectionFile) -> int:
    text = "\n".join([*page.body_lines, *(h.text for h in page.headings)])
    text = re.sub(case.spec.placeholder_pattern, " ", text)
    return len(_WORD.findall(_MARKER.sub(" ", text)))


def check(case) -> list[Finding]:
    out: list[Finding] = []
    for s in case.spec.sections:
        page = case.section(s.id)
        if page is None or s.word_limit is None:
            continue
        words = word_count(case, page)
        if words > s.word_limit:
            title = page.title()
            out.append(
                finding(
                    R_TOO_LONG.code,
                    page.rel,
                    title.line if title else page.body_start,
                    f"'{s.numbered_title}' has {words:,} words; the board's limit is "
                    f"{s.word_limit:,} ({words - s.word_limit:,} over).",
                )
            )
    return out
