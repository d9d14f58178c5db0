"""Rules about review: each section says where it is (draft, in review, final)."""

from __future__ import annotations

from imr_site.case.findings import Finding, finding, rule

R_NO_STATUS = rule(
    "REV001",
    "info",
    "Section has no status",
    "Add `status: draft`, `status: in review` or `status: final` to the section's front matter; "
    "a section without one counts as a draft.",
)


def check(case) -> list[Finding]:
    out = []
    for s in case.spec.sections:
        page = case.section(s.id)
        if page is not None and not page.status:
            out.append(
                finding(
                    R_NO_STATUS.code,
                    page.rel,
                    page.line_of("section"),
                    f"'{s.numbered_title}' has no `status:` in its front matter, so it counts as a "
                    "draft. Add `status: draft`, `status: in review` or `status: final`.",
                )
            )
    return out
