"""What Git knows about a case: the commit it is at, whether it has uncommitted changes, and who
last changed each file.

Everything here tolerates a case that is not a Git repository (or a machine without ``git``):
functions then return ``None`` and callers say that the Git-only parts are unavailable.
"""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class LastChange:
    author: str
    date: str  # ISO 8601 with time zone, as Git gives it


def _git(root: Path, *args: str) -> str | None:
    if shutil.which("git") is None:
        return None
    try:
        done = subprocess.run(
            ["git", "-C", str(root), *args],
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout if done.returncode == 0 else None


def toplevel(root: Path) -> Path | None:
    """The repository's top folder, or None when ``root`` is not inside a Git repository."""
    out = _git(root, "rev-parse", "--show-toplevel")
    return Path(out.strip()).resolve() if out and out.strip() else None


def prefix(root: Path) -> str:
    """The case folder's path inside its repository ('' at the top, or when not in Git)."""
    top = toplevel(root)
    if top is None:
        return ""
    try:
        rel = Path(root).resolve().relative_to(top).as_posix()
    except ValueError:
        return ""
    return "" if rel == "." else rel + "/"


def head_commit(root: Path) -> str | None:
    """The full hash of the commit checked out, or None (not in Git, or no commit yet)."""
    out = _git(root, "rev-parse", "--verify", "HEAD")
    return out.strip() if out and out.strip() else None


def uncommitted(root: Path, exclude: list[Path] | None = None) -> list[str] | None:
    """Files under ``root`` that differ from the last commit (changed, added or not yet added),
    as ``git status --porcelain`` lines; None when not in Git. ``exclude`` leaves out folders
    such as the built site."""
    spec = ["--", "."]
    for p in exclude or []:
        try:
            rel = Path(p).resolve().relative_to(Path(root).resolve()).as_posix()
        except ValueError:
            continue
        spec.append(f":(exclude){rel}")
    out = _git(root, "status", "--porcelain", "--untracked-files=all", *spec)
    if out is None:
        return None
    return [line for line in out.splitlines() if line.strip()]


def last_change(root: Path, path: Path) -> LastChange | None:
    """Who last committed a change to ``path``, and when; None when unknown."""
    out = _git(root, "log", "-1", "--format=%an|%aI", "--", str(path))
    if not out or "|" not in out:
        return None
    author, _, date = out.strip().partition("|")
    return LastChange(author, date)


def commit_of(repo: Path, ref: str) -> str | None:
    """The full hash of the commit a tag, branch or (short) hash names; None when unknown."""
    if ref.startswith("-"):  # never let a ref be read as an option
        return None
    out = _git(repo, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}")
    return out.strip() if out and out.strip() else None


def file_at(repo: Path, commit: str, path: str) -> str | None:
    """A file's text as committed (``git show COMMIT:PATH``); None when it is not there."""
    return _git(repo, "show", f"{commit}:{path}")
