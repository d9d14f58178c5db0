"""`imr check` finds what MkDocs warns about while building (a missing picture or file, a broken
link between pages, a link to a missing heading anchor, a nav entry to a missing page), with the
file and the line, and a FINAL build is refused while one is left."""

from __future__ import annotations

import pytest
from conftest import build_site, copy_example, section_file

from imr_site.publish.final import final_build_refusals
from imr_site.review.registry import load_case, run_checks


def _links(findings):
    return [(f.code, f.file, f.line) for f in findings if f.code.startswith("LNK")]


def _append(path, text):
    lines = path.read_text(encoding="utf-8").rstrip("\n").split("\n") + [""]
    path.write_text("\n".join(lines + text.split("\n")) + "\n", encoding="utf-8")
    return len(lines) + 1  # the line the first added line is on


@pytest.fixture
def broken(tmp_path):
    """The example case with one of each kind of broken reference, and where each one is."""
    case = copy_example(tmp_path / "case")
    context = section_file(case, "organisational_context")
    analysis = section_file(case, "analysis")
    rel = lambda p: p.relative_to(case).as_posix()  # noqa: E731
    at = {}
    at["LNK001"] = (rel(context), _append(context, "![Genogram](images/genogram.png)"))
    # a link whose text wraps: the finding is on the line holding the address
    at["LNK002"] = (
        rel(analysis),
        _append(analysis, "See the [summary of\nevents](02-factual-sumary.md) for the dates.") + 1,
    )
    at["LNK003"] = (
        rel(context),
        _append(context, "As the [analysis says](05-analysis.md#q4-quality-of-assesments)."),
    )
    cfg = case / "mkdocs.yml"
    text = cfg.read_text(encoding="utf-8")
    cfg.write_text(text.replace("04-source-documentation.md", "04-sources.md"), encoding="utf-8")
    line = text.split("\n").index(
        next(t for t in text.split("\n") if "04-source-documentation.md" in t)
    )
    at["LNK004"] = ("mkdocs.yml", line + 1)
    return case, at


def test_each_kind_is_a_finding_at_its_file_and_line(broken):
    case, at = broken
    assert _links(run_checks(load_case(case))) == sorted(
        [(code, f, line) for code, (f, line) in at.items()], key=lambda t: (t[1], t[2])
    )


def test_links_that_work_are_not_findings(tmp_path):
    case = copy_example(tmp_path / "case")
    context = section_file(case, "organisational_context")
    (case / "docs" / "images").mkdir()
    (case / "docs" / "images" / "genogram.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    _append(
        context,
        '![Genogram](images/genogram.png "The family")\n\n'
        "[Q4](05-analysis.md#q4-quality-of-assessments-and-decisions), "
        "[R1](06-recommendations.md#rec-R1), [status](review-status.md), "
        "[the Board](https://example.org/missing.png), `[code](nowhere.md)`,\n"
        "[top](#organisational-context), [email](mailto:someone@example.org)\n\n"
        "## Family {#family}\n\nSee [the family](#family).",
    )
    assert _links(run_checks(load_case(case))) == []


def test_a_final_build_is_refused_while_one_is_left(broken):
    case, _ = broken
    loaded = load_case(case)
    reasons = final_build_refusals(loaded, run_checks(loaded))
    assert any("LNK001" in r and "images/genogram.png" in r for r in reasons)


@pytest.mark.expect_warnings
def test_every_link_warning_of_the_build_is_a_finding(broken):
    """What MkDocs warns about, `imr check` has already found: one finding per warning."""
    case, at = broken
    plugin, warnings = build_site(case, pdf=False)
    mkdocs_own = [
        w
        for w in warnings
        if "is not found among documentation files" in w
        or "does not contain an anchor" in w
        or "included in the 'nav' configuration" in w
    ]
    # (MkDocs reports a missing anchor only at INFO level by default; imr check makes it LNK003)
    assert len(mkdocs_own) == 3, warnings
    for needle in ("images/genogram.png", "02-factual-sumary.md", "04-sources.md"):
        assert any(needle in w for w in mkdocs_own), needle
    # the build's own findings (and so its summary) count them
    assert sorted(_links(plugin.findings)) == sorted(
        [(code, f, line) for code, (f, line) in at.items()]
    )


@pytest.mark.expect_warnings
def test_check_and_build_print_the_same_findings_once_and_no_mkdocs_echoes(broken, capsys):
    from imr_site.cli import main

    case, at = broken
    assert main(["check", str(case)]) == 1
    checked = [line for line in capsys.readouterr().out.splitlines() if " LNK00" in line]
    assert len(checked) == 4
    assert main(["build", "--no-pdf", str(case)]) == 1
    captured = capsys.readouterr()
    err, out = captured.err, captured.out
    built = [line.removeprefix("WARNING: ") for line in err.splitlines() if " LNK00" in line]
    assert built == checked
    for echo in (
        "is not found among documentation files",
        "included in the 'nav' configuration",
        "Aborted with a BuildError!",
        "Building documentation",
        "Documentation built in",
    ):
        assert echo not in err
    assert "4 error(s), 0 warning(s)" in out
    # --verbose shows MkDocs' own lines as well
    assert main(["build", "--no-pdf", "--verbose", str(case)]) == 1
    err = capsys.readouterr().err
    assert "is not found among documentation files" in err and "Documentation built in" in err
