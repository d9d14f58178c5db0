"""``imr merge``: read every agency's submission and write the panel case's integrated data.

Writes ``data/chronology.yml`` (every entry of every agency, with its id, agency and origin, and
the panel's notes kept), ``data/people.yml`` (one key, panel-wide labels), ``data/glossary.yml``
and ``data/panel.yml`` (what each agency submitted, for the checks). Nothing is written when any
submission cannot be used: a merge without one agency would silently drop its entries.
Each file is written whole or not at all, and a file the merge did not write (a hand-made
glossary, say) is never replaced.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from imr_site.case.findings import CaseError, Finding, Severity, finding
from imr_site.case.model import R_CONFIG, parse_options, read_mkdocs_yml
from imr_site.case.yamlio import LineDict, LineList, YAMLProblem, load_yaml, plain, remember
from imr_site.chronology.io import ImportRefused, dump_and_read, import_file, read_table
from imr_site.chronology.model import gc_paused
from imr_site.panel.merge import MergeResult, merge
from imr_site.panel.settings import is_panel, read_settings
from imr_site.panel.submissions import R_UNREADABLE, TableReaders, Unreadable, read_submission

MARK = "# Written by `imr merge`"
HEADERS = {
    "chronology.yml": (
        f"{MARK} from every agency's submission: the review panel's integrated chronology.\n"
        "# Each entry has its id, agency and origin. Write the panel's own notes on an entry as\n"
        "# same_as: [ID], not_same_as: [ID] or panel_note: ...; `imr merge` keeps them.\n"
        "# Everything else is rewritten from the submissions on every merge.\n"
    ),
    "people.yml": (
        f"{MARK}: the panel's people key (restricted), from every agency's key.\n"
        "# Rewritten on every merge: correct a person in their agency's key, then merge again.\n"
    ),
    "glossary.yml": (f"{MARK}: every agency's abbreviations. Rewritten on every merge.\n"),
    "panel.yml": (
        f"{MARK}: what each agency submitted, read by `imr check`. Never published;\n"
        "# it holds real names. Rewritten on every merge.\n"
    ),
}


@dataclass
class MergeOutcome:
    findings: list[Finding] = field(default_factory=list)  # why nothing was written
    result: MergeResult | None = None
    written: list[Path] = field(default_factory=list)

    @property
    def refused(self) -> bool:
        return self.result is None


def _chronology(path: Path, mapping: list[str], sheet: str | None):
    try:
        result = import_file(path, mapping, sheet=sheet)
    except ImportRefused as e:
        raise Unreadable(
            f"{path.name} cannot be read: {'; '.join(str(n) for n in e.notes)}"
        ) from None
    return result.entries, result.rows


def _table(path: Path, sheet: str | None):
    try:
        return read_table(path, sheet).rows
    except ImportRefused as e:
        raise Unreadable(
            f"{path.name} cannot be read: {'; '.join(str(n) for n in e.notes)}"
        ) from None


READERS = TableReaders(chronology=_chronology, table=_table)


def merge_panel(root: str | Path = ".") -> MergeOutcome:
    """Merge the panel case at ``root``. Raises :class:`CaseError` when it cannot be read."""
    with gc_paused():
        return _merge_panel(root)


def _merge_panel(root: str | Path) -> MergeOutcome:
    root = Path(root).resolve()
    cfg = root / "mkdocs.yml"
    if not cfg.is_file():
        raise CaseError(
            [
                finding(
                    "IMR001",
                    None,
                    None,
                    f"there is no mkdocs.yml in {root}: run this in the "
                    "panel case's folder, or make one with `imr new --panel FOLDER`.",
                )
            ]
        )
    _, options = read_mkdocs_yml(cfg)
    config = parse_options(options)
    if not is_panel(options):
        raise CaseError(
            [
                finding(
                    R_CONFIG.code,
                    "mkdocs.yml",
                    None,
                    "this case is not a review panel's case (its imr settings have no `panel:` "
                    "listing the agencies); make one with `imr new --panel FOLDER`.",
                )
            ]
        )
    settings, problems = read_settings(options)
    outcome = MergeOutcome(problems)
    submissions = []
    for source in settings.agencies:
        sub, found = read_submission(
            source, root, READERS, (config.review_start, config.review_end)
        )
        outcome.findings.extend(found)
        if sub is not None:
            submissions.append(sub)
    data = root / config.data_dir
    targets = {name: data / name for name in HEADERS}
    for name, path in targets.items():
        if path.exists() and not _written_by_merge(path):
            outcome.findings.append(
                finding(
                    R_UNREADABLE.code,
                    f"{config.data_dir}/{name}",
                    1,
                    f"{config.data_dir}/{name} was not written by `imr merge`, so it is not "
                    "replaced. Move it out of data/ (keep what you need of it), then merge again.",
                )
            )
    if any(f.severity is Severity.ERROR for f in outcome.findings) or not submissions:
        if not outcome.findings:
            outcome.findings.append(
                finding(R_UNREADABLE.code, "mkdocs.yml", None, "no agency could be read.")
            )
        return outcome
    previous, orphans = _previous(targets["chronology.yml"], targets["panel.yml"])
    result = merge(submissions, previous, orphans)
    header = HEADERS["chronology.yml"]
    chronology, read_back = dump_and_read(result.entries, header.count("\n"))
    texts = {
        "chronology.yml": chronology,
        "people.yml": _dump(result.people),
        "glossary.yml": _dump(result.glossary),
        "panel.yml": _dump(result.record),
    }
    _write_all({targets[n]: HEADERS[n] + t for n, t in texts.items()})
    # `imr merge` checks the case next: what it would read back is known already
    remember(targets["chronology.yml"], header + chronology, read_back)
    outcome.result = result
    outcome.written = list(targets.values())
    return outcome


def _written_by_merge(path: Path) -> bool:
    try:
        with path.open(encoding="utf-8-sig") as f:
            return f.readline().startswith(MARK)
    except (OSError, UnicodeDecodeError):
        return False


_PANEL_NOTES = re.compile(r"^[- ] (?:same_as|not_same_as|panel_note):", re.M)
_ID_LINE = re.compile(r"^[- ] id: ([a-z0-9-]+)[ \t]*$", re.M)


def _previous(chron: Path, record: Path) -> tuple[list[dict], list[dict]]:
    """The entries of the last merge (for the panel's notes on them) and its orphaned notes."""
    entries: list[dict] = []
    orphans: list[dict] = []
    text = chron.read_text(encoding="utf-8-sig") if chron.is_file() else ""
    try:
        if _PANEL_NOTES.search(text) is None:
            # No notes of the panel's to keep: the ids are all the merge needs (to say what
            # changed), and reading 10,000 entries again would take longer than the merge.
            entries = [{"id": i} for i in _ID_LINE.findall(text)]
        else:
            raw = load_yaml(chron, "chronology.yml")
            if isinstance(raw, LineList):
                entries = [plain(e) for e in raw if isinstance(e, LineDict)]
        rec = load_yaml(record, "panel.yml") if record.is_file() else None
        if isinstance(rec, LineDict) and isinstance(rec.get("orphaned_annotations"), list):
            orphans = [plain(o) for o in rec["orphaned_annotations"] if isinstance(o, dict)]
    except YAMLProblem as e:
        raise CaseError([finding("IMR004", e.path, e.line, e.message)]) from None
    return entries, orphans


def _dump(data) -> str:
    return yaml.safe_dump(
        data, sort_keys=False, allow_unicode=True, default_flow_style=False, width=1_000_000
    )


def _write_all(files: dict[Path, str]) -> None:
    """Every file complete before any replaces its old one, so a failure leaves the old set."""
    staged: list[tuple[Path, Path]] = []
    try:
        for path, text in files.items():
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_name(f".{path.name}.merge.tmp")
            tmp.write_text(text, encoding="utf-8")
            staged.append((tmp, path))
        for tmp, path in staged:
            os.replace(tmp, path)
    finally:
        for tmp, _ in staged:
            tmp.unlink(missing_ok=True)
