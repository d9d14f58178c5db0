"""The chronology filter in a real headless Chromium (Debian's package; never downloaded)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from chronology_case import load
from conftest import CHROMIUM_ARGS as ARGS
from conftest import chromium, playwright_api

from imr_site.chronology.render import chronology_block

pytestmark = pytest.mark.browser

ASSETS = Path(__file__).parent.parent / "imr_site" / "chronology" / "assets"

ENTRIES = """\
- date: 2024-02-01
  source: GP practice
  contact_with: Adult A
  contact_type: Home visit
  event: Visit about the leaking roof.
- date: 2024-03-15
  source: Police
  contact_with: Adult A
  contact_type: Telephone call
  event: Welfare check after a fall.
  key_episode: yes
- date: 2024-05
  source: Police
  contact_with: Neighbour
  contact_type: Home visit
  event: Neighbour reported the Café was owed money.
- date: 2024-08-30
  source: GP practice
  contact_with: Adult A
  contact_type: Telephone call
  event: Medication review; fall discussed.
"""


@pytest.fixture(scope="module")
def browser_context(tmp_path_factory):
    executable = chromium()
    sync_api = playwright_api()
    profile = tmp_path_factory.mktemp("chromium-profile")
    with sync_api.sync_playwright() as p:
        ctx = p.chromium.launch_persistent_context(
            str(profile), executable_path=executable, headless=True, args=ARGS
        )
        yield ctx
        ctx.close()


@pytest.fixture
def page(browser_context, tmp_path):
    case = load(tmp_path / "case", ENTRIES)
    site = tmp_path / "site"
    (site / "assets").mkdir(parents=True)
    for name in ("chronology.js", "chronology.css"):
        shutil.copy(ASSETS / name, site / "assets" / name)
    (site / "index.html").write_text(
        '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Chronology</title>'
        '<link rel="stylesheet" href="assets/chronology.css"></head><body>'
        + chronology_block(case)
        + '<script src="assets/chronology.js"></script></body></html>',
        "utf-8",
    )
    requests: list[str] = []
    pg = browser_context.new_page()
    pg.on("request", lambda r: requests.append(r.url))
    pg.goto((site / "index.html").as_uri())
    yield pg
    pg.close()
    assert all(u.startswith("file://") for u in requests), requests  # nothing from the internet


def visible_events(page) -> list[str]:
    return page.eval_on_selector_all(
        ".imr-chronology-table tbody tr:not([hidden])",
        "rows => rows.map(r => r.querySelector('td.imr-col-event').textContent.trim())",
    )


def count(page) -> str:
    return page.text_content(".imr-chronology-count [data-count]")


def test_typing_a_word_hides_rows_without_it(page):
    assert page.is_visible(".imr-chronology-filters")  # shown once the script ran
    assert len(visible_events(page)) == 4 and count(page) == "4"
    page.fill('[data-filter="text"]', "fall")
    page.wait_for_function("document.querySelector('[data-count]').textContent === '2'")
    assert visible_events(page) == [
        "Welfare check after a fall.",
        "Medication review; fall discussed.",
    ]
    assert not page.is_visible("text=Visit about the leaking roof.")
    # Accents and case do not matter.
    page.fill('[data-filter="text"]', "cafe")
    page.wait_for_function("document.querySelector('[data-count]').textContent === '1'")
    page.fill('[data-filter="text"]', "")
    page.wait_for_function("document.querySelector('[data-count]').textContent === '4'")


def test_source_type_key_and_date_filters(page):
    page.select_option('[data-filter="source"]', "Police")
    page.wait_for_function("document.querySelector('[data-count]').textContent === '2'")
    page.select_option('[data-filter="type"]', "Home visit")
    page.wait_for_function("document.querySelector('[data-count]').textContent === '1'")
    assert visible_events(page) == ["Neighbour reported the Café was owed money."]
    page.click("button[type=reset]")
    page.wait_for_function("document.querySelector('[data-count]').textContent === '4'")
    page.check('[data-filter="key"]')
    page.wait_for_function("document.querySelector('[data-count]').textContent === '1'")
    assert visible_events(page) == ["Welfare check after a fall."]
    page.uncheck('[data-filter="key"]')
    # A month-only entry (May 2024) overlaps a range that starts mid-May.
    page.fill('[data-filter="from"]', "2024-05-20")
    page.fill('[data-filter="to"]', "2024-06-30")
    page.wait_for_function("document.querySelector('[data-count]').textContent === '1'")
    assert visible_events(page) == ["Neighbour reported the Café was owed money."]


def test_print_hides_the_controls(page):
    page.emulate_media(media="print")
    assert not page.is_visible(".imr-chronology-filters")
    assert page.is_visible(".imr-timeline svg")


def test_filter_on_the_built_example_site(browser_context, built_example):
    """The example case built by MkDocs + Material: the script is linked and works from disk."""
    page_file = built_example.site_dir / "03-chronology.html"
    html = page_file.read_text("utf-8")
    assert "assets/imr/chronology.js" in html and "assets/imr/chronology.css" in html
    pg = browser_context.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda e: errors.append(str(e)))
    requests: list[str] = []
    pg.on("request", lambda r: requests.append(r.url))
    pg.goto(page_file.as_uri())
    pg.wait_for_selector(".imr-chronology-filters", state="visible")
    total = int(count(pg))
    assert total == pg.locator(".imr-chronology-table tbody tr").count() > 10
    word = "ulcer"
    pg.fill('[data-filter="text"]', word)
    pg.wait_for_function(f"document.querySelector('[data-count]').textContent !== '{total}'")
    shown = pg.locator(".imr-chronology-table tbody tr:not([hidden])")
    n = shown.count()
    assert 0 < n < total and int(count(pg)) == n
    for i in range(n):
        assert word in shown.nth(i).text_content().lower()
    hidden = pg.locator(".imr-chronology-table tbody tr[hidden]")
    for i in range(hidden.count()):
        assert word not in hidden.nth(i).text_content().lower()
        assert not hidden.nth(i).is_visible()
    # The timeline uses the content width, not a thumbnail.
    box = pg.locator(".imr-timeline svg").bounding_box()
    assert box["width"] > 400
    pg.close()
    assert errors == []
    assert all(u.startswith(("file://", "data:", "blob:")) for u in requests), requests
