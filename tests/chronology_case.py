"""A tiny case on disk for the chronology tests: mkdocs.yml, an introduction with the subject's
date of birth, and data/chronology.yml as given."""

from __future__ import annotations

import textwrap
from pathlib import Path

from imr_site.review.registry import load_case

MKDOCS = """\
site_name: Test case
plugins:
  - imr:
      case_reference: TEST-1
      agency: Example agency
      review_period: {{start: {start}, end: {end}}}
{extra}"""

INTRO = """\
---
section: introduction
subject:
  initials: AA
  dob: {dob}
---
# Introduction
"""


def make_case(
    root: Path,
    chronology: str | None,
    *,
    start: str = "2024-01-01",
    end: str = "2024-12-31",
    dob: str = "1950-06-15",
    extra_options: str = "",
) -> Path:
    (root / "docs").mkdir(parents=True, exist_ok=True)
    (root / "data").mkdir(exist_ok=True)
    extra = textwrap.indent(textwrap.dedent(extra_options), " " * 6) if extra_options else ""
    (root / "mkdocs.yml").write_text(MKDOCS.format(start=start, end=end, extra=extra), "utf-8")
    (root / "docs" / "index.md").write_text(INTRO.format(dob=dob), "utf-8")
    if chronology is not None:
        (root / "data" / "chronology.yml").write_text(textwrap.dedent(chronology), "utf-8")
    return root


def load(root: Path, chronology: str | None, **kw):
    return load_case(make_case(root, chronology, **kw))


def codes(findings, prefix: str = "CHR") -> list[str]:
    return sorted(f.code for f in findings if f.code.startswith(prefix))
