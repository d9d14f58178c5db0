"""The ``imr`` command's exit codes: 0 clean, 1 findings at error level, 2 the case cannot be read
(or bad usage). Users' CI depends on them: never change their meaning."""

from __future__ import annotations

from imr_site.case.findings import Finding, Severity

EXIT_OK, EXIT_FINDINGS, EXIT_UNUSABLE = 0, 1, 2


def exit_code(findings: list[Finding], *, strict: bool = False) -> int:
    """1 when a finding is at error level (or, with ``strict``, at warning level too)."""
    failing = {Severity.ERROR, Severity.WARNING} if strict else {Severity.ERROR}
    return EXIT_FINDINGS if any(f.severity in failing for f in findings) else EXIT_OK
