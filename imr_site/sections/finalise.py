"""Marking sections final: each section file's `status:` rewritten in place.

Only the value of the front matter's top-level `status:` line changes (its comment, the other
fields, the body, the line endings and a byte-order mark are kept byte for byte); a section with
no `status:` line gets one after its `section:` line. Each file is written in one step
(``imr_site.case.atomic``), so an interrupted run leaves every file either as it was or final.
"""

from __future__ import annotations

import re
from pathlib import Path

from imr_site.case.atomic import write_atomic
from imr_site.case.sections import SectionFile

_STATUS = re.compile(rb"^status[ \t]*:[ \t]*(?P<value>[^#\r\n]*?)[ \t]*(?:#[^\r\n]*)?\r?\n?$")
_SECTION = re.compile(rb"^section[ \t]*:[^\r\n]*(?P<eol>\r?\n)")
_BOUNDARY = re.compile(rb"^---[ \t]*\r?\n", re.MULTILINE)


def with_status(data: bytes, status: str) -> bytes | None:
    """The file's bytes with its front matter's `status:` set (None when it has no front matter)."""
    bom = b"\xef\xbb\xbf" if data.startswith(b"\xef\xbb\xbf") else b""
    text = data[len(bom) :]
    first = _BOUNDARY.match(text)
    if not first:
        return None
    close = _BOUNDARY.search(text, first.end())
    if not close:
        return None
    head, fm, tail = text[: first.end()], text[first.end() : close.start()], text[close.start() :]
    value = status.encode("utf-8")
    lines = fm.splitlines(keepends=True)
    for i, line in enumerate(lines):
        m = _STATUS.match(line)
        if m:
            start, stop = m.span("value")
            before = b"" if line[start - 1 : start] in (b" ", b"\t") else b" "
            after = b" " if line[stop : stop + 1] == b"#" else b""
            lines[i] = line[:start] + before + value + after + line[stop:]
            return bom + head + b"".join(lines) + tail
    for i, line in enumerate(lines):
        m = _SECTION.match(line)
        if m:
            lines.insert(i + 1, b"status: " + value + m.group("eol"))
            return bom + head + b"".join(lines) + tail
    return None


def set_status(page: SectionFile, status: str = "final") -> bool:
    """Set a section's status in its file; True when the file changed."""
    path = Path(page.path)
    data = path.read_bytes()
    new = with_status(data, status)
    if new is None or new == data:
        return False
    write_atomic(path, new)
    return True
