"""The glossary (data/glossary.yml) and the people key (data/people.yml) in and out of CSV and
XLSX, because agencies keep both in spreadsheets today.

Imports follow the chronology importer's rules (:mod:`imr_site.case.spreadsheet` reads the file):
no row is dropped (a row the YAML could not hold, such as one without a label or with a label
used twice, stops the import and names the row), cells are kept as written, the usual headings
are recognised and others taken with --map. Exports write every entry of the file as it is.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from imr_site.case.spreadsheet import (
    Imported,
    ImportNote,
    ImportRefused,
    cell_text,
    dump_data,
    normalise_heading,
    parse_field_mapping,
    read_records,
    read_table,
    split_list,
)
from imr_site.people.key import FIELDS as PERSON_FIELDS

GLOSSARY_FIELDS = ("abbreviation", "meaning")
PEOPLE_FIELDS = ("label", *PERSON_FIELDS)
LIST_FIELDS = ("aliases", "not_names")

HEADINGS = {
    "abbreviation": ("abbreviation", "abbreviations", "abbr", "acronym", "term", "short form"),
    "meaning": ("meaning", "definition", "description", "full name", "full form", "stands for"),
    "label": ("label", "code", "identifier", "initials", "anonymised as", "pseudonym", "ref"),
    "name": ("name", "full name", "real name", "person", "name of person"),
    "role": ("role", "job title", "relationship", "role or relationship", "position"),
    "agency": ("agency", "organisation", "organization", "employer", "service"),
    "aliases": ("aliases", "alias", "other names", "also known as", "aka", "known as"),
    "not_names": ("not names", "not a name"),
}

GLOSSARY_HEADER = (
    "# Abbreviations: every abbreviation used anywhere in the report, one per line, with its "
    "meaning.\n"
)
PEOPLE_HEADER = (
    "# People key (RESTRICTED): every label used in the report for a person, with the real name\n"
    "# alongside. This file is never published in the anonymised edition.\n"
)


def _known(fields, mapping: dict[str, str], skip_for: str) -> dict[str, str]:
    known = {normalise_heading(h): f for f in fields for h in HEADINGS.get(f, ())}
    known.update({normalise_heading(f): f for f in fields})
    # "full name" is a person's name in the people key, a meaning in the glossary
    if skip_for == "people":
        known[normalise_heading("full name")] = "name"
    known.update(mapping)
    return known


def _unique(records, key: str, what: str) -> None:
    """A row with no key, or a key used twice, cannot be a YAML mapping entry: refuse, naming
    the rows, rather than drop one."""
    problems, seen = [], {}
    for row, rec in records.rows:
        value = cell_text(rec.get(key, "")).strip()
        if not value:
            problems.append(
                ImportNote(
                    "error", row, records.headings.get(key), f"this row has no {key}; give it one."
                )
            )
        elif value in seen:
            problems.append(
                ImportNote(
                    "error",
                    row,
                    records.headings.get(key),
                    f"the {key} '{value}' is also on row {seen[value]}; a {what} lists each once.",
                )
            )
        else:
            seen[value] = row
    if problems:
        raise ImportRefused(problems)


def import_glossary(path, mapping=None, sheet=None, encoding=None, spec=None) -> Imported:
    """glossary.yml text from a spreadsheet of abbreviations. Raises :class:`ImportRefused`."""
    known = _known(GLOSSARY_FIELDS, parse_field_mapping(mapping, GLOSSARY_FIELDS, "glossary"), "")
    table = read_table(path, sheet, encoding, what="glossary")
    records = read_records(table, known, GLOSSARY_FIELDS, "glossary", "abbreviation")
    _unique(records, "abbreviation", "glossary")
    notes = list(records.notes)
    terms = {}
    for row, rec in records.rows:
        meaning = cell_text(rec.get("meaning", ""))
        if not meaning.strip():
            notes.append(
                ImportNote(
                    "warning",
                    row,
                    records.headings.get("meaning"),
                    "no meaning is given; `imr check` will point at it until one is written.",
                )
            )
        terms[cell_text(rec["abbreviation"]).strip()] = meaning
    return Imported(dump_data(terms) if terms else "{}\n", len(terms), notes, records.columns)


def import_people(path, mapping=None, sheet=None, encoding=None, spec=None) -> Imported:
    """people.yml text from a spreadsheet of labels and names. Raises :class:`ImportRefused`."""
    parsed = parse_field_mapping(mapping, PEOPLE_FIELDS, "people key")
    known = _known(PEOPLE_FIELDS, parsed, "people")
    table = read_table(path, sheet, encoding, what="people key")
    records = read_records(table, known, PEOPLE_FIELDS, "people key", "label")
    _unique(records, "label", "people key")
    people = {}
    for _, rec in records.rows:
        person = {}
        for f in PERSON_FIELDS:
            if f in rec:
                person[f] = split_list(rec[f]) if f in LIST_FIELDS else cell_text(rec[f])
        people[cell_text(rec["label"]).strip()] = person
    body = "\n".join(dump_data({label: p}) for label, p in people.items()) if people else "{}\n"
    return Imported(body, len(people), list(records.notes), records.columns)


# --- export -------------------------------------------------------------------------------------


class ExportRefused(ValueError):
    """The data file cannot be exported as it is (the message says why); nothing was written."""


def _raw(path: Path, what: str) -> dict:
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as e:
        raise ExportRefused(f"{path.name} cannot be read ({e}); `imr check` says where.") from None
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise ExportRefused(f"{path.name} is not a list of {what}; `imr check` says how to fix it.")
    return raw


def _flat(v) -> str:
    if v is None:
        return ""
    if isinstance(v, list):
        return "; ".join(_flat(x) for x in v)
    if isinstance(v, dict):
        return "; ".join(f"{k}: {_flat(x)}" for k, x in v.items())
    return cell_text(v)


def glossary_table(path: Path) -> tuple[list[str], list[list]]:
    """Every entry of glossary.yml as written, in file order."""
    raw = _raw(path, "abbreviations")
    return ["Abbreviation", "Meaning"], [[_flat(k), _flat(v)] for k, v in raw.items()]


def people_table(path: Path) -> tuple[list[str], list[list]]:
    """Every person in people.yml, every field (including ones the tool does not know)."""
    raw = _raw(path, "people")
    keys = list(PERSON_FIELDS)
    for person in raw.values():
        for k in person if isinstance(person, dict) else ():
            if str(k) not in keys:
                keys.append(str(k))
    rows = []
    for label, person in raw.items():
        fields = person if isinstance(person, dict) else {"name": person}
        rows.append([_flat(label), *(_flat(fields.get(k)) for k in keys)])
    return ["Label", *(k.replace("_", " ").capitalize() for k in keys)], rows
