"""A section's page HTML as WordprocessingML: Word shows what the site shows, from the same HTML.

The page is read into a tree by the PDF's reader (``publish.pdf.html``) and walked here, as the
PDF's converter walks it: headings become Word's heading styles (so the navigation pane and the
contents field work), lists Word lists, tables Word tables whose header rows repeat on every
page, footnotes Word footnotes, links Word links (inside the report, to the heading they point
at). A generated block the document writes from the case's data (the chronology) is placed
where its block stands. Nothing is dropped: an element Word has no equivalent for is shown as
its text, and a picture that cannot be read is shown as its alt text and reported.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from urllib.parse import unquote, urlsplit

from imr_site.publish.docx import ooxml
from imr_site.publish.docx.ooxml import PLAIN, Cell, Format
from imr_site.publish.pdf.convert import (
    CODE,
    CONTAINERS,
    HEADINGS,
    NOT_TEXT,
    Anchors,
    column_widths,
    footnote_target,
    footnotes_of,
    picture_bytes,
    table_rows,
    url_key,
)
from imr_site.publish.pdf.html import Element

STYLES = {
    **{tag: {"italic": True} for tag in ("em", "i", "cite", "var")},
    **{tag: {"bold": True} for tag in ("strong", "b")},
    **{tag: {"strike": True} for tag in ("del", "s", "strike")},
    **{tag: {"underline": True} for tag in ("ins", "u")},
    **{tag: {"code": True} for tag in CODE},
    "mark": {"highlight": True},
    "sup": {"superscript": True},
    "sub": {"subscript": True},
    "small": {"small": True},
}
# Elements that hold blocks; anything else inside a paragraph is inline.
BLOCK_TAGS = CONTAINERS | set(HEADINGS) | {"p", "ul", "ol", "dl", "pre", "blockquote", "table"}
BLOCK_TAGS |= {"figure", "details", "hr", "li", "dt", "dd", "tr", "td", "th", "thead", "tbody"}
BLOCK_TAGS |= {"tfoot", "summary", "figcaption", "caption"}
INDENT = 360  # twips: a quote, a note, a definition


@dataclass
class Bookmarks(Anchors):
    """Every place a link can go to, as the PDF's anchors (``collect_anchors``), named as Word
    bookmarks: hidden ones (a leading underscore), letters and digits only."""

    counter: int = 0

    def name(self, section_id: str, local_id: str) -> str:
        return "_" + self.label(section_id, local_id).replace("-", "")

    def place(self, name: str, content: str = "") -> str:
        self.counter += 1
        return ooxml.bookmark(self.counter, name, content)


@dataclass
class Story:
    """What a section's conversion needs from the document being written."""

    styles: dict[str, str]  # logical name (heading1, quote, list, caption, table) -> style id
    bookmarks: Bookmarks
    page_sections: dict[str, str]  # page URL key -> section id
    picture: Callable[[bytes, str, int], str | None]  # (data, alt, max width in EMU) -> run
    hyperlink: Callable[[str], str]  # external URL -> relationship id
    footnote: Callable[[str], int]  # footnote paragraphs -> footnote id
    new_list: Callable[[bool, int], int]  # (ordered, start) -> numbering id
    svg_to_png: Callable[[bytes], bytes | None]
    site_dir: Path | None = None
    problems: list[str] = field(default_factory=list)  # what could not be shown


@dataclass(frozen=True)
class Where:
    """Where blocks are being written: their paragraph style and indent."""

    style: str | None = None
    indent: int = 0
    list_level: int = -1
    width_emu: int = 6 * 914400
    border: bool = False  # a rule down the left: the text of a note


class SectionConverter:
    def __init__(
        self,
        story: Story,
        section_id: str,
        page_url: str,
        title: str,
        blocks: dict[str, Callable[[], str]] | None = None,
        width_emu: int = 6 * 914400,
    ):
        self.story = story
        self.section_id = section_id
        self.page_url = page_url
        self.title = title
        self.blocks = blocks or {}
        self.width = width_emu
        self.footnotes: dict[str, Element] = {}
        self.footnote_ids: dict[str, int] = {}
        self._title_done = False
        self._level = 1
        self._pending: list[str] = []  # bookmarks waiting for the next paragraph
        self._page_break = False  # the title starts a new page (not after a section break)

    # -- entry point

    def convert(self, root: Element, *, first_page_break: bool = False) -> str:
        self.footnotes = footnotes_of(root)
        self._page_break = first_page_break
        body = self.blocks_of(root.children, Where(width_emu=self.width))
        if not self._title_done:
            body = self._title() + body
        return body

    # -- paragraphs

    def _para(
        self,
        runs: str,
        where: Where,
        style: str | None = None,
        *,
        page_break: bool = False,
        numpr: str = "",
        shade: str = "",
        spacing: str = "",
        indent: int | None = None,
    ) -> str:
        """A paragraph; its properties are written in the order Word's schema requires."""
        if self._pending:
            runs = "".join(self.story.bookmarks.place(n) for n in self._pending) + runs
            self._pending = []
        ppr = "<w:pageBreakBefore/>" if page_break else ""
        ppr += numpr
        if where.border:
            ppr += (
                '<w:pBdr><w:left w:val="single" w:sz="12" w:space="8" w:color="808080"/></w:pBdr>'
            )
        ppr += shade + spacing
        left = where.indent if indent is None else indent
        if left:
            ppr += f'<w:ind w:left="{left}"/>'
        return ooxml.paragraph(runs, style or where.style, ppr)

    def blocks_of(self, nodes: list[Element | str], where: Where) -> str:
        out: list[str] = []
        inline: list[Element | str] = []

        def flush() -> None:
            runs = self.inlines(inline, PLAIN)
            if _has_text(runs):
                out.append(self._para(runs, where))
            inline.clear()

        for node in nodes:
            if isinstance(node, str) or node.tag not in BLOCK_TAGS and not self._is_block(node):
                inline.append(node)
                continue
            flush()
            out.append(self.block(node, where))
        flush()
        return "".join(out)

    def _is_block(self, el: Element) -> bool:
        return bool(el.get("data-imr-block")) and el.get("data-imr-block") in self.blocks

    def block(self, el: Element, where: Where) -> str:
        tag = el.tag
        if "headerlink" in el.classes or "imr-screen-only" in el.classes:
            return ""
        name = el.get("data-imr-block")
        if name and name in self.blocks:
            return self.blocks[name]()
        if tag == "div" and "footnote" in el.classes:
            return ""  # each footnote is written where it is referenced
        self._target(el)
        if tag in HEADINGS:
            return self._heading(el)
        if tag == "p":
            if "admonition-title" in el.classes:
                return ""
            runs = self.inlines(el.children, PLAIN)
            return self._para(runs, where) if _has_text(runs) or self._pending else ""
        if tag in ("ul", "ol"):
            return self._list(el, where)
        if tag == "table":
            return self._table(el, where)
        if tag == "pre":
            return self._pre(el, where)
        if tag == "blockquote":
            return self.blocks_of(el.children, Where(self.story.styles["quote"], where.indent))
        if tag == "hr":
            rule = (
                '<w:pBdr><w:bottom w:val="single" w:sz="6" w:space="1" w:color="808080"/></w:pBdr>'
            )
            return self._para("", replace(where, border=False), shade=rule)
        if tag == "dl":
            return self._terms(el, where)
        if tag == "figure":
            return self._figure(el, where)
        if tag == "details" or (tag in CONTAINERS and "admonition" in el.classes):
            return self._note(el, where)
        return self.blocks_of(el.children, where)

    def _target(self, el: Element) -> None:
        anchor = el.get("id")
        if (
            anchor
            and el.tag not in HEADINGS
            and (self.section_id, anchor) in self.story.bookmarks.targets
        ):
            self._pending.append(self.story.bookmarks.name(self.section_id, anchor))

    # -- headings

    def _title(self) -> str:
        self._title_done = True
        name = self.story.bookmarks.name(self.section_id, "")
        content = self.story.bookmarks.place(name, ooxml.run(self.title))
        return self._para(
            content, Where(), self.story.styles["heading1"], page_break=self._page_break
        )

    def _heading(self, el: Element) -> str:
        level = HEADINGS[el.tag]
        anchor = el.get("id")
        if level == 1 and not self._title_done:
            out = self._title()
            if anchor and (self.section_id, anchor) in self.story.bookmarks.targets:
                self._pending.append(self.story.bookmarks.name(self.section_id, anchor))
            return out
        # One heading tree with no skipped levels: a section's headings sit under its title.
        level = max(2, min(level, self._level + 1, 6))
        self._level = level
        runs = self.inlines(el.children, PLAIN).strip()
        if anchor:
            runs = self.story.bookmarks.place(
                self.story.bookmarks.name(self.section_id, anchor), runs
            )
        return self._para(runs, Where(), self.story.styles[f"heading{level}"])

    # -- inline content

    def inlines(self, nodes: list[Element | str], fmt: Format) -> str:
        out: list[str] = []
        for node in nodes:
            if isinstance(node, str):
                out.append(ooxml.run(ooxml.collapse(node), fmt))
            else:
                out.append(self.inline(node, fmt))
        return "".join(out)

    def inline(self, el: Element, fmt: Format) -> str:
        out = self._inline(el, fmt)
        anchor = el.get("id")
        if anchor and (self.section_id, anchor) in self.story.bookmarks.targets:
            # a point a link goes to inside a paragraph (the recommendations' rec-R1)
            out = (
                self.story.bookmarks.place(self.story.bookmarks.name(self.section_id, anchor)) + out
            )
        return out

    def _inline(self, el: Element, fmt: Format) -> str:
        tag = el.tag
        if "headerlink" in el.classes or "imr-screen-only" in el.classes or tag in NOT_TEXT:
            return ""
        if tag == "sup":
            note = self._footnote_ref(el)
            if note is not None:
                return note
        if tag in STYLES:
            if fmt.code or STYLES[tag].get("code"):
                return ooxml.run(el.text(), fmt.plus(code=True), keep_lines=True)
            return self.inlines(el.children, fmt.plus(**STYLES[tag]))
        if tag == "a":
            return self._link(el, fmt)
        if tag == "br":
            return ooxml.line_break()
        if tag == "q":
            return ooxml.run("“", fmt) + self.inlines(el.children, fmt) + ooxml.run("”", fmt)
        if tag == "img":
            return self._image(el, fmt)
        if tag == "svg":
            return self._svg(el, fmt)
        if tag in BLOCK_TAGS:
            return ooxml.run(" ", fmt) + self.inlines(el.children, fmt) + ooxml.run(" ", fmt)
        return self.inlines(el.children, fmt)  # span, abbr, time ... and anything unknown

    def _link(self, el: Element, fmt: Format) -> str:
        href = el.get("href").strip()
        content = self.inlines(el.children, fmt.plus(link=True) if href else fmt)
        if not href:
            return content
        parts = urlsplit(href)
        if parts.scheme or parts.netloc:
            if parts.scheme.lower() not in ("http", "https", "mailto"):
                return self.inlines(el.children, fmt)
            return ooxml.external_link(self.story.hyperlink(href), content)
        anchor = self.link_anchor(href)
        if anchor is None:
            return self.inlines(el.children, fmt)  # a page of the site that is not in the report
        return ooxml.internal_link(anchor, content)

    def link_anchor(self, href: str) -> str | None:
        parts = urlsplit(href)
        fragment = unquote(parts.fragment)
        if not parts.path:
            section = self.section_id
        else:
            here = posixpath.dirname(urlsplit(self.page_url).path)
            section = self.story.page_sections.get(url_key(posixpath.join(here, parts.path)))
            if section is None:
                return None
        if fragment and (section, fragment) in self.story.bookmarks.labels:
            return self.story.bookmarks.name(section, fragment)
        return self.story.bookmarks.name(section, "")

    def _footnote_ref(self, sup: Element) -> str | None:
        target = footnote_target(sup, self.footnotes)
        if target is None:
            return None
        note = self.footnotes[target]
        if target not in self.footnote_ids:
            kept = _without(note, "footnote-backref")
            body = self.blocks_of(kept.children, Where(self.story.styles.get("footnote")))
            if not body:
                body = ooxml.paragraph("")
            # Word puts the note's own number at the start of its text.
            mark = (
                '<w:r><w:rPr><w:vertAlign w:val="superscript"/></w:rPr><w:footnoteRef/></w:r>'
                '<w:r><w:t xml:space="preserve"> </w:t></w:r>'
            )
            body = re.sub(
                r"^(<w:p>(?:<w:pPr>.*?</w:pPr>)?)", lambda m: m.group(1) + mark, body, count=1
            )
            self.footnote_ids[target] = self.story.footnote(body)
        return (
            '<w:r><w:rPr><w:vertAlign w:val="superscript"/></w:rPr>'
            f'<w:footnoteReference w:id="{self.footnote_ids[target]}"/></w:r>'
        )

    # -- pictures

    def _image(self, el: Element, fmt: Format) -> str:
        alt = " ".join(el.get("alt").split())
        src = el.get("src").strip()
        data, problem = picture_bytes(src, self.page_url, self.story.site_dir)
        shown = None
        if data and problem is None:
            if _is_svg(data):
                data = self.story.svg_to_png(data)
            if data:
                shown = self.story.picture(data, alt, self.width)
            if shown is None:
                problem = f"the picture {src!r} cannot be read; its alt text is shown instead."
        if shown is None:
            self.story.problems.append(f"{self.title}: {problem}")
            return ooxml.run(f"[Picture not available: {alt or src}]", fmt)
        return shown

    def _svg(self, el: Element, fmt: Format) -> str:
        label = el.get("aria-label") or " ".join(
            c.text() for c in el.elements() if c.tag in ("title", "desc")
        )
        png = self.story.svg_to_png((el.source or "").encode("utf-8"))
        shown = self.story.picture(png, " ".join(label.split()), self.width) if png else None
        if shown is None:
            self.story.problems.append(f"{self.title}: a drawing (SVG) could not be shown.")
            return ooxml.run(f"[Drawing: {' '.join(label.split())}]", fmt) if label else ""
        return shown

    def _figure(self, el: Element, where: Where) -> str:
        caption = next((c for c in el.elements() if c.tag == "figcaption"), None)
        body = self.blocks_of([c for c in el.children if c is not caption], where)
        if caption is not None:
            runs = self.inlines(caption.children, PLAIN)
            body += self._para(runs, where, self.story.styles["caption"])
        return body

    # -- lists, code, notes, terms

    def _list(self, el: Element, where: Where) -> str:
        ordered = el.tag == "ol"
        start = el.get("start").strip()
        num = self.story.new_list(ordered, int(start) if start.lstrip("-").isdigit() else 1)
        level = min(where.list_level + 1, 8)
        out: list[str] = []
        for li in (c for c in el.elements() if c.tag == "li"):
            self._target(li)
            out.append(_ListItem(self, level, num, where).convert(li))
        return "".join(out)

    def _pre(self, el: Element, where: Where) -> str:
        text = el.text().rstrip("\n")
        shade = '<w:shd w:val="clear" w:color="auto" w:fill="F2F2F2"/>'
        runs = ooxml.run(text, PLAIN.plus(code=True, size=9), keep_lines=True)
        return self._para(runs, where, shade=shade, spacing='<w:spacing w:after="120"/>')

    def _note(self, el: Element, where: Where) -> str:
        """An admonition or a <details>: its title in bold, its text indented under a rule."""
        title_el = next(
            (
                c
                for c in el.elements()
                if c.tag == "summary" or (c.tag == "p" and "admonition-title" in c.classes)
            ),
            None,
        )
        kinds = [c for c in el.classes if c not in ("admonition",)]
        title = (
            self.inlines(title_el.children, PLAIN.plus(bold=True))
            if title_el is not None
            else ooxml.run((kinds[0] if kinds else "Note").capitalize(), PLAIN.plus(bold=True))
        )
        inner = replace(where, indent=where.indent + INDENT, border=True)
        out = self._para(title, inner)
        return out + self.blocks_of([c for c in el.children if c is not title_el], inner)

    def _terms(self, el: Element, where: Where) -> str:
        out = []
        for child in el.elements():
            if child.tag == "dt":
                out.append(self._para(self.inlines(child.children, PLAIN.plus(bold=True)), where))
            elif child.tag == "dd":
                out.append(
                    self.blocks_of(child.children, replace(where, indent=where.indent + INDENT))
                )
        return "".join(out)

    # -- tables

    def _table(self, el: Element, where: Where) -> str:
        caption_el = next((c for c in el.elements() if c.tag == "caption"), None)
        header, body, group_ids = table_rows(el)
        rows = header + body
        if not rows:
            return ""
        out = ""
        caption = ""
        if caption_el is not None:
            caption = " ".join(caption_el.text().split())
            out += self._para(
                self.inlines(caption_el.children, PLAIN), where, self.story.styles["caption"]
            )
        word_rows: list[list[Cell]] = []
        spans: dict[int, int] = {}  # grid column -> rows still covered by a cell above
        for i, r in enumerate(rows):
            is_header = i < len(header)
            cells: list[Cell] = []
            col = 0
            for anchor in [r.get("id"), *group_ids.get(id(r), [])]:
                if anchor and (self.section_id, anchor) in self.story.bookmarks.targets:
                    self._pending.append(self.story.bookmarks.name(self.section_id, anchor))
            for c in (c for c in r.elements() if c.tag in ("td", "th")):
                while spans.get(col, 0) > 0:
                    spans[col] -= 1
                    cells.append(Cell("<w:p/>", merge="continue"))
                    col += 1
                colspan, rowspan = _span(c, "colspan"), _span(c, "rowspan")
                fmt = PLAIN.plus(bold=True) if c.tag == "th" else PLAIN
                content = self._cell(c, fmt, where)
                cells.append(Cell(content, colspan, "restart" if rowspan > 1 else None))
                if rowspan > 1:
                    spans[col] = rowspan - 1
                col += colspan
            while spans.get(col, 0) > 0:
                spans[col] -= 1
                cells.append(Cell("<w:p/>", merge="continue"))
                col += 1
            if is_header:
                for cell in cells:
                    cell.fill = "E7E6E6"
            word_rows.append(cells)
        # Column widths as the PDF gives them: a small table as wide as its words, a wide one
        # shared by how much each column holds.
        ncols = max(sum(c.span for c in r) for r in word_rows)
        shares = column_widths(rows, ncols)
        widths = None
        if all(w.endswith("fr") for w in shares):
            weights = [float(w[:-2]) for w in shares]
            widths = _fit(weights, _longest_words(rows, ncols), where.width_emu // 635)
        table = ooxml.table(
            word_rows,
            header_rows=len(header),
            widths=widths,
            fixed=widths is not None,
            style=self.story.styles.get("table"),
            caption=caption,
        )
        return out + table

    def _cell(self, cell: Element, fmt: Format, where: Where) -> str:
        nodes = cell.children
        if any(
            isinstance(n, Element) and (n.tag in BLOCK_TAGS or self._is_block(n)) for n in nodes
        ):
            return self.blocks_of(nodes, Where(width_emu=where.width_emu // 2))
        return self._para(self.inlines(nodes, fmt).strip(), Where())


class _ListItem:
    """One list item: its first paragraph carries the number or bullet, any further
    paragraph is indented under it, and a list inside it is one level down."""

    def __init__(self, converter: SectionConverter, level: int, num: int, where: Where):
        self.c = converter
        self.level = level
        self.numpr = f'<w:numPr><w:ilvl w:val="{level}"/><w:numId w:val="{num}"/></w:numPr>'
        self.where = Where(converter.story.styles["list"], 0, level, where.width_emu)
        self.out: list[str] = []
        self.inline: list[Element | str] = []
        self.first = True

    def flush(self) -> None:
        runs = self.c.inlines(self.inline, PLAIN)
        self.inline.clear()
        if self.first:
            self.out.append(self.c._para(runs, self.where, numpr=self.numpr))
        elif _has_text(runs):
            self.out.append(self.c._para(runs, self.where, indent=720 + 360 * self.level))
        self.first = False

    def convert(self, li: Element) -> str:
        for child in li.children:
            if isinstance(child, Element) and child.tag in ("ul", "ol"):
                if self.inline or self.first:
                    self.flush()
                self.out.append(self.c._list(child, self.where))
            elif isinstance(child, Element) and child.tag == "p":
                if self.inline:
                    self.flush()
                self.inline.extend(child.children)
                self.flush()
            elif isinstance(child, Element) and child.tag in BLOCK_TAGS:
                if self.inline or self.first:
                    self.flush()
                self.out.append(self.c.block(child, Where(None, 720 + 360 * self.level)))
            else:
                self.inline.append(child)
        if self.inline or self.first:
            self.flush()
        return "".join(self.out)


def _longest_words(rows: list[Element], ncols: int) -> list[int]:
    """The longest word of each column (at most 12 letters: longer ones break anyway)."""
    longest = [3] * ncols
    for r in rows:
        col = 0
        for c in (c for c in r.elements() if c.tag in ("td", "th")):
            span = _span(c, "colspan")
            if span == 1 and col < ncols:
                longest[col] = max([longest[col]] + [min(len(w), 12) for w in c.text().split()])
            col += span
    return longest


def _fit(weights: list[float], longest: list[int], total: int) -> list[int]:
    """Column widths in twips sharing ``total`` by ``weights``, none narrower than its longest
    word (in Word's 11-point text): narrow columns are widened, wide ones give way."""
    floor = [n * 140 + 300 for n in longest]
    widths = [total * w / sum(weights) for w in weights]
    for _ in range(len(widths)):
        short = [i for i, w in enumerate(widths) if w < floor[i]]
        if not short:
            break
        for i in short:
            widths[i] = floor[i]
        rest = [i for i in range(len(widths)) if i not in short and widths[i] > floor[i]]
        room = total - sum(widths[i] for i in range(len(widths)) if i not in rest)
        share = sum(weights[i] for i in rest)
        for i in rest:
            widths[i] = max(floor[i], room * weights[i] / share) if share else widths[i]
    return [int(w) for w in widths]


def _has_text(runs: str) -> bool:
    return bool(re.search(r"<w:t[^>]*>[^<]*\S|<w:drawing|<w:footnoteReference|<w:br", runs))


def _span(cell: Element, name: str) -> int:
    value = cell.get(name).strip()
    return max(1, min(int(value), 1000)) if value.isdigit() else 1


def _is_svg(data: bytes) -> bool:
    head = data[:1024].lstrip()
    return head.startswith(b"<?xml") and b"<svg" in head or head.startswith(b"<svg")


def _without(el: Element, cls: str) -> Element:
    kept = [
        c if isinstance(c, str) else _without(c, cls)
        for c in el.children
        if not (isinstance(c, Element) and cls in c.classes)
    ]
    return Element(el.tag, el.attrs, kept, el.line)
