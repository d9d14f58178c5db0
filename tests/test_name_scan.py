"""The name check scans all authored text in one pass to pick the texts worth a closer look
(issue 16): every text in which IdentifierSet.find finds a name must be among them, however the
names sit at the edges of texts, across texts or beside accents and invisible characters."""

from __future__ import annotations

import copy
import random
import re

from case_factory import PEOPLE, write_case
from test_names import _ids

from imr_site.people.identifiers import fold, identifiers_from, texts_matching
from imr_site.people.name_checks import _NHS_NUMBER
from imr_site.review.registry import load_case, run_checks

PIECES = [
    "Sarah",
    "Marsh",
    "Sarah Marsh",
    "Dr Quenby-Hale\u2019s",
    "Zo\u00eb",
    "marsh",
    "the marshal",
    "Mr\u00adMarsh",
    "born 23/07/1948",
    "AT4 9QZ",
    "14 Heron",
    "Close",
    "NHS 485 777 3456",
    "943 476 5919",
    "ﬁle note",
    "",
    "AB and DN2",
]


def _samples(k: int):
    rng = random.Random(16)
    for _ in range(3000):
        yield rng.sample(PIECES, k)


def test_every_text_with_a_name_is_picked_out():
    ids = _ids()
    for texts in _samples(6):
        expected = {i for i, t in enumerate(texts) if ids.find(t)}
        assert expected <= ids.texts_with_matches(texts), texts


def test_every_text_with_an_nhs_number_is_picked_out():
    for texts in _samples(5):
        expected = {i for i, t in enumerate(texts) if _NHS_NUMBER.search(t)}
        assert expected <= texts_matching(_NHS_NUMBER, texts), texts


def test_texts_without_names_are_left_out():
    texts = ["nothing here", "Sarah Marsh visited", "the marshal", "more nothing"]
    assert _ids().texts_with_matches(texts) == {1}


def test_the_quick_scan_starts_a_match_wherever_the_full_pattern_does():
    """The scan is the identifiers as a tree of their beginnings: the same places found."""
    ids = _ids()
    for texts in _samples(4):
        text = fold(" ".join(texts))
        assert [m.start() for m in ids._scan.finditer(text)] == [
            m.start() for m in ids._pattern.finditer(text)
        ], text


def test_no_identifiers_no_scan():
    empty = identifiers_from([], None)
    assert empty.texts_with_matches(["Sarah Marsh"]) == set()
    assert empty.find("Sarah Marsh") == []


def _case_with_chronology(tmp_path, entries: str, **kwargs):
    root = write_case(tmp_path / "case", **kwargs)
    chron = root / "data" / "chronology.yml"
    chron.write_text(chron.read_text(encoding="utf-8") + entries, encoding="utf-8")
    return root, chron.read_text(encoding="utf-8").count("\n") - entries.count("\n")


ENTRY = "- date: 2024-02-0{d}\n  source: GP\n  contact_with: DN2\n  event: {event}\n"


def test_a_name_in_a_text_written_again_and_again_is_reported_on_each_line(tmp_path):
    entries = "".join(ENTRY.format(d=d, event="Seen by Sarah Marsh.") for d in (1, 2, 3))
    root, base = _case_with_chronology(tmp_path, entries)
    found = [f for f in run_checks(load_case(root)) if f.code == "ANO001"]
    assert [(f.file, f.line) for f in found] == [
        ("data/chronology.yml", base + 4 + 4 * i) for i in range(3)
    ]


def test_a_label_is_used_only_where_it_is_written_whole(tmp_path):
    people = copy.deepcopy(PEOPLE)
    people["SW1"] = {"name": "Rita Noble", "role": "Social Worker", "agency": "Council"}
    people["OT1"] = {"name": "Olga Tern", "role": "OT", "agency": "Council"}
    # "SW" at the end of one text and "1" at the start of the next are not SW1; OT1 is used.
    entries = ENTRY.format(d=1, event="Call to SW") + ENTRY.format(d=2, event="1 OT1 visit")
    root, _ = _case_with_chronology(tmp_path, entries, people=people)
    found = [f for f in run_checks(load_case(root)) if f.code == "PPL007"]
    assert ["SW1" in f.message for f in found] == [True]


def test_the_nhs_number_pattern_is_the_readable_one():
    readable = re.compile(r"(?<![\d-])(\d{3})[ -]?(\d{3})[ -]?(\d{4})(?![\d-])")
    pieces = ["943", "476", "5919", "1", "12", " ", "-", "x", "\n", "0"]
    rng = random.Random(6)
    for _ in range(5000):
        text = "".join(rng.choices(pieces, k=rng.randint(0, 8)))
        assert [(m.span(), m.groups()) for m in _NHS_NUMBER.finditer(text)] == [
            (m.span(), m.groups()) for m in readable.finditer(text)
        ], text
