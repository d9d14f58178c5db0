"""The leak gate over output folders written by hand (fast): each output path on its own."""

from __future__ import annotations

import gzip
import json
import sys

import pytest

from imr_site.people.identifiers import SubjectDetails, identifiers_from
from imr_site.people.key import Person
from imr_site.people.leaks import scan_output
from imr_site.publish.editions import LeakError, discard, gate_and_publish, pdf_name, publish

IDS = identifiers_from(
    [Person("DN2", "Sarah Marsh", "District Nurse", "Trust", (), ("marsh",))],
    SubjectDetails("AB", "Alice Brownlow", "1948-07-23", "14 Heron Close, Anytown, AT4 9QZ"),
)

CLEAN_PAGE = (
    "<html><head><title>IMR</title></head><body><p>DN2 met AB by the marsh.</p></body></html>"
)


def clean_site(root):
    (root / "search").mkdir(parents=True)
    (root / "index.html").write_text(CLEAN_PAGE)
    (root / "search/search_index.json").write_text(
        json.dumps({"docs": [{"location": "", "title": "IMR", "text": "DN2 met AB"}]})
    )
    sitemap = "<urlset><url><loc>https://intranet/index.html</loc></url></urlset>"
    (root / "sitemap.xml").write_text(sitemap)
    (root / "sitemap.xml.gz").write_bytes(gzip.compress(sitemap.encode()))
    return root


def test_clean_output_has_no_leak(tmp_path):
    assert scan_output(clean_site(tmp_path / "site"), IDS) == ([], [])


@pytest.mark.parametrize(
    "path, content, where",
    [
        ("index.html", "<p>Mrs Brown<em>low</em> was seen</p>", "page text"),
        ("index.html", '<p title="Sarah Marsh">DN2</p>', "page attributes"),
        ("index.html", "<p>born 23&#47;07&#47;1948</p>", "page text"),
        ("index.html", "<p>DN2</p><!-- ask Sarah -->", "page comments"),
        ("index.html", '<meta name="description" content="About Alice">', "page attributes"),
        ("search/search_index.json", json.dumps({"docs": [{"tags": ["MARSH"]}]}), "search index"),
        (
            "search/search_index.json",
            json.dumps({"docs": [{"text": "Alice\\u2019s"}]}),
            "search index",
        ),
        ("sitemap.xml", "<loc>https://intranet/sarah-marsh.html</loc>", "sitemap"),
        ("notes/heron-close.txt", "nothing", "file name"),
        ("assets/extra.js", "var who = 'AT4 9QZ';", "file"),
    ],
)
def test_each_output_path_on_its_own(tmp_path, path, content, where):
    site = clean_site(tmp_path / "site")
    target = site / path
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(content)
    leaks, problems = scan_output(site, IDS)
    assert problems == []
    assert leaks and {leak.file for leak in leaks} == {path}
    assert where in {leak.where for leak in leaks}


def test_compressed_sitemap(tmp_path):
    site = clean_site(tmp_path / "site")
    (site / "sitemap.xml.gz").write_bytes(gzip.compress(b"<loc>https://x/brownlow.html</loc>"))
    leaks, _ = scan_output(site, IDS)
    assert [(leak.file, leak.where, leak.found) for leak in leaks] == [
        ("sitemap.xml.gz", "sitemap", "brownlow")
    ]


def test_theme_files_can_be_skipped(tmp_path):
    site = clean_site(tmp_path / "site")
    (site / "bundle.js").write_text("function alice(){}")
    assert scan_output(site, IDS)[0]
    assert scan_output(site, IDS, skip={"bundle.js"})[0] == []


def _pdf(path, body, title="IMR", keywords=None):
    """A small PDF made by Typst, as the report's is; values are passed as JSON data."""
    import json

    import typst

    words = json.dumps({"title": title, "keywords": [keywords] if keywords else [], "body": body})
    source = (
        f"#let d = json(bytes({json.dumps(words)}))\n"
        "#set document(title: d.title, keywords: d.keywords)\n#d.body\n"
    )
    path.write_bytes(typst.compile(source.encode()))


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory):
    root = tmp_path_factory.mktemp("pdfs")
    _pdf(root / "clean.pdf", "DN2 met AB.")
    _pdf(root / "text.pdf", "DN2 met Mrs Brownlow.")
    _pdf(root / "title.pdf", "DN2 met AB.", title="Review of Sarah Marsh")
    _pdf(root / "keywords.pdf", "DN2 met AB.", keywords="heron close")
    _pdf(root / "accented.pdf", "DN2 met AB.", title="Revue de Sarah Marsh, été")
    return root


@pytest.mark.parametrize(
    "name, where",
    [
        ("text.pdf", "PDF text"),
        ("title.pdf", "PDF metadata"),
        ("keywords.pdf", "PDF metadata"),
        ("accented.pdf", "PDF metadata"),
    ],
)
def test_pdf_text_and_metadata(tmp_path, pdfs, name, where):
    site = clean_site(tmp_path / "site")
    (site / "report.pdf").write_bytes((pdfs / name).read_bytes())
    leaks, problems = scan_output(site, IDS)
    assert problems == []
    assert {leak.file for leak in leaks} == {"report.pdf"}
    assert where in {leak.where.split(" (")[0] for leak in leaks}, leaks


def test_clean_pdf(tmp_path, pdfs):
    site = clean_site(tmp_path / "site")
    (site / "report.pdf").write_bytes((pdfs / "clean.pdf").read_bytes())
    assert scan_output(site, IDS) == ([], [])


def test_unreadable_pdf_fails_closed(tmp_path, pdfs, monkeypatch):
    site = clean_site(tmp_path / "site")
    (site / "report.pdf").write_bytes(b"%PDF-1.7 not really")
    _, problems = scan_output(site, IDS)
    assert problems and "cannot be checked for names" in problems[0]
    monkeypatch.setitem(sys.modules, "pypdfium2", None)  # the PDF reader is not installed
    (site / "report.pdf").write_bytes((pdfs / "clean.pdf").read_bytes())
    _, problems = scan_output(site, IDS)
    assert any("not installed" in p for p in problems)


def test_pdf_is_read_without_programs_outside_python(tmp_path, pdfs, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path / "nothing-here"))  # no pdftotext, no pdfinfo
    site = clean_site(tmp_path / "site")
    (site / "report.pdf").write_bytes((pdfs / "text.pdf").read_bytes())
    leaks, problems = scan_output(site, IDS)
    assert problems == [] and [leak.found for leak in leaks] == ["Brownlow"]


class _Case:  # the gate needs only the identifiers from a case
    pass


def test_gate_publishes_clean_and_discards_leaking(tmp_path):
    final = tmp_path / "anonymised"
    final.mkdir()
    (final / "old.html").write_text("an older build")
    staging = clean_site(tmp_path / "staging")
    gate_and_publish(_Case(), staging, final, ids=IDS)
    assert not staging.exists() and (final / "index.html").is_file()
    assert not (final / "old.html").exists()

    staging = clean_site(tmp_path / "staging2")
    (staging / "index.html").write_text("<p>Sarah Marsh</p>")
    with pytest.raises(LeakError) as e:
        gate_and_publish(_Case(), staging, final, ids=IDS)
    assert "index.html" in str(e.value) and "Sarah Marsh" in str(e.value)
    assert not staging.exists()
    assert list(final.iterdir()) == []


def test_publish_and_discard_helpers(tmp_path):
    staging = clean_site(tmp_path / "s")
    final = tmp_path / "f"
    publish(staging, final)
    assert (final / "index.html").is_file()
    discard(None, final)
    assert final.is_dir() and list(final.iterdir()) == []


def test_pdf_name():
    assert pdf_name("SAR-2024-07", "anonymised") == "SAR-2024-07-anonymised.pdf"
    assert pdf_name("SAR 2024/07", "restricted") == "SAR-2024-07-restricted.pdf"


def test_stale_staging_is_removed(tmp_path):
    from imr_site.publish.editions import remove_stale_staging, staging_dir

    final = tmp_path / "site"
    stale = staging_dir(final)
    stale.mkdir()
    (stale / "index.html").write_text("<p>Sarah Marsh</p>")
    other = tmp_path / ".other.imr-staging-1234"
    other.mkdir()
    remove_stale_staging(final)
    assert not stale.exists() and other.exists()


def test_copies_of_data_files_are_found(tmp_path):
    from imr_site.publish.site import data_copies

    data = tmp_path / "data"
    data.mkdir()
    (data / "chronology.yml").write_text("- date: 2024-01-01\n  event: visit\n")
    site = clean_site(tmp_path / "site")
    assert data_copies(site, data) == []
    (site / "downloads").mkdir()
    (site / "downloads" / "c.txt").write_text("- date: 2024-01-01\n  event: visit\n")
    (site / "people.yml").write_text("x")
    assert data_copies(site, data) == [
        ("downloads/c.txt", "chronology.yml"),
        ("people.yml", "people.yml"),
    ]


def test_office_attachment_is_read(tmp_path):
    import zipfile

    site = clean_site(tmp_path / "site")
    with zipfile.ZipFile(site / "letter.docx", "w") as z:
        z.writestr(
            "word/document.xml", "<w:p><w:r><w:t>Dear Mrs Brown</w:t><w:t>low</w:t></w:r></w:p>"
        )
    leaks, problems = scan_output(site, IDS)
    assert problems == [] and {(leak.file, leak.where) for leak in leaks} == {
        ("letter.docx", "document text")
    }
    (site / "broken.xlsx").write_bytes(b"not a zip")
    assert scan_output(site, IDS)[1]


def test_every_part_of_an_office_document_is_named_in_the_leak(tmp_path):
    """Each part of a Word document is read and named as the author would look for it; a
    folder, binary data and the zip's own member names are handled as such."""
    import zipfile

    site = tmp_path / "site"
    site.mkdir()
    parts = {
        "word/document.xml": ("<w:t>Sarah Marsh</w:t>", "document text"),
        "word/header1.xml": ("<w:t>Sarah Marsh</w:t>", "page header"),
        "word/footer2.xml": ("<w:t>Sarah Marsh</w:t>", "page footer"),
        "word/footnotes.xml": ("<w:t>Sarah Marsh</w:t>", "footnotes"),
        "word/endnotes.xml": ("<w:t>Sarah Marsh</w:t>", "endnotes"),
        "word/comments.xml": ("<w:t>Sarah Marsh</w:t>", "comments"),
        "docProps/core.xml": ("<dc:creator>Sarah Marsh</dc:creator>", "document properties"),
        "docProps/app.xml": ("<Company>Sarah Marsh</Company>", "document properties"),
        "docProps/custom.xml": ("<vt:lpwstr>Sarah Marsh</vt:lpwstr>", "document properties"),
        "word/_rels/document.xml.rels": ("<Rel>Sarah Marsh</Rel>", "link addresses"),
        "media/notes.txt": ("Sarah Marsh", "attachment"),
    }
    with zipfile.ZipFile(site / "letter.docx", "w") as z:
        z.writestr("media/", "")  # a folder, first: the members after it are still read
        z.writestr("media/image.bin", b"\x00\x01Alice Brownlow")  # binary: not read as text
        for name, (text, _) in parts.items():
            z.writestr(name, text)
    leaks, problems = scan_output(site, IDS)
    assert problems == []
    got = {(leak.where, leak.found) for leak in leaks}
    assert got == {(where, "Sarah Marsh") for _, where in parts.values()}


def test_office_attributes_and_link_addresses_are_read(tmp_path):
    import zipfile

    site = tmp_path / "site"
    site.mkdir()
    with zipfile.ZipFile(site / "letter.docx", "w") as z:
        z.writestr("word/document.xml", '<wp:docPr id="1" descr="Photo of Alice Brownlow"/>')
        z.writestr(
            "word/_rels/document.xml.rels",
            '<Relationship Id="r1" Target="mailto:sarah_marsh@trust.nhs.uk"/>',
        )
        z.writestr("media/sarah-marsh.txt", "nothing")
    leaks, problems = scan_output(site, IDS)
    assert problems == []
    assert sorted((leak.where, leak.found) for leak in leaks) == [
        ("attachment (member name)", "sarah"),
        ("document text (alt text, links)", "Alice Brownlow"),
        ("link addresses (links)", "sarah marsh"),
    ]


def test_a_damaged_office_file_or_pdf_is_a_problem_not_a_pass(tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    (site / "broken.xlsx").write_bytes(b"not a zip")
    assert scan_output(site, IDS) == (
        [],
        ["broken.xlsx: the attachment cannot be opened to check it (File is not a zip file)"],
    )
    from imr_site.people.leaks import pdf_texts

    assert pdf_texts(tmp_path / "gone.pdf") == (
        [],
        ["the PDF cannot be opened to check it for names (No such file or directory)."],
    )


def test_leak_findings_name_the_output_file_and_what_was_found():
    from imr_site.people.leaks import Leak, leak_findings

    leaks = [Leak("index.html", "page text", "Sarah Marsh", "name of DN2 in the people key")]
    problems = ["report.pdf: the PDF cannot be read, so it cannot be checked for names: damaged"]
    found = leak_findings(leaks, problems, "site-anon/")
    assert [(f.code, f.severity.value, f.file, f.line, f.message) for f in found] == [
        (
            "ANO002",
            "error",
            "site-anon/index.html",
            None,
            "the anonymised edition contains 'Sarah Marsh' (name of DN2 in the people key) in "
            "its page text.",
        ),
        (
            "ANO002",
            "error",
            None,
            None,
            "the anonymised edition could not be checked: report.pdf: the PDF cannot be read, so "
            "it cannot be checked for names: damaged",
        ),
    ]
    assert [f.file for f in leak_findings(leaks, [])] == ["index.html"]


def test_an_html_page_is_read_four_ways():
    """Its text with inline tags joined ('Mar<em>sh</em>' is one word) and with every tag a
    space, its attribute values and its comments, each exactly."""
    from imr_site.people.leaks import html_texts

    markup = "<p title=\"Sarah\" data-x='Marsh'>Mar<em>sh</em><br>Brown</p><!-- one --><!--two-->"
    assert html_texts(markup) == [
        ("page text", " Marsh Brown   "),
        ("page text", " Mar sh  Brown   "),
        ("page attributes", "Sarah\nMarsh"),
        ("page comments", " one \ntwo"),
    ]


def test_the_search_index_is_read_raw_as_its_strings_and_keys_and_its_html_as_text():
    from imr_site.people.leaks import search_index_texts

    raw = json.dumps(
        {
            "docs": [{"location": "a", "text": "<p>Mrs <em>Marsh</em></p>", "n": 3}],
            "Sarah": ["x", ["y"]],
        }
    )
    assert search_index_texts(raw) == [
        ("search index", raw),
        ("search index", "docs\nlocation\na\ntext\n<p>Mrs <em>Marsh</em></p>\nn\nSarah\nx\ny"),
        ("search index", " Mrs Marsh "),
        ("search index", " Mrs  Marsh  "),
    ]
    assert search_index_texts("not json <b>") == [("search index", "not json <b>")]


def test_the_gates_summary_lists_each_file_each_find_once_and_where_it_was():
    from imr_site.people.leaks import Leak, report

    leaks = [
        Leak("index.html", "page text", "Sarah Marsh", "name of DN2"),
        Leak("index.html", "page attributes", "Sarah Marsh", "name of DN2"),
        Leak("index.html", "page text", "Sarah Marsh", "name of DN2"),
        Leak("a.pdf", "PDF text (page 1)", "Alice", "first name of AB"),
    ]
    assert report(leaks, ["b.pdf: damaged"]) == (
        "  index.html:\n"
        "    'Sarah Marsh' (name of DN2) in the page text, page attributes\n"
        "  a.pdf:\n"
        "    'Alice' (first name of AB) in the PDF text (page 1)\n"
        "  cannot check: b.pdf: damaged"
    )
    assert report(leaks, [], limit=0) == "  index.html:\n  a.pdf:"


def test_a_name_broken_by_a_soft_hyphen_or_a_line_is_quoted_as_a_reader_would_copy_it():
    from imr_site.people.leaks import _matches

    assert _matches(IDS, "Seen by Sar\u00adah\nMarsh and Alice Brownlow.") == [
        ("Sarah Marsh", "full name of DN2 in the people key"),
        ("Alice Brownlow", "full name of the subject"),
    ]


def test_office_members_binary_after_the_first_4096_bytes_or_not_utf8_are_still_read(tmp_path):
    import zipfile

    site = tmp_path / "site"
    site.mkdir()
    with zipfile.ZipFile(site / "letter.docx", "w") as z:
        z.writestr("word/document.xml", b"x" * 4096 + b"\x00 Sarah Marsh")
        z.writestr("word/comments.xml", b"\xff\xfe Sarah Marsh")
    leaks, problems = scan_output(site, IDS)
    assert problems == []
    assert sorted((leak.where, leak.found) for leak in leaks) == [
        ("comments", "Sarah Marsh"),
        ("document text", "Sarah Marsh"),
    ]


def test_each_kind_of_output_file_is_read_as_what_it_is(tmp_path):
    """A compressed file that is not the sitemap, an .HTM page, a binary file (NUL bytes) and
    an image (.PNG) are told apart by their name and content; a file outside the site is named
    by its own name, and one that cannot be opened is a problem."""
    import gzip

    site = tmp_path / "site"
    (site / "sub").mkdir(parents=True)
    (site / "sub" / "notes.gz").write_bytes(gzip.compress(b"Sarah Marsh \xff"))
    (site / "sub" / "Page.HTM").write_text("<p>Alice Brownlow</p>")
    (site / "sub" / "data.bin").write_bytes(b"\x00\x01 Sarah Marsh")
    (site / "sub" / "plain.dat").write_bytes(b"Sarah Marsh")
    (site / "sub" / "logo.PNG").write_bytes(b"Sarah Marsh")
    (tmp_path / "outside.txt").write_text("Alice Brownlow")
    extra = [tmp_path / "outside.txt", tmp_path / "missing.txt"]
    leaks, problems = scan_output(site, IDS, extra_files=extra)
    dn2, subject = "full name of DN2 in the people key", "full name of the subject"
    assert [(x.file, x.where, x.found, x.what) for x in leaks] == [
        ("sub/Page.HTM", "page text", "Alice Brownlow", subject),
        ("sub/notes.gz", "compressed file", "Sarah Marsh", dn2),
        ("sub/plain.dat", "file", "Sarah Marsh", dn2),
        ("outside.txt", "file", "Alice Brownlow", subject),
    ]
    assert problems == [
        "missing.txt: the file cannot be opened to check it (No such file or directory)"
    ]


def test_a_skipped_file_is_passed_over_and_the_files_after_it_are_still_read(tmp_path):
    site = clean_site(tmp_path / "site")
    (site / "a-theme.js").write_text("function alice(){}")
    (site / "b-case.js").write_text("var who = 'Sarah Marsh';")
    leaks, _ = scan_output(site, IDS, skip={"a-theme.js"})
    assert [(x.file, x.found) for x in leaks] == [("b-case.js", "Sarah Marsh")]
