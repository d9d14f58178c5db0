"""Links, pictures and the nav, checked from the Markdown: what MkDocs would warn about while
building, found by `imr check` with the file and the line.

- LNK001: a picture or file the page uses that is not in docs/;
- LNK002: a link to a page that does not exist;
- LNK003: a link to a heading anchor that the page does not have (anchors are made from the
  headings as the site makes them: the `toc` extension's slugify, as mkdocs.yml configures it);
- LNK004: an entry in mkdocs.yml's nav naming a page that does not exist.

Addresses with a scheme (https:, mailto:) and absolute paths are not checked: they are not files
of the case (an offline bundle reports internet references separately).
"""

from __future__ import annotations

import html
import importlib
import posixpath
import re
from collections.abc import Callable
from pathlib import Path
from urllib.parse import unquote

from markdown.extensions.toc import slugify, unique

from imr_site.case.findings import Finding, finding, rule
from imr_site.case.sections import SectionFile
from imr_site.sections.printable import R_NO_IMAGE

R_MISSING_FILE = rule(
    "LNK001",
    "error",
    "Picture or file not found",
    "Put the file in docs/ (pictures in docs/images/, say) or correct the path; a path is "
    "relative to the page that uses it.",
)
R_BROKEN_LINK = rule(
    "LNK002",
    "error",
    "Link to a page that does not exist",
    "Link to the page's file name in docs/ (like 05-analysis.md), relative to this page.",
)
R_MISSING_ANCHOR = rule(
    "LNK003",
    "error",
    "Link to a heading that does not exist",
    "Use the heading's anchor as the site makes it: lower case, spaces as '-', punctuation "
    "left out ('## Q4. Quality' is #q4-quality). The message lists the page's anchors.",
)
R_NAV_MISSING = rule(
    "LNK004",
    "error",
    "Navigation entry to a missing page",
    "Correct the file name in `nav:` in mkdocs.yml, or add the page to docs/.",
)

STATUS_PAGE = "review-status.md"  # made by the build (the Review status page)
# Anchors the build's generated blocks add to a section (action plan rows, recommendations,
# chronology entries, the tables of the abbreviations page).
GENERATED_ANCHORS = re.compile(r"^(?:rec|action|plan|chr|imr)-|^(?:people-key|abbreviations-used)$")
PICTURES = {".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp", ".bmp", ".tif", ".tiff"}

_INLINE = re.compile(
    r"(?P<bang>!?)\[(?P<text>(?:[^\[\]]|\[[^\[\]]*\])*)\]"
    r"\(\s*(?:<(?P<angled>[^>\n]*)>|(?P<url>[^)\s]+))(?:\s+(?:\"[^\"]*\"|'[^']*'|\([^)]*\)))?\s*\)"
)
_REFERENCE = re.compile(r"^[ ]{0,3}\[(?!\^)[^\]]+\]:[ \t]*<?(?P<url>[^\s>]+)>?", re.MULTILINE)
_HTML = re.compile(
    r"<(?P<tag>img|a|source)\b[^>]*?\b(?:src|href)\s*=\s*(?:\"(?P<q>[^\"]*)\"|'(?P<s>[^']*)')",
    re.IGNORECASE,
)
_CODE_SPAN = re.compile(r"(`+)(?:(?!\1).)+?\1", re.DOTALL)
_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")
# ids written by the author: {#id} or {: #id } after a heading or a paragraph, id="..." in HTML
_ATTR_ID = re.compile(r"\{:?[^}]*?#(?P<id>[\w-]+)[^}]*\}")
_HTML_ID = re.compile(r"\b(?:id|name)\s*=\s*[\"'](?P<id>[^\"']+)[\"']")
_FOOTNOTE = re.compile(r"^[ ]{0,3}\[\^(?P<id>[^\]]+)\]:", re.MULTILINE)
# what a heading's text loses on its way to an anchor: markup, link addresses, attribute lists
_HEADING_MARKUP = re.compile(r"!?\[([^\]]*)\]\([^)]*\)|<[^>]+>|[*_`]|\{[^}]*\}\s*$")


def _setting(case, *keys):
    node = case.settings
    for k in keys:
        if not isinstance(node, dict):
            return None
        node = node.get(k)
    return node


def _toc_options(case) -> dict:
    for ext in _setting(case, "markdown_extensions") or []:
        if isinstance(ext, dict) and "toc" in ext:
            return ext["toc"] or {}
    return {}


def anchor_maker(case) -> Callable[[str, str], str] | None:
    """The slugify the site's headings get (toc's own, or the one mkdocs.yml names), or None
    when it is configured in a way this check cannot repeat (then anchors are not checked)."""
    options = _toc_options(case)
    configured = options.get("slugify")
    if configured is None:
        return slugify
    if isinstance(configured, str) and "." in configured:
        module, _, name = configured.rpartition(".")
        try:
            return getattr(importlib.import_module(module), name)
        except (ImportError, AttributeError):
            return None
    return None


def heading_anchors(page: SectionFile, make: Callable[[str, str], str], separator: str) -> set[str]:
    """Every anchor the page's HTML will have: its headings' ids (made unique as toc does),
    ids the author wrote, and its footnotes."""
    ids: set[str] = set()
    lines = page.body.split("\n")
    for h in page.headings:
        raw = lines[h.line - page.body_start] if 0 <= h.line - page.body_start < len(lines) else ""
        own = _ATTR_ID.search(raw)
        if own:
            ids.add(own.group("id"))
            continue
        text = html.unescape(_HEADING_MARKUP.sub(lambda m: m.group(1) or "", h.text)).strip()
        ids.add(unique(make(text, separator), ids))
    prose = "\n".join(page.body_lines)
    ids |= {m.group("id") for m in _ATTR_ID.finditer(prose)}
    ids |= {m.group("id") for m in _HTML_ID.finditer(prose)}
    for m in _FOOTNOTE.finditer(prose):
        ids |= {f"fn:{m.group('id')}", f"fnref:{m.group('id')}"}
    return ids


def _links(page: SectionFile):
    """(line, address, is_picture) for every link and picture in the page's prose."""
    prose = _CODE_SPAN.sub(lambda m: " " * len(m.group(0)), "\n".join(page.body_lines))

    def line(pos: int) -> int:
        return page.body_start + prose.count("\n", 0, pos)

    for m in _INLINE.finditer(prose):
        url = m.group("angled") if m.group("angled") is not None else m.group("url")
        yield (
            line(m.start("angled") if m.group("angled") is not None else m.start("url")),
            url,
            bool(m.group("bang")),
        )
    for m in _REFERENCE.finditer(prose):
        yield line(m.start("url")), m.group("url"), False
    for m in _HTML.finditer(prose):
        url = m.group("q") if m.group("q") is not None else m.group("s")
        yield line(m.start()), url, m.group("tag").lower() == "img"


def _docs_files(case) -> set[str]:
    docs = case.docs_dir
    files = {p.relative_to(docs).as_posix() for p in docs.rglob("*") if p.is_file()}
    files.add(STATUS_PAGE)
    reference = case.config.output_stem.rsplit("-", 1)[0]
    files |= {f"{reference}-restricted.pdf", f"{reference}-anonymised.pdf"}  # the build's PDF
    return files


def _target(page: SectionFile, path: str, files: set[str]) -> str:
    base = posixpath.dirname(page.src_uri)
    target = posixpath.normpath(posixpath.join(base, path)) if path else page.src_uri
    if path.endswith("/") or (target not in files and f"{target}/index.md" in files):
        target = posixpath.join(target, "index.md") if target != "." else "index.md"
    return target


def check(case) -> list[Finding]:
    out: list[Finding] = []
    files = _docs_files(case)
    pages = {p.src_uri: p for p in case.pages}
    make = anchor_maker(case)
    separator = str(_toc_options(case).get("separator") or "-")
    anchors: dict[str, set[str]] = {}
    for page in case.pages:
        for line, url, picture in _links(page):
            if not url or url.startswith("/") or _SCHEME.match(url):
                continue
            path, _, fragment = url.partition("#")
            path = unquote(path.split("?", 1)[0])
            target = _target(page, path, files)
            if target not in files:
                if not posixpath.splitext(path)[1] and not path.endswith("/"):
                    continue  # MkDocs leaves such a link as written, and says so only as INFO
                if target.endswith(".md"):
                    out.append(
                        finding(
                            R_BROKEN_LINK.code,
                            page.rel,
                            line,
                            f"the link '{url}' goes to {target}, which is not a page in docs/. "
                            "Correct the file name (the pages are "
                            + ", ".join(sorted(p for p in pages if "/" not in p)[:20])
                            + ").",
                        )
                    )
                else:
                    what = "picture" if picture or Path(path).suffix.lower() in PICTURES else "file"
                    out.append(
                        finding(
                            R_MISSING_FILE.code,
                            page.rel,
                            line,
                            f"the {what} '{url}' is not in docs/ (looked for docs/{target}): "
                            "add the file there or correct the path. Without it the site shows "
                            "a broken "
                            + (
                                "picture and the PDF its alt text."
                                if what == "picture"
                                else "link."
                            ),
                        )
                    )
                continue
            if not fragment or make is None or target not in pages:
                continue
            if target not in anchors:
                anchors[target] = heading_anchors(pages[target], make, separator)
            if fragment in anchors[target]:
                continue
            if pages[target].section_id and GENERATED_ANCHORS.match(fragment):
                continue  # made by the build's generated blocks (action plan, recommendations)
            near = sorted(anchors[target])
            out.append(
                finding(
                    R_MISSING_ANCHOR.code,
                    page.rel,
                    line,
                    f"the link '{url}' goes to '#{fragment}', which "
                    + ("this page" if target == page.src_uri else target)
                    + " has no heading for. Its anchors are: "
                    + ", ".join(f"#{a}" for a in near[:15])
                    + (" ..." if len(near) > 15 else "")
                    + ".",
                )
            )
    out.extend(_nav(case, files))
    return out


def _nav_entries(node):
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for v in node.values():
            yield from _nav_entries(v)
    elif isinstance(node, list):
        for v in node:
            yield from _nav_entries(v)


def _nav(case, files: set[str]) -> list[Finding]:
    nav = _setting(case, "nav")
    if not nav or case.config_file is None:
        return []
    text = case.config_file.read_text(encoding="utf-8-sig").split("\n")
    out = []
    for entry in _nav_entries(nav):
        if _SCHEME.match(entry) or entry.startswith("/") or entry.startswith("//"):
            continue
        target = posixpath.normpath(unquote(entry))
        if target in files or f"{target}/index.md" in files:
            continue
        start = next((i for i, t in enumerate(text) if t.startswith("nav:")), 0)
        line = next((i + 1 for i in range(start, len(text)) if entry in text[i]), None)
        out.append(
            finding(
                R_NAV_MISSING.code,
                case.rel(case.config_file),
                line,
                f"the navigation (nav: in mkdocs.yml) lists '{entry}', which is not a page in "
                "docs/. Correct the file name or add the page.",
            )
        )
    return out


def without_repeats(print_findings: list[Finding], found: list[Finding]) -> list[Finding]:
    """The PDF's findings less a missing picture (SEC006) that LNK001 already reports at the
    same place: the author is told once."""
    missing = {(f.file, f.line) for f in found if f.code == R_MISSING_FILE.code}
    return [
        f for f in print_findings if not (f.code == R_NO_IMAGE.code and (f.file, f.line) in missing)
    ]
