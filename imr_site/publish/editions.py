"""How an anonymised edition is published (what each edition shows is ``imr_site.case.editions``).

An anonymised edition is built into a staging folder beside its final place. The leak gate
(``imr_site.people.leaks``) then reads every file built, the PDF included. Only a clean build is moved into
place; a leaking one is deleted, and the final place is emptied too, so nothing that could be
mistaken for this build is left where it would have been published.
"""

from __future__ import annotations

import os
import re
import shutil
import uuid
from collections.abc import Iterable
from pathlib import Path

from imr_site.people.identifiers import Identifier, IdentifierSet, build_identifiers, fold
from imr_site.people.leaks import Leak, report, scan_output
from imr_site.process.render import PAGE_TITLE


def pdf_name(case_reference: str, edition: str) -> str:
    """SAR-2024-07-anonymised.pdf: the case reference made safe as a file name, and the edition."""
    ref = re.sub(r"[^\w.-]+", "-", case_reference.strip()).strip("-.") or "IMR"
    return f"{ref}-{edition}.pdf"


class LeakError(Exception):
    """The anonymised edition contains an identifier. Carries every leak found."""

    def __init__(self, leaks: list[Leak], problems: list[str], final_dir: Path | None = None):
        self.leaks, self.problems = leaks, problems
        where = f" Nothing was published to {final_dir}." if final_dir else ""
        if leaks:
            head = (
                f"The anonymised edition would identify someone: {len(leaks)} finding(s). Replace "
                "each name with the person's label (see data/people.yml) and build again."
            )
        else:
            head = "The anonymised edition could not be checked for names, so it was not published."
        super().__init__(f"{head}{where}\n{report(leaks, problems)}")


def staging_dir(final_dir: str | Path) -> Path:
    """A fresh folder beside the final one, on the same disk, so that moving it is one rename."""
    final = Path(final_dir).resolve()
    return final.parent / f".{final.name}.imr-staging-{uuid.uuid4().hex[:8]}"


def remove_stale_staging(final_dir: str | Path) -> None:
    """Delete staging folders an interrupted build left beside ``final_dir`` (they may leak)."""
    final = Path(final_dir).resolve()
    if not final.parent.is_dir():
        return
    for pattern in (f".{final.name}.imr-staging-*", f".{final.name}.imr-old-*"):
        for p in final.parent.glob(pattern):
            if p.is_dir() and not p.is_symlink():
                shutil.rmtree(p, ignore_errors=True)


def check_output(
    case,
    output_dir: str | Path,
    *,
    skip: Iterable[str] = (),
    extra_files: Iterable[Path] = (),
    ids: IdentifierSet | None = None,
) -> tuple[list[Leak], list[str]]:
    """Run the leak gate over a built output folder."""
    ids = ids if ids is not None else gate_identifiers(case)
    return scan_output(output_dir, ids, skip=skip, extra_files=extra_files)


def gate_identifiers(case) -> IdentifierSet:
    """What the leak gate looks for: every identifier of a person, and what only the restricted
    edition may hold from the process record (its page's title and its notes for the panel)."""
    ids = build_identifiers(case)
    record = case.data.get("process")
    texts = [(PAGE_TITLE, "page title")]
    if record is not None:
        texts += record.restricted_texts()
    extra = [
        Identifier(" ".join(fold(text).split()), what, "the process record (restricted)", "nothing")
        for text, what in texts
        if len(text.split()) >= 2
    ]
    return IdentifierSet(ids.identifiers + extra, ids.not_names)


def publish(staging: Path, final_dir: Path) -> None:
    """Move a checked build into place, replacing what was there."""
    final_dir = Path(final_dir)
    old = None
    if final_dir.exists():
        old = final_dir.parent / f".{final_dir.name}.imr-old-{uuid.uuid4().hex[:8]}"
        os.replace(final_dir, old)
    os.replace(staging, final_dir)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def discard(staging: Path | None, final_dir: Path | None = None) -> None:
    """Delete a build that must not be published, and empty its final place."""
    if staging is not None and Path(staging).exists():
        shutil.rmtree(staging, ignore_errors=True)
    if final_dir is not None and Path(final_dir).is_dir():
        for child in Path(final_dir).iterdir():
            if child.is_dir() and not child.is_symlink():
                shutil.rmtree(child, ignore_errors=True)
            else:
                child.unlink(missing_ok=True)


def gate_and_publish(
    case,
    staging: Path,
    final_dir: Path,
    *,
    skip: Iterable[str] = (),
    ids: IdentifierSet | None = None,
) -> list[Leak]:
    """Check a staged anonymised build; publish it when clean, else discard it and raise."""
    try:
        leaks, problems = check_output(case, staging, skip=skip, ids=ids)
    except Exception:
        discard(staging, final_dir)
        raise
    if leaks or problems:
        discard(staging, final_dir)
        raise LeakError(leaks, problems, final_dir)
    publish(staging, final_dir)
    return leaks
