"""Rules about sign-off: signature dates that cannot be right.

Whether the signatures are filled in at all is checked with the other front matter fields
(FLD001); what a final build needs in addition is in ``imr_site.signoff``.
"""

from __future__ import annotations

from imr_site.case.findings import Finding, finding, rule
from imr_site.signoff.model import date_problems

R_FUTURE = rule(
    "SGN001",
    "error",
    "Signature dated in the future",
    "Write the date the person actually signed (YYYY-MM-DD); a report cannot be signed in advance.",
)
R_ORDER = rule(
    "SGN002",
    "error",
    "Director signed before the author",
    "The Director/Head of Service signs off the author's finished report: check both dates.",
)


def check(case) -> list[Finding]:
    page = case.section("signoff")
    if page is None:
        return []
    return [finding(p.code, page.rel, page.line_of(p.key), p.message) for p in date_problems(case)]
