"""The ``imr`` command: a thin adapter over the core library (and over MkDocs for building).

Exit codes: 0 clean, 1 findings at error level, 2 the case cannot be read (or bad usage).
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from importlib import resources
from pathlib import Path

from . import actions_commands, chronology_commands
from .bundle import LINK, find_external_references, write_zip
from .case import load_case
from .checks import run_checks
from .findings import CaseError, Finding, Severity, summarise

EXIT_OK, EXIT_FINDINGS, EXIT_UNUSABLE = 0, 1, 2


# --- output formats -------------------------------------------------------------------------


def format_text(findings: list[Finding]) -> str:
    lines = [str(f) for f in findings]
    s = summarise(findings)
    lines.append(
        f"{s['error']} error(s), {s['warning']} warning(s), {s['info']} note(s)."
        if findings
        else "No findings: the case passes every check."
    )
    return "\n".join(lines)


def format_json(findings: list[Finding]) -> str:
    return json.dumps(
        {"findings": [f.as_dict() for f in findings], "summary": summarise(findings)}, indent=2
    )


FORMATS = {"text": format_text, "json": format_json}


def exit_code(findings: list[Finding]) -> int:
    return EXIT_FINDINGS if any(f.severity is Severity.ERROR for f in findings) else EXIT_OK


# --- commands -------------------------------------------------------------------------------


def cmd_check(args) -> int:
    try:
        case = load_case(args.dir)
    except CaseError as e:
        print(FORMATS[args.format](e.findings))
        return EXIT_UNUSABLE
    findings = run_checks(case)
    print(FORMATS[args.format](findings))
    return exit_code(findings)


def _mkdocs_config(case_dir: Path, site_dir: Path | None = None, **plugin_options):
    """Load the case's mkdocs.yml through MkDocs, with imr plugin options overridden."""
    from mkdocs.config import load_config

    cfg_file = case_dir / "mkdocs.yml"
    if not cfg_file.is_file():
        raise CaseError(
            [
                Finding(
                    "IMR001", Severity.ERROR, None, None,
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
            [Finding("IMR002", Severity.ERROR, "mkdocs.yml", None, "mkdocs.yml does not use the imr plugin.")]
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
    if not args.both_editions:
        return _build_one(args, case_dir, site_dir, args.edition, seen)
    # Both editions, each in its own folder (site/restricted/, site/anonymised/), each PDF named
    # by case reference and edition. The anonymised one goes through the leak gate as always.
    codes = []
    for edition in ("restricted", "anonymised"):
        print(f"--- {edition} edition")
        codes.append(_build_one(args, case_dir, site_dir / edition, edition, seen))
    return max(codes)


def _build_one(args, case_dir: Path, site_dir: Path, edition: str | None, seen) -> int:
    from mkdocs.commands.build import build
    from mkdocs.exceptions import Abort, ConfigurationError, PluginError

    options = dict(
        edition=edition, pdf=False if args.no_pdf else None, final=True if args.final else None
    )
    plugin = None
    try:
        cfg, plugin = _mkdocs_config(case_dir, site_dir, **options)
        build(cfg)
        # MkDocs hands the same plugin object to every build in a process: keep this build's
        # results before the bundle's build replaces them.
        findings, pdf_path, status = plugin.findings, plugin.pdf_path, plugin.status
        bundle = None
        if args.bundle:
            out = site_dir / f"{plugin.case.config.output_stem}.zip"
            bundle = _build_bundle(case_dir, out, options, pdf_path, seen)
    except CaseError as e:
        print(format_text(e.findings), file=sys.stderr)
        return EXIT_UNUSABLE
    except (PluginError, ConfigurationError, Abort) as e:
        leak = getattr(plugin, "leak_error", None)
        if leak is not None:
            # Names found in the anonymised output: findings (ANO002), not an unreadable case.
            from .leaks import leak_findings

            shown = str(site_dir)
            if site_dir.is_relative_to(case_dir):
                shown = site_dir.relative_to(case_dir).as_posix()
            print(format_text(leak_findings(leak.leaks, leak.problems, shown)), file=sys.stderr)
            print(f"Build stopped: {leak}", file=sys.stderr)
            return EXIT_FINDINGS
        print(f"Build stopped: {e}", file=sys.stderr)
        return EXIT_UNUSABLE
    except BundleError as e:
        print(f"Bundle not written: {e}", file=sys.stderr)
        return EXIT_UNUSABLE
    s = summarise(findings)
    print(f"Site built in {site_dir}")
    if pdf_path:
        print(f"PDF: {pdf_path}")
    if bundle:
        print(f"Offline bundle: {bundle}")
    print(f"{s['error']} error(s), {s['warning']} warning(s), {s['info']} note(s). Status: {status}.")
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
                    "from mkdocs.yml or the page named:\n"
                    + "\n".join(f"  {r}" for r in fetched)
                )
            size = write_zip(folder, out, stem)
    finally:
        seen.quiet = False
    log.info(f"Offline bundle written: {out} ({size / 1_000_000:.1f} MB)")
    if pdf is None:
        log.info("Offline bundle: it holds no PDF, because this build made none.")
    return out


def cmd_serve(args) -> int:
    from mkdocs.commands.serve import serve

    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    if args.pdf:
        os.environ["IMR_SERVE_PDF"] = "1"
    _setup_logging(args.verbose)
    cfg = Path(args.dir).resolve() / "mkdocs.yml"
    if not cfg.is_file():
        print(f"There is no mkdocs.yml in {cfg.parent}: run this in the case folder.", file=sys.stderr)
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
        print(f"{target} already exists and is not empty: choose a new folder name.", file=sys.stderr)
        return EXIT_UNUSABLE
    target.mkdir(parents=True, exist_ok=True)
    for rel, node in template_files():
        dest = target / rel
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.write_bytes(node.read_bytes())
    print(f"New case in {target}. Next: edit mkdocs.yml and the files in docs/ and data/, then run")
    print(f"  imr check {target}\n  imr serve {target}")
    return EXIT_OK


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
        "--bundle", action="store_true",
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


if __name__ == "__main__":
    sys.exit(main())
