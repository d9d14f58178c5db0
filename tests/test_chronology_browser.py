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


def chronology_page(site: Path, case) -> Path:
    """A page holding only the case's chronology block, with its script and styles."""
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
    return site / "index.html"


@pytest.fixture
def page(browser_context, tmp_path):
    index = chronology_page(tmp_path / "site", load(tmp_path / "case", ENTRIES))
    requests: list[str] = []
    pg = browser_context.new_page()
    pg.on("request", lambda r: requests.append(r.url))
    pg.goto(index.as_uri())
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


def active(page) -> str:
    """The focused element: its data-filter, or its id."""
    return page.evaluate("document.activeElement.dataset.filter || document.activeElement.id")


def wait_count(page, n: int) -> None:
    page.wait_for_function(f"document.querySelector('[data-count]').textContent === '{n}'")


def test_filters_from_the_keyboard_alone(page):
    """Each control is reached with Tab, in reading order, and worked with its keys; the table
    is the next stop after the filters."""
    page.focus('[data-filter="source"]')
    page.keyboard.press("ArrowDown")  # the first source, GP practice
    wait_count(page, 2)
    page.keyboard.press("ArrowUp")  # back to all sources
    wait_count(page, 4)
    page.keyboard.press("Tab")
    assert active(page) == "type"
    page.keyboard.press("Tab")
    assert active(page) == "key"
    page.keyboard.press("Space")
    wait_count(page, 1)
    page.keyboard.press("Space")
    wait_count(page, 4)
    passed = []
    for _ in range(10):  # a date field takes a Tab for each of its day, month and year
        page.keyboard.press("Tab")
        passed.append(active(page))
        if passed[-1] == "text":
            break
    assert passed[0] == "from" and "to" in passed and passed[-1] == "text"
    page.keyboard.type("fall")
    wait_count(page, 2)
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")  # Clear filters
    wait_count(page, 4)
    assert page.input_value('[data-filter="text"]') == ""
    page.keyboard.press("Tab")
    assert active(page) == "imr-chronology-entries"


def test_controls_and_the_count_as_a_screen_reader_finds_them(page):
    named = [
        ("search", "Filter the chronology"),
        ("combobox", "Source"),
        ("combobox", "Contact type"),
        ("checkbox", "Key episodes only"),
        ("searchbox", "Search"),
        ("button", "Clear filters"),
        ("region", "Chronology entries"),
    ]
    for role, name in named:
        assert page.get_by_role(role, name=name, exact=True).count() == 1, (role, name)
    assert page.get_by_label("From", exact=True).get_attribute("type") == "date"
    assert page.get_by_label("To", exact=True).get_attribute("type") == "date"
    # The match count is announced politely, as a whole sentence, when it changes.
    status = page.get_by_role("status")
    assert status.get_attribute("aria-live") == "polite"
    assert status.get_attribute("aria-atomic") == "true"
    assert status.inner_text() == "Showing 4 of 4 entries."
    page.fill('[data-filter="text"]', "fall")
    wait_count(page, 2)
    assert status.inner_text() == "Showing 2 of 4 entries."
    # The timeline is a named picture whose description says what it shows and where the
    # entries are in words; its caption links to the table.
    picture = page.get_by_role("img", name="Contacts per month by contact type")
    description = picture.evaluate("e => e.querySelector('desc').textContent")
    assert description.startswith("Bar chart of 4 contacts per month")
    assert description.endswith("Every entry is listed in the chronology table.")
    link = page.get_by_role("link", name="Every entry is listed in the table below")
    assert link.get_attribute("href") == "#imr-chronology-entries"
