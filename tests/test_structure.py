"""Heading, section and field rules, each checked on a copy of the example case with one fault."""

from __future__ import annotations

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
