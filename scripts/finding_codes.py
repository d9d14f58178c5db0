"""Print the reference table of every finding code, in Markdown, for the README.

    python scripts/finding_codes.py > /tmp/codes.md

Every code registered with imr_site.case.findings.rule(...) is listed: the registry of the
report's parts (imr_site.review.registry) imports every module that registers one, and a test
checks that importing every module of the package adds none.
"""

from __future__ import annotations

import importlib
import sys


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


if __name__ == "__main__":
    sys.stdout.write(table() + "\n")
