"""Typst markup from text: nothing an author or a data file wrote is ever read as Typst.

Typst gives meaning to most ASCII punctuation in markup (``#`` starts code, ``*`` and ``_``
emphasis, ``$`` maths, ``@`` and ``<`` references and labels, ``//`` comments, ``=`` ``-``
``+`` ``/`` at a line start headings and lists, ``'`` and ``"`` smart quotes, ``--`` a dash).
A backslash before any of them prints the character itself, so :func:`text` escapes every ASCII
punctuation character: the result is always plain text, whatever comes before or after it.
Strings for code (``"..."``) are made by :func:`string`, and labels are generated names that
never contain text from the case.
"""

from __future__ import annotations

import re
import string as _string

_MARKUP = {ord(ch): "\\" + ch for ch in _string.punctuation}
# Control characters other than tab and newline cannot be printed and some break Typst's parser.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_SPACES = re.compile(r"\s+")


def _printable(value: object) -> str:
    """The text with line ends as new lines (a lone carriage return too), controls dropped."""
    s = str(value).replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROL.sub("", s)


def text(value: object) -> str:
    """``value`` as Typst markup that shows exactly these characters (spaces collapsed)."""
    return _SPACES.sub(" ", _printable(value)).translate(_MARKUP)


def string(value: object) -> str:
    """``value`` as a Typst string literal, e.g. for an image's alt text."""
    s = _printable(value).replace("\\", "\\\\").replace('"', '\\"')
    s = s.replace("\n", "\\n").replace("\t", "\\t")
    return f'"{s}"'
