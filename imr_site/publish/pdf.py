"""The print document: every section's HTML gathered into one paged PDF with WeasyPrint.

The caller (the MkDocs plugin, or anything else) hands over each page's rendered content HTML
in report order; this module numbers the sections as the guidance does, rewrites the links
between pages into links inside the PDF, adds a cover and a contents page, and renders the
lot from our own print template and stylesheet (never the site's screen CSS).

Nothing is fetched from the network: the URL fetcher only serves ``data:`` URIs and files
inside this package (and, if given, the built site folder for the authors' images).
"""

from __future__ import annotations

import logging
import posixpath
import re
from dataclasses import dataclass, field
from html import escape, unescape
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit
from urllib.request import url2pathname

from markupsafe import Markup

from imr_site.case.atomic import replacing
from imr_site.case.spec import strip_numbering
from imr_site.case.templates import Templates, uk_date

log = logging.getLogger(__name__)

PACKAGE_DIR = Path(__file__).resolve().parent
TEMPLATES = Templates(__file__)
ASSETS_DIR = PACKAGE_DIR / "assets"
STYLESHEET = ASSETS_DIR / "print.css"
WATERMARK_DRAFT = ASSETS_DIR / "watermark-draft.svg"

# Tagged PDF for accessibility; WeasyPrint needs <html lang> and <title> for it.
PDF_VARIANT = "pdf/ua-1"

LANDSCAPE = {"chronology", "actions"}  # generated blocks printed on landscape pages

EDITION_LABELS = {
    "restricted": "Restricted: the full report for the review panel",
    "anonymised": "Anonymised: for wider internal publication",
}


@dataclass
class PrintSection:
    id: str  # template section id, e.g. "analysis" (or a slug for extra pages)
    title: str  # title without numbering, e.g. "Analysis of agency involvement"
    number: int | None  # the guidance's numbering (None for Introduction, Organisational context)
    url: str  # the page's URL in the site, e.g. "05-analysis.html"
    html: str  # the page's rendered content HTML (MkDocs page.content: starts with its <h1>)
    landscape: bool = False  # chronology and action plan pages


@dataclass
class PrintDocument:
    title: str  # e.g. "Individual Management Review"
    case_reference: str
    agency: str
    subject_initials: str
    protective_marking: str  # e.g. OFFICIAL-SENSITIVE
    version: str  # e.g. "0.1" or a git describe
    date: str  # display date for the cover
    status: str  # "DRAFT" or "FINAL"
    edition: str  # "restricted" | "anonymised"
    author: str
    subject: str  # PDF metadata subject line
    keywords: list[str]
    sections: list[PrintSection]
    language: str = "en-GB"
    site_url_root: str = ""  # informational; links are resolved from PrintSection.url
    # The built site folder. Relative image paths in a section are read from here (next to the
    # page's URL); without it, only images embedded as data: URIs are shown.
    site_dir: Path | None = None


@dataclass
class _Heading:
    anchor: str
    text: str

    @property
    def href(self) -> str:
        return _fragment_href(self.anchor)


@dataclass
class _PreparedSection:
    id: str
    anchor: str
    numbered_title: str
    html: Markup
    landscape: bool
    headings: list[_Heading] = field(default_factory=list)

    @property
    def href(self) -> str:
        return _fragment_href(self.anchor)


# --------------------------------------------------------------------------------------------
# CSS values


def css_string(value: object) -> str:
    """``value`` as a quoted CSS string, safe inside a stylesheet and inside an HTML <style>.

    Jinja escapes for HTML only. In CSS a quote or backslash would end or bend the string, and
    in a <style> element ``</style>`` would end the stylesheet, so those characters (and control
    characters) become CSS hex escapes.
    """
    out = ['"']
    for ch in str(value):
        code = ord(ch)
        if ch in "\"'\\<>&" or code < 0x20 or code == 0x7F:
            out.append(f"\\{code:x} ")
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


# --------------------------------------------------------------------------------------------
# Section HTML: numbered title, unique ids, links inside the PDF

_ID_LIST_ATTRS = ("headers", "aria-labelledby", "aria-describedby", "aria-controls", "aria-owns")
# Where an unclosed <h1> must have ended: the title is replaced, but nothing after it is lost.
_ENDS_TITLE = {
    "p",
    "div",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "table",
    "ul",
    "ol",
    "dl",
    "pre",
    "blockquote",
    "section",
    "figure",
    "hr",
}


def _title_without_number(title: str) -> str:
    t = strip_numbering(title)
    return t or title.strip()


def numbered_title(section: PrintSection) -> str:
    """The section title as the guidance numbers it: "4. Analysis of agency involvement"."""
    title = _title_without_number(section.title)
    return f"{section.number}. {title}" if section.number is not None else title


def _url_key(url: str) -> str:
    """A page URL in one form, so "x.html", "./x.html", "x/", "x/index.html" compare alike."""
    path = unquote(urlsplit(url).path).lstrip("/")
    path = posixpath.normpath(path) if path else ""
    if path == ".":
        path = ""
    if path == "index.html" or path.endswith("/index.html"):
        path = path[: -len("index.html")]
    return path.rstrip("/")


def _fragment_href(anchor: str) -> str:
    # WeasyPrint unquotes the fragment of an internal link, so quote what it would misread.
    return "#" + quote(anchor, safe="-._~:!$'()*+,;=@/?")


def _anchor(section_id: str, local_id: str) -> str:
    return f"{section_id}--{local_id}"


class _SectionRewriter(HTMLParser):
    """Re-emits one page's content HTML with the changes the print document needs.

    - The first <h1> gets the numbered title (whatever number the author wrote is dropped).
    - Every id is prefixed with the section id, so ids stay unique across the document, and
      attributes that point at ids (href="#...", headers, aria-*) follow.
    - Links to other pages of the report become links inside the PDF; external links stay.
    - MkDocs' permalink anchors (<a class="headerlink">¶</a>) are removed.
    - Level-2 headings are collected for the contents page and the bookmarks.

    Everything else is copied through as written (html.parser with character references kept).
    """

    def __init__(
        self,
        section: PrintSection,
        page_anchors: dict[str, str],
        site_dir: Path | None,
    ):
        super().__init__(convert_charrefs=False)
        self.section = section
        self.page_anchors = page_anchors
        self.site_dir = site_dir
        self.out: list[str] = []
        self.headings: list[_Heading] = []
        self.title_done = False
        self._skip_depth = 0  # > 0 while inside an element being dropped
        self.in_title = False  # inside the first <h1>: its content is replaced
        self._h2: tuple[str, list[str]] | None = None
        self._h2_count = 0

    # -- helpers

    def _prefix(self, local_id: str) -> str:
        return _anchor(self.section.id, local_id)

    def _href(self, href: str) -> str | None:
        """The href for the PDF; None to drop it (a page that is not in the PDF)."""
        value = href.strip()
        if not value:
            return href
        parts = urlsplit(value)
        if parts.scheme or parts.netloc:
            return href  # external (https:, mailto:, tel:, ...): left alone
        fragment = unquote(parts.fragment)
        if not parts.path:
            return _fragment_href(self._prefix(fragment) if fragment else self.section.id)
        here = posixpath.dirname(urlsplit(self.section.url).path)
        target = _url_key(posixpath.join(here, parts.path))
        target_id = self.page_anchors.get(target)
        if target_id is None:
            log.warning(
                "PDF: the link to '%s' on page '%s' goes to a page that is not part of the "
                "PDF; it is shown as plain text there.",
                href,
                self.section.url,
            )
            return None
        return _fragment_href(_anchor(target_id, fragment) if fragment else target_id)

    def _src(self, src: str) -> str:
        value = src.strip()
        parts = urlsplit(value)
        if parts.scheme or parts.netloc or self.site_dir is None or not parts.path:
            return src  # data: URIs pass; anything else is refused by the URL fetcher
        here = posixpath.dirname(urlsplit(self.section.url).path)
        rel = posixpath.normpath(posixpath.join(here, unquote(parts.path))).lstrip("/")
        return (self.site_dir / rel).resolve().as_uri()

    def _attrs(self, tag: str, attrs: list[tuple[str, str | None]]) -> list[tuple[str, str | None]]:
        new: list[tuple[str, str | None]] = []
        for name, value in attrs:
            if value is not None:
                if name == "id" or (name == "for" and tag in ("label", "output")):
                    value = self._prefix(value)
                elif name == "href" and tag in ("a", "area"):
                    value = self._href(value)
                    if value is None:
                        continue
                elif name == "src" and tag == "img":
                    value = self._src(value)
                elif name in _ID_LIST_ATTRS:
                    value = " ".join(self._prefix(v) for v in value.split())
            new.append((name, value))
        return new

    @staticmethod
    def _tag(tag: str, attrs: list[tuple[str, str | None]], close: bool = False) -> str:
        parts = [f"<{tag}"]
        for name, value in attrs:
            parts.append(f" {name}" if value is None else f' {name}="{escape(value)}"')
        parts.append(" />" if close else ">")
        return "".join(parts)

    def end_title(self) -> None:
        self.in_title = False
        self.title_done = True
        self.out.append("</h1>")

    def _emit(self, text: str) -> None:
        if self._skip_depth or self.in_title:
            return
        self.out.append(text)
        if self._h2 is not None:
            self._h2[1].append(text)

    # -- parser events

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self._skip_depth:
            self._skip_depth += 1
            return
        classes = (dict(attrs).get("class") or "").split()
        if tag == "a" and "headerlink" in classes:
            self._skip_depth = 1
            return
        if self.in_title:
            if tag not in _ENDS_TITLE:
                return
            self.end_title()
        attrs = self._attrs(tag, attrs)
        if tag == "h1" and not self.title_done:
            if not any(name == "id" for name, _ in attrs):
                attrs.append(("id", self._prefix("title")))
            self.out.append(self._tag(tag, attrs))
            self.out.append(escape(numbered_title(self.section)))
            self.in_title = True
            return
        if tag == "h2":
            anchor = dict(attrs).get("id")
            if not anchor:
                self._h2_count += 1
                anchor = self._prefix(f"heading-{self._h2_count}")
                attrs.append(("id", anchor))
            self.out.append(self._tag(tag, attrs))
            self._h2 = (anchor, [])
            return
        self._emit(self._tag(tag, attrs))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self._skip_depth or self.in_title:
            return
        self._emit(self._tag(tag, self._attrs(tag, attrs), close=True))

    def handle_endtag(self, tag: str) -> None:
        if self._skip_depth:
            self._skip_depth -= 1
            return
        if self.in_title:
            if tag == "h1":
                self.end_title()
            return
        if tag == "h2" and self._h2 is not None:
            anchor, raw = self._h2
            self._h2 = None
            text = " ".join(unescape(re.sub(r"<[^>]*>", "", "".join(raw))).split())
            if text:
                self.headings.append(_Heading(anchor, text))
        self._emit(f"</{tag}>")

    def handle_data(self, data: str) -> None:
        self._emit(data)

    def handle_entityref(self, name: str) -> None:
        self._emit(f"&{name};")

    def handle_charref(self, name: str) -> None:
        self._emit(f"&#{name};")

    def handle_comment(self, data: str) -> None:
        self._emit(f"<!--{data}-->")

    def handle_decl(self, decl: str) -> None:
        pass  # a doctype inside page content means nothing here

    def handle_pi(self, data: str) -> None:
        pass

    def unknown_decl(self, data: str) -> None:
        self._emit(f"<![{data}]>")


def _prepare(
    section: PrintSection, page_anchors: dict[str, str], site_dir: Path | None
) -> _PreparedSection:
    rewriter = _SectionRewriter(section, page_anchors, site_dir)
    rewriter.feed(section.html or "")
    rewriter.close()
    if rewriter.in_title:  # an <h1> never closed, at the very end
        rewriter.end_title()
    body = "".join(rewriter.out)
    if not rewriter.title_done:
        title = escape(numbered_title(section))
        body = f'<h1 id="{escape(_anchor(section.id, "title"))}">{title}</h1>\n{body}'
    return _PreparedSection(
        id=section.id,
        anchor=section.id,
        numbered_title=numbered_title(section),
        html=Markup(body),
        landscape=section.landscape,
        headings=rewriter.headings,
    )


# --------------------------------------------------------------------------------------------
# The print HTML


def _check_ids(sections: list[PrintSection]) -> None:
    seen: set[str] = set()
    for s in sections:
        if not s.id or s.id in seen:
            raise ValueError(f"PDF: every section needs its own id; '{s.id}' is empty or repeated")
        seen.add(s.id)


def build_print_html(doc: PrintDocument) -> str:
    """The whole report as one HTML document for print (template ``templates/print.html``)."""
    _check_ids(doc.sections)
    page_anchors = {_url_key(s.url): s.id for s in doc.sections}
    site_dir = doc.site_dir.resolve() if doc.site_dir else None
    sections = [_prepare(s, page_anchors, site_dir) for s in doc.sections]
    draft = doc.status.strip().upper() != "FINAL"
    css = {
        "case_reference": Markup(css_string(doc.case_reference)),
        "marking": Markup(css_string(doc.protective_marking)),
        "version": Markup(css_string(f"Version {doc.version}")),
        "watermark": Markup(css_string(WATERMARK_DRAFT.as_uri())),
    }
    template = TEMPLATES.get("print.html")
    return template.render(
        doc=doc,
        sections=sections,
        draft=draft,
        status="DRAFT" if draft else "FINAL",
        edition_label=EDITION_LABELS.get(doc.edition, doc.edition),
        stylesheet_url=STYLESHEET.as_uri(),
        css=css,
    )


# --------------------------------------------------------------------------------------------
# PDF


def print_document(
    case,
    pages_html: dict[str, str],
    page_urls: dict[str, str],
    *,
    status: str,
    version: str,
    keywords: list[str] = (),
) -> PrintDocument:
    """The print document of a case from its built pages: ``pages_html`` maps a section id to
    the page's content HTML, ``page_urls`` to its URL in the site. Sections come in the template's
    order; a section with no page is left out."""
    sections = []
    for s in case.spec.sections:
        if s.id not in pages_html:
            continue
        sections.append(
            PrintSection(
                id=s.id,
                title=s.title,
                number=s.number,
                url=page_urls[s.id],
                html=pages_html[s.id],
                landscape=s.generated in LANDSCAPE,
            )
        )
    intro = case.section("introduction")
    author = intro.get("author.name") if intro else None
    initials = (intro.get("subject.initials") if intro else None) or ""
    completion = intro.get("completion_date") if intro else None
    config, title = case.config, case.spec.report_title
    return PrintDocument(
        title=f"{title}: {config.case_reference}",
        case_reference=config.case_reference,
        agency=config.agency,
        subject_initials=str(initials),
        protective_marking=config.protective_marking,
        version=version,
        date=uk_date(completion) if completion else "",
        status=status,
        edition=config.edition,
        author=str(author or config.agency),
        subject=f"{title} for {config.case_reference}, {config.agency}",
        keywords=[
            title,
            "Safeguarding Adults Review",
            config.case_reference,
            config.protective_marking,
            config.edition,
            *keywords,
        ],
        sections=sections,
    )


def _local_fetcher(roots: list[Path]):
    """A WeasyPrint URL fetcher that serves data: URIs and files under ``roots``, nothing else."""
    from weasyprint.urls import URLFetcher

    class LocalFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            scheme = urlsplit(url).scheme.lower()
            if scheme == "file":
                path = Path(url2pathname(urlsplit(url).path)).resolve()
                if any(path.is_relative_to(root) for root in roots):
                    return super().fetch(url, headers)
            elif scheme == "data":
                return super().fetch(url, headers)
            raise ValueError(f"the PDF only uses files of the report itself, not {url}")

    return LocalFetcher(allowed_protocols=("file", "data"))


def write_pdf(doc: PrintDocument, out_path: Path) -> int:
    """Render ``doc`` to ``out_path`` (written atomically) and return the number of pages."""
    # Imported here: WeasyPrint takes about half a second to import, and most builds that
    # import this module (a site preview, `imr check`) never make a PDF.
    from weasyprint import HTML

    out_path = Path(out_path)
    roots = [PACKAGE_DIR]
    base_url = ASSETS_DIR.as_uri() + "/"
    if doc.site_dir is not None:
        roots.append(doc.site_dir.resolve())
        base_url = doc.site_dir.resolve().as_uri() + "/"
    html = HTML(
        string=build_print_html(doc),
        base_url=base_url,
        url_fetcher=_local_fetcher(roots),
    )
    document = html.render(pdf_variant=PDF_VARIANT)
    with replacing(out_path) as fh:
        document.write_pdf(fh, pdf_variant=PDF_VARIANT)
    return len(document.pages)
