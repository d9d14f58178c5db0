"""``imr glossary import FILE`` and ``imr glossary export FILE``: the abbreviations between a
spreadsheet and data/glossary.yml (the work is :mod:`imr_site.people.io`)."""

from __future__ import annotations

from imr_site.cli.tables import DataTable, register_group
from imr_site.people.io import GLOSSARY_HEADER, glossary_table, import_glossary

GLOSSARY = DataTable(
    name="glossary",
    what="glossary",
    headings="Abbreviation, Meaning (or Term, Definition, ...)",
    importer=import_glossary,
    header=GLOSSARY_HEADER,
    table=glossary_table,
    sheet_title="Abbreviations",
)


def register(sub) -> None:
    """Add `imr glossary import|export` to the `imr` command's subcommands."""
    register_group(sub, GLOSSARY, "the abbreviations: import them from CSV/XLSX, or export them")
