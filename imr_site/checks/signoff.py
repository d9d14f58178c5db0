"""Rules about sign-off: signature dates that cannot be right.

Whether the signatures are filled in at all is checked with the other front matter fields
(FLD001); what a final build needs in addition is in ``imr_site.signoff``.
"""

from __future__ import annotations

from ..findings import Finding, finding, rule
from ..signoff import signature_dates, today

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
    out = []
    dates = signature_dates(case)
    now = today()
    for who, (label, d) in dates.items():
        if d and d > now:
            out.append(
                finding(
                    R_FUTURE.code,
                    page.rel,
                    page.line_of(f"signatures.{who}.date"),
                    f"{label} signed on {d.isoformat()}, which is after today ({now.isoformat()}). "
                    "Write the date they actually signed.",
                )
            )
    author, senior = dates["author"][1], dates["senior_officer"][1]
    if author and senior and senior < author:
        out.append(
            finding(
                R_ORDER.code,
                page.rel,
                page.line_of("signatures.senior_officer.date"),
                f"the Director/Head of Service signed on {senior.isoformat()}, before the author "
                f"({author.isoformat()}). The senior officer signs off the finished report, so their "
                "date cannot be earlier; check both dates.",
            )
        )
    return out
