"""Two versions of a case, each built as its readers see it, and compared.

A version is a Git revision (a tag, a branch, a commit) written out of the repository with
`git archive` into a temporary folder, or the working tree as it is now (uncommitted changes
included). Each is built HTML-only (``publish.pages``), so the redline compares what the site
shows, and then compared (``compare.py``).
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from imr_site.case import gitrepo
from imr_site.publish.build import BuildStopped
from imr_site.publish.pages import rendered_report
from imr_site.publish.redline.compare import (
    Redline,
    Version,
    compare_actions,
    compare_chronology,
    compare_front_matter,
    compare_sections,
)


class RedlineError(Exception):
    """The versions cannot be compared (not Git, an unknown revision, a version that cannot be
    built). ``findings`` say why when the case itself is at fault."""

    def __init__(self, message: str, findings=None):
        super().__init__(message)
        self.findings = findings or []


@contextmanager
def version_folder(case_dir: Path, revision: str | None) -> Iterator[tuple[Path, Version]]:
    """The case folder of one version: the working tree (``revision`` None) or a temporary copy
    of the case as it was at that revision."""
    if revision is None:
        head = gitrepo.head_commit(case_dir)
        dirty = bool(gitrepo.uncommitted(case_dir)) if head else False
        described = "the working tree" + (" (with uncommitted changes)" if dirty else "")
        yield case_dir, Version("working tree", None, described)
        return
    if gitrepo.toplevel(case_dir) is None:
        raise RedlineError(
            f"{case_dir} is not in a Git repository (or Git is not installed), so there is no "
            f"version '{revision}' to compare with. `imr diff` compares versions kept in Git."
        )
    commit = gitrepo.resolve(case_dir, revision)
    if commit is None:
        raise RedlineError(
            f"Git knows no version called '{revision}' in this repository. Give a tag "
            "(`git tag` lists them), a branch, or a commit (`git log --oneline` lists them)."
        )
    date = gitrepo.commit_date(case_dir, commit)
    described = f"{revision} (commit {commit[:12]}{', ' + date if date else ''})"
    with tempfile.TemporaryDirectory(prefix="imr-diff-") as tmp:
        folder = Path(tmp) / "case"
        folder.mkdir()
        if not gitrepo.export_tree(case_dir, commit, folder):
            raise RedlineError(
                f"the case folder could not be read from Git at {described}: it may not have "
                "existed then."
            )
        yield folder, Version(revision, commit, described)


def make_redline(
    case_dir: str | Path, old: str, new: str | None = None, *, edition: str | None = None
) -> tuple[Redline, list]:
    """Compare version ``old`` with ``new`` (default: the working tree). Returns the redline and
    both versions' cases (the leak gate needs everyone either names)."""
    case_dir = Path(case_dir).resolve()
    with version_folder(case_dir, old) as (old_dir, old_version):
        old_built = _built(old_dir, old_version, edition)
        with version_folder(case_dir, new) as (new_dir, new_version):
            if _same_files(case_dir, old_version, new_version):
                new_built = old_built  # the same files: built once, compared with itself
            else:
                new_built = _built(new_dir, new_version, edition)
    a, b = old_built.case, new_built.case
    chronology, chron_columns = compare_chronology(a, b)
    actions, action_columns = compare_actions(a, b)
    redline = Redline(
        case_reference=b.config.case_reference,
        edition=b.config.edition,
        old=old_version,
        new=new_version,
        sections=compare_sections(a, old_built.section_html, b, new_built.section_html),
        chronology=chronology,
        actions=actions,
        front_matter=compare_front_matter(a, b),
        columns={"chronology": chron_columns, "actions": action_columns},
    )
    return redline, [a, b]


def _same_files(case_dir: Path, old: Version, new: Version) -> bool:
    """Whether two versions hold exactly the same case folder (Git's tree hashes agree)."""
    if old.commit is None:
        return False
    new_commit = new.commit
    if new_commit is None:  # the working tree: the same as HEAD only if nothing is uncommitted
        if gitrepo.uncommitted(case_dir) != []:
            return False
        new_commit = gitrepo.head_commit(case_dir)
    if new_commit is None:
        return False
    tree = gitrepo.tree_id(case_dir, old.commit)
    return tree is not None and tree == gitrepo.tree_id(case_dir, new_commit)


def _built(folder: Path, version: Version, edition: str | None):
    try:
        with rendered_report(folder, edition) as built:
            return built
    except BuildStopped as e:
        lines = " ".join(e.lines)
        raise RedlineError(
            f"{version.described} cannot be read as a report. {lines}".strip(), e.findings
        ) from None
