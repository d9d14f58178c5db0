"""Rewrite the JSON Schemas that are made from the default template spec.

    python scripts/make_schemas.py          # writes imr_site/schemas/*.schema.json
    python scripts/make_schemas.py --check  # exit 1 if a shipped file is out of date

Run it after changing imr_site/specs/sab-imr.yml; tests/test_schemas.py fails until you do.
"""

from __future__ import annotations

import json
import sys

from imr_site.review.schema import FILES, SCHEMA_DIR, generated_schemas


def main(argv: list[str]) -> int:
    stale = []
    for name, schema in sorted(generated_schemas().items()):
        path = SCHEMA_DIR / FILES[name]
        text = json.dumps(schema, indent=2, ensure_ascii=False) + "\n"
        if path.is_file() and path.read_text(encoding="utf-8") == text:
            continue
        stale.append(path.name)
        if "--check" not in argv:
            path.write_text(text, encoding="utf-8")
            print(f"wrote {path}")
    if "--check" in argv and stale:
        print("out of date: " + ", ".join(stale) + " (run python scripts/make_schemas.py)")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
