"""`imr diff OLD [NEW]`: the redline of two known revisions lists exactly the changes made, word
by word and entry by entry; with no change it says so."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest

from imr_site.cli import main
from imr_site.publish.redline import RedlineLeak, gate
from imr_site.publish.redline.compare import (
    DELETE,
    EQUAL,
    INSERT,
    Block,
    compare_blocks,
    page_blocks,
    word_diff,
)
from imr_site.review.registry import load_case
from tests.conftest import copy_example, section_file


def git(repo: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-C", str(repo), "-c", "user.name=Test", "-c", "user.email=t@example.org", *args],
        capture_output=True,
        text=True,
        check=True,
    ).stdout


def edit(path: Path, old: str, new: str, count: int = 1) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path.name}"
    path.write_text(text.replace(old, new, count), encoding="utf-8")


@pytest.fixture(scope="module")
def repo(tmp_path_factory) -> Path:
    """The example case in Git: v1 as it is; v2 with known changes."""
    root = copy_example(tmp_path_factory.mktemp("redline") / "case")
    (root / ".gitignore").write_text("/site/\n", encoding="utf-8")
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "v1")
    git(root, "tag", "v1")
    # a word changed in the prose
    edit(
        section_file(root, "organisational_context"),
        "district nursing service is organised in eight",
        "district nursing service is organised in nine",
    )
    # a line re-wrapped: the same words for a reader, so no change
    edit(
        section_file(root, "signoff"),
        "This IMR and its [chronology](03-chronology.md) have been signed off by the author and by a\n"
        "Director",
        "This IMR and its [chronology](03-chronology.md) have been signed off by the author\n"
        "and by a Director",
    )
    # the sign-off goes back to review
    edit(section_file(root, "signoff"), "status: final", "status: in review")
    chron = root / "data" / "chronology.yml"
    # one entry's decision changed, one removed, one added
    edit(
        chron,
        "decision: Routine priority; home visit by PT within 15 working days.",
        "decision: Urgent priority; home visit by PT within 5 working days.",
    )
    text = chron.read_text(encoding="utf-8")
    entries = text.split("\n- date: ")
    removed = entries.pop(3)
    chron.write_text(
        "\n- date: ".join(entries)
        + "\n- date: 2025-01-20\n  source: District Nursing\n  contact_with: AB\n"
        "  event: Telephone review added in version 2.\n",
        encoding="utf-8",
    )
    edit(root / "data" / "actions.yml", "  status: in progress", "  status: complete")
    git(root, "commit", "-qam", "v2")
    git(root, "tag", "v2")
    root.joinpath(".removed").write_text(removed, encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def v1_to_v2(repo, tmp_path_factory):
    out = tmp_path_factory.mktemp("out")
    html, pdf = out / "r.html", out / "r.pdf"
    done = subprocess.run(
        [
            *_imr(),
            "diff",
            "v1",
            "v2",
            "--case",
            str(repo),
            "--format",
            "json",
            "-o",
            str(html),
            "-o",
            str(pdf),
        ],
        capture_output=True,
        text=True,
        env=_env(),
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout), html.read_text(encoding="utf-8"), pdf


def _imr() -> list[str]:
    import sys

    return [sys.executable, "-m", "imr_site.cli"]


def _env() -> dict:
    import os

    return {**os.environ, "NO_MKDOCS_2_WARNING": "1"}


def test_exactly_the_word_changed_is_marked(v1_to_v2):
    data, _, _ = v1_to_v2
    changed = [s for s in data["sections"] if s["status"] != "unchanged"]
    assert [s["title"] for s in changed] == ["Organisational context"]
    [block] = changed[0]["blocks"]
    assert block["kind"] == "li" and block["status"] == "changed"
    marks = [(op, text) for op, text in block["segments"] if op != EQUAL]
    assert marks == [(DELETE, "eight"), (INSERT, "nine")]
    assert (changed[0]["words_inserted"], changed[0]["words_deleted"]) == (1, 1)


def test_chronology_compared_entry_by_entry(v1_to_v2, repo):
    data, _, _ = v1_to_v2
    by_status = {}
    for c in data["chronology"]:
        by_status.setdefault(c["status"], []).append(c)
    assert sorted(by_status) == ["added", "changed", "removed"]
    assert [len(v) for v in by_status.values()] == [1, 1, 1]
    [changed] = by_status["changed"]
    assert [(c["field"], c["old"], c["new"]) for c in changed["cells"]] == [
        (
            "decision",
            "Routine priority; home visit by PT within 15 working days.",
            "Urgent priority; home visit by PT within 5 working days.",
        )
    ]
    assert changed["label"] == "11 December 2023 09:40, Community Falls Service"
    [added] = by_status["added"]
    assert added["new"]["event"] == "Telephone review added in version 2."
    [removed] = by_status["removed"]
    removed_event = (repo / ".removed").read_text(encoding="utf-8")
    assert removed["old"]["source"] in removed_event
    assert " ".join(removed["old"]["event"].split())[:40] in " ".join(removed_event.split())


def test_action_plan_and_front_matter_changes(v1_to_v2):
    data, _, _ = v1_to_v2
    assert [
        (c["status"], c["label"], [(x["field"], x["old"], x["new"]) for x in c["cells"]])
        for c in data["actions"]
    ] == [("changed", "A2", [("status", "in progress", "complete")])]
    assert [(f["section"], f["key"], f["old"], f["new"]) for f in data["front_matter"]] == [
        ("8. Sign-off of the IMR & chronology", "status", "final", "in review")
    ]
    assert data["changed"] is True
    assert data["summary"]["chronology"] == {"added": 1, "removed": 1, "changed": 1}


def test_html_marks_with_ins_and_del_and_folds_unchanged_sections(v1_to_v2):
    _, html, _ = v1_to_v2
    assert "<del>eight</del><ins>nine</ins>" in html
    folded = re.findall(r"<summary>(.*?): no change</summary>", html)
    assert len(folded) == 12 and "8. Sign-off of the IMR &amp; chronology" in folded
    assert "<del>final</del>" in html and "<ins>in review</ins>" in html
    assert "http" not in re.sub(r"<meta[^>]*>", "", html)  # nothing to fetch
    # the stylesheet (quotes and all) is in the page as written, not HTML-escaped
    from imr_site.publish.redline.write import TEMPLATES

    css = (TEMPLATES.folder / "redline.css").read_text(encoding="utf-8")
    assert css.strip() in html


def test_pdf_is_written(v1_to_v2):
    _, _, pdf = v1_to_v2
    assert pdf.read_bytes().startswith(b"%PDF-")
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout
    assert "What changed in SAR-2025-014" in text and "Organisational context" in text
    assert "A2" in text and "in review" in text


def test_no_change_says_no_changes(repo, capsys):
    assert main(["diff", "v2", "--case", str(repo), "-o", str(repo / "site" / "same.html")]) == 0
    out = capsys.readouterr().out
    assert "No changes" in out
    assert "No changes" in (repo / "site" / "same.html").read_text(encoding="utf-8")


def test_the_same_version_twice_is_built_once_and_has_no_changes(repo, monkeypatch):
    from imr_site.publish.redline import revisions

    builds = []
    real = revisions._built
    monkeypatch.setattr(revisions, "_built", lambda *a: builds.append(a) or real(*a))
    redline, _ = revisions.make_redline(repo, "v1", "v1")
    assert not redline.changed and len(builds) == 1
    assert {s.status for s in redline.sections} == {"unchanged"}


def test_unknown_revision_and_not_git(repo, tmp_path, capsys):
    assert main(["diff", "v9", "--case", str(repo), "--format", "json"]) == 2
    assert "Git knows no version called 'v9'" in capsys.readouterr().err
    plain = copy_example(tmp_path / "plain")
    assert main(["diff", "v1", "--case", str(plain)]) == 2
    assert "not in a Git repository" in capsys.readouterr().err


def test_word_diff_groups_a_replaced_phrase():
    assert word_diff("the big dog ran", "the small cat ran") == [
        (EQUAL, "the "),
        (DELETE, "big dog"),
        (INSERT, "small cat"),
        (EQUAL, " ran"),
    ]
    assert word_diff("same", "same") == [(EQUAL, "same")]


def test_blocks_are_what_a_reader_sees():
    html = (
        '<h2 id="x">Title<a class="headerlink" href="#x">¶</a></h2>\n<p>One\ntwo <em>three</em></p>'
        "<ul><li>item<ul><li>inner</li></ul></li></ul>"
        '<div data-imr-block="chronology"><p>not compared as text</p></div>'
        "<table><tr><th>A</th><th>B</th></tr><tr><td>1</td><td>2</td></tr></table>"
    )
    assert [(b.kind, b.text) for b in page_blocks(html)] == [
        ("h2", "Title"),
        ("p", "One two three"),
        ("li", "item"),
        ("li", "inner"),
        ("tr", "A | B"),
        ("tr", "1 | 2"),
    ]


def test_an_inserted_paragraph_does_not_pair_with_the_wrong_one():
    old = [Block("p", "Alpha beta gamma."), Block("p", "Delta epsilon zeta.")]
    new = [
        Block("p", "Alpha beta gamma."),
        Block("p", "A new paragraph entirely."),
        Block("p", "Delta epsilon zeta eta."),
    ]
    assert [b.status for b in compare_blocks(old, new)] == ["equal", "inserted", "changed"]


def test_anonymised_redline_gate_finds_a_deleted_name(tmp_path):
    case = load_case(copy_example(tmp_path / "case"))
    case.config.edition = "anonymised"
    with pytest.raises(RedlineLeak):
        gate([case], "r.html", b"<p><del>Agnes Bramwell</del> AB</p>")
    gate([case], "r.html", b"<p>AB</p>")  # clean: no exception
