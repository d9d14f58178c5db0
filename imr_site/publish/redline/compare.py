"""What changed between two versions of a report, as its readers see it.

Sections are compared as the site shows them (their page HTML read into blocks of text:
headings, paragraphs, list items, table rows), so that a line re-wrapped in the Markdown is no
change and a changed abbreviation meaning or signature date in a generated table is. Inside a
changed block the words inserted and deleted are marked. The chronology and the action plan are
compared entry by entry (added, removed, and changed cells); front matter field by field
(status, signatures, dates).
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from dataclasses import asdict, dataclass, field

from imr_site.case.editions import hidden_fields
from imr_site.chronology.render import TABLE_FIELDS, build_rows
from imr_site.publish.pdf.document import numbered_title
from imr_site.publish.pdf.html import Element, empty_block, parse

EQUAL, INSERT, DELETE = "equal", "insert", "delete"
# Generated blocks compared from their data, entry by entry, not as page text.
FROM_DATA = {"chronology", "actions"}
LEAVES = {"h1", "h2", "h3", "h4", "h5", "h6", "p", "li", "tr", "pre", "dt", "dd"}
LEAVES |= {"figcaption", "caption", "summary"}
NESTED = {"ul", "ol", "table", "dl", "pre", "p", "blockquote", "div", "details", "figure"}
NOT_TEXT = {"script", "style", "template", "noscript", "select", "button", "input", "textarea"}
KINDS = {"li": "list item", "tr": "table row", "pre": "code", "dt": "term", "dd": "definition"}
_TOKEN = re.compile(r"\w+(?:['’]\w+)*|\s+|[^\w\s]")
_WORD = re.compile(r"\w")


@dataclass
class Block:
    kind: str  # h1..h6, p, li, tr, ...
    text: str


@dataclass
class BlockChange:
    kind: str
    status: str  # equal, changed, inserted, deleted
    segments: list[tuple[str, str]]  # (equal|insert|delete, text)


@dataclass
class SectionChange:
    id: str
    title: str
    status: str  # unchanged, changed, added, removed
    blocks: list[BlockChange] = field(default_factory=list)
    words_inserted: int = 0
    words_deleted: int = 0


@dataclass
class CellChange:
    field: str
    label: str
    old: str
    new: str
    segments: list[tuple[str, str]]


@dataclass
class EntryChange:
    status: str  # added, removed, changed
    label: str  # "22 May 2024 10:30, District Nursing" or "A3"
    old: dict[str, str] | None
    new: dict[str, str] | None
    cells: list[CellChange] = field(default_factory=list)


@dataclass
class FieldChange:
    section: str  # the section's numbered title
    key: str  # signatures.author.date
    label: str
    old: str
    new: str


@dataclass
class Version:
    revision: str  # as given (v1.0, HEAD~2), or "working tree"
    commit: str | None  # the full hash; None for the working tree
    described: str  # "v1.0 (commit 1a2b3c4d5e6f, 2025-06-01)"


@dataclass
class Redline:
    case_reference: str
    edition: str
    old: Version
    new: Version
    sections: list[SectionChange]
    chronology: list[EntryChange]
    actions: list[EntryChange]
    front_matter: list[FieldChange]
    columns: dict[str, dict[str, str]] = field(default_factory=dict)  # table -> field -> label

    @property
    def changed(self) -> bool:
        return bool(
            any(s.status != "unchanged" for s in self.sections)
            or self.chronology
            or self.actions
            or self.front_matter
        )

    def summary(self) -> dict:
        def counts(changes: list[EntryChange]) -> dict[str, int]:
            return {
                k: sum(1 for c in changes if c.status == k) for k in ("added", "removed", "changed")
            }

        return {
            "changed": self.changed,
            "sections_changed": [s.title for s in self.sections if s.status != "unchanged"],
            "words_inserted": sum(s.words_inserted for s in self.sections),
            "words_deleted": sum(s.words_deleted for s in self.sections),
            "chronology": counts(self.chronology),
            "actions": counts(self.actions),
            "front_matter": len(self.front_matter),
        }

    def to_json(self) -> dict:
        out = {
            "case_reference": self.case_reference,
            "edition": self.edition,
            "old": asdict(self.old),
            "new": asdict(self.new),
            "changed": self.changed,
            "summary": self.summary(),
            "sections": [],
            "chronology": [asdict(c) for c in self.chronology],
            "actions": [asdict(c) for c in self.actions],
            "front_matter": [asdict(c) for c in self.front_matter],
        }
        for s in self.sections:
            d = {k: v for k, v in asdict(s).items() if k != "blocks"}
            d["blocks"] = [asdict(b) for b in s.blocks if b.status != "equal"]
            out["sections"].append(d)
        return out


# --------------------------------------------------------------------------------------------
# Sections


def page_blocks(html: str) -> list[Block]:
    """A section's page as the blocks of text a reader sees, in order."""
    out: list[Block] = []
    for name in FROM_DATA:
        html = empty_block(html, name)
    _visit(parse(html), out)
    return out


def _skipped(el: Element) -> bool:
    return (
        el.tag in NOT_TEXT
        or "headerlink" in el.classes
        or "imr-screen-only" in el.classes
        or "footnote-backref" in el.classes
        or el.get("data-imr-block") in FROM_DATA
    )


def _visit(el: Element, out: list[Block]) -> None:
    for child in el.elements():
        if _skipped(child):
            continue
        if child.tag in LEAVES:
            text = _text(child, top=True)
            if text:
                out.append(Block(child.tag, text))
            for inner in child.elements():
                if inner.tag in NESTED - {"p"} and not _skipped(inner):
                    _visit(Element("#group", {}, [inner]), out)
        else:
            _visit(child, out)


def _text(el: Element, top: bool = False) -> str:
    """The words of a block; at the top, lists and tables inside it are left to their own
    blocks."""
    parts: list[str] = []
    for child in el.children:
        if isinstance(child, str):
            parts.append(child)
        elif _skipped(child) or (top and child.tag in NESTED - {"p"}):
            continue
        elif child.tag == "img":
            alt = " ".join(child.get("alt").split())
            parts.append(f" [Picture: {alt or child.get('src')}] ")
        elif child.tag == "br":
            parts.append(" ")
        elif el.tag == "tr" and child.tag in ("td", "th"):
            parts.append(" | " if parts else "")
            parts.append(_text(child))
        elif child.tag in ("p", "li", "div"):
            parts.append(f" {_text(child)} ")
        else:
            parts.append(_text(child))
    return " ".join("".join(parts).replace("\u00b6", "").split())


def word_diff(old: str, new: str) -> list[tuple[str, str]]:
    """The words of ``old`` and ``new`` as (equal|insert|delete, text) pieces; a deletion comes
    before the insertion that replaces it, and spaces inside a change belong to it."""
    a, b = _TOKEN.findall(old), _TOKEN.findall(new)
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    out: list[tuple[str, str]] = []
    deleted: list[str] = []
    inserted: list[str] = []

    def flush() -> None:
        if deleted:
            out.append((DELETE, "".join(deleted)))
        if inserted:
            out.append((INSERT, "".join(inserted)))
        deleted.clear()
        inserted.clear()

    ops = matcher.get_opcodes()
    for n, (op, i1, i2, j1, j2) in enumerate(ops):
        if op == "equal":
            text = "".join(a[i1:i2])
            between = (deleted or inserted) and n + 1 < len(ops)
            if between and not text.strip() and ops[n + 1][0] != "equal":
                deleted.append(text)
                inserted.append(text)
                continue
            flush()
            out.append((EQUAL, text))
        else:
            deleted.extend(a[i1:i2])
            inserted.extend(b[j1:j2])
    flush()
    return _merge(out)


def _merge(pieces: list[tuple[str, str]]) -> list[tuple[str, str]]:
    merged: list[tuple[str, str]] = []
    for op, text in pieces:
        if not text:
            continue
        if merged and merged[-1][0] == op:
            merged[-1] = (op, merged[-1][1] + text)
        else:
            merged.append((op, text))
    return merged


def words(segments: list[tuple[str, str]], op: str) -> int:
    return sum(len(re.findall(r"\w+(?:['’]\w+)*", t)) for o, t in segments if o == op)


def _similar(a: str, b: str) -> float:
    return difflib.SequenceMatcher(None, a.split(), b.split(), autojunk=False).ratio()


def align(old: list, new: list, key, similar, threshold: float = 0.5):
    """Pairs (old item or None, new item or None) in order: equal items matched by ``key``,
    then, where a run differs, items paired when ``similar`` is at least ``threshold``."""
    matcher = difflib.SequenceMatcher(
        None, [key(x) for x in old], [key(x) for x in new], autojunk=False
    )
    pairs = []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            pairs += list(zip(old[i1:i2], new[j1:j2], strict=True))
            continue
        j = j1
        for x in old[i1:i2]:
            best = None
            for k in range(j, j2):
                if similar(x, new[k]) >= threshold:
                    best = k
                    break
            if best is None:
                pairs.append((x, None))
                continue
            pairs += [(None, y) for y in new[j:best]]
            pairs.append((x, new[best]))
            j = best + 1
        pairs += [(None, y) for y in new[j:j2]]
    return pairs


def compare_blocks(old: list[Block], new: list[Block]) -> list[BlockChange]:
    out = []
    pairs = align(
        old, new, key=lambda b: (b.kind, b.text), similar=lambda x, y: _similar(x.text, y.text)
    )
    for a, b in pairs:
        if a is not None and b is not None:
            if a.text == b.text:
                out.append(BlockChange(b.kind, "equal", [(EQUAL, b.text)]))
            else:
                out.append(BlockChange(b.kind, "changed", word_diff(a.text, b.text)))
        elif b is not None:
            out.append(BlockChange(b.kind, "inserted", [(INSERT, b.text)]))
        else:
            out.append(BlockChange(a.kind, "deleted", [(DELETE, a.text)]))
    return out


def compare_sections(old_case, old_html: dict, new_case, new_html: dict) -> list[SectionChange]:
    specs = {s.id: s for s in old_case.spec.sections}
    specs.update({s.id: s for s in new_case.spec.sections})
    order = [s.id for s in new_case.spec.sections] + [
        s.id for s in old_case.spec.sections if s.id not in {x.id for x in new_case.spec.sections}
    ]
    out = []
    for sid in order:
        if sid not in old_html and sid not in new_html:
            continue
        title = numbered_title(specs[sid])
        old_blocks = page_blocks(old_html[sid]) if sid in old_html else []
        new_blocks = page_blocks(new_html[sid]) if sid in new_html else []
        blocks = compare_blocks(old_blocks, new_blocks)
        segments = [seg for b in blocks for seg in b.segments]
        if sid not in old_html:
            status = "added"
        elif sid not in new_html:
            status = "removed"
        else:
            status = "changed" if any(b.status != "equal" for b in blocks) else "unchanged"
        out.append(
            SectionChange(
                sid, title, status, blocks, words(segments, INSERT), words(segments, DELETE)
            )
        )
    return out


# --------------------------------------------------------------------------------------------
# Chronology and action plan


def chronology_rows(case) -> tuple[list[dict[str, str]], dict[str, str]]:
    """Each entry as the table shows it (field -> text), in report order, and the labels."""
    chron = case.data.get("chronology")
    labels = {c.key: c.label for c in case.spec.chronology_columns}
    columns = {"date": "Date", "time": "Time", "key_episode": "Key episode"}
    columns.update({f: labels.get(f, label) for f, label in TABLE_FIELDS})
    if chron is None:
        return [], columns
    rows = []
    for r in build_rows(chron, None):
        row = {"date": r.date_text, "time": r.time_text}
        row["key_episode"] = "Yes" if r.entry.key_episode else ""
        row.update({f: c for (f, _), c in zip(TABLE_FIELDS, r.cells, strict=True)})
        rows.append(row)
    return rows, columns


def action_rows(case) -> tuple[list[dict[str, str]], dict[str, str]]:
    plan = case.data.get("actions")
    columns = {c.key: c.label for c in case.spec.action_columns}
    if plan is None:
        return [], columns
    return [{k: a.text(k) for k in columns} for a in plan.actions], columns


def compare_entries(
    old: list[dict[str, str]],
    new: list[dict[str, str]],
    columns: dict[str, str],
    *,
    identity,
    label,
) -> list[EntryChange]:
    """Entries added, removed and changed (cell by cell); unchanged entries are left out."""

    def key(row):
        return tuple(row.get(k, "") for k in columns)

    def similar(x, y):
        if identity(x) and identity(x) == identity(y):
            return 1.0
        return _similar(" ".join(x.values()), " ".join(y.values()))

    out = []
    for a, b in align(old, new, key=key, similar=similar, threshold=0.6):
        if a is not None and b is not None:
            cells = [
                CellChange(
                    k, columns[k], a.get(k, ""), b.get(k, ""), word_diff(a.get(k, ""), b.get(k, ""))
                )
                for k in columns
                if a.get(k, "") != b.get(k, "")
            ]
            if cells:
                out.append(EntryChange("changed", label(b), a, b, cells))
        elif b is not None:
            out.append(EntryChange("added", label(b), None, b))
        else:
            out.append(EntryChange("removed", label(a), a, None))
    return out


def compare_chronology(old_case, new_case) -> tuple[list[EntryChange], dict[str, str]]:
    old, _ = chronology_rows(old_case)
    new, columns = chronology_rows(new_case)

    def label(row):
        when = " ".join(x for x in (row.get("date"), row.get("time")) if x)
        return ", ".join(x for x in (when, row.get("source")) if x) or "Entry"

    def identity(row):
        return (row.get("date"), row.get("time"), row.get("source"), row.get("event"))

    return compare_entries(old, new, columns, identity=identity, label=label), columns


def compare_actions(old_case, new_case) -> tuple[list[EntryChange], dict[str, str]]:
    old, _ = action_rows(old_case)
    new, columns = action_rows(new_case)

    def label(row):
        return row.get("ref") or (row.get("action") or "Action")[:60]

    def identity(row):
        return row.get("ref") or None

    return compare_entries(old, new, columns, identity=identity, label=label), columns


# --------------------------------------------------------------------------------------------
# Front matter


def _flat(value, prefix: str = "") -> dict[str, str]:
    if isinstance(value, dict):
        out: dict[str, str] = {}
        for k, v in value.items():
            out.update(_flat(v, f"{prefix}{k}."))
        return out
    if isinstance(value, list):
        return {prefix[:-1]: ", ".join(str(_shown(v)) for v in value)}
    return {prefix[:-1]: _shown(value)}


def _shown(value) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dt.date):
        return value.isoformat()
    return "" if value is None else str(value)


def compare_front_matter(old_case, new_case) -> list[FieldChange]:
    hidden = hidden_fields(new_case) | hidden_fields(old_case, new_case.config.edition)
    out = []
    for s in new_case.spec.sections:
        labels = {f.key: f.label for f in s.fields}
        labels["status"] = "Status"
        old_page, new_page = old_case.section(s.id), new_case.section(s.id)
        old = _flat(dict(old_page.meta)) if old_page else {}
        new = _flat(dict(new_page.meta)) if new_page else {}
        for key in list(dict.fromkeys([*new, *old])):
            if key == "section" or any(key == h or key.startswith(h + ".") for h in hidden):
                continue
            if old.get(key, "") != new.get(key, ""):
                out.append(
                    FieldChange(
                        numbered_title(s),
                        key,
                        labels.get(key, key),
                        old.get(key, ""),
                        new.get(key, ""),
                    )
                )
    return out
