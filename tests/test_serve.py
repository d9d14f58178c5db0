"""`imr serve` between rebuilds (issue 16): it reads again only the files that changed, draws the
chronology again only when what it shows changed, lists the theme's files once and looks for
changes ten times a second; and what it serves is what a fresh preview would serve."""

from __future__ import annotations

import datetime as dt

import jinja2
import pytest
from conftest import copy_example, section_file
from test_preview import _serve_build

from imr_site.chronology.io import dump_chronology
from imr_site.chronology.sample import generate_entries
from imr_site.review.registry import load_case, run_checks


def _summary(case) -> tuple:
    """What a reading of the case gives, as plain values."""
    return (
        [(p.rel, p.meta, p.body) for p in case.pages],
        {name: obj for name, obj in case.data.items()},
        case.findings,
        run_checks(case),
    )


def test_reading_again_reuses_unchanged_files_and_reads_changed_ones(tmp_path):
    root = copy_example(tmp_path / "case")
    first = load_case(root, remember=True)
    again = load_case(root, previous=first)
    assert [a is b for a, b in zip(first.pages, again.pages, strict=True)] == [True] * len(
        first.pages
    )
    assert all(again.data[n] is first.data[n] for n in first.data)
    assert again is not first and _summary(again) == _summary(load_case(root))

    learning = section_file(root, "learning")
    learning.write_text(learning.read_text("utf-8") + "\nOwner: TBC.\n", "utf-8")
    edited = load_case(root, previous=again)
    changed = [p.rel for p, q in zip(again.pages, edited.pages, strict=True) if p is not q]
    assert changed == [learning.relative_to(root).as_posix()]
    assert edited.data["chronology"] is first.data["chronology"]
    assert _summary(edited) == _summary(load_case(root))
    assert "PLH001" in {f.code for f in run_checks(edited)}

    chronology = root / "data" / "chronology.yml"
    chronology.write_text(chronology.read_text("utf-8").replace("event: ", "event: New ", 1))
    edited = load_case(root, previous=edited)
    assert edited.data["chronology"] is not first.data["chronology"]
    assert edited.data["glossary"] is first.data["glossary"]
    assert _summary(edited) == _summary(load_case(root))

    # other settings: every data file is read again (a reader may use them)
    settings = root / "mkdocs.yml"
    settings.write_text(settings.read_text("utf-8").replace("end: 2025-02-09", "end: 2025-01-31"))
    moved = load_case(root, previous=edited)
    assert all(moved.data[n] is not edited.data[n] for n in edited.data)
    assert _summary(moved) == _summary(load_case(root))


def _pages(site) -> dict[str, bytes]:
    return {
        p.relative_to(site).as_posix(): p.read_bytes()
        for p in sorted(site.rglob("*"))
        if p.suffix in (".html", ".json")
    }


@pytest.mark.expect_warnings  # the generated entries' capitals (GLO002) and the TBC (PLH001)
def test_the_preview_after_edits_serves_what_a_fresh_preview_serves(tmp_path):
    root = copy_example(tmp_path / "case")
    entries = generate_entries(300, dt.date(2023, 12, 1), dt.date(2025, 2, 9), seed=5)
    chronology = root / "data" / "chronology.yml"
    chronology.write_text(dump_chronology(entries), "utf-8")
    site = tmp_path / "preview"
    plugin = _serve_build(root, site)
    learning = section_file(root, "learning")
    for edit in (
        lambda: learning.write_text(learning.read_text("utf-8") + "\nOwner: TBC.\n", "utf-8"),
        lambda: chronology.write_text(
            chronology.read_text("utf-8").replace("event: ", "event: Chronoword ", 1), "utf-8"
        ),
        lambda: (root / "data" / "glossary.yml").write_text(
            (root / "data" / "glossary.yml").read_text("utf-8") + "SUBSTANCE: A test term\n",
            "utf-8",
        ),
    ):
        edit()
        kept = plugin.case
        assert _serve_build(root, site) is plugin
        served = _pages(site)
        # a fresh preview: nothing kept from before
        plugin.case, plugin._drawn, plugin._hovered = None, {}, {}
        plugin._index_markup_kept = None
        _serve_build(root, tmp_path / "fresh")
        assert served == _pages(tmp_path / "fresh")
        assert kept is not None
    assert "Chronoword" in served["03-chronology.html"].decode("utf-8")
    assert 'title="A test term"' in served["03-chronology.html"].decode("utf-8")


def test_an_unchanged_chronology_is_not_drawn_again(tmp_path, monkeypatch):
    from imr_site.publish import site as site_blocks

    root = copy_example(tmp_path / "case")
    plugin = _serve_build(root, tmp_path / "preview")
    drawn = []
    draw = site_blocks.GENERATORS["chronology"]
    monkeypatch.setitem(
        site_blocks.GENERATORS, "chronology", lambda case: drawn.append(1) or draw(case)
    )
    learning = section_file(root, "learning")
    learning.write_text(learning.read_text("utf-8") + "\nMore words.\n", "utf-8")
    _serve_build(root, tmp_path / "preview")
    assert drawn == []
    chronology = root / "data" / "chronology.yml"
    chronology.write_text(chronology.read_text("utf-8").replace("event: ", "event: New ", 1))
    _serve_build(root, tmp_path / "preview")
    assert drawn == [1]
    # the subject's date of birth (the Age column) is read from the introduction
    intro = section_file(root, "introduction")
    intro.write_text(intro.read_text("utf-8").replace("dob: 1943", "dob: 1944", 1), "utf-8")
    _serve_build(root, tmp_path / "preview")
    assert drawn == [1, 1]
    assert plugin.command == "build"  # each _serve_build ends as `imr serve` stops


def test_imr_serve_looks_for_changes_ten_times_a_second(tmp_path):
    from mkdocs.commands import serve as mkdocs_serve
    from mkdocs.livereload import LiveReloadServer

    from imr_site.cli.serve import SETTLE_SECONDS, WATCH_SECONDS, quick_watching

    with quick_watching():
        server = mkdocs_serve.LiveReloadServer(
            builder=lambda: None, host="127.0.0.1", port=0, root=str(tmp_path)
        )
        assert server.observer.timeout == WATCH_SECONDS == 0.1
        assert server.build_delay == SETTLE_SECONDS < WATCH_SECONDS
        server.server_close()
    assert mkdocs_serve.LiveReloadServer is LiveReloadServer  # put back


def test_the_installed_theme_is_listed_once(tmp_path, monkeypatch):
    from mkdocs.config import load_config
    from mkdocs.structure.files import Files

    from imr_site.publish.template_cache import keep_theme_compiled

    root = copy_example(tmp_path / "case")
    config = load_config(config_file=str(root / "mkdocs.yml"))
    theme = config.theme
    expected = theme.get_env().list_templates()
    static = Files([])
    static.add_files_from_theme(theme.get_env(), config)
    listed = []
    list_templates = jinja2.FileSystemLoader.list_templates
    monkeypatch.setattr(
        jinja2.FileSystemLoader,
        "list_templates",
        lambda self: listed.append(1) or list_templates(self),
    )
    keep_theme_compiled(theme, root, serving=True)
    assert theme.get_env().list_templates() == expected
    assert theme.get_env().list_templates() == expected
    for _ in range(2):  # the theme's static files, as MkDocs finds them on each rebuild
        again = Files([])
        again.add_files_from_theme(theme.get_env(), config)
        assert [f.src_uri for f in again] == [f.src_uri for f in static] != []
    assert len(listed) <= 1  # none when another test listed it already in this process

    # a theme folder of the case's own is listed every time
    custom = load_config(config_file=str(root / "mkdocs.yml"), theme={"name": "material"}).theme
    custom.dirs.insert(0, str(root / "overrides"))
    (root / "overrides").mkdir()
    keep_theme_compiled(custom, root, serving=True)
    listed.clear()
    custom.get_env().list_templates()
    custom.get_env().list_templates()
    assert len(listed) == 2


def test_the_checklist_looks_through_the_chronology_once_per_case(tmp_path, monkeypatch):
    from imr_site.process import render

    root = copy_example(tmp_path / "case")
    case = load_case(root)
    passes = []
    mentions = render.mentions
    monkeypatch.setattr(
        render, "mentions", lambda c, labels: passes.append(1) or mentions(c, labels)
    )
    first = render.checklist(case)
    assert render.checklist(case) == first and len(passes) == 1
    edited = load_case(root)  # another reading (an edit in the preview): worked out again
    assert render.checklist(edited) == first and len(passes) == 2
