"""Every field a message can name has a Chinese name (records/labels.py), and a field's place is
said the way a teacher reads it: Chinese names, lists counted from 1."""

from __future__ import annotations

import typing

from pydantic import BaseModel

from generator.records import kinds, labels, models


def _models_in(annotation) -> list[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    found = []
    for arg in typing.get_args(annotation):
        found += _models_in(arg)
    return found


def _all_fields() -> dict[str, set[str]]:
    """field name → the models that have it, over every record model of the registry (and the
    bureau's), nested models included."""
    todo = [kind.model for kind in (kinds.SCHOOL, *kinds.KINDS, *kinds.SHARED_KINDS)] + [models.Bureau]
    seen: set[type] = set()
    fields: dict[str, set[str]] = {}
    while todo:
        model = todo.pop()
        if model in seen:
            continue
        seen.add(model)
        for name, info in model.model_fields.items():
            fields.setdefault(name, set()).add(model.__name__)
            todo += _models_in(info.annotation)
    return fields


def test_every_field_of_every_record_model_has_a_chinese_label():
    fields = _all_fields()
    assert len(fields) > 60  # the walk reached the nested models (hours, cadence, left_behind …)
    missing = {name: sorted(where) for name, where in fields.items() if name not in labels.FIELD_LABELS}
    assert not missing, f"add these to records/labels.FIELD_LABELS: {missing}"


def test_paths_are_said_in_chinese_and_counted_from_one():
    assert labels.field_path(("hours", 0, "start")) == "开放时间第1条的开始时间"
    assert labels.field_path(("left_behind", "total")) == "留守儿童人数的总数"
    assert labels.field_path(("hours", 1, "days", 0)) == "开放时间第2条的星期第1条"
    assert labels.machine_path(("hours", 0, "start")) == "hours[0].start"
    assert labels.field_path(("titel",)) == "titel"  # a key the models do not know is shown as written


def test_the_editor_reads_the_same_table():
    from generator.editor import labels as editor_labels

    assert not hasattr(editor_labels, "EXTRA_LABELS") and not hasattr(models, "FIELD_LABELS")
    for name in _all_fields():
        assert editor_labels.label_for(name) == labels.FIELD_LABELS[name]
