"""Checks a manifest against schemas/model/manifest.schema.json with a small validator for the
JSON-schema keywords that file uses, allOf/if/then/contains included (Debian's python3 here has
no jsonschema package)."""
from __future__ import annotations

import json
import re

from nextitem_trainer.core.paths import REPO_ROOT

SCHEMA_PATH = REPO_ROOT / "schemas" / "model" / "manifest.schema.json"
TYPES = {"object": dict, "array": list, "string": str, "integer": int, "number": (int, float),
         "boolean": bool, "null": type(None)}


def _matches(value, schema: dict, root: dict) -> bool:
    try:
        _check(value, schema, "", root)
    except AssertionError:
        return False
    return True


def _check(value, schema: dict, where: str, root: dict) -> None:
    if "$ref" in schema:
        schema = root["$defs"][schema["$ref"].split("/")[-1]]
    for sub in schema.get("allOf", []):
        _check(value, sub, where, root)
    if "if" in schema and _matches(value, schema["if"], root) and "then" in schema:
        _check(value, schema["then"], where, root)
    if "type" in schema:
        types = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
        ok = any(isinstance(value, TYPES[t]) and not (t in ("integer", "number") and isinstance(value, bool))
                 for t in types)
        assert ok, f"{where}: expected {types}, got {value!r}"
    if "const" in schema:
        assert value == schema["const"], f"{where}: expected {schema['const']!r}, got {value!r}"
    if "enum" in schema:
        assert value in schema["enum"], f"{where}: expected one of {schema['enum']}, got {value!r}"
    if "pattern" in schema and isinstance(value, str):
        assert re.search(schema["pattern"], value), f"{where}: {value!r} does not match {schema['pattern']}"
    if "minimum" in schema and isinstance(value, (int, float)):
        assert value >= schema["minimum"], f"{where}: {value} < {schema['minimum']}"
    if isinstance(value, dict):
        for key in schema.get("required", []):
            assert key in value, f"{where}: missing required {key}"
        props = schema.get("properties", {})
        for key, item in value.items():
            if key in props:
                _check(item, props[key], f"{where}.{key}", root)
            elif isinstance(schema.get("additionalProperties"), dict):
                _check(item, schema["additionalProperties"], f"{where}.{key}", root)
            else:
                assert schema.get("additionalProperties", True) is not False, f"{where}: unexpected key {key}"
    if isinstance(value, list):
        if "minItems" in schema:
            assert len(value) >= schema["minItems"], f"{where}: fewer than {schema['minItems']} items"
        if schema.get("uniqueItems"):
            assert len(set(map(json.dumps, value))) == len(value), f"{where}: items not unique"
        if "contains" in schema:
            assert any(_matches(item, schema["contains"], root) for item in value), \
                f"{where}: no item matches {schema['contains']}"
        if "items" in schema:
            for i, item in enumerate(value):
                _check(item, schema["items"], f"{where}[{i}]", root)


def validate(manifest: dict) -> None:
    schema = json.loads(SCHEMA_PATH.read_text())
    _check(manifest, schema, "manifest", schema)
