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


def resolve(root: Path, revision: str) -> str | None:
    """The full hash of the commit a revision (tag, branch, commit, HEAD~2) names, or None."""
    if revision.startswith("-"):
        return None  # never read as an option
    out = _git(
        root, "rev-parse", "--verify", "--quiet", "--end-of-options", f"{revision}^{{commit}}"
    )
    return out.strip() if out and out.strip() else None


def commit_date(root: Path, commit: str) -> str | None:
    """The day a commit was made (YYYY-MM-DD), or None."""
    out = _git(root, "log", "-1", "--format=%cs", commit, "--")
    return out.strip() or None if out else None


def export_tree(root: Path, commit: str, dest: Path) -> bool:
    """Write the case folder as it was at ``commit`` into ``dest`` (a new, empty folder), with
    `git archive`; False when Git cannot."""
    import io
    import tarfile

    if shutil.which("git") is None:
        return False
    folder = prefix(root).rstrip("/")
    tree = f"{commit}:{folder}" if folder else commit
    try:
        done = subprocess.run(
            ["git", "-C", str(root), "archive", "--format=tar", tree],
            capture_output=True,
            timeout=120,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return False
    if done.returncode != 0:
        return False
    with tarfile.open(fileobj=io.BytesIO(done.stdout)) as tar:
        if hasattr(tarfile, "data_filter"):
            tar.extractall(dest, filter="data")
        else:  # Python before 3.11.4: refuse anything outside dest by hand
            safe = [
                m
                for m in tar.getmembers()
                if (m.isfile() or m.isdir())
                and not m.name.startswith(("/", ".."))
                and ".." not in m.name.split("/")
            ]
            tar.extractall(dest, members=safe)  # noqa: S202
    return True


def tree_id(root: Path, commit: str) -> str | None:
    """The hash of the case folder's tree at ``commit`` (equal hashes: identical contents)."""
    folder = prefix(root).rstrip("/")
    out = _git(root, "rev-parse", "--verify", "--quiet", f"{commit}:{folder}")
    return out.strip() if out and out.strip() else None


def file_at(repo: Path, commit: str, path: str) -> str | None:
    """A file's text as committed (``git show COMMIT:PATH``); None when it is not there."""
    return _git(repo, "show", f"{commit}:{path}")
