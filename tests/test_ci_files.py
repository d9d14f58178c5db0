"""The CI and pre-commit files `imr new` writes: valid YAML, and every `imr` command in them is
one the tool accepts."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
import yaml

from imr_site.cli import build_parser, main
from imr_site.publish.new_case import template_files

REPO = Path(__file__).resolve().parent.parent
TEMPLATE = REPO / "case_template"
CI_FILES = [".github/workflows/imr.yml", ".gitlab-ci.yml", ".pre-commit-config.yaml"]


def imr_commands(text: str) -> list[list[str]]:
    """Every `imr ...` command line in a shell snippet, as arguments after `imr`."""
    out = []
    for line in text.splitlines():
        if line.strip().startswith(("echo ", "#")):
            continue  # messages and comments, not commands
        for m in re.finditer(r"(?:^|[\s;&|(])imr\s+([^;&|>\n]*)", line):
            args = shlex.split(m.group(1))
            if args:
                out.append(args)
    return out


def shell_snippets(name: str, data) -> list[str]:
    if name.endswith("imr.yml"):
        return [
            step["run"] for job in data["jobs"].values() for step in job["steps"] if "run" in step
        ]
    if name == ".gitlab-ci.yml":
        job = data["imr"]
        return [str(x) for x in job["before_script"] + job["script"]]
    return [h["entry"] for repo in data["repos"] for h in repo["hooks"]]


def assert_valid_command(args: list[str]) -> None:
    parser = build_parser()
    try:
        parser.parse_args(args)
    except SystemExit as e:  # argparse rejects unknown commands and options this way
        pytest.fail(f"`imr {' '.join(args)}` is not a command the tool accepts ({e})")


@pytest.mark.parametrize("name", CI_FILES)
def test_ci_file_is_valid_yaml_and_uses_real_commands(name):
    text = (TEMPLATE / name).read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    assert isinstance(data, dict)
    commands = [c for s in shell_snippets(name, data) for c in imr_commands(s)]
    assert commands, f"{name} runs no imr command"
    for args in commands:
        assert_valid_command(args)
    assert any(c[0] == "check" for c in commands)


def test_ci_runs_check_build_keeps_artifacts_and_fails_on_errors():
    gh = yaml.safe_load((TEMPLATE / ".github/workflows/imr.yml").read_text())
    steps = gh["jobs"]["check-and-build"]["steps"]
    runs = " ".join(s.get("run", "") for s in steps)
    assert "imr check --format github" in runs and "imr build" in runs
    # the PDF needs no system library: pip installs everything
    assert "apt-get" not in runs and "pip install -r .imr/requirements.txt" in runs
    upload = next(s for s in steps if str(s.get("uses", "")).startswith("actions/upload-artifact"))
    assert upload["if"] == "always()" and upload["with"]["path"] == "site/"
    assert "exit 1" in steps[-1]["run"]

    gl = yaml.safe_load((TEMPLATE / ".gitlab-ci.yml").read_text())
    job = gl["imr"]
    assert gl["variables"]["IMR_IMAGE"] == "python:3.12-slim-bookworm"
    assert job["artifacts"]["reports"]["junit"] == "imr-check.xml"
    assert job["artifacts"]["when"] == "always" and "site/" in job["artifacts"]["paths"]
    assert job["script"][-1] == "exit $status"
    assert any("--format junit" in s for s in job["script"])


def test_package_provides_the_pre_commit_hook():
    hooks = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text())
    hook = next(h for h in hooks if h["id"] == "imr-check")
    assert hook["entry"] == "imr check" and hook["language"] == "python"
    assert hook["pass_filenames"] is False
    assert_valid_command(hook["entry"].split()[1:])
    case_hook = yaml.safe_load((TEMPLATE / ".pre-commit-config.yaml").read_text())
    assert case_hook["repos"][0]["hooks"][0]["id"] == "imr-check"


def test_template_ships_the_ci_files():
    shipped = {rel for rel, _ in template_files()}
    assert set(CI_FILES) <= shipped


def test_imr_new_writes_ci_files_schemas_and_modelines(tmp_path, capsys):
    target = tmp_path / "new-case"
    assert main(["new", str(target)]) == 0
    capsys.readouterr()
    for name in CI_FILES:
        assert (target / name).is_file(), name
    for schema in ("chronology", "glossary", "people", "actions", "front-matter"):
        assert (target / ".imr" / "schemas" / f"{schema}.schema.json").is_file()
    data_files = sorted((target / "data").glob("*.yml"))
    assert {"chronology", "glossary", "people", "actions"} <= {p.stem for p in data_files}
    for data in data_files:
        first = data.read_text(encoding="utf-8").split("\n", 1)[0]
        assert first == (
            f"# yaml-language-server: $schema=../.imr/schemas/{data.stem}.schema.json"
        ), data.name
        # the path in the modeline resolves inside the new case
        assert (data.parent / first.split("$schema=")[1]).resolve().is_file()


@pytest.mark.slow
def test_wheel_ships_the_dotfiles_and_schemas(tmp_path):
    import subprocess
    import sys
    import zipfile

    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(tmp_path), str(REPO)],
        check=True,
        capture_output=True,
    )
    names = set(zipfile.ZipFile(next(tmp_path.glob("imr_site-*.whl"))).namelist())
    for name in CI_FILES:
        assert f"imr_site/case_template/{name}" in names
    for schema in ("chronology", "glossary", "people", "actions", "front-matter"):
        assert f"imr_site/review/schemas/{schema}.schema.json" in names
    assert "imr_site/review/templates/status.html" in names
    # every template, stylesheet, script, spec and vendored file beside the code is shipped
    source = REPO / "imr_site"
    data_files = [
        p.relative_to(REPO).as_posix()
        for p in source.rglob("*")
        if p.is_file()
        and p.suffix not in (".py", ".pyc")
        and "case_template" not in p.parts
        and "__pycache__" not in p.parts
    ]
    assert len(data_files) > 20
    missing = [f for f in data_files if f not in names]
    assert not missing, f"files not in the wheel: {missing}"
