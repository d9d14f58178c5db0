"""The chronology block: escaped table, ages and intervals, the timeline SVG."""

from __future__ import annotations

import datetime as dt
import re
import time
import xml.etree.ElementTree as ET

import pytest
from chronology_case import load

from imr_site.case.dates import FuzzyDate
from imr_site.chronology.render import age_text, chronology_block

ENTRIES = """\
- date: 2024-05-22
  time: 10:30
  source: <b>GP</b> & "partners"
  contact_with: Adult A
  contact_type: Home visit
  event: "<script>alert('x')</script>"
  key_episode: yes
- date: 2024-06-01
  source: Police
  contact_with: Adult A
  contact_type: Telephone call
  event: |
    Two lines
    of text
- date: 2024-07
  source: Police
  contact_with: Adult A
  event: Month only.
- date: 2024-07-20
  source: Police
  contact_with: Adult A
  event: After an imprecise date.
"""


def test_block_escapes_everything_and_marks_key_episodes(tmp_path):
    html = chronology_block(load(tmp_path, ENTRIES))
    assert "<script>alert" not in html and "&lt;script&gt;alert(" in html
    assert "<b>GP</b>" not in html and "&lt;b&gt;GP&lt;/b&gt; &amp; &#34;partners&#34;" in html
    assert html.count('class="imr-key-episode"') == 1
    assert "Key episode</strong>" in html
    assert "Two lines\nof text" in html
    assert "http://" not in html.replace("http://www.w3.org/2000/svg", "")
    assert "https://" not in html
    # The filter controls are for the screen only (print CSS hides them), and hidden until
    # the script has loaded.
    assert re.search(r'<form class="[^"]*imr-screen-only[^"]*"[^>]*hidden', html)


def test_age_and_days_since_previous(tmp_path):
    html = chronology_block(load(tmp_path, ENTRIES, dob="1950-06-15"))
    rows = re.findall(r"<tr id=.*?</tr>", html, re.S)
    cells = [re.findall(r'<td class="imr-col-(?:age|since)"[^>]*>(.*?)</td>', r) for r in rows]
    assert cells[0] == ["73", ""]  # 22 May 2024: not yet 74; no previous contact
    assert cells[1] == ["73", "10"]  # 1 June 2024, 10 days later
    assert cells[2] == ["74", ""]  # July 2024: 74 all month (birthday in June); imprecise
    assert cells[3] == ["74", ""]  # the previous date is imprecise
    assert 'class="imr-date imr-imprecise"' in rows[2]


def test_age_ranges_for_imprecise_dates():
    dob = FuzzyDate.parse("1950-06-15")
    assert age_text(dob, FuzzyDate.parse("2024-06")) == "73–74"
    assert age_text(FuzzyDate.parse("1950"), FuzzyDate.parse("2024-03-01")) == "73–74"
    assert age_text(dob, FuzzyDate.parse("?2024-07-01")) == "c. 74"
    assert age_text(None, FuzzyDate.parse("2024-07-01")) == ""


def test_no_age_column_without_a_date_of_birth(tmp_path):
    html = chronology_block(load(tmp_path, ENTRIES, dob="''"))
    assert "imr-col-age" not in html


def test_timeline_svg_is_drawn_at_build_time(tmp_path):
    html = chronology_block(load(tmp_path, ENTRIES, start="2024-01-01", end="2024-12-31"))
    svg = re.search(r"<svg.*?</svg>", html, re.S).group(0)
    root = ET.fromstring(svg)  # well-formed XML, so WeasyPrint and browsers both read it
    ns = "{http://www.w3.org/2000/svg}"
    titles = [t.text for t in root.iter(f"{ns}title")]
    assert "May 2024: 1 × Home visit" in titles
    assert "June 2024: 1 × Telephone call" in titles
    assert "July 2024: 2 × Not stated" in titles
    assert "Review period" in titles
    assert any(t and t.startswith("1 key episode in May 2024") for t in titles)
    assert "<script" not in svg and "onload" not in svg
    years = [t.text for t in root.iter(f"{ns}text")]
    assert "2024" in years


HOSTILE_TYPE = '<img src=x onerror="alert(1)">&amp;'


def test_every_text_in_the_timeline_svg_is_escaped(tmp_path):
    """A contact type and an event are the author's text: in a bar's title, a key episode's
    title, the legend and the description they must arrive as text, never as markup (the SVG is inlined in the page)."""
    entries = f"""\
- date: 2024-05-22
  source: GP
  contact_with: Adult A
  contact_type: '{HOSTILE_TYPE}'
  event: '{HOSTILE_TYPE}'
  key_episode: yes
- date: 2024-06-01
  source: GP
  contact_with: Adult A
  contact_type: '{HOSTILE_TYPE}'
  event: y
"""
    html = chronology_block(load(tmp_path, entries, start="2024-01-01", end="2024-12-31"))
    svg = re.search(r"<svg.*?</svg>", html, re.S).group(0)
    root = ET.fromstring(svg)
    ns = "{http://www.w3.org/2000/svg}"
    assert {el.tag for el in root.iter()} <= {
        f"{ns}{t}" for t in ("svg", "title", "desc", "g", "rect", "text", "line", "path")
    }
    titles = [t.text or "" for t in root.iter(f"{ns}title")]
    assert f"May 2024: 1 × {HOSTILE_TYPE}" in titles
    assert f"June 2024: 1 × {HOSTILE_TYPE}" in titles
    assert any(t.startswith("1 key episode in May 2024") and HOSTILE_TYPE in t for t in titles)
    legend = [t.text for t in root.iter(f"{ns}text")]
    assert f"{HOSTILE_TYPE} (2)" in legend
    assert HOSTILE_TYPE in root.find(f"{ns}desc").text


def test_empty_chronology(tmp_path):
    html = chronology_block(load(tmp_path, None))
    assert "No chronology entries yet" in html


@pytest.mark.slow
def test_html_time_grows_linearly(tmp_path):
    from imr_site.chronology.io import dump_chronology
    from imr_site.chronology.sample import generate_entries
    from imr_site.review.registry import load_case

    per_entry = {}
    for n in (2000, 8000):
        root = tmp_path / str(n)
        load(root, dump_chronology(generate_entries(n, dt.date(2024, 1, 1), dt.date(2024, 12, 31))))
        case = load_case(root)
        best = 99.0
        for _ in range(3):
            t = time.process_time()
            chronology_block(case)
            best = min(best, time.process_time() - t)
        per_entry[n] = best / n
    assert per_entry[8000] < 1.6 * per_entry[2000]


def test_timeline_in_the_built_site_and_pdf_without_the_filters(built_example):
    html = built_example.html("chronology")
    assert html.count("<svg") >= 1 and "Contacts per month by contact type" in html
    assert 'data-filter="text"' in html
    text = built_example.pdf_text
    assert "Contacts per month by contact type" in text
    assert "key episode" in text  # the timeline's own legend, drawn as SVG text
    assert "Clear filters" not in text and "Key episodes only" not in text
    assert "previous" in text  # the "Days since previous" column (split over lines by pdftotext)
