"""JSON Schemas: shipped files match the spec, are valid, and imr check reports with lines."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
from complete_case import MKDOCS_YML, write_case

from imr_site.case.spec import DEFAULT_SPEC
from imr_site.review.registry import load_case, run_checks
from imr_site.review.schema import FILES, SCHEMA_DIR, generated_schemas, schema_for

REPO = Path(__file__).resolve().parent.parent


def codes(case_dir: Path) -> list[tuple[str, str | None, int | None, str]]:
    return [(f.code, f.file, f.line, f.message) for f in run_checks(load_case(case_dir))]


def test_shipped_schemas_are_what_the_spec_makes():
    for name, schema in generated_schemas().items():
        shipped = json.loads((SCHEMA_DIR / FILES[name]).read_text(encoding="utf-8"))
        assert shipped == schema, f"{FILES[name]} is stale: run python scripts/make_schemas.py"
    done = subprocess.run(
        [sys.executable, str(REPO / "scripts" / "make_schemas.py"), "--check"],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout


@pytest.mark.parametrize("name", sorted(FILES))
def test_shipped_schemas_are_valid_draft7(name):
    schema = json.loads((SCHEMA_DIR / FILES[name]).read_text(encoding="utf-8"))
    jsonschema.Draft7Validator.check_schema(schema)
    assert schema["$schema"] == "http://json-schema.org/draft-07/schema#"


def test_front_matter_schema_knows_every_section_and_required_field():
    schema = json.loads((SCHEMA_DIR / "front-matter.schema.json").read_text(encoding="utf-8"))
    from imr_site.case.spec import load_spec

    spec = load_spec()
    assert schema["properties"]["section"]["enum"] == spec.section_ids
    signoff = next(
        r["then"] for r in schema["allOf"] if r["if"]["properties"]["section"]["const"] == "signoff"
    )
    author = signoff["properties"]["signatures"]["properties"]["author"]
    assert set(author["required"]) == {"name", "role", "date"}


def test_data_file_problem_is_reported_at_its_line(tmp_path):
    case = write_case(tmp_path / "c")
    actions = case / "data" / "actions.yml"
    text = actions.read_text().replace("status: in progress", "status: done")
    actions.write_text(text)
    found = [c for c in codes(case) if c[0] == "SCH001"]
    line = text.split("\n").index("  status: done") + 1
    assert [(c[1], c[2]) for c in found] == [("data/actions.yml", line)]
    assert "use one of: not started, in progress, complete." in found[0][3]


def test_where_a_chronology_rule_reports_the_line_the_schema_finding_is_dropped(tmp_path):
    from imr_site.case.yamlio import load_yaml
    from imr_site.review.schema import shipped, validate

    case = write_case(tmp_path / "c")
    chron = case / "data" / "chronology.yml"
    chron.write_text(
        chron.read_text().replace("key_episode: yes", "key_episode: yes\n  seq: first")
    )
    # the schema sees the problem ...
    assert [p.line for p in validate(load_yaml(chron), shipped("chronology"))] == [7]
    # ... and the chronology's own rule, which says more, is the one reported
    found = [c for c in codes(case) if c[2] == 7]
    assert found and not any(c[0] == "SCH001" for c in found)


def test_front_matter_problems_are_reported_at_their_line(tmp_path):
    case = write_case(tmp_path / "c")
    page = next((case / "docs").glob("*-signoff.md"))
    text = (
        page.read_text()
        .replace("status: final", "status: finished")
        .replace("  senior_officer:", "  director:\n    name: X\n  senior_officer:")
    )
    page.write_text(text)
    lines = text.split("\n")
    found = {(c[2], c[3]) for c in codes(case) if c[0] == "SCH002"}
    assert any(
        line == lines.index("status: finished") + 1
        and "use one of: draft, in review, final." in msg
        for line, msg in found
    ), found
    assert any(line == lines.index("  director:") + 1 and "director" in msg for line, msg in found)


def test_schema_finding_is_dropped_where_a_specific_rule_reports_the_line(tmp_path):
    case = write_case(tmp_path / "c")
    page = next((case / "docs").glob("*-analysis.md"))
    page.write_text(page.read_text().replace("section: analysis", "section: analyses"))
    found = codes(case)
    assert any(c[0] == "SEC003" for c in found)
    assert not any(c[0] == "SCH002" for c in found)


def test_case_can_use_its_own_schema(tmp_path):
    own = {"type": "array", "items": {"type": "object", "required": ["agency"]}}
    yml = MKDOCS_YML + "      schemas:\n        chronology: schemas/chron.json\n"
    case = write_case(tmp_path / "c", mkdocs_yml=yml)
    (case / "schemas").mkdir()
    (case / "schemas" / "chron.json").write_text(json.dumps(own))
    found = [c for c in codes(case) if c[0] == "SCH001"]
    assert len(found) == 2 and all("'agency' is missing" in c[3] for c in found)
    assert [c[2] for c in found] == [1, 7]


@pytest.mark.parametrize(
    "content, says",
    [
        ("{not json", "is not valid JSON"),
        ('{"type": "nonsense"}', "is not a valid JSON Schema"),
        (None, "does not exist"),
    ],
)
def test_malformed_schema_override_is_a_clear_error(tmp_path, capsys, content, says):
    from imr_site.cli import main

    yml = MKDOCS_YML + "      schemas:\n        chronology: chron.json\n"
    case = write_case(tmp_path / "c", mkdocs_yml=yml)
    if content is not None:
        (case / "chron.json").write_text(content)
    code = main(["check", str(case)])
    out = capsys.readouterr().out
    assert code == 1
    assert "SCH003" in out and says in out and "chron.json" in out


def test_unknown_schema_name_is_a_clear_error(tmp_path):
    yml = MKDOCS_YML + "      schemas:\n        chronolgy: chron.json\n"
    found = codes(write_case(tmp_path / "c", mkdocs_yml=yml))
    assert any(c[0] == "SCH003" and "'chronolgy'" in c[3] for c in found)


@pytest.mark.slow
def test_schema_check_on_a_large_chronology_is_fast(tmp_path):
    import time

    case = write_case(tmp_path / "c")
    entry = (
        "- date: 2024-02-01\n  time: '09:30'\n  source: District nursing\n  contact_with: AB\n"
        "  event: Home visit with a long description of what happened\n  key_episode: no\n"
    )
    (case / "data" / "chronology.yml").write_text(entry * 10_000)
    c = load_case(case)
    from imr_site.review import schema_checks as schemas

    start = time.perf_counter()
    schemas.check(c)
    elapsed = time.perf_counter() - start
    print(f"schema check of 10,000 entries: {elapsed:.2f} s")
    assert elapsed < 10


def test_people_entry_problem_names_the_missing_field():
    from imr_site.case.yamlio import parse_yaml
    from imr_site.review.schema import shipped, validate

    problems = validate(parse_yaml("AB:\n  role: x\nCD: Carl Dee\n"), shipped("people"))
    assert [(p.line, p.message) for p in problems] == [(1, "'name' is missing in 'AB': add it.")]


def test_schema_with_a_link_elsewhere_is_a_clear_error_and_fetches_nothing(tmp_path):
    yml = MKDOCS_YML + "      schemas:\n        glossary: g.json\n"
    case = write_case(tmp_path / "c", mkdocs_yml=yml)
    (case / "g.json").write_text('{"$ref": "https://example.org/glossary.json"}')
    found = [c for c in codes(case) if c[0] == "SCH003"]
    assert len(found) == 1 and "self-contained" in found[0][3] and "glossary" in found[0][3]


def test_a_case_with_its_own_template_spec_gets_schemas_made_from_it(tmp_path):
    from imr_site.case.yamlio import load_yaml
    from imr_site.review.schema import validate

    spec = DEFAULT_SPEC.read_text(encoding="utf-8").replace(
        "    - {key: references, label: Source records}",
        "    - {key: references, label: Source records}\n"
        "    - {key: record_id, label: Record number, mandatory: true}",
    )
    yml = MKDOCS_YML + "      spec: board-spec.yml\n"
    case = write_case(tmp_path / "c", mkdocs_yml=yml)
    (case / "board-spec.yml").write_text(spec, encoding="utf-8")
    c = load_case(case)
    schema = schema_for("chronology", c.spec)
    assert "record_id" in schema["items"]["required"]
    chron = load_yaml(case / "data" / "chronology.yml")
    problems = validate(chron, schema)
    assert [p.line for p in problems] == [1, 7]
    assert all("'record_id' is missing" in p.message for p in problems)


def test_editor_and_checker_agree_on_unknown_chronology_fields(tmp_path):
    from imr_site.case.yamlio import load_yaml
    from imr_site.review.schema import shipped, validate

    case = write_case(tmp_path / "c")
    chron = case / "data" / "chronology.yml"
    chron.write_text(chron.read_text().replace("key_episode: yes", "key_episode: yes\n  evnt: x"))
    assert [p.line for p in validate(load_yaml(chron), shipped("chronology"))] == [7]
    assert [c[0] for c in codes(case) if c[2] == 7] == ["CHR009"]
