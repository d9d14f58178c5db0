"""The ``imr`` command's exit codes: 0 clean, 1 findings at error level, 2 the case cannot be read
(or bad usage). Users' CI depends on them: never change their meaning."""

from __future__ import annotations

from imr_site.case.findings import Finding, Severity

EXIT_OK, EXIT_FINDINGS, EXIT_UNUSABLE = 0, 1, 2


def exit_code(findings: list[Finding]) -> int:
    return EXIT_FINDINGS if any(f.severity is Severity.ERROR for f in findings) else EXIT_OK
