"""A case: one IMR on disk (mkdocs.yml, docs/, data/), read once into plain objects.

``read_case`` reads everything the checks and the renderers need, with a reader for each data
file given by the caller: the base knows no part of the report. ``imr_site.review.load_case`` is
the one to call; it passes every part's reader. ``read_case`` raises :class:`CaseError` only when
the case cannot be read at all (no mkdocs.yml, front matter or a data file that is not valid YAML,
a data file inside docs/); everything else becomes a finding.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from imr_site.case.dates import as_date
from imr_site.case.editions import EDITIONS
from imr_site.case.files import docs_files, refusal
from imr_site.case.findings import (
    RULES,
    CaseError,
    Finding,
    RuleOverrides,
    Severity,
    finding,
    rule,
)
from imr_site.case.sections import SectionFile, SectionProblem, read_section_file
from imr_site.case.spec import DEFAULT_SPEC, SpecError, TemplateSpec, load_spec, spec_path
from imr_site.case.yamlio import LineDict, YAMLProblem, load_yaml, refuse_anchors

R_NO_CONFIG = rule(
    "IMR001",
    "error",
    "No mkdocs.yml",
    "Run the command in the case folder, or make one with `imr new`.",
)
R_CONFIG = rule(
    "IMR002", "error", "Case settings are wrong", "Correct the `imr` plugin options in mkdocs.yml."
)
R_FRONT_MATTER = rule(
    "IMR003",
    "error",
    "Front matter cannot be read",
    "Fix the YAML between the two '---' lines at the top of the file.",
)
R_DATA_YAML = rule(
    "IMR004", "error", "Data file cannot be read", "Fix the YAML syntax on the line named."
)
R_DATA_IN_DOCS = rule(
    "IMR005",
    "error",
    "Data file inside docs/",
    "Move the file into data/: everything in docs/ is published, data files never are.",
)
R_SPEC = rule("IMR006", "error", "Template spec cannot be read", "Fix the spec file named.")

DATA_FILES = ("chronology.yml", "glossary.yml", "people.yml", "actions.yml", "process.yml")
# What MkDocs reads as a Markdown page (mkdocs.utils.markdown_extensions): each is a section file.
MARKDOWN_SUFFIXES = (".md", ".markdown", ".mdown", ".mkdn", ".mkd")


@dataclass
class CaseConfig:
    case_reference: str = "IMR"
    agency: str = ""
    review_start: dt.date | None = None
    review_end: dt.date | None = None
    protective_marking: str = "OFFICIAL-SENSITIVE"
    edition: str = "restricted"
    spec: str | None = None
    data_dir: str = "data"
    pdf: bool = True
    rules: RuleOverrides = field(default_factory=RuleOverrides)
    options: dict = field(default_factory=dict)  # every option as written, for the feature modules

    @property
    def review_period_text(self) -> str:
        def f(d):
            return d.strftime("%-d %B %Y") if d else "not set"

        if not (self.review_start or self.review_end):
            return "not set"
        return f"{f(self.review_start)} to {f(self.review_end)}"

    @property
    def output_stem(self) -> str:
        """The name the outputs share (PDF, offline bundle): SAR-2025-014-restricted."""
        ref = re.sub(r"[^A-Za-z0-9._-]+", "-", self.case_reference).strip("-.") or "IMR"
        return f"{ref}-{self.edition}"


@dataclass
class Case:
    root: Path
    docs_dir: Path
    config_file: Path | None
    config: CaseConfig
    spec: TemplateSpec
    pages: list[SectionFile]  # every Markdown file in docs/, in file-name order
    data: dict = field(default_factory=dict)  # name -> parsed data object (see load_data)
    findings: list[Finding] = field(default_factory=list)  # found while reading
    # files in docs/ and data/ that are never read or published (outside the case, too large),
    # each with the finding that says so
    refused: dict[Path, Finding] = field(default_factory=dict)
    # section id -> the page's URL in the built site, set by the MkDocs plugin so that pages can
    # link to each other (recommendations <-> action plan); computed from docs/ when unset
    urls: dict[str, str] = field(default_factory=dict)
    # mkdocs.yml as written (tags not run): the nav and the Markdown extensions' settings
    settings: dict = field(default_factory=dict)
    # what each file read held and gave (see CaseFiles): for reading the case again while the
    # author edits it (`imr serve`), when only the files that changed are read
    files_read: CaseFiles | None = None

    def rel(self, path: Path) -> str:
        try:
            return path.relative_to(self.root).as_posix()
        except ValueError:
            return str(path)

    @property
    def sections(self) -> dict[str, SectionFile]:
        """The first file claiming each section id (duplicates are a finding, see checks)."""
        out: dict[str, SectionFile] = {}
        for p in self.pages:
            if p.section_id and p.section_id not in out:
                out[p.section_id] = p
        return out

    def section(self, section_id: str) -> SectionFile | None:
        return self.sections.get(section_id)

    @property
    def data_path(self) -> Path:
        return (self.root / self.config.data_dir).resolve()


def _digest(path: Path) -> bytes | None:
    try:
        return hashlib.blake2b(path.read_bytes()).digest()
    except OSError:
        return None


@dataclass
class CaseFiles:
    """What a case was read from, each file by its content (a digest), and what reading it gave.

    ``read_case(..., previous=case)`` reuses a section file's reading when the file holds what it
    held, and a data file's when, besides, the settings and the template spec are as they were
    (a reader may use them); everything else is read again. What is reused is never changed by
    anyone after reading (a changed case is a new Case), so sharing it is safe.
    """

    basis: tuple = ()  # (the imr options, the spec file's digest): data readers depend on them
    sections: dict[Path, tuple[bytes | None, SectionFile]] = field(default_factory=dict)
    data: dict[str, tuple[bytes | None, object, list[Finding]]] = field(default_factory=dict)

    def section(self, path: Path, digest: bytes | None) -> SectionFile | None:
        kept = self.sections.get(path)
        return kept[1] if kept and digest is not None and kept[0] == digest else None

    def data_file(self, name: str, digest: bytes | None, basis: tuple):
        """(object, findings) read from an unchanged data file, or None."""
        kept = self.data.get(name)
        if kept is None or basis != self.basis or kept[0] != digest:
            return None
        return kept[1], list(kept[2])


class _TolerantLoader(yaml.SafeLoader):
    """Reads mkdocs.yml without running its Python tags (!!python/name:, !ENV)."""


def _unknown_tag(loader, suffix, node):
    if isinstance(node, yaml.ScalarNode):
        return loader.construct_scalar(node)
    if isinstance(node, yaml.SequenceNode):
        return loader.construct_sequence(node)
    return loader.construct_mapping(node)


_TolerantLoader.add_multi_constructor("!", _unknown_tag)
_TolerantLoader.add_multi_constructor("tag:yaml.org,2002:python/", _unknown_tag)


def read_mkdocs_yml(path: Path) -> tuple[dict, dict]:
    """(the whole mkdocs.yml, the imr plugin's options) without MkDocs itself."""
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:  # one message with the line, never a traceback
        line = raw.count(b"\n", 0, e.start) + 1
        raise CaseError(
            [
                finding(
                    R_CONFIG.code,
                    path.name,
                    line,
                    f"this file is not UTF-8 text (byte {e.start}, on line {line}); save it as "
                    "UTF-8 and try again.",
                )
            ]
        ) from None
    return mkdocs_options(text, path.name)


def mkdocs_options(text: str, rel: str = "mkdocs.yml") -> tuple[dict, dict]:
    """:func:`read_mkdocs_yml` for text already read (a file as committed in Git)."""
    try:
        refuse_anchors(text, rel, _TolerantLoader)
        raw = yaml.load(text, Loader=_TolerantLoader)  # noqa: S506
    except YAMLProblem as e:
        raise CaseError([finding(R_CONFIG.code, rel, e.line, e.message)]) from None
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark
        raise CaseError(
            [
                finding(
                    R_CONFIG.code,
                    rel,
                    mark.line + 1 if mark else None,
                    f"mkdocs.yml is not valid YAML: {e.problem}.",
                )
            ]
        ) from None
    if not isinstance(raw, dict):
        raise CaseError(
            [finding(R_CONFIG.code, rel, 1, "mkdocs.yml must be a list of settings (name: value).")]
        )
    options = None
    for p in raw.get("plugins") or []:
        if p == "imr":
            options = {}
        elif isinstance(p, dict) and "imr" in p:
            options = p["imr"] or {}
    if isinstance(raw.get("plugins"), dict) and "imr" in raw["plugins"]:
        options = raw["plugins"]["imr"] or {}
    if options is None:
        raise CaseError(
            [
                finding(
                    R_CONFIG.code,
                    rel,
                    None,
                    "mkdocs.yml does not use the imr plugin: add '- imr:' with the case settings under 'plugins:'.",
                )
            ]
        )
    return raw, options


def _date(value, label: str, problems: list[str]) -> dt.date | None:
    if value in (None, ""):
        return None
    date = as_date(value)
    if date is None:
        problems.append(
            f"{label} '{value}' is not a date: write it as YYYY-MM-DD, like 2024-03-31."
        )
    return date


def parse_options(options: dict, rel: str = "mkdocs.yml") -> CaseConfig:
    """Turn the plugin options (as written in mkdocs.yml) into a :class:`CaseConfig`."""
    problems: list[str] = []
    cfg = CaseConfig(options=dict(options))
    cfg.case_reference = str(options.get("case_reference") or "IMR").strip()
    cfg.agency = str(options.get("agency") or "").strip()
    period = options.get("review_period") or {}
    if not isinstance(period, dict):
        problems.append("review_period must have 'start:' and 'end:' dates under it.")
        period = {}
    cfg.review_start = _date(period.get("start"), "review_period start", problems)
    cfg.review_end = _date(period.get("end"), "review_period end", problems)
    if cfg.review_start and cfg.review_end and cfg.review_end < cfg.review_start:
        problems.append("review_period ends before it starts: check the two dates.")
    cfg.protective_marking = str(options.get("protective_marking") or "OFFICIAL-SENSITIVE").strip()
    edition = str(options.get("edition") or "restricted").strip().lower()
    if edition not in EDITIONS:
        problems.append(f"edition '{edition}' is not one of: {', '.join(EDITIONS)}.")
        edition = "restricted"
    cfg.edition = edition
    cfg.spec = options.get("spec") or None
    cfg.data_dir = str(options.get("data_dir") or "data")
    cfg.pdf = bool(options.get("pdf", True))
    rules_opt = options.get("rules") or {}
    if isinstance(rules_opt, dict):
        disabled = rules_opt.get("disable") or []
        for code in disabled:
            if str(code) not in RULES:
                problems.append(f"rules: disable names '{code}', which is not a finding code.")
        cfg.rules.disabled = {str(c) for c in disabled}
        for code, sev in (rules_opt.get("severity") or {}).items():
            if str(code) not in RULES:
                problems.append(f"rules: severity names '{code}', which is not a finding code.")
                continue
            try:
                cfg.rules.severity[str(code)] = Severity(str(sev).lower())
            except ValueError:
                problems.append(
                    f"rules: severity of {code} must be error, warning or info, not '{sev}'."
                )
    else:
        problems.append("rules must have 'disable:' and/or 'severity:' under it.")
    if problems:
        raise CaseError([finding(R_CONFIG.code, rel, None, p) for p in problems])
    return cfg


# A data file's reader: (path, path relative to the case, the case so far) -> (object, findings).
# It raises YAMLProblem only for YAML that cannot be parsed.
DataReader = Callable[[Path, str, "Case"], tuple[object, list[Finding]]]


def read_case(
    root: str | Path = ".",
    data_readers: Mapping[str, DataReader] | None = None,
    *,
    options: dict | None = None,
    docs_dir: str | Path | None = None,
    config_file: str | Path | None = None,
    previous: Case | None = None,
    remember: bool = False,
) -> Case:
    """Read a case, and each data file named in ``data_readers`` (``data/<name>.yml``) with its
    reader. The MkDocs plugin passes its own options and docs_dir; the CLI passes neither.
    ``previous``, the same case read before, lets files that have not changed since be reused
    (see :class:`CaseFiles`); the result is the same as reading every file. ``remember`` keeps
    what is needed for that even without a previous reading (the first of `imr serve`)."""
    root = Path(root).resolve()
    problems: list[Finding] = []
    cfg_path = Path(config_file).resolve() if config_file else root / "mkdocs.yml"
    raw: dict = {}
    if options is not None and cfg_path.is_file():
        try:
            raw, _ = read_mkdocs_yml(cfg_path)  # MkDocs has read it already: this cannot fail
        except CaseError:
            raw = {}
    if options is None:
        if not cfg_path.is_file():
            raise CaseError(
                [
                    finding(
                        R_NO_CONFIG.code,
                        None,
                        None,
                        f"there is no mkdocs.yml in {root}: run this in the case folder, or make a new case "
                        "with `imr new FOLDER`.",
                    )
                ]
            )
        raw, options = read_mkdocs_yml(cfg_path)
        docs_dir = root / (raw.get("docs_dir") or "docs")
    config = parse_options(options)
    docs = Path(docs_dir).resolve() if docs_dir else root / "docs"
    try:
        spec = load_spec(spec_path(root, config.spec))
    except SpecError as e:
        raise CaseError([finding(R_SPEC.code, e.path, e.line, e.message)]) from None

    if not docs.is_dir():
        raise CaseError(
            [
                finding(
                    R_NO_CONFIG.code,
                    None,
                    None,
                    f"the docs folder {docs} does not exist: sections go in docs/.",
                )
            ]
        )

    # Links to files outside the case and files over the size limit are never read or published.
    files = docs_files(root, docs)
    refused = dict(files.refused)

    # Data files inside docs/ would be published: refuse before anything is read.
    data = (root / config.data_dir).resolve()
    if data == docs or data.is_relative_to(docs):
        raise CaseError(
            [
                finding(
                    R_DATA_IN_DOCS.code,
                    _rel(root, cfg_path),
                    None,
                    f"data_dir is '{config.data_dir}', inside the docs folder, so the people key and "
                    "the chronology would be published as they are. Set 'data_dir:' to a folder "
                    "beside docs/ (the usual one is data), and move the files there.",
                )
            ]
        )
    for p in files.usable:
        if p.suffix.lower() in (".yml", ".yaml", ".csv", ".xlsx") and (
            p.name in DATA_FILES
            or p.stem in {"chronology", "glossary", "people", "actions", "people-key", "process"}
        ):
            problems.append(
                finding(
                    R_DATA_IN_DOCS.code,
                    _rel(root, p),
                    None,
                    f"{p.name} is inside docs/, so it would be published with the site. Move it to "
                    f"{config.data_dir}/ (beside docs/, not inside it).",
                )
            )
    if problems:
        raise CaseError(problems)

    before = previous.files_read if previous is not None and previous.root == root else None
    before = before if before is not None and previous.docs_dir == docs else None
    remember = remember or previous is not None
    spec_file = spec_path(root, config.spec) or DEFAULT_SPEC
    read = CaseFiles(basis=(config.options, _digest(spec_file) if remember else None))
    pages: list[SectionFile] = []
    for p in files.usable:
        if p.suffix.lower() not in MARKDOWN_SUFFIXES:
            continue
        digest = _digest(p) if remember else None
        page = before.section(p, digest) if before is not None else None
        if page is None:
            try:
                page = read_section_file(p, root, docs)
            except SectionProblem as e:
                problems.append(finding(R_FRONT_MATTER.code, e.rel, e.line, e.message))
                continue
        read.sections[p] = (digest, page)
        pages.append(page)
    if problems:
        raise CaseError(problems)

    case = Case(root, docs, cfg_path if cfg_path.is_file() else None, config, spec, pages)
    case.settings = raw
    case.refused = refused  # a data reader may refuse its file too (a chronology too long)
    case.files_read = read if remember else None
    data_dir = case.data_path
    for name, loader in (data_readers or {}).items():
        path = data_dir / f"{name}.yml"
        rel = _rel(root, path)
        if path.exists() and (refused_data := refusal(root, path)) is not None:
            refused[path] = refused_data  # never read: the part sees no file
            continue
        digest = _digest(path) if remember else None
        kept = before.data_file(name, digest, read.basis) if before is not None else None
        if kept is None:
            try:
                kept = loader(path, rel, case)
            except YAMLProblem as e:
                problems.append(finding(R_DATA_YAML.code, rel, e.line, e.message))
                continue
            if path in refused:  # refused by its reader: read again next time, to say so again
                digest = None
        obj, found = kept
        read.data[name] = (digest, obj, list(found))
        case.data[name] = obj
        case.findings.extend(found)
    case.findings.extend(refused.values())
    if problems:
        raise CaseError(problems)
    return case


def _rel(root: Path, p: Path) -> str:
    try:
        return p.resolve().relative_to(root).as_posix()
    except ValueError:
        return str(p)


def read_data_file(path: Path, rel: str):
    """A data file's YAML, or None when the file does not exist (an empty case is still readable)."""
    if not path.is_file():
        return None
    return load_yaml(path, rel)


__all__ = [
    "Case",
    "CaseConfig",
    "read_case",
    "parse_options",
    "read_data_file",
    "LineDict",
    "EDITIONS",
]
