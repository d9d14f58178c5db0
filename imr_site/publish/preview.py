"""What `imr serve` adds to the live preview, and only there: each page's own findings in a
banner at its top, and, when the case cannot be read (a YAML or front matter error), a page
saying so in place of every page, so that the browser never shows a stale page as if it were
current. A built site never carries either."""

from __future__ import annotations

from imr_site.case.findings import RULES, Finding, Severity
from imr_site.case.templates import Templates

TEMPLATES = Templates(__file__)
CSS = "preview.css"  # in assets/, linked by the plugin during `imr serve` only
NAME_CODES = ("ANO", "PPL")  # findings whose message may quote a real name


def page_findings(findings: list[Finding], page_rel: str, *, home: bool, pages: set[str]):
    """The findings to show on one page: its own, and on the home page those about no page
    (mkdocs.yml, the data files, the case as a whole)."""
    return [f for f in findings if f.file == page_rel or (home and f.file not in pages)]


def findings_banner(findings: list[Finding], *, anonymised: bool = False) -> str:
    """The banner listing a page's findings, worst first (empty when there are none). In the
    anonymised edition a name finding shows its rule's title, not the name it found: the leak
    gate reads the preview too."""
    if not findings:
        return ""
    shown = sorted(findings, key=lambda f: (-f.severity.rank, f.file or "", f.line or 0))
    if anonymised:
        shown = [
            Finding(f.code, f.severity, f.file, f.line, RULES[f.code].title + " (see imr check)")
            if f.code.startswith(NAME_CODES) and f.code in RULES
            else f
            for f in shown
        ]
    counts = {s: sum(1 for f in findings if f.severity is s) for s in Severity}
    return TEMPLATES.render(
        "preview_findings.html",
        findings=shown,
        counts=counts,
        worst=shown[0].severity.value,
    )


def error_page(findings: list[Finding]) -> str:
    """The page shown in place of every page while the case cannot be read."""
    return TEMPLATES.render("preview_error.html", findings=findings)
