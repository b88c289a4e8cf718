"""Content digests of plain data and of the view and report objects built from it: equal values
give equal digests in any process (sets are sorted, shared objects do not matter), so a digest
can key what is kept between builds."""

from __future__ import annotations

import dataclasses
import hashlib
import json
from datetime import date
from enum import Enum
from pathlib import PurePath
from typing import Any


def canonical(value: Any) -> Any:
    """Plain JSON data for hashing: dataclasses by field, pydantic models by their JSON dump,
    dicts and sets sorted."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return [type(value).__name__] + [[f.name, canonical(getattr(value, f.name))] for f in dataclasses.fields(value)]
    if hasattr(value, "model_dump") and not isinstance(value, type):  # a pydantic model
        return [type(value).__name__, value.model_dump(mode="json")]
    if isinstance(value, (list, tuple)):
        return [canonical(v) for v in value]
    if isinstance(value, dict):
        return sorted([str(k), canonical(v)] for k, v in value.items())
    if isinstance(value, (set, frozenset)):
        return ["set"] + sorted((canonical(v) for v in value), key=_dumps)
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, (date, PurePath)):
        return str(value)
    if isinstance(value, (bytes, bytearray)):
        return ["bytes", hashlib.sha256(value).hexdigest()]
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return repr(value)


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def digest(value: Any) -> str:
    """sha256 of the canonical form of `value`."""
    return hashlib.sha256(_dumps(canonical(value)).encode()).hexdigest()
