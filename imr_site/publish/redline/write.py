"""The redline written out: an HTML page (one self-contained file, nothing fetched), a PDF
(Typst, as the report), or JSON for other tools.

An anonymised edition's redline shows what was deleted as well as what was inserted, so it is
read by the leak gate against everyone either version names before it is written.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from markupsafe import Markup

from imr_site.case.atomic import replacing
from imr_site.case.editions import ANONYMISED
from imr_site.case.templates import Templates
from imr_site.people.identifiers import build_identifiers
from imr_site.people.leaks import Leak, report, scan_output
from imr_site.publish.pdf import markup
from imr_site.publish.redline.compare import DELETE, INSERT, KINDS, EntryChange, Redline

TEMPLATES = Templates(__file__)


class RedlineLeak(Exception):
    def __init__(self, leaks: list[Leak], problems: list[str]):
        self.leaks, self.problems = leaks, problems
        super().__init__(
            "The anonymised redline would identify someone (a name inserted or deleted between "
            "the two versions), so nothing was written.\n" + report(leaks, problems)
        )


def redline_html(redline: Redline, marking: str) -> str:
    css = (TEMPLATES.folder / "redline.css").read_text(encoding="utf-8")
    return TEMPLATES.render(
        "redline.html",
        r=redline,
        summary=redline.summary(),
        css=Markup(css),  # our own stylesheet, as written (escaping would break its quotes)
        marking=marking,
        kinds=KINDS,
    )


def redline_json(redline: Redline) -> str:
    return json.dumps(redline.to_json(), ensure_ascii=False, indent=2) + "\n"


def redline_pdf(redline: Redline, marking: str) -> bytes:
    import typst  # only a PDF needs it

    meta = {
        "title": f"What changed: {redline.case_reference}, {redline.old.revision} to "
        f"{redline.new.revision}",
        "author": redline.case_reference,
        "marking": marking,
        "case_reference": redline.case_reference,
    }
    with tempfile.TemporaryDirectory(prefix="imr-redline-") as tmp:
        root = Path(tmp)
        look = (TEMPLATES.folder / "redline.typ").read_text(encoding="utf-8")
        (root / "main.typ").write_text(look + "\n" + _typst_body(redline), encoding="utf-8")
        (root / "meta.json").write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
        return typst.compile(
            str(root / "main.typ"),
            root=str(root),
            ignore_system_fonts=True,
            pdf_standards=["ua-1"],
        )


def _marked(segments) -> str:
    out = []
    for op, text in segments:
        t = markup.text(text)
        if not t.strip():
            out.append(" " if text else "")
        elif op == INSERT:
            out.append(f"#ins[{t}]")
        elif op == DELETE:
            out.append(f"#del[{t}]")
        else:
            out.append(t)
    return "".join(out)


def _typst_body(r: Redline) -> str:
    s = r.summary()
    out = [
        f"= What changed in {markup.text(r.case_reference)}",
        f"From *{markup.text(r.old.described)}* to *{markup.text(r.new.described)}*, "
        f"{markup.text(r.edition)} edition, as the report's readers see it.",
    ]
    if not r.changed:
        out.append("*No changes*: the two versions show readers the same report.")
    else:
        out.append(
            "Inserted words are #ins[underlined]\\; deleted words are #del[struck through]. "
            "Sections with no change are listed, not printed."
        )
        out.append("== Summary")
        out.append(
            f"- Sections changed: {len(s['sections_changed'])}\\; "
            f"{_n(s['words_inserted'], 'word')} inserted, {s['words_deleted']} deleted.\n"
            f"- Chronology: {s['chronology']['added']} added, {s['chronology']['removed']} "
            f"removed, {s['chronology']['changed']} changed.\n"
            f"- Action plan: {s['actions']['added']} added, {s['actions']['removed']} removed, "
            f"{s['actions']['changed']} changed.\n"
            f"- Status, signatures and dates: {_n(s['front_matter'], 'change')}."
        )
    out.append("== Status, signatures and dates")
    if r.front_matter:
        cells = ["[*Section*]", "[*Field*]", "[*Before*]", "[*After*]"]
        rows = []
        for f in r.front_matter:
            before = f"#del[{markup.text(f.old)}]" if f.old else "_not set_"
            after = f"#ins[{markup.text(f.new)}]" if f.new else "_not set_"
            rows += [
                f"[{markup.text(f.section)}]",
                f"[{markup.text(f.label)}]",
                f"[{before}]",
                f"[{after}]",
            ]
        out.append(
            "#table(columns: (1.2fr, 1.2fr, 1fr, 1fr), table.header("
            + ", ".join(cells)
            + "), "
            + ", ".join(rows)
            + ")"
        )
    else:
        out.append("_No status, signature or date changed._")
    out.append("== Sections")
    unchanged = [x.title for x in r.sections if x.status == "unchanged"]
    for sec in r.sections:
        if sec.status == "unchanged":
            continue
        what = (
            f"{_n(sec.words_inserted, 'word')} inserted, {sec.words_deleted} deleted"
            if sec.status == "changed"
            else f"section {sec.status}"
        )
        out.append(f"=== {markup.text(sec.title)}: {markup.text(what)}")
        for b in sec.blocks:
            body = _marked(b.segments)
            if b.status == "equal":
                out.append(body)
            else:
                kind = KINDS.get(b.kind, "heading" if b.kind.startswith("h") else "paragraph")
                out.append(f"#changed-block({markup.string(kind + ' ' + b.status)}, [{body}])")
    if unchanged:
        out.append("Unchanged: " + markup.text("; ".join(unchanged)) + ".")
    out.append(_entries_typst("Chronology", r.chronology, r.columns.get("chronology", {})))
    out.append(_entries_typst("Action plan", r.actions, r.columns.get("actions", {})))
    return "\n\n".join(out) + "\n"


def _n(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def _entries_typst(title: str, changes: list[EntryChange], columns: dict[str, str]) -> str:
    out = [f"== {markup.text(title)}"]
    if not changes:
        out.append("_No entry was added, removed or changed._")
        return "\n\n".join(out)
    rows = []
    for c in changes:
        if c.status == "changed":
            lines = [f"*{markup.text(x.label)}:* {_marked(x.segments)}" for x in c.cells]
        else:
            row = c.new if c.status == "added" else c.old
            mark = "ins" if c.status == "added" else "del"
            lines = [
                f"*{markup.text(label)}:* #{mark}[{markup.text(row[key])}]"
                for key, label in columns.items()
                if row.get(key)
            ]
        rows += [
            f"[{markup.text(c.status.capitalize())}]",
            f"[{markup.text(c.label)}]",
            "[" + " #linebreak() ".join(lines) + "]",
        ]
    out.append(
        "#table(columns: (auto, 1fr, 2.5fr), table.header([*Change*], [*Entry*], "
        "[*What changed*]), " + ", ".join(rows) + ")"
    )
    return "\n\n".join(out)


def gate(cases: list, name: str, data: bytes) -> None:
    """For an anonymised redline: raise :class:`RedlineLeak` if it names anyone either version
    knows."""
    if not any(c.config.edition == ANONYMISED for c in cases):
        return
    leaks: list[Leak] = []
    problems: list[str] = []
    with tempfile.TemporaryDirectory(prefix="imr-redline-gate-") as tmp:
        (Path(tmp) / name).write_bytes(data)
        for case in cases:
            found, trouble = scan_output(tmp, build_identifiers(case))
            leaks += [x for x in found if x not in leaks]
            problems += trouble
    if leaks or problems:
        raise RedlineLeak(leaks, problems)


def write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with replacing(path) as fh:
        fh.write(data)
