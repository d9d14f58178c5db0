"""A new case: the template (``case_template/``, shipped as ``imr_site.case_template``) copied
into a folder, with the JSON Schemas beside its data files so that editors check them offline."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from imr_site.review.schema import FILES, SCHEMA_DIR

SCHEMA_COPY = ".imr/schemas"  # inside a new case: the editor finds the schemas offline


def template_files():
    """The files `imr new` copies, as (relative path, Traversable)."""
    root = resources.files("imr_site.case_template")

    def walk(node, prefix=""):
        for child in sorted(node.iterdir(), key=lambda c: c.name):
            rel = f"{prefix}{child.name}"
            if child.name in ("__init__.py", "__pycache__"):
                continue
            if child.is_dir():
                yield from walk(child, rel + "/")
            else:
                yield rel, child

    return list(walk(root))


def new_case(target: Path) -> None:
    """Copy the template into ``target`` (made if missing; the caller checks it is empty)."""
    target.mkdir(parents=True, exist_ok=True)
    for rel, node in template_files():
        dest = target / rel
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.write_bytes(node.read_bytes())
    _add_schemas(target)


# From the agency's template, what a review panel's case shares: the CI, pre-commit and Git
# settings. Its settings and parts are its own (templates/panel_case/).
PANEL_SHARED = (".github/", ".gitlab-ci.yml", ".pre-commit-config.yaml", ".gitignore")


def new_panel(target: Path) -> None:
    """A review panel's case (`imr new --panel`): the agencies are listed in its mkdocs.yml and
    `imr merge` fills its data/."""
    target.mkdir(parents=True, exist_ok=True)
    for rel, node in template_files():
        if rel.startswith(PANEL_SHARED):
            _copy(node, target / rel)
    panel = resources.files("imr_site.publish").joinpath("templates", "panel_case")

    def walk(node, rel=""):
        for child in node.iterdir():
            if child.is_dir():
                walk(child, f"{rel}{child.name}/")
            else:
                _copy(child, target / f"{rel}{child.name}")

    walk(panel)
    dest = target / SCHEMA_COPY
    dest.mkdir(parents=True, exist_ok=True)
    for file in FILES.values():
        (dest / file).write_bytes((SCHEMA_DIR / file).read_bytes())


def _copy(node, dest: Path) -> None:
    dest.parent.mkdir(parents=True, exist_ok=True)
    dest.write_bytes(node.read_bytes())


def _add_schemas(target: Path) -> None:
    """Copy the JSON Schemas into the new case and point each data file at its own with a
    yaml-language-server modeline (VS Code's YAML extension and other editors read it)."""
    dest = target / SCHEMA_COPY
    dest.mkdir(parents=True, exist_ok=True)
    for name, file in FILES.items():
        (dest / file).write_bytes((SCHEMA_DIR / file).read_bytes())
        data = target / "data" / f"{name}.yml"
        if not data.is_file():
            continue
        text = data.read_text(encoding="utf-8")
        if "yaml-language-server:" not in text:
            line = f"# yaml-language-server: $schema=../{SCHEMA_COPY}/{file}\n"
            data.write_text(line + text, encoding="utf-8")
