"""``imr people import FILE`` and ``imr people export FILE``: the people key between a
spreadsheet and data/people.yml (the work is :mod:`imr_site.people.io`). The people key is
restricted: an export holds real names, so keep it where the case's data is kept."""

from __future__ import annotations

from imr_site.cli.tables import DataTable, register_group
from imr_site.people.io import PEOPLE_HEADER, import_people, people_table

PEOPLE = DataTable(
    name="people",
    what="people key",
    headings="Label, Name, Role, Agency, Aliases (several separated by ; or ,)",
    importer=import_people,
    header=PEOPLE_HEADER,
    table=people_table,
    sheet_title="People key",
)


def register(sub) -> None:
    """Add `imr people import|export` to the `imr` command's subcommands."""
    register_group(
        sub, PEOPLE, "the people key (restricted): import it from CSV/XLSX, or export it"
    )
