"""Editions built for real with MkDocs and the plugin: both honest editions build with no finding,
and a leak planted so that it reaches exactly one output path fails the anonymised build and
leaves nothing where the edition would have been published.

PDF builds cost seconds: the honest pair (two PDFs) is built once per module, and only the two
tests that need a PDF (its text, its metadata) build one more each.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest
from case_factory import edit, write_case
from conftest import build_site
from mkdocs.exceptions import Abort

# The name check would report these plants before the build; switching it off here proves that
# the leak gate, on its own, stops them.
GATE_ONLY = {"rules": {"disable": ["ANO001", "ANO004"]}}


def run_imr(*args, cwd=None):
    return subprocess.run(
        [sys.executable, "-m", "imr_site.cli", *args], capture_output=True, text=True, cwd=cwd
    )


def pdf_text(path) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


@pytest.fixture(scope="module")
def both(tmp_path_factory):
    """The honest case built into both editions by one command, with PDFs."""
    case = write_case(tmp_path_factory.mktemp("honest") / "case", pdf=True)
    result = run_imr("build", str(case), "--both-editions")
    return case, result


def test_both_editions_build_with_no_finding(both):
    case, result = both
    assert result.returncode == 0, result.stdout + result.stderr
    assert "ANO" not in result.stdout + result.stderr
    for edition in ("restricted", "anonymised"):
        site = case / "site" / edition
        assert (site / f"SAR-2024-07-{edition}.pdf").is_file()
        assert (site / "search" / "search_index.json").is_file()
    assert not list(case.glob("site/.*imr-staging*")) and not list(case.glob("site/.*imr-old*"))


def test_restricted_edition_shows_the_people_key_and_subject(both):
    case, _ = both
    site = case / "site" / "restricted"
    sheet = (site / "11-abbreviations.html").read_text()
    assert "Sarah Marsh" in sheet and "Anytown Community Health" in sheet
    assert "Accident and Emergency" in sheet and "Community Mental Health Team" not in sheet
    intro = (site / "00-introduction.html").read_text()
    assert "Alice Beatrice Brownlow" in intro and "14 Heron Close" in intro
    text = pdf_text(site / "SAR-2024-07-restricted.pdf")
    assert "Sarah Marsh" in text and "Brownlow" in text


def test_anonymised_edition_shows_initials_only(both):
    case, _ = both
    site = case / "site" / "anonymised"
    intro = (site / "00-introduction.html").read_text()
    assert "AB" in intro
    for gone in ("Brownlow", "Heron Close", "1948", "Date of birth", "DOB"):
        assert gone not in intro, gone
    sheet = (site / "11-abbreviations.html").read_text()
    assert "Sarah Marsh" not in sheet and "Accident and Emergency" in sheet
    text = pdf_text(site / "SAR-2024-07-anonymised.pdf")
    assert "Brownlow" not in text and "Marsh" not in text and "Accident and Emergency" in text


def test_hover_meanings_on_every_page(both):
    case, _ = both
    page = (case / "site" / "restricted" / "02-factual-summary.html").read_text()
    assert '<abbr title="General Practitioner">GP</abbr>' in page
    assert 'title="Sarah Marsh (District Nurse, Anytown Community Health)">DN2</abbr>' in page
    anonymised = (case / "site" / "anonymised" / "02-factual-summary.html").read_text()
    assert '<abbr title="General Practitioner">GP</abbr>' in anonymised
    assert "Sarah Marsh" not in anonymised


def test_no_data_file_is_copied_into_the_site(both):
    case, _ = both
    built = [p.name for p in (case / "site").rglob("*")]
    for name in ("people.yml", "glossary.yml", "chronology.yml", "actions.yml"):
        assert name not in built


# --- leaks, one output path at a time ------------------------------------------------------


def _leaking_case(tmp_path, **options):
    return write_case(
        tmp_path / "case", edition="anonymised", extra_options={**GATE_ONLY, **options}
    )


def build_stopped_by_gate(case, site, **options) -> str:
    """Build as `mkdocs build` does; the build must fail, stopped by the leak gate."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    cfg = load_config(config_file=str(case / "mkdocs.yml"), site_dir=str(site))
    plugin = cfg.plugins["imr"]
    for k, v in options.items():
        plugin.config[k] = v
    with pytest.raises(Abort):
        build(cfg)
    assert plugin.leak_error is not None, "the build failed, but not at the leak gate"
    return str(plugin.leak_error)


def _expect_leak(case, site, *, files, where, found, pdf=False):
    # A clean build was published here before: a leaking build must not leave it either.
    site.mkdir(parents=True, exist_ok=True)
    (site / "index.html").write_text("an earlier build")
    message = build_stopped_by_gate(case, site, pdf=pdf)
    for f in files:
        assert f"  {f}:" in message, message
    listed = [
        line.strip().rstrip(":")
        for line in message.splitlines()
        if line.startswith("  ") and line.rstrip().endswith(":")
    ]
    assert listed == files, message
    assert where in message and found in message
    assert list(site.iterdir()) == [], "the leaking edition (or an older one) was left in place"
    assert not list(site.parent.glob(f".{site.name}.imr-staging*"))
    return message


@pytest.mark.expect_warnings  # the gate's error is logged
def test_leak_in_html_only(tmp_path):
    # An attribute: shown on hover, never indexed for search, not printed in the PDF.
    case = _leaking_case(tmp_path)
    edit(
        case / "docs/02-factual-summary.md",
        "GP1 was her GP.",
        'GP1 was her <span title="Dr Quenby">GP</span>.',
    )
    _expect_leak(
        case,
        case / "site",
        files=["02-factual-summary.html"],
        where="page attributes",
        found="'Quenby'",
    )


@pytest.mark.expect_warnings  # the gate's error is logged
def test_leak_in_search_index_only(tmp_path):
    # Front matter tags are indexed by the search plugin but not shown without the tags plugin.
    case = _leaking_case(tmp_path)
    edit(
        case / "docs/02-factual-summary.md",
        "section: factual_summary",
        "section: factual_summary\ntags: [Ally]",
    )
    _expect_leak(
        case,
        case / "site",
        files=["search/search_index.json"],
        where="search index",
        found="'Ally'",
    )


@pytest.mark.expect_warnings  # the gate's error is logged
def test_leak_in_sitemap_only(tmp_path):
    # Nothing an author writes reaches only the sitemap, so a build hook plants it there, after
    # MkDocs wrote it and before the gate reads it.
    case = _leaking_case(tmp_path)
    (case / "hook.py").write_text(
        textwrap.dedent("""
        from pathlib import Path
        from mkdocs.plugins import event_priority

        @event_priority(-10)
        def on_post_build(config):
            p = Path(config.site_dir) / "sitemap.xml"
            p.write_text(p.read_text().replace("</urlset>", "<!-- 14 Heron Close --></urlset>"))
    """)
    )
    edit(case / "mkdocs.yml", "plugins:", "hooks: [hook.py]\nplugins:")
    _expect_leak(case, case / "site", files=["sitemap.xml"], where="sitemap", found="Heron Close")


@pytest.mark.expect_warnings  # the gate's error is logged
def test_leak_in_pdf_text_only(tmp_path):
    # The version is printed on the PDF's cover and footer only.
    case = _leaking_case(tmp_path, version="0.3 for Sarah Marsh")
    _expect_leak(
        case,
        case / "site",
        files=["SAR-2024-07-anonymised.pdf"],
        where="PDF text",
        found="'Sarah Marsh'",
        pdf=True,
    )


@pytest.mark.expect_warnings  # the gate's error is logged
def test_leak_in_pdf_metadata_only(tmp_path):
    # Extra keywords go into the PDF's metadata and nowhere else.
    case = _leaking_case(tmp_path, pdf_keywords=["Heron Close"])
    message = _expect_leak(
        case,
        case / "site",
        files=["SAR-2024-07-anonymised.pdf"],
        where="PDF metadata",
        found="Heron Close",
        pdf=True,
    )
    assert "PDF text" not in message


def test_cli_reports_a_leak_as_findings(tmp_path):
    case = _leaking_case(tmp_path)
    edit(case / "data/chronology.yml", "pressure area care.", "pressure area care for Ally.")
    result = run_imr("build", str(case), "--edition", "anonymised")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "03-chronology.html" in result.stderr and "'Ally'" in result.stderr
    assert "site/03-chronology.html: error ANO002:" in result.stderr
    assert not any((case / "site").iterdir()) if (case / "site").exists() else True


def test_restricted_edition_is_not_gated(tmp_path):
    case = write_case(tmp_path / "case", extra_options=GATE_ONLY)
    edit(case / "docs/02-factual-summary.md", "GP1 was her GP.", "GP1 (Dr Quenby) was her GP.")
    plugin, _ = build_site(case, case / "site", pdf=False)
    assert "Quenby" in (case / "site/02-factual-summary.html").read_text()


@pytest.mark.expect_warnings
def test_name_check_reports_before_the_gate(tmp_path):
    case = write_case(tmp_path / "case", edition="anonymised")
    edit(case / "docs/02-factual-summary.md", "GP1 was her GP.", "Dr Quenby was her GP.")
    build_stopped_by_gate(case, case / "site", pdf=False)
    result = run_imr("check", str(case))
    assert result.returncode == 1 and "ANO001" in result.stdout
    assert "docs/02-factual-summary.md:" in result.stdout and "GP1" in result.stdout


def test_gate_finds_the_real_names_in_the_restricted_example(built_example):
    """The gate is not vacuous: on the example's restricted build (PDF included) it finds the
    names the restricted edition is meant to show, in the pages and in the PDF."""
    from imr_site.publish.editions import check_output
    from imr_site.review.registry import load_case

    case = load_case(built_example.case_dir)
    theme = {
        p.relative_to(built_example.site_dir).as_posix()
        for p in (built_example.site_dir / "assets").rglob("*")
        if "imr" not in p.parts
    }
    leaks, problems = check_output(case, built_example.site_dir, skip=theme)
    assert problems == []
    files = {leak.file for leak in leaks}
    assert "00-introduction.html" in files and built_example.pdf.name in files
    assert any(leak.found == "Agnes Bramwell" for leak in leaks)


def test_example_anonymised_html_passes_the_gate(tmp_path):
    from conftest import copy_example

    case = copy_example(tmp_path / "example")
    plugin, warnings = build_site(case, case / "site", edition="anonymised", pdf=False)
    assert plugin.leak_error is None and warnings == []
    assert (case / "site" / "index.html").is_file()
    assert "Bramwell" not in (case / "site" / "00-introduction.html").read_text()


@pytest.mark.expect_warnings  # the build's error is logged
def test_a_data_file_copied_into_the_site_fails_any_edition(tmp_path):
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    case = write_case(tmp_path / "case")
    (case / "hook.py").write_text(
        textwrap.dedent("""
        import shutil
        from pathlib import Path
        from mkdocs.plugins import event_priority

        @event_priority(-10)
        def on_post_build(config):
            src = Path(config.config_file_path).parent / "data" / "people.yml"
            shutil.copy(src, Path(config.site_dir) / "staff.txt")
    """)
    )
    edit(case / "mkdocs.yml", "plugins:", "hooks: [hook.py]\nplugins:")
    cfg = load_config(config_file=str(case / "mkdocs.yml"), site_dir=str(case / "site"))
    with pytest.raises(Abort):
        build(cfg)
