"""`imr check` starts quickly because it imports only what checking needs (issue 16): not MkDocs,
Jinja, the print path (Typst, the PDF readers) or jsonschema (loaded only to explain a data file
the compiled validator rejects)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.conftest import REPO

# Python-Markdown is not among them: the check reads links, anchors (its slugify) and pasted HTML
# as the build will render them, so it needs the same Markdown.
HEAVY = ["mkdocs", "material", "jinja2", "typst", "pikepdf", "pypdfium2", "openpyxl"]


def _after_check(case_dir, modules: str = "{m.split('.')[0] for m in sys.modules}") -> list:
    """The names of the modules loaded once `imr check` has run in a fresh Python (``modules``
    says which of sys.modules' names, and how)."""
    code = (
        "import json, sys\n"
        "from imr_site.cli import main\n"
        f"main(['check', {str(case_dir)!r}, '--format', 'json'])\n"
        f"print(json.dumps(sorted({modules})), file=sys.stderr)\n"
    )
    p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert p.returncode == 0, p.stderr
    return json.loads(p.stderr.strip().splitlines()[-1])


def _modules_after_check(case_dir) -> set[str]:
    return set(_after_check(case_dir))


def test_check_of_a_clean_case_imports_no_build_or_print_library():
    loaded = _modules_after_check(REPO)
    assert "imr_site" in loaded
    assert loaded.isdisjoint(HEAVY + ["jsonschema"]), sorted(loaded & set(HEAVY + ["jsonschema"]))


def test_check_imports_no_other_command_and_no_build_code():
    loaded = _after_check(REPO, "m for m in sys.modules if m.startswith('imr_site.')")
    assert [m for m in loaded if m.startswith("imr_site.cli.")] == [
        "imr_site.cli.check",
        "imr_site.cli.exit_codes",
    ]
    assert not [m for m in loaded if m.startswith("imr_site.publish")]


def _commands(parser) -> list[str]:
    return [c for a in parser._subparsers._group_actions for c in a.choices]


def test_each_command_is_found_in_its_own_group():
    from imr_site.cli import COMMAND_GROUPS, _groups_for, build_parser

    everything = _commands(build_parser())
    by_group = {g: _commands(build_parser([g])) for g in COMMAND_GROUPS}
    assert [c for g in COMMAND_GROUPS for c in by_group[g]] == everything
    for group, commands in by_group.items():
        for command in commands:
            assert _groups_for([command, "--help"]) == [group]
    assert "verify" in by_group["sign"]
    for argv in ([], ["--help"], ["-h", "check"], ["chek"]):
        assert _groups_for(argv) is None  # every command, for the list or the error


def test_an_unknown_command_lists_them_all(capsys):
    from imr_site.cli import main

    with pytest.raises(SystemExit):
        main(["chek"])
    err = capsys.readouterr().err
    assert "invalid choice: 'chek'" in err and "'verify'" in err and "'spelling'" in err


def test_only_the_imr_check_process_skips_the_last_collection(tmp_path, monkeypatch, capsys):
    """`imr check` freezes what it made before it ends (Python's final collection would walk the
    whole case); a call of main() with arguments (a test, a library) and any other command do not."""
    import gc

    from imr_site.cli import main

    frozen = []
    monkeypatch.setattr(gc, "freeze", lambda: frozen.append(True))
    missing = str(tmp_path / "no-case")
    assert main(["check", missing]) == 2
    assert frozen == []
    monkeypatch.setattr(sys, "argv", ["imr", "spelling", missing])
    assert main() == 2
    assert frozen == []
    monkeypatch.setattr(sys, "argv", ["imr", "check", missing])
    assert main() == 2
    assert frozen == [True]
    capsys.readouterr()


def test_imr_check_as_a_process_gives_its_findings_and_exit_code(tmp_path):
    broken = tmp_path / "case"
    broken.mkdir()
    (broken / "mkdocs.yml").write_text("site_name: [unclosed\n", encoding="utf-8")
    for case, code in ((REPO, 0), (broken, 2)):
        p = subprocess.run(
            [sys.executable, "-m", "imr_site.cli", "check", str(case), "--format", "json"],
            capture_output=True,
            text=True,
            check=False,
        )
        assert p.returncode == code, p.stderr
        assert isinstance(json.loads(p.stdout), (dict, list))
