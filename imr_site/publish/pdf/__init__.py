"""The PDF: the site's sections printed through Typst as one tagged, archival report.

``document.py`` gathers the sections and compiles them; ``convert.py`` turns a section's HTML
into Typst; ``chronology.py`` writes the chronology from its data; ``markup.py`` escapes text so
that nothing from the case is read as Typst; ``templates/report.typ`` is the look.
"""

from imr_site.publish.pdf.document import (
    LANDSCAPE,
    Attachment,
    PdfError,
    PdfResult,
    PrintDocument,
    PrintSection,
    numbered_title,
    print_document,
    typst_source,
    write_pdf,
)

__all__ = [
    "LANDSCAPE",
    "Attachment",
    "PdfError",
    "PdfResult",
    "PrintDocument",
    "PrintSection",
    "numbered_title",
    "print_document",
    "typst_source",
    "write_pdf",
]
