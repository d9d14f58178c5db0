"""Editor set-up in a new case: VS Code's recommended extensions, a British English spelling
configuration whose word list `imr check` keeps in step (EDT001, rewritten by `imr spelling`),
and a markdownlint configuration that agrees with the tool's heading rules."""

from __future__ import annotations

import json

import pytest
import yaml

from imr_site.cli import main
from imr_site.people.spelling import WORDS_FILE, read_words
from imr_site.review.registry import load_case, run_checks


@pytest.fixture
def new(tmp_path):
    assert main(["new", str(tmp_path / "case")]) == 0
    return tmp_path / "case"


def edt(case_dir) -> list[tuple[str, str | None, int | None]]:
    return [(f.code, f.file, f.line) for f in run_checks(load_case(case_dir)) if f.code == "EDT001"]


def test_new_case_recommends_the_yaml_spelling_and_markdown_extensions(new):
    recommended = json.loads((new / ".vscode" / "extensions.json").read_text())["recommendations"]
    assert set(recommended) == {
        "redhat.vscode-yaml",
        "streetsidesoftware.code-spell-checker",
        "streetsidesoftware.code-spell-checker-british-english",
        "davidanson.vscode-markdownlint",
    }


def test_new_case_spells_in_british_english_with_the_cases_own_words(new):
    config = json.loads((new / "cspell.json").read_text())
    assert config["language"] == "en-GB"
    (words,) = config["dictionaryDefinitions"]
    assert words["path"] == f"./{WORDS_FILE}" and config["dictionaries"] == [words["name"]]
    assert "data/people.yml" in config["ignorePaths"]  # real names are never spelling words
    # the template glossary (IMR, used in the sign-off title) and an empty people key
    assert read_words((new / WORDS_FILE).read_text()) == ["IMR"]
    assert edt(new) == []


def test_markdownlint_agrees_with_the_heading_rules(new):
    rules = yaml.safe_load((new / ".markdownlint.yaml").read_text())
    assert rules["MD003"] == {"style": "atx"}  # headings written with #
    assert rules["MD025"]["level"] == 1 and rules["MD041"]["level"] == 1  # the title, once
    assert rules["MD001"] is True  # ## under #, ### under ##
    assert rules["MD007"] == {"indent": 4}  # Python-Markdown's nested lists
    # every template file starts with its level-1 title right after the front matter (MD041)
    for page in sorted((new / "docs").glob("*.md")):
        body = page.read_text().split("---\n", 2)[2].lstrip("\n")
        assert body.startswith("# "), page.name


def test_a_stale_word_list_is_found_and_rewritten(new, capsys):
    (new / "data" / "glossary.yml").write_text("DoLS: Deprivation of Liberty Safeguards\n")
    (new / "data" / "people.yml").write_text(
        "TVN1:\n  name: Siobhan Carrick\n  role: Tissue Viability Nurse\n  agency: Trust\n"
    )
    assert edt(new) == [("EDT001", WORDS_FILE, None)]
    message = next(f.message for f in run_checks(load_case(new)) if f.code == "EDT001")
    assert "it lacks DoLS, TVN1" in message
    assert main(["spelling", str(new)]) == 0
    assert "Wrote 2 word(s)" in capsys.readouterr().out
    assert read_words((new / WORDS_FILE).read_text()) == ["DoLS", "TVN1"]
    assert "Carrick" not in (new / WORDS_FILE).read_text()
    assert edt(new) == []
    (new / "data" / "glossary.yml").write_text("{}\n")
    message = next(f.message for f in run_checks(load_case(new)) if f.code == "EDT001")
    assert "it still has DoLS" in message
    assert main(["spelling", str(new)]) == 0 and edt(new) == []
    assert main(["spelling", str(new)]) == 0
    assert "is up to date" in capsys.readouterr().out


def test_a_case_without_a_word_list_is_not_checked(new):
    (new / WORDS_FILE).unlink()
    (new / "data" / "glossary.yml").write_text("DoLS: Deprivation of Liberty Safeguards\n")
    assert edt(new) == []
