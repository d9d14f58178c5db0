"""The suite's own guard: a test that needs a system tool never passes by skipping in CI."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

pytest_plugins = ["pytester"]

CONFTEST = Path(__file__).with_name("conftest.py")

# The project's conftest, loaded under another name in the scratch test folder.
SCRATCH_CONFTEST = f"""
import importlib.util
import sys

spec = importlib.util.spec_from_file_location("imr_conftest", {str(CONFTEST)!r})
imr = importlib.util.module_from_spec(spec)
sys.modules["imr_conftest"] = imr
spec.loader.exec_module(imr)
pytest_terminal_summary = imr.pytest_terminal_summary
"""

NEEDS_CHROMIUM = """
import sys

def test_browser():
    path = sys.modules["imr_conftest"].chromium()
    assert path
"""


@pytest.fixture
def scratch(pytester, monkeypatch):
    pytester.makeconftest(SCRATCH_CONFTEST)
    pytester.makepyfile(test_needs=NEEDS_CHROMIUM)
    monkeypatch.setenv("CHROMIUM", str(pytester.path / "no-such-chromium"))
    return pytester


def test_a_missing_tool_skips_locally_and_says_so(scratch, monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    result = scratch.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(skipped=1)
    result.stdout.fnmatch_lines(["*tests skipped: tools missing*", "Chromium is not installed*"])


def test_a_missing_tool_fails_in_ci(scratch, monkeypatch):
    monkeypatch.setenv("CI", "true")
    result = scratch.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*Chromium is not installed*CI must run every test*"])


def test_chromium_is_found_on_path_or_by_name(monkeypatch, tmp_path):
    """$CHROMIUM names it; otherwise `chromium` or `chromium-browser` on PATH, wherever it is."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("imr_conftest_probe", CONFTEST)
    imr = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, spec.name, imr)
    spec.loader.exec_module(imr)
    monkeypatch.delenv("CHROMIUM", raising=False)
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    browser = bin_dir / "chromium-browser"
    browser.write_text("#!/bin/sh\n")
    browser.chmod(0o755)
    monkeypatch.setenv("PATH", str(bin_dir))
    assert imr.find_chromium() == str(browser)
    monkeypatch.setenv("CHROMIUM", str(browser))
    assert imr.find_chromium() == str(browser)
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    monkeypatch.delenv("CHROMIUM")
    assert imr.find_chromium() is None
