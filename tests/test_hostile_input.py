"""Hostile and careless input: an alias bomb, pasted HTML, links out of the case, huge files and
unreadable text each give one clear finding, and none of them reaches a reader or stalls a build."""

from __future__ import annotations

import subprocess
import time
import tracemalloc
import zipfile
from pathlib import Path

import pytest
from case_factory import edit, write_case
from conftest import imr

from imr_site.case.findings import CaseError
from imr_site.case.yamlio import YAMLProblem, parse_yaml
from imr_site.review.registry import load_case, run_checks

BOMB = """\
a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
"""


def where(findings, prefixes=("IMR", "HTM", "CHR016")) -> list[tuple[str, str | None, int | None]]:
    return sorted(
        (f.code, f.file, f.line) for f in findings if any(f.code.startswith(p) for p in prefixes)
    )


# --- YAML anchors and aliases --------------------------------------------------------------


def test_alias_bomb_is_refused_at_its_first_anchor_in_milliseconds_and_flat_memory():
    tracemalloc.start()
    started = time.perf_counter()
    with pytest.raises(YAMLProblem) as e:
        parse_yaml(BOMB, "data/chronology.yml")
    seconds = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert e.value.line == 1
    assert "&a" in e.value.message and "Write each value out in full" in e.value.message
    assert seconds < 0.1
    assert peak < 1_000_000  # bytes: nothing of the 10^9 values is ever built


@pytest.mark.parametrize(
    "text, line",
    [
        ("- date: 2024-01-01\n  event: &e Visit\n- date: 2024-01-02\n  event: *e\n", 2),
        ("- date: 2024-01-01\n  event: Visit\n- <<: *e\n", 3),
        ("x: !!binary aGVsbG8=\ny: [*a]\n", 2),
    ],
)
def test_any_anchor_or_alias_is_named_at_its_line(text, line):
    with pytest.raises(YAMLProblem) as e:
        parse_yaml(text, "data/chronology.yml")
    assert e.value.line == line


@pytest.mark.parametrize(
    "text",
    [
        "- event: A&E attendance; GP & nurse * noted\n  comment: '*quoted* and &amp'\n",
        "- event: |\n    * a bullet\n    **bold** & more\n",
    ],
)
def test_ampersands_and_stars_in_text_are_not_aliases(text):
    assert parse_yaml(text)[0]["event"]


def test_alias_bomb_in_every_yaml_file_of_a_case_is_a_finding_at_its_line(tmp_path):
    # a data file
    root = write_case(tmp_path / "data")
    (root / "data" / "chronology.yml").write_text(BOMB, encoding="utf-8")
    r = imr("check", str(root), timeout=30)
    assert r.returncode == 2, r.stdout
    assert "data/chronology.yml:1: error IMR004:" in r.stdout
    # front matter
    root = write_case(tmp_path / "fm")
    page = root / "docs" / "07-learning.md"
    edit(page, "section: learning\n", "section: learning\nx: &x [1]\ny: *x\n")
    with pytest.raises(CaseError) as e:
        load_case(root)
    assert [(f.code, f.file, f.line) for f in e.value.findings] == [
        ("IMR003", "docs/07-learning.md", 3)
    ]
    # mkdocs.yml: refused before MkDocs reads it, which would expand the bomb for minutes
    root = write_case(tmp_path / "cfg")
    with (root / "mkdocs.yml").open("a", encoding="utf-8") as f:
        f.write("extra:\n" + "".join(f"  {line}\n" for line in BOMB.splitlines()))
    serve = ["serve", str(root), "--dev-addr", "127.0.0.1:0"]
    for args in (["check", str(root)], ["build", str(root), "--no-pdf"], serve):
        r = imr(*args, timeout=60)
        assert r.returncode == 2
        assert "mkdocs.yml:" in r.stdout + r.stderr and "IMR002" in r.stdout + r.stderr


# --- raw HTML in sections ------------------------------------------------------------------

PASTED = """

Pasted from an e-mail: <img src="https://tracker.example.com/x.png" onerror="alert(1)"> here.

<script>alert(2)</script>

A [bad link](javascript:alert(3)) and <span style="color: red">red</span>.

<div style="background: url(https://tracker.example.com/bg.png)">styled</div>

<iframe src="https://video.example.com/embed/1"></iframe>

![Scan](https://cdn.example.org/letter.png)

Kept: line<br>break, x<sup>2</sup>, H<sub>2</sub>O, <abbr title="Mental Capacity Act 2005">MCA</abbr>,
<kbd>Ctrl</kbd>, <span class="imr-note">a note</span>, <mark>marked</mark> and
[the guidance](https://www.gov.uk/guidance).

<details><summary>More</summary><div class="imr-extra">Hidden detail.</div></details>

<table><tr><th style="text-align: center">Head</th></tr><tr><td colspan="1">Cell</td></tr></table>

```html
<script>this is only shown as code</script>
```
"""


@pytest.fixture(scope="module")
def pasted_case(tmp_path_factory):
    root = write_case(tmp_path_factory.mktemp("html") / "case", pdf=True)
    page = root / "docs" / "07-learning.md"
    text = page.read_text(encoding="utf-8")
    start = text.count("\n") + 1  # the first pasted line is this one plus two blank lines
    page.write_text(text + PASTED, encoding="utf-8")
    return root, start + 2


def test_check_names_each_pasted_danger_at_its_line(pasted_case):
    root, first = pasted_case
    found = [f for f in run_checks(load_case(root)) if f.code.startswith("HTM")]
    rel = "docs/07-learning.md"
    assert sorted((f.code, f.file, f.line) for f in found) == sorted(
        [
            ("HTM002", rel, first),  # onerror=
            ("HTM003", rel, first),  # the tracker picture
            ("HTM002", rel, first + 2),  # <script>
            ("HTM002", rel, first + 4),  # javascript: link
            ("HTM001", rel, first + 4),  # the colour style
            ("HTM003", rel, first + 6),  # style with url()
            ("HTM003", rel, first + 8),  # the iframe's outside address
            ("HTM001", rel, first + 8),  # the iframe itself
            ("HTM003", rel, first + 10),  # Markdown picture on another site
        ]
    )
    assert {f.severity.value for f in found if f.code != "HTM001"} == {"error"}


@pytest.mark.expect_warnings
def test_site_and_pdf_keep_the_allowed_html_and_nothing_dangerous(pasted_case, tmp_path):
    from conftest import build_site

    root, _ = pasted_case
    plugin, _ = build_site(root, tmp_path / "site")
    html = (tmp_path / "site" / "07-learning.html").read_text(encoding="utf-8")
    for gone in ("tracker.example.com", "onerror", "alert(", "cdn.example.org", "<iframe"):
        assert gone not in html, gone
    assert "<script>alert(2)" not in html
    for kept in (
        "<br>",
        "<sup>2</sup>",
        "<sub>2</sub>",
        '<abbr title="Mental Capacity Act 2005">MCA</abbr>',
        "<kbd>Ctrl</kbd>",
        '<span class="imr-note">a note</span>',
        "<mark>marked</mark>",
        '<a href="https://www.gov.uk/guidance">the guidance</a>',
        "<details><summary>More</summary>",
        '<div class="imr-extra">Hidden detail.</div>',
        'style="text-align:center"',
        'colspan="1"',
        "&lt;script&gt;this is only shown as code",
    ):
        assert kept in html, kept
    # the picture that was refused is shown as its description, and the PDF says so too
    assert '<span class="imr-picture-refused">Scan</span>' in html
    pdf_text = subprocess.run(
        ["pdftotext", str(plugin.pdf_path), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "Hidden detail." in pdf_text and "Scan" in pdf_text
    assert "alert(" not in pdf_text and "tracker.example.com" not in pdf_text
    # a refused picture is reported once, by the check, not again by the PDF as unprintable
    assert not [f for f in plugin.findings if f.code == "SEC006"]


def test_the_example_case_has_no_html_the_allow_list_removes(built_example):
    case = load_case(built_example.case_dir)
    assert [f for f in run_checks(case) if f.code.startswith("HTM")] == []
    # and its generated blocks (placed after the allow-list) are whole
    html = built_example.html("chronology")
    assert (
        "data-imr-block" in html
        and "<svg" in html
        and "<script" not in html.split("<article")[1].split("</article>")[0]
    )


# --- links out of the case ---------------------------------------------------------------


@pytest.mark.expect_warnings
def test_links_to_files_outside_the_case_are_refused_and_never_published(tmp_path):
    from conftest import build_site

    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "secret.txt").write_text("SECRET-FROM-ELSEWHERE\n", encoding="utf-8")
    (outside / "folder").mkdir()
    (outside / "folder" / "more.txt").write_text("SECRET-IN-FOLDER\n", encoding="utf-8")
    (outside / "people.yml").write_text("X1:\n  name: Someone Else\n", encoding="utf-8")
    root = write_case(tmp_path / "case")
    (root / "docs" / "notes.txt").symlink_to(outside / "secret.txt")
    (root / "docs" / "linked").symlink_to(outside / "folder")
    (root / "docs" / "inside.txt").symlink_to(root / "docs" / "07-learning.md")  # fine
    (root / "data" / "people.yml").unlink()
    (root / "data" / "people.yml").symlink_to(outside / "people.yml")

    case = load_case(root)
    assert where(run_checks(case), ("IMR",)) == [
        ("IMR007", "data/people.yml", None),
        ("IMR007", "docs/linked", None),
        ("IMR007", "docs/notes.txt", None),
    ]
    assert case.data.get("people") is None  # never read

    site = tmp_path / "site"
    build_site(root, site)
    published = "".join(
        p.read_text(encoding="utf-8", errors="replace") for p in site.rglob("*") if p.is_file()
    )
    assert "SECRET-FROM-ELSEWHERE" not in published and "SECRET-IN-FOLDER" not in published
    assert "Someone Else" not in published
    assert (site / "inside.txt").is_file()  # a link inside the case is fine

    # the offline bundle is a second build: the same files are left out
    r = imr("build", str(root), "--no-pdf", "--bundle", "--site-dir", str(tmp_path / "b"))
    assert r.returncode == 1, r.stderr
    (bundle,) = (tmp_path / "b").glob("*.zip")
    with zipfile.ZipFile(bundle) as z:
        names = z.namelist()
        assert not [n for n in names if n.endswith(("notes.txt", "more.txt"))]
        assert all(b"SECRET" not in z.read(n) for n in names)


# --- size limits ---------------------------------------------------------------------------


def _sparse(path: Path, size: int) -> None:
    with path.open("wb") as f:
        f.truncate(size)


def test_files_over_the_size_limit_are_refused_at_once(tmp_path):
    from imr_site.case.files import MAX_FILE_BYTES

    root = write_case(tmp_path / "case")
    _sparse(root / "docs" / "scan.png", MAX_FILE_BYTES + 1)
    _sparse(root / "docs" / "99-huge.md", MAX_FILE_BYTES + 1)
    _sparse(root / "data" / "glossary.yml", MAX_FILE_BYTES + 1)
    _sparse(root / "docs" / "ok.png", MAX_FILE_BYTES)  # at the limit: fine
    started = time.perf_counter()
    findings = run_checks(load_case(root))
    assert time.perf_counter() - started < 10
    assert where(findings, ("IMR",)) == [
        ("IMR008", "data/glossary.yml", None),
        ("IMR008", "docs/99-huge.md", None),
        ("IMR008", "docs/scan.png", None),
    ]
    assert "over the limit of 50 MB" in next(f.message for f in findings if f.code == "IMR008")


def test_a_chronology_over_the_entry_limit_is_refused_before_it_is_parsed(tmp_path):
    from imr_site.chronology.model import MAX_ENTRIES

    root = write_case(tmp_path / "case")
    entry = "- date: 2024-01-10\n  source: DN\n  contact_with: AB\n  event: Visit\n"
    (root / "data" / "chronology.yml").write_text(entry * (MAX_ENTRIES + 1), encoding="utf-8")
    started = time.perf_counter()
    case = load_case(root)
    findings = run_checks(case)
    assert time.perf_counter() - started < 10  # parsing 100,001 entries alone takes far longer
    assert where(findings, ("CHR016", "SCH")) == [("CHR016", "data/chronology.yml", None)]
    assert len(case.data["chronology"].entries) == 0
    # at the limit it is read as usual
    (root / "data" / "chronology.yml").write_text(entry * 3, encoding="utf-8")
    assert not where(run_checks(load_case(root)), ("CHR016",))


# --- one message per finding --------------------------------------------------------------


def test_a_section_that_is_not_utf8_is_reported_once(tmp_path):
    root = write_case(tmp_path / "case")
    with (root / "docs" / "07-learning.md").open("ab") as f:
        f.write("\nCaf\xe9 notes\n".encode("cp1252"))
    r = imr("check", str(root))
    assert r.returncode == 2
    assert r.stdout.count("not UTF-8") == 1, r.stdout
    r = imr("build", str(root), "--no-pdf", "--both-editions")
    assert r.returncode == 2
    assert (r.stdout + r.stderr).count("not UTF-8") == 1, r.stdout + r.stderr


@pytest.mark.expect_warnings
def test_front_matter_the_theme_shows_is_text_and_cannot_redirect(tmp_path):
    from conftest import build_site

    root = write_case(tmp_path / "case")
    page = root / "docs" / "07-learning.md"
    edit(
        page,
        "section: learning\n",
        "section: learning\n"
        "title: <img src=x onerror=alert(7)>\n"
        "description: '\"><script>alert(8)</script>'\n"
        "template: redirect.html\n"
        "location: javascript:alert(5)\n",
    )
    found = [(f.code, f.line) for f in run_checks(load_case(root)) if f.code.startswith("HTM")]
    assert found == [("HTM001", 3), ("HTM001", 4), ("HTM001", 5), ("HTM001", 6)]
    build_site(root, tmp_path / "site")
    html = (tmp_path / "site" / "07-learning.html").read_text(encoding="utf-8")
    assert "onerror=alert(7)>" not in html and "<script>alert(8)" not in html
    assert "alert(5)" not in html
    assert "&lt;img src=x onerror=alert(7)&gt;" in html  # shown as the words written


def test_the_same_thing_twice_on_a_line_is_one_finding(tmp_path):
    # found by tests/test_fuzz.py: two onload= on one line were two identical findings
    root = write_case(tmp_path / "case")
    page = root / "docs" / "07-learning.md"
    twice = '<svg viewBox="0 0 9 9"><rect width="5" height="5" onload="x()"/></svg>' * 2
    page.write_text(page.read_text(encoding="utf-8") + f"\n{twice}\n", encoding="utf-8")
    found = [f for f in run_checks(load_case(root)) if f.code.startswith("HTM")]
    assert [(f.code, f.message.split(":")[0]) for f in found] == [
        (
            "HTM002",
            "the onload= attribute on <rect> is a script that would run for every reader "
            "(2 times on this line)",
        )
    ]


# --- spreadsheets that would stall the import -----------------------------------------------


def _workbook(path: Path, far_cell: bool = False, merge: str | None = None) -> Path:
    import openpyxl
    from openpyxl.styles import Font

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Date", "Source", "Contact with", "Event"])
    ws.append(["22/05/2024", "District nursing", "AB", "Visit"])
    if far_cell:
        ws.cell(row=200_000, column=200).font = Font(bold=True)  # formatted, empty
    wb.save(path)
    if merge:
        # openpyxl itself would take minutes to write this; Excel writes it in one line
        with zipfile.ZipFile(path) as z:
            parts = {n: z.read(n) for n in z.namelist()}
        sheet = "xl/worksheets/sheet1.xml"
        parts[sheet] = parts[sheet].replace(
            b"</sheetData>",
            f'</sheetData><mergeCells count="1"><mergeCell ref="{merge}"/></mergeCells>'.encode(),
        )
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
            for name, data in parts.items():
                z.writestr(name, data)
    return path


def test_a_formatted_cell_far_away_does_not_stall_the_import(tmp_path):
    from imr_site.chronology.io import import_file

    started = time.perf_counter()
    result = import_file(_workbook(tmp_path / "far.xlsx", far_cell=True))
    assert time.perf_counter() - started < 10  # it ran for minutes, making 40 million cells
    assert [e["event"] for e in result.entries] == ["Visit"]


@pytest.mark.parametrize(
    "make, says",
    [
        (lambda p: _workbook(p / "m.xlsx", merge="E1:ZZ300000"), "merges 209,400,000 cells"),
        (
            lambda p: _write(p / "rows.csv", "Date,Event\n" + "2024-01-01,Visit\n" * 100_001),
            "100,002 rows",
        ),
        (lambda p: _sparse_file(p / "big.csv", 50 * 1024 * 1024 + 1), "the file is 50 MB"),
    ],
)
def test_spreadsheets_too_large_are_refused_and_nothing_is_written(tmp_path, make, says):
    root = write_case(tmp_path / "case")
    source = make(tmp_path)
    out = tmp_path / "out.yml"
    started = time.perf_counter()
    r = imr("chronology", "import", str(source), "--case", str(root), "-o", str(out), timeout=60)
    assert time.perf_counter() - started < 30
    assert r.returncode == 2 and says in r.stderr, r.stderr
    assert not out.exists()


def test_a_workbook_that_unpacks_to_gigabytes_is_refused(tmp_path):
    from imr_site.case.spreadsheet import MAX_UNPACKED_BYTES
    from imr_site.chronology.io import ImportRefused, import_file

    path = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as member:
            chunk = b" " * (1 << 20)
            for _ in range(MAX_UNPACKED_BYTES // len(chunk) + 1):
                member.write(chunk)
    assert path.stat().st_size < 2_000_000
    with pytest.raises(ImportRefused) as e:
        import_file(path)
    assert "unpacks to" in str(e.value.notes[0])


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def _sparse_file(path: Path, size: int) -> Path:
    _sparse(path, size)
    return path


def test_a_recommendation_written_twice_in_an_action_is_one_finding(tmp_path):
    # found by tests/test_fuzz.py: the same unreadable reference twice gave two identical lines
    root = write_case(tmp_path / "case")
    edit(root / "data" / "actions.yml", "- R1\n", "- ':R1'\n  - ':R1'\n  - R9\n  - r9\n")
    found = [(f.code, f.message) for f in run_checks(load_case(root)) if f.code == "ACT008"]
    assert sorted(m[:30] for _, m in found) == [
        "A1 serves R9, but there is no ",
        "A1: ':R1' is not a recommendat",
    ]


def test_a_character_the_fonts_cannot_draw_is_spelled_out_not_a_failed_pdf(tmp_path):
    # found by tests/test_fuzz.py: one emoji in a section stopped the whole PDF (SEC007, exit 2)
    from test_pdf import sample_document

    from imr_site.publish.pdf import PrintSection, write_pdf
    from imr_site.publish.pdf.convert import SectionSource

    body = "Seen on the ward 🙂 and noted."
    section = PrintSection(
        "learning",
        "Learning",
        6,
        "07-learning.html",
        f"<h1>6. Learning</h1>\n<p>{body}</p>",
        source=SectionSource("docs/07-learning.md", f"\n\n{body}", 5),
    )
    result = write_pdf(sample_document(rows=1, sections=[section]), tmp_path / "out.pdf")
    assert [(f.code, f.file, f.line) for f in result.findings] == [
        ("SEC005", "docs/07-learning.md", 7)
    ]
    text = subprocess.run(
        ["pdftotext", str(tmp_path / "out.pdf"), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "Seen on the ward (U+1F642) and noted." in text


def test_links_keep_web_mail_and_phone_addresses_only_and_the_check_agrees():
    from imr_site.sections.raw_html import removals, sanitise

    html = (
        '<p><a href="https://www.gov.uk">a</a> <a href="mailto:x@example.org">b</a> '
        '<a href="tel:+441234">c</a> <a href="other.html#q1">d</a> '
        '<a href="data:text/plain;base64,QQ==">e</a> <a href="ftp://e.example/f">f</a></p>'
    )
    clean = sanitise(html)
    assert [r.needle for r in removals(html)] == [
        "data:text/plain;base64,QQ==",
        "ftp://e.example/f",
    ]
    assert "data:" not in clean and "ftp:" not in clean
    for kept in ("https://www.gov.uk", "mailto:x@example.org", "tel:+441234", "other.html#q1"):
        assert f'href="{kept}"' in clean
    assert removals(clean) == []


def test_every_page_mkdocs_publishes_is_checked_whatever_its_suffix(tmp_path):
    # MkDocs renders .markdown, .mdown, .mkdn and .mkd pages too; they were never read
    root = write_case(tmp_path / "case")
    (root / "docs" / "notes.markdown").write_text("---\nx: &a 1\n---\n# Notes\n", encoding="utf-8")
    with pytest.raises(CaseError) as e:
        load_case(root)
    assert [(f.code, f.file, f.line) for f in e.value.findings] == [
        ("IMR003", "docs/notes.markdown", 2)
    ]
    (root / "docs" / "notes.markdown").write_text("# Notes\n\n<script>x()</script>\n", "utf-8")
    found = [(f.code, f.file, f.line) for f in run_checks(load_case(root)) if f.code[:3] == "HTM"]
    assert found == [("HTM002", "docs/notes.markdown", 3)]
