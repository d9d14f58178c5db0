"""The generated Review status page, and edit links to each page's source."""

from __future__ import annotations

import re
from pathlib import Path

from complete_case import MKDOCS_YML, git_commit_all, write_case

from imr_site.review.registry import load_case, run_checks
from imr_site.review.status import review_status


def build(case: Path, **options):
    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.config import load_config

    cfg = load_config(config_file=str(case / "mkdocs.yml"), site_dir=str(case / "site"))
    for k, v in options.items():
        cfg.plugins["imr"].config[k] = v
    mkdocs_build(cfg)
    return case / "site"


def text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_status_data_counts_questions_headings_and_findings(tmp_path):
    case = write_case(tmp_path / "c", status="in review")
    analysis = next((case / "docs").glob("*-analysis.md"))
    body = analysis.read_text()
    body = body.replace("## Training\n\n", "## Training\n\n[Write here: training]\n\n")
    body = re.sub(r"## Partnership working\n\n[^\n]*\n", "", body)
    analysis.write_text(body)
    c = load_case(case)
    status = review_status(c, run_checks(c), git=False)
    row = next(s for s in status.sections if s.id == "analysis")
    assert row.status == "in review"
    assert row.headings_missing == ["Q14 Partnership working"]
    assert (row.questions_answered, row.questions_total) == (12, 14)
    assert row.findings["error"] == 2  # placeholder and missing heading
    assert status.chronology_entries == 2 and status.key_episodes == 1
    assert not status.git_available and "not in a Git repository" in status.git_reason


def test_status_page_is_built_with_git_authors(tmp_path):
    case = write_case(tmp_path / "c", status="draft")
    git_commit_all(case)
    site = build(case)
    page = (site / "review-status.html").read_text()
    t = text(page)
    assert "Review status" in t
    assert "0 of 12 sections final" in t
    assert "14 of 14" in t and "6 of 6" in t
    assert "2 entries in data/chronology.yml , of which 1 key episode" in t
    assert "Ann Author" in t and "unavailable" not in t
    assert 'href="05-analysis.html"' in page
    # in the navigation (the case has no explicit nav) and marked as generated: no edit link
    index = (site / "index.html").read_text()
    assert "review-status.html" in index
    # Material's navigation shows each section's status with its words as the tooltip
    assert 'class="md-status md-status--draft" title="Draft"' in index


def test_status_page_outside_git_says_unavailable_and_joins_an_explicit_nav(tmp_path):
    yml = MKDOCS_YML + "nav:\n  - Home: index.md\n  - Analysis: 05-analysis.md\n"
    case = write_case(tmp_path / "c", mkdocs_yml=yml)
    site = build(case)
    t = text((site / "review-status.html").read_text())
    assert "Git information unavailable" in t and "not in a Git repository" in t
    index = (site / "index.html").read_text()
    assert 'href="review-status.html"' in index


def test_status_page_is_not_in_the_print_document(tmp_path):
    case = write_case(tmp_path / "c")
    from mkdocs.config import load_config

    build(case)
    cfg = load_config(config_file=str(case / "mkdocs.yml"))
    plugin = cfg.plugins["imr"]
    assert "review-status" not in " ".join(plugin._print_html) and plugin._print_html


def test_edit_links_point_at_each_source_file_and_not_at_generated_pages(tmp_path):
    yml = (
        MKDOCS_YML
        + "repo_url: https://git.example.org/agency/sar-test\nedit_uri: edit/main/docs/\n"
    )
    case = write_case(tmp_path / "c", mkdocs_yml=yml)
    site = build(case)
    analysis = (site / "05-analysis.html").read_text()
    assert (
        'href="https://git.example.org/agency/sar-test/edit/main/docs/05-analysis.md"' in analysis
    )
    status = (site / "review-status.html").read_text()
    assert "/edit/main/docs/" not in status


def test_status_page_can_be_switched_off(tmp_path):
    case = write_case(tmp_path / "c")
    site = build(case, status_page=False)
    assert not (site / "review-status.html").exists()
