"""Rules about the report's parts: every section present once, its headings, content and fields."""

from __future__ import annotations

import difflib
import re

from imr_site.case import placeholders, template_text
from imr_site.case.dates import as_date
from imr_site.case.findings import Finding, finding, rule
from imr_site.case.sections import Heading, SectionFile
from imr_site.case.spec import HeadingSpec, SectionSpec, normalise_heading

R_MISSING_SECTION = rule(
    "SEC001",
    "error",
    "A part of the report is missing",
    "Add a Markdown file in docs/ whose front matter says `section: <id>` (see `imr new`).",
)
R_DUPLICATE_SECTION = rule(
    "SEC002",
    "error",
    "Two files fill the same part",
    "Merge the two files, or change `section:` in one of them.",
)
R_UNKNOWN_SECTION = rule(
    "SEC003",
    "error",
    "Unknown section id",
    "Use one of the section ids the template lists (the message names them).",
)
R_NOT_A_SECTION = rule(
    "SEC004",
    "info",
    "Page is not part of the report",
    "Add `section:` to its front matter if it belongs in the report; otherwise it is shown "
    "on the site only and left out of the PDF.",
)
R_TITLE = rule(
    "HDG001",
    "error",
    "Section title missing or different",
    "Start the file with a level-1 heading giving the part's title (numbering optional).",
)
R_MISSING_HEADING = rule(
    "HDG002",
    "error",
    "Required heading missing",
    "Add the heading (level 2, '## ...'); numbering and capitals do not matter.",
)
R_EMPTY_HEADING = rule(
    "HDG003",
    "error",
    "Required heading has nothing under it",
    "Write the text under the heading, or 'Not applicable' with the reason.",
)
R_NA_REASON = rule(
    "HDG004",
    "error",
    "'Not applicable' without a reason",
    "The guidance asks for the reason: write 'Not applicable because ...'.",
)
R_PLACEHOLDER = rule(
    "HDG005",
    "error",
    "Template placeholder text left in",
    "Replace the '[Write here: ...]' prompt with your own text.",
)
R_TEMPLATE_TEXT = rule(
    "TPL001",
    "error",
    "Template text left unchanged",
    "Replace the template's paragraph with your own text, or delete it (the home page's text "
    "included: it is written for you, not for your readers).",
)
R_FIELD_MISSING = rule(
    "FLD001",
    "error",
    "Required detail missing",
    "Fill in the field in the section's front matter (between the '---' lines).",
)
R_FIELD_DATE = rule(
    "FLD002",
    "error",
    "Detail is not a date",
    "Write dates as YYYY-MM-DD, like 2025-03-31.",
)
R_FIELD_CONFIRM = rule(
    "FLD003",
    "error",
    "Confirmation not given",
    "Set the field to `yes` once it is true; the guidance requires the confirmation.",
)

_WORD = re.compile(r"\w")


def _case_settings(case) -> list[Finding]:
    """The settings in mkdocs.yml that every report needs, still unset or left as CHANGE-ME."""
    cfg = case.config
    out = []
    wanted = {
        "case_reference": cfg.case_reference if cfg.case_reference not in ("", "IMR") else "",
        "review_period: start": cfg.review_start,
        "review_period: end": cfg.review_end,
    }
    for key, value in wanted.items():
        if not value or "CHANGE-ME" in str(value):
            out.append(
                finding(
                    R_FIELD_MISSING.code,
                    "mkdocs.yml",
                    None,
                    f"`{key}` is not set in the imr plugin options in mkdocs.yml. Fill it in: it "
                    "appears on the cover and every page, and the chronology is checked against it.",
                )
            )
    return out


def check(case) -> list[Finding]:
    out: list[Finding] = _case_settings(case)
    spec = case.spec
    known = spec.section_ids
    claimed: dict[str, SectionFile] = {}
    for page in case.pages:
        sid = page.section_id
        if sid is None:
            if page.src_uri not in ("index.md", "README.md"):
                out.append(
                    finding(
                        R_NOT_A_SECTION.code,
                        page.rel,
                        1,
                        "this page has no `section:` in its front matter, so it is not part of the "
                        "report and will not be in the PDF.",
                    )
                )
            continue
        if sid not in known:
            out.append(
                finding(
                    R_UNKNOWN_SECTION.code,
                    page.rel,
                    page.line_of("section"),
                    f"`section: {sid}` is not a part of this template. Use one of: {', '.join(known)}.",
                )
            )
            continue
        if sid in claimed:
            out.append(
                finding(
                    R_DUPLICATE_SECTION.code,
                    page.rel,
                    page.line_of("section"),
                    f"{claimed[sid].rel} already fills section '{sid}'. Merge the two files or "
                    "change `section:` in one of them.",
                )
            )
            continue
        claimed[sid] = page
    for page in case.pages:
        out.extend(_page_placeholders(case, page, is_section=page in claimed.values()))
        out.extend(_template_text(page))
    for s in spec.sections:
        page = claimed.get(s.id)
        if page is None and not s.required:
            continue  # an optional part the board has not made required
        if page is None:
            out.append(_missing_section(case, s))
            continue
        out.extend(_check_section(case, s, page))
    # a page named by SEC001 (its front matter lost) needs no second note saying it is not a part
    named = {f.file for f in out if f.code == R_MISSING_SECTION.code and f.file}
    return [f for f in out if not (f.code == R_NOT_A_SECTION.code and f.file in named)]


def _missing_section(case, s: SectionSpec) -> Finding:
    """SEC001, naming the file that lost its front matter when one has this part's title."""
    for page in case.pages:
        title = page.title()
        if page.section_id is None and title is not None and s.matches_title(title.text):
            what = (
                "has no front matter" if not page.meta else "has no `section:` in its front matter"
            )
            return finding(
                R_MISSING_SECTION.code,
                page.rel,
                1,
                f"{page.rel} {what}, so nothing fills '{s.numbered_title}'; add "
                f"`section: {s.id}` (and `status: draft`) between two '---' lines at the top of "
                "the file.",
            )
    return finding(
        R_MISSING_SECTION.code,
        None,
        None,
        f"no file fills '{s.numbered_title}'. Add a Markdown file in docs/ with "
        f"`section: {s.id}` in its front matter.",
    )


def _near_miss(hs: HeadingSpec, s: SectionSpec, page: SectionFile) -> Heading | None:
    """A level-2 heading that matches no required heading but is spelled close to this one."""
    wanted = [normalise_heading(t) for t in (hs.title, *hs.aliases)]
    best, best_ratio = None, 0.0
    for h in page.headings:
        if h.level != 2 or any(other.matches(h.text) for other in s.headings):
            continue
        n = normalise_heading(h.text)
        ratio = max(difflib.SequenceMatcher(None, n, w).ratio() for w in wanted)
        if ratio > best_ratio:
            best, best_ratio = h, ratio
    return best if best_ratio >= 0.8 else None


def _section_text_after(page: SectionFile, heading: Heading) -> str:
    """The text under a heading, up to the next heading of its level or higher."""
    nxt = next(
        (h for h in page.headings if h.line > heading.line and h.level <= heading.level), None
    )
    return page.text_between(heading.line, nxt.line if nxt else None)


def _check_content(
    case, page: SectionFile, heading: Heading, label: str, text: str
) -> list[Finding]:
    spec = case.spec
    stripped = re.sub(spec.placeholder_pattern, "", text)
    words = re.findall(r"[\w'’-]+", stripped)
    if not words:
        if re.search(spec.placeholder_pattern, text):
            return []  # the placeholder itself is reported where it stands
        return [
            finding(
                R_EMPTY_HEADING.code,
                page.rel,
                heading.line,
                f"'{label}' has nothing written under it. Answer it, or write 'Not applicable' "
                "with the reason.",
            )
        ]
    flat = " ".join(stripped.split()).lower().lstrip("*_> ")
    for phrase in spec.not_applicable_phrases:
        if flat.startswith(phrase.lower()):
            rest = re.findall(r"[\w'’-]+", flat[len(phrase) :])
            if len(rest) < spec.not_applicable_min_words:
                return [
                    finding(
                        R_NA_REASON.code,
                        page.rel,
                        heading.line,
                        f"'{label}' says it does not apply but gives no reason. The guidance asks "
                        "for the reason: write 'Not applicable because ...'.",
                    )
                ]
    return []


def is_answered(case, page: SectionFile, heading: Heading) -> bool:
    """Whether a required heading has an answer under it, judged as the rules judge it (the
    Review status page counts the questions answered this way)."""
    text = _section_text_after(page, heading)
    if re.search(case.spec.placeholder_pattern, text):
        return False
    return not _check_content(case, page, heading, heading.text, text)


def _check_section(case, s: SectionSpec, page: SectionFile) -> list[Finding]:
    out: list[Finding] = []
    title = page.title()
    if title is None or not s.matches_title(title.text):
        where = title.line if title else page.body_start
        got = f" (it is '{title.text}')" if title else ""
        out.append(
            finding(
                R_TITLE.code,
                page.rel,
                where,
                f"the first level-1 heading should be '# {s.numbered_title}'{got}.",
            )
        )
    elif s.content_required:
        first_sub = next((h for h in page.headings if h.line > title.line), None)
        text = page.text_between(title.line, first_sub.line if first_sub else None)
        out.extend(_check_content(case, page, title, s.title, text))

    last_line = page.body_start + len(page.body_lines) - 1
    for i, hs in enumerate(s.headings):
        found = [h for h in page.headings if h.level >= 2 and hs.matches(h.text)]
        near = _near_miss(hs, s, page) if not found else None
        if near is not None:
            out.append(
                finding(
                    R_MISSING_HEADING.code,
                    page.rel,
                    near.line,
                    f"the heading '## {hs.label}' is missing from {s.numbered_title}; did you "
                    f"mean '{near.text}' here? Write it as '## {hs.label}' so that it is "
                    "recognised.",
                )
            )
            continue
        if not found:
            # point at where it belongs: just before the next required heading that is present
            later = [
                h.line
                for nxt in s.headings[i + 1 :]
                for h in page.headings
                if h.level >= 2 and nxt.matches(h.text)
            ]
            where = min(later) if later else last_line
            out.append(
                finding(
                    R_MISSING_HEADING.code,
                    page.rel,
                    where,
                    f"the heading '## {hs.label}' is missing from {s.numbered_title}"
                    + (f" (the question: {hs.question})" if hs.question else "")
                    + ". Add it with your answer under it.",
                )
            )
            continue
        h = found[0]
        text = _section_text_after(page, h)
        out.extend(_check_content(case, page, h, hs.label, text))

    out.extend(_placeholders(case, page))
    out.extend(check_fields(case, s, page))
    return out


def _placeholders(case, page: SectionFile) -> list[Finding]:
    """Template prompts left in, in prose or in a heading, even when an editor wrapped them."""
    out = []
    pattern = re.compile(case.spec.placeholder_pattern)
    prose = "\n".join(page.body_lines)
    starts = [page.body_start + prose.count("\n", 0, m.start()) for m in pattern.finditer(prose)]
    texts = [m.group(0) for m in pattern.finditer(prose)]
    for h in page.headings:
        for m in pattern.finditer(h.text):
            starts.append(h.line)
            texts.append(m.group(0))
    for line, text in zip(starts, texts, strict=True):
        snippet = " ".join(text.split())
        if len(snippet) > 70:
            snippet = snippet[:67] + "...]"
        out.append(
            finding(
                R_PLACEHOLDER.code,
                page.rel,
                line,
                f"template text is still here: {snippet} Replace it with your own words.",
            )
        )
    return out


def _template_text(page: SectionFile) -> list[Finding]:
    return [
        finding(
            R_TEMPLATE_TEXT.code,
            page.rel,
            p.line,
            "this paragraph is the template's text, unchanged ('"
            + (p.text if len(p.text) <= 60 else p.text[:57] + "...")
            + "'): replace it with your own words, or delete it.",
        )
        for p in template_text.unchanged(page)
    ]


def _page_placeholders(case, page: SectionFile, *, is_section: bool) -> list[Finding]:
    """PLH001: placeholders in a page's prose, headings and front matter. A section's
    '[Write here: ...]' prompts are HDG005 (above), so they are not reported twice."""
    defined = placeholders.defined_words(case)
    found = placeholders.find(
        "\n".join(page.body_lines), page.body_start, defined=defined, prompts=not is_section
    )
    for h in page.headings:
        found += placeholders.find(h.text, h.line, defined=defined, prompts=not is_section)
    out = placeholders.findings(page.rel, found)
    for key, value in page.meta.items():
        if key not in ("section", "status"):
            got = placeholders.in_value(value, page.line_of(key), defined=defined)
            out += placeholders.findings(page.rel, got, " in the front matter")
    return out


def field_value(case, page: SectionFile, f):
    if f.from_case:
        return getattr(case.config, f.from_case, None)
    return page.get(f.key)


def check_fields(case, s: SectionSpec, page: SectionFile) -> list[Finding]:
    out = []
    for f in s.fields:
        value = field_value(case, page, f)
        line = page.line_of(f.key)
        empty = value is None or (isinstance(value, str) and not value.strip())
        if empty:
            if f.required:
                where = "mkdocs.yml" if f.from_case else page.rel
                out.append(
                    finding(
                        R_FIELD_MISSING.code,
                        where,
                        None if f.from_case else line,
                        f"'{f.label}' is not filled in. Add `{f.from_case or f.key}:` "
                        + (
                            "to the imr plugin options in mkdocs.yml."
                            if f.from_case
                            else "to the front matter of this file."
                        ),
                    )
                )
            continue
        if f.type == "date" and not _is_date(value):
            out.append(
                finding(
                    R_FIELD_DATE.code,
                    page.rel,
                    line,
                    f"'{f.label}' is '{value}', which is not a date. Write it as YYYY-MM-DD.",
                )
            )
        if f.type == "confirmation" and value is not True:
            out.append(
                finding(
                    R_FIELD_CONFIRM.code,
                    page.rel,
                    line,
                    f"'{f.label}' must be confirmed: set `{f.key.split('.')[-1]}: yes` once it is true.",
                )
            )
    return out


def _is_date(value) -> bool:
    return as_date(value) is not None
