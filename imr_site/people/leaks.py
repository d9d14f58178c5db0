"""The leak gate: no identifier may reach any file of a built anonymised edition.

After the anonymised site and PDF are built, every output file is read the way a reader or a
machine would see it, and searched for every identifier of the case (see ``identifiers.py``):

- HTML pages: their text with the tags taken out, and the raw markup (attributes, scripts);
- the search index (``search/search_index.json``) and the sitemap (``sitemap.xml`` and ``.gz``);
- every other text file the build wrote (copied attachments, JSON, XML, JS written by the case);
- each PDF, read with wheels alone (``pdf_text.py``): the text of every page, hidden
  annotations and text off the page included; its metadata (title, author, subject, keywords
  and the XMP packet); its bookmarks; every string in its objects (alt text, actual text, link
  addresses, notes); the files attached to it (the chronology as CSV, say), read like any
  other output file; and any text stored uncompressed in the file.

A finding names the file and what was found. The gate fails closed: if a PDF cannot be read
(damaged, protected by a password, or its readers not installed), that is itself a finding,
never a pass.
"""

from __future__ import annotations

import gzip
import html
import io
import json
import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from urllib.parse import unquote

from imr_site.case.findings import Finding, finding, rule
from imr_site.people.identifiers import IdentifierSet
from imr_site.people.pdf_text import PdfReadError, decode_text, read_pdf

R_LEAK = rule(
    "ANO002",
    "error",
    "Identifier in the anonymised edition",
    "Find where the name comes from (the message says which file of the built site holds it), "
    "replace it with the person's label, and build again.",
)

_TEXT_SUFFIXES = {
    ".html",
    ".htm",
    ".json",
    ".xml",
    ".txt",
    ".js",
    ".css",
    ".svg",
    ".csv",
    ".md",
    ".yml",
    ".yaml",
    ".tsv",
    ".map",
    ".webmanifest",
}
_BINARY_SUFFIXES = {
    ".png",
    ".jpg",
    ".jpeg",
    ".gif",
    ".webp",
    ".ico",
    ".woff",
    ".woff2",
    ".ttf",
    ".otf",
    ".eot",
}
# Office documents are zip files of XML: an attachment in docs/ is read member by member.
ZIP_SUFFIXES = {".docx", ".xlsx", ".pptx", ".odt", ".ods", ".odp", ".zip"}
_INLINE_TAGS = re.compile(
    r"</?(?:a|abbr|b|i|em|strong|span|mark|code|sub|sup|small|u|s|q|cite|dfn|kbd|var|time|bdi|bdo)"
    r"\b[^>]*>",
    re.IGNORECASE,
)
_ANY_TAG = re.compile(r"<[^>]+>")
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
# Attribute values (title, alt, content of <meta>, data-*): text a reader or a machine can see.
_ATTRIBUTE = re.compile(r"""\s[\w:-]+\s*=\s*(["'])(.*?)\1""", re.DOTALL)
_STREAM = re.compile(rb"stream\r?\n.*?endstream", re.DOTALL)
_LINK_SEPARATORS = re.compile(r"[-_/.+=&?#%:]")
_FILE_NAME_SEPARATORS = re.compile(r"[-_/.]")
# A PDF attached to a PDF is read too, and so on, this far down: further is a problem.
_MAX_DEPTH = 3
# A member of an Office file or zip larger than this is not read: that is a problem.
_MAX_MEMBER = 50_000_000


@dataclass(frozen=True)
class Leak:
    file: str  # relative to the output folder
    where: str  # "page text", "search index", "PDF metadata (Title)" ...
    found: str  # the text as written
    what: str  # whose identifier, e.g. "surname of DN2 in the people key"

    def __str__(self) -> str:
        return f"{self.file} ({self.where}): '{self.found}' ({self.what})"


def _matches(ids: IdentifierSet, text: str) -> list[tuple[str, str]]:
    out = []
    for m in ids.find(text):
        what = "; ".join(dict.fromkeys(i.describe() for i in m.identifiers))
        # As a reader would copy it: a word broken over two lines in one piece.
        out.append((" ".join(m.text.replace("\u00ad", "").split()), what))
    return out


def html_texts(markup: str) -> list[tuple[str, str]]:
    """(where, text) views of an HTML page: its text, its attributes and its comments."""
    no_comments = _COMMENT.sub(" ", markup)
    # Inline tags can split a word ("Mar<em>sh</em>"): join across them; block tags separate.
    joined = _ANY_TAG.sub(" ", _INLINE_TAGS.sub("", no_comments))
    spaced = _ANY_TAG.sub(" ", no_comments)
    attributes = "\n".join(m.group(2) for m in _ATTRIBUTE.finditer(markup))
    # A comment is invisible on the page but is in the file anyone can save.
    comments = "\n".join(m.group(0)[4:-3] for m in _COMMENT.finditer(markup))
    return [
        ("page text", html.unescape(joined)),
        ("page text", html.unescape(spaced)),
        ("page attributes", html.unescape(attributes)),
        ("page comments", comments),
    ]


def _json_strings(value) -> Iterable[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for k, v in value.items():
            yield str(k)
            yield from _json_strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from _json_strings(v)


def search_index_texts(raw: str) -> list[tuple[str, str]]:
    out = [("search index", raw)]
    try:
        data = json.loads(raw)
    except ValueError:
        return out
    strings = list(_json_strings(data))
    out.append(("search index", "\n".join(strings)))
    # Search entries hold HTML fragments: read them as a reader would, too.
    out += [("search index", t) for s in strings if "<" in s for _, t in html_texts(s)[:2]]
    return out


def pdf_texts(path: Path) -> tuple[list[tuple[str, str]], list[str]]:
    """(where, text) views of a PDF, and problems (a PDF that could not be read is a problem)."""
    try:
        data = path.read_bytes()
    except OSError as e:
        return [], [f"the PDF cannot be opened to check it for names ({e.strerror or e})."]
    return _pdf_views(data, path.name, depth=0)


def _pdf_views(data: bytes, name: str, depth: int) -> tuple[list[tuple[str, str]], list[str]]:
    try:
        pdf = read_pdf(data, name)
    except PdfReadError as e:
        return [], [f"the PDF cannot be read, so it cannot be checked for names: {e.reason}"]
    views: list[tuple[str, str]] = []
    problems: list[str] = []
    for number, text in enumerate(pdf.pages, start=1):
        where = f"PDF text (page {number})"
        # A word broken over two lines is read whole ("Brownlow-" / "smith" as Brownlowsmith:
        # the matcher ignores the soft hyphen), and as printed, hyphen kept ("Anne-" / "Marie").
        views.append((where, text))
        if "\u00ad" in text:
            views.append((where, text.replace("\u00ad", "-")))
    views += [(f"PDF metadata ({key})", value) for key, value in pdf.metadata.items()]
    if pdf.xmp:
        views.append(("PDF metadata (XMP)", pdf.xmp))
        views.append(("PDF metadata (XMP)", html.unescape(_ANY_TAG.sub(" ", pdf.xmp))))
    if pdf.outline:
        views.append(("PDF bookmarks", "\n".join(pdf.outline)))
    strings = "\n".join(pdf.other_strings)
    views.append(("PDF objects (alt text, links, notes)", strings))
    # A link spells a name with separators a reader never sees: sarah_marsh, Sarah%20Marsh.
    views.append(("PDF objects (links)", _LINK_SEPARATORS.sub(" ", unquote(strings))))
    for attachment in pdf.attachments:
        where = f"PDF attachment {attachment.name}"
        views.append(("PDF attachment name", _FILE_NAME_SEPARATORS.sub(" ", attachment.name)))
        if depth >= _MAX_DEPTH:
            problems.append(f"{where} is a file inside files inside the PDF, too deep to check.")
            continue
        inner, inner_problems = _data_texts(attachment.data, attachment.name, depth + 1)
        views += [(where if w == "file" else f"{where}, {w}", t) for w, t in inner]
        problems += [f"{where}: {p}" for p in inner_problems]
    # The file as stored, outside its (compressed) streams: an earlier version of an object
    # left behind by an edit, or a comment, is in the file but in no object the readers see.
    # Compressed data is left out: as text it is noise, and short names would be "found" in it
    # by chance.
    raw = _STREAM.sub(b"stream endstream", data)
    views.append(("PDF objects", raw.decode("latin-1")))
    views += [("PDF objects", s) for s in _pdf_utf16_strings(raw)]
    return views, problems


_HEX_UTF16 = re.compile(rb"<FEFF([0-9A-Fa-f\s]+)>")


def _pdf_utf16_strings(raw: bytes) -> list[str]:
    """Hex strings in UTF-16 (how PDF stores non-ASCII metadata) decoded to text."""
    out = []
    for m in _HEX_UTF16.finditer(raw):
        hexdigits = re.sub(rb"\s", b"", m.group(1))
        try:
            out.append(bytes.fromhex(hexdigits.decode()).decode("utf-16-be", errors="replace"))
        except ValueError:
            continue
    return out


def scan_output(
    site_dir: str | Path,
    ids: IdentifierSet,
    *,
    skip: Iterable[str] = (),
    extra_files: Iterable[Path] = (),
) -> tuple[list[Leak], list[str]]:
    """Every identifier in a built output folder: (leaks, problems that stop the check).

    ``skip`` lists output paths (relative, with '/') that come from the theme, not the case,
    and so cannot hold case data. ``extra_files`` are outputs kept elsewhere (a PDF written
    beside the site).
    """
    root = Path(site_dir)
    skipped = set(skip)
    leaks: list[Leak] = []
    problems: list[str] = []
    seen: set[tuple] = set()
    files = sorted(p for p in root.rglob("*") if p.is_file()) if root.is_dir() else []
    for path in [*files, *extra_files]:
        try:
            rel = path.relative_to(root).as_posix()
        except ValueError:
            rel = path.name
        if rel in skipped:
            continue
        views, file_problems = file_texts(path, rel)
        # A page or attachment named after someone leaks through its address.
        views.append(("file name", _FILE_NAME_SEPARATORS.sub(" ", rel)))
        problems += [f"{rel}: {p}" for p in file_problems]
        for where, text in views:
            for found, what in _matches(ids, text):
                key = (rel, where.split(" (")[0], found.casefold(), what)
                if key in seen:
                    continue
                seen.add(key)
                leaks.append(Leak(rel, where, found, what))
    return leaks, problems


def file_texts(path: Path, rel: str) -> tuple[list[tuple[str, str]], list[str]]:
    """(where, text) views of one output file as a reader or a machine sees it, and problems."""
    if path.suffix.lower() in _BINARY_SUFFIXES:
        # Images and fonts are compressed data: searching them would "find" short names by chance.
        return [], []
    try:
        data = path.read_bytes()
    except OSError as e:
        return [], [f"the file cannot be opened to check it ({e.strerror or e})"]
    return _data_texts(data, rel, depth=0)


def _data_texts(data: bytes, rel: str, depth: int) -> tuple[list[tuple[str, str]], list[str]]:
    """(where, text) views of a file's bytes, by its name; a PDF's attachments come here too."""
    name = rel.rsplit("/", 1)[-1].lower()
    suffix = PurePosixPath(name).suffix
    if suffix == ".pdf" or data.startswith(b"%PDF-"):
        return _pdf_views(data, rel.rsplit("/", 1)[-1], depth)
    if suffix == ".gz":
        try:
            raw = gzip.decompress(data).decode("utf-8", errors="replace")
        except (OSError, EOFError) as e:
            return [], [f"the compressed file cannot be read ({e})"]
        return [("sitemap" if "sitemap" in name else "compressed file", raw)], []
    if suffix in ZIP_SUFFIXES:
        return _zip_texts(data)
    if suffix in _BINARY_SUFFIXES:
        return [], []
    views: list[tuple[str, str]] = []
    for text in _decodings(data):
        if rel.endswith("search_index.json"):
            views += search_index_texts(text)
        elif suffix in (".html", ".htm"):
            views += html_texts(text)
        elif name.startswith("sitemap"):
            views.append(("sitemap", text))
        elif suffix in _TEXT_SUFFIXES or "\x00" not in text[:4096]:
            views.append(("file", text))
    return views, []


def _decodings(data: bytes) -> list[str]:
    """A file's text as UTF-8 and, if it is not UTF-8, as its likelier encoding as well.

    A CSV saved by Excel is often Windows-1252, where "Zoë" read as UTF-8 would not be found;
    a UTF-8 file with one stray byte keeps its accents when read as UTF-8.
    """
    return list(dict.fromkeys([data.decode("utf-8", errors="replace"), decode_text(data)]))


# What each part of an Office document is, for the message: a Word document's text, its
# headers and footers, footnotes, comments and properties are each read.
_OFFICE_PARTS = (
    ("word/document.xml", "document text"),
    ("word/header", "page header"),
    ("word/footer", "page footer"),
    ("word/footnotes", "footnotes"),
    ("word/endnotes", "endnotes"),
    ("word/comments", "comments"),
    ("docProps/core.xml", "document properties"),
    ("docProps/app.xml", "document properties"),
    ("docProps/custom.xml", "document properties"),
    ("_rels/", "link addresses"),
)


def _member_kind(name: str) -> str:
    for prefix, kind in _OFFICE_PARTS:
        if name.startswith(prefix) or (prefix == "_rels/" and "_rels/" in name):
            return kind
    return "attachment"


def _zip_texts(data: bytes) -> tuple[list[tuple[str, str]], list[str]]:
    views: list[tuple[str, str]] = []
    problems: list[str] = []
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            for info in z.infolist():
                views.append(("attachment (member name)", info.filename))
                if info.is_dir():
                    continue
                if info.file_size > _MAX_MEMBER:
                    with z.open(info) as member_file:
                        binary = b"\x00" in member_file.read(4096)
                    if not binary:  # unread, it is unchecked: the gate fails closed
                        problems.append(
                            f"{info.filename} is too large to check (over {_MAX_MEMBER:,} bytes "
                            "unpacked): make the file smaller"
                        )
                    continue
                member = z.read(info)
                if b"\x00" in member[:4096]:
                    continue
                text = member.decode("utf-8", errors="replace")
                kind = _member_kind(info.filename)
                # Word splits text into runs (<w:t>Mar</w:t><w:t>sh</w:t>): read it both ways.
                views.append((kind, _ANY_TAG.sub("", text)))
                views.append((kind, html.unescape(_ANY_TAG.sub(" ", text))))
                # Alt text, link addresses and titles are attributes (descr="...", Target=...).
                attributes = html.unescape("\n".join(m.group(2) for m in _ATTRIBUTE.finditer(text)))
                views.append((f"{kind} (alt text, links)", attributes))
                views.append((f"{kind} (links)", _LINK_SEPARATORS.sub(" ", unquote(attributes))))
    except (zipfile.BadZipFile, OSError, RuntimeError) as e:
        return [], [f"the attachment cannot be opened to check it ({e})"]
    return views, problems


def leak_findings(leaks: list[Leak], problems: list[str], output_name: str = "") -> list[Finding]:
    """The gate's result as findings (for ``imr check``-style output)."""
    prefix = f"{output_name.rstrip('/')}/" if output_name else ""
    out = [
        finding(
            R_LEAK.code,
            f"{prefix}{leak.file}",
            None,
            f"the anonymised edition contains '{leak.found}' ({leak.what}) in its {leak.where}.",
        )
        for leak in leaks
    ]
    out += [
        finding(R_LEAK.code, None, None, f"the anonymised edition could not be checked: {p}")
        for p in problems
    ]
    return out


def report(leaks: list[Leak], problems: list[str], limit: int = 50) -> str:
    """A plain summary for an error message: each file and what was found in it."""
    lines = []
    by_file: dict[str, list[Leak]] = {}
    for leak in leaks:
        by_file.setdefault(leak.file, []).append(leak)
    for file, file_leaks in by_file.items():
        found = {}
        for leak in file_leaks:
            found.setdefault(f"'{leak.found}' ({leak.what})", []).append(leak.where)
        lines.append(f"  {file}:")
        for text, wheres in list(found.items())[:limit]:
            lines.append(f"    {text} in the {', '.join(dict.fromkeys(wheres))}")
    for p in problems:
        lines.append(f"  cannot check: {p}")
    return "\n".join(lines)
