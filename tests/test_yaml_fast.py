"""The fast YAML reader (yaml_rs for the values, a scan of the lines for the structure and the
lines) against the loader it stands in for, PyYAML's through yamlio (issue 16).

Whenever the fast reader returns a document, it must be exactly what PyYAML's way gives: the
same values of the same types, and every ``line``, ``key_lines`` and ``item_lines``. Whenever
PyYAML refuses a file, the fast reader must not have read it. Data files are generated
(chronology-, people-, glossary- and actions-shaped, with tricky scalars, comments, block and
multi-line scalars, flow lists, unicode, blank lines, CRLF, BOM and tabs), then mutated.
"""

from __future__ import annotations

import math
import re
import string
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from imr_site.case import yamlfast, yamlio
from imr_site.case.yamlio import LineDict, LineList, YAMLProblem
from imr_site.chronology.io import dump_chronology
from imr_site.chronology.sample import generate_entries

REPO = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.skipif(not yamlfast.AVAILABLE, reason="yaml_rs is not installed")


def _shape(value):
    """The value with its types and lines, so that a lost line number shows as a difference."""
    if isinstance(value, dict):
        items = [(_key(k), _shape(v)) for k, v in value.items()]
        lines = {_key(k): n for k, n in value.key_lines.items()}
        return type(value).__name__, value.line, lines, items
    if isinstance(value, list):
        return type(value).__name__, value.line, value.item_lines, [_shape(v) for v in value]
    if isinstance(value, float) and math.isnan(value):
        return "float", "nan"
    return type(value).__name__, value


def _key(k):
    return type(k).__name__, k


def fast(text: str):
    return yamlfast.read(text, LineDict, LineList, yamlio._plain_scalar, yamlio._RESOLVED_FIRST)


def slow(text: str):
    """What parse_yaml gives without the fast reader: the document, or its YAMLProblem."""
    old, yamlio.FAST = yamlio.FAST, False
    try:
        return yamlio.parse_yaml(text, "data/x.yml")
    finally:
        yamlio.FAST = old


def agree(text: str) -> bool:
    """The fast reader gives what PyYAML gives, or gives nothing; True if it gave the document."""
    try:
        expected = _shape(slow(text))
    except YAMLProblem as e:
        expected = ("refused", e.line, e.message)
    except RecursionError:
        expected = ("too deep",)
    try:
        got = fast(text)
    except yamlfast.Unproven:
        return False
    assert expected[0] != "refused", f"the fast reader read a file PyYAML refuses: {expected}"
    assert _shape(got) == expected
    return True


# --- generated data files -------------------------------------------------------------------

# Plain scalars YAML 1.1 and 1.2 read differently, or that are easy to misread.
TRICKY_PLAIN = [
    "yes", "No", "NO", "on", "Off", "y", "n", "true", "False", "~", "null", "Null", "010",
    "0o17", "0x1F", "0b101", "1_000", "+1", "-2", "1e3", "1.5", ".5", "-.inf", ".NaN", "10:30",
    "1:20:30", "190:20:30", "2024-01-02", "2024-01-02 10:30:00", "2024-02-30", "?2024-03",
    "2024-03", "-x", ":x", "A&E", "S.42", "a:b", "http://example.org/a#b", "DoLS", "Zoë",
    "café", "日本語", "🙂", "a\tb", "GP1", "=", "<<", "a ,b", "x]", "a'b", 'a"b', "1.0e+3",
    "0.", "-0", "+.5", "1__0", "0xZ", "TRUE", "Yes", "nO",
]  # fmt: skip
WORDS = ["Adult", "A", "seen", "at", "home;", "GP1", "visit", "(DN2)", "£20", "é", "100%", "x"]

KEYS = {
    "chronology": ["date", "time", "source", "contact_with", "event", "action", "seq",
                   "key_episode", "references", "comment", "end_time"],
    "actions": ["ref", "recommendations", "action", "agency", "lead", "timescale", "status",
                "immediate", "evidence"],
    "people": ["name", "role", "agency", "aliases", "not_names"],
}  # fmt: skip
LABELS = ["AB", "DN1", "GP2", "NO", "ON", "Y", "1", "A&E", "S.42", "yes", "~", "x y", "0x1F"]


def _plain_text(draw) -> str:
    words = draw(st.lists(st.sampled_from(WORDS), min_size=1, max_size=6))
    return " ".join(words)


@st.composite
def scalar(draw, indent: int) -> list[str]:
    """A value in one of YAML's styles: the text after 'key: ', then any further lines."""
    pad = " " * (indent + draw(st.sampled_from([2, 2, 4])))
    kind = draw(
        st.sampled_from(
            ["plain", "plain", "tricky", "single", "double", "block", "multi", "multi_quoted",
             "flow", "empty", "comment", "own_line", "nested_list", "spaced"]
        )
    )  # fmt: skip
    if kind == "plain":
        return [_plain_text(draw)]
    if kind == "tricky":
        return [draw(st.sampled_from(TRICKY_PLAIN))]
    if kind == "single":
        text = draw(st.one_of(st.sampled_from(TRICKY_PLAIN), st.text(max_size=12)))
        return ["'" + text.replace("'", "''").replace("\n", " ") + "'"]
    if kind == "double":
        pieces = st.sampled_from(["a", " ", "\\n", "\\t", '\\"', "\\\\", "\\x41", "\\u00e9",
                                  "\\U0001F642", "\\/", "\\N", "\\_", "\\e", "#", ": ", "é"])  # fmt: skip
        return ['"' + "".join(draw(st.lists(pieces, max_size=8))) + '"']
    if kind == "block":
        header = draw(st.sampled_from(["|", "|-", "|+", ">", ">-", ">+", "| # note"]))
        body = []
        for _ in range(draw(st.integers(1, 4))):
            line = draw(st.sampled_from(["", "text", "  more indented", "a: b # c", "- x"]))
            body.append(pad + line if line else "")
        return [header, *body]
    if kind == "multi":
        return [_plain_text(draw)] + [
            pad + _plain_text(draw) for _ in range(draw(st.integers(1, 3)))
        ]
    if kind == "multi_quoted":
        q = draw(st.sampled_from(["'", '"']))
        ends = ["", " ", "\\", "''" if q == "'" else '\\"', "  "]
        middle = [
            pad + _plain_text(draw) + draw(st.sampled_from(ends))
            for _ in range(draw(st.integers(0, 2)))
        ]
        gap = [""] if draw(st.booleans()) else []
        return [
            q + _plain_text(draw) + draw(st.sampled_from(ends)),
            *middle,
            *gap,
            pad + _plain_text(draw) + q,
        ]
    if kind == "own_line":
        return [
            "",
            pad + _plain_text(draw),
            *([pad + _plain_text(draw)] if draw(st.booleans()) else []),
        ]
    if kind == "nested_list":
        items = [pad + "- " + _plain_text(draw) for _ in range(draw(st.integers(1, 3)))]
        if draw(st.booleans()):
            items.append(pad + "- - " + draw(st.sampled_from(TRICKY_PLAIN)))
        if draw(st.booleans()):
            items += [pad + "-", pad + "  k: v", pad + "- k: " + _plain_text(draw)]
        return [draw(st.sampled_from(["", "# a comment"])), *items]
    if kind == "flow":
        items = draw(
            st.lists(st.sampled_from(["R1", "R2", "yes", "010", "A&E", "x y"]), max_size=4)
        )
        return ["[" + ", ".join(items) + draw(st.sampled_from(["]", ",]", " ]"]))]
    if kind == "empty":
        return [""]
    if kind == "spaced":
        return [draw(st.sampled_from(["x  ", "'x'  ", '"x" # c', "x\t", "x #", "10:30 # c"]))]
    return [_plain_text(draw) + " # a comment: with colon"]


@st.composite
def mapping_lines(draw, keys: list[str], indent: int, first: str) -> list[str]:
    """A block mapping: its first key after ``first`` ('- ' or indentation), others indented."""
    out = []
    chosen = draw(st.lists(st.sampled_from(keys), min_size=1, max_size=6, unique=True))
    for n, key in enumerate(chosen):
        lead = first if n == 0 else " " * indent
        value = draw(scalar(indent))
        colon = draw(st.sampled_from([":", ":", ":", " :"]))
        out.append(f"{lead}{key}{colon} {value[0]}" if value[0] else f"{lead}{key}{colon}")
        out += value[1:]
        if draw(st.integers(0, 9)) == 0:
            out.append(" " * draw(st.integers(0, indent + 2)) + "# a comment")
    return out


@st.composite
def document(draw) -> str:
    shape = draw(st.sampled_from(["chronology", "actions", "people", "glossary"]))
    lines = ["# A comment at the top: with a colon", ""]
    if shape in ("chronology", "actions"):
        for _ in range(draw(st.integers(1, 5))):
            lines += draw(mapping_lines(KEYS[shape], 2, "- "))
            lines += [""] * draw(st.integers(0, 2))
    elif shape == "people":
        for label in draw(st.lists(st.sampled_from(LABELS), min_size=1, max_size=4, unique=True)):
            lines.append(f"{label}:")
            lines += draw(mapping_lines(KEYS["people"], 2, "  "))
            if draw(st.booleans()):
                lines += ["  aliases:", "  - Sally", "  - 'Mrs Marsh'"]
    else:
        for label in draw(st.lists(st.sampled_from(LABELS), min_size=1, max_size=6, unique=True)):
            key = draw(st.sampled_from([label, f'"{label}"', f"'{label}'"]))
            lines.append(f"{key}: {draw(scalar(0))[0]}".rstrip())
    text = "\n".join(lines) + draw(st.sampled_from(["\n", "", "\n\n"]))
    variant = draw(
        st.sampled_from(["as is"] * 6 + ["crlf", "bom", "tab", "tab_inside", "start", "end"])
    )
    if variant == "crlf":
        text = text.replace("\n", "\r\n")
    elif variant == "bom":
        text = "\ufeff" + text
    elif variant == "tab":
        text = text.replace("\n  ", "\n\t", 1)
    elif variant == "tab_inside":
        text = text.replace(": ", ":\t", 1)
    elif variant == "start":
        text = draw(st.sampled_from(["---\n", "--- # a comment\n", "---  \n", "--- x\n"])) + text
    elif variant == "end":
        text += draw(st.sampled_from(["...\n", "---\n", "---\n- x\n"]))
    return text


PIECES = [
    ":", ": ", "- ", "-", "\n", "\n  ", "  ", " ", "\t", "#", " #", "'", '"', "|", ">", "[", "]",
    "{", "}", ",", "? ", "~", "yes", "010", "10:30", "\\", "\r", "\x85", "\u2028", "é", "x",
]  # fmt: skip


@st.composite
def mutated(draw) -> str:
    text = draw(document())
    for _ in range(draw(st.integers(1, 3))):
        at = draw(st.integers(0, len(text)))
        if draw(st.booleans()):
            text = text[:at] + draw(st.sampled_from(PIECES)) + text[at:]
        else:
            text = text[:at] + text[at + draw(st.integers(1, 6)) :]
    return text


SETTINGS = settings(
    max_examples=400,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@SETTINGS
@given(text=document())
def test_generated_data_files_read_alike(text):
    agree(text)


@SETTINGS
@given(text=mutated())
def test_mutated_data_files_read_alike_or_are_left_to_pyyaml(text):
    agree(text)


@settings(SETTINGS, max_examples=300)
@given(text=st.text(alphabet=string.printable + "éü🙂\u00a0", max_size=80))
def test_any_text_reads_alike_or_is_left_to_pyyaml(text):
    agree(text)


# Data as PyYAML itself writes it: long text wrapped over lines, quoting chosen for each value.
_scalars = st.one_of(
    st.sampled_from(TRICKY_PLAIN),
    st.text(alphabet=string.ascii_letters + " :#'\"-\\é\t\n", max_size=60),
    st.integers(-(10**6), 10**6),
    st.floats(allow_nan=False),
    st.booleans(),
    st.none(),
)
_data = st.recursive(
    _scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(st.one_of(st.sampled_from(LABELS), st.text(max_size=8)), inner, max_size=4),
    ),
    max_leaves=12,
)


@SETTINGS
@given(
    data=_data,
    width=st.integers(20, 100),
    flow=st.sampled_from([False, None]),
    unicode=st.booleans(),
    indent=st.sampled_from([2, 4]),
)
def test_files_pyyaml_writes_read_alike(data, width, flow, unicode, indent):
    text = yaml.safe_dump(
        data,
        width=width,
        default_flow_style=flow,
        allow_unicode=unicode,
        indent=indent,
        sort_keys=False,
    )
    agree(text)


@pytest.mark.slow
@settings(SETTINGS, max_examples=5_000)
@given(text=st.one_of(document(), mutated()))
def test_many_generated_files_read_alike(text):
    agree(text)


def test_most_generated_files_are_read_fast():
    """The generator makes files the fast reader proves (else the tests above say little)."""
    proven = []

    @settings(SETTINGS, max_examples=150)
    @given(text=document())
    def read(text):
        proven.append(agree(text))

    read()
    assert sum(proven) >= len(proven) / 3


# --- real data files ------------------------------------------------------------------------

DATA_FILES = sorted(
    [*REPO.glob("data/*.yml"), *REPO.glob("case_template/data/*.yml")]
    + list(REPO.glob("tests/panel_example/*/data/*.yml"))
)


@pytest.mark.parametrize("path", DATA_FILES, ids=lambda p: str(p.relative_to(REPO)))
def test_the_example_data_files_are_read_fast_and_alike(path):
    assert agree(path.read_text(encoding="utf-8-sig"))


def test_a_generated_chronology_is_read_fast_and_alike():
    assert agree(dump_chronology(generate_entries(300, seed=5)))


# --- what YAML 1.1 and 1.2 read differently: the 1.1 way ------------------------------------


def test_plain_scalars_are_read_the_yaml_1_1_way():
    text = (
        "a: yes\nb: NO\nc: on\nd: 010\ne: 0x1F\nf: 1_000\ng: 10:30\nh: 2024-01-02\ni: ~\n"
        "j: 1.5\nk: .inf\nl: y\nm:\nn: [yes, 010, R1]\n"
    )
    got = fast(text)
    assert got == {
        "a": True, "b": False, "c": True, "d": 8, "e": 31, "f": 1000, "g": "10:30",
        "h": "2024-01-02", "i": None, "j": 1.5, "k": math.inf, "l": "y", "m": None,
        "n": [True, 8, "R1"],
    }  # fmt: skip
    assert _shape(got) == _shape(slow(text))


def test_keys_read_as_yes_no_stay_so():
    """The glossary's GLO004 and the people key's PPL check need NO: read as False."""
    text = 'NO: Nitrous oxide\n"ON": Ontario\nY: Yes\n'
    got = fast(text)
    assert list(got) == [False, "ON", "Y"]
    assert got.key_lines == {False: 1, "ON": 2, "Y": 3}


def test_multi_line_and_block_scalars_keep_their_lines():
    text = (
        "- date: 2024-01-02\n"
        "  event: a long\n"
        "    text over\n"
        "\n"
        "    three lines\n"
        "  action: >-\n"
        "    folded\n"
        "    text\n"
        "  comment: 'quoted\n"
        "    over two'\n"
        "  decision: |\n"
        "    kept\n"
        "      as is\n"
        "-\n"
        "- # nothing but a comment\n"
        "  seq: 3\n"
    )
    got = fast(text)
    assert got[0]["event"] == "a long text over\nthree lines"
    assert got[0].key_lines == {
        "date": 1, "event": 2, "action": 6, "comment": 9, "decision": 11,
    }  # fmt: skip
    assert got.item_lines == [1, 14, 16]
    assert _shape(got) == _shape(slow(text))


# --- each reason to leave a file to PyYAML --------------------------------------------------

LEFT_TO_PYYAML = {
    "a tag": "a: !!str 12\n",
    "a custom tag": "a: !foo bar\n",
    "a complex key": "? a\n: b\n",
    "a flow mapping": "a: {b: 1}\n",
    "a flow list over two lines": "a: [1,\n  2]\n",
    "a nested flow list": "a: [[1]]\n",
    "a quoted flow item": "a: ['x']\n",
    "a document marker with a value": "--- a\n",
    "two documents": "a: 1\n---\nb: 2\n",
    "a document marker after a comment line": "# c\n--- !x\na: 1\n",
    "a document end": "a: 1\n...\n",
    "a directive": "%YAML 1.1\n---\na: 1\n",
    "CRLF line ends": "a: 1\r\nb: 2\r\n",
    "NEL, a YAML 1.1 line break": "a: x\x85y\n",
    "a line separator": "a: x\u2028y\n",
    "a byte-order mark inside": "a: 1\n\ufeffb: 2\n",
    "a control character": "a: x\x07y\n",
    "a tab for indentation": "a:\n\tb: 1\n",
    "a tab after the colon": "a:\tb\n",
    "a duplicate key": "a: 1\na: 2\n",
    "keys YAML 1.1 reads as the same": "yes: 1\non: 2\n",
    "a merge key": "a:\n  <<: x\n",
    "a value '='": "a: =\n",
    "an octal written 0o": "a: 0o17\n",
    "a top-level scalar": "just text\n",
    "a top-level null": "~\n",
    "an indented document": "  a: 1\n",
    "a block scalar's indentation indicator": "a: |2\n   x\n",
    "a blank line wider than a block scalar": "a: |\n      \n  x\n",
    "an empty block scalar": "a: |\nb: 1\n",
    "a block scalar with no line break at the end": "a: |\n  text",
    "a mapping inside a value": "a: b: c\n",
    "a value ending in a colon": "a: b:\n",
    "a list on its key's line": "a: - b\n",
    "a comment inside a continued scalar": "a: x\n  # c\n  y\n",
    "text after a closing quote": "a: 'x' y\n",
    "a comment straight after a quote": "a: 'x'#c\n",
    "an unclosed quote": "a: 'x\n",
    "a surrogate escape": 'a: "\\ud83d\\ude42"\n',
    "an unknown escape": 'a: "\\q"\n',
    "a wrong indentation": "a:\n  b: 1\n c: 2\n",
    "a key over-indented": "a: 1\n  b: 2\n",
    "an anchorless star in text": "a: x\n  *y\n",
}


@pytest.mark.parametrize("text", LEFT_TO_PYYAML.values(), ids=LEFT_TO_PYYAML.keys())
def test_files_the_fast_reader_leaves_to_pyyaml(text):
    with pytest.raises(yamlfast.Unproven):
        fast(text)
    # and parse_yaml still gives PyYAML's answer, or its error with the line
    try:
        expected = _shape(slow(text))
    except YAMLProblem as e:
        with pytest.raises(YAMLProblem) as got:
            yamlio.parse_yaml(text, "data/x.yml")
        assert (got.value.line, got.value.message) == (e.line, e.message)
    else:
        assert _shape(yamlio.parse_yaml(text, "data/x.yml")) == expected


def test_deep_nesting_never_reaches_the_rust_parser(monkeypatch):
    """yaml_rs crashes the process on about 20,000 levels of nesting: the scan refuses first."""

    def crash(*args, **kwargs):
        raise AssertionError("yaml_rs was called")

    monkeypatch.setattr(yamlfast.yaml_rs, "loads", crash)
    deep = "".join(" " * i + "-\n" for i in range(1100))
    with pytest.raises(yamlfast.Unproven):
        fast(deep)
    with pytest.raises(yamlfast.Unproven):
        fast("- " * 600 + "x\n")


def test_a_panic_in_the_rust_parser_leaves_the_file_to_pyyaml(monkeypatch):
    class PanicException(BaseException):  # what pyo3 raises for a Rust panic
        pass

    def panic(*args, **kwargs):
        raise PanicException("index out of bounds")

    monkeypatch.setattr(yamlfast.yaml_rs, "loads", panic)
    assert yamlio.parse_yaml("a: 1\n") == {"a": 1}


def test_without_yaml_rs_pyyaml_reads_everything_and_says_so(monkeypatch):
    monkeypatch.setattr(yamlfast, "yaml_rs", None)
    monkeypatch.setattr(yamlfast, "AVAILABLE", False)
    with pytest.raises(yamlfast.Unproven):
        fast("a: 1\n")
    got = yamlio.parse_yaml("a: 1\nb: [x]\n")
    assert got == {"a": 1, "b": ["x"]} and got.key_lines == {"a": 1, "b": 2}
    assert "yaml_rs is not installed" in yamlio.reader()
    with pytest.raises(YAMLProblem) as e:
        yamlio.parse_yaml("a: b: c\n", "data/x.yml")
    assert e.value.line == 1


def test_reader_names_yaml_rs_when_it_is_used():
    assert yamlio.reader().startswith("yaml_rs ")


def test_anchors_are_still_refused_before_any_parser_runs(monkeypatch):
    monkeypatch.setattr(yamlfast, "read", None)  # never reached
    with pytest.raises(YAMLProblem) as e:
        yamlio.parse_yaml("a: &x 1\nb: *x\n", "data/x.yml")
    assert e.value.line == 1 and "anchor" in e.value.message


def test_the_letter_shortcut_matches_pyyaml_resolvers():
    """_plain_scalar treats text of over five characters starting with a letter as text: only
    yes/no and null resolvers start with a letter, and none of their words is that long."""
    for first, resolvers in yaml.resolver.Resolver.yaml_implicit_resolvers.items():
        if first.isalpha():
            for tag, regexp in resolvers:
                assert tag.rsplit(":", 1)[1] in ("bool", "null")
                assert max(len(w) for w in re.findall(r"[A-Za-z~]+", regexp.pattern)) <= 5
    for word in ["yes", "Yes", "NO", "on", "OFF", "true", "False", "null", "NULL", "y", "n"]:
        assert yamlio._plain_scalar(word) == yaml.safe_load(f"x: {word}")["x"]


def test_a_document_start_line_is_read_fast():
    text = "# the people key\n---\nAB:\n  name: Agnes\n"
    got = fast(text)
    assert got == {"AB": {"name": "Agnes"}} and got.key_lines == {"AB": 3}
    assert _shape(got) == _shape(slow(text))


def test_imr_check_verbose_says_how_yaml_files_are_read(capsys, monkeypatch):
    from imr_site.cli import main

    main(["check", str(REPO), "-v", "--format", "json"])
    out, err = capsys.readouterr()
    assert "YAML files are read with yaml_rs" in err
    assert out.startswith("{")  # the JSON on stdout is untouched
    monkeypatch.setattr(yamlfast, "AVAILABLE", False)
    main(["check", str(REPO), "-v"])
    assert "yaml_rs is not installed" in capsys.readouterr().err


DOCTORED = {
    "a key changed": ("a: 1\nb: 2\n", {"a": 1, "c": 2}),
    "keys in another order": ("a: 1\nb: 2\n", {"b": 2, "a": 1}),
    "a key missing": ("a: 1\nb: 2\n", {"a": 1}),
    "a key more": ("a: 1\n", {"a": 1, "b": 2}),
    "plain text changed": ("a: some text\n", {"a": "other text"}),
    "double-quoted text changed": ('a: "text"\n', {"a": "texT"}),
    "single-quoted text changed": ("a: 'it''s'\n", {"a": "it''s"}),
    "a number changed": ("a: 12\n", {"a": 13}),
    "a number for text": ("a: x12\n", {"a": 12}),
    "an item more": ("- a\n- b\n", ["a", "b", "c"]),
    "an item less": ("- a\n- b\n", ["a"]),
    "a list for a mapping": ("a: 1\n", [1]),
    "a mapping for a list": ("- a\n", {"a": None}),
    "a list on its key's line": ("a: - b\n", {"a": ["b"]}),
    "a flow item changed": ("a: [R1, R2]\n", {"a": ["R1", "R3"]}),
    "a flow item more": ("a: [R1, R2]\n", {"a": ["R1", "R2", "R3"]}),
    "an empty flow mapping not empty": ("a: {}\n", {"a": {"b": 1}}),
    "a block scalar as a number": ("a: |\n  12\n", {"a": 12}),
    "a value for an empty one": ("a:\nb: 1\n", {"a": "x", "b": 1}),
}


@pytest.mark.parametrize(("text", "theirs"), DOCTORED.values(), ids=DOCTORED.keys())
def test_what_yaml_rs_says_is_checked_against_the_text(monkeypatch, text, theirs):
    """Were yaml_rs to read a file otherwise than the scan does, the fast reader gives up."""
    monkeypatch.setattr(yamlfast.yaml_rs, "loads", lambda *args, **kwargs: theirs)
    with pytest.raises(yamlfast.Unproven):
        fast(text)


@settings(SETTINGS, max_examples=300)
@given(text=st.text(max_size=40))
def test_the_character_check_is_the_pattern_over_the_whole_text(text):
    """The quick check (the UTF-8 less its allowed ASCII bytes) finds what the pattern finds."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        assert yamlfast._odd_character(text)
        return
    assert yamlfast._odd_character(text) == bool(yamlfast._ODD_CHARACTER.search(text))
