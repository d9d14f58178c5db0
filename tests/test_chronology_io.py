"""Importing and exporting chronologies: CSV and XLSX, UK dates, nothing lost."""

from __future__ import annotations

import csv
import datetime as dt
import io
import random
import string

import openpyxl
import pytest
from chronology_case import load

from imr_site.case.yamlio import parse_yaml
from imr_site.chronology.io import (
    ImportRefused,
    dump_chronology,
    export_csv,
    export_xlsx,
    import_file,
    write_atomic,
)
from imr_site.chronology.model import load_chronology
from imr_site.review.registry import run_checks

AWKWARD = [
    'Said "I\'m fine, thanks", then closed the door',
    "Line one\nLine two, with a comma\n\nLine four after a blank line",
    "Zoë met the GP at the café — £20 owed; naïve “smart quotes”",
    "=SUM(A1:A2) is not a formula here",
    "  leading and trailing spaces  ",
    "yes",
    "10:30",
    "<script>alert('x')</script>",
    "- looks like a list item",
    "# looks like a comment",
    "key: value",
]

HEADINGS = [
    "Date",
    "Time",
    "Source of information",
    "Contact with",
    "Event",
    "Action taken",
    "Outcome/Decision",
    "Key episode",
]


def write_csv(path, rows, encoding="utf-8"):
    buf = io.StringIO(newline="")
    csv.writer(buf, lineterminator="\r\n").writerows(rows)
    path.write_bytes(buf.getvalue().encode(encoding))
    return path


def test_common_headings_and_uk_dates(tmp_path):
    rows = [
        HEADINGS,
        ["22/05/2024", "10.30", "GP", "Adult A", "Visit", "Referral", "Open", "Yes"],
        ["23.05.24", "2:15 pm", "GP", "Adult A", "Call", "", "", "No"],
        ["24-May-24", "", "GP", "Adult A", "Letter", "", "", ""],
        ["May 2024", "", "GP", "Adult A", "Month only", "", "", ""],
        ["?25/05/2024", "1430", "GP", "Adult A", "Uncertain", "", "", "x"],
    ]
    result = import_file(write_csv(tmp_path / "in.csv", rows))
    e = result.entries
    assert [x["date"] for x in e] == [
        "2024-05-22",
        "2024-05-23",
        "2024-05-24",
        "2024-05",
        "?2024-05-25",
    ]
    assert [x.get("time") for x in e] == ["10:30", "14:15", None, None, "14:30"]
    assert e[0]["source"] == "GP" and e[0]["decision"] == "Open" and e[0]["key_episode"] is True
    assert "key_episode" not in e[1]
    assert [n for n in result.notes if n.level == "warning"] == []


def test_unreadable_cells_are_kept_as_written_and_flagged(tmp_path):
    rows = [
        HEADINGS,
        ["30/02/2024", "25:00", "GP", "Adult A", "impossible", "", "", "maybe"],
        ["45434", "", "GP", "Adult A", "serial", "", "", ""],
        ["next Tuesday", "", "GP", "Adult A", "words", "", "", ""],
    ]
    result = import_file(write_csv(tmp_path / "in.csv", rows))
    assert len(result.entries) == 3  # never drops a row
    assert [x["date"] for x in result.entries] == ["30/02/2024", "45434", "next Tuesday"]
    assert result.entries[0]["time"] == "25:00"
    assert result.entries[0]["key_episode"] == "maybe"
    notes = [str(n) for n in result.notes if n.level == "warning"]
    assert any("row 2" in n and "30 February" in n for n in notes)
    assert any("row 3" in n and "22/05/2024" in n for n in notes)  # the serial explained
    assert any("row 4" in n for n in notes)
    # ... and `imr check` flags them once they are in the case.
    case = load(tmp_path / "case", dump_chronology(result.entries))
    found = {f.code for f in run_checks(case)}
    assert {"CHR002", "CHR003", "CHR012"} <= found


def test_csv_yaml_csv_round_trip_loses_nothing(tmp_path):
    rng = random.Random(3)
    rows = [
        [
            "Date",
            "Time",
            "End date",
            "End time",
            "Sequence",
            "Source (team or service)",
            "Contact with",
            "Contact type",
            "Key intervention / event",
            "Action taken",
            "Decision made / outcome",
            "Key episode",
            "Analysis / comment",
            "Source records",
        ]
    ]
    for i in range(60):
        rows.append(
            [
                f"{1 + i % 28:02d}/{1 + i % 12:02d}/2024",
                rng.choice(["", "09:15", "23:59"]),
                "",
                "",
                str(1 + i % 3),
                rng.choice(AWKWARD),
                rng.choice(AWKWARD),
                "Home visit",
                rng.choice(AWKWARD),
                rng.choice(AWKWARD + [""]),
                rng.choice(AWKWARD),
                rng.choice(["Yes", ""]),
                rng.choice(AWKWARD),
                f"REF-{i}; REF-{i + 1}",
            ]
        )
    src = write_csv(tmp_path / "in.csv", rows)
    result = import_file(src)
    yml = tmp_path / "chronology.yml"
    yml.write_text(dump_chronology(result.entries), "utf-8")
    assert parse_yaml(yml.read_text("utf-8")) == result.entries
    chron, problems = load_chronology(yml, "data/chronology.yml")
    assert problems == []
    from imr_site.case.spec import load_spec

    out = export_csv(chron, load_spec())
    back = list(csv.reader(io.StringIO(out.decode("utf-8-sig"), newline="")))
    assert back == rows


def test_yaml_writer_round_trips_random_text():
    rng = random.Random(7)
    alphabet = string.printable + "éü£—’“”\u00a0ß中\u2028\x85"
    for _ in range(500):
        e = {
            "date": "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 12))),
            "time": rng.choice(["10:30", "1:30:00", "09:00"]),
            "event": "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 50))),
            "comment": rng.choice(AWKWARD + ["a\n", "\n", "x\n\n", " a\n b", "\ta\n", "null"]),
            "seq": rng.choice([1, "1", "x"]),
            "key_episode": rng.choice([True, "yes", "perhaps"]),
        }
        assert parse_yaml(dump_chronology([e, e])) == [e, e]


def test_yaml_output_is_human_friendly():
    text = dump_chronology(
        [{"event": "a\nb", "date": "2024-05-22", "time": "10:30", "source": "GP"}]
    )
    assert '- date: 2024-05-22\n  time: "10:30"\n  source: GP\n  event: |-\n    a\n    b\n' in text


def test_windows_1252_csv(tmp_path):
    rows = [
        HEADINGS,
        ["22/05/2024", "", "GP", "Zoë", "Café visit, £20 owed – “quoted”", "", "", ""],
    ]
    result = import_file(write_csv(tmp_path / "in.csv", rows, encoding="cp1252"))
    assert result.entries[0]["contact_with"] == "Zoë"
    assert result.entries[0]["event"] == "Café visit, £20 owed – “quoted”"
    assert any("Windows-1252" in n.message for n in result.notes)


def test_excel_unicode_text_utf16_tab_separated(tmp_path):
    text = "Date\tContact with\tEvent\tSource\r\n22/05/2024\tZoë\tVisit, café\tGP\r\n"
    p = tmp_path / "in.txt"
    p.write_bytes(text.encode("utf-16"))
    result = import_file(p)
    assert result.entries == [
        {"date": "2024-05-22", "source": "GP", "contact_with": "Zoë", "event": "Visit, café"}
    ]


def test_unknown_heading_is_refused_with_a_suggestion_and_map_fixes_it(tmp_path):
    rows = [
        ["Date", "Agency team", "Contact with", "Narrative"],
        ["22/05/2024", "GP", "A", "Visit"],
    ]
    src = write_csv(tmp_path / "in.csv", rows)
    with pytest.raises(ImportRefused) as e:
        import_file(src)
    text = str(e.value)
    assert "Agency team" in text and "Narrative" in text and "--map" in text
    result = import_file(src, ["Agency team=source", "Narrative=event"])
    assert result.entries == [
        {"date": "2024-05-22", "source": "GP", "contact_with": "A", "event": "Visit"}
    ]
    with pytest.raises(ImportRefused, match="did you mean 'event'"):
        import_file(src, ["Narrative=evnt"])


def test_xlsx_several_sheets_merged_cells_and_real_dates(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Chronology"
    ws.append(["Chronology for Adult A"])
    ws.append(HEADINGS)
    ws.append([dt.datetime(2024, 5, 22, 14, 30), None, "GP", "Adult A", "First", None, None, "Y"])
    ws.append([None, dt.time(16, 0), None, "Adult A", "Second same day", None, None, None])
    ws.append([45434, None, "GP", "Adult A", "serial", None, None, None])
    ws.merge_cells("A3:A4")
    ws.merge_cells("C3:C4")
    notes = wb.create_sheet("Notes")
    notes["A1"] = "Some notes"
    path = tmp_path / "in.xlsx"
    wb.save(path)
    with pytest.raises(ImportRefused, match="Chronology, Notes"):
        import_file(path)
    result = import_file(path, sheet="Chronology")
    e = result.entries
    assert len(e) == 3
    assert e[0]["date"] == "2024-05-22" and e[0]["time"] == "14:30" and e[0]["key_episode"]
    assert e[1]["date"] == "2024-05-22" and e[1]["time"] == "16:00" and e[1]["source"] == "GP"
    assert e[2]["date"] == "45434"
    text = "\n".join(str(n) for n in result.notes)
    assert "A3:A4" in text and "merged" in text
    assert "spreadsheet number" in text and "22/05/2024" in text
    with pytest.raises(ImportRefused, match="no sheet called 'Nope'"):
        import_file(path, sheet="Nope")


def test_xlsx_export_and_import_back(tmp_path):
    entries = [
        {
            "date": "2024-05-22",
            "time": "10:30",
            "source": "GP",
            "contact_with": "A",
            "event": AWKWARD[3],
            "key_episode": True,
        },
        {"date": "2024-05", "source": "GP", "contact_with": "A", "event": AWKWARD[1]},
    ]
    yml = tmp_path / "chronology.yml"
    yml.write_text(dump_chronology(entries), "utf-8")
    chron, _ = load_chronology(yml, "data/chronology.yml")
    path = tmp_path / "out.xlsx"
    path.write_bytes(export_xlsx(chron))
    ws = openpyxl.load_workbook(path).active
    assert ws["I2"].value == AWKWARD[3] and ws["I2"].data_type == "s"
    assert ws["A2"].value == dt.datetime(2024, 5, 22) and ws["A2"].number_format == "DD/MM/YYYY"
    assert ws["A3"].value == "05/2024"  # a month only stays text
    assert import_file(path).entries == entries


def test_write_atomic_refuses_to_overwrite(tmp_path):
    p = tmp_path / "data" / "chronology.yml"
    write_atomic(p, "a")
    with pytest.raises(FileExistsError):
        write_atomic(p, "b")
    assert p.read_text() == "a"
    write_atomic(p, "b", force=True)
    assert p.read_text() == "b"
    assert [x.name for x in p.parent.iterdir()] == ["chronology.yml"]


def test_no_heading_row_and_text_beyond_headings(tmp_path):
    with pytest.raises(ImportRefused, match="no row of column headings"):
        import_file(write_csv(tmp_path / "a.csv", [["x", "y"], ["1", "2"]]))
    with pytest.raises(ImportRefused, match="beyond the last heading"):
        import_file(
            write_csv(tmp_path / "b.csv", [["Date", "Event"], ["22/05/2024", "a", "lost?"]])
        )
    with pytest.raises(ImportRefused, match="old-style Excel"):
        (tmp_path / "c.xls").write_bytes(b"\xd0\xcf")
        import_file(tmp_path / "c.xls")


def test_random_files_never_raise_anything_but_a_refusal(tmp_path):
    rng = random.Random(11)
    pieces = [
        "Date",
        "Time",
        "Event",
        "Contact with",
        ",",
        ";",
        "\n",
        '"',
        "22/05/2024",
        "x",
        "\r\n",
        "\xe9",
        "45434",
        "Key episode",
        "yes",
        "",
        "\t",
    ]
    for i in range(200):
        p = tmp_path / f"{i}.csv"
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 60)))
        p.write_bytes(text.encode(rng.choice(["utf-8", "cp1252", "utf-16"]), errors="replace"))
        try:
            result = import_file(p)
        except ImportRefused as e:
            assert e.notes and all(n.message for n in e.notes)
            continue
        # Whatever was imported writes and reads back exactly.
        assert parse_yaml(dump_chronology(result.entries)) == (result.entries or [])


def test_the_fast_yaml_writer_writes_what_the_dumper_would():
    """dump_chronology writes plain entries itself (10,000 in `imr merge`); the bytes must be
    exactly the YAML dumper's, and anything it is not sure of goes through the dumper."""
    import datetime as dt

    from imr_site.chronology import io as chron_io
    from imr_site.chronology.sample import generate_entries

    entries = generate_entries(2000, dt.date(2022, 1, 1), dt.date(2024, 12, 31), seed=7)
    tricky = ["yes", "No", "null", "~", "123", "1.5", "0x1F", "10:30", "12:30:00", "2024",
              "2024-05", "?2024-05-01", "- x", "a: b", "a #b", "a:", "#x", "'q'", '"q"', "x ",
              "Café", "£50", "(a)", "a,b", "x\ty", "@x", "&x", "*x", "!x", "%x", "`x", "|x",
              ">x", "[x]", "{x}", "on", "off", "Y", "=", "1e3", ".5", "+1", "-1", "a\u2028b",
              "AB's", "don’t", "x—y", "1:2:3", 'He said "no".', "two\nlines", ".inf", ".NaN",
              "...", "../a/data/chronology.yml, line 12", ".x", "..", "x,"]  # fmt: skip
    entries += [{"date": "2024-01-01", "source": t, "event": t, "seq": 2} for t in tricky]
    fast = 0
    for e in entries:
        e = chron_io.ordered(e)
        block = chron_io._fast_block(e)
        if block is not None:
            fast += 1
            assert block == chron_io._dump_block(e)
    assert fast > len(entries) // 2  # the fast path is taken for most entries
    assert chron_io._fast_block({"date": "2024", "event": "x"}) is None  # '2024' needs quotes


def test_dump_and_read_gives_what_reading_the_file_gives():
    """What `imr merge` hands the check instead of parsing 10,000 entries again must be exactly
    the parse: the values, and the line of every entry and field."""
    import datetime as dt

    from imr_site.case.yamlio import LineDict, LineList, parse_yaml
    from imr_site.chronology import io as chron_io
    from imr_site.chronology.sample import generate_entries

    entries = generate_entries(1500, dt.date(2022, 1, 1), dt.date(2024, 12, 31), seed=3)
    entries += [
        {"date": "2024", "event": "needs quotes", "references": ["A-1", "B-2"]},
        {"date": "2024-01-01", "event": "two\nlines", "same_as": ["x-1"], "id": "gpp-1"},
        {"date": "2024-01-02", "event": "a: b", "seq": 3, "key_episode": True, "time": "1:2:3"},
    ]
    header = "# one\n# two\n"
    text, read = chron_io.dump_and_read(entries, header.count("\n"))
    assert text == chron_io.dump_chronology(entries, header=False)
    parsed = parse_yaml(header + text)

    def same(a, b) -> None:
        assert type(a) is type(b) and a == b
        if isinstance(a, LineDict):
            assert (a.line, a.key_lines) == (b.line, b.key_lines)
            for k in a:
                same(a[k], b[k])
        if isinstance(a, LineList):
            assert (a.line, a.item_lines) == (b.line, b.item_lines)
            for x, y in zip(a, b, strict=True):
                same(x, y)

    same(read, parsed)


def test_random_cells_under_real_headings_import_every_row_and_round_trip(tmp_path):
    """Random text (quotes, commas, new lines, dates that are not dates, YAML-looking words) in
    every cell of a well-formed sheet: every file imports, no row is dropped, and the YAML the
    importer writes reads back to exactly the same entries."""
    rng = random.Random(5)
    pieces = [*AWKWARD, "22/05/2024", "45434", "yes", "no", "", " ", "\t", "x", "é", ",", '"']
    imported = rows_seen = 0
    for i in range(200):
        n = rng.randint(1, 6)
        rows = [HEADINGS] + [
            [
                "".join(rng.choice(pieces) for _ in range(rng.randint(0, 3)))
                for _ in range(len(HEADINGS))
            ]
            for _ in range(n)
        ]
        for row in rows[1:]:  # a row is data when it has an event or a date
            row[4] = row[4] or f"event {i}"
        result = import_file(write_csv(tmp_path / f"{i}.csv", rows))
        assert len(result.entries) == n, f"file {i}: a row was dropped"
        assert parse_yaml(dump_chronology(result.entries)) == result.entries, f"file {i}"
        imported += 1
        rows_seen += n
    assert imported == 200 and rows_seen > 500
