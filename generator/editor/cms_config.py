"""The Decap CMS configuration of one school's editor, generated from the record models.

Each record folder the loader knows (records/kinds.py) becomes a folder collection and school.yml a
file collection; each model field becomes a widget (fields.py decides which). Long prose uses
plain text areas, never Decap's Markdown editor (it has had IME bugs with Chinese input).
"""

from __future__ import annotations

from typing import Any, Optional

from generator.editor.fields import FormField, model_fields, photo_rules
from generator.records import models
from generator.records.kinds import BY_FOLDER, SCHOOL
from generator.records.kinds import MODELS as RECORD_DIRS

DECAP_VERSION = "3.16.3"

# How the editor lists each kind of record (its Chinese name is the registry's, records/kinds.py):
# the field naming an entry, the line shown in the list, and how a new file is named (file names
# must be ASCII slugs).
COLLECTIONS = {
    "activities": ("title", "{{date}}　{{title}}", "{{year}}-{{month}}-{{day}}-huodong-{{hour}}{{minute}}{{second}}"),
    "policies": ("name", "{{name}}", "zhidu-{{year}}{{month}}{{day}}-{{hour}}{{minute}}{{second}}"),
    "resources": ("name", "{{kind}}：{{name}}", "zhendi-{{year}}{{month}}{{day}}-{{hour}}{{minute}}{{second}}"),
    "summaries": ("term", "{{term}}", "{{fields.term}}"),
    "letters": ("title", "{{date}}　{{title}}", "{{year}}-{{month}}-{{day}}-xin-{{hour}}{{minute}}{{second}}"),
    "programmes": ("name", "{{name}}", "xiangmu-{{year}}{{month}}{{day}}-{{hour}}{{minute}}{{second}}"),
}
SORT = {"activities": "date", "letters": "date", "summaries": "term"}  # newest first
SCHOOL_FILE = ("school", SCHOOL.label, SCHOOL.folder)
MEDIA_FOLDER = "photos"

_STRING_LIKE = {"string", "dateish", "term", "phone", "time", "days", "participants"}
_PATTERN_MESSAGES = {
    "dateish": "日期写成 2026-06-12，只知道月份写 2026-06",
    "date": "日期写成 2026-06-12",
    "time": "时间写成 14:30（24 小时制）",
    "term": "学期写成 2025-2026-1 或 2025-2026-2",
    "phone": "电话号码只能有数字和“-”，例如 0599-6123402",
}


def widget(form: FormField, in_optional: bool = False) -> dict[str, Any]:
    """One form field → one Decap field. Inside an optional group (a policy's 频次) nothing is
    required by the form, or the group could never be left out; the server's check still asks
    for the group's required fields once any of them is filled."""
    out: dict[str, Any] = {"label": form.label, "name": form.name, "required": form.required and not in_optional}
    if form.hint:
        out["hint"] = form.hint
    kind = form.kind
    if kind in _STRING_LIKE:
        out["widget"] = "string"
        if form.pattern:
            out["pattern"] = [form.pattern, _PATTERN_MESSAGES[kind]]
    elif kind == "text":
        out["widget"] = "text"
    elif kind == "date":
        out.update(widget="datetime", date_format="YYYY-MM-DD", time_format=False, format="YYYY-MM-DD",
                   picker_utc=True)
    elif kind == "boolean":
        out["widget"] = "boolean"
    elif kind in {"int", "float"}:
        out.update(widget="number", value_type="int" if kind == "int" else "float")
        if form.minimum is not None:
            out["min"] = form.minimum
        if form.maximum is not None:
            out["max"] = form.maximum
        if kind == "float":
            out["step"] = 0.1
    elif kind == "select":
        out.update(widget="select", options=[{"label": label, "value": value} for value, label in form.options])
        if form.multiple:
            out["multiple"] = True
            if form.min_items:
                out["min"] = form.min_items
    elif kind == "image":
        out.update(widget="image", choose_url=False)
    elif kind == "object":
        out.update(widget="object", collapsed=False,
                   fields=[widget(f, in_optional or not form.required) for f in form.fields])
    elif kind == "list":
        out.update(widget="list", collapsed=False)
        if form.fields:
            out["fields"] = [widget(f) for f in form.fields]
            out["summary"] = "{{fields." + form.fields[0].name + "}}"
        else:
            out["field"] = widget(form.item)
        if form.min_items:
            out["min"] = form.min_items
    else:  # pragma: no cover - fields.py only produces the kinds above
        raise ValueError(f"no widget for {kind}")
    if form.default is not None:
        out["default"] = form.default
    return out


def form_fields(model) -> list[FormField]:
    """The fields the form offers: an older spelling kept for old files (replaced_by) is not one;
    the store shows such a file with it moved into the list that replaced it."""
    forms = [form for form in model_fields(model) if not form.replaced_by]
    photo_rules(forms)
    return forms


def collections(default_term: Optional[str] = None) -> list[dict[str, Any]]:
    found = []
    for folder, model in RECORD_DIRS.items():
        identifier, summary, slug = COLLECTIONS[folder]
        label = BY_FOLDER[folder].label
        fields = [widget(f) for f in form_fields(model)]
        for one in fields:
            if one["name"] == "term" and default_term:
                one["default"] = default_term
        sortable = [identifier]
        if folder in SORT:
            sortable = [{"field": SORT[folder], "label": "日期" if SORT[folder] == "date" else "学期", "default_sort": "desc"},
                        *([identifier] if identifier != SORT[folder] else [])]
        found.append({
            "sortable_fields": sortable,
            "name": folder, "label": label, "label_singular": label, "folder": folder, "extension": "yml",
            "format": "yml", "create": True, "delete": False, "identifier_field": identifier, "summary": summary,
            "slug": slug, "editor": {"preview": False}, "fields": fields,
        })
    name, label, file = SCHOOL_FILE
    found.insert(0, {
        "name": name, "label": label, "delete": False, "editor": {"preview": False},
        "files": [{"name": name, "label": label, "file": file, "format": "yml",
                   "fields": [widget(f) for f in form_fields(models.School)]}],
    })
    return found


def cms_config(api_url: str, preview_url: str, default_term: Optional[str] = None) -> dict[str, Any]:
    """The whole configuration passed to CMS.init (no config.yml is ever fetched)."""
    return {
        "load_config_file": False,
        "backend": {"name": "proxy", "proxy_url": api_url, "branch": "main"},
        "locale": "zh_Hans",
        "publish_mode": "simple",
        "media_folder": MEDIA_FOLDER,
        "public_folder": MEDIA_FOLDER,
        "show_preview_links": False,  # the page's own 预览网站 button opens the preview
        "search": False,
        "slug": {"encoding": "ascii", "clean_accents": True, "sanitize_replacement": "-"},
        "collections": collections(default_term),
    }
