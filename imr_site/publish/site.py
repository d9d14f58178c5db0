"""The site's generated content: each part's blocks placed into the sections, and the furniture
every page carries (the status banner, the home page's case summary).

Each block is plain HTML that its part draws from a Jinja template with autoescaping on, so
nothing an author typed in a data file can run as HTML. The MkDocs plugin places each block at
its marker comment (``<!-- imr:NAME -->``) in the section, or at the end when there is none.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

from imr_site.actions.render import actions_block, link_recommendations
from imr_site.case.editions import shows_process_record
from imr_site.case.files import outside
from imr_site.case.templates import Templates
from imr_site.chronology.render import block_inputs as chronology_inputs
from imr_site.chronology.render import chronology_block
from imr_site.people import abbreviations
from imr_site.people.abbreviations import render_block as abbreviations_block
from imr_site.process.render import PAGE_TITLE, process_block
from imr_site.sections import raw_html
from imr_site.sections.render import details_block

TEMPLATES = Templates(__file__)

# The site's CSS, JavaScript and pictures, by folder: each part's beside its code. They are
# copied into the site under assets/imr/ (vendor/ only for a site opened from disk).
ASSETS = Path(__file__).parent / "assets"
ASSET_DIRS = (ASSETS, Path(__file__).parent.parent / "chronology" / "assets")

# generated: name in the spec -> function(case) -> HTML.
GENERATORS: dict[str, Callable] = {
    "chronology": chronology_block,
    "abbreviations": abbreviations_block,
    "actions": actions_block,
}

# name -> function(case) -> everything that generator reads: the live preview keeps a block and
# draws it again only when these change (the blocks that take long to draw).
GENERATOR_INPUTS: dict[str, Callable] = {
    "chronology": chronology_inputs,
}

# section id -> function(html, case) -> html: changes to a section's rendered page that depend on
# other parts of the report (the recommendations link to their actions in the action plan).
FINISHERS: dict[str, Callable] = {
    "recommendations": link_recommendations,
}


def site_assets() -> list[tuple[str, Path]]:
    """(path under assets/imr/, file) for each CSS, JavaScript and SVG file every site gets."""
    out = []
    for folder in ASSET_DIRS:
        for path in sorted(folder.rglob("*")):
            rel = path.relative_to(folder).as_posix()
            if rel.startswith("vendor/") or rel == "print.css" or not path.is_file():
                continue
            if path.suffix in (".css", ".js", ".svg"):
                out.append((rel, path))
    return out


def refused_files(case, files, docs_dir: str) -> list:
    """The files MkDocs found in docs/ that must not be published: those the case refused when
    it was read, and any other whose real path lies outside the case folder."""
    docs = Path(docs_dir).resolve()
    out = []
    for file in files:
        if file.generated_by or not file.src_dir or Path(file.src_dir).resolve() != docs:
            continue  # the theme's and the plugins' own files
        src = docs / file.src_uri
        if src in case.refused or outside(case.root, src):
            out.append(file)
    return out


def clean_page(html: str) -> str:
    """A page's HTML as Markdown wrote it (the author's part, before any generated block is
    placed), through the allow-list: no script, no event handler, nothing fetched from outside
    the case. The site and the PDF are made from what this returns."""
    return raw_html.sanitise(html)


def safe_meta(meta: dict) -> dict:
    """A page's front matter as the theme may show it (see sections.raw_html.safe_meta)."""
    return raw_html.safe_meta(meta)


def finish_section(case, section_id: str, html: str) -> str:
    """A section's page HTML after the changes that link it to other parts of the report."""
    finisher = FINISHERS.get(section_id)
    return finisher(html, case) if finisher else html


def section_blocks(case, section_id: str, drawn: dict | None = None) -> dict[str, str]:
    """Marker name -> HTML for everything generated into one section. ``drawn`` (name ->
    (inputs, HTML)), kept by the caller between builds, saves drawing a block whose inputs
    (GENERATOR_INPUTS) are as they were."""
    spec = case.spec.section(section_id)
    if spec is None:
        return {}
    blocks: dict[str, str] = {}
    if spec.fields:
        blocks["details"] = details_block(case, section_id)
    name = spec.generated
    if name and name in GENERATORS:
        inputs = (
            GENERATOR_INPUTS[name](case) if drawn is not None and name in GENERATOR_INPUTS else None
        )
        kept = drawn.get(name) if inputs is not None else None
        if kept is not None and kept[0] == inputs:
            blocks[name] = kept[1]
        else:
            blocks[name] = GENERATORS[name](case)
            if inputs is not None:
                drawn[name] = (inputs, blocks[name])
    return blocks


PROCESS_PAGE = "process-record.md"  # generated in the restricted edition; in the PDF on request
PROCESS_TITLE = PAGE_TITLE


def process_page(case, edition: str | None = None) -> str | None:
    """The Markdown of the restricted process page, or None when this edition must not have it
    (the anonymised edition never does; nor a case with no process record)."""
    record = case.data.get("process")
    if not shows_process_record(edition or case.config.edition) or not record or not record.exists:
        return None
    return f"# {PAGE_TITLE}\n\n<!-- imr:process -->\n"


def process_blocks(case) -> dict[str, str]:
    return {"process": process_block(case)}


def home_block(case, pdf_name: str | None, status: str) -> str:
    """The case summary at the top of the home page, with the PDF link."""
    return TEMPLATES.render(
        "home.html",
        config=case.config,
        spec=case.spec,
        pdf_name=pdf_name,
        status=status,
    )


def banner(case, status: str) -> str:
    """The line every HTML page carries: status (DRAFT/FINAL), marking, case and edition."""
    return TEMPLATES.render("banner.html", config=case.config, status=status)


def data_copies(site_dir: str | Path, data_dir: str | Path) -> list[tuple[str, str]]:
    """(output file, data file) for every file of the build that is a copy of a data file."""

    data = Path(data_dir)
    if not data.is_dir():
        return []
    digests: dict[tuple[int, str], str] = {}
    for p in data.rglob("*"):
        if p.is_file():
            digests[(p.stat().st_size, hashlib.sha256(p.read_bytes()).hexdigest())] = p.name
    sizes = {size for size, _ in digests}
    out = []
    root = Path(site_dir)
    for p in sorted(root.rglob("*")) if root.is_dir() else []:
        if not p.is_file():
            continue
        rel = p.relative_to(root).as_posix()
        if p.name in ("people.yml", "people-key.yml", "people.yaml"):
            out.append((rel, p.name))
            continue
        if p.stat().st_size in sizes:
            key = (p.stat().st_size, hashlib.sha256(p.read_bytes()).hexdigest())
            if key in digests:
                out.append((rel, digests[key]))
    return out


# Where a table's rows start: hovers can be added to each row on its own.
_ROW = "\n<tr"


def add_hover_by_row(block: str, terms: dict[str, str], kept: dict[str, str]) -> str:
    """``abbreviations.add_hover(block, terms)``, each table row taken from ``kept`` (a row's
    HTML -> with hovers) when it was there, so that the live preview hovers only the rows that
    changed. ``kept`` is refilled with this block's rows. Hovers never reach into a tag or an
    element they skip (code, svg, ...), so a row is hovered alike on its own or in the page: the
    rows are taken one by one only when no such element is open where a row starts."""
    first, *rows = block.split(_ROW)
    rest = block[len(first) :]
    skipped = abbreviations.SKIP_INSIDE
    if (
        not rows
        or any(f"<{t}" in rest for t in skipped)
        or any(first.count(f"<{t}") != first.count(f"</{t}") for t in skipped)
    ):
        kept.clear()
        return abbreviations.add_hover(block, terms)
    before = dict(kept)
    kept.clear()
    out = [abbreviations.add_hover(first, terms)]
    for row in rows:
        row = _ROW + row
        hovered = before.get(row)
        if hovered is None:
            hovered = abbreviations.add_hover(row, terms)
        kept[row] = hovered
        out.append(hovered)
    return "".join(out)
