"""Reading a block-style YAML data file quickly, with the lines ``yamlio`` remembers.

PyYAML builds a 10,000-entry chronology in about a third of a second even with libyaml; the
Rust parser ``yaml_rs`` reads the same file in an eighth of that, but it gives no line numbers and
follows YAML 1.2 (``yes``, ``010`` and ``10:30`` mean other things there). So the Rust parser
gives the values, and a scan of the lines here gives the structure and the lines; the two must
agree, node by node, or nothing is returned:

- the scan accepts only the plain block style data files are written in (``key: value``,
  ``- `` items, quoted and ``|``/``>`` scalars, one-line ``[a, b]`` lists) and gives up on
  anything else (anchors, tags, ``?`` keys, flow mappings, directives, tabs in indentation,
  line breaks other than ``\\n``...);
- every mapping's keys, in order, and every list's length must be what the Rust parser found;
- a plain scalar's value is its text read the YAML 1.1 way by the caller's ``plain`` function
  (the one PyYAML's constructors use), after checking that the text is what the Rust parser
  read; quoted and block scalars are the Rust parser's text, checked where that is cheap.

When it gives up, the caller reads the file with PyYAML as before, which also gives the error
messages and their lines: this module never reports a problem in a file.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Container

try:
    import yaml_rs
except ImportError:  # the wheel is missing: every file is read the slower way
    yaml_rs = None

AVAILABLE = yaml_rs is not None


class Unproven(Exception):
    """The scan cannot show that the fast reading is what PyYAML would give."""


_ASCII_ALLOWED = bytes([9, 10, *range(0x20, 0x7F)])
# Characters PyYAML refuses or treats as line breaks (\r, \x85, \u2028, \u2029), a byte-order
# mark inside the text, controls and surrogates: a file holding any of them is read the slow way.
_ODD_CHARACTER = re.compile(
    "[^\t\n\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]"
)
# Deep nesting: the Rust parser's stack is finite (about 20,000 levels crash a process; a thread
# has less). Each level of a block collection needs one more column of spaces or indicators at
# the start of a line (flow collections it limits itself, to 256), so no such run of 200
# columns bounds the depth well within any stack.
_DEPTH = 200
_DEEP = re.compile(rf"[ \-?:]{{{_DEPTH}}}")

# A mapping key and its colon: a plain key (no indicator first; no colon, # or brackets inside;
# no space before the colon), or a one-line quoted key.
_KEY = re.compile(
    r"""(?:(?P<plain>[^\s\-?:,\[\]{}#&*!|>'"%@`](?:[^:#,\[\]{}\t]*[^\s:#,\[\]{}])?)"""
    r"""|'(?P<single>(?:[^']|'')*)'|"(?P<double>[^"\\]*)")[ ]*:(?:[ ]+|$)"""
)
# The usual line of a data file, from its key: 'key: plain text' (no colon, # or tab in it) or
# 'key: "text"' (no escapes).
_USUAL = re.compile(
    r"""([^\s\-?:,\[\]{}#&*!|>'"%@`](?:[^:#,\[\]{}\t]*[^\s:#,\[\]{}])?):[ ]+"""
    r"""(?:([^\s\-?:,\[\]{}#&*!|>'"%@`](?:[^#:\t]*[^#:\t ])?)|"([^"\\]*)")[ ]*$"""
)
_DOCUMENT_START = re.compile(r"---(?:[ ]+(?:#.*)?)?$")
_COMMENT = re.compile(r"[ \t]#")
_MAPPING_COLON = re.compile(r":(?:[ \t]|$)")
_AFTER_CLOSING = re.compile(r"(?:[ ]+(?:#.*)?)?$")
_SINGLE_QUOTED = re.compile(r"'((?:[^']|'')*)'")
_DOUBLE_QUOTED = re.compile(r'"((?:[^"\\]|\\.)*)"')
_ESCAPE = re.compile(r"\\(x[0-9A-Fa-f]{2}|u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8}|.)")
_ESCAPES = {
    "0": "\0",
    "a": "\x07",
    "b": "\x08",
    "t": "\x09",
    "n": "\x0a",
    "v": "\x0b",
    "f": "\x0c",
    "r": "\x0d",
    "e": "\x1b",
    " ": " ",
    '"': '"',
    "/": "/",
    "\\": "\\",
    "N": "\x85",
    "_": "\xa0",
    "L": "\u2028",
    "P": "\u2029",
}
_SINGLE_CLOSING = re.compile(r"(?:[^']|'')*'")
_DOUBLE_CLOSING = re.compile(r'(?:[^"\\]|\\.)*"')
_EMPTY_FLOW_MAPPING = re.compile(r"\{ *\}")
_FLOW_ITEMS = re.compile(r"\[([^\[\]{}'\"#\t]*)\]")
_BLOCK_HEADER = re.compile(r"[|>][+-]?(?:[ ]+(?:#.*)?)?$")
# What may not begin a plain scalar (or a line continuing one) in this reader.
_NOT_PLAIN_START = frozenset("-?:,[]{}#&*!|>'\"%@`\t")

_MISSING = object()
_NOT_KEY_START = frozenset(["", " ", "#", "-"])  # what makes a line worth a closer look


class _Anything:
    def __contains__(self, item) -> bool:
        return True


_ANY = _Anything()
_NUMBERS = (int, float)
# A number both YAML versions read alike: no sign, underscore, exponent or leading zero.
_DECIMAL = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?")


def read(
    text: str,
    line_dict: type,
    line_list: type,
    plain: Callable[[str], object],
    maybe: Container[str] | None = None,
):
    """The document in ``text`` as LineDict/LineList values (``line_dict``, ``line_list``),
    with plain scalars read by ``plain``; raises :class:`Unproven` when this reader cannot vouch
    for the result (including every malformed file). ``maybe`` holds the first characters of
    the texts ``plain`` may read as something else (a value starting otherwise is its text);
    without it, every text is given to ``plain``."""
    if yaml_rs is None:
        raise Unproven("yaml_rs is not installed")
    if _odd_character(text):
        raise Unproven("a character this reader leaves to PyYAML")
    lines = text.split("\n")
    if max(map(len, lines), default=0) > _DEPTH and any(
        _DEEP.match(line) for line in lines if len(line) > _DEPTH
    ):
        raise Unproven("nested too deeply")
    try:
        values = yaml_rs.loads(text, parse_datetime=False)
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as e:  # noqa: BLE001 - a parse error, or a panic in the extension
        raise Unproven(f"yaml_rs: {e}") from None
    try:
        return _Scan(lines, line_dict, line_list, plain, _ANY if maybe is None else maybe).document(
            values
        )
    except RecursionError:
        raise Unproven("nested too deeply for the scan") from None


def _odd_character(text: str) -> bool:
    # Deleting the allowed ASCII bytes from the UTF-8 leaves the other characters whole (no byte
    # of a multi-byte character is ASCII): a few, usually, for the pattern to look at.
    try:
        rest = text.encode("utf-8").translate(None, _ASCII_ALLOWED)
    except UnicodeEncodeError:  # a lone surrogate
        return True
    return bool(rest) and _ODD_CHARACTER.search(rest.decode("utf-8")) is not None


class _Scan:
    """One pass over the lines. ``self.i`` is the first line not yet read; each method that
    reads a value leaves it on the line after that value."""

    def __init__(self, lines, line_dict, line_list, plain, maybe):
        self.lines = lines
        self.i = 0
        self.line_dict = line_dict
        self.line_list = line_list
        self.plain = plain
        self.maybe = maybe
        self.keys: dict = {}  # plain keys read so far: the text as written -> the key
        self.comment = False  # whether the last skip() passed a comment line
        self.start = 0  # the line where the last value read began

    def skip(self) -> int:
        """Move to the next line with content; its indentation, or -1 at the end."""
        lines, i, n = self.lines, self.i, len(self.lines)
        self.comment = False
        while i < n:
            line = lines[i]
            s = line.lstrip(" ")
            if not s:
                i += 1
            elif s[0] == "#":
                self.comment = True
                i += 1
            else:
                self.i = i
                return len(line) - len(s)
        self.i = n
        return -1

    def document(self, values):
        ind = self.skip()
        if ind == 0 and _DOCUMENT_START.match(self.lines[self.i]):
            self.i += 1  # '---' on a line of its own before the document: nothing to read
            ind = self.skip()
        if ind < 0:
            if values is not None:
                raise Unproven("an empty document read as a value")
            return None
        if ind != 0:
            raise Unproven("the document does not start at the left margin")
        line = self.lines[self.i]
        if _is_entry(line, 0):
            data = self.sequence(0, values)
        elif _KEY.match(line):
            data = self.mapping(0, values)
        elif line[0] in "[{":
            data = self.flow(line, values)
        else:
            raise Unproven("a document that is one value")
        if self.skip() >= 0:
            raise Unproven("something after the document")
        return data

    # --- collections ---------------------------------------------------------------------------

    def mapping(self, col: int, values):
        """The block mapping whose first key is at column ``col`` of the current line."""
        if values.__class__ is not dict:
            raise Unproven("not a mapping for the Rust parser")
        d = self.line_dict()
        i = self.i
        d.line = i + 1
        key_lines = d.key_lines = {}
        lines, plain, usual, known, maybe = (
            self.lines,
            self.plain,
            _USUAL.match,
            self.keys,
            self.maybe,
        )
        n = len(lines)
        pad = " " * col
        line = lines[i]
        ended = False
        for theirs, value in values.items():
            if ended:
                raise Unproven("fewer keys than the Rust parser found")
            m = usual(line, col)
            if m is not None and theirs.__class__ is str:
                # the usual line, 'key: text' or 'key: "text"', read here without a call
                raw, text, double = m.group(1, 2, 3)
                if theirs != raw:
                    raise Unproven("a different key")
                key = known.get(raw, _MISSING)
                if key is _MISSING:
                    key = known[raw] = plain(raw)
                if text is None:
                    if value.__class__ is not str or value != double:
                        raise Unproven("a quoted scalar read differently")
                    after = i + 1
                elif value.__class__ is str and value == text:
                    if text[0] in maybe:
                        value = plain(text)
                    after = i + 1
                else:
                    self.i = i
                    value = self.scalar(line[m.start(2) :], col, value)
                    after = self.i
            else:
                self.i = i
                key, at = self.key(line, col, theirs)
                value = self.value(line, at, col, value, True)
                after = self.i
            if key in key_lines:
                raise Unproven("a key twice")  # PyYAML says so, with the lines
            d[key] = value
            key_lines[key] = i + 1
            # on to the next key: usually the next line
            i = after
            line = lines[i] if i < n else ""
            if line[col : col + 1] in _NOT_KEY_START or not line.startswith(pad):
                self.i = i
                ind = self.skip()
                i = self.i
                line = lines[i] if ind >= 0 else ""
                if ind != col or _is_entry(line, col):
                    if ind > col:
                        raise Unproven("a line indented under a value")
                    ended = True
        if not ended:
            raise Unproven("more keys than the Rust parser found")
        self.i = i
        return d

    def key(self, line: str, col: int, theirs):
        """The key at column ``col`` of ``line``, read the YAML 1.1 way, once shown to be the
        Rust parser's ``theirs``; and the column after its colon."""
        m = _KEY.match(line, col)
        if m is None:
            raise Unproven("not a key")
        raw = m.group("plain")
        if raw is not None:
            key = self.plain(raw)
            if theirs.__class__ is str:
                if theirs != raw:
                    raise Unproven("a different key")
            elif theirs.__class__ is not key.__class__ or theirs != key:
                raise Unproven("a key read differently")
        else:
            single = m.group("single")
            key = single.replace("''", "'") if single is not None else m.group("double")
            if theirs.__class__ is not str or theirs != key:
                raise Unproven("a different quoted key")
        return key, m.end()

    def sequence(self, col: int, values):
        """The block sequence whose first '-' is at column ``col`` of the current line."""
        if values.__class__ is not list:
            raise Unproven("not a list for the Rust parser")
        lst = self.line_list()
        lst.line = self.i + 1
        item_lines = lst.item_lines = []
        lines, line_dict, line_list = self.lines, self.line_dict, self.line_list
        first = True
        for value in values:
            if not first and (self.skip() != col or not _is_entry(lines[self.i], col)):
                raise Unproven("fewer items than the Rust parser found")
            first = False
            value = self.value(lines[self.i], col + 1, col, value, False)
            lst.append(value)
            # where the item begins: a collection knows; a scalar began where value() said
            kind = value.__class__
            item_lines.append(value.line if kind is line_dict or kind is line_list else self.start)
        ind = self.skip()
        if ind > col or (ind == col and _is_entry(lines[self.i], col)) or not values:
            raise Unproven("more items than the Rust parser found")
        return lst

    # --- values --------------------------------------------------------------------------------

    def value(self, line: str, at: int, col: int, given, in_mapping: bool):
        """The value written from column ``at`` of the current line (after 'key:' or '- '), in
        the collection at column ``col``."""
        self.start = self.i + 1
        s = line[at:].lstrip(" ")
        if not s or s[0] == "#":
            self.i += 1
            return self.below(col, given, in_mapping)
        at = len(line) - len(s)
        if s[0] == "-" and (len(s) == 1 or s[1] == " "):
            if in_mapping:
                raise Unproven("a list on the line of its key")
            return self.sequence(at, given)
        if not in_mapping and _KEY.match(line, at):
            return self.mapping(at, given)
        return self.scalar(s, col, given)

    def below(self, col: int, given, in_mapping: bool):
        """The value of a 'key:' or '-' with nothing after it: a block node on the next lines,
        a list at the key's own indentation, or nothing."""
        ind = self.skip()
        lines = self.lines
        if ind > col:
            self.start = self.i + 1
            line = lines[self.i]
            if _is_entry(line, ind):
                return self.sequence(ind, given)
            if _KEY.match(line, ind):
                return self.mapping(ind, given)
            return self.scalar(line[ind:], col, given)
        if in_mapping and ind == col and _is_entry(lines[self.i], col):
            self.start = self.i + 1
            return self.sequence(col, given)
        if given is not None:
            raise Unproven("a value the scan found empty")
        return None  # PyYAML places an empty value on its key's or its '-' line

    def scalar(self, s: str, col: int, given):
        """A scalar or a one-line flow collection: ``s`` is the current line's text from where
        it starts."""
        first = s[0]
        if first == "'" or first == '"':
            return self.quoted(s, col, given)
        if first == "[" or first == "{":
            return self.flow(s, given)
        if first == "|" or first == ">":
            return self.block_scalar(s, col, given)
        if first in _NOT_PLAIN_START and (first not in "-?:" or len(s) == 1 or s[1] in " \t"):
            raise Unproven("an indicator this reader leaves to PyYAML")  # ?2024-03 is text
        self.i += 1
        m = _COMMENT.search(s)
        raw = (s[: m.start()] if m else s).rstrip(" \t")
        if ":" in raw and _MAPPING_COLON.search(raw):
            raise Unproven("a colon that PyYAML reads as a mapping")
        if given.__class__ is not str:
            return _plain_number(raw, given, self.plain)
        if given == raw:
            return self.plain(raw)
        # The Rust parser read more: the scalar must go on over the next lines.
        if m is not None or self.skip() <= col or self.comment:
            raise Unproven("a plain scalar read differently")
        return self.continued(col, given)

    def continued(self, col: int, given: str):
        """A plain scalar that goes on over the following lines (more indented than ``col``):
        the Rust parser's folded text, once each line is shown to be plain text."""
        lines = self.lines
        n = len(lines)
        i = self.i
        while i < n:
            line = lines[i]
            s = line.lstrip(" ")
            if s:
                if len(line) - len(s) <= col or s[0] == "#":
                    break
                if s[0] in _NOT_PLAIN_START or _COMMENT.search(s) or _MAPPING_COLON.search(s):
                    raise Unproven("a continuation line this reader leaves to PyYAML")
            i += 1
        self.i = i
        value = self.plain(given)
        if value.__class__ is not str or value != given:
            raise Unproven("a folded plain scalar that YAML 1.1 reads as another type")
        return given

    def quoted(self, s: str, col: int, given):
        """A quoted scalar: on one line, checked against the Rust parser's text; over several,
        its text once each line is shown to be indented under the collection at ``col``."""
        if given.__class__ is not str:
            raise Unproven("a quoted scalar that is not text for the Rust parser")
        single = s[0] == "'"
        m = (_SINGLE_QUOTED if single else _DOUBLE_QUOTED).match(s)
        if m is not None:
            if not _AFTER_CLOSING.match(s, m.end()):
                raise Unproven("something after a closing quote")
            inner = m.group(1)
            mine = inner.replace("''", "'") if single else _unescape(inner)
            if mine != given:
                raise Unproven("a quoted scalar read differently")
            self.i += 1
            return given
        lines = self.lines
        closing = _SINGLE_CLOSING if single else _DOUBLE_CLOSING
        i = self.i + 1
        while i < len(lines):
            line = lines[i]
            t = line.lstrip(" ")
            if t:
                if len(line) - len(t) <= col or t[0] == "\t":
                    raise Unproven("a quoted scalar's line not indented under its key")
                m = closing.match(t)
                if m is not None:
                    if not _AFTER_CLOSING.match(t, m.end()):
                        raise Unproven("something after a closing quote")
                    self.i = i + 1
                    return given
            i += 1
        raise Unproven("no closing quote")

    def block_scalar(self, s: str, col: int, given):
        """A '|' or '>' scalar: the Rust parser's text, once its lines are shown to be indented
        under the collection at ``col``, with no explicit indentation indicator, no tab where
        indentation could be and no blank line wider than the indentation."""
        if given.__class__ is not str:
            raise Unproven("a block scalar that is not text for the Rust parser")
        if not _BLOCK_HEADER.match(s):
            raise Unproven("a block scalar header this reader leaves to PyYAML")
        lines = self.lines
        n = len(lines)
        i = self.i + 1
        indent = None
        widest_blank = 0
        end = i
        while i < n:
            line = lines[i]
            t = line.lstrip(" ")
            width = len(line) - len(t)
            if not t:
                widest_blank = max(widest_blank, width)
            elif t[0] == "\t":
                raise Unproven("a tab where a block scalar's indentation could be")
            elif indent is None:
                if width <= col:
                    break
                indent = width
                end = i + 1
            elif width < indent:
                break
            else:
                end = i + 1
            i += 1
        if indent is None or end == n:
            # PyYAML and yaml_rs end these differently: an empty one, one without a line break
            raise Unproven("a block scalar empty or at the very end of the file")
        if widest_blank > indent:
            raise Unproven("a blank line in a block scalar wider than its indentation")
        self.i = end
        return given

    def flow(self, s: str, given):
        """A one-line flow list of plain scalars ('[R1, R2]'), or an empty '{}'."""
        line_no = self.i + 1
        self.i += 1
        if s[0] == "{":
            m = _EMPTY_FLOW_MAPPING.match(s)
            if m is None or not _AFTER_CLOSING.match(s, m.end()):
                raise Unproven("a flow mapping")
            if given.__class__ is not dict or given:
                raise Unproven("a flow mapping read differently")
            d = self.line_dict()
            d.line = line_no
            d.key_lines = {}
            return d
        m = _FLOW_ITEMS.match(s)
        if m is None or not _AFTER_CLOSING.match(s, m.end()):
            raise Unproven("a flow list this reader leaves to PyYAML")
        if given.__class__ is not list:
            raise Unproven("a flow list read differently")
        inner = m.group(1)
        raws = [p.strip(" ") for p in inner.split(",")] if inner.strip(" ") else []
        if raws and raws[-1] == "":
            raws.pop()  # a comma after the last item
        if len(raws) != len(given):
            raise Unproven("a flow list read differently")
        lst = self.line_list()
        lst.line = line_no
        lst.item_lines = [line_no] * len(raws)
        for raw, theirs in zip(raws, given, strict=True):
            if not raw or raw[0] in _NOT_PLAIN_START or ":" in raw:
                raise Unproven("a flow list item this reader leaves to PyYAML")
            value = self.plain(raw)
            if theirs.__class__ is str and theirs != raw:
                raise Unproven("a flow list item read differently")
            lst.append(value)
        return lst


def _is_entry(line: str, col: int) -> bool:
    """Whether ``line`` has a block sequence entry ('- ' or a lone '-') at column ``col``."""
    return line.startswith("-", col) and (len(line) == col + 1 or line[col + 1] == " ")


def _plain_number(raw: str, given, plain):
    """A plain scalar that the Rust parser did not read as text (a number, yes/no, nothing):
    YAML 1.1's reading, when the two agree, or are both numbers written in a way the two YAML
    versions read differently (010 is 8 in 1.1, 10 in 1.2; 1_000, 0b1, +1...)."""
    value = plain(raw)
    if given != value and (
        type(given) not in _NUMBERS or type(value) not in _NUMBERS or _DECIMAL.fullmatch(raw)
    ):
        raise Unproven("a plain scalar read differently")
    return value


def _unescape(inner: str) -> str:
    """A one-line double-quoted scalar's text, with PyYAML's escapes."""
    if "\\" not in inner:
        return inner
    return _ESCAPE.sub(_escaped, inner)


def _escaped(m) -> str:
    code = m.group(1)
    if code[0] in "xuU" and len(code) > 1:
        n = int(code[1:], 16)
        if 0xD800 <= n <= 0xDFFF or n > 0x10FFFF:
            raise Unproven("a surrogate or an impossible character escaped")
        return chr(n)
    if code not in _ESCAPES:
        raise Unproven("an escape PyYAML does not know")
    return _ESCAPES[code]
