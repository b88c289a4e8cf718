"""The record models read as a list of form fields: one description that the browser editor's
configuration (cms_config.py) and the JSON Schema (schema.py) are both generated from.

Nothing here is written per record kind: the kind of each input (text, number, date, choice,
list, group) is read off the pydantic annotations and the converters models.py attaches to them,
the Chinese labels come from records/labels.py, and limits
(required, lengths, ranges, list sizes) from the field's constraints.
"""

from __future__ import annotations

import typing
from dataclasses import dataclass, field
from enum import Enum
from typing import Any, Optional

from annotated_types import Ge, Le, MaxLen, MinLen
from pydantic import BaseModel, StringConstraints
from pydantic.functional_validators import BeforeValidator
from pydantic_core import PydanticUndefined

from generator.editor.labels import hint_for, label_for, option_label
from generator.records import models

# the converter models.py attaches → the input the form shows
_CONVERTERS = {
    models._to_partial_date: "dateish",  # 2026-06-12 or month only 2026-06
    models._to_full_date: "date",
    models._to_time: "time",
    models.to_term: "term",
    models._to_phone: "phone",
    models._to_bool: "boolean",
    models._to_count: "int",
    models._to_rate: "float",
    models._to_money: "float",
    models._to_days: "days",
    models._to_participants: "participants",
}

PATTERNS = {  # what a well-formed value of these kinds looks like (the models accept more spellings)
    "dateish": r"^\d{4}-\d{1,2}(-\d{1,2})?$",
    "date": r"^\d{4}-\d{1,2}-\d{1,2}$",
    "time": r"^([01]?\d|2[0-3]):[0-5]\d$",
    "term": r"^\d{4}-\d{4}-[12]$",
    "phone": r"^\+?[0-9\- ()]{3,20}$",
}


@dataclass
class FormField:
    name: str
    label: str
    kind: str  # string text dateish date time term phone boolean int float days participants select object list image
    required: bool
    hint: str = ""
    options: list[tuple[str, str]] = field(default_factory=list)  # (value, label) of a select
    multiple: bool = False  # a select that holds a list of choices
    fields: list["FormField"] = field(default_factory=list)  # an object's fields, or a list item's fields
    item: Optional["FormField"] = None  # a list of single values: the one value's field
    min_length: Optional[int] = None
    max_length: Optional[int] = None
    minimum: Optional[float] = None
    maximum: Optional[float] = None
    min_items: Optional[int] = None
    default: Any = None
    path: tuple = ()
    replaced_by: Optional[str] = None  # an older spelling of another field: read, not offered in the form

    @property
    def pattern(self) -> Optional[str]:
        return PATTERNS.get(self.kind)


def _unwrap(annotation) -> tuple[Any, list, bool]:
    """Strip Optional and Annotated: (the inner type, the metadata collected, whether None is allowed)."""
    metadata: list = []
    optional = False
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            args = typing.get_args(annotation)
            annotation, metadata = args[0], metadata + list(args[1:])
            continue
        if origin in (typing.Union, getattr(__import__("types"), "UnionType", None)):
            args = [a for a in typing.get_args(annotation) if a is not type(None)]
            optional = optional or len(args) < len(typing.get_args(annotation))
            annotation = args[0]
            continue
        return annotation, metadata, optional


def _limits(form: FormField, metadata: list) -> None:
    for item in metadata:
        if isinstance(item, StringConstraints):
            form.min_length = item.min_length if item.min_length is not None else form.min_length
            form.max_length = item.max_length if item.max_length is not None else form.max_length
        elif isinstance(item, Ge):
            form.minimum = item.ge
        elif isinstance(item, Le):
            form.maximum = item.le
        elif isinstance(item, MaxLen):
            form.max_length = item.max_length
        elif isinstance(item, MinLen):
            form.min_length = item.min_length
        elif hasattr(item, "metadata"):  # pydantic's FieldInfo inside Annotated (Field(ge=…))
            _limits(form, list(item.metadata))


def _converter_kind(metadata: list) -> Optional[str]:
    for item in metadata:
        if isinstance(item, BeforeValidator) and item.func in _CONVERTERS:
            return _CONVERTERS[item.func]
    return None


def _value_field(name: str, annotation, metadata: list, path: tuple) -> FormField:
    """One value (not a list): its kind, options and limits."""
    inner, more, _ = _unwrap(annotation)
    metadata = metadata + more
    form = FormField(name=name, label=label_for(name, path), kind="string", required=True, path=path)
    _limits(form, metadata)
    kind = _converter_kind(metadata)
    if isinstance(inner, type) and issubclass(inner, Enum):
        form.kind = "select"
        form.options = [(member.value, option_label(member)) for member in inner]
    elif kind == "participants":
        form.kind = "participants"
    elif isinstance(inner, type) and issubclass(inner, BaseModel):
        form.kind = "object"
        form.fields = model_fields(inner, path)
    elif kind:
        form.kind = kind
    elif inner in (int, float, bool):
        form.kind = {int: "int", float: "float", bool: "boolean"}[inner]
    elif inner is str:
        form.kind = "text" if (form.max_length or 0) > models.SHORT else "string"
    if name == "file" and path[-3:-1] == ("photos", "*"):
        form.kind = "image"
    form.hint = hint_for(name, form.kind, path)
    return form


def _field(name: str, info, path: tuple) -> FormField:
    annotation, metadata, optional = _unwrap(info.annotation)
    metadata = list(info.metadata) + metadata
    required = info.is_required() and not optional
    if typing.get_origin(annotation) is list and _converter_kind(metadata) == "days":
        # 周一至周五 as staff write it (the model also takes a list of days)
        form = FormField(name=name, label=label_for(name, path), kind="days", required=required, path=path)
        form.hint = hint_for(name, "days", path)
        return form
    if typing.get_origin(annotation) is list:
        (item_type,) = typing.get_args(annotation)
        item = _value_field(name, item_type, [], path + ("*",))
        form = FormField(name=name, label=label_for(name, path), kind="list", required=required, path=path)
        _limits(form, metadata)
        form.min_items, form.min_length, form.max_length = form.min_length, None, None
        if item.kind == "select":  # a list of choices: one multi-select
            form.kind, form.multiple, form.options = "select", True, item.options
        elif item.kind == "object":
            form.fields = item.fields
        else:
            form.item = item
        form.hint = hint_for(name, form.kind, path)
        return form
    form = _value_field(name, annotation, metadata, path)
    form.required = required
    form.replaced_by = (info.json_schema_extra or {}).get("replaced_by") if isinstance(info.json_schema_extra, dict) else None
    if info.default is not PydanticUndefined and info.default is not None and not callable(info.default):
        form.default = info.default.value if isinstance(info.default, Enum) else info.default
    return form


def model_fields(model: type[BaseModel], path: tuple = ()) -> list[FormField]:
    return [_field(name, info, path + (name,)) for name, info in model.model_fields.items()]


def replaced_fields(model: type[BaseModel]) -> dict[str, str]:
    """Top-level fields kept for files written before a list replaced them (a policy's one
    `cadence` → `duties`): older name → the list's name."""
    return {form.name: form.replaced_by for form in model_fields(model) if form.replaced_by}


def photo_rules(fields: list[FormField]) -> None:
    """A photo needs its consent and faces before a record can be saved (privacy/photos.refusal):
    in the form they are required even though the model lets the build decide."""
    for form in fields:
        if form.kind == "list" and form.path[-1:] == ("photos",):
            for sub in form.fields:
                if sub.name in {"consent", "faces"}:
                    sub.required = True
        photo_rules(form.fields)
