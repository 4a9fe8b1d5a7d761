"""Load JSON configuration files and validate them against our JSON Schemas.

A county editing a rule or a code list by hand must be told *where* the mistake is,
so every validation error is turned into a :class:`SchemaError` carrying the JSON
path of the offending value (``$.rules[3].params.max``).
"""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import jsonschema
from jsonschema.exceptions import best_match

from addin.errors import ConfigError, SchemaError
from addin.resources import template_path


@functools.cache
def load_schema(name: str) -> dict[str, Any]:
    """A schema from templates/schemas/ by file name (cached: schemas never change at run time)."""
    return read_json(template_path("schemas", name))


def read_json(path: Path) -> Any:
    """Parse a JSON file, turning syntax errors into a ConfigError with line and column."""
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise ConfigError(path, f"无法读取（{exc.strerror or exc}）") from exc
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise ConfigError(path, f"JSON 格式错误，第 {exc.lineno} 行第 {exc.colno} 列：{exc.msg}") from exc


def json_path(parts: Any) -> str:
    """Render a jsonschema error path as ``$.a[0].b``."""
    out = "$"
    for part in parts:
        out += f"[{part}]" if isinstance(part, int) else f".{part}"
    return out


def validate(document: Any, schema: Mapping[str, Any], path: Path) -> None:
    """Raise SchemaError naming the JSON path of the most relevant violation."""
    validator = jsonschema.Draft202012Validator(schema)
    error = best_match(validator.iter_errors(document))
    if error is not None:
        raise SchemaError(path, json_path(error.absolute_path), _describe(error))


def _describe(error: jsonschema.ValidationError) -> str:
    """A short Chinese description of a schema violation (a schema's own ``errorMessage`` wins)."""
    if isinstance(error.schema, dict) and isinstance(error.schema.get("errorMessage"), str):
        return error.schema["errorMessage"]
    kind = error.validator
    if kind == "required":
        missing = [p for p in error.validator_value if isinstance(error.instance, dict) and p not in error.instance]
        return f"缺少必填项 {', '.join(missing) or error.validator_value}"
    if kind == "additionalProperties":
        return f"有未知的键（{error.message}）"
    if kind == "enum":
        return f"取值 {error.instance!r} 不在允许范围 {error.validator_value} 内"
    if kind == "type":
        return f"类型应为 {error.validator_value}，实际为 {type(error.instance).__name__}"
    if kind == "pattern":
        return f"取值 {error.instance!r} 格式不符（应匹配 {error.validator_value}）"
    return error.message


def load_validated(path: Path, schema_name: str) -> Any:
    """Read a JSON file and validate it against templates/schemas/<schema_name>."""
    document = read_json(path)
    validate(document, load_schema(schema_name), path)
    return document
