"""`imr export docx`: the report in Word, read back with python-docx as a reader's Word would.

The example case's pages come from the session's build (conftest.built_example); each test
writes the document from them, which takes well under a second.
"""

from __future__ import annotations

import base64
import re
import shutil
import zipfile
from pathlib import Path

import docx
import pytest
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE

from imr_site.cli import main
from imr_site.publish.docx import DocxLeak, write_docx
from imr_site.review.registry import load_case
from tests.conftest import copy_example

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
# A 2x1 PNG: red and white pixels.
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAIAAAABCAIAAAB7QOjdAAAAEUlEQVR4nGP4z8DAwMDw/z8ABfsB/8AXwhsAAAAASUVORK5CYII="
)


def export(built_example, path: Path, *, html=None, edition=None, reference=None, status="DRAFT"):
    case = load_case(built_example.case_dir)
    if edition:
        case.config.edition = edition
    pages = dict(built_example.section_html)
    pages.update(html or {})
    return case, write_docx(
        case,
        pages,
        built_example.section_urls,
        path,
        status=status,
        version="0.3, commit 1a2b3c4d5e6f",
        site_dir=built_example.site_dir,
        reference_docx=reference,
    )


@pytest.fixture(scope="module")
def exported(built_example, tmp_path_factory):
    path = tmp_path_factory.mktemp("docx") / "report.docx"
    case, result = export(built_example, path)
    return case, result, docx.Document(str(path)), path


def body_in_sections(document) -> list[tuple[list, object]]:
    """The body's paragraphs and tables, grouped by the Word section they are in, with that
    section's properties."""
    groups: list[tuple[list, object]] = []
    current: list = []
    for el in document.element.body.iterchildren():
        if el.tag == f"{W}sectPr":
            groups.append((current, el))
            break
        current.append(el)
        sect = el.find(f"{W}pPr/{W}sectPr")
        if sect is not None:
            groups.append((current, sect))
            current = []
    return groups


def is_landscape(sect) -> bool:
    size = sect.find(f"{W}pgSz")
    return int(size.get(f"{W}w")) > int(size.get(f"{W}h"))


def text_of(el) -> str:
    return "".join(t.text or "" for t in el.iter(f"{W}t"))


def heading_level(document, p) -> int | None:
    style = p.find(f"{W}pPr/{W}pStyle")
    if style is None:
        return None
    name = document.styles.get_by_id(style.get(f"{W}val"), WD_STYLE_TYPE.PARAGRAPH).name
    m = re.fullmatch(r"Heading (\d)", name)
    return int(m.group(1)) if m else None


def test_sections_are_heading_1_with_the_guidance_numbering_in_order(exported):
    case, _, document, _ = exported
    titles = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert titles == [
        "Introduction",
        "Organisational context",
        "1. Factual & contextual summary",
        "2. Chronology of agency involvement",
        "3. Source documentation",
        "4. Analysis of agency involvement",
        "5. Recommendations for action",
        "6. Learning",
        "7. Action plan",
        "8. Sign-off of the IMR & chronology",
        "9. Date",
        "10. Abbreviations & anonymisation",
        "Supplementary report by the senior manager",
    ]


def test_headings_inside_a_section_are_heading_2_and_never_skip_a_level(exported):
    _, _, document, _ = exported
    levels = [
        (heading_level(document, p._p), p.text)
        for p in document.paragraphs
        if heading_level(document, p._p)
    ]
    for (before, _), (after, text) in zip(levels, levels[1:], strict=False):
        assert after <= before + 1, f"{text!r} skips a heading level"
    questions = [t.split(".")[0] for lvl, t in levels if lvl == 2 and re.match(r"Q\d+\. ", t)]
    assert questions == [f"Q{n}" for n in range(1, 15)]
    assert (2, "Policies, procedures and guidance in force") in levels


def test_chronology_and_action_plan_are_landscape_sections_the_rest_portrait(exported):
    _, _, document, _ = exported
    orientation = {}
    for elements, sect in body_in_sections(document):
        for el in elements:
            if el.tag == f"{W}p" and heading_level(document, el) == 1:
                orientation[text_of(el)] = is_landscape(sect)
    assert {t for t, land in orientation.items() if land} == {
        "2. Chronology of agency involvement",
        "7. Action plan",
    }
    assert len(orientation) == 13
    assert [s.orientation for s in document.sections].count(WD_ORIENT.LANDSCAPE) == 2


def test_every_chronology_entry_is_a_row_of_one_table_whose_header_repeats(exported):
    case, result, document, _ = exported
    chron = case.data["chronology"]
    table = next(t for t in document.tables if t.rows[0].cells[0].text == "Date and time")
    header = table.rows[0]._tr
    assert header.find(f"{W}trPr/{W}tblHeader") is not None
    assert all(r._tr.find(f"{W}trPr/{W}tblHeader") is None for r in table.rows[1:])
    assert len(table.rows) == 1 + len(chron.entries) == 1 + result.chronology_entries
    events = [" ".join(e.text("event").split()) for e in chron.in_order()]
    column = [c.text for c in table.rows[0].cells].index("Key intervention / event")
    shown = [" ".join(r.cells[column].text.split()) for r in table.rows[1:]]
    assert shown == events
    key_rows = [r for r in table.rows[1:] if "Key episode" in r.cells[0].text]
    assert len(key_rows) == sum(1 for e in chron.entries if e.key_episode) > 0


def test_every_action_is_in_the_action_plan_table_whose_header_repeats(exported):
    case, result, document, _ = exported
    plan = case.data["actions"]
    table = next(t for t in document.tables if t.rows[0].cells[0].text == "Ref")
    assert table.rows[0]._tr.find(f"{W}trPr/{W}tblHeader") is not None
    text = "\n".join(c.text for r in table.rows for c in r.cells)
    flat = " ".join(text.split())
    for action in plan.actions:
        assert action.ref in text
        assert " ".join(action.text("action").split()) in flat
    assert result.actions == len(plan.actions) == 13


def test_marking_in_header_and_footer_of_every_section_with_page_fields(exported):
    _, _, document, path = exported
    for section in document.sections:
        assert "OFFICIAL-SENSITIVE" in " ".join(p.text for p in section.header.paragraphs)
        assert "DRAFT" in " ".join(p.text for p in section.header.paragraphs)
        footer = section.footer._element
        assert "OFFICIAL-SENSITIVE" in text_of(footer)
        fields = [t.text.strip() for t in footer.iter(f"{W}instrText")]
        assert fields == ["PAGE", "NUMPAGES"]
    # every section (portrait and landscape) points at the same header and footer
    with zipfile.ZipFile(path) as z:
        body = z.read("word/document.xml").decode()
    refs = re.findall(r'<w:headerReference w:type="default" r:id="(rId\d+)"', body)
    assert len(refs) == len(document.sections) and len(set(refs)) == 1


def test_properties_cover_and_draft_label(exported):
    _, _, document, _ = exported
    props = document.core_properties
    assert props.title == "Individual Management Review: SAR-2025-014 (restricted edition)"
    assert props.author == "Ruth Halloran"
    assert props.subject == (
        "Individual Management Review for SAR-2025-014, Northbridge Community Health NHS Trust"
    )
    assert "SAR-2025-014" in props.keywords and "OFFICIAL-SENSITIVE" in props.keywords
    assert props.content_status == "DRAFT" and props.language == "en-GB"
    cover = [p.text for p in document.paragraphs[:4]]
    assert cover[:3] == [
        "Individual Management Review",
        "SAR-2025-014: Northbridge Community Health NHS Trust",
        "DRAFT",
    ]
    about = document.tables[0]
    rows = {r.cells[0].text: r.cells[1].text for r in about.rows}
    assert rows["Version"] == "0.3, commit 1a2b3c4d5e6f"
    assert rows["Protective marking"] == "OFFICIAL-SENSITIVE"


def test_final_has_no_draft_label(built_example, tmp_path):
    _, _ = export(built_example, tmp_path / "final.docx", status="FINAL")
    document = docx.Document(str(tmp_path / "final.docx"))
    assert document.core_properties.content_status == "FINAL"
    assert "DRAFT" not in [p.text for p in document.paragraphs]
    assert "DRAFT" not in document.sections[0].header.paragraphs[-1].text


def test_contents_field_links_to_every_section(exported):
    _, _, document, path = exported
    with zipfile.ZipFile(path) as z:
        body = z.read("word/document.xml").decode()
    assert 'TOC \\o "1-2" \\h \\z \\u' in body
    anchors = re.findall(r'<w:hyperlink w:anchor="(_imr\d+)"', body)
    marks = set(re.findall(r'<w:bookmarkStart w:id="\d+" w:name="(_imr\d+)"', body))
    assert anchors and set(anchors) <= marks  # every link inside the report lands somewhere


LEARNING = """<h1 id="learning">6. Learning</h1>
<p>See the <a href="05-analysis.html#q1-sensitivity-to-the-adults-needs">first question</a>, the
<a href="https://www.legislation.gov.uk/ukpga/2014/23/section/44">Care Act</a> and a note<sup id="fnref:1"><a class="footnote-ref" href="#fn:1">1</a></sup>.</p>
<ol start="3"><li>third<ul><li>inner bullet</li></ul></li><li>fourth</li></ol>
<table><thead><tr><th>Team</th><th>Visits</th></tr></thead>
<tbody><tr><td colspan="2">All teams</td></tr><tr><td>East</td><td>4</td></tr></tbody></table>
<p><img alt="Map of the teams" src="data:image/png;base64,{png}"></p>
<div class="admonition note"><p class="admonition-title">Note</p><p>Kept as text.</p></div>
<div class="footnote"><ol><li id="fn:1"><p>The footnote text.&#160;<a class="footnote-backref" href="#fnref:1">&#8617;</a></p></li></ol></div>
"""


def test_links_lists_tables_pictures_and_footnotes_from_a_section(built_example, tmp_path):
    html = LEARNING.replace("{png}", base64.b64encode(PNG).decode())
    _, result = export(built_example, tmp_path / "r.docx", html={"learning": html})
    # this page's note and the one on the example's source-documentation page
    assert result.footnotes == 2 and result.problems == []
    document = docx.Document(str(tmp_path / "r.docx"))
    with zipfile.ZipFile(tmp_path / "r.docx") as z:
        body = z.read("word/document.xml").decode()
        notes = z.read("word/footnotes.xml").decode()
        rels = z.read("word/_rels/document.xml.rels").decode()
        settings = z.read("word/settings.xml").decode()
        media = [z.read(n) for n in z.namelist() if n.startswith("word/media/")]
    assert "The footnote text." in notes and "↩" not in notes
    assert '<w:footnoteReference w:id="1"/>' in body
    assert (
        '<w:footnotePr><w:footnote w:id="-1"/><w:footnote w:id="0"/></w:footnotePr><w:compat>'
        in (settings.replace("\n", ""))
    )
    assert 'Target="https://www.legislation.gov.uk/ukpga/2014/23/section/44"' in rels
    assert 'TargetMode="External"' in rels
    # the link to another section's heading goes to that heading's bookmark
    anchor = re.search(
        r'<w:hyperlink w:anchor="(_imr\d+)"[^>]*><w:r><w:rPr>[^<]*<[^>]*>[^<]*(?:<[^>]*>)*<w:t xml:space="preserve">first question',
        body,
    )
    assert anchor is not None
    mark = re.search(rf'w:name="{anchor.group(1)}"/>(.*?)<w:bookmarkEnd', body)
    assert mark is not None and "Q1" in text_of(
        docx.oxml.parse_xml(f'<w:p xmlns:w="{W[1:-1]}">{mark.group(1)}</w:p>')
    )
    items = [p for p in document.paragraphs if p.text in ("third", "inner bullet", "fourth")]
    levels = [p._p.find(f"{W}pPr/{W}numPr/{W}ilvl").get(f"{W}val") for p in items]
    assert [p.text for p in items] == ["third", "inner bullet", "fourth"] and levels == [
        "0",
        "1",
        "0",
    ]
    numbering = document.part.numbering_part.element
    num = items[0]._p.find(f"{W}pPr/{W}numPr/{W}numId").get(f"{W}val")
    start = numbering.xpath(
        f'./w:num[@w:numId="{num}"]/w:lvlOverride[@w:ilvl="0"]/w:startOverride/@w:val'
    )
    assert start == ["3"]
    table = next(t for t in document.tables if t.rows[0].cells[0].text == "Team")
    assert table.rows[0]._tr.find(f"{W}trPr/{W}tblHeader") is not None
    assert table.rows[1]._tr.find(f".//{W}gridSpan").get(f"{W}val") == "2"
    assert PNG in media and 'descr="Map of the teams"' in body  # (the other is the timeline)
    assert "Kept as text." in [p.text for p in document.paragraphs]


def test_a_picture_that_cannot_be_read_is_named_and_its_alt_text_shown(built_example, tmp_path):
    html = '<h1>6. Learning</h1><p><img alt="Team chart" src="missing.png"></p>'
    _, result = export(built_example, tmp_path / "r.docx", html={"learning": html})
    document = docx.Document(str(tmp_path / "r.docx"))
    assert "[Picture not available: Team chart]" in [p.text for p in document.paragraphs]
    assert result.problems == [
        "6. Learning: the picture 'missing.png' does not exist. Check the file name (it is "
        "case-sensitive) and that the file is in docs/."
    ]


def test_anonymised_edition_with_a_name_is_not_written(built_example, tmp_path):
    html = "<h1>6. Learning</h1><p>Agnes Bramwell was seen twice.</p>"
    out = tmp_path / "anon.docx"
    with pytest.raises(DocxLeak) as caught:
        export(built_example, out, html={"learning": html}, edition="anonymised")
    assert not out.exists()
    assert {(leak.where, leak.found) for leak in caught.value.leaks} >= {
        ("document text", "Agnes Bramwell")
    }


def test_anonymised_gate_reads_the_reference_documents_header(built_example, tmp_path):
    reference = docx.Document()
    reference.sections[0].header.paragraphs[0].text = "Prepared by Agnes Bramwell"
    reference.save(str(tmp_path / "ref.docx"))
    clean = {"learning": "<h1>6. Learning</h1><p>Nothing identifying.</p>"}
    with pytest.raises(DocxLeak) as caught:
        export(
            built_example,
            tmp_path / "anon.docx",
            html=clean,
            edition="anonymised",
            reference=tmp_path / "ref.docx",
        )
    assert ("page header", "Agnes Bramwell") in {(x.where, x.found) for x in caught.value.leaks}


def test_reference_document_gives_styles_and_keeps_its_header(built_example, tmp_path):
    from docx.shared import Pt

    reference = docx.Document()
    reference.styles["Heading 1"].font.size = Pt(27)
    reference.sections[0].header.paragraphs[0].text = "Northbridge Safeguarding Adults Board"
    reference.add_paragraph("old text that must not remain")
    reference.save(str(tmp_path / "ref.docx"))
    export(built_example, tmp_path / "r.docx", reference=tmp_path / "ref.docx")
    document = docx.Document(str(tmp_path / "r.docx"))
    assert document.styles["Heading 1"].font.size == Pt(27)
    header = [p.text for p in document.sections[0].header.paragraphs]
    assert header[0] == "Northbridge Safeguarding Adults Board"
    assert "OFFICIAL-SENSITIVE" in header[-1]
    assert "old text that must not remain" not in [p.text for p in document.paragraphs]


def test_cli_export_writes_the_document_and_refuses_a_missing_reference(tmp_path, capsys):
    case_dir = copy_example(tmp_path / "case")
    reference = docx.Document()
    reference.sections[0].header.paragraphs[0].text = "Board logo here"
    reference.save(str(case_dir / "board.docx"))
    config = case_dir / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    text = text.replace(
        "      edition: restricted\n",
        "      edition: restricted\n      reference_docx: board.docx\n",
    )
    config.write_text(text, encoding="utf-8")
    out = tmp_path / "out" / "report.docx"
    assert main(["export", "docx", str(case_dir), "-o", str(out)]) == 0
    assert "Word document written" in capsys.readouterr().out
    written = docx.Document(str(out))
    assert written.core_properties.title.endswith("(restricted edition)")
    assert written.sections[0].header.paragraphs[0].text == "Board logo here"
    assert main(["export", "docx", str(case_dir), "-o", str(out)]) == 2  # exists: --force
    assert "already exists" in capsys.readouterr().err
    missing = tmp_path / "none.docx"
    assert main(["export", "docx", str(case_dir), "--reference-docx", str(missing)]) == 2
    assert "does not exist" in capsys.readouterr().err
    shutil.rmtree(case_dir / "docs")
    assert main(["export", "docx", str(case_dir), "-o", str(tmp_path / "x.docx")]) == 2
    assert not (tmp_path / "x.docx").exists()


def test_a_generated_block_is_emptied_before_parsing_and_nothing_else():
    from imr_site.publish.pdf.html import empty_block

    html = (
        '<p>before</p><div class="imr-chronology" data-imr-block="chronology"><div><div>'
        "<table><tr><td>&lt;/div&gt; row</td></tr></table></div></div><p>x</p></div>"
        "<p>after</p><div>kept</div>"
    )
    assert empty_block(html, "chronology") == (
        '<p>before</p><div data-imr-block="chronology"></div><p>after</p><div>kept</div>'
    )
    assert empty_block(html, "actions") == html
