"""The site's search index reads a large chronology without its markup (imr_site.publish.search,
issue 16), and finds exactly what it found before: the same text, section by section, and the
pages readers see unchanged."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from conftest import build_site, copy_example
from material.plugins.search.plugin import Parser, SearchIndex
from panel_case import panel_fixture  # noqa: F401  (the fixture)

from imr_site.chronology.io import dump_chronology
from imr_site.chronology.render import chronology_block
from imr_site.chronology.sample import generate_entries
from imr_site.people.abbreviations import add_hover, hover_terms
from imr_site.publish import search
from imr_site.publish.merge import merge_panel
from imr_site.review.registry import load_case

# What comes before and after the block on a page: its text may end in whitespace or not, and a
# heading may follow, so that every join between the page and the block is tried.
BEFORE = (
    '<h1 id="chronology">2. Chronology</h1>\n<p>Our contacts.</p>\n',
    '<h1 id="chronology">2. Chronology</h1>\n<p>Ends in a space </p>',
    "<p>Text right before</p>",
    "",
)
AFTER = ("\n", '\n<h2 id="after">After</h2>\n<p>More text.</p>\n', "<p>Text right after</p>", "")


def _index(page_html: str) -> list[tuple[str | None, str, str]]:
    """(section id, title, text) as Material's search index records each section of a page."""
    parser = Parser()
    parser.feed(page_html)
    parser.close()
    return [
        (s.id, "".join(s.title).strip(), "".join(s.text).strip())
        for s in parser.data
        if not s.is_excluded()
    ]


def _hovered_block(case) -> str:
    return add_hover(chronology_block(case), hover_terms(case))


def _assert_same_index(block: str) -> None:
    markup = search.index_markup(block)
    assert markup is not None
    assert "<tr" not in markup and "<svg" not in markup  # the markup is gone
    for before in BEFORE:
        for after in AFTER:
            full = _index(before + block + after)
            light = _index(before + markup + after)
            assert light == full, (before, after)


def test_the_examples_chronology_gives_the_same_index_text(tmp_path):
    case = load_case(copy_example(tmp_path / "case"))
    _assert_same_index(_hovered_block(case))


def test_a_generated_chronology_of_1000_entries_gives_the_same_index_text(tmp_path):
    root = copy_example(tmp_path / "case")
    entries = generate_entries(1000, dt.date(2023, 12, 1), dt.date(2025, 2, 9), seed=16)
    (root / "data" / "chronology.yml").write_text(dump_chronology(entries), "utf-8")
    _assert_same_index(_hovered_block(load_case(root)))


def test_a_panels_chronology_gives_the_same_index_text(panel):
    merge_panel(panel)
    _assert_same_index(_hovered_block(load_case(panel)))


@pytest.mark.parametrize(
    "block",
    [
        '<div>\n<p class="a">One <strong>two</strong></p>\n<ul>\n<li>x</li>\n</ul>\n</div>\n',
        "<div><span>a</span>\n\n<span>b</span><br>c\n<em>d</em> \n</div>",
        "<div> <p>x</p> </div>",
        "<div>&#39;quoted&#34; &amp; &lt;escaped&gt;\nlines\n</div>",
    ],
)
def test_markup_of_every_kind_our_blocks_use_gives_the_same_index_text(block):
    _assert_same_index(block)


@pytest.mark.parametrize(
    "block",
    [
        '<div><h2 id="x">A heading</h2></div>',  # starts a section of the index
        "<div><script>x()</script></div>",
        "<div><pre>  kept\n  spaces</pre></div>",
        "<div data-search-exclude>left out</div>",
        "<div><!-- a comment --></div>",
        "<div>a < b</div>",
        "<div>&nbsp;</div>",  # whitespace to the search plugin, written as a reference
        "<div><p> </p></div>",  # an empty kept element: removed with what precedes it
        "text first<div></div>",
    ],
)
def test_what_it_cannot_reproduce_is_read_as_it_is(block):
    assert search.index_markup(block) is None


@pytest.mark.expect_warnings  # the generated entries' capitals (GLO002)
def test_the_built_site_and_its_search_index_are_unchanged(tmp_path, monkeypatch):
    """A whole build with the light markup and one without it write the same files, and the
    search plugin was given the light markup for the chronology page."""
    root = copy_example(tmp_path / "case")
    entries = generate_entries(300, dt.date(2023, 12, 1), dt.date(2025, 2, 9), seed=3)
    (root / "data" / "chronology.yml").write_text(dump_chronology(entries), "utf-8")
    read: dict[str, str] = {}
    add_entry = SearchIndex.add_entry_from_context

    def reading(self, page):
        read[page.file.src_uri] = page.content
        return add_entry(self, page)

    monkeypatch.setattr(SearchIndex, "add_entry_from_context", reading)
    build_site(root, tmp_path / "light", pdf=False)
    assert search.BOUNDARY in read["03-chronology.md"] and "<tr" not in read["03-chronology.md"]
    monkeypatch.setattr(search, "index_markup", lambda block: None)
    build_site(root, tmp_path / "full", pdf=False)
    assert "<tr" in read["03-chronology.md"]

    light = sorted(p.relative_to(tmp_path / "light") for p in (tmp_path / "light").rglob("*"))
    full = sorted(p.relative_to(tmp_path / "full") for p in (tmp_path / "full").rglob("*"))
    assert light == full
    for rel in full:
        if (tmp_path / "full" / rel).is_file():
            assert (tmp_path / "light" / rel).read_bytes() == (tmp_path / "full" / rel).read_bytes()
    # ... and the search finds a chronology entry by its words
    index = json.loads((tmp_path / "light" / "search" / "search_index.json").read_text("utf-8"))
    chronology = " ".join(d["text"] for d in index["docs"] if d["location"].startswith("03-"))
    assert entries[0]["event"].split(";")[0] in chronology
