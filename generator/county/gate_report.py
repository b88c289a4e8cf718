"""The gate report of one county build: rules run, per school its status, findings (masked)
and suppressed cells, the portal's findings; written as JSON outside the published tree."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Iterable

from generator.county.results import Status
from generator.privacy import detect
from generator.privacy.context import school_register
from generator.privacy.suppression import cell, county_k
from generator.problems import Problem, Severity
from generator.records.load import County, SchoolRecords, load_school


# ---------------------------------------------------------------------------------------------
# The report


def suppression_log(county: County, records: SchoolRecords, today=None) -> list[dict]:
    """Which published counts about children were suppressed, and why (no values)."""
    from generator.site.views import activity_view, summary_view  # only for a school just built

    k = county_k(county)
    log = []
    for item in records.summaries:
        view = summary_view(item, k)
        for table in view.tables:
            for row in table.rows:
                if row.cell is not None and row.cell.suppressed:
                    log.append({"file": item.path, "table": table.title, "cell": row.label, "shown": row.value,
                                "reason": row.cell.log_reason})
    for item in records.activities:
        participants = item.record.participants
        if participants is not None and cell(participants.count, k).suppressed:
            view = activity_view(item, k, today or date.today())
            log.append({"file": item.path, "table": "参加人数", "cell": item.slug, "shown": view.participants,
                        "reason": cell(participants.count, k).log_reason})
    return log


def findings(problems: Iterable[Problem]) -> list[dict]:
    return [{"file": p.path, "line": p.line, "field": p.field, "rule": detect.LABELS.get(p.rule),
             "label": p.rule or p.field or "", "severity": p.severity.value, "message": detect.redact(p.message)} for p in problems]


def school_report(county: County, records: SchoolRecords, today=None) -> dict:
    """A built school's part of the gate report (register sizes, suppressed cells), made while its
    records are at hand and kept with it in the build cache: the report of a run where most
    schools are unchanged then reads no school's records again."""
    return {"register": school_register(county.root, records.folder)[2],
            "suppressed": suppression_log(county, records, today) if records.ok else []}


def gate_report(county: County, results: Iterable, county_problems: Iterable[Problem] = (),
                generated: str = "", today=None) -> dict:
    """The machine-readable report of one build: rules run, per school its status, findings
    (masked) and suppressed cells, and the portal's findings. `results` are pipeline
    SchoolResults (slug, status, problems)."""
    schools = []
    for result in results:
        folder = county.root / "schools" / result.slug
        entry = {"slug": result.slug, "status": result.status.value, "status_text": result.status.text}
        recorded = getattr(result, "gate", None) or {}  # what the school's build found (kept in the cache)
        if "register" in recorded:
            entry["register"] = recorded["register"]
        elif folder.is_dir():
            entry["register"] = school_register(county.root, folder)[2]
        entry["reviews"] = recorded.get("reviews", [])  # sentences held for review: pending, approved, rejected
        problems = list(result.problems)
        entry["errors"] = sum(1 for p in problems if p.severity is Severity.ERROR)
        entry["warnings"] = sum(1 for p in problems if p.severity is Severity.WARNING)
        entry["findings"] = findings(problems)
        if result.status is not Status.FAILED and "suppressed" in recorded:
            entry["suppressed"] = recorded["suppressed"]
        elif result.status is not Status.FAILED and folder.is_dir():
            records = load_school(county.root, folder)
            entry["suppressed"] = suppression_log(county, records, today) if records.ok else []
        schools.append(entry)
    portal = [p for p in county_problems if p.path.startswith("（全县首页）")]
    return {
        "generator": "careportal privacy gate",
        "generated": generated,
        "k": county_k(county),
        "rules": [{"id": number, "name": name} for number, name in detect.RULES.items()],
        "schools": schools,
        "portal": {"findings": findings(portal), "errors": sum(1 for p in portal if p.severity is Severity.ERROR)},
        "county_findings": findings(p for p in county_problems if p not in portal),
    }


def write_report(path: Path, report: dict) -> Path:
    """Write the report atomically (every message in it is already masked)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    tmp.replace(path)
    return path
