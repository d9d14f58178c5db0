"""Editions: what each edition of the report may show.

- **restricted**: everything, including the subject's full details and the people key.
- **anonymised**: the introduction shows the subject's initials only (the fields the template
  spec marks ``identifying: true`` are hidden) and the people key is left out.

The process record (``data/process.yml``) is shown on a page of its own in the restricted edition
only, and in its PDF only when asked for (``imr build --with-process``).

How an anonymised edition is checked and published is ``imr_site.publish.editions``.
"""

from __future__ import annotations

RESTRICTED = "restricted"
ANONYMISED = "anonymised"
EDITIONS = (RESTRICTED, ANONYMISED)


def hidden_fields(case, edition: str | None = None) -> set[str]:
    """Front matter keys of details the edition must not show (identifying ones, anonymised)."""
    edition = edition or case.config.edition
    if edition != ANONYMISED:
        return set()
    hidden = {"subject.aliases", "subject.identifiers"}
    for s in case.spec.sections:
        hidden |= {f.key for f in s.fields if f.identifying}
    return hidden


def shows_people_key(edition: str) -> bool:
    return edition == RESTRICTED


def shows_process_record(edition: str) -> bool:
    return edition == RESTRICTED
