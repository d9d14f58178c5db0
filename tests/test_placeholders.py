"""Placeholders (TBC, XX, [name], "(insert ...)") anywhere in a case are PLH001 errors, and a FINAL
build is refused while one is left; ordinary prose and glossary abbreviations are not."""

from __future__ import annotations

import random
import re
import sys

import pytest
import yaml
from complete_case import write_case

from imr_site.case import placeholders
from imr_site.case.placeholders import find, in_data_file, in_value
from imr_site.case.yamlio import parse_yaml
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


# -- the quick look first (issue 16): it says "none here" only where the full look finds none --

# The readable form of placeholders._MAYBE, written as the full pattern is (re.IGNORECASE).
_READABLE = re.compile(
    r"[\[<`]|tb[acd]|xx|\?{3}|\(\s*(?:insert|enter|add|type|write|fill in|complete|put)",
    re.IGNORECASE,
)
_MARKED = [
    "[name]",
    "<name>",
    "`code`",
    "TBC",
    "tBa",
    "TbD",
    "xX",
    "???",
    "( Insert",
    "(\n  enter",
    "(fill in",
    "(put",
    "(type",
    "(write",
    "(add",
    "(complete",
]
_PLAIN = ["a", " ", "(", "?", "??", "t", "b", "x", "TB", "X", "(note", "insert", "\n", "é", "\0"]


def test_each_placeholder_mark_is_seen_and_plain_text_is_not():
    for mark in _MARKED:
        assert placeholders._MAYBE.search(f"seen {mark} here"), mark
    assert not placeholders._MAYBE.search(" ".join(_PLAIN))


def test_the_quick_pattern_is_the_readable_one():
    rng = random.Random(16)
    for _ in range(3000):
        text = "".join(rng.choices(_MARKED[:3] + _PLAIN * 3 + ["T", "B", "C", "x"], k=8))
        assert bool(placeholders._MAYBE.search(text)) == bool(_READABLE.search(text)), text


@pytest.mark.parametrize("letter", "tbacdx")
def test_the_letters_it_looks_for_have_no_other_case_forms(letter):
    """_MAYBE writes [Tt][Bb]... instead of re.IGNORECASE: right only if no other character
    matches these letters when case is ignored (K, the Kelvin sign, matches k; none matches these)."""
    forms = {c for c in map(chr, range(sys.maxunicode + 1)) if re.fullmatch(letter, c, re.I)}
    assert forms == {letter, letter.upper()}


def test_code_between_a_bracket_and_an_instruction_is_still_a_placeholder():
    assert [p.text for p in find("(`x` insert the date)")] == ["(    insert the date)"]
    assert [p.text for p in find("(\n  insert the date)", 4)] == ["(\n  insert the date)"]
    assert find("(\n  insert the date)", 4)[0].line == 4


def _reference_in_value(value, line, defined=frozenset()):
    """in_value as it was before issue 16: find() on every string, one at a time."""
    if isinstance(value, str):
        return find(value, line, defined=defined)
    out = []
    if isinstance(value, dict):
        for k, v in value.items():
            out += _reference_in_value(v, value.line_of(k), defined)
    elif isinstance(value, list):
        for i, v in enumerate(value):
            out += _reference_in_value(v, value.item_lines[i], defined)
    return out


def test_in_value_finds_what_looking_at_each_string_finds():
    rng = random.Random(7)
    pieces = ["TBC", "[name]", "ok", "(insert x)", "XX/XX", "note", "?", "`", "a\nb", "\0"]

    def value(depth):
        kind = rng.random()
        if depth > 2 or kind < 0.5:
            return rng.choice([*pieces, 3, None, True])
        if kind < 0.75:
            return [value(depth + 1) for _ in range(rng.randint(0, 3))]
        return {f"k{i}": value(depth + 1) for i in range(rng.randint(0, 3))}

    for _ in range(300):
        raw = parse_yaml(yaml.safe_dump([value(0) for _ in range(3)]))
        assert in_value(raw, raw.line) == _reference_in_value(raw, raw.line), raw
        assert in_value(raw, raw.line, defined={"TBC"}) == _reference_in_value(
            raw, raw.line, {"TBC"}
        )


def test_in_value_gives_each_string_its_own_line():
    raw = parse_yaml("- event: fine\n  comment: TBC\n- event: [ok, '[name]']\n")
    assert [(p.line, p.text) for p in in_value(raw, raw.line)] == [(2, "TBC"), (3, "[name]")]


def _chronology_with(tmp_path, text: str) -> list[tuple[str, int]]:
    root = write_case(tmp_path / "case")
    (root / "data" / "chronology.yml").write_bytes(text.encode("utf-8"))
    case = load_case(root)
    return [(f.file, f.line) for f in in_data_file(case, "chronology")]


ENTRY = "- date: 2024-01-05\n  source: GP\n  contact_with: A\n"


@pytest.mark.parametrize(
    "event",
    [
        '"\\x5Bname]"',  # an escaped bracket
        '"\\u0054BC"',  # an escaped letter
        '"T\\\n  BC"',  # an escaped line break joins two lines with no space
        "|\n    (\n    insert the date)",  # a block: '(' and 'insert' lines apart
        "Seen\n    (insert the date) today",  # a plain value over two lines
        "'It''s [name]'",
    ],
)
def test_a_placeholder_only_reading_the_yaml_shows_is_found(tmp_path, event):
    assert _chronology_with(tmp_path, ENTRY + f"  event: {event}\n") == [("data/chronology.yml", 4)]


def test_a_file_with_no_mark_is_not_read_again(tmp_path, monkeypatch):
    root = write_case(tmp_path / "case")
    case = load_case(root)

    def no_parse(*args, **kwargs):
        raise AssertionError("read again")

    monkeypatch.setattr(placeholders, "load_yaml", no_parse)
    (root / "data" / "chronology.yml").write_text(ENTRY + "  event: Seen (at home).\n")
    assert in_data_file(case, "chronology") == []
    (root / "data" / "chronology.yml").write_text(ENTRY + "  event: Seen at [place].\n")
    with pytest.raises(AssertionError):
        in_data_file(case, "chronology")


def test_a_file_that_is_not_utf8_or_not_yaml_has_no_placeholder_finding(tmp_path):
    """Its own part reports it (IMR004, CHR001); the placeholder check neither fails nor guesses."""
    root = write_case(tmp_path / "case")
    case = load_case(root)
    chron = root / "data" / "chronology.yml"
    chron.write_bytes(b"- event: caf\xe9 TBC\n")
    assert in_data_file(case, "chronology") == []
    chron.write_text("- event: [TBC\n")
    assert in_data_file(case, "chronology") == []
    chron.write_text("- event: TBC\n")
    assert [f.line for f in in_data_file(case, "chronology")] == [1]


def test_a_data_file_the_case_refused_is_not_read_for_placeholders(tmp_path):
    """A people key linked from outside the case is never read (IMR007): not for placeholders
    either."""
    outside = tmp_path / "elsewhere.yml"
    outside.write_text("X1:\n  name: TBC\n  role: '[role]'\n", encoding="utf-8")
    root = write_case(tmp_path / "case")
    (root / "data" / "people.yml").unlink()
    (root / "data" / "people.yml").symlink_to(outside)
    found = run_checks(load_case(root))
    assert [(f.code, f.file) for f in found if f.file == "data/people.yml"] == [
        ("IMR007", "data/people.yml")
    ]
