"""The PDF renderer (imr_site.publish.pdf), checked on real PDFs with poppler (pdftotext, pdfinfo,
pdftohtml -xml for links and bookmarks, pdftoppm for the watermark)."""

from __future__ import annotations

import logging
import re
import subprocess
import time
import xml.etree.ElementTree as ET
from dataclasses import dataclass, replace
from pathlib import Path

import pytest

from imr_site.publish.pdf import (
    PrintDocument,
    PrintSection,
    build_print_html,
    css_string,
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
    """Write the PDF; return its page count, the warnings logged on the way, and the seconds."""
    collector = _Collector()
    loggers = [logging.getLogger("weasyprint"), logging.getLogger("imr_site")]
    for lg in loggers:
        lg.addHandler(collector)
    start = time.perf_counter()
    try:
        pages = write_pdf(doc, path)
    finally:
        for lg in loggers:
            lg.removeHandler(collector)
    return pages, collector.messages, time.perf_counter() - start


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
    assert 8 <= built.pages <= 14


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
        m = re.match(r"^(\s*)(.+?)\s*\.{3,}\s*(\d+)$", line)
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


def test_fonts_are_local_dejavu_embedded(built):
    fonts = run("pdffonts", str(built.path)).splitlines()[2:]
    assert fonts and all("DejaVu" in line and " yes yes " in line for line in fonts), fonts


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
    toc_links = links_on_page(built, 2)
    assert toc_links["Q2 Policies and procedures"] == f"page {analysis}"


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


def test_timing_is_reported(built, capsys):
    with capsys.disabled():
        print(f"\n[pdf] {len(built.texts)} pages, {ROWS}-row chronology: {built.seconds:.2f} s")


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
    assert "watermark" not in build_print_html(sample_document("FINAL", **short))


# --------------------------------------------------------------------------------------------
# The print HTML


def test_ids_are_prefixed_and_links_rewritten():
    html = build_print_html(sample_document(rows=2))
    assert 'id="analysis--q1-sensitivity"' in html
    assert 'href="#analysis--q1-sensitivity"' in html  # from index.html
    assert 'href="#chronology"' in html  # a whole page: its article
    assert 'href="#introduction--introduction"' in html  # index.html#introduction
    assert 'href="#factual_summary--factual-summary-of-agency-involvement"' in html
    assert 'id="q1-sensitivity"' not in html
    assert "headerlink" not in html
    assert len(re.findall(r'id="([^"]+)"', html)) == len(set(re.findall(r'id="([^"]+)"', html)))


def test_other_links_in_mkdocs_output(caplog):
    section = PrintSection(
        id="extra",
        title="3. Source documentation",  # a number written into the title is dropped too
        number=3,
        url="sub/page/",  # use_directory_urls
        html=(
            "<p>No heading first.</p>"
            '<p><a href="../../05-analysis/">up</a> <a href="../../05-analysis/index.html#x">'
            'x</a> <a href="mailto:imr@example.org">mail</a> <a href="missing.html">gone</a>'
            ' <a href="#fn:1" class="footnote-ref">1</a></p><br/><!-- kept -->'
            '<td headers="a b">&amp; &lt;b&gt; &#169;</td><img alt="" src="x.png">'
        ),
    )
    target = PrintSection("analysis", "Analysis", 4, "05-analysis/", "<h1>Analysis</h1>")
    doc = sample_document(rows=1, sections=[section, target])
    with caplog.at_level(logging.WARNING, logger="imr_site.publish.pdf"):
        html = build_print_html(doc)
    assert '<h1 id="extra--title">3. Source documentation</h1>' in html
    assert '<a href="#analysis">up</a>' in html
    assert '<a href="#analysis--x">x</a>' in html
    assert '<a href="mailto:imr@example.org">mail</a>' in html
    assert "<a>gone</a>" in html and "missing.html" in caplog.text
    assert 'href="#extra--fn:1"' in html
    assert 'headers="extra--a extra--b"' in html
    assert "&amp; &lt;b&gt; &#169;" in html and "<!-- kept -->" in html
    assert '<img alt="" src="x.png">' in html  # no site folder given: left for the fetcher


def test_unclosed_title_loses_no_text():
    section = PrintSection("analysis", "Analysis", 4, "a.html", "<h1>4 Analysis<p>Kept.</p>")
    html = build_print_html(sample_document(rows=1, sections=[section]))
    assert '<h1 id="analysis--title">4. Analysis</h1><p>Kept.</p>' in html


def test_values_from_the_case_are_escaped_in_css_and_html():
    import tinycss2

    nasty = 'OFFICIAL"; } body { display: none } </style><script>alert(1)</script>'
    html = build_print_html(sample_document(rows=1, protective_marking=nasty))
    assert "<script>" not in html
    assert "&lt;script&gt;" in html  # shown as text on the cover
    style = html.split("<style>", 1)[1].split("</style>", 1)[0]
    rules = tinycss2.parse_stylesheet(style, skip_comments=True, skip_whitespace=True)
    assert [r.type for r in rules] == ["at-rule"]  # still the one @page rule, nothing added
    margin_boxes = tinycss2.parse_blocks_contents(rules[0].content)
    strings = [
        token.value
        for box in margin_boxes
        for token in getattr(box, "content", None) or []
        if token.type == "string"
    ]
    assert strings.count(nasty) == 2  # top and bottom centre, intact


@pytest.mark.parametrize(
    "value", ["OFFICIAL-SENSITIVE", 'a"b', "back\\slash", "line\nbreak", "</style>", "£ é 'x'"]
)
def test_css_string_round_trips(value):
    import tinycss2

    tokens = [t for t in tinycss2.parse_component_value_list(css_string(value))]
    assert len(tokens) == 1 and tokens[0].type == "string"
    assert tokens[0].value == value
    assert "<" not in css_string(value) and "\n" not in css_string(value)


def test_repeated_section_id_is_refused():
    doc = sample_document(rows=1)
    doc.sections.append(replace(doc.sections[0], url="other.html"))
    with pytest.raises(ValueError, match="introduction"):
        build_print_html(doc)


# --------------------------------------------------------------------------------------------
# Writing


def test_nothing_is_fetched_from_outside_the_report(tmp_path):
    site = tmp_path / "site"
    (site / "img").mkdir(parents=True)
    svg = (
        '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
        '<rect width="10" height="10"/></svg>'
    )
    (site / "img" / "genogram.svg").write_text(svg)
    secret = tmp_path / "outside.svg"
    secret.write_text(svg)
    section = PrintSection(
        id="context",
        title="Organisational context",
        number=None,
        url="context.html",
        html=(
            '<h1>Organisational context</h1><p><img alt="Genogram" src="img/genogram.svg">'
            '<img alt="remote" src="https://example.org/tracker.png">'
            f'<img alt="outside" src="{secret.as_uri()}"></p>'
        ),
    )
    doc = sample_document(rows=1, sections=[section], site_dir=site)
    pages, warnings, _ = render(doc, tmp_path / "out.pdf")
    refused = [w for w in warnings if "only uses files of the report" in w]
    assert len(refused) == 2, warnings
    assert any("tracker.png" in w for w in refused) and any("outside.svg" in w for w in refused)
    assert not any("genogram" in w for w in warnings)


def test_write_is_atomic(tmp_path, monkeypatch):
    import weasyprint.document

    out = tmp_path / "imr.pdf"
    out.write_bytes(b"previous PDF")

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(weasyprint.document.Document, "write_pdf", broken)
    with pytest.raises(RuntimeError):
        write_pdf(sample_document(rows=1, sections=sample_document().sections[1:2]), out)
    assert out.read_bytes() == b"previous PDF"
    assert [p.name for p in tmp_path.iterdir()] == ["imr.pdf"]  # no temporary file left


@pytest.mark.slow
def test_benchmark_300_row_landscape_table(tmp_path, capsys):
    pages, warnings, seconds = render(sample_document(rows=300), tmp_path / "big.pdf")
    assert warnings == []
    with capsys.disabled():
        print(f"\n[pdf] 300-row chronology: {pages} pages in {seconds:.2f} s")
