"""The sign-off gate: `imr build --final` refuses, with every reason and nothing written, unless the
case is complete, signed, final and committed; a final build writes manifest.json."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import subprocess
from pathlib import Path

import pytest
from complete_case import git_commit_all, write_case

from imr_site.case.findings import Finding, Severity
from imr_site.case.spec import load_spec
from imr_site.cli import main
from imr_site.publish.final import (
    final_build_refusals,
    git_refusals,
    sections_not_final,
    unfinished_refusals,
)
from imr_site.review.registry import load_case, run_checks

TODAY = dt.date.today()


def final(capsys, case: Path, *extra) -> tuple[int, str, str]:
    code = main(["build", "--final", "--no-pdf", str(case), *extra])
    out = capsys.readouterr()
    return code, out.out, out.err


def signoff_page(case: Path) -> Path:
    return next((case / "docs").glob("*-signoff.md"))


def set_dates(case: Path, author: dt.date, senior: dt.date) -> None:
    page = signoff_page(case)
    lines = page.read_text().split("\n")
    who = None
    for i, line in enumerate(lines):
        if line.strip() in ("author:", "senior_officer:"):
            who = line.strip()[:-1]
        if line.strip().startswith("date:") and who:
            d = author if who == "author" else senior
            lines[i] = line.split("date:")[0] + f"date: {d.isoformat()}"
    page.write_text("\n".join(lines))


def sgn_findings(found) -> list[tuple]:
    return [(f.code, f.severity.value, f.file, f.line) for f in found if f.code.startswith("SGN")]


def sgn_messages(found) -> list[str]:
    return [f.message for f in found if f.code.startswith("SGN")]


def test_complete_committed_case_builds_final_with_manifest(tmp_path, capsys):
    case = write_case(tmp_path / "c")
    commit = git_commit_all(case)
    code, out, err = final(capsys, case)
    assert code == 0, err
    site = case / "site"
    manifest = json.loads((site / "manifest.json").read_text())
    assert manifest["status"] == "FINAL"
    assert manifest["commit"] == commit
    assert manifest["edition"] == "restricted"
    assert manifest["checks"]["summary"]["error"] == 0
    dt.datetime.fromisoformat(manifest["built_at"])
    listed = {f["path"]: f["sha256"] for f in manifest["files"]}
    on_disk = {p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file()}
    assert set(listed) == on_disk - {"manifest.json"}
    for path, digest in listed.items():
        assert hashlib.sha256((site / path).read_bytes()).hexdigest() == digest
    index = (site / "index.html").read_text()
    assert "<strong>FINAL</strong>" in index and "DRAFT" not in index
    # no staging folder left behind
    assert [p.name for p in case.iterdir() if p.name.startswith(".site")] == []
    assert "Manifest: " + str(site / "manifest.json") in out
    # a second final build replaces the first, leaving nothing else behind
    (site / "stale.txt").write_text("from an earlier build")
    assert final(capsys, case)[0] == 0
    assert (site / "manifest.json").is_file() and not (site / "stale.txt").exists()
    assert sorted(p.name for p in case.iterdir() if p.name.startswith(".site")) == []


def test_ordinary_build_says_draft_and_writes_no_manifest(tmp_path, capsys):
    case = write_case(tmp_path / "c")
    assert main(["build", "--no-pdf", str(case)]) == 0
    capsys.readouterr()
    index = (case / "site" / "index.html").read_text()
    assert "<strong>DRAFT</strong>" in index
    assert not (case / "site" / "manifest.json").exists()


def test_not_a_git_repository_is_refused_and_nothing_is_written(tmp_path, capsys):
    case = write_case(tmp_path / "c")
    code, out, err = final(capsys, case)
    assert code == 1
    assert "not in a Git repository" in err and "Nothing was written" in err
    assert not (case / "site").exists()
    assert list(tmp_path.iterdir()) == [case]


def test_dirty_tree_is_refused_and_the_old_site_is_kept(tmp_path, capsys):
    case = write_case(tmp_path / "c")
    git_commit_all(case)
    assert main(["build", "--no-pdf", str(case)]) == 0
    before = (case / "site" / "index.html").read_bytes()
    page = next((case / "docs").glob("*-analysis.md"))
    page.write_text(page.read_text() + "\nA late edit.\n")
    (case / "data" / "notes.txt").write_text("untracked")
    capsys.readouterr()
    code, out, err = final(capsys, case)
    assert code == 1
    assert "2 file(s) differ from the last commit" in err
    assert page.name in err and "notes.txt" in err
    assert (case / "site" / "index.html").read_bytes() == before
    assert not (case / "site" / "manifest.json").exists()


def test_every_reason_is_listed_at_once(tmp_path, capsys):
    case = write_case(tmp_path / "c", status="in review")
    page = signoff_page(case)
    text = page.read_text()
    text = text.replace("status: in review", "status: final")
    # remove the Director's name, and date both signatures tomorrow
    head, _, tail = text.partition("  senior_officer:\n")
    tail = "\n".join(ln for ln in tail.split("\n") if not ln.strip().startswith("name:"))
    page.write_text(head + "  senior_officer:\n" + tail)
    set_dates(case, TODAY + dt.timedelta(days=1), TODAY + dt.timedelta(days=1))
    analysis = next((case / "docs").glob("*-analysis.md"))
    analysis.write_text(analysis.read_text().replace("## Training\n", "## Trainnig\n"))
    git_commit_all(case)
    code, out, err = final(capsys, case)
    assert code == 1
    assert "HDG002" in err  # an error finding
    assert "SGN001" in err  # dated in the future
    assert "is 'in review': set `status: final`" in err  # not final
    assert "the Director/Head of Service's name is not filled in" in err
    assert "not in a Git repository" not in err and "differ from the last commit" not in err
    assert not (case / "site").exists()


def test_director_signing_before_author_is_an_error(tmp_path):
    case = write_case(tmp_path / "c")
    set_dates(case, TODAY - dt.timedelta(days=2), TODAY - dt.timedelta(days=5))
    found = run_checks(load_case(case))
    line = (
        signoff_page(case)
        .read_text()
        .split("\n")
        .index(f"    date: {(TODAY - dt.timedelta(days=5)).isoformat()}")
        + 1
    )
    rel = signoff_page(case).relative_to(case).as_posix()
    assert sgn_findings(found) == [("SGN002", "error", rel, line)]


def test_future_signature_is_an_error_in_ordinary_checks(tmp_path):
    case = write_case(tmp_path / "c")
    senior = TODAY + dt.timedelta(days=30)
    set_dates(case, TODAY, senior)
    found = run_checks(load_case(case))
    text = signoff_page(case).read_text().split("\n")
    line = text.index(f"    date: {senior.isoformat()}") + 1
    rel = signoff_page(case).relative_to(case).as_posix()
    assert sgn_findings(found) == [("SGN001", "error", rel, line)]
    assert sgn_messages(found) == [
        f"the Director/Head of Service signed on {senior.isoformat()}, which is after today "
        f"({TODAY.isoformat()}). Write the date they actually signed."
    ]


def test_gate_still_refuses_future_dates_when_the_codes_are_switched_off(tmp_path):
    from complete_case import MKDOCS_YML

    yml = (
        MKDOCS_YML
        + "      rules:\n        disable: [SGN001]\n        severity: {SGN002: warning}\n"
    )
    case = write_case(tmp_path / "c", mkdocs_yml=yml)
    set_dates(case, TODAY + dt.timedelta(days=3), TODAY + dt.timedelta(days=1))
    c = load_case(case)
    reasons = final_build_refusals(c, run_checks(c))
    assert any("after today" in r for r in reasons)
    assert any("before the author" in r for r in reasons)


@pytest.mark.expect_warnings  # MkDocs logs the refusal as an error
def test_plain_mkdocs_build_with_final_refuses_before_writing(tmp_path):
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import Abort

    case = write_case(tmp_path / "c", status="draft")
    git_commit_all(case)
    cfg = load_config(config_file=str(case / "mkdocs.yml"), site_dir=str(case / "site"))
    cfg.plugins["imr"].config["final"] = True
    with pytest.raises(Abort):
        build(cfg)
    assert not (case / "site").exists()


def test_final_pdf_says_final_and_names_the_commit(tmp_path, capsys):
    case = write_case(tmp_path / "c")
    yml = (case / "mkdocs.yml").read_text().replace("      pdf: false\n", "")
    (case / "mkdocs.yml").write_text(yml)
    commit = git_commit_all(case)
    code = main(["build", "--final", str(case)])
    capsys.readouterr()
    assert code == 0
    pdf = next((case / "site").glob("*.pdf"))
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    cover = text.split("\f")[0]
    assert "FINAL" in cover and "DRAFT" not in cover
    assert commit[:12] in text
    manifest = json.loads((case / "site" / "manifest.json").read_text())
    assert pdf.name in {f["path"] for f in manifest["files"]}


def test_final_true_in_settings_goes_through_the_same_gate(tmp_path, capsys):
    from complete_case import MKDOCS_YML

    case = write_case(tmp_path / "c", mkdocs_yml=MKDOCS_YML + "      final: true\n")
    code = main(["build", str(case)])
    err = capsys.readouterr().err
    assert code == 1 and "FINAL build is refused" in err
    assert not (case / "site").exists()


@pytest.mark.parametrize("site", [".", "..", "other-case"])
def test_a_site_folder_that_holds_a_case_is_never_replaced(tmp_path, capsys, site):
    case = write_case(tmp_path / "c")
    git_commit_all(case)
    write_case(case / "other-case")
    code = main(["build", "--final", "--no-pdf", "--site-dir", str(case / site), str(case)])
    assert code == 2 and "Choose a folder of its own" in capsys.readouterr().err
    assert (case / ".git").is_dir() and (case / "mkdocs.yml").is_file()
    assert (case / "other-case" / "mkdocs.yml").is_file()


# --- each reason, word for word: the author reads these and acts on them ------------------------

UNDO = "A final report must match a commit: commit (or undo) these changes, then build again."


def test_each_section_not_final_is_named_with_its_file_and_what_its_status_is(tmp_path):
    case = write_case(tmp_path / "c")
    docs = case / "docs"
    (docs / "00-introduction.md").unlink()  # missing: an error finding, not named here
    for name, old, new in [
        ("01-organisational_context.md", "status: final", "status: in review"),
        ("02-factual_summary.md", "status: final", "status: Agreed"),
        ("04-source_documentation.md", "status: final\n", ""),
    ]:
        page = docs / name
        page.write_text(page.read_text().replace(old, new, 1))
    title = {s.id: s.numbered_title for s in load_spec().sections}
    todo = "set `status: final` in its front matter once it is agreed."
    assert sections_not_final(load_case(case)) == [
        f"'{title['organisational_context']}' (docs/01-organisational_context.md) is "
        f"'in review': {todo}",
        f"'{title['factual_summary']}' (docs/02-factual_summary.md) has the status 'Agreed': "
        f"{todo}",
        f"'{title['source_documentation']}' (docs/04-source_documentation.md) has no status: "
        f"{todo}",
    ]


def test_a_case_outside_git_or_without_a_commit_is_told_what_to_do(tmp_path):
    case = write_case(tmp_path / "c")
    assert git_refusals(load_case(case)) == [
        "the case is not in a Git repository (or Git is not installed), so the final report "
        "could not be tied to the exact version it was built from. Put the case under Git "
        "(git init, git add, git commit) and build again."
    ]
    subprocess.run(["git", "init", "-q", str(case)], check=True)
    assert git_refusals(load_case(case)) == [
        "the case's Git repository has no commit yet: commit the case, then build again."
    ]


@pytest.mark.parametrize("count, more", [(10, ""), (11, " and 1 more"), (12, " and 2 more")])
def test_uncommitted_files_are_listed_ten_at_most_and_the_rest_counted(tmp_path, count, more):
    case = write_case(tmp_path / "c")
    git_commit_all(case)
    for i in range(1, count + 1):
        (case / "data" / f"n{i:02d}.txt").write_text("new")
    listed = "; ".join(f"data/n{i:02d}.txt" for i in range(1, 11))
    assert git_refusals(load_case(case)) == [
        f"{count} file(s) differ from the last commit ({listed}{more}). {UNDO}"
    ]


def test_the_site_being_built_and_the_excluded_folders_are_not_uncommitted_changes(tmp_path):
    case = write_case(tmp_path / "c")
    git_commit_all(case)
    for folder in ("out", "extra"):
        (case / folder).mkdir()
        (case / folder / "page.html").write_text("built")
    c = load_case(case)
    found = run_checks(c)
    assert final_build_refusals(c, found, site_dir=case / "out", exclude=[case / "extra"]) == []
    assert final_build_refusals(c, found, exclude=[case / "extra"]) == [
        f"1 file(s) differ from the last commit (out/page.html). {UNDO}"
    ]
    assert git_refusals(c, [case / "out"]) == [
        f"1 file(s) differ from the last commit (extra/page.html). {UNDO}"
    ]


def test_unfinished_text_below_error_is_refused_and_so_are_its_codes_switched_off(tmp_path):
    from complete_case import MKDOCS_YML

    yml = MKDOCS_YML + "      rules:\n        disable: [TPL001, HDG005]\n"
    case = load_case(write_case(tmp_path / "c", mkdocs_yml=yml))
    findings = [
        Finding("PLH001", Severity.WARNING, "docs/05-analysis.md", 7, "'TBC' is left in."),
        Finding("PLH001", Severity.ERROR, "docs/05-analysis.md", 9, "an error: refused anyway"),
        Finding("HDG002", Severity.WARNING, "docs/05-analysis.md", 3, "not unfinished text"),
        Finding("TPL001", Severity.INFO, None, None, "the template's paragraph."),
    ]
    assert unfinished_refusals(case, findings) == [
        "docs/05-analysis.md:7: PLH001: 'TBC' is left in.",
        "(case): TPL001: the template's paragraph.",
        "HDG005, TPL001 switched off in mkdocs.yml (rules: disable): a FINAL build checks for "
        "placeholders and template text always. Remove the code(s) from the list.",
    ]
