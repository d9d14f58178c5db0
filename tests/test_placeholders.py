"""Placeholders (TBC, XX, [name], "(insert ...)") anywhere in a case are PLH001 errors, and a FINAL
build is refused while one is left; ordinary prose and glossary abbreviations are not."""

from __future__ import annotations

import pytest
from complete_case import write_case

from imr_site.case.placeholders import find
from imr_site.publish.final import final_build_refusals
from imr_site.review.registry import load_case, run_checks


def _placed(findings, code="PLH001"):
    return [(f.code, f.file, f.line) for f in findings if f.code == code]


@pytest.mark.parametrize(
    "text, found",
    [
        (
            "(insert adults initials to keep anonymous)",
            "(insert adults initials to keep anonymous)",
        ),
        ("Seen by the GP on XX/XX/2024.", "XX/XX"),
        ("Outcome tbc.", "tbc"),
        ("Date TBA", "TBA"),
        ("Who made the call: ???", "???"),
        ("Spoke to [name] about it.", "[name]"),
        ("Spoke to <Name> about it.", "<Name>"),
        ("[Enter date of visit]", "[Enter date of visit]"),
        ("Worker XXX visited.", "XXX"),
    ],
)
def test_each_form_is_a_placeholder(text, found):
    assert [p.text for p in find(text)] == [found]


@pytest.mark.parametrize(
    "text",
    [
        "We will insert a prompt into the electronic record.",
        "The team added (additional) checks.",
        "See [the policy](policy.md) and `TBC` in code.",
        "A task list: [ ] and [x].",
        "PURPOSE-T and ACE-III scores were recorded; XX-ray is not a word.",
        "Was it known? Not then.",
        # HTML an author may paste: <details>, <time>, <title>, <address> are elements
        "<details><summary>More</summary>Text.</details>",
        "Seen at <time>10:15</time> at <address>the clinic</address>.",
    ],
)
def test_ordinary_prose_is_not(text):
    assert find(text) == []


def test_the_same_placeholder_twice_on_a_line_is_one_finding():
    from imr_site.case.placeholders import findings

    found = find("Met [name] and [name] again, then [agency].")
    assert [(f.line, f.message.split("'")[1]) for f in findings("docs/x.md", found)] == [
        (1, "[name]"),
        (1, "[agency]"),
    ]


def test_a_glossary_abbreviation_is_not_a_placeholder():
    assert find("TBA paid weekly", defined={"TBA"}) == []
    assert [p.text for p in find("TBA paid weekly")] == ["TBA"]


def _case(tmp_path):
    root = write_case(tmp_path / "case")
    assert _placed(run_checks(load_case(root))) == []
    return root


def test_placeholders_in_text_front_matter_and_data_files(tmp_path):
    root = _case(tmp_path)
    docs, data = root / "docs", root / "data"
    analysis = next(docs.glob("*-analysis.md"))
    analysis.write_text(
        analysis.read_text(encoding="utf-8") + "\nThe GP (insert GP's name) saw her.\n",
        encoding="utf-8",
    )
    last_line = len(analysis.read_text(encoding="utf-8").splitlines())
    signoff = next(docs.glob("*-signoff.md"))
    text = signoff.read_text(encoding="utf-8").split("\n")
    i = next(n for n, line in enumerate(text) if line.strip().startswith("name:"))
    text[i] = text[i].split(":")[0] + ": TBC"
    signoff.write_text("\n".join(text), encoding="utf-8")
    (docs / "index.md").write_text("# Test IMR\n\nFor [name] only.\n", encoding="utf-8")
    chron = data / "chronology.yml"
    chron.write_text(chron.read_text().replace("Telephone call", "Telephone call with ???"))
    actions = data / "actions.yml"
    actions.write_text(actions.read_text().replace("lead: Head of nursing", "lead: XXX"))
    people = data / "people.yml"
    people.write_text(people.read_text().replace("role: District nurse", "role: <role>"))
    glossary = data / "glossary.yml"
    glossary.write_text(glossary.read_text() + "SW: Social worker (add team)\n")

    findings = run_checks(load_case(root))
    # a placeholder word is not also reported as an undefined abbreviation
    assert not [f for f in findings if f.code == "GLO002" and "TBC" in f.message]
    found = _placed(findings)
    assert found == [
        ("PLH001", "data/actions.yml", 5),
        ("PLH001", "data/chronology.yml", 10),
        ("PLH001", "data/glossary.yml", 2),
        ("PLH001", "data/people.yml", 5),
        ("PLH001", analysis.relative_to(root).as_posix(), last_line),
        ("PLH001", signoff.relative_to(root).as_posix(), i + 1),
        ("PLH001", "docs/index.md", 3),
    ]


def test_final_is_refused_while_one_is_left_and_defining_it_clears_it(tmp_path):
    root = _case(tmp_path)
    chron = root / "data" / "chronology.yml"
    chron.write_text(chron.read_text().replace("Telephone call", "TBA review"))
    case = load_case(root)
    reasons = final_build_refusals(case, run_checks(case))
    assert any("PLH001" in r and "data/chronology.yml:10" in r for r in reasons)
    glossary = root / "data" / "glossary.yml"
    glossary.write_text(glossary.read_text() + "TBA: Transitional Benefit Allowance\n")
    assert _placed(run_checks(load_case(root))) == []


def test_final_refuses_placeholders_even_when_their_code_is_regraded_or_switched_off(tmp_path):
    from complete_case import MKDOCS_YML

    def refusals(name: str, rules: str):
        root = write_case(tmp_path / name, mkdocs_yml=MKDOCS_YML + rules)
        chron = root / "data" / "chronology.yml"
        chron.write_text(chron.read_text().replace("Telephone call", "TBC"))
        case = load_case(root)
        return final_build_refusals(case, run_checks(case))

    regraded = refusals("regraded", "      rules:\n        severity:\n          PLH001: info\n")
    assert any("PLH001" in r and "data/chronology.yml:10" in r for r in regraded)
    off = refusals("off", "      rules:\n        disable: [PLH001]\n")
    assert any("PLH001 switched off" in r for r in off)
