"""The findings of the example case and of a generated 10,000-entry case (with a mistake every 97
entries) are the ones stored before issue 16's speed-ups: faster reading, validating and matching
must not add, lose or reword a finding. tests/findings_snapshot.py made the fixtures."""

from __future__ import annotations

import pytest

from tests.findings_snapshot import REPO, findings_of, large_case, stored


def test_example_case_findings_are_unchanged():
    assert findings_of(REPO) == stored("example")


def test_small_damaged_case_findings_are_the_stored_ones_for_its_entries(tmp_path):
    """A 500-entry case damaged the same way, as a quick check in the default run."""
    found = findings_of(large_case(tmp_path / "case", n=500))
    assert found
    assert found == stored("small")


@pytest.mark.slow
def test_large_case_findings_are_unchanged(tmp_path):
    assert findings_of(large_case(tmp_path / "case")) == stored("large")
