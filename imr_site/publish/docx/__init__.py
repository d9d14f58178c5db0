"""The report in Word (``imr export docx``): the site's sections as one .docx for readers outside
Git. ``document.py`` assembles and writes it; ``convert.py`` turns a section's HTML into
WordprocessingML; ``chronology.py`` writes the chronology from its data; ``ooxml.py`` is the XML."""

from imr_site.publish.docx.document import DocxError, DocxLeak, DocxResult, write_docx

__all__ = ["DocxError", "DocxLeak", "DocxResult", "write_docx"]
