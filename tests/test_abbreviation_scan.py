"""The abbreviation scan reads all of a case's texts at once (issue 16): each distinct text once,
the word patterns run once over them all. What it finds is what reading each text on its own
finds, in the same order, at the same lines."""

from __future__ import annotations

import random
import re

from case_factory import edit, write_case

from imr_site.people import abbreviations as abbr
from imr_site.review.registry import load_case

PIECES = [
    "GP",
    "GP1",
    "A&E",
    "S.42",
    "DoLS",
    "McDonald",
    "GPs",
    "GP's",
    "NB4 7QT",
    "NB4",
    "7QT",
    "NB47QT",
    "MENTAL CAPACITY ACT",
    "ACT",
    "SAR-2025-014",
    "SAR",
    "OFFICIAL",
    " ",
    " ",
    ", ",
    "-",
    ".",
    "\n",
    "\0",
    "\x01",
    "the",
    "IV",
    "é",
]
REMOVE = re.compile(r"(?<![\w])(?:OFFICIAL\-SENSITIVE|SAR\-2025\-014)(?![\w])")


def _texts(rng: random.Random) -> list[str]:
    return ["".join(rng.choices(PIECES, k=rng.randint(0, 6))) for _ in range(rng.randint(0, 8))]


def test_tokens_of_all_texts_at_once_are_each_texts_own():
    rng = random.Random(11)
    for _ in range(2000):
        texts = _texts(rng)
        for remove in (None, REMOVE):
            expected = [abbr.tokens(t, remove) for t in texts]
            assert abbr.tokens_each(texts, remove) == expected, texts


def test_nothing_runs_from_one_text_into_the_next():
    # A postcode, a heading in capitals or the case reference split over two texts is none.
    texts = ["at NB4", "7QT the GP", "MENTAL CAPACITY", "ACT by DN2", "SAR-2025", "-014 CQC"]
    assert abbr.tokens_each(texts, REMOVE) == [
        ["NB4"],
        ["GP"],
        ["MENTAL", "CAPACITY"],
        ["ACT", "DN2"],
        ["SAR"],
        ["CQC"],
    ]
    assert abbr.tokens_each([]) == []


def test_texts_holding_the_separator_keep_their_own_tokens():
    texts = ["GP\0CQC", "\0", "DN2\x01\0A&E"]
    assert (
        abbr.tokens_each(texts)
        == [abbr.tokens(t) for t in texts]
        == [
            ["GP", "CQC"],
            [],
            ["DN2", "A&E"],
        ]
    )
    remove = re.compile(r"(?<![\w])(?:X\0Y)(?![\w])")  # a case reference holding a NUL
    assert abbr.tokens_each(["X", "Y GP", "X\0Y CQC"], remove) == [[], ["GP"], ["CQC"]]


def _reference_strip(line: str) -> str:
    """strip_non_prose without its quick look for a trigger."""
    for trigger, pattern in abbr._NOT_PROSE:
        if trigger in line:
            line = pattern.sub(lambda m: " " * len(m.group(0)), line)
    return line


def test_a_line_with_no_trigger_is_prose_as_it_is_and_every_trigger_is_looked_for():
    rng = random.Random(12)
    pieces = [
        "`code`",
        "[a](b)",
        "[a][b]",
        "[x]: http://x",
        "*[HTML]: Hyper",
        "<b>",
        "http://a.b/C",
        "a@b.org",
        "{: .x}",
        "&amp;",
        "GP",
        " ",
        "text",
        "(",
        ")",
        "]",
        "[",
        ":",
        "*",
    ]
    for _ in range(3000):
        line = "".join(rng.choices(pieces, k=rng.randint(0, 6)))
        assert abbr.strip_non_prose(line) == _reference_strip(line), line
    for trigger, _pattern in abbr._NOT_PROSE:
        assert abbr._ANY_TRIGGER.search(trigger), trigger


def test_repeated_text_is_a_use_on_every_line_it_is_written(tmp_path):
    root = write_case(tmp_path / "case")
    chron = root / "data" / "chronology.yml"
    text = chron.read_text(encoding="utf-8")
    entry = (
        "- date: 2024-02-{d:02d}\n  source: CQC team\n  contact_with: GP1\n  event: CQC visit.\n"
    )
    chron.write_text(text + "".join(entry.format(d=d) for d in (1, 2, 3)), encoding="utf-8")
    case = load_case(root)
    uses = abbr.find_usage(case, abbr.vocabulary(case)).uses["CQC"]
    lines = [u.line for u in uses if u.file == "data/chronology.yml"]
    base = text.count("\n")
    assert lines == [base + 2, base + 4, base + 6, base + 8, base + 10, base + 12]
    assert {u.written for u in uses} == {"CQC"}


def test_a_term_matched_whole_comes_before_the_words_of_its_line(tmp_path):
    root = write_case(tmp_path / "case")
    edit(root / "data" / "glossary.yml", "", "aSSKINg: a care bundle\nASSKIN: other\n")
    analysis = root / "docs" / "05-analysis.md"
    analysis.write_text(
        analysis.read_text(encoding="utf-8") + "\nThe ASSKING and aSSKINg checks.\n",
        encoding="utf-8",
    )
    case = load_case(root)
    uses = abbr.find_usage(case, abbr.vocabulary(case)).uses["aSSKINg"]
    assert [u.written for u in uses] == ["aSSKINg", "ASSKING"]


def test_authored_text_values_of_every_shape_keep_their_lines(tmp_path):
    root = write_case(tmp_path / "case")
    chron = root / "data" / "chronology.yml"
    chron.write_text(
        "- date: 2024-02-01\n"
        "  id: gpp-1a2b3c4d\n"
        "  source: the `GP` team\n"
        "  contact_with: A\n"
        "  event: Visit.\n"
        "  references:\n"
        "    - EPR 1\n"
        "    - EPR 2\n"
        "  comment: Visit.\n",
        encoding="utf-8",
    )
    case = load_case(root)
    prose = [
        (line, text)
        for file, line, text in abbr.authored_text(case)
        if file == "data/chronology.yml"
    ]
    raw = [
        (line, text)
        for file, line, text in abbr.authored_text(case, raw=True)
        if file == "data/chronology.yml"
    ]
    assert prose == [
        (3, "the      team"),
        (4, "A"),
        (5, "Visit."),
        (7, "EPR 1"),
        (8, "EPR 2"),
        (9, "Visit."),
    ]
    assert raw == [
        (1, "2024-02-01"),
        (3, "the `GP` team"),
        (4, "A"),
        (5, "Visit."),
        (7, "EPR 1"),
        (8, "EPR 2"),
        (9, "Visit."),
    ]


def test_the_patterns_written_capital_first_are_the_readable_ones():
    """_POSTCODE and _SHOUTING look at the character before their first capital after it (so a
    scan can skip to the next capital): the same matches as the patterns written plainly."""
    readable = {
        abbr._POSTCODE: re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\b"),
        abbr._SHOUTING: re.compile(r"(?<![\w&.])[A-Z]{2,}(?:[ \t,:;-]+[A-Z]{2,}){2,}(?![\w&.])"),
    }
    pieces = ["NB4 7QT", "N", "B", "4", "7QT", "AT49QZ", "SW1A 1AA", " ", "-", ".", "&", "x", "_"]
    pieces += ["MENTAL", "CAPACITY", "ACT", "A", "GP", ", ", ":", "é", "\0"]
    rng = random.Random(13)
    for _ in range(5000):
        text = "".join(rng.choices(pieces, k=rng.randint(0, 8)))
        for fast, plain in readable.items():
            assert [m.span() for m in fast.finditer(text)] == [
                m.span() for m in plain.finditer(text)
            ], (fast.pattern, text)


def test_the_case_reference_and_marking_are_taken_out_whole(tmp_path):
    root = write_case(tmp_path / "case")
    case = load_case(root)
    vocab = abbr.vocabulary(case)
    assert case.config.case_reference == "SAR-2024-07"
    text = "SAR-2024-07 and SAR-2024-07x, (SAR-2024-07) by CQC"
    assert abbr.tokens(text, vocab.remove) == ["SAR", "CQC"]
    assert abbr.tokens_each([text, "SAR-2024-07"], vocab.remove) == [["SAR", "CQC"], []]
