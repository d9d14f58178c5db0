"""tests/pdf_conformance.py, proved both ways: every check passes a good PDF that Typst writes
as PDF/A-3a + PDF/UA-1, and fails a PDF broken in just the way the check is about, so none of
them can pass by looking at nothing. Also pins down what Typst (0.15) does that the report
relies on: page header, footer and background come out as artifacts, a table that breaks
across pages stays one /Table, and `pdf.attach` gives a PDF/A-3 associated file."""

from __future__ import annotations

import ctypes
import io
import struct
import zlib
from pathlib import Path
from typing import Any

import pdf_conformance as pc
import pikepdf
import pypdfium2
import pypdfium2.raw as pdfium_c
import pytest
import typst

STANDARDS = ["a-3a", "ua-1"]
CSV = b"date,who,what\n2024-03-01,GP,home visit\n"
ROWS = 60  # enough rows for the table to break over three A5 pages

GOOD = """
#set document(title: "Conformance sample", author: "IMR tests")
#set text(lang: "en", region: "GB")
#set page(
  paper: "a5",
  header: [IMR running header],
  footer: context [Page #counter(page).display()],
  background: rect(width: 100%, height: 100%, fill: luma(250)),
)
#pdf.attach(
  "chronology.csv",
  bytes("CSV_TEXT"),
  relationship: "data",
  mime-type: "text/csv",
  description: "The chronology as CSV",
)

= Introduction
Some text, and #link("https://example.org")[a link].

== Background
#figure(
  image(bytes("<svg xmlns='http://www.w3.org/2000/svg' width='40' height='20'><rect width='40' height='20' fill='red'/></svg>"), format: "svg", alt: "A red rectangle"),
  caption: [A box],
)
#image("red.png", width: 1cm, alt: "A red square")
#pdf.artifact(image("red.png", width: 5mm))

== Chronology
#table(
  columns: 3,
  table.header([Date], [Who], [What]),
  ..range(ROWS).map(i => ([2024-03-#(calc.rem(i, 28) + 1)], [GP], [Entry #i])).flatten()
)

= Analysis
== Findings
The end.
""".replace("CSV_TEXT", CSV.decode().replace("\n", "\\n")).replace("ROWS", str(ROWS))


def png(width: int = 4, height: int = 2) -> bytes:
    """A tiny red PNG, so a raster image (drawn with Do) is in the good PDF."""
    rows = b"".join(b"\x00" + b"\xff\x00\x00" * width for _ in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("typst")
    (path / "red.png").write_bytes(png())
    return path


def compile_typst(source: str, root: Path, **options: Any) -> bytes:
    return typst.compile(source.encode(), root=str(root), **options)


@pytest.fixture(scope="module")
def good(root: Path) -> bytes:
    return compile_typst(GOOD, root, pdf_standards=STANDARDS)


def edited(data: bytes, change: Any) -> bytes:
    """The PDF after ``change(pdf)``, saved again: a PDF broken in one precise way."""
    with pikepdf.open(io.BytesIO(data)) as pdf:
        change(pdf)
        out = io.BytesIO()
        pdf.save(out)
    return out.getvalue()


def struct_elems(pdf: pikepdf.Pdf, role: str) -> list[pikepdf.Dictionary]:
    tree = pc.structure_tree(pdf)
    return [node.obj for node in tree.nodes if node.role == role]


# --------------------------------------------------------------------------------------------
# The good PDF


@pytest.mark.parametrize("check", pc.CHECKS, ids=lambda c: c.__name__)
def test_each_check_passes_the_good_pdf(good: bytes, check: Any) -> None:
    assert check(good) == []


def test_problems_takes_path_bytes_or_pdf(good: bytes, tmp_path: Path) -> None:
    path = tmp_path / "good.pdf"
    path.write_bytes(good)
    with pikepdf.open(path) as pdf:
        assert pc.problems(pdf) == []
        assert pdf.Root.Lang == "en-GB"  # still open: problems() must not close our Pdf
    assert pc.problems(path) == pc.problems(str(path)) == pc.problems(good) == []


def test_good_pdf_facts(good: bytes) -> None:
    assert pc.document_language(good) == "en-GB"
    assert pc.xmp_ids(good) == {"pdfuaid:part": "1", "pdfaid:part": "3", "pdfaid:conformance": "A"}
    assert pc.headings(good) == [
        (1, "Introduction"),
        (2, "Background"),
        (2, "Chronology"),
        (1, "Analysis"),
        (2, "Findings"),
    ]
    roles = pc.struct_roles(good)
    assert roles[0] == "Document"
    assert roles.count("Figure") == 2  # the SVG and the PNG; the artifact image is not one
    assert roles.count("Link") == 1
    assert pc.untagged_operators(good) == {}


def test_long_table_is_one_table_element(good: bytes) -> None:
    (table,) = pc.tables(good)
    assert pc.struct_roles(good).count("Table") == 1
    assert table["pages"] == [1, 2, 3]
    assert table["rows"] == ROWS + 1
    assert table["header_cells"] == 3  # the header once, however often it is drawn
    assert table["has_th"]


def test_attach_gives_an_associated_file(good: bytes) -> None:
    assert pc.attachments(good) == [
        {
            "name": "chronology.csv",
            "relationship": "Data",
            "description": "The chronology as CSV",
            "mime": "text/csv",
            "data": CSV,
        }
    ]


# --------------------------------------------------------------------------------------------
# What Typst marks as artifacts


def mark_names(obj: Any) -> list[str]:
    names = []
    for i in range(pdfium_c.FPDFPageObj_CountMarks(obj.raw)):
        mark = pdfium_c.FPDFPageObj_GetMark(obj.raw, i)
        size = ctypes.c_ulong()
        pdfium_c.FPDFPageObjMark_GetName(mark, None, 0, ctypes.byref(size))
        buffer = ctypes.create_string_buffer(size.value)
        pointer = ctypes.cast(buffer, ctypes.POINTER(ctypes.c_ushort))
        pdfium_c.FPDFPageObjMark_GetName(mark, pointer, size.value, ctypes.byref(size))
        names.append(buffer.raw.decode("utf-16-le").rstrip("\x00"))
    return names


def text_objects(data: bytes) -> list[tuple[int, str, list[str], int]]:
    """(page, text, marked-content tags, MCID) of every text object, read by pdfium: an
    independent reader, so this does not only trust our own content-stream walk."""
    out = []
    document = pypdfium2.PdfDocument(data)
    for number in range(1, len(document) + 1):
        page = document[number - 1]
        textpage = page.get_textpage()
        for obj in page.get_objects(max_depth=1):
            if obj.type != pdfium_c.FPDF_PAGEOBJ_TEXT:
                continue
            size = pdfium_c.FPDFTextObj_GetText(obj.raw, textpage.raw, None, 0)
            buffer = ctypes.create_string_buffer(size)
            pointer = ctypes.cast(buffer, ctypes.POINTER(ctypes.c_ushort))
            pdfium_c.FPDFTextObj_GetText(obj.raw, textpage.raw, pointer, size)
            text = buffer.raw.decode("utf-16-le").rstrip("\x00").strip()
            mcid = pdfium_c.FPDFPageObj_GetMarkedContentID(obj.raw)
            out.append((number, text, mark_names(obj), mcid))
    document.close()
    return out


def artifact_kinds(data: bytes) -> dict[int, set[tuple[str, str]]]:
    """Per page, the (/Type, /Subtype) of every /Artifact marked-content sequence."""
    kinds: dict[int, set[tuple[str, str]]] = {}
    with pikepdf.open(io.BytesIO(data)) as pdf:
        for number, page in enumerate(pdf.pages, start=1):
            for instruction in pikepdf.parse_content_stream(page):
                operands = instruction.operands
                if str(instruction.operator) == "BDC" and operands[0] == "/Artifact":
                    props = operands[1]
                    kinds.setdefault(number, set()).add(
                        (str(props.get("/Type", "")), str(props.get("/Subtype", "")))
                    )
    return kinds


def test_typst_page_header_footer_and_background_are_artifacts(good: bytes) -> None:
    texts = text_objects(good)
    header = [t for t in texts if t[1] == "IMR running header"]
    footer = [t for t in texts if t[1].startswith("Page ")]
    assert [t[0] for t in header] == [1, 2, 3]
    assert [t[1] for t in footer] == ["Page 1", "Page 2", "Page 3"]
    for _, _, marks, mcid in header + footer:
        assert marks == ["Artifact"] and mcid == -1
    # and no running text found its way into the structure tree
    tagged = " ".join(pc.marked_content_text(good).values())
    assert "IMR running header" not in tagged and "Page 1" not in tagged
    for kinds in artifact_kinds(good).values():
        assert {("/Pagination", "/Header"), ("/Pagination", "/Footer")} <= kinds
        assert ("/Background", "") in kinds


def test_typst_repeated_table_header_is_an_artifact(good: bytes) -> None:
    texts = text_objects(good)
    dates = [t for t in texts if t[1] == "Date"]
    assert [t[0] for t in dates] == [1, 2, 3]
    assert dates[0][3] >= 0  # the first header is content, tagged as TH ...
    assert all(t[2] == ["Artifact"] for t in dates[1:])  # ... its repeats are not


# --------------------------------------------------------------------------------------------
# Each check fails a PDF broken its way


@pytest.fixture(scope="module")
def untagged(root: Path) -> bytes:
    """The same document, written without tags and without claiming any standard."""
    return compile_typst(GOOD, root, pdf_tags=False)


def test_untagged_pdf_fails(untagged: bytes) -> None:
    assert pc.check_structure_tree(untagged) == [
        "the catalog has no /StructTreeRoot (untagged PDF)"
    ]
    counts = pc.untagged_operators(untagged)
    assert sorted(counts) == [1, 2, 3]
    assert all(c["TJ"] > 0 for c in counts.values())
    assert any(
        "page 1:" in p and "neither tagged nor an artifact" in p
        for p in pc.check_tagged_content(untagged)
    )
    assert pc.check_headings(untagged) == ["the document has no headings (no structure tree)"]
    assert pc.xmp_ids(untagged) == {}
    assert "the XMP metadata has no pdfuaid:part" in pc.check_metadata(untagged)
    assert pc.check_output_intent(untagged) == ["the catalog has no /OutputIntents"]
    # Without PDF/A, Typst leaves the attachment out of /AF and gives it no relationship.
    assert [a["relationship"] for a in pc.attachments(untagged)] == [None]
    assert len(pc.check_attachments(untagged)) == 2
    assert len(pc.problems(untagged)) > 8


def test_heading_skip_fails(root: Path) -> None:
    source = '#set text(lang: "en")\n= One\n=== Three\nText.\n'
    with pytest.raises(typst.TypstError, match="heading level 1 to 3"):
        compile_typst(source, root, pdf_standards=STANDARDS)  # Typst refuses it itself
    data = compile_typst(source, root)  # tagged, but claiming no standard
    assert pc.headings(data) == [(1, "One"), (3, "Three")]
    (problem,) = pc.check_headings(data)
    assert "'Three'" in problem and "skips level 2" in problem


def test_going_back_up_is_fine_but_no_headings_fails(root: Path) -> None:
    data = compile_typst('#set text(lang: "en")\n= A\n== B\n=== C\n= D\n== E\n', root)
    assert pc.check_headings(data) == []
    data = compile_typst('#set text(lang: "en")\nJust a paragraph.\n', root)
    assert pc.check_headings(data) == ["the document has no H1-H6 headings"]


@pytest.mark.parametrize(("maps_to", "fails"), [("/H2", False), ("/H3", True)])
def test_headings_resolve_the_role_map(good: bytes, maps_to: str, fails: bool) -> None:
    def rename(pdf: pikepdf.Pdf) -> None:
        pdf.Root.StructTreeRoot.RoleMap.Subhead = pikepdf.Name(maps_to)
        struct_elems(pdf, "H2")[0].S = pikepdf.Name.Subhead

    data = edited(good, rename)
    assert "Subhead" in pc.struct_roles(data)
    assert pc.headings(data)[1] == (int(maps_to[2]), "Background")
    assert bool(pc.check_headings(data)) is fails


def test_heading_text_falls_back_to_marked_content(good: bytes) -> None:
    def drop_titles(pdf: pikepdf.Pdf) -> None:
        for level in range(1, 7):
            for heading in struct_elems(pdf, f"H{level}"):
                del heading["/T"]

    assert [text for _, text in pc.headings(edited(good, drop_titles))] == [
        text for _, text in pc.headings(good)
    ]


def test_table_without_header_fails(root: Path) -> None:
    source = (
        '#set document(title: "T")\n#set text(lang: "en")\n= T\n'
        "#table(columns: 2, [a], [b], [c], [d])\n"
    )
    # Typst's ua-1 mode accepts a table with no header row, so only our check catches it.
    data = compile_typst(source, root, pdf_standards=STANDARDS)
    assert pc.tables(data) == [
        {
            "rows": 2,
            "header_cells": 0,
            "has_th": False,
            "pages": [1],
            "object": pc.tables(data)[0]["object"],
        }
    ]
    (problem,) = pc.check_tables(data)
    assert problem.startswith("table 1 (object ") and "has no TH" in problem
    assert pc.problems(data) == [problem]


def test_figure_without_alt_fails(good: bytes) -> None:
    def drop_alt(pdf: pikepdf.Pdf) -> None:
        del struct_elems(pdf, "Figure")[0]["/Alt"]

    (problem,) = pc.check_figures(edited(good, drop_alt))
    assert problem.startswith("/Figure element (object ") and "no /Alt" in problem

    def empty_alt(pdf: pikepdf.Pdf) -> None:
        struct_elems(pdf, "Figure")[1].Alt = pikepdf.String("  ")

    assert len(pc.check_figures(edited(good, empty_alt))) == 1


def test_missing_to_unicode_or_font_file_fails(good: bytes) -> None:
    def drop_to_unicode(pdf: pikepdf.Pdf) -> None:
        del pdf.pages[0].Resources.Font.f0["/ToUnicode"]

    (problem,) = pc.check_fonts(edited(good, drop_to_unicode))
    assert problem.startswith("page 1: font /f0 (") and "no /ToUnicode" in problem

    def unembed(pdf: pikepdf.Pdf) -> None:
        descriptor = pdf.pages[0].Resources.Font.f0.DescendantFonts[0].FontDescriptor
        del descriptor["/FontFile3"]

    (problem,) = pc.check_fonts(edited(good, unembed))
    assert "is not embedded" in problem


def test_attachment_without_relationship_or_af_fails(good: bytes) -> None:
    def drop_relationship(pdf: pikepdf.Pdf) -> None:
        del pdf.Root.AF[0]["/AFRelationship"]

    data = edited(good, drop_relationship)
    assert pc.attachments(data)[0]["relationship"] is None
    (problem,) = pc.check_attachments(data)
    assert problem.startswith("attachment chronology.csv (object ") and "/AFRelationship" in problem

    def drop_af(pdf: pikepdf.Pdf) -> None:
        del pdf.Root["/AF"]

    (problem,) = pc.check_attachments(edited(good, drop_af))
    assert "is not listed in the catalog /AF" in problem

    def drop_mime(pdf: pikepdf.Pdf) -> None:
        del pdf.Root.AF[0].EF.F["/Subtype"]

    (problem,) = pc.check_attachments(edited(good, drop_mime))
    assert "MIME type" in problem


def test_language_title_display_and_xmp_ids_fail(good: bytes) -> None:
    def drop_lang(pdf: pikepdf.Pdf) -> None:
        del pdf.Root["/Lang"]

    data = edited(good, drop_lang)
    assert pc.document_language(data) is None
    assert pc.check_metadata(data) == ["the catalog has no /Lang (document language)"]

    def hide_title(pdf: pikepdf.Pdf) -> None:
        pdf.Root.ViewerPreferences.DisplayDocTitle = False

    assert pc.check_metadata(edited(good, hide_title)) == [
        "/ViewerPreferences /DisplayDocTitle is not true"
    ]

    def drop_ua_claim(pdf: pikepdf.Pdf) -> None:
        xmp = pdf.Root.Metadata.read_bytes()
        xmp = xmp.replace(b"<pdfuaid:part>1</pdfuaid:part>", b"")
        xmp = xmp.replace(b"<pdfaid:conformance>A</pdfaid:conformance>", b"")
        pdf.Root.Metadata.write(xmp)

    data = edited(good, drop_ua_claim)
    assert pc.xmp_ids(data) == {"pdfaid:part": "3"}
    assert pc.check_metadata(data) == [
        "the XMP metadata has no pdfuaid:part",
        "the XMP metadata has no pdfaid:conformance",
    ]


def test_xmp_ids_reads_the_attribute_form() -> None:
    xmp = (
        b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/'
        b'22-rdf-syntax-ns#"><rdf:Description rdf:about="" xmlns:pdfaid="http://www.aiim.org/'
        b'pdfa/ns/id/" pdfaid:part="3" pdfaid:conformance="A"/></rdf:RDF></x:xmpmeta>'
    )
    pdf = pikepdf.new()
    pdf.Root.Metadata = pdf.make_stream(xmp)
    assert pc.xmp_ids(pdf) == {"pdfaid:part": "3", "pdfaid:conformance": "A"}


def test_missing_output_intent_profile_fails(good: bytes) -> None:
    def drop_profile(pdf: pikepdf.Pdf) -> None:
        del pdf.Root.OutputIntents[0]["/DestOutputProfile"]

    assert pc.check_output_intent(edited(good, drop_profile)) == [
        "the /GTS_PDFA1 output intent has no /DestOutputProfile stream"
    ]


def test_detached_structure_element_fails(good: bytes) -> None:
    def detach_first_paragraph(pdf: pikepdf.Pdf) -> None:
        kids = struct_elems(pdf, "Document")[0].K
        index = next(i for i, k in enumerate(kids) if k.get("/S") == "/P")
        del kids[index]

    data = edited(good, detach_first_paragraph)
    structure = pc.check_structure_tree(data)
    assert any(
        "/P (object " in p and "not reachable from the StructTreeRoot" in p for p in structure
    )
    tagging = pc.check_tagged_content(data)
    assert any(p.startswith("page 1: ") and "neither tagged nor an artifact" in p for p in tagging)
    assert any("MCID" in p and "not referenced by the structure tree" in p for p in tagging)


def test_dangling_mcid_and_wrong_parent_fail(good: bytes) -> None:
    def dangle(pdf: pikepdf.Pdf) -> None:
        heading = struct_elems(pdf, "H1")[0]
        heading.K = pikepdf.Array([heading.K, 999])

    data = edited(good, dangle)
    assert (
        "page 1: the structure tree references MCID 999, which is not in the page's content"
        in pc.check_tagged_content(data)
    )
    assert "page 1: /ParentTree has no slot for MCID 999" in pc.check_structure_tree(data)

    def wrong_parent(pdf: pikepdf.Pdf) -> None:
        struct_elems(pdf, "TH")[0].P = struct_elems(pdf, "Document")[0]

    (problem,) = pc.check_structure_tree(edited(good, wrong_parent))
    assert problem.startswith("/TH element (object ") and "its /P points at object" in problem


def test_parent_tree_disagreeing_with_the_tree_fails(good: bytes) -> None:
    def swap(pdf: pikepdf.Pdf) -> None:
        nums = pdf.Root.StructTreeRoot.ParentTree.Nums  # [key, value, key, value, ...]
        keys = list(nums[::2])
        page_1 = nums[2 * keys.index(pdf.pages[0].StructParents) + 1]
        first, second = page_1[0], page_1[1]
        page_1[0], page_1[1] = second, first

    problems = pc.check_structure_tree(edited(good, swap))
    assert len(problems) == 2
    assert problems[0].startswith("page 1: /ParentTree maps MCID 0 to another element than /H1")

    def claim_twice(pdf: pikepdf.Pdf) -> None:
        struct_elems(pdf, "P")[0].K = pikepdf.Array([struct_elems(pdf, "P")[0].K, 0])

    problems = pc.check_structure_tree(edited(good, claim_twice))
    assert any(p.startswith("MCID 0 on page 1 is claimed by both /H1 element") for p in problems)


def test_untagged_text_added_to_a_page_fails(good: bytes) -> None:
    def scribble(pdf: pikepdf.Pdf) -> None:
        pdf.pages[1].contents_add(
            pdf.make_stream(b"BT /f0 9 Tf 20 20 Td <0001> Tj ET 0 0 5 5 re f")
        )

    data = edited(good, scribble)
    assert pc.untagged_operators(data) == {2: {"Tj": 1, "f": 1}}
    assert pc.check_tagged_content(data) == [
        "page 2: 2 painting operators are neither tagged nor an artifact (Tj x1, f x1)"
    ]


# --------------------------------------------------------------------------------------------
# A hand-made PDF, for what Typst does not write: /MCR, /Pg inherited, form XObjects, OBJR


def synthetic(page_content: bytes, *, objr: bool = True) -> pikepdf.Pdf:
    """One page, a tree Document > [P (MCID 0), P (MCR MCID 1), Figure (MCID 2),
    Span (MCR into form Fm2, MCID 0), Link (OBJR)], /Pg only on Document."""
    pdf = pikepdf.new()
    helvetica = pdf.make_indirect(
        pikepdf.Dictionary(
            Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1, BaseFont=pikepdf.Name.Helvetica
        )
    )
    fonts = pikepdf.Dictionary(F1=helvetica)
    form_resources = pikepdf.Dictionary(Font=fonts)
    untagged_form = pdf.make_stream(
        b"BT /F1 9 Tf (x) Tj ET",
        Type=pikepdf.Name.XObject,
        Subtype=pikepdf.Name.Form,
        BBox=[0, 0, 50, 50],
        Resources=form_resources,
    )
    tagged_form = pdf.make_stream(
        b"/P <</MCID 0>> BDC BT /F1 9 Tf (y) Tj ET EMC /Artifact BMC 0 0 1 1 re f EMC",
        Type=pikepdf.Name.XObject,
        Subtype=pikepdf.Name.Form,
        BBox=[0, 0, 50, 50],
        Resources=form_resources,
        StructParents=1,
    )
    image = pdf.make_stream(
        b"\xff\x00\x00",
        Type=pikepdf.Name.XObject,
        Subtype=pikepdf.Name.Image,
        Width=1,
        Height=1,
        ColorSpace=pikepdf.Name.DeviceRGB,
        BitsPerComponent=8,
    )
    resources = pikepdf.Dictionary(
        Font=fonts,
        XObject=pikepdf.Dictionary(Fm1=untagged_form, Fm2=tagged_form, Im1=image),
        Properties=pikepdf.Dictionary(Pr1=pikepdf.Dictionary(MCID=2)),
    )
    pdf.add_blank_page(page_size=(200, 200))
    page = pdf.pages[0].obj
    page.Resources = resources
    page.Contents = pdf.make_stream(page_content)
    page.StructParents = 0
    link = pdf.make_indirect(
        pikepdf.Dictionary(
            Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Link, Rect=[0, 0, 10, 10], StructParent=2
        )
    )
    page.Annots = pdf.make_indirect(pikepdf.Array([link]))

    root = pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.StructTreeRoot))
    document = pdf.make_indirect(
        pikepdf.Dictionary(Type=pikepdf.Name.StructElem, S=pikepdf.Name.Document, P=root, Pg=page)
    )

    def elem(role: str, kids: Any) -> pikepdf.Object:
        obj = pikepdf.Dictionary(
            Type=pikepdf.Name.StructElem, S=pikepdf.Name("/" + role), P=document, K=kids
        )
        if role == "Figure":
            obj.Alt = pikepdf.String("A red dot")
        return pdf.make_indirect(obj)

    p1 = elem("P", 0)  # a bare MCID: its page comes from Document's /Pg
    p2 = elem("P", pikepdf.Array([pikepdf.Dictionary(Type=pikepdf.Name.MCR, MCID=1)]))
    figure = elem("Figure", 2)
    span = elem("Span", pikepdf.Dictionary(Type=pikepdf.Name.MCR, MCID=0, Stm=tagged_form))
    kids = [p1, p2, figure, span]
    if objr:
        kids.append(elem("Link", pikepdf.Dictionary(Type=pikepdf.Name.OBJR, Obj=link)))
    document.K = pikepdf.Array(kids)
    root.K = document
    numbers = [0, pikepdf.Array([p1, p2, figure]), 1, pikepdf.Array([span])]
    if objr:
        numbers += [2, kids[-1]]
    root.ParentTree = pdf.make_indirect(pikepdf.Dictionary(Nums=pikepdf.Array(numbers)))
    pdf.Root.StructTreeRoot = root
    return pdf


TAGGED_PAGE = (
    b"/P <</MCID 0>> BDC BT /F1 9 Tf 10 10 Td (a) Tj ET EMC "
    b"/P <</MCID 1>> BDC 0 0 5 5 re f EMC "
    b"/Figure /Pr1 BDC /Im1 Do EMC "  # properties by name, from /Resources /Properties
    b"/Artifact BMC /Fm1 Do /Span BMC BT (z) Tj ET EMC EMC "  # nested inside an artifact
    b"/Fm2 Do "  # an untagged form whose own content is all tagged or artifact
)


def test_synthetic_tagged_page_passes() -> None:
    pdf = synthetic(TAGGED_PAGE)
    assert pc.check_structure_tree(pdf) == []
    assert pc.check_tagged_content(pdf) == []
    assert pc.untagged_operators(pdf) == {}
    assert pc.struct_roles(pdf) == ["Document", "P", "P", "Figure", "Span", "Link"]
    tree = pc.structure_tree(pdf)
    assert tree.mcids[pdf.pages[0].obj.objgen] == {0: 1, 1: 2, 2: 3}


@pytest.mark.parametrize(
    ("extra", "counts"),
    [
        (b"/Fm1 Do", {"Tj": 1}),  # an untagged form: its untagged text counts
        (b"/Im1 Do", {"Do": 1}),  # an untagged image
        (b"/Span BMC 0 0 1 1 re S EMC", {"S": 1}),  # marked, but neither MCID nor artifact
        (b"q BI /W 1 /H 1 /CS /G /BPC 8 ID \x80 EI Q", {"INLINE IMAGE": 1}),
    ],
)
def test_synthetic_untagged_content_fails(extra: bytes, counts: dict[str, int]) -> None:
    pdf = synthetic(TAGGED_PAGE + extra)
    assert pc.untagged_operators(pdf) == {1: counts}


def test_synthetic_unclaimed_mcid_fails() -> None:
    pdf = synthetic(TAGGED_PAGE + b"/Span BMC /P <</MCID 7>> BDC BT (q) Tj ET EMC EMC")
    assert pc.check_tagged_content(pdf) == [
        "page 1: 1 painting operators are neither tagged nor an artifact (Tj x1)",
        "page 1: marked content MCID 7 is not referenced by the structure tree",
    ]


def test_synthetic_annotation_without_objr_fails() -> None:
    (problem,) = pc.check_tagged_content(synthetic(TAGGED_PAGE, objr=False))
    assert problem.startswith("page 1: Link annotation (object ") and "no /OBJR" in problem


def test_synthetic_annotation_struct_parent_mismatch_fails() -> None:
    pdf = synthetic(TAGGED_PAGE)
    pdf.pages[0].Annots[0].StructParent = 1  # the form's entry, not the Link element
    (problem,) = pc.check_structure_tree(pdf)
    assert "/ParentTree entry 1 of annotation object" in problem and "/Link element" in problem


def test_synthetic_missing_page_fails() -> None:
    pdf = synthetic(TAGGED_PAGE)
    del pc.structure_tree(pdf).nodes[0].obj["/Pg"]
    problems = pc.check_structure_tree(pdf)
    assert any("MCID 0 of /P element" in p and "has no /Pg" in p for p in problems)


def test_unembedded_and_type3_fonts_fail() -> None:
    pdf = synthetic(TAGGED_PAGE)

    def simple_font(name: str) -> pikepdf.Object:
        return pdf.make_indirect(
            pikepdf.Dictionary(
                Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1, BaseFont=pikepdf.Name(name)
            )
        )

    type3 = pikepdf.Dictionary(
        Type=pikepdf.Name.Font,
        Subtype=pikepdf.Name.Type3,
        FontBBox=[0, 0, 1, 1],
        FontMatrix=[1, 0, 0, 1, 0, 0],
        CharProcs=pikepdf.Dictionary(),
        Encoding=pikepdf.Dictionary(Differences=[]),
        FirstChar=0,
        LastChar=0,
        Widths=[0],
        Resources=pikepdf.Dictionary(Font=pikepdf.Dictionary(G1=simple_font("/Courier"))),
    )
    pdf.pages[0].Resources.Font.T3 = pdf.make_indirect(type3)
    appearance = pdf.make_stream(
        b"BT /A1 9 Tf (l) Tj ET",
        Type=pikepdf.Name.XObject,
        Subtype=pikepdf.Name.Form,
        BBox=[0, 0, 10, 10],
        Resources=pikepdf.Dictionary(Font=pikepdf.Dictionary(A1=simple_font("/Symbol"))),
    )
    pdf.pages[0].Annots[0].AP = pikepdf.Dictionary(N=appearance)
    assert sorted(pc.check_fonts(pdf)) == [
        "page 1: font /A1 (Symbol) has no /ToUnicode CMap",  # in an annotation's appearance
        "page 1: font /A1 (Symbol) is not embedded",
        "page 1: font /F1 (Helvetica) has no /ToUnicode CMap",  # on the page and in forms
        "page 1: font /F1 (Helvetica) is not embedded",
        "page 1: font /G1 (Courier) has no /ToUnicode CMap",  # used by the Type3 glyphs
        "page 1: font /G1 (Courier) is not embedded",
        "page 1: font /T3 (Type3) has no /ToUnicode CMap",  # Type3 need not be embedded
    ]
