"""manifest.json: what a FINAL build wrote, so that anyone can later show that a PDF or a page is
exactly the one that was signed off (each file's SHA-256, the commit, the edition, the date)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from importlib import metadata
from pathlib import Path

from imr_site.case.atomic import write_atomic
from imr_site.case.findings import Finding, summarise
from imr_site.review.formats import switched_off_lines

MANIFEST = "manifest.json"


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _tool_version() -> str:
    try:
        return metadata.version("imr-site")
    except metadata.PackageNotFoundError:
        return "unknown"


def build_manifest(
    site_dir: Path,
    *,
    case_reference: str,
    edition: str,
    status: str,
    commit: str | None,
    summary: dict,
    switched_off: list[str] | None = None,
    built_at: dt.datetime | None = None,
) -> dict:
    site_dir = Path(site_dir)
    files = []
    for p in sorted(site_dir.rglob("*")):
        if p.is_file() and p.relative_to(site_dir).as_posix() != MANIFEST:
            files.append(
                {
                    "path": p.relative_to(site_dir).as_posix(),
                    "sha256": sha256(p),
                    "bytes": p.stat().st_size,
                }
            )
    built_at = built_at or dt.datetime.now(dt.timezone.utc)
    return {
        "case_reference": case_reference,
        "status": status,
        "edition": edition,
        "commit": commit,
        "built_at": built_at.isoformat(timespec="seconds"),
        "tool": f"imr-site {_tool_version()}",
        "checks": {"summary": summary, "switched_off": switched_off or []},
        "files": files,
    }


def write_manifest(site_dir: Path, manifest: dict) -> Path:
    """Write manifest.json atomically (a half-written manifest would vouch for nothing)."""
    out = Path(site_dir) / MANIFEST
    write_atomic(out, json.dumps(manifest, indent=2, ensure_ascii=False) + "\n")
    return out


def write_final_manifest(
    site_dir: Path, case, findings: list[Finding], status: str, commit: str | None
) -> Path:
    """The manifest of a FINAL build of ``case`` into ``site_dir``: call it last, so that it
    lists every file written (the PDF included)."""
    manifest = build_manifest(
        site_dir,
        case_reference=case.config.case_reference,
        edition=case.config.edition,
        status=status,
        commit=commit,
        summary=summarise(findings),
        switched_off=switched_off_lines(case.config.rules),
    )
    return write_manifest(site_dir, manifest)
