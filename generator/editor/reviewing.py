"""The editor's 待审核 panel: the school's sentences held for review, as `careportal check` decides
them (records_gate.reviews_of, the code `careportal review` lists them with), and a reviewer's
decision, checked and written by privacy/reviews.py (the CLI's own owner of reviews.yml).

The answers are JSON for static/editor.js: each sentence with its record (kind and title, and the
editor's link to open it), file, line, field (Chinese), the sentence and its state.
"""

from __future__ import annotations

import re
import threading
from pathlib import Path
from typing import Any

from generator.editor.cms_config import COLLECTIONS, SCHOOL_FILE
from generator.privacy import reviews
from generator.privacy.records_gate import reviews_of
from generator.records.kinds import BY_FOLDER, SCHOOL
from generator.records.load import SchoolRecords

UNREADABLE = "本校记录还有错误，读不出要审核的句子。请先点“检查全部记录”，按提示改好后再来审核"
GONE = "这句话已经改过或删掉了（改过的句子要重新审核）。列表已经刷新，请再看一看"
BAD_REQUEST = "请求格式不对"
_DIGEST = re.compile(r"^[0-9a-f]{64}$")
_writing = threading.Lock()  # one decision at a time: reviews.yml is read, changed and replaced


def _records(records: SchoolRecords) -> dict[str, dict[str, str]]:
    """display path → the record's kind, title and (for the school's own files) the editor's link."""
    school = f"{records.folder.parent.name}/{records.slug}/"
    found = {}
    for item in records.all_records():
        record = item.record
        relative = item.path.split(school, 1)[1] if school in item.path else ""
        folder, _, name = relative.rpartition("/")
        if relative == SCHOOL.folder:
            kind, link = SCHOOL.label, f"#/collections/{SCHOOL_FILE[0]}/entries/{SCHOOL_FILE[0]}"
        elif folder in BY_FOLDER:
            kind, link = BY_FOLDER[folder].label, f"#/collections/{folder}/entries/{name.rsplit('.', 1)[0]}"
        else:  # the county's programmes and shared places: not this editor's files
            kind, link = "全县共用的记录", ""
        field = COLLECTIONS.get(folder, ("name",))[0]
        title = getattr(record, field, None) or getattr(record, "title", None) or getattr(record, "name", "")
        found[item.path] = {"kind": kind, "title": str(getattr(title, "code", title) or ""), "link": link}
    return found


def review_list(root: Path, slug: str) -> dict[str, Any]:
    """Every sentence of the school held for review with its state, and how many wait."""
    found = reviews_of(root, slug)
    if found.problems:
        return {"pending": None, "items": [], "error": UNREADABLE}
    about = _records(found.records)
    items = []
    for item in found.items:
        items.append({"file": item.path, "line": item.line, "field": item.field, "sentence": item.sentence,
                      "digest": item.digest, "decision": item.decision, "state": reviews.DECISIONS[item.decision],
                      "role": item.role, "date": item.day,
                      **about.get(item.path, {"kind": "", "title": "", "link": ""})})
    return {"pending": sum(item.decision == reviews.PENDING for item in found.items), "items": items}


def decide(root: Path, slug: str, body: Any, day: str) -> tuple[int, dict[str, Any]]:
    """Record one reviewer's decision on one sentence (`{sentence: digest, decision, role}`);
    (status, the refreshed list with a message, or {"error": Chinese})."""
    if not isinstance(body, dict):
        return 422, {"error": BAD_REQUEST}
    digest, decision, role = body.get("sentence"), body.get("decision"), body.get("role")
    if not isinstance(digest, str) or not _DIGEST.match(digest) or decision not in (reviews.APPROVED, reviews.REJECTED) \
            or not isinstance(role, str):
        return 422, {"error": BAD_REQUEST}
    role = role.strip()
    refusal = reviews.role_refusal(role)
    if refusal:
        return 422, {"error": refusal, "field": "role"}
    with _writing:
        found = reviews_of(root, slug)
        if found.problems:
            return 409, {"error": UNREADABLE}
        matching = [item for item in found.items if item.digest == digest]
        if not matching:
            return 409, {"error": GONE, **review_list(root, slug)}
        try:
            reviews.record(found.records.folder, [matching[0].decided(decision, role, day)])
        except ValueError as exc:
            return 422, {"error": str(exc)}
    return 200, {"message": f"{reviews.DECISIONS[decision]}（{role}，{day}）", **review_list(root, slug)}
