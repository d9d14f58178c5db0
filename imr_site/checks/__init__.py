"""Every rule the tool applies to a case. Each module owns one part of the report.

``run_checks`` is what ``imr check``, ``imr build`` and the MkDocs plugin all call, so the three
can never disagree.
"""

from __future__ import annotations

from ..findings import Finding, sort_findings
from . import chronology, structure

# Each check takes a Case and returns findings. Order only affects nothing: output is sorted.
CHECKS = [structure.check, chronology.check]


def run_checks(case) -> list[Finding]:
    found = list(case.findings)
    for check in CHECKS:
        found.extend(check(case))
    return sort_findings(case.config.rules.apply(found))
