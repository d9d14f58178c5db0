"""Every data file and every section's front matter against its JSON Schema (imr_site.review.schema).

These are the same schemas the author's editor uses, so what the editor underlines is what the
checker reports. Where a more specific rule has already reported the same line (a missing
mandatory column, an unknown section), ``run_checks`` keeps that finding and drops this one.
"""

from __future__ import annotations

from imr_site.case.findings import Finding, finding, rule
from imr_site.case.yamlio import YAMLProblem, load_yaml
from imr_site.review.schema import FILES, SchemaProblem, load_override, schema_for, validate

R_DATA = rule(
    "SCH001",
    "error",
    "Data file does not match its schema",
    "Correct the value on the line named; your editor underlines the same problem when the file "
    "starts with its `# yaml-language-server: $schema=...` line.",
)
R_FRONT_MATTER = rule(
    "SCH002",
    "error",
    "Front matter does not match its schema",
    "Correct the front matter field on the line named (between the two '---' lines).",
)
R_OVERRIDE = rule(
    "SCH003",
    "error",
    "The case's own schema cannot be used",
    "Fix `schemas:` under the imr plugin in mkdocs.yml: each entry names a data file "
    "(chronology, glossary, people, actions, process) or front_matter and the path of a valid JSON Schema.",
)

PREFIX = "SCH"


def schemas(case) -> tuple[dict[str, dict], list[Finding]]:
    """The schema for each file, with the case's own where it gives one (and findings if those
    cannot be used: that file is then not checked against any schema)."""
    out: dict[str, dict] = {name: schema_for(name, case.spec) for name in FILES}
    problems: list[Finding] = []
    overrides = case.config.options.get("schemas") or {}
    if not isinstance(overrides, dict):
        return out, [
            finding(
                R_OVERRIDE.code,
                "mkdocs.yml",
                None,
                "`schemas:` must be a list of 'name: path/to/schema.json' lines.",
            )
        ]
    for name, path in overrides.items():
        if name not in FILES:
            problems.append(
                finding(
                    R_OVERRIDE.code,
                    "mkdocs.yml",
                    None,
                    f"`schemas:` names '{name}', which is not one of: {', '.join(FILES)}.",
                )
            )
            continue
        try:
            out[name] = load_override(case.root / str(path))
        except SchemaProblem as e:
            problems.append(
                finding(
                    R_OVERRIDE.code,
                    "mkdocs.yml",
                    None,
                    f"the schema for {name} ({path}) cannot be used: {e}. Its {name} is not checked "
                    "against a schema until this is fixed.",
                )
            )
            del out[name]
    return out, problems


def check(case) -> list[Finding]:
    found_schemas, out = schemas(case)
    for name in ("chronology", "glossary", "people", "actions", "process"):
        schema = found_schemas.get(name)
        path = case.data_path / f"{name}.yml"
        if schema is None or not path.is_file() or path in case.refused:
            continue
        rel = case.rel(path)
        try:
            raw = load_yaml(path, rel)  # already parsed by the data module: this is its copy
        except YAMLProblem:
            continue  # reported (IMR004) when the case was read
        try:
            problems = validate(raw, schema)
        except SchemaProblem as e:
            out.append(_unusable(name, e))
            continue
        out.extend(finding(R_DATA.code, rel, p.line, p.message) for p in problems)
    schema = found_schemas.get("front_matter")
    if schema is not None:
        for page in case.pages:
            if not page.meta and page.section_id is None:
                continue
            try:
                problems = validate(page.meta, schema)
            except SchemaProblem as e:
                out.append(_unusable("front_matter", e))
                break
            out.extend(finding(R_FRONT_MATTER.code, page.rel, p.line, p.message) for p in problems)
    return out


def _unusable(name: str, e: SchemaProblem) -> Finding:
    return finding(
        R_OVERRIDE.code,
        "mkdocs.yml",
        None,
        f"the schema for {name} cannot be used: {e}. Its {name} is not checked against a schema "
        "until this is fixed.",
    )
