"""Bulk work: a 10,000-entry chronology holds some 90,000 texts, and what is quick for one is slow
ninety thousand times over. Asking a regular expression about each text costs more than asking it
once about all of them joined:

- :func:`texts_matching`: which texts a pattern finds something in, from one scan of them all;
- :func:`separator`: a character to join texts with that none of some strings contain (the
  literal words a pattern is built from), so that no match can run from one text into the next;
- :func:`alternation`: one pattern for many literal words, written as a tree of their common
  beginnings, which the regular expression engine tries far faster than a flat list of them.

And :func:`gc_paused` keeps Python's cycle collector from walking every object made so far again
and again while thousands more are made.
"""

from __future__ import annotations

import bisect
import contextlib
import gc
import re
from collections.abc import Iterable, Iterator
from itertools import accumulate, count
from operator import add

# Characters no author types, tried in turn: never a letter, a digit, a space or punctuation.
_SEPARATORS = [chr(c) for c in range(0x00, 0x09)] + [chr(c) for c in range(0xE000, 0xE100)]


def separator(avoid: Iterable[str] = ()) -> str:
    """A character that none of ``avoid`` contains (NUL unless one of them holds it)."""
    avoid = list(avoid)
    for sep in _SEPARATORS:
        if not any(sep in text for text in avoid):
            return sep
    raise ValueError("no separator character is free")  # 265 characters, all used: not text


def texts_matching(pattern: re.Pattern, texts: list[str], sep: str = "\n") -> set[int]:
    """Indexes of the texts that a match of ``pattern`` overlaps, when they are joined by ``sep``
    and scanned once.

    For a pattern that treats ``sep`` as the edge of a word, as a text's start and end are, each
    text with a match of its own is among them: the scan either finds that match, or one that
    starts earlier at the same place, or has gone past it inside a match that overlaps the same
    text. When no match can contain ``sep`` at all (a ``sep`` from :func:`separator`, for a
    pattern of literal words), they are exactly the texts with a match of their own."""
    found = [m.span() for m in pattern.finditer(sep.join(texts))]
    if not found:
        return set()
    starts = _starts(texts, sep)
    out: set[int] = set()
    for start, end in found:
        first = bisect.bisect_right(starts, start) - 1
        last = bisect.bisect_right(starts, max(end - 1, start)) - 1
        out.update(range(first, last + 1))
    return out


def matches_in(pattern: re.Pattern, texts: list[str], sep: str) -> Iterator[tuple[int, re.Match]]:
    """(index of the text, match) for each match of ``pattern`` in the texts joined by ``sep``,
    from one scan of them all: for a pattern no match of which can hold ``sep`` (one from
    :func:`separator`) and that sees it as the edge of a text, these are the matches each text
    has of its own, in order."""
    starts: list[int] | None = None
    for m in pattern.finditer(sep.join(texts)):
        if starts is None:
            starts = _starts(texts, sep)
        yield bisect.bisect_right(starts, m.start()) - 1, m


def _starts(texts: list[str], sep: str) -> list[int]:
    """Where each text starts when they are joined by ``sep`` (and, last, where they end)."""
    return list(map(add, accumulate(map(len, texts), initial=0), count(0, len(sep))))


def whole_words(words: Iterable[str]) -> re.Pattern:
    r"""A pattern for literal words (people's labels), each matched as a whole word (no letter,
    digit or _ just before or after it), the longer first where two begin at one place; the word
    found is group 1. Like ``(?<!\w)(GP1|DN2)(?!\w)``, but each word is written first and the
    character before it looked at after it, so that the engine can skip straight to the next
    place where one of them begins instead of trying every position."""
    ordered = sorted(words, key=len, reverse=True)
    alternatives = [rf"{re.escape(w)}(?<![\w]{re.escape(w)})" for w in ordered]
    return re.compile("(" + "|".join(alternatives) + r")(?![\w])")


def alternation(words: Iterable[str], space: str = r"\s+") -> str:
    """A regular expression matching exactly the given words (each space in a word matches
    ``space``), as a tree of their common beginnings: ``ab|ac`` is written ``a(?:b|c)``.

    Where one word begins another (Sarah, Sarah Marsh), the longer is tried first, as a list
    sorted longest first would. Empty words are left out; no words gives a pattern that never
    matches."""
    tree: dict = {}
    for word in words:
        if not word:
            continue
        node = tree
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}  # a word ends here
    if not tree:
        return r"(?!)"
    return _branches(tree, space)


def _branches(node: dict, space: str) -> str:
    pieces = [
        (space if ch == " " else re.escape(ch)) + _branches(node[ch], space)
        for ch in sorted(node)
        if ch
    ]
    if not pieces:
        return ""
    body = pieces[0] if len(pieces) == 1 else "(?:" + "|".join(pieces) + ")"
    return f"(?:{body})?" if "" in node else body


@contextlib.contextmanager
def gc_paused():
    """Reading, checking or rendering thousands of entries makes no reference cycles, yet Python's
    cycle collector would walk every object made so far again and again (half the time of reading
    10,000 entries). Pause it for the bulk work."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
