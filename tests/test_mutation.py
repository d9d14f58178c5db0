"""Mutation testing of the escaping in the print path (scripts/mutation.py): every deliberate
bug in the Typst escaper is caught. Slow (a few minutes); the other groups are run by hand."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from conftest import REPO

pytestmark = pytest.mark.slow


def test_every_mutant_of_the_typst_escaper_is_killed():
    run = subprocess.run(
        [sys.executable, str(REPO / "scripts" / "mutation.py"), "escaping"],
        capture_output=True,
        text=True,
        timeout=3600,
    )
    report = json.loads((REPO / "build" / "mutation" / "report.json").read_text())["escaping"]
    assert report["total"] > 20, run.stdout + run.stderr
    survivors = [s for m in report["modules"].values() for s in m["survived"]]
    assert survivors == [], run.stdout
    assert run.returncode == 0
