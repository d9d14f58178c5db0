"""Sign-off: is the report signed and dated by its author and a Director or Head of Service?

The guidance requires both signatures and dates (section 8). What a FINAL build needs besides is
``imr_site.publish.final``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from imr_site.case.dates import as_date

SIGNATORIES = {"author": "the author", "senior_officer": "the Director/Head of Service"}


def today() -> dt.date:
    return dt.date.today()


def signoff_gaps(case) -> list[str]:
    """What is still missing before the report counts as signed off (empty when complete)."""
    page = case.section("signoff")
    if page is None:
        return ["there is no sign-off section (a file with `section: signoff`)."]
    gaps = []
    for who, label in SIGNATORIES.items():
        for part in ("name", "role"):
            if not str(page.get(f"signatures.{who}.{part}") or "").strip():
                gaps.append(
                    f"{label}'s {part} is not filled in ({page.rel}, signatures.{who}.{part})."
                )
        if as_date(page.get(f"signatures.{who}.date")) is None:
            gaps.append(f"{label} has not dated the sign-off ({page.rel}, signatures.{who}.date).")
    return gaps


def signature_dates(case) -> dict[str, tuple[str, dt.date | None]]:
    """who -> (label, the date they signed, or None when missing or not a date)."""
    page = case.section("signoff")
    return {
        who: (label, as_date(page.get(f"signatures.{who}.date")) if page else None)
        for who, label in SIGNATORIES.items()
    }


@dataclass(frozen=True)
class DateProblem:
    code: str  # SGN001 (in the future) or SGN002 (Director before author)
    key: str  # the front matter key it concerns, for the line
    message: str


def date_problems(case) -> list[DateProblem]:
    """Signature dates that cannot be right: in the future, or the Director's before the author's."""
    page = case.section("signoff")
    if page is None:
        return []
    out = []
    dates = signature_dates(case)
    now = today()
    for who, (label, d) in dates.items():
        if d and d > now:
            out.append(
                DateProblem(
                    "SGN001",
                    f"signatures.{who}.date",
                    f"{label} signed on {d.isoformat()}, which is after today ({now.isoformat()}). "
                    "Write the date they actually signed.",
                )
            )
    author, senior = dates["author"][1], dates["senior_officer"][1]
    if author and senior and senior < author:
        out.append(
            DateProblem(
                "SGN002",
                "signatures.senior_officer.date",
                f"the Director/Head of Service signed on {senior.isoformat()}, before the author "
                f"({author.isoformat()}). The senior officer signs off the finished report, so their "
                "date cannot be earlier; check both dates.",
            )
        )
    return out


def is_signed_off(case) -> bool:
    return not signoff_gaps(case) and not date_problems(case)
