"""The report as its readers see it, for outputs made outside the site: each section's page HTML
exactly as the site shows it, from an HTML-only build into a temporary folder.

The Word export and the redline start here, so that they show what the site and the PDF show
(the same Markdown extensions, generated blocks, abbreviation hovers and links between pages),
and an anonymised edition has passed the site's own leak gate before anything is made from it.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from imr_site.publish.build import BuildResult, build_final, build_site


@contextmanager
def rendered_report(
    case_dir: str | Path, edition: str | None = None, *, final: bool = False
) -> Iterator[BuildResult]:
    """Build the case's site (no PDF) out of sight and hand over what it shows. The built site
    (for pictures) exists until the ``with`` block ends. Raises ``BuildStopped`` as ``imr build``
    does: a FINAL build is refused unless the case is complete."""
    with tempfile.TemporaryDirectory(prefix="imr-pages-") as tmp:
        site = Path(tmp) / "site"
        build = build_final if final else build_site
        result = build(Path(case_dir).resolve(), site, edition, pdf=False)
        result.site_dir = site
        yield result
