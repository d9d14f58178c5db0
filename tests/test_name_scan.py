"""The name check scans all authored text in one pass to pick the texts worth a closer look
(issue 16): every text in which IdentifierSet.find finds a name must be among them, however the
names sit at the edges of texts, across texts or beside accents and invisible characters."""

from __future__ import annotations

import random

from test_names import _ids

from imr_site.people.identifiers import texts_matching
from imr_site.people.name_checks import _NHS_NUMBER

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
