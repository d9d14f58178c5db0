"""HTML an author writes into a section: what the site and the PDF keep, and what they refuse.

Markdown lets an author paste HTML, and whatever reaches the built page runs for every reader:
a ``<script>``, an ``onerror=`` handler, or a picture on another site, which tells that site who
read the report and when. So every page's HTML passes an allow-list before it is written
(:func:`sanitise`, with the maintained sanitiser nh3), and ``imr check`` reports each thing the
allow-list removes, at its line in the Markdown (:func:`check`), from the same lists.

Kept: what Markdown and its extensions write, and what authors use (``<br>``, ``<sup>``,
``<sub>``, ``<abbr>``, ``<kbd>``, tables, ``<details>``, ``<span>`` and ``<div>`` with classes,
pictures in the case, inline SVG drawings). Removed: scripts, event handlers, ``javascript:``
links, frames, objects, forms, styles other than alignment, and any picture, sound, video or
style that would be fetched from outside the case. A plain link to another site stays: it
fetches nothing until it is clicked.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import urlsplit

from imr_site.case.findings import Finding, finding, rule

R_REMOVED = rule(
    "HTM001",
    "warning",
    "HTML in a section that is removed",
    "Write it in Markdown, or with the HTML the README lists; the site and the PDF leave out "
    "what the message names.",
)
R_ACTIVE = rule(
    "HTM002",
    "error",
    "A script in a section",
    "Delete the script, the on...= attribute or the javascript: link: nothing in a report may run "
    "code in its readers' browsers, and the site and the PDF leave it out.",
)
R_OUTSIDE_RESOURCE = rule(
    "HTM003",
    "error",
    "A picture, sound or style fetched from outside the case",
    "Save the picture in docs/ and link to it by its file name (![Description](picture.png)): "
    "fetching it from another site would tell that site who read the report, and when.",
)

# --- the allow-list -------------------------------------------------------------------------

_SVG = {
    "svg",
    "g",
    "path",
    "rect",
    "circle",
    "ellipse",
    "line",
    "polyline",
    "polygon",
    "text",
    "tspan",
    "title",
    "desc",
    "defs",
    "lineargradient",
    "radialgradient",
    "stop",
    "marker",
    "clippath",
}
TAGS = {
    # text and blocks
    "p", "br", "hr", "wbr", "h1", "h2", "h3", "h4", "h5", "h6", "div", "span", "section",
    "article", "aside", "header", "footer", "blockquote", "pre", "code", "kbd", "samp", "var",
    "em", "strong", "i", "b", "u", "s", "del", "ins", "mark", "small", "sup", "sub", "abbr",
    "acronym", "dfn", "cite", "q", "time", "data", "bdi", "bdo", "ruby", "rt", "rp",
    # lists and tables
    "ul", "ol", "li", "dl", "dt", "dd", "table", "caption", "colgroup", "col", "thead", "tbody",
    "tfoot", "tr", "th", "td",
    # links, pictures, disclosure
    "a", "img", "figure", "figcaption", "details", "summary",
} | _SVG  # fmt: skip
# Removed with everything inside them: code, not words.
CONTENT_REMOVED = {"script", "style"}
GLOBAL_ATTRIBUTES = {"id", "class", "title", "lang", "dir", "role", "aria-label", "aria-hidden"}
ATTRIBUTES = {
    "a": {"href", "name"},
    "img": {"src", "alt", "width", "height", "loading"},
    "td": {"colspan", "rowspan", "align", "style"},
    "th": {"colspan", "rowspan", "align", "scope", "style"},
    "col": {"span", "style"},
    "ol": {"start", "type", "reversed"},
    "li": {"value"},
    "time": {"datetime"},
    "data": {"value"},
    "details": {"open"},
    "q": {"cite"},
    "p": {"style"},
    "div": {"style"},
    "span": {"style"},
    # drawing attributes; no href (an SVG link can fetch from anywhere)
    "svg": {"viewbox", "width", "height", "xmlns", "preserveaspectratio", "focusable"},
    **{
        t: {
            "x", "y", "x1", "y1", "x2", "y2", "cx", "cy", "r", "rx", "ry", "d", "points",
            "width", "height", "fill", "stroke", "stroke-width", "stroke-dasharray",
            "stroke-linecap", "stroke-linejoin", "opacity", "fill-opacity", "stroke-opacity",
            "transform", "text-anchor", "dominant-baseline", "font-size", "font-weight",
            "font-family", "dx", "dy", "offset", "stop-color", "gradientunits", "markerwidth",
            "markerheight", "refx", "refy", "orient", "viewbox", "marker-end", "marker-start",
            "clip-path",
        }
        for t in _SVG - {"svg"}
    },
}  # fmt: skip
# The sanitiser sees SVG's names as SVG spells them; the audit (and HTML) in lower case.
_SVG_CASE = {
    n.lower(): n
    for n in (
        "viewBox preserveAspectRatio linearGradient radialGradient clipPath gradientUnits "
        "markerWidth markerHeight refX refY"
    ).split()
}
STYLE_PROPERTIES = {"text-align", "vertical-align"}
LINK_SCHEMES = {"http", "https", "mailto", "tel"}
# Attributes whose address the browser fetches by itself.
RESOURCE_ATTRIBUTES = {"src", "srcset", "data", "poster", "background", "href", "xlink:href"}
_CSS_URL = re.compile(r"url\s*\(|@import|image-set\s*\(|expression\s*\(", re.I)
# data: addresses a browser runs as a page or a script when opened
_DATA_CODE = re.compile(r"data:(text/html|text/javascript|application/\S*script|image/svg)", re.I)
_DATA_PICTURE = re.compile(r"data:image/(png|jpeg|gif|webp);", re.I)


def _fetches_from_outside(url: str) -> bool:
    """Whether a browser fetching ``url`` would reach beyond the case's own site."""
    url = url.strip()
    if url.startswith("//") or url.startswith("\\\\"):
        return True
    scheme = urlsplit(url).scheme.lower()
    if scheme == "data":
        return not _DATA_PICTURE.match(url)  # a picture inside the page fetches nothing
    return bool(scheme)


def _runs_code(url: str) -> bool:
    scheme = urlsplit(re.sub(r"[\s\x00-\x1f]", "", url)).scheme.lower()
    return scheme in ("javascript", "vbscript") or bool(_DATA_CODE.match(url.strip()))


def _allowed_style(style: str) -> tuple[str, str | None]:
    """(what to keep, what is wrong) for a style attribute."""
    if _CSS_URL.search(style):
        return "", "outside"
    kept, dropped = [], []
    for decl in style.split(";"):
        name = decl.split(":", 1)[0].strip().lower()
        if not name:
            continue
        (kept if name in STYLE_PROPERTIES else dropped).append(decl.strip())
    return "; ".join(kept), ("; ".join(dropped) or None)


# --- what the allow-list removes, for findings ----------------------------------------------


@dataclass(frozen=True)
class Removal:
    code: str  # the rule that reports it
    what: str  # in words, for the message
    needle: str  # text to look for in the Markdown, to find its line


class _Audit(HTMLParser):
    """Everything in a piece of HTML that :func:`sanitise` removes or refuses."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.removals: list[Removal] = []

    def _add(self, code: str, what: str, needle: str) -> None:
        self.removals.append(Removal(code, what, needle))

    def handle_starttag(self, tag, attrs):
        tag = tag.lower()
        if tag in CONTENT_REMOVED:
            if tag == "script":
                self._add(R_ACTIVE.code, "a <script> would run for every reader", "<script")
                return
            self._add(R_REMOVED.code, "a <style> element is not allowed", "<style")
            return
        allowed = tag in TAGS
        for name, value in attrs:
            self._attribute(tag, name.lower(), value or "", allowed)
        if not allowed:
            self._add(R_REMOVED.code, f"<{tag}> is not allowed (its text is kept)", f"<{tag}")

    handle_startendtag = handle_starttag

    def _attribute(self, tag: str, name: str, value: str, tag_allowed: bool) -> None:
        if name.startswith("on"):
            self._add(
                R_ACTIVE.code,
                f"the {name}= attribute on <{tag}> is a script that would run for every reader",
                name,
            )
            return
        if _runs_code(value) and name in RESOURCE_ATTRIBUTES | {"action", "formaction", "cite"}:
            self._add(
                R_ACTIVE.code,
                f'<{tag} {name}="{value.strip()[:40]}"> is a script that would run for a reader',
                value.strip(),
            )
            return
        fetched = name in RESOURCE_ATTRIBUTES and not (tag == "a" and name == "href")
        if fetched and value.strip() and _fetches_from_outside(value):
            self._add(
                R_OUTSIDE_RESOURCE.code,
                f'<{tag} {name}="{value.strip()}"> would be fetched from outside the case',
                value.strip(),
            )
            return
        if name == "style":
            _, wrong = _allowed_style(value)
            if wrong == "outside":
                self._add(
                    R_OUTSIDE_RESOURCE.code,
                    f"a style on <{tag}> would fetch an address (url(), @import)",
                    value.strip()[:40],
                )
            elif wrong and tag_allowed and "style" in ATTRIBUTES.get(tag, ()):
                self._add(
                    R_REMOVED.code,
                    f"the style '{wrong}' on <{tag}> is not allowed",
                    value.strip()[:40],
                )
            elif wrong:
                self._add(
                    R_REMOVED.code,
                    f"a style attribute on <{tag}> is not allowed",
                    value.strip()[:40],
                )
            return
        if (
            tag == "a"
            and name == "href"
            and urlsplit(value.strip()).scheme.lower() not in (LINK_SCHEMES | {""})
        ):
            self._add(
                R_REMOVED.code, f"the link address '{value.strip()}' is not allowed", value.strip()
            )
            return
        if not tag_allowed:
            return  # the element's own finding says it goes
        if name not in GLOBAL_ATTRIBUTES and name not in ATTRIBUTES.get(tag, ()):
            self._add(R_REMOVED.code, f"the {name}= attribute on <{tag}> is not allowed", name)


def removals(html: str) -> list[Removal]:
    """What :func:`sanitise` would remove or refuse in ``html``."""
    audit = _Audit()
    audit.feed(html)
    audit.close()
    return audit.removals


# --- the sanitiser ---------------------------------------------------------------------------


def _attribute_filter(tag: str, name: str, value: str) -> str | None:
    if name.startswith("on") or _runs_code(value):
        return None
    if (
        tag == "a"
        and name == "href"
        and urlsplit(value.strip()).scheme.lower() not in (LINK_SCHEMES | {""})
    ):
        return None  # a link to a data: address or another scheme (pictures may use data:)
    if name in RESOURCE_ATTRIBUTES and not (tag == "a" and name == "href"):
        if _fetches_from_outside(value):
            return None
    if name == "style":
        kept, wrong = _allowed_style(value)
        return None if wrong == "outside" or not kept else kept
    return value


_CLEANER = None


def sanitise(html: str) -> str:
    """``html`` with everything outside the allow-list removed (text is kept, scripts and
    styles go with their content)."""
    global _CLEANER
    if _CLEANER is None:
        import nh3  # imported when a page is first built: `imr check` does not need it

        _CLEANER = nh3.Cleaner(
            tags=TAGS | {_SVG_CASE.get(t, t) for t in TAGS},
            clean_content_tags=CONTENT_REMOVED,
            attributes={
                "*": GLOBAL_ATTRIBUTES,
                **{
                    _SVG_CASE.get(t, t): names | {_SVG_CASE.get(n, n) for n in names}
                    for t, names in ATTRIBUTES.items()
                },
            },
            attribute_filter=_attribute_filter,
            url_schemes=LINK_SCHEMES | {"data"},
            filter_style_properties=STYLE_PROPERTIES,
            link_rel=None,
            strip_comments=True,
        )
    return _IMG.sub(_picture_or_words, _CLEANER.clean(html))


# nh3 writes every attribute value in double quotes, with any " inside escaped.
_IMG = re.compile(r'<img\b(?:\s+[^\s=>]+(?:="[^"]*")?)*\s*/?>')
_ALT = re.compile(r'\salt="([^"]*)"')


def _picture_or_words(m: re.Match) -> str:
    """A picture whose address was refused is shown as its description, in words."""
    tag = m.group(0)
    if re.search(r'\ssrc="[^"]', tag):
        return tag
    alt = _ALT.search(tag)
    return f'<span class="imr-picture-refused">{alt.group(1) if alt else ""}</span>'


# --- front matter the theme shows -----------------------------------------------------------

# MkDocs and Material write these front matter fields into every page as they are, unescaped
# (the page title in the header and navigation, the description in <head>, ...).
SHOWN_FIELDS = ("title", "description", "subtitle", "author", "status")
# These change what the page is: another layout, or a page that sends the reader elsewhere.
DROPPED_FIELDS = ("template", "location")


def safe_meta(meta: dict) -> dict:
    """A page's front matter as the theme may use it: the fields it shows, as text (escaped), and
    none that swaps the page's layout or turns it into a redirect."""
    import html as html_lib

    out = {k: v for k, v in meta.items() if k not in DROPPED_FIELDS}
    for key in SHOWN_FIELDS:
        if isinstance(out.get(key), str):
            out[key] = html_lib.escape(out[key])
    return out


def _meta_findings(page) -> list[Finding]:
    out = []
    for key in DROPPED_FIELDS:
        if key in page.meta:
            out.append(
                finding(
                    R_REMOVED.code,
                    page.rel,
                    page.line_of(key),
                    f"the front matter field '{key}' would change the page's layout or send the "
                    "reader elsewhere: it is not used. Delete it.",
                )
            )
    for key in SHOWN_FIELDS:
        value = page.meta.get(key)
        if isinstance(value, str) and re.search(r"<[A-Za-z!/]", value):
            out.append(
                finding(
                    R_REMOVED.code,
                    page.rel,
                    page.line_of(key),
                    f"the front matter field '{key}' holds HTML, which is shown as text, never "
                    "run. Write it as plain words.",
                )
            )
    return out


# --- the rule --------------------------------------------------------------------------------

# What the check renders a page with: the extensions the example and the template use.
MARKDOWN_EXTENSIONS = ["tables", "attr_list", "md_in_html", "abbr", "admonition", "footnotes"]
MARKDOWN_EXTENSIONS += ["def_list", "toc"]
# A tag, an attribute list ({: key=value}), or a link or link definition with a scheme.
_MAY_HOLD_HTML = re.compile(r"<[A-Za-z!/?]|\{[:#.]?[^}\n]*=|\][(:]\s*<?[A-Za-z][A-Za-z0-9+.-]*:")


def _line_finder(page):
    """(needle) -> file line of its next occurrence in the page's prose, in order."""
    text = "\n".join(page.body_lines)
    lower = text.lower()
    cursor: dict[str, int] = {}

    def line_of(needle: str) -> int:
        key = needle.lower()
        at = lower.find(key, cursor.get(key, 0)) if key else -1
        if at < 0:
            at = lower.find(key) if key else -1
        if at < 0:
            return page.body_start
        cursor[key] = at + 1
        return page.body_start + lower.count("\n", 0, at)

    return line_of


def page_findings(page, markdown_renderer) -> list[Finding]:
    body = "\n".join(page.body_lines)
    if not _MAY_HOLD_HTML.search(body):
        return []  # no tag, attribute list or address with a scheme: nothing to remove
    html = markdown_renderer(body)
    line_of = _line_finder(page)
    # the same thing twice on one line is one finding, which says how often
    counts: dict[tuple[str, int, str], int] = {}
    for r in removals(html):
        key = (r.code, line_of(r.needle), r.what)
        counts[key] = counts.get(key, 0) + 1
    return [
        finding(
            code,
            page.rel,
            line,
            f"{what}{f' ({n} times on this line)' if n > 1 else ''}: it is removed from the site "
            "and the PDF.",
        )
        for (code, line, what), n in counts.items()
    ]


def _renderer():
    import markdown

    md = markdown.Markdown(extensions=MARKDOWN_EXTENSIONS)

    def render(text: str) -> str:
        md.reset()
        return md.convert(text)

    return render


def check(case) -> list[Finding]:
    render = None
    out: list[Finding] = []
    for page in case.pages:
        if render is None:
            render = _renderer()
        out.extend(page_findings(page, render))
        out.extend(_meta_findings(page))
    return out
