"""The package layout: one package per part of the report over a shared base, imports pointing
one way (see "How the code is laid out" in the README).

Every import counts, including one placed inside a function: a late import that dodges a circle
is still a circle.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
ROOTS = {"imr_site": REPO / "imr_site", "imr_mkdocs": REPO / "plugins" / "imr_mkdocs"}

# Layer of each top-level package: a module may import its own package and lower layers only.
BASE = {"imr_site.case": 0}
PARTS = ("sections", "chronology", "actions", "people", "signoff", "process", "panel")
LAYERS = {
    **BASE,
    **{f"imr_site.{p}": 1 for p in PARTS},
    "imr_site.review": 2,
    "imr_site.publish": 3,
    "imr_site.cli": 4,
    "imr_mkdocs": 4,
}


def _modules() -> dict[str, Path]:
    out = {}
    for top, root in ROOTS.items():
        for path in root.rglob("*.py"):
            rel = path.relative_to(root).with_suffix("")
            parts = [p for p in rel.parts if p != "__init__"]
            out[".".join([top, *parts])] = path
    return {m: p for m, p in out.items() if not m.startswith("imr_site.case_template")}


MODULES = _modules()


def _package_of(module: str, path: Path) -> str:
    return module if path.name == "__init__.py" else module.rpartition(".")[0]


def _imports(module: str, path: Path) -> set[str]:
    """The package's own modules that ``module`` imports, anywhere in its code."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                pkg = _package_of(module, path).split(".")
                pkg = pkg[: len(pkg) - node.level + 1]
                base = ".".join(pkg + ([base] if base else []))
            # `from pkg import mod` imports the module pkg.mod; `from mod import name` imports mod
            names = [
                f"{base}.{a.name}" if f"{base}.{a.name}" in MODULES else base for a in node.names
            ]
        else:
            continue
        for name in names:
            while name and name not in MODULES:
                name = name.rpartition(".")[0]
            if name and name != module:
                found.add(name)
    return found


GRAPH = {m: _imports(m, p) for m, p in MODULES.items()}


def _layer_package(module: str) -> str | None:
    return next((pkg for pkg in LAYERS if module == pkg or module.startswith(pkg + ".")), None)


def test_every_module_has_a_place_in_the_layers():
    unplaced = [m for m in MODULES if _layer_package(m) is None and m not in ROOTS]
    assert not unplaced, f"modules outside the layout's packages: {unplaced}"


def test_imports_point_one_way():
    wrong = []
    for module, imported in GRAPH.items():
        own = _layer_package(module)
        if own is None:
            continue
        for target in imported:
            theirs = _layer_package(target)
            if theirs is None or theirs == own:
                continue
            if LAYERS[theirs] >= LAYERS[own]:
                wrong.append(f"{module} imports {target}")
    assert not wrong, (
        "imports must point from cli and the plugin to publish, review, the parts and the base, "
        "never back (and no part imports another):\n" + "\n".join(sorted(wrong))
    )


def test_no_import_cycles():
    # Tarjan's strongly connected components: any component of two or more modules is a cycle.
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in GRAPH[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for v in sorted(GRAPH):
        if v not in index:
            visit(v)
    assert not cycles, f"modules that import each other in a circle: {cycles}"


def test_the_checker_can_find_a_cycle_and_a_wrong_way_import(monkeypatch):
    """The two tests above would fail on a circle or an upward import (they are not vacuous)."""
    monkeypatch.setitem(
        GRAPH, "imr_site.case.model", GRAPH["imr_site.case.model"] | {"imr_site.review.registry"}
    )
    try:
        test_imports_point_one_way()
    except AssertionError as e:
        assert "imr_site.case.model imports imr_site.review.registry" in str(e)
    else:
        raise AssertionError("an upward import was not noticed")
    try:
        test_no_import_cycles()
    except AssertionError as e:
        assert "imr_site.case.model" in str(e)
    else:
        raise AssertionError("a cycle was not noticed")


def test_the_rule_registry_reaches_every_rule():
    """The README's finding codes come from the registry: no module registers a rule it misses."""
    code = (
        "import importlib, imr_site.review.registry\n"
        "from imr_site.case.findings import RULES\n"
        "before = set(RULES)\n"
        f"for m in {sorted(m for m in MODULES if not m.endswith('__main__'))!r}:\n"
        "    importlib.import_module(m)\n"
        "print(sorted(set(RULES) - before))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=REPO
    ).stdout
    assert out.strip() == "[]", f"rules the registry does not import: {out}"


# Where each family of finding codes is registered: the part of the report it is about.
CODE_HOMES = {
    "IMR": "imr_site.case",
    "PLH": "imr_site.case",
    "SEC": "imr_site.sections",
    "HDG": "imr_site.sections",
    "LNK": "imr_site.sections",
    "TPL": "imr_site.sections",
    "FLD": "imr_site.sections",
    "REV": "imr_site.sections",
    "HTM": "imr_site.sections",
    "CHR": "imr_site.chronology",
    "ACT": "imr_site.actions",
    "REC": "imr_site.actions",
    "GLO": "imr_site.people",
    "PPL": "imr_site.people",
    "ANO": "imr_site.people",
    "SGN": "imr_site.signoff",
    "SCH": "imr_site.review",
    "PRC": "imr_site.process",
    "LEN": "imr_site.sections",
    "EDT": "imr_site.people",
    "PNL": "imr_site.panel",
}


def _registered_in() -> dict[str, str]:
    """Finding code -> the module whose ``rule("CODE", ...)`` registers it."""
    out = {}
    for module, path in MODULES.items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and getattr(node.func, "id", None) == "rule"
                and node.args
                and isinstance(node.args[0], ast.Constant)
            ):
                out[node.args[0].value] = module
    return out


def test_each_rule_lives_in_its_part():
    """A newcomer finds rule CHR006 in chronology/checks.py, from the folder names alone."""
    from imr_site.case.findings import RULES
    from imr_site.review import registry  # noqa: F401  (registers every rule)

    where = _registered_in()
    assert set(where) == set(RULES)
    wrong = [
        f"{code} is registered in {module}"
        for code, module in sorted(where.items())
        if not module.startswith(CODE_HOMES[code[:3]] + ".")
    ]
    assert not wrong, "\n".join(wrong)
    assert where["CHR006"] == "imr_site.chronology.checks"


def test_no_template_turns_escaping_off():
    """Every value a template prints is escaped (Jinja autoescape): a `|safe`, `{% autoescape
    false %}` or `Markup` of author text would put the author's markup into every reader's page.
    HTML we build ourselves arrives as Markup from Python, never through a template filter."""
    import re

    pattern = re.compile(r"\|\s*safe\b|autoescape\s+false|\|\s*unescape\b", re.IGNORECASE)
    offenders = [
        f"{path.relative_to(REPO)}:{n}: {line.strip()}"
        for path in [
            *sorted((REPO / "imr_site").rglob("templates/*")),
            *sorted((REPO / "plugins" / "imr_mkdocs").glob("*.html")),
        ]
        if path.is_file() and path.suffix != ".typ"
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if pattern.search(line)
    ]
    assert len([p for p in (REPO / "imr_site").rglob("templates/*.html")]) >= 5
    assert offenders == []
