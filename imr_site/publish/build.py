"""The build: a case's site and PDF, through MkDocs and the ``imr`` plugin.

``imr build`` calls these functions; ``mkdocs build`` reaches the same plugin directly. They print
nothing: each returns a :class:`BuildResult`, or raises :class:`BuildStopped` with what to tell
the author. Three kinds of build share one path:

- a DRAFT (:func:`build_site`), of either edition;
- a FINAL one (:func:`build_final`): refused, with every reason, unless the case is complete;
  built into a temporary folder and moved into place only once everything is written;
- an offline bundle (:func:`build_bundle`): the same case built again as a site that works from
  disk, checked to fetch nothing from the internet, and zipped with the PDF.
"""

from __future__ import annotations

import logging
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from imr_site.case.findings import CaseError, Finding, RuleOverrides, Severity, finding
from imr_site.case.model import R_CONFIG, R_NO_CONFIG, read_mkdocs_yml
from imr_site.people.leaks import leak_findings
from imr_site.publish.bundle import LINK, find_external_references, write_zip
from imr_site.publish.final import final_build_refusals
from imr_site.review.registry import load_case, run_checks


class BuildStopped(Exception):
    """The build stopped. ``findings`` (shown first) and ``lines`` say why; ``has_findings`` is
    true when the case's findings stopped it (exit 1), false when it could not be used (exit 2)."""

    def __init__(
        self, *lines: str, findings: list[Finding] | None = None, has_findings: bool = False
    ):
        super().__init__("\n".join(lines))
        self.lines = list(lines)
        self.findings = findings or []
        self.has_findings = has_findings


class BundleError(Exception):
    """The offline bundle could not be made safely (nothing was written)."""


@dataclass
class BuildResult:
    site_dir: Path  # where the site is (or will be, for a FINAL build once moved into place)
    findings: list[Finding]
    status: str  # DRAFT or FINAL
    rules: RuleOverrides
    outputs: list[tuple[str, Path]] = field(default_factory=list)  # (label, file) written
    # What the site shows of each section (section id -> page content HTML, -> page URL), the
    # case as the build read it, and the cover's version: for the Word export and the redline.
    section_html: dict[str, str] = field(default_factory=dict)
    section_urls: dict[str, str] = field(default_factory=dict)
    case: object = None
    version: str = ""


class SeenBefore(logging.Filter):
    """Remembers messages, then (once `quiet`) drops repeats: the bundle's build of the same
    case would otherwise print every finding a second time."""

    def __init__(self):
        super().__init__()
        self.seen: set[str] = set()
        self.quiet = False

    def filter(self, record: logging.LogRecord) -> bool:
        msg = record.getMessage()
        if self.quiet:
            return msg not in self.seen
        self.seen.add(msg)
        return True


class MkDocsEchoes(logging.Filter):
    """Without --verbose, the build shows the case's findings and what was written, once:
    MkDocs' own progress lines (INFO), its warnings about links, pictures and the nav (each is
    already a finding with file and line, LNK001-LNK004), the error that stopped the build and
    its closing "Aborted with a BuildError!" (`imr build` says why itself) are left out."""

    OURS = "mkdocs.plugins.imr"
    BUILD = "mkdocs.commands.build"  # its ERROR lines repeat what stopped the build
    ECHOES = re.compile(
        r"is not found among documentation files"
        r"|does not contain an anchor|there is no such anchor on this page"
        r"|is included in the 'nav' configuration, which is not found"
        r"|^Aborted with a BuildError!$"
    )

    def __init__(self, progress: bool = False):
        super().__init__()
        self.progress = progress  # keep MkDocs' INFO lines (`imr serve`: "Serving on ...")

    def filter(self, record: logging.LogRecord) -> bool:
        if record.name.startswith(self.OURS):
            return True
        if record.levelno <= logging.INFO:
            return self.progress
        if record.name == self.BUILD and record.levelno >= logging.ERROR:
            # "Error reading page ..." names the page; the rest is the error that `imr build`
            # prints itself as "Build stopped: ..."
            return record.getMessage().startswith("Error ")
        return not self.ECHOES.search(record.getMessage())


# MkDocs is imported only inside the functions that build, so that `imr check` starts quickly.


def mkdocs_config(case_dir: Path, site_dir: Path | None = None, **plugin_options):
    """Load the case's mkdocs.yml through MkDocs, with imr plugin options overridden."""
    from mkdocs.config import load_config

    cfg_file = case_dir / "mkdocs.yml"
    if not cfg_file.is_file():
        raise CaseError(
            [
                finding(
                    R_NO_CONFIG.code,
                    None,
                    None,
                    f"there is no mkdocs.yml in {case_dir}: run this in the case folder, or make a new "
                    "case with `imr new FOLDER`.",
                )
            ]
        )
    # Read by us first: MkDocs itself would expand a YAML alias bomb in it for minutes.
    read_mkdocs_yml(cfg_file)
    kwargs = {"config_file": str(cfg_file)}
    if site_dir is not None:
        kwargs["site_dir"] = str(site_dir)
    cfg = load_config(**kwargs)
    plugin = cfg.plugins.get("imr")
    if plugin is None:
        raise CaseError(
            [finding(R_CONFIG.code, "mkdocs.yml", None, "mkdocs.yml does not use the imr plugin.")]
        )
    for key, value in plugin_options.items():
        if value is not None:
            plugin.config[key] = value
    return cfg, plugin


def unsafe_site_dir(case_dir: Path, site_dir: Path) -> str | None:
    """Why the site folder must not be used: building replaces it entirely."""
    if site_dir == case_dir or site_dir in case_dir.parents:
        return (
            f"the site folder {site_dir} contains the case itself, and building replaces "
            "the site folder. Choose a folder of its own, such as site/."
        )
    for precious in (".git", "mkdocs.yml", "docs"):
        if (site_dir / precious).exists():
            return (
                f"the site folder {site_dir} holds {precious}, so it is not a built site: "
                "building would replace it. Choose a folder of its own, such as site/."
            )
    return None


def final_in_settings(case_dir: Path) -> bool:
    """`final: true` written under the imr plugin in mkdocs.yml asks for a FINAL build too."""
    try:
        _, options = read_mkdocs_yml(case_dir / "mkdocs.yml")
    except (CaseError, OSError):
        return False  # the build itself reports the problem
    return options.get("final") is True


def build_site(
    case_dir: Path,
    site_dir: Path,
    edition: str | None,
    *,
    pdf: bool = True,
    bundle: bool = False,
    final: bool = False,
    excludes=(),
    shown: Path | None = None,
    seen: SeenBefore | None = None,
    with_process: bool = False,
) -> BuildResult:
    """Build with MkDocs; ``shown`` is the folder to name in messages (where the site will be).
    ``with_process`` prints the restricted process record in the PDF (restricted edition only)."""
    from mkdocs.commands.build import build
    from mkdocs.exceptions import Abort, ConfigurationError, PluginError

    from imr_site.publish.offline import search_from_disk

    options = dict(
        edition=edition,
        pdf=None if pdf else False,
        final=True if final else None,
        with_process=True if with_process else None,
    )
    plugin = None
    shown = shown or site_dir
    try:
        cfg, plugin = mkdocs_config(case_dir, site_dir, **options)
        if not cfg.use_directory_urls:  # a site made to open from disk (the template's)
            search_from_disk(cfg)  # searches from disk too
        plugin.git_excludes = list(excludes)
        try:
            build(cfg)
        finally:
            plugin.git_excludes = []
        # MkDocs hands the same plugin object to every build in a process: keep this build's
        # results before the bundle's build replaces them.
        result = BuildResult(shown, plugin.findings, plugin.status, plugin.case.config.rules)
        result.section_html, result.section_urls = plugin.section_pages
        result.case, result.version = plugin.case, plugin.version_text
        written = [("PDF", plugin.pdf_path), ("Manifest", plugin.manifest_path)]
        if bundle:
            out = site_dir / f"{plugin.case.config.output_stem}.zip"
            written.append(
                ("Offline bundle", build_bundle(case_dir, out, options, written[0][1], seen))
            )
    except CaseError as e:
        raise BuildStopped(findings=e.findings) from None
    except (PluginError, ConfigurationError, Abort) as e:
        failed = getattr(plugin, "pdf_error", None)
        if failed is not None:
            # A fault in the print path, not in the case: its finding says where (exit 2).
            raise BuildStopped(
                "Build stopped: the PDF could not be made; no PDF was written.",
                findings=failed.findings,
            ) from None
        leak = getattr(plugin, "leak_error", None)
        if leak is not None:
            # Names found in the anonymised output: findings (ANO002), not an unreadable case.
            where = str(shown)
            if shown.is_relative_to(case_dir):
                where = shown.relative_to(case_dir).as_posix()
            # the findings list each place; the message's first line says what happened
            raise BuildStopped(
                f"Build stopped: {str(leak).splitlines()[0]}",
                findings=leak_findings(leak.leaks, leak.problems, where),
                has_findings=True,
            ) from None
        reason = getattr(plugin, "build_error", None) or e
        raise BuildStopped(f"Build stopped: {reason}") from None
    except BundleError as e:
        raise BuildStopped(f"Bundle not written: {e}") from None
    result.outputs = [
        (label, shown / path.relative_to(site_dir)) for label, path in written if path
    ]
    return result


def build_bundle(
    case_dir: Path, out: Path, options: dict, pdf: Path | None, seen: SeenBefore | None = None
) -> Path:
    """Build the case again (with the same plugin options) as a site that works from disk,
    check that it fetches nothing from the internet, and zip it as `out` with the PDF of the
    build just made."""
    from mkdocs.commands.build import build

    from imr_site.publish.offline import make_offline

    stem = out.stem
    log = logging.getLogger("mkdocs")
    seen = seen or SeenBefore()
    seen.quiet = True
    try:
        with tempfile.TemporaryDirectory(prefix="imr-bundle-") as tmp:
            folder = Path(tmp) / stem
            cfg, plugin = mkdocs_config(case_dir, folder, **options)
            make_offline(cfg)
            plugin.pdf_source = pdf
            try:
                build(cfg)
            finally:
                plugin.pdf_source = None
            refs = find_external_references(folder)
            fetched = [r for r in refs if r.kind != LINK]
            pages: dict[str, set[str]] = {}
            for r in refs:
                if r.kind == LINK:
                    pages.setdefault(r.url, set()).add(r.file)
            for url, files in sorted(pages.items()):
                log.info(
                    f"Offline bundle: {len(files)} page(s) link to {url} (opened only if clicked, "
                    f"e.g. from {min(files)})."
                )
            if fetched:
                raise BundleError(
                    "the offline site would load these from the internet, which a copy of the "
                    "report on disk must never do. Remove them (or the setting that adds them) "
                    "from mkdocs.yml or the page named:\n" + "\n".join(f"  {r}" for r in fetched)
                )
            size = write_zip(folder, out, stem)
    finally:
        seen.quiet = False
    log.info(f"Offline bundle written: {out} ({size / 1_000_000:.1f} MB)")
    if pdf is None:
        log.info("Offline bundle: it holds no PDF, because this build made none.")
    return out


def build_final(
    case_dir: Path,
    site_dir: Path,
    edition: str | None,
    *,
    pdf: bool = True,
    bundle: bool = False,
    seen: SeenBefore | None = None,
    with_process: bool = False,
) -> BuildResult:
    """A FINAL build: refused (nothing written) unless the case is complete; built into a
    temporary folder and moved into place only when everything, manifest included, is written."""
    try:
        case = load_case(case_dir)
    except CaseError as e:
        raise BuildStopped(findings=e.findings) from None
    reasons = final_build_refusals(case, run_checks(case), site_dir=site_dir)
    if reasons:
        raise BuildStopped(
            "The FINAL build is refused, for these reasons:",
            *(f"  - {r}" for r in reasons),
            "Nothing was written. Fix these, or build without --final for a DRAFT.",
            has_findings=True,
        )
    not_complete = "The FINAL build did not complete; the previous site is unchanged."
    site_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{site_dir.name}.final-", dir=site_dir.parent))
    try:
        try:
            result = build_site(
                case_dir,
                staging,
                edition,
                pdf=pdf,
                bundle=bundle,
                final=True,
                excludes=[site_dir, staging],
                shown=site_dir,
                seen=seen,
                with_process=with_process,
            )
        except BuildStopped as e:
            e.lines.append(not_complete)
            raise
        if any(f.severity is Severity.ERROR for f in result.findings):
            raise BuildStopped(not_complete, has_findings=True)
        if not (staging / "manifest.json").is_file():
            raise BuildStopped(not_complete)
        old = None
        try:
            if site_dir.exists():
                old = site_dir.with_name(f".{site_dir.name}.old-{staging.name.rsplit('-', 1)[-1]}")
                site_dir.rename(old)
            staging.rename(site_dir)
        except OSError as e:
            if old is not None and not site_dir.exists():
                old.rename(site_dir)  # put the previous site back
            raise BuildStopped(f"The FINAL site could not be moved into {site_dir}: {e}") from None
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)
    return result
