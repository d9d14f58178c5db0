"""Heading, section and field rules, each checked on a copy of the example case with one fault."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from conftest import build_site, copy_example, section_file

from imr_site.review.registry import load_case, run_checks


def findings_for(case_dir):
    return run_checks(load_case(case_dir))


def codes(findings):
    return sorted({f.code for f in findings})


@pytest.fixture
def case_dir(tmp_path):
    return copy_example(tmp_path / "case")


def line_of(path, text):
    for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if text in line:
            return i
    raise AssertionError(f"{text!r} not in {path}")


def test_example_case_has_no_findings(case_dir):
    assert findings_for(case_dir) == []


def test_missing_required_heading_names_file_and_line(case_dir):
    path = section_file(case_dir, "analysis")
    text = path.read_text(encoding="utf-8")
    heading = re.search(r"^## .*Mental Capacity Act.*$", text, flags=re.MULTILINE).group(0)
    next_heading = re.search(
        r"^## .*Involvement of senior managers.*$", text, flags=re.MULTILINE
    ).group(0)
    path.write_text(text.replace(heading, "## Something else entirely"), encoding="utf-8")
    found = [f for f in findings_for(case_dir) if f.code == "HDG002"]
    assert len(found) == 1
    f = found[0]
    assert f.file == path.relative_to(case_dir).as_posix()
    assert "Mental Capacity Act assessment" in f.message
    # it points at where the heading belongs: just before the next required one
    assert f.line == line_of(path, next_heading)


def test_a_required_heading_at_level_one_does_not_count(case_dir):
    """The guidance's questions are level-2 headings under the part's title: '# Q7 ...' starts
    a new part in the outline (and the PDF's bookmarks), so it does not answer the question."""
    path = section_file(case_dir, "analysis")
    text = path.read_text(encoding="utf-8")
    heading = re.search(r"^## (.*Mental Capacity Act.*)$", text, flags=re.MULTILINE)
    path.write_text(text.replace(heading.group(0), "# " + heading.group(1)), encoding="utf-8")
    found = findings_for(case_dir)
    assert [(f.code, f.file) for f in found] == [("HDG002", path.relative_to(case_dir).as_posix())]
    assert "Mental Capacity Act assessment" in found[0].message


def test_heading_matches_without_numbering_and_in_any_case(case_dir):
    path = section_file(case_dir, "analysis")
    text = path.read_text(encoding="utf-8")
    text = re.sub(r"^## Q7\.? .*$", "## MENTAL CAPACITY ACT ASSESSMENT", text, flags=re.MULTILINE)
    path.write_text(text, encoding="utf-8")
    assert findings_for(case_dir) == []


def test_empty_heading_is_a_finding_at_its_line(case_dir):
    path = section_file(case_dir, "learning")
    text = path.read_text(encoding="utf-8")
    m = re.search(
        r"^(## [^\n]*Good practice[^\n]*)\n(.*?)(?=^## )", text, flags=re.MULTILINE | re.DOTALL
    )
    path.write_text(text.replace(m.group(0), m.group(1) + "\n\n"), encoding="utf-8")
    found = [f for f in findings_for(case_dir) if f.code == "HDG003"]
    assert [(f.file, f.line) for f in found] == [
        (path.relative_to(case_dir).as_posix(), line_of(path, m.group(1)))
    ]


def test_not_applicable_needs_a_reason(case_dir):
    path = section_file(case_dir, "analysis")
    text = path.read_text(encoding="utf-8")
    m = re.search(
        r"^(## [^\n]*Training[^\n]*)\n(.*?)(?=^## )", text, flags=re.MULTILINE | re.DOTALL
    )
    path.write_text(
        text.replace(m.group(0), m.group(1) + "\n\nNot applicable.\n\n"), encoding="utf-8"
    )
    found = findings_for(case_dir)
    assert codes(found) == ["HDG004"]
    assert found[0].line == line_of(path, m.group(1))
    # with a reason it is accepted
    path.write_text(
        text.replace(
            m.group(0),
            m.group(1) + "\n\nNot applicable: no training issue arose, as every contact was by "
            "experienced staff.\n\n",
        ),
        encoding="utf-8",
    )
    assert findings_for(case_dir) == []


def test_placeholder_text_left_in(case_dir):
    path = section_file(case_dir, "factual_summary")
    with path.open("a", encoding="utf-8") as fh:
        fh.write("\n[Write here: A brief factual and contextual summary]\n")
    found = findings_for(case_dir)
    assert codes(found) == ["HDG005"]
    assert found[0].line == len(path.read_text(encoding="utf-8").splitlines())


def test_wrong_title_is_reported(case_dir):
    path = section_file(case_dir, "learning")
    text = path.read_text(encoding="utf-8")
    text = re.sub(r"^# .*$", "# Lessons", text, count=1, flags=re.MULTILINE)
    path.write_text(text, encoding="utf-8")
    found = findings_for(case_dir)
    assert codes(found) == ["HDG001"]
    assert found[0].line == line_of(path, "# Lessons")


def test_unknown_and_duplicate_sections(case_dir):
    path = section_file(case_dir, "learning")
    text = path.read_text(encoding="utf-8")
    (case_dir / "docs" / "zz-copy.md").write_text(text, encoding="utf-8")
    (case_dir / "docs" / "zz-typo.md").write_text(
        "---\nsection: analysys\n---\n# Extra\n\nText.\n", encoding="utf-8"
    )
    found = findings_for(case_dir)
    dup = [f for f in found if f.code == "SEC002"]
    unknown = [f for f in found if f.code == "SEC003"]
    assert [(f.file, f.line) for f in dup] == [("docs/zz-copy.md", 2)]
    assert path.name in dup[0].message
    assert [(f.file, f.line) for f in unknown] == [("docs/zz-typo.md", 2)]
    assert "analysis" in unknown[0].message


def test_missing_section(case_dir):
    section_file(case_dir, "source_documentation").unlink()
    found = findings_for(case_dir)
    # the nav in mkdocs.yml and the introduction's link still name the deleted file: the build
    # would warn about both too
    assert codes(found) == ["LNK002", "LNK004", "SEC001"]
    assert {f.file for f in found if f.code != "SEC001"} == {
        "docs/00-introduction.md",
        "mkdocs.yml",
    }
    assert "Source documentation" in found[0].message


def test_required_field_missing(case_dir):
    path = section_file(case_dir, "introduction")
    text = path.read_text(encoding="utf-8")
    text = re.sub(r"^  ethnic_origin:.*\n", "", text, flags=re.MULTILINE)
    path.write_text(text, encoding="utf-8")
    found = findings_for(case_dir)
    assert codes(found) == ["FLD001"]
    assert "Ethnic origin" in found[0].message


@pytest.mark.expect_warnings
def test_strict_build_fails_on_a_heading_finding(case_dir, no_unexpected_mkdocs_warnings):
    """Strict mode aborts because of the finding, and for nothing else."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import Abort

    path = section_file(case_dir, "learning")
    text = path.read_text(encoding="utf-8")
    path.write_text(re.sub(r"^## .*Sharing the learning.*$", "## Other", text, flags=re.MULTILINE))
    cfg = load_config(config_file=str(case_dir / "mkdocs.yml"), strict=True)
    cfg.plugins["imr"].config["pdf"] = False
    with pytest.raises(Abort) as aborted:
        build(cfg)
    assert "1 warnings in strict mode" in str(aborted.value)
    rel = path.relative_to(case_dir).as_posix()
    [warning] = no_unexpected_mkdocs_warnings.messages
    assert (
        warning.startswith(f"{rel}:") and "HDG002" in warning and "Sharing the learning" in warning
    )


@pytest.mark.expect_warnings
def test_findings_are_logged_as_warnings_with_file_and_line(case_dir):
    path = section_file(case_dir, "learning")
    text = path.read_text(encoding="utf-8")
    path.write_text(re.sub(r"^## .*Sharing the learning.*$", "## Other", text, flags=re.MULTILINE))
    _, warnings = build_site(case_dir, pdf=False)
    rel = path.relative_to(case_dir).as_posix()
    assert any(
        w.startswith(f"{rel}:") and "HDG002" in w and "Sharing the learning" in w for w in warnings
    )


def test_a_case_can_use_its_own_template_spec(case_dir):
    """A board with its own template points mkdocs.yml at its own spec: no code changes."""
    from imr_site.case.spec import DEFAULT_SPEC

    spec_text = DEFAULT_SPEC.read_text(encoding="utf-8")
    spec_text = spec_text.replace(
        "      - title: Staff interviewed\n", "      - title: Family views\n"
    )
    (case_dir / "board-spec.yml").write_text(spec_text, encoding="utf-8")
    cfg = case_dir / "mkdocs.yml"
    text = cfg.read_text(encoding="utf-8")
    m = re.search(r"^\s*- imr:\n(\s+)\S", text, flags=re.MULTILINE)
    cfg.write_text(text[: m.end(1)] + "spec: board-spec.yml\n" + m.group(1) + text[m.end(1) :])
    found = findings_for(case_dir)
    assert codes(found) == ["HDG002"]
    assert "Family views" in found[0].message


def test_a_broken_spec_is_reported_with_its_line(case_dir):
    from imr_site.case.findings import CaseError

    (case_dir / "board-spec.yml").write_text("sections:\n  - title: No id here\n", encoding="utf-8")
    cfg = case_dir / "mkdocs.yml"
    text = cfg.read_text(encoding="utf-8")
    m = re.search(r"^\s*- imr:\n(\s+)\S", text, flags=re.MULTILINE)
    cfg.write_text(text[: m.end(1)] + "spec: board-spec.yml\n" + m.group(1) + text[m.end(1) :])
    with pytest.raises(CaseError) as e:
        load_case(case_dir)
    (f,) = e.value.findings
    assert f.line == 2 and "id" in f.message


def test_placeholder_wrapped_over_lines_or_in_a_heading(case_dir):
    path = section_file(case_dir, "factual_summary")
    before = len(path.read_text(encoding="utf-8").splitlines())
    with path.open("a", encoding="utf-8") as fh:
        fh.write(
            "\n[Write here: a brief factual summary,\nwrapped by an editor]\n\n### [Write here: title]\n"
        )
    found = findings_for(case_dir)
    assert [(f.code, f.line) for f in found] == [("HDG005", before + 2), ("HDG005", before + 5)]


def test_case_settings_left_unset(case_dir):
    cfg = case_dir / "mkdocs.yml"
    text = cfg.read_text(encoding="utf-8")
    cfg.write_text(
        re.sub(r"case_reference: \S+", "case_reference: CHANGE-ME", text), encoding="utf-8"
    )
    found = findings_for(case_dir)
    assert [(f.code, f.file) for f in found] == [("FLD001", "mkdocs.yml")]
    assert "case_reference" in found[0].message


def test_misspelled_heading_is_pointed_at_with_did_you_mean(case_dir):
    path = section_file(case_dir, "learning")
    text = path.read_text(encoding="utf-8")
    path.write_text(
        re.sub(r"^## (.*)Sharing the learning", r"## \1Sharing the lerning", text, flags=re.M),
        encoding="utf-8",
    )
    found = findings_for(case_dir)
    assert [(f.code, f.file, f.line) for f in found] == [
        ("HDG002", path.relative_to(case_dir).as_posix(), line_of(path, "Sharing the lerning"))
    ]
    assert "did you mean" in found[0].message and "Sharing the lerning" in found[0].message


def test_a_heading_unlike_any_required_one_gets_no_did_you_mean(case_dir):
    path = section_file(case_dir, "learning")
    text = path.read_text(encoding="utf-8")
    path.write_text(re.sub(r"^## .*Sharing the learning.*$", "## Other", text, flags=re.M))
    found = findings_for(case_dir)
    assert codes(found) == ["HDG002"] and "did you mean" not in found[0].message


def test_section_without_front_matter_is_named(case_dir):
    path = section_file(case_dir, "learning")
    text = path.read_text(encoding="utf-8")
    path.write_text(text.split("---\n", 2)[2], encoding="utf-8")
    found = findings_for(case_dir)
    rel = path.relative_to(case_dir).as_posix()
    assert [(f.code, f.file, f.line) for f in found] == [("SEC001", rel, 1)]
    assert f"{rel} has no front matter" in found[0].message
    assert "`section: learning`" in found[0].message


# --- every rule of the parts at once, each message in full -------------------------------------

A = "Practitioners recorded what they saw and acted on it the same day, as the records show."


def test_every_section_rule_names_the_place_and_says_what_to_do(tmp_path):
    """One case with a fault of each kind: the whole list of findings of the sections' rules,
    in order, word for word (the author reads these and acts on them)."""
    from complete_case import MKDOCS_YML, write_case

    from imr_site.sections import checks

    settings = (
        MKDOCS_YML.replace("SAR-TEST-1", "IMR")
        .replace("        end: 2024-03-31\n", "")
        .replace("Test Agency", '""')
    )
    root = write_case(tmp_path / "c", mkdocs_yml=settings, signed=dt.date(2025, 6, 30))
    docs = root / "docs"

    def edit(name, old, new):
        page = docs / name
        text = page.read_text()
        assert old in text, (name, old)
        page.write_text(text.replace(old, new, 1))

    (docs / "notes.md").write_text("# Notes\n\nSome notes.\n")
    (docs / "README.md").write_text("# For editors\n\nHow this folder is laid out.\n")  # no SEC004
    (docs / "12-bogus.md").write_text("---\nstatus: draft\nsection: bogus\n---\n# Bogus\n\nText.\n")
    (docs / "13-analysis-2.md").write_text(
        "---\nstatus: draft\nsection: analysis\n---\n# 4. Analysis of agency involvement\n\nText.\n"
    )
    (docs / "07-learning.md").unlink()
    lost = docs / "06-recommendations.md"
    lost.write_text(lost.read_text().split("---\n", 2)[2])  # its front matter lost
    edit("04-source_documentation.md", "section: source_documentation\n", "")
    edit("01-organisational_context.md", "# Organisational context", "# Context")
    edit("05-analysis.md", "## Sensitivity to the adult's needs\n", "## Needs of the adult\n")
    edit("05-analysis.md", "## Training\n", "## Trainnig\n")
    edit("05-analysis.md", "## Partnership working\n", "## Something else\n")
    edit(
        "05-analysis.md",
        "## Management and supervision\n\n",
        "## Management and supervision\n\n<!-- a note -->\n\n## Sensitivity extra\n\n",
    )
    edit(
        "08-action_plan.md", "## Indirect actions\n\n" + A, "## Indirect actions\n\n**N/A** as none"
    )
    edit(
        "08-action_plan.md",
        "## Monitoring the action plan\n\n" + A,
        "## Monitoring the action plan\n\nNot applicable because no actions were needed here at all",
    )
    edit("00-introduction.md", '  contact: "Contact details of author value"\n', "")
    edit("00-introduction.md", "completion_date: 2025-06-30", "completion_date: soon")
    edit(
        "00-introduction.md",
        "\n" + A,
        "\n[Write here: the reason for this review, the adult's circumstances and who asked for "
        "the review]",
    )
    edit("10-date.md", "chronology_complete: yes", "chronology_complete: no")
    edit("09-signoff.md", 'role: "role value"', "role: TBC")
    edit(
        "02-factual_summary.md",
        "## Factual summary of agency involvement\n",
        "## Factual summary of agency involvement [Write here: title]\n",
    )
    edit("02-factual_summary.md", A, "The team will confirm the date (TBC) with the GP.")
    edit(
        "index.md",
        "A test case.",
        "This is the home page of your Individual Management Review (IMR). Before you share the "
        "report,\nreplace this page's text with a short note for your readers: what the report "
        "is, which review it\nis for, its status (draft or final) and how to find their way "
        "around it.",
    )
    found = checks.check(load_case(root))
    assert [(f.code, f.file, f.line, f.message) for f in found] == [
        (
            "FLD001",
            "mkdocs.yml",
            None,
            "`case_reference` is not set in the imr plugin options in mkdocs.yml. Fill it in: it appears on the cover and every page, and the chronology is checked against it.",
        ),
        (
            "FLD001",
            "mkdocs.yml",
            None,
            "`review_period: end` is not set in the imr plugin options in mkdocs.yml. Fill it in: it appears on the cover and every page, and the chronology is checked against it.",
        ),
        (
            "SEC003",
            "docs/12-bogus.md",
            3,
            "`section: bogus` is not a part of this template. Use one of: introduction, organisational_context, factual_summary, chronology, source_documentation, analysis, recommendations, learning, action_plan, signoff, date, abbreviations, supplementary_report.",
        ),
        (
            "SEC002",
            "docs/13-analysis-2.md",
            3,
            "docs/05-analysis.md already fills section 'analysis'. Merge the two files or change `section:` in one of them.",
        ),
        (
            "SEC004",
            "docs/notes.md",
            1,
            "this page has no `section:` in its front matter, so it is not part of the report and will not be in the PDF.",
        ),
        (
            "PLH001",
            "docs/02-factual_summary.md",
            8,
            "'TBC' is a placeholder: replace it with what it stands for before the report is final.",
        ),
        (
            "PLH001",
            "docs/09-signoff.md",
            7,
            "'TBC' is a placeholder in the front matter: replace it with what it stands for before the report is final.",
        ),
        (
            "TPL001",
            "docs/index.md",
            3,
            "this paragraph is the template's text, unchanged ('This is the home page of your Individual Management Revie...'): replace it with your own words, or delete it.",
        ),
        (
            "HDG005",
            "docs/00-introduction.md",
            22,
            "template text is still here: [Write here: the reason for this review, the adult's circumstances ...] Replace it with your own words.",
        ),
        (
            "FLD001",
            "mkdocs.yml",
            None,
            "'Name of agency' is not filled in. Add `agency:` to the imr plugin options in mkdocs.yml.",
        ),
        (
            "FLD001",
            "docs/00-introduction.md",
            12,
            "'Contact details of author' is not filled in. Add `author.contact:` to the front matter of this file.",
        ),
        (
            "FLD002",
            "docs/00-introduction.md",
            17,
            "'Date of IMR completion' is 'soon', which is not a date. Write it as YYYY-MM-DD.",
        ),
        (
            "HDG001",
            "docs/01-organisational_context.md",
            6,
            "the first level-1 heading should be '# Organisational context' (it is 'Context').",
        ),
        (
            "HDG002",
            "docs/02-factual_summary.md",
            10,
            "the heading '## Factual summary of agency involvement' is missing from 1. Factual & contextual summary; did you mean 'Factual summary of agency involvement [Write here: title]' here? Write it as '## Factual summary of agency involvement' so that it is recognised.",
        ),
        (
            "HDG005",
            "docs/02-factual_summary.md",
            10,
            "template text is still here: [Write here: title] Replace it with your own words.",
        ),
        (
            "SEC001",
            "docs/04-source_documentation.md",
            1,
            "docs/04-source_documentation.md has no `section:` in its front matter, so nothing fills '3. Source documentation'; add `section: source_documentation` (and `status: draft`) between two '---' lines at the top of the file.",
        ),
        (
            "HDG002",
            "docs/05-analysis.md",
            14,
            "the heading '## Q1 Sensitivity to the adult's needs' is missing from 4. Analysis of agency involvement (the question: Were practitioners sensitive to the needs of the vulnerable adult? What knowledge did they show about the potential indicators of abuse or neglect and what evidence was there that they would know what to do if they had a concern?). Add it with your answer under it.",
        ),
        (
            "HDG002",
            "docs/05-analysis.md",
            54,
            "the heading '## Q12 Training' is missing from 4. Analysis of agency involvement; did you mean 'Trainnig' here? Write it as '## Q12 Training' so that it is recognised.",
        ),
        (
            "HDG003",
            "docs/05-analysis.md",
            58,
            "'Q13 Management and supervision' has nothing written under it. Answer it, or write 'Not applicable' with the reason.",
        ),
        (
            "HDG002",
            "docs/05-analysis.md",
            69,
            "the heading '## Q14 Partnership working' is missing from 4. Analysis of agency involvement (the question: Are there any implications for partnership working between agencies? State what the issues are and which agencies are affected.). Add it with your answer under it.",
        ),
        (
            "SEC001",
            "docs/06-recommendations.md",
            1,
            "docs/06-recommendations.md has no front matter, so nothing fills '5. Recommendations for action'; add `section: recommendations` (and `status: draft`) between two '---' lines at the top of the file.",
        ),
        (
            "SEC001",
            None,
            None,
            "no file fills '6. Learning'. Add a Markdown file in docs/ with `section: learning` in its front matter.",
        ),
        (
            "HDG004",
            "docs/08-action_plan.md",
            14,
            "'Indirect actions' says it does not apply but gives no reason. The guidance asks for the reason: write 'Not applicable because ...'.",
        ),
        (
            "FLD003",
            "docs/10-date.md",
            5,
            "'The chronology has been fully completed' must be confirmed: set `chronology_complete: yes` once it is true.",
        ),
    ]


@pytest.mark.parametrize(
    "answer, answered",
    [
        (A, True),
        ("[Write here: what training was given]", False),
        ("A start. [Write here: what training was given]", False),
        ("", False),
        ("N/A", False),
        ("Not applicable because no training was relevant here.", True),
    ],
)
def test_a_question_counts_as_answered_as_the_rules_judge_it(tmp_path, answer, answered):
    """The Review status page counts answered questions with is_answered: a prompt left in, no
    words, or 'not applicable' without a reason is not an answer."""
    from complete_case import write_case

    from imr_site.sections.checks import is_answered

    root = write_case(tmp_path / "c")
    page = next((root / "docs").glob("*-analysis.md"))
    page.write_text(page.read_text().replace("## Training\n\n" + A, "## Training\n\n" + answer))
    analysis = load_case(root).section("analysis")
    heading = next(h for h in analysis.headings if h.text == "Training")
    following = next(h for h in analysis.headings if h.line > heading.line)
    assert following.level == 2  # the answer ends at the next question
    assert is_answered(load_case(root), analysis, heading) is answered


@pytest.mark.parametrize(
    "written, line, message",
    [
        # a misspelling at level 3 is not the question's heading: no 'did you mean'
        (
            "### Trainnig\n",
            58,
            "the heading '## Q12 Training' is missing from 4. Analysis of agency involvement (the question: Are there any issues/implications related to training?). Add it with your answer under it.",
        ),
        # two as close: the first is named
        (
            "## Trainnig\n\nText here.\n\n## Trainign\n",
            54,
            "the heading '## Q12 Training' is missing from 4. Analysis of agency involvement; did you mean 'Trainnig' here? Write it as '## Q12 Training' so that it is recognised.",
        ),
        # as close as 0.8 is close enough
        (
            "## Trainingxxxx\n",
            54,
            "the heading '## Q12 Training' is missing from 4. Analysis of agency involvement; did you mean 'Trainingxxxx' here? Write it as '## Q12 Training' so that it is recognised.",
        ),
    ],
)
def test_a_missing_question_names_the_heading_meant_only_when_one_is_close(
    tmp_path, written, line, message
):
    from complete_case import write_case

    from imr_site.sections import checks

    root = write_case(tmp_path / "c")
    page = next((root / "docs").glob("*-analysis.md"))
    page.write_text(page.read_text().replace("## Training\n", written, 1))
    rel = page.relative_to(root).as_posix()
    assert [(f.code, f.file, f.line, f.message) for f in checks.check(load_case(root))] == [
        ("HDG002", rel, line, message)
    ]


def test_an_unset_review_period_start_is_named(tmp_path):
    from complete_case import MKDOCS_YML, write_case

    from imr_site.sections import checks

    settings = MKDOCS_YML.replace("        start: 2024-01-01\n", "")
    found = checks.check(load_case(write_case(tmp_path / "c", mkdocs_yml=settings)))
    assert [(f.code, f.file, f.line, f.message) for f in found] == [
        (
            "FLD001",
            "mkdocs.yml",
            None,
            "`review_period: start` is not set in the imr plugin options in mkdocs.yml. Fill it "
            "in: it appears on the cover and every page, and the chronology is checked against it.",
        )
    ]


def test_a_part_the_board_made_optional_may_be_left_out_and_the_rest_are_still_checked(tmp_path):
    """A board's own spec makes 'learning' optional: its file may be missing, and a part after
    it (here the Date, its title lost) is still checked."""
    from complete_case import write_case

    from imr_site.case.spec import DEFAULT_SPEC
    from imr_site.sections import checks

    root = write_case(tmp_path / "c")
    spec = DEFAULT_SPEC.read_text(encoding="utf-8")
    assert "  - id: learning\n" in spec
    (root / "board-spec.yml").write_text(
        spec.replace("  - id: learning\n", "  - id: learning\n    required: false\n"),
        encoding="utf-8",
    )
    cfg = root / "mkdocs.yml"
    cfg.write_text(cfg.read_text().replace("  - imr:\n", "  - imr:\n      spec: board-spec.yml\n"))
    (root / "docs" / "07-learning.md").unlink()
    date = root / "docs" / "10-date.md"
    date.write_text(date.read_text().replace("# 9. Date\n", ""))
    assert [(f.code, f.file, f.line, f.message) for f in checks.check(load_case(root))] == [
        (
            "HDG001",
            "docs/10-date.md",
            7,
            "the first level-1 heading should be '# 9. Date'.",
        )
    ]


@pytest.mark.parametrize(
    "part, old, new, expected",
    [
        # a heading with no question: none quoted
        (
            "organisational_context",
            "## Family/Household composition\n\n" + A,
            "## Something else\n\n" + A,
            [
                (
                    "HDG002",
                    "docs/01-organisational_context.md",
                    13,
                    "the heading '## Family/Household composition' is missing from Organisational context. Add it with your answer under it.",
                )
            ],
        ),
        # a part that needs text under its title, before its first heading
        (
            "organisational_context",
            "# Organisational context\n\n" + A,
            "# Organisational context\n\n",
            [
                (
                    "HDG003",
                    "docs/01-organisational_context.md",
                    6,
                    "'Organisational context' has nothing written under it. Answer it, or write 'Not applicable' with the reason.",
                )
            ],
        ),
        # 'N/A' there without a reason
        (
            "organisational_context",
            "# Organisational context\n\n" + A,
            "# Organisational context\n\nN/A\n",
            [
                (
                    "HDG004",
                    "docs/01-organisational_context.md",
                    6,
                    "'Organisational context' says it does not apply but gives no reason. The guidance asks for the reason: write 'Not applicable because ...'.",
                )
            ],
        ),
        # the heading is there: a near one beside it is no finding
        (
            "analysis",
            "## Training\n",
            "## Trainin\n\nMore words here.\n\n## Training\n",
            [],
        ),
        # a prompt wrapped over two lines, quoted as one
        (
            "factual_summary",
            "## Factual summary of agency involvement\n\n" + A,
            "## Factual summary of agency involvement\n\n"
            + A
            + "\n\n[Write here: a brief factual summary,\nwrapped by an editor]\n",
            [
                (
                    "HDG005",
                    "docs/02-factual_summary.md",
                    14,
                    "template text is still here: [Write here: a brief factual summary, wrapped by an editor] Replace it with your own words.",
                )
            ],
        ),
    ],
)
def test_the_text_of_each_part_and_heading_word_for_word(tmp_path, part, old, new, expected):
    from complete_case import write_case

    from imr_site.sections import checks

    root = write_case(tmp_path / "c")
    page = next((root / "docs").glob(f"*-{part}.md"))
    assert old in page.read_text()
    page.write_text(page.read_text().replace(old, new, 1))
    found = checks.check(load_case(root))
    assert [(f.code, f.file, f.line, f.message) for f in found] == expected


def test_placeholders_in_headings_and_prompts_on_pages_outside_the_report(tmp_path):
    """A placeholder in a heading is found at its line; a word the glossary defines is none; the
    status field is not searched (it has its own rule); on a page outside the report a
    template prompt is a placeholder (PLH001), inside it a prompt (HDG005) quoted whole up to
    70 characters."""
    from complete_case import write_case

    from imr_site.sections import checks

    root = write_case(tmp_path / "c")
    docs = root / "docs"
    glossary = root / "data" / "glossary.yml"
    glossary.write_text(glossary.read_text() + "TBA: Transitional Benefit Allowance\n")
    x70, y71 = "[Write here: " + "x" * 56 + "]", "[Write here: " + "y" * 57 + "]"
    page = docs / "02-factual_summary.md"
    page.write_text(
        page.read_text()
        .replace("status: final", "status: TBC")
        .replace(
            A,
            A + "\n\n### Visit by the TBC team\n\nThe TBA was paid.\n\n### The TBA review\n\nText.",
            1,
        )
    )
    (docs / "notes.md").write_text(f"# Notes\n\n## [Write here: a title]\n\n{x70}\n\n{y71}\n")
    analysis = docs / "05-analysis.md"
    analysis.write_text(analysis.read_text().replace(A, f"{x70}\n\n{y71}", 1))
    found = checks.check(load_case(root))
    assert [(f.code, f.file, f.line, f.message) for f in found] == [
        (
            "SEC004",
            "docs/notes.md",
            1,
            "this page has no `section:` in its front matter, so it is not part of the report and will not be in the PDF.",
        ),
        (
            "PLH001",
            "docs/02-factual_summary.md",
            10,
            "'TBC' is a placeholder: replace it with what it stands for before the report is final.",
        ),
        (
            "PLH001",
            "docs/notes.md",
            5,
            "'[Write here: xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx]' is a placeholder: replace it with what it stands for before the report is final.",
        ),
        (
            "PLH001",
            "docs/notes.md",
            7,
            "'[Write here: yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy...' is a placeholder: replace it with what it stands for before the report is final.",
        ),
        (
            "PLH001",
            "docs/notes.md",
            3,
            "'[Write here: a title]' is a placeholder: replace it with what it stands for before the report is final.",
        ),
        (
            "HDG005",
            "docs/05-analysis.md",
            8,
            "template text is still here: [Write here: xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx] Replace it with your own words.",
        ),
        (
            "HDG005",
            "docs/05-analysis.md",
            10,
            "template text is still here: [Write here: yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy...] Replace it with your own words.",
        ),
    ]


def test_a_placeholder_in_the_front_matter_and_in_the_text_of_one_page_are_both_found(tmp_path):
    from complete_case import write_case

    from imr_site.sections import checks

    root = write_case(tmp_path / "c")
    page = root / "docs" / "10-date.md"
    text = re.sub(r"^date: .*$", "date: TBC", page.read_text(), flags=re.M)
    page.write_text(text.replace(A, "Signed off TBC."))
    placeholder = (
        "'TBC' is a placeholder{}: replace it with what it stands for before the report is final."
    )
    assert [(f.code, f.file, f.line, f.message) for f in checks.check(load_case(root))] == [
        ("PLH001", "docs/10-date.md", 10, placeholder.format("")),
        ("PLH001", "docs/10-date.md", 4, placeholder.format(" in the front matter")),
        (
            "FLD002",
            "docs/10-date.md",
            4,
            "'Date of this IMR' is 'TBC', which is not a date. Write it as YYYY-MM-DD.",
        ),
    ]


def test_four_words_of_reason_are_enough_and_a_prompt_does_not_hide_a_bare_na(tmp_path):
    """'Not applicable because of the move' gives a reason (4 words, the template's minimum);
    '[Write here: ...] N/A' is a prompt left in and a 'N/A' without a reason. A confirmation
    nested in the front matter is named by its own key."""
    from complete_case import write_case

    from imr_site.sections import checks

    root = write_case(tmp_path / "c")
    intro = root / "docs" / "00-introduction.md"
    intro.write_text(intro.read_text().replace("no_involvement: yes", "no_involvement: no"))
    plan = root / "docs" / "08-action_plan.md"
    plan.write_text(
        plan.read_text()
        .replace(
            "## Indirect actions\n\n" + A,
            "## Indirect actions\n\nNot applicable because of the move",
        )
        .replace(
            "## Monitoring the action plan\n\n" + A,
            "## Monitoring the action plan\n\n[Write here: the reason] N/A",
        )
    )
    found = checks.check(load_case(root))
    assert [(f.code, f.file, f.line, f.message) for f in found] == [
        (
            "FLD003",
            "docs/00-introduction.md",
            17,
            "'Author confirms no involvement with the case in question' must be confirmed: set `no_involvement: yes` once it is true.",
        ),
        (
            "HDG004",
            "docs/08-action_plan.md",
            18,
            "'Monitoring the action plan' says it does not apply but gives no reason. The guidance asks for the reason: write 'Not applicable because ...'.",
        ),
        (
            "HDG005",
            "docs/08-action_plan.md",
            20,
            "template text is still here: [Write here: the reason] Replace it with your own words.",
        ),
    ]


def test_the_section_field_is_not_searched_for_placeholders_nor_is_a_word_the_glossary_defines(
    tmp_path,
):
    """`section: TBC` is an unknown part (SEC003), not also a placeholder; 'TBA' defined in the
    glossary is an abbreviation in the front matter too."""
    from complete_case import write_case

    from imr_site.sections import checks

    root = write_case(tmp_path / "c")
    glossary = root / "data" / "glossary.yml"
    glossary.write_text(glossary.read_text() + "TBA: Transitional Benefit Allowance\n")
    (root / "docs" / "12-extra.md").write_text(
        "---\nsection: TBC\nstatus: draft\n---\n# Extra\n\nText.\n"
    )
    signoff = root / "docs" / "09-signoff.md"
    signoff.write_text(signoff.read_text().replace('role: "role value"', "role: TBA adviser", 1))
    assert [(f.code, f.file, f.line) for f in checks.check(load_case(root))] == [
        ("SEC003", "docs/12-extra.md", 2)
    ]
