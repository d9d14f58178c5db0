"""A section's page HTML as Typst markup: the PDF prints what the site shows, from the same HTML.

The converter knows every element Python-Markdown and the case's extensions write, and the
blocks the parts of the report generate (details table, abbreviations sheet, action plan); the
chronology is written from its data by ``chronology.py`` and placed where its block stands.
Text is escaped by ``markup.text``, so nothing in a section is ever read as Typst.

An element it does not know is never dropped: its text is printed, and a finding (SEC005) names
the section's file and line. An image that cannot be read is a finding too (SEC006), and its alt
text is printed in its place.
"""

from __future__ import annotations

import base64
import math
import posixpath
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

from imr_site.case.findings import Finding, finding
from imr_site.publish.pdf import markup
from imr_site.publish.pdf.html import Element
from imr_site.sections.printable import R_NO_IMAGE, R_NOT_PRINTABLE

# Elements that hold blocks, printed as their content.
CONTAINERS = {"div", "section", "article", "main", "header", "footer", "aside", "nav", "#root"}
# Inline elements printed as their content: the meaning is in the words.
TRANSPARENT = {"span", "abbr", "acronym", "time", "data", "bdi", "bdo", "label", "dfn", "nobr"}
INLINE_STYLES = {
    "em": "emph",
    "i": "emph",
    "cite": "emph",
    "var": "emph",
    "strong": "strong",
    "b": "strong",
    "del": "strike",
    "s": "strike",
    "strike": "strike",
    "ins": "underline",
    "u": "underline",
    "mark": "highlight",
    "sup": "super",
    "sub": "sub",
    "small": "imr-small",
}
CODE = {"code", "kbd", "samp", "tt"}
# Never printed (code or styles, not words); still a finding, so nothing goes unnoticed.
NOT_TEXT = {
    "script",
    "style",
    "template",
    "noscript",
    "iframe",
    "object",
    "embed",
    "video",
    "audio",
    "canvas",
    "math",
    "select",
    "textarea",
    "button",
    "input",
    "meta",
    "link",
}
HEADINGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}
IMAGE_TYPES = {
    b"\x89PNG": "png",
    b"\xff\xd8\xff": "jpg",
    b"GIF87a": "gif",
    b"GIF89a": "gif",
}
PARBREAK = "\n\n"
LONG_WORD = re.compile(r"\S{21,}")
BREAK_AFTER = re.compile(r"(?<=[/.@\-_?&=:;,+#~|])")


@dataclass
class Image:
    name: str  # file name inside the Typst root, e.g. "img/3.png"
    data: bytes
    call: str = ""  # the markup that shows it (replaced by `fallback` if Typst cannot read it)
    fallback: str = ""
    finding: Finding | None = None  # what to report if Typst cannot read it


@dataclass
class Anchors:
    """Every id of every section, and the Typst label each one becomes."""

    labels: dict[tuple[str, str], str] = field(default_factory=dict)  # (section, id) -> label
    targets: set[tuple[str, str]] = field(default_factory=set)  # ids that links point at
    placed: set[str] = field(default_factory=set)  # labels written into the markup

    def label(self, section_id: str, local_id: str) -> str:
        key = (section_id, local_id)
        if key not in self.labels:
            self.labels[key] = f"imr-{len(self.labels) + 1}"
        return self.labels[key]


@dataclass
class SectionSource:
    """Where a section was written, for findings: file, first body line and the Markdown."""

    file: str | None = None
    body: str = ""
    body_start: int = 1

    def line_of(self, tag: str, occurrence: int) -> int | None:
        """The file line of the ``occurrence``-th ``<tag`` written in the Markdown."""
        if self.file is None:
            return None
        found = [m.start() for m in re.finditer(rf"<{re.escape(tag)}\b", self.body, re.I)]
        if not found:
            return self.body_start
        at = found[min(occurrence, len(found) - 1)]
        return self.body_start + self.body.count("\n", 0, at)


class SectionConverter:
    """One section's HTML as Typst markup; ``findings`` holds what could not be printed."""

    def __init__(
        self,
        section_id: str,
        page_url: str,
        title: str,
        *,
        anchors: Anchors,
        page_ids: dict[str, str],
        images: list[Image],
        site_dir: Path | None,
        source: SectionSource,
        blocks: dict[str, Callable[[], str]] | None = None,
    ):
        self.section_id = section_id
        self.page_url = page_url
        self.title = title
        self.anchors = anchors
        self.page_ids = page_ids  # page URL key -> section id
        self.images = images
        self.site_dir = site_dir
        self.source = source
        self.blocks = blocks or {}
        self.findings: list[Finding] = []
        self.footnotes: dict[str, Element] = {}
        self.footnote_labels: dict[str, str] = {}
        self._unknown_seen: dict[str, int] = {}
        self._level = 1
        self._title_done = False
        self._row_ids: dict[int, list[str]] = {}  # a group's id, placed on its first row

    # -- entry point

    def convert(self, root: Element) -> str:
        self._collect_footnotes(root)
        label = self.anchors.label(self.section_id, "")
        body = self.blocks_of(root.children)
        if not self._title_done:
            body = f"{self._heading(1, markup.text(self.title), label)}\n\n{body}"
        return body

    # -- findings

    def _not_printable(self, el: Element, what: str) -> None:
        n = self._unknown_seen.get(el.tag, 0)
        self._unknown_seen[el.tag] = n + 1
        self.findings.append(
            finding(
                R_NOT_PRINTABLE.code,
                self.source.file,
                self.source.line_of(el.tag, n),
                f"the PDF cannot show <{el.tag}>: {what}",
            )
        )

    def _image_problem(self, el: Element, message: str) -> None:
        n = self._unknown_seen.get("img", 0)
        self._unknown_seen["img"] = n + 1
        line = self._image_line(el.get("src"))
        self.findings.append(finding(R_NO_IMAGE.code, self.source.file, line, message))

    def _image_line(self, src: str) -> int | None:
        if self.source.file is None:
            return None
        name = unquote(urlsplit(src).path).rsplit("/", 1)[-1]
        at = self.source.body.find(name) if name else -1
        if at < 0:
            return self.source.body_start
        return self.source.body_start + self.source.body.count("\n", 0, at)

    # -- blocks and inlines

    def blocks_of(self, nodes: list[Element | str]) -> str:
        parts: list[str] = []
        inline: list[str] = []

        def flush() -> None:
            text = "".join(inline).strip()
            if text:
                parts.append(text)
            inline.clear()

        for node in nodes:
            if isinstance(node, str):
                inline.append(self._text(node))
                continue
            out, is_block = self.element(node)
            if is_block:
                flush()
                if out.strip():
                    parts.append(out.strip())
            else:
                inline.append(out)
        flush()
        return "\n\n".join(parts)

    def inlines(self, nodes: list[Element | str]) -> str:
        out: list[str] = []
        for node in nodes:
            if isinstance(node, str):
                out.append(self._text(node))
            else:
                text, is_block = self.element(node)
                out.append(f" {text.strip()} " if is_block else text)
        return re.sub(r"(?: {2,})", " ", "".join(out))

    def _text(self, text: str) -> str:
        return breakable_text(text)

    def element(self, el: Element) -> tuple[str, bool]:
        """(markup, is it a block?) for one element."""
        tag = el.tag
        if "headerlink" in el.classes:
            return "", False
        if "imr-screen-only" in el.classes:
            return "", True  # the site's controls (filters): nothing to print
        block_name = el.get("data-imr-block")
        if block_name and block_name in self.blocks:
            return self.blocks[block_name](), True
        if "footnote" in el.classes and tag == "div":
            return "", True  # printed where each footnote is referenced
        out, is_block = self._element(el)
        anchor = el.get("id")
        if anchor and tag not in HEADINGS and (self.section_id, anchor) in self.anchors.targets:
            mark = self._mark(anchor)
            out = f"{mark}\n{out}" if is_block else f"{mark}{out}"
        return out, is_block

    def _mark(self, anchor: str) -> str:
        """An invisible point a link can go to."""
        label = self.anchors.label(self.section_id, anchor)
        self.anchors.placed.add(label)
        return f"#metadata(none) <{label}>"

    def _element(self, el: Element) -> tuple[str, bool]:
        tag = el.tag
        if tag in HEADINGS:
            return self._heading_element(el), True
        if tag == "p":
            if "admonition-title" in el.classes:
                return "", True  # printed by the admonition
            return self.inlines(el.children).strip(), True
        if tag in CONTAINERS:
            if "admonition" in el.classes:
                return self._admonition(el), True
            return self.blocks_of(el.children), True
        if tag in TRANSPARENT:
            return self.inlines(el.children), False
        if tag in INLINE_STYLES:
            note = self._footnote_ref(el) if tag == "sup" else None
            if note is not None:
                return note, False
            return f"#{INLINE_STYLES[tag]}[{self.inlines(el.children)}]", False
        if tag in CODE:
            return f"#raw({markup.string(el.text())})", False
        if tag == "a":
            return self._link(el), False
        if tag == "br":
            return "#linebreak()", False
        if tag == "wbr":
            return "", False
        if tag == "q":
            return f"“{self.inlines(el.children)}”", False
        if tag == "img":
            return self._image(el), False
        if tag == "svg":
            return self._svg(el), False
        if tag == "hr":
            return "#imr-rule()", True
        if tag == "pre":
            return self._pre(el), True
        if tag in ("ul", "ol"):
            return self._list(el), True
        if tag == "dl":
            return self._terms(el), True
        if tag == "blockquote":
            return f"#quote(block: true)[{self.blocks_of(el.children)}]", True
        if tag == "table":
            return self._table(el), True
        if tag == "figure":
            return self._figure(el), True
        if tag == "details":
            return self._details(el), True
        if tag in (
            "li",
            "dt",
            "dd",
            "tr",
            "td",
            "th",
            "thead",
            "tbody",
            "tfoot",
            "summary",
            "figcaption",
            "caption",
            "colgroup",
            "col",
        ):
            # Out of place (outside its list or table): printed as its content.
            return self.blocks_of(el.children), True
        if tag in NOT_TEXT:
            self._not_printable(
                el,
                "it is left out of the PDF. Remove it from the section, or "
                "write what it shows as text.",
            )
            return "", tag not in ("input", "button", "select")
        self._not_printable(
            el,
            "its text is printed without its formatting. Use Markdown, "
            "or HTML the PDF knows (see the README's list).",
        )
        return self.blocks_of(el.children), True

    # -- headings

    def _heading(self, level: int, content: str, label: str | None) -> str:
        if label:
            self.anchors.placed.add(label)
        lab = f" <{label}>" if label else ""
        return f"#heading(level: {level})[{content}]{lab}"

    def _heading_element(self, el: Element) -> str:
        level = HEADINGS[el.tag]
        anchor = el.get("id")
        if level == 1 and not self._title_done:
            # The section's title, numbered as the guidance numbers it.
            self._title_done = True
            self._level = 1
            own = self.anchors.label(self.section_id, "")
            out = self._heading(1, markup.text(self.title), own)
            if anchor and (self.section_id, anchor) in self.anchors.targets:
                out += f"\n{self._mark(anchor)}"
            return out
        # One heading tree with no skipped levels: a section's headings sit under its title.
        level = max(2, min(level, self._level + 1))
        self._level = level
        label = self.anchors.label(self.section_id, anchor) if anchor else None
        return self._heading(level, self.inlines(el.children).strip(), label)

    # -- links and footnotes

    def _collect_footnotes(self, root: Element) -> None:
        self.footnotes.update(footnotes_of(root))

    def _footnote_ref(self, sup: Element) -> str | None:
        target = footnote_target(sup, self.footnotes)
        if target is None:
            return None
        note = self.footnotes[target]
        if target in self.footnote_labels:
            return f"#footnote(<{self.footnote_labels[target]}>)"
        label = self.anchors.label(self.section_id, f"footnote:{target}")
        self.footnote_labels[target] = label
        children = [
            c
            for c in note.children
            if not (isinstance(c, Element) and "footnote-backref" in c.classes)
        ]
        body = self._without_backrefs(children)
        self.anchors.placed.add(label)
        return f"#footnote[{body}] <{label}>"

    def _without_backrefs(self, nodes: list[Element | str]) -> str:
        def strip(el: Element) -> Element:
            kept = [
                c if isinstance(c, str) else strip(c)
                for c in el.children
                if not (isinstance(c, Element) and "footnote-backref" in c.classes)
            ]
            return Element(el.tag, el.attrs, kept, el.line)

        cleaned = [c if isinstance(c, str) else strip(c) for c in nodes]
        return self.blocks_of(cleaned)

    def _link(self, el: Element) -> str:
        content = self.inlines(el.children)
        href = el.get("href").strip()
        if not href:
            return content
        target = self.link_target(href)
        if target is None:
            return content  # a page that is not in the PDF: its words stay
        if target.startswith("<"):
            return f"#link({target})[{content}]"
        return f"#link({markup.string(target)})[{content}]"

    def link_target(self, href: str) -> str | None:
        """``<label>`` for a link inside the report, the URL for any other; None for a page of
        the site that is not in the PDF."""
        parts = urlsplit(href)
        if parts.scheme or parts.netloc:
            return href
        fragment = unquote(parts.fragment)
        if not parts.path:
            section = self.section_id
        else:
            here = posixpath.dirname(urlsplit(self.page_url).path)
            section = self.page_ids.get(url_key(posixpath.join(here, parts.path)))
            if section is None:
                return None
        key = (section, fragment)
        if fragment and key in self.anchors.labels:
            return f"<{self.anchors.labels[key]}>"
        return f"<{self.anchors.label(section, '')}>"

    # -- pictures

    def _image(self, el: Element) -> str:
        alt = " ".join(el.get("alt").split())
        data, problem = self._image_bytes(el.get("src"))
        if problem:
            self._image_problem(el, problem)
            shown = alt or el.get("src")
            return markup.text(f"[Picture not available: {shown}]")
        kind = _image_kind(data)
        if kind is None:
            self._image_problem(
                el,
                f"the picture {el.get('src')!r} is not PNG, JPEG, GIF or SVG, so the PDF cannot "
                "show it. Save it as PNG or JPEG.",
            )
            return markup.text(f"[Picture not available: {alt or el.get('src')}]")
        name = f"img/{len(self.images) + 1}.{kind}"
        if not alt:
            # Empty alt text: decorative, as in HTML; kept out of what a screen reader reads.
            call = f"#pdf.artifact(imr-image({markup.string('/' + name)}, none))"
        else:
            call = f"#imr-image({markup.string('/' + name)}, {markup.string(alt)})"
        src = el.get("src")
        damaged = finding(
            R_NO_IMAGE.code,
            self.source.file,
            self._image_line(src),
            f"the picture {src!r} cannot be read (the file is damaged or not really a "
            f"{kind.upper()}). Open it and save it again as PNG or JPEG.",
        )
        fallback = markup.text(f"[Picture not available: {alt or src}]")
        self.images.append(Image(name, data, call, fallback, damaged))
        return call

    def _image_bytes(self, src: str) -> tuple[bytes, str | None]:
        return picture_bytes(src, self.page_url, self.site_dir)

    def _svg(self, el: Element) -> str:
        alt = _svg_alt(el)
        name = f"img/{len(self.images) + 1}.svg"
        self.images.append(Image(name, (el.source or "").encode("utf-8")))
        if not alt:
            return f"#pdf.artifact(imr-image({markup.string('/' + name)}, none))"
        return f"#imr-image({markup.string('/' + name)}, {markup.string(alt)})"

    def _figure(self, el: Element) -> str:
        caption = next((c for c in el.elements() if c.tag == "figcaption"), None)
        body = self.blocks_of([c for c in el.children if c is not caption])
        if caption is None:
            return body
        return f"#figure({_content(body)}, caption: [{self.inlines(caption.children).strip()}])"

    # -- lists, code, quotes

    def _list(self, el: Element) -> str:
        items = [c for c in el.elements() if c.tag == "li"]
        loose = any(any(g.tag == "p" for g in li.elements()) for li in items)
        args = [f"tight: {'false' if loose else 'true'}"]
        if el.tag == "ol":
            start = el.get("start").strip()
            if start.lstrip("-").isdigit():
                args.append(f"start: {int(start)}")
        args += [_content(self.blocks_of(li.children)) for li in items]
        func = "enum" if el.tag == "ol" else "list"
        return f"#{func}({', '.join(args)})"

    def _terms(self, el: Element) -> str:
        items: list[tuple[str, list[str]]] = []
        for child in el.elements():
            if child.tag == "dt":
                items.append((self.inlines(child.children).strip(), []))
            elif child.tag == "dd":
                if not items:
                    items.append(("", []))
                items[-1][1].append(self.blocks_of(child.children))
        args = [
            f"terms.item({_content(term)}, {_content(PARBREAK.join(descs))})"
            for term, descs in items
        ]
        return f"#terms({', '.join(args)})" if args else ""

    def _pre(self, el: Element) -> str:
        code = next((c for c in el.elements() if c.tag == "code"), None)
        text = el.text().rstrip("\n")
        lang = ""
        for cls in (code.classes if code is not None else []) + el.classes:
            if cls.startswith("language-"):
                lang = cls[len("language-") :]
        lang_arg = f", lang: {markup.string(lang)}" if re.fullmatch(r"[\w+-]+", lang) else ""
        return f"#raw(block: true{lang_arg}, {markup.string(text)})"

    def _admonition(self, el: Element) -> str:
        kinds = [c for c in el.classes if c != "admonition"]
        title_el = next(
            (c for c in el.elements() if c.tag == "p" and "admonition-title" in c.classes), None
        )
        title = self.inlines(title_el.children).strip() if title_el else ""
        if not title:
            title = markup.text((kinds[0] if kinds else "Note").capitalize())
        body = self.blocks_of([c for c in el.children if c is not title_el])
        return f"#imr-admonition({_content(title)}, {_content(body)})"

    def _details(self, el: Element) -> str:
        summary = next((c for c in el.elements() if c.tag == "summary"), None)
        title = self.inlines(summary.children).strip() if summary else markup.text("Details")
        body = self.blocks_of([c for c in el.children if c is not summary])
        return f"#imr-admonition({_content(title)}, {_content(body)})"

    # -- tables

    def _table(self, el: Element) -> str:
        caption_el = next((c for c in el.elements() if c.tag == "caption"), None)
        header_rows, body_rows, group_ids = table_rows(el)
        for key, ids in group_ids.items():
            self._row_ids.setdefault(key, []).extend(ids)
        rows = header_rows + body_rows
        if not rows:
            return ""
        ncols = max(
            sum(_span(c, "colspan") for c in r.elements() if c.tag in ("td", "th")) for r in rows
        )
        widths = column_widths(rows, ncols)
        cells_head = [
            self._cell(c, True, i == 0 and r) for r in header_rows for i, c in enumerate(_cells(r))
        ]
        cells_body = [
            self._cell(c, False, i == 0 and r) for r in body_rows for i, c in enumerate(_cells(r))
        ]
        args = [f"columns: ({', '.join(widths)},)"]
        if cells_head:
            args.append(f"table.header({', '.join(cells_head)})")
        args += cells_body
        table = f"#table({', '.join(args)})"
        if caption_el is not None:
            caption = self.inlines(caption_el.children).strip()
            return f"#figure(kind: table, {table[1:]}, caption: figure.caption(position: top, [{caption}]))"
        return table

    def _cell(self, cell: Element, header: bool, row: Element | None) -> str:
        content = self.blocks_of(cell.children)
        if cell.tag == "th" and not header:
            content = f"#strong[{content}]"
        # A link to a row (or its group) lands on its first cell: a Typst row has no label.
        ids = ([row.get("id")] + self._row_ids.get(id(row), [])) if row else []
        for anchor in ids:
            if anchor and (self.section_id, anchor) in self.anchors.targets:
                content = f"{self._mark(anchor)}{content}"
        args = []
        colspan, rowspan = _span(cell, "colspan"), _span(cell, "rowspan")
        if colspan > 1:
            args.append(f"colspan: {colspan}")
        if rowspan > 1:
            args.append(f"rowspan: {rowspan}")
        align = _align(cell)
        if align:
            args.append(f"align: {align}")
        if args:
            return f"table.cell({', '.join(args)}, {_content(content)})"
        return _content(content)


# --------------------------------------------------------------------------------------------


def footnotes_of(root: Element) -> dict[str, Element]:
    """Each footnote of a page (Python-Markdown's <div class="footnote">) by its id."""
    out = {}
    for el in root.walk():
        if el.tag == "div" and "footnote" in el.classes:
            for li in el.walk():
                if li.tag == "li" and li.get("id"):
                    out[li.get("id")] = li
    return out


def footnote_target(sup: Element, footnotes: dict[str, Element]) -> str | None:
    """The id of the footnote a <sup> refers to, or None when it is no footnote reference."""
    links = [c for c in sup.elements() if c.tag == "a"]
    if len(links) != 1 or "footnote-ref" not in links[0].classes:
        return None
    target = unquote(urlsplit(links[0].get("href")).fragment)
    return target if target in footnotes else None


def table_rows(table: Element) -> tuple[list[Element], list[Element], dict[int, list[str]]]:
    """A table's header rows (its <thead>, or a first row of <th> only) and body rows, and the
    ids of row groups (<tbody id>) by the id() of their first row: a link to a group lands there."""
    header: list[Element] = []
    body: list[Element] = []
    group_ids: dict[int, list[str]] = {}
    for child in table.elements():
        if child.tag == "thead":
            header += [r for r in child.elements() if r.tag == "tr"]
        elif child.tag in ("tbody", "tfoot"):
            group = [r for r in child.elements() if r.tag == "tr"]
            if group and child.get("id"):
                group_ids.setdefault(id(group[0]), []).append(child.get("id"))
            body += group
        elif child.tag == "tr":
            body.append(child)
    if not header and body:
        first = [c for c in body[0].elements() if c.tag in ("td", "th")]
        if first and all(c.tag == "th" for c in first):
            header, body = body[:1], body[1:]
    return header, body, group_ids


def picture_bytes(src: str, page_url: str, site_dir: Path | None) -> tuple[bytes, str | None]:
    """A picture's bytes (a file of the built site, or a data: address), or what is wrong. Nothing
    is ever fetched from the internet, and nothing outside the site is read."""
    src = src.strip()
    parts = urlsplit(src)
    if parts.scheme == "data":
        header, _, payload = src.partition(",")
        try:
            if header.endswith(";base64"):
                return base64.b64decode(payload, validate=False), None
            return unquote(payload).encode("utf-8"), None
        except ValueError:
            return b"", "the picture's data: address cannot be read."
    if parts.scheme or parts.netloc:
        return b"", (
            f"the picture {src!r} is on another site. Nothing is ever fetched from the "
            "internet: save the picture in docs/ and link to it there."
        )
    if not parts.path:
        return b"", "a picture with no file name (src is empty)."
    if site_dir is None:
        return b"", f"the picture {src!r} cannot be found (no built site to read it from)."
    here = posixpath.dirname(urlsplit(page_url).path)
    rel = posixpath.normpath(posixpath.join(here, unquote(parts.path))).lstrip("/")
    path = (site_dir / rel).resolve()
    if not path.is_relative_to(site_dir.resolve()) or not path.is_file():
        return b"", (
            f"the picture {src!r} does not exist. Check the file name (it is case-sensitive) "
            "and that the file is in docs/."
        )
    return path.read_bytes(), None


def url_key(url: str) -> str:
    """A page URL in one form, so "x.html", "./x.html", "x/", "x/index.html" compare alike."""
    path = unquote(urlsplit(url).path).lstrip("/")
    path = posixpath.normpath(path) if path else ""
    if path == ".":
        path = ""
    if path == "index.html" or path.endswith("/index.html"):
        path = path[: -len("index.html")]
    return path.rstrip("/")


def _content(markup_text: str) -> str:
    return f"[{markup_text}]"


def breakable_text(text: str) -> str:
    """``text`` as markup (spaces collapsed), with long words allowed to break across lines."""
    if not LONG_WORD.search(text):
        return markup.text(text)
    words = " ".join(_breakable(word) for word in text.split())
    lead = " " if text[:1].isspace() else ""
    tail = " " if text[-1:].isspace() else ""
    return f"{lead}{words}{tail}"


def _breakable(word: str) -> str:
    """A long word (a URL, a record number) as boxes, so that a line may break between them."""
    escaped = markup.text(word)
    if len(word) <= 20:
        return escaped
    pieces: list[str] = []
    for part in BREAK_AFTER.split(word):
        while len(part) > 12:
            pieces.append(part[:10])
            part = part[10:]
        if part:
            pieces.append(part)
    return "".join(f"#box[{markup.text(p)}]" for p in pieces)


def _image_kind(data: bytes) -> str | None:
    for magic, kind in IMAGE_TYPES.items():
        if data.startswith(magic):
            return kind
    head = data[:1024].lstrip()
    if head.startswith(b"<?xml") or head.startswith(b"<svg") or b"<svg" in head:
        return "svg"
    return None


def _svg_alt(el: Element) -> str:
    label = el.get("aria-label")
    if label:
        return " ".join(label.split())
    parts = [c.text() for c in el.elements() if c.tag in ("title", "desc")]
    return " ".join(" ".join(parts).split())


def _span(cell: Element, name: str) -> int:
    value = cell.get(name).strip()
    return max(1, min(int(value), 1000)) if value.isdigit() else 1


def _cells(row: Element) -> list[Element]:
    return [c for c in row.elements() if c.tag in ("td", "th")]


def _align(cell: Element) -> str | None:
    style = cell.get("style").replace(" ", "").lower()
    value = cell.get("align").lower()
    m = re.search(r"text-align:(left|right|center)", style)
    if m:
        value = m.group(1)
    return {"left": "left", "right": "right", "center": "center"}.get(value)


def column_widths(rows: list[Element], ncols: int) -> list[str]:
    """Column widths from what each column holds. A small table is as wide as its words. In a
    wide one each column gets room for its longest word, and shares the rest by how much it
    holds. Auto and fractional widths are never mixed: Typst widens an auto column to fit any
    cell that spans it."""
    total = [0] * ncols
    count = [0] * ncols
    word = [0] * ncols
    longest = [0] * ncols
    for r in rows:
        col = 0
        for c in _cells(r):
            span = _span(c, "colspan")
            if span == 1 and col < ncols:
                words = c.text().split()
                n = len(" ".join(words))
                total[col] += n
                count[col] += 1
                longest[col] = max(longest[col], n)
                # a long URL or number breaks anywhere: count at most 12 characters of it
                word[col] = max([word[col]] + [min(len(w), 12) for w in words])
            col += span
    if sum(longest) <= 100:
        return ["auto"] * ncols
    return [
        f"{word[i] + 2 + 3 * math.sqrt(min(total[i] / max(count[i], 1), 400)):.1f}fr"
        for i in range(ncols)
    ]
