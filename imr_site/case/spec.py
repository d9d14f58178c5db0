"""The template spec: which parts an IMR has, their headings, questions, fields and data columns.

The spec is data (``specs/sab-imr.yml`` encodes the guidance); a board with its own template
points a case at another file. Nothing else in the tool hard-codes a heading or a question.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from imr_site.case.yamlio import YAMLProblem, load_yaml

SPEC_DIR = Path(__file__).parent / "specs"
DEFAULT_SPEC = SPEC_DIR / "sab-imr.yml"

_NUMBERING = re.compile(
    r"^\s*(?:(?:part|section|question)\s+)?(?:q|l|r)?\d+(?:\.\d+)*[.):]?\s*[-–:]?\s+"
    r"|^\s*\(?(?:[ivx]+|[a-z])\)\s+",
    re.IGNORECASE,
)


def strip_numbering(text: str) -> str:
    """'4. Analysis' -> 'Analysis'; 'Q12 Training' -> 'Training'."""
    return _NUMBERING.sub("", text.strip(), count=1).strip()


def normalise_heading(text: str) -> str:
    """Heading text for comparison: no numbering, case, '&' vs 'and', punctuation or spacing."""
    t = text.strip()
    t = _NUMBERING.sub("", t, count=1)
    t = t.lower().replace("&", " and ").replace("’", "'")
    t = re.sub(r"[^\w\s']", " ", t)
    t = t.replace("'s ", " ").replace("'", "")
    return " ".join(t.split())


@dataclass(frozen=True)
class HeadingSpec:
    title: str
    id: str | None = None
    aliases: tuple[str, ...] = ()
    question: str | None = None
    prompts: tuple[str, ...] = ()

    def matches(self, heading_text: str) -> bool:
        n = normalise_heading(heading_text)
        return any(n == normalise_heading(t) for t in (self.title, *self.aliases))

    @property
    def label(self) -> str:
        return f"{self.id} {self.title}" if self.id else self.title


@dataclass(frozen=True)
class FieldSpec:
    key: str
    label: str
    required: bool = False
    identifying: bool = False
    type: str = "text"  # text | date | confirmation
    group: str | None = None
    from_case: str | None = None


@dataclass(frozen=True)
class SectionSpec:
    id: str
    title: str
    number: int | None
    aliases: tuple[str, ...] = ()
    summary: str | None = None
    content_required: bool = False
    prompts: tuple[str, ...] = ()
    headings: tuple[HeadingSpec, ...] = ()
    fields: tuple[FieldSpec, ...] = ()
    generated: str | None = None
    required: bool = True  # an optional part (required: false) may be left out
    word_limit: int | None = None  # the board's limit on the section's words (LEN001)

    @property
    def numbered_title(self) -> str:
        return f"{self.number}. {self.title}" if self.number is not None else self.title

    def matches_title(self, heading_text: str) -> bool:
        n = normalise_heading(heading_text)
        return any(n == normalise_heading(t) for t in (self.title, *self.aliases))


@dataclass(frozen=True)
class ColumnSpec:
    key: str
    label: str
    mandatory: bool = False


@dataclass(frozen=True)
class TemplateSpec:
    id: str
    name: str
    report_title: str
    sections: tuple[SectionSpec, ...]
    chronology_columns: tuple[ColumnSpec, ...]
    action_columns: tuple[ColumnSpec, ...]
    action_statuses: tuple[str, ...]
    gap_days: int
    not_applicable_phrases: tuple[str, ...]
    not_applicable_min_words: int
    placeholder_pattern: str
    path: str = ""
    extra: dict = field(default_factory=dict, compare=False, hash=False)

    def section(self, section_id: str) -> SectionSpec | None:
        return next((s for s in self.sections if s.id == section_id), None)

    @property
    def section_ids(self) -> list[str]:
        return [s.id for s in self.sections]


class SpecError(Exception):
    def __init__(self, path: str, line: int | None, message: str):
        self.path, self.line, self.message = path, line, message
        super().__init__(f"{path}:{line or ''}: {message}")


def _tuple(v) -> tuple:
    if v is None:
        return ()
    return tuple(v) if isinstance(v, list) else (v,)


def spec_path(root: Path, spec: str | None) -> Path | None:
    """Where a case's ``spec:`` points: a file in the case folder, or the name of a spec shipped
    with the tool (``sab-panel``, the review panel's integrated chronology); None for the
    default."""
    if not spec:
        return None
    shipped = SPEC_DIR / f"{spec}.yml"
    if "/" not in spec and "\\" not in spec and not (root / spec).exists() and shipped.is_file():
        return shipped
    return root / spec


def load_spec(path: str | Path | None = None) -> TemplateSpec:
    """Read a template spec. ``None`` means the guidance's own (the default)."""
    p = Path(path) if path else DEFAULT_SPEC
    display = str(p)
    if not p.is_file():
        raise SpecError(
            display, None, "the template spec file does not exist; check `spec:` in mkdocs.yml"
        )
    try:
        raw = load_yaml(p)
    except YAMLProblem as e:
        raise SpecError(display, e.line, e.message) from None
    if not isinstance(raw, dict) or not isinstance(raw.get("sections"), list):
        raise SpecError(display, 1, "a template spec needs a `sections:` list")

    def need(d, key, where_line):
        if key not in d or d[key] in (None, ""):
            raise SpecError(display, where_line, f"`{key}` is missing here")
        return d[key]

    sections = []
    seen = set()
    for s in raw["sections"]:
        if not isinstance(s, dict):
            raise SpecError(display, raw["sections"].line, "each section must be a mapping")
        sid = need(s, "id", s.line)
        if sid in seen:
            raise SpecError(display, s.line, f"section id `{sid}` is used twice")
        seen.add(sid)
        headings = []
        for h in s.get("headings") or []:
            if isinstance(h, str):
                h = {"title": h}
            headings.append(
                HeadingSpec(
                    title=need(h, "title", getattr(h, "line", s.line)),
                    id=h.get("id"),
                    aliases=_tuple(h.get("aliases")),
                    question=(h.get("question") or "").strip() or None,
                    prompts=_tuple(h.get("prompts")),
                )
            )
        fields = []
        for f in s.get("fields") or []:
            fields.append(
                FieldSpec(
                    key=need(f, "key", f.line),
                    label=need(f, "label", f.line),
                    required=bool(f.get("required", False)),
                    identifying=bool(f.get("identifying", False)),
                    type=f.get("type", "text"),
                    group=f.get("group"),
                    from_case=f.get("from_case"),
                )
            )
        word_limit = s.get("word_limit")
        if word_limit is not None and (
            isinstance(word_limit, bool) or not isinstance(word_limit, int) or word_limit < 1
        ):
            raise SpecError(
                display,
                s.line_of("word_limit"),
                f"`word_limit` of `{sid}` must be a whole number of words, like 2000",
            )
        sections.append(
            SectionSpec(
                id=sid,
                title=need(s, "title", s.line),
                number=s.get("number"),
                aliases=_tuple(s.get("aliases")),
                summary=(s.get("summary") or "").strip() or None,
                content_required=bool(s.get("content_required", False)),
                prompts=tuple(str(x).strip() for x in _tuple(s.get("prompts"))),
                headings=tuple(headings),
                fields=tuple(fields),
                generated=s.get("generated"),
                required=s.get("required", True) is not False,
                word_limit=word_limit,
            )
        )

    def columns(block):
        return tuple(
            ColumnSpec(
                key=c["key"], label=c.get("label", c["key"]), mandatory=bool(c.get("mandatory"))
            )
            for c in (block or {}).get("columns") or []
        )

    chron = raw.get("chronology") or {}
    acts = raw.get("actions") or {}
    na = raw.get("not_applicable") or {}
    return TemplateSpec(
        id=raw.get("id", p.stem),
        name=raw.get("name", p.stem),
        report_title=raw.get("report_title", "Individual Management Review"),
        sections=tuple(sections),
        chronology_columns=columns(chron),
        action_columns=columns(acts),
        action_statuses=_tuple(acts.get("statuses")) or ("not started", "in progress", "complete"),
        gap_days=int(chron.get("gap_days", 90)),
        not_applicable_phrases=_tuple(na.get("phrases")) or ("not applicable", "n/a"),
        not_applicable_min_words=int(na.get("min_reason_words", 4)),
        placeholder_pattern=raw.get("placeholder_pattern", r"\[Write here:[^\]]*\]"),
        path=display,
        extra={k: v for k, v in raw.items() if k not in {"sections", "chronology", "actions"}},
    )
