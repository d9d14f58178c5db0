"""The spellings of a subject's details the name check and the leak gate look for: every way a UK
report might write a date of birth, an address or another identifier, and what the introduction
says about the subject (mutation testing, issue 20: each list is stated whole)."""

from __future__ import annotations

import pytest
from case_factory import edit, write_case

from imr_site.people.identifiers import (
    SubjectDetails,
    address_variants,
    date_variants,
    literal_variants,
    subject_details,
)
from imr_site.review.registry import load_case


def _texts(ids):
    return [i.text for i in ids]


def test_date_of_birth_spellings():
    # A day and month under 10 (with and without the 0), the 1st, September's "Sept".
    assert _texts(date_variants("2001-09-01", "the subject", "AB")) == [
        "01 Sep 2001", "01 September 2001",
        "01-09-01", "01-09-2001", "01-9-01", "01-9-2001",
        "01.09.01", "01.09.2001", "01.9.01", "01.9.2001",
        "01/09/01", "01/09/2001", "01/9/01", "01/9/2001",
        "1 Sep 2001", "1 Sept 2001", "1 September 2001",
        "1-09-01", "1-09-2001", "1-9-01", "1-9-2001",
        "1.09.01", "1.09.2001", "1.9.01", "1.9.2001",
        "1/09/01", "1/09/2001", "1/9/01", "1/9/2001",
        "1st Sep 2001", "1st Sept 2001", "1st September 2001", "1st of September 2001",
        "2001-09-01", "2001/09/01",
        "Sep 1 2001", "September 1 2001", "September 1st 2001",
    ]  # fmt: skip


@pytest.mark.parametrize(
    "date, ordinals",
    [
        ("1948-07-23", ["23rd Jul 1948", "23rd July 1948", "23rd of July 1948", "July 23rd 1948"]),
        ("1999-03-02", ["2nd Mar 1999", "2nd March 1999", "2nd of March 1999", "March 2nd 1999"]),
        ("1950-12-12", ["12th Dec 1950", "12th December 1950", "12th of December 1950",
                        "December 12th 1950"]),
        ("1950-12-11", ["11th Dec 1950", "11th December 1950", "11th of December 1950",
                        "December 11th 1950"]),
        ("1950-12-13", ["13th Dec 1950", "13th December 1950", "13th of December 1950",
                        "December 13th 1950"]),
        ("1950-12-14", ["14th Dec 1950", "14th December 1950", "14th of December 1950",
                        "December 14th 1950"]),
        ("1950-12-21", ["21st Dec 1950", "21st December 1950", "21st of December 1950",
                        "December 21st 1950"]),
    ],
)  # fmt: skip
def test_date_ordinals(date, ordinals):
    texts = _texts(date_variants(date, "the subject", "AB"))
    assert [t for t in texts if any(s in t for s in ("st ", "nd ", "rd ", "th "))] == ordinals
    assert not [t for t in texts if "Sept" in t]


def test_two_digit_days_and_months_are_written_once():
    assert _texts(date_variants("1950-12-12", "the subject", "AB")) == [
        "12 Dec 1950", "12 December 1950",
        "12-12-1950", "12-12-50", "12.12.1950", "12.12.50", "12/12/1950", "12/12/50",
        "12th Dec 1950", "12th December 1950", "12th of December 1950",
        "1950-12-12", "1950/12/12",
        "Dec 12 1950", "December 12 1950", "December 12th 1950",
    ]  # fmt: skip


@pytest.mark.parametrize(
    "written, expected",
    [
        ("around 1948", ["around 1948"]),  # not a date: looked for as written
        ("1948", ["1948"]),
        ("c.48", ["c.48"]),
        (" 48 ", []),  # too short to mean anything alone
    ],
)
def test_a_date_that_is_not_a_whole_date(written, expected):
    ids = date_variants(written, "the subject", "AB", kind="date of death")
    assert [(i.text, i.kind, i.owner, i.use_instead) for i in ids] == [
        (t, "date of death", "the subject", "AB") for t in expected
    ]


@pytest.mark.parametrize(
    "address, expected",
    [
        (
            "14 Heron Close, Anytown, AT4 9QZ",
            [
                ("14 Heron Close Anytown AT4 9QZ", "address"),
                ("14 Heron Close", "address (first line)"),
                ("Heron Close", "address (street)"),
                ("AT4 9QZ", "postcode"),
                ("AT49QZ", "postcode"),
            ],
        ),
        (
            "Flat 2b, Mill Lane\nSW1A 1AA",
            [
                ("Flat 2b Mill Lane SW1A 1AA", "address"),
                ("Flat 2b", "address (first line)"),
                ("SW1A 1AA", "postcode"),
                ("SW1A1AA", "postcode"),
            ],
        ),
        (
            {"line1": "7 Oak Rd", "town": "", "county": None, "postcode": "at49qz"},
            [
                ("7 Oak Rd at49qz", "address"),
                ("7 Oak Rd", "address (first line)"),
                ("Oak Rd", "address (street)"),
                ("AT4 9QZ", "postcode"),
                ("AT49QZ", "postcode"),
            ],
        ),
        (
            ["  12  Élm   Street ", None, "", "Town"],
            [
                ("12 Elm Street Town", "address"),
                ("12 Elm Street", "address (first line)"),
                ("Elm Street", "address (street)"),
            ],
        ),
        ("Flat 3 Mill", [("Flat 3 Mill", "address"), ("Flat 3 Mill", "address (first line)")]),
        ("Rose Cottage", [("Rose Cottage", "address"), ("Rose Cottage", "address (first line)")]),
        ("Ivy, Town", [("Ivy Town", "address")]),  # a first line under 4 letters alone
        ("Elms, Town", [("Elms Town", "address"), ("Elms", "address (first line)")]),
        (
            "Flat 3 Mill Lane",
            [
                ("Flat 3 Mill Lane", "address"),
                ("Flat 3 Mill Lane", "address (first line)"),
                ("Mill Lane", "address (street)"),
            ],
        ),
        (", ,", []),
        ("", []),
        (None, []),
    ],
)
def test_address_variants(address, expected):
    ids = address_variants(address, "the subject", "AB")
    assert [(i.text, i.kind) for i in ids] == expected
    assert {(i.owner, i.use_instead) for i in ids} <= {("the subject", "AB")}


@pytest.mark.parametrize(
    "value, expected",
    [
        ("485 777 3456", ["485 777 3456", "4857773456"]),
        (" AB-12 ", ["AB-12", "AB12"]),
        ("Ref: 12", ["Ref: 12"]),  # not letters and digits alone: no compact form
        ("ÅB  C", ["AB C", "ABC"]),
        ("123", ["123"]),
        ("12", []),
        (4857773456, ["4857773456"]),
    ],
)
def test_literal_variants(value, expected):
    ids = literal_variants(value, "NHS number", "the subject", "AB")
    assert [(i.text, i.kind, i.owner, i.use_instead) for i in ids] == [
        (t, "NHS number", "the subject", "AB") for t in expected
    ]


def test_subject_details_from_the_introduction(tmp_path):
    case = write_case(tmp_path / "c")
    edit(
        case / "docs/00-introduction.md",
        "  gender: Female",
        "  gender: Female\n  aliases: [' Ally ', ' ', Bea]\n  identifiers: ' NHS 485 777 3456 '",
    )
    assert subject_details(load_case(case)) == SubjectDetails(
        initials="AB",
        full_name="Alice Beatrice Brownlow",
        dob="1948-07-23",
        address="14 Heron Close, Anytown, AT4 9QZ",
        aliases=("Ally", "Bea"),
        identifiers=("NHS 485 777 3456",),
    )


def test_subject_details_of_a_board_that_marks_more_fields_identifying(tmp_path):
    """A board's spec may make another field identifying (the date of death): it is read too;
    the four known fields are not read twice, and an empty one is left out."""
    from pathlib import Path

    import imr_site.case

    spec = (Path(imr_site.case.__file__).parent / "specs/sab-imr.yml").read_text(encoding="utf-8")
    for key in ("subject.dod", "subject.gender", "subject.ethnic_origin"):
        line = next(x for x in spec.split("\n") if f"key: {key}," in x)
        spec = spec.replace(line, line.replace("}", ", identifying: true}"))
    case = write_case(tmp_path / "c", extra_options={"spec": "board.yml"})
    (case / "board.yml").write_text(spec, encoding="utf-8")
    edit(case / "docs/00-introduction.md", "  gender: Female", "  gender: ''\n  dod: 2024-03-01")
    edit(case / "docs/00-introduction.md", "initials: AB", "initials: ' AB '")
    details = subject_details(load_case(case))
    assert (details.initials, details.aliases, details.identifiers) == ("AB", (), ())
    assert details.other == (
        ("subject.dod", "DOD (if applicable)", "2024-03-01"),
        ("subject.ethnic_origin", "Ethnic origin", "White British"),
    )


def test_subject_details_without_a_subject(tmp_path):
    case = write_case(tmp_path / "c")
    page = case / "docs/00-introduction.md"
    text = page.read_text(encoding="utf-8")
    start, end = text.index("subject:\n"), text.index("author:\n")
    page.write_text(text[:start] + "subject: none\n" + text[end:], encoding="utf-8")
    assert subject_details(load_case(case)) == SubjectDetails()
    assert subject_details(None) == SubjectDetails()


def _marsh_and_lane(*not_names):
    from imr_site.people.identifiers import identifiers_from
    from imr_site.people.key import Person

    return identifiers_from(
        [
            Person("DN2", "Sarah Marsh", "District Nurse", "Trust", (), not_names),
            Person("SW1", "Penny Lane", "Social Worker", "Council"),
        ],
        SubjectDetails("SB", "Sarah Brownlow"),
    )


def test_a_name_two_people_share_and_a_spelling_with_a_comma():
    ids = _marsh_and_lane()
    [shared] = ids.find("Sarah was there")
    assert shared.explain() == (
        "'Sarah' (first name of DN2 in the people key; first name of the subject)"
    )
    assert shared.advice() == "DN2 or SB"
    # Spelled with a comma and spaces: looked up loosely, still Sarah Marsh's full name.
    [loose] = ids.find("Sarah,  Marsh")
    assert (loose.text, loose.explain()) == (
        "Sarah,  Marsh",
        "'Sarah,  Marsh' (full name of DN2 in the people key)",
    )


def test_the_longest_not_name_exempts_its_whole_span():
    # "marsh lane" (the place) is not Penny Lane, although "marsh" is also a not_name.
    assert _marsh_and_lane("marsh", "marsh lane").find("by the marsh lane") == []
    assert [m.text for m in _marsh_and_lane("marsh").find("by the marsh lane")] == ["lane"]


def test_no_identifiers_find_nothing():
    from imr_site.people.identifiers import build_identifiers, identifiers_from

    empty = identifiers_from([])
    assert (bool(empty), empty.find("Sarah Marsh"), empty.texts_with_matches(["Sarah"])) == (
        False,
        [],
        set(),
    )
    assert not build_identifiers(None)


def test_identifiers_of_a_case_without_a_people_key(tmp_path):
    from imr_site.people.identifiers import build_identifiers

    case = write_case(tmp_path / "c")
    (case / "data/people.yml").unlink()
    ids = build_identifiers(load_case(case))
    assert [m.explain() for m in ids.find("Brownlow")] == ["'Brownlow' (surname of the subject)"]


@pytest.mark.parametrize(
    "name, parts",
    [
        ('Dr. Sarah (Sally) "Sal" Marsh,', ["Sarah", "Sally", "Sal", "Marsh"]),
        ("Dr Marsh", ["Marsh"]),
        ("Mrs. Dr. Marsh", ["Marsh"]),
        ("Dr", ["Dr"]),  # a title alone is kept: it is all there is
        ("Xavier Max", ["Xavier", "Max"]),
    ],
)
def test_name_parts_without_titles_and_punctuation(name, parts):
    from imr_site.people.identifiers import name_parts

    assert name_parts(name) == parts


@pytest.mark.parametrize(
    "name, alias, expected",
    [
        (
            "Dr Sarah Jane Marsh-Pellow",
            False,
            [
                ("Dr Sarah Jane Marsh-Pellow", "full name"),
                ("Sarah Jane Marsh-Pellow", "full name"),
                ("Sarah Marsh-Pellow", "full name"),
                ("Sarah", "first name"),
                ("Jane", "middle name"),
                ("Marsh-Pellow", "surname"),
                ("Marsh", "surname"),
                ("Pellow", "surname"),
            ],
        ),
        ("Marsh-Pellow", False, [("Marsh-Pellow", "full name"), ("Marsh", "name"), ("Pellow", "name")]),
        # Particles and one-letter initials identify no one alone; two letters do.
        (
            "Jo de la Cruz",
            False,
            [("Jo Cruz", "full name"), ("Jo de la Cruz", "full name"), ("Jo", "first name"),
             ("Cruz", "surname")],
        ),
        ("J. Marsh", False, [("J Marsh", "full name"), ("J. Marsh", "full name"),
                             ("Marsh", "surname")]),
        ("Al", False, [("Al", "full name")]),
        ("A", False, []),
        ("Bea Lo", True, [("Bea Lo", "alias"), ("Bea", "alias"), ("Lo", "alias")]),
        ("Ally", True, [("Ally", "alias")]),
    ],
)  # fmt: skip
def test_name_variants(name, alias, expected):
    from imr_site.people.identifiers import name_variants

    ids = name_variants(name, "DN2 in the people key", "DN2", alias=alias)
    assert [(i.text, i.kind) for i in ids] == expected
    assert {(i.owner, i.use_instead) for i in ids} <= {("DN2 in the people key", "DN2")}


@pytest.mark.parametrize("initials, use", [("", "the subject's initials"), ("AB", "AB")])
def test_identifiers_of_people_and_subject(initials, use):
    from imr_site.people.identifiers import identifiers_from
    from imr_site.people.key import Person

    subject = SubjectDetails(initials, "Ann Brown", None, "", ("Nan",), ("AB-123",))
    subject = SubjectDetails(**{**subject.__dict__, "other": (("subject.dod", "DOD", "2024"),)})
    ids = identifiers_from([Person("DN2", "Sarah Marsh", "R", "A", ("Sal Pellow",), ())], subject)
    dn2 = "DN2 in the people key"
    assert [(i.text, i.kind, i.owner, i.use_instead) for i in ids.identifiers] == [
        ("Sarah Marsh", "full name", dn2, "DN2"),
        ("Sarah", "first name", dn2, "DN2"),
        ("Marsh", "surname", dn2, "DN2"),
        ("Sal Pellow", "alias", dn2, "DN2"),
        ("Sal", "alias", dn2, "DN2"),
        ("Pellow", "alias", dn2, "DN2"),
        ("Ann Brown", "full name", "the subject", use),
        ("Ann", "first name", "the subject", use),
        ("Brown", "surname", "the subject", use),
        ("Nan", "alias", "the subject", use),
        ("AB-123", "identifier", "the subject", "leave it out"),
        ("AB123", "identifier", "the subject", "leave it out"),
        ("2024", "DOD", "the subject", "leave it out"),
    ]


def _spans(ids, text):
    """(start, end, text as written, labels) of every identifier found in text."""
    return [(m.start, m.end, m.text, m.labels) for m in ids.find(text)]


def test_matches_are_placed_in_the_text_as_written():
    from imr_site.people.identifiers import identifiers_from
    from imr_site.people.key import Person

    ids = identifiers_from([Person("SW1", "Fiona Zoë Marsh", "Social Worker", "Council")])
    assert _spans(ids, "Sarah and Marsh, then Fiona") == [
        (10, 15, "Marsh", ["SW1"]),
        (22, 27, "Fiona", ["SW1"]),
    ]
    # A ligature folds to two letters, an accent to its letter: the spans stay the author's.
    assert _spans(ids, "Met ﬁona Marsh") == [(4, 14, "ﬁona Marsh", ["SW1"])]
    assert _spans(ids, "née Zoë") == [(4, 7, "Zoë", ["SW1"])]


def test_the_subjects_date_of_birth_and_address_say_what_to_write_instead():
    from imr_site.people.identifiers import identifiers_from

    subject = SubjectDetails("AB", "", "1948-07-23", "Rose Cottage")
    ids = identifiers_from([], subject)
    assert {(i.kind, i.owner, i.use_instead) for i in ids.identifiers} == {
        ("date of birth", "the subject", "their age, or leave it out"),
        ("address", "the subject", "a general description of the area"),
        ("address (first line)", "the subject", "a general description of the area"),
    }
    assert len(ids.identifiers) == len(date_variants("1948-07-23", "", "")) + 2
    # A label never identifies anyone, even when a name is spelled like it.
    assert identifiers_from([], SubjectDetails("Al", "Al")).identifiers == []


def test_a_span_after_an_accent_and_a_ligature_that_cancel_out():
    # A decomposed accent folds to nothing, a ligature to two letters: the folded text is as
    # long as the author's, but its letters are not in the same places.
    from imr_site.people.identifiers import identifiers_from
    from imr_site.people.key import Person

    ids = identifiers_from([Person("SW1", "Fiona Marsh", "Social Worker", "Council")])
    assert _spans(ids, "Zoe\u0301 ﬁona") == [(5, 9, "ﬁona", ["SW1"])]


def test_subject_details_when_the_spec_has_no_introduction_part():
    """Pages are found by their front matter, not through the spec: a board's spec without an
    introduction part, beside a page that still says `section: introduction`, gives the
    subject's details and no crash (a mutant that read the missing spec's fields survived)."""

    class Spec:
        def section(self, key):
            return None

    class Case:
        spec = Spec()

        def section(self, key):
            return {"subject": {"initials": " AB ", "full_name": "Alice Brownlow"}}

    assert subject_details(Case()) == SubjectDetails(initials="AB", full_name="Alice Brownlow")
