"""The fictional three-agency review panel in tests/panel_example/, copied for a test: the GP
practice is a case folder, the community health trust a Git repository tagged v1.0, adult
social care sends spreadsheets."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

EXAMPLE = Path(__file__).parent / "panel_example"
GPP, CHT, ASC = (
    "Northbridge Medical Practice",
    "Northbridge Community Health NHS Trust",
    "Northbridge Adult Social Care",
)


def _git(repo: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-C", str(repo), "-c", "user.email=t@example.org", "-c", "user.name=T", *args],
        check=True,
        capture_output=True,
        text=True,
    ).stdout


@pytest.fixture(name="panel")
def panel_fixture(tmp_path) -> Path:
    """A copy of the example, unmerged: returns the panel case's folder."""
    root = tmp_path / "panel_example"
    shutil.copytree(EXAMPLE, root)
    repo = root / "community-health"
    _git(repo, "init", "-q")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-qm", "IMR submitted")
    _git(repo, "tag", "v1.0")
    return root / "panel"
