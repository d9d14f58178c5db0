"""`imr check` starts quickly because it imports only what checking needs (issue 16): not MkDocs,
Jinja, the print path (Typst, the PDF readers) or jsonschema (loaded only to explain a data file
the compiled validator rejects)."""

from __future__ import annotations

import json
import subprocess
import sys

from tests.conftest import REPO

# Python-Markdown is not among them: the check reads links, anchors (its slugify) and pasted HTML
# as the build will render them, so it needs the same Markdown.
HEAVY = ["mkdocs", "material", "jinja2", "typst", "pikepdf", "pypdfium2", "openpyxl"]


def _modules_after_check(case_dir) -> set[str]:
    code = (
        "import json, sys\n"
        "from imr_site.cli import main\n"
        f"main(['check', {str(case_dir)!r}, '--format', 'json'])\n"
        "print(json.dumps(sorted({m.split('.')[0] for m in sys.modules})), file=sys.stderr)\n"
    )
    p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert p.returncode == 0, p.stderr
    return set(json.loads(p.stderr.strip().splitlines()[-1]))


def test_check_of_a_clean_case_imports_no_build_or_print_library():
    loaded = _modules_after_check(REPO)
    assert "imr_site" in loaded
    assert loaded.isdisjoint(HEAVY + ["jsonschema"]), sorted(loaded & set(HEAVY + ["jsonschema"]))
