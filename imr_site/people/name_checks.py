"""Rules that keep real names out of the report, and the people key out of the site.

The report refers to people by labels (initials, role codes) and the people key says who they
are. A real name, date of birth or address written anywhere an author writes text (prose,
headings, front matter, the chronology, the action plan, the glossary) is an error naming the
label to use. Only the introduction's identifying details (full name, DOB, address), which the
anonymised edition hides, may hold them.
"""

from __future__ import annotations

import os
import re
from operator import itemgetter
from pathlib import Path

from imr_site.case import placeholders
from imr_site.case.bulk import gc_paused, separator, whole_words
from imr_site.case.editions import ANONYMISED, hidden_fields
from imr_site.case.findings import Finding, finding, rule
from imr_site.case.yamlio import YAMLProblem, load_yaml
from imr_site.people.abbreviations import authored_text, prose
from imr_site.people.identifiers import build_identifiers, texts_matching
from imr_site.people.leaks import ZIP_SUFFIXES, file_texts

R_NAME = rule(
    "ANO001",
    "error",
    "Real name or identifier in the report",
    "Write the person's label from data/people.yml (or the subject's initials) instead; leave "
    "dates of birth and addresses out of the text.",
)
R_DATA_PUBLISHED = rule(
    "ANO003",
    "error",
    "Data would be published with the site",
    "Keep data/ beside docs/, never inside it, and keep people keys and data files out of docs/.",
)
R_FILE_LEAK = rule(
    "ANO004",
    "error",
    "A file in docs/ names a real person",
    "Files in docs/ are copied into the site as they are: remove the name or the file.",
)
R_PICTURE = rule(
    "ANO005",
    "warning",
    "A picture in the anonymised edition cannot be checked for names",
    "Look at the picture yourself; when it shows no one's name, add ANO005 to 'rules: disable:'.",
)
R_NHS_NUMBER = rule(
    "ANO006",
    "warning",
    "Something that looks like an NHS number",
    "Leave NHS numbers out of the report: they identify the person in every health record.",
)
# Ten digits, in threes and four, not inside a longer number: (?<![\d-])(\d{3})... written with
# its first digit first, so that a scan skips straight to the next digit.
_NHS_NUMBER = re.compile(r"(\d(?<![\d-]\d)\d\d)[ -]?(\d{3})[ -]?(\d{4})(?![\d-])")
PICTURE_SUFFIXES = {".png", ".jpg", ".jpeg", ".gif", ".webp", ".bmp", ".tif", ".tiff", ".heic"}
R_LABEL_UNUSED = rule(
    "PPL007",
    "info",
    "A people key label is not used in the report",
    "Nothing to do: the person is still listed in the restricted key. Delete the entry if the "
    "person is not part of the report.",
)
R_LABEL_IS_ABBREVIATION = rule(
    "PPL003",
    "error",
    "A people key label is also a glossary abbreviation",
    "Give the person another label (GP1 rather than GP), or remove the abbreviation from the "
    "glossary: one word cannot mean both.",
)

_TEXT_SUFFIXES = {
    ".txt",
    ".csv",
    ".json",
    ".yml",
    ".yaml",
    ".xml",
    ".html",
    ".htm",
    ".js",
    ".css",
    ".svg",
    ".tsv",
    ".md",
    ".markdown",
}


def _introduction_fields(case, page) -> list[tuple[int, str]]:
    """(line, text) of the introduction's front matter fields that every edition shows.

    The fields the anonymised edition hides (full name, date of birth, address) are meant to
    hold the real details; every other field is shown in both editions and is checked.
    """
    hidden = hidden_fields(case, ANONYMISED)
    out: list[tuple[int, str]] = []

    def walk(value, dotted: str) -> None:
        if dotted in hidden or value in (None, ""):
            return
        if isinstance(value, dict):
            for k, v in value.items():
                walk(v, f"{dotted}.{k}" if dotted else str(k))
        elif isinstance(value, list):
            for v in value:
                walk(v, dotted)
        elif dotted not in ("section", "status"):
            out.append((page.line_of(dotted), str(value)))

    walk(page.meta, "")
    return out


def check(case) -> list[Finding]:
    with gc_paused():  # thousands of texts and matches, no reference cycles
        return _check(case)


def _check(case) -> list[Finding]:
    out: list[Finding] = []
    out += _published_data(case)
    out += placeholders.in_data_file(case, "people")
    ids = build_identifiers(case)
    glossary = case.data.get("glossary")
    people = case.data.get("people")
    if glossary and people:
        for p in people.people:
            if p.label in glossary.terms:
                t = glossary.terms[p.label]
                out.append(
                    finding(
                        R_LABEL_IS_ABBREVIATION.code,
                        people.rel,
                        p.line,
                        f"'{p.label}' is a person's label here and an abbreviation in "
                        f"{glossary.rel} (line {t.line}: {t.meaning}). Give the person another "
                        f"label, such as '{p.label}1', and use it in the report.",
                    )
                )
    out += _unused_labels(case)
    if not ids:
        return out
    intro = case.section("introduction")
    texts = list(authored_text(case, lambda page, key: page is not intro, raw=True))
    # Each distinct text looked at once (a chronology repeats "GP practice" a thousand times).
    distinct = list(dict.fromkeys(map(itemgetter(2), texts)))
    picked = ids.texts_with_matches(distinct) | texts_matching(_NHS_NUMBER, distinct)
    maybe = {distinct[i] for i in picked}
    for file, line, text in [t for t in texts if t[2] in maybe]:
        matches = ids.find(text)
        if matches:
            out.append(_name_finding(file, line, *matches))
        for number in _nhs_numbers(text):
            out.append(
                finding(
                    R_NHS_NUMBER.code,
                    file,
                    line,
                    f"'{number}' looks like an NHS number (its check digit is right). Leave it "
                    "out: it identifies the person.",
                )
            )
    if intro is not None:
        for line, text in _introduction_fields(case, intro):
            matches = ids.find(text)
            if matches:
                out.append(_name_finding(intro.rel, line, *matches))
    # Each person's role and agency are shown in both editions (the anonymised sheet, hovers).
    if people:
        for p in people.people:
            matches = ids.find(f"{p.role}\n{p.agency}")
            if matches:
                out.append(_name_finding(people.rel, p.line, *matches))
    # mkdocs.yml: the site name, the navigation titles and some options are published too.
    if case.config_file is not None and case.config_file.is_file():
        rel = case.rel(case.config_file)
        lines = case.config_file.read_text(encoding="utf-8-sig", errors="replace").split("\n")
        for i, line in enumerate(lines, start=1):
            if line.lstrip().startswith("#"):
                continue
            matches = ids.find(line)
            if matches:
                out.append(_name_finding(rel, i, *matches))
    if glossary:
        for t in glossary.terms.values():
            matches = ids.find(t.meaning)
            if matches:
                out.append(_name_finding(glossary.rel, t.line, *matches))
    return out


def _nhs_numbers(text: str) -> list[str]:
    """Ten-digit numbers whose last digit is a valid NHS number check digit (modulus 11)."""
    found = []
    for m in _NHS_NUMBER.finditer(text):
        digits = "".join(m.groups())
        total = sum(int(d) * w for d, w in zip(digits[:9], range(10, 1, -1), strict=True))
        check = 11 - total % 11
        check = 0 if check == 11 else check
        if check != 10 and check == int(digits[9]):
            found.append(m.group(0))
    return found


def _unused_labels(case) -> list[Finding]:
    people = case.data.get("people")
    if not people or not people.people:
        return []
    labels = {p.label for p in people.people}
    pattern = whole_words(labels)
    # One scan of the distinct texts, joined by a character no label holds: no label found
    # runs from one text into the next.
    distinct = dict.fromkeys(map(itemgetter(2), prose(case)))
    seen = set(pattern.findall(separator(labels).join(distinct)))
    return [
        finding(
            R_LABEL_UNUSED.code,
            people.rel,
            p.line,
            f"'{p.label}' ({p.role or 'no role given'}) is in the people key but not used in the "
            "report.",
        )
        for p in people.people
        if p.label not in seen
    ]


def _name_finding(file: str, line: int | None, *matches) -> Finding:
    """One finding per line, however many names are on it."""
    what = ", ".join(dict.fromkeys(m.explain() for m in matches))
    verb = "is" if len(matches) == 1 else "are"
    advice = " or ".join(dict.fromkeys(m.advice() for m in matches))
    message = (
        f"{what} {verb} written here. Write {advice} instead: the report must identify people "
        "only by their labels."
    )
    ordinary = [m for m in matches if m.text.islower() and " " not in m.text]
    if ordinary:
        m = ordinary[0]
        people = [i.use_instead for i in m.identifiers if "people key" in i.owner]
        if people:
            message += (
                f" If '{m.text}' is an ordinary word here, add it to not_names of {people[0]} in "
                "data/people.yml."
            )
    return finding(R_NAME.code, file, line, message)


def _published_data(case) -> list[Finding]:
    """Data that would be copied into the site: links into data/, keys and data files in docs/."""
    out: list[Finding] = []
    docs = case.docs_dir.resolve()
    data = case.data_path  # never inside docs/: read_case refuses that (IMR005)
    ids = build_identifiers(case)
    for path in sorted(docs.rglob("*")):
        if path in case.refused:
            continue  # outside the case or too large: never read or published (IMR007, IMR008)
        rel = case.rel(path)
        if path.is_symlink():
            target = Path(os.path.realpath(path))
            if target == data or target.is_relative_to(data):
                out.append(
                    finding(
                        R_DATA_PUBLISHED.code,
                        rel,
                        None,
                        f"{rel} is a link to {case.rel(target)}: MkDocs would copy the data into "
                        "the site. Delete the link.",
                    )
                )
                continue
        if not path.is_file() or path.suffix.lower() in (".md", ".markdown"):
            continue
        if path.suffix.lower() in PICTURE_SUFFIXES and case.config.edition == ANONYMISED:
            out.append(
                finding(
                    R_PICTURE.code,
                    rel,
                    None,
                    f"{rel} is published in the anonymised edition, and no check can read the "
                    "words in a picture. Look at it yourself (a genogram or a scanned letter often "
                    "shows names); once it is safe, switch this off with rules: disable: [ANO005].",
                )
            )
            continue
        if path.suffix.lower() in (".yml", ".yaml") and _looks_like_people_key(path):
            out.append(
                finding(
                    R_DATA_PUBLISHED.code,
                    rel,
                    None,
                    f"{rel} looks like a people key (labels with names under them). Everything in "
                    "docs/ is published: move it to data/people.yml.",
                )
            )
            continue
        if ids and path.suffix.lower() in _TEXT_SUFFIXES and path.stat().st_size < 20_000_000:
            try:
                text = path.read_text(encoding="utf-8", errors="replace")
            except OSError:
                continue
            found = list(ids.find_lines(text))
            if found:
                line, m = found[0]
                more = f" and {len(found) - 1} more" if len(found) > 1 else ""
                out.append(
                    finding(
                        R_FILE_LEAK.code,
                        rel,
                        line,
                        f"{m.explain()}{more} is in {rel}, which is copied into the site as it is. "
                        "Remove the name, or move the file out of docs/.",
                    )
                )
        elif ids and path.suffix.lower() in ZIP_SUFFIXES:
            views, _ = file_texts(path, rel)
            found = [m for _where, text in views for m in ids.find(text)]
            if found:
                out.append(
                    finding(
                        R_FILE_LEAK.code,
                        rel,
                        None,
                        f"{found[0].explain()} is in the document {rel}, which is copied into the "
                        "site as it is. Remove the name from it, or move it out of docs/.",
                    )
                )
    return out


def _looks_like_people_key(path: Path) -> bool:
    try:
        raw = load_yaml(path)
    except (YAMLProblem, OSError):
        return False
    if not isinstance(raw, dict) or not raw:
        return False
    entries = [v for v in raw.values() if isinstance(v, dict)]
    return bool(entries) and sum(1 for v in entries if "name" in v) >= max(1, len(entries) // 2)
