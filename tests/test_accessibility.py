"""An accessibility audit of built sites: axe-core (vendored, tests/vendor/axe-core) in Debian's
headless Chromium, on every page, WCAG 2.2 A and AA rules and axe's best practices. Any serious
or critical violation fails, naming the rule, the page and the element (moderate and minor ones
are not failures: `python tests/axe_audit.py SITE_DIR` lists them)."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

import pytest
from axe_audit import audit_site, blocking, chromium, run_axe, serve, site_pages
from conftest import build_site, copy_example, playwright_api
from conftest import chromium as need_chromium

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="module")
def browser():
    need_chromium()
    playwright_api()
    with chromium() as ctx:
        yield ctx


def assert_accessible(violations) -> None:
    bad = blocking(violations)
    assert not bad, f"{len(bad)} serious or critical axe-core violation(s):\n" + "\n".join(
        str(v) for v in bad
    )


def test_every_page_of_the_restricted_example(browser, built_example):
    pages = site_pages(built_example.site_dir)
    # The generated pages are among them: the review status page and the abbreviations page.
    assert {
        "index.html",
        "03-chronology.html",
        "11-abbreviations.html",
        "review-status.html",
    } <= set(pages)
    assert_accessible(audit_site(browser, built_example.site_dir))


def test_every_page_of_the_anonymised_example(browser, built_anonymised_example):
    assert len(site_pages(built_anonymised_example)) >= 14
    assert_accessible(audit_site(browser, built_anonymised_example))


@pytest.fixture(scope="module")
def new_case_site(tmp_path_factory) -> Path:
    """A case just made by `imr new` and built as it is (its findings make the build exit 1)."""
    case = tmp_path_factory.mktemp("new") / "my-imr"
    for args in (["new", str(case)], ["build", str(case), "--no-pdf"]):
        run = subprocess.run(
            [sys.executable, "-m", "imr_site.cli", *args], capture_output=True, text=True
        )
        assert run.returncode in (0, 1), run.stdout + run.stderr
    assert (case / "site" / "review-status.html").is_file()
    return case / "site"


def test_every_page_of_a_new_case(browser, new_case_site):
    assert_accessible(audit_site(browser, new_case_site))


def test_the_dark_scheme(browser, tmp_path):
    """With Material's dark scheme (palette: scheme: slate) the site's own colours still have the
    contrast they need: the pages with the banner and the generated blocks."""
    case = copy_example(tmp_path / "case")
    yml = case / "mkdocs.yml"
    text = yml.read_text(encoding="utf-8")
    assert "  language: en\n" in text
    yml.write_text(
        text.replace("  language: en\n", "  language: en\n  palette:\n    scheme: slate\n"), "utf-8"
    )
    build_site(case, pdf=False)
    assert 'data-md-color-scheme="slate"' in (case / "site" / "index.html").read_text("utf-8")
    pages = [
        "index.html",
        "00-introduction.html",
        "03-chronology.html",
        "06-recommendations.html",
        "08-action-plan.html",
        "11-abbreviations.html",
        "review-status.html",
    ]
    assert_accessible(audit_site(browser, case / "site", pages))


def test_wide_tables_at_phone_width(browser, built_example):
    """At phone width the chronology and the action plan scroll sideways inside their wrappers."""
    pages = ["03-chronology.html", "08-action-plan.html"]
    assert_accessible(audit_site(browser, built_example.site_dir, pages, viewport=PHONE))


def test_the_chronology_table_scrolls_from_the_keyboard(browser, built_example):
    with serve(built_example.site_dir) as base:
        page = browser.new_page()
        page.set_viewport_size(PHONE)
        page.goto(base + "03-chronology.html")
        region = page.get_by_role("region", name="Chronology entries")
        assert region.evaluate("e => e.scrollWidth > e.clientWidth")  # it does need scrolling
        page.get_by_role("button", name="Clear filters").focus()
        page.keyboard.press("Tab")  # the next stop after the filters is the table
        assert region.evaluate("e => e === document.activeElement")
        page.keyboard.press("ArrowRight")
        page.wait_for_function("document.activeElement.scrollLeft > 0")
        # The timeline's caption links to the table, for those who cannot read the picture.
        link = page.get_by_role("link", name="Every entry is listed in the table below")
        assert link.get_attribute("href") == "#imr-chronology-entries"
        page.close()


def test_search_with_its_results_open(browser, built_example):
    """The search dialog has a name, and its results pass too (they exist only once typed for)."""
    with serve(built_example.site_dir) as base:
        page = browser.new_page()
        page.goto(base + "index.html")
        assert page.get_by_role("dialog", name="Search").count() == 1
        page.click(".md-search__input")
        page.keyboard.type("falls")
        page.wait_for_selector(".md-search-result__item mark")
        assert "matching document" in page.inner_text(".md-search-result__meta")
        found = run_axe(page, "index.html, search for 'falls'")
        page.close()
    assert_accessible(found)


@pytest.mark.slow
@pytest.mark.expect_warnings  # generated entries use words the example's glossary lacks
def test_a_chronology_of_1000_entries(browser, tmp_path):
    from imr_site.chronology.io import dump_chronology
    from imr_site.chronology.sample import generate_entries

    case = copy_example(tmp_path / "case")
    entries = generate_entries(1000, dt.date(2023, 12, 1), dt.date(2025, 2, 9))
    (case / "data" / "chronology.yml").write_text(dump_chronology(entries), encoding="utf-8")
    build_site(case, pdf=False)
    html = (case / "site" / "03-chronology.html").read_text(encoding="utf-8")
    assert html.count("<tr id=") == 1000
    assert_accessible(audit_site(browser, case / "site", ["03-chronology.html"]))


def test_the_audit_names_the_rule_the_page_and_the_element(browser, tmp_path):
    """The audit itself can fail: a page with known faults gives exactly those."""
    (tmp_path / "bad.html").write_text(
        '<!doctype html><html lang="en"><head><title>Bad</title></head><body><main><h1>Bad</h1>'
        '<p style="color:#212121">Text with <a id="faint" href="#x" '
        'style="color:#4051b5;text-decoration:none">a link</a> in it.</p>'
        '<input id="unlabelled" type="text">'
        "</main></body></html>",
        encoding="utf-8",
    )
    found = blocking(audit_site(browser, tmp_path))
    assert sorted((v.page, v.rule, v.impact, v.target) for v in found) == [
        ("bad.html", "label", "critical", "#unlabelled"),
        ("bad.html", "link-in-text-block", "serious", "#faint"),
    ]
    assert "bad.html: link-in-text-block (serious) at #faint: <a id=" in str(found[1])
