"""Abbreviations: which abbreviation-like words a report uses, and where.

The guidance asks for a sheet of every abbreviation used in the report. This module finds the
words that look like abbreviations (GP, A&E, DoLS, CMHT, S.42, GP1) in every place an author writes
text: the sections' prose and headings, their front matter, the chronology and the action plan.
Code, comments, link addresses and HTML tags are not text and are skipped. So are Roman numerals,
postcodes, the case reference, the template's own question ids (Q1, L2), the action plan's
references, and anything in the ``abbreviations: {ignore: [...]}`` plugin option.

It also puts an abbreviation's meaning on hover in the built HTML (:func:`add_hover`).
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from operator import itemgetter

from imr_site.case import placeholders, template_text
from imr_site.case.bulk import matches_in, separator, whole_words
from imr_site.case.editions import shows_people_key
from imr_site.case.templates import Templates
from imr_site.people.identifiers import subject_details

# A word with at least two capitals and no more lower-case letters than capitals (GP, DoLS, PhD;
# not McDonald), optionally numbered (GP1, DN2); A&E; section references (S.42, s.117).
TEMPLATES = Templates(__file__)

_TOKEN = re.compile(
    r"(?<![\w&.])"
    r"(?:"
    r"[A-Z]+&[A-Z]+"  # A&E
    r"|[A-Za-z]{1,3}\.\d+[A-Za-z]?"  # S.42, s.117
    r"|[A-Z][A-Za-z]*[A-Z][A-Za-z]*\d*"  # GP, DoLS, CMHTs, GP1, NHSmail
    r")"
    r"(?:['’]s)?"  # GP's
    r"(?![\w&])"
)
# Roman numerals as a report numbers things (ii, IV, XIV). Not C, D, L or M: DC, DI, CD and MD
# are abbreviations (Detective Constable, Detective Inspector ...).
_ROMAN = re.compile(r"^(?=[XVI])X{0,3}(IX|IV|V?I{0,3})$")
# Three or more capitalised words in a row are a heading typed in capitals, not abbreviations.
# Both patterns start with a capital and look at the character before it only then (the same as
# (?<![\w&.])[A-Z]{2,}... and \b[A-Z]{1,2}...), so that a scan skips straight to the next capital.
_SHOUTING = re.compile(r"[A-Z](?<![\w&.][A-Z])[A-Z]+(?:[ \t,:;-]+[A-Z]{2,}){2,}(?![\w&.])")
_POSTCODE = re.compile(r"[A-Z](?<![\w][A-Z])[A-Z]?\d[A-Z\d]?\s*\d[A-Z]{2}\b")
# What is not prose on a Markdown line.
# (a character the pattern cannot match without, the pattern): the check on the character is
# what keeps a 10,000-entry chronology fast, since most lines need none of these.
_NOT_PROSE = [
    ("`", re.compile(r"`+[^`]*`+")),  # inline code
    ("](", re.compile(r"\]\([^)]*\)")),  # a link's address: [text](address)
    ("][", re.compile(r"\]\[[^\]]*\]")),  # a reference link's id
    ("[", re.compile(r"^\s{0,3}\[[^\]]+\]:\s*\S.*$")),  # a link reference definition
    ("*[", re.compile(r"^\s*\*\[[^\]]+\]:.*$")),  # a Markdown abbreviation definition
    ("<", re.compile(r"<[a-zA-Z/!][^>]*>")),  # HTML tags and their attributes
    (":", re.compile(r"\b(?:https?|ftp|mailto|file):[^\s)>\]]+")),  # bare addresses
    ("@", re.compile(r"\b[\w.+-]+@[\w-]+\.[\w.-]+\b")),  # e-mail addresses
    ("{", re.compile(r"\{[:#.][^}]*\}")),  # attribute lists {: .class }
    ("&", re.compile(r"&[a-zA-Z]+;|&#\d+;")),  # HTML entities
]


@dataclass(frozen=True)
class Use:
    """One place an abbreviation is written."""

    file: str
    line: int | None
    written: str  # as written (GPs)


@dataclass
class Usage:
    """Every abbreviation-like word in a case, with where it is used."""

    uses: dict[str, list[Use]] = field(default_factory=dict)  # abbreviation -> places

    def add(self, abbr: str, use: Use) -> None:
        self.uses.setdefault(abbr, []).append(use)

    def __contains__(self, abbr: str) -> bool:
        return abbr in self.uses

    def first(self, abbr: str) -> Use:
        return self.uses[abbr][0]


def whole_terms(terms) -> re.Pattern | None:
    """A pattern for the defined abbreviations the word pattern would split or miss (PURPOSE-T,
    ACE-III, GDS-15, aSSKINg, D.o.B.), matched whole and exactly as defined, longest first."""
    odd = sorted((t for t in terms if t and not _TOKEN.fullmatch(t)), key=len, reverse=True)
    if not odd:
        return None
    alternatives = "|".join(re.escape(t) for t in odd)
    return re.compile(rf"(?<![\w&.-])(?:{alternatives})(?:['’]?s)?(?![\w&-]|\.\w)")


# The first character of each trigger: a line with none of them (most) is prose as it is.
_ANY_TRIGGER = re.compile("[" + "".join(sorted({re.escape(t[0]) for t, _ in _NOT_PROSE})) + "]")


def strip_non_prose(line: str) -> str:
    """A Markdown line with code, link addresses, tags and entities replaced by spaces."""
    if not _ANY_TRIGGER.search(line):
        return line
    for trigger, pattern in _NOT_PROSE:
        if trigger in line:
            line = pattern.sub(lambda m: " " * len(m.group(0)), line)
    return line


def tokens(text: str, remove: re.Pattern | None = None) -> list[str]:
    """The abbreviation-like words in a piece of text, as written.

    Postcodes, and whatever ``remove`` matches (the case reference), are taken out first.
    """
    text = _POSTCODE.sub(" ", text)
    text = _SHOUTING.sub(" ", text)
    if remove is not None:
        text = remove.sub(" ", text)
    return [m.group(0) for m in _TOKEN.finditer(text) if _abbreviation_like(m.group(0))]


def tokens_each(texts: list[str], remove: re.Pattern | None = None) -> list[list[str]]:
    """``[tokens(text, remove) for text in texts]``, with each pattern run once over them all.

    The texts are joined by a character none of them (nor ``remove``) holds, which no pattern
    here matches and each sees as the edge of a text: no match runs from one text into the next,
    and each text's part of the joined text is taken out exactly as ``tokens`` takes out its own.
    """
    sep = separator(["".join(texts), remove.pattern if remove is not None else ""])
    joined = _SHOUTING.sub(" ", _POSTCODE.sub(" ", sep.join(texts)))
    if remove is not None:
        joined = remove.sub(" ", joined)
    out: list[list[str]] = [[] for _ in texts]
    like: dict[str, bool] = {}
    for i, m in matches_in(_TOKEN, joined.split(sep), sep):
        token = m.group(0)
        if token not in like:
            like[token] = _abbreviation_like(token)
        if like[token]:
            out[i].append(token)
    return out


def _abbreviation_like(token: str) -> bool:
    """No more small letters than capitals: DoLS and PhD are abbreviations, McDonald is not."""
    t = base_form(token)
    upper = sum(c.isupper() for c in t)
    lower = sum(c.islower() for c in t)
    return "&" in t or "." in t or lower <= upper


def base_form(token: str) -> str:
    """GPs, GP's -> GP; DoLS stays DoLS."""
    t = re.sub(r"['’]s$", "", token)
    if len(t) > 2 and t.endswith("s") and t[:-1].isupper():
        t = t[:-1]
    return t


@dataclass
class Vocabulary:
    """What an abbreviation-like word may be: defined, a person's label, or not an abbreviation."""

    glossary: dict[str, str]  # abbreviation -> meaning
    labels: set[str]  # people key labels and the subject's initials
    ignore: set[str]
    ignore_patterns: list[re.Pattern]
    remove: re.Pattern | None = None  # phrases taken out before looking (the case reference)
    _folded: dict[str, str] = field(default_factory=dict)
    whole: re.Pattern | None = None  # defined terms the word pattern would split (PURPOSE-T)

    def __post_init__(self) -> None:
        self._folded = {k.casefold(): k for k in self.glossary}
        self.whole = whole_terms(self.glossary)

    def whole_uses(self, text: str) -> tuple[list[tuple[str, str]], str]:
        """((glossary key, as written) for each whole-matched term, the text without them)."""
        if self.whole is None:
            return [], text
        found = []

        def blank(m: re.Match) -> str:
            written = m.group(0)
            key = written if written in self.glossary else re.sub(r"['’]?s$", "", written)
            found.append((key, written))
            return " " * len(written)

        return found, self.whole.sub(blank, text)

    def defined(self, abbr: str) -> str | None:
        """The glossary key this word stands for (S.42 for s.42), or None."""
        if abbr in self.glossary:
            return abbr
        return self._folded.get(abbr.casefold())

    def ignored(self, token: str, abbr: str) -> bool:
        if token in self.ignore or abbr in self.ignore or _ROMAN.match(abbr):
            return True
        return any(p.fullmatch(abbr) or p.fullmatch(token) for p in self.ignore_patterns)

    def resolve(self, token: str) -> str | None:
        """The abbreviation a written word counts as, or None when it is not one to list."""
        forms = list(dict.fromkeys((token, base_form(token))))
        if any(abbr in self.labels for abbr in forms):
            return None
        for abbr in forms:
            key = self.defined(abbr)  # defined wins over ignored: it is listed on the sheet
            if key:
                return key
        if any(self.ignored(token, abbr) for abbr in forms):
            return None
        abbr = base_form(token)
        return abbr


def ignore_options(case) -> tuple[set[str], list[re.Pattern], list[str]]:
    """(ignored words, ignored patterns, problems) from ``abbreviations: {ignore: [...]}``."""
    opt = (case.config.options or {}).get("abbreviations") or {}
    problems: list[str] = []
    words: set[str] = set()
    patterns: list[re.Pattern] = []
    if not isinstance(opt, dict):
        return words, patterns, ["'abbreviations:' must have 'ignore:' (a list) under it."]
    raw = opt.get("ignore") or []
    if isinstance(raw, str):
        raw = [raw]
    if not isinstance(raw, list):
        return words, patterns, ["'abbreviations: ignore:' must be a list of words."]
    for item in raw:
        text = str(item).strip()
        if len(text) > 2 and text.startswith("/") and text.endswith("/"):
            try:
                patterns.append(re.compile(text[1:-1]))
            except re.error as e:
                problems.append(f"'abbreviations: ignore:' pattern {text} is not valid ({e}).")
        elif text:
            words.add(text)
    return words, patterns, problems


def vocabulary(case) -> Vocabulary:
    glossary = case.data.get("glossary")
    people = case.data.get("people")

    labels = {p.label for p in people.people} if people else set()
    initials = subject_details(case).initials
    if initials:
        labels.add(initials)
    words, patterns, _ = ignore_options(case)
    words |= set(placeholders.WORDS)  # reported as placeholders (PLH001) unless defined
    phrases = [case.config.case_reference, case.config.protective_marking]
    phrases = sorted({p.strip() for p in phrases if p and p.strip()}, key=len, reverse=True)
    remove = whole_words(phrases) if phrases else None
    # The template's own references (Q1, L2) and the action plan's (A1, R1) name parts of the
    # report, not abbreviations.
    for s in case.spec.sections:
        words |= {h.id for h in s.headings if h.id}
    actions = case.data.get("actions")
    for a in actions.actions if actions else ():
        if a.ref:
            words.add(a.ref)
        words |= set(a.recommendations)
    meanings = {t.abbreviation: t.meaning for t in glossary.terms.values()} if glossary else {}
    return Vocabulary(meanings, labels, words, patterns, remove)


def _texts(value, line: int):
    """(text, line) for every string inside a front matter or data value."""
    if isinstance(value, str):
        yield value, line
    elif isinstance(value, dict):
        for k, v in value.items():
            lines = getattr(value, "key_lines", {}) or {}
            yield from _texts(v, lines.get(k, line))
    elif isinstance(value, list):
        item_lines = getattr(value, "item_lines", None) or []
        for i, v in enumerate(value):
            yield from _texts(v, item_lines[i] if i < len(item_lines) else line)


def authored_text(case, include_fields=None, *, raw: bool = False):
    """(file, line, text) for every piece of text an author wrote, in the order of the report.

    By default only prose: code, comments, link addresses and tags are left out (they hold no
    abbreviations). ``raw=True`` gives every line as written, for the name check: a name in a
    comment, a code block or a link is published in the page's HTML all the same.
    ``include_fields(page, key)`` can leave front matter fields out (the name check leaves out
    the introduction's details, which are meant to hold the real name).
    """
    # A data file repeats its short texts ("GP practice") over and over: each is cleaned once.
    clean = _same if raw else _memo(strip_non_prose)
    for page in case.pages:
        meta = page.meta
        for key, value in meta.items():
            if key in ("section", "status", "template"):
                continue
            if include_fields is not None and not include_fields(page, key):
                continue
            for text, line in _texts(value, meta.line_of(key)):
                yield page.rel, line, clean(text)
        if raw:
            for i, line in enumerate(page.body.split("\n")):
                if line.strip():
                    yield page.rel, page.body_start + i, line
            continue
        for h in page.headings:
            yield page.rel, h.line, strip_non_prose(h.text)
        for i, line in enumerate(page.body_lines):
            if line.strip():
                yield page.rel, page.body_start + i, strip_non_prose(line)
    skip = _MERGE_FIELDS if raw else _NO_PROSE_FIELDS
    for name in ("chronology", "actions"):
        data = case.data.get(name)
        items = getattr(data, "entries", None) or getattr(data, "actions", None) or []
        for item in items:
            for key, value in item.fields.items():
                if key in skip:
                    continue
                if isinstance(value, str):  # most values: no walk
                    yield data.rel, item.line_of(key), clean(value)
                    continue
                for text, line in _texts(value, item.line_of(key)):
                    yield data.rel, line, clean(text)


def _same(text: str) -> str:
    return text


def _memo(clean):
    """``clean``, remembering its answer for each text."""
    done: dict[str, str] = {}

    def remembered(text: str) -> str:
        if text not in done:
            done[text] = clean(text)
        return done[text]

    return remembered


# Fields of chronology entries and actions that hold no prose: dates, times, and the ids, file
# names and links `imr merge` writes in a review panel's chronology.
_NO_PROSE_FIELDS = (
    "date",
    "end_date",
    "time",
    "end_time",
    "seq",
    "id",
    "origin",
    "same_as",
    "not_same_as",
)


# Written by `imr merge` and never shown in the report: ids, submission file names, links.
_MERGE_FIELDS = ("id", "origin", "same_as", "not_same_as")
# The last case's prose, and its usage read with its own vocabulary: the checks, the hovers and
# the abbreviations sheet of one build share them instead of reading every text again.
_LAST_USAGE: dict = {}


def prose(case) -> list[tuple[str, int | None, str]]:
    """``list(authored_text(case))``, made once for the last case asked about."""
    if _LAST_USAGE.get("prose_of") is not case:
        _LAST_USAGE.update(prose_of=case, prose=list(authored_text(case)))
    return _LAST_USAGE["prose"]


def find_usage(case, vocab: Vocabulary | None = None) -> Usage:
    """Every abbreviation used in the report, with each place it is written."""
    if vocab is None and _LAST_USAGE.get("case") is case:
        return _LAST_USAGE["usage"]
    own = vocab is None
    vocab = vocab or vocabulary(case)
    usage = Usage()
    # The template's own words are not the author's: its unchanged paragraphs (TPL001) and its
    # prompts (HDG005) are reported as such, and their IMR, PDF, GP1 are not abbreviations to list.
    template = {
        (page.rel, n)
        for page in case.pages
        for p in template_text.unchanged(page)
        for n in range(p.line, p.end + 1)
    }
    texts = prose(case)
    if template:
        texts = [(file, line, text) for file, line, text in texts if (file, line) not in template]
    uses = _uses_by_text(list(map(itemgetter(2), texts)), vocab)
    for file, line, text in texts:
        for key, written in uses[text]:
            usage.add(key, Use(file, line, written))
    if own:
        _LAST_USAGE.update(case=case, usage=usage)
    return usage


def _uses_by_text(texts: list[str], vocab: Vocabulary) -> dict[str, list[tuple[str, str]]]:
    """Each distinct text -> (abbreviation, as written) for each use in it, in order: a defined
    term matched whole first, then the words. A chronology says "GP practice" a thousand times:
    each text is read once, and each word resolved once."""
    distinct = list(dict.fromkeys(texts))
    prompt = re.compile(placeholders.WRITE_HERE, re.IGNORECASE)
    wholes: list[list[tuple[str, str]]] = []
    rest: list[str] = []
    for text in distinct:
        if "[" in text:  # every prompt starts with one
            text = prompt.sub(lambda m: " " * len(m.group(0)), text)
        found, text = vocab.whole_uses(text)
        wholes.append(found)
        rest.append(text)
    resolved: dict[str, str | None] = {}
    out: dict[str, list[tuple[str, str]]] = {}
    for text, whole, words in zip(distinct, wholes, tokens_each(rest, vocab.remove), strict=True):
        uses = list(whole)
        for tok in words:
            if tok not in resolved:
                resolved[tok] = vocab.resolve(tok)
            if resolved[tok]:
                uses.append((resolved[tok], tok))
        out[text] = uses
    return out


# -- the abbreviations block and hover meanings --------------------------------------------------


def used_terms(case, usage: Usage | None = None) -> list[tuple[str, str]]:
    """(abbreviation, meaning) for each defined abbreviation the report uses, A to Z."""
    glossary = case.data.get("glossary")
    if not glossary:
        return []
    usage = usage or find_usage(case)
    return sorted(
        ((t.abbreviation, t.meaning) for t in glossary.terms.values() if t.abbreviation in usage),
        key=lambda t: (t[0].casefold(), t[0]),
    )


def render_block(case, edition: str | None = None) -> str:
    """The abbreviations and anonymisation sheet: the abbreviations used, and the people's labels.

    The restricted edition shows the people key (labels with real names, roles and agencies).
    The anonymised one shows each label with its role and agency only: the template is never
    given a name, so it cannot show one.
    """
    edition = edition or case.config.edition
    people = case.data.get("people")
    show_key = shows_people_key(edition)
    return TEMPLATES.render(
        "abbreviations.html",
        terms=used_terms(case),
        people=(people.people if people and show_key else []),
        roles=[_role(p) for p in people.people] if people and not show_key else [],
        show_key=show_key,
        edition=edition,
    )


@dataclass(frozen=True)
class _Role:
    label: str
    role: str
    agency: str


def _role(person) -> _Role:
    return _Role(person.label, person.role, person.agency)


_SKIP_INSIDE = {
    "code",
    "pre",
    "script",
    "style",
    "abbr",
    "textarea",
    "kbd",
    "samp",
    "title",
    "svg",
    "math",
    "head",
}
# The elements add_hover leaves alone (publish.site.add_hover_by_row relies on the same list).
SKIP_INSIDE = frozenset(_SKIP_INSIDE)
_TAG = re.compile(r"<!--.*?-->|<(/?)([a-zA-Z][a-zA-Z0-9]*)\b[^>]*?(/?)>|<[!?][^>]*>", re.DOTALL)
_VOID = {
    "br",
    "hr",
    "img",
    "input",
    "meta",
    "link",
    "wbr",
    "col",
    "area",
    "base",
    "source",
    "track",
    "embed",
    "param",
}


def hover_terms(case) -> dict[str, str]:
    """Abbreviation -> what its hover says. A person's label shows their role and agency, and
    their name in the restricted edition only."""
    glossary = case.data.get("glossary")
    out = {t.abbreviation: t.meaning for t in glossary.terms.values()} if glossary else {}
    people = case.data.get("people")
    named = shows_people_key(case.config.edition)
    for p in people.people if people else ():
        what = ", ".join(x for x in (p.role, p.agency) if x)
        if named and p.name:
            out.setdefault(p.label, f"{p.name} ({what})" if what else p.name)
        elif what:
            out.setdefault(p.label, what)
    return out


def add_hover(page_html: str, terms: dict[str, str]) -> str:
    """Wrap each known abbreviation in the page's text in ``<abbr title="meaning">``.

    Only text between tags is touched, never a tag, an attribute, code or an existing ``<abbr>``.
    """
    if not terms or not page_html:
        return page_html
    folded = {k.casefold(): k for k in terms}
    whole = whole_terms(terms)
    out: list[str] = []
    skip: list[str] = []
    pos = 0
    for m in _TAG.finditer(page_html):
        out.append(
            _hover_text(page_html[pos : m.start()], terms, folded, whole)
            if not skip
            else page_html[pos : m.start()]
        )
        out.append(m.group(0))
        pos = m.end()
        closing, name, selfclose = m.group(1), (m.group(2) or "").lower(), m.group(3)
        if not name or name in _VOID or selfclose:
            continue
        if closing:
            if skip and skip[-1] == name:
                skip.pop()
        elif skip:
            if name == skip[-1]:  # the same element nested inside itself
                skip.append(name)
        elif name in _SKIP_INSIDE:
            skip.append(name)
    tail = page_html[pos:]
    out.append(_hover_text(tail, terms, folded, whole) if not skip else tail)
    return "".join(out)


def _hover_text(
    segment: str, terms: dict[str, str], folded: dict[str, str], whole: re.Pattern | None = None
) -> str:
    if not segment.strip():
        return segment
    text = html.unescape(segment)
    if not any(c.isupper() for c in text):
        return segment
    pieces: list[str] = []
    pos = 0
    changed = False
    matches = list(whole.finditer(text)) if whole else []
    taken = [(m.start(), m.end()) for m in matches]
    matches += [
        m for m in _TOKEN.finditer(text) if not any(a < m.end() and m.start() < b for a, b in taken)
    ]
    for m in sorted(matches, key=lambda m: m.start()):
        tok = m.group(0)
        key = next(
            (
                c if c in terms else folded.get(c.casefold())
                for c in (tok, re.sub(r"['’]?s$", "", tok), base_form(tok))
                if c in terms or folded.get(c.casefold())
            ),
            None,
        )
        if key is None:
            continue
        changed = True
        pieces.append(html.escape(text[pos : m.start()], quote=False))
        title = html.escape(terms[key], quote=True)
        pieces.append(f'<abbr title="{title}">{html.escape(tok, quote=False)}</abbr>')
        pos = m.end()
    if not changed:
        return segment
    pieces.append(html.escape(text[pos:], quote=False))
    return "".join(pieces)
