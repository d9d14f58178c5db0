"""`imr serve`: each page shows its own findings in a banner (never in a built site), and a case
that cannot be read shows an error page with the message instead of a stale page."""

from __future__ import annotations

import pytest
from conftest import copy_example, section_file


def _serve_build(case, site):
    """One build as `imr serve` makes it (MkDocs' serve command, without the server)."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    cfg = load_config(config_file=str(case / "mkdocs.yml"), site_dir=str(site))
    cfg.plugins["imr"].config["pdf"] = False
    cfg.plugins.on_startup(command="serve", dirty=False)
    try:
        build(cfg, serve_url="http://127.0.0.1:8000/")
    finally:
        cfg.plugins.on_shutdown()  # as `imr serve` does when it stops
    return cfg.plugins["imr"]


def _html(site, page):
    return (site / page.replace(".md", ".html")).read_text(encoding="utf-8")


@pytest.mark.expect_warnings
def test_each_page_shows_its_own_findings_only_in_the_preview(tmp_path):
    from conftest import build_site

    case = copy_example(tmp_path / "case")
    learning = section_file(case, "learning")
    learning.write_text(learning.read_text(encoding="utf-8") + "\nOwner: TBC.\n", encoding="utf-8")
    glossary = case / "data" / "glossary.yml"
    glossary.write_text(glossary.read_text(encoding="utf-8") + "ZZQ: Not used anywhere\n")
    site = tmp_path / "preview"
    _serve_build(case, site)
    page = _html(site, learning.name)
    assert 'class="imr-preview-findings imr-preview-error"' in page
    assert "PLH001" in page and f"docs/{learning.name}:" in page
    assert "GLO003" not in page  # about data/glossary.yml: shown on the home page
    home = _html(site, "index.md")
    assert "GLO003" in home and "ZZQ" in home and "PLH001" not in home
    analysis = _html(site, section_file(case, "analysis").name)
    assert "imr-preview-findings" not in analysis  # no findings, no banner
    # a built site never carries the banner
    build_site(case, tmp_path / "built", pdf=False)
    assert "imr-preview-findings" not in _html(tmp_path / "built", learning.name)
    assert "imr-preview-findings" not in _html(tmp_path / "built", "index.md")


@pytest.mark.expect_warnings
def test_a_front_matter_error_shows_an_error_page_not_a_stale_one(tmp_path):
    case = copy_example(tmp_path / "case")
    site = tmp_path / "preview"
    _serve_build(case, site)
    assert "The case cannot be read" not in _html(site, "index.md")
    learning = section_file(case, "learning")
    text = learning.read_text(encoding="utf-8")
    learning.write_text(text.replace("status: final", "status: [final", 1), encoding="utf-8")
    plugin = _serve_build(case, site)  # no exception: the preview keeps serving
    for page in ("index.md", learning.name):
        html = _html(site, page)
        assert "The case cannot be read" in html
        assert f"docs/{learning.name}:" in html and "IMR003" in html
    # fixed: the pages come back
    learning.write_text(text, encoding="utf-8")
    _serve_build(case, site)
    assert "The case cannot be read" not in _html(site, learning.name)
    assert plugin.case is not None


def test_the_anonymised_preview_never_quotes_a_name_it_found():
    from imr_site.case.findings import Finding, Severity
    from imr_site.publish.preview import findings_banner

    f = Finding("ANO001", Severity.ERROR, "docs/a.md", 3, "'Agnes Bramwell' is written here.")
    assert "Agnes Bramwell" in findings_banner([f])
    banner = findings_banner([f], anonymised=True)
    assert "Agnes Bramwell" not in banner and "ANO001" in banner and "docs/a.md:3" in banner
