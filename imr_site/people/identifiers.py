"""Identifiers: every way a real person in the case could be named, and finding them in text.

The anonymised edition must not contain a real name, a date of birth or an address. This module
turns the people key and the subject's details (the introduction's front matter) into the set of
strings that identify someone, with their common variants, and finds them in any text:

- a full name, and each part of it (first name, middle names, surname; each half of a
  double-barrelled name), with or without a title (Mr, Dr ...);
- aliases (a nickname, a maiden name) and their parts;
- the subject's date of birth in the usual UK spellings (14/03/1950, 14 March 1950, 14th Mar 1950,
  1950-03-14 ...), their address (the whole of it, its first line, the street and the postcode) and
  any other identifiers listed under ``subject.identifiers`` (an NHS number, say).

Matching ignores case and accents, respects word boundaries ("Marsh" is found in "Mr Marsh's" and
not in "marshal") and treats any run of spaces or a line break between words as one space.

``not_names`` in the people key lists words or phrases that look like a name but are not (a
surname "Marsh" and the ordinary word "marsh"). They are matched exactly as written, capitals
included, so ``not_names: [marsh]`` lets "the marsh" through and still catches "Marsh".
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from imr_site.case.bulk import alternation, texts_matching
from imr_site.case.dates import as_date

# Titles stripped from a name before it is split into parts ("Dr Sarah Marsh" -> Sarah, Marsh).
TITLES = frozenset(
    """mr mrs ms miss mx dr prof professor sir dame lady lord rev revd reverend fr father sister
    cllr councillor pc ps dc ds di dci sgt insp inspector det""".split()
)
# Short words that can sit inside a name but identify nobody on their own.
PARTICLES = frozenset(
    "de da di del della van von der den le la du st of the and bin ibn al".split()
)

_INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u200b\u200c\u200d\u2060\ufeff"), None)
_QUOTES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "\u2010": "-", "\u2011": "-"})
_POSTCODE = re.compile(r"\b([A-Z]{1,2}\d[A-Z\d]?)\s*(\d[A-Z]{2})\b", re.IGNORECASE)
_MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]


def fold(text: str) -> str:
    """Text as the matcher sees it: no accents, plain apostrophes, no invisible characters.

    Accents are removed character by character (a decomposed accent is dropped, a precomposed
    one replaced by its base letter), so ``fold`` is applied alike to identifiers and to text.
    """
    if text.isascii():  # every character folding changes is outside ASCII
        return text
    text = text.translate(_INVISIBLE).translate(_QUOTES)
    if text.isascii():
        return text
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _same_span(s: int, e: int) -> tuple[int, int]:
    return s, e


def _fold_with_map(text: str):
    """fold(text), and a function taking a span of it back to the same span of ``text``."""
    if text.isascii():
        return text, _same_span
    folded = fold(text)
    if len(folded) == len(text) and all(len(fold(c)) == 1 for c in text):
        return folded, _same_span
    starts: list[int] = []
    pieces: list[str] = []
    for i, c in enumerate(text):
        f = fold(c)
        pieces.append(f)
        starts += [i] * len(f)
    starts.append(len(text))

    def where(s: int, e: int) -> tuple[int, int]:
        return starts[s], (starts[e - 1] + 1 if e > 0 else 0)

    return "".join(pieces), where


def _key(text: str) -> str:
    """The form two spellings of one identifier share (case, spacing, accents)."""
    return " ".join(fold(text).casefold().split())


@dataclass(frozen=True)
class Identifier:
    """One string that identifies a real person, and whom it belongs to."""

    text: str  # as it will be matched, e.g. "Marsh"
    kind: str  # "full name", "first name", "surname", "name", "alias", "date of birth", ...
    owner: str  # "DN2" for a person in the key, "the subject" for the subject
    use_instead: str  # what the author should write instead, e.g. "DN2"

    def describe(self) -> str:
        return f"{self.kind} of {self.owner}"


@dataclass(frozen=True)
class Match:
    start: int  # in the text searched
    end: int
    text: str  # as written there
    identifiers: tuple[Identifier, ...]  # every identifier this spelling stands for

    @property
    def labels(self) -> list[str]:
        return sorted({i.use_instead for i in self.identifiers})

    def explain(self) -> str:
        """'Marsh' (surname of DN2): for messages."""
        what = "; ".join(dict.fromkeys(i.describe() for i in self.identifiers))
        return f"'{self.text}' ({what})"

    def advice(self) -> str:
        uses = list(dict.fromkeys(i.use_instead for i in self.identifiers))
        return " or ".join(uses)


@dataclass
class IdentifierSet:
    """Every identifier in a case, compiled into one pattern."""

    identifiers: list[Identifier] = field(default_factory=list)
    not_names: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        self._compile()

    def _compile(self) -> None:
        by_key: dict[str, list[Identifier]] = {}
        for ident in self.identifiers:
            by_key.setdefault(_key(ident.text), []).append(ident)
        self._by_key = {k: tuple(dict.fromkeys(v)) for k, v in by_key.items()}
        # Longest first, so that "Sarah Marsh" wins over "Sarah" at the same place.
        alternatives = sorted(self._by_key, key=len, reverse=True)
        if alternatives:
            body = "|".join(_pattern(a) for a in alternatives)
            self._pattern = re.compile(rf"(?<![\w]){'(?:' + body + ')'}(?![\w])", re.IGNORECASE)
            # The same words as a tree of their beginnings, to scan much text for them quickly.
            tree = alternation(alternatives, _BETWEEN_WORDS)
            self._scan = re.compile(rf"(?<![\w])(?:{tree})(?![\w])", re.IGNORECASE)
        else:
            self._pattern = self._scan = None
        nn = sorted({fold(n) for n in self.not_names if n.strip()}, key=len, reverse=True)
        self._not_names = (
            re.compile(r"(?<![\w])(?:" + "|".join(_pattern(n) for n in nn) + r")(?![\w])")
            if nn
            else None
        )

    def __bool__(self) -> bool:
        return bool(self.identifiers)

    def __len__(self) -> int:
        return len(self._by_key)

    def find(self, text: str) -> list[Match]:
        """Every identifier written in ``text``."""
        if self._pattern is None or not text:
            return []
        folded, where = _fold_with_map(text)
        exempt: list[tuple[int, int]] = []
        if self._not_names is not None:
            exempt = [(m.start(), m.end()) for m in self._not_names.finditer(folded)]
        out = []
        for m in self._pattern.finditer(folded):
            if any(s <= m.start() and m.end() <= e for s, e in exempt):
                continue
            idents = self._by_key.get(_key(m.group(0)))
            if idents is None:  # spelled with a different spacing or case: look it up loosely
                idents = self._lookup(m.group(0))
            start, end = where(m.start(), m.end())
            out.append(Match(start, end, text[start:end], idents))
        return out

    def texts_with_matches(self, texts: list[str]) -> set[int]:
        """Indexes of the texts that may hold an identifier, found in one scan of them all: every
        text :meth:`find` finds something in is among them (a few more may be)."""
        if self._scan is None:
            return set()
        return texts_matching(self._scan, [fold(t) for t in texts])

    def _lookup(self, written: str) -> tuple[Identifier, ...]:
        k = _key(written)
        for key, idents in self._by_key.items():
            if re.fullmatch(_pattern(key), k, re.IGNORECASE):
                return idents
        return ()

    def find_lines(self, text: str, first_line: int = 1) -> Iterator[tuple[int, Match]]:
        """(line number, match) for every identifier in a multi-line text."""
        for i, line in enumerate(text.split("\n")):
            for m in self.find(line):
                yield first_line + i, m


_BETWEEN_WORDS = r"[\s,]+"


def _pattern(variant: str) -> str:
    """A regular expression for one identifier: any spaces, line breaks or commas between words."""
    words = variant.split()
    parts = []
    for w in words:
        p = re.escape(w)
        parts.append(p)
    return _BETWEEN_WORDS.join(parts) if len(words) > 1 else (parts[0] if parts else "")


def _name_words(name: str) -> list[str]:
    words = [w.strip('.,()"') for w in fold(name).split()]
    words = [w for w in words if w]
    while len(words) > 1 and words[0].lower().rstrip(".") in TITLES:
        words = words[1:]
    return words


def _identifying(word: str) -> bool:
    return len(word.rstrip(".")) >= 2 and word.lower() not in PARTICLES


def _parts_with_kinds(words: list[str]) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for i, w in enumerate(words):
        if len(words) == 1:
            kind = "name"
        elif i == 0:
            kind = "first name"
        elif i == len(words) - 1:
            kind = "surname"
        else:
            kind = "middle name"
        pieces = [w] + ([p for p in w.split("-") if p] if "-" in w else [])
        out += [(kind, p) for p in pieces if _identifying(p)]
    return out


def name_parts(name: str) -> list[str]:
    """The words of a name that identify someone: no titles, initials or particles."""
    return [p for _kind, p in _parts_with_kinds(_name_words(name))]


def name_variants(name: str, owner: str, use_instead: str, alias: bool = False) -> list[Identifier]:
    """A full name, the name without its title or middle names, and each identifying part."""
    out: list[Identifier] = []
    full = " ".join(fold(name).split())
    if len(full) < 2:
        return out
    kind_full = "alias" if alias else "full name"
    words = _name_words(full)
    wholes = {full, " ".join(words)}
    if len(words) > 2:
        wholes.add(f"{words[0]} {words[-1]}")
    for w in sorted(wholes):
        if len(w) >= 2:
            out.append(Identifier(w, kind_full, owner, use_instead))
    for kind, p in _parts_with_kinds(words):
        if p not in wholes:
            out.append(Identifier(p, "alias" if alias else kind, owner, use_instead))
    return out


def date_variants(
    value, owner: str, use_instead: str, kind: str = "date of birth"
) -> list[Identifier]:
    """A date in the spellings a UK report would use."""
    d = as_date(value)
    if d is None:
        text = str(value).strip()
        return [Identifier(text, kind, owner, use_instead)] if len(text) >= 4 else []
    day, month, year = d.day, d.month, d.year
    long_m, short_m = _MONTHS[month - 1], _MONTHS[month - 1][:3]
    suffix = "th" if 11 <= day <= 13 else {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")
    texts = {
        d.isoformat(),
        f"{year}/{month:02d}/{day:02d}",
        f"{day} {long_m} {year}",
        f"{day} {short_m} {year}",
        f"{day}{suffix} {long_m} {year}",
        f"{day}{suffix} {short_m} {year}",
        f"{day}{suffix} of {long_m} {year}",
        f"{long_m} {day} {year}",
        f"{long_m} {day}{suffix} {year}",
        f"{short_m} {day} {year}",
        f"{day:02d} {long_m} {year}",
        f"{day:02d} {short_m} {year}",
    }
    if short_m == "Sep":
        texts |= {f"{day} Sept {year}", f"{day}{suffix} Sept {year}"}
    for sep in "/.-":
        for dd in {f"{day:02d}", str(day)}:
            for mm in {f"{month:02d}", str(month)}:
                texts.add(f"{dd}{sep}{mm}{sep}{year}")
                texts.add(f"{dd}{sep}{mm}{sep}{year % 100:02d}")
    return [Identifier(t, kind, owner, use_instead) for t in sorted(texts)]


def address_variants(value, owner: str, use_instead: str) -> list[Identifier]:
    """The whole address, its first line, the street without the number, and the postcode."""
    if isinstance(value, dict):
        lines = [str(v) for v in value.values() if v not in (None, "")]
    elif isinstance(value, list):
        lines = [str(v) for v in value if v not in (None, "")]
    else:
        lines = [part for part in re.split(r"[,\n]", str(value or ""))]
    lines = [" ".join(fold(x).split()) for x in lines]
    lines = [x for x in lines if x]
    out: list[Identifier] = []
    if not lines:
        return out
    whole = " ".join(lines)
    out.append(Identifier(whole, "address", owner, use_instead))
    first = lines[0]
    if len(first) >= 4:
        out.append(Identifier(first, "address (first line)", owner, use_instead))
        street = re.sub(
            r"^(?:flat|apartment|unit)?\s*\d+[a-z]?\b[\s,]*", "", first, flags=re.IGNORECASE
        )
        if street != first and len(street.split()) >= 2:
            out.append(Identifier(street, "address (street)", owner, use_instead))
    for m in _POSTCODE.finditer(whole):
        outward, inward = m.group(1).upper(), m.group(2).upper()
        out.append(Identifier(f"{outward} {inward}", "postcode", owner, use_instead))
        out.append(Identifier(f"{outward}{inward}", "postcode", owner, use_instead))
    return out


def literal_variants(value, kind: str, owner: str, use_instead: str) -> list[Identifier]:
    """Another identifier as written; a number also without its spaces (NHS 485 777 3456)."""
    text = " ".join(fold(str(value)).split())
    if len(text) < 3:
        return []
    out = [Identifier(text, kind, owner, use_instead)]
    compact = text.replace(" ", "").replace("-", "")
    if compact != text and compact.isalnum():
        out.append(Identifier(compact, kind, owner, use_instead))
    return out


@dataclass(frozen=True)
class SubjectDetails:
    """What the introduction says about the subject (restricted details included)."""

    initials: str = ""
    full_name: str = ""
    dob: object = None
    address: object = None
    aliases: tuple[str, ...] = ()
    identifiers: tuple[str, ...] = ()
    other: tuple[
        tuple[str, str, object], ...
    ] = ()  # (key, label, value) of other identifying fields


def subject_details(case) -> SubjectDetails:
    """The subject as the introduction's front matter describes them."""
    page = case.section("introduction") if case is not None else None
    if page is None:
        return SubjectDetails()
    subject = page.get("subject")
    if not isinstance(subject, dict):
        subject = {}

    def strings(v) -> tuple[str, ...]:
        if v in (None, ""):
            return ()
        if isinstance(v, list):
            return tuple(str(x).strip() for x in v if str(x).strip())
        return (str(v).strip(),)

    known = {"subject.initials", "subject.full_name", "subject.dob", "subject.address"}
    other = []
    spec = case.spec.section("introduction")
    for f in spec.fields if spec else ():
        if f.identifying and f.key not in known:
            v = page.get(f.key)
            if v not in (None, ""):
                other.append((f.key, f.label, v))
    return SubjectDetails(
        initials=str(subject.get("initials") or "").strip(),
        full_name=str(subject.get("full_name") or "").strip(),
        dob=subject.get("dob"),
        address=subject.get("address"),
        aliases=strings(subject.get("aliases")),
        identifiers=strings(subject.get("identifiers")),
        other=tuple(other),
    )


def build_identifiers(case) -> IdentifierSet:
    """Every identifier in a case: the people key's names and the subject's details."""
    people = case.data.get("people") if case is not None else None
    subject = subject_details(case)
    return identifiers_from(people.people if people else (), subject)


def identifiers_from(people: Iterable, subject: SubjectDetails | None = None) -> IdentifierSet:
    people = list(people)
    out: list[Identifier] = []
    not_names: list[str] = []
    for p in people:
        owner = f"{p.label} in the people key"
        out += name_variants(p.name, owner, p.label)
        for a in p.aliases:
            out += name_variants(a, owner, p.label, alias=True)
        not_names += p.not_names
    if subject is not None:
        owner = "the subject"
        use = subject.initials or "the subject's initials"
        if subject.full_name:
            out += name_variants(subject.full_name, owner, use)
        for a in subject.aliases:
            out += name_variants(a, owner, use, alias=True)
        if subject.dob not in (None, ""):
            out += date_variants(subject.dob, owner, "their age, or leave it out")
        if subject.address not in (None, ""):
            out += address_variants(subject.address, owner, "a general description of the area")
        for ident in subject.identifiers:
            out += literal_variants(ident, "identifier", owner, "leave it out")
        for _field, label, value in subject.other:
            out += literal_variants(value, label, owner, "leave it out")
    # A label never identifies anyone: "AB" must not be caught because someone's name is "Ab".
    labels = {p.label.casefold() for p in people}
    if subject is not None and subject.initials:
        labels.add(subject.initials.casefold())
    out = [i for i in out if i.text.casefold() not in labels]
    return IdentifierSet(out, tuple(not_names))
