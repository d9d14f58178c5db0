"""The redline (``imr diff``): what changed in the report between two versions, as readers see
it. ``revisions.py`` takes each version from Git and builds it; ``compare.py`` compares them
(sections word by word, the chronology and action plan entry by entry, front matter field by
field); ``write.py`` writes HTML, PDF or JSON."""

from imr_site.publish.redline.compare import Redline
from imr_site.publish.redline.revisions import RedlineError, make_redline
from imr_site.publish.redline.write import (
    RedlineLeak,
    gate,
    redline_html,
    redline_json,
    redline_pdf,
    write,
)

__all__ = [
    "Redline",
    "RedlineError",
    "RedlineLeak",
    "gate",
    "make_redline",
    "redline_html",
    "redline_json",
    "redline_pdf",
    "write",
]
