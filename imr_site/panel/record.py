"""``data/panel.yml``: what each agency submitted, as ``imr merge`` last read it.

Written by ``imr merge`` beside the integrated chronology (never by hand): each agency's name,
code, submission, commit, entry count, and its people key and glossary as submitted with the file
and line of each label and abbreviation. ``imr check`` reads it for the findings across agencies
without reading every submission again. It holds real names: like ``data/people.yml`` it is never
published.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from imr_site.case.findings import Finding, finding, rule
from imr_site.case.yamlio import LineDict, load_yaml, plain

R_RECORD = rule(
    "PNL006",
    "warning",
    "The merge is missing or out of date",
    "Run `imr merge` in the panel case: it reads every agency's submission again and rewrites "
    "data/chronology.yml, data/people.yml, data/glossary.yml and data/panel.yml.",
)


@dataclass
class PanelRecord:
    agencies: list[dict] = field(default_factory=list)
    orphans: list[dict] = field(default_factory=list)
    rel: str = "data/panel.yml"
    exists: bool = True

    def names(self) -> list[str]:
        return [str(a.get("name")) for a in self.agencies]


def load_panel(path: Path, rel: str, case=None) -> tuple[PanelRecord, list[Finding]]:
    if not path.is_file():
        return PanelRecord(rel=rel, exists=False), []
    raw = load_yaml(path, rel)
    agencies = raw.get("agencies") if isinstance(raw, LineDict) else None
    if not isinstance(agencies, list) or not all(isinstance(a, dict) for a in agencies):
        return PanelRecord(rel=rel), [
            finding(
                R_RECORD.code,
                rel,
                1,
                "data/panel.yml is not as `imr merge` writes it; run `imr merge` again.",
            )
        ]
    orphans = raw.get("orphaned_annotations") or []
    return PanelRecord(
        plain(agencies), plain(orphans) if isinstance(orphans, list) else [], rel
    ), []
