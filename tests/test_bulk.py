"""imr_site.case.bulk (issue 16): many texts scanned at once give exactly what scanning each text
on its own gives, the separator is never in the texts it joins, and the pattern trees match
exactly their words."""

from __future__ import annotations

import gc
import random
import re

import pytest

from imr_site.case.bulk import (
    alternation,
    gc_paused,
    matches_in,
    separator,
    texts_matching,
    whole_words,
)

PIECES = ["GP1", "GP", "GP12", "DN2", "xGP1", "GP1x", "GP1_", "-GP1-", " ", "\n", "\0", "é", ""]


def _texts(rng: random.Random, n: int) -> list[str]:
    return ["".join(rng.choices(PIECES, k=rng.randint(0, 4))) for _ in range(n)]


def test_the_separator_is_nul_unless_a_text_holds_it():
    assert separator([]) == "\0"
    assert separator(["abc", "GP1"]) == "\0"
    assert separator(["a\0b"]) == "\x01"
    assert separator(["\0", "x\x01"]) == "\x02"


def test_the_separator_is_never_a_word_character_or_a_space():
    taken = []
    for _ in range(20):
        sep = separator(taken)
        assert not re.match(r"[\w\s]", sep)
        assert all(sep not in t for t in taken)
        taken.append(sep)


def test_no_free_separator_is_an_error():
    everything = "".join(chr(c) for c in range(0x110000) if not 0xD800 <= c < 0xE000)
    with pytest.raises(ValueError):
        separator([everything])


def test_texts_matching_with_a_separator_is_exactly_the_texts_with_a_match():
    pattern = re.compile(r"(?<!\w)GP1(?!\w)")
    rng = random.Random(1)
    for _ in range(500):
        texts = _texts(rng, rng.randint(0, 6))
        expected = {i for i, t in enumerate(texts) if pattern.search(t)}
        assert texts_matching(pattern, texts, separator(["GP1"])) == expected, texts


def test_texts_matching_a_match_across_line_breaks_picks_every_text_it_touches():
    pattern = re.compile(r"Sarah\s+Marsh")
    assert texts_matching(pattern, ["one", "Sarah", "Marsh two", "three"]) == {1, 2}
    assert texts_matching(pattern, ["Sarah", "", "Marsh"]) == {0, 1, 2}
    assert texts_matching(pattern, []) == set()


def test_matches_in_gives_each_texts_own_matches_in_order():
    pattern = re.compile(r"(?<!\w)(GP1|GP|DN2)(?!\w)")
    rng = random.Random(2)
    for _ in range(500):
        texts = _texts(rng, rng.randint(0, 6))
        expected = [(i, m.group(1)) for i, t in enumerate(texts) for m in pattern.finditer(t)]
        sep = separator(["GP1", "GP", "DN2"])
        assert [(i, m.group(1)) for i, m in matches_in(pattern, texts, sep)] == expected


def test_matches_in_the_first_and_the_last_text():
    pattern = re.compile(r"\d+")
    assert [(i, m.group(0)) for i, m in matches_in(pattern, ["1", "a", "22"], "\0")] == [
        (0, "1"),
        (2, "22"),
    ]
    assert list(matches_in(pattern, ["a", "b"], "\0")) == []


@pytest.mark.parametrize(
    "words",
    [
        ["GP1", "GP", "DN2", "GP12"],
        ["A", "AB", "ABC", "B"],
        ["Adult A", "Adult", "A"],
        ["x.y", "(paren)", "a+b"],
    ],
)
def test_whole_words_finds_what_the_plain_pattern_finds(words):
    plain = re.compile(
        r"(?<![\w])("
        + "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
        + r")(?![\w])"
    )
    fast = whole_words(words)
    rng = random.Random(3)
    pieces = [*words, " ", "x", "_", "1", "\n", "-", "é"]
    for _ in range(1000):
        text = "".join(rng.choices(pieces, k=rng.randint(0, 8)))
        assert [m.span(1) for m in fast.finditer(text)] == [
            m.span(1) for m in plain.finditer(text)
        ], text


def test_whole_words_are_whole_and_the_longer_wins():
    found = whole_words(["GP", "GP1"]).findall("GP1 saw GP, not GP12 or xGP; GP1.")
    assert found == ["GP1", "GP", "GP1"]
    assert whole_words(["DN2"]).findall("DN2") == ["DN2"]  # at the very start and end


def test_alternation_matches_exactly_its_words():
    words = ["sarah", "sarah marsh", "sam", "marsh", "m"]
    pattern = re.compile(alternation(words))
    for w in words:
        assert pattern.fullmatch(w)
    for other in ["sara", "sarah m", "sa", "", "marshes", "sarah  marsh "]:
        assert not pattern.fullmatch(other), other
    assert pattern.fullmatch("sarah \n marsh")  # a space in a word is any run of spaces


def test_alternation_tries_the_longer_word_first():
    assert re.match(alternation(["sarah", "sarah marsh"]), "sarah marsh").group(0) == (
        "sarah marsh"
    )
    assert re.match(alternation(["ab", "abc"]), "abcd").group(0) == "abc"


def test_alternation_space_and_special_characters():
    pattern = re.compile(alternation(["a b", "a.b", "c+"], space=r"[\s,]+"))
    assert pattern.fullmatch("a, b")
    assert pattern.fullmatch("a.b")
    assert not pattern.fullmatch("axb")
    assert pattern.fullmatch("c+")
    assert not pattern.fullmatch("cc")


def test_alternation_of_no_words_never_matches():
    assert re.search(alternation([]), "anything") is None
    assert re.search(alternation(["", ""]), "") is None


def test_gc_paused_pauses_and_restores():
    assert gc.isenabled()
    with gc_paused():
        assert not gc.isenabled()
    assert gc.isenabled()
    with pytest.raises(RuntimeError), gc_paused():
        raise RuntimeError
    assert gc.isenabled()


def test_gc_paused_leaves_a_paused_collector_paused():
    gc.disable()
    try:
        with gc_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    finally:
        gc.enable()
