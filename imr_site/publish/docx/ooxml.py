"""WordprocessingML written as text: runs, paragraphs, tables, fields and bookmarks.

The report's body is written as one XML string and parsed once: python-docx's own objects make
a 1,000-row table cell by cell, which takes far longer than writing its XML. Every piece of text
from the case goes through :func:`esc`, so nothing an author wrote is read as markup.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from xml.sax.saxutils import escape

NAMESPACES = {
    "w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "wp": "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing",
    "a": "http://schemas.openxmlformats.org/drawingml/2006/main",
    "pic": "http://schemas.openxmlformats.org/drawingml/2006/picture",
}
NSDECL = " ".join(f'xmlns:{k}="{v}"' for k, v in NAMESPACES.items())
W = "{" + NAMESPACES["w"] + "}"

# Characters XML 1.0 cannot hold at all (a control character pasted from another program).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_SPACES = re.compile(r"\s+")

EMU_PER_TWIP = 635
MONOSPACE = "Courier New"
LINK_COLOUR = "0563C1"
KEY_FILL = "D9D9D9"  # light grey: key episodes stay visible in greyscale print


def esc(text: object) -> str:
    return escape(_NOT_XML.sub("", str(text)), {'"': "&quot;"})


def collapse(text: str) -> str:
    """Whitespace as a browser shows it: runs of spaces and line breaks as one space."""
    return _SPACES.sub(" ", text)


@dataclass(frozen=True)
class Format:
    """How a run of text looks; each inline element adds to the format it is inside."""

    bold: bool = False
    italic: bool = False
    underline: bool = False
    strike: bool = False
    code: bool = False
    superscript: bool = False
    subscript: bool = False
    highlight: bool = False
    small: bool = False
    link: bool = False
    size: float | None = None  # points

    def plus(self, **changes) -> Format:
        return replace(self, **changes)

    def rpr(self) -> str:
        out = []
        if self.code:
            out.append(
                f'<w:rFonts w:ascii="{MONOSPACE}" w:hAnsi="{MONOSPACE}" w:cs="{MONOSPACE}"/>'
            )
        if self.bold:
            out.append("<w:b/>")
        if self.italic:
            out.append("<w:i/>")
        if self.strike:
            out.append("<w:strike/>")
        if self.link:
            out.append(f'<w:color w:val="{LINK_COLOUR}"/>')
        size = self.size or (8 if self.small else None)
        if size:
            out.append(f'<w:sz w:val="{round(size * 2)}"/><w:szCs w:val="{round(size * 2)}"/>')
        if self.highlight:
            out.append('<w:highlight w:val="yellow"/>')
        if self.underline or self.link:
            out.append('<w:u w:val="single"/>')
        if self.superscript:
            out.append('<w:vertAlign w:val="superscript"/>')
        elif self.subscript:
            out.append('<w:vertAlign w:val="subscript"/>')
        return f"<w:rPr>{''.join(out)}</w:rPr>" if out else ""


PLAIN = Format()


def run(text: str, fmt: Format = PLAIN, *, keep_lines: bool = False) -> str:
    """One run of text; with ``keep_lines``, each line break stays a line break."""
    if not text:
        return ""
    rpr = fmt.rpr()
    if not keep_lines:
        return f'<w:r>{rpr}<w:t xml:space="preserve">{esc(text)}</w:t></w:r>'
    parts = []
    for i, line in enumerate(text.split("\n")):
        if i:
            parts.append("<w:br/>")
        if line:
            parts.append(f'<w:t xml:space="preserve">{esc(line)}</w:t>')
    return f"<w:r>{rpr}{''.join(parts)}</w:r>"


def line_break() -> str:
    return "<w:r><w:br/></w:r>"


def page_break() -> str:
    return '<w:p><w:r><w:br w:type="page"/></w:r></w:p>'


def paragraph(content: str, style: str | None = None, ppr: str = "") -> str:
    """A paragraph of runs; ``style`` is a style id, ``ppr`` more paragraph properties."""
    style_xml = f'<w:pStyle w:val="{style}"/>' if style else ""
    props = f"<w:pPr>{style_xml}{ppr}</w:pPr>" if (style_xml or ppr) else ""
    return f"<w:p>{props}{content}</w:p>"


def bookmark(number: int, name: str, content: str = "") -> str:
    return (
        f'<w:bookmarkStart w:id="{number}" w:name="{esc(name)}"/>{content}'
        f'<w:bookmarkEnd w:id="{number}"/>'
    )


def field(instruction: str, shown: str, fmt: Format = PLAIN) -> str:
    """A field (PAGE, NUMPAGES, TOC ...) with the text shown until Word updates it."""
    rpr = fmt.rpr()
    return (
        f'<w:r>{rpr}<w:fldChar w:fldCharType="begin"/></w:r>'
        f'<w:r>{rpr}<w:instrText xml:space="preserve"> {esc(instruction)} </w:instrText></w:r>'
        f'<w:r>{rpr}<w:fldChar w:fldCharType="separate"/></w:r>'
        f"{run(shown, fmt)}"
        f'<w:r>{rpr}<w:fldChar w:fldCharType="end"/></w:r>'
    )


def internal_link(anchor: str, content: str) -> str:
    return f'<w:hyperlink w:anchor="{esc(anchor)}" w:history="1">{content}</w:hyperlink>'


def external_link(rel_id: str, content: str) -> str:
    return f'<w:hyperlink r:id="{rel_id}" w:history="1">{content}</w:hyperlink>'


@dataclass
class Cell:
    content: str  # paragraphs (at least one is added when empty)
    span: int = 1
    merge: str | None = None  # "restart" or "continue" for a cell spanning rows
    fill: str | None = None
    width: int | None = None  # twips


def table(
    rows: list[list[Cell]],
    *,
    header_rows: int = 0,
    widths: list[int] | None = None,
    style: str | None = None,
    caption: str = "",
    fixed: bool = False,
) -> str:
    """A Word table; its first ``header_rows`` rows repeat at the top of every page."""
    ncols = max((sum(c.span for c in r) for r in rows), default=1)
    grid = widths or [0] * ncols
    grid_xml = "".join(f'<w:gridCol w:w="{w}"/>' if w else "<w:gridCol/>" for w in grid)
    layout = '<w:tblLayout w:type="fixed"/>' if fixed else ""
    style_xml = f'<w:tblStyle w:val="{style}"/>' if style else ""
    caption_xml = f'<w:tblCaption w:val="{esc(caption[:250])}"/>' if caption else ""
    borders = "".join(
        f'<w:{side} w:val="single" w:sz="4" w:space="0" w:color="808080"/>'
        for side in ("top", "left", "bottom", "right", "insideH", "insideV")
    )
    out = [
        f'<w:tbl><w:tblPr>{style_xml}<w:tblW w:w="5000" w:type="pct"/>'
        f"<w:tblBorders>{borders}</w:tblBorders>{layout}"
        '<w:tblCellMar><w:left w:w="80" w:type="dxa"/><w:right w:w="80" w:type="dxa"/>'
        f'</w:tblCellMar><w:tblLook w:val="04A0" w:firstRow="1" w:lastRow="0" w:firstColumn="0" w:lastColumn="0" w:noHBand="0" w:noVBand="1"/>{caption_xml}</w:tblPr>'
        f"<w:tblGrid>{grid_xml}</w:tblGrid>"
    ]
    for i, r in enumerate(rows):
        trpr = "<w:trPr><w:tblHeader/></w:trPr>" if i < header_rows else ""
        cells = []
        col = 0
        for c in r:
            props = []
            width = c.width or (sum(grid[col : col + c.span]) if widths else 0)
            if width:
                props.append(f'<w:tcW w:w="{width}" w:type="dxa"/>')
            if c.span > 1:
                props.append(f'<w:gridSpan w:val="{c.span}"/>')
            if c.merge:
                props.append(f'<w:vMerge w:val="{c.merge}"/>')
            if c.fill:
                props.append(f'<w:shd w:val="clear" w:color="auto" w:fill="{c.fill}"/>')
            # A cell holds paragraphs and ends with one (Word refuses a cell ending in a table).
            content = c.content or "<w:p/>"
            if content.endswith("</w:tbl>"):
                content += "<w:p/>"
            cells.append(f"<w:tc><w:tcPr>{''.join(props)}</w:tcPr>{content}</w:tc>")
            col += c.span
        out.append(f"<w:tr>{trpr}{''.join(cells)}</w:tr>")
    out.append("</w:tbl>")
    return "".join(out)
