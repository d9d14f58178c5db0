"""The two empty signature fields of a FINAL PDF: the author's and the Director's.

Typst cannot make form fields, so the print template draws a box at each signatory's line in
section 8 and makes it a link to ``imr-signature:<field>`` (``report.typ``,
``imr-signature-fields``). Typst tags that link properly (an annotation with /StructParent, in
the structure tree through an /OBJR, at the right place in reading order). Here each such link
becomes a signature field: the annotation turns into a widget, its structure element from /Link
into /Form, and the field gets a tooltip (/TU) that a screen reader reads out. The PDF stays
PDF/A-3a and PDF/UA-1: the widget prints, has an appearance stream, and is tagged.

The fields are added during the FINAL build, before the manifest hashes the PDF: a signed PDF
is then the manifest's PDF with the signatures appended as incremental updates.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

LINK_SCHEME = "imr-signature:"

# Keys of our own on each field (PDF allows them), so that `imr sign` knows, from the PDF alone,
# whose field it is and the name the front matter gave.
ROLE_KEY = "/IMRRole"
NAME_KEY = "/IMRSignatory"


@dataclass(frozen=True)
class Role:
    id: str  # the front matter key under `signatures:` (author, senior_officer)
    option: str  # what `imr sign --as` takes (author, senior-officer)
    field: str  # the signature field's name in the PDF
    label: str  # how the report names them


ROLES = (
    Role("author", "author", "author_signature", "the author"),
    Role(
        "senior_officer",
        "senior-officer",
        "senior_officer_signature",
        "the Director/Head of Service",
    ),
)
ROLE_BY_OPTION = {r.option: r for r in ROLES}
ROLE_BY_FIELD = {r.field: r for r in ROLES}


@dataclass(frozen=True)
class Signatory:
    role: Role
    name: str  # from the sign-off section's front matter
    job: str  # their role, as written there

    @property
    def tooltip(self) -> str:
        return f"Digital signature of {self.role.label}, {self.name}"


def signatories(case) -> list[Signatory]:
    """Who signs the case's report, in signing order (the author first), from section 8."""
    page = case.section("signoff")
    out = []
    for role in ROLES:
        name = str(page.get(f"signatures.{role.id}.name") or "").strip() if page else ""
        job = str(page.get(f"signatures.{role.id}.role") or "").strip() if page else ""
        out.append(Signatory(role, name, job))
    return out


class FieldsError(Exception):
    """The PDF did not have the signature boxes the template should have drawn (a fault)."""


def add_signature_fields(pdf: bytes, people: list[Signatory]) -> bytes:
    """``pdf`` (as Typst wrote it) with an empty signature field in each signatory's box."""
    import pikepdf

    wanted = {p.role.field: p for p in people}
    with pikepdf.open(io.BytesIO(pdf)) as doc:
        owners = _struct_owners(doc)
        fields = []
        for page in doc.pages:
            for annot in page.obj.get("/Annots", []):
                uri = str(annot.get("/A", {}).get("/URI", ""))
                if annot.get("/Subtype") != "/Link" or not uri.startswith(LINK_SCHEME):
                    continue
                person = wanted.pop(uri[len(LINK_SCHEME) :], None)
                if person is None:
                    raise FieldsError(f"the PDF has a signature box for an unknown field: {uri}")
                _make_widget(doc, page, annot, person)
                elem = owners.get(annot.objgen)
                if elem is None:
                    raise FieldsError(f"the signature box {uri} is not in the structure tree")
                elem.S = pikepdf.Name.Form
                kids = elem.get("/K")
                if isinstance(kids, pikepdf.Array) and len(kids) == 1:
                    # /K holds the /OBJR itself: where readers (and pyHanko's check of later
                    # signatures) expect a form field in the structure tree.
                    elem.K = kids[0]
                elem.Alt = person.tooltip
                fields.append(annot)
        if wanted:
            raise FieldsError(
                "the PDF has no signature box for " + ", ".join(sorted(wanted)) + " in section 8"
            )
        doc.Root.AcroForm = doc.make_indirect(
            pikepdf.Dictionary(Fields=pikepdf.Array(fields), SigFlags=0)
        )
        out = io.BytesIO()
        doc.save(out)
    return out.getvalue()


def _make_widget(doc, page, annot, person: Signatory) -> None:
    import pikepdf

    for key in ("/A", "/Border", "/H", "/Dest"):
        if key in annot:
            del annot[key]
    x1, y1, x2, y2 = (float(v) for v in annot.Rect)
    # PDF/A needs an appearance for every widget: an empty one, since the box is drawn on the
    # page; signing replaces it with the signature's own.
    appearance = pikepdf.Stream(doc, b"")
    appearance.Type = pikepdf.Name.XObject
    appearance.Subtype = pikepdf.Name.Form
    appearance.BBox = [0, 0, round(x2 - x1, 4), round(y2 - y1, 4)]
    annot.Subtype = pikepdf.Name.Widget
    annot.FT = pikepdf.Name.Sig
    annot.T = person.role.field
    annot.TU = person.tooltip
    annot.Contents = person.tooltip
    annot.F = 4  # print
    annot.P = page.obj
    annot.AP = pikepdf.Dictionary(N=doc.make_indirect(appearance))
    annot[ROLE_KEY] = pikepdf.Name("/" + person.role.id)
    annot[NAME_KEY] = person.name
    page.obj.Tabs = pikepdf.Name.S  # PDF/UA: tab order follows the structure


def _struct_owners(doc) -> dict:
    """Annotation (objgen) -> the structure element holding its /OBJR."""
    import pikepdf

    owners = {}
    stack = [doc.Root.StructTreeRoot.get("/K")]
    while stack:
        node = stack.pop()
        if isinstance(node, pikepdf.Array):
            stack.extend(node)
        elif isinstance(node, pikepdf.Dictionary):
            kids = node.get("/K")
            for kid in kids if isinstance(kids, pikepdf.Array) else [kids]:
                if isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/OBJR":
                    owners[kid.Obj.objgen] = node
                elif isinstance(kid, pikepdf.Dictionary):
                    stack.append(kid)
    return owners
