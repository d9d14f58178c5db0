"""Print the reference table of every finding code, in Markdown, for the README.

    python scripts/finding_codes.py             # print the table
    python scripts/finding_codes.py --write     # replace the table in README.md with it

Every code registered with imr_site.case.findings.rule(...) is listed: the registry of the
report's parts (imr_site.review.registry) imports every module that registers one, and a test
checks that importing every module of the package adds none.
"""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

README = Path(__file__).resolve().parent.parent / "README.md"
HEADING = "## Finding codes"


def load_all_rules() -> dict:
    """Every finding code, as the registry of the report's parts registers them."""
    importlib.import_module("imr_site.review.registry")
    from imr_site.case.findings import RULES

    return RULES


def table() -> str:
    rules = load_all_rules()
    lines = [
        "| Code | Severity | What it means | How to fix it |",
        "|---|---|---|---|",
    ]
    for code in sorted(rules):
        r = rules[code]
        cells = [code, r.severity.value, r.title, r.fix]
        lines.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    return "\n".join(lines)


def readme_table(readme: str) -> str | None:
    """The table under the README's 'Finding codes' heading, as written; None when missing."""
    if HEADING not in readme:
        return None
    after = readme.split(HEADING, 1)[1].splitlines()
    rows = [i for i, line in enumerate(after) if line.startswith("| Code |")]
    if not rows:
        return None
    start = rows[0]
    end = start
    while end < len(after) and after[end].startswith("|"):
        end += 1
    return "\n".join(after[start:end])


def write_readme(path: Path = README) -> bool:
    """Put the current table into the README in place of the old one; True when it changed."""
    readme = path.read_text(encoding="utf-8")
    old = readme_table(readme)
    if old is None:
        raise SystemExit(f"{path} has no '{HEADING}' section with a table to replace")
    new = table()
    if old == new:
        return False
    head, tail = readme.split(HEADING, 1)
    path.write_text(head + HEADING + tail.replace(old, new, 1), encoding="utf-8")
    return True


if __name__ == "__main__":
    if sys.argv[1:] == ["--write"]:
        print("README.md updated" if write_readme() else "README.md already up to date")
    elif sys.argv[1:]:
        raise SystemExit(__doc__)
    else:
        sys.stdout.write(table() + "\n")
