"""`imr build` says each thing once: the case's findings, what was written, and why a build
stopped; MkDocs' own lines that repeat them are shown only with --verbose."""

from __future__ import annotations

import pytest
from case_factory import write_case

from imr_site.cli import main


@pytest.mark.expect_warnings
def test_a_leak_is_told_once(tmp_path, capsys):
    case = write_case(tmp_path / "case", edition="anonymised")
    (case / "docs" / "index.md").write_text(
        '# About\n\n<span title="Sarah Marsh"></span>\n', encoding="utf-8"
    )
    assert main(["build", "--no-pdf", str(case)]) == 1
    err = capsys.readouterr().err
    assert err.count("The anonymised edition would identify someone") == 1
    assert err.count("ANO002") == 1
    assert "Aborted with a BuildError!" not in err
    assert main(["build", "--no-pdf", "--verbose", str(case)]) == 1
    # MkDocs' own ERROR line says it again
    assert capsys.readouterr().err.count("The anonymised edition would identify someone") == 2
