"""Everything a PDF says in words, read with wheels alone (no poppler, nothing to install but pip).

The leak gate has to see every word a reader, a search tool or a curious recipient could get
out of a PDF, not only what is printed on the page. Two libraries share the work:

- PDFium (``pypdfium2``, Chrome's PDF engine) reads the page text. Annotations are flattened
  onto their page first, whatever their flags, so a stamp or a hidden note is read as well, and
  every character is read, including text placed off the visible page (poppler misses both).
- qpdf (``pikepdf``) reads the file's objects: the document information (title, author ...),
  the XMP packet, the bookmarks, every string in every object (alt text, actual text, link
  addresses, annotation notes, structure titles, attachment names and descriptions) and the
  files attached to the PDF.

Both must read the file, and must agree on its number of pages: a PDF that cannot be read is an
error (:class:`PdfReadError`), never an empty result, so a check built on this fails closed.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from imr_site.case.system import REINSTALL

# PDFium marks a hyphen where a word was broken across lines with a control character (and
# drops the line break): shown as a soft hyphen, the mark Unicode has for exactly that.
_BREAK_HYPHENS = str.maketrans({"\x02": "\u00ad", "\ufffe": "\u00ad", "\x00": None})
# Strings that are bytes, not words (a file identifier, the password checks of an encrypted
# file, a signature): as text they are noise in which a short name could be "found" by chance.
_ENCRYPTION_KEYS = frozenset({"/O", "/U", "/OE", "/UE", "/Perms"})
_INSTALL = f"so that the tool can read PDFs, {REINSTALL}"


class PdfReadError(Exception):
    """A PDF that cannot be read: a check that needed to read it has not passed."""

    def __init__(self, source: str, reason: str) -> None:
        self.source = source
        self.reason = reason
        super().__init__(f"{source} cannot be read as a PDF: {reason}")


class Attachment(NamedTuple):
    """A file attached to the PDF (the chronology and action plan as CSV, say)."""

    name: str
    data: bytes

    @property
    def text(self) -> str:
        return decode_text(self.data)


@dataclass(frozen=True)
class PdfContent:
    """The words in a PDF, by where they are kept."""

    pages: list[str]  # each page's text in reading order; a soft hyphen where a word was broken
    metadata: dict[str, str]  # document information: Title, Author, Subject, Keywords ...
    xmp: str  # the XMP metadata packet(s), as XML
    outline: list[str]  # bookmark titles, in order
    other_strings: list[str]  # alt text, actual text, link addresses, notes, attachment names ...
    attachments: list[Attachment]


def decode_text(data: bytes) -> str:
    """Bytes of a text file as text: UTF-8 (or UTF-16 with its mark), else Windows-1252.

    A CSV saved from Excel on Windows is often Windows-1252: read as UTF-8, "Zoë" would not be
    found. Latin-1 is the last resort because it never fails.
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace")
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")


def read_pdf(source: Path | str | bytes, name: str = "") -> PdfContent:
    """Every word in a PDF (a path, or the PDF's bytes), or :class:`PdfReadError`.

    ``name`` is what messages call the PDF (by default the file's name).
    """
    name = name or ("the PDF" if isinstance(source, bytes) else Path(source).name)
    try:
        data = source if isinstance(source, bytes) else Path(source).read_bytes()
    except OSError as e:
        raise PdfReadError(name, f"the file cannot be opened ({e.strerror or e}).") from e
    pages = _page_texts(data, name)
    content = _objects(data, name)
    if len(pages) != content.pages:
        raise PdfReadError(
            name,
            f"its two readers disagree on its number of pages ({len(pages)} and "
            f"{content.pages}), so it may be damaged. Build it again.",
        )
    return PdfContent(
        pages=pages,
        metadata=content.metadata,
        xmp=content.xmp,
        outline=content.outline,
        other_strings=content.other_strings,
        attachments=content.attachments,
    )


def page_count(path: Path | str) -> int:
    """The number of pages in a PDF, or :class:`PdfReadError`."""
    pdfium = _pdfium(Path(path).name)
    try:
        pdf = pdfium.PdfDocument(str(path))
    except (pdfium.PdfiumError, OSError) as e:
        raise PdfReadError(Path(path).name, _pdfium_reason(e)) from e
    try:
        return len(pdf)
    finally:
        pdf.close()


# --- page text (PDFium) ---------------------------------------------------------------------


def _pdfium(name: str):
    # Imported when a PDF is first read: `imr check` reads none and need not wait for it.
    try:
        import pypdfium2
    except ImportError as e:
        raise PdfReadError(name, f"the PDF reader (pypdfium2) is not installed; {_INSTALL}.") from e
    except OSError as e:  # its PDFium library would not load
        raise PdfReadError(
            name, f"the PDF reader (pypdfium2) cannot load ({e}); {_INSTALL}."
        ) from e
    return pypdfium2


def _pdfium_reason(e: Exception) -> str:
    message = str(e).rstrip(".")
    if "password" in message.lower():
        return "it is protected by a password. Build it without one."
    return f"it is damaged or is not a PDF ({message}). Build it again."


def _page_texts(data: bytes, name: str) -> list[str]:
    pdfium = _pdfium(name)
    import pypdfium2.raw as raw

    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as e:
        raise PdfReadError(name, _pdfium_reason(e)) from e
    try:
        texts = []
        for index in range(len(pdf)):
            page = pdf[index]
            if raw.FPDFPage_GetAnnotCount(page):
                # Draw every annotation's appearance into the page, hidden ones too (a reader
                # can unhide them), then open the page again to read what was drawn.
                for i in range(raw.FPDFPage_GetAnnotCount(page)):
                    annot = raw.FPDFPage_GetAnnot(page, i)
                    raw.FPDFAnnot_SetFlags(annot, raw.FPDF_ANNOT_FLAG_PRINT)
                    raw.FPDFPage_CloseAnnot(annot)
                if raw.FPDFPage_Flatten(page, raw.FLAT_PRINT) == raw.FLATTEN_FAIL:
                    raise PdfReadError(
                        name, f"the notes or stamps on page {index + 1} cannot be read."
                    )
                page.close()
                page = pdf[index]
            textpage = page.get_textpage()
            # The whole character list, not the page's box: text placed off the page is
            # invisible in print but is still in the file.
            text = textpage.get_text_range(errors="replace")
            textpage.close()
            page.close()
            texts.append(text.replace("\r\n", "\n").translate(_BREAK_HYPHENS))
        return texts
    except pdfium.PdfiumError as e:
        raise PdfReadError(name, f"its pages cannot be read ({e}).") from e
    finally:
        pdf.close()


# --- objects, metadata, bookmarks and attachments (qpdf) -------------------------------------


@dataclass
class _Objects:
    pages: int
    metadata: dict[str, str]
    xmp: str
    outline: list[str]
    other_strings: list[str]
    attachments: list[Attachment]


def _objects(data: bytes, name: str) -> _Objects:
    try:
        import pikepdf
    except ImportError as e:
        raise PdfReadError(name, f"the PDF reader (pikepdf) is not installed; {_INSTALL}.") from e
    try:
        pdf = pikepdf.open(io.BytesIO(data))
    except pikepdf.PasswordError as e:
        raise PdfReadError(name, "it is protected by a password. Build it without one.") from e
    except (pikepdf.PdfError, ValueError) as e:
        raise PdfReadError(name, f"it is damaged or is not a PDF ({e}). Build it again.") from e
    try:
        with pdf:
            return _read_objects(pikepdf, pdf)
    except (pikepdf.PdfError, pikepdf.OutlineStructureError, ValueError, RecursionError) as e:
        # An attached file, the XMP packet or the bookmarks: unread, they are unchecked.
        raise PdfReadError(name, f"part of it cannot be read ({e}). Build it again.") from e


def _read_objects(pikepdf, pdf) -> _Objects:
    info = pdf.trailer.get("/Info")
    metadata = {}
    if isinstance(info, pikepdf.Dictionary):
        metadata = {str(k)[1:]: _text(pikepdf, v) for k, v in info.items()}

    walk = _Walk(pikepdf)
    for obj in pdf.objects:
        walk.visit(obj)

    # Marked content in the page drawings holds alt text and actual text too.
    drawings = [*pdf.pages, *(s for s in walk.streams if s.get("/Subtype") == "/Form")]
    for drawing in drawings:
        for instruction in pikepdf.parse_content_stream(drawing, "BDC DP"):
            for operand in instruction.operands:
                walk.visit(operand)

    xmp_streams = [s for s in walk.streams if s.get("/Type") == "/Metadata"]
    xmp = "\n".join(decode_text(s.read_bytes()) for s in xmp_streams)

    outline: list[str] = []
    with pdf.open_outline() as tree:
        stack = list(reversed(tree.root))
        while stack:
            item = stack.pop()
            outline.append(item.title or "")
            stack += reversed(item.children)

    attachments = []
    for stream in walk.streams:
        key = stream.objgen
        if key in walk.attachment_names or stream.get("/Type") == "/EmbeddedFile":
            file_name = walk.attachment_names.get(key, "an unnamed attached file")
            attachments.append(Attachment(file_name, stream.read_bytes()))

    known = set(metadata.values()) | set(outline)
    others = [s for s in dict.fromkeys(walk.strings) if s not in known]
    return _Objects(len(pdf.pages), metadata, xmp, outline, others, attachments)


class _Walk:
    """Every string in a PDF's objects, its streams, and the names of its attached files."""

    def __init__(self, pikepdf) -> None:
        self.pikepdf = pikepdf
        self.strings: list[str] = []
        self.streams: list = []
        self.attachment_names: dict[tuple[int, int], str] = {}

    def visit(self, obj) -> None:
        pikepdf = self.pikepdf
        if isinstance(obj, pikepdf.String):
            self.strings.append(_text(pikepdf, obj))
        elif isinstance(obj, pikepdf.Array):
            for item in obj:
                self._child(item)
        elif isinstance(obj, pikepdf.Stream):
            self.streams.append(obj)
            self._dictionary(obj.stream_dict)
        elif isinstance(obj, pikepdf.Dictionary):
            self._dictionary(obj)

    def _child(self, obj) -> None:
        # Indirect objects are visited once each, from the file's list of objects.
        if not getattr(obj, "is_indirect", False):
            self.visit(obj)

    def _dictionary(self, d) -> None:
        pikepdf = self.pikepdf
        signature = "/ByteRange" in d
        encryption = "/Filter" in d and "/R" in d
        for key, value in d.items():
            if (
                key == "/ID"
                or (encryption and key in _ENCRYPTION_KEYS)
                or (signature and key == "/Contents")
            ):
                continue
            self._child(value)
        # A file specification: the attached file's name, whoever points at it (the list of
        # attachments or a paperclip annotation on a page).
        files = d.get("/EF")
        if isinstance(files, pikepdf.Dictionary):
            file_name = d.get("/UF") or d.get("/F")
            label = _text(pikepdf, file_name) if isinstance(file_name, pikepdf.String) else ""
            for _key, stream in files.items():
                if isinstance(stream, pikepdf.Stream):
                    self.attachment_names[stream.objgen] = label or "an unnamed attached file"


def _text(pikepdf, value) -> str:
    """A PDF value as text: strings decoded (PDFDocEncoding or UTF-16), names without '/'."""
    if isinstance(value, pikepdf.String):
        return str(value)
    if isinstance(value, pikepdf.Name):
        return str(value)[1:]
    return str(value)
