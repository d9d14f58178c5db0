"""Every rule the tool applies to a case. Each module owns one part of the report.

``run_checks`` is what ``imr check``, ``imr build`` and the MkDocs plugin all call, so the three
can never disagree.
"""

from __future__ import annotations

from ..findings import Finding, sort_findings
from . import actions, chronology, glossary, names, review, schemas, signoff, structure

# Each check takes a Case and returns findings. Output is sorted, so their order does not matter.
CHECKS = [
    structure.check,
    chronology.check,
    actions.check,
    glossary.check,
    names.check,
    schemas.check,
    signoff.check,
    review.check,
]


def _without_repeats(findings: list[Finding]) -> list[Finding]:
    """Drop a schema finding where another rule has reported the same line: that rule's message
    says more (a schema only knows a value is missing or of the wrong kind)."""
    placed = {(f.file, f.line) for f in findings if not f.code.startswith(schemas.PREFIX)}
    return [
        f
        for f in findings
        if not (f.code.startswith(schemas.PREFIX) and f.line and (f.file, f.line) in placed)
    ]


def run_checks(case) -> list[Finding]:
    found = list(case.findings)
    for check in CHECKS:
        found.extend(check(case))
    return sort_findings(case.config.rules.apply(_without_repeats(found)))
