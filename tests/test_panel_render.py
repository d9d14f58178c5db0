"""The review panel's integrated chronology on the site and in the PDF: the agency column and
filter, one timeline lane per agency, a summary per agency, confirmed same-event groups as one
row, the merged people key and glossary; and a single agency's chronology as before."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import build_site, copy_example
from panel_case import ASC, CHT, GPP, panel_fixture  # noqa: F401  (the fixture)
from test_chronology_browser import browser_context as _browser  # noqa: F401  (the fixture)
from test_chronology_browser import chronology_page

from imr_site.case.yamlio import parse_yaml, plain
from imr_site.chronology.render import chronology_block
from imr_site.people.pdf_text import read_pdf
from imr_site.publish.merge import merge_panel
from imr_site.publish.pdf.chronology import chronology_typst
from imr_site.review.registry import load_case, run_checks


def _merged_case(panel: Path, notes: dict[str, str] | None = None):
    merge_panel(panel)
    chron = panel / "data" / "chronology.yml"
    text = chron.read_text("utf-8")
    for eid, note in (notes or {}).items():
        text = text.replace(f"  id: {eid}\n", f"  id: {eid}\n  {note}\n")
    chron.write_text(text, "utf-8")
    return load_case(panel)


def _ids(panel: Path) -> dict[tuple[str, str], str]:
    """(agency, date + time) -> id."""
    entries = plain(parse_yaml((panel / "data" / "chronology.yml").read_text("utf-8")))
    return {(e["agency"], f"{e['date']} {e.get('time', '')}".strip()): e["id"] for e in entries}


def _rows(html: str) -> list[str]:
    return re.findall(r"<tr id=\"chr-\d+\".*?</tr>", html, re.S)


def test_agency_column_filter_summary_and_lanes(panel):
    html = chronology_block(_merged_case(panel))
    assert '<th scope="col" class="imr-col-agency">Agency</th>' in html
    options = re.findall(
        r'<option value="([^"]*)">', html.split('data-filter="agency"')[1].split("</select>")[0]
    )
    assert options == ["", GPP, CHT, ASC]
    rows = _rows(html)
    assert len(rows) == 20
    assert sum(f'data-agency="{ASC}"' in r for r in rows) == 6
    assert f'<td class="imr-col-agency">{GPP}</td>' in rows[0]
    # the summary per agency: entries, period, key episodes
    summary = html.split('class="imr-agency-summary"')[1].split("</table>")[0]
    assert re.findall(r"<tr><th scope=\"row\">([^<]+)</th><td>(\d+)</td>", summary) == [
        (GPP, "8"),
        (CHT, "6"),
        (ASC, "6"),
    ]
    assert "15 January 2024 to 10 December 2024" in summary
    assert "12 June 2024: Admitted to hospital after a fall at home" in summary
    # one lane per agency
    lanes = html.split('class="imr-timeline-svg imr-lanes-svg"')[1].split("</svg>")[0]
    assert re.findall(r"<text[^>]*><title>([^<]*)</title>", lanes) == [GPP, CHT, ASC]
    assert "<title>Review period</title>" in lanes
    months = re.findall(r'font-size="10">([A-Z])</text>', lanes)
    assert "".join(months) == "JFMAMJJASOND"
    assert "20 entries from 3 agencies" in html


def test_a_confirmed_group_is_one_row_with_each_agencys_account(panel):
    merge_panel(panel)
    ids = _ids(panel)
    visit = ids[(GPP, "2024-03-04 10:00")]
    others = [ids[(CHT, "2024-03-04 10:15")], ids[(ASC, "2024-03-04 10:20")]]
    html = chronology_block(_merged_case(panel, {visit: f"same_as: [{', '.join(others)}]"}))
    rows = _rows(html)
    assert len(rows) == 18
    (row,) = [r for r in rows if "|" in r.split(">")[0]]
    assert f'data-agency="{GPP}|{CHT}|{ASC}"' in row
    assert f'<td class="imr-col-agency">{GPP}\n{CHT}\n{ASC}</td>' in row
    event = re.search(r'<td class="imr-col-event">(.*?)</td>', row, re.S).group(1)
    assert event.splitlines() == [
        f"{GPP}: Home visit by GP1 with DN2, pressure sore on left heel, dressing applied",
        f"{CHT}: Joint visit with GP1, DN2 dressed the pressure sore on left heel",
        f"{ASC}: Joint visit with the district nurse, SW1 discussed the pressure sore and a "
        "care package",
    ]
    # the same text from every agency is written once
    assert '<td class="imr-col-contact_type">home visit</td>' in row
    assert "20 entries from 3 agencies" in html and "in 18 rows" in html


def test_the_pdf_chronology_has_the_agency_column_summary_and_lanes(panel):
    images = []
    typst = chronology_typst(_merged_case(panel), images)
    assert [i.name for i in images] == ["img/lanes.svg", "img/timeline.svg"]
    assert "[Agency], [Entries], [Period covered], [Key episodes]" in typst
    assert "one lane for each of 3 agencies" in typst
    assert "[Agency], [Source" in typst


def test_a_single_agencys_chronology_has_no_agency_parts(tmp_path):
    html = chronology_block(load_case(copy_example(tmp_path / "case")))
    for panel_only in (
        "imr-col-agency",
        'data-filter="agency"',
        "data-agency",
        "imr-agency-summary",
        "imr-lanes",
    ):
        assert panel_only not in html


@pytest.mark.expect_warnings  # the planted findings across agencies
def test_the_panel_site_and_pdf_build_with_the_merged_key_and_glossary(panel, tmp_path):
    merge_panel(panel)
    _, warnings = build_site(panel, tmp_path / "site", pdf=True)
    abbreviations = (tmp_path / "site" / "abbreviations.html").read_text("utf-8")
    for shown in ("Dr Samuel Okafor", "GP2", "Occupational Therapist", "National Health Service"):
        assert shown in abbreviations
    pdf = next((tmp_path / "site").glob("*.pdf"))
    text = "\n".join(read_pdf(pdf).pages)
    assert "Contacts per month, one lane per agency." in text
    assert "GP2 informed" in text


def test_every_agencys_names_are_looked_for(panel):
    """A name from the social care key written in another agency's entry is found (ANO001)."""
    chron = panel.parent / "gp-practice" / "data" / "chronology.yml"
    chron.write_text(
        chron.read_text("utf-8").replace(
            "Flu vaccination given", "Hannah Lewis gave a flu vaccination"
        ),
        "utf-8",
    )
    assert not merge_panel(panel).refused
    found = [f for f in run_checks(load_case(panel)) if f.code == "ANO001"]
    assert len(found) == 1 and "SW1" in found[0].message


@pytest.mark.browser
def test_the_agency_filter_in_a_browser(panel, tmp_path, request):
    browser_context = request.getfixturevalue("_browser")
    merge_panel(panel)
    ids = _ids(panel)
    visit = ids[(GPP, "2024-03-04 10:00")]
    case = _merged_case(panel, {visit: f"same_as: [{ids[(ASC, '2024-03-04 10:20')]}]"})
    page = browser_context.new_page()
    page.goto(chronology_page(tmp_path / "site", case).as_uri())
    count = "document.querySelector('[data-count]').textContent"
    assert page.text_content("[data-count]") == "19"
    page.select_option('[data-filter="agency"]', ASC)
    page.wait_for_function(f"{count} === '6'")  # its 6 entries, one of them in the shared row
    page.select_option('[data-filter="agency"]', GPP)
    page.wait_for_function(f"{count} === '8'")
    page.select_option('[data-filter="agency"]', CHT)
    page.wait_for_function(f"{count} === '6'")
    page.close()


@pytest.mark.expect_warnings  # the planted findings across agencies
def test_the_anonymised_editions_gate_covers_every_agencys_names(panel, tmp_path, capsys):
    from imr_site.cli import main

    merge_panel(panel)
    site = tmp_path / "site"
    assert (
        main(["build", str(panel), "--edition", "anonymised", "--no-pdf", "--site-dir", str(site)])
        == 0
    )
    assert (site / "chronology.html").is_file()
    # a social care worker's name in the GP practice's chronology
    chron = panel.parent / "gp-practice" / "data" / "chronology.yml"
    chron.write_text(
        chron.read_text("utf-8").replace(
            "Flu vaccination given", "Hannah Lewis gave a flu vaccination"
        ),
        "utf-8",
    )
    merge_panel(panel)
    capsys.readouterr()
    assert (
        main(["build", str(panel), "--edition", "anonymised", "--no-pdf", "--site-dir", str(site)])
        == 1
    )
    out = capsys.readouterr()
    assert "ANO002" in out.out + out.err and "Hannah Lewis" in out.out + out.err
    # nothing with the name was published
    assert not any("Hannah" in p.read_text("utf-8", "replace") for p in site.rglob("*.html"))


def test_an_agency_field_alone_does_not_make_a_panel_chronology(tmp_path):
    from chronology_case import load

    case = load(
        tmp_path / "case",
        """\
        - date: 2024-02-01
          source: GP practice
          contact_with: AB
          event: Visit
          agency: Somewhere
        """,
    )
    assert "imr-col-agency" not in chronology_block(case)
    assert [(f.code, f.line) for f in run_checks(case) if f.code == "CHR009"] == [("CHR009", 5)]
