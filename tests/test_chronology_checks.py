"""Chronology dates and the CHR rules, on real case folders."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from case_factory import CHRONOLOGY, write_case
from chronology_case import codes, load

import imr_site.case
from imr_site.case.dates import (
    DateProblem,
    FuzzyDate,
    parse_time,
    parse_uk_date,
    serial_to_date,
)
from imr_site.case.findings import RULES
from imr_site.case.yamlio import parse_yaml
from imr_site.chronology import checks as chk
from imr_site.chronology.model import Entry
from imr_site.review.registry import load_case, run_checks

GOOD = """\
- date: 2024-01-10
  time: 09:30
  source: GP practice
  contact_with: Adult A
  contact_type: Clinic appointment
  event: Annual review.
  key_episode: yes
- date: 2024-03
  source: Adult Social Care
  contact_with: Adult A and daughter (D1)
  event: Assessment started (exact day not recorded).
- date: 2024-03-05
  seq: 1
  source: Adult Social Care
  contact_with: Adult A
  event: First of two visits that day.
- date: 2024-03-05
  seq: 2
  source: Adult Social Care
  contact_with: Daughter (D1)
  event: Second visit.
- date: 2024-04-01
  end_date: 2024-09-30
  source: Adult Social Care
  contact_with: Nobody
  contact_type: No contact
  event: No contact during this period; case held on waiting list.
- date: ?2024-10-12
  time: 14:00
  end_time: 15:15
  source: Police
  contact_with: Adult A
  event: Welfare check.
  references: [POL-1, POL-2]
- date: 2024-12-20
  source: GP practice
  contact_with: Adult A
  event: Telephone review.
"""


def chr_findings(case):
    return [f for f in run_checks(case) if f.code.startswith("CHR")]


def test_well_formed_case_has_no_findings(tmp_path):
    case = load(tmp_path, GOOD)
    assert chr_findings(case) == []
    entries = case.data["chronology"].in_order()
    assert [e.text("event")[:5] for e in entries][:4] == ["Annua", "Asses", "First", "Secon"]


@pytest.mark.parametrize(
    "text, precision, uncertain, start, end",
    [
        ("2024-02-29", "day", False, dt.date(2024, 2, 29), dt.date(2024, 2, 29)),
        ("2024-02", "month", False, dt.date(2024, 2, 1), dt.date(2024, 2, 29)),
        ("2023", "year", False, dt.date(2023, 1, 1), dt.date(2023, 12, 31)),
        ("?2024-05-01", "day", True, dt.date(2024, 5, 1), dt.date(2024, 5, 1)),
        ("c. 2024-05", "month", True, dt.date(2024, 5, 1), dt.date(2024, 5, 31)),
        (2024, "year", False, dt.date(2024, 1, 1), dt.date(2024, 12, 31)),
        ("approximately 2024-03", "month", True, dt.date(2024, 3, 1), dt.date(2024, 3, 31)),
    ],
)
def test_fuzzy_dates(text, precision, uncertain, start, end):
    d = FuzzyDate.parse(text)
    assert (d.precision, d.uncertain, d.start, d.end) == (precision, uncertain, start, end)
    assert d.text == str(text)


@pytest.mark.parametrize(
    "bad", ["2024-02-30", "2023-02-29", "2024-13-01", "2024-04-31", "tomorrow"]
)
def test_impossible_dates(bad):
    with pytest.raises(DateProblem):
        FuzzyDate.parse(bad)


def test_imprecise_dates_sort_at_the_start_of_their_period():
    keys = sorted(
        ["2024-03-02", "2024-03", "2024", "2024-02-28"], key=lambda t: FuzzyDate.parse(t).sort_key()
    )
    assert keys == ["2024", "2024-02-28", "2024-03", "2024-03-02"]


def test_uk_formats_and_serials():
    assert parse_uk_date("22/05/2024").iso == "2024-05-22"
    assert parse_uk_date("22.05.24").iso == "2024-05-22"
    assert parse_uk_date("22-May-24").iso == "2024-05-22"
    assert parse_uk_date("May 2024").iso == "2024-05"
    assert parse_uk_date("?22/05/2024").iso == "?2024-05-22"
    assert parse_uk_date("not a date") is None
    with pytest.raises(DateProblem):
        parse_uk_date("30/02/2024")
    assert serial_to_date("45434") == dt.date(2024, 5, 22)
    assert serial_to_date("123") is None


def test_times():
    assert parse_time("09:05") == dt.time(9, 5)
    for bad in ("24:00", "10:60", "1030", "half past"):
        with pytest.raises(DateProblem):
            parse_time(bad)


def test_yaml_keeps_a_time_as_written():
    # YAML 1.1 would read 10:30 as the number 630.
    assert parse_yaml("time: 10:30\nn: 12\n") == {"time": "10:30", "n": 12}


def test_every_rule_fires_with_file_and_line(tmp_path):
    case = load(
        tmp_path,
        """\
        - date: 2024-02-30
          source: GP
          contact_with: A
          event: impossible date
        - date: 2024-05-01
          time: 25:10
          source: GP
          contact_with: A
          event: impossible time
        - date: 2023-06-01
          source: GP
          contact_with: A
          event: before the review period
        - date: 2024-05-02
          source: GP
          event: no contact_with
        - date: 2024-05-03
          source: GP
          contact_with: A
          event: twice
        - date: 2024-05-03
          source: GP
          contact_with: A
          event: twice
        - date: 2024-04-01
          source: GP
          contact_with: A
          event: out of order
        - date: 2024-05-04
          source: GP
          contact_with: A
          evnt: typo
          event: x
        - date: 2024-05-05
          end_date: 2024-05-01
          source: GP
          contact_with: A
          event: ends before it starts
        - date: 2024-05-06
          seq: first
          key_episode: perhaps
          source: GP
          contact_with: A
          event:
            nested: mapping
        """,
    )
    found = chr_findings(case)
    assert all(f.file == "data/chronology.yml" for f in found)
    # every finding, in order, word for word: the author reads these and acts on them
    assert [(f.code, f.line, f.message) for f in found] == [
        ("CHR002", 1, "date: there is no 30 February 2024 (February 2024 has 29 days)."),
        (
            "CHR003",
            6,
            "the entry dated 1 May 2024, time: '25:10' is not a possible time of day (00:00 to 23:59).",
        ),
        (
            "CHR004",
            10,
            "the entry dated 1 June 2023 is outside the review period (1 January 2024 to 31 December 2024).",
        ),
        (
            "CHR007",
            10,
            "the entry dated 1 June 2023 comes after an entry dated 1 May 2024 (line 5) in the file.",
        ),
        (
            "CHR005",
            14,
            "the entry dated 2 May 2024 has no 'contact_with' (Contact with); the template requires it in every entry.",
        ),
        ("CHR006", 21, "the entry dated 3 May 2024 is exactly the same as the entry on line 17."),
        (
            "CHR008",
            25,
            "no contact is recorded for 91 days, from 1 January 2024 to 31 March 2024 (after the entry on line 10); the template asks for periods of no contact to be stated (limit: 90 days).",
        ),
        (
            "CHR007",
            25,
            "the entry dated 1 April 2024 comes after an entry dated 3 May 2024 (line 21) in the file.",
        ),
        ("CHR009", 32, "'evnt' is not a chronology field; did you mean 'event'?"),
        ("CHR010", 35, "the entry dated 5 May 2024 ends on 1 May 2024, before it starts."),
        (
            "CHR008",
            39,
            "no contact is recorded for 239 days, from 7 May 2024 to 31 December 2024 (up to the end of the review period); the template asks for periods of no contact to be stated (limit: 90 days).",
        ),
        (
            "CHR011",
            40,
            "the entry dated 6 May 2024 has seq 'first'; write a whole number like 1 or 2.",
        ),
        ("CHR012", 41, "the entry dated 6 May 2024 has key_episode 'perhaps'; write yes or no."),
        ("CHR013", 44, "the entry dated 6 May 2024: 'event' holds nested fields, not text."),
    ]
    severity = {f.code: f.severity.value for f in found}
    assert (severity["CHR007"], severity["CHR004"], severity["CHR002"]) == (
        "info",
        "warning",
        "error",
    )


def test_gap_is_configurable_and_no_contact_entries_close_it(tmp_path):
    entries = """\
    - date: 2024-01-01
      source: GP
      contact_with: A
      event: a
    - date: 2024-03-01
      source: GP
      contact_with: A
      event: b
    - date: 2024-12-31
      source: GP
      contact_with: A
      event: c
    """
    case = load(tmp_path / "a", entries)
    gaps = [f for f in chr_findings(case) if f.code == "CHR008"]
    assert len(gaps) == 1
    assert "from 2 March 2024 to 30 December 2024" in gaps[0].message
    assert gaps[0].line == 9
    case = load(tmp_path / "b", entries, extra_options="chronology: {gap_days: 30}\n")
    assert len([f for f in chr_findings(case) if f.code == "CHR008"]) == 2
    closed = (
        entries.rstrip(" ")
        + """\
    - date: 2024-03-02
      end_date: 2024-12-30
      source: GP
      contact_with: Nobody
      contact_type: No contact
      event: No contact in this period.
    """
    )
    case = load(tmp_path / "c", closed)
    assert "CHR008" not in codes(chr_findings(case))
    case = load(tmp_path / "d", entries, extra_options="chronology: {gap_days: many}\n")
    assert "CHR014" in codes(chr_findings(case))


def test_mandatory_fields_come_from_the_spec(tmp_path):
    case = load(tmp_path, "- date: 2024-05-01\n  event: only an event\n")
    missing = [f.message for f in chr_findings(case) if f.code == "CHR005"]
    assert len(missing) == 2  # source and contact_with
    mandatory = {c.key for c in case.spec.chronology_columns if c.mandatory}
    assert mandatory == {"date", "source", "contact_with", "event"}


@pytest.mark.parametrize(
    "text, what",
    [
        ("date: 2024-05-01\nevent: not a list\n", "a single entry"),
        ("just some words\n", "a single value"),
    ],
)
def test_a_file_that_is_not_a_list(tmp_path, text, what):
    case = load(tmp_path, text)
    f = [f for f in case.findings if f.code == "CHR001"]
    assert len(f) == 1 and what in f[0].message


def test_an_entry_that_is_not_a_mapping_is_reported_not_lost(tmp_path):
    case = load(
        tmp_path,
        "- date: 2024-05-01\n  source: GP\n  contact_with: A\n  event: fine\n- 2024-05-02 visit\n",
    )
    f = [f for f in case.findings if f.code == "CHR001"]
    assert len(f) == 1 and f[0].line == 5 and "2024-05-02 visit" in f[0].message
    assert len(case.data["chronology"].entries) == 1


def test_serial_number_date_is_explained(tmp_path):
    case = load(tmp_path, "- date: 45434\n  source: GP\n  contact_with: A\n  event: x\n")
    f = [f for f in chr_findings(case) if f.code == "CHR002"]
    assert "22 May 2024" in f[0].message and "2024-05-22" in f[0].message


def test_all_codes_are_registered_with_plain_fixes():
    for code in [f"CHR{n:03d}" for n in range(1, 16)]:
        assert code in RULES and RULES[code].fix
    assert chk.R_ORDER.severity.value == "info"


@pytest.mark.slow
def test_ten_thousand_entries_check_quickly(tmp_path):
    import time

    from imr_site.chronology.io import dump_chronology
    from imr_site.chronology.sample import generate_entries
    from imr_site.review.registry import load_case

    text = dump_chronology(generate_entries(10_000, dt.date(2024, 1, 1), dt.date(2024, 12, 31)))
    root = tmp_path / "big"
    load(root, text)
    best = 99.0
    for _ in range(3):
        t = time.process_time()
        found = run_checks(load_case(root))
        best = min(best, time.process_time() - t)
    assert [f for f in found if f.code.startswith("CHR") and f.severity.value == "error"] == []
    assert best < 2.0


def test_silence_outside_the_review_period_is_not_reported(tmp_path):
    case = load(
        tmp_path,
        """\
        - date: 2024-01-05
          source: GP
          contact_with: A
          event: a
        - date: 2024-12-20
          end_date: 2025-06-01
          source: GP
          contact_with: A
          event: no contact after this
        - date: 2025-09-01
          source: GP
          contact_with: A
          event: after the review period
        """,
        start="2024-01-01",
        end="2024-12-31",
    )
    gaps = [f for f in chr_findings(case) if f.code == "CHR008"]
    assert len(gaps) == 1 and "from 6 January 2024 to 19 December 2024" in gaps[0].message


@pytest.mark.parametrize(
    "written, meant",
    [
        ("evnt", "event"),
        ("outcom", "decision"),
        ("Contact with", "contact_with"),
        ("Outcome", "decision"),
        ("time of contact", "time"),
        # not close to any heading, but a close spelling of a field's own name
        ("cowith", "contact_with"),
        ("contac", "contact_with"),
    ],
)
def test_unknown_field_names_the_likely_one(tmp_path, written, meant):
    case = load(
        tmp_path,
        f"- date: 2024-05-01\n  source: GP\n  contact_with: A\n  event: x\n  {written}: y\n",
    )
    unknown = [(f.code, f.line, f.message) for f in chr_findings(case) if f.code == "CHR009"]
    assert unknown == [
        ("CHR009", 5, f"'{written}' is not a chronology field; did you mean '{meant}'?")
    ]


@pytest.mark.parametrize("written", ["zzz", "Outcome of the meeting"])
def test_an_unknown_field_like_no_field_lists_the_fields(tmp_path, written):
    case = load(
        tmp_path,
        f"- date: 2024-05-01\n  source: GP\n  contact_with: A\n  event: x\n  {written}: y\n",
    )
    unknown = [(f.code, f.line, f.message) for f in chr_findings(case) if f.code == "CHR009"]
    assert unknown == [
        (
            "CHR009",
            5,
            f"'{written}' is not a chronology field; the fields are: date, time, end_date, "
            "end_time, seq, source, contact_with, contact_type, event, action, decision, "
            "key_episode, comment, references.",
        )
    ]


def test_a_time_written_with_a_dot(tmp_path):
    case = load(
        tmp_path, "- date: 2024-05-01\n  time: 9.30\n  source: GP\n  contact_with: A\n  event: x\n"
    )
    f = [f for f in chr_findings(case) if f.code == "CHR003"]
    assert len(f) == 1 and "with a colon" in f[0].message


def test_near_duplicates_from_merged_records(tmp_path):
    case = load(
        tmp_path,
        """\
        - date: 2024-05-01
          time: 10:00
          source: GP
          contact_with: A
          event: Home visit, no answer.
        - date: 2024-05-01
          time: 10:00
          source: GP
          contact_with: A and B
          event: home visit - no answer
          references: [EPR 2]
        - date: 2024-05-01
          time: 11:00
          source: GP
          contact_with: A
          event: Home visit, no answer.
        """,
    )
    found = [f for f in chr_findings(case) if f.code in ("CHR006", "CHR015")]
    assert [(f.code, f.line) for f in found] == [("CHR015", 6)]
    assert "line 1" in found[0].message and found[0].severity.value == "info"


def test_review_period_boundaries_are_inclusive_and_spans_count_as_inside(tmp_path):
    """Only an entry wholly before the start or wholly after the end is outside the period: the
    first and last days are inside, and an entry that runs into the period is inside."""
    case = load(
        tmp_path,
        """\
        - date: 2023-12-31
          source: GP
          contact_with: A
          event: the day before the start
        - date: 2023-12-20
          end_date: 2024-01-05
          source: GP
          contact_with: A
          event: runs into the period
        - date: 2024-01-01
          source: GP
          contact_with: A
          event: the first day
        - date: 2024-12-31
          source: GP
          contact_with: A
          event: the last day
        - date: 2024-12-30
          end_date: 2025-01-03
          source: GP
          contact_with: A
          event: runs out of the period
        - date: 2025-01-01
          source: GP
          contact_with: A
          event: the day after the end
        - date: 2025-03
          source: GP
          contact_with: A
          event: a month after the end
        """,
        start="2024-01-01",
        end="2024-12-31",
    )
    outside = [(f.code, f.line) for f in chr_findings(case) if f.code == "CHR004"]
    assert outside == [("CHR004", 1), ("CHR004", 23), ("CHR004", 27)]


def test_same_day_time_and_source_with_different_events_are_not_duplicates(tmp_path):
    """Two contacts at the same minute from the same source are two entries when the event
    differs: neither the exact (CHR006) nor the near-duplicate (CHR015) rule may join them."""
    case = load(
        tmp_path,
        """\
        - date: 2024-05-01
          time: 10:00
          source: GP
          contact_with: A
          event: Home visit, no answer.
        - date: 2024-05-01
          time: 10:00
          source: GP
          contact_with: A
          event: Telephone call to the daughter.
        """,
        start="2024-04-15",
        end="2024-05-15",
    )
    assert chr_findings(case) == []


@pytest.mark.parametrize(
    "setting, problem",
    [
        ("chronology: 60\n", "`chronology:` must have settings under it, like 'gap_days: 60'."),
        (
            "chronology: {gap_days: 0}\n",
            "chronology gap_days is '0'; it must be a whole number of days, like 90.",
        ),
        (
            "chronology: {gap_days: true}\n",
            "chronology gap_days is 'True'; it must be a whole number of days, like 90.",
        ),
        (
            "chronology: {gap_days: 2.5}\n",
            "chronology gap_days is '2.5'; it must be a whole number of days, like 90.",
        ),
    ],
)
def test_a_bad_gap_setting_is_reported_in_mkdocs_yml(tmp_path, setting, problem):
    entries = "- date: 2024-01-05\n  source: GP\n  contact_with: A\n  event: a\n"
    case = load(tmp_path, entries, end="2024-01-10", extra_options=setting)
    found = [(f.code, f.file, f.line) for f in chr_findings(case)]
    assert found == [("CHR014", "mkdocs.yml", None)]
    assert chr_findings(case)[0].message == problem


def test_a_one_day_gap_setting_is_allowed(tmp_path):
    entries = "- date: 2024-01-01\n  source: GP\n  contact_with: A\n  event: a\n"
    case = load(tmp_path, entries, end="2024-01-03", extra_options="chronology: {gap_days: 1}\n")
    assert [(f.code, f.line) for f in chr_findings(case)] == [("CHR008", 1)]


def test_outside_the_period_points_at_the_date_line(tmp_path):
    case = load(
        tmp_path,
        "- source: GP\n  contact_with: A\n  event: early\n  date: 2023-05-01\n",
    )
    assert [(f.code, f.line) for f in chr_findings(case) if f.code == "CHR004"] == [("CHR004", 4)]


@pytest.mark.parametrize(
    "times, out_of_order",
    [
        (("09:00", "10:00", "11:00"), []),
        (("09:00", "11:00", "10:00"), [11]),
        # an untimed entry sorts after the timed ones of its day, so both timed ones are out
        # of order after it (each is compared with the last entry in order, not the previous)
        ((None, "10:00", "11:00"), [6, 11]),
    ],
)
def test_order_within_a_day_follows_the_time(tmp_path, times, out_of_order):
    entries = "".join(
        "- date: 2024-03-01\n"
        + (f"  time: '{t}'\n" if t else "  time: ''\n")
        + f"  source: GP\n  contact_with: A\n  event: contact {i}\n"
        for i, t in enumerate(times)
    )
    case = load(tmp_path, entries, start="2024-02-15", end="2024-03-15")
    assert [f.line for f in chr_findings(case) if f.code == "CHR007"] == out_of_order


def test_exact_duplicates_ignore_empty_fields_and_compare_lists(tmp_path):
    """An empty field is the same as a missing one; lists are compared by their items."""
    case = load(
        tmp_path,
        """\
        - date: 2024-05-01
          source: GP
          contact_with: A
          event: Visit.
          action: ""
          references: [EPR 1]
        - date: 2024-05-01
          source: GP
          contact_with: A
          event: Visit.
          references: [EPR 1]
        - date: 2024-05-01
          source: GP
          contact_with: A
          event: Visit.
          references: [EPR 2]
        """,
        start="2024-04-15",
        end="2024-05-15",
    )
    assert [(f.code, f.line) for f in chr_findings(case)] == [("CHR006", 7), ("CHR015", 12)]


def test_an_entry_without_a_date_is_named_by_its_place_in_the_file(tmp_path):
    case = load(
        tmp_path,
        """\
        - date: 2024-01-05
          source: GP
          contact_with: A
          event: a
        - source: GP
          event: no date and no one contacted
        """,
        start="2024-01-01",
        end="2024-01-10",
    )
    missing = [f.message for f in chr_findings(case) if f.code == "CHR005"]
    assert missing and all(m.startswith("entry 2 ") for m in missing), missing


def test_entry_rules_name_the_file_the_line_and_what_was_written(tmp_path):
    """Each entry rule's finding: the chronology file, the line of the field at fault, and the
    value as written, so that the author can find it without counting entries."""
    case = load(
        tmp_path,
        """\
        - date: 2024-03-01
          time: '10:00'
          end_time: '10:00'
          source: GP
          contact_with: A
          event: ends as it starts, which is fine
        - date: 2024-03-02
          time: '11:00'
          end_time: '09:30'
          source: GP
          contact_with: A
          event: ends before it starts
        - date: 2024-03-03
          end_date: 2024-02-30
          seq: '2'
          source: GP
          contact_with: A
          event: an impossible end date; seq written as text is a number
        - date: 2024-03-04
          seq: 1x
          key_episode: perhaps
          source: GP
          contact_with: A
          event: [a, list]
        """,
        start="2024-02-20",
        end="2024-03-10",
    )
    found = chr_findings(case)
    assert [(f.code, f.file, f.line) for f in found] == [
        ("CHR010", "data/chronology.yml", 9),
        ("CHR002", "data/chronology.yml", 14),
        ("CHR011", "data/chronology.yml", 20),
        ("CHR012", "data/chronology.yml", 21),
        ("CHR013", "data/chronology.yml", 24),
    ]
    messages = [f.message for f in found]
    assert "ends at 09:30, before its start time 11:00" in messages[0]
    assert messages[1].startswith("end_date: ")
    assert "seq '1x'" in messages[2]
    assert "key_episode 'perhaps'" in messages[3]
    assert "'event' holds a list, not text" in messages[4]


def test_a_number_as_a_field_name_is_reported_and_duplicates_ignore_field_order(tmp_path):
    """A field named by a number (1: ...) once made the duplicate check fail with a traceback."""
    case = load(
        tmp_path,
        """\
        - {date: 2024-05-02, source: Police, contact_with: B, event: Call., 1: odd}
        - {1: odd, event: Call., contact_with: B, source: Police, date: 2024-05-02}
        """,
        start="2024-04-15",
        end="2024-05-15",
    )
    found = [(f.code, f.line) for f in chr_findings(case)]
    assert found == [("CHR009", 1), ("CHR009", 2), ("CHR006", 2)]


@pytest.mark.parametrize(
    "event, words",
    [
        ("  Home-visit, (GP)  ", "home visit gp"),
        ("Visit_2 at 10:30!", "visit_2 at 10 30"),
        ("Café\tvisit", "café visit"),
        ("...", None),
        ("", None),
    ],
)
def test_likeness_ignores_case_spacing_and_punctuation(event, words):
    e = Entry({"date": "2024-05-01", "time": "09:00", "source": "GP ", "event": event}, 1, 0)
    expected = None if words is None else ("2024-05-01", "09:00", "gp", words)
    assert chk._likeness(e) == expected
    assert chk._likeness(Entry({"event": event or "x"}, 1, 0)) is None  # no date


@pytest.mark.parametrize(
    "value, text",
    [
        (" Visit. ", "Visit."),
        (None, ""),
        (["a", 2], "a; 2"),
        (True, "Yes"),
        (False, ""),
        (9.0, "9"),
    ],
)
def test_entry_text(value, text):
    assert Entry({"event": value}, 1, 0).text("event") == text


def test_dates_and_times_written_alike_are_read_alike():
    first = Entry({"date": "2024-02-30", "time": "25:00", "end_date": "2024-03"}, 1, 0)
    again = Entry({"date": "2024-02-30", "time": "25:00", "end_date": "2024-03"}, 9, 1)
    assert first.date_problem == again.date_problem and "30 February" in first.date_problem
    assert first.time_problem == again.time_problem and "25:00" in first.time_problem
    assert again.until == FuzzyDate.parse("2024-03") and again.until.precision == "month"
    number = Entry({"date": "2024-03-01", "time": 930}, 1, 0)  # not text: read as it is
    assert number.when.start == dt.date(2024, 3, 1) and "930" in number.time_problem
    blank = Entry({"date": "  ", "time": ""}, 1, 0)
    assert (blank.when, blank.date_problem, blank.time_of_day, blank.time_problem) == (
        None,
        None,
        None,
        None,
    )


def test_each_near_duplicate_names_the_first_entry_like_it(tmp_path):
    entries = [
        ("10:00", "GP", "..."),  # no words: like nothing
        ("10:00", "GP", "Home visit."),
        ("10:00", "GP", "Phone call."),
        ("10:00", "gp", "home visit"),  # like line 2
        ("10:00", "GP", "PHONE CALL"),  # like line 3
        ("10:00", "GP", "!!!"),  # no words: like nothing either
        ("11:00", "GP", "Home visit."),  # another time
        ("10:00", "Police", "Home visit."),  # another source
        ("10:00", "GP", "Home visit!"),  # like line 2 again
    ]
    case = load(
        tmp_path,
        "".join(
            f"- date: 2024-05-01\n  time: '{t}'\n  source: {s}\n  contact_with: A\n"
            f"  event: '{e}'\n  comment: entry {i}\n"
            for i, (t, s, e) in enumerate(entries)
        ),
        start="2024-04-15",
        end="2024-05-15",
    )
    found = [(f.line, f.message) for f in chr_findings(case) if f.code == "CHR015"]
    assert [(line, message.split("on line ")[1][:2]) for line, message in found] == [
        (19, "7,"),
        (25, "13"),
        (49, "7,"),
    ]


def _silences(tmp_path, dates, start, end):
    text = "".join(
        f"- date: {d}\n  source: GP\n  contact_with: A\n  event: contact {i}\n"
        for i, d in enumerate(dates)
    )
    case = load(tmp_path, text, start=start, end=end)
    return [(f.code, f.line, f.message) for f in chr_findings(case)]


ASK = "the template asks for periods of no contact to be stated (limit: 90 days)."


@pytest.mark.parametrize(
    "dates, start, end, expected",
    [
        (
            ["2024-05-01", "2024-06-01", "2024-10-01"],
            "2024-01-01",
            "2024-12-31",
            [
                (
                    "CHR008",
                    1,
                    "no contact is recorded for 121 days, from 1 January 2024 to 30 April 2024 "
                    f"(from the start of the review period); {ASK}",
                ),
                (
                    "CHR008",
                    9,
                    "no contact is recorded for 121 days, from 2 June 2024 to 30 September 2024 "
                    f"(after the entry on line 5); {ASK}",
                ),
                (
                    "CHR008",
                    9,
                    "no contact is recorded for 91 days, from 2 October 2024 to 31 December 2024 "
                    f"(up to the end of the review period); {ASK}",
                ),
            ],
        ),
        # nothing inside the period: one silence, the whole of it, at the last entry
        (
            ["2023-05-01", "2023-06-01"],
            "2024-01-01",
            "2024-06-30",
            [
                (
                    "CHR004",
                    1,
                    "the entry dated 1 May 2023 is outside the review period (1 January 2024 to "
                    "30 June 2024).",
                ),
                (
                    "CHR004",
                    5,
                    "the entry dated 1 June 2023 is outside the review period (1 January 2024 to "
                    "30 June 2024).",
                ),
                (
                    "CHR008",
                    5,
                    "no contact is recorded for 182 days, from 1 January 2024 to 30 June 2024 (up "
                    f"to the end of the review period); {ASK}",
                ),
            ],
        ),
        # 90 silent days are within the limit; 91 are not
        (["2024-01-01", "2024-04-01"], "2024-01-01", "2024-04-01", []),
        (
            ["2024-01-01", "2024-04-02"],
            "2024-01-01",
            "2024-04-02",
            [
                (
                    "CHR008",
                    5,
                    "no contact is recorded for 91 days, from 2 January 2024 to 1 April 2024 "
                    f"(after the entry on line 1); {ASK}",
                )
            ],
        ),
    ],
)
def test_each_silence_says_how_long_from_when_to_when_and_where(
    tmp_path, dates, start, end, expected
):
    assert _silences(tmp_path, dates, start, end) == expected


E = "  source: GP\n  contact_with: A\n"


@pytest.mark.parametrize(
    "entries, expected",
    [
        # an empty chronology: nothing to check, not a year of silence
        ("[]\n", []),
        # an end on the day it starts, with or without times, and at the very minute it starts
        (f"- date: 2024-05-05\n  end_date: 2024-05-05\n{E}  event: a\n", []),
        (
            f"- date: 2024-05-05\n  time: 10:00\n  end_date: 2024-05-05\n  end_time: 10:00\n{E}"
            "  event: a\n",
            [],
        ),
        (
            f"- date: 2024-05-05\n  time: 10:00\n  end_date: 2024-05-05\n  end_time: 09:00\n{E}"
            "  event: a\n",
            [("CHR010", 3, "the entry dated 5 May 2024 ends on 5 May 2024, before it starts.")],
        ),
        # an empty seq is no seq
        (f"- date: 2024-05-05\n  seq: ''\n{E}  event: a\n", []),
        # an impossible end time is named as such
        (
            f"- date: 2024-05-05\n  time: 10:00\n  end_time: 25:00\n{E}  event: a\n",
            [
                (
                    "CHR003",
                    3,
                    "the entry dated 5 May 2024, end_time: '25:00' is not a possible time of day "
                    "(00:00 to 23:59).",
                )
            ],
        ),
        # a required field written but empty is reported at its own line
        (
            "- date: 2024-05-05\n  source: GP\n  event: a\n  contact_with: ''\n",
            [
                (
                    "CHR005",
                    4,
                    "the entry dated 5 May 2024 has no 'contact_with' (Contact with); the "
                    "template requires it in every entry.",
                )
            ],
        ),
        # same day, time and event from two sources: two contacts, not one recorded twice
        (
            "- date: 2024-05-05\n  source: GP\n  contact_with: A\n  event: Visit.\n"
            "- date: 2024-05-05\n  source: District nurses\n  contact_with: A\n  event: Visit.\n",
            [],
        ),
    ],
)
def test_entry_edges_word_for_word(tmp_path, entries, expected):
    case = load(tmp_path, entries, start="2024-05-01", end="2024-05-10")
    assert [(f.code, f.line, f.message) for f in chr_findings(case)] == expected


def test_placeholders_in_the_chronology_are_found_where_they_stand(tmp_path):
    case = load(
        tmp_path,
        f"- date: 2024-05-05\n{E}  event: Visit by TBC\n",
        start="2024-05-01",
        end="2024-05-10",
    )
    assert [(f.code, f.file, f.line) for f in run_checks(case) if f.code == "PLH001"] == [
        ("PLH001", "data/chronology.yml", 4)
    ]


def test_the_panels_own_fields_are_unknown_in_an_agencys_chronology(tmp_path):
    """`panel_note:` belongs to the review panel's merged chronology (PNL rules); in one
    agency's chronology it is an unknown field like any other."""
    case = load(
        tmp_path,
        f"- date: 2024-05-05\n{E}  event: a\n  panel_note: seen\n",
        start="2024-05-01",
        end="2024-05-10",
    )
    assert [(f.code, f.line) for f in chr_findings(case)] == [("CHR009", 5)]


def test_an_undated_entry_written_twice_names_the_first(tmp_path):
    """An undated entry has no place in date order, but written twice it is still one entry
    twice: the second names the first's line (a mutant that forgot undated entries survived)."""
    case = load(
        tmp_path,
        """\
        - {source: Police, contact_with: Adult A, event: Call.}
        - {source: Police, contact_with: Adult A, event: Call.}
        """,
        start="2024-04-15",
        end="2024-05-15",
    )
    found = [(f.code, f.line, f.message) for f in chr_findings(case) if f.code == "CHR006"]
    assert found == [("CHR006", 2, "entry 2 is exactly the same as the entry on line 1.")]


def test_a_column_a_boards_spec_adds_is_a_known_field(tmp_path):
    """A board's spec may add a chronology column: an entry using it is not told its field is
    unknown, and a misspelling of it still is (a mutant that knew only the built-in fields the
    spec also lists survived, since the default spec lists exactly those)."""
    spec = (Path(imr_site.case.__file__).parent / "specs/sab-imr.yml").read_text(encoding="utf-8")
    column = "    - {key: references, label: Source records}\n"
    spec = spec.replace(column, column + "    - {key: risk_level, label: Risk level}\n", 1)
    entries = [dict(e) for e in CHRONOLOGY]
    entries[0]["risk_level"] = "High"
    entries[1]["risk_levle"] = "Low"
    case = write_case(tmp_path / "c", extra_options={"spec": "board.yml"}, chronology=entries)
    (case / "board.yml").write_text(spec, encoding="utf-8")
    unknown = [f.message for f in chr_findings(load_case(case)) if f.code == "CHR009"]
    assert len(unknown) == 1 and "'risk_levle'" in unknown[0], unknown
