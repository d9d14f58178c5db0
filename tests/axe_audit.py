"""axe-core in Debian's Chromium: every page of a built site, served over a local HTTP server.

The tests import ``audit_site``; run as a script it prints every violation of a site folder by
impact and rule (``python tests/axe_audit.py SITE_DIR``), the counts the issue note reports.
axe-core itself is vendored beside this file (vendor/axe-core, with its licence): nothing is
downloaded while the tests run.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import sys
import threading
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

AXE_VERSION = "4.14.1"
AXE_JS = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"

# WCAG 2.2 level A and AA, and the A/AA rules added by 2.1 and 2.2 (axe tags its rules so).
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
BLOCKING = ("critical", "serious")


@dataclass(frozen=True)
class Violation:
    page: str  # the page's path in the site, e.g. 03-chronology.html
    rule: str  # axe's rule id, e.g. color-contrast
    impact: str  # minor, moderate, serious, critical
    target: str  # a CSS selector for the element
    html: str  # the start of the element's markup
    help: str  # what the rule asks for

    def __str__(self) -> str:
        return f"{self.page}: {self.rule} ({self.impact}) at {self.target}: {self.html}\n    {self.help}"


def site_pages(site_dir: Path) -> list[str]:
    """Every HTML page of a built site, as paths relative to it (search and assets hold none)."""
    return sorted(p.relative_to(site_dir).as_posix() for p in site_dir.rglob("*.html"))


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # the standard library's signature; says nothing
        pass


@contextlib.contextmanager
def serve(site_dir: Path) -> Iterator[str]:
    """The site on http://127.0.0.1:<free port>/ while the block runs (as `imr serve` would
    show it: search and the scripts work over HTTP, unlike from file://)."""
    handler = functools.partial(_QuietHandler, directory=str(site_dir))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def audit_page(page, url: str, name: str, tags: list[str] = WCAG_TAGS) -> list[Violation]:
    """axe-core's violations of the rules with these tags on one page (a Playwright page)."""
    page.goto(url, wait_until="load")
    return run_axe(page, name, tags)


def run_axe(page, name: str, tags: list[str] = WCAG_TAGS) -> list[Violation]:
    """axe-core on a page as it is now (after a search was typed, say), named ``name``."""
    # Colours read halfway through a transition (Material fades search results in) are not
    # the page's: let running transitions and animations finish first.
    page.evaluate(
        """Promise.all(document.getAnimations()
            .filter(a => a.effect && a.effect.getComputedTiming().endTime !== Infinity)
            .map(a => a.finished.catch(() => null))).then(() => null)"""
    )
    if not page.evaluate("typeof window.axe === 'object'"):
        page.add_script_tag(path=str(AXE_JS))
    results = page.evaluate(
        """tags => axe.run(document, {
            runOnly: {type: 'tag', values: tags},
            resultTypes: ['violations'],
        }).then(r => r.violations.map(v => ({
            rule: v.id, impact: v.impact, help: v.help + ' (' + v.helpUrl + ')',
            nodes: v.nodes.map(n => ({target: n.target.join(' '), html: n.html})),
        })))""",
        tags,
    )
    return [
        Violation(
            name, v["rule"], v["impact"] or "minor", n["target"], _short(n["html"]), v["help"]
        )
        for v in results
        for n in v["nodes"]
    ]


def audit_site(
    context,
    site_dir: Path,
    pages: list[str] | None = None,
    viewport: dict | None = None,
    tags: list[str] = WCAG_TAGS,
) -> list[Violation]:
    """Every violation on the given pages (default: all) of a built site, in one browser context,
    at the given viewport (default: the browser's, 1280 x 720).

    Fails loudly if a page tries to load anything from outside the local server."""
    found: list[Violation] = []
    outside: list[str] = []
    with serve(site_dir) as base:
        page = context.new_page()
        if viewport:
            page.set_viewport_size(viewport)
        page.on(
            "request",
            lambda r: None if r.url.startswith((base, "data:", "blob:")) else outside.append(r.url),
        )
        try:
            for name in pages or site_pages(site_dir):
                found += audit_page(page, base + name, name, tags)
        finally:
            page.close()
    assert outside == [], f"pages loaded resources from outside the site: {outside}"
    return found


def _short(html: str) -> str:
    html = " ".join(html.split())
    return html if len(html) <= 160 else html[:157] + "..."


def blocking(violations: list[Violation]) -> list[Violation]:
    return [v for v in violations if v.impact in BLOCKING]


def summary(violations: list[Violation]) -> str:
    """Counts by impact and rule: nodes and pages."""
    nodes = Counter((v.impact, v.rule) for v in violations)
    pages = {key: len({v.page for v in violations if (v.impact, v.rule) == key}) for key in nodes}
    return "\n".join(
        f"{impact:9} {rule:32} {n:5} node(s) on {pages[impact, rule]} page(s)"
        for (impact, rule), n in sorted(nodes.items())
    )


@contextlib.contextmanager
def chromium() -> Iterator[object]:
    """A fresh headless Chromium context (Debian's browser, the flags of tests/conftest.py)."""
    import tempfile

    from conftest import CHROMIUM, CHROMIUM_ARGS
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as profile, sync_playwright() as p:
        ctx = p.chromium.launch_persistent_context(
            profile, executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield ctx
        finally:
            ctx.close()


if __name__ == "__main__":
    # --more: also axe's experimental rules and WCAG AAA (not required; for the record)
    more = "--more" in sys.argv
    tags = WCAG_TAGS + ["experimental", "wcag2aaa", "wcag21aaa"] if more else WCAG_TAGS
    with chromium() as ctx:
        for site in [a for a in sys.argv[1:] if a != "--more"]:
            found = audit_site(ctx, Path(site), tags=tags)
            print(f"== {site}: {len(site_pages(Path(site)))} pages, axe-core {AXE_VERSION}")
            print(summary(found) or "no violations")
            for v in [] if more else blocking(found):
                print(v)
