"""The print document: every section of the site in report order, as one tagged, archival PDF.

The caller (the MkDocs plugin) hands over each section's page HTML as the site shows it. This
module numbers the sections as the guidance does, turns each page into Typst (``convert.py``;
the chronology from its data, ``chronology.py``), and compiles the lot with Typst from our own
template (``templates/report.typ``): cover, contents, the marking and "Page X of Y" on every
page, the chronology and action plan on landscape pages, the DRAFT watermark as outlines.

The PDF is PDF/A-3a and PDF/UA-1 in one file: tagged, in en-GB, fonts embedded (Libertinus
Serif, shipped inside the ``typst`` wheel; no system fonts are read, so every machine makes the
same PDF), with the chronology and action plan attached as CSV.

Nothing is fetched: Typst reads only the files written into its own temporary folder.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from imr_site.case.atomic import replacing
from imr_site.case.findings import Finding, finding
from imr_site.case.spec import strip_numbering
from imr_site.case.system import load_library
from imr_site.case.templates import uk_date
from imr_site.publish.pdf.convert import (
    Anchors,
    Image,
    SectionConverter,
    SectionSource,
    url_key,
)
from imr_site.publish.pdf.html import parse
from imr_site.publish.signing.fields import Signatory, add_signature_fields, signatories
from imr_site.sections.printable import R_NOT_PRINTABLE, R_PRINT_FAILED

PACKAGE_DIR = Path(__file__).resolve().parent
TEMPLATE = PACKAGE_DIR / "templates" / "report.typ"
WATERMARK_DRAFT = PACKAGE_DIR / "assets" / "watermark-draft.svg"

# Both standards in one file: archival (PDF/A-3, level A: tagged) and accessible (PDF/UA-1).
PDF_STANDARDS = ["a-3a", "ua-1"]

LANDSCAPE = {"chronology", "actions"}  # generated blocks printed on landscape pages

EDITION_LABELS = {
    "restricted": "Restricted: the full report for the review panel",
    "anonymised": "Anonymised: for wider internal publication",
}
EDITION_SHORT = {"restricted": "Restricted edition", "anonymised": "Anonymised edition"}


class PdfError(Exception):
    """The PDF could not be made; ``findings`` say which section and why. Nothing was written."""

    def __init__(self, message: str, findings: list[Finding]):
        super().__init__(message)
        self.findings = findings


@dataclass
class PrintSection:
    id: str  # template section id, e.g. "analysis" (or a slug for extra pages)
    title: str  # title without numbering, e.g. "Analysis of agency involvement"
    number: int | None  # the guidance's numbering (None for Introduction, Organisational context)
    url: str  # the page's URL in the site, e.g. "05-analysis.html"
    html: str  # the page's content HTML as the site shows it (starts with its <h1>)
    landscape: bool = False  # chronology and action plan pages
    source: SectionSource = field(default_factory=SectionSource)
    generated: str | None = None  # the spec's generated block (chronology, actions, ...)


@dataclass
class Attachment:
    name: str  # chronology.csv
    data: bytes
    description: str
    mime: str = "text/csv"


@dataclass
class PrintDocument:
    title: str  # e.g. "Individual Management Review: SAR-2025-014 (restricted edition)"
    case_reference: str
    agency: str
    subject_initials: str
    protective_marking: str  # e.g. OFFICIAL-SENSITIVE
    version: str  # e.g. "0.1" or "draft, commit 1a2b3c"
    date: str  # display date for the cover
    status: str  # "DRAFT" or "FINAL"
    edition: str  # "restricted" | "anonymised"
    author: str
    subject: str  # PDF metadata subject line
    keywords: list[str]
    sections: list[PrintSection]
    language: str = "en-GB"
    # The built site folder: relative image paths in a section are read from here.
    site_dir: Path | None = None
    attachments: list[Attachment] = field(default_factory=list)
    # generated block name -> function(images) -> Typst markup, placed where the block stands
    blocks: dict[str, Callable[[list[Image]], str]] = field(default_factory=dict)
    # FINAL only: who signs, each given an empty signature field at the end of section 8
    signatories: list[Signatory] = field(default_factory=list)


@dataclass
class PdfResult:
    pages: int
    findings: list[Finding]  # what the PDF could not show (the PDF was still written)
    seconds: float


def numbered_title(section: PrintSection) -> str:
    """The section title as the guidance numbers it: "4. Analysis of agency involvement"."""
    title = strip_numbering(section.title) or section.title.strip()
    return f"{section.number}. {title}" if section.number is not None else title


# --------------------------------------------------------------------------------------------
# From a case


def print_document(
    case,
    pages_html: dict[str, str],
    page_urls: dict[str, str],
    *,
    status: str,
    version: str,
    keywords: list[str] = (),
    appendices: list[tuple[str, str, str, str]] = (),
) -> PrintDocument:
    """The print document of a case from its built pages: ``pages_html`` maps a section id to
    the page's content HTML, ``page_urls`` to its URL in the site. Sections come in the template's
    order; a section with no page is left out. ``appendices`` are (id, title, URL, HTML) of pages
    printed after the report (the restricted process record, on request)."""
    from imr_site.actions.io import actions_csv
    from imr_site.chronology.io import export_csv
    from imr_site.publish.pdf.chronology import chronology_typst

    sections = []
    for s in case.spec.sections:
        if s.id not in pages_html:
            continue
        page = case.section(s.id)
        source = SectionSource()
        if page is not None:
            source = SectionSource(page.rel, page.body, page.body_start)
        sections.append(
            PrintSection(
                id=s.id,
                title=s.title,
                number=s.number,
                url=page_urls[s.id],
                html=pages_html[s.id],
                landscape=s.generated in LANDSCAPE,
                source=source,
                generated=s.generated,
            )
        )
    for sid, title, url, html in appendices:
        sections.append(PrintSection(id=sid, title=title, number=None, url=url, html=html))
    intro = case.section("introduction")
    author = intro.get("author.name") if intro else None
    initials = (intro.get("subject.initials") if intro else None) or ""
    completion = intro.get("completion_date") if intro else None
    config, title = case.config, case.spec.report_title
    attachments = []
    chron = case.data.get("chronology")
    if chron is not None and chron.entries:
        attachments.append(
            Attachment(
                "chronology.csv",
                export_csv(chron, case.spec),
                f"The chronology of agency involvement ({len(chron.entries)} entries), as in "
                "section 2 of this report",
            )
        )
    plan = case.data.get("actions")
    if plan is not None and plan.actions:
        attachments.append(
            Attachment(
                "actions.csv",
                actions_csv(case),
                f"The action plan ({len(plan.actions)} actions), as in section 7 of this report",
            )
        )
    edition = EDITION_SHORT.get(config.edition, config.edition).lower()
    return PrintDocument(
        title=f"{title}: {config.case_reference} ({edition})",
        case_reference=config.case_reference,
        agency=config.agency,
        subject_initials=str(initials),
        protective_marking=config.protective_marking,
        version=version,
        date=uk_date(completion) if completion else "",
        status=status,
        edition=config.edition,
        author=str(author or config.agency),
        subject=", ".join(
            part
            for part in (f"{title} for {config.case_reference}", str(config.agency or "").strip())
            if part
        ),
        keywords=[
            title,
            "Safeguarding Adults Review",
            config.case_reference,
            config.protective_marking,
            config.edition,
            *keywords,
        ],
        sections=sections,
        attachments=attachments,
        blocks={"chronology": lambda images: chronology_typst(case, images)},
        signatories=signatories(case) if status == "FINAL" else [],
    )


# --------------------------------------------------------------------------------------------
# Typst source


@dataclass
class TypstSource:
    files: dict[str, bytes]  # path inside the Typst root -> content
    findings: list[Finding]
    section_files: dict[str, str]  # sections/NN-id.typ -> section id, to name it in errors
    images: list[Image] = field(default_factory=list)


def typst_source(doc: PrintDocument) -> TypstSource:
    """Every file Typst reads: main.typ, report.typ, meta.json, one file per section, pictures
    and attachments."""
    _check_ids(doc.sections)
    anchors = Anchors()
    page_ids = {url_key(s.url): s.id for s in doc.sections}
    trees = {s.id: parse(s.html) for s in doc.sections}
    collect_anchors(doc.sections, trees, anchors, page_ids)
    images: list[Image] = []
    findings: list[Finding] = []
    files: dict[str, bytes] = {}
    section_files: dict[str, str] = {}
    main = ['#import "/report.typ": *', "#show: report", ""]
    bodies: list[tuple[PrintSection, str]] = []
    for s in doc.sections:
        blocks = {
            name: (lambda fn=fn: fn(images))
            for name, fn in doc.blocks.items()
            if name == s.generated
        }
        converter = SectionConverter(
            s.id,
            s.url,
            numbered_title(s),
            anchors=anchors,
            page_ids=page_ids,
            images=images,
            site_dir=doc.site_dir.resolve() if doc.site_dir else None,
            source=s.source,
            blocks=blocks,
        )
        bodies.append((s, converter.convert(trees[s.id])))
        findings += converter.findings
    # A link whose target could not carry a label (an id on an element Typst cannot label)
    # goes to the start of the target's section instead.
    section_of = {label: sid for (sid, _), label in anchors.labels.items()}
    start = {sid: anchors.labels[(sid, "")] for sid in trees}

    def retarget(m: re.Match) -> str:
        label = m.group(1)
        if label in anchors.placed:
            return m.group(0)
        return f"#link(<{start[section_of[label]]}>)"

    for i, (s, body) in enumerate(bodies, start=1):
        body = re.sub(r"#link\(<(imr-\d+)>\)", retarget, body)
        if s.id == "signoff" and doc.signatories:
            body += "\n\n#imr-signature-fields()\n"
        name = f"sections/{i:02d}-{_safe(s.id)}.typ"
        section_files[name] = s.id
        files[name] = f'#import "/report.typ": *\n\n{body}\n'.encode()
        landscape = "true" if s.landscape else "false"
        main.append(f'#imr-section(landscape: {landscape}, include "/{name}")')
    files["main.typ"] = "\n".join(main).encode() + b"\n"
    files["report.typ"] = TEMPLATE.read_bytes()
    files["watermark-draft.svg"] = WATERMARK_DRAFT.read_bytes()
    for image in images:
        files[image.name] = image.data
    attachments = []
    for n, a in enumerate(doc.attachments, start=1):
        path = f"attachments/{n}.bin"
        files[path] = a.data
        attachments.append(
            {"name": a.name, "path": f"/{path}", "mime": a.mime, "description": a.description}
        )
    files["meta.json"] = json.dumps(_meta(doc, attachments), ensure_ascii=False).encode()
    return TypstSource(files, findings, section_files, images)


def _meta(doc: PrintDocument, attachments: list[dict]) -> dict:
    draft = doc.status.strip().upper() != "FINAL"
    cover = [
        ("Case reference", doc.case_reference),
        ("Subject of this report", doc.subject_initials),
        ("Agency", doc.agency),
        ("Author", doc.author),
        ("Version", doc.version),
        ("Date", doc.date),
        ("Edition", EDITION_LABELS.get(doc.edition, doc.edition)),
        ("Protective marking", doc.protective_marking),
    ]
    return {
        "title": doc.title,
        "author": doc.author,
        "subject": doc.subject,
        "keywords": [k for k in doc.keywords if k],
        "case_reference": doc.case_reference,
        "agency": doc.agency,
        "protective_marking": doc.protective_marking,
        "version": doc.version,
        "status": "DRAFT" if draft else "FINAL",
        "status_note": (
            "Not signed off: this is a working draft."
            if draft
            else "Signed off by the author and a senior officer."
        ),
        "edition_short": EDITION_SHORT.get(doc.edition, doc.edition),
        "cover": [{"label": k, "value": v or "Not given"} for k, v in cover],
        "attachments": attachments,
        "signatures": [
            {"field": p.role.field, "label": p.tooltip, "who": p.job} for p in doc.signatories
        ],
        "signatures_note": (
            "Each box below is a digital signature field. The author signs first, then the "
            "Director or Head of Service (imr sign); anyone can check both (imr verify)."
        ),
    }


def collect_anchors(sections, trees, anchors: Anchors, page_ids: dict[str, str]) -> None:
    """Labels for every heading id, and for every id a link points at (in any section);
    ``sections`` have an ``id`` and a ``url`` (the Word export's too)."""
    from urllib.parse import unquote, urlsplit

    for s in sections:
        anchors.label(s.id, "")
    for s in sections:
        here = url_key(s.url).rsplit("/", 1)[0] if "/" in url_key(s.url) else ""
        for el in trees[s.id].walk():
            if el.tag in ("h1", "h2", "h3", "h4", "h5", "h6") and el.get("id"):
                anchors.label(s.id, el.get("id"))
            if el.tag == "a" and el.get("href"):
                parts = urlsplit(el.get("href").strip())
                if parts.scheme or parts.netloc or not parts.fragment:
                    continue
                target = s.id
                if parts.path:
                    joined = f"{here}/{parts.path}" if here else parts.path
                    target = page_ids.get(url_key(joined))
                if target is not None:
                    anchors.targets.add((target, unquote(parts.fragment)))
    # A target exists only if its section has that id: others go to the section's start.
    ids = {(s.id, el.get("id")) for s in sections for el in trees[s.id].walk() if el.get("id")}
    anchors.targets &= ids
    for key in sorted(anchors.targets):
        anchors.label(*key)


def _check_ids(sections: list[PrintSection]) -> None:
    seen: set[str] = set()
    for s in sections:
        if not s.id or s.id in seen:
            raise ValueError(f"PDF: every section needs its own id; '{s.id}' is empty or repeated")
        seen.add(s.id)


def _safe(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_-]+", "-", name).strip("-") or "section"


# --------------------------------------------------------------------------------------------
# The PDF


def write_pdf(doc: PrintDocument, out_path: Path) -> PdfResult:
    """Render ``doc`` to ``out_path`` (written atomically: on failure nothing is left there).

    Raises :class:`PdfError` when Typst cannot compile it, naming the section."""
    # imported here: only builds that make a PDF need it
    typst = load_library("typst", "The PDF (imr build without --no-pdf)")

    started = time.perf_counter()
    source = typst_source(doc)
    with tempfile.TemporaryDirectory(prefix="imr-pdf-") as tmp:
        root = Path(tmp)
        for name, data in source.files.items():
            path = root / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
        _leave_out_damaged_pictures(source, root)
        try:
            for attempt in range(MISSING_GLYPH_ROUNDS + 1):
                try:
                    pdf = typst.compile(
                        str(root / "main.typ"),
                        root=str(root),
                        ignore_system_fonts=True,
                        pdf_standards=PDF_STANDARDS,
                        timestamp=dt.datetime.now(dt.timezone.utc).replace(microsecond=0),
                    )
                    break
                except typst.TypstError as e:
                    if attempt == MISSING_GLYPH_ROUNDS or not _spell_out_missing_glyphs(
                        e, source, doc, root
                    ):
                        raise PdfError(*_compile_failure(e, source, doc)) from None
        finally:
            shutil.rmtree(root / "img", ignore_errors=True)
    if doc.signatories:
        pdf = add_signature_fields(pdf, doc.signatories)
    with replacing(Path(out_path)) as fh:
        fh.write(pdf)
    return PdfResult(_page_count(pdf), source.findings, time.perf_counter() - started)


def _leave_out_damaged_pictures(source: TypstSource, root: Path) -> None:
    """A picture Typst cannot decode would stop the whole PDF: each is tried on its own, and a
    damaged one is replaced by its alt text, with a finding (SEC006)."""
    import typst

    damaged = []
    for image in source.images:
        if image.finding is None:
            continue
        probe = f"#image({json.dumps('/' + image.name)})".encode()
        try:
            typst.compile(probe, root=str(root), ignore_system_fonts=True)
        except typst.TypstError:
            damaged.append(image)
    for image in damaged:
        source.findings.append(image.finding)
        for name in source.section_files:
            path = root / name
            text = path.read_text(encoding="utf-8")
            if image.call in text:
                path.write_text(text.replace(image.call, image.fallback), encoding="utf-8")


# An archival PDF may only hold text its fonts can draw. An emoji or a rare symbol in a section
# is printed as its code point, "(U+1F642)", with a finding; these are the compiles that allows.
MISSING_GLYPH_ROUNDS = 3
_MISSING_GLYPH = re.compile(r'the text `"(.+?)"` could not be displayed with font')


def _spell_out_missing_glyphs(e, source: TypstSource, doc: PrintDocument, root: Path) -> bool:
    """Replace each text Typst's fonts cannot draw by its code points; False if none was named."""
    said = " ".join(str(x) for x in (getattr(e, "message", e), getattr(e, "diagnostic", "")))
    missing = set(_MISSING_GLYPH.findall(said))
    if not missing:
        return False
    by_id = {s.id: s for s in doc.sections}
    for path in sorted(root.rglob("*")):
        if path.suffix not in (".typ", ".json") or path.name == "report.typ":
            continue
        text = path.read_text(encoding="utf-8")
        found = [m for m in sorted(missing) if m in text]
        if not found:
            continue
        section = by_id.get(source.section_files.get(path.relative_to(root).as_posix(), ""))
        for m in found:
            shown = "(" + " ".join(f"U+{ord(c):04X}" for c in m) + ")"
            text = text.replace(m, shown)
            src = section.source if section else None
            at = src.body.find(m) if src and src.file else -1
            source.findings.append(
                finding(
                    R_NOT_PRINTABLE.code,
                    src.file if src else None,
                    src.body_start + src.body.count("\n", 0, at) if at >= 0 else None,
                    f"the PDF's fonts cannot draw '{m}', so it is printed as {shown}. Write it in "
                    "words (an emoji or a rare symbol is the usual cause).",
                )
            )
        path.write_text(text, encoding="utf-8")
    return True


def _compile_failure(e, source: TypstSource, doc: PrintDocument) -> tuple[str, list[Finding]]:
    text = "\n".join(
        x for x in [getattr(e, "message", str(e)), getattr(e, "diagnostic", "")] if x
    ).strip() or str(e)
    section_id = next((sid for name, sid in source.section_files.items() if name in text), None)
    section = next((s for s in doc.sections if s.id == section_id), None)
    file = section.source.file if section else None
    where = f"the section {numbered_title(section)!r}" if section else "the report"
    message = f"the PDF could not be made from {where}: Typst said: {' '.join(text.split())[:800]}"
    return message, [finding(R_PRINT_FAILED.code, file, None, message)]


def _page_count(pdf: bytes) -> int:
    # Typst writes one /Type /Page object per page; /Pages is the tree node.
    return len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", pdf))


__all__ = [
    "Attachment",
    "PdfError",
    "PdfResult",
    "PrintDocument",
    "PrintSection",
    "print_document",
    "typst_source",
    "write_pdf",
]
