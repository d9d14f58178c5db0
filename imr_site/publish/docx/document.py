"""The report as one Word document, for panel chairs, Directors and board members who read and
comment in Word.

The caller hands over each section's page HTML as the site shows it (``publish.pages``). This
module numbers the sections as the guidance does, turns each page into WordprocessingML
(``convert.py``; the chronology from its data, ``chronology.py``) and writes the document with
python-docx, on the board's own reference document when one is given (its styles, its logo in
the header), else on python-docx's default one set to A4:

- a cover (title, case, agency, author, version, date, edition, marking) with DRAFT in large
  letters while the report is not FINAL, and a contents field;
- each section under Word's "Heading 1", its headings under "Heading 2" and below, so Word's
  navigation pane and contents field work;
- the chronology and the action plan in landscape sections, every table's header row
  repeating on each page;
- the protective marking in the header and footer of every page, "Page X of Y" as fields;
- the document properties: title naming the edition, author, subject, keywords, status.

An anonymised edition is read back in full by the leak gate (every part of the file: text,
headers, footers, footnotes, comments, properties, link addresses, alt texts) before it is
written; if any identifier is found nothing is written.
"""

from __future__ import annotations

import copy
import datetime as dt
import io
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace

from imr_site.case.atomic import replacing
from imr_site.case.editions import ANONYMISED
from imr_site.case.templates import uk_date
from imr_site.people.identifiers import build_identifiers
from imr_site.people.leaks import Leak, report, scan_output
from imr_site.publish.docx import ooxml
from imr_site.publish.docx.chronology import chronology_xml
from imr_site.publish.docx.convert import Bookmarks, SectionConverter, Story
from imr_site.publish.docx.ooxml import EMU_PER_TWIP, NSDECL, PLAIN, Cell, W
from imr_site.publish.pdf.convert import url_key
from imr_site.publish.pdf.document import (
    EDITION_LABELS,
    EDITION_SHORT,
    LANDSCAPE,
    collect_anchors,
    numbered_title,
)
from imr_site.publish.pdf.html import empty_block, parse

A4 = (11906, 16838)  # twips
MARGIN = 1134  # 2 cm
# Styles the document uses, by their names in Word; copied from python-docx's default
# document when a reference document does not define them.
STYLE_NAMES = {
    "title": "Title",
    "subtitle": "Subtitle",
    "heading1": "Heading 1",
    "heading2": "Heading 2",
    "heading3": "Heading 3",
    "heading4": "Heading 4",
    "heading5": "Heading 5",
    "heading6": "Heading 6",
    "list": "List Paragraph",
    "quote": "Quote",
    "caption": "Caption",
    "table": "Table Grid",
    "contents": "TOC Heading",
}
FOOTNOTES_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"
FOOTNOTES_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/footnotes"
COMMENTS_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/comments"
BULLETS = ("•", "◦", "▪")
NUMBERS = ("decimal", "lowerLetter", "lowerRoman")


class DocxError(Exception):
    """The Word document could not be made; nothing was written."""


class DocxLeak(DocxError):
    """The anonymised edition's Word document would identify someone; nothing was written."""

    def __init__(self, leaks: list[Leak], problems: list[str]):
        self.leaks, self.problems = leaks, problems
        head = (
            f"The anonymised Word document would identify someone: {len(leaks)} finding(s). "
            "Replace each name with the person's label (see data/people.yml) and export again."
            if leaks
            else "The anonymised Word document could not be checked for names."
        )
        super().__init__(f"{head} Nothing was written.\n{report(leaks, problems)}")


@dataclass
class DocxResult:
    path: Path
    sections: int
    chronology_entries: int
    actions: int
    footnotes: int
    pictures: int
    problems: list[str] = field(default_factory=list)  # what could not be shown
    seconds: float = 0.0


def write_docx(
    case,
    pages_html: dict[str, str],
    page_urls: dict[str, str],
    out_path: str | Path,
    *,
    status: str,
    version: str,
    site_dir: Path | None = None,
    reference_docx: str | Path | None = None,
) -> DocxResult:
    """Write the report as a .docx at ``out_path`` (atomically). ``pages_html`` maps section ids
    to their page content HTML, ``page_urls`` to their URLs in the site (``site_dir`` holds the
    pictures). Raises :class:`DocxError` (and :class:`DocxLeak` for the anonymised edition)."""
    started = time.perf_counter()
    writer = _Writer(case, status, version, site_dir, reference_docx)
    data = writer.write(pages_html, page_urls)
    if case.config.edition == ANONYMISED:
        gate(case, data, Path(out_path).name)
    with replacing(Path(out_path)) as fh:
        fh.write(data)
    chron, plan = case.data.get("chronology"), case.data.get("actions")
    return DocxResult(
        Path(out_path),
        writer.section_count,
        len(chron.entries) if chron is not None else 0,
        len(plan.actions) if plan is not None else 0,
        writer.footnote_count,
        writer.picture_count,
        writer.story.problems,
        time.perf_counter() - started,
    )


def gate(case, data: bytes, name: str) -> None:
    """The leak gate over a Word document: raises :class:`DocxLeak` if it names anyone."""
    with tempfile.TemporaryDirectory(prefix="imr-docx-gate-") as tmp:
        (Path(tmp) / name).write_bytes(data)
        leaks, problems = scan_output(tmp, build_identifiers(case))
    if leaks or problems:
        raise DocxLeak(leaks, problems)


class _Writer:
    def __init__(self, case, status: str, version: str, site_dir, reference):
        import docx  # imported here: only the Word export needs it

        self.case = case
        self.draft = status.strip().upper() != "FINAL"
        self.version = version
        try:
            self.doc = docx.Document(str(reference) if reference else None)
        except Exception as e:  # python-docx raises several kinds for a file that is not .docx
            raise DocxError(
                f"the reference document {reference} cannot be used: it is not a Word .docx "
                f"file python-docx can read ({type(e).__name__}: {e}). Save it from Word as a "
                "Word Document (.docx) and try again."
            ) from None
        self.reference = reference
        self.picture_count = self.footnote_count = self.section_count = 0
        self._footnotes: list[str] = []
        self._lists = 0
        self._abstract: dict[bool, int] = {}
        self._drawing_id = 1000
        styles = self._styles()
        self.story = Story(
            styles=styles,
            bookmarks=Bookmarks(),
            page_sections={},
            picture=self._picture,
            hyperlink=self._hyperlink,
            footnote=self._footnote,
            new_list=self._new_list,
            svg_to_png=svg_to_png,
            site_dir=site_dir,
        )

    # -- the whole document

    def write(self, pages_html: dict[str, str], page_urls: dict[str, str]) -> bytes:
        case = self.case
        body = self.doc.element.body
        for child in list(body):
            if child.tag != f"{W}sectPr":
                body.remove(child)
        self._page_setup()
        self._header_footer()
        self._properties()
        sections = [s for s in case.spec.sections if s.id in pages_html]
        self.story.page_sections = {url_key(page_urls[s.id]): s.id for s in sections}
        trees = {s.id: parse(empty_block(pages_html[s.id], "chronology")) for s in sections}
        self._collect_targets(sections, trees, page_urls)
        portrait = self.base_sectpr
        width = {False: self._content_width(False), True: self._content_width(True)}
        parts = [self._cover(), self._contents(sections)]
        landscape = False
        for s in sections:
            wants = s.generated in LANDSCAPE
            new_page = True
            if wants != landscape:
                parts.append(self._section_break(landscape))
                landscape, new_page = wants, False
            blocks = {}
            if s.generated == "chronology":
                blocks["chronology"] = lambda w=width[landscape]: chronology_xml(
                    case, w, self._picture, svg_to_png, self.story.styles["caption"]
                )
            converter = SectionConverter(
                self.story,
                s.id,
                page_urls[s.id],
                numbered_title(s),
                blocks,
                width_emu=width[landscape] * EMU_PER_TWIP,
            )
            parts.append(converter.convert(trees[s.id], first_page_break=new_page))
            self.section_count += 1
        _set_orientation(portrait, landscape)
        self._set_body("".join(parts))
        self._write_footnotes()
        buffer = io.BytesIO()
        self.doc.save(buffer)
        return buffer.getvalue()

    def _set_body(self, xml: str) -> None:
        """Put the body's XML in place. It is pasted into the document's XML as text and the
        whole is parsed once: lxml moving a parsed 1,000-row table into another document
        takes seconds (it re-checks namespaces node by node), parsing takes a tenth of that."""
        from docx.oxml import parse_xml
        from lxml import etree

        marker = "IMRBODY" + "0" * 8
        sect = self.doc.element.body.find(f"{W}sectPr")
        sect.addprevious(parse_xml(f"<w:p {NSDECL}><w:r><w:t>{marker}</w:t></w:r></w:p>"))
        part = self.doc.part
        text = etree.tostring(part.element, encoding="unicode")
        if text.count(marker) != 1:
            raise DocxError("the Word document could not be assembled (the body was not found).")
        at = text.index(marker)
        start, end = text.rindex("<w:p", 0, at), text.index("</w:p>", at) + len("</w:p>")
        head, tail = text[:start], text[end:]
        # Every prefix the body uses is declared on the root, whatever the reference declares.
        root_end = head.index(">")
        declared = head[:root_end]
        missing = " ".join(
            f'xmlns:{k}="{v}"' for k, v in ooxml.NAMESPACES.items() if f"xmlns:{k}=" not in declared
        )
        if missing:
            head = f"{declared} {missing}{head[root_end:]}"
        part._element = parse_xml((head + xml + tail).encode("utf-8"))

    # -- page, header, footer, properties

    def _page_setup(self) -> None:
        section = self.doc.sections[0]
        if self.reference is None:
            from docx.shared import Twips

            section.page_width, section.page_height = Twips(A4[0]), Twips(A4[1])
            for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
                setattr(section, side, Twips(MARGIN))
        _set_orientation(section._sectPr, False)
        section.different_first_page_header_footer = False
        self.doc.settings.odd_and_even_pages_header_footer = False
        self.base_sectpr = section._sectPr

    def _content_width(self, landscape: bool) -> int:
        s = self.doc.sections[0]
        width = s.page_height if landscape else s.page_width
        return int((width - (s.left_margin or 0) - (s.right_margin or 0)) / EMU_PER_TWIP)

    def _header_footer(self) -> None:
        config = self.case.config
        section = self.doc.sections[0]
        marking = config.protective_marking
        bold = PLAIN.plus(bold=True)
        centre = '<w:jc w:val="center"/>'
        head = ooxml.run(marking, bold)
        if self.draft:
            head = ooxml.run("DRAFT", bold) + ooxml.run("  ·  ") + head
        _append(section.header, ooxml.paragraph(head, None, centre))
        edition = EDITION_SHORT.get(config.edition, config.edition)
        foot = (
            ooxml.run(marking, bold)
            + ooxml.run(f"  ·  {config.case_reference}, {edition.lower()}  ·  Page ")
            + ooxml.field("PAGE", "1")
            + ooxml.run(" of ")
            + ooxml.field("NUMPAGES", "1")
        )
        _append(section.footer, ooxml.paragraph(foot, None, centre))

    def _properties(self) -> None:
        config, spec = self.case.config, self.case.spec
        edition = EDITION_SHORT.get(config.edition, config.edition).lower()
        props = self.doc.core_properties
        props.title = f"{spec.report_title}: {config.case_reference} ({edition})"
        props.subject = f"{spec.report_title} for {config.case_reference}, {config.agency}"
        props.author = self.author
        props.last_modified_by = self.author
        props.keywords = "; ".join(
            k
            for k in (
                spec.report_title,
                "Safeguarding Adults Review",
                config.case_reference,
                config.protective_marking,
                config.edition,
            )
            if k
        )
        props.category = config.protective_marking
        props.content_status = "DRAFT" if self.draft else "FINAL"
        props.comments = self.status_note
        props.identifier = config.case_reference
        props.language = "en-GB"
        props.version = self.version[:255]
        props.revision = 1
        now = dt.datetime.now(dt.timezone.utc).replace(microsecond=0, tzinfo=None)
        props.created = props.modified = now

    @property
    def author(self) -> str:
        intro = self.case.section("introduction")
        name = intro.get("author.name") if intro else None
        return str(name or self.case.config.agency or "")

    @property
    def status_note(self) -> str:
        if self.draft:
            return "DRAFT: not signed off; a working draft."
        return "FINAL: signed off by the author and a senior officer."

    # -- cover and contents

    def _cover(self) -> str:
        config, styles = self.case.config, self.story.styles
        intro = self.case.section("introduction")
        completion = intro.get("completion_date") if intro else None
        initials = (intro.get("subject.initials") if intro else None) or ""
        out = [
            ooxml.paragraph(ooxml.run(self.case.spec.report_title), styles["title"]),
            ooxml.paragraph(
                ooxml.run(f"{config.case_reference}: {config.agency}".strip(": ")),
                styles["subtitle"],
            ),
        ]
        if self.draft:
            out.append(
                ooxml.paragraph(
                    ooxml.run("DRAFT", PLAIN.plus(bold=True, size=36)),
                    None,
                    '<w:spacing w:before="240" w:after="240"/>',
                )
            )
        items = [
            ("Case reference", config.case_reference),
            ("Subject of this report", str(initials)),
            ("Agency", config.agency),
            ("Author", self.author),
            ("Version", self.version),
            ("Date", uk_date(completion) if completion else ""),
            ("Edition", EDITION_LABELS.get(config.edition, config.edition)),
            ("Protective marking", config.protective_marking),
            ("Status", self.status_note),
        ]
        rows = [
            [
                Cell(ooxml.paragraph(ooxml.run(label, PLAIN.plus(bold=True)))),
                Cell(ooxml.paragraph(ooxml.run(value or "Not given"))),
            ]
            for label, value in items
        ]
        out.append(ooxml.table(rows, style=styles["table"], caption="About this report"))
        return "".join(out)

    def _contents(self, sections) -> str:
        """A contents field, filled in with the sections (linked) until Word updates it and adds
        page numbers."""
        styles = self.story.styles
        out = [ooxml.paragraph(ooxml.run("Contents"), styles["contents"], "<w:pageBreakBefore/>")]
        begin = (
            '<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
            '<w:r><w:instrText xml:space="preserve"> TOC \\o "1-2" \\h \\z \\u </w:instrText></w:r>'
            '<w:r><w:fldChar w:fldCharType="separate"/></w:r>'
        )
        end = '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
        for i, s in enumerate(sections):
            link = ooxml.internal_link(
                self.story.bookmarks.name(s.id, ""), ooxml.run(numbered_title(s))
            )
            out.append(
                ooxml.paragraph(
                    (begin if i == 0 else "") + link + (end if i == len(sections) - 1 else "")
                )
            )
        out.append(
            ooxml.paragraph(
                ooxml.run(
                    "Page numbers: in Word, right-click the contents and choose Update Field.",
                    PLAIN.plus(italic=True, small=True),
                )
            )
        )
        return "".join(out)

    def _section_break(self, landscape: bool) -> str:
        """A paragraph that ends the section before it, laid out as ``landscape`` says."""
        from lxml import etree

        sect = copy.deepcopy(self.base_sectpr)
        _set_orientation(sect, landscape)
        return f"<w:p><w:pPr>{etree.tostring(sect, encoding='unicode')}</w:pPr></w:p>"

    def _collect_targets(self, sections, trees, page_urls) -> None:
        """Bookmarks for every heading, and for every element a link in the report points at
        (as the PDF's labels)."""
        pages = [SimpleNamespace(id=s.id, url=page_urls[s.id]) for s in sections]
        collect_anchors(pages, trees, self.story.bookmarks, self.story.page_sections)

    # -- styles, lists, pictures, links, footnotes

    def _styles(self) -> dict[str, str]:
        import docx

        default = None
        out = {}
        for key, name in STYLE_NAMES.items():
            try:
                style = self.doc.styles[name]
            except KeyError:
                default = default or docx.Document()
                self.doc.styles.element.append(copy.deepcopy(default.styles[name].element))
                style = self.doc.styles[name]
            out[key] = style.style_id
        normal = self.doc.styles["Normal"].element.get_or_add_rPr()
        from docx.oxml import parse_xml

        if normal.find(f"{W}lang") is None:
            normal.append(parse_xml(f'<w:lang {NSDECL} w:val="en-GB"/>'))
        return out

    def _new_list(self, ordered: bool, start: int) -> int:
        from docx.oxml import parse_xml

        numbering = self.doc.part.numbering_part.element
        if ordered not in self._abstract:
            used = [int(x) for x in numbering.xpath("./w:abstractNum/@w:abstractNumId")]
            number = max(used + [8999]) + 1
            levels = []
            for lvl in range(9):
                if ordered:
                    fmt, text = NUMBERS[lvl % 3], f"%{lvl + 1}."
                else:
                    fmt, text = "bullet", BULLETS[lvl % 3]
                levels.append(
                    f'<w:lvl w:ilvl="{lvl}"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/>'
                    f'<w:lvlText w:val="{ooxml.esc(text)}"/><w:lvlJc w:val="left"/>'
                    f'<w:pPr><w:ind w:left="{720 + 360 * lvl}" w:hanging="360"/></w:pPr></w:lvl>'
                )
            abstract = parse_xml(
                f'<w:abstractNum {NSDECL} w:abstractNumId="{number}">'
                f'<w:multiLevelType w:val="multilevel"/>{"".join(levels)}</w:abstractNum>'
            )
            first_num = numbering.find(f"{W}num")
            if first_num is not None:
                first_num.addprevious(abstract)
            else:
                numbering.append(abstract)
            self._abstract[ordered] = number
        used = [int(x) for x in numbering.xpath("./w:num/@w:numId")]
        num_id = max(used + [0]) + 1
        overrides = "".join(
            f'<w:lvlOverride w:ilvl="{lvl}"><w:startOverride w:val="{start}"/></w:lvlOverride>'
            for lvl in range(9)
        )
        numbering.append(
            parse_xml(
                f'<w:num {NSDECL} w:numId="{num_id}"><w:abstractNumId '
                f'w:val="{self._abstract[ordered]}"/>{overrides}</w:num>'
            )
        )
        return num_id

    def _picture(self, data: bytes, alt: str, max_width_emu: int) -> str | None:
        from lxml import etree

        try:
            _, image = self.doc.part.get_or_add_image(io.BytesIO(data))
            width, height = image.width, image.height
            if width > max_width_emu:
                width, height = max_width_emu, int(height * max_width_emu / width)
            inline = self.doc.part.new_pic_inline(io.BytesIO(data), width, height)
        except Exception:  # python-docx: a format it does not know, or a damaged file
            return None
        self._drawing_id += 1
        doc_pr = inline.docPr
        doc_pr.set("id", str(self._drawing_id))
        doc_pr.set("name", f"Picture {self._drawing_id}")
        doc_pr.set("descr", alt)
        for pic_pr in inline.xpath(".//pic:cNvPr"):
            pic_pr.set("descr", alt)
        self.picture_count += 1
        return f"<w:r><w:drawing>{etree.tostring(inline, encoding='unicode')}</w:drawing></w:r>"

    def _hyperlink(self, url: str) -> str:
        from docx.opc.constants import RELATIONSHIP_TYPE as RT

        return self.doc.part.relate_to(url, RT.HYPERLINK, is_external=True)

    def _footnote(self, paragraphs: str) -> int:
        self._footnotes.append(paragraphs)
        self.footnote_count += 1
        return self.footnote_count

    def _write_footnotes(self) -> None:
        from docx.opc.packuri import PackURI
        from docx.opc.part import Part, XmlPart
        from docx.oxml import parse_xml

        part = next(
            (r.target_part for r in self.doc.part.rels.values() if r.reltype == FOOTNOTES_REL),
            None,
        )
        # Drop the reference document's comments: they were about its own text.
        for rid, rel in list(self.doc.part.rels.items()):
            if rel.reltype == COMMENTS_REL:
                del self.doc.part.rels[rid]
        if part is None and not self._footnotes:
            return
        notes = "".join(
            f'<w:footnote w:id="{i}">{body}</w:footnote>'
            for i, body in enumerate(self._footnotes, start=1)
        )
        separators = (
            '<w:footnote w:type="separator" w:id="-1"><w:p><w:pPr><w:spacing w:after="0"/>'
            "</w:pPr><w:r><w:separator/></w:r></w:p></w:footnote>"
            '<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:pPr>'
            '<w:spacing w:after="0"/></w:pPr><w:r><w:continuationSeparator/></w:r></w:p>'
            "</w:footnote>"
        )
        xml = f"<w:footnotes {NSDECL}>{separators}{notes}</w:footnotes>".encode()
        if part is None:
            part = Part(PackURI("/word/footnotes.xml"), FOOTNOTES_TYPE, xml, self.doc.part.package)
            self.doc.part.relate_to(part, FOOTNOTES_REL)
        elif isinstance(part, XmlPart):
            part._element = parse_xml(xml)
        else:
            part._blob = xml
        self._name_separators()

    def _name_separators(self) -> None:
        """Name the separator notes in the settings, as Word itself does when a document has
        footnotes (``w:footnotePr`` sits before the compatibility settings)."""
        from docx.oxml import parse_xml

        settings = self.doc.settings.element
        if settings.find(f"{W}footnotePr") is not None:
            return
        note_pr = parse_xml(
            f'<w:footnotePr xmlns:w="{ooxml.NAMESPACES["w"]}"><w:footnote w:id="-1"/>'
            '<w:footnote w:id="0"/></w:footnotePr>'
        )
        later = ("endnotePr", "compat", "docVars", "rsids", "mathPr", "attachedSchema")
        later += ("themeFontLang", "clrSchemeMapping", "doNotIncludeSubdocsInStats")
        later += ("doNotAutoCompressPictures", "forceUpgrade", "captions", "readModeInkLockDown")
        later += ("smartTagType", "schemaLibrary", "shapeDefaults", "doNotEmbedSmartTags")
        later += ("decimalSymbol", "listSeparator")
        following = next((c for c in settings if c.tag.split("}")[-1] in later), None)
        if following is not None:
            following.addprevious(note_pr)
        else:
            settings.append(note_pr)


def _append(story, paragraph_xml: str) -> None:
    """Add a paragraph to a header or footer (after a reference document's own, e.g. a logo)."""
    from docx.oxml import parse_xml

    story.is_linked_to_previous = False
    element = story._element
    existing = element.findall(f"{W}p")
    if (
        len(existing) == 1
        and not "".join(existing[0].itertext()).strip()
        and not len(existing[0].findall(f".//{W}drawing"))
    ):
        element.remove(existing[0])
    for child in parse_xml(f"<w:body {NSDECL}>{paragraph_xml}</w:body>"):
        element.append(child)


def _set_orientation(sect, landscape: bool) -> None:
    """Lay a section out in portrait or landscape (its page size swapped as needed)."""
    size = sect.find(f"{W}pgSz")
    if size is None:
        return
    w, h = int(size.get(f"{W}w") or A4[0]), int(size.get(f"{W}h") or A4[1])
    if landscape != (w > h):
        w, h = h, w
    size.set(f"{W}w", str(w))
    size.set(f"{W}h", str(h))
    if landscape:
        size.set(f"{W}orient", "landscape")
    elif f"{W}orient" in size.attrib:
        del size.attrib[f"{W}orient"]


def svg_to_png(svg: bytes) -> bytes | None:
    """A drawing (the chronology's timeline, an author's SVG) as a PNG picture Word can show,
    drawn by Typst (already a dependency for the PDF); None if it cannot be drawn."""
    import typst

    with tempfile.TemporaryDirectory(prefix="imr-svg-") as tmp:
        (Path(tmp) / "drawing.svg").write_bytes(svg)
        source = b'#set page(width: auto, height: auto, margin: 0pt)\n#image("/drawing.svg")\n'
        try:
            png = typst.compile(source, root=tmp, format="png", ppi=150.0, ignore_system_fonts=True)
        except Exception:  # Typst could not read the drawing
            return None
    if isinstance(png, list):
        png = png[0] if png else None
    return png
