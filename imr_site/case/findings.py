"""Findings: what a check says about a case, with a stable code, a severity and a place.

Every rule in the tool reports through a :class:`Finding`. Codes are stable (users switch them off
or change their severity in ``mkdocs.yml`` and CI depends on them), so each one is registered once
in :data:`RULES` with a plain-language explanation and how to fix it. The README's reference of
finding codes is generated from this table.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass, field


class Severity(str, enum.Enum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        return {"error": 2, "warning": 1, "info": 0}[self.value]


@dataclass(frozen=True)
class Rule:
    code: str
    severity: Severity
    title: str
    fix: str


@dataclass(frozen=True)
class Finding:
    code: str
    severity: Severity
    file: str | None
    line: int | None
    message: str

    def where(self) -> str:
        if not self.file:
            return "(case)"
        return f"{self.file}:{self.line}" if self.line else self.file

    def as_dict(self) -> dict:
        return {
            "code": self.code,
            "severity": self.severity.value,
            "file": self.file,
            "line": self.line,
            "message": self.message,
        }

    def __str__(self) -> str:
        return f"{self.where()}: {self.severity.value} {self.code}: {self.message}"


RULES: dict[str, Rule] = {}


def rule(code: str, severity: str, title: str, fix: str) -> Rule:
    """Register a finding code. Called at import time by the module that owns the rule."""
    if code in RULES:
        raise ValueError(f"finding code {code} registered twice")
    r = Rule(code, Severity(severity), title, fix)
    RULES[code] = r
    return r


def finding(code: str, file: str | None, line: int | None, message: str) -> Finding:
    """A finding for a registered code, at the code's default severity."""
    return Finding(code, RULES[code].severity, file, line, message)


@dataclass
class RuleOverrides:
    """A case's switches: codes turned off, and codes given another severity."""

    disabled: set[str] = field(default_factory=set)
    severity: dict[str, Severity] = field(default_factory=dict)

    def apply(self, findings: Iterable[Finding]) -> list[Finding]:
        out = []
        for f in findings:
            if f.code in self.disabled:
                continue
            sev = self.severity.get(f.code)
            out.append(Finding(f.code, sev, f.file, f.line, f.message) if sev else f)
        return out


class CaseError(Exception):
    """The case cannot be read at all (exit code 2). Carries the findings that say why."""

    def __init__(self, findings: list[Finding]):
        self.findings = findings
        super().__init__("\n".join(str(f) for f in findings))


def sort_findings(findings: Iterable[Finding]) -> list[Finding]:
    return sorted(
        findings,
        key=lambda f: (f.file or "", f.line or 0, -f.severity.rank, f.code, f.message),
    )


def summarise(findings: Iterable[Finding]) -> dict:
    findings = list(findings)
    counts = {s.value: 0 for s in Severity}
    for f in findings:
        counts[f.severity.value] += 1
    return {"total": len(findings), **counts}
