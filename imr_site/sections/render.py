"""The details table of a section: its structured fields (agency, subject, author, signatures)
from front matter, as the template spec lists them."""

from __future__ import annotations

from imr_site.case.editions import hidden_fields
from imr_site.case.spec import FieldSpec
from imr_site.case.templates import Templates, uk_date
from imr_site.sections.checks import field_value

TEMPLATES = Templates(__file__)


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
    spec = case.spec.section(section_id)
    page = case.section(section_id)
    if spec is None or not spec.fields or page is None:
        return ""
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
    return TEMPLATES.render("details.html", groups=groups, section_id=section_id)
