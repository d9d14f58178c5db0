"""A FINAL build: every reason it must be refused, given at once (empty when it may go ahead).

A FINAL report has no error findings, no open step of the IMR process (PRC warnings), every
section agreed (`status: final`), both signatures complete and plausible
(``imr_site.signoff``), and is tied to one Git commit with nothing uncommitted.
"""

from __future__ import annotations

from pathlib import Path

from imr_site.case import gitrepo
from imr_site.case.findings import Finding, Severity
from imr_site.case.placeholders import R_PLACEHOLDER
from imr_site.case.sections import STATUSES
from imr_site.process.checks import gate_refusals
from imr_site.sections.checks import R_PLACEHOLDER as R_PROMPT
from imr_site.sections.checks import R_TEMPLATE_TEXT
from imr_site.signoff.model import date_problems, signoff_gaps

# What finds unfinished text: placeholders, the template's prompts and its unchanged paragraphs.
UNFINISHED = {R_PLACEHOLDER.code, R_PROMPT.code, R_TEMPLATE_TEXT.code}


def sections_not_final(case) -> list[str]:
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


def unfinished_refusals(case, findings: list[Finding]) -> list[str]:
    """Placeholders and template text refuse a FINAL build even when mkdocs.yml re-grades the
    codes that find them, and a FINAL build refuses to run with those codes switched off:
    nothing unfinished reaches a signed report."""
    out = [
        f"{f.where()}: {f.code}: {f.message}"
        for f in findings
        if f.code in UNFINISHED and f.severity is not Severity.ERROR
    ]
    off = sorted(UNFINISHED & case.config.rules.disabled)
    if off:
        out.append(
            f"{', '.join(off)} switched off in mkdocs.yml (rules: disable): a FINAL build checks "
            "for placeholders and template text always. Remove the code(s) from the list."
        )
    return out


def final_build_refusals(
    case, findings: list[Finding], site_dir: Path | None = None, exclude: list[Path] | None = None
) -> list[str]:
    """Every reason a FINAL build must be refused (empty when it may go ahead)."""
    reasons = []
    for f in findings:
        if f.severity is Severity.ERROR:
            reasons.append(f"{f.where()}: {f.code}: {f.message}")
    reasons += [
        f"{f.where()}: {f.code}: {f.message} (the IMR process: a FINAL report needs every step "
        "done)"
        for f in gate_refusals(findings)
    ]
    reasons += unfinished_refusals(case, findings)
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
