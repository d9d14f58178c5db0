"""Which files of a case may be read and published.

Everything in docs/ is copied into the site (and so into the PDF and the offline bundle), and
everything in data/ is read. A symbolic link can make a file there stand for any file on the
machine, and one careless file can be large enough to stall a build for an hour. So a file is
used only when its real path lies inside the case folder and it is under the size limit; every
other one is a finding and is never read, copied or printed. A link inside the case is fine.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from imr_site.case.findings import Finding, finding, rule

# Stated in the README. A 100,000-entry chronology is about 30 MB of YAML.
MAX_FILE_MB = 50
MAX_FILE_BYTES = MAX_FILE_MB * 1024 * 1024
MAX_ROWS = 100_000  # chronology entries in a case (CHR016), rows in an imported sheet

R_OUTSIDE = rule(
    "IMR007",
    "error",
    "A file that lies outside the case",
    "Copy the file into the case folder (docs/ or data/) instead of linking to it: a link to a "
    "file elsewhere on the machine is never read or published.",
)
R_TOO_LARGE = rule(
    "IMR008",
    "error",
    "A file too large to use",
    f"Keep every file in docs/ and data/ under {MAX_FILE_MB} MB: make pictures smaller, and split "
    "or trim very large data.",
)


def outside(root: Path, path: Path) -> bool:
    """Whether ``path``'s real path (every link followed) lies outside the case folder."""
    try:
        return not path.resolve().is_relative_to(root.resolve())
    except (OSError, RuntimeError):  # a link that loops
        return True


def shown(root: Path, path: Path) -> str:
    """The path as the author wrote it (the link, not its target), relative to the case."""
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return str(path)


def refusal(root: Path, path: Path) -> Finding | None:
    """Why one file of the case must not be read or published, or None when it may."""
    rel = shown(root, path)
    if outside(root, path):
        return finding(
            R_OUTSIDE.code,
            rel,
            None,
            f"{rel} is a link to {os.path.realpath(path)}, outside the case folder, so it is not "
            "read or published. Copy the file into the case if it belongs in the report.",
        )
    try:
        size = path.stat().st_size
    except OSError:
        return None
    if size > MAX_FILE_BYTES:
        return finding(
            R_TOO_LARGE.code,
            rel,
            None,
            f"{rel} is {size / 1024 / 1024:.0f} MB, over the limit of {MAX_FILE_MB} MB, so it is "
            "not read or published. Make it smaller (a picture at screen size is well under 5 MB).",
        )
    return None


@dataclass
class DocsFiles:
    """The files of docs/: those that may be used, and the findings for those that may not."""

    usable: list[Path] = field(default_factory=list)
    refused: dict[Path, Finding] = field(default_factory=dict)


def docs_files(root: Path, docs: Path) -> DocsFiles:
    """Every file under docs/ (links to folders followed once, as MkDocs follows them)."""
    out = DocsFiles()
    seen = {docs.resolve()}
    for dirpath, dirnames, filenames in os.walk(docs, followlinks=True):
        here = Path(dirpath)
        for name in sorted(dirnames):
            sub = here / name
            real = sub.resolve()
            refused = refusal(root, sub) if outside(root, sub) else None
            if refused is not None:
                out.refused[sub] = refused
            if refused is not None or real in seen:
                dirnames.remove(name)  # outside the case, or a folder already walked (a loop)
            else:
                seen.add(real)
        for name in sorted(filenames):
            path = here / name
            refused = refusal(root, path)
            if refused is None:
                out.usable.append(path)
            else:
                out.refused[path] = refused
    out.usable.sort()
    return out
