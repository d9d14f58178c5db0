"""Findings written out for people and for machines: text, JSON, GitHub annotations, JUnit XML.

The GitHub format makes each finding appear on the pull request's diff at its line; JUnit XML is
what GitLab (and most other CI) shows as a test report. Paths in both are relative to the
repository's top folder, because that is how the CI sees the files.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from xml.etree import ElementTree as ET

from imr_site.case.findings import RULES, Finding, RuleOverrides, Severity, summarise


@dataclass
class ReportContext:
    """What a report needs beyond the findings."""

    path_prefix: str = ""  # the case folder inside the repository, e.g. "cases/sar-14/"
    rules: RuleOverrides = field(default_factory=RuleOverrides)
    strict: bool = False  # warnings fail too (`imr check --strict`)

    def path(self, f: Finding) -> str | None:
        return f"{self.path_prefix}{f.file}" if f.file else None


def switched_off_lines(rules: RuleOverrides) -> list[str]:
    """Plain sentences saying which codes the case switched off or re-graded (empty if none)."""
    lines = []
    if rules.disabled:
        lines.append(
            "Switched off in mkdocs.yml (not checked): " + ", ".join(sorted(rules.disabled)) + "."
        )
    if rules.severity:
        changed = ", ".join(
            f"{code} {RULES[code].severity.value} -> {sev.value}"
            if code in RULES
            else f"{code} -> {sev.value}"
            for code, sev in sorted(rules.severity.items())
        )
        lines.append(f"Severity changed in mkdocs.yml: {changed}.")
    return lines


def format_text(findings: list[Finding], ctx: ReportContext | None = None) -> str:
    ctx = ctx or ReportContext()
    lines = [str(f) for f in findings]
    s = summarise(findings)
    lines.append(
        f"{s['error']} error(s), {s['warning']} warning(s), {s['info']} note(s)."
        if findings
        else "No findings: the case passes every check."
    )
    lines += switched_off_lines(ctx.rules)
    return "\n".join(lines)


def format_json(findings: list[Finding], ctx: ReportContext | None = None) -> str:
    return json.dumps(
        {"findings": [f.as_dict() for f in findings], "summary": summarise(findings)}, indent=2
    )


# --- GitHub Actions workflow commands ---------------------------------------------------------
# https://docs.github.com/actions/reference/workflow-commands-for-github-actions


def _escape_data(s: str) -> str:
    return s.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(s: str) -> str:
    return _escape_data(s).replace(":", "%3A").replace(",", "%2C")


_GITHUB_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def github_annotation(f: Finding, ctx: ReportContext | None = None) -> str:
    ctx = ctx or ReportContext()
    props = []
    path = ctx.path(f)
    if path:
        props.append(f"file={_escape_property(path)}")
        if f.line:
            props.append(f"line={int(f.line)}")
    props.append(f"title={_escape_property(f.code)}")
    return f"::{_GITHUB_LEVEL[f.severity]} {','.join(props)}::{_escape_data(f.message)}"


def format_github(findings: list[Finding], ctx: ReportContext | None = None) -> str:
    ctx = ctx or ReportContext()
    # Annotations first; then the text report's closing lines, which the log shows as plain text.
    closing = format_text([], ctx).splitlines()
    if findings:
        s = summarise(findings)
        closing[0] = f"{s['error']} error(s), {s['warning']} warning(s), {s['info']} note(s)."
    return "\n".join([github_annotation(f, ctx) for f in findings] + closing)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\r", " ").replace("\n", " ")


def github_step_summary(findings: list[Finding], ctx: ReportContext | None = None) -> str:
    """Markdown for the run's summary page. GitHub shows at most 10 annotations of each level per
    step on the diff, so the summary lists every finding."""
    ctx = ctx or ReportContext()
    s = summarise(findings)
    lines = ["## imr check", ""]
    if not findings:
        lines.append("No findings: the case passes every check.")
    else:
        lines += [
            f"{s['error']} error(s), {s['warning']} warning(s), {s['info']} note(s).",
            "",
            "| Where | Severity | Code | What to do |",
            "|---|---|---|---|",
        ]
        for f in findings:
            where = ctx.path(f) or "(case)"
            if f.line:
                where += f":{f.line}"
            lines.append(
                f"| `{_cell(where)}` | {f.severity.value} | {f.code} | {_cell(f.message)} |"
            )
    notes = switched_off_lines(ctx.rules)
    if notes:
        lines += [""] + notes
    return "\n".join(lines) + "\n"


# --- JUnit XML --------------------------------------------------------------------------------


def format_junit(findings: list[Finding], ctx: ReportContext | None = None) -> str:
    """One test case per finding (errors fail, and warnings too with ``strict``; the others pass
    with their text), plus one passing test case when there is nothing to report."""
    ctx = ctx or ReportContext()
    failing = {Severity.ERROR, Severity.WARNING} if ctx.strict else {Severity.ERROR}
    failures = sum(1 for f in findings if f.severity in failing)
    suites = ET.Element("testsuites", name="imr check", tests="0", failures=str(failures))
    suite = ET.SubElement(
        suites,
        "testsuite",
        name="imr check",
        tests="0",
        failures=str(failures),
        errors="0",
        skipped="0",
    )
    cases = 0
    for f in findings:
        path = ctx.path(f) or "(case)"
        where = f"{path}:{f.line}" if f.line else path
        tc = ET.SubElement(
            suite,
            "testcase",
            classname=path,
            name=f"{f.code} {where}",
            file=ctx.path(f) or "",
        )
        if f.line:
            tc.set("line", str(f.line))
        rule = RULES.get(f.code)
        detail = f"{where}: {f.message}" + (f"\nHow to fix: {rule.fix}" if rule else "")
        if f.severity in failing:
            fail = ET.SubElement(tc, "failure", message=f.message, type=f.severity.value)
            fail.text = detail
        else:
            ET.SubElement(tc, "system-out").text = detail
        cases += 1
    if not findings:
        ET.SubElement(suite, "testcase", classname="imr", name="imr check: no findings")
        cases = 1
    notes = switched_off_lines(ctx.rules)
    if notes:
        ET.SubElement(suite, "system-out").text = "\n".join(notes)
    suites.set("tests", str(cases))
    suite.set("tests", str(cases))
    ET.indent(suites)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(suites, encoding="unicode")


FORMATS: dict[str, Callable[[list[Finding], ReportContext | None], str]] = {
    "text": format_text,
    "json": format_json,
    "github": format_github,
    "junit": format_junit,
}
