"""Our own PDF/UA-1 and PDF/A-3a spot checks, written with pikepdf, for tests to call.

There is no veraPDF on this machine, so the PDF the toolchain writes (Typst, with
``pdf_standards=["a-3a", "ua-1"]``) is checked here against the rules that matter most for a
report read with a screen reader: the structure tree is whole, every mark on a page is either
tagged or an artifact, headings do not skip levels, the document says which language it is in
and which standards it claims, fonts can be turned back into text, attachments say what they
are, tables have header cells and figures have alternative text.

This is not a validator. It checks only what is written here, and a PDF that passes may still
fail veraPDF on rules we do not look at (colour spaces, transparency, the content of font
programs, the exact XMP schema, and so on). A failure here, though, is always a real defect.

Every ``check_*`` function, and :func:`problems`, returns a list of plain-English problems; an
empty list means "nothing found". Each message names the page (1-based) and the PDF object
number where there is one, so a failing test says where to look. Every public function takes a
path, the bytes of a PDF, or an open :class:`pikepdf.Pdf`.
"""

from __future__ import annotations

import io
import os
import re
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import pikepdf

PdfSource = str | os.PathLike[str] | bytes | bytearray | pikepdf.Pdf

# The standard structure types of ISO 32000-1, 14.8.4. A role outside this set must be mapped
# to one of them through the StructTreeRoot's /RoleMap (PDF/UA-1 7.1).
STANDARD_ROLES = frozenset(
    "Document Part Art Sect Div BlockQuote Caption TOC TOCI Index NonStruct Private "
    "P H H1 H2 H3 H4 H5 H6 L LI Lbl LBody Table TR TH TD THead TBody TFoot "
    "Span Quote Note Reference BibEntry Code Link Annot Ruby RB RT RP Warichu WT WP "
    "Figure Formula Form".split()
)

# Operators that leave a mark on the page, and so must be tagged or be an artifact.
TEXT_OPERATORS = frozenset({"Tj", "TJ", "'", '"'})
PATH_PAINT_OPERATORS = frozenset({"S", "s", "f", "F", "f*", "B", "B*", "b", "b*", "sh"})
INLINE_IMAGE = "INLINE IMAGE"  # how pikepdf names a BI ... ID ... EI inline image

# Annotations that PDF/UA-1 (7.18.1) does not require to be in the structure tree.
UNTAGGED_ANNOTATIONS = frozenset({"/Popup", "/PrinterMark", "/TrapNet"})

NS = {
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "dc": "http://purl.org/dc/elements/1.1/",
    "pdfaid": "http://www.aiim.org/pdfa/ns/id/",
    "pdfuaid": "http://www.aiim.org/pdfua/ns/id/",
}


# --------------------------------------------------------------------------------------------
# Opening


@contextmanager
def open_pdf(source: PdfSource) -> Iterator[pikepdf.Pdf]:
    """Yield an open Pdf for any accepted source, closing it afterwards only if we opened it,
    so a caller's own Pdf stays usable."""
    if isinstance(source, pikepdf.Pdf):
        yield source
        return
    if isinstance(source, (bytes, bytearray)):
        pdf = pikepdf.open(io.BytesIO(bytes(source)))
    else:
        pdf = pikepdf.open(os.fspath(source))
    try:
        yield pdf
    finally:
        pdf.close()


# --------------------------------------------------------------------------------------------
# The structure tree, walked once into a flat list


@dataclass
class StructNode:
    """One structure element as the walk met it (pre-order, i.e. reading order)."""

    obj: pikepdf.Object
    role: str  # /S as written, without the slash
    standard_role: str  # /S after /RoleMap, without the slash
    parent: int | None  # index into Tree.nodes, None for a child of the StructTreeRoot
    page: int | None  # 1-based page from /Pg, own or inherited, if any
    mcids: list[tuple[int, int]] = field(default_factory=list)  # (page, MCID) directly held
    children: list[int] = field(default_factory=list)

    def describe(self) -> str:
        where = f"object {self.obj.objgen[0]}" if self.obj.is_indirect else "a direct object"
        page = f", page {self.page}" if self.page else ""
        return f"/{self.role} element ({where}{page})"


@dataclass
class Tree:
    """What a walk of /StructTreeRoot /K found."""

    present: bool
    nodes: list[StructNode] = field(default_factory=list)
    # Marked-content IDs the tree claims, by content stream: a page's objgen, or ("stm", objgen)
    # for an MCR that points into a form XObject with /Stm. Value: the owning node's index.
    mcids: dict[Any, dict[int, int]] = field(default_factory=dict)
    objrs: dict[tuple[int, int], int] = field(default_factory=dict)  # objgen -> node index
    problems: list[str] = field(default_factory=list)


def _name(value: Any) -> str:
    """A PDF name as plain text ("/H1" -> "H1")."""
    text = str(value)
    return text[1:] if text.startswith("/") else text


def _text(value: Any) -> str:
    """A PDF text string (or name) as Python text, '' for None."""
    if value is None:
        return ""
    if isinstance(value, pikepdf.Name):
        return _name(value)
    return str(value)


def _is_dict(obj: Any) -> bool:
    return isinstance(obj, (pikepdf.Dictionary, pikepdf.Stream))


def _page_numbers(pdf: pikepdf.Pdf) -> dict[tuple[int, int], int]:
    return {page.obj.objgen: i + 1 for i, page in enumerate(pdf.pages)}


def resolve_role(role: str, role_map: Any) -> str:
    """Follow /RoleMap from a custom role to a standard one (stopping at a loop), because
    assistive technology only understands the standard roles."""
    seen = set()
    while role not in STANDARD_ROLES and role_map is not None and f"/{role}" in role_map:
        if role in seen:
            break
        seen.add(role)
        role = _name(role_map[f"/{role}"])
    return role


def structure_tree(source: PdfSource) -> Tree:
    """Walk the structure tree from /StructTreeRoot /K, in document order.

    Collects every element, and every marked-content ID the tree claims per page: plain integer
    kids (page from the nearest /Pg of the element or its ancestors), /Type /MCR dictionaries
    (own /Pg, else inherited; /Stm when the content is in a form XObject), and /Type /OBJR
    references (annotations and XObjects). Problems met on the way (an MCID with no page, a
    loop, a /P that does not point back at the parent, one MCID claimed twice) are recorded.
    """
    with open_pdf(source) as pdf:
        return _walk_tree(pdf)


def _walk_tree(pdf: pikepdf.Pdf) -> Tree:
    root = pdf.Root.get("/StructTreeRoot")
    if root is None:
        return Tree(present=False, problems=["the catalog has no /StructTreeRoot (untagged PDF)"])
    tree = Tree(present=True)
    pages = _page_numbers(pdf)
    role_map = root.get("/RoleMap")
    visited: set[tuple[int, int]] = set()

    def claim(key: Any, page_no: int | None, mcid: int, owner: int) -> None:
        held = tree.mcids.setdefault(key, {})
        if mcid in held and held[mcid] != owner:
            tree.problems.append(
                f"MCID {mcid} on page {page_no} is claimed by both "
                f"{tree.nodes[held[mcid]].describe()} and {tree.nodes[owner].describe()}"
            )
        held[mcid] = owner
        if page_no is not None and key[0] != "stm":
            tree.nodes[owner].mcids.append((page_no, mcid))

    def kid(k: Any, owner: int | None, parent_obj: Any, pg: Any) -> None:
        if isinstance(k, int):
            if owner is None:
                tree.problems.append(f"the StructTreeRoot holds a bare MCID {k}")
            elif pg is None:
                tree.problems.append(
                    f"MCID {k} of {tree.nodes[owner].describe()} has no /Pg on the element "
                    "or any ancestor, so no page can be found for it"
                )
            else:
                claim(pg.objgen, pages.get(pg.objgen), k, owner)
            return
        if not _is_dict(k):
            tree.problems.append(f"unexpected {type(k).__name__} in a structure element's /K")
            return
        kind = k.get("/Type")
        if kind == "/MCR":
            if owner is None:
                tree.problems.append("the StructTreeRoot holds a marked-content reference")
                return
            mcr_pg = k.get("/Pg", pg)
            stm = k.get("/Stm")
            page_no = pages.get(mcr_pg.objgen) if mcr_pg is not None else None
            if stm is not None:
                claim(("stm", stm.objgen), page_no, int(k.MCID), owner)
            elif mcr_pg is None:
                tree.problems.append(
                    f"marked-content reference MCID {k.get('/MCID')} of "
                    f"{tree.nodes[owner].describe()} has no page"
                )
            else:
                claim(mcr_pg.objgen, page_no, int(k.MCID), owner)
            return
        if kind == "/OBJR":
            if owner is not None and k.get("/Obj") is not None:
                tree.objrs[k.Obj.objgen] = owner
            return
        element(k, owner, parent_obj, pg)

    def element(obj: Any, parent: int | None, parent_obj: Any, pg: Any) -> None:
        if obj.is_indirect:
            if obj.objgen in visited:
                tree.problems.append(
                    f"structure element object {obj.objgen[0]} is reached twice "
                    "(a loop in the tree, or two parents)"
                )
                return
            visited.add(obj.objgen)
        role = _name(obj.get("/S", "/?"))
        pg = obj.get("/Pg", pg)
        node = StructNode(
            obj=obj,
            role=role,
            standard_role=resolve_role(role, role_map),
            parent=parent,
            page=pages.get(pg.objgen) if pg is not None else None,
        )
        index = len(tree.nodes)
        tree.nodes.append(node)
        if parent is not None:
            tree.nodes[parent].children.append(index)
        back = obj.get("/P")
        if back is None:
            tree.problems.append(f"{node.describe()} has no /P (parent) entry")
        elif parent_obj.is_indirect and back.objgen != parent_obj.objgen:
            tree.problems.append(
                f"{node.describe()} is reached from object {parent_obj.objgen[0]} but its /P "
                f"points at object {back.objgen[0]}"
            )
        for k in _kids(obj):
            kid(k, index, obj, pg)

    for k in _kids(root):
        kid(k, None, root, None)
    return tree


def _kids(obj: Any) -> list[Any]:
    """/K as a list: it may be absent, a single kid or an array of kids."""
    kids = obj.get("/K")
    if kids is None:
        return []
    return list(kids) if isinstance(kids, pikepdf.Array) else [kids]


# --------------------------------------------------------------------------------------------
# Rule 1: every structure element is reachable


def _looks_like_struct_elem(obj: Any) -> bool:
    if not isinstance(obj, pikepdf.Dictionary):
        return False
    if obj.get("/Type") == "/StructElem":
        return True
    parent = obj.get("/P")
    return (
        isinstance(obj.get("/S"), pikepdf.Name)
        and isinstance(parent, pikepdf.Dictionary)
        and parent.get("/Type") in ("/StructTreeRoot", "/StructElem")
    )


def check_structure_tree(source: PdfSource) -> list[str]:
    """Every structure element in the file must be reachable from /StructTreeRoot by /K, and
    the /ParentTree must agree with the tree.

    An element nobody can reach is content a screen reader never announces; a /ParentTree that
    disagrees sends a reader that starts from the page (e.g. "read from here") to the wrong
    element. Also reports what :func:`structure_tree` met on its walk.
    """
    with open_pdf(source) as pdf:
        tree = _walk_tree(pdf)
        found = list(tree.problems)
        if not tree.present:
            return found
        reached = {n.obj.objgen for n in tree.nodes if n.obj.is_indirect}
        for obj in pdf.objects:
            if _looks_like_struct_elem(obj) and obj.objgen not in reached:
                found.append(
                    f"structure element /{_name(obj.get('/S', '/?'))} (object {obj.objgen[0]}) "
                    "is not reachable from the StructTreeRoot"
                )
        found.extend(_parent_tree_problems(pdf, tree))
        return found


def _parent_tree_problems(pdf: pikepdf.Pdf, tree: Tree) -> list[str]:
    root = pdf.Root.StructTreeRoot
    if "/ParentTree" not in root:
        return ["the StructTreeRoot has no /ParentTree"] if tree.mcids or tree.objrs else []
    parent_tree = pikepdf.NumberTree(root.ParentTree)
    found: list[str] = []
    for number, page in enumerate(pdf.pages, start=1):
        claimed = tree.mcids.get(page.obj.objgen, {})
        key = page.obj.get("/StructParents")
        if key is None:
            if claimed:
                found.append(f"page {number} has tagged content but no /StructParents")
            continue
        if int(key) not in parent_tree:
            if claimed:
                found.append(f"page {number}: /ParentTree has no entry {int(key)}")
            continue
        entry = parent_tree[int(key)]
        for mcid, owner in sorted(claimed.items()):
            node = tree.nodes[owner]
            if not isinstance(entry, pikepdf.Array) or mcid >= len(entry):
                found.append(f"page {number}: /ParentTree has no slot for MCID {mcid}")
            elif not _same(entry[mcid], node.obj):
                found.append(
                    f"page {number}: /ParentTree maps MCID {mcid} to another element than "
                    f"{node.describe()}, which holds it in the tree"
                )
        for annot in page.obj.get("/Annots", []):
            owner = tree.objrs.get(annot.objgen)
            sp = annot.get("/StructParent")
            if owner is None or sp is None:
                continue
            if int(sp) not in parent_tree or not _same(parent_tree[int(sp)], tree.nodes[owner].obj):
                found.append(
                    f"page {number}: /ParentTree entry {int(sp)} of annotation object "
                    f"{annot.objgen[0]} does not point at {tree.nodes[owner].describe()}"
                )
    return found


def _same(a: Any, b: Any) -> bool:
    if getattr(a, "is_indirect", False) and getattr(b, "is_indirect", False):
        return a.objgen == b.objgen
    return a is b or a == b


# --------------------------------------------------------------------------------------------
# Rule 2: all page content is tagged or an artifact


@dataclass
class _Mark:
    artifact: bool
    mcid: int | None


def _properties(operands: Any, resources: Any) -> Any:
    """The property list of a BDC: inline, or a name looked up in /Resources /Properties."""
    if len(operands) < 2:
        return None
    props = operands[1]
    if isinstance(props, pikepdf.Name) and resources is not None:
        return resources.get("/Properties", {}).get(str(props))
    return props


def _scan_content(
    instructions: Any,
    resources: Any,
    key: Any,
    claimed: dict[Any, dict[int, int]],
    untagged: Counter[str],
    seen_mcids: set[int] | None,
    orphans: set[int],
    forms: tuple[tuple[int, int], ...],
) -> None:
    """Count painting operators of one content stream that are neither in an artifact nor in
    marked content whose MCID the tree claims (for this stream's key)."""
    stack: list[_Mark] = []
    referenced = claimed.get(key, {})

    def covered() -> bool:
        if any(m.artifact for m in stack):
            return True
        for mark in reversed(stack):
            if mark.mcid is not None:
                return mark.mcid in referenced
        return False

    for instruction in instructions:
        op = str(instruction.operator)
        if op in ("BDC", "BMC"):
            tag = str(instruction.operands[0]) if instruction.operands else ""
            props = _properties(instruction.operands, resources) if op == "BDC" else None
            mcid = props.get("/MCID") if _is_dict(props) else None
            mcid = int(mcid) if mcid is not None else None
            stack.append(_Mark(artifact=tag == "/Artifact", mcid=mcid))
            if mcid is not None and tag != "/Artifact":
                if seen_mcids is not None:
                    seen_mcids.add(mcid)
                if mcid not in referenced:
                    orphans.add(mcid)
        elif op == "EMC":
            if stack:
                stack.pop()
        elif op in TEXT_OPERATORS or op in PATH_PAINT_OPERATORS or op == INLINE_IMAGE:
            if not covered():
                untagged[op] += 1
        elif op == "Do":
            if covered():
                continue
            xobjects = resources.get("/XObject", {}) if resources is not None else {}
            xobject = xobjects.get(str(instruction.operands[0]))
            is_form = xobject is not None and xobject.get("/Subtype") == "/Form"
            if not is_form or xobject.objgen in forms:
                untagged["Do"] += 1
                continue
            # An untagged form is fine if everything in it is tagged or an artifact.
            _scan_content(
                pikepdf.parse_content_stream(xobject),
                xobject.get("/Resources", resources),
                ("stm", xobject.objgen),
                claimed,
                untagged,
                None,
                set(),
                (*forms, xobject.objgen),
            )


def untagged_operators(source: PdfSource) -> dict[int, dict[str, int]]:
    """Per page (1-based), how many painting operators (text showing Tj TJ ' ", path painting,
    sh, Do of an image, inline images) are outside both artifacts and claimed marked content.

    A form XObject drawn inside tagged or artifact content counts as covered; one drawn
    outside is looked into, and only what is untagged inside it is counted. Pages with nothing
    untagged are left out, so a conformant PDF gives ``{}``.
    """
    with open_pdf(source) as pdf:
        return _tagging(pdf)[0]


def _tagging(pdf: pikepdf.Pdf) -> tuple[dict[int, dict[str, int]], list[str]]:
    tree = _walk_tree(pdf)
    counts: dict[int, dict[str, int]] = {}
    found: list[str] = []
    for number, page in enumerate(pdf.pages, start=1):
        untagged: Counter[str] = Counter()
        seen: set[int] = set()
        orphans: set[int] = set()
        _scan_content(
            pikepdf.parse_content_stream(page),
            page.obj.get("/Resources"),
            page.obj.objgen,
            tree.mcids,
            untagged,
            seen,
            orphans,
            (),
        )
        if untagged:
            counts[number] = dict(untagged)
            detail = ", ".join(f"{op} x{n}" for op, n in sorted(untagged.items()))
            found.append(
                f"page {number}: {sum(untagged.values())} painting operators are neither "
                f"tagged nor an artifact ({detail})"
            )
        for mcid in sorted(orphans):
            found.append(
                f"page {number}: marked content MCID {mcid} is not referenced by the structure tree"
            )
        for mcid in sorted(set(tree.mcids.get(page.obj.objgen, {})) - seen):
            found.append(
                f"page {number}: the structure tree references MCID {mcid}, which is not in "
                "the page's content"
            )
        if tree.present:
            for annot in page.obj.get("/Annots", []):
                subtype = str(annot.get("/Subtype", "/?"))
                if subtype not in UNTAGGED_ANNOTATIONS and annot.objgen not in tree.objrs:
                    found.append(
                        f"page {number}: {subtype[1:]} annotation (object {annot.objgen[0]}) "
                        "is not in the structure tree (no /OBJR points at it)"
                    )
    return counts, found


def check_tagged_content(source: PdfSource) -> list[str]:
    """All page content must be tagged (in marked content whose MCID the structure tree claims)
    or be an /Artifact, and every annotation but popups must be tagged through an /OBJR.

    Untagged content is skipped or read out of order by assistive technology (PDF/UA-1 7.1).
    Also reports MCIDs in the content that the tree does not claim, and MCIDs the tree claims
    that the page does not contain. Content of annotation appearance streams is not read.
    """
    with open_pdf(source) as pdf:
        return _tagging(pdf)[1]


# --------------------------------------------------------------------------------------------
# Rule 3: headings


_HEADING = re.compile(r"H([1-6])")


def _heading_nodes(tree: Tree) -> list[tuple[int, int]]:
    """(level, node index) of every H1-H6, in tree order."""
    return [
        (int(m.group(1)), index)
        for index, node in enumerate(tree.nodes)
        if (m := _HEADING.fullmatch(node.standard_role))
    ]


def _subtree_mcids(tree: Tree, index: int) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    stack = [index]
    while stack:
        i = stack.pop()
        out.extend(tree.nodes[i].mcids)
        stack.extend(reversed(tree.nodes[i].children))
    return out


def headings(source: PdfSource) -> list[tuple[int, str]]:
    """(level, text) of every H1-H6 element, custom roles resolved through /RoleMap, in tree
    order.

    The text is the first non-empty of /ActualText, /T (Typst writes the heading's title
    there), /Alt, and else the text of the heading's marked content, extracted with pypdfium2
    by matching MCIDs on the page. That last step is best effort: it only sees MCIDs in the
    page's own content stream (not in form XObjects) and gives '' if pypdfium2 is missing.
    """
    with open_pdf(source) as pdf:
        tree = _walk_tree(pdf)
        found = _heading_nodes(tree)
        texts: dict[tuple[int, int], str] | None = None
        result = []
        for level, index in found:
            node = tree.nodes[index]
            text = next(
                (
                    _text(node.obj.get(k)).strip()
                    for k in ("/ActualText", "/T", "/Alt")
                    if _text(node.obj.get(k)).strip()
                ),
                "",
            )
            if not text:
                if texts is None:
                    texts = marked_content_text(pdf)
                parts = [texts.get(ref, "") for ref in _subtree_mcids(tree, index)]
                text = " ".join("".join(parts).split())
            result.append((level, text))
        return result


def marked_content_text(source: PdfSource) -> dict[tuple[int, int], str]:
    """Text of each (page, MCID) on the pages' own content, via pypdfium2, because pikepdf
    alone cannot map glyphs to characters. Empty if pypdfium2 is not installed."""
    try:
        import ctypes

        import pypdfium2
        import pypdfium2.raw as pdfium_c
    except ImportError:  # pragma: no cover - pypdfium2 is in the test environment
        return {}
    with open_pdf(source) as pdf:
        buffer = io.BytesIO()
        pdf.save(buffer)
    texts: dict[tuple[int, int], str] = {}
    document = pypdfium2.PdfDocument(buffer.getvalue())
    try:
        for number in range(1, len(document) + 1):
            page = document[number - 1]
            textpage = page.get_textpage()
            for obj in page.get_objects(max_depth=1):
                if obj.type != pdfium_c.FPDF_PAGEOBJ_TEXT:
                    continue
                mcid = pdfium_c.FPDFPageObj_GetMarkedContentID(obj.raw)
                if mcid < 0:
                    continue
                size = pdfium_c.FPDFTextObj_GetText(obj.raw, textpage.raw, None, 0)
                raw = ctypes.create_string_buffer(size)
                pointer = ctypes.cast(raw, ctypes.POINTER(ctypes.c_ushort))
                pdfium_c.FPDFTextObj_GetText(obj.raw, textpage.raw, pointer, size)
                text = raw.raw.decode("utf-16-le", "replace").rstrip("\x00")
                texts[(number, mcid)] = texts.get((number, mcid), "") + text
            textpage.close()
            page.close()
    finally:
        document.close()
    return texts


def check_headings(source: PdfSource) -> list[str]:
    """Headings (H1-H6, through /RoleMap) must not skip a level going down, and there must be
    at least one: screen-reader users navigate by headings, and a jump from H1 to H3 reads as
    a missing section (PDF/UA-1 7.4.2). The first heading may be any level; going back up any
    number of levels is fine."""
    with open_pdf(source) as pdf:
        tree = _walk_tree(pdf)
        if not tree.present:
            return ["the document has no headings (no structure tree)"]
        found = _heading_nodes(tree)
        if not found:
            return ["the document has no H1-H6 headings"]
        problems_: list[str] = []
        for (before, prev_index), (level, index) in zip(found, found[1:], strict=False):
            prev, node = tree.nodes[prev_index], tree.nodes[index]
            if level > before + 1:
                title = _text(node.obj.get("/T")) or _text(node.obj.get("/ActualText"))
                named = f" {title!r}" if title else ""
                problems_.append(
                    f"heading{named} ({node.describe()}, level {level}) follows a level "
                    f"{before} heading ({prev.describe()}): it skips level {before + 1}"
                )
        return problems_


# --------------------------------------------------------------------------------------------
# Rule 4: language, title display and XMP identification


def document_language(source: PdfSource) -> str | None:
    """The catalog's /Lang (e.g. "en-GB"), or None: screen readers pick their voice by it."""
    with open_pdf(source) as pdf:
        lang = pdf.Root.get("/Lang")
        return str(lang) if lang is not None else None


def _xmp_root(pdf: pikepdf.Pdf) -> ET.Element | None:
    stream = pdf.Root.get("/Metadata")
    if stream is None:
        return None
    try:
        return ET.fromstring(stream.read_bytes())
    except ET.ParseError:
        return None


def xmp_ids(source: PdfSource) -> dict[str, str]:
    """The PDF/A and PDF/UA identification in the XMP metadata, e.g. ``{"pdfuaid:part": "1",
    "pdfaid:part": "3", "pdfaid:conformance": "A"}``: a PDF claims a standard only here, so
    a missing entry means a validator will not even try. Both the element form and the
    attribute form of RDF are read; absent properties are left out."""
    with open_pdf(source) as pdf:
        root = _xmp_root(pdf)
    ids: dict[str, str] = {}
    if root is None:
        return ids
    prefixes = {NS["pdfaid"]: "pdfaid", NS["pdfuaid"]: "pdfuaid"}
    for element in root.iter():
        for name, value in [(element.tag, element.text), *element.attrib.items()]:
            if not isinstance(name, str) or not name.startswith("{"):
                continue
            uri, _, local = name[1:].partition("}")
            if uri in prefixes and value and value.strip():
                ids.setdefault(f"{prefixes[uri]}:{local}", value.strip())
    return ids


def _xmp_title(root: ET.Element | None) -> str:
    if root is None:
        return ""
    for title in root.iter(f"{{{NS['dc']}}}title"):
        for li in title.iter(f"{{{NS['rdf']}}}li"):
            if li.text and li.text.strip():
                return li.text.strip()
    return ""


def check_metadata(source: PdfSource) -> list[str]:
    """The catalog must have a /Lang, /ViewerPreferences /DisplayDocTitle true (so a reader
    shows the title rather than the file name, PDF/UA-1 7.1), and XMP metadata with a
    dc:title, pdfuaid:part, pdfaid:part and pdfaid:conformance (how the PDF claims the
    standards it meets)."""
    with open_pdf(source) as pdf:
        found: list[str] = []
        lang = document_language(pdf)
        if not lang or not lang.strip():
            found.append("the catalog has no /Lang (document language)")
        prefs = pdf.Root.get("/ViewerPreferences")
        if prefs is None or prefs.get("/DisplayDocTitle") is not True:
            found.append("/ViewerPreferences /DisplayDocTitle is not true")
        root = _xmp_root(pdf)
        if root is None:
            found.append("the catalog has no readable XMP /Metadata")
            return found
        ids = xmp_ids(pdf)
        for key in ("pdfuaid:part", "pdfaid:part", "pdfaid:conformance"):
            if key not in ids:
                found.append(f"the XMP metadata has no {key}")
        if not _xmp_title(root):
            found.append("the XMP metadata has no dc:title")
        return found


# --------------------------------------------------------------------------------------------
# Rule 5: output intent


def check_output_intent(source: PdfSource) -> list[str]:
    """PDF/A needs an /OutputIntents entry (/S /GTS_PDFA1) with an embedded ICC profile in
    /DestOutputProfile, so the colours mean the same on every device (ISO 19005-3 6.2.3)."""
    with open_pdf(source) as pdf:
        intents = pdf.Root.get("/OutputIntents")
        if not intents:
            return ["the catalog has no /OutputIntents"]
        found: list[str] = []
        pdfa = [i for i in intents if i.get("/S") == "/GTS_PDFA1"]
        if not pdfa:
            found.append("no output intent has /S /GTS_PDFA1")
        for intent in pdfa:
            profile = intent.get("/DestOutputProfile")
            if not isinstance(profile, pikepdf.Stream):
                found.append("the /GTS_PDFA1 output intent has no /DestOutputProfile stream")
        return found


# --------------------------------------------------------------------------------------------
# Rule 6: fonts


def iter_fonts(source: PdfSource) -> Iterator[tuple[int, str, pikepdf.Dictionary]]:
    """(page, resource name, font dictionary) for every font reachable from a page: its
    resources, form XObjects and tiling patterns inside them (recursively), Type3 fonts'
    own resources and annotation appearance streams. Each font once, on the first page met."""
    with open_pdf(source) as pdf:
        # Indirect objects are visited once (which also stops loops); direct ones cannot loop
        # without passing through an indirect one, and have no identity to remember them by.
        owners_seen: set[tuple[int, int]] = set()
        fonts_seen: set[tuple[int, int]] = set()

        def first_time(obj: Any, seen: set[tuple[int, int]]) -> bool:
            if not obj.is_indirect:
                return True
            if obj.objgen in seen:
                return False
            seen.add(obj.objgen)
            return True

        for number, page in enumerate(pdf.pages, start=1):
            owners = [page.obj]  # things that may have /Resources
            for annot in page.obj.get("/Annots", []):
                for appearance in dict(annot.get("/AP", {})).values():
                    if isinstance(appearance, pikepdf.Stream):
                        owners.append(appearance)
                    elif isinstance(appearance, pikepdf.Dictionary):
                        owners.extend(dict(appearance).values())
            while owners:
                owner = owners.pop()
                if not _is_dict(owner) or not first_time(owner, owners_seen):
                    continue
                resources = owner.get("/Resources")
                if not _is_dict(resources):
                    continue
                for name, font in dict(resources.get("/Font", {})).items():
                    if first_time(font, fonts_seen):
                        owners.append(font)  # a Type3 font's glyphs have resources too
                        yield number, name, font
                for group in ("/XObject", "/Pattern"):
                    owners.extend(dict(resources.get(group, {})).values())


def check_fonts(source: PdfSource) -> list[str]:
    """Every font must be embedded (a /FontFile, /FontFile2 or /FontFile3 on its descriptor,
    the descendant font's for Type0) and have a /ToUnicode CMap (Type3 fonts too), so that
    every machine draws the same glyphs (PDF/A) and text can be read aloud, searched and
    copied (PDF/UA-1 7.21)."""
    found: list[str] = []
    with open_pdf(source) as pdf:
        for number, name, font in iter_fonts(pdf):
            subtype = str(font.get("/Subtype", "/?"))
            label = f"page {number}: font {name} ({_name(font.get('/BaseFont', subtype))})"
            if "/ToUnicode" not in font:
                found.append(f"{label} has no /ToUnicode CMap")
            if subtype == "/Type3":
                continue
            described = font
            if subtype == "/Type0":
                descendants = font.get("/DescendantFonts")
                if not descendants:
                    found.append(f"{label} is a Type0 font without /DescendantFonts")
                    continue
                described = descendants[0]
            descriptor = described.get("/FontDescriptor")
            if descriptor is None or not any(
                key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")
            ):
                found.append(f"{label} is not embedded")
    return found


# --------------------------------------------------------------------------------------------
# Rule 7: attachments


def _ident(obj: Any) -> Any:
    """Who a file specification is: its object number, else its embedded stream's, else its
    own bytes (a direct object has no other identity)."""
    if obj.is_indirect:
        return obj.objgen
    stream = (obj.get("/EF") or {}).get("/F")
    if stream is not None and stream.is_indirect:
        return ("stream", stream.objgen)
    return ("direct", bytes(obj.unparse()))


def _filespecs(pdf: pikepdf.Pdf) -> tuple[list[Any], list[tuple[str, Any]]]:
    """(catalog /AF entries, (name, filespec) pairs of /Names /EmbeddedFiles)."""
    af = list(pdf.Root.get("/AF") or [])
    named: list[tuple[str, Any]] = []
    names = pdf.Root.get("/Names")
    if names is not None and "/EmbeddedFiles" in names:
        for key, spec in pikepdf.NameTree(names.EmbeddedFiles).items():
            named.append((str(key), spec))
    return af, named


def attachments(source: PdfSource) -> list[dict[str, Any]]:
    """Every embedded file in the catalog /AF or /Names /EmbeddedFiles, once each, as
    ``{"name", "relationship", "description", "mime", "data"}``. relationship is the
    /AFRelationship without its slash ("Data", "Source", ...) or None; mime is the embedded
    stream's /Subtype ("text/csv") or None; data is the file's bytes."""
    with open_pdf(source) as pdf:
        af, named = _filespecs(pdf)
        result: list[dict[str, Any]] = []
        seen: set[Any] = set()
        for key, spec in [(None, s) for s in af] + named:
            if _ident(spec) in seen:
                continue
            seen.add(_ident(spec))
            ef = spec.get("/EF") or {}
            stream = ef.get("/UF", ef.get("/F"))
            relationship = spec.get("/AFRelationship")
            mime = stream.get("/Subtype") if stream is not None else None
            result.append(
                {
                    "name": _text(spec.get("/UF", spec.get("/F"))) or (key or ""),
                    "relationship": _name(relationship) if relationship is not None else None,
                    "description": _text(spec.get("/Desc")) or None,
                    "mime": _name(mime) if mime is not None else None,
                    "data": stream.read_bytes() if stream is not None else b"",
                }
            )
        return result


def check_attachments(source: PdfSource) -> list[str]:
    """Every embedded file must say how it relates to the document (/AFRelationship), be listed
    in the catalog /AF, name its MIME type (/Subtype) and carry both /F and /UF: PDF/A-3
    (ISO 19005-3 6.8) only allows attachments that are declared as associated files."""
    with open_pdf(source) as pdf:
        af, named = _filespecs(pdf)
        in_af = {_ident(spec) for spec in af}
        found: list[str] = []
        seen: set[Any] = set()
        for key, spec in [(None, s) for s in af] + named:
            label = _text(spec.get("/UF", spec.get("/F"))) or key or "?"
            if spec.is_indirect:
                label = f"{label} (object {spec.objgen[0]})"
            if _ident(spec) in seen:
                continue
            seen.add(_ident(spec))
            if "/AFRelationship" not in spec:
                found.append(f"attachment {label} has no /AFRelationship")
            if _ident(spec) not in in_af:
                found.append(f"attachment {label} is not listed in the catalog /AF")
            for k in ("/F", "/UF"):
                if k not in spec:
                    found.append(f"attachment {label} has no {k} file name")
            stream = (spec.get("/EF") or {}).get("/F")
            if stream is None:
                found.append(f"attachment {label} has no embedded file stream (/EF /F)")
            elif "/Subtype" not in stream:
                found.append(f"attachment {label} does not give its MIME type (/Subtype)")
        return found


# --------------------------------------------------------------------------------------------
# Rule 8: tables and figures


def _descendants(tree: Tree, index: int, stop_at: str | None = None) -> Iterator[int]:
    """Indices below a node in tree order, not entering nested nodes of role ``stop_at``."""
    stack = list(reversed(tree.nodes[index].children))
    while stack:
        i = stack.pop()
        yield i
        if stop_at is None or tree.nodes[i].standard_role != stop_at:
            stack.extend(reversed(tree.nodes[i].children))


def tables(source: PdfSource) -> list[dict[str, Any]]:
    """One entry per /Table element in tree order: ``{"rows": number of TR, "header_cells":
    number of TH, "has_th": bool, "pages": sorted pages its content is on, "object": object
    number or None}``. A table that breaks across pages should still be one entry, spanning
    several pages (nested tables are entries of their own, not counted in their parent)."""
    with open_pdf(source) as pdf:
        tree = _walk_tree(pdf)
        result = []
        for index, node in enumerate(tree.nodes):
            if node.standard_role != "Table":
                continue
            below = list(_descendants(tree, index, stop_at="Table"))
            roles = Counter(tree.nodes[i].standard_role for i in below)
            pages = {p for i in below for p, _ in tree.nodes[i].mcids if p}
            pages |= {tree.nodes[i].page for i in below if tree.nodes[i].page}
            result.append(
                {
                    "rows": roles["TR"],
                    "header_cells": roles["TH"],
                    "has_th": roles["TH"] > 0,
                    "pages": sorted(pages),
                    "object": node.obj.objgen[0] if node.obj.is_indirect else None,
                }
            )
        return result


def check_tables(source: PdfSource) -> list[str]:
    """Every /Table must have at least one /TH (through TR, THead, TBody), or a screen reader
    cannot say which column or row a cell belongs to (PDF/UA-1 7.5)."""
    with open_pdf(source) as pdf:
        found = []
        for number, table in enumerate(tables(pdf), start=1):
            if not table["has_th"]:
                obj = f"object {table['object']}, " if table["object"] else ""
                pages = ", ".join(map(str, table["pages"])) or "?"
                found.append(
                    f"table {number} ({obj}page {pages}) has no TH header cell, "
                    f"in {table['rows']} rows"
                )
        return found


def figure_alts(source: PdfSource) -> list[str]:
    """The alternative text of every /Figure, in structure-tree order."""
    with open_pdf(source) as pdf:
        tree = _walk_tree(pdf)
        return [
            _text(node.obj.get("/Alt"))
            for node in tree.nodes
            if node.standard_role == "Figure" and node.obj.get("/Alt") is not None
        ]


def check_figures(source: PdfSource) -> list[str]:
    """Every /Figure (through /RoleMap) must have non-empty alternative text, or a screen
    reader says nothing for it (PDF/UA-1 7.3). /Alt is what we expect; /ActualText is also
    accepted, as the Matterhorn Protocol (13-004) does."""
    with open_pdf(source) as pdf:
        tree = _walk_tree(pdf)
        return [
            f"{node.describe()} has no /Alt text"
            for node in tree.nodes
            if node.standard_role == "Figure"
            and not _text(node.obj.get("/Alt")).strip()
            and not _text(node.obj.get("/ActualText")).strip()
        ]


# --------------------------------------------------------------------------------------------
# Rule 9 and the sum of it all


def struct_roles(source: PdfSource, resolve: bool = False) -> list[str]:
    """The /S of every structure element in tree (reading) order, without slashes, e.g.
    ``["Document", "H1", "P", ...]``; with ``resolve=True``, after /RoleMap ("Title" -> "P")."""
    with open_pdf(source) as pdf:
        tree = _walk_tree(pdf)
        return [node.standard_role if resolve else node.role for node in tree.nodes]


CHECKS: tuple[Callable[[PdfSource], list[str]], ...] = (
    check_structure_tree,
    check_tagged_content,
    check_headings,
    check_metadata,
    check_output_intent,
    check_fonts,
    check_attachments,
    check_tables,
    check_figures,
)


def problems(source: PdfSource) -> list[str]:
    """Every problem every check finds, in the order of :data:`CHECKS`; [] means none of our
    checks found anything (which is less than "conformant": see the module docstring)."""
    with open_pdf(source) as pdf:
        return [problem for check in CHECKS for problem in check(pdf)]
