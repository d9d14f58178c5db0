"""HTML generated into the report's sections from front matter and data files.

Each block is plain HTML made from a Jinja template in ``templates/`` with autoescaping on, so
nothing an author typed in a data file can run as HTML. The MkDocs plugin places each block at
its marker comment (``<!-- imr:NAME -->``) in the section, or at the end when there is none.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

import jinja2

from . import render_actions
from .dates import as_date
from .render_chronology import chronology_block
from .spec import FieldSpec

TEMPLATES = Path(__file__).parent / "templates"
ASSETS = Path(__file__).parent / "assets"


@lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )
    env.filters["uk_date"] = uk_date
    return env


def render_template(name: str, **context) -> str:
    return environment().get_template(name).render(**context)


def uk_date(value) -> str:
    """2025-03-31 -> 31 March 2025; anything that is not a date is shown as written."""
    if value is None or value == "":
        return ""
    date = as_date(value)
    if date is None:
        return str(value)
    return f"{date.day} {date.strftime('%B %Y')}"


def _display(f: FieldSpec, value) -> str:
    if value is None or value == "":
        return ""
    if f.type == "date":
        return uk_date(value)
    if f.type == "confirmation":
        return "Yes" if value is True else ("No" if value is False else str(value))
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


def details_block(case, section_id: str) -> str:
    """The section's structured fields (agency, subject, author, signatures) as a table."""
    from .checks.structure import field_value

    spec = case.spec.section(section_id)
    page = case.section(section_id)
    if spec is None or not spec.fields or page is None:
        return ""
    from .editions import hidden_fields

    hidden = hidden_fields(case)  # the subject's identifying details, in the anonymised edition
    groups: list[tuple[str | None, list[tuple[str, str]]]] = []
    for f in spec.fields:
        if f.key in hidden:
            continue
        row = (f.label, _display(f, field_value(case, page, f)))
        if groups and groups[-1][0] == f.group:
            groups[-1][1].append(row)
        else:
            groups.append((f.group, [row]))
    return render_template("details.html", groups=groups, section_id=section_id)


def abbreviations_block(case) -> str:
    # Only the abbreviations the report uses; the people key in the restricted edition only.
    from .abbreviations import render_block

    return render_block(case)


# generated: name in the spec -> function(case) -> HTML. Feature modules replace their entry.
GENERATORS: dict[str, Callable] = {
    "chronology": chronology_block,
    "abbreviations": abbreviations_block,
    "actions": render_actions.actions_block,
}

# section id -> function(case, html) -> html: changes to a section's rendered page that depend on
# other parts of the report (the recommendations link to their actions in the action plan).
FINISHERS: dict[str, Callable] = {
    "recommendations": render_actions.link_recommendations,
}


def finish_section(case, section_id: str, html: str) -> str:
    """A section's page HTML after the changes that link it to other parts of the report."""
    finisher = FINISHERS.get(section_id)
    return finisher(html, case) if finisher else html


def section_blocks(case, section_id: str) -> dict[str, str]:
    """Marker name -> HTML for everything generated into one section."""
    spec = case.spec.section(section_id)
    if spec is None:
        return {}
    blocks: dict[str, str] = {}
    if spec.fields:
        blocks["details"] = details_block(case, section_id)
    if spec.generated and spec.generated in GENERATORS:
        blocks[spec.generated] = GENERATORS[spec.generated](case)
    return blocks


def home_block(case, pdf_name: str | None, status: str) -> str:
    """The case summary at the top of the home page, with the PDF link."""
    return render_template(
        "home.html",
        config=case.config,
        spec=case.spec,
        pdf_name=pdf_name,
        status=status,
    )


def banner(case, status: str) -> str:
    """The line every HTML page carries: status (DRAFT/FINAL), marking, case and edition."""
    return render_template("banner.html", config=case.config, status=status)


def status_block(case, findings, links: dict[str, str]) -> str:
    """The "Review status" page's content; ``links`` maps section id -> link to its page."""
    from .status import review_status

    return render_template("status.html", status=review_status(case, findings), links=links)
