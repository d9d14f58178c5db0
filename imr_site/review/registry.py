"""The registry of the report's parts: every data file the case reads and every rule it applies.

Each part of the report (chronology, actions, people, sections, sign-off) owns its model, its
reading findings and its rules; this module only lists them, so that adding a rule means adding
it to its part and naming it here. ``load_case`` and ``run_checks`` are what ``imr check``,
``imr build`` and the MkDocs plugin all call, so the three can never disagree.
"""

from __future__ import annotations

from pathlib import Path

from imr_site.actions import checks as action_checks
from imr_site.actions.model import load_actions
from imr_site.case.findings import Finding, Severity, sort_findings
from imr_site.case.model import Case, read_case
from imr_site.case.placeholders import R_PLACEHOLDER
from imr_site.chronology import checks as chronology_checks
from imr_site.chronology.model import load_chronology
from imr_site.panel import checks as panel_checks
from imr_site.panel.record import load_panel
from imr_site.people import abbreviation_checks, name_checks, spelling
from imr_site.people.glossary import load_glossary
from imr_site.people.key import load_people
from imr_site.process import checks as process_checks
from imr_site.process.model import load_process
from imr_site.review import schema_checks
from imr_site.sections import checks as section_checks
from imr_site.sections import length as section_length
from imr_site.sections import (  # noqa: F401  (printable: rules the PDF reports)
    links,
    printable,
    progress,
    raw_html,
)
from imr_site.signoff import checks as signoff_checks

# data/<name>.yml -> its reader, in the order the files are read.
DATA_READERS = {
    "chronology": load_chronology,
    "glossary": load_glossary,
    "people": load_people,
    "actions": load_actions,
    "process": load_process,
    "panel": load_panel,
}

# Each check takes a Case and returns findings. Output is sorted, so their order does not matter.
CHECKS = [
    section_checks.check,
    links.check,
    chronology_checks.check,
    action_checks.check,
    abbreviation_checks.check,
    name_checks.check,
    schema_checks.check,
    signoff_checks.check,
    progress.check,
    process_checks.check,
    section_length.check,
    spelling.check,
    panel_checks.check,
    raw_html.check,
]


def load_case(
    root: str | Path = ".",
    *,
    options: dict | None = None,
    docs_dir: str | Path | None = None,
    config_file: str | Path | None = None,
    previous: Case | None = None,
    remember: bool = False,
) -> Case:
    """Read a case with every part's data file (see :func:`imr_site.case.model.read_case`);
    ``previous`` and ``remember``: `imr serve` reads again only the files that changed."""
    return read_case(
        root,
        DATA_READERS,
        options=options,
        docs_dir=docs_dir,
        config_file=config_file,
        previous=previous,
        remember=remember,
    )


def _without_repeats(findings: list[Finding]) -> list[Finding]:
    """Drop a schema finding where another rule has reported the same line: that rule's message
    says more (a schema only knows a value is missing or of the wrong kind). Likewise a
    placeholder where another error is on the same line (ACT004 for `lead: TBC`)."""
    prefix = schema_checks.PREFIX
    placed = {(f.file, f.line) for f in findings if not f.code.startswith(prefix)}
    erred = {
        (f.file, f.line)
        for f in findings
        if f.severity is Severity.ERROR
        and f.code != R_PLACEHOLDER.code
        and not f.code.startswith(prefix)
    }
    return [
        f
        for f in findings
        if not (f.code.startswith(prefix) and f.line and (f.file, f.line) in placed)
        and not (f.code == R_PLACEHOLDER.code and f.line and (f.file, f.line) in erred)
    ]


def run_checks(case: Case) -> list[Finding]:
    found = list(case.findings)
    for check in CHECKS:
        found.extend(check(case))
    return sort_findings(case.config.rules.apply(_without_repeats(found)))
