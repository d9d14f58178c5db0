"""The PDF (imr_site.publish.pdf, through Typst), checked on real PDFs: read back with poppler
(pdftotext, pdfinfo, pdftohtml -xml for links and bookmarks, pdftoppm for the watermark) as an
independent reader, and with our own pikepdf conformance checks (tests/pdf_conformance.py)."""

from __future__ import annotations

import json
import logging
import re
import subprocess
import time
import xml.etree.ElementTree as ET
from dataclasses import dataclass, replace
from pathlib import Path

import pdf_conformance as pc
import pytest

from imr_site.publish.pdf import (
    PdfError,
    PrintDocument,
    PrintSection,
    typst_source,
    write_pdf,
)

THEAD = ["Date", "Time", "Contact with", "What happened", "Action taken", "Source"]
ROWS = 150


def chronology_html(rows: int) -> str:
    head = "".join(f"<th>{c}</th>" for c in THEAD)
    body = "".join(
        f"<tr><td>{1 + i % 28:02d}/03/2024</td><td>10:{i % 60:02d}</td><td>GP surgery</td>"
        f"<td>Entry {i + 1:03d}: home visit, the adult said the carer had not called for two "
        f"days</td><td>Referred to adult social care &amp; followed up</td><td>EPR</td></tr>"
        for i in range(rows)
    )
    return (
        '<h1 id="chronology-of-agency-involvement">Chronology of agency involvement'
        '<a class="headerlink" href="#chronology-of-agency-involvement" title="Permanent link">'
        "&para;</a></h1>\n"
        f"<table>\n<thead><tr>{head}</tr></thead>\n<tbody>{body}</tbody>\n</table>"
    )


def sample_document(status: str = "DRAFT", rows: int = ROWS, **changes) -> PrintDocument:
    sections = [
        PrintSection(
            id="introduction",
            title="Introduction",
            number=None,
            url="index.html",
            html=(
                '<h1 id="introduction">Introduction<a class="headerlink" href="#introduction" '
                'title="Permanent link">&para;</a></h1>\n'
                '<p>See <a href="05-analysis.html#q1-sensitivity">the first question</a>, '
                '<a href="03-chronology.html">the chronology</a> and '
                '<a href="https://www.legislation.gov.uk/ukpga/2014/23/section/44">section 44'
                "</a>.</p>"
            ),
        ),
        PrintSection(
            id="factual_summary",
            title="Factual & contextual summary",
            number=1,
            url="02-factual-summary.html",
            html=(
                '<h1 id="factual-contextual-summary">Factual &amp; contextual summary</h1>\n'
                '<h2 id="factual-summary-of-agency-involvement">Factual summary of agency '
                'involvement<a class="headerlink" href="#factual-summary-of-agency-involvement">'
                "&para;</a></h2>\n"
                '<p>As said <a href="#factual-summary-of-agency-involvement">above</a>.</p>'
            ),
        ),
        PrintSection(
            id="chronology",
            title="Chronology of agency involvement",
            number=2,
            url="03-chronology.html",
            html=chronology_html(rows),
            landscape=True,
        ),
        PrintSection(
            id="analysis",
            title="Analysis of agency involvement",
            number=4,
            url="05-analysis.html",
            html=(
                '<h1 id="4-analysis">4. Analysis<a class="headerlink" href="#4-analysis">'
                "&para;</a></h1>\n"
                "<p>Questions from the guidance.</p>\n"
                '<h2 id="q1-sensitivity">Q1 Sensitivity to the adult\'s needs</h2>\n'
                '<p>Back to the <a href="index.html#introduction">introduction</a>.</p>\n'
                '<h2 id="q2-policies">Q2 Policies and procedures</h2>\n<p>Followed.</p>'
            ),
        ),
    ]
    doc = PrintDocument(
        title="Individual Management Review",
        case_reference="SAR-2024-017",
        agency="Northshire Community Health NHS Trust",
        subject_initials="A.B.",
        protective_marking="OFFICIAL-SENSITIVE",
        version="0.3",
        date="26 November 2026",
        status=status,
        edition="restricted",
        author="Jane Example",
        subject="Individual Management Review for SAR-2024-017",
        keywords=["IMR", "Safeguarding Adults Review", "SAR-2024-017"],
        sections=sections,
    )
    return replace(doc, **changes)


class _Collector(logging.Handler):
    def __init__(self):
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record):
        self.messages.append(f"{record.name}: {record.getMessage()}")


def render(doc: PrintDocument, path: Path) -> tuple[int, list[str], float]:
    """Write the PDF; return its page count, what it could not show (findings and warnings
    logged on the way), and the seconds."""
    collector = _Collector()
    logger = logging.getLogger("imr_site")
    logger.addHandler(collector)
    start = time.perf_counter()
    try:
        result = write_pdf(doc, path)
    finally:
        logger.removeHandler(collector)
    problems = collector.messages + [str(f) for f in result.findings]
    return result.pages, problems, time.perf_counter() - start


def run(*args: str) -> str:
    return subprocess.run(args, check=True, capture_output=True, text=True).stdout


def page_texts(pdf: Path) -> list[str]:
    text = run("pdftotext", "-layout", str(pdf), "-")
    return text.split("\f")[:-1]  # pdftotext ends every page, the last too, with \f


def pdfinfo(pdf: Path, page: int | None = None) -> dict[str, str]:
    args = ["pdfinfo"] + (["-f", str(page), "-l", str(page)] if page else []) + [str(pdf)]
    info = {}
    for line in run(*args).splitlines():
        key, _, value = line.partition(":")
        info[key.strip()] = value.strip()
    return info


def is_landscape(pdf: Path, page: int) -> bool:
    size = pdfinfo(pdf, page)[f"Page{page:>5} size"]
    width, height = (float(v) for v in re.findall(r"[\d.]+", size)[:2])
    return width > height


@dataclass
class Built:
    path: Path
    pages: int
    warnings: list[str]
    seconds: float
    texts: list[str]
    xml: ET.Element

    def first_page_with(self, needle: str) -> int:
        """1-based number of the first page after the contents that contains ``needle``."""
        for number, text in enumerate(self.texts, start=1):
            if number > 2 and needle in text:
                return number
        raise AssertionError(f"{needle!r} is on no page")


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Built:
    path = tmp_path_factory.mktemp("pdf") / "imr.pdf"
    pages, warnings, seconds = render(sample_document(), path)
    xml = ET.fromstring(run("pdftohtml", "-xml", "-i", "-stdout", "-q", str(path)))
    return Built(path, pages, warnings, seconds, page_texts(path), xml)


def links_on_page(built: Built, page: int) -> dict[str, str]:
    """Link text -> target ("page N" for links inside the PDF, else the URL) on one page."""
    links: dict[str, str] = {}
    for a in built.xml.findall(f"./page[@number='{page}']/text/a"):
        text = "".join(a.itertext()).strip()
        href = a.get("href", "")
        internal = re.fullmatch(r"[^#]*\.html#(\d+)", href)
        if text:
            links[text] = f"page {internal.group(1)}" if internal else href
    return links


# --------------------------------------------------------------------------------------------
# The sample PDF


def test_renders_without_warnings(built):
    assert built.warnings == []
    assert built.pages == len(built.texts) == int(pdfinfo(built.path)["Pages"])
    # 2 pages of cover and contents, 1 each for 3 short sections, several for 150 rows.
    assert 8 <= built.pages <= 16


def test_cover_shows_the_case(built):
    cover = built.texts[0]
    for value in [
        "Northshire Community Health NHS Trust",
        "Individual Management Review",
        "SAR-2024-017",
        "A.B.",
        "OFFICIAL-SENSITIVE",
        "0.3",
        "26 November 2026",
        "Restricted",
        "DRAFT",
    ]:
        assert value in cover


def test_every_page_has_marking_case_reference_and_page_number(built):
    total = built.pages
    for number, text in enumerate(built.texts, start=1):
        lines = [line.strip() for line in text.strip().splitlines()]
        assert "SAR-2024-017" in lines[0], f"page {number} header: {lines[0]!r}"
        assert "OFFICIAL-SENSITIVE" in lines[0], f"page {number} header: {lines[0]!r}"
        assert "OFFICIAL-SENSITIVE" in lines[-1], f"page {number} footer: {lines[-1]!r}"
        assert lines[-1].endswith(f"Page {number} of {total}"), f"page {number}: {lines[-1]!r}"


def test_sections_start_new_pages_in_order_with_the_guidance_numbering(built):
    titles = [
        "Introduction",
        "1. Factual & contextual summary",
        "2. Chronology of agency involvement",
        "4. Analysis of agency involvement",
    ]
    starts = []
    for title in titles:
        page = built.first_page_with(title)
        body = [line.strip() for line in built.texts[page - 1].splitlines() if line.strip()]
        assert body[1] == title, f"page {page} should open with {title!r}: {body[:3]}"
        starts.append(page)
    assert starts == sorted(starts) and len(set(starts)) == 4
    assert starts[0] == 3  # cover, contents, then the report
    everything = "\f".join(built.texts)
    assert "4. Analysis\n" not in everything and "4. 4." not in everything
    assert "¶" not in everything  # MkDocs' permalink anchors are gone


def test_contents_lists_sections_and_headings_with_their_pages(built):
    toc = built.texts[1]
    assert "Contents" in toc
    expected = {
        "Introduction": built.first_page_with("Introduction"),
        "1. Factual & contextual summary": built.first_page_with("1. Factual & contextual"),
        "Factual summary of agency involvement": built.first_page_with("Factual summary of"),
        "2. Chronology of agency involvement": built.first_page_with("2. Chronology"),
        "4. Analysis of agency involvement": built.first_page_with("4. Analysis"),
        "Q1 Sensitivity to the adult's needs": built.first_page_with("Q1 Sensitivity"),
        "Q2 Policies and procedures": built.first_page_with("Q2 Policies"),
    }
    lines = {}
    for line in toc.splitlines():
        m = re.match(r"^(\s*)(.+?)\s*(?:\.\s*){3,}\u2060?(\d+)$", line)
        if m:
            lines[m.group(2).strip()] = (len(m.group(1)), int(m.group(3)))
    assert {title: page for title, (_, page) in lines.items()} == expected
    # Level-2 headings are indented under their section.
    assert lines["Q1 Sensitivity to the adult's needs"][0] > lines["Introduction"][0]


def test_chronology_is_landscape_with_column_headings_on_every_page(built):
    first = built.first_page_with("2. Chronology")
    last = built.first_page_with("4. Analysis") - 1
    assert last - first >= 2, "150 rows should need several pages"
    assert not is_landscape(built.path, first - 1)  # no blank portrait page before it
    for page in range(first, last + 1):
        assert is_landscape(built.path, page), f"page {page} should be landscape"
        heading_line = next(line for line in built.texts[page - 1].splitlines() if "Date" in line)
        assert re.findall(r"\S+(?: \S+)*", heading_line.strip()) == THEAD, heading_line
    assert not is_landscape(built.path, last + 1)
    chronology = "\n".join(built.texts[first - 1 : last])
    entries = re.findall(r"Entry (\d{3}):", chronology)
    assert entries == [f"{i:03d}" for i in range(1, ROWS + 1)]  # no row lost or split


def test_tagged_pdf_with_metadata(built):
    info = pdfinfo(built.path)
    assert info["Tagged"] == "yes"
    assert info["Title"] == "Individual Management Review"
    assert info["Author"] == "Jane Example"
    assert info["Subject"] == "Individual Management Review for SAR-2024-017"
    assert info["Keywords"] == "IMR, Safeguarding Adults Review, SAR-2024-017"


def test_fonts_are_the_shipped_family_embedded(built):
    fonts = run("pdffonts", str(built.path)).splitlines()[2:]
    assert fonts and all("LibertinusSerif" in line and " yes yes " in line for line in fonts), fonts


def test_draft_watermark_is_not_text(built):
    everything = "\f".join(built.texts)
    assert everything.count("DRAFT") == 1  # the cover's own word, not a watermark per page


def test_links_between_sections_go_to_the_right_pages(built):
    intro = built.first_page_with("Introduction")
    analysis = built.first_page_with("4. Analysis")
    links = links_on_page(built, intro)
    assert links["the first question"] == f"page {built.first_page_with('Q1 Sensitivity')}"
    assert links["the chronology"] == f"page {built.first_page_with('2. Chronology')}"
    assert links["section 44"] == "https://www.legislation.gov.uk/ukpga/2014/23/section/44"
    assert links_on_page(built, analysis)["introduction"] == f"page {intro}"
    summary = built.first_page_with("1. Factual")
    assert links_on_page(built, summary)["above"] == f"page {summary}"
    # a contents entry is one link: its title, the leader dots and the page number
    toc_links = {re.sub(r"(\s*\.)+\s*\d+$", "", t): p for t, p in links_on_page(built, 2).items()}
    assert toc_links["Q2 Policies and procedures"] == f"page {analysis}"
    assert toc_links["1. Factual & contextual summary"] == f"page {summary}"


def test_bookmarks_for_sections_and_level_2_headings_only(built):
    outline = built.xml.find("outline")
    assert outline is not None

    def tree(node):
        items = []
        for child in node:
            if child.tag == "item":
                items.append([child.text, []])
            elif child.tag == "outline":
                items[-1][1] = tree(child)
        return items

    assert tree(outline) == [
        ["Introduction", []],
        ["1. Factual & contextual summary", [["Factual summary of agency involvement", []]]],
        ["2. Chronology of agency involvement", []],
        [
            "4. Analysis of agency involvement",
            [["Q1 Sensitivity to the adult's needs", []], ["Q2 Policies and procedures", []]],
        ],
    ]


# --------------------------------------------------------------------------------------------
# The watermark is drawn on a draft and absent from a final


def _pixels(pdf: Path, page: int, tmp_path: Path) -> bytes:
    """The grey levels of one page rendered at 20 dpi (0 black, 255 white)."""
    prefix = tmp_path / f"{pdf.stem}-{page}"
    run("pdftoppm", "-gray", "-r", "20", "-f", str(page), "-l", str(page), str(pdf), str(prefix))
    pgm = next(tmp_path.glob(f"{prefix.name}*.pgm")).read_bytes()
    # Binary PGM: "P5 <width> <height> <max>" and one whitespace, then one byte per pixel.
    header = re.match(rb"P5\s+(\d+)\s+(\d+)\s+(\d+)\s", pgm)
    assert header is not None
    return pgm[header.end() :]


def test_watermark_on_draft_pages_only(tmp_path):
    short = {"sections": sample_document().sections[1:2]}
    draft, final = tmp_path / "draft.pdf", tmp_path / "final.pdf"
    render(sample_document("DRAFT", **short), draft)
    pages, warnings, _ = render(sample_document("FINAL", **short), final)
    assert warnings == []
    # Page 2 (contents) is the same text in both, so what differs is the watermark's grey.
    draft_page, final_page = _pixels(draft, 2, tmp_path), _pixels(final, 2, tmp_path)
    assert len(draft_page) == len(final_page)
    changed = [(d, f) for d, f in zip(draft_page, final_page, strict=True) if abs(d - f) > 8]
    assert len(changed) > len(draft_page) // 50
    assert all(d < f for d, f in changed)  # drawn on the draft, not on the final
    texts = page_texts(final)
    assert "FINAL" in texts[0] and "DRAFT" not in "".join(texts)


# --------------------------------------------------------------------------------------------
# Accessible and archival: our own PDF/UA-1 and PDF/A-3 checks (tests/pdf_conformance.py)


def test_conforms_to_pdf_ua_and_pdf_a(built):
    assert pc.problems(built.path) == []
    assert pc.xmp_ids(built.path)["pdfuaid:part"] == "1"
    assert pc.xmp_ids(built.path)["pdfaid:part"] == "3"
    assert pc.document_language(built.path) == "en-GB"


def test_one_heading_tree_and_one_chronology_table(built):
    levels = [level for level, _ in pc.headings(built.path)]
    assert levels[0] == 1 and all(b <= a + 1 for a, b in zip(levels, levels[1:], strict=False))
    texts = [text for _, text in pc.headings(built.path)]
    assert (
        "4. Analysis of agency involvement" in texts
        and "Q1 Sensitivity to the adult's needs" in texts
    )
    # 150 rows over several landscape pages: still one table, with its header cells once
    tables = pc.tables(built.path)
    assert len(tables) == 1 and tables[0]["rows"] == ROWS + 1 and tables[0]["has_th"]


def test_header_and_footer_are_artifacts(built):
    # every word on a page is tagged or an artifact; the furniture is never in the tree
    assert pc.untagged_operators(built.path) == {}
    tagged = pc.marked_content_text(built.path)
    assert not [t for t in tagged.values() if re.search(r"Page \d+ of", t)]
    # the marking is tagged text on the cover only, where it is part of the report
    assert {page for (page, _), t in tagged.items() if "OFFICIAL-SENSITIVE" in t} == {1}


# --------------------------------------------------------------------------------------------
# Every element a section can hold


ELEMENTS_HTML = """<h1 id="t">Source documentation</h1>
<p>Plain, <em>emphasis</em>, <strong>strong</strong>, <code>inline_code()</code>,
<del>struck</del>, <ins>inserted</ins>, <mark>marked</mark>, H<sub>2</sub>O, x<sup>2</sup>,
<abbr title="Care Quality Commission">CQC</abbr>, a <a href="https://example.org/a">web link</a>,
a break<br>after it, <small>small print</small>, <q>quoted</q>, <kbd>Ctrl</kbd>.</p>
<h2 id="lists">Lists</h2>
<ul><li>First bullet<ul><li>Nested bullet</li></ul></li><li>Second bullet</li></ul>
<ol start="3"><li>Third item</li><li>Fourth item</li></ol>
<dl><dt>Term one</dt><dd>Definition one</dd></dl>
<h4 id="skipped">A level-4 heading under a level-2</h4>
<blockquote><p>A quoted paragraph.</p></blockquote>
<pre><code class="language-yaml">date: 2024-03-01
# a comment = not a heading
</code></pre>
<table><thead><tr><th style="text-align: right;">Number</th><th>Word</th></tr></thead>
<tbody><tr><td style="text-align: right;">1</td><td>one</td></tr>
<tr><td colspan="2">spanning cell</td></tr></tbody></table>
<div class="admonition warning"><p class="admonition-title">Take care</p><p>Admonition body.</p></div>
<details><summary>More detail</summary><p>Details body.</p></details>
<figure><img alt="A genogram of the family" src="img/genogram.png"><figcaption>The family</figcaption></figure>
<p><img alt="Photo of the house" src="img/house.jpg"> and <img alt="" src="img/rule.svg"></p>
<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10" width="40"><title>Inline drawing</title><rect width="10" height="10"/></svg>
<p>A footnote here<sup id="fnref:1"><a class="footnote-ref" href="#fn:1">1</a></sup>.</p>
<hr>
<div class="footnote"><hr><ol><li id="fn:1"><p>The footnote text.&#160;<a class="footnote-backref" href="#fnref:1">&#8617;</a></p></li></ol></div>
"""


def png(width: int = 2, height: int = 2) -> bytes:
    """A small grey PNG, made here so the tests need no imaging library."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    rows = b"".join(b"\x00" + b"\x80" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


PNG_1PX = png()
JPEG_MAGIC_ONLY = b"\xff\xd8\xff\xe0 not really a JPEG"


def _site_with_pictures(tmp_path: Path) -> Path:
    site = tmp_path / "site"
    (site / "img").mkdir(parents=True)
    (site / "img" / "genogram.png").write_bytes(PNG_1PX)
    (site / "img" / "house.jpg").write_bytes(png(4, 4))  # a PNG named .jpg: read by content
    svg = '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="2"><rect width="10" height="2"/></svg>'
    (site / "img" / "rule.svg").write_text(svg)
    return site


def test_every_element_is_printed(tmp_path):
    section = PrintSection(
        "source_documentation", "Source documentation", 3, "s.html", ELEMENTS_HTML
    )
    doc = sample_document(rows=1, sections=[section], site_dir=_site_with_pictures(tmp_path))
    out = tmp_path / "elements.pdf"
    pages, problems, _ = render(doc, out)
    assert problems == []
    text = " ".join(" ".join(page_texts(out)).split())
    for words in [
        "emphasis",
        "strong",
        "inline_code()",
        "struck",
        "inserted",
        "marked",
        "CQC",
        "web link",
        "small print",
        "“quoted”",
        "Ctrl",
        "First bullet",
        "Nested bullet",
        "Second bullet",
        "3. Third item",
        "4. Fourth item",
        "Term one",
        "Definition one",
        "A quoted paragraph.",
        "date: 2024-03-01",
        "# a comment = not a heading",
        "Number",
        "spanning cell",
        "Take care",
        "Admonition body.",
        "More detail",
        "Details body.",
        "The family",
        "The footnote text.",
        "A level-4 heading under a level-2",
    ]:
        assert words in text, words
    assert "↩" not in text  # the footnote's way back is for the web page only
    assert pc.problems(out) == []
    # headings in order although the author skipped a level
    assert [lvl for lvl, _ in pc.headings(out)][-3:] == [1, 2, 3]


def test_an_unknown_element_is_a_finding_at_its_line(tmp_path):
    body = "Intro.\n\n<marquee>Moving words</marquee>\n\n<script>alert(1)</script>\n"
    from imr_site.publish.pdf.convert import SectionSource

    section = PrintSection(
        "learning",
        "Learning",
        6,
        "l.html",
        "<h1>Learning</h1><p>Intro.</p><marquee>Moving words</marquee><script>alert(1)</script>",
        source=SectionSource("docs/07-learning.md", body, 5),
    )
    out = tmp_path / "u.pdf"
    result = write_pdf(sample_document(rows=1, sections=[section]), out)
    found = {(f.code, f.file, f.line, f.message.split(":")[0]) for f in result.findings}
    assert found == {
        ("SEC005", "docs/07-learning.md", 7, "the PDF cannot show <marquee>"),
        ("SEC005", "docs/07-learning.md", 9, "the PDF cannot show <script>"),
    }
    text = " ".join(page_texts(out))
    assert "Moving words" in text  # never dropped
    assert "alert" not in text  # code is not printed


def test_pictures_come_only_from_the_report(tmp_path):
    site = _site_with_pictures(tmp_path)
    secret = tmp_path / "outside.png"
    secret.write_bytes(PNG_1PX)
    section = PrintSection(
        "context",
        "Organisational context",
        None,
        "context.html",
        '<h1>Organisational context</h1><p><img alt="Genogram" src="img/genogram.png">'
        '<img alt="remote" src="https://example.org/tracker.png">'
        f'<img alt="outside" src="{secret.as_uri()}">'
        '<img alt="escape" src="../../outside.png"><img alt="gone" src="img/missing.png">'
        '<img alt="broken" src="img/broken.jpg"></p>',
    )
    (site / "img" / "broken.jpg").write_bytes(JPEG_MAGIC_ONLY)
    doc = sample_document(rows=1, sections=[section], site_dir=site)
    result = write_pdf(doc, tmp_path / "out.pdf")
    assert [f.code for f in result.findings] == ["SEC006"] * 5
    messages = " ".join(f.message for f in result.findings)
    assert "tracker.png" in messages and "outside.png" in messages and "missing.png" in messages
    text = " ".join(" ".join(page_texts(tmp_path / "out.pdf")).split())
    assert "[Picture not available: gone]" in text
    assert "[Picture not available: broken]" in text  # a damaged file stops nothing else


# --------------------------------------------------------------------------------------------
# Text is never read as Typst


SPECIAL = "# $ * _ @ < > \\ [ ] ` // = - + / ~ ' \" -- ... 12. #set text(red) $x^2$ <lbl> @ref"
INJECTION = '#{ panic("injected") } ]) #import "/etc/passwd" #read("/etc/passwd")'


@pytest.mark.parametrize("value", [SPECIAL, INJECTION])
def test_text_from_the_case_is_printed_verbatim(tmp_path, value):
    import html as htmlmod

    e = htmlmod.escape(value)
    section = PrintSection(
        "analysis",
        "Analysis",
        4,
        "a.html",
        f"<h1>Analysis</h1><h2>{e}</h2><p>{e}</p><table><thead><tr><th>{e}</th></tr></thead>"
        f'<tbody><tr><td>{e}</td></tr></tbody></table><p><a href="https://x.example/">{e}</a></p>'
        f"<ul><li>{e}</li></ul><p><code>{e}</code></p>",
    )
    doc = sample_document(
        rows=1,
        sections=[section],
        case_reference=value,
        agency=value,
        author=value,
        version=value,
        protective_marking=value,
        subject_initials=value,
    )
    out = tmp_path / "x.pdf"
    pages, problems, _ = render(doc, out)
    assert problems == []
    text = run("pdftotext", "-raw", str(out), "-")
    lines = [" ".join(line.split()) for line in text.splitlines()]
    want = " ".join(value.split())
    # cover (6 fields), header, footer, heading, paragraph, th, td, link, item, code
    assert sum(want in line for line in lines) >= 10, [x for x in lines if "#" in x][:5]
    assert "injected" not in text or value == INJECTION


# --------------------------------------------------------------------------------------------
# Nothing runs off the page; every letter is in the font


LONG = [
    "https://records.example.nhs.uk/patients/0123456789/episodes/2024-03-05/notes?view=full&ref=ABCDEFGHIJKLMNOP",
    "RN-00000000000000000000000000000000000000000001",
    "safeguarding.adults.team.duty.inbox@northbridge-community-health.example.nhs.uk",
]


def test_long_words_wrap_inside_the_page(tmp_path):
    import pdfplumber

    html = "<h1>Learning</h1>" + "".join(f"<p>{w}</p>" for w in LONG)
    html += "<table><thead><tr><th>A</th><th>B</th><th>C</th></tr></thead><tbody><tr>"
    html += "".join(f"<td>{w}</td>" for w in LONG) + "</tr></tbody></table>"
    section = PrintSection("learning", "Learning", 6, "l.html", html)
    out = tmp_path / "long.pdf"
    render(sample_document(sections=[section, sample_document().sections[2]]), out)
    outside = []
    with pdfplumber.open(out) as pdf:
        for page in pdf.pages:
            for ch in page.chars:
                if (
                    ch["x0"] < 0
                    or ch["x1"] > page.width
                    or ch["top"] < 0
                    or ch["bottom"] > page.height
                ):
                    outside.append((page.page_number, ch["text"]))
    assert outside == []
    text = "".join(run("pdftotext", "-raw", str(out), "-").split())
    for w in LONG:
        assert w in text  # broken across lines, but no character added or lost


def test_welsh_and_other_letters_come_out_as_text_in_the_shipped_font(tmp_path):
    import pdfplumber

    words = "Ŵyn ŷd Siân Zoë Ffion O’Brien – £12 €5 “quoted” ‘single’ — Łukasz Müller Ðe"
    section = PrintSection("learning", "Learning", 6, "l.html", f"<h1>Learning</h1><p>{words}</p>")
    out = tmp_path / "w.pdf"
    render(sample_document(rows=1, sections=[section]), out)
    assert words in " ".join(run("pdftotext", "-raw", str(out), "-").split())
    with pdfplumber.open(out) as pdf:
        fonts = {
            ch["fontname"].split("+")[-1]
            for p in pdf.pages
            for ch in p.chars
            if ch["text"] in words
        }
    assert fonts and all(f.startswith("LibertinusSerif") for f in fonts), fonts


# --------------------------------------------------------------------------------------------
# Failures


def test_repeated_section_id_is_refused():
    doc = sample_document(rows=1)
    doc.sections.append(replace(doc.sections[0], url="other.html"))
    with pytest.raises(ValueError, match="introduction"):
        typst_source(doc)


def test_a_typst_error_names_the_section_and_leaves_no_pdf(tmp_path, monkeypatch):
    from imr_site.publish.pdf import convert

    real = convert.SectionConverter.convert

    def broken(self, root):
        out = real(self, root)
        return out + "\n#undefined-function()" if self.section_id == "analysis" else out

    monkeypatch.setattr(convert.SectionConverter, "convert", broken)
    out = tmp_path / "imr.pdf"
    out.write_bytes(b"previous PDF")
    with pytest.raises(PdfError) as e:
        write_pdf(sample_document(rows=1), out)
    assert "4. Analysis of agency involvement" in str(e.value)
    assert "undefined-function" in str(e.value)
    assert [f.code for f in e.value.findings] == ["SEC007"]
    assert out.read_bytes() == b"previous PDF"
    assert [p.name for p in tmp_path.iterdir()] == ["imr.pdf"]  # no temporary file left


def test_attachments_carry_their_data(tmp_path):
    from imr_site.publish.pdf import Attachment

    data = "Date,Event\r\n2024-03-01,Ŵyn visited\r\n".encode("utf-8-sig")
    doc = sample_document(
        rows=1, attachments=[Attachment("chronology.csv", data, "The chronology")]
    )
    out = tmp_path / "a.pdf"
    render(doc, out)
    [att] = pc.attachments(out)
    assert att["name"] == "chronology.csv" and att["data"] == data
    assert att["relationship"] == "Data" and att["mime"] == "text/csv"
    assert pc.check_attachments(out) == []


@pytest.mark.slow
def test_benchmark_300_row_landscape_table(tmp_path, capsys):
    pages, warnings, seconds = render(sample_document(rows=300), tmp_path / "big.pdf")
    assert warnings == []
    with capsys.disabled():
        print(f"\n[pdf] 300-row chronology: {pages} pages in {seconds:.2f} s")


@pytest.mark.parametrize(
    "value, expected",
    [
        ("plain words", "plain words"),
        ("a  b\n\tc ", "a b c "),  # every run of spaces, tabs and new lines is one space
        ("#*_$@<>=-+/'\"`~[]{}()\\", r"\#\*\_\$\@\<\>\=\-\+\/\'\"\`\~\[\]\{\}\(\)\\"),
        ("// not a comment", r"\/\/ not a comment"),
        ("x\x00y\x1fz\x7f", "xyz"),  # control characters cannot be printed
        ("line\rend", "line end"),  # a lone carriage return is a line end, not nothing
        ("Zoë — £5", "Zoë — £5"),  # only ASCII punctuation has a meaning in markup
        (42, "42"),
    ],
)
def test_markup_text_escapes_every_ascii_punctuation_character(value, expected):
    from imr_site.publish.pdf import markup

    assert markup.text(value) == expected


@pytest.mark.parametrize(
    "value, expected",
    [
        ("alt text", '"alt text"'),
        ('say "no"', '"say \\"no\\""'),
        ("back\\slash", '"back\\\\slash"'),
        ("one\r\ntwo\rthree\nfour", '"one\\ntwo\\nthree\\nfour"'),
        ("tab\there", '"tab\\there"'),
        ("bell\x07", '"bell"'),
        ("#strong[x]", '"#strong[x]"'),  # inside a string nothing is markup
    ],
)
def test_markup_string_is_a_typst_string_literal(value, expected):
    import typst

    from imr_site.publish.pdf import markup

    assert markup.string(value) == expected
    # and Typst reads it back as exactly the text (control characters dropped)
    source = f"#metadata({markup.string(value)}) <v>".encode()
    [read] = json.loads(typst.query(source, "<v>", field="value"))
    assert read == "".join(
        c for c in value.replace("\r\n", "\n").replace("\r", "\n") if c >= " " or c in "\n\t"
    )
