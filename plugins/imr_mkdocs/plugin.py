"""The MkDocs plugin ``imr``: a thin adapter between MkDocs and the imr_site core.

It reads the case once (on_config), reports every finding as a warning so that
``mkdocs build --strict`` fails on them, places generated blocks into the sections, and writes the
PDF after the site is built. Everything it knows about IMRs comes from imr_site.
"""

from __future__ import annotations

import logging
import os
import re
import secrets
import shutil
import time
from pathlib import Path

from mkdocs.config import config_options as opt
from mkdocs.config.base import Config
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, CombinedEvent, event_priority
from mkdocs.structure.files import File, Files

from imr_site.case import gitrepo
from imr_site.case.editions import ANONYMISED
from imr_site.case.findings import CaseError, Finding, Severity
from imr_site.case.model import Case
from imr_site.case.sections import STATUS_LABELS
from imr_site.people import abbreviations
from imr_site.publish import editions, offline, preview, search, site
from imr_site.publish.final import final_build_refusals
from imr_site.publish.manifest import write_final_manifest
from imr_site.publish.template_cache import THEME_TEMPLATES, keep_theme_compiled
from imr_site.review.registry import load_case, run_checks
from imr_site.review.status import status_block
from imr_site.sections import links
from imr_site.signoff.model import is_signed_off

log = logging.getLogger("mkdocs.plugins.imr")

ASSET_PREFIX = "assets/imr/"
STATUS_PAGE = "review-status.md"  # generated; never in the PDF


class IMRPluginConfig(Config):
    case_reference = opt.Type(str, default="IMR")
    agency = opt.Type(str, default="")
    review_period = opt.Type(dict, default={})
    protective_marking = opt.Type(str, default="OFFICIAL-SENSITIVE")
    edition = opt.Choice(("restricted", "anonymised"), default="restricted")
    spec = opt.Optional(opt.Type(str))
    data_dir = opt.Type(str, default="data")
    pdf = opt.Type(bool, default=True)
    version = opt.Optional(opt.Type(str))
    final = opt.Type(bool, default=False)
    rules = opt.Type(dict, default={})
    chronology = opt.Type(dict, default={})
    abbreviations = opt.Type(dict, default={})
    pdf_keywords = opt.ListOfItems(opt.Type(str), default=[])  # extra PDF metadata keywords
    schemas = opt.Type(dict, default={})  # name -> the case's own JSON Schema (imr_site.schema)
    status_page = opt.Type(bool, default=True)  # the generated "Review status" page
    with_process = opt.Type(bool, default=False)  # the process record in the (restricted) PDF
    reference_docx = opt.Optional(opt.Type(str))  # `imr export docx`: the board's Word styles
    panel = opt.Optional(opt.Type(dict))  # a review panel's case: the agencies (imr_site.panel)


def _case_error_message(e: CaseError) -> str:
    lines = ["The case cannot be read:"]
    lines += [f"  {f.where()}: {f.message}" for f in e.findings]
    return "\n".join(lines)


class IMRPlugin(BasePlugin[IMRPluginConfig]):
    supports_multiple_instances = False

    def __init__(self):
        self.case: Case | None = None
        self.findings: list[Finding] = []
        self.command = "build"
        self.pdf_path: Path | None = None
        self._pages: dict[str, str] = {}  # src_uri -> section id
        self._print_html: dict[str, str] = {}  # section id -> page content for the PDF
        self._page_urls: dict[str, str] = {}
        self._blocks: dict[str, dict[str, str]] = {}  # src_uri -> marker name -> HTML
        self._token = secrets.token_hex(4)
        self._hover: dict[str, str] = {}  # abbreviation -> meaning shown on hover
        self._staging: Path | None = None  # an anonymised build is made here, then checked
        self._final_site_dir: Path | None = None
        self._not_from_case: set[str] = set()  # theme and plugin files: no case data in them
        self.leak_error: editions.LeakError | None = None  # set when the leak gate stops a build
        self.pdf_error = None  # set when the PDF could not be made (publish.pdf.PdfError)
        self.build_error: Exception | None = None  # what stopped the last build, if anything
        self.case_error: CaseError | None = None  # `imr serve` only: why the case cannot be read
        # A PDF already rendered for this case and edition (by the build an offline bundle
        # accompanies): copied into the site instead of being rendered a second time.
        self.pdf_source: Path | None = None
        self.commit: str | None = None  # the Git commit built from (None outside Git)
        self.dirty = False  # the working tree differs from that commit
        self.git_excludes: list[Path] = []  # folders the final build's clean-tree test ignores
        self.manifest_path: Path | None = None
        # page src_uri -> (a large block as placed, the markup the search index reads instead)
        self._index_markup: dict[str, tuple[str, str]] = {}
        self._index_markup_kept: tuple | None = None  # `imr serve`: the last (block, markup)
        self._light_search = False
        # `imr serve` only, kept between rebuilds: block name -> (inputs, HTML) of the blocks
        # that take long to draw, and -> (block, hover terms, block with hovers)
        self._drawn: dict[str, tuple] = {}
        self._hovered: dict[str, tuple] = {}

    # --- reading the case -------------------------------------------------------------------

    def on_startup(self, *, command, dirty):
        self.command = command

    def on_shutdown(self):
        # MkDocs keeps this instance for the process: a later build is not a preview.
        self.command = "build"

    @event_priority(100)  # before the search plugin, which draws a theme template in its own
    def _theme_compiled_once(self, config):
        root = Path(config.config_file_path or ".").resolve().parent
        keep_theme_compiled(config.theme, root, serving=self.command == "serve")
        return config

    def _on_config(self, config):
        # MkDocs keeps one plugin instance per process: forget the previous build's outputs.
        self.pdf_path = self.manifest_path = self.commit = self.pdf_error = None
        self.build_error = None
        self.dirty = False
        self._print_html, self._page_urls, self._blocks = {}, {}, {}
        self._index_markup = {}
        self._light_search = _only_material_search_reads_pages(config)
        self._process_html = None  # the restricted process page, for the PDF on request
        root = Path(config.config_file_path or ".").resolve().parent
        docs = Path(config.docs_dir).resolve()
        data = (root / self.config.data_dir).resolve()
        if data == docs or docs in data.parents:
            raise PluginError(
                f"The data folder ({self.config.data_dir}) is inside docs/, so the chronology and the "
                "people key would be published with the site. Move data/ beside docs/."
            )
        self.case_error = None
        serving = self.command == "serve"
        try:
            # The live preview reads again only the files changed since its last reading.
            self.case = load_case(
                root,
                options=dict(self.config),
                docs_dir=docs,
                previous=self.case if serving else None,
                remember=serving,
            )
        except CaseError as e:
            if self.command != "serve":
                raise PluginError(_case_error_message(e)) from None
            # The live preview shows the problem in place of every page, not a stale site.
            self.case, self.case_error, self.findings = None, e, list(e.findings)
            log.error(_case_error_message(e))
            return config
        self.findings = run_checks(self.case)
        if self.config.final:
            # Before anything is written: a refused final build leaves the old site as it was.
            reasons = final_build_refusals(
                self.case, self.findings, site_dir=Path(config.site_dir), exclude=self.git_excludes
            )
            if reasons:
                raise PluginError(
                    "The FINAL build is refused, for these reasons:\n"
                    + "\n".join(f"  - {r}" for r in reasons)
                    + "\nNothing was written. Fix these, or build without --final for a DRAFT."
                )
        for f in self.findings:
            if f.severity is Severity.INFO:
                log.info(str(f))
            else:
                log.warning(str(f))
        self.commit = gitrepo.head_commit(root)
        if self.commit:
            changed = gitrepo.uncommitted(root, exclude=[Path(config.site_dir), *self.git_excludes])
            self.dirty = bool(changed)

        # With repo_url set, each page links to its source for editing (Material needs this
        # feature switched on; generated pages have no source and get no link).
        if config.repo_url and config.theme.name == "material":
            features = config.theme.get("features") or []
            if "content.action.edit" not in features:
                config.theme["features"] = [*features, "content.action.edit"]

        # Material shows a page's `status:` front matter as an icon in the navigation; give it
        # the words for ours, so that the icon's tooltip says where each section is.
        if config.theme.name == "material":
            titles = dict(config.extra.get("status") or {})
            for key, title in STATUS_LABELS.items():
                titles.setdefault(key, title)
            config.extra["status"] = titles

        # The built site must never fetch anything: Material otherwise links Google Fonts.
        if config.theme.name == "material" and config.theme.get("font") is not False:
            config.theme["font"] = False
            log.debug("theme.font set to false: the site must work offline")
        config.extra_css.append(ASSET_PREFIX + "imr.css")
        if self.command == "serve":
            config.extra_css.append(ASSET_PREFIX + preview.CSS)
        # Names Material's search dialog for screen readers (imr_site/publish/assets/imr.js).
        config.extra_javascript.append(ASSET_PREFIX + "imr.js")
        # The chronology page's filters: plain JavaScript shipped with the package.
        config.extra_css.append(ASSET_PREFIX + "chronology.css")
        config.extra_javascript.append(ASSET_PREFIX + "chronology.js")
        self._hover = abbreviations.hover_terms(self.case)
        if self.command != "serve":
            self._drawn, self._hovered = {}, {}

        # An anonymised edition is built out of sight and moved into place only once the leak
        # gate has read every file of it (on_post_build). `mkdocs serve` builds into a
        # temporary folder of its own: there the gate runs, but there is nothing to move.
        self._staging = self._final_site_dir = None
        self.leak_error = None
        if self.case.config.edition == ANONYMISED and self.command != "serve":
            self._final_site_dir = Path(config.site_dir).resolve()
            editions.remove_stale_staging(self._final_site_dir)
            self._staging = editions.staging_dir(self._final_site_dir)
            config.site_dir = str(self._staging)
        if offline.is_offline(config):
            offline.use_local_shim(config, ASSET_PREFIX)
        return config

    on_config = CombinedEvent(_theme_compiled_once, _on_config)

    def on_files(self, files: Files, *, config) -> Files:
        if self.case_error is not None:
            return files
        # A link to a file outside the case, or a file over the size limit, is never published
        # (the case's findings IMR007/IMR008 say so).
        for file in site.refused_files(self.case, files, config.docs_dir):
            files.remove(file)
        for rel, path in site.site_assets():
            files.append(File.generated(config, ASSET_PREFIX + rel, abs_src_path=str(path)))
        if offline.is_offline(config):
            for file in offline.vendor_files(config, ASSET_PREFIX):
                files.append(file)
        self._not_from_case = _theme_and_plugin_files(files, config)
        pages_by_uri = {p.src_uri: p.section_id for p in self.case.pages}
        self._pages = {uri: sid for uri, sid in pages_by_uri.items() if sid}
        # where each section's page will be, so generated blocks can link between pages
        for uri, sid in self._pages.items():
            file = files.get_file_from_path(uri)
            if file is not None and sid not in self.case.urls:
                self.case.urls[sid] = file.url
        if self.config.status_page:
            if files.get_file_from_path(STATUS_PAGE) is not None:
                log.warning(
                    f"docs/{STATUS_PAGE} exists, so the generated Review status page is not made: "
                    "rename the file, or set status_page: false under the imr plugin."
                )
            else:
                files.append(
                    File.generated(
                        config, STATUS_PAGE, content="# Review status\n\n<!-- imr:status -->\n"
                    )
                )
                # An explicit nav in mkdocs.yml would leave the generated page out: add it at the end.
                if config.nav is not None and not _mentions(config.nav, STATUS_PAGE):
                    config.nav.append({"Review status": STATUS_PAGE})
        process = site.process_page(self.case)
        if process is not None:
            if files.get_file_from_path(site.PROCESS_PAGE) is not None:
                log.warning(
                    f"docs/{site.PROCESS_PAGE} exists, so the generated process record page is "
                    "not made: rename the file."
                )
            else:
                files.append(File.generated(config, site.PROCESS_PAGE, content=process))
                if config.nav is not None and not _mentions(config.nav, site.PROCESS_PAGE):
                    config.nav.append({"Process record": site.PROCESS_PAGE})
        return files

    # --- pages ------------------------------------------------------------------------------

    @property
    def status(self) -> str:
        return "FINAL" if self.config.final and is_signed_off(self.case) else "DRAFT"

    @property
    def version_text(self) -> str:
        """The version shown on the cover: the edition's version and the commit built from."""
        base = self.config.version or ("final" if self.status == "FINAL" else "draft")
        if not self.commit:
            return base
        return f"{base}, commit {self.commit[:12]}" + (
            " with uncommitted changes" if self.dirty else ""
        )

    @property
    def pdf_name(self) -> str | None:
        if not self.config.pdf or self.command == "serve" and not os.environ.get("IMR_SERVE_PDF"):
            return None
        return f"{self.case.config.output_stem}.pdf"

    def _placeholder(self, name: str) -> str:
        return f"IMRBLOCK{self._token}{name}"

    def on_env(self, env, *, config, files):
        env.bytecode_cache = THEME_TEMPLATES  # serve: the theme compiled once, not every save
        return env

    def on_page_markdown(self, markdown: str, *, page, config, files) -> str:
        if self.case_error is not None:
            return markdown
        page.meta = site.safe_meta(page.meta)  # the theme writes these fields unescaped
        sid = self._pages.get(page.file.src_uri)
        drawn = self._drawn if self.command == "serve" else None  # kept between rebuilds
        blocks = site.section_blocks(self.case, sid, drawn) if sid else {}
        if page.file.src_uri == STATUS_PAGE and page.file.generated_by:
            links = {
                s: files.get_file_from_path(uri).url_relative_to(page.file)
                for uri, s in self._pages.items()
                if files.get_file_from_path(uri) is not None
            }
            blocks = {"status": status_block(self.case, self.findings, links)}
        if page.file.src_uri == site.PROCESS_PAGE and page.file.generated_by:
            blocks = site.process_blocks(self.case)
        if page.is_homepage:
            blocks = {"home": site.home_block(self.case, self.pdf_name, self.status), **blocks}
            if "<!-- imr:home -->" not in markdown:
                markdown = _after_title(markdown, "<!-- imr:home -->")
        self._blocks[page.file.src_uri] = blocks
        for name in blocks:
            marker = f"<!-- imr:{name} -->"
            holder = f"\n\n{self._placeholder(name)}\n\n"
            if marker in markdown:
                markdown = markdown.replace(marker, holder, 1)
            else:
                markdown += holder
        return markdown

    def on_page_content(self, html: str, *, page, config, files) -> str:
        if self.case_error is not None:
            return preview.error_page(self.case_error.findings)
        html = site.clean_page(html)  # the author's HTML only: our blocks are placed after
        sid = self._pages.get(page.file.src_uri)
        # Hovers are added to the author's part and to each block on its own (a block is whole
        # elements, so this is what one pass over the page gives): the chronology's, as placed,
        # is then known, and the search index can read it without its markup.
        html = abbreviations.add_hover(html, self._hover)
        for name, block in self._blocks.pop(page.file.src_uri, {}).items():
            holder = self._placeholder(name)
            block = self._with_hover(name, block)
            html = html.replace(f"<p>{holder}</p>", block).replace(holder, block)
            if self._light_search:
                self._search_reads(page.file.src_uri, block)
        if sid:
            html = site.finish_section(self.case, sid, html)
            self._print_html[sid] = html
            self._page_urls[sid] = page.file.dest_uri
        if page.file.src_uri == site.PROCESS_PAGE and page.file.generated_by:
            self._process_html = (page.file.dest_uri, html)
        if self.command == "serve":  # the live preview only: never in a built site
            rel = self.case.rel(Path(page.file.abs_src_path)) if page.file.abs_src_path else ""
            shown = preview.page_findings(
                self.findings, rel, home=page.is_homepage, pages={p.rel for p in self.case.pages}
            )
            anonymised = self.case.config.edition == ANONYMISED
            html = preview.findings_banner(shown, anonymised=anonymised) + html
        return site.banner(self.case, self.status) + html

    def _with_hover(self, name: str, block: str) -> str:
        """The block with its abbreviations' hovers; the preview's last one when the block and
        the terms are as they were."""
        if name not in self._drawn:  # only blocks kept between rebuilds are worth keeping
            return abbreviations.add_hover(block, self._hover)
        kept = self._hovered.get(name)
        if kept is not None and kept[1] == self._hover:
            if kept[0] is block:
                return kept[2]
            rows = kept[3]  # the block changed: hover again only the rows that did
        else:
            rows = {}
        hovered = site.add_hover_by_row(block, self._hover, rows)
        self._hovered[name] = (block, dict(self._hover), hovered, rows)
        return hovered

    # --- the search index -------------------------------------------------------------------

    def _search_reads(self, src_uri: str, block: str) -> None:
        """Let the search index read a large block without its markup (imr_site.publish.search)."""
        if len(block) < LIGHT_SEARCH_FROM:
            return
        kept = self._index_markup_kept
        markup = kept[1] if kept is not None and kept[0] is block else search.index_markup(block)
        if self.command == "serve":
            self._index_markup_kept = (block, markup)
        if markup is not None:
            self._index_markup[src_uri] = (block, markup)

    @event_priority(50)  # just before Material's search plugin reads the page
    def _search_reads_light_markup(self, context, *, page, config, nav):
        swap = self._index_markup.get(page.file.src_uri)
        if swap is not None and swap[0] in page.content:
            page.content = page.content.replace(swap[0], swap[1], 1)
        else:
            self._index_markup.pop(page.file.src_uri, None)
        return context

    @event_priority(-50)  # once it has: the page as readers see it, before the theme writes it
    def _readers_see_the_page(self, context, *, page, config, nav):
        swap = self._index_markup.pop(page.file.src_uri, None)
        if swap is not None:
            page.content = page.content.replace(swap[1], swap[0], 1)
        return context

    on_page_context = CombinedEvent(_search_reads_light_markup, _readers_see_the_page)

    # --- after the site ---------------------------------------------------------------------

    @event_priority(-50)  # after other plugins (search, sitemap) have written their files
    def on_post_build(self, *, config):
        if self.case_error is not None:
            return
        copies = site.data_copies(config.site_dir, self.case.data_path)
        if copies:
            editions.discard(self._staging)
            self._staging = None
            where = ", ".join(f"{out} (a copy of data/{src})" for out, src in copies)
            raise PluginError(
                f"Files from data/ were copied into the site: {where}. Data files are never "
                "published: remove them from docs/ (and any hook or setting that copies them)."
            )
        self._write_pdf(config)
        self._write_manifest(config)
        if self.case.config.edition == ANONYMISED:
            self._leak_gate(config)

    def _leak_gate(self, config) -> None:
        """Read every file of the anonymised build, the PDF included; publish only if clean."""
        built = Path(config.site_dir)
        skip = self._not_from_case
        started = time.perf_counter()
        try:
            if self._staging is not None:
                editions.gate_and_publish(self.case, self._staging, self._final_site_dir, skip=skip)
                config.site_dir = str(self._final_site_dir)
                if self.pdf_path is not None:
                    self.pdf_path = self._final_site_dir / self.pdf_path.name
                if self.manifest_path is not None:
                    self.manifest_path = self._final_site_dir / self.manifest_path.name
                self._staging = None
            else:
                leaks, problems = editions.check_output(self.case, built, skip=skip)
                if leaks or problems:
                    raise editions.LeakError(leaks, problems)
        except editions.LeakError as e:
            self._staging = None
            self.pdf_path = None
            self.leak_error = e
            raise PluginError(str(e)) from None
        log.info(
            "Leak check: no name or other identifier found in the anonymised edition "
            f"({time.perf_counter() - started:.1f} s); published to {config.site_dir}"
        )

    def on_build_error(self, *, error):
        self.build_error = error  # `imr build` says why once (MkDocs' own line is then quiet)
        # Whatever went wrong, a half-built anonymised edition is never left behind.
        if self._staging is not None:
            editions.discard(self._staging)
            self._staging = None

    def _write_pdf(self, config) -> None:
        name = self.pdf_name
        if not name:
            return
        out = Path(config.site_dir) / name
        if self.pdf_source:
            shutil.copyfile(self.pdf_source, out)
            self.pdf_path = out
            return
        # Typst is imported only when a PDF is wanted
        from imr_site.publish import pdf as imr_pdf

        doc = imr_pdf.print_document(
            self.case,
            self._print_html,
            self._page_urls,
            status=self.status,
            version=self.version_text,
            keywords=self.config.pdf_keywords,
            appendices=self._pdf_appendices(),
        )
        doc.site_dir = Path(config.site_dir)
        try:
            result = imr_pdf.write_pdf(doc, out)
        except imr_pdf.PdfError as e:
            self.pdf_error = e
            raise PluginError(str(e)) from None
        # What the PDF could not show is a finding like any other (and can be switched off).
        for f in links.without_repeats(
            self.case.config.rules.apply(result.findings), self.findings
        ):
            self.findings.append(f)
            (log.info if f.severity is Severity.INFO else log.warning)(str(f))
        self.pdf_path = out
        log.info(f"PDF written: {out} ({result.pages} pages, {result.seconds:.1f} s)")

    def _pdf_appendices(self) -> list[tuple[str, str, str, str]]:
        """(id, title, URL, HTML) of pages printed after the report: the process record, only
        when asked for (--with-process) and only in the restricted edition, which alone has it."""
        if not self.config.with_process:
            return []
        if self._process_html is None:
            log.info(
                "The process record is not in this PDF: only the restricted edition of a case "
                "with data/process.yml has it."
            )
            return []
        url, html = self._process_html
        return [("process", site.PROCESS_TITLE, url, html)]

    def _write_manifest(self, config) -> None:
        if self.status == "FINAL":
            # Last, so that it lists every file written (the PDF included).
            self.manifest_path = write_final_manifest(
                Path(config.site_dir), self.case, self.findings, self.status, self.commit
            )
            log.info(f"Manifest written: {self.manifest_path}")

    @property
    def section_pages(self) -> tuple[dict[str, str], dict[str, str]]:
        """What the last build showed of each section: (section id -> page content HTML,
        section id -> page URL). The Word export and the redline read the report from here."""
        return dict(self._print_html), dict(self._page_urls)

    def on_serve(self, server, *, config, builder):
        root = Path(config.config_file_path or ".").resolve().parent
        data = (root / self.config.data_dir).resolve()
        if data.is_dir():
            server.watch(str(data))
        return server


# A block this long (in characters) is read by the search index without its markup: below it the
# saving is too small to matter (the example's chronology is about 60,000).
LIGHT_SEARCH_FROM = 20_000


def _only_material_search_reads_pages(config) -> bool:
    """Whether Material's search plugin is the only other plugin that sees pages' HTML between
    the two halves of ``on_page_context``: another plugin must never see the search's markup."""
    handlers = config.plugins.events.get("page_context", [])
    others = [h for h in handlers if not isinstance(getattr(h, "__self__", None), IMRPlugin)]
    return len(others) == 1 and type(others[0].__self__).__module__.startswith(
        "material.plugins.search"
    )


def _theme_and_plugin_files(files: Files, config) -> set[str]:
    """Output paths of files copied from the installed theme or from this plugin's assets.

    They hold no case data, and the leak gate does not read them (a theme's JavaScript is full
    of words that are also first names). A theme folder inside the case (custom_dir) is the
    author's and is read like everything else.
    """
    root = Path(config.config_file_path or ".").resolve().parent
    dirs = [d.resolve() for d in site.ASSET_DIRS]
    for d in config.theme.dirs:
        p = Path(d).resolve()
        # An installed theme (even in a virtual environment inside the case folder), not the
        # author's custom_dir.
        if not p.is_relative_to(root) or "site-packages" in p.parts:
            dirs.append(p)
    out = set()
    for f in files:
        src = Path(f.abs_src_path).resolve() if f.abs_src_path else None
        if src is not None and any(src.is_relative_to(d) for d in dirs):
            out.add(f.dest_uri)
    return out


def _after_title(markdown: str, insert: str) -> str:
    """Put `insert` after the page's first level-1 heading (or at the top)."""
    m = re.search(r"^# .*$", markdown, flags=re.MULTILINE)
    if not m:
        return f"{insert}\n\n{markdown}"
    return markdown[: m.end()] + f"\n\n{insert}\n" + markdown[m.end() :]


def _mentions(nav, uri: str) -> bool:
    """Whether a nav setting (lists, mappings and strings, as in mkdocs.yml) names ``uri``."""
    if isinstance(nav, str):
        return nav == uri
    if isinstance(nav, dict):
        return any(_mentions(v, uri) for v in nav.values())
    if isinstance(nav, list):
        return any(_mentions(v, uri) for v in nav)
    return False
