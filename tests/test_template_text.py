"""The template's own text left unchanged (any paragraph, the home page's included) is TPL001, and
a new case's own words (IMR, PDF, GP1 in its explanations and prompts) raise no abbreviation
warning."""

from __future__ import annotations

from imr_site.cli import main
from imr_site.review.registry import load_case, run_checks


def _new_case(tmp_path, capsys):
    case = tmp_path / "new"
    assert main(["new", str(case)]) == 0
    capsys.readouterr()
    return case


def test_a_new_case_reports_its_home_page_text_and_no_abbreviations(tmp_path, capsys):
    case = _new_case(tmp_path, capsys)
    found = run_checks(load_case(case))
    assert [f for f in found if f.code.startswith("GLO")] == []
    index = (case / "docs" / "index.md").read_text(encoding="utf-8").split("\n")
    tpl = [(f.file, f.line) for f in found if f.code == "TPL001"]
    home = next(i for i, t in enumerate(index) if t.startswith("This is the home page")) + 1
    assert ("docs/index.md", home) in tpl
    assert all(f.severity.value == "error" for f in found if f.code == "TPL001")
    # the home page rewritten: nothing of the template is left there
    (case / "docs" / "index.md").write_text(
        "# Our review\n\nThe review of the work of the Trust, written for the panel.\n",
        encoding="utf-8",
    )
    assert [f for f in run_checks(load_case(case)) if f.file == "docs/index.md"] == []


def test_a_template_paragraph_anywhere_is_found_and_an_edited_one_is_not(tmp_path, capsys):
    case = _new_case(tmp_path, capsys)
    index = case / "docs" / "index.md"
    text = index.read_text(encoding="utf-8")
    paragraph = text[text.index("Run `imr check`") :].strip()
    learning = case / "docs" / "07-learning.md"
    body = learning.read_text(encoding="utf-8")
    # re-wrapped and in capitals, pasted into another page: still the template's
    learning.write_text(body + "\n" + paragraph.upper().replace(" ", "\n", 3) + "\n")
    line = len(body.split("\n")) + 1
    index.write_text(text.replace("imr serve` shows a live", "imr serve` shows our live"))
    found = [(f.file, f.line) for f in run_checks(load_case(case)) if f.code == "TPL001"]
    assert ("docs/07-learning.md", line) in found
    assert not [f for f in found if f[0] == "docs/index.md" and f[1] >= 30]
