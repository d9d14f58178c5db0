"""The example case end to end: built once per session (conftest.built_example), read as HTML and
as the PDF's text."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest
import yaml
from conftest import build_site, copy_example

from imr_site.review.registry import load_case

EXTERNAL_RESOURCE = re.compile(
    r"<(?:script|img|iframe|source|audio|video)\b[^>]*\bsrc=[\"']?(?:https?:)?//"
    r"|<link\b[^>]*\bhref=[\"']?(?:https?:)?//"
    r"|url\(\s*[\"']?(?:https?:)?//"
    r"|@import\s+[\"'](?:https?:)?//",
    re.IGNORECASE,
)


def test_example_builds_without_warnings(built_example):
    assert built_example.warnings == []


def test_every_html_page_says_draft_and_the_marking(built_example):
    pages = list(built_example.site_dir.glob("*.html"))
    assert len(pages) >= 13
    for page in pages:
        html = page.read_text(encoding="utf-8")
        if page.name == "404.html":
            continue
        assert "imr-banner" in html and "DRAFT" in html, page.name
        assert "OFFICIAL-SENSITIVE" in html, page.name


def test_site_loads_nothing_from_outside(built_example):
    for path in built_example.site_dir.rglob("*"):
        if path.suffix in (".html", ".css", ".js") and path.is_file():
            text = path.read_text(encoding="utf-8", errors="replace")
            m = EXTERNAL_RESOURCE.search(text)
            assert m is None, f"{path.relative_to(built_example.site_dir)} loads {m.group(0)!r}"
    assert "fonts.googleapis" not in (built_example.site_dir / "index.html").read_text()


def test_home_page_links_the_pdf(built_example):
    html = (built_example.site_dir / "index.html").read_text(encoding="utf-8")
    assert f'href="{built_example.pdf.name}"' in html
    assert built_example.pdf.parent == built_example.site_dir
    assert built_example.pdf.name.startswith("SAR-")


def test_data_files_are_never_published(built_example):
    published = {p.name for p in built_example.site_dir.rglob("*")}
    for name in ("chronology.yml", "glossary.yml", "people.yml", "actions.yml"):
        assert name not in published


def test_introduction_details_rendered_from_front_matter(built_example):
    case = load_case(built_example.case_dir)
    intro = case.section("introduction")
    html = built_example.html("introduction")
    assert "imr-details-table" in html
    assert str(intro.get("subject.initials")) in html
    assert case.config.agency in html.replace("&amp;", "&")


def test_pdf_cover(built_example):
    case = load_case(built_example.case_dir)
    cover = built_example.pages[0]
    for text in (
        case.config.case_reference,
        case.config.protective_marking,
        str(case.section("introduction").get("subject.initials")),
        "DRAFT",
    ):
        assert text in cover, text
    assert case.config.agency.split()[0] in cover


def test_pdf_marking_and_page_x_of_y_on_every_page(built_example):
    pages = built_example.pages
    total = len(pages)
    assert total >= 15
    for n, page in enumerate(pages, start=1):
        assert "OFFICIAL-SENSITIVE" in page, f"page {n} has no marking"
        assert re.search(rf"Page\s+{n}\s+of\s+{total}\b", page), (
            f"page {n} has no 'Page {n} of {total}'"
        )


def _first_page_with_heading(pages, title, after=1):
    pattern = re.compile(rf"^\s*{re.escape(title)}\s*$", re.MULTILINE | re.IGNORECASE)
    for i, page in enumerate(pages[after:], start=after):
        if pattern.search(page):
            return i
    return None


def test_pdf_sections_in_the_guidance_order_and_numbering(built_example):
    case = load_case(built_example.case_dir)
    pages = built_example.pages
    # skip the cover and the table of contents: find where the body starts
    toc_end = next(i for i, p in enumerate(pages) if i > 0 and "Contents" not in p)
    found = []
    for s in case.spec.sections:
        page = _first_page_with_heading(pages, s.numbered_title, after=toc_end)
        assert page is not None, f"{s.numbered_title} not found as a heading in the PDF"
        found.append(page)
    assert found == sorted(found)
    assert _first_page_with_heading(pages, "1. Introduction", after=toc_end) is None


def test_pdf_contents_lists_sections_with_page_numbers(built_example):
    case = load_case(built_example.case_dir)
    toc_pages = []
    for page in built_example.pages[1:]:
        if not re.search(r"(?:\.\s*){5,}\u2060?\d+", page):
            break
        toc_pages.append(page)
    toc = "\n".join(toc_pages)
    for s in case.spec.sections:
        assert re.search(rf"{re.escape(s.numbered_title)}[ .\u2060]*\d+", toc, re.IGNORECASE), (
            s.numbered_title
        )


def test_pdf_is_tagged_with_metadata(built_example):
    info = subprocess.run(
        ["pdfinfo", str(built_example.pdf)], capture_output=True, text=True
    ).stdout
    assert re.search(r"^Tagged:\s+yes", info, re.MULTILINE)
    case = load_case(built_example.case_dir)
    assert re.search(rf"^Title:.*{re.escape(case.config.case_reference)}", info, re.MULTILINE)
    assert re.search(r"^Author:\s+\S", info, re.MULTILINE)
    assert re.search(r"^Keywords:.*Safeguarding", info, re.MULTILINE)


def test_generated_blocks_escape_what_authors_type(tmp_path):
    case_dir = copy_example(tmp_path / "case")
    path = case_dir / "data" / "chronology.yml"
    entries = yaml.safe_load(path.read_text(encoding="utf-8"))
    entries[0]["event"] = "<script>alert(1)</script> & <b>bold</b>"
    path.write_text(yaml.safe_dump(entries, sort_keys=False, allow_unicode=True), encoding="utf-8")
    build_site(case_dir, pdf=False)
    case = load_case(case_dir)
    html = (
        case_dir / "site" / case.section("chronology").src_uri.replace(".md", ".html")
    ).read_text()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;" in html


@pytest.mark.expect_warnings
def test_plain_mkdocs_strict_build_of_example(tmp_path):
    """The plugin works under plain `mkdocs build --strict` (the CLI is a convenience)."""
    case_dir = copy_example(tmp_path / "case")
    text = (case_dir / "mkdocs.yml").read_text()
    # turn the PDF off by adding `pdf: false` under the imr options, at their indentation
    m = re.search(r"^\s*- imr:\n(\s+)\S", text, flags=re.MULTILINE)
    text = text[: m.end(1)] + "pdf: false\n" + m.group(1) + text[m.end(1) :]
    (case_dir / "mkdocs.yml").write_text(text)
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-q"],
        cwd=case_dir,
        capture_output=True,
        text=True,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )
    assert result.returncode == 0, result.stderr
    assert (case_dir / "site" / "index.html").is_file()


def test_pdf_conforms_and_carries_its_data(built_example):
    import pdf_conformance as pc

    assert pc.problems(built_example.pdf) == []
    attached = {a["name"]: a for a in pc.attachments(built_example.pdf)}
    assert set(attached) == {"chronology.csv", "actions.csv"}
    case = load_case(built_example.case_dir)
    rows = attached["chronology.csv"]["data"].decode("utf-8-sig").strip().splitlines()
    assert len(rows) == 1 + len(case.data["chronology"].entries)
    # the timeline's alt text says what the picture shows, by period and by type
    alts = [a for a in pc.figure_alts(built_example.pdf) if a.startswith("Bar chart")]
    assert len(alts) == 1 and "By quarter:" in alts[0] and "Home visit" in alts[0]
