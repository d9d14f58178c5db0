"""Safe YAML reading that remembers where things were written.

Findings must name the line an author wrote, so every mapping and list read from a data file
remembers its own line and the line of each of its keys/items. Loading is always safe (no object
construction). parse_yaml first tries the fast reader (yamlfast: yaml_rs's values, lines from a
scan, proved to be what this module's loader gives); anything it cannot vouch for is read here,
with libyaml's C parser when PyYAML has it.
"""

from __future__ import annotations

import functools
import hashlib
import os
import re
from pathlib import Path

import yaml

from imr_site.case import yamlfast

try:
    _Base = yaml.CSafeLoader
except AttributeError:  # PyYAML built without libyaml
    _Base = yaml.SafeLoader


class LineDict(dict):
    """A mapping read from YAML, with ``line`` (1-based) and ``key_lines``."""

    line: int = 0
    key_lines: dict

    def line_of(self, key) -> int:
        return self.key_lines.get(key, self.line)


class LineList(list):
    """A list read from YAML, with ``line`` and ``item_lines``."""

    line: int = 0
    item_lines: list


_STR, _MAP, _SEQ = (f"tag:yaml.org,2002:{t}" for t in ("str", "map", "seq"))


class _NodeAgain(Exception):
    """A node met twice (an alias), or a kind the direct walk leaves to PyYAML."""


class _LineLoader(_Base):
    def construct_document(self, node):
        """The document built by walking libyaml's nodes directly, with the same constructors
        as below: a 10,000-entry chronology in well under half the time PyYAML's general
        machinery takes. Anything unusual (an alias, a tag such as !!set) goes PyYAML's way."""
        self._walked: set[int] = set()
        try:
            data = self._build(node)
        except _NodeAgain:
            data = None
        self.constructed_objects = {}
        self.recursive_objects = {}
        self.deep_construct = False
        return super().construct_document(node) if data is None and node is not None else data

    def resolve(self, kind, value, implicit):
        # The tag of a plain or quoted scalar depends only on its text (no path resolvers are
        # used): a chronology repeats the same sources and contact types thousands of times.
        if kind is not yaml.ScalarNode:
            return super().resolve(kind, value, implicit)
        tags = self.__dict__.setdefault("_tags", {})
        key = (value, implicit)
        if key not in tags:
            tags[key] = super().resolve(kind, value, implicit)
        return tags[key]

    def _build(self, node):
        if isinstance(node, yaml.ScalarNode):
            return node.value if node.tag == _STR else self.construct_object(node, deep=True)
        if id(node) in self._walked:
            raise _NodeAgain
        self._walked.add(id(node))
        if node.tag == _MAP and isinstance(node, yaml.MappingNode):
            return _construct_mapping(self, node, self._build)
        if node.tag == _SEQ and isinstance(node, yaml.SequenceNode):
            return _construct_sequence(self, node, self._build)
        raise _NodeAgain


def _deep(loader):
    return lambda node: loader.construct_object(node, deep=True)


def _construct_mapping(loader, node, build=None):
    build = build or _deep(loader)
    d = LineDict()
    d.line = node.start_mark.line + 1
    d.key_lines = {}
    loader.flatten_mapping(node)
    for key_node, value_node in node.value:
        key = build(key_node)
        try:
            hash(key)
        except TypeError:
            raise yaml.constructor.ConstructorError(
                None, None, "a key here is not a simple value", key_node.start_mark
            ) from None
        if key in d.key_lines:
            raise yaml.constructor.ConstructorError(
                None,
                None,
                f"'{key}' appears twice in the same list or mapping (first on line "
                f"{d.key_lines[key]}); keep one and merge what the two say",
                key_node.start_mark,
            )
        d[key] = build(value_node)
        d.key_lines[key] = key_node.start_mark.line + 1
    return d


def _construct_sequence(loader, node, build=None):
    build = build or _deep(loader)
    lst = LineList(build(child) for child in node.value)
    lst.line = node.start_mark.line + 1
    lst.item_lines = [child.start_mark.line + 1 for child in node.value]
    return lst


def _construct_timestamp_as_text(loader, node):
    # Dates stay text: the chronology has its own date rules (imprecise dates, UK formats),
    # and PyYAML would otherwise turn 2024-02-30 into an exception with no useful message.
    return loader.construct_scalar(node)


def _construct_number_or_clock(loader, node):
    # YAML 1.1 reads 10:30 as the base-60 number 630. In a chronology that is a time of day, so
    # anything written with a colon stays the text the author wrote.
    if ":" in node.value:
        return loader.construct_scalar(node)
    if node.tag.endswith(":int"):
        return loader.construct_yaml_int(node)
    return loader.construct_yaml_float(node)


_LineLoader.add_constructor("tag:yaml.org,2002:map", _construct_mapping)
_LineLoader.add_constructor("tag:yaml.org,2002:int", _construct_number_or_clock)
_LineLoader.add_constructor("tag:yaml.org,2002:float", _construct_number_or_clock)
_LineLoader.add_constructor("tag:yaml.org,2002:seq", _construct_sequence)
_LineLoader.add_constructor("tag:yaml.org,2002:timestamp", _construct_timestamp_as_text)


# A plain scalar's meaning, for the fast reader (yamlfast): the tag PyYAML's resolver gives its
# text, then the constructor above for that tag. Text whose first character no implicit
# resolver looks at (most of a chronology) is text; so is text of more than five characters
# starting with a letter (those resolvers look for yes/no words and null: a test keeps it so).
_RESOLVER = yaml.resolver.Resolver()
_SCALARS = yaml.constructor.SafeConstructor()
_RESOLVED_FIRST = frozenset(yaml.resolver.Resolver.yaml_implicit_resolvers)
_PLAIN_TAGS = frozenset(
    f"tag:yaml.org,2002:{t}" for t in ("str", "null", "bool", "int", "float", "timestamp")
)


def _plain_scalar(text: str):
    first = text[:1]
    if first not in _RESOLVED_FIRST or (len(text) > 5 and first.isalpha()):
        return text
    return _resolved(text)


@functools.lru_cache(maxsize=4096)
def _resolved(text: str):
    tag = _RESOLVER.resolve(yaml.ScalarNode, text, (True, False))
    if tag not in _PLAIN_TAGS:  # '<<' (a merge key) and '=' are left to PyYAML
        raise yamlfast.Unproven(f"a plain scalar of the tag {tag}")
    return _LineLoader.yaml_constructors[tag](_SCALARS, yaml.ScalarNode(tag, text))


class YAMLProblem(Exception):
    """A YAML file that cannot be read, with the line to look at."""

    def __init__(self, path: str, line: int | None, message: str):
        self.path = path
        self.line = line
        self.message = message
        super().__init__(f"{path}:{line or ''}: {message}")


# An anchor (&name) or an alias (*name): & or * and a name. Most such pairs in a chronology are
# words ("A&E", "**urgent**"); only one where a YAML value can begin is worth a closer look.
_AMP_OR_STAR = re.compile(r"[&*][^\s\[\]{},]")


def _may_hold_anchors(text: str) -> bool:
    if "&" not in text and "*" not in text:
        return False  # nearly every file
    for m in _AMP_OR_STAR.finditer(text):
        i = m.start() - 1
        while i >= 0 and text[i] in " \t\ufeff":  # spaces, and a byte-order mark
            i -= 1
        spaced = i < m.start() - 1
        before = text[i] if i >= 0 else "\n"
        if (
            before in "\r\n\x85\u2028\u2029[{,"  # a line's first value (after any of YAML's
            # line breaks), or one in brackets
            or (spaced and before in ":-?")  # after "key: ", "- " or "? "
            or (spaced and _word_at(text, i).startswith("!"))  # after a tag: !!str &a
        ):
            return True
    return False


def _word_at(text: str, end: int) -> str:
    """The word that ends at ``end`` (inclusive)."""
    start = end
    while start > 0 and not text[start - 1].isspace():
        start -= 1
    return text[start : end + 1]


ALIAS_ADVICE = (
    "Anchors (&name) and aliases (*name) are not accepted in a case's files: a few lines of them "
    "can expand to billions of values. Write each value out in full (a report never needs them); "
    "if this is text starting with & or *, put it in quotes."
)


def refuse_anchors(text: str, path: str = "<text>", loader=_Base) -> None:
    """Raise :class:`YAMLProblem` at the first anchor or alias in ``text``, before anything is
    built from it: the "billion laughs" file (9 lines that expand to 10^9 values) is refused in
    milliseconds and with no memory to speak of. YAML syntax errors are left to the caller."""
    if not _may_hold_anchors(text):
        return  # no event scan at all
    try:
        for event in yaml.parse(text, Loader=loader):
            if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
                what = "alias *" if isinstance(event, yaml.AliasEvent) else "anchor &"
                raise YAMLProblem(
                    path,
                    event.start_mark.line + 1,
                    f"this line uses the YAML {what}{event.anchor}. {ALIAS_ADVICE}",
                )
    except yaml.YAMLError:
        return  # the parse that follows reports it, with its line


# Whether parse_yaml may use the fast reader (yamlfast): off only to compare the two.
FAST = True


def reader() -> str:
    """Which YAML reader parse_yaml uses, in words (for ``imr check --verbose``)."""
    if FAST and yamlfast.AVAILABLE:
        return (
            f"yaml_rs {yamlfast.yaml_rs.__version__} with line numbers from a scan of the text "
            "(PyYAML's loader for any file it cannot vouch for)"
        )
    why = "switched off" if yamlfast.AVAILABLE else "yaml_rs is not installed"
    return f"PyYAML's {_Base.__name__} ({why}: large data files are read more slowly)"


def parse_yaml(text: str, path: str = "<text>"):
    """Parse YAML text safely, keeping lines. Raises :class:`YAMLProblem` on bad syntax, and on
    any anchor or alias (see :func:`refuse_anchors`)."""
    refuse_anchors(text, path)
    if FAST:
        try:
            return yamlfast.read(text, LineDict, LineList, _plain_scalar, _RESOLVED_FIRST)
        except yamlfast.Unproven:
            pass  # PyYAML decides, and words any error
    try:
        return yaml.load(text, Loader=_LineLoader)  # noqa: S506 - _LineLoader is a SafeLoader
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        line = mark.line + 1 if mark else None
        what = e.problem or "this is not valid YAML"
        if e.context:
            what = f"{e.context}, {what}"
        if e.context_mark and mark and e.context_mark.line != mark.line:
            what += f" (what is wrong began on line {e.context_mark.line + 1})"
        raise YAMLProblem(
            path,
            line,
            f"YAML syntax error: {what}. Check the indentation and punctuation on this line "
            "(a colon inside a value needs the value in quotes).",
        ) from None
    except yaml.YAMLError as e:
        raise YAMLProblem(path, None, f"YAML error: {e}") from None


# The last parse of each file, keyed by its content: a data file is read by its own module and
# again by the schema check, and a 10,000-entry chronology takes seconds to parse (hashing it, a few
# milliseconds). Callers must not change what they get back (the loaders copy what they keep).
_PARSED: dict[str, tuple[bytes, object]] = {}


def load_yaml(path: str | os.PathLike, display: str | None = None):
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as e:
        raise YAMLProblem(
            display or str(p),
            None,
            f"this file is not UTF-8 text (byte {e.start}); save it as UTF-8 and try again.",
        ) from None
    key = str(p.resolve())
    digest = hashlib.blake2b(text.encode("utf-8", "surrogatepass")).digest()
    cached = _PARSED.get(key)
    if cached and cached[0] == digest:
        return cached[1]
    data = parse_yaml(text, display or str(p))
    _PARSED[key] = (digest, data)
    return data


def remember(path: str | os.PathLike, text: str, data) -> None:
    """Say what ``load_yaml`` would read from ``path``, which holds ``text``: for a file the
    caller has just written from ``data`` (see ``chronology.io.dump_and_read``)."""
    digest = hashlib.blake2b(text.encode("utf-8", "surrogatepass")).digest()
    _PARSED[str(Path(path).resolve())] = (digest, data)


def plain(value):
    """The same data without line bookkeeping (for JSON output and tests)."""
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value


def read_as_yes_no(key) -> bool:
    """Whether YAML read a mapping's key as yes/no or nothing (NO, ON, OFF, Y, N, ~) instead of
    the text written, which is then lost: the glossary and the people key report it."""
    return isinstance(key, bool) or key is None


def yes_no_message(what: str, example: str) -> str:
    """What to tell the author when :func:`read_as_yes_no` is true for their key."""
    return (
        f"the {what} on this line was read as yes/no, not as text. "
        f"Put it in quotes, like {example}."
    )
