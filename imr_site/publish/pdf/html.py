"""A section's page HTML read into a small tree, for the converter to walk.

Python-Markdown writes well-formed HTML, but an author's own HTML inside a section may not be:
void elements (``<br>``, ``<img>``) never close, and an end tag may be missing or stray. The
builder closes what must be closed and ignores end tags that match nothing, so no text is lost.
Each element keeps the line it started on in the page HTML, and an inline ``<svg>`` keeps its
source exactly as written (the parser would lower-case ``viewBox``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

VOID = {
    "area",
    "base",
    "br",
    "col",
    "embed",
    "hr",
    "img",
    "input",
    "link",
    "meta",
    "param",
    "source",
    "track",
    "wbr",
}


@dataclass
class Element:
    tag: str
    attrs: dict[str, str]
    children: list[Element | str] = field(default_factory=list)
    line: int = 1
    source: str = ""  # an <svg>'s markup as written

    def get(self, name: str, default: str = "") -> str:
        return self.attrs.get(name, default)

    @property
    def classes(self) -> list[str]:
        return self.attrs.get("class", "").split()

    def elements(self) -> list[Element]:
        return [c for c in self.children if isinstance(c, Element)]

    def text(self) -> str:
        """All the text inside, as written (no whitespace collapsed)."""
        out: list[str] = []
        stack: list[Element | str] = [self]
        while stack:
            node = stack.pop()
            if isinstance(node, str):
                out.append(node)
            else:
                stack.extend(reversed(node.children))
        return "".join(out)

    def walk(self):
        """This element and every element inside it, in document order."""
        stack: list[Element] = [self]
        while stack:
            node = stack.pop()
            yield node
            stack.extend(reversed(node.elements()))


class _Builder(HTMLParser):
    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.html = html
        self.root = Element("#root", {})
        self.stack = [self.root]
        self._line_starts = [0]
        for i, ch in enumerate(html):
            if ch == "\n":
                self._line_starts.append(i + 1)
        self._svg_start: list[tuple[Element, int]] = []

    def _offset(self) -> int:
        line, col = self.getpos()
        return self._line_starts[line - 1] + col

    def handle_starttag(self, tag, attrs):
        el = Element(tag, {k: v or "" for k, v in attrs}, line=self.getpos()[0])
        self.stack[-1].children.append(el)
        if tag == "svg":
            self._svg_start.append((el, self._offset()))
        if tag not in VOID:
            self.stack.append(el)

    def handle_startendtag(self, tag, attrs):
        el = Element(tag, {k: v or "" for k, v in attrs}, line=self.getpos()[0])
        self.stack[-1].children.append(el)

    def handle_endtag(self, tag):
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.stack[depth].tag == tag:
                if tag == "svg" and self._svg_start:
                    el, start = self._svg_start.pop()
                    end = self.html.find(">", self._offset()) + 1
                    el.source = self.html[start:end]
                del self.stack[depth:]
                return
        # an end tag that closes nothing is ignored (its text was already kept)

    def handle_data(self, data):
        parent = self.stack[-1]
        if parent.children and isinstance(parent.children[-1], str):
            parent.children[-1] += data
        else:
            parent.children.append(data)


def parse(html: str) -> Element:
    """The page HTML as a tree under a ``#root`` element."""
    builder = _Builder(html or "")
    builder.feed(html or "")
    builder.close()
    return builder.root


_DIV = re.compile(r"<(/?)div\b", re.IGNORECASE)


def empty_block(html: str, name: str) -> str:
    """The page with a generated block (``data-imr-block="name"``) emptied, for a writer that
    draws the block from the case's data: a 5,000-entry chronology need not be parsed to be
    thrown away. The block is the tool's own template output, so its tags are counted as
    written (everything from the case inside it is escaped)."""
    at = html.find(f'data-imr-block="{name}"')
    if at < 0:
        return html
    start = html.rfind("<div", 0, at)
    if start < 0:
        return html
    depth = 0
    for m in _DIV.finditer(html, start):
        depth += -1 if m.group(1) else 1
        if depth == 0:
            end = html.find(">", m.end()) + 1
            return f'{html[:start]}<div data-imr-block="{name}"></div>{html[end:]}'
    return html
