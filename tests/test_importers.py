"""`imr glossary|people import|export` and `imr actions import`: what agencies keep in
spreadsheets, in and out of the case's data files, under the chronology importer's rules (no row
dropped, unreadable cells kept as written, headings mapped or --map, row numbers, atomic writes,
--force to replace data)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from imr_site.cli import main
from imr_site.review.registry import load_case, run_checks
from tests.conftest import REPO


@pytest.fixture
def case(tmp_path, capsys) -> Path:
    """A new case (template data files: empty, with their header comments)."""
    target = tmp_path / "c"
    assert main(["new", "--no-git", str(target)]) == 0
    capsys.readouterr()
    return target


def imr(capsys, *args) -> tuple[int, str, str]:
    code = main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


def data_findings(case_dir: Path) -> list[tuple[str, str]]:
    case = load_case(case_dir)
    found = case.findings + run_checks(case)
    return sorted((f.code, f.file) for f in found if str(f.file).startswith("data/"))


def plain(value):
    """Loaded data compared as text: a date written bare and one written quoted are the same."""
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items() if v not in ("", None, [])}
    if isinstance(value, list):
        return [plain(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_round_trip_of_the_example_keeps_every_entry(tmp_path, capsys, fmt):
    import yaml

    example = tmp_path / "example"
    assert main(["new", "--no-git", str(example)]) == 0
    for name in ("glossary", "people", "actions"):
        (example / "data" / f"{name}.yml").write_bytes((REPO / "data" / f"{name}.yml").read_bytes())
    fresh = tmp_path / "fresh"
    assert main(["new", "--no-git", str(fresh)]) == 0
    capsys.readouterr()
    for name in ("glossary", "people", "actions"):
        sheet = tmp_path / f"{name}.{fmt}"
        assert imr(capsys, name, "export", str(sheet), "--case", str(example))[0] == 0
        code, out, err = imr(capsys, name, "import", str(sheet), "--case", str(fresh))
        assert code == 0, err
        assert f"into data/{name}.yml" in out
        before = yaml.safe_load((example / "data" / f"{name}.yml").read_text())
        after = yaml.safe_load((fresh / "data" / f"{name}.yml").read_text())
        assert plain(after) == plain(before), name
    assert data_findings(fresh) == data_findings(example)


def test_imported_file_keeps_the_template_header_and_its_schema_modeline(case, tmp_path, capsys):
    sheet = tmp_path / "abbr.csv"
    sheet.write_text("Term,Definition\nGP,General Practitioner\n", encoding="utf-8")
    code, out, _ = imr(capsys, "glossary", "import", str(sheet), "--case", str(case))
    assert code == 0 and "Term -> abbreviation, Definition -> meaning" in out
    text = (case / "data" / "glossary.yml").read_text()
    assert text.startswith("# yaml-language-server: $schema=../.imr/schemas/glossary.schema.json\n")
    assert text.endswith("\nGP: General Practitioner\n")
    assert load_case(case).data["glossary"].meaning("GP") == "General Practitioner"


def test_replacing_entries_needs_force_and_leaves_the_file_alone(case, tmp_path, capsys):
    sheet = tmp_path / "abbr.csv"
    sheet.write_text("Abbreviation,Meaning\nGP,General Practitioner\n", encoding="utf-8")
    assert imr(capsys, "glossary", "import", str(sheet), "--case", str(case))[0] == 0
    before = (case / "data" / "glossary.yml").read_bytes()
    sheet.write_text("Abbreviation,Meaning\nDN,District Nurse\n", encoding="utf-8")
    code, _, err = imr(capsys, "glossary", "import", str(sheet), "--case", str(case))
    assert code == 2 and "already has entries" in err and "--force" in err
    assert (case / "data" / "glossary.yml").read_bytes() == before
    code, _, _ = imr(capsys, "glossary", "import", str(sheet), "--case", str(case), "--force")
    assert code == 0
    assert "DN: District Nurse" in (case / "data" / "glossary.yml").read_text()
    assert not list((case / "data").glob(".*.tmp"))  # written in one step, nothing left over


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        ("Label,Name\nAB,Agnes B\n,Craig B\n", ["row 3, column 'Label': this row has no label"]),
        (
            "Label,Name\nAB,Agnes B\nCD,Craig B\nAB,Anne B\n",
            ["row 4, column 'Label': the label 'AB' is also on row 2"],
        ),
        (
            "Label,Name,Notes\nAB,Agnes B,met twice\n",
            ["row 1, column 'Notes': this heading is not one the tool knows"],
        ),
        ("Label,Name\nAB,Agnes B,extra\n", ["row 2, column 'C': there is text beyond"]),
    ],
)
def test_a_row_the_file_cannot_hold_stops_the_import_naming_it(
    case, tmp_path, capsys, rows, expected
):
    sheet = tmp_path / "people.csv"
    sheet.write_text(rows, encoding="utf-8")
    before = (case / "data" / "people.yml").read_bytes()
    code, _, err = imr(capsys, "people", "import", str(sheet), "--case", str(case))
    assert code == 2 and "nothing was written" in err
    problems = [line.strip() for line in err.splitlines()[1:]]
    assert len(problems) == len(expected)
    assert [p[: len(e)] for p, e in zip(problems, expected, strict=True)] == expected
    assert (case / "data" / "people.yml").read_bytes() == before


def test_map_takes_other_headings_or_leaves_a_column_out(case, tmp_path, capsys):
    sheet = tmp_path / "people.csv"
    sheet.write_text(
        "Title row of the agency's sheet\n"
        "Pseudonym,Real name,Known as,Notes\n"
        "AB,Agnes Bramwell,Agnes; Mrs Bramwell,met twice\n",
        encoding="utf-8",
    )
    args = ["people", "import", str(sheet), "--case", str(case), "--map", "Notes=-"]
    code, out, err = imr(capsys, *args)
    assert code == 0, err
    assert "row(s) 1 above the headings (row 2)" in out
    person = load_case(case).data["people"].by_label()["AB"]
    assert (person.name, person.aliases) == ("Agnes Bramwell", ("Agnes", "Mrs Bramwell"))
    code, _, err = imr(
        capsys, "people", "import", str(sheet), "--case", str(case), "--map", "Notes=nme", "--force"
    )
    assert code == 2 and "'nme' is not a people key field; did you mean 'name'?" in err


def test_unreadable_action_cells_are_kept_as_written_with_their_rows(case, tmp_path, capsys):
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Ref", "Recommendation", "Action", "Target date", "Status", "Immediate"])
    ws.append(
        ["A1", "R1, R2", "Write the procedure", dt.datetime(2025, 10, 31), "in progress", "No"]
    )
    ws.append(["A2", "R1", "Audit it", "end of Q3", "not started", "maybe"])
    ws.append(["A3", "R2", "Train staff", "31/12/2025", "complete", "Yes"])
    sheet = tmp_path / "plan.xlsx"
    wb.save(sheet)
    code, out, _ = imr(capsys, "actions", "import", str(sheet), "--case", str(case))
    assert code == 1  # warnings: cells to check
    warnings = [line for line in out.splitlines() if ": warning: " in line]
    assert [w.split(": warning: ")[1].split(";")[0] for w in warnings] == [
        "row 3, column 'Target date': this timescale is not a date the tool can read",
        "row 3, column 'Immediate': immediate should be Yes or No",
    ]
    plan = load_case(case).data["actions"]
    fields = [a.fields for a in plan.actions]
    assert [f["ref"] for f in fields] == ["A1", "A2", "A3"]  # every row, in order
    assert fields[0]["recommendations"] == ["R1", "R2"] and fields[0]["immediate"] is False
    assert (
        str(fields[0]["timescale"]) == "2025-10-31" and str(fields[2]["timescale"]) == "2025-12-31"
    )
    assert fields[1]["timescale"] == "end of Q3" and fields[1]["immediate"] == "maybe"


def test_export_refuses_to_replace_a_file_without_force(case, tmp_path, capsys):
    out = tmp_path / "g.csv"
    out.write_text("mine")
    code, _, err = imr(capsys, "glossary", "export", str(out), "--case", str(case))
    assert code == 2 and "--force" in err and out.read_text() == "mine"
    assert imr(capsys, "glossary", "export", str(out), "--case", str(case), "--force")[0] == 0
    assert out.read_bytes().startswith(b"\xef\xbb\xbfAbbreviation,Meaning\r\n")
