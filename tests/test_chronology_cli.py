"""`imr chronology import` and `imr chronology export` on real case folders."""

from __future__ import annotations

import csv
import io
import json

import openpyxl
import yaml
from chronology_case import make_case

from imr_site.cli import main

ROWS = [
    ["Date", "Time", "Source of information", "Contact with", "Narrative", "Key episode"],
    [
        "22/05/2024",
        "10:30",
        "GP practice",
        "Adult A",
        'Visit, with "quotes"\nand a second line',
        "Yes",
    ],
    ["23.05.24", "", "Police", "Adult A", "Welfare check", ""],
]


def write_csv(path, rows):
    buf = io.StringIO(newline="")
    csv.writer(buf).writerows(rows)
    path.write_text(buf.getvalue(), "utf-8")
    return path


def test_import_then_check_then_export(tmp_path, capsys):
    case = make_case(tmp_path / "case", None)
    src = write_csv(tmp_path / "in.csv", ROWS)
    target = case / "data" / "chronology.yml"

    assert main(["chronology", "import", str(src), "--case", str(case)]) == 2
    err = capsys.readouterr().err
    assert "Narrative" in err and "--map" in err and not target.exists()

    args = ["chronology", "import", str(src), "--case", str(case), "--map", "Narrative=event"]
    assert main(args) == 0
    out = capsys.readouterr().out
    assert "Imported 2 entries" in out and "data/chronology.yml" in out
    text = target.read_text("utf-8")
    assert '- date: 2024-05-22\n  time: "10:30"\n' in text and "key_episode: true" in text

    # Never overwritten without --force.
    target.write_text(text + "# my edit\n", "utf-8")
    assert main(args) == 2
    assert "already exists" in capsys.readouterr().err
    assert target.read_text("utf-8").endswith("# my edit\n")
    assert main(args + ["--force"]) == 0
    capsys.readouterr()

    assert main(["check", str(case), "--format", "json"]) in (0, 1)
    found = json.loads(capsys.readouterr().out)["findings"]
    # Only the silent months before and after May (CHR008) remain.
    assert {f["code"] for f in found if f["code"].startswith("CHR")} == {"CHR008"}

    out_csv = tmp_path / "out.csv"
    assert main(["chronology", "export", str(out_csv), "--case", str(case)]) == 0
    assert "Exported 2 entries" in capsys.readouterr().out
    rows = list(csv.reader(io.StringIO(out_csv.read_text("utf-8-sig"), newline="")))
    assert rows[1][0] == "22/05/2024" and rows[1][8] == ROWS[1][4]
    assert main(["chronology", "export", str(out_csv), "--case", str(case)]) == 2
    assert main(["chronology", "export", str(out_csv), "--case", str(case), "--force"]) == 0

    out_xlsx = tmp_path / "out.xlsx"
    assert main(["chronology", "export", str(out_xlsx), "--case", str(case)]) == 0
    ws = openpyxl.load_workbook(out_xlsx).active
    assert ws["A1"].value == "Date" and ws["I2"].value == ROWS[1][4]


def test_cells_kept_as_written_give_exit_1_and_check_points_at_them(tmp_path, capsys):
    case = make_case(tmp_path / "case", None)
    rows = [ROWS[0], ["30/02/2024", "", "GP", "A", "x", ""], ["45434", "", "GP", "A", "y", ""]]
    src = write_csv(tmp_path / "in.csv", rows)
    assert (
        main(["chronology", "import", str(src), "--case", str(case), "--map", "Narrative=event"])
        == 1
    )
    out = capsys.readouterr().out
    assert "row 2" in out and "row 3" in out and "2 cells were kept exactly as written" in out
    assert main(["check", str(case), "--format", "json"]) == 1
    found = json.loads(capsys.readouterr().out)["findings"]
    dates = [f for f in found if f["code"] == "CHR002"]
    assert [(f["file"], f["line"]) for f in dates] == [
        ("data/chronology.yml", 5),
        ("data/chronology.yml", 10),
    ]
    assert "2024-05-22" in dates[1]["message"]


def test_export_refuses_when_entries_would_be_lost(tmp_path, capsys):
    case = make_case(
        tmp_path / "case",
        "- date: 2024-05-01\n  source: GP\n  contact_with: A\n  event: x\n- a loose line\n",
    )
    assert main(["chronology", "export", str(tmp_path / "o.csv"), "--case", str(case)]) == 2
    assert "nothing was written" in capsys.readouterr().err
    assert not (tmp_path / "o.csv").exists()


def test_import_outside_a_case_needs_an_output(tmp_path, capsys):
    src = write_csv(tmp_path / "in.csv", ROWS)
    assert main(["chronology", "import", str(src), "--case", str(tmp_path)]) == 2
    assert "-o FILE" in capsys.readouterr().err
    out = tmp_path / "elsewhere.yml"
    args = [
        "chronology",
        "import",
        str(src),
        "--case",
        str(tmp_path),
        "-o",
        str(out),
        "--map",
        "Narrative=event",
    ]
    assert main(args) == 0
    assert out.read_text("utf-8").count("- date:") == 2


def test_first_import_into_a_new_case_needs_no_force_and_keeps_the_schema_line(tmp_path, capsys):
    case = tmp_path / "new"
    assert main(["new", str(case)]) == 0
    target = case / "data" / "chronology.yml"
    first = target.read_text("utf-8").splitlines()[0]
    assert first.startswith("# yaml-language-server: $schema=")
    src = write_csv(tmp_path / "in.csv", ROWS)
    args = ["chronology", "import", str(src), "--case", str(case), "--map", "Narrative=event"]
    assert main(args) == 0, capsys.readouterr().err
    text = target.read_text("utf-8")
    assert text.splitlines()[0] == first
    # any YAML reader (PyYAML's YAML 1.1 rules included) reads the time as text
    entries = yaml.safe_load(text)
    assert entries[0]["time"] == "10:30"
    # now that it holds entries, a second import needs --force
    assert main(args) == 2
    assert "already exists" in capsys.readouterr().err
