"""imr check's machine-readable formats: GitHub annotations, JUnit XML, JSON; switched-off codes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from xml.etree import ElementTree as ET

from complete_case import MKDOCS_YML, git_commit_all, write_case

from imr_site.case.findings import Finding, Severity
from imr_site.cli import main
from imr_site.review.formats import ReportContext, format_junit, github_annotation

REPO = Path(__file__).resolve().parent.parent


def run(capsys, *argv) -> tuple[int, str]:
    code = main(list(argv))
    return code, capsys.readouterr().out


def test_github_annotation_escapes_message_and_properties():
    f = Finding("HDG002", Severity.ERROR, "docs/a,b:c.md", 12, "50% done\r\nnext line")
    line = github_annotation(f, ReportContext(path_prefix="cases/x/"))
    assert line == (
        "::error file=cases/x/docs/a%2Cb%3Ac.md,line=12,title=HDG002::50%25 done%0D%0Anext line"
    )
    note = Finding("SEC004", Severity.INFO, None, None, "no file")
    assert github_annotation(note) == "::notice title=SEC004::no file"


def _break_analysis(case: Path) -> Path:
    page = next((case / "docs").glob("*-analysis.md"))
    text = page.read_text(encoding="utf-8")
    page.write_text(text.replace("## Training\n", "## Trainnig\n"), encoding="utf-8")
    return page


def test_github_format_points_at_the_line_relative_to_the_repository(tmp_path, capsys):
    repo = tmp_path / "repo"
    case = write_case(repo / "cases" / "sar-1")
    page = _break_analysis(case)
    git_commit_all(repo)
    code, out = run(capsys, "check", "--format", "github", str(case))
    assert code == 1
    # the misspelled heading is where the finding points ("did you mean")
    missing_line = page.read_text(encoding="utf-8").split("\n").index("## Trainnig") + 1
    expected = f"::error file=cases/sar-1/docs/{page.name},line={missing_line},title=HDG002::"
    assert any(line.startswith(expected) for line in out.splitlines()), out


def test_github_format_outside_git_uses_case_paths(tmp_path, capsys):
    case = write_case(tmp_path / "c")
    page = _break_analysis(case)
    code, out = run(capsys, "check", "--format", "github", str(case))
    assert code == 1
    assert f"file=docs/{page.name}," in out


def test_junit_is_valid_xml_with_one_testcase_per_finding(tmp_path, capsys):
    case = write_case(tmp_path / "c")
    page = _break_analysis(case)
    page.write_text(page.read_text().replace("status: final", "status: done <&>"))
    code, out = run(capsys, "check", "--format", "junit", str(case))
    root = ET.fromstring(out)
    cases = root.findall(".//testcase")
    failures = root.findall(".//testcase/failure")
    _, js = run(capsys, "check", "--format", "json", str(case))
    data = json.loads(js)
    assert len(cases) == data["summary"]["total"] >= 2
    assert len(failures) == data["summary"]["error"]
    assert {"HDG002", "SCH002"} <= {c.get("name").split()[0] for c in cases}
    assert root.get("tests") == str(len(cases))


def test_junit_clean_case_has_one_passing_testcase(tmp_path, capsys):
    code, out = run(capsys, "check", "--format", "junit", str(write_case(tmp_path / "c")))
    assert code == 0
    root = ET.fromstring(out)
    assert len(root.findall(".//testcase")) == 1 and not root.findall(".//failure")


def test_junit_escapes_markup_in_messages():
    f = Finding("SCH001", Severity.ERROR, "data/x.yml", 3, '<script>&"]]>')
    root = ET.fromstring(format_junit([f]))
    assert root.find(".//failure").get("message") == '<script>&"]]>'


def test_json_shape_is_unchanged(tmp_path, capsys):
    case = write_case(tmp_path / "c")
    _break_analysis(case)
    _, out = run(capsys, "check", "--format", "json", str(case))
    data = json.loads(out)
    assert set(data) == {"findings", "summary"}
    assert set(data["summary"]) == {"total", "error", "warning", "info"}
    assert set(data["findings"][0]) == {"code", "severity", "file", "line", "message"}


def test_text_report_says_what_was_switched_off(tmp_path, capsys):
    yml = (
        MKDOCS_YML
        + "      rules:\n        disable: [HDG002]\n        severity:\n          HDG003: warning\n"
    )
    case = write_case(tmp_path / "c", mkdocs_yml=yml)
    _break_analysis(case)
    code, out = run(capsys, "check", str(case))
    assert "HDG002" not in out.split("Switched off")[0]
    assert "Switched off in mkdocs.yml (not checked): HDG002." in out
    assert "Severity changed in mkdocs.yml: HDG003 error -> warning." in out
    # the misspelt heading is still under Q12's place: its text is now under no heading, and the
    # empty-heading rule is a warning, so nothing is at error level
    assert code == 0


def test_the_readme_table_of_finding_codes_is_current():
    """The README's table is exactly what the script prints: a new code, a changed severity or a
    lost section fails here (run `python scripts/finding_codes.py --write`)."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    sys.path.insert(0, str(REPO / "scripts"))
    try:
        from finding_codes import readme_table, table
    finally:
        sys.path.pop(0)
    written = readme_table(readme)
    assert written is not None, "README.md has lost its '## Finding codes' table"
    assert written == table(), (
        "README.md's finding codes are stale: run scripts/finding_codes.py --write"
    )


def test_finding_codes_script_lists_every_code():
    out = subprocess.run(
        [sys.executable, str(REPO / "scripts" / "finding_codes.py")],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    for code in ("HDG002", "SCH001", "SGN001", "SGN002", "REV001"):
        assert f"| {code} |" in out


def test_github_format_writes_every_finding_to_the_run_summary(tmp_path, capsys, monkeypatch):
    case = write_case(tmp_path / "c")
    page = _break_analysis(case)
    page.write_text(page.read_text().replace("status: final", "status: done|x"))
    summary = tmp_path / "summary.md"
    summary.write_text("earlier step\n")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    code, out = run(capsys, "check", "--format", "github", str(case))
    text = summary.read_text()
    assert text.startswith("earlier step\n## imr check\n")
    rows = [line for line in text.splitlines() if line.startswith("| `")]
    assert len(rows) == 2 and any("HDG002" in r for r in rows)
    assert "done\\|x" in text  # a | in a message does not break the table


def test_junit_warnings_fail_only_with_strict(tmp_path, capsys):
    case = write_case(tmp_path / "c")
    analysis = next((case / "docs").glob("*-analysis.md"))
    analysis.write_text(analysis.read_text() + "\nThe CMHT was not told.\n")
    code, out = run(capsys, "check", "--format", "junit", str(case))
    assert code == 0, out
    root = ET.fromstring(out)
    names = [c.get("name").split()[0] for c in root.findall(".//testcase")]
    assert "GLO002" in names
    assert root.findall(".//failure") == [] and root.get("failures") == "0"
    code, out = run(capsys, "check", "--format", "junit", "--strict", str(case))
    assert code == 1
    root = ET.fromstring(out)
    assert [f.get("type") for f in root.findall(".//failure")] == ["warning"]
    assert root.get("failures") == "1"
