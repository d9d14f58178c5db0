"""Recommendations and the action plan: reading, checks, rendering, export and fix-dates."""

from __future__ import annotations

import csv
import datetime as dt
import re
import textwrap
from pathlib import Path

import pytest
from panel_case import panel_fixture  # noqa: F401 (the panel fixture)

from imr_site.actions.io import ExportError, export_actions, fix_dates
from imr_site.actions.model import FIELDS, normalise_status, read_date
from imr_site.actions.recommendations import normalise_ref, parse_recommendations
from imr_site.actions.render import actions_block, link_recommendations, page_url, relative_href
from imr_site.case.findings import CaseError
from imr_site.review.registry import load_case, run_checks

RECS = """\
    # 5. Recommendations for action

    ## Case review recommendations

    ### R1. Self-neglect referrals are triaged within one working day
    The front door will triage every self-neglect referral within one working day, measured
    by a monthly audit of 20 referrals.

    ### R2: Mental capacity assessments are recorded
    Practitioners record each capacity assessment in the case record, checked by audit.
"""

GOOD_ACTION = textwrap.dedent("""\
    - ref: A1
      recommendations: [R1]
      action: Audit 20 self-neglect referrals each month for triage within one working day
      agency: Adult Social Care
      lead: Priya Shah, Head of Safeguarding
      timescale: 2026-03-31
      monitoring: Quarterly report to the SAB Learning and Improvement subgroup
      indirect: None
      status: in progress
    - ref: A2
      recommendations: R2
      action: Add a mandatory capacity field to the case record and audit 10 records
      agency: Adult Social Care
      lead: Tom Reed, Principal Social Worker
      timescale: 2026-06-30
      monitoring: Audit results to the Safeguarding Adults Board
      status: not started
""")


def make_case(
    root: Path,
    recs: str = RECS,
    actions: str | None = GOOD_ACTION,
    completion_date: str = "2025-09-30",
    directory_urls: bool = False,
) -> Path:
    (root / "docs").mkdir(parents=True)
    (root / "data").mkdir()
    (root / "mkdocs.yml").write_text(
        textwrap.dedent(f"""\
            site_name: Test IMR
            use_directory_urls: {"true" if directory_urls else "false"}
            plugins:
              - imr:
                  case_reference: SAR-2025-01
                  agency: Test Council
            """),
        encoding="utf-8",
    )
    (root / "docs" / "01-introduction.md").write_text(
        f"---\nsection: introduction\ncompletion_date: {completion_date}\n---\n"
        "# Introduction\n\nText.\n",
        encoding="utf-8",
    )
    (root / "docs" / "05-recommendations.md").write_text(
        "---\nsection: recommendations\n---\n" + textwrap.dedent(recs), encoding="utf-8"
    )
    (root / "docs" / "07-action-plan.md").write_text(
        "---\nsection: action_plan\n---\n# 7. Action plan\n\n<!-- imr:actions -->\n",
        encoding="utf-8",
    )
    if actions is not None:
        (root / "data" / "actions.yml").write_text(textwrap.dedent(actions), encoding="utf-8")
    return root


def ours(case) -> list:
    return [f for f in run_checks(case) if f.code.startswith(("ACT", "REC"))]


def _order(found: tuple) -> tuple:
    return (found[0], found[1], found[2] or 0)


def codes_at(case) -> list[tuple[str, str, int | None]]:
    """Every finding of the plan's rules as (code, file, line), sorted: duplicates count."""
    return sorted(((f.code, f.file, f.line) for f in ours(case)), key=_order)


# --- reading -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "written, iso, kind",
    [
        ("2025-12-31", "2025-12-31", "iso"),
        ("31/12/2025", "2025-12-31", "uk"),
        ("31.12.25", "2025-12-31", "uk"),
        ("31-Dec-25", "2025-12-31", "uk"),
        ("1 April 2026", "2026-04-01", "uk"),
        ("1/4/26", "2026-04-01", "uk"),
        ("31/02/2025", "", "invalid"),
        ("2026-13-45", "", "invalid"),
        ("March 2026", "", "imprecise"),
        ("?2026-03-31", "", "imprecise"),
        ("ASAP", "", "none"),
        ("ongoing", "", "none"),
        ("", "", "none"),
        (None, "", "none"),
    ],
)
def test_dates_are_read_day_first(written, iso, kind):
    r = read_date(written)
    assert (r.iso, r.kind) == (iso, kind)


def test_statuses_are_tolerant_and_unknown_ones_are_none():
    assert normalise_status("Not started") == "not started"
    assert normalise_status("in-progress") == "in progress"
    assert normalise_status("IN_PROGRESS") == "in progress"
    assert normalise_status("Completed") == "complete"
    assert normalise_status("finished") is None
    assert normalise_status(True) is None


def test_recommendation_references_in_every_accepted_form():
    for written in ("R1", "r1", "1", 1, "Recommendation 1", " R1 "):
        assert normalise_ref(written) == "R1"
    assert normalise_ref("training") is None
    assert normalise_ref(None) is None


def test_recommendation_heading_syntax(tmp_path):
    recs = """\
        # 5. Recommendations for action

        ## Case review recommendations

        ### R1. First
        One.

        ### r2: Second
        Two.

        ### R3 - Third
        Three.

        ### Recommendation 4 Fourth
        Four.

        ### Training for everyone
        Five.

        ### R3. Again
        Six.

        ## Another part

        ### R9. Not a recommendation: outside the case review recommendations
    """
    case = load_case(make_case(tmp_path, recs=recs, actions=None))
    page = case.section("recommendations")
    found, problems = parse_recommendations(page, case)
    assert [(r.ref, r.title, r.text) for r in found] == [
        ("R1", "First", "One."),
        ("R2", "Second", "Two."),
        ("R3", "Third", "Three."),
        ("R4", "Fourth", "Four."),
    ]
    # lines: front matter is 3 lines, so '### R1' (line 5 of the body) is line 8
    assert found[0].line == 8
    assert {(f.code, f.line) for f in problems} == {("REC001", 20), ("REC002", 23)}
    assert (
        "### R5. Training for everyone" in next(f for f in problems if f.code == "REC001").message
    )


# --- checks --------------------------------------------------------------------------------


def test_a_good_plan_has_no_findings(tmp_path):
    case = load_case(make_case(tmp_path))
    assert ours(case) == []


def test_each_action_check_names_file_and_line(tmp_path):
    actions = """\
        - ref: A1
          recommendations: [R1]
          action: Audit 20 referrals
          agency: Adult Social Care
          lead: TBC
          timescale: ASAP
          monitoring: ""
          status: in progress
        - ref: A1
          recommendations: R2, R9
          action: Re-circulate the self-neglect policy to all staff
          lead: Jo Bloggs
          timescale: 31/03/2025
          monitoring: SAB subgroup
          status: finished
          owner: Jo
        - ref: A3
          recommendations: ""
          action: Train 40 staff in MCA assessments
          agency: NHS Trust
          lead: Sam Patel
          timescale: 2025-01-31
          monitoring: Training records
          status: complete
          immediate: yes
        - ref: A4
          recommendations: [training]
          action: Write a triage standard
          agency: NHS Trust
          lead: Sam Patel
          timescale: 31/02/2026
          monitoring: Board report
          status: Not started
          immediate: yes
    """
    case = load_case(make_case(tmp_path, actions=actions))
    got = codes_at(case)
    f = "data/actions.yml"
    expected = [
        ("ACT004", f, 5),  # lead: TBC
        ("ACT005", f, 6),  # ASAP
        ("ACT007", f, 7),  # monitoring empty
        ("ACT002", f, 9),  # A1 again
        ("ACT003", f, 9),  # no agency (reported at the action)
        ("ACT008", f, 10),  # R9 does not exist
        ("ACT010", f, 11),  # only re-circulates
        ("ACT011", f, 13),  # 31/03/2025 read day-first
        ("ACT006", f, 13),  # due before completion (2025-09-30), not complete
        ("ACT009", f, 15),  # finished
        ("ACT014", f, 16),  # owner
        ("ACT008", f, 18),  # recommendations empty
        ("ACT012", f, 17),  # complete without evidence
        ("ACT008", f, 27),  # 'training' is not a reference
        ("ACT005", f, 31),  # 31/02/2026 is not a real date
        ("ACT013", f, 34),  # immediate but not started
    ]
    assert got == sorted(expected, key=_order)
    # A3 is complete: a past timescale is not stale
    assert ("ACT006", f, 22) not in got
    messages = {(x.code, x.line): x.message for x in ours(case)}
    assert "Did you mean `lead:`" in messages[("ACT014", 16)]
    assert "R9" in messages[("ACT008", 10)] and "R1, R2" in messages[("ACT008", 10)]
    assert "31 March 2025" in messages[("ACT011", 13)]
    assert "not started, in progress, complete" in messages[("ACT009", 15)]


def test_recommendation_checks(tmp_path):
    recs = """\
        # 5. Recommendations for action

        ## Case review recommendations

        ### R1. Remind staff of the self-neglect policy
        Reiterate the policy at team meetings.

        ### R2. Audit capacity recording
        Audit 10 records a quarter.

        ### R3
    """
    actions = """\
        - ref: A1
          recommendations: [R1]
          action: Audit 20 referrals for triage within one day
          agency: ASC
          lead: Priya Shah
          timescale: 2026-03-31
          monitoring: SAB subgroup
          status: not started
    """
    case = load_case(make_case(tmp_path, recs=recs, actions=actions))
    f = "docs/05-recommendations.md"
    assert codes_at(case) == [
        ("REC003", f, 11),  # R2 has no action
        ("REC003", f, 14),  # R3 has no action
        ("REC004", f, 8),  # R1 only reminds/reiterates
        ("REC005", f, 14),  # R3 is empty
    ]


def test_recommendations_written_as_a_list_are_not_silently_ignored(tmp_path):
    recs = """\
        # 5. Recommendations for action

        ## Case review recommendations

        1. Triage referrals within a day.
        2. Record capacity assessments.
    """
    case = load_case(make_case(tmp_path, recs=recs))
    # and the actions then serve nothing that exists
    assert codes_at(case) == [
        ("ACT008", "data/actions.yml", 2),
        ("ACT008", "data/actions.yml", 11),
        ("REC006", "docs/05-recommendations.md", 4),
    ]


def test_not_applicable_recommendations_need_no_numbering(tmp_path):
    recs = """\
        # 5. Recommendations for action

        ## Case review recommendations

        Not applicable because the agency had a single contact, which was appropriate.
    """
    case = load_case(make_case(tmp_path, recs=recs, actions="[]\n"))
    assert not any(f.code == "REC006" for f in ours(case))


def test_empty_and_missing_action_plan(tmp_path):
    case = load_case(make_case(tmp_path / "empty", actions=""))
    unserved = [
        ("REC003", "docs/05-recommendations.md", 8),
        ("REC003", "docs/05-recommendations.md", 12),
    ]
    assert codes_at(case) == [("ACT015", "data/actions.yml", 1), *unserved]
    case = load_case(make_case(tmp_path / "missing", actions=None))
    assert codes_at(case) == [("ACT015", "data/actions.yml", None), *unserved]


def test_bad_shapes_are_findings_not_tracebacks(tmp_path):
    case = load_case(make_case(tmp_path / "map", actions="ref: A1\naction: x\n"))
    assert codes_at(case) == [
        ("ACT001", "data/actions.yml", 1),
        ("REC003", "docs/05-recommendations.md", 8),
        ("REC003", "docs/05-recommendations.md", 12),
    ]
    case = load_case(make_case(tmp_path / "item", actions=GOOD_ACTION + "- just text\n"))
    assert codes_at(case) == [("ACT001", "data/actions.yml", 18)]
    with pytest.raises(CaseError) as e:
        load_case(make_case(tmp_path / "dupkey", actions="- ref: A1\n  ref: A2\n"))
    assert "data/actions.yml:2" in str(e.value)


def test_stale_timescale_uses_the_imr_completion_date(tmp_path):
    actions = GOOD_ACTION.replace("timescale: 2026-03-31", "timescale: 2026-01-15")
    case = load_case(make_case(tmp_path / "a", actions=actions, completion_date="2026-02-01"))
    assert codes_at(case) == [("ACT006", "data/actions.yml", 6)]
    case = load_case(make_case(tmp_path / "b", actions=actions, completion_date="2026-01-01"))
    assert codes_at(case) == []


# --- rendering -----------------------------------------------------------------------------

SHARED = textwrap.dedent("""\
    - ref: A1
      recommendations: [R1]
      action: Audit 20 referrals <script>alert(1)</script>
      agency: Adult Social Care
      lead: Priya Shah
      timescale: 31/03/2026
      monitoring: SAB subgroup
      status: in progress
    - ref: A2
      recommendations: [R2, R1]
      action: Add a capacity field and audit 10 records
      agency: NHS Trust
      lead: Tom Reed
      timescale: 2026-01-31
      monitoring: Board
      status: complete
      evidence: Audit report, May 2026
      immediate: yes
    - ref: A3
      recommendations: [R7]
      action: Train 40 staff
      agency: Police
      lead: DS Jones
      timescale: 2026-02-28
      monitoring: Training records
      status: not started
""")


def test_action_plan_is_grouped_by_recommendation_with_links(tmp_path):
    case = load_case(make_case(tmp_path, actions=SHARED))
    out = actions_block(case, today=dt.date(2026, 3, 1))
    # groups in the recommendations' order, then actions linked to no recommendation
    groups = re.findall(r'<tbody class="imr-plan-group" id="([^"]+)"', out)
    assert groups == ["plan-R1", "plan-R2", "plan-unlinked"]
    r1 = out[out.index('id="plan-R1"') : out.index('id="plan-R2"')]
    assert 'id="action-A1"' in r1 and 'id="action-A2"' in r1
    r2 = out[out.index('id="plan-R2"') : out.index('id="plan-unlinked"')]
    assert 'href="#action-A2"' in r2 and "shown under R1" in r2 and 'id="action-A2"' not in r2
    assert 'id="action-A3"' in out[out.index('id="plan-unlinked"') :]
    # each id once
    assert out.count('id="action-A2"') == 1
    # links to the recommendations page
    assert 'href="05-recommendations.html#rec-R1"' in out
    # data is escaped
    assert "<script>" not in out and "&lt;script&gt;" in out
    # dates shown as dates; immediate actions labelled
    assert "31 March 2026" in out and "Immediate action already taken" in out
    # summary: by agency, by status, the next due not complete (A2 is complete)
    assert re.search(r"<td>In progress</td><td>1</td>", out)
    assert re.search(r"<td>Complete</td><td>1</td>", out)
    nxt = out[out.index("Next due") : out.index("</table>", out.index("Next due"))]
    assert re.findall(r'href="#action-(A\d)"', nxt) == ["A3", "A1"]
    assert nxt.count("(overdue)") == 1  # A3 was due on 28 February


def test_recommendations_page_gets_anchors_and_links_back(tmp_path):
    import markdown

    case = load_case(make_case(tmp_path, actions=SHARED))
    page = case.section("recommendations")
    body = markdown.markdown(
        page.body, extensions=["toc"], extension_configs={"toc": {"permalink": True}}
    )
    out = link_recommendations(body, case)
    assert 'id="rec-R1"' in out and 'id="rec-R2"' in out
    # the heading keeps the id its table of contents uses
    assert 'id="r1-self-neglect-referrals-are-triaged-within-one-working-day"' in out
    after_r1 = out[out.index('id="rec-R1"') : out.index('id="rec-R2"')]
    assert re.findall(r'href="07-action-plan.html#action-(A\d)"', after_r1) == ["A1", "A2"]
    assert 'href="07-action-plan.html#plan-R1"' in after_r1


def test_links_follow_directory_urls(tmp_path):
    case = load_case(make_case(tmp_path, actions=SHARED, directory_urls=True))
    assert 'href="../05-recommendations/#rec-R1"' in actions_block(case)
    assert page_url("sub/07-plan.md", False) == "sub/07-plan.html"
    assert page_url("index.md", True) == ""
    assert relative_href("a/x.html", "b/y.html", "rec-R1") == "../b/y.html#rec-R1"
    assert relative_href("x.html", "x.html", "rec-R1") == "#rec-R1"


# --- export ------------------------------------------------------------------------------


def _plan_as_written(case) -> list[dict]:
    out = []
    for a in case.data["actions"].actions:
        out.append(
            {
                "Ref": a.ref,
                "Recommendation(s)": ", ".join(a.recommendation_refs),
                "Action": a.text("action"),
                "Agency to implement": a.text("agency"),
                "Named person responsible": a.text("lead"),
                "Timescale": a.timescale.iso or a.timescale.text,
                "How it will be monitored": a.text("monitoring"),
                "Status": a.status,
                "Evidence of completion": a.text("evidence"),
            }
        )
    return out


def test_export_csv_round_trip(tmp_path):
    actions = SHARED + "  priority: high\n"  # a field the tool does not know is kept
    case = load_case(make_case(tmp_path / "c", actions=actions))
    out = tmp_path / "plan.csv"
    assert export_actions(case, out) == 3
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    with out.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    want = _plan_as_written(case)
    assert [{k: r[k] for k in want[0]} for r in rows] == [
        {k: (v or "") for k, v in w.items()} for w in want
    ]
    assert rows[2]["priority"] == "high"
    assert rows[1]["Immediate action already taken"] == "Yes"
    assert rows[0]["Timescale"] == "2026-03-31"


def test_export_xlsx_round_trip(tmp_path):
    from openpyxl import load_workbook

    actions = SHARED.replace("Train 40 staff", '=HYPERLINK("http://x")')
    case = load_case(make_case(tmp_path / "c", actions=actions))
    out = tmp_path / "plan.xlsx"
    assert export_actions(case, out) == 3
    wb = load_workbook(out)
    ws = wb["Action plan"]
    header = [c.value for c in ws[1]]
    rows = [dict(zip(header, [c.value for c in r], strict=True)) for r in ws.iter_rows(min_row=2)]
    want = _plan_as_written(case)
    for r, w in zip(rows, want, strict=True):
        got = {k: r[k] for k in w}
        got["Timescale"] = got["Timescale"].date().isoformat()
        assert got == {k: (v if v != "" else None) for k, v in w.items()}
    assert ws.cell(row=4, column=3).data_type == "s"  # text, never a formula
    recs = [[c.value for c in r] for r in wb["Recommendations"].iter_rows(min_row=2)]
    assert [r[0] for r in recs] == ["R1", "R2"] and recs[0][3] == "A1, A2"


def test_export_refuses_unknown_format(tmp_path):
    case = load_case(make_case(tmp_path / "c"))
    with pytest.raises(ExportError, match=r"\.csv or \.xlsx"):
        export_actions(case, tmp_path / "plan.ods")
    assert not (tmp_path / "plan.ods").exists()


# --- fix-dates ---------------------------------------------------------------------------


def test_fix_dates_edits_only_the_dates(tmp_path):
    text = (
        "\ufeff# Action plan: keep this comment\r\n"
        "- ref: A1\r\n"
        "  recommendations: [R1]\r\n"
        "  timescale: 31/03/2026    # end of year\r\n"
        "  status: in progress\r\n"
        "- {ref: A2, timescale: '1.4.26', status: complete}\r\n"
        "- ref: A3\r\n"
        "  timescale: ASAP\r\n"
        "- ref: A4\r\n"
        "  timescale: 2026-05-01\r\n"
        "- ref: A5\r\n"
        '  timescale: "31-Dec-26"\r\n'
        "  action: Review 31/03/2026 audit\r\n"
    )
    path = tmp_path / "actions.yml"
    path.write_bytes(text.encode("utf-8"))
    before = path.read_bytes()

    fixes = fix_dates(path, dry_run=True)
    assert [(x.ref, x.line, x.iso) for x in fixes] == [
        ("A1", 4, "2026-03-31"),
        ("A2", 6, "2026-04-01"),
        ("A5", 12, "2026-12-31"),
    ]
    assert path.read_bytes() == before

    fix_dates(path)
    expected = (
        text.replace("31/03/2026    #", "2026-03-31    #")
        .replace("'1.4.26'", "'2026-04-01'")
        .replace('"31-Dec-26"', '"2026-12-31"')
    )
    assert path.read_bytes() == expected.encode("utf-8")
    assert list(tmp_path.iterdir()) == [path]  # no temporary file left behind
    assert fix_dates(path) == []  # nothing left to do


def test_fix_dates_keeps_a_broken_file_untouched(tmp_path):
    from imr_site.case.yamlio import YAMLProblem

    path = tmp_path / "actions.yml"
    path.write_text("- ref: A1\n  timescale: 31/03/2026\n   status: [\n", encoding="utf-8")
    before = path.read_bytes()
    with pytest.raises(YAMLProblem):
        fix_dates(path)
    assert path.read_bytes() == before


# --- a real MkDocs build -------------------------------------------------------------------


def _ids(html: str) -> set[str]:
    return set(re.findall(r'\bid="([^"]+)"', html))


@pytest.mark.expect_warnings  # the small case lacks most sections: structure findings
@pytest.mark.parametrize("directory_urls", [False, True])
def test_mkdocs_build_links_both_ways(tmp_path, directory_urls):
    from conftest import build_site

    case_dir = make_case(tmp_path / "case", actions=SHARED, directory_urls=directory_urls)
    (case_dir / "docs" / "index.md").write_text("# Test IMR\n", encoding="utf-8")
    plugin, warnings = build_site(case_dir, pdf=False)
    # the plan serves R1 and R2; A3 names R7, which does not exist: that is its only finding here
    ours = [w for w in warnings if re.search(r"\b(ACT|REC)\d{3}\b", w)]
    assert len(ours) == 1 and "ACT008" in ours[0] and "R7" in ours[0]

    site = case_dir / "site"
    if directory_urls:
        plan_file, recs_file = "07-action-plan/index.html", "05-recommendations/index.html"
        to_recs, to_plan = "../05-recommendations/", "../07-action-plan/"
    else:
        plan_file, recs_file = "07-action-plan.html", "05-recommendations.html"
        to_recs, to_plan = "05-recommendations.html", "07-action-plan.html"
    plan = (site / plan_file).read_text(encoding="utf-8")
    recs = (site / recs_file).read_text(encoding="utf-8")
    # the block replaced its marker, once
    assert plan.count('class="imr-actions-table"') == 1 and "imr:actions" not in plan
    # every link from the plan to a recommendation lands on an id that exists, and back
    to_rec = re.findall(rf'href="{re.escape(to_recs)}#([^"]+)"', plan)
    to_act = re.findall(rf'href="{re.escape(to_plan)}#([^"]+)"', recs)
    assert set(to_rec) == {"rec-R1", "rec-R2"}
    assert set(to_act) == {"action-A1", "action-A2", "plan-R1", "plan-R2"}
    assert set(to_rec) <= _ids(recs) and set(to_act) <= _ids(plan)
    assert plugin.case.urls["action_plan"] == ("07-action-plan/" if directory_urls else plan_file)


@pytest.mark.expect_warnings
def test_pdf_links_between_recommendations_and_actions(tmp_path):
    """In the PDF the cross-page links become links inside the document, to the right pages."""
    import subprocess
    import xml.etree.ElementTree as ET

    from conftest import build_site

    case_dir = make_case(tmp_path / "case", actions=SHARED)
    (case_dir / "docs" / "index.md").write_text("# Test IMR\n", encoding="utf-8")
    plugin, _ = build_site(case_dir, pdf=True)
    pdf = plugin.pdf_path
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    pages = text.split("\f")
    plan_page = next(i for i, p in enumerate(pages) if "Action plan, by recommendation" in p)
    recs_page = next(i for i, p in enumerate(pages) if "in the action plan" in p)
    xml = subprocess.run(
        ["pdftohtml", "-xml", "-i", "-stdout", "-q", str(pdf)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    root = ET.fromstring(xml)
    links = []  # (page the link is on, page it goes to, text)
    for page in root.iter("page"):
        for a in page.iter("a"):
            target = a.get("href", "")
            m = re.search(r"#(\d+)", target) if not target.startswith("http") else None
            if m:
                links.append(
                    (int(page.get("number")) - 1, int(m.group(1)) - 1, "".join(a.itertext()))
                )
    assert any(src == recs_page and dst == plan_page and "A1" in t for src, dst, t in links)
    assert any(src == plan_page and dst == recs_page and "R1" in t for src, dst, t in links)
    # the action plan page is landscape
    info = subprocess.run(
        ["pdfinfo", "-f", str(plan_page + 1), "-l", str(plan_page + 1), str(pdf)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    w, h = map(float, re.search(r"size:\s+([\d.]+) x ([\d.]+)", info).groups())
    assert w > h


def test_empty_list_is_reported_where_the_list_is(tmp_path):
    case = load_case(make_case(tmp_path, actions="# comments only\n# more\n[]\n"))
    assert codes_at(case) == [
        ("ACT015", "data/actions.yml", 3),
        ("REC003", "docs/05-recommendations.md", 8),
        ("REC003", "docs/05-recommendations.md", 12),
    ]


# --- the example case and the command ------------------------------------------------------


def test_example_action_plan_in_site_and_pdf(built_example):
    case = load_case(built_example.case_dir)
    recs = [r.ref for r in parse_recommendations(case.section("recommendations"), case)[0]]
    assert recs and not [f for f in ours(case)]
    plan_html = built_example.html("action_plan")
    recs_html = built_example.html("recommendations")
    groups = re.findall(r'<tbody class="imr-plan-group" id="plan-(R\d+)"', plan_html)
    assert groups == recs
    for a in case.data["actions"].actions:
        assert plan_html.count(f'id="{"action-" + a.ref}"') == 1
        for r in a.recommendation_refs:
            after = recs_html[recs_html.index(f'id="rec-{r}"') :]
            after = after[: after.index("</p>")]
            assert f'#action-{a.ref}"' in after, (a.ref, r)
    # in the PDF: the plan is on landscape pages, grouped, with the summary
    page = next(p for p in built_example.pages if "Action plan, by recommendation" in p)
    assert "Actions by agency" in page and "Next due" in page
    assert "R1." in page


def test_cli_export_and_fix_dates(tmp_path, capsys):
    from conftest import copy_example

    from imr_site.cli import main

    case_dir = copy_example(tmp_path / "case")
    n = len(load_case(case_dir).data["actions"].actions)
    assert main(["actions", "export", str(tmp_path / "plan.csv"), "--case", str(case_dir)]) == 0
    assert f"Wrote {n} actions" in capsys.readouterr().out
    with (tmp_path / "plan.csv").open(encoding="utf-8-sig", newline="") as f:
        assert len(list(csv.DictReader(f))) == n
    assert main(["actions", "export", str(tmp_path / "plan.xlsx"), "--case", str(case_dir)]) == 0
    assert main(["actions", "export", str(tmp_path / "plan.pdf"), "--case", str(case_dir)]) == 2
    assert ".csv or .xlsx" in capsys.readouterr().err

    actions = case_dir / "data" / "actions.yml"
    text = actions.read_text(encoding="utf-8")
    iso = re.search(r"timescale: (\d{4})-(\d{2})-(\d{2})", text)
    uk = f"{iso.group(3)}/{iso.group(2)}/{iso.group(1)}"
    actions.write_text(text.replace(iso.group(0), f"timescale: {uk}", 1), encoding="utf-8")
    assert main(["actions", "fix-dates", "--case", str(case_dir), "--dry-run"]) == 0
    assert "would be rewritten" in capsys.readouterr().out
    assert actions.read_text(encoding="utf-8") != text
    assert main(["actions", "fix-dates", "--case", str(case_dir)]) == 0
    assert actions.read_text(encoding="utf-8") == text
    actions.write_text("- ref: A1\n  timescale: [\n", encoding="utf-8")
    assert main(["actions", "fix-dates", "--case", str(case_dir)]) == 2
    assert "Nothing was changed" in capsys.readouterr().err


def test_odd_values_never_raise_and_are_kept(tmp_path):
    actions = """\
        - ref: [A1, A2]
          recommendations: {R1: yes}
          action: 42
          agency: true
          lead: {name: Jo}
          timescale: {when: soon}
          monitoring: [board, audit]
          status: 3
          immediate: maybe
          evidence: [one, two]
        - ref: 7
          recommendations: 1
          action: "<b>bold</b> & co"
          agency: ASC
          lead: Jo Bloggs
          timescale: 2026-13-45
          monitoring: Board
          status: IN PROGRESS
        - {}
    """
    case = load_case(make_case(tmp_path / "c", actions=actions))
    f = "data/actions.yml"
    assert codes_at(case) == [
        *[("ACT003", f, 19)] * 4,  # the empty entry: each required detail missing
        ("ACT004", f, 19),
        ("ACT005", f, 6),  # timescale {when: soon}
        ("ACT005", f, 16),  # 2026-13-45
        ("ACT005", f, 19),
        ("ACT007", f, 19),
        ("ACT008", f, 2),  # recommendations {R1: yes}
        ("ACT008", f, 19),
        ("ACT009", f, 8),  # status 3
        ("REC003", "docs/05-recommendations.md", 12),
    ]
    html = actions_block(case)
    assert "&lt;b&gt;bold&lt;/b&gt; &amp; co" in html
    export_actions(case, tmp_path / "odd.csv")
    export_actions(case, tmp_path / "odd.xlsx")
    with (tmp_path / "odd.csv").open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == 3
    assert rows[0]["How it will be monitored"] == "board; audit"
    assert rows[1]["Recommendation(s)"] == "R1" and rows[1]["Status"] == "in progress"
    assert rows[1]["Timescale"] == "2026-13-45"  # not a date: kept as written


def test_a_lead_written_by_label_is_a_named_person_and_no_name_leak(tmp_path):
    """The guidance asks for a named person; the report names people by their labels."""
    from case_factory import ACTIONS
    from case_factory import write_case as write_small_case

    from imr_site.review.registry import load_case, run_checks

    def found(lead):
        root = write_small_case(tmp_path / str(len(lead)), actions=[dict(ACTIONS[0], lead=lead)])
        return [
            (f.code, f.file, f.line)
            for f in run_checks(load_case(root))
            if f.code.startswith(("ACT", "ANO", "GLO002", "PLH"))
        ]

    assert found("DN2, District Nurse") == []
    assert found("Sarah Marsh, District Nurse") == [("ANO001", "data/actions.yml", 6)]
    assert found("TBC") == [("ACT004", "data/actions.yml", 6)]


def test_template_readme_and_rule_agree_on_the_lead():
    from importlib import resources

    comment = (resources.files("imr_site.case_template") / "data" / "actions.yml").read_text()
    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    from imr_site.actions.checks import R_NO_LEAD

    assert "by role" not in comment and "named person responsible" in comment
    assert "label" in comment and "label" in R_NO_LEAD.fix
    assert "lead: HN1, Head of Adult Community Nursing" in readme


# --- every message in full: the author reads it and acts on it ---------------------------------

LEAD_TODO = (
    "The guidance asks for a named person: write their label from data/people.yml in `lead:`, "
    "with the role ('HN1, Head of Nursing')."
)
DATE_TODO = (
    "Give the date it will be done by in `timescale:`, like 2026-03-31 (words such as 'ASAP' or "
    "'ongoing' cannot be monitored)."
)
MONITOR_TODO = (
    "does not say how it will be monitored. Write in `monitoring:` who will check it is done and "
    "how (for example a quarterly report to the SAB subgroup)."
)
KEPT = "is not a field of the action plan, so it is not shown in the report (it is kept, and exported)."


def test_every_action_rule_says_what_is_wrong_and_what_to_do(tmp_path):
    actions = """\
        - ref: A1
          recommendations: [R1]
          action: Audit 20 referrals
          agency: Adult Social Care
          lead: N/A.
          timescale: ASAP
          monitoring: ""
          status: in progress
        - ref: a1
          recommendations: R2, R9, R9
          action: Re-circulate the self-neglect policy to all staff
          lead: Jo Bloggs
          timescale: 31/03/2025
          monitoring: TBC.
          status: finished
          owner: Jo
          Due Date: 2026-01-01
          target-date: 2026-01-01
          Mointoring: x
          colour: red
        - recommendations: ""
          action: Train 40 staff in MCA assessments
          agency: NHS Trust
          lead: Sam Patel
          timescale: March 2026
          monitoring: Training records
          status: complete
          immediate: yes
        - ref: A4
          recommendations: [training]
          action: Write a triage standard
          agency: NHS Trust
          lead: ""
          timescale: 31/02/2026
          monitoring: Board report
          status: Not started
          immediate: yes
        - ref: A5
          recommendations: [R1]
          action: Write a triage standard
          agency: NHS Trust
          lead: Sam Patel
          timescale: 2025-01-31
          monitoring: Board report
          status: complete
          evidence: The standard, issued 2025-01-20
        - ref: A6
          recommendations: [R2]
          action: Audit 10 records
          agency: NHS Trust
          lead: Sam Patel
          monitoring: Board report
    """
    case = load_case(make_case(tmp_path, actions=actions))
    a3 = "action 3 (line 21)"
    fields = ", ".join(FIELDS)
    assert [(f.code, f.line, f.message) for f in ours(case)] == [
        ("ACT004", 5, f"A1 has no named person responsible ('N/A.'). {LEAD_TODO}"),
        ("ACT005", 6, f"A1: 'ASAP' is not a date. {DATE_TODO}"),
        ("ACT007", 7, f"A1 {MONITOR_TODO}"),
        (
            "ACT002",
            9,
            "a1 is used twice: here and on line 1. Give this action the next free reference; "
            "recommendations and reviewers find actions by it.",
        ),
        ("ACT003", 9, "a1 has no 'Agency to implement'. Add `agency:` to it."),
        (
            "ACT008",
            10,
            "a1 serves R9, but there is no recommendation R9 in the recommendations section "
            "(it has: R1, R2).",
        ),
        (
            "ACT010",
            11,
            "a1 only reminds, reiterates or re-circulates. Review panels ask for specific, "
            "measurable actions: say what will change and how it will be checked (an audit, "
            "training with attendance, a target).",
        ),
        (
            "ACT006",
            13,
            "a1 was due on 31 March 2025, before the IMR's completion date (30 September 2025), "
            "and is not complete. Set a new timescale, or mark it complete with evidence.",
        ),
        (
            "ACT011",
            13,
            "a1: the timescale '31/03/2025' is read as 31 March 2025 (day first). If that is "
            "right there is nothing to do; `imr actions fix-dates` rewrites it as 2025-03-31.",
        ),
        ("ACT007", 14, f"a1 {MONITOR_TODO}"),
        (
            "ACT009",
            15,
            "a1: the status 'finished' is not one of: not started, in progress, complete.",
        ),
        ("ACT014", 16, f"a1: `owner:` {KEPT} Did you mean `lead:`?"),
        ("ACT014", 17, f"a1: `Due Date:` {KEPT} Did you mean `timescale:`?"),
        ("ACT014", 18, f"a1: `target-date:` {KEPT} Did you mean `timescale:`?"),
        ("ACT014", 19, f"a1: `Mointoring:` {KEPT} Did you mean `monitoring:`?"),
        ("ACT014", 20, f"a1: `colour:` {KEPT} The fields are: {fields}."),
        ("ACT003", 21, f"{a3} has no 'Ref'. Add `ref:` to it."),
        (
            "ACT008",
            21,
            f"{a3} does not say which recommendation it serves. Add `recommendations: [R1]` "
            "(the number of the recommendation).",
        ),
        (
            "ACT012",
            21,
            f"{a3} is marked complete but `evidence:` does not say what shows it is done.",
        ),
        (
            "ACT005",
            25,
            f"{a3}: the timescale 'March 2026' gives no day. Write the date it will be done by, "
            "like 2026-03-31, so that it can be monitored.",
        ),
        (
            "ACT008",
            30,
            "A4: 'training' is not a recommendation reference. Use the numbers in the "
            "recommendations section, like R1.",
        ),
        ("ACT004", 33, f"A4 has no named person responsible. {LEAD_TODO}"),
        (
            "ACT005",
            34,
            "A4: the timescale '31/02/2026' is not a real date. Check the day and month.",
        ),
        (
            "ACT013",
            37,
            "A4 is marked as an immediate action already taken, but its status is 'Not started'.",
        ),
        (
            "ACT003",
            47,
            "A6 has no status. Add `status:` with one of: not started, in progress, complete.",
        ),
        ("ACT005", 47, f"A6: there is no timescale. {DATE_TODO}"),
    ]


def test_every_recommendation_rule_says_what_is_wrong_and_what_to_do(tmp_path):
    recs = """\
        # 5. Recommendations for action

        ## Case review recommendations

        ### R1. Remind staff of the self-neglect policy
        Reiterate the policy at team meetings.

        ### R2. Audit capacity recording
        Audit 10 records a quarter.

        ### R3
    """
    actions = GOOD_ACTION.split("- ref: A2")[0]
    case = load_case(make_case(tmp_path, recs=recs, actions=actions))
    assert [(f.code, f.file, f.line, f.message) for f in ours(case)] == [
        (
            "REC004",
            "docs/05-recommendations.md",
            8,
            "R1 asks only to remind, reiterate or re-circulate. Review panels ask for "
            "recommendations that are specific and measurable: say what will change and how you "
            "will know it has.",
        ),
        (
            "REC003",
            "docs/05-recommendations.md",
            11,
            "no action in data/actions.yml serves R2. Add one with `recommendations: [R2]`, naming "
            "who will do what by when.",
        ),
        (
            "REC003",
            "docs/05-recommendations.md",
            14,
            "no action in data/actions.yml serves R3. Add one with `recommendations: [R3]`, naming "
            "who will do what by when.",
        ),
        (
            "REC005",
            "docs/05-recommendations.md",
            14,
            "R3 has a heading but no words: write the recommendation after 'R3.' and under the "
            "heading.",
        ),
    ]


EMPTY_PLAN = (
    "ACT015",
    "data/actions.yml",
    1,
    "data/actions.yml has no actions in it. Add one entry per action, each starting with "
    "'- ref: A1'.",
)
NO_RECS = (
    "REC006",
    "docs/05-recommendations.md",
    4,
    "no numbered recommendations were found, so the action plan cannot be linked to them. Write "
    "each as '### R1. Short title' under '## Case review recommendations', with its text below "
    "the heading.",
)


@pytest.mark.parametrize(
    "recs, expected",
    [
        # no "Case review recommendations" part at all: nothing says they do not apply
        ("# 5. Recommendations\n\nWe make none.\n", [EMPTY_PLAN, NO_RECS]),
        # the part's own text counts, not an earlier heading that mentions recommendations
        (
            "# 5. Recommendations\n\n## Background to the recommendations\n\nSome text.\n\n"
            "## Case review recommendations\n\n> **Not applicable**: one contact.\n",
            [EMPTY_PLAN],
        ),
        # quoted and bold, as authors write it
        (
            "# 5. Recommendations\n\n## Case review recommendations\n\n"
            "> **Not applicable**: one contact.\n",
            [EMPTY_PLAN],
        ),
        (
            "# 5. Recommendations\n\n## Case review recommendations\n\nNone yet.\n",
            [EMPTY_PLAN, NO_RECS],
        ),
        # an empty part: the next part's words are not its own
        (
            "# 5. Recommendations\n\n## Case review recommendations\n\n"
            "## Other agencies\n\nNot applicable to us: the panel covers them.\n",
            [EMPTY_PLAN, NO_RECS],
        ),
    ],
)
def test_recommendations_said_not_to_apply(tmp_path, recs, expected):
    case = load_case(make_case(tmp_path, recs=recs, actions="[]\n"))
    assert [(f.code, f.file, f.line, f.message) for f in ours(case)] == expected


def test_a_missing_plan_says_to_add_the_file_and_no_introduction_means_no_stale_check(tmp_path):
    root = make_case(tmp_path, actions=None)
    case = load_case(root)
    assert [(f.code, f.line, f.message) for f in ours(case)][0] == (
        "ACT015",
        None,
        "there is no data/actions.yml, so the report has no action plan. Add the file with one "
        "entry per action (see the example case).",
    )
    # without an introduction there is no completion date: a past timescale is not stale
    root = make_case(tmp_path / "b", actions=GOOD_ACTION.replace("2026-03-31", "2020-03-31"))
    (root / "docs" / "01-introduction.md").unlink()
    assert ours(load_case(root)) == []


def test_an_unknown_field_only_loosely_like_a_real_one_gets_the_list_not_a_guess(tmp_path):
    """'comment' is as near to `recommendations:` as difflib's default cut-off allows: a guess
    there would send the author to the wrong field."""
    actions = GOOD_ACTION.replace(
        "  status: not started\n", "  status: not started\n  comment: x\n"
    )
    case = load_case(make_case(tmp_path, actions=actions))
    assert [(f.code, f.line, f.message) for f in ours(case)] == [
        ("ACT014", 18, f"A2: `comment:` {KEPT} The fields are: {', '.join(FIELDS)}.")
    ]


@pytest.mark.parametrize(
    "count, have",
    [(10, "R1, R2, R3, R4, R5, R6, R7, R8, R9, R10"), (0, "none found")],
)
def test_a_reference_to_no_recommendation_lists_those_there_are_in_order(tmp_path, count, have):
    recs = "# 5. Recommendations for action\n\n## Case review recommendations\n\n" + "".join(
        f"### R{n}. Audit record number {n}\nAudit 10 records a quarter.\n\n"
        for n in range(1, count + 1)
    )
    actions = GOOD_ACTION.split("- ref: A2")[0].replace("[R1]", "[R11]")
    found = [
        (f.code, f.line, f.message) for f in ours(load_case(make_case(tmp_path, recs, actions)))
    ]
    assert found[0] == (
        "ACT008",
        2,
        "A1 serves R11, but there is no recommendation R11 in the recommendations section "
        f"(it has: {have}).",
    )


def test_a_report_whose_template_has_no_action_plan_gets_no_action_findings(panel):
    """The review panel's integrated chronology (spec sab-panel) has no action plan part and
    no data/actions.yml: nothing asks for one. Given an action plan, it is still checked."""
    assert ours(load_case(panel)) == []
    (panel / "data").mkdir(exist_ok=True)
    (panel / "data" / "actions.yml").write_text("- ref: A1\n")
    assert [f.code for f in ours(load_case(panel))][:1] == ["ACT003"]


def test_the_recommendations_are_read_under_their_own_heading_not_an_earlier_one(tmp_path):
    recs = "# 5. Recommendations\n\n## Background to the recommendations\n\nText.\n\n" + RECS.split(
        "# 5. Recommendations for action\n\n"
    )[1].replace("    ", "")
    case = load_case(make_case(tmp_path, recs=recs))
    assert ours(case) == []
    assert [r.ref for r in parse_recommendations(case.section("recommendations"), case)[0]] == [
        "R1",
        "R2",
    ]


def test_placeholders_in_the_action_plan_are_found_where_they_stand(tmp_path):
    actions = GOOD_ACTION.replace("audit 10 records", "audit TBA records")
    case = load_case(make_case(tmp_path, actions=actions))
    assert [(f.code, f.file, f.line) for f in run_checks(case) if f.code == "PLH001"] == [
        ("PLH001", "data/actions.yml", 12)
    ]


def test_a_recommendation_with_a_title_only_is_not_empty_and_no_title_at_all_is_line_one(tmp_path):
    recs = RECS + "\n    ### R3. Share the audit results with the board\n"
    case = load_case(make_case(tmp_path / "a", recs=recs))
    assert codes_at(case) == [("REC003", "docs/05-recommendations.md", 15)]
    case = load_case(make_case(tmp_path / "b", recs="Some words and no headings.\n"))
    assert [(c, f, line) for c, f, line in codes_at(case) if c == "REC006"] == [
        ("REC006", "docs/05-recommendations.md", 1)
    ]


def test_a_reference_used_twice_points_at_both_ref_lines_and_an_empty_list_is_missing(tmp_path):
    actions = """\
        - recommendations: [R1]
          ref: A1
          action: Audit 20 referrals for triage within one day
          agency: Adult Social Care
          lead: Priya Shah
          timescale: 2026-03-31
          monitoring: SAB subgroup
          status: not started
        - recommendations: [R2]
          action: Audit 10 capacity records
          ref: A1
          agency: []
          lead: Tom Reed
          timescale: 2026-06-30
          monitoring: SAB subgroup
          status: not started
    """
    case = load_case(make_case(tmp_path, actions=actions))
    assert [(f.code, f.line, f.message) for f in ours(case)] == [
        (
            "ACT002",
            11,
            "A1 is used twice: here and on line 2. Give this action the next free reference; "
            "recommendations and reviewers find actions by it.",
        ),
        ("ACT003", 12, "A1 has no 'Agency to implement'. Add `agency:` to it."),
    ]


def test_an_action_due_on_the_completion_date_is_not_yet_stale(tmp_path):
    actions = GOOD_ACTION.replace("timescale: 2026-03-31", "timescale: 2026-02-01")
    case = load_case(make_case(tmp_path / "on", actions=actions, completion_date="2026-02-01"))
    assert codes_at(case) == []
    case = load_case(make_case(tmp_path / "after", actions=actions, completion_date="2026-02-02"))
    assert codes_at(case) == [("ACT006", "data/actions.yml", 6)]


def test_an_empty_status_is_a_missing_status_at_its_line(tmp_path):
    actions = GOOD_ACTION.replace("  status: not started\n", '  status: ""\n')
    case = load_case(make_case(tmp_path, actions=actions))
    assert [(f.code, f.line, f.message) for f in ours(case)] == [
        (
            "ACT003",
            17,
            "A2 has no status. Add `status:` with one of: not started, in progress, complete.",
        )
    ]
