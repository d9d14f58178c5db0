"""Print the reference table of every finding code, in Markdown, for the README.

    python scripts/finding_codes.py > /tmp/codes.md

Every code registered with imr_site.findings.rule(...) is listed, whichever module owns it.
"""

from __future__ import annotations

import importlib
import pkgutil
import sys


def load_all_rules() -> dict:
    """Import every module of the package, so that each registers its codes."""
    import imr_site
    from imr_site.findings import RULES

    for mod in pkgutil.walk_packages(imr_site.__path__, "imr_site."):
        if mod.name.startswith("imr_site.case_template"):
            continue  # what `imr new` copies, not code
        importlib.import_module(mod.name)
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
