"""The `imr` command: output formats, exit codes, and unreadable cases (exit 2, never a traceback)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from conftest import copy_example, section_file

from imr_site.cli import main


def run_imr(*args, cwd=None):
    return subprocess.run(
        [sys.executable, "-m", "imr_site.cli", *args], capture_output=True, text=True, cwd=cwd
    )


@pytest.fixture
def case_dir(tmp_path):
    return copy_example(tmp_path / "case")


def test_check_clean_case_text_and_json(case_dir, capsys):
    assert main(["check", str(case_dir)]) == 0
    assert "No findings" in capsys.readouterr().out
    assert main(["check", str(case_dir), "--format", "json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["findings"] == []
    assert out["summary"]["total"] == 0


def test_check_json_shape_and_exit_1_on_errors(case_dir, capsys):
    path = section_file(case_dir, "factual_summary")
    path.write_text(
        path.read_text(encoding="utf-8") + "\n[Write here: summary]\n", encoding="utf-8"
    )
    assert main(["check", str(case_dir), "--format", "json"]) == 1
    out = json.loads(capsys.readouterr().out)
    assert set(out) == {"findings", "summary"}
    (f,) = out["findings"]
    assert set(f) == {"code", "severity", "file", "line", "message"}
    assert (f["code"], f["severity"], f["file"]) == (
        "HDG005",
        "error",
        path.relative_to(case_dir).as_posix(),
    )
    assert out["summary"]["error"] == 1


def unusable(result, *expected):
    assert result.returncode == 2, result.stdout + result.stderr
    out = result.stdout + result.stderr
    assert "Traceback" not in out
    for text in expected:
        assert text in out, out
    return out


def test_missing_mkdocs_yml(tmp_path):
    unusable(run_imr("check", str(tmp_path)), "no mkdocs.yml", "imr new")


def test_mkdocs_yml_not_utf8_is_one_message_with_its_line(case_dir):
    """A mkdocs.yml saved as Latin-1 once stopped imr with a UnicodeDecodeError traceback."""
    cfg = case_dir / "mkdocs.yml"
    text = cfg.read_text(encoding="utf-8")
    cfg.write_bytes(text.encode("utf-8") + "# café\n".encode("latin-1"))
    line = text.count("\n") + 1
    unusable(run_imr("check", str(case_dir)), f"mkdocs.yml:{line}", "not UTF-8", "save it as UTF-8")


def test_malformed_front_matter(case_dir):
    path = section_file(case_dir, "learning")
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("---\n", "---\ntitle: [unclosed\n", 1), encoding="utf-8")
    rel = path.relative_to(case_dir).as_posix()
    unusable(run_imr("check", str(case_dir)), f"{rel}:3", "began on line 2", "front matter")


def test_front_matter_never_closed(case_dir):
    path = case_dir / "docs" / "zz.md"
    path.write_text("---\nsection: learning\n# Learning\n", encoding="utf-8")
    unusable(run_imr("check", str(case_dir)), "docs/zz.md:1", "never closed")


def test_yaml_syntax_error_in_data(case_dir):
    path = case_dir / "data" / "glossary.yml"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines.insert(3, "BROKEN: [a, b")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = unusable(run_imr("check", str(case_dir)), "data/glossary.yml:")
    assert "YAML syntax error" in out


def test_data_file_inside_docs_is_refused(case_dir):
    (case_dir / "docs" / "people.yml").write_text("AB: {name: Someone}\n", encoding="utf-8")
    unusable(run_imr("check", str(case_dir)), "docs/people.yml", "Move it")
    # and the build refuses too, writing nothing
    result = run_imr("build", str(case_dir), "--no-pdf")
    unusable(result, "docs/people.yml")
    assert not (case_dir / "site" / "people.yml").exists()


def test_unknown_section_id_is_an_error_not_silence(case_dir, capsys):
    (case_dir / "docs" / "zz.md").write_text(
        "---\nsection: learnin\n---\n# X\n\nY.\n", encoding="utf-8"
    )
    assert main(["check", str(case_dir)]) == 1
    out = capsys.readouterr().out
    assert "docs/zz.md:2" in out and "SEC003" in out


def test_new_case_builds_at_once_with_findings(tmp_path):
    target = tmp_path / "my-imr"
    assert main(["new", str(target)]) == 0
    assert (target / "mkdocs.yml").is_file()
    assert (target / "data" / "chronology.yml").is_file()
    result = run_imr("check", str(target), "--format", "json")
    assert result.returncode == 1
    found = json.loads(result.stdout)["findings"]
    assert any(f["code"] == "HDG005" for f in found)  # the guidance prompts are still in
    built = run_imr("build", str(target), "--no-pdf")
    assert built.returncode == 1, built.stderr
    assert (target / "site" / "index.html").is_file()


def test_new_refuses_a_folder_with_files(tmp_path, capsys):
    (tmp_path / "x").mkdir()
    (tmp_path / "x" / "notes.txt").write_text("mine")
    assert main(["new", str(tmp_path / "x")]) == 2
    assert (tmp_path / "x" / "notes.txt").read_text() == "mine"


def _serve(case_dir, *extra: str) -> tuple[str, int]:
    """Start `imr serve`, wait for the home page, and ask for the restricted PDF: returns the
    home page and the PDF's HTTP status."""
    import socket
    import time
    import urllib.error
    import urllib.request

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "imr_site.cli",
            "serve",
            str(case_dir),
            "--dev-addr",
            f"127.0.0.1:{port}",
            *extra,
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        body = None
        while time.monotonic() < deadline and body is None:
            try:
                with urllib.request.urlopen(f"{base}/", timeout=2) as r:
                    body = r.read().decode()
            except OSError:
                if proc.poll() is not None:
                    break
                time.sleep(0.3)
        assert body is not None, "imr serve did not answer"
        try:
            with urllib.request.urlopen(f"{base}/SAR-2025-014-restricted.pdf", timeout=10) as r:
                status = r.status
        except urllib.error.HTTPError as e:
            status = e.code
        return body, status
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def test_serve_previews_the_case_without_the_pdf(case_dir):
    """`imr serve` starts a live preview on localhost, and makes no PDF while serving."""
    body, pdf_status = _serve(case_dir)
    assert "imr-banner" in body
    assert pdf_status == 404


def test_serve_makes_the_pdf_when_asked(case_dir):
    body, pdf_status = _serve(case_dir, "--pdf")
    assert "imr-banner" in body
    assert pdf_status == 200
