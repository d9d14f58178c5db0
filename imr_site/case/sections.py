"""Section files: one Markdown file per part of the report, with YAML front matter.

A file says which part of the template it fills with ``section:`` in its front matter; file names
do not matter. This module reads a file once into a :class:`SectionFile`: its front matter (with
lines), its body, and its headings with their line numbers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import frontmatter

from imr_site.case.yamlio import LineDict, YAMLProblem, parse_yaml

# A section's `status:` in its front matter (any case), and the words the site shows for each.
STATUSES = ("draft", "in review", "final")
STATUS_LABELS = {"draft": "Draft", "in review": "In review", "final": "Final"}

_FENCE = re.compile(r"^\s{0,3}(`{3,}|~{3,})")
_ATX = re.compile(r"^\s{0,3}(#{1,6})[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$")
_SETEXT = re.compile(r"^\s{0,3}(=+|-+)\s*$")
_ATTR_LIST = re.compile(r"\s*\{[^}]*\}\s*$")


@dataclass(frozen=True)
class Heading:
    level: int
    text: str
    line: int  # 1-based line in the file


@dataclass
class SectionFile:
    path: Path  # absolute
    rel: str  # relative to the case folder, as findings show it (docs/04-analysis.md)
    src_uri: str  # relative to docs/, as MkDocs names it (04-analysis.md)
    meta: LineDict
    body: str
    body_start: int  # line number of the body's first line in the file
    headings: list[Heading] = field(default_factory=list)
    body_lines: list[str] = field(default_factory=list)  # prose lines; code and comments blanked

    @property
    def section_id(self) -> str | None:
        sid = self.meta.get("section")
        return str(sid).strip() if sid not in (None, "") else None

    @property
    def status(self) -> str | None:
        s = self.meta.get("status")
        return str(s).strip().lower() if s else None

    def line_of(self, key: str) -> int:
        """The file line where a front matter key was written (dotted keys reach inside)."""
        d = self.meta
        line = 2 if d else 1
        if not isinstance(key, str):  # a key YAML read as a number, a date or nothing (`? `)
            return d.line_of(key) if isinstance(d, LineDict) and key in d else line
        for part in key.split("."):
            if not isinstance(d, LineDict) or part not in d:
                break
            line = d.line_of(part)
            d = d[part]
        return line

    def get(self, key: str):
        d = self.meta
        for part in key.split("."):
            if not isinstance(d, dict):
                return None
            d = d.get(part)
        return d

    def text_between(self, start_line: int, end_line: int | None) -> str:
        """Prose between two file lines (start exclusive, end exclusive), code/comments removed."""
        first = start_line - self.body_start + 1
        last = (end_line - self.body_start) if end_line else len(self.body_lines)
        return "\n".join(self.body_lines[max(first, 0) : max(last, 0)])

    def title(self) -> Heading | None:
        return next((h for h in self.headings if h.level == 1), None)


class SectionProblem(Exception):
    def __init__(self, rel: str, line: int | None, message: str):
        self.rel, self.line, self.message = rel, line, message
        super().__init__(f"{rel}:{line or ''}: {message}")


def _scan(body: str, body_start: int) -> tuple[list[Heading], list[str]]:
    headings: list[Heading] = []
    prose: list[str] = []
    fence: str | None = None
    in_comment = False
    lines = body.split("\n")
    for i, raw in enumerate(lines):
        line_no = body_start + i
        if fence:
            prose.append("")
            if raw.strip().startswith(fence):
                fence = None
            continue
        m = _FENCE.match(raw)
        if m:
            fence = m.group(1)[:3]
            prose.append("")
            continue
        text = raw
        if in_comment:
            end = text.find("-->")
            if end < 0:
                prose.append("")
                continue
            text = text[end + 3 :]
            in_comment = False
        # strip complete comments on the line, then an unterminated one
        text = re.sub(r"<!--.*?-->", "", text)
        start = text.find("<!--")
        if start >= 0:
            text = text[:start]
            in_comment = True
        m = _ATX.match(text)
        if m:
            headings.append(
                Heading(len(m.group(1)), _ATTR_LIST.sub("", m.group(2)).strip(), line_no)
            )
            prose.append("")
            continue
        m = _SETEXT.match(text)
        if (
            m
            and i > 0
            and prose
            and prose[-1].strip()
            and not prose[-1].lstrip().startswith(("-", "*", ">", "|"))
        ):
            level = 1 if m.group(1).startswith("=") else 2
            headings.append(Heading(level, prose[-1].strip(), line_no - 1))
            prose[-1] = ""
            prose.append("")
            continue
        prose.append(text)
    return headings, prose


def read_section_file(path: Path, case_root: Path, docs_dir: Path) -> SectionFile:
    rel = path.relative_to(case_root).as_posix() if path.is_relative_to(case_root) else str(path)
    src_uri = path.relative_to(docs_dir).as_posix()
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as e:
        raise SectionProblem(
            rel, None, f"this file is not UTF-8 text (byte {e.start}); save it as UTF-8."
        ) from None
    text = text.replace("\r\n", "\n")
    meta = LineDict()
    meta.line, meta.key_lines = 1, {}
    body = text
    body_start = 1
    lines = text.split("\n")
    boundary = frontmatter.default_handlers.YAMLHandler.FM_BOUNDARY  # '---' lines, as it reads them
    if lines and boundary.match(lines[0]):
        close = next((i for i in range(1, len(lines)) if boundary.match(lines[i])), None)
        if close is None:
            raise SectionProblem(
                rel,
                1,
                "the front matter opened with '---' on line 1 is never closed: add a line with "
                "just '---' after the last front matter field.",
            )
        # a leading blank line keeps YAML's line numbers equal to the file's
        fm_text = "\n" + "\n".join(lines[1:close])
        try:
            parsed = parse_yaml(fm_text, rel) if fm_text.strip() else None
        except YAMLProblem as e:
            raise SectionProblem(
                rel, e.line, f"the front matter cannot be read. {e.message}"
            ) from None
        if parsed is not None:
            if not isinstance(parsed, LineDict):
                raise SectionProblem(
                    rel,
                    2,
                    "the front matter must be 'name: value' lines (like 'section: analysis').",
                )
            meta = parsed
        body = "\n".join(lines[close + 1 :])
        body_start = close + 2
    headings, prose = _scan(body, body_start)
    return SectionFile(path, rel, src_uri, meta, body, body_start, headings, prose)
