"""A small complete case made from the template spec, for tests that need a case with no
findings (the example case in docs/ is written separately and may change)."""

from __future__ import annotations

import datetime as dt
import subprocess
from pathlib import Path

from imr_site.case.spec import load_spec

MKDOCS_YML = """\
site_name: Test IMR
use_directory_urls: false
theme:
  name: material
  font: false
plugins:
  - imr:
      case_reference: SAR-TEST-1
      agency: Test Agency
      review_period:
        start: 2024-01-01
        end: 2024-03-31
      pdf: false
"""

ANSWER = "Practitioners recorded what they saw and acted on it the same day, as the records show."


# The subject's identifying details, each written nowhere else (the name check would flag them).
SUBJECT = {
    "subject.initials": "AB",
    "subject.full_name": "Alex Brown",
    "subject.dob": "1940-05-01",
    "subject.address": "1 Test Street, Testtown",
}


def _value(f, signed: dt.date):
    if f.key in SUBJECT:
        return SUBJECT[f.key]
    if f.type == "date":
        return signed.isoformat()
    if f.type == "confirmation":
        return "yes"
    return f'"{f.label.split(":")[-1].strip()} value"'


def _front_matter(section, status: str, signed: dt.date) -> str:
    lines = [f"section: {section.id}", f"status: {status}"]
    tree: dict = {}
    for f in section.fields:
        if f.from_case:
            continue
        node = tree
        parts = f.key.split(".")
        for part in parts[:-1]:
            node = node.setdefault(part, {})
        node[parts[-1]] = _value(f, signed)

    def emit(node, indent):
        for k, v in node.items():
            if isinstance(v, dict):
                lines.append(f"{'  ' * indent}{k}:")
                emit(v, indent + 1)
            else:
                lines.append(f"{'  ' * indent}{k}: {v}")

    emit(tree, 0)
    return "---\n" + "\n".join(lines) + "\n---\n"


def write_case(
    root: Path,
    *,
    status: str = "final",
    signed: dt.date | None = None,
    mkdocs_yml: str = MKDOCS_YML,
) -> Path:
    signed = signed or dt.date.today() - dt.timedelta(days=1)
    spec = load_spec()
    root.mkdir(parents=True, exist_ok=True)
    (root / "mkdocs.yml").write_text(mkdocs_yml, encoding="utf-8")
    docs = root / "docs"
    docs.mkdir(exist_ok=True)
    (docs / "index.md").write_text("# Test IMR\n\nA test case.\n", encoding="utf-8")
    for i, s in enumerate(spec.sections):
        if not s.required:
            continue  # an optional part (the supplementary report): tests add it themselves
        body = [f"# {s.numbered_title}", "", ANSWER, ""]
        for h in s.headings:
            body += [f"## {h.title}", "", ANSWER, ""]
        if s.id == "recommendations":
            body += ["### R1. Training in recording home visits", "", ANSWER, ""]
        (docs / f"{i:02d}-{s.id}.md").write_text(
            _front_matter(s, status, signed) + "\n" + "\n".join(body), encoding="utf-8"
        )
    data = root / "data"
    data.mkdir(exist_ok=True)
    (data / "chronology.yml").write_text(
        "- date: 2024-02-01\n  time: '09:30'\n  source: District nursing\n  contact_with: AB\n"
        "  event: DN1 made a home visit\n  key_episode: yes\n"
        "- date: 2024-03-01\n  source: District nursing\n  contact_with: AB\n  event: Telephone call\n",
        encoding="utf-8",
    )
    (data / "glossary.yml").write_text("IMR: Individual Management Review\n", encoding="utf-8")
    (data / "people.yml").write_text(
        "AB:\n  name: Alex Brown\nDN1:\n  name: Sam Green\n  role: District nurse\n"
        "  agency: Test Agency\n",
        encoding="utf-8",
    )
    (data / "actions.yml").write_text(
        "- ref: A1\n  recommendations: [R1]\n  action: Train staff\n  agency: Test Agency\n"
        "  lead: Head of nursing\n"
        f"  timescale: {(signed + dt.timedelta(days=365)).isoformat()}\n"
        "  monitoring: Quarterly audit\n  status: in progress\n",
        encoding="utf-8",
    )
    (data / "process.yml").write_text(process_record(signed), encoding="utf-8")
    return root


def process_record(signed: dt.date) -> str:
    """A complete process record: DN1, whom the chronology names, invited, met and checked."""

    def before(days: int) -> str:
        return (signed - dt.timedelta(days=days)).isoformat()

    return (
        "senior_manager:\n  name: Head of Service\n  role: Head of Adult Services\n"
        f"  no_involvement: yes\n  appointed: {before(80)}\n"
        f"files:\n  secured: {before(75)}\n  author_access: {before(74)}\n"
        f"staff:\n  DN1:\n    invited: {before(60)}\n    contributed: {before(50)}\n"
        f"    how: interview\n    meeting: {before(50)}\n    record_shared: {before(45)}\n"
        f"    checked: {before(40)}\n    entries: all\n"
        f"other_investigations:\n  considered: yes\n  date: {before(70)}\n  needed: no\n"
        f"signoff:\n  sent: {signed.isoformat()}\n"
    )


def git_commit_all(root: Path, message: str = "case") -> str:
    def git(*args):
        return subprocess.run(
            ["git", "-C", str(root), *args], check=True, capture_output=True, text=True
        ).stdout

    if not (root / ".git").exists():
        git("init", "-q", "-b", "main")
        git("config", "user.name", "Ann Author")
        git("config", "user.email", "ann@example.org")
        (root / ".gitignore").write_text("/site/\n", encoding="utf-8")
    git("add", "-A")
    git("commit", "-q", "-m", message)
    return git("rev-parse", "HEAD").strip()
