"""The people key and the name check: real names never written in the report."""

from __future__ import annotations

import copy
import time

import pytest
from case_factory import PEOPLE, edit, write_case

from imr_site.people.identifiers import SubjectDetails, identifiers_from
from imr_site.people.key import Person
from imr_site.review.registry import load_case, run_checks


def codes(findings, prefix=("ANO", "PPL"), unused_labels=False):
    """The findings of this issue; PPL007 (a label not used) only when asked for."""
    return [
        f for f in findings if f.code.startswith(prefix) and (unused_labels or f.code != "PPL007")
    ]


@pytest.fixture
def case_dir(tmp_path):
    return write_case(tmp_path / "case")


def test_honest_case_has_no_name_findings(case_dir):
    assert codes(run_checks(load_case(case_dir))) == []


def _ids():
    marsh = Person("DN2", "Sarah Marsh", "District Nurse", "Trust", ("Sarah Pellow",), ("marsh",))
    quenby = Person("GP1", "Dr Rupert Quenby-Hale", "GP", "Surgery")
    subject = SubjectDetails(
        "AB",
        "Alice Beatrice Brownlow",
        "1948-07-23",
        "14 Heron Close, Anytown, AT4 9QZ",
        aliases=("Ally",),
        identifiers=("485 777 3456",),
    )
    return identifiers_from([marsh, quenby], subject)


@pytest.mark.parametrize(
    "text, found",
    [
        ("Mr Marsh's visit", "Marsh"),
        ("MARSH attended", "MARSH"),
        ("sarah said", "sarah"),
        ("Sarah\nMarsh", "Sarah\nMarsh"),
        ("Sarah  Pellow (née)", "Sarah  Pellow"),
        ("Dr Quenby-Hale’s letter", "Quenby-Hale"),
        ("Dr Quenby wrote", "Quenby"),
        ("the Hale report", "Hale"),
        ("Brownlow's daughter", "Brownlow"),
        ("Ally was seen", "Ally"),
        ("born 23/07/1948", "23/07/1948"),
        ("born 23rd July 1948", "23rd July 1948"),
        ("born 23.7.48", "23.7.48"),
        ("lived at 14 Heron Close.", "14 Heron Close"),
        ("in Heron Close", "Heron Close"),
        ("postcode AT49QZ", "AT49QZ"),
        ("NHS number 4857773456", "4857773456"),
    ],
)
def test_identifier_variants_are_found(text, found):
    matches = _ids().find(text)
    assert [m.text for m in matches][:1] == [found]


@pytest.mark.parametrize(
    "text",
    [
        "the marshal arrived",  # word boundaries
        "the marsh behind the house",  # not_names, as written
        "AB and DN2 met",  # labels are never names
        "Anytown Community Health",  # the town alone identifies no one
        "Allyson is unrelated",
        "on 23/07/2024",
        "Rupertson",
    ],
)
def test_ordinary_text_is_not_a_name(text):
    assert _ids().find(text) == []


def test_accented_names_match_plain_spelling():
    ids = identifiers_from([Person("SW1", "Zoë Ångström", "Social Worker", "Council")])
    assert [m.text for m in ids.find("Zoe Angstrom and zoë")] == ["Zoe Angstrom", "zoë"]


def test_name_in_prose_is_an_error_naming_file_line_and_label(case_dir):
    edit(case_dir / "docs/02-factual-summary.md", "GP1 was her GP.", "Dr Quenby was her GP.")
    found = codes(run_checks(load_case(case_dir)))
    assert [(f.code, f.file) for f in found] == [("ANO001", "docs/02-factual-summary.md")]
    f = found[0]
    text = (case_dir / f.file).read_text().split("\n")
    assert "Dr Quenby" in text[f.line - 1]
    assert "GP1" in f.message and "'Quenby'" in f.message and "surname" in f.message


@pytest.mark.parametrize(
    "where, old, new",
    [
        ("docs/05-analysis.md", "## Q12 Training", "## Q12 Training for Sarah"),
        ("docs/01-organisational-context.md", "her son visited", "Mrs Brownlow's son visited"),
        ("data/chronology.yml", "pressure area care.", "pressure area care for Ally."),
        ("data/actions.yml", "lead: Head of Safeguarding", "lead: Sarah Marsh"),
        ("docs/04-sources.md", "records, 2024.", "records of AB (DOB 23/07/1948)."),
        (
            "docs/02-factual-summary.md",
            "section: factual_summary",
            "section: factual_summary\ndescription: About Ally",
        ),
        ("docs/00-introduction.md", "gender: Female", "gender: Female\n  note: Ally"),
        ("docs/00-introduction.md", "name: Jo Author", "name: Sarah Marsh"),
    ],
)
def test_names_are_found_in_every_kind_of_text(case_dir, where, old, new):
    edit(case_dir / where, old, new)
    found = codes(run_checks(load_case(case_dir)))
    assert [f.code for f in found] == ["ANO001"], found
    assert found[0].file == where
    line = (case_dir / where).read_text().split("\n")[found[0].line - 1]
    assert any(w in line for w in ("Sarah", "Brownlow", "Ally", "23/07/1948")), line


@pytest.mark.parametrize(
    "written",
    [
        "<!-- ask Marsh -->",
        "`Marsh`",
        "[DN2](https://intranet/staff/Sarah-Marsh)",
        '<span title="Marsh">DN2</span>',
        "```\nMarsh\n```",
    ],
)
def test_names_in_code_comments_and_links_are_found(case_dir, written):
    # Not prose, but published in the page's HTML all the same.
    page = case_dir / "docs/02-factual-summary.md"
    edit(page, "GP1 was her GP.", f"GP1 was her GP.\n\n{written}")
    found = codes(run_checks(load_case(case_dir)))
    assert [f.code for f in found] == ["ANO001"]


def test_subject_details_in_the_introduction_are_allowed(case_dir):
    # The introduction's identifying fields are meant to hold the real details.
    page = (case_dir / "docs/00-introduction.md").read_text()
    assert "Brownlow" in page and "1948-07-23" in page
    assert codes(run_checks(load_case(case_dir))) == []


def _people_case(tmp_path, people, glossary=None):
    return load_case(write_case(tmp_path / "c", people=people, glossary=glossary))


def test_one_name_under_two_labels(tmp_path):
    people = copy.deepcopy(PEOPLE)
    people["DN3"] = {"name": "sarah  marsh", "role": "Nurse", "agency": "Trust"}
    found = codes(run_checks(_people_case(tmp_path, people)), ("PPL",))
    assert [f.code for f in found] == ["PPL002"]
    assert "DN3" in found[0].message and "DN2" in found[0].message


def test_two_people_under_one_label_is_refused_with_a_line(tmp_path):
    case = write_case(tmp_path / "c")
    (case / "data/people.yml").write_text(
        "DN2:\n  name: Sarah Marsh\nDN2:\n  name: Rita Noble\n", encoding="utf-8"
    )
    from imr_site.case.findings import CaseError

    with pytest.raises(CaseError) as e:
        load_case(case)
    f = e.value.findings[0]
    assert (f.file, f.line) == ("data/people.yml", 3) and "twice" in f.message


def test_empty_name_is_an_error_and_the_label_is_kept(tmp_path):
    people = copy.deepcopy(PEOPLE)
    people["DN2"]["name"] = ""
    case = _people_case(tmp_path, people)
    found = codes(run_checks(case), ("PPL",))
    assert [f.code for f in found] == ["PPL001"] and "DN2" in found[0].message
    assert "DN2" in case.data["people"].labels  # nothing lost: DN2 is not 'undefined'
    assert not [f for f in run_checks(case) if f.code == "GLO002" and "DN2" in f.message]


def test_one_letter_name_is_an_error(tmp_path):
    people = copy.deepcopy(PEOPLE)
    people["X1"] = {"name": "J", "role": "Carer"}
    found = codes(run_checks(_people_case(tmp_path, people)), ("PPL",))
    assert [f.code for f in found] == ["PPL004"] and "'J'" in found[0].message


def test_label_that_is_a_glossary_abbreviation(tmp_path):
    people = copy.deepcopy(PEOPLE)
    people["GP"] = people.pop("GP1")
    found = codes(run_checks(_people_case(tmp_path, people)), ("PPL",))
    assert [f.code for f in found] == ["PPL003"]
    assert found[0].file == "data/people.yml" and "General Practitioner" in found[0].message


def test_not_names_that_hide_the_name_is_an_error(tmp_path):
    people = copy.deepcopy(PEOPLE)
    people["DN2"]["not_names"] = ["Marsh"]
    found = codes(run_checks(_people_case(tmp_path, people)), ("PPL",))
    assert [f.code for f in found] == ["PPL006"]


def test_unknown_people_key_field_is_a_warning(tmp_path):
    people = copy.deepcopy(PEOPLE)
    people["DN2"]["agnecy"] = "Trust"
    found = codes(run_checks(_people_case(tmp_path, people)), ("PPL",))
    assert [(f.code, f.severity.value) for f in found] == [("PPL005", "warning")]


def test_people_key_inside_docs_under_another_name(case_dir):
    (case_dir / "docs/key.yml").write_text("DN2:\n  name: Someone Else\n", encoding="utf-8")
    found = codes(run_checks(load_case(case_dir)))
    assert [(f.code, f.file) for f in found] == [("ANO003", "docs/key.yml")]


def test_people_yml_inside_docs_is_refused(case_dir):
    (case_dir / "docs/people.yml").write_text("DN2:\n  name: Sarah Marsh\n", encoding="utf-8")
    from imr_site.case.findings import CaseError

    with pytest.raises(CaseError) as e:
        load_case(case_dir)
    assert e.value.findings[0].code == "IMR005"


def test_data_folder_inside_docs(case_dir):
    """A data_dir inside docs/ would publish the people key: the case is refused before any
    file is read, with one message that says which setting to change (not "move it to
    docs/data/, beside docs/")."""
    from imr_site.case.findings import CaseError

    edit(case_dir / "mkdocs.yml", "pdf: false", "pdf: false\n    data_dir: docs/data")
    (case_dir / "data").rename(case_dir / "docs" / "data")
    with pytest.raises(CaseError) as e:
        load_case(case_dir)
    assert [(f.code, f.file) for f in e.value.findings] == [("IMR005", "mkdocs.yml")]
    message = e.value.findings[0].message
    assert "data_dir is 'docs/data'" in message and "beside docs/" in message
    assert "Move it to docs/data/" not in message


def test_link_into_data_is_an_error(case_dir):
    (case_dir / "docs/attachments").symlink_to(case_dir / "data")
    from imr_site.case.findings import CaseError

    try:
        found = run_checks(load_case(case_dir))
    except CaseError as e:
        found = e.findings
    assert {f.code for f in found} & {"ANO003", "IMR005"}


def test_attachment_in_docs_naming_someone(case_dir):
    (case_dir / "docs/notes.txt").write_text("Visit notes\nDN2 met Mr Brownlow\n", encoding="utf-8")
    found = codes(run_checks(load_case(case_dir)))
    assert [(f.code, f.file, f.line) for f in found] == [("ANO004", "docs/notes.txt", 2)]


def test_name_check_speed(case_dir):
    # 2,000 chronology entries, each with text: the name check stays well under a second.
    import yaml

    entries = [
        {
            "date": "2024-01-10",
            "source": "District nursing",
            "contact_with": "AB",
            "event": f"Visit {i}: DN2 reviewed the care plan with AB and the marsh was flooded.",
        }
        for i in range(2000)
    ]
    (case_dir / "data/chronology.yml").write_text(yaml.safe_dump(entries), encoding="utf-8")
    case = load_case(case_dir)
    from imr_site.people import name_checks as names

    start = time.perf_counter()
    found = names.check(case)
    elapsed = time.perf_counter() - start
    assert found == []
    assert elapsed < 2.0, elapsed


def test_name_in_a_role_is_an_error(tmp_path):
    # Roles are shown in the anonymised edition (the sheet of labels, the hovers).
    people = copy.deepcopy(PEOPLE)
    people["DN2"]["role"] = "District Nurse, Quenby's team"
    found = codes(run_checks(_people_case(tmp_path, people)))
    assert [(f.code, f.file) for f in found] == [("ANO001", "data/people.yml")]
    assert "GP1" in found[0].message


def test_unused_label_is_information(tmp_path):
    people = copy.deepcopy(PEOPLE)
    people["SW1"] = {"name": "Rita Noble", "role": "Social Worker", "agency": "Council"}
    found = codes(run_checks(_people_case(tmp_path, people)), ("PPL",), unused_labels=True)
    assert [(f.code, f.severity.value) for f in found] == [("PPL007", "info")]
    assert "SW1" in found[0].message


def test_label_missing_from_the_key_points_to_the_people_key(case_dir):
    edit(case_dir / "docs/02-factual-summary.md", "GP1 was her GP.", "GP1 was her GP. SW3 visited.")
    found = [f for f in run_checks(load_case(case_dir)) if f.code == "GLO002"]
    assert len(found) == 1 and "data/people.yml" in found[0].message


def test_name_in_mkdocs_yml(case_dir):
    edit(case_dir / "mkdocs.yml", "site_name: IMR SAR-2024-07", "site_name: Review for Ms Brownlow")
    found = codes(run_checks(load_case(case_dir)))
    assert [(f.code, f.file, f.line) for f in found] == [("ANO001", "mkdocs.yml", 1)]


def test_office_document_in_docs_naming_someone(case_dir):
    import zipfile

    with zipfile.ZipFile(case_dir / "docs/letter.docx", "w") as z:
        z.writestr("word/document.xml", "<w:t>Dear Dr Quenby</w:t>")
    found = codes(run_checks(load_case(case_dir)))
    assert [(f.code, f.file) for f in found] == [("ANO004", "docs/letter.docx")]


def test_picture_in_the_anonymised_edition_is_a_warning(tmp_path):
    case = write_case(tmp_path / "c", edition="anonymised")
    (case / "docs/genogram.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    found = codes(run_checks(load_case(case)))
    assert [(f.code, f.severity.value, f.file) for f in found] == [
        ("ANO005", "warning", "docs/genogram.png")
    ]
    restricted = write_case(tmp_path / "r")
    (restricted / "docs/genogram.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    assert codes(run_checks(load_case(restricted))) == []


def test_ordinary_word_hint(tmp_path):
    people = copy.deepcopy(PEOPLE)
    people["SW1"] = {"name": "Will Hope", "role": "Social Worker", "agency": "Council"}
    case = write_case(tmp_path / "c", people=people)
    edit(case / "docs/02-factual-summary.md", "GP1 was her GP.", "GP1 and SW1 will visit.")
    found = codes(run_checks(load_case(case)))
    # "will" is also in the action plan's text: each place is reported, each with the hint.
    assert {f.file for f in found} == {"docs/02-factual-summary.md", "docs/08-action-plan.md"}
    assert all(f.code == "ANO001" and "not_names of SW1" in f.message for f in found)
    people["SW1"]["not_names"] = ["will"]
    case = write_case(tmp_path / "c", people=people)
    assert codes(run_checks(load_case(case))) == []


def test_yes_no_label_is_reported_and_the_name_still_checked(case_dir):
    (case_dir / "data/people.yml").write_text(
        "DN2: {name: Sarah Marsh}\nGP1: {name: Dr Rupert Quenby}\nAB: {name: Alice Brownlow}\n"
        "NO:\n  name: Nina Oakes\n",
        encoding="utf-8",
    )
    edit(case_dir / "docs/02-factual-summary.md", "GP1 was her GP.", "GP1 was her GP. Oakes too.")
    found = codes(run_checks(load_case(case_dir)))
    assert ("PPL001", "data/people.yml", 4) in [(f.code, f.file, f.line) for f in found]
    assert "ANO001" in [f.code for f in found]


def test_nhs_number_is_a_warning(case_dir):
    from imr_site.people.name_checks import _nhs_numbers

    assert _nhs_numbers("NHS 943 476 5919 and 9434765919; not 943 476 5918") == [
        "943 476 5919",
        "9434765919",
    ]
    edit(
        case_dir / "data/chronology.yml",
        "pressure area care.",
        "pressure area care (943 476 5919).",
    )
    found = codes(run_checks(load_case(case_dir)))
    assert [(f.code, f.severity.value, f.file) for f in found] == [
        ("ANO006", "warning", "data/chronology.yml")
    ]


# The messages an author reads, and the exact place of each finding (mutation testing, issue 20).

_QUENBY = "'Quenby' (surname of GP1 in the people key)"
_LABELS_ONLY = "the report must identify people only by their labels."


@pytest.mark.parametrize(
    "text, message",
    [
        ("Dr Quenby wrote", f"{_QUENBY} is written here. Write GP1 instead: {_LABELS_ONLY}"),
        (
            "Dr Quenby and Ally",
            f"{_QUENBY}, 'Ally' (alias of the subject) are written here. Write GP1 or AB "
            f"instead: {_LABELS_ONLY}",
        ),
        (
            "sarah said",
            "'sarah' (first name of DN2 in the people key; alias of DN2 in the people key) is "
            f"written here. Write DN2 instead: {_LABELS_ONLY} If 'sarah' is an ordinary word "
            "here, add it to not_names of DN2 in data/people.yml.",
        ),
        # Capitals, or two words, are a name, not an ordinary word: no hint.
        (
            "Mr Marsh",
            f"'Marsh' (surname of DN2 in the people key) is written here. Write DN2 instead: "
            f"{_LABELS_ONLY}",
        ),
        (
            "sarah marsh said",
            "'sarah marsh' (full name of DN2 in the people key) is written here. Write DN2 "
            f"instead: {_LABELS_ONLY}",
        ),
    ],
)
def test_name_finding_message(text, message):
    from imr_site.people.name_checks import _name_finding

    f = _name_finding("docs/x.md", 3, *_ids().find(text))
    assert (f.code, f.file, f.line, f.message) == ("ANO001", "docs/x.md", 3, message)


def _found(case, prefix=("ANO", "PPL", "PLH")):
    return [(f.code, f.file, f.line) for f in codes(run_checks(case), prefix, unused_labels=True)]


def test_every_place_outside_the_text_is_reported_at_its_line(tmp_path):
    """The people key's role, the glossary's meanings, mkdocs.yml past its first line and a list
    in the introduction's front matter: each name at its own file and line."""
    people = copy.deepcopy(PEOPLE)
    people["GP1"]["role"] = "GP, Ally's practice"
    glossary = {"SAB": "Safeguarding Adults Board", "GP": "General Practitioner"}
    glossary["DNT"] = "District nursing team of Sarah Marsh"
    case = write_case(tmp_path / "c", people=people, glossary=glossary)
    edit(case / "docs/02-factual-summary.md", "GP1 was her GP.", "GP1 was her GP. The DNT saw.")
    edit(
        case / "mkdocs.yml",
        "site_name: IMR SAR-2024-07",
        "# Drafted with Dr Quenby's help (a comment is not published)\n"
        "site_name: IMR SAR-2024-07\n"
        "  # indented: Dr Quenby\n"
        "copyright: Heron Close practice",
    )
    edit(
        case / "docs/00-introduction.md",
        "gender: Female",
        "gender: Female\n  languages:\n  - English\n  - Ally's own words",
    )
    assert sorted(_found(load_case(case))) == [
        ("ANO001", "data/glossary.yml", 3),
        ("ANO001", "data/people.yml", 14),  # the person's entry
        ("ANO001", "docs/00-introduction.md", 11),
        ("ANO001", "mkdocs.yml", 4),
    ]


def test_name_in_the_introduction_is_explained(case_dir):
    edit(case_dir / "docs/00-introduction.md", "name: Jo Author", "name: Dr Quenby")
    [f] = codes(run_checks(load_case(case_dir)))
    assert (f.file, f.line) == ("docs/00-introduction.md", 12)
    assert f.message == f"{_QUENBY} is written here. Write GP1 instead: {_LABELS_ONLY}"


def test_label_that_is_a_glossary_abbreviation_at_its_line(tmp_path):
    people = copy.deepcopy(PEOPLE)
    people["GP"] = people.pop("GP1")
    found = codes(run_checks(_people_case(tmp_path, people)), ("PPL",))
    assert [(f.code, f.file, f.line) for f in found] == [("PPL003", "data/people.yml", 14)]
    assert found[0].message == (
        "'GP' is a person's label here and an abbreviation in data/glossary.yml (line 3: "
        "General Practitioner). Give the person another label, such as 'GP1', and use it in "
        "the report."
    )


@pytest.mark.parametrize("role, shown", [("Social Worker", "Social Worker"), ("", "no role given")])
def test_unused_label_message_and_line(tmp_path, role, shown):
    people = copy.deepcopy(PEOPLE)
    people["SW1"] = {"name": "Rita Noble", "role": role, "agency": "Council"}
    found = codes(run_checks(_people_case(tmp_path, people)), ("PPL",), unused_labels=True)
    assert [(f.code, f.file, f.line) for f in found] == [("PPL007", "data/people.yml", 18)]
    assert found[0].message == (f"'SW1' ({shown}) is in the people key but not used in the report.")


def test_placeholder_in_the_people_key(tmp_path):
    people = copy.deepcopy(PEOPLE)
    people["GP1"]["agency"] = "TBC"
    assert _found(_people_case(tmp_path, people)) == [("PLH001", "data/people.yml", 17)]


@pytest.mark.parametrize("missing", ["people", "glossary"])
def test_case_without_a_people_key_or_glossary(case_dir, missing):
    (case_dir / f"data/{missing}.yml").unlink()
    edit(case_dir / "docs/02-factual-summary.md", "GP1 was her GP.", "GP1 saw Mrs Brownlow.")
    # The subject's name is still known from the introduction.
    assert _found(load_case(case_dir)) == [("ANO001", "docs/02-factual-summary.md", 9)]


def test_nhs_number_message_line_and_check_digit(case_dir):
    from imr_site.people.name_checks import _nhs_numbers

    # A check digit of 0 (11 - 0): valid; a number whose check would be 10 never is.
    assert _nhs_numbers("100 000 0060, 100 000 0061") == ["100 000 0060"]
    edit(
        case_dir / "data/chronology.yml",
        "pressure area care.",
        "pressure area care (100 000 0060).",
    )
    [f] = codes(run_checks(load_case(case_dir)))
    line = (case_dir / "data/chronology.yml").read_text().split("\n")[f.line - 1]
    assert (f.code, f.file) == ("ANO006", "data/chronology.yml") and "100 000 0060" in line
    assert f.message == (
        "'100 000 0060' looks like an NHS number (its check digit is right). Leave it out: it "
        "identifies the person."
    )


_PEOPLE_KEY_MOVE = (
    "docs/{0} looks like a people key (labels with names under them). Everything in docs/ is "
    "published: move it to data/people.yml."
)


@pytest.mark.parametrize(
    "name, text, is_key",
    [
        ("key.yml", "DN2:\n  name: Someone Else\n", True),
        ("key.yaml", "DN2:\n  name: Someone Else\n", True),
        ("KEY.YAML", "DN2:\n  name: Someone Else\n", True),
        # At least half of the entries have a name (one of three is rounded down to half).
        ("three.yml", "A:\n  name: X Y\nB:\n  x: 1\nC:\n  x: 1\n", True),
        ("four.yml", "A:\n  name: X Y\nB:\n  x: 1\nC:\n  x: 1\nD:\n  x: 1\n", False),
        ("settings.yml", "a:\n  x: 1\n", False),
        ("list.yml", "- 1\n- 2\n", False),
        ("empty.yml", "{}\n", False),
        ("broken.yml", "a: [\n", False),
    ],
)
def test_yaml_in_docs_that_looks_like_a_people_key(case_dir, name, text, is_key):
    (case_dir / "docs" / name).write_text(text, encoding="utf-8")
    # A file sorted after it is still looked at.
    (case_dir / "docs/zz-notes.txt").write_text("Mr Brownlow\n", encoding="utf-8")
    found = codes(run_checks(load_case(case_dir)))
    leak = ("ANO004", "docs/zz-notes.txt", 1)
    key = [("ANO003", f"docs/{name}", None)] if is_key else []
    assert [(f.code, f.file, f.line) for f in found] == [*key, leak]
    if is_key:
        assert found[0].message == _PEOPLE_KEY_MOVE.format(name)


def _reported_then_the_next_file(case, first, leaking, message):
    """The first file's finding (code, file, no line) with its message, and the text file after
    it still read: its name at line 1."""
    found = codes(run_checks(load_case(case)))
    assert [(f.code, f.file, f.line) for f in found] == [(*first, None), ("ANO004", leaking, 1)]
    assert found[0].message == message


def test_link_to_a_data_file_is_an_error(case_dir):
    """A link into data/ (not a copy) is reported and the next files are still checked; a link
    to a file of docs/ is not one."""
    (case_dir / "docs/a-key.yml").symlink_to(case_dir / "data/people.yml")
    (case_dir / "docs/b-summary.md").symlink_to(case_dir / "docs/02-factual-summary.md")
    (case_dir / "docs/c-notes.txt").write_text("Mr Brownlow\n", encoding="utf-8")
    _reported_then_the_next_file(
        case_dir,
        ("ANO003", "docs/a-key.yml"),
        "docs/c-notes.txt",
        "docs/a-key.yml is a link to data/people.yml: MkDocs would copy the data into the "
        "site. Delete the link.",
    )


def test_file_outside_the_case_is_skipped_and_the_next_checked(case_dir, tmp_path):
    outside = tmp_path / "outside.txt"
    outside.write_text("Mr Brownlow\n", encoding="utf-8")
    (case_dir / "docs/a-outside.txt").symlink_to(outside)
    (case_dir / "docs/b-notes.txt").write_text("Mr Brownlow\n", encoding="utf-8")
    found = codes(run_checks(load_case(case_dir)), ("ANO",))
    assert [(f.code, f.file, f.line) for f in found] == [("ANO004", "docs/b-notes.txt", 1)]


@pytest.mark.parametrize(
    "body, line, message",
    [
        (
            b"caf\xe9 notes\nDN2 met Mr Brownlow\n",  # not UTF-8: read all the same
            2,
            "'Brownlow' (surname of AB in the people key; surname of the subject) is in "
            "docs/notes.txt, which is copied into the site as it is. Remove the name, or move "
            "the file out of docs/.",
        ),
        (
            b"Visit notes\nDN2 met Mr Brownlow\nAlly\n",
            2,
            "'Brownlow' (surname of AB in the people key; surname of the subject) and 1 more is "
            "in docs/notes.txt, which is copied into the site as it is. Remove the name, or move "
            "the file out of docs/.",
        ),
        (
            b"Visit notes\nDN2 met Mr Brownlow\nAlly\nSarah Marsh\n",
            2,
            "'Brownlow' (surname of AB in the people key; surname of the subject) and 2 more is "
            "in docs/notes.txt, which is copied into the site as it is. Remove the name, or move "
            "the file out of docs/.",
        ),
    ],
)
def test_text_file_in_docs_naming_someone(case_dir, body, line, message):
    (case_dir / "docs/notes.txt").write_bytes(body)
    [f] = codes(run_checks(load_case(case_dir)))
    assert (f.code, f.file, f.line, f.message) == ("ANO004", "docs/notes.txt", line, message)


def test_office_document_names_the_first_name_found(case_dir):
    import zipfile

    with zipfile.ZipFile(case_dir / "docs/letter.docx", "w") as z:
        z.writestr("word/document.xml", "<w:t>Dear Dr Quenby, about Ally</w:t>")
    [f] = codes(run_checks(load_case(case_dir)))
    assert (f.code, f.file, f.line) == ("ANO004", "docs/letter.docx", None)
    assert f.message == (
        f"{_QUENBY} is in the document docs/letter.docx, which is copied into the site as it is. "
        "Remove the name from it, or move it out of docs/."
    )


def test_picture_warning_message_and_the_next_file_checked(tmp_path):
    case = write_case(tmp_path / "c", edition="anonymised")
    (case / "docs/a-genogram.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    (case / "docs/b-notes.txt").write_text("Mr Brownlow\n", encoding="utf-8")
    _reported_then_the_next_file(
        case,
        ("ANO005", "docs/a-genogram.png"),
        "docs/b-notes.txt",
        "docs/a-genogram.png is published in the anonymised edition, and no check can read the "
        "words in a picture. Look at it yourself (a genogram or a scanned letter often shows "
        "names); once it is safe, switch this off with rules: disable: [ANO005].",
    )


def test_markdown_page_with_the_long_suffix_is_checked_as_a_page(case_dir):
    # A .markdown file is a page: its names are ANO001 at their line, not a file copied as it is.
    (case_dir / "docs/x.markdown").write_text(
        "---\nsection: x\n---\nMrs Brownlow\n", encoding="utf-8"
    )
    found = codes(run_checks(load_case(case_dir)))
    assert [(f.code, f.file, f.line) for f in found] == [("ANO001", "docs/x.markdown", 4)]


def test_case_read_by_the_plugin_without_a_mkdocs_yml_file(case_dir):
    """The plugin passes its options; with no mkdocs.yml on disk there is no file to look at."""
    import yaml

    from imr_site.people import name_checks

    options = yaml.safe_load((case_dir / "mkdocs.yml").read_text())["plugins"][1]["imr"]
    (case_dir / "mkdocs.yml").unlink()
    edit(case_dir / "docs/02-factual-summary.md", "GP1 was her GP.", "Dr Quenby was her GP.")
    case = load_case(case_dir, options=options, docs_dir=case_dir / "docs")
    assert case.config_file is None
    found = name_checks.check(case)
    assert [(f.code, f.file, f.line) for f in found] == [
        ("ANO001", "docs/02-factual-summary.md", 9)
    ]


def test_status_field_of_the_introduction_is_not_text(tmp_path):
    # 'status: draft' is the tool's word, not the author's: a Mrs Draft is not named by it.
    people = copy.deepcopy(PEOPLE)
    people["SW1"] = {"name": "Dora Draft", "role": "Social Worker", "agency": "Council"}
    case = write_case(tmp_path / "c", people=people)
    edit(
        case / "docs/00-introduction.md",
        "section: introduction",
        "section: introduction\nstatus: draft",
    )
    assert codes(run_checks(load_case(case))) == []
    edit(case / "docs/00-introduction.md", "name: Jo Author", "name: Jo Draft")
    assert _found(load_case(case), ("ANO",)) == [("ANO001", "docs/00-introduction.md", 13)]


def test_names_in_mkdocs_yml_and_the_glossary_are_explained(tmp_path):
    glossary = {"GP": "General Practitioner", "DNT": "District nursing team of Dr Quenby"}
    case = write_case(tmp_path / "c", glossary=glossary)
    edit(case / "docs/02-factual-summary.md", "GP1 was her GP.", "GP1 was her GP. The DNT saw.")
    edit(case / "mkdocs.yml", "site_name: IMR SAR-2024-07", "site_name: Review for Dr Quenby")
    found = codes(run_checks(load_case(case)))
    message = f"{_QUENBY} is written here. Write GP1 instead: {_LABELS_ONLY}"
    assert sorted((f.code, f.file, f.line, f.message) for f in found) == [
        ("ANO001", "data/glossary.yml", 2, message),
        ("ANO001", "mkdocs.yml", 1, message),
    ]
