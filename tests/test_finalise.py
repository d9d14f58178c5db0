"""`imr finalise`: every section marked final in one step, nothing else in the files changed, and
refused (nothing written) while any error finding remains."""

from __future__ import annotations

from complete_case import write_case

from imr_site.cli import main
from imr_site.review.registry import load_case
from imr_site.sections.finalise import with_status


def _files(root):
    return {p.name: p.read_bytes() for p in sorted((root / "docs").glob("*.md"))}


def test_marks_every_section_final_changing_only_the_status(tmp_path, capsys):
    root = write_case(tmp_path / "case", status="in review")
    learning = next((root / "docs").glob("*-learning.md"))
    # a comment on the status line and Windows line endings are kept
    learning.write_bytes(
        learning.read_bytes()
        .replace(b"status: in review", b"status: draft   # ask TL1")
        .replace(b"\n", b"\r\n")
    )
    before = _files(root)
    assert main(["finalise", str(root)]) == 0
    out = capsys.readouterr().out
    after = _files(root)
    case = load_case(root)
    written = [s for s in case.spec.sections if case.section(s.id) is not None]
    assert {s.id for s in case.spec.sections if s.required} <= {s.id for s in written}
    assert {case.section(s.id).status for s in written} == {"final"}
    for name, old in before.items():
        if name == "index.md":
            assert after[name] == old
        elif name == learning.name:
            assert after[name] == old.replace(b"status: draft   #", b"status: final   #")
        else:
            assert after[name] == old.replace(b"status: in review", b"status: final")
    assert f"{len(written)} section(s) marked final" in out
    # a second run changes nothing
    assert main(["finalise", str(root)]) == 0
    assert "0 section(s) marked final" in capsys.readouterr().out
    assert _files(root) == after


def test_refused_with_the_error_findings_while_any_remain(tmp_path, capsys):
    root = write_case(tmp_path / "case", status="draft")
    analysis = next((root / "docs").glob("*-analysis.md"))
    analysis.write_text(analysis.read_text() + "\nSeen by XX.\n", encoding="utf-8")
    before = _files(root)
    assert main(["finalise", str(root)]) == 1
    err = capsys.readouterr().err
    assert "PLH001" in err and analysis.name in err and "No section was marked final" in err
    assert _files(root) == before


def test_a_missing_status_line_is_added_after_section():
    assert with_status(b"---\nsection: date\ndate: 2025-01-01\n---\n# 9. Date\n", "final") == (
        b"---\nsection: date\nstatus: final\ndate: 2025-01-01\n---\n# 9. Date\n"
    )
    assert with_status(b"# No front matter\n", "final") is None
