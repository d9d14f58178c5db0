"""Abbreviations: found wherever an author writes, defined in data/glossary.yml, shown on hover."""

from __future__ import annotations

import copy

import pytest
from case_factory import GLOSSARY, edit, write_case

from imr_site.people import abbreviations as abbr
from imr_site.review.registry import load_case, run_checks


def glo(findings):
    return [f for f in findings if f.code.startswith("GLO")]


@pytest.fixture
def case_dir(tmp_path):
    return write_case(tmp_path / "case")


def test_honest_case_reports_only_the_unused_abbreviation(case_dir):
    found = glo(run_checks(load_case(case_dir)))
    assert [(f.code, f.severity.value, f.message.split("'")[1]) for f in found] == [
        ("GLO003", "info", "CMHT")
    ]
    assert found[0].file == "data/glossary.yml"


@pytest.mark.parametrize(
    "text, expected",
    [
        ("The GP and A&E staff", ["GP", "A&E"]),
        ("DoLS and MCA, a CMHT", ["DoLS", "MCA", "CMHT"]),
        ("an S.42 enquiry and s.117 aftercare", ["S.42", "s.117"]),
        ("GP1 and DN2 met", ["GP1", "DN2"]),
        ("two GPs and the GP's letter", ["GPs", "GP's"]),
        ("McDonald and MacKenzie, I and A", []),
        ("Smith-Jones wrote", []),
        ("MENTAL CAPACITY ACT ASSESSMENT by the GP", ["GP"]),
        ("the GP, CMHT and MCA", ["GP", "CMHT", "MCA"]),
    ],
)
def test_tokens(text, expected):
    assert abbr.tokens(text) == expected


def test_non_prose_is_skipped():
    line = "See `CODE` and [the NICE page](https://example.org/ABC) <span class='XYZ'>ok</span>"
    assert abbr.tokens(abbr.strip_non_prose(line)) == ["NICE"]


@pytest.mark.parametrize(
    "where, old, new",
    [
        ("docs/02-factual-summary.md", "GP1 was her GP.", "GP1 was her GP. The CQC inspected."),
        ("docs/05-analysis.md", "## Q12 Training", "## Q12 Training by the CQC"),
        (
            "docs/02-factual-summary.md",
            "section: factual_summary",
            "section: factual_summary\ndescription: CQC report",
        ),
        ("data/chronology.yml", "pressure area care.", "pressure area care; CQC informed."),
        ("data/actions.yml", "Quarterly report", "Quarterly CQC report"),
    ],
)
def test_undefined_abbreviation_is_a_warning_with_file_and_line(case_dir, where, old, new):
    edit(case_dir / where, old, new)
    found = [f for f in glo(run_checks(load_case(case_dir))) if f.code == "GLO002"]
    assert [(f.file, f.severity.value) for f in found] == [(where, "warning")]
    assert "CQC" in (case_dir / where).read_text().split("\n")[found[0].line - 1]
    assert "'CQC'" in found[0].message


def test_one_finding_per_file_for_a_repeated_abbreviation(case_dir):
    edit(case_dir / "docs/05-analysis.md", "## Q1 ", "The CQC and CQC and CQC.\n\n## Q1 ")
    edit(case_dir / "docs/05-analysis.md", "## Q2 ", "The CQC again.\n\n## Q2 ")
    found = [f for f in glo(run_checks(load_case(case_dir))) if f.code == "GLO002"]
    assert len(found) == 1 and "3 more times" in found[0].message


def test_every_file_using_an_undefined_abbreviation_is_reported(case_dir):
    """One finding per file, in every file: a fix in one place must not hide the others."""
    edit(case_dir / "docs/02-factual-summary.md", "GP1 was her GP.", "GP1 was her GP. The CQC.")
    edit(case_dir / "docs/05-analysis.md", "## Q1 ", "The CQC and CQC.\n\n## Q1 ")
    edit(case_dir / "data/chronology.yml", "pressure area care.", "pressure area care; CQC.")
    found = [f for f in glo(run_checks(load_case(case_dir))) if f.code == "GLO002"]
    where = {}
    for f in found:
        lines = (case_dir / f.file).read_text(encoding="utf-8").split("\n")
        assert "CQC" in lines[f.line - 1], (f.file, f.line)
        where[f.file] = where.get(f.file, 0) + 1
    assert where == {
        "docs/02-factual-summary.md": 1,
        "docs/05-analysis.md": 1,
        "data/chronology.yml": 1,
    }


def test_code_comments_and_links_are_ignored(case_dir):
    edit(
        case_dir / "docs/02-factual-summary.md",
        "GP1 was her GP.",
        "GP1 was her GP. `XYZ` [link](https://x.org/QQQ)\n\n```\nZZZ\n```\n\n<!-- WWW -->",
    )
    assert [f.code for f in glo(run_checks(load_case(case_dir)))] == ["GLO003"]


def test_ignore_list_case_reference_roman_numerals_postcodes(case_dir):
    edit(
        case_dir / "docs/02-factual-summary.md",
        "GP1 was her GP.",
        "GP1 was her GP. Ref SAR-2024-07, part II and XIV, near AT4 9QZ. The HMO and NHS.",
    )
    undefined = {
        f.message.split("'")[1] for f in glo(run_checks(load_case(case_dir))) if f.code == "GLO002"
    }
    assert undefined == {"HMO", "NHS"}
    edit(
        case_dir / "mkdocs.yml",
        "pdf: false",
        "pdf: false\n    abbreviations:\n      ignore: [NHS, '/H.O/']",
    )
    assert [f.code for f in glo(run_checks(load_case(case_dir)))] == ["GLO003"]


def test_police_ranks_are_not_roman_numerals(tmp_path):
    glossary = {**GLOSSARY, "DC": "Detective Constable"}
    case = write_case(tmp_path / "c", glossary=glossary)
    edit(
        case / "docs/02-factual-summary.md", "GP1 was her GP.", "GP1 was her GP. DC and DI called."
    )
    found = glo(run_checks(load_case(case)))
    assert {(f.code, f.message.split("'")[1]) for f in found} == {
        ("GLO002", "DI"),
        ("GLO003", "CMHT"),
    }
    assert "Detective Constable" in abbr.render_block(load_case(case))


def test_bad_ignore_option(case_dir):
    edit(
        case_dir / "mkdocs.yml",
        "pdf: false",
        "pdf: false\n    abbreviations:\n      ignore: ['/[/']",
    )
    assert "GLO005" in [f.code for f in run_checks(load_case(case_dir))]


def test_yes_no_abbreviation_is_not_lost_silently(tmp_path):
    case = write_case(tmp_path / "c")
    (case / "data/glossary.yml").write_text("GP: General Practitioner\nNO: Nursing Officer\n")
    found = [f for f in run_checks(load_case(case)) if f.code == "GLO004"]
    assert [(f.file, f.line) for f in found] == [("data/glossary.yml", 2)]


def test_lower_case_section_reference_uses_the_glossary_entry(case_dir):
    edit(case_dir / "data/chronology.yml", "S.42 enquiry", "s.42 enquiry")
    case = load_case(case_dir)
    assert "S.42" in abbr.find_usage(case)
    assert not [f for f in glo(run_checks(case)) if f.code == "GLO002"]


def test_block_lists_only_used_abbreviations_and_the_key_only_when_restricted(case_dir):
    case = load_case(case_dir)
    restricted = abbr.render_block(case, "restricted")
    assert "Accident and Emergency" in restricted and "CMHT" not in restricted
    assert "Sarah Marsh" in restricted and "District Nurse" in restricted
    anonymised = abbr.render_block(case, "anonymised")
    assert "Accident and Emergency" in anonymised
    assert "<td>DN2</td><td>District Nurse</td>" in anonymised  # labels with roles only
    assert "Sarah Marsh" not in anonymised and "Brownlow" not in anonymised


def test_block_escapes_data(tmp_path):
    glossary = copy.deepcopy(GLOSSARY)
    glossary["GP"] = '<script>alert(1)</script> & "GP"'
    case = load_case(write_case(tmp_path / "c", glossary=glossary))
    block = abbr.render_block(case)
    assert "<script>" not in block and "&lt;script&gt;" in block


def test_hover_wraps_text_only():
    terms = {"GP": 'General <Practitioner> "x"', "A&E": "Accident and Emergency"}
    page = (
        '<h2 id="gp">GP visits</h2><p title="GP">The GPs &amp; A&amp;E</p>'
        "<pre><code>GP</code></pre><abbr title='own'>GP</abbr><script>var GP=1</script>"
    )
    out = abbr.add_hover(page, terms)
    assert out.count("<abbr title=") == 4  # three added, one the author's
    assert '<abbr title="General &lt;Practitioner&gt; &quot;x&quot;">GPs</abbr>' in out
    assert '<abbr title="Accident and Emergency">A&amp;E</abbr>' in out
    assert "<pre><code>GP</code></pre>" in out and "<script>var GP=1</script>" in out
    assert '<p title="GP">' in out


def test_hover_for_people_only_in_restricted(case_dir):
    case = load_case(case_dir)
    assert "Sarah Marsh" in abbr.hover_terms(case)["DN2"]
    case.config.edition = "anonymised"
    assert abbr.hover_terms(case)["DN2"] == "District Nurse, Anytown Community Health"


ODD_TERMS = {
    "PURPOSE-T": "Pressure Ulcer Risk Primary or Secondary Evaluation Tool",
    "ACE-III": "Addenbrooke's Cognitive Examination III",
    "GDS-15": "Geriatric Depression Scale, 15 items",
    "aSSKINg": "Assess risk, Skin, Surface, Keep moving, Incontinence, Nutrition, Give information",
    "D.o.B.": "Date of birth",
}


def test_terms_with_hyphens_digits_dots_and_lower_case_are_matched_whole(tmp_path):
    root = write_case(tmp_path / "c", glossary={**GLOSSARY, **ODD_TERMS})
    edit(
        root / "docs" / "02-factual-summary.md",
        "GP1 was her GP.",
        "GP1 was her GP. PURPOSE-T, ACE-III and GDS-15 scores, the aSSKINg bundle; D.o.B. known.",
    )
    found = glo(run_checks(load_case(root)))
    # nothing split at the hyphen (no 'PURPOSE' or 'ACE'), nothing defined reported unused
    assert [(f.code, f.message.split("'")[1]) for f in found] == [("GLO003", "CMHT")]
    case = load_case(root)
    used = dict(abbr.used_terms(case))
    assert set(ODD_TERMS) <= set(used)
    out = abbr.add_hover("<p>PURPOSE-T and ACE-III, not ACE; aSSKINg.</p>", abbr.hover_terms(case))
    assert ' Secondary Evaluation Tool">PURPOSE-T</abbr>' in out
    assert 'Cognitive Examination III">ACE-III</abbr>' in out
    assert ">aSSKINg</abbr>" in out and "ACE;" in out


def test_a_hyphenated_definition_never_warns_about_its_first_part(tmp_path):
    root = write_case(tmp_path / "c", glossary={**GLOSSARY, "PURPOSE-T": ODD_TERMS["PURPOSE-T"]})
    edit(root / "docs" / "02-factual-summary.md", "GP1 was her GP.", "GP1 did a PURPOSE-T.")
    assert not [f for f in run_checks(load_case(root)) if "'PURPOSE'" in f.message]


# The messages an author reads, and the exact place of each finding (mutation testing, issue 20).


def _all(case, prefix=("GLO", "PLH")):
    return [
        (f.code, f.file, f.line, f.message) for f in run_checks(case) if f.code.startswith(prefix)
    ]


_CMHT_UNUSED = (
    "GLO003",
    "data/glossary.yml",
    8,
    "'CMHT' is defined but not used in the report, so it is left off the abbreviations page.",
)


def test_bad_ignore_option_is_reported_whole(case_dir):
    edit(
        case_dir / "mkdocs.yml",
        "pdf: false",
        "pdf: false\n    abbreviations:\n      ignore: ['/[/']",
    )
    assert _all(load_case(case_dir)) == [
        _CMHT_UNUSED,
        (
            "GLO005",
            "mkdocs.yml",
            None,
            "'abbreviations: ignore:' pattern /[/ is not valid (unterminated character set at "
            "position 0).",
        ),
    ]


def test_placeholder_in_the_glossary_and_a_label_like_word(tmp_path):
    glossary = {**GLOSSARY, "CQC": "TBC"}
    case = write_case(tmp_path / "c", glossary=glossary)
    edit(case / "docs/02-factual-summary.md", "GP1 was her GP.", "GP1 was her GP. SW3 and CQC.")
    assert _all(load_case(case)) == [
        _CMHT_UNUSED,
        (
            "PLH001",
            "data/glossary.yml",
            9,
            "'TBC' is a placeholder: replace it with what it stands for before the report is final.",
        ),
        (
            "GLO002",
            "docs/02-factual-summary.md",
            9,
            "'SW3' looks like an abbreviation but is not in data/glossary.yml. If it stands for a "
            "person, add 'SW3' to data/people.yml with their name, role and agency; otherwise add "
            "it to the glossary.",
        ),
    ]


@pytest.mark.parametrize(
    "written, also",
    [
        ("The CQC.", ""),
        ("The CQC and CQC.", " (and 1 more time in this file)"),
        ("The CQC and CQC and CQC.", " (and 2 more times in this file)"),
    ],
)
def test_undefined_abbreviation_message_counts_the_other_uses(case_dir, written, also):
    edit(case_dir / "docs/02-factual-summary.md", "GP1 was her GP.", f"GP1 was her GP. {written}")
    assert _all(load_case(case_dir), ("GLO002",)) == [
        (
            "GLO002",
            "docs/02-factual-summary.md",
            9,
            f"'CQC' looks like an abbreviation but is not in data/glossary.yml{also}. Add 'CQC: "
            "<what it stands for>' to the glossary, or write it in full.",
        )
    ]
