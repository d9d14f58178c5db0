"""The IMR process record (data/process.yml): the PRC rules found where planted and silent where
not, the FINAL gate and per-case re-grading, the status page's checklist, and the process page
in the editions (restricted site only; in the PDF only with --with-process; never anonymised).
"""

from __future__ import annotations

import datetime as dt
import subprocess

import pytest
from complete_case import git_commit_all, process_record, write_case
from conftest import build_site, copy_example

from imr_site.case.findings import Severity
from imr_site.process.render import DONE, OPEN, OVERDUE, PAGE_TITLE, checklist
from imr_site.publish.editions import check_output
from imr_site.publish.final import final_build_refusals
from imr_site.review.registry import load_case, run_checks

SIGNED = dt.date(2025, 6, 20)
REL = "data/process.yml"


def _case(tmp_path, record: str | None = None):
    case = write_case(tmp_path / "case", signed=SIGNED)
    if record is not None:
        (case / REL).write_text(record, encoding="utf-8")
    return case


def _record(**replace) -> str:
    """The complete record of complete_case, with lines replaced (old text -> new text)."""
    text = process_record(SIGNED)
    for old, new in replace.items():
        old = old.replace("__", " ")
        assert old in text, old
        text = text.replace(old, new)
    return text


def line_of(text: str, start: str) -> int:
    """The 1-based line of the first line that starts with ``start`` (indentation included)."""
    return next(i for i, line in enumerate(text.split("\n"), 1) if line.startswith(start))


def prc(case_dir) -> list[tuple[str, str | None, int | None]]:
    return [
        (f.code, f.file, f.line) for f in run_checks(load_case(case_dir)) if f.code[:3] == "PRC"
    ]


def before(days: int) -> str:
    return (SIGNED - dt.timedelta(days=days)).isoformat()


# --- the rules, both sides ---------------------------------------------------------------------


def test_a_complete_record_has_no_process_finding(tmp_path):
    assert prc(_case(tmp_path)) == []


def test_the_example_case_has_a_complete_record(built_example):
    case = load_case(built_example.case_dir)
    assert prc(built_example.case_dir) == []
    assert {i.state for i in checklist(case)} == {DONE}
    assert case.data["process"].staff["DN3"].date("declined") == dt.date(2025, 4, 30)


def test_no_record_is_a_note_only(tmp_path):
    case = _case(tmp_path)
    (case / REL).unlink()
    assert prc(case) == [("PRC014", None, None)]


def test_staff_named_in_the_chronology_but_not_invited(tmp_path):
    text = _record(**{f"    invited: {before(60)}\n": ""})
    case = _case(tmp_path, text)
    assert prc(case) == [("PRC003", REL, line_of(text, "  DN1:"))]
    message = next(f.message for f in run_checks(load_case(case)) if f.code == "PRC003")
    assert "DN1" in message and "data/chronology.yml line 1" in message


def test_staff_missing_from_the_record_is_reported_at_staff(tmp_path):
    text = (
        _record().split("staff:")[0]
        + "staff: {}\n"
        + "other_investigations:"
        + (_record().split("other_investigations:")[1])
    )
    case = _case(tmp_path, text)
    assert prc(case) == [("PRC003", REL, line_of(text, "staff:"))]


def test_staff_of_another_agency_need_not_be_invited(tmp_path):
    case = _case(tmp_path)
    chron = case / "data" / "chronology.yml"
    chron.write_text(chron.read_text().replace("DN1 made", "GP1 made"), encoding="utf-8")
    people = case / "data" / "people.yml"
    people.write_text(
        people.read_text() + "GP1:\n  name: Lee Grey\n  role: GP\n  agency: Other Surgery\n"
    )
    assert prc(case) == []


def test_invited_with_no_answer(tmp_path):
    text = _record(**{f"    contributed: {before(50)}\n": ""})
    assert prc(_case(tmp_path, text)) == [("PRC004", REL, line_of(text, "    invited:"))]


def test_meeting_record_not_shared(tmp_path):
    text = _record(**{f"    record_shared: {before(45)}\n": ""})
    assert prc(_case(tmp_path, text)) == [("PRC005", REL, line_of(text, "    meeting:"))]


def test_chronology_not_checked(tmp_path):
    text = _record(**{f"    checked: {before(40)}\n    entries: all\n": ""})
    assert prc(_case(tmp_path, text)) == [("PRC006", REL, line_of(text, "  DN1:"))]


def test_chronology_checked_for_other_entries_only(tmp_path):
    text = _record(**{"    entries: all": "    entries: [2024-03-01]"})
    case = _case(tmp_path, text)
    assert prc(case) == [("PRC006", REL, line_of(text, "    entries:"))]
    message = next(f.message for f in run_checks(load_case(case)) if f.code == "PRC006")
    assert "line 1" in message and "2024-02-01" in message


def test_chronology_checked_for_the_entries_that_name_them(tmp_path):
    text = _record(**{"    entries: all": "    entries: [2024-02-01]"})
    assert prc(_case(tmp_path, text)) == []


def test_a_member_of_staff_who_declined_is_not_asked_to_check(tmp_path):
    text = _record(
        **{
            f"    contributed: {before(50)}\n": f"    declined: {before(50)}\n",
            f"    meeting: {before(50)}\n    record_shared: {before(45)}\n": "",
            f"    checked: {before(40)}\n    entries: all\n": "",
        }
    )
    assert prc(_case(tmp_path, text)) == []


def test_record_shared_before_the_meeting(tmp_path):
    text = _record(**{f"    record_shared: {before(45)}": f"    record_shared: {before(55)}"})
    assert prc(_case(tmp_path, text)) == [("PRC007", REL, line_of(text, "    record_shared:"))]


def test_forwarded_before_signed_off(tmp_path):
    text = _record() + f"forwarded:\n  date: {before(3)}\n  to: Chair of the panel\n"
    case = _case(tmp_path, text)
    # before it was sent for sign-off and before the senior officer signed: two findings
    assert prc(case) == [("PRC007", REL, line_of(text, "  date: " + before(3)))] * 2


def test_forwarded_after_sign_off_is_in_order(tmp_path):
    text = _record() + f"forwarded:\n  date: {SIGNED + dt.timedelta(days=3)}\n  to: Chair\n"
    assert prc(_case(tmp_path, text)) == []


def test_signed_before_it_was_sent_for_sign_off(tmp_path):
    later = (SIGNED + dt.timedelta(days=2)).isoformat()
    text = _record(**{f"  sent: {SIGNED.isoformat()}": f"  sent: {later}"})
    assert prc(_case(tmp_path, text)) == [("PRC007", REL, line_of(text, "  sent:"))]


def test_senior_manager_named_in_the_chronology(tmp_path):
    text = _record(**{"  name: Head of Service": "  name: Sam Green"})  # DN1's name
    case = _case(tmp_path, text)
    assert prc(case) == [("PRC008", REL, line_of(text, "  name:"))]


def test_senior_manager_not_confirmed_uninvolved(tmp_path):
    text = _record(**{"  no_involvement: yes": "  no_involvement: no"})
    assert prc(_case(tmp_path, text)) == [("PRC009", REL, line_of(text, "  no_involvement:"))]


def test_no_senior_manager(tmp_path):
    text = _record(**{"  name: Head of Service\n": ""})
    assert prc(_case(tmp_path, text)) == [("PRC009", REL, line_of(text, "senior_manager:"))]


def test_files_not_secured(tmp_path):
    text = _record(**{f"  secured: {before(75)}\n": ""})
    assert prc(_case(tmp_path, text)) == [("PRC010", REL, line_of(text, "files:"))]


def test_other_investigations_not_considered(tmp_path):
    text = _record(**{"  considered: yes": "  considered: no"})
    assert prc(_case(tmp_path, text)) == [("PRC011", REL, line_of(text, "  considered:"))]


def test_signed_off_without_being_sent(tmp_path):
    text = _record(**{f"signoff:\n  sent: {SIGNED.isoformat()}\n": ""})
    assert prc(_case(tmp_path, text)) == [("PRC012", REL, 1)]


def test_not_yet_signed_needs_no_sending(tmp_path):
    text = _record(**{f"signoff:\n  sent: {SIGNED.isoformat()}\n": ""})
    case = _case(tmp_path, text)
    page = case / "docs" / "09-signoff.md"
    page.write_text(page.read_text().replace(f"date: {SIGNED.isoformat()}", "date:"))
    assert [c for c in prc(case) if c[0] == "PRC012"] == []


def test_a_label_not_in_the_people_key(tmp_path):
    text = _record().replace(
        "other_investigations:",
        "  ZZ9:\n    invited: 2025-01-01\n    declined: 2025-01-02\nother_investigations:",
    )
    assert prc(_case(tmp_path, text)) == [("PRC013", REL, line_of(text, "  ZZ9:"))]


def test_malformed_record_and_bad_dates(tmp_path):
    text = _record(**{"    how: interview": "    how: interview\n    colour: blue"})
    text = text.replace(f"  appointed: {before(80)}", "  appointed: 31/02/2025")
    assert prc(_case(tmp_path, text)) == [
        ("PRC002", REL, line_of(text, "  appointed:")),
        ("PRC001", REL, line_of(text, "    colour:")),
    ]


def test_a_record_that_is_not_a_mapping(tmp_path):
    assert prc(_case(tmp_path, "- one\n- two\n")) == [("PRC001", REL, 1)]


# --- the FINAL gate and re-grading --------------------------------------------------------------


def _refusals(case_dir) -> list[str]:
    case = load_case(case_dir)
    return [r for r in final_build_refusals(case, run_checks(case)) if "PRC" in r]


def test_final_gate_refuses_an_open_process_step(tmp_path):
    case = _case(tmp_path, _record(**{f"    record_shared: {before(45)}\n": ""}))
    git_commit_all(case)
    (prc005,) = [f for f in run_checks(load_case(case)) if f.code == "PRC005"]
    assert _refusals(case) == [
        f"{REL}:{prc005.line}: PRC005: {prc005.message} (the IMR process: a FINAL report needs "
        "every step done)"
    ]


def test_final_gate_accepts_a_complete_process(tmp_path):
    case = _case(tmp_path)
    git_commit_all(case)
    case_obj = load_case(case)
    assert final_build_refusals(case_obj, run_checks(case_obj)) == []


def test_a_case_can_regrade_a_process_rule(tmp_path):
    case = _case(tmp_path, _record(**{f"    record_shared: {before(45)}\n": ""}))
    cfg = case / "mkdocs.yml"
    cfg.write_text(cfg.read_text() + "      rules:\n        severity: {PRC005: info}\n")
    found = [f for f in run_checks(load_case(case)) if f.code == "PRC005"]
    assert [f.severity for f in found] == [Severity.INFO]
    assert _refusals(case) == []
    cfg.write_text(cfg.read_text().replace("PRC005: info", "PRC005: error"))
    assert any("PRC005" in r for r in _refusals(case))


def test_no_record_does_not_stop_a_final_build_unless_the_case_says_so(tmp_path):
    case = _case(tmp_path)
    (case / REL).unlink()
    assert _refusals(case) == []
    cfg = case / "mkdocs.yml"
    cfg.write_text(cfg.read_text() + "      rules:\n        severity: {PRC014: error}\n")
    assert any("PRC014" in r for r in _refusals(case))


# --- the checklist --------------------------------------------------------------------------------


def test_checklist_done_open_and_overdue(tmp_path):
    text = _record(**{f"    contributed: {before(50)}\n": ""})
    text += f"deadlines:\n  contributions: {before(30)}\n  forwarded: {before(-30)}\n"
    case = load_case(_case(tmp_path, text))
    states = {i.step: i.state for i in checklist(case, on=SIGNED)}
    assert states == {
        "senior_manager": DONE,
        "files_secured": DONE,
        "invitations": DONE,
        "contributions": OVERDUE,  # its deadline has passed
        "records_shared": OPEN,  # waits for every contribution
        "chronology_checked": DONE,
        "other_investigations": DONE,
        "signoff": DONE,
        "forwarded": OPEN,  # not done, deadline still ahead
    }
    on_time = {i.step: i.state for i in checklist(case, on=SIGNED - dt.timedelta(days=40))}
    assert on_time["contributions"] == OPEN
    item = next(i for i in checklist(case, on=SIGNED) if i.step == "contributions")
    assert item.detail.startswith("0 of 1 contributed or declined")


def test_status_page_shows_the_checklist_and_word_counts(tmp_path):
    text = _record() + f"deadlines:\n  forwarded: {before(10)}\n"
    case = _case(tmp_path, text)
    plugin, warnings = build_site(case)
    assert warnings == []
    page = (case / "site" / "review-status.html").read_text()
    assert "Report forwarded to the chair of the review group" in page
    assert "imr-process-overdue" in page and "imr-process-done" in page
    assert "Not written (optional)" in page and "of 12 sections final" in page
    from imr_site.sections.length import word_count

    loaded = load_case(case)
    words = word_count(loaded, loaded.section("analysis"))
    assert words > 100 and f'<td class="imr-status-words">{words:,}</td>' in page


# --- word limits ----------------------------------------------------------------------------------


def _spec_with_limit(case, section: str, limit: int):
    from imr_site.case.spec import DEFAULT_SPEC

    text = DEFAULT_SPEC.read_text()
    marker = f"  - id: {section}\n"
    text = text.replace(marker, marker + f"    word_limit: {limit}\n")
    (case / "board-spec.yml").write_text(text)
    cfg = case / "mkdocs.yml"
    cfg.write_text(cfg.read_text() + "      spec: board-spec.yml\n")


def test_a_section_over_the_boards_word_limit(tmp_path):
    from imr_site.sections.length import word_count

    case = _case(tmp_path)
    loaded = load_case(case)
    words = word_count(loaded, loaded.section("learning"))
    _spec_with_limit(case, "learning", words - 1)
    found = [f for f in run_checks(load_case(case)) if f.code == "LEN001"]
    assert [(f.code, f.file, f.line) for f in found] == [("LEN001", "docs/07-learning.md", 6)]
    assert f"has {words} words; the board's limit is {words - 1}" in found[0].message


def test_a_section_within_the_limit_is_silent(tmp_path):
    from imr_site.sections.length import word_count

    case = _case(tmp_path)
    loaded = load_case(case)
    _spec_with_limit(case, "learning", word_count(loaded, loaded.section("learning")))
    assert [f for f in run_checks(load_case(case)) if f.code == "LEN001"] == []


def test_word_count_leaves_out_comments_prompts_and_code(tmp_path):
    from imr_site.sections.length import word_count

    case = _case(tmp_path)
    page = case / "docs" / "07-learning.md"
    head, body = page.read_text().split("---\n", 2)[1:]
    page.write_text(
        "---\n"
        + head
        + "---\n# 6. Learning\n\nOne two three.\n\n<!-- a comment of six words -->\n\n"
        + "```\ncode is not counted\n```\n\n[Write here: a prompt]\n"
    )
    loaded = load_case(case)
    assert word_count(loaded, loaded.section("learning")) == 5  # "6", "Learning", 3 words


# --- the supplementary report --------------------------------------------------------------------


SUPPLEMENTARY = "docs/12-supplementary-report.md"


def _write_supplementary(case, title="Supplementary report by the senior manager"):
    (case / SUPPLEMENTARY).write_text(
        f"---\nsection: supplementary_report\nstatus: final\n---\n\n# {title}\n\n"
        "The IMR shows that the signs of risk were recorded but not brought together.\n"
    )


def test_the_supplementary_report_is_optional_unless_the_board_requires_it(tmp_path):
    case = _case(tmp_path)
    assert [f for f in run_checks(load_case(case)) if f.code == "SEC001"] == []
    from imr_site.case.spec import DEFAULT_SPEC

    spec = DEFAULT_SPEC.read_text().replace(
        "    required: false\n    content_required: true\n", "    required: true\n"
    )
    (case / "board-spec.yml").write_text(spec)
    cfg = case / "mkdocs.yml"
    cfg.write_text(cfg.read_text() + "      spec: board-spec.yml\n")
    found = [f for f in run_checks(load_case(case)) if f.code == "SEC001"]
    assert len(found) == 1 and "Supplementary report" in found[0].message


def test_the_supplementary_report_is_checked_like_the_others(tmp_path):
    case = _case(tmp_path)
    _write_supplementary(case)
    assert [f for f in run_checks(load_case(case)) if f.file == SUPPLEMENTARY] == []
    _write_supplementary(case, title="Something else")
    found = [(f.code, f.file, f.line) for f in run_checks(load_case(case)) if f.code == "HDG001"]
    assert found == [("HDG001", SUPPLEMENTARY, 6)]


# --- editions -------------------------------------------------------------------------------------


def test_process_page_in_the_restricted_site_but_not_in_its_pdf(built_example):
    page = built_example.site_dir / "process-record.html"
    assert page.is_file()
    html = page.read_text()
    assert PAGE_TITLE in html and "Marcus Feeney" in html and "business partner" in html
    assert "Process record" not in built_example.pdf_text
    assert "business partner" not in built_example.pdf_text


def _pdf_text(path) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def test_with_process_puts_the_record_in_the_restricted_pdf(tmp_path):
    case = copy_example(tmp_path / "example")
    plugin, warnings = build_site(case, with_process=True)
    assert warnings == []
    text = _pdf_text(plugin.pdf_path)
    assert PAGE_TITLE in text and "business partner" in text


def test_cli_with_process_both_editions(tmp_path):
    """`imr build --both-editions --with-process`: the record ends the restricted PDF (a tagged,
    conformant PDF still) and is in neither output of the anonymised edition."""
    import pdf_conformance as pc

    from imr_site.cli import main

    case = copy_example(tmp_path / "example")
    assert main(["build", str(case), "--both-editions", "--with-process"]) == 0
    restricted = case / "site" / "restricted" / "SAR-2025-014-restricted.pdf"
    anonymised = case / "site" / "anonymised" / "SAR-2025-014-anonymised.pdf"
    text = _pdf_text(restricted)
    assert text.count(PAGE_TITLE) >= 2  # in the contents and as the last section's title
    assert text.rindex(PAGE_TITLE) > text.rindex("Supplementary report by the senior manager")
    assert pc.problems(restricted) == []
    assert PAGE_TITLE not in _pdf_text(anonymised)
    assert not (case / "site" / "anonymised" / "process-record.html").exists()


def test_never_in_the_anonymised_edition_even_when_asked(tmp_path):
    case = copy_example(tmp_path / "example")
    plugin, warnings = build_site(case, edition="anonymised", with_process=True)
    assert warnings == [] and plugin.leak_error is None
    site = case / "site"
    assert not (site / "process-record.html").exists()
    every = "\n".join(p.read_text(errors="ignore") for p in site.rglob("*.html"))
    every += (site / "search" / "search_index.json").read_text()
    assert "Process record" not in every and "business partner" not in every
    assert "Marcus Feeney" not in (site / "review-status.html").read_text()
    assert "restricted edition only" in (site / "review-status.html").read_text()
    text = _pdf_text(plugin.pdf_path)
    assert "Process record" not in text and "business partner" not in text


def test_the_leak_gate_finds_the_process_record(tmp_path):
    case = load_case(copy_example(tmp_path / "example"))
    out = tmp_path / "out"
    out.mkdir()
    (out / "a.html").write_text(f"<h1>{PAGE_TITLE}</h1>")
    note = case.data["process"].part("other_investigations").text("note")
    (out / "b.html").write_text(f"<p>{note}</p>")
    leaks, problems = check_output(case, out)
    assert problems == []
    assert sorted((leak.file, leak.what) for leak in leaks) == [
        ("a.html", "page title of the process record (restricted)"),
        ("b.html", "note on other investigations of the process record (restricted)"),
    ]


def test_new_case_has_a_process_record_with_the_guidance_and_its_schema(tmp_path):
    from imr_site.cli import main

    assert main(["new", str(tmp_path / "n")]) == 0
    text = (tmp_path / "n" / REL).read_text()
    assert text.startswith("# yaml-language-server: $schema=../.imr/schemas/process.schema.json")
    assert "should not have been directly involved" in text
    assert (tmp_path / "n" / ".imr" / "schemas" / "process.schema.json").is_file()
    found = [(f.code, f.line) for f in run_checks(load_case(tmp_path / "n")) if f.code[:3] == "PRC"]
    assert {c for c, _ in found} == {"PRC009", "PRC010", "PRC011"}


def test_schema_and_rules_agree_on_a_bad_process_field(tmp_path):
    text = _record(**{"  needed: no": "  needed: perhaps"})
    case = _case(tmp_path, text)
    found = [(f.code, f.line) for f in run_checks(load_case(case)) if f.code[:3] in ("PRC", "SCH")]
    assert found == [("PRC001", line_of(text, "  needed:"))]


def test_process_page_shows_notes_escaped_and_the_gate_looks_for_them(tmp_path):
    from imr_site.process.render import process_block
    from imr_site.publish.editions import gate_identifiers

    note = "Off sick <script>alert(1)</script> until May"
    text = _record(**{"    how: interview": f"    how: interview\n    note: {note}"})
    case = load_case(_case(tmp_path, text))
    html = process_block(case)
    assert "Note: Off sick &lt;script&gt;alert(1)&lt;/script&gt; until May" in html
    assert "<script>" not in html
    found = gate_identifiers(case).find(f"<p>{note}</p>")
    assert [m.identifiers[0].kind for m in found] == ["note about DN1"]


def test_a_word_limit_that_is_not_a_number_is_a_spec_problem(tmp_path):
    from imr_site.case.findings import CaseError

    case = _case(tmp_path)
    _spec_with_limit(case, "learning", 10)
    spec = case / "board-spec.yml"
    spec.write_text(spec.read_text().replace("word_limit: 10", "word_limit: lots"))
    with pytest.raises(CaseError) as e:
        load_case(case)
    assert [(f.code, f.line) for f in e.value.findings] == [
        ("IMR006", spec.read_text().split("\n").index("    word_limit: lots") + 1)
    ]


# --- who the chronology names (one scan of every entry, issue 16) ------------------------------


def test_mentions_are_whole_labels_within_one_entry():
    from types import SimpleNamespace

    from imr_site.chronology.model import Chronology, Entry
    from imr_site.process.involvement import mentions

    entries = [
        Entry({"date": "2024-01-02", "event": "Call to SW"}, 1, 0),
        Entry({"date": "2024-01-03", "source": "1 visited", "comment": "DN1 and DN12; DN1"}, 5, 1),
        Entry({"date": "2024-01", "contact_with": ["SW1", "x"], "references": ["DN1"]}, 9, 2),
        Entry({"date": "2024-01-04", "decision": "xDN1, DN1x, DN1_"}, 13, 3),
        Entry({"action": "DN12"}, 17, 4),
    ]
    case = SimpleNamespace(data={"chronology": Chronology(entries, "data/chronology.yml")})
    found = mentions(case, ["DN1", "DN12", "SW1", " ", "GP1"])
    assert {label: [(m.line, m.date, m.written) for m in ms] for label, ms in found.items()} == {
        "DN1": [(5, dt.date(2024, 1, 3), "2024-01-03")],
        "DN12": [(5, dt.date(2024, 1, 3), "2024-01-03"), (17, None, "")],
        "SW1": [(9, None, "2024-01")],
        "GP1": [],
    }
    assert mentions(SimpleNamespace(data={}), ["DN1"]) == {"DN1": []}
    assert mentions(case, [" "]) == {}
