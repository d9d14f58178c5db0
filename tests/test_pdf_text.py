"""The leak gate reads PDFs with wheels alone (imr_site.people.pdf_text), and misses nothing.

Each test writes a small PDF with Typst (the engine of the new PDF) or by hand with pikepdf, puts
a real name somewhere a reader or a machine could get it from, and checks that the gate finds
it there. Where poppler is installed, the wheels' text is compared with what ``pdftotext`` and
``pdfinfo`` get out of the same PDFs: every word poppler finds must be in ours. Poppler is only
the yardstick; nothing here needs it.
"""

from __future__ import annotations

import io
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pikepdf
import pytest
import typst
from conftest import poppler
from pikepdf import Array, Dictionary, Name

from imr_site.people.identifiers import SubjectDetails, fold, identifiers_from
from imr_site.people.key import Person
from imr_site.people.leaks import Leak, pdf_texts, scan_output
from imr_site.people.pdf_text import PdfReadError, decode_text, page_count, read_pdf

IDS = identifiers_from(
    [
        Person("DN2", "Sarah Marsh"),
        Person("SW1", "Siân Ffion Ŵyn"),
        Person("GP1", "Zoë O'Brien-Łukasz"),
        Person("PC3", "Hans Müller"),
        Person("HV1", "Griffin Waffle"),
        Person("SW2", "Anne-Marie Featherstonehaugh"),
    ],
    SubjectDetails("AB", "Alice Brownlow", "1948-07-23", "14 Heron Close, Anytown, AT4 9QZ"),
)
SVG = "<svg xmlns='http://www.w3.org/2000/svg' width='10' height='10'/>"
needs_poppler = pytest.mark.usefixtures("poppler_utils")


@pytest.fixture
def poppler_utils():
    poppler()


def typst_pdf(body: str, root: Path | None = None) -> bytes:
    """A PDF from Typst markup (in ``root``, if it reads files from there)."""
    source = '#set text(lang: "en")\n' + body
    if root is None:
        return typst.compile(source.encode())
    (root / "main.typ").write_text(source, encoding="utf-8")
    return typst.compile(str(root / "main.typ"), root=str(root))


def gate(tmp_path: Path, pdf: bytes) -> list[Leak]:
    """The leak gate's findings for an output folder holding just this PDF; none may be a
    problem (a PDF the gate could not read)."""
    site = tmp_path / "site"
    site.mkdir(exist_ok=True)
    (site / "report.pdf").write_bytes(pdf)
    leaks, problems = scan_output(site, IDS)
    assert problems == []
    return leaks


def found(leaks: list[Leak], name: str, where: str) -> bool:
    """Whether ``name`` (written any way the matcher allows) was found in a view ``where``."""
    want = fold(name).casefold()
    return any(
        fold(leak.found).casefold() == want and leak.where.startswith(where) for leak in leaks
    )


def views_with(tmp_path: Path, pdf: bytes, name: str) -> set[str]:
    """Every view of the PDF the gate reads in which ``name`` is found (the gate itself reports
    a name once for each kind of place: the title, say, but not the XMP packet as well)."""
    path = tmp_path / "views.pdf"
    path.write_bytes(pdf)
    views, problems = pdf_texts(path)
    assert problems == []
    want = fold(name).casefold()
    return {
        where
        for where, text in views
        if any(fold(m.text).casefold() == want for m in IDS.find(text))
    }


def report_of(leaks: list[Leak]) -> str:
    return "\n".join(map(str, leaks)) or "nothing found"


# Where a name can be in a page, one place each: the gate must find it in the page text.
ON_THE_PAGE = {
    "body text": ("DN2 met Sarah Marsh at home.", "Sarah Marsh"),
    "a table cell": ("#table(columns: 2, [Visit], [Alice Brownlow])", "Alice Brownlow"),
    "a narrow table cell": ("#table(columns: (2cm, 1.6cm), [Visit], [Sarah Marsh])", "Sarah Marsh"),
    "a heading": ("= Visit by Sarah Marsh\nText.", "Sarah Marsh"),
    "a footnote": ("Seen at home.#footnote[Told by Alice Brownlow.]", "Alice Brownlow"),
    "a link's text": ('#link("https://example.org/")[Alice Brownlow]', "Alice Brownlow"),
    "accents (Welsh)": ("Seen by Siân Ffion Ŵyn.", "Siân Ffion Ŵyn"),
    "accents and a curly apostrophe": ("Seen by Zoë O'Brien-Łukasz.", "Zoë O'Brien-Łukasz"),
    "an umlaut": ("Seen by PC Hans Müller.", "Hans Müller"),
    "fi, ffi and ffl ligatures": ("Seen by Griffin Waffle, fine.", "Griffin Waffle"),
    "small capitals": ("#smallcaps[Alice Brownlow]", "Alice Brownlow"),
    "code": ("```\nvisit(Sarah Marsh)\n```", "Sarah Marsh"),
    "a figure caption": (
        f'#figure(image(bytes("{SVG}"), format: "svg", alt: "A box"), caption: [Alice Brownlow])',
        "Alice Brownlow",
    ),
    "text turned a quarter": ("#rotate(90deg, reflow: true)[Sarah Marsh]", "Sarah Marsh"),
    "text at a slant": ("#rotate(-30deg)[Alice Brownlow]", "Alice Brownlow"),
    "mirrored text": ("#scale(x: -100%)[Sarah Marsh]", "Sarah Marsh"),
    "a landscape page": ("#set page(flipped: true)\nAlice Brownlow.", "Alice Brownlow"),
    "a watermark (page background)": (
        "#set page(background: rotate(45deg, text(48pt, fill: luma(85%))[Sarah Marsh]))\nText.",
        "Sarah Marsh",
    ),
    "a running header": ("#set page(header: [Review: Alice Brownlow])\nText.", "Alice Brownlow"),
    "white text": ("#text(fill: white)[Sarah Marsh]", "Sarah Marsh"),
    "tiny text": ("#text(size: 1pt)[Sarah Marsh]", "Sarah Marsh"),
    "text placed off the page": ("Text. #place(dx: 30cm)[Sarah Marsh]", "Sarah Marsh"),
    "the second page": ("Text.\n#pagebreak()\nAlice Brownlow.", "Alice Brownlow"),
}


@pytest.mark.parametrize("body, name", ON_THE_PAGE.values(), ids=ON_THE_PAGE.keys())
def test_a_name_on_the_page_is_found(tmp_path, body, name):
    leaks = gate(tmp_path, typst_pdf(body))
    assert found(leaks, name, "PDF text (page "), report_of(leaks)


def test_ligatures_are_read_as_letters(tmp_path):
    pdf = typst_pdf("Seen by Griffin Waffle, fine.")
    # The case this is about: the font draws "ffi", "ffl" and "fi" as one glyph each.
    with pikepdf.open(io.BytesIO(pdf)) as doc:
        streams = [o.read_bytes() for o in doc.objects if isinstance(o, pikepdf.Stream)]
    maps = b"".join(s for s in streams if b"beginbfchar" in s)  # glyph -> letters
    for ligature in ("ffi", "ffl", "fi"):
        assert f"<{ligature.encode('utf-16-be').hex().upper()}>".encode() in maps, ligature
    assert "Griffin Waffle, fine" in read_pdf(pdf).pages[0]
    assert found(gate(tmp_path, pdf), "Griffin Waffle", "PDF text (page 1)")


def test_the_page_a_name_is_on_is_named(tmp_path):
    leaks = gate(tmp_path, typst_pdf("Text.\n#pagebreak()\nText.\n#pagebreak()\nSarah Marsh."))
    assert found(leaks, "Sarah Marsh", "PDF text (page 3)"), report_of(leaks)


def test_a_word_broken_over_two_lines_is_found_whole(tmp_path):
    body = (
        "#set text(hyphenate: true)\n#set par(justify: true)\n#box(width: 3.2cm)[The visit was "
        "arranged by Anne-Marie Featherstonehaugh, who was extraordinarily helpful.]\n\n"
        "#table(columns: (1.5cm, 2cm), [Who], [Alice Brownlow])"
    )
    pdf = typst_pdf(body)
    text = read_pdf(pdf).pages[0]
    # The layout this test is about: Typst broke both names at the end of a line.
    assert "Anne\u00adMarie" in text and "Featherstone\u00adhaugh" in text, text
    assert "Brown\u00adlow" in text, text
    leaks = gate(tmp_path, pdf)
    # Poppler joins "Anne-" / "Marie" as "AnneMarie" and leaves "Featherstone-" / "haugh" in
    # two: it would find neither.
    for name in ("Anne-Marie", "Featherstonehaugh", "Alice Brownlow"):
        assert found(leaks, name, "PDF text"), f"{name}:\n{report_of(leaks)}"


def test_a_heading_is_found_in_the_bookmarks(tmp_path):
    leaks = gate(tmp_path, typst_pdf("= Visit by Sarah Marsh\nText."))
    assert found(leaks, "Sarah Marsh", "PDF bookmarks"), report_of(leaks)


@pytest.mark.parametrize(
    "setting, key",
    [
        ('title: "Review of Sarah Marsh"', "Title"),
        ('author: "Zoë O\'Brien-Łukasz"', "Author"),
        ('keywords: ("review", "Siân Ffion Ŵyn")', "Keywords"),
        ('description: "About Alice Brownlow"', "Subject"),
    ],
)
def test_document_metadata_is_found(tmp_path, setting, key):
    name = re.search(r"(Sarah Marsh|Zoë O'Brien-Łukasz|Siân Ffion Ŵyn|Alice Brownlow)", setting)
    pdf = typst_pdf(f"#set document({setting})\nText.")
    leaks = gate(tmp_path, pdf)
    assert found(leaks, name.group(1), f"PDF metadata ({key})"), report_of(leaks)
    assert "PDF metadata (XMP)" in views_with(tmp_path, pdf, name.group(1))


@pytest.mark.parametrize(
    "body, name, where",
    [
        (
            f'#image(bytes("{SVG}"), format: "svg", alt: "Photo of Alice Brownlow")',
            "Alice Brownlow",
            "PDF objects",
        ),
        ('#link("https://example.org/people/sarah_marsh")[the page]', "sarah marsh", "PDF objects"),
        (
            '#link("https://example.org/find?who=Alice%20Brownlow")[search]',
            "Alice Brownlow",
            "PDF objects",
        ),
        ('#link("mailto:sarah.marsh@example.org")[write]', "sarah marsh", "PDF objects"),
    ],
    ids=["image alt text", "link address", "link address, percent-encoded", "mail link"],
)
def test_a_name_off_the_page_is_found(tmp_path, body, name, where):
    leaks = gate(tmp_path, typst_pdf(body))
    assert found(leaks, name, where), report_of(leaks)


def test_attachments_are_read(tmp_path):
    (tmp_path / "actions.csv").write_bytes("action,owner\nreview,Zoë\n".encode("cp1252"))
    (tmp_path / "inner.pdf").write_bytes(typst_pdf("Inner notes about Hans Müller."))
    body = """
#pdf.attach("chronology.csv", bytes("date,event\\n2024-01-01,Visit by Sarah Marsh\\n"),
  relationship: "supplement", mime-type: "text/csv", description: "Kept by Alice Brownlow")
#pdf.attach("actions.csv", relationship: "supplement", mime-type: "text/csv")
#pdf.attach("notes-siân-ŵyn.txt", bytes("nothing"), mime-type: "text/plain")
#pdf.attach("inner.pdf", relationship: "supplement", mime-type: "application/pdf")
Text.
"""
    pdf = typst_pdf(body, tmp_path)
    names = [a.name for a in read_pdf(pdf).attachments]
    assert sorted(names) == ["actions.csv", "chronology.csv", "inner.pdf", "notes-siân-ŵyn.txt"]
    leaks = gate(tmp_path, pdf)
    assert found(leaks, "Sarah Marsh", "PDF attachment chronology.csv"), report_of(leaks)
    assert found(leaks, "Alice Brownlow", "PDF objects"), report_of(leaks)  # its description
    assert found(leaks, "Zoë", "PDF attachment actions.csv"), report_of(leaks)  # Windows-1252
    assert found(leaks, "Siân Ŵyn", "PDF attachment name"), report_of(leaks)
    inner = "PDF attachment inner.pdf, PDF text (page 1)"
    assert found(leaks, "Hans Müller", inner), report_of(leaks)


def test_a_clean_pdf_with_everything_has_no_leak(tmp_path):
    """Metadata, bookmarks, links, alt text, a watermark and attachments, and no name: the gate
    reads all of it and finds nothing (no name "found" by chance in the PDF's machinery)."""
    body = f"""
#set document(title: "IMR SAR-2025-014", author: "Review panel", keywords: ("IMR", "DN2"))
#set page(background: rotate(45deg, text(48pt, fill: luma(85%))[DRAFT]), header: [IMR])
#pdf.attach("chronology.csv", bytes("date,event\\n2024-01-01,DN2 visited AB\\n"),
  relationship: "supplement", mime-type: "text/csv", description: "The chronology")
= Introduction
DN2 met AB at home.#footnote[As recorded by GP1.]
#table(columns: 2, [Who], [DN2])
#link("https://example.org/review/dn2")[The review]
#image(bytes("{SVG}"), format: "svg", alt: "A box")
#set page(flipped: true)
= Analysis
Office, difficult, baffled, affluent.
"""
    assert gate(tmp_path, typst_pdf(body)) == []


# --- PDFs made by hand: what a PDF can hold that Typst does not write --------------------------


def _hand_made(content: bytes) -> pikepdf.Pdf:
    """A one-page PDF with a line of text and ``content`` drawn after it."""
    pdf = pikepdf.new()
    page = pdf.add_blank_page(page_size=(300, 300))
    font = pdf.make_indirect(
        Dictionary(Type=Name.Font, Subtype=Name.Type1, BaseFont=Name.Helvetica)
    )
    page.Resources = Dictionary(Font=Dictionary(F1=font))
    page.Contents = pdf.make_stream(b"BT /F1 12 Tf 20 250 Td (Text.) Tj ET " + content)
    return pdf


def _save(pdf: pikepdf.Pdf, **options) -> bytes:
    out = io.BytesIO()
    pdf.save(out, **options)
    return out.getvalue()


@pytest.mark.parametrize("flags", [0, 2, 32], ids=["shown", "hidden", "not for screen"])
def test_a_stamp_is_read_even_when_hidden(tmp_path, flags):
    pdf = _hand_made(b"")
    page = pdf.pages[0]
    font = page.Resources.Font.F1
    look = pdf.make_stream(
        b"BT /F1 12 Tf 2 2 Td (Seen by Sarah Marsh) Tj ET",
        Type=Name.XObject,
        Subtype=Name.Form,
        BBox=[0, 0, 200, 20],
        Resources=Dictionary(Font=Dictionary(F1=font)),
    )
    stamp = Dictionary(
        Type=Name.Annot,
        Subtype=Name.Stamp,
        Rect=[20, 100, 220, 120],
        AP=Dictionary(N=look),
        F=flags,
    )
    page.Annots = Array([pdf.make_indirect(stamp)])
    leaks = gate(tmp_path, _save(pdf))
    assert found(leaks, "Sarah Marsh", "PDF text (page 1)"), report_of(leaks)


def test_a_sticky_note_is_read(tmp_path):
    pdf = _hand_made(b"")
    note = Dictionary(
        Type=Name.Annot,
        Subtype=Name.Text,
        Rect=[20, 100, 40, 120],
        Contents=pikepdf.String("Ask Alice Brownlow"),
        T=pikepdf.String("Hans Müller"),
    )
    pdf.pages[0].Annots = Array([pdf.make_indirect(note)])
    leaks = gate(tmp_path, _save(pdf))
    assert found(leaks, "Alice Brownlow", "PDF objects"), report_of(leaks)
    assert found(leaks, "Hans Müller", "PDF objects"), report_of(leaks)


def test_text_in_a_hidden_layer_and_invisible_text_are_read(tmp_path):
    """Text in a layer that is switched off (poppler skips it), and invisible text, as the text
    layer of a scanned page is written."""
    pdf = _hand_made(
        b"/OC /oc1 BDC BT /F1 12 Tf 20 200 Td (Layer Sarah Marsh) Tj ET EMC "
        b"BT 3 Tr /F1 12 Tf 20 150 Td (Scanned Alice Brownlow) Tj ET"
    )
    layer = pdf.make_indirect(Dictionary(Type=Name.OCG, Name=pikepdf.String("Notes")))
    pdf.Root.OCProperties = Dictionary(OCGs=Array([layer]), D=Dictionary(OFF=Array([layer])))
    pdf.pages[0].Resources.Properties = Dictionary(oc1=layer)
    leaks = gate(tmp_path, _save(pdf))
    assert found(leaks, "Sarah Marsh", "PDF text (page 1)"), report_of(leaks)
    assert found(leaks, "Alice Brownlow", "PDF text (page 1)"), report_of(leaks)


def test_marked_content_actual_text_is_read(tmp_path):
    pdf = _hand_made(
        b"/Span << /ActualText (Sarah Marsh) >> BDC BT /F1 12 Tf 20 200 Td (S.M.) Tj ET EMC"
    )
    leaks = gate(tmp_path, _save(pdf))
    assert found(leaks, "Sarah Marsh", "PDF objects"), report_of(leaks)


def test_custom_metadata_is_read(tmp_path):
    pdf = _hand_made(b"")
    with pdf.open_metadata(set_pikepdf_as_editor=False) as meta:
        meta["dc:rights"] = "Prepared for Siân Ffion Ŵyn"
    pdf.docinfo["/CaseOwner"] = "Hans Müller"
    leaks = gate(tmp_path, _save(pdf))
    assert found(leaks, "Hans Müller", "PDF metadata (CaseOwner)"), report_of(leaks)
    assert "PDF metadata (XMP)" in views_with(tmp_path, _save(pdf), "Siân Ffion Ŵyn")


def test_compressed_objects_are_read(tmp_path):
    """Object streams hide dictionaries (the title, link addresses) from a byte search."""
    pdf = _hand_made(b"")
    pdf.docinfo["/Title"] = "Review of Sarah Marsh"
    data = _save(pdf, object_stream_mode=pikepdf.ObjectStreamMode.generate)
    assert b"Marsh" not in data
    leaks = gate(tmp_path, data)
    assert found(leaks, "Sarah Marsh", "PDF metadata (Title)"), report_of(leaks)


def test_an_old_version_left_by_an_edit_is_found(tmp_path):
    """An edit appended to a PDF (an incremental update) leaves the old title in the file, where
    no reader looks: the search of the file's bytes finds it."""
    pdf = _hand_made(b"")
    pdf.docinfo["/Title"] = "Review of Sarah Marsh"
    original = _save(
        pdf, compress_streams=False, object_stream_mode=pikepdf.ObjectStreamMode.disable
    )
    with pikepdf.open(io.BytesIO(original)) as saved:
        trailer = saved.trailer
        info, root, size = trailer.Info.objgen[0], trailer.Root.objgen[0], int(trailer.Size)
    previous = int(re.findall(rb"startxref\s+(\d+)", original)[-1])
    new_info = f"{info} 0 obj\n<< /Title (Review) >>\nendobj\n"
    update = (
        f"{new_info}xref\n{info} 1\n{len(original):010d} 00000 n \ntrailer\n"
        f"<< /Size {size} /Root {root} 0 R /Info {info} 0 R /Prev {previous} >>\n"
        f"startxref\n{len(original) + len(new_info)}\n%%EOF\n"
    )
    edited = original + update.encode()
    assert read_pdf(edited).metadata == {"Title": "Review"}
    leaks = gate(tmp_path, edited)
    assert [(leak.where, leak.found) for leak in leaks] == [("PDF objects", "Sarah Marsh")]


def test_a_pdf_locked_against_copying_is_still_read(tmp_path):
    """An owner password (no copying, no printing) does not stop a reader: nor the gate."""
    pdf = typst_pdf("Seen by Sarah Marsh.")
    locked = _save(
        pikepdf.open(io.BytesIO(pdf)),
        encryption=pikepdf.Encryption(
            owner="secret", user="", allow=pikepdf.Permissions(extract=False)
        ),
    )
    leaks = gate(tmp_path, locked)
    assert found(leaks, "Sarah Marsh", "PDF text (page 1)"), report_of(leaks)


# --- failing closed ----------------------------------------------------------------------------


def _problems(tmp_path: Path, data: bytes) -> list[str]:
    site = tmp_path / "site"
    site.mkdir(exist_ok=True)
    (site / "report.pdf").write_bytes(data)
    return scan_output(site, IDS)[1]


@pytest.mark.parametrize(
    "make, words",
    [
        (lambda: b"%PDF-1.7 not really", "damaged or is not a PDF"),
        (lambda: b"", "damaged or is not a PDF"),
        (
            lambda: _save(
                pikepdf.open(io.BytesIO(typst_pdf("Sarah Marsh"))),
                encryption=pikepdf.Encryption(owner="secret", user="letmein"),
            ),
            "protected by a password",
        ),
    ],
    ids=["not a PDF", "empty", "password"],
)
def test_a_pdf_that_cannot_be_read_is_a_problem_not_a_pass(tmp_path, make, words):
    problems = _problems(tmp_path, make())
    assert len(problems) == 1 and "report.pdf" in problems[0] and words in problems[0], problems
    with pytest.raises(PdfReadError) as e:
        read_pdf(make(), "report.pdf")
    assert words in str(e.value)


def test_a_truncated_pdf_is_read_as_far_as_it_goes_or_is_a_problem(tmp_path):
    """Readers mend a cut-off PDF as best they can; whatever they can see, the gate sees."""
    pdf = typst_pdf("Sarah Marsh.\n#pagebreak()\nAlice Brownlow.")
    cut = pdf[: len(pdf) * 2 // 3]
    site = tmp_path / "site"
    site.mkdir()
    (site / "report.pdf").write_bytes(cut)
    leaks, problems = scan_output(site, IDS)
    assert problems or found(leaks, "Sarah Marsh", "PDF text"), report_of(leaks)


@pytest.mark.parametrize("module", ["pypdfium2", "pikepdf"])
def test_without_a_pdf_reader_the_gate_does_not_pass(tmp_path, monkeypatch, module):
    monkeypatch.setitem(sys.modules, module, None)  # `import module` now fails
    problems = _problems(tmp_path, typst_pdf("Text."))
    assert len(problems) == 1 and f"({module}) is not installed" in problems[0], problems


def test_no_program_outside_python_is_needed(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path / "nothing-here"))
    leaks = gate(tmp_path, typst_pdf("Seen by Sarah Marsh."))
    assert found(leaks, "Sarah Marsh", "PDF text (page 1)")


def test_decoding_an_attached_file():
    assert decode_text("Zoë".encode()) == "Zoë"
    assert decode_text("Zoë".encode("cp1252")) == "Zoë"
    assert decode_text("Zoë".encode("utf-16")) == "Zoë"
    assert decode_text(b"\x81\x8d") == "\x81\x8d"  # not Windows-1252 either: Latin-1


def test_page_count(tmp_path):
    path = tmp_path / "three.pdf"
    path.write_bytes(typst_pdf("One.\n#pagebreak()\nTwo.\n#pagebreak()\nThree."))
    assert page_count(path) == len(read_pdf(path).pages) == 3
    with pytest.raises(PdfReadError):
        page_count(tmp_path / "missing.pdf")


# --- the yardstick: everything poppler reads, the wheels read too ------------------------------

# Two documents with most of the above, for the comparisons with poppler: one with its lines
# straight, one with them turned (which poppler reads in pieces, so only letters compare).
TURNED = (
    "text turned a quarter",
    "text at a slant",
    "mirrored text",
    "a watermark (page background)",
)
STRAIGHT = "\n".join(
    body
    for label, (body, _name) in ON_THE_PAGE.items()
    if label not in TURNED and "page" not in label and "header" not in label
) + (
    '\n#set document(title: "Review of Sarah Marsh", author: "Zoë O\'Brien-Łukasz", '
    'keywords: ("Müller", "Griffin Waffle"), description: "About Alice Brownlow")\n'
    "#set text(hyphenate: true)\n#set par(justify: true)\n#box(width: 3.2cm)[The visit was "
    "arranged by Anne-Marie Featherstonehaugh, who was extraordinarily helpful.]\n"
    "#set page(flipped: true, header: [Review: Alice Brownlow])\nA landscape page."
)
TURNED_TEXT = "\n".join(ON_THE_PAGE[label][0] for label in TURNED)


def _poppler(*args: str) -> str:
    return subprocess.run(args, capture_output=True, check=True).stdout.decode("utf-8")


def _words(text: str) -> set[str]:
    """The words in a text, as the matcher compares them. A word broken at the end of a line
    is put back together: poppler leaves a soft hyphen and a line break in it, or joins it
    dropping a hard hyphen ("Anne-" / "Marie" as "AnneMarie"); we keep a soft hyphen."""
    return set(re.findall(r"\w+", fold(re.sub(r"\u00ad\s*", "", text)).casefold()))


def _our_words(pages: list[str]) -> set[str]:
    """Our words, in both views the gate reads: a broken word joined, and with its hyphen."""
    text = "\n".join(pages)
    return _words(text) | _words(text.replace("\u00ad", "-"))


def _letters(text: str) -> Counter:
    return Counter(c for c in fold(text.replace("\u00ad", "")).casefold() if c.isalnum())


def _made_of(word: str, words: set[str]) -> bool:
    """Whether ``word`` is two or more of ``words`` run together."""
    ends = {0}
    for i in range(len(word)):
        if i in ends:
            ends |= {j for j in range(i + 1, len(word) + 1) if word[i:j] in words}
    return len(word) in ends and word not in words


def _compare_text(path: Path, strict: bool = True) -> None:
    """Every letter, and every word, that pdftotext finds in a PDF, in each of its three ways of
    reading a page, is in the page text the wheels read.

    ``strict=False`` (a real report) forgives poppler the words it makes up itself, now that
    the letters are known to be all there: a word cut short where a letter overflows a table
    cell ("completio"), and, when it lays out the page, words of two table cells run
    together ("theto").
    """
    pages = read_pdf(path).pages
    ours, our_words = "\n".join(pages), _our_words(pages)
    for mode in ([], ["-raw"], ["-layout"]):
        theirs = _poppler("pdftotext", "-q", "-enc", "UTF-8", *mode, str(path), "-")
        assert theirs.strip(), "poppler read nothing: the comparison would prove nothing"
        missing_letters = _letters(theirs) - _letters(ours)
        assert not missing_letters, f"pdftotext {mode} finds letters we do not: {missing_letters}"
        missing = _words(theirs) - our_words
        if not strict:
            cut = {w for w in missing if any(w in word for word in our_words)}
            run_together = {w for w in missing if mode != ["-raw"] and _made_of(w, our_words)}
            missing -= cut | run_together
        assert not missing, f"pdftotext {mode} finds words we do not: {sorted(missing)}"


def _compare_metadata(path: Path) -> None:
    ours = read_pdf(path)
    info = _poppler("pdfinfo", "-enc", "UTF-8", str(path))
    fields = dict(re.findall(r"^(\w+):\s*(.*)$", info, re.MULTILINE))
    for key in ("Title", "Author", "Subject", "Keywords", "Creator", "Producer"):
        if key in fields:
            assert " ".join(ours.metadata.get(key, "").split()) == fields[key], key
    assert int(fields["Pages"]) == len(ours.pages) == page_count(path)
    xmp = _poppler("pdfinfo", "-meta", str(path))
    assert xmp.strip() in ours.xmp


@needs_poppler
def test_the_wheels_read_every_word_poppler_reads(tmp_path):
    path = tmp_path / "straight.pdf"
    path.write_bytes(typst_pdf(STRAIGHT))
    _compare_text(path)
    _compare_metadata(path)


@needs_poppler
def test_the_wheels_read_every_letter_poppler_reads_in_turned_text(tmp_path):
    path = tmp_path / "turned.pdf"
    path.write_bytes(typst_pdf(TURNED_TEXT))
    pages = read_pdf(path).pages
    assert all(name in "\n".join(pages) for name in ("Sarah Marsh", "Alice Brownlow"))
    # Poppler reads a turned line in pieces ("Dr" "aft" "rH"), mirrored text backwards and
    # runs them into each other: only the letters compare.
    theirs = _poppler("pdftotext", "-q", "-enc", "UTF-8", str(path), "-")
    assert theirs.strip() and not (_letters(theirs) - _letters("\n".join(pages)))


@needs_poppler
def test_the_wheels_read_every_word_poppler_reads_in_the_example_report(built_example):
    _compare_text(built_example.pdf, strict=False)
    _compare_metadata(built_example.pdf)


@needs_poppler
def test_the_gate_finds_every_name_poppler_shows_in_the_example_report(tmp_path, built_example):
    """The restricted edition of the example is full of real names: every one that poppler's
    text or metadata shows, the gate (reading the same PDF as if it were anonymised) finds."""
    from imr_site.people.identifiers import build_identifiers
    from imr_site.review.registry import load_case

    ids = build_identifiers(load_case(built_example.case_dir))
    pdf = str(built_example.pdf)
    theirs = set()
    for args in (["pdftotext", "-q", pdf, "-"], ["pdftotext", "-q", "-raw", pdf, "-"]):
        theirs |= {_key(m.text) for m in ids.find(_poppler(*args))}
    for args in (["pdfinfo", "-enc", "UTF-8", pdf], ["pdfinfo", "-meta", pdf]):
        theirs |= {_key(m.text) for m in ids.find(_poppler(*args))}
    assert theirs, "poppler found no name: the comparison would prove nothing"
    site = tmp_path / "site"
    site.mkdir()
    (site / "report.pdf").write_bytes(built_example.pdf.read_bytes())
    leaks, problems = scan_output(site, ids)
    assert problems == []
    assert theirs <= {_key(leak.found) for leak in leaks}


def _key(text: str) -> str:
    return " ".join(fold(text.replace("\u00ad", "")).casefold().split())


def test_an_attachment_that_cannot_be_read_is_a_problem(tmp_path):
    pdf = _hand_made(b"")
    pdf.attachments["chronology.csv"] = pikepdf.AttachedFileSpec(pdf, b"date,event\n")
    stream = pdf.attachments["chronology.csv"].obj.EF.F
    stream.write(b"not compressed at all", filter=Name.FlateDecode)  # says it is, but is not
    problems = _problems(tmp_path, _save(pdf))
    assert len(problems) == 1 and "part of it cannot be read" in problems[0], problems
