"""The review panel's case: `imr merge` and the findings across agencies, on the fictional
three-agency panel in tests/panel_example/ (see its README for what is planted)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml
from conftest import copy_example
from panel_case import ASC, CHT, EXAMPLE, GPP, _git, panel_fixture  # noqa: F401  (the fixture)

from imr_site.case.yamlio import parse_yaml, plain
from imr_site.cli import main
from imr_site.publish.merge import merge_panel
from imr_site.review.registry import load_case, run_checks


def _read(path: Path):
    """A YAML file as the tool reads it (dates and times as written)."""
    return plain(parse_yaml(path.read_text("utf-8")))


def _merged(panel: Path) -> list[dict]:
    return _read(panel / "data" / "chronology.yml")


def _panel_findings(panel: Path) -> list[tuple]:
    findings = run_checks(load_case(panel))
    return [(f.code, f.file, f.line) for f in findings if f.code.startswith("PNL")]


def _line_of(panel: Path, entry_id: str) -> int:
    """The line of the entry's '- date:' in the merged chronology."""
    lines = (panel / "data" / "chronology.yml").read_text("utf-8").splitlines()
    at = lines.index(f"  id: {entry_id}")
    while not lines[at].startswith("- "):
        at -= 1
    return at + 1


def _id(entries, agency: str, date: str) -> str:
    (hit,) = [e["id"] for e in entries if e["agency"] == agency and str(e["date"]) == date]
    return hit


# --- the merge ------------------------------------------------------------------------------


def test_merge_keeps_every_entry_of_every_agency_with_agency_origin_and_id(panel):
    outcome = merge_panel(panel)
    assert not outcome.refused, outcome.findings
    entries = _merged(panel)
    assert len(entries) == 8 + 6 + 6
    by_agency = {a: [e for e in entries if e["agency"] == a] for a in (GPP, CHT, ASC)}
    assert [len(v) for v in by_agency.values()] == [8, 6, 6]
    first_gp = by_agency[GPP][0]
    assert first_gp["origin"] == "../gp-practice/data/chronology.yml, line 1"
    assert first_gp["id"].startswith("gpp-")
    assert {e["origin"] for e in by_agency[CHT]} >= {
        "../community-health@v1.0:data/chronology.yml, line 7"
    }
    assert sorted(e["origin"] for e in by_agency[ASC]) == [
        f"../adult-social-care/chronology.csv, row {r}" for r in range(2, 8)
    ]
    assert len({e["id"] for e in entries}) == 20
    # in date order, so the file reads as the integrated chronology
    dates = [str(e["date"]) for e in entries]
    assert dates == sorted(dates)
    # the spreadsheet's heading mapped with map: ["Narrative=event"]
    assert any(e["event"].startswith("Care package started") for e in by_agency[ASC])


def test_ids_are_stable_when_an_agency_adds_reorders_or_edits_other_fields(panel):
    merge_panel(panel)
    before = {e["origin"]: e["id"] for e in _merged(panel) if e["agency"] == GPP}
    chron = panel.parent / "gp-practice" / "data" / "chronology.yml"
    entries = _read(chron)
    entries.reverse()
    entries[0]["comment"] = "Added after the practice's own review."
    entries.insert(
        3,
        {
            "date": "2024-02-20",
            "source": "Surgery",
            "contact_with": "AB",
            "event": "Missed appointment",
        },
    )
    chron.write_text(yaml.safe_dump(entries, sort_keys=False), "utf-8")
    merge_panel(panel)
    after = [e for e in _merged(panel) if e["agency"] == GPP]
    assert len(after) == 9
    assert set(before.values()) < {e["id"] for e in after}


def test_a_resubmission_replaces_only_that_agency_and_the_panels_notes_stay(panel):
    merge_panel(panel)
    chron = panel / "data" / "chronology.yml"
    entries = _merged(panel)
    gp_visit = next(
        e["id"] for e in entries if e["agency"] == GPP and str(e.get("time")) == "10:00"
    )
    asc_visit = _id(entries, ASC, "2024-03-04")
    asc_fall = _id(entries, ASC, "2024-06-14")
    text = chron.read_text("utf-8")
    text = text.replace(
        f"  id: {gp_visit}\n",
        f"  id: {gp_visit}\n  same_as: [{asc_visit}]\n  panel_note: Seen by all three.\n",
    )
    text = text.replace(
        f"  id: {asc_fall}\n", f"  id: {asc_fall}\n  panel_note: Ask ASC for the date.\n"
    )
    chron.write_text(text, "utf-8")
    others_before = [e for e in plain(parse_yaml(text)) if e["agency"] != ASC]

    # ASC resubmits: one row added, one row's outcome column filled in, one reworded
    csv = panel.parent / "adult-social-care" / "chronology.csv"
    rows = csv.read_text("utf-8").splitlines()
    rows[4] = rows[4].replace("reported by neighbour", "reported by a neighbour")
    rows.append("20/12/2024,,Adult Social Care,AB,Case closed,")
    csv.write_text("\n".join(rows) + "\n", "utf-8")
    outcome = merge_panel(panel)
    assert not outcome.refused
    changes = {c.name: (c.added, c.removed) for c in outcome.result.changes}
    assert changes == {GPP: (0, 0), CHT: (0, 0), ASC: (2, 1)}

    after = _read(chron)
    assert [e for e in after if e["agency"] != ASC] == others_before
    visit = next(e for e in after if e["id"] == gp_visit)
    assert visit["same_as"] == [asc_visit] and visit["panel_note"] == "Seen by all three."
    # the reworded fall has a new id; the note moved with it, and the merge said so
    fall = next(e for e in after if e["agency"] == ASC and str(e["date"]) == "2024-06-14")
    assert fall["id"] != asc_fall and fall["panel_note"] == "Ask ASC for the date."
    assert any(asc_fall in n and fall["id"] in n for n in outcome.result.notes)
    assert len([e for e in after if e["agency"] == ASC]) == 7


def test_notes_on_an_entry_the_agency_removed_are_kept_and_reported(panel):
    merge_panel(panel)
    chron = panel / "data" / "chronology.yml"
    closing = _id(_merged(panel), ASC, "2024-12-15")
    chron.write_text(
        chron.read_text("utf-8").replace(
            f"  id: {closing}\n", f"  id: {closing}\n  panel_note: Why no review earlier?\n"
        ),
        "utf-8",
    )
    csv = panel.parent / "adult-social-care" / "chronology.csv"
    csv.write_text("".join(csv.read_text("utf-8").splitlines(True)[:-1]), "utf-8")
    merge_panel(panel)
    record = _read(panel / "data" / "panel.yml")
    assert record["orphaned_annotations"] == [
        {
            "id": closing,
            "agency": ASC,
            "date": "2024-12-15",
            "event": "Review of the care package with AB; no concerns",
            "panel_note": "Why no review earlier?",
        }
    ]
    assert ("PNL017", "data/panel.yml", None) in _panel_findings(panel)
    # and a later merge still keeps them
    merge_panel(panel)
    record = _read(panel / "data" / "panel.yml")
    assert len(record["orphaned_annotations"]) == 1


def test_merging_twice_changes_nothing(panel):
    merge_panel(panel)
    first = {p.name: p.read_bytes() for p in (panel / "data").iterdir()}
    merge_panel(panel)
    assert {p.name: p.read_bytes() for p in (panel / "data").iterdir()} == first


def test_people_keys_become_one_key_with_panel_wide_labels_used_in_the_text(panel):
    merge_panel(panel)
    people = _read(panel / "data" / "people.yml")
    assert {label: p["name"] for label, p in people.items()} == {
        "GP1": "Dr Priya Kaur",
        "DN2": "Sarah Marsh",
        "OT1": "Tom Reyes",
        "GP2": "Dr Samuel Okafor",
        "SW1": "Hannah Lewis",
    }
    entries = _merged(panel)
    asc = next(e for e in entries if e["agency"] == ASC and str(e["date"]) == "2024-06-28")
    assert asc["event"] == "Care package started (two visits daily); GP2 informed"
    cht = [e["event"] for e in entries if e["agency"] == CHT]
    assert "First district nursing visit by DN2, leg ulcer assessed" in cht
    assert not any("DN1" in t for t in cht)
    # GP1 in the community trust's text is the practice's GP1, who keeps the label
    assert "Joint visit with GP1, DN2 dressed the pressure sore on left heel" in cht
    glossary = _read(panel / "data" / "glossary.yml")
    assert glossary["CPA"] == "Care Programme Approach (GPP); Client Property Assessment (ASC)"
    assert glossary["GP"] == "General Practitioner"  # the same meaning, written differently
    assert glossary["OT"] == "Occupational Therapist"


# --- the findings across agencies ----------------------------------------------------------


def test_the_planted_findings_are_found_and_nothing_else(panel):
    merge_panel(panel)
    entries = _merged(panel)
    gp_visit = next(
        e["id"] for e in entries if e["agency"] == GPP and str(e.get("time")) == "10:00"
    )
    assert _panel_findings(panel) == sorted(
        [
            ("PNL014", "../adult-social-care/glossary.csv", 2),
            ("PNL012", "../adult-social-care/people.csv", 2),
            ("PNL013", "../community-health@v1.0:data/people.yml", 1),
            ("PNL010", "data/chronology.yml", _line_of(panel, gp_visit)),
            ("PNL010", "data/chronology.yml", _line_of(panel, _id(entries, GPP, "2024-05-10"))),
            ("PNL011", "data/chronology.yml", _line_of(panel, _id(entries, CHT, "2024-06-12"))),
            ("PNL015", "data/chronology.yml", _line_of(panel, _id(entries, CHT, "2024-12-05"))),
        ],
        key=lambda f: (f[1], f[2]),
    )


def test_same_event_groups_name_every_agency_and_both_files(panel):
    merge_panel(panel)
    found = [f for f in run_checks(load_case(panel)) if f.code == "PNL010"]
    three = next(f for f in found if "3 agencies" in f.message)
    for where in (
        "../gp-practice/data/chronology.yml, line 7",
        "../community-health@v1.0:data/chronology.yml, line 7",
        "../adult-social-care/chronology.csv, row 2",
    ):
        assert where in three.message
    conflict = next(f for f in run_checks(load_case(panel)) if f.code == "PNL011")
    assert "12 June 2024" in conflict.message and "14 June 2024" in conflict.message


def test_the_panel_confirms_or_rejects_a_group_and_the_finding_goes(panel):
    merge_panel(panel)
    entries = _merged(panel)
    gp_visit = next(
        e["id"] for e in entries if e["agency"] == GPP and str(e.get("time")) == "10:00"
    )
    cht_visit = next(
        e["id"] for e in entries if e["agency"] == CHT and str(e["date"]) == "2024-03-04"
    )
    asc_visit = _id(entries, ASC, "2024-03-04")
    gp_concern, asc_concern = _id(entries, GPP, "2024-05-10"), _id(entries, ASC, "2024-05-10")
    cht_fall, asc_fall = _id(entries, CHT, "2024-06-12"), _id(entries, ASC, "2024-06-14")
    chron = panel / "data" / "chronology.yml"
    text = chron.read_text("utf-8")
    for eid, note in (
        (gp_visit, f"same_as: [{cht_visit}, {asc_visit}]"),
        (asc_concern, f"not_same_as: [{gp_concern}]"),
        (cht_fall, f"same_as: [{asc_fall}]"),
    ):
        text = text.replace(f"  id: {eid}\n", f"  id: {eid}\n  {note}\n")
    chron.write_text(text, "utf-8")
    codes = [c for c, _, _ in _panel_findings(panel)]
    assert "PNL010" not in codes and "PNL011" not in codes
    # a link to an entry that is not there is an error at its line
    chron.write_text(text.replace(f"same_as: [{asc_fall}]", "same_as: [asc-00000000]"), "utf-8")
    lines = chron.read_text("utf-8").splitlines()
    assert ("PNL016", "data/chronology.yml", lines.index("  same_as: [asc-00000000]") + 1) in (
        _panel_findings(panel)
    )


def test_same_event_rule_is_silent_outside_its_window(panel):
    """Same day, other agency, but hours apart; or minutes apart with other people and words."""
    merge_panel(panel)
    found = run_checks(load_case(panel))
    messages = " ".join(f.message for f in found if f.code == "PNL010")
    entries = _merged(panel)
    pharmacy = [e["id"] for e in entries if e.get("contact_with") == "Pharmacy"]
    assert len(pharmacy) == 2 and not any(i in messages for i in pharmacy)
    ot = next(e["id"] for e in entries if e["agency"] == CHT and str(e["date"]) == "2024-04-02")
    assert ot not in messages


def test_the_window_is_a_setting(panel):
    cfg = panel / "mkdocs.yml"
    cfg.write_text(
        cfg.read_text("utf-8").replace(
            "      panel:\n",
            "      panel:\n        same_event_minutes: 4\n        conflict_days: 1\n",
        ),
        "utf-8",
    )
    merge_panel(panel)
    codes = [c for c, _, _ in _panel_findings(panel)]
    # 10:00, 10:15 and 10:20 are more than 4 minutes apart; the fall is 2 days apart
    assert codes.count("PNL010") == 1 and "PNL011" not in codes


def test_an_agency_case_is_not_checked_as_a_panel(tmp_path):
    root = copy_example(tmp_path / "case")
    assert not [f for f in run_checks(load_case(root)) if f.code.startswith("PNL")]


# --- bad input: a finding, and nothing written over ---------------------------------------


def _break(panel: Path, old: str, new: str) -> None:
    cfg = panel / "mkdocs.yml"
    text = cfg.read_text("utf-8")
    assert old in text
    cfg.write_text(text.replace(old, new), "utf-8")


@pytest.mark.parametrize(
    ("old", "new", "code", "words"),
    [
        ("chronology.csv", "chronologie.csv", "PNL004", "does not exist"),
        ("ref: v1.0", "ref: v9.9", "PNL004", "'v9.9' is not a tag or commit"),
        ("case: ../gp-practice", "case: ../gp-practise", "PNL004", "no case folder"),
        (
            "          - name: Northbridge Adult Social Care\n",
            "          - code: X\n",
            "PNL002",
            "no name",
        ),
        ("name: Northbridge Adult Social Care", f"name: {GPP}", "PNL003", "both named"),
    ],
)
def test_bad_input_is_a_finding_and_nothing_is_written_over(panel, old, new, code, words):
    merge_panel(panel)
    before = {p.name: p.read_bytes() for p in (panel / "data").iterdir()}
    _break(panel, old, new)
    outcome = merge_panel(panel)
    assert outcome.refused
    assert [f.code for f in outcome.findings] == [code]
    assert words in outcome.findings[0].message
    assert {p.name: p.read_bytes() for p in (panel / "data").iterdir()} == before
    # imr check reports the settings too
    if code in ("PNL002", "PNL003"):
        assert code in [c for c, _, _ in _panel_findings(panel)]


def test_an_agency_whose_review_period_differs_is_refused(panel):
    cfg = panel.parent / "gp-practice" / "mkdocs.yml"
    cfg.write_text(cfg.read_text("utf-8").replace("end: 2024-12-31", "end: 2025-03-31"), "utf-8")
    outcome = merge_panel(panel)
    assert outcome.refused
    (f,) = outcome.findings
    assert f.code == "PNL005"
    assert "2024-01-01 to 2025-03-31" in f.message and "2024-01-01 to 2024-12-31" in f.message
    assert not (panel / "data").exists()


def test_an_unreadable_submission_is_refused(panel):
    (panel.parent / "gp-practice" / "data" / "chronology.yml").write_text("- date: [\n", "utf-8")
    outcome = merge_panel(panel)
    assert outcome.refused and outcome.findings[0].code == "PNL004"
    assert "../gp-practice/data/chronology.yml, line" in outcome.findings[0].message


def test_a_hand_written_data_file_is_never_replaced(panel):
    (panel / "data").mkdir()
    (panel / "data" / "glossary.yml").write_text("SAB: Safeguarding Adults Board\n", "utf-8")
    outcome = merge_panel(panel)
    assert outcome.refused and outcome.findings[0].code == "PNL004"
    assert (panel / "data" / "glossary.yml").read_text(
        "utf-8"
    ) == "SAB: Safeguarding Adults Board\n"
    assert not (panel / "data" / "chronology.yml").exists()


# --- the command ----------------------------------------------------------------------------


def test_imr_merge_command_writes_then_checks(panel, capsys):
    code = main(["merge", str(panel), "--format", "json"])
    out = capsys.readouterr()
    report = json.loads(out.out)
    assert code == 0  # the panel's findings are warnings
    assert {f["code"] for f in report["findings"]} >= {"PNL010", "PNL011", "PNL015"}
    assert "Merged 20 entries from 3 agencies" in out.err
    assert "label GP1 is GP2" in out.err


def test_imr_merge_refuses_with_exit_2(panel, capsys):
    _break(panel, "ref: v1.0", "ref: nope")
    assert main(["merge", str(panel)]) == 2
    out = capsys.readouterr()
    assert "PNL004" in out.out and "Nothing was merged" in out.err


def test_imr_merge_on_an_agency_case_says_what_to_do(tmp_path, capsys):
    assert main(["merge", str(EXAMPLE / "gp-practice")]) == 2
    assert "imr new --panel" in capsys.readouterr().out


def test_imr_new_panel_makes_a_case_that_merges(tmp_path, capsys):
    target = tmp_path / "panel"
    assert main(["new", "--panel", str(target)]) == 0
    assert "imr merge" in capsys.readouterr().out
    for name in ("mkdocs.yml", "docs/01-chronology.md", ".gitlab-ci.yml", ".gitignore"):
        assert (target / name).is_file()
    assert not (target / "docs" / "05-analysis.md").exists()  # an agency's IMR parts are not here
    shutil.copytree(EXAMPLE / "gp-practice", target / "submissions" / "agency-1")
    cfg = target / "mkdocs.yml"
    text = cfg.read_text("utf-8")
    for old, new in (
        ("case_reference: CHANGE-ME", "case_reference: SAR-2025-014"),
        ("        start:\n        end:", "        start: 2024-01-01\n        end: 2024-12-31"),
        ("- name: CHANGE-ME", f"- name: {GPP}"),
    ):
        assert old in text
        text = text.replace(old, new)
    cfg.write_text(text, "utf-8")
    assert not merge_panel(target).refused
    codes = {f.code for f in run_checks(load_case(target))}
    assert not {"SEC001", "PNL006", "PNL001", "ACT015"} & codes
    assert "HDG005" in codes  # the prompts are still to be replaced


def test_spreadsheet_submissions_may_be_xlsx(panel):
    """The social care chronology and people key as Excel workbooks (real date cells)."""
    import datetime as dt

    import openpyxl

    asc = panel.parent / "adult-social-care"
    for name, rows in (
        (
            "chronology.xlsx",
            [
                ["Date", "Time", "Team", "Contact with", "Narrative"],
                [
                    dt.datetime(2024, 3, 4),
                    "10:20",
                    "Adult Social Care",
                    "AB",
                    "Visit with SW1 and GP1",
                ],
                [dt.datetime(2024, 6, 28), None, "Adult Social Care", "AB", "Care package started"],
            ],
        ),
        ("people.xlsx", [["Label", "Name", "Role"], ["GP1", "Dr Samuel Okafor", "GP"]]),
    ):
        wb = openpyxl.Workbook()
        for row in rows:
            wb.active.append(row)
        wb.save(asc / name)
    _break(
        panel,
        "chronology: ../adult-social-care/chronology.csv",
        "chronology: ../adult-social-care/chronology.xlsx",
    )
    _break(
        panel, "people: ../adult-social-care/people.csv", "people: ../adult-social-care/people.xlsx"
    )
    assert not merge_panel(panel).refused
    entries = [e for e in _merged(panel) if e["agency"] == ASC]
    assert [(e["date"], e["event"], e["origin"]) for e in entries] == [
        ("2024-03-04", "Visit with SW1 and GP2", "../adult-social-care/chronology.xlsx, row 2"),
        ("2024-06-28", "Care package started", "../adult-social-care/chronology.xlsx, row 3"),
    ]
    assert ("PNL012", "../adult-social-care/people.xlsx", 2) in _panel_findings(panel)


def test_a_merge_without_the_panels_notes_reports_each_agencys_changes(panel):
    merge_panel(panel)
    csv = panel.parent / "adult-social-care" / "chronology.csv"
    csv.write_text(
        csv.read_text("utf-8") + "20/12/2024,,Adult Social Care,AB,Case closed,\n", "utf-8"
    )
    changes = {
        c.name: (c.added, c.removed, c.first_merge) for c in merge_panel(panel).result.changes
    }
    assert changes == {GPP: (0, 0, False), CHT: (0, 0, False), ASC: (1, 0, False)}


def test_check_says_when_an_agency_resubmitted_after_the_merge(panel):
    merge_panel(panel)
    assert "PNL006" not in [c for c, _, _ in _panel_findings(panel)]
    csv = panel.parent / "adult-social-care" / "chronology.csv"
    csv.write_text(
        csv.read_text("utf-8") + "20/12/2024,,Adult Social Care,AB,Case closed,\n", "utf-8"
    )
    repo = panel.parent / "community-health"  # a new tag is not a new submission until ref: says so
    _git(repo, "commit", "-q", "--allow-empty", "-m", "later work")
    _git(repo, "tag", "v1.1")
    found = [f for f in run_checks(load_case(panel)) if f.code == "PNL006"]
    assert [(f.file, f.line) for f in found] == [("data/panel.yml", 1)]
    assert ASC in found[0].message
    _break(panel, "ref: v1.0", "ref: v1.1")
    assert len([f for f in run_checks(load_case(panel)) if f.code == "PNL006"]) == 2
    merge_panel(panel)
    assert "PNL006" not in [c for c, _, _ in _panel_findings(panel)]
