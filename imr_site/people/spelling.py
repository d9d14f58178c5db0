"""The case's spelling word list, kept in step with the glossary and the people key.

``imr new`` gives a case a British English spelling configuration (``cspell.json``, read by VS
Code's Code Spell Checker and by the ``cspell`` command) whose own dictionary is
``.imr/cspell-words.txt``: every abbreviation in the glossary and every label in the people key
(and the subject's initials), so that "DoLS" or "TVN1" are never underlined as misspelt. Names
are never written there: the people key's real names stay in the people key.

The list is made from the case; when the glossary or the people key changes, ``imr check`` says
the list is stale (EDT001) and ``imr spelling`` rewrites it. A case without the file (made before
it existed) is not checked.
"""

from __future__ import annotations

from imr_site.case.atomic import write_atomic
from imr_site.case.findings import Finding, finding, rule
from imr_site.people.identifiers import subject_details

WORDS_FILE = ".imr/cspell-words.txt"
HEADER = (
    "# The case's own words for the spelling checker (cspell.json uses this list): every\n"
    "# abbreviation in the glossary and every label in the people key. Written by\n"
    '# `imr spelling`: do not edit it; add your own words to "words" in cspell.json.\n'
)

R_STALE = rule(
    "EDT001",
    "warning",
    "The spelling word list is out of date",
    "Run `imr spelling` in the case folder: it rewrites .imr/cspell-words.txt from the glossary "
    "and the people key (then commit it).",
)


def spelling_words(case) -> list[str]:
    """The glossary's abbreviations, the people key's labels and the subject's initials, A to Z."""
    words: set[str] = set()
    glossary = case.data.get("glossary")
    if glossary:
        words |= {t.abbreviation for t in glossary.terms.values()}
    people = case.data.get("people")
    if people:
        words |= {p.label for p in people.people}
    initials = subject_details(case).initials
    if initials:
        words.add(initials)
    return sorted((w for w in words if w and not any(c.isspace() for c in w)), key=str.casefold)


def words_file_text(case) -> str:
    return HEADER + "".join(f"{w}\n" for w in spelling_words(case))


def read_words(text: str) -> list[str]:
    return [w.strip() for w in text.splitlines() if w.strip() and not w.startswith("#")]


def write_words(case) -> bool:
    """Rewrite the word list (atomically); True when it changed."""
    path = case.root / WORDS_FILE
    text = words_file_text(case)
    if path.is_file() and path.read_text(encoding="utf-8") == text:
        return False
    write_atomic(path, text)
    return True


def check(case) -> list[Finding]:
    path = case.root / WORDS_FILE
    if not path.is_file():
        return []
    written = set(read_words(path.read_text(encoding="utf-8", errors="replace")))
    wanted = set(spelling_words(case))
    if written == wanted:
        return []
    parts = []
    missing, extra = sorted(wanted - written), sorted(written - wanted)
    if missing:
        parts.append(f"it lacks {_some(missing)}")
    if extra:
        parts.append(f"it still has {_some(extra)}, no longer in the glossary or the people key")
    return [
        finding(
            R_STALE.code,
            WORDS_FILE,
            None,
            f"the spelling word list does not match the glossary and the people key: "
            f"{'; '.join(parts)}. Run `imr spelling` to rewrite it.",
        )
    ]


def _some(words: list[str]) -> str:
    shown = ", ".join(words[:6])
    return shown + (f" and {len(words) - 6} more" if len(words) > 6 else "")
