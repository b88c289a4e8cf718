"""Stage 1, records: what a school writes, read safely and checked for form.

* `source`   — safe YAML reading (size and depth limits, YAML 1.1 traps) with a line map.
* `models`   — the value types and record models (pydantic), one per record kind.
* `kinds`    — the registry of record kinds: folder, model, sort key, starter, page.
* `load`     — loading a data root into `County` / `SchoolRecords`, with the Chinese
               explanations of validation errors (file:line: field: message).
* `starters` — commented starter files for `careportal new`.

Imports nothing from the other stages.
"""
