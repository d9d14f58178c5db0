"""The Markdown features a new case and the example switch on (tables, footnotes, admonitions,
definition lists, attribute lists, abbreviations) render on the site and print in the PDF."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent
FEATURES = ["tables", "footnotes", "admonition", "def_list", "attr_list", "abbr"]


def _extensions(text: str) -> set[str]:
    cfg = yaml.load(text, Loader=yaml.BaseLoader)  # noqa: S506  (no tags are constructed)
    return {e if isinstance(e, str) else next(iter(e)) for e in cfg["markdown_extensions"]}


def test_template_and_example_switch_them_on():
    template = resources.files("imr_site.case_template") / "mkdocs.yml"
    assert set(FEATURES) <= _extensions(template.read_text(encoding="utf-8"))
    assert set(FEATURES) <= _extensions((REPO / "mkdocs.yml").read_text(encoding="utf-8"))


def test_the_readme_lists_each_with_a_sample():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    for feature, sample in [
        ("tables", "|---|"),
        ("footnotes", "[^1]: "),
        ("admonition", '!!! note "'),
        ("def_list", ":   The record"),
        ("attr_list", "{: .note }"),
        ("abbr", "*[EPR]: "),
    ]:
        assert f"`{feature}`" in readme and sample in readme, feature


def test_each_renders_in_the_html(built_example):
    html = built_example.html("source_documentation")
    assert "<table>" in html
    assert 'class="footnote"' in html and 'href="#fn:policy-review"' in html
    assert "<dl>" in html and "<dt>Agreed record</dt>" in html
    assert 'class="imr-aside"' in html and "{: .imr-aside }" not in html
    assert '<abbr title="Patient Safety Incident Response Framework">PSIRF</abbr>' in html
    assert "*[PSIRF]" not in html
    assert '<div class="admonition note">' in html


def test_each_prints_in_the_pdf(built_example):
    text = " ".join(built_example.pdf_text.split())
    assert "[^policy-review]" not in text and "version 6 was in force throughout" in text
    assert "Agreed record" in text and "read and agreed by the member of staff" in text
    assert "{: .imr-aside }" not in text and "IMRs and are not analysed here." in text
    assert "*[PSIRF]" not in text
    assert "DN3: from the records only" in text and "!!! note" not in text
    assert "CPN1 Community Psychiatric Nurse, Older Adults CMHT" in text  # a table row
