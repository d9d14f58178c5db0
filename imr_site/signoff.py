"""Sign-off: is the report signed and dated by its author and a Director or Head of Service, and
may it be built as FINAL?

The guidance requires both signatures and dates (section 8). A final build is refused, with every
reason at once, unless nothing is wrong: see :func:`final_build_refusals`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from . import gitrepo
from .dates import as_date
from .findings import Finding, Severity

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


def sections_not_final(case) -> list[str]:
    from .schema import STATUSES

    out = []
    for s in case.spec.sections:
        page = case.section(s.id)
        if page is None:
            continue  # a missing part is an error finding already
        status = page.status
        if status != "final":
            what = (
                f"is '{status}'"
                if status in STATUSES
                else (f"has the status '{page.meta.get('status')}'" if status else "has no status")
            )
            out.append(
                f"'{s.numbered_title}' ({page.rel}) {what}: set `status: final` in its "
                "front matter once it is agreed."
            )
    return out


def git_refusals(case, exclude: list[Path] | None = None) -> list[str]:
    """Why the case's folder cannot be tied to one commit (empty when it can). ``exclude`` lists
    folders to ignore, such as the site being built."""
    root = case.root
    if gitrepo.toplevel(root) is None:
        return [
            "the case is not in a Git repository (or Git is not installed), so the final report "
            "could not be tied to the exact version it was built from. Put the case under Git "
            "(git init, git add, git commit) and build again."
        ]
    if gitrepo.head_commit(root) is None:
        return ["the case's Git repository has no commit yet: commit the case, then build again."]
    changed = gitrepo.uncommitted(root, exclude=exclude)
    if changed:
        listed = "; ".join(line[3:] for line in changed[:10])
        more = f" and {len(changed) - 10} more" if len(changed) > 10 else ""
        return [
            f"{len(changed)} file(s) differ from the last commit ({listed}{more}). A final "
            "report must match a commit: commit (or undo) these changes, then build again."
        ]
    return []


def final_build_refusals(
    case, findings: list[Finding], site_dir: Path | None = None, exclude: list[Path] | None = None
) -> list[str]:
    """Every reason a FINAL build must be refused (empty when it may go ahead)."""
    reasons = []
    for f in findings:
        if f.severity is Severity.ERROR:
            reasons.append(f"{f.where()}: {f.code}: {f.message}")
    reasons += sections_not_final(case)
    reasons += [f"sign-off: {g}" for g in signoff_gaps(case)]
    # repeated here in case the SGN codes are switched off or made warnings in mkdocs.yml
    reported = {f.code for f in findings if f.severity is Severity.ERROR}
    page = case.section("signoff")
    reasons += [
        f"sign-off: {p.message} ({page.rel}, {p.key})"
        for p in date_problems(case)
        if p.code not in reported
    ]
    reasons += git_refusals(case, [p for p in (site_dir, *(exclude or [])) if p])
    return reasons
