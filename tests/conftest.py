"""Shared fixtures. The example case (docs/ + data/ + mkdocs.yml at the repository root) is copied
and built once per test session, with its PDF, and shared by every test that reads its output."""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")

REPO = Path(__file__).resolve().parent.parent

# Tools some tests need from the system. Where one is missing a local run skips those tests
# and says so at the end; in CI (the CI variable set) they fail: a check that CI skips is a
# check nobody runs.
MISSING_TOOLS: dict[str, str] = {}


def need_tool(name: str, found, hint: str):
    """``found`` (a path, a module...) or, when it is missing, skip the test (fail it in CI)."""
    if found:
        return found
    MISSING_TOOLS[name] = hint
    message = f"{name} is not installed ({hint})"
    if os.environ.get("CI"):
        pytest.fail(f"{message}; CI must run every test", pytrace=False)
    pytest.skip(message)


def find_chromium() -> str | None:
    """Chromium from $CHROMIUM, else `chromium` or `chromium-browser` on PATH."""
    named = os.environ.get("CHROMIUM")
    if named:
        return named if Path(named).is_file() else None
    return shutil.which("chromium") or shutil.which("chromium-browser")


def chromium() -> str:
    return need_tool("Chromium", find_chromium(), "scripts/setup.sh --test installs it")


def playwright_api():
    """Playwright's sync API (it drives the system's Chromium; never a downloaded browser)."""
    try:
        from playwright import sync_api
    except ImportError:
        sync_api = None
    return need_tool("Playwright", sync_api, "pip install -e '.[test]' installs it")


def poppler() -> None:
    """poppler-utils, the second PDF reader the tests check the tool's own reader against."""
    need_tool(
        "poppler-utils",
        shutil.which("pdftotext") and shutil.which("pdfinfo"),
        "scripts/setup.sh --test installs it",
    )


def pytest_terminal_summary(terminalreporter):
    if MISSING_TOOLS:
        terminalreporter.section("tests skipped: tools missing", yellow=True)
        for name, hint in sorted(MISSING_TOOLS.items()):
            terminalreporter.write_line(f"{name} is not installed ({hint})")


# Debian's Chromium, driven by Playwright for browser tests (never a downloaded browser), with
# the flags that keep it from reaching for the network this machine does not have.
CHROMIUM = find_chromium()
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def imr(*args: str, timeout: float = 300) -> subprocess.CompletedProcess:
    """The `imr` command as a user runs it, in a process of its own."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    return subprocess.run(
        [sys.executable, "-m", "imr_site.cli", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=timeout,
    )


def copy_example(dest: Path) -> Path:
    """A private copy of the example case, safe to break."""
    dest.mkdir(parents=True, exist_ok=True)
    shutil.copy(REPO / "mkdocs.yml", dest / "mkdocs.yml")
    shutil.copytree(REPO / "docs", dest / "docs")
    shutil.copytree(REPO / "data", dest / "data")
    return dest


def section_file(case_dir: Path, section_id: str) -> Path:
    """The file in docs/ whose front matter says `section: <id>`."""
    from imr_site.review.registry import load_case

    case = load_case(case_dir)
    page = case.section(section_id)
    assert page is not None, f"no file fills {section_id} in {case_dir}"
    return page.path


class WarningCollector(logging.Handler):
    def __init__(self):
        super().__init__(logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record):
        self.records.append(record)

    @property
    def messages(self) -> list[str]:
        return [r.getMessage() for r in self.records]


def build_site(case_dir: Path, site_dir: Path | None = None, **plugin_options):
    """Build a case with MkDocs itself (as `mkdocs build` would); returns (plugin, warnings)."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    site_dir = site_dir or case_dir / "site"
    cfg = load_config(config_file=str(case_dir / "mkdocs.yml"), site_dir=str(site_dir))
    plugin = cfg.plugins["imr"]
    for k, v in plugin_options.items():
        plugin.config[k] = v
    collector = WarningCollector()
    logger = logging.getLogger("mkdocs")
    logger.addHandler(collector)
    try:
        build(cfg)
    finally:
        logger.removeHandler(collector)
    return plugin, collector.messages


@dataclass
class BuiltExample:
    case_dir: Path
    site_dir: Path
    pdf: Path
    pdf_text: str  # pdftotext -layout, pages separated by \f
    warnings: list[str]
    # what the site showed of each section (section id -> page HTML, -> page URL): the Word
    # export's tests write from these without building again
    section_html: dict = None
    section_urls: dict = None

    def html(self, section_id: str) -> str:
        from imr_site.review.registry import load_case

        page = load_case(self.case_dir).section(section_id)
        return (self.site_dir / page.src_uri.replace(".md", ".html")).read_text(encoding="utf-8")

    @property
    def pages(self) -> list[str]:
        pages = self.pdf_text.split("\f")
        return pages[:-1] if pages and not pages[-1].strip() else pages


@pytest.fixture(scope="session")
def built_example(tmp_path_factory) -> BuiltExample:
    import subprocess

    poppler()
    case_dir = copy_example(tmp_path_factory.mktemp("example"))
    plugin, warnings = build_site(case_dir)
    assert plugin.pdf_path and plugin.pdf_path.is_file(), "the example case did not produce a PDF"
    text = subprocess.run(
        ["pdftotext", "-layout", str(plugin.pdf_path), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return BuiltExample(
        case_dir, case_dir / "site", plugin.pdf_path, text, warnings, *plugin.section_pages
    )


@pytest.fixture(scope="session")
def built_anonymised_example(tmp_path_factory) -> Path:
    """The example's anonymised edition, HTML only (its PDF is tested elsewhere); the site folder."""
    case_dir = copy_example(tmp_path_factory.mktemp("example-anonymised"))
    plugin, warnings = build_site(case_dir, edition="anonymised", pdf=False)
    assert plugin.leak_error is None and warnings == [], warnings
    return case_dir / "site"


@pytest.fixture(autouse=True)
def no_unexpected_mkdocs_warnings(request):
    """Any MkDocs warning logged during a test fails it, unless the test says it expects some
    (``@pytest.mark.expect_warnings``)."""
    collector = WarningCollector()
    logger = logging.getLogger("mkdocs")
    logger.addHandler(collector)
    yield collector
    logger.removeHandler(collector)
    if request.node.get_closest_marker("expect_warnings") is None and collector.records:
        pytest.fail("unexpected MkDocs warnings:\n" + "\n".join(collector.messages))
