"""The offline bundle: one zip holding a site that works opened from disk, and the PDF.

This module knows nothing of MkDocs: the adapter builds the offline site into a folder, then
calls :func:`find_external_references` on it (nothing in it may load anything from the internet)
and :func:`write_zip`.

The scan reads every HTML, JavaScript and CSS file for references to http(s):// resources: things
a browser fetches by itself when a page opens (scripts, stylesheets, icons, images, frames, CSS
``url()`` and ``@import``, ``fetch``/``importScripts`` and the like in scripts). Those make the
bundle fail. Ordinary links to outside pages (``<a href>``) fetch nothing until someone clicks;
they are reported, not refused.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

from imr_site.case.atomic import replacing

RESOURCE, LINK = "resource", "link"

_EXTERNAL = re.compile(r"^\s*(?:https?:)?//", re.IGNORECASE)  # also protocol-relative //host

# <link rel=...> values that make the browser fetch (or connect) without a click.
_FETCHING_RELS = set(
    "stylesheet icon shortcut apple-touch-icon apple-touch-icon-precomposed mask-icon manifest "
    "preload modulepreload prefetch preconnect dns-prefetch prerender".split()
)
# Attributes a browser loads by itself, by tag.
_LOADED = {
    "script": ("src",),
    "img": ("src", "srcset"),
    "source": ("src", "srcset"),
    "iframe": ("src",),
    "frame": ("src",),
    "embed": ("src",),
    "object": ("data",),
    "video": ("src", "poster"),
    "audio": ("src",),
    "track": ("src",),
    "input": ("src",),
    "image": ("href", "xlink:href"),  # SVG
    "use": ("href", "xlink:href"),  # SVG
    "form": ("action",),  # sends what is typed to the outside
    "base": ("href",),  # makes every relative address on the page point outside
}
_CLICKED = ("a", "area")  # their href is followed only when someone clicks

_CSS_URL = re.compile(r"""url\(\s*(["']?)\s*((?:https?:)?//[^"')\s]+)""", re.IGNORECASE)
_CSS_IMPORT = re.compile(r"""@import\s+(["'])\s*((?:https?:)?//[^"']+)""", re.IGNORECASE)
_Q = r"""["'`]\s*(https?://[^"'`\s]+)"""
_JS = [
    ("fetch()", re.compile(r"\bfetch\s*\(\s*" + _Q)),
    ("importScripts()", re.compile(r"\bimportScripts\s*\([^)]*?" + _Q)),
    ("import", re.compile(r"\bimport\s*(?:\(\s*|[\w*{}\s,]+\bfrom\s*)" + _Q)),
    ("import", re.compile(r"\bimport\s+" + _Q)),
    ("Worker", re.compile(r"\bnew\s+(?:Shared)?Worker\s*\(\s*" + _Q)),
    ("EventSource", re.compile(r"\bnew\s+EventSource\s*\(\s*" + _Q)),
    ("WebSocket", re.compile(r"""\bnew\s+WebSocket\s*\(\s*["'`]\s*(wss?://[^"'`\s]+)""")),
    ("XMLHttpRequest.open()", re.compile(r"\.open\s*\(\s*[\"'`]\w+[\"'`]\s*,\s*" + _Q)),
    ("sendBeacon()", re.compile(r"\bsendBeacon\s*\(\s*" + _Q)),
    (".src =", re.compile(r"\.src\s*=\s*" + _Q)),
]

MATERIAL_MERMAID = "https://unpkg.com/mermaid@11/dist/mermaid.min.js"
# Scripts that only hold data: the search index is the site's own text as JSON (a report that
# quotes a line of code must not fail), and every page it came from is scanned as HTML.
DATA_SCRIPTS = {"search/search_index.js"}
SCANNED = {
    ".html": "html",
    ".htm": "html",
    ".svg": "html",
    ".js": "js",
    ".mjs": "js",
    ".css": "css",
}


@dataclass(frozen=True)
class ExternalReference:
    file: str  # relative to the scanned folder
    line: int
    kind: str  # RESOURCE (fetched by itself: refused) or LINK (fetched on a click: reported)
    what: str  # e.g. '<script src>', 'CSS url()', 'fetch()'
    url: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.what} {self.url}"


def material_fetches_repository_facts(repo_url: str) -> bool:
    """Material asks the GitHub or GitLab API about a repository linked as repo_url."""
    return bool(
        re.match(r"^.+github\.com/", repo_url, re.I)
        or re.match(r"^.+?[^/]*gitlab[^/]+/", repo_url, re.I)
    )


def _line_at(text: str, pos: int, first_line: int = 1) -> int:
    return first_line + text.count("\n", 0, pos)


def scan_css(text: str, file: str, first_line: int = 1) -> list[ExternalReference]:
    out = []
    for what, pattern in (("CSS url()", _CSS_URL), ("CSS @import", _CSS_IMPORT)):
        for m in pattern.finditer(text):
            out.append(
                ExternalReference(
                    file, _line_at(text, m.start(), first_line), RESOURCE, what, m.group(2)
                )
            )
    return out


def scan_js(text: str, file: str, first_line: int = 1) -> list[ExternalReference]:
    out = []
    for what, pattern in _JS:
        for m in pattern.finditer(text):
            out.append(
                ExternalReference(
                    file, _line_at(text, m.start(), first_line), RESOURCE, what, m.group(1)
                )
            )
    return sorted(set(out), key=lambda r: (r.line, r.url))


class _HTMLScanner(HTMLParser):
    def __init__(self, file: str):
        super().__init__(convert_charrefs=True)
        self.file = file
        self.found: list[ExternalReference] = []
        self._in: str | None = None  # "script" or "style" while inside one
        self._mermaid_line: int | None = None  # first <pre class="mermaid">
        self._mermaid_script = False  # the page loads its own copy of Mermaid

    def _add(self, kind: str, what: str, url: str) -> None:
        self.found.append(ExternalReference(self.file, self.getpos()[0], kind, what, url.strip()))

    def handle_starttag(self, tag, attrs):
        a = {k: (v or "") for k, v in attrs}
        for attr in _LOADED.get(tag, ()):
            for url in _urls(a.get(attr, ""), srcset=attr == "srcset"):
                self._add(RESOURCE, f"<{tag} {attr}>", url)
        if tag == "link" and _EXTERNAL.match(a.get("href", "")):
            rels = set(a.get("rel", "").lower().split())
            fetched = rels & _FETCHING_RELS
            self._add(RESOURCE if fetched else LINK, f"<link rel={a.get('rel', '')}>", a["href"])
        if tag in _CLICKED and _EXTERNAL.match(a.get("href", "")):
            url = a["href"]
            if "md-source" in a.get("class", "").split() and material_fetches_repository_facts(url):
                self._add(
                    RESOURCE, "repository link (Material fetches its facts from the API)", url
                )
            else:
                self._add(LINK, f"<{tag} href>", url)
        if tag == "meta" and a.get("http-equiv", "").lower() == "refresh":
            m = re.search(r"url\s*=\s*['\"]?([^'\"\s;]+)", a.get("content", ""), re.I)
            if m and _EXTERNAL.match(m.group(1)):
                self._add(RESOURCE, '<meta http-equiv="refresh">', m.group(1))
        line = self.getpos()[0]
        for name, value in a.items():
            if name == "style":
                self.found += scan_css(value, self.file, line)
            elif name.startswith("on"):  # onclick="fetch('https://...')"
                self.found += scan_js(value, self.file, line)
        if tag in ("script", "style"):
            self._in = tag
        if tag == "script" and "mermaid" in a.get("src", "").lower():
            self._mermaid_script = True
        if tag == "pre" and "mermaid" in a.get("class", "").split() and not self._mermaid_line:
            self._mermaid_line = self.getpos()[0]

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        self._in = None

    def handle_endtag(self, tag):
        if tag == self._in:
            self._in = None

    def handle_data(self, data):
        line = self.getpos()[0]
        if self._in == "script":
            self.found += scan_js(data, self.file, line)
        elif self._in == "style":
            self.found += scan_css(data, self.file, line)

    def close(self):
        super().close()
        if self._mermaid_line and not self._mermaid_script:
            # Material draws these diagrams with Mermaid, loaded from unpkg.com unless the page
            # brings its own copy (a mermaid.min.js in docs/, listed under extra_javascript).
            self.found.append(
                ExternalReference(
                    self.file,
                    self._mermaid_line,
                    RESOURCE,
                    "Mermaid diagram: Material loads Mermaid from",
                    MATERIAL_MERMAID,
                )
            )


def _urls(value: str, srcset: bool = False) -> list[str]:
    if srcset:
        candidates = [part.strip().split()[0] for part in value.split(",") if part.strip()]
    else:
        candidates = [value]
    return [u for u in candidates if _EXTERNAL.match(u)]


def scan_html(text: str, file: str) -> list[ExternalReference]:
    scanner = _HTMLScanner(file)
    scanner.feed(text)
    scanner.close()
    return scanner.found


def find_external_references(root: Path) -> list[ExternalReference]:
    """Every reference to the internet in the HTML, JS and CSS files under `root`."""
    scanners = {"html": scan_html, "js": scan_js, "css": scan_css}
    found: list[ExternalReference] = []
    for path in sorted(root.rglob("*")):
        kind = SCANNED.get(path.suffix.lower())
        rel = path.relative_to(root).as_posix()
        if kind and path.is_file() and rel not in DATA_SCRIPTS:
            text = path.read_text(encoding="utf-8", errors="replace")
            found += scanners[kind](text, rel)
    return found


def write_zip(folder: Path, out: Path, top: str) -> int:
    """Zip every file under `folder` into `out`, inside one top folder `top/`.

    Written to a temporary file beside `out` and renamed, so `out` is either the previous zip or
    the complete new one. Returns the size in bytes.
    """
    folder, out = Path(folder), Path(out)
    if out.resolve().is_relative_to(folder.resolve()):
        raise ValueError(f"the zip {out} would be inside the folder it holds ({folder})")
    with replacing(out) as fh, zipfile.ZipFile(fh, "w", zipfile.ZIP_DEFLATED) as zf:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                zf.write(path, f"{top}/{path.relative_to(folder).as_posix()}")
    return out.stat().st_size
