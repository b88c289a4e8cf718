"""JSON Schema of every record kind, generated from the record models (fields.py), for editors
such as VS Code with the YAML extension: the starter files name it in a
`# yaml-language-server: $schema=…` line. Values staff may write as text (约40, 是, 2026年6月1日)
stay allowed; `careportal check` remains the judge."""

from __future__ import annotations

from typing import Any

from generator.editor.fields import FormField, model_fields
from generator.records import models
from generator.records.kinds import KINDS as KIND_LIST
from generator.records.kinds import MODELS as RECORD_DIRS
from generator.records.kinds import SCHOOL

# file name of each kind's schema (schemas/<kind>.schema.json) → the model
SINGULAR = {"activities": "activity", "policies": "policy", "resources": "resource", "summaries": "summary",
            "letters": "letter", "programmes": "programme"}
KINDS: dict[str, type] = {"school": models.School, "bureau": models.Bureau}
KINDS.update({SINGULAR[folder]: model for folder, model in RECORD_DIRS.items()})
TITLES = {"school": SCHOOL.label, "bureau": "教育局信息"}
TITLES.update({SINGULAR[kind.folder]: kind.label for kind in KIND_LIST})
SCHEMA_DIR = "schemas"


def _value(form: FormField) -> dict[str, Any]:
    kind = form.kind
    if kind in {"string", "text", "image"}:
        # careportal reads every YAML value as text: a short field written as a bare number
        # (programme_part: 4) is valid, so a schema must not flag it
        out: dict[str, Any] = {"type": ["string", "number"] if kind == "string" else "string"}
        if form.max_length:
            out["maxLength"] = form.max_length
    elif kind in {"dateish", "date", "time", "term", "phone"}:
        out = {"type": "string", "pattern": form.pattern}
    elif kind == "days":
        out = {"anyOf": [{"type": "string"},
                         {"type": "array", "items": {"enum": [d.value for d in models.Weekday]}}]}
    elif kind == "participants":
        out = {"anyOf": [{"type": ["string", "integer"]}, _object(model_fields(models.Participants))]}
    elif kind == "boolean":
        out = {"anyOf": [{"type": "boolean"}, {"enum": ["是", "否", "有", "无"]}]}
    elif kind in {"int", "float"}:
        out = {"type": ["integer" if kind == "int" else "number", "string"]}
        if form.minimum is not None:
            out["minimum"] = form.minimum
        if form.maximum is not None:
            out["maximum"] = form.maximum
    elif kind == "select":
        values = [value for value, _ in form.options]
        out = {"type": "array", "items": {"enum": values}} if form.multiple else {"enum": values}
        if form.multiple and form.min_items:
            out["minItems"] = form.min_items
    elif kind == "object":
        out = _object(form.fields)
    elif kind == "list":
        items = _object(form.fields) if form.fields else _value(form.item)
        out = {"type": "array", "items": items}
        if form.min_items:
            out["minItems"] = form.min_items
    else:  # pragma: no cover
        raise ValueError(kind)
    out["title"] = form.label
    if form.replaced_by:
        out["description"] = f"以前的写法（只有一项时），仍然可以用；新写的请写在 {form.replaced_by} 下面"
    elif form.hint:
        out["description"] = form.hint
    return out


def _object(fields: list[FormField]) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": {form.name: _value(form) for form in fields},
        "required": [form.name for form in fields if form.required],
        "additionalProperties": False,
    }


def json_schema(kind: str) -> dict[str, Any]:
    schema = {"$schema": "http://json-schema.org/draft-07/schema#", "title": TITLES[kind]}
    schema.update(_object(model_fields(KINDS[kind])))
    return schema
