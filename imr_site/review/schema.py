"""JSON Schemas for the data files and for each section's front matter.

The same schemas serve the author's editor (through a ``yaml-language-server`` modeline in each
data file, pointing at a copy in the case's ``.imr/schemas/``) and ``imr check`` (which validates
with them), so the two can never disagree. Schemas that depend on the template spec (front
matter, chronology and action-plan columns) are made from the spec by this module; the files
shipped in ``schemas/`` are what it makes from the default spec (a test keeps them equal;
``python scripts/make_schemas.py`` rewrites them).

A case can use its own schema for any of them with the plugin option
``schemas: {chronology: path/to/schema.json}`` (paths relative to the case folder).
"""

from __future__ import annotations

import copy
import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from imr_site.case.sections import STATUSES
from imr_site.case.spec import DEFAULT_SPEC, TemplateSpec, load_spec
from imr_site.case.yamlio import LineDict, LineList
from imr_site.chronology.model import FIELDS, PANEL_FIELDS

SCHEMA_DIR = Path(__file__).parent / "schemas"
DRAFT = "http://json-schema.org/draft-07/schema#"  # the draft editors' YAML support knows best

# name -> shipped file. "front_matter" is for the front matter of every section file.
FILES = {
    "chronology": "chronology.schema.json",
    "glossary": "glossary.schema.json",
    "people": "people.schema.json",
    "actions": "actions.schema.json",
    "process": "process.schema.json",
    "front_matter": "front-matter.schema.json",
}
FROM_SPEC = {"chronology", "actions", "front_matter"}

STATUS_WORDS = STATUSES + tuple(s.capitalize() for s in STATUSES) + ("In Review",)

_TEXT_OR_NUMBER = ["string", "number", "null"]


@cache
def shipped(name: str) -> dict:
    return json.loads((SCHEMA_DIR / FILES[name]).read_text(encoding="utf-8"))


def _field_schema(ftype: str, label: str) -> dict:
    if ftype == "date":
        return {
            "type": ["string", "null"],
            "pattern": r"^\d{4}-\d{2}-\d{2}$",
            "description": f"{label} (YYYY-MM-DD)",
        }
    if ftype == "confirmation":
        return {"type": ["boolean", "null"], "description": f"{label}: yes once it is true"}
    return {"type": _TEXT_OR_NUMBER, "description": label}


def front_matter_schema(spec: TemplateSpec) -> dict:
    """The front matter of a section file: `section:`, `status:`, and the spec's fields for the
    section it names (nested keys such as ``signatures.author.date`` become nested objects)."""
    rules = []
    for s in spec.sections:
        props: dict = {}
        required: dict[tuple, list[str]] = {}
        for f in s.fields:
            if f.from_case:
                continue  # set in mkdocs.yml, not in the front matter
            parts = f.key.split(".")
            node = props
            for depth, part in enumerate(parts[:-1]):
                obj = node.setdefault(part, {"type": "object", "properties": {}})
                if f.required:
                    required.setdefault(tuple(parts[:depth]), [])
                    if part not in required[tuple(parts[:depth])]:
                        required[tuple(parts[:depth])].append(part)
                node = obj["properties"]
            node[parts[-1]] = _field_schema(f.type, f.label)
            if f.required:
                required.setdefault(tuple(parts[:-1]), []).append(parts[-1])
        if not props:
            continue
        then = {"properties": props}
        for path, names in required.items():
            target = then
            for part in path:
                target = target["properties"][part]
            target["required"] = names
        if "signatures" in props:
            # a misspelt signature field would otherwise leave the sign-off looking incomplete
            sig = props["signatures"]
            sig["additionalProperties"] = False
            for who in sig["properties"].values():
                who["additionalProperties"] = False
        rules.append(
            {
                "if": {"properties": {"section": {"const": s.id}}, "required": ["section"]},
                "then": then,
            }
        )
    return {
        "$schema": DRAFT,
        "$id": "front-matter.schema.json",
        "title": f"Front matter of a section of the {spec.report_title} ({spec.id})",
        "type": "object",
        "properties": {
            "section": {
                "description": "Which part of the report this file fills",
                "enum": list(spec.section_ids),
            },
            "status": {
                "description": "Where the section is: draft, in review or final",
                "enum": list(STATUS_WORDS),
            },
        },
        "allOf": rules,
    }


def data_schema(name: str, spec: TemplateSpec) -> dict:
    """A data file's schema; the chronology's and the action plan's columns come from the spec."""
    if name not in FROM_SPEC:
        return copy.deepcopy(shipped(name))
    if name == "front_matter":
        return front_matter_schema(spec)
    columns = spec.chronology_columns if name == "chronology" else spec.action_columns
    types = _CHRONOLOGY_TYPES if name == "chronology" else _ACTION_TYPES
    props = {}
    for c in columns:
        props[c.key] = {**types.get(c.key, {"type": _TEXT_OR_NUMBER}), "description": c.label}
    if name == "actions" and spec.action_statuses and "status" in props:
        words = [*spec.action_statuses]
        words += [w.capitalize() for w in words if w.capitalize() not in words]
        props["status"]["enum"] = [*words, None]
    item = {
        "type": "object",
        "properties": props,
        "required": [c.key for c in columns if c.mandatory],
    }
    if name == "chronology":
        # the chronology rules (CHR009) reject any other field, so the editor does too
        for key in FIELDS:
            props.setdefault(key, {**_CHRONOLOGY_TYPES.get(key, {"type": _TEXT_OR_NUMBER})})
        # the review panel's integrated chronology (`imr merge`) adds these
        for key in PANEL_FIELDS:
            props.setdefault(key, {**_CHRONOLOGY_TYPES.get(key, {"type": ["string", "null"]})})
        item["additionalProperties"] = False
    what = "chronology of agency involvement" if name == "chronology" else "action plan"
    return {
        "$schema": DRAFT,
        "$id": FILES[name],
        "title": f"The {what} (data/{name}.yml) for the {spec.report_title} ({spec.id})",
        "type": ["array", "null"],
        "items": item,
    }


_CHRONOLOGY_TYPES = {
    "time": {"type": ["string", "null"]},
    "end_time": {"type": ["string", "null"]},
    "seq": {"type": ["integer", "null"], "minimum": 0},
    "key_episode": {"type": ["boolean", "null"]},
    "same_as": {"type": ["string", "array", "null"], "items": {"type": "string"}},
    "not_same_as": {"type": ["string", "array", "null"], "items": {"type": "string"}},
    "references": {
        "type": ["string", "number", "array", "null"],
        "items": {"type": ["string", "number"]},
    },
}
_ACTION_TYPES = {
    "recommendations": {
        "type": ["string", "number", "array", "null"],
        "items": {"type": ["string", "number"]},
    },
    "status": {"type": ["string", "null"]},
    "immediate": {"type": ["boolean", "string", "null"]},
}


def generated_schemas(spec_path: Path | None = None) -> dict[str, dict]:
    """Every schema as made from a spec (the default one unless given): what the files hold."""
    spec = load_spec(spec_path)
    return {name: data_schema(name, spec) for name in FROM_SPEC}


# --- validation -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    line: int | None
    message: str


class SchemaProblem(Exception):
    """A schema that cannot be used (a case's own file: not JSON, not a schema, a broken $ref)."""


def load_override(path: Path) -> dict:
    if not path.is_file():
        raise SchemaProblem(f"the schema file {path.name} does not exist")
    try:
        schema = json.loads(path.read_text(encoding="utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise SchemaProblem(f"{path.name} is not valid JSON ({e})") from None
    if not isinstance(schema, dict):
        raise SchemaProblem(f"{path.name} must hold a JSON object (a schema)")
    import jsonschema

    cls = jsonschema.validators.validator_for(schema, default=jsonschema.Draft7Validator)
    try:
        cls.check_schema(schema)
    except jsonschema.SchemaError as e:
        at = "/".join(str(p) for p in e.absolute_path) or "the top"
        raise SchemaProblem(
            f"{path.name} is not a valid JSON Schema (at {at}: {e.message})"
        ) from None
    return schema


def schema_for(name: str, spec: TemplateSpec) -> dict:
    """The schema the checker uses for a file when the case does not give its own."""
    if Path(spec.path).resolve() == DEFAULT_SPEC.resolve():
        return shipped(name)
    return data_schema(name, spec)


def validate(instance, schema: dict) -> list[Problem]:
    """Problems in ``instance`` (YAML read with lines), each with the line it points at."""
    if _fast_valid(instance, schema):
        return []
    import jsonschema
    import referencing.exceptions

    cls = jsonschema.validators.validator_for(schema, default=jsonschema.Draft7Validator)
    validator = cls(schema)
    try:
        errors = _item_errors(validator, instance, schema)
        if errors is None:
            errors = list(validator.iter_errors(instance))
    except referencing.exceptions.Unresolvable as e:
        # nothing is fetched: a schema must be self-contained (the site is built offline)
        raise SchemaProblem(
            f"it refers to {getattr(e, 'ref', 'another schema')}, which cannot be found here; a "
            "schema must be self-contained (no links to other files or web addresses)"
        ) from None
    out = []
    seen = set()
    for err in sorted(errors, key=lambda e: list(map(str, e.absolute_path))):
        for leaf in _leaves(err):
            p = Problem(_line(instance, leaf), _message(leaf))
            if p not in seen:
                seen.add(p)
                out.append(p)
    return out


# Compiled validators (fastjsonschema), by the schema's JSON text; None where one cannot be made.
_COMPILED: dict[str, object] = {}


def _item_errors(validator, instance, schema: dict) -> list | None:
    """For a list whose only problems are in some items (a chronology with a mistake in entry
    2,031), jsonschema's errors for just those items: what it would report for the whole list,
    found without walking 10,000 valid entries. None when this shortcut does not apply."""
    items = schema.get("items")
    if not isinstance(instance, list) or not isinstance(items, dict):
        return None
    if set(schema) - {"$schema", "$id", "title", "description", "type", "items"}:
        return None
    top = {k: v for k, v in schema.items() if k != "items"}
    if any(True for _ in validator.evolve(schema=top).iter_errors(instance)):
        return None
    compiled = _compiled(items)
    if compiled is None:
        return None
    errors = []
    for index, item in enumerate(instance):
        if not _passes(compiled, item):
            errors += validator.descend(item, items, path=index, schema_path="items")
    return errors


def _compiled(schema: dict):
    key = json.dumps(schema, sort_keys=True, default=str)
    if key not in _COMPILED:
        _COMPILED[key] = _compile(schema, key)
    return _COMPILED[key]


def _passes(compiled, instance) -> bool:
    try:
        compiled(instance)
    except Exception:  # noqa: BLE001 - any doubt: let jsonschema look
        return False
    return True


def _fast_valid(instance, schema: dict) -> bool:
    """True when a compiled validator finds nothing wrong: the usual case, in a fraction of
    jsonschema's time (and without importing it). False when it finds a problem, or cannot be
    used for this schema: jsonschema then looks, so every message and line stays its own. A
    compiled validator is at least as strict as jsonschema for the schemas shipped here (formats
    are not checked by either); the findings tests compare whole findings lists to show it."""
    compiled = _compiled(schema)
    return compiled is not None and _passes(compiled, instance)


_DRAFTS = re.compile(r"\bdraft-0[467]\b")


def _compile(schema: dict, text: str):
    # Only the drafts it knows as jsonschema does (a later draft's keywords it would ignore), and
    # only self-contained schemas (it would fetch a $ref to another file).
    if not _DRAFTS.search(str(schema.get("$schema", "draft-07"))):
        return None
    if '"$ref"' in text and any(not r.startswith("#") for r in _refs(schema)):
        return None
    try:
        import fastjsonschema
    except ImportError:  # the package is missing: jsonschema alone is slower, not wrong
        return None
    try:
        return fastjsonschema.compile(schema, use_default=False, use_formats=False)
    except Exception:  # noqa: BLE001 - a schema it cannot compile: jsonschema decides
        return None


def _refs(value):
    if isinstance(value, dict):
        for k, v in value.items():
            if k == "$ref" and isinstance(v, str):
                yield v
            else:
                yield from _refs(v)
    elif isinstance(value, list):
        for v in value:
            yield from _refs(v)


def _leaves(err):
    """The most specific errors under an if/then or anyOf, which say what is actually wrong."""
    if err.context and err.validator in ("anyOf", "oneOf"):
        # The alternative the author meant is the one whose kind of value they wrote: prefer
        # errors that are not about the kind, then the one that went deepest.
        best = max(err.context, key=lambda e: (e.validator != "type", len(e.absolute_path)))
        return _leaves(best)
    return [err]


def _walk(instance, path) -> tuple[object, int | None]:
    node, line = instance, getattr(instance, "line", None)
    for part in path:
        if isinstance(node, LineDict) and part in node:
            line = node.line_of(part)
            node = node[part]
        elif isinstance(node, LineList) and isinstance(part, int) and part < len(node):
            line = node.item_lines[part]
            node = node[part]
        else:
            break
    return node, line


def _line(instance, err) -> int | None:
    node, line = _walk(instance, list(err.absolute_path))
    if err.validator == "additionalProperties" and isinstance(node, LineDict):
        allowed = set((err.schema or {}).get("properties", {}))
        extra = [k for k in node if k not in allowed]
        if extra:
            return node.line_of(extra[0])
    return line


def _where(err) -> str:
    parts = []
    for p in err.absolute_path:
        parts.append(f"entry {p + 1}" if isinstance(p, int) else f"'{p}'")
    return " in " + ", ".join(reversed(parts)) if parts else ""


_TYPE_WORDS = {
    "string": "text",
    "number": "a number",
    "integer": "a whole number",
    "boolean": "yes or no",
    "array": "a list ('- ' lines)",
    "object": "a set of 'name: value' lines",
    "null": "empty",
}


def _describe(value) -> str:
    if value is None:
        return "empty"
    if isinstance(value, bool):
        return "yes/no"
    if isinstance(value, int):
        return f"the number {value}"
    if isinstance(value, (dict, list)):
        return _TYPE_WORDS["object" if isinstance(value, dict) else "array"]
    return f"'{value}'"


def _message(err) -> str:
    v = err.validator
    path = list(err.absolute_path)
    name = f"'{path[-1]}'" if path and not isinstance(path[-1], int) else "this value"
    if v == "required":
        missing = err.message.split("'")[1] if "'" in err.message else err.message
        return f"'{missing}' is missing{_where(err)}: add it."
    if v == "type":
        wanted = (
            err.validator_value if isinstance(err.validator_value, list) else [err.validator_value]
        )
        words = " or ".join(_TYPE_WORDS.get(t, t) for t in wanted if t != "null")
        return f"{name} should be {words}, but it is {_describe(err.instance)}."
    if v == "enum":
        words: list[str] = []
        for c in err.validator_value:  # "draft" and "Draft" are one choice to a reader
            if c is not None and str(c).lower() not in (w.lower() for w in words):
                words.append(str(c))
        choices = ", ".join(words)
        return f"{name} is {_describe(err.instance)}; use one of: {choices}."
    if v == "pattern":
        if err.validator_value == r"^\d{4}-\d{2}-\d{2}$":
            return f"{name} is {_describe(err.instance)}: write the date as YYYY-MM-DD."
        return f"{name} is {_describe(err.instance)}, which is not in the expected form."
    if v == "additionalProperties":
        allowed = ", ".join(sorted((err.schema or {}).get("properties", {})))
        return f"{err.message.split('(')[-1].rstrip(')')}{_where(err)}: check the spelling" + (
            f" (the fields here are: {allowed})." if allowed else "."
        )
    return f"{name}{_where(err)}: {err.message}."
