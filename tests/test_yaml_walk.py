"""yamlio builds documents by walking libyaml's nodes directly (issue 16): the values, their types
and every remembered line must be what PyYAML's general construction gives."""

from __future__ import annotations

import pytest
import yaml

from imr_site.case import yamlio
from imr_site.chronology.io import dump_chronology
from imr_site.chronology.sample import generate_entries


class _General(yamlio._LineLoader):
    construct_document = yaml.constructor.BaseConstructor.construct_document


def _general(text: str):
    return yaml.load(text, Loader=_General)  # noqa: S506 - a SafeLoader


def _shape(value):
    """The value with its types and lines, so that a lost line number shows as a difference."""
    if isinstance(value, dict):
        items = {repr(k): _shape(v) for k, v in value.items()}
        return type(value).__name__, value.line, value.key_lines, items
    if isinstance(value, list):
        return type(value).__name__, value.line, value.item_lines, [_shape(v) for v in value]
    return type(value).__name__, value


DOCUMENTS = [
    dump_chronology(generate_entries(200, seed=3)),
    "t: 10:30\nd: 2024-01-02\nb: yes\nn: ~\nf: 1.5\ni: 010\nq: 'yes'\n",
    "- 1\n- [2, {a: b}]\n- {}\n- []\n",
    "{1: a, x: b, null: c}\n",
    "m: {<<: {x: 1}, y: 2}\n",
    "s: !!set {a, b}\n",
    "k: !!str 12\nbin: !!binary aGVsbG8=\n",
    "",
    "plain text\n",
]


@pytest.mark.parametrize("text", DOCUMENTS)
def test_walk_gives_what_pyyaml_gives(text):
    assert _shape(yamlio.parse_yaml(text)) == _shape(_general(text))


@pytest.mark.parametrize(
    ("text", "line"),
    [("a: 1\nb: 2\na: 3\n", 3), ("x:\n  ? [1]\n  : y\n", 2), ("x: !foo bar\n", 1)],
)
def test_walk_reports_the_same_problems_at_the_same_line(text, line):
    with pytest.raises(yamlio.YAMLProblem) as walked:
        yamlio.parse_yaml(text, "data/x.yml")
    assert walked.value.line == line
    with pytest.raises(yaml.YAMLError):
        _general(text)
