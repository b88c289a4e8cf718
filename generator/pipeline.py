"""The pipeline, stage by stage: load → check → render → build → publish, one school at a time.

A school that fails any stage is reported and skipped; its previously published site stays as it
was, and every other school still publishes.
"""

from __future__ import annotations

import hashlib
import os
import traceback
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Callable, Optional

from . import check
from .build import build_site
from .load import County, SchoolRecords, load_county
from .problems import Problem, Severity
from .publish import clean_staging, replace_files, staging_root, swap_in
from .render import Layout, render_portal, render_school
from .views import portal_view, school_site


def build_date() -> date:
    """Today, or the date of SOURCE_DATE_EPOCH for reproducible builds."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return datetime.fromtimestamp(int(epoch), tz=timezone.utc).date()
    return date.today()


def default_work_dir(root: Path) -> Path:
    """Intermediate files live outside the source tree, in the user's cache folder."""
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    digest = hashlib.sha256(str(root.resolve()).encode()).hexdigest()[:12]
    return cache / "careportal" / digest


@dataclass
class SchoolResult:
    slug: str
    status: str  # built | failed
    problems: list[Problem] = field(default_factory=list)
    pages: int = 0

    @property
    def first_error(self) -> Optional[Problem]:
        return next((p for p in self.problems if p.severity is Severity.ERROR), None)


@dataclass
class CountyReport:
    county: County
    schools: list[SchoolResult]
    county_problems: list[Problem]
    portal_published: bool

    @property
    def failed(self) -> bool:
        return bool([p for p in self.county_problems if p.severity is Severity.ERROR]) or any(
            r.status == "failed" for r in self.schools)


def check_county(root: Path, today: Optional[date] = None) -> tuple[County, dict[str, list[Problem]]]:
    """Load and check everything without building: what `careportal check` reports."""
    county = load_county(root)
    per_school = {}
    for records in county.schools:
        found = list(records.problems)
        if records.ok and county.bureau:
            found += check.check_records(county, records)
        per_school[records.slug] = found
    return county, per_school


def _internal_error(records: SchoolRecords, stage: str, exc: BaseException) -> Problem:
    detail = "".join(traceback.format_exception_only(type(exc), exc)).strip()
    return Problem(f"schools/{records.slug}/", 0, "", f"{stage}时出错（这是 careportal 的问题，不是您的内容有误，请联系技术人员）：{detail}")


def build_county(
    root: Path,
    out: Path,
    work: Optional[Path] = None,
    only: Optional[list[str]] = None,
    today: Optional[date] = None,
    progress: Optional[Callable[[SchoolResult], None]] = None,
) -> CountyReport:
    root = root.resolve()
    out = out.resolve()
    today = today or build_date()
    layout = Layout.for_root(root, (work or default_work_dir(root)).resolve())
    county = load_county(root)  # the portal lists every school, even when only some are rebuilt
    selected = set(only) if only else None
    county_problems = list(county.problems)
    if only:
        known = {r.slug for r in county.schools}
        county_problems += [Problem(f"schools/{s}/", 0, "", f"没有名为“{s}”的学校文件夹") for s in only if s not in known]
    if county.bureau is None:
        return CountyReport(county, [], county_problems, False)
    out.mkdir(parents=True, exist_ok=True)
    clean_staging(out)
    staging = staging_root(out)
    results: list[SchoolResult] = []
    sites = {}
    for records in county.schools:
        if not records.ok:
            if selected is None or records.slug in selected:
                results.append(SchoolResult(records.slug, "failed", list(records.problems)))
                progress and progress(results[-1])
            continue
        site = school_site(county, records, today)
        sites[records.slug] = site
        if selected is not None and records.slug not in selected:
            continue
        result = SchoolResult(records.slug, "built", list(records.problems))
        results.append(result)
        result.problems += check.check_records(county, records)
        if any(p.severity is Severity.ERROR for p in result.problems):
            result.status = "failed"
            progress and progress(result)
            continue
        staged = staging / records.slug
        try:
            rendered = render_school(site, layout, staged)
            result.pages = rendered.pages
            for config in rendered.configs:
                for warning in build_site(config):
                    result.problems.append(Problem(f"schools/{records.slug}/", 0, "", f"MkDocs：{warning}", Severity.WARNING))
            result.problems += check.check_output(county, records, staged)
            if any(p.severity is Severity.ERROR for p in result.problems):
                result.status = "failed"
            else:
                swap_in(staged, out / records.slug)
        except Exception as exc:  # a crash in one school must not stop the others
            result.status = "failed"
            result.problems.append(_internal_error(records, "生成网站", exc))
        progress and progress(result)
    portal_ok = False
    loaded = [r for r in county.schools if r.slug in sites]
    if sites:
        portal_stage = staging / "_portal"
        portal_stage.mkdir(parents=True, exist_ok=True)
        try:
            render_portal(portal_view(county, list(sites.values()), loaded, today), layout, portal_stage)
            replace_files(portal_stage, out, ["portal.css", "index.html"])
            portal_ok = True
        except Exception as exc:
            county_problems.append(Problem("content/bureau.yml", 0, "", f"生成全县首页时出错：{exc}"))
    return CountyReport(county, results, county_problems, portal_ok)
