"""``imr spelling``: rewrite the case's spelling word list (.imr/cspell-words.txt) from its
glossary and people key (:mod:`imr_site.people.spelling` does the work)."""

from __future__ import annotations

import sys

from imr_site.case.findings import CaseError
from imr_site.cli.exit_codes import EXIT_OK, EXIT_UNUSABLE
from imr_site.people.spelling import WORDS_FILE, spelling_words, write_words
from imr_site.review.registry import load_case


def register(sub) -> None:
    s = sub.add_parser(
        "spelling",
        help=f"rewrite {WORDS_FILE} (the spelling checker's words) from the glossary and the "
        "people key",
    )
    s.add_argument("dir", nargs="?", default=".")
    s.set_defaults(func=cmd_spelling)


def cmd_spelling(args) -> int:
    try:
        case = load_case(args.dir)
    except CaseError as e:
        print("\n".join(str(f) for f in e.findings), file=sys.stderr)
        return EXIT_UNUSABLE
    try:
        changed = write_words(case)
    except OSError as e:
        print(f"imr spelling: cannot write {WORDS_FILE}: {e.strerror}.", file=sys.stderr)
        return EXIT_UNUSABLE
    n = len(spelling_words(case))
    if changed:
        print(f"Wrote {n} word(s) to {WORDS_FILE}.")
    else:
        print(f"{WORDS_FILE} is up to date ({n} word(s)).")
    return EXIT_OK
