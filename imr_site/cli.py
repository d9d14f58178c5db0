"""The ``imr`` command: a thin adapter over the core library (and over MkDocs for building).

Exit codes: 0 clean, 1 findings at error level, 2 the case cannot be read (or bad usage).
"""

from __future__ import annotations

import argparse
import logging
import os
import shutil
import sys
import tempfile
from importlib import resources
from pathlib import Path

from . import actions_commands, chronology_commands, gitrepo
from .bundle import LINK, find_external_references, write_zip
from .case import load_case
from .checks import run_checks
from .findings import CaseError, Finding, Severity, summarise
from .report import (
    FORMATS,
    ReportContext,
    format_text,
    github_step_summary,
    switched_off_lines,
)

EXIT_OK, EXIT_FINDINGS, EXIT_UNUSABLE = 0, 1, 2


# Output formats (text, json, github, junit) live in imr_site.report.


def exit_code(findings: list[Finding]) -> int:
    return EXIT_FINDINGS if any(f.severity is Severity.ERROR for f in findings) else EXIT_OK


# --- commands -------------------------------------------------------------------------------


def cmd_check(args) -> int:
    # Paths in annotations are relative to the repository's top, as CI sees the files.
    ctx = ReportContext(path_prefix=gitrepo.prefix(Path(args.dir)))
    try:
        case = load_case(args.dir)
    except CaseError as e:
        print(FORMATS[args.format](e.findings, ctx))
        return EXIT_UNUSABLE
    ctx.rules = case.config.rules
    findings = run_checks(case)
    print(FORMATS[args.format](findings, ctx))
    summary_file = os.environ.get("GITHUB_STEP_SUMMARY")
    if args.format == "github" and summary_file:
        # GitHub shows only the first annotations on the diff; its run summary shows them all.
        try:
            with open(summary_file, "a", encoding="utf-8") as out:
                out.write(github_step_summary(findings, ctx))
        except OSError as e:
            print(f"(the run summary could not be written: {e})", file=sys.stderr)
    return exit_code(findings)


def _mkdocs_config(case_dir: Path, site_dir: Path | None = None, **plugin_options):
    """Load the case's mkdocs.yml through MkDocs, with imr plugin options overridden."""
    from mkdocs.config import load_config

    cfg_file = case_dir / "mkdocs.yml"
    if not cfg_file.is_file():
        raise CaseError(
            [
                Finding(
                    "IMR001",
                    Severity.ERROR,
                    None,
                    None,
                    f"there is no mkdocs.yml in {case_dir}: run this in the case folder, or make a new "
                    "case with `imr new FOLDER`.",
                )
            ]
        )
    kwargs = {"config_file": str(cfg_file)}
    if site_dir is not None:
        kwargs["site_dir"] = str(site_dir)
    cfg = load_config(**kwargs)
    plugin = cfg.plugins.get("imr")
    if plugin is None:
        raise CaseError(
            [
                Finding(
                    "IMR002",
                    Severity.ERROR,
                    "mkdocs.yml",
                    None,
                    "mkdocs.yml does not use the imr plugin.",
                )
            ]
        )
    for key, value in plugin_options.items():
        if value is not None:
            plugin.config[key] = value
    return cfg, plugin


class BundleError(Exception):
    """The offline bundle could not be made safely (nothing was written)."""


class _SeenBefore(logging.Filter):
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


def _setup_logging(verbose: bool) -> logging.Handler:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(levelname)s: %(message)s"))
    root = logging.getLogger("mkdocs")
    root.handlers[:] = [handler]
    root.setLevel(logging.DEBUG if verbose else logging.INFO)
    root.propagate = False
    # WeasyPrint reports every CSS property it ignores; the print stylesheet is ours and known.
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    return handler


def cmd_build(args) -> int:
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    seen = _SeenBefore()
    _setup_logging(args.verbose).addFilter(seen)
    case_dir = Path(args.dir).resolve()
    site_dir = Path(args.site_dir).resolve() if args.site_dir else case_dir / "site"
    problem = _unsafe_site_dir(case_dir, site_dir)
    if problem:
        print(f"Build stopped: {problem}", file=sys.stderr)
        return EXIT_UNUSABLE
    final = args.final or _final_in_settings(case_dir)
    if not args.both_editions:
        return _build_edition(args, case_dir, site_dir, args.edition, seen, final)
    # Both editions, each in its own folder (site/restricted/, site/anonymised/), each PDF named
    # by case reference and edition. The anonymised one goes through the leak gate as always.
    codes = []
    for edition in ("restricted", "anonymised"):
        print(f"--- {edition} edition")
        codes.append(_build_edition(args, case_dir, site_dir / edition, edition, seen, final))
    return max(codes)


def _build_edition(args, case_dir: Path, site_dir: Path, edition, seen, final: bool) -> int:
    if final:
        return _build_final(args, case_dir, site_dir, edition, seen)
    return _build(args, case_dir, site_dir, edition, seen)


def _unsafe_site_dir(case_dir: Path, site_dir: Path) -> str | None:
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


def _build(
    args, case_dir: Path, site_dir: Path, edition, seen, *, final=False, excludes=(), shown=None
):
    """Build with MkDocs; ``shown`` is the folder to name in messages (where the site will be)."""
    from mkdocs.commands.build import build
    from mkdocs.exceptions import Abort, ConfigurationError, PluginError

    options = dict(
        edition=edition, pdf=False if args.no_pdf else None, final=True if final else None
    )
    plugin = None
    shown = shown or site_dir
    try:
        cfg, plugin = _mkdocs_config(case_dir, site_dir, **options)
        plugin.git_excludes = list(excludes)
        try:
            build(cfg)
        finally:
            plugin.git_excludes = []
        # MkDocs hands the same plugin object to every build in a process: keep this build's
        # results before the bundle's build replaces them.
        findings, status = plugin.findings, plugin.status
        outputs = [("PDF", plugin.pdf_path), ("Manifest", plugin.manifest_path)]
        rules = plugin.case.config.rules
        if args.bundle:
            out = site_dir / f"{plugin.case.config.output_stem}.zip"
            outputs.append(
                ("Offline bundle", _build_bundle(case_dir, out, options, outputs[0][1], seen))
            )
    except CaseError as e:
        print(format_text(e.findings), file=sys.stderr)
        return EXIT_UNUSABLE
    except (PluginError, ConfigurationError, Abort) as e:
        leak = getattr(plugin, "leak_error", None)
        if leak is not None:
            # Names found in the anonymised output: findings (ANO002), not an unreadable case.
            from .leaks import leak_findings

            where = str(shown)
            if shown.is_relative_to(case_dir):
                where = shown.relative_to(case_dir).as_posix()
            print(format_text(leak_findings(leak.leaks, leak.problems, where)), file=sys.stderr)
            print(f"Build stopped: {leak}", file=sys.stderr)
            return EXIT_FINDINGS
        print(f"Build stopped: {e}", file=sys.stderr)
        return EXIT_UNUSABLE
    except BundleError as e:
        print(f"Bundle not written: {e}", file=sys.stderr)
        return EXIT_UNUSABLE
    s = summarise(findings)
    print(f"Site built in {shown}")
    for label, path in outputs:
        if path:
            print(f"{label}: {shown / path.relative_to(site_dir)}")
    print(
        f"{s['error']} error(s), {s['warning']} warning(s), {s['info']} note(s). Status: {status}."
    )
    for line in switched_off_lines(rules):
        print(line)
    return exit_code(findings)


def _build_bundle(
    case_dir: Path, out: Path, options: dict, pdf: Path | None, seen: _SeenBefore
) -> Path:
    """Build the case again (with the same plugin options) as a site that works from disk,
    check that it fetches nothing from the internet, and zip it as `out` with the PDF of the
    build just made."""
    import tempfile

    from imr_mkdocs.offline import make_offline
    from mkdocs.commands.build import build

    stem = out.stem
    log = logging.getLogger("mkdocs")
    seen.quiet = True
    try:
        with tempfile.TemporaryDirectory(prefix="imr-bundle-") as tmp:
            folder = Path(tmp) / stem
            cfg, plugin = _mkdocs_config(case_dir, folder, **options)
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


def _final_in_settings(case_dir: Path) -> bool:
    """`final: true` written under the imr plugin in mkdocs.yml asks for a FINAL build too."""
    from .case import read_mkdocs_yml

    try:
        _, options = read_mkdocs_yml(case_dir / "mkdocs.yml")
    except (CaseError, OSError):
        return False  # the build itself reports the problem
    return options.get("final") is True


def _build_final(args, case_dir: Path, site_dir: Path, edition, seen) -> int:
    """A FINAL build: refused (exit 1, nothing written) unless the case is complete; built into
    a temporary folder and moved into place only when everything, manifest included, is written."""
    from .signoff import final_build_refusals

    try:
        case = load_case(case_dir)
    except CaseError as e:
        print(format_text(e.findings), file=sys.stderr)
        return EXIT_UNUSABLE
    reasons = final_build_refusals(case, run_checks(case), site_dir=site_dir)
    if reasons:
        print("The FINAL build is refused, for these reasons:", file=sys.stderr)
        for r in reasons:
            print(f"  - {r}", file=sys.stderr)
        print(
            "Nothing was written. Fix these, or build without --final for a DRAFT.", file=sys.stderr
        )
        return EXIT_FINDINGS
    site_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{site_dir.name}.final-", dir=site_dir.parent))
    try:
        code = _build(
            args,
            case_dir,
            staging,
            edition,
            seen,
            final=True,
            excludes=[site_dir, staging],
            shown=site_dir,
        )
        if code != EXIT_OK or not (staging / "manifest.json").is_file():
            print(
                "The FINAL build did not complete; the previous site is unchanged.", file=sys.stderr
            )
            return code if code != EXIT_OK else EXIT_UNUSABLE
        old = None
        try:
            if site_dir.exists():
                old = site_dir.with_name(f".{site_dir.name}.old-{staging.name.rsplit('-', 1)[-1]}")
                site_dir.rename(old)
            staging.rename(site_dir)
        except OSError as e:
            if old is not None and not site_dir.exists():
                old.rename(site_dir)  # put the previous site back
            print(f"The FINAL site could not be moved into {site_dir}: {e}", file=sys.stderr)
            return EXIT_UNUSABLE
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)
    return EXIT_OK


def cmd_serve(args) -> int:
    from mkdocs.commands.serve import serve

    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    if args.pdf:
        os.environ["IMR_SERVE_PDF"] = "1"
    _setup_logging(args.verbose)
    cfg = Path(args.dir).resolve() / "mkdocs.yml"
    if not cfg.is_file():
        print(
            f"There is no mkdocs.yml in {cfg.parent}: run this in the case folder.", file=sys.stderr
        )
        return EXIT_UNUSABLE
    serve(config_file=str(cfg), dev_addr=args.dev_addr, open_in_browser=False)
    return EXIT_OK


def template_files():
    """The files `imr new` copies, as (relative path, Traversable)."""
    root = resources.files("imr_site.case_template")

    def walk(node, prefix=""):
        for child in sorted(node.iterdir(), key=lambda c: c.name):
            rel = f"{prefix}{child.name}"
            if child.name in ("__init__.py", "__pycache__"):
                continue
            if child.is_dir():
                yield from walk(child, rel + "/")
            else:
                yield rel, child

    return list(walk(root))


def cmd_new(args) -> int:
    target = Path(args.dir)
    if target.exists() and any(target.iterdir()):
        print(
            f"{target} already exists and is not empty: choose a new folder name.", file=sys.stderr
        )
        return EXIT_UNUSABLE
    target.mkdir(parents=True, exist_ok=True)
    for rel, node in template_files():
        dest = target / rel
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.write_bytes(node.read_bytes())
    _add_schemas(target)
    print(f"New case in {target}. Next: edit mkdocs.yml and the files in docs/ and data/, then run")
    print(f"  imr check {target}\n  imr serve {target}")
    return EXIT_OK


SCHEMA_COPY = ".imr/schemas"  # inside a new case: the editor finds the schemas offline


def _add_schemas(target: Path) -> None:
    """Copy the JSON Schemas into the new case and point each data file at its own with a
    yaml-language-server modeline (VS Code's YAML extension and other editors read it)."""
    from .schema import FILES, SCHEMA_DIR

    dest = target / SCHEMA_COPY
    dest.mkdir(parents=True, exist_ok=True)
    for name, file in FILES.items():
        (dest / file).write_bytes((SCHEMA_DIR / file).read_bytes())
        data = target / "data" / f"{name}.yml"
        if not data.is_file():
            continue
        text = data.read_text(encoding="utf-8")
        if "yaml-language-server:" not in text:
            line = f"# yaml-language-server: $schema=../{SCHEMA_COPY}/{file}\n"
            data.write_text(line + text, encoding="utf-8")


# --- parser ---------------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="imr",
        description="Write, check and build an Individual Management Review as docs-as-code.",
    )
    sub = p.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True

    c = sub.add_parser("check", help="run every check without building")
    c.add_argument("dir", nargs="?", default=".", help="the case folder (default: here)")
    c.add_argument("--format", choices=sorted(FORMATS), default="text")
    c.set_defaults(func=cmd_check)

    b = sub.add_parser("build", help="build the HTML site and the PDF")
    b.add_argument("dir", nargs="?", default=".")
    which = b.add_mutually_exclusive_group()
    which.add_argument("--edition", choices=("restricted", "anonymised"))
    which.add_argument(
        "--both-editions",
        action="store_true",
        help="build the restricted and the anonymised edition, into SITE_DIR/restricted and "
        "SITE_DIR/anonymised",
    )
    b.add_argument("--final", action="store_true", help="a FINAL build (refused unless complete)")
    b.add_argument("--no-pdf", action="store_true", help="HTML only")
    b.add_argument("--site-dir", help="where to write the site (default: DIR/site)")
    b.add_argument(
        "--bundle",
        action="store_true",
        help="also write SITE/<case reference>-<edition>.zip: the site, working when opened from "
        "disk, and the PDF",
    )
    b.add_argument("-v", "--verbose", action="store_true")
    b.set_defaults(func=cmd_build)

    s = sub.add_parser("serve", help="live preview while you edit (PDF off unless --pdf)")
    s.add_argument("dir", nargs="?", default=".")
    s.add_argument("--pdf", action="store_true")
    s.add_argument("--dev-addr", default="127.0.0.1:8000")
    s.add_argument("-v", "--verbose", action="store_true")
    s.set_defaults(func=cmd_serve)

    n = sub.add_parser("new", help="start a new case from the template")
    n.add_argument("dir")
    n.set_defaults(func=cmd_new)

    for register in EXTRA_COMMANDS:
        register(sub)
    return p


# Feature modules add subcommands here: each is a function(subparsers) that adds its parser
# and sets `func`.
EXTRA_COMMANDS: list = [chronology_commands.register, actions_commands.register]


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # output piped into a command that stopped reading (head)
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
