"""Random and mutated input through `imr check`, `imr chronology import` and the print path.

The only outcomes allowed are exit 0, 1 or 2 with findings (or a refusal that writes nothing).
A traceback, a hang past the deadline, or an author's file changed or lost fails the test. The
default run is a few hundred examples in all; `-m slow` runs thousands.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import re
import signal
import string
from pathlib import Path

import pytest
from case_factory import write_case
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from test_pdf import sample_document

from imr_site.cli import main
from imr_site.sections import raw_html

SECONDS = 30  # any one example; far more than any takes


@contextlib.contextmanager
def deadline(seconds: int = SECONDS):
    """Fail (rather than hang the run) if an example takes longer than ``seconds``."""

    def stop(signum, frame):
        raise AssertionError(f"no answer after {seconds} s: a hang")

    old = signal.signal(signal.SIGALRM, stop)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


def run(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with deadline(), contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(args))
    return code, out.getvalue(), err.getvalue()


def check_json(root: Path) -> tuple[int, list[dict]]:
    """`imr check --format json`: exit 0 with no finding, 1 or 2 with at least one."""
    code, out, _ = run("check", str(root), "--format", "json")
    findings = json.loads(out)["findings"]
    assert code in (0, 1, 2)
    assert (code == 0) == (not [f for f in findings if f["severity"] == "error"]), out
    for f in findings:
        assert f["code"] and f["message"], f
    said = [(f["code"], f["file"], f["line"], f["message"]) for f in findings]
    assert len(said) == len(set(said)), f"a finding said twice: {out}"
    return code, findings


FEW = settings(
    max_examples=50,
    deadline=None,  # the SIGALRM deadline above fails a hang; a slow shared machine is not one
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
MANY = settings(FEW, max_examples=1000)

# --- pieces that break YAML, Markdown and CSV in interesting ways ---------------------------

YAML_PIECES = [
    ":", ": ", "- ", "-", "\n", "\n  ", "  ", "\t", "#", "'", '"', "|", ">", "[", "]", "{", "}",
    ",", "&a ", "*a", "!!", "!!binary ", "!!python/object:os.system ", "? ", "---\n", "...\n",
    "%YAML 1.1\n", "<<: ", "~", "null", "yes", "NO", "0x1F", "1e400", "2024-02-30", "10:30",
    "45434", "\ufeff", "\x00", "\u202e", "é", "£", "🙂", "date", "event", "source", "AB", "DN2",
    "Sarah Marsh", "<script>", "=cmd|' /C calc'!A0", "\\", "%", "@", "`", "\r", "\r\n",
    "\x85", "\u2028", "\u2029", "!tag ", "!!str ",
]  # fmt: skip
MARKDOWN_PIECES = [
    "\n", "\n\n", "# ", "## ", "### R1. ", "- ", "1. ", "> ", "```\n", "`", "*", "**", "_",
    "[", "]", "(", ")", "![", "](", "https://tracker.example.com/x.png", "javascript:alert(1)",
    "data:text/html,<b>", "data:image/png;base64,iVBORw0KGgo=", "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>", "<img src=\"//evil.example/p.gif\">", "<iframe src=a>",
    "<div style=\"background:url(https://e.example/b.png)\">", "</div>", "<span class=x>",
    "</span>", "<svg viewBox=\"0 0 10 10\"><rect width=\"5\" height=\"5\" onload=\"x()\"/>",
    "</svg>", "<details><summary>s</summary>", "</details>", "<table><tr><td>", "</td></tr>",
    "</table>", "| a | b |\n|---|---|\n| 1 | 2 |\n", "{: onclick=\"x()\" }", "{: .cls #id }",
    "[^1]", "[^1]: note\n", "*[ABC]: A B C\n", "!!! note\n    ", "<!--", "-->",
    "<!-- imr:chronology -->", "&", "&amp;", "&#0;", "<", ">", "\x00", "\u200b", "é", "🙂",
    "<a href=\"JaVaScRiPt:alert(1)\">", "</a>", "<style>@import 'x.css'</style>", "<br>",
    "<sup>", "</sup>", "<math><mi>x</mi></math>", "<form action=x><input></form>",
    "#imr-evil[]", "$x$", "\\", "<link rel=stylesheet href=https://e.example/s.css>",
]  # fmt: skip
CELL_PIECES = [
    "22/05/2024", "2024-05-22", "22.05.24", "22-May-24", "May 2024", "45434", "31/02/2024",
    "10:30", "25:99", "yes", "no", "Key", "", " ", ",", ";", "\t", '"', "\n", "\r\n", "=1+1",
    "=HYPERLINK(\"http://e.example\")", "+44", "-", "@", "é", "£", "🙂", "\x00", "\ufeff",
    "DN2 visited AB", "Sarah Marsh", "<script>", "&a", "*b", ": x", "- y", "#", "'", "null",
]  # fmt: skip
HEADINGS = ["Date", "Time", "Source of information", "Contact with", "Event", "Action taken"]
HEADINGS += ["Outcome/Decision", "Key episode", "Comment", "Unknown column", ""]


def joined(pieces: list[str], max_size: int = 40) -> st.SearchStrategy[str]:
    return st.lists(
        st.one_of(st.sampled_from(pieces), st.text(string.printable, max_size=6)),
        max_size=max_size,
    ).map("".join)


@st.composite
def mutated(draw, text: str) -> str:
    """``text`` with a few random edits: pieces inserted, slices deleted, lines repeated."""
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(text)))
        kind = draw(st.sampled_from(["insert", "delete", "repeat", "insert"]))
        if kind == "insert":
            text = text[:at] + draw(joined(YAML_PIECES, 4)) + text[at:]
        elif kind == "delete":
            text = text[:at] + text[at + draw(st.integers(1, 40)) :]
        else:
            lines = text.split("\n")
            i = draw(st.integers(0, max(len(lines) - 1, 0)))
            lines.insert(i, lines[i] if lines else "")
            text = "\n".join(lines)
    return text


# --- a small case, changed and put back for each example ------------------------------------


@pytest.fixture(scope="module")
def case(tmp_path_factory) -> Path:
    return write_case(tmp_path_factory.mktemp("fuzz") / "case")


@contextlib.contextmanager
def replaced(path: Path, data: str | bytes):
    """``path`` holds ``data`` for the example, and exactly its old content afterwards."""
    old = path.read_bytes()
    try:
        if isinstance(data, str):
            path.write_text(data, encoding="utf-8", errors="surrogatepass")
        else:
            path.write_bytes(data)
        yield
    finally:
        path.write_bytes(old)


DATA = ["chronology", "glossary", "people", "actions"]


def _data_file(case: Path, name: str, text: str) -> None:
    path = case / "data" / f"{name}.yml"
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return  # a lone surrogate cannot be written as text at all
    with replaced(path, text):
        before = {p: p.read_bytes() for p in (case / "data").iterdir()}
        check_json(case)
        # checking never changes the author's files
        assert {p: p.read_bytes() for p in (case / "data").iterdir()} == before


data_files = st.sampled_from(DATA).flatmap(
    lambda name: st.tuples(
        st.just(name),
        st.one_of(
            st.text(max_size=200),
            joined(YAML_PIECES, 60),
            mutated(_ORIGINALS[name]),
        ),
    )
)
_ORIGINALS: dict[str, str] = {}


@pytest.fixture(scope="module", autouse=True)
def _originals(case):
    for name in DATA:
        _ORIGINALS[name] = (case / "data" / f"{name}.yml").read_text(encoding="utf-8")


@FEW
@given(named=data_files)
def test_data_files_random_and_mutated(case, named):
    _data_file(case, *named)


@pytest.mark.slow
@MANY
@given(named=data_files)
def test_data_files_random_and_mutated_thousands(case, named):
    _data_file(case, *named)


# --- front matter ---------------------------------------------------------------------------


def _front_matter(case: Path, page: str, text: str) -> None:
    path = case / "docs" / page
    original = path.read_text(encoding="utf-8")
    _, fm, body = original.split("---\n", 2)
    with replaced(path, f"---\n{text}\n---\n{body}"):
        check_json(case)


front_matter = st.sampled_from(["00-introduction.md", "09-signoff.md", "10-date.md"]).flatmap(
    lambda page: st.tuples(st.just(page), joined(YAML_PIECES, 50))
)


@FEW
@given(example=front_matter)
@example(example=("00-introduction.md", "? "))  # a key read as nothing: once a traceback
def test_front_matter_random(case, example):
    _front_matter(case, *example)


@pytest.mark.slow
@MANY
@given(example=front_matter)
def test_front_matter_random_thousands(case, example):
    _front_matter(case, *example)


# --- Markdown: `imr check`, and the print path in-process ---------------------------------


def _markdown_check(case: Path, body: str) -> None:
    path = case / "docs" / "07-learning.md"
    with replaced(path, path.read_text(encoding="utf-8") + "\n" + body):
        check_json(case)


markdown = joined(MARKDOWN_PIECES, 40)


@FEW
@given(body=markdown)
# <details> is HTML, not the placeholder <detail>; once reported, twice, as PLH001
@example(body="<details><summary>s</summary><details><summary>s</summary>")
def test_markdown_through_check(case, body):
    _markdown_check(case, body)


@pytest.mark.slow
@MANY
@given(body=markdown)
def test_markdown_through_check_thousands(case, body):
    _markdown_check(case, body)


def _attributes(html: str) -> list[tuple[str, str]]:
    """(element, attribute name) of every attribute, as a browser's parser reads them."""
    from html.parser import HTMLParser

    found: list[tuple[str, str]] = []

    class Reader(HTMLParser):
        def handle_starttag(self, tag, attrs):
            found.extend((tag, name) for name, _ in attrs)

        handle_startendtag = handle_starttag

    Reader(convert_charrefs=True).feed(html)
    return found


def _print_path(body: str, compile_pdf: bool = False, tmp: Path | None = None) -> None:
    """Markdown -> HTML -> the allow-list -> Typst, as a build does for each section."""
    from imr_site.publish.pdf import PrintSection, typst_source, write_pdf
    from imr_site.publish.pdf.convert import SectionSource

    with deadline():
        html = raw_html._renderer()(f"# 6. Learning\n\n{body}")
        clean = raw_html.sanitise(html)
        # what the allow-list leaves passes its own audit: the check and the build agree
        assert raw_html.removals(clean) == [], clean
        tags = re.findall(r"<[^>]*>", clean.lower())
        # a handler is an attribute whose name starts with "on" (not "on..." inside a quoted
        # value, like a link to the address '{: onclick="x()"')
        handlers = [(tag, name) for tag, name in _attributes(clean) if name.startswith("on")]
        assert not [t for t in tags if t.startswith("<script")] and handlers == []
        # as a browser reads an address: leading spaces and control characters are ignored
        runs = re.compile(r'(?:href|src)="[\x00-\x20]*(?:javascript|vbscript):')
        fetches = re.compile(r'src="[\x00-\x20]*(?:(?!data:image)\w+:|//)')
        assert not [t for t in tags if runs.search(t) or fetches.search(t)]
        section = PrintSection(
            "learning",
            "Learning",
            6,
            "07-learning.html",
            clean,
            source=SectionSource("docs/07-learning.md", body, 3),
        )
        doc = sample_document(rows=1, sections=[section])
        source = typst_source(doc)
        for f in source.findings:
            assert f.code.startswith("SEC") and f.message
        if compile_pdf:
            write_pdf(doc, tmp / "fuzz.pdf")


@settings(FEW, max_examples=100)
@given(body=markdown)
@example(body='[]({: onclick="x()" }')  # "onclick" inside an address is no handler
def test_markdown_through_the_print_path(body):
    _print_path(body)


@pytest.mark.slow
@settings(MANY, max_examples=2000)
@given(body=markdown)
def test_markdown_through_the_print_path_thousands(body):
    _print_path(body)


@pytest.mark.slow
@settings(MANY, max_examples=100)
@given(body=markdown)
def test_markdown_compiled_into_a_pdf(body, tmp_path_factory):
    _print_path(body, compile_pdf=True, tmp=tmp_path_factory.mktemp("pdf"))


# --- CSV and XLSX cells through `imr chronology import` -----------------------------------

cells = st.one_of(joined(CELL_PIECES, 4), st.text(max_size=12))
sheets = st.tuples(
    st.lists(st.sampled_from(HEADINGS), min_size=1, max_size=8, unique=True),
    st.lists(st.lists(cells, max_size=9), max_size=12),
)


def _import(case: Path, source: Path, out: Path) -> None:
    chronology = case / "data" / "chronology.yml"
    before = chronology.read_bytes()
    # into the case, which has a chronology: refused without --force, and nothing changes
    code, _, err = run("chronology", "import", str(source), "--case", str(case))
    assert code == 2 and err
    assert chronology.read_bytes() == before
    # into a new file: written whole, or not at all
    code, _, err = run("chronology", "import", str(source), "--case", str(case), "-o", str(out))
    assert code in (0, 1, 2)
    if code == 2:
        assert not out.exists() and err
        return
    try:
        with replaced(chronology, out.read_bytes()):
            check_json(case)  # and what was written, `imr check` reads
    finally:
        out.unlink()


def _csv(case: Path, sheet, encoding: str, tmp: Path) -> None:
    headings, rows = sheet
    buf = io.StringIO(newline="")
    writer = csv.writer(buf)
    writer.writerow(headings)
    writer.writerows(rows)
    source = tmp / "in.csv"
    source.write_bytes(buf.getvalue().encode(encoding, errors="replace"))
    _import(case, source, tmp / "out.yml")


encodings = st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "utf-16"])


@FEW
@given(sheet=sheets, encoding=encodings)
def test_csv_cells_through_import(case, sheet, encoding, tmp_path_factory):
    _csv(case, sheet, encoding, tmp_path_factory.mktemp("csv"))


@pytest.mark.slow
@MANY
@given(sheet=sheets, encoding=encodings)
def test_csv_cells_through_import_thousands(case, sheet, encoding, tmp_path_factory):
    _csv(case, sheet, encoding, tmp_path_factory.mktemp("csv"))


xlsx_values = st.one_of(
    cells,
    st.integers(-(10**12), 10**12),
    st.floats(allow_nan=True, allow_infinity=False),
    st.booleans(),
    st.none(),
    st.dates(),
    st.datetimes(),
    st.times(),
)


def _xlsx(case: Path, headings, rows, tmp: Path) -> None:
    import openpyxl
    from openpyxl.utils.exceptions import IllegalCharacterError

    wb = openpyxl.Workbook()
    ws = wb.active
    try:
        ws.append(headings)
        for row in rows:
            ws.append(row)
    except (IllegalCharacterError, ValueError):
        return  # Excel cannot hold it either
    source = tmp / "in.xlsx"
    wb.save(source)
    _import(case, source, tmp / "out.yml")


xlsx_sheets = st.tuples(
    st.lists(st.sampled_from(HEADINGS), min_size=1, max_size=8, unique=True),
    st.lists(st.lists(xlsx_values, max_size=9), max_size=10),
)


@settings(FEW, max_examples=30)
@given(sheet=xlsx_sheets)
def test_xlsx_cells_through_import(case, sheet, tmp_path_factory):
    _xlsx(case, *sheet, tmp_path_factory.mktemp("xlsx"))


@pytest.mark.slow
@settings(MANY, max_examples=500)
@given(sheet=xlsx_sheets)
def test_xlsx_cells_through_import_thousands(case, sheet, tmp_path_factory):
    _xlsx(case, *sheet, tmp_path_factory.mktemp("xlsx"))


# --- the anchor guard misses no anchor ------------------------------------------------------


def _no_anchor_slips_through(text: str) -> None:
    import yaml

    from imr_site.case.yamlio import YAMLProblem, parse_yaml

    try:
        events = list(yaml.parse(text, Loader=yaml.SafeLoader))
    except yaml.YAMLError:
        return  # not YAML at all: reported as such
    anchored = [e for e in events if isinstance(e, yaml.AliasEvent) or getattr(e, "anchor", None)]
    if anchored:
        with pytest.raises(YAMLProblem) as e:
            parse_yaml(text)
        assert "anchor" in e.value.message or "alias" in e.value.message


@settings(FEW, max_examples=200)
@given(text=joined(YAML_PIECES, 30))
def test_the_anchor_guard_misses_no_anchor(text):
    _no_anchor_slips_through(text)


@pytest.mark.slow
@settings(MANY, max_examples=5000)
@given(text=joined(YAML_PIECES, 30))
def test_the_anchor_guard_misses_no_anchor_thousands(text):
    _no_anchor_slips_through(text)
