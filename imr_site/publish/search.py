"""What the site's search index reads of a large generated block, without its markup.

Material's search plugin reads each page's HTML with Python's ``HTMLParser`` and keeps only its
text, collapsed, and a few tags (p, code, pre, li, ol, ul, sub, sup). A chronology of 5,000
entries is about 150,000 tags and attributes to parse: half of a build, before this. For such a
block :func:`index_markup` returns markup from which the search plugin takes exactly the same
text. The MkDocs plugin hands it to the search plugin while that reads the page, and puts the page
back before the theme writes it: readers never see it, and the search index is unchanged
(tests/test_search_index.py compares the two).
"""

from __future__ import annotations

import re

# The tags Material's search keeps in the index text (material/plugins/search/plugin.py, Parser).
KEPT = ("p", "code", "pre", "li", "ol", "ul", "sub", "sup")

# What this does not reproduce, so such a block is read as it is: the tags the search plugin
# treats specially (headings start sections; script, style, object and anything marked
# data-search-exclude are left out; pre keeps its whitespace), what Python's parser reads another
# way (comments, declarations, raw text; an SVG <title> holds only escaped text, read alike
# either way), a "<" that starts no tag, a character reference that
# may be whitespace (only those our templates write are known), a NUL (used below).
_UNSUPPORTED = (
    re.compile(
        r"<(?:(?i:h[1-6]|script|style|object|pre|textarea|xmp|iframe|noembed|noframes|noscript"
        r"|plaintext)\b|(?![a-zA-Z]|/[a-zA-Z]))"
    ),
    re.compile(r"&(?!(?:amp|lt|gt|quot|#34|#39|#x27|#9660);)"),  # two passes: each is quicker
)
_UNSUPPORTED_WORDS = ("data-search-", "linenodiv", "\x00")
# Whitespace between two tags: the search plugin writes it as one space, or not at all when the
# text so far ends in whitespace.
_BETWEEN_TAGS = re.compile(r">\s+<")
_NOT_KEPT = re.compile(rf"<(?!/?(?:{'|'.join(KEPT)})\b)[^>]*>", re.IGNORECASE)
# A kept element with no text in it: the search plugin removes it, and with it whatever follows
# its tag's first opening in the section, which depends on the page.
_EMPTY_KEPT = re.compile(rf"<({'|'.join(KEPT)})\b[^>]*>(?:\s|<[^>]*>)*</\1>", re.IGNORECASE)
_GAPS = re.compile("\x00+")
# A boundary between two runs of text that leaves no trace in the index.
BOUNDARY = "<span></span>"


def index_markup(block: str) -> str | None:
    """Markup that gives Material's search index the same text as ``block``, or None when the
    block holds something this does not reproduce exactly (the page is then read as it is).

    The search plugin appends each run of text between two tags to the index text: a run of
    whitespace becomes one space unless the text so far ends in whitespace; any other run is
    kept as it is, its newlines made spaces. Within the block the text before a whitespace run
    is always a run of text or a kept tag, so each stretch of tags and whitespace runs between
    two runs of text becomes one space if it holds whitespace, else nothing. The first and the
    last such stretch meet the page around the block: they keep a run of their own.
    """
    body = block.rstrip()
    if not body.startswith("<") or not body.endswith(">"):
        return None
    if any(w in body for w in _UNSUPPORTED_WORDS) or any(p.search(body) for p in _UNSUPPORTED):
        return None
    if _EMPTY_KEPT.search(body):
        return None
    text = _NOT_KEPT.sub("", _BETWEEN_TAGS.sub(">\x00<", body))
    first = "\x00" if text.startswith("\x00") else ""
    last = "\x00" if text.endswith("\x00") and text.strip("\x00") else ""
    text = _GAPS.sub(" ", text.strip("\x00"))
    return (
        "<div>"
        + (" " + BOUNDARY if first else "")
        + text
        + (BOUNDARY + " " if last else "")
        + "</div>"
        + block[len(body) :]
    )
