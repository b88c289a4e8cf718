"""The pipeline, stage by stage: load → check → render → build → publish, per school.

`build_school` runs every stage of one school into a staging folder; `build_county` decides which
schools need it (a school whose inputs did not change since its published build is skipped, see
cache.py), runs them across worker processes (workers.py), swaps each finished site into place,
and rebuilds the county portal when what it shows changed.

A school that fails any stage is reported and skipped; its previously published site stays as it
was, and every other school still publishes.
"""

from __future__ import annotations

import fcntl
import hashlib
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Callable, Optional

from generator.county import gate_report
from generator.county.cache import BuildCache, SchoolEntry, published_id, read_portal_source
from generator.county.publish import clean_staging, publish_files, remove_staging, swap_in
from generator.county.results import CountyReport, SchoolResult, internal_error
from generator.county.school_build import BuildContext, SchoolBuild, prepare
from generator.county.settings import build_date, default_work_dir
from generator.county.workers import run_builds
from generator.privacy.context import redacted
from generator.privacy.output_gate import check_portal
from generator.privacy.records_gate import check_records
from generator.problems import Problem, Severity, has_errors
from generator.records.load import County, load_county, school_folders
from generator.report.pages import county_reports
from generator.site.mkdocs_build import publish_theme_assets
from generator.site.render import render_portal
from generator.site.views import portal_view


def check_county(root: Path, today: Optional[date] = None) -> tuple[County, dict[str, list[Problem]]]:
    """Load and check everything without building: what `careportal check` reports."""
    county = load_county(root)
    per_school = {}
    for records in county.schools:
        found = redacted(records.problems)
        if records.ok and county.bureau:
            found += check_records(county, records)
        per_school[records.slug] = found
    return county, per_school


# ---------------------------------------------------------------------------------------------
# The county


def _lock(cache: BuildCache):
    """One build per output folder at a time; released when the process ends."""
    cache.dir.mkdir(parents=True, exist_ok=True)
    handle = open(cache.dir / "lock", "w")
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        handle.close()
        return None
    return handle


def build_county(
    root: Path,
    out: Path,
    work: Optional[Path] = None,
    only: Optional[list[str]] = None,
    today: Optional[date] = None,
    progress: Optional[Callable[[SchoolResult], None]] = None,
    jobs: Optional[int] = None,
    force: bool = False,
    plan: Optional[Callable[[int, int, Optional[str]], None]] = None,
) -> CountyReport:
    """Build every school (or only the named ones) that changed, then the portal.

    `progress` is called with each school's result as it finishes; `plan` once, before the first
    build starts, with the number of schools to build, the number unchanged, and why all are
    rebuilt when that is the case (or None)."""
    root = root.resolve()
    out = out.resolve()
    work = (work or default_work_dir(root)).resolve()
    today = today or build_date()
    ctx = prepare(root, out, work, today)
    county = ctx.county
    folders = {f.name: f for f in school_folders(root, county.problems)}
    county_problems = list(county.problems)
    if only:
        county_problems += [Problem(f"schools/{s}/", 0, "", f"没有名为“{s}”的学校文件夹") for s in only if s not in folders]
    if county.bureau is None:
        return CountyReport(county, [], county_problems, False)

    cache = BuildCache(work, out)
    lock = _lock(cache)
    if lock is None:
        county_problems.append(Problem(str(out), 0, "", "另一个 careportal build 正在生成这个输出目录，请等它结束后再运行"))
        return CountyReport(county, [], county_problems, False)
    try:
        out.mkdir(parents=True, exist_ok=True)
        clean_staging(out)
        ctx.theme_store = publish_theme_assets(out)
        county_key, changed = cache.county_key([root / "content", ctx.layout.theme, ctx.layout.base_config])
        selected = [s for s in folders if not only or s in set(only)]
        results: dict[str, SchoolResult] = {}
        entries: dict[str, Optional[SchoolEntry]] = {slug: cache.school(slug) for slug in folders}
        todo: list[tuple[str, str]] = []
        for slug in selected:
            key = cache.school_key(county_key, folders[slug])
            entry = entries[slug]
            if not force and entry and entry.still_valid(key, today, out / slug):
                results[slug] = SchoolResult(slug, "unchanged", list(entry.problems), entry.pages,
                                             getattr(entry, "gate", {}))
            else:
                todo.append((slug, key))
        reason = ("按 --force 全部重新生成" if force else
                  f"{'、'.join(changed)} 有改动，所有学校都要重新生成" if changed and todo else None)
        plan and plan(len(todo), len(results), reason)
        for slug in sorted(results):
            progress and progress(results[slug])

        def publish(build: SchoolBuild, key: str) -> None:
            result = build.result
            if result.status == "built":
                target = out / result.slug
                try:
                    swap_in(build.staged, target)
                except Exception as exc:
                    result.status = "failed"
                    result.problems.append(internal_error(result.slug, "发布网站", exc))
                else:
                    entry = SchoolEntry(key, *build.window, published_id(target), result.pages,
                                        [p for p in result.problems if p.severity is not Severity.ERROR],
                                        build.portal, build.portal_hash, result.gate)
                    entries[result.slug] = entry
                    try:
                        cache.store_school(result.slug, entry)
                    except OSError as exc:  # published all the same; the next run rebuilds it
                        result.problems.append(Problem(f"schools/{result.slug}/", 0, "",
                                                       f"网站已发布，但生成缓存写不进去（{exc.strerror or exc}），下次会重新生成",
                                                       Severity.WARNING))
            results[result.slug] = result
            progress and progress(result)

        run_builds(ctx, todo, jobs, publish)

        portal_rebuilt, portal_ok = _build_portal(ctx, cache, county_key, folders, entries, county_problems)
        if not only:
            county_problems += _orphans(out, cache, folders)
        cache.save()
        gate_report = _write_gate_report(cache, county, results, county_problems, today)
        remove_staging(out)
    finally:
        lock.close()
    return CountyReport(county, [results[s] for s in sorted(results)], county_problems, portal_ok, portal_rebuilt,
                        gate_report)


def _write_gate_report(cache: BuildCache, county: County, results: dict[str, SchoolResult],
                       county_problems: list[Problem], today: date) -> Optional[Path]:
    """The privacy gate's JSON report, in the work directory: never inside the published tree."""
    try:
        report = gate_report.gate_report(county, [results[s] for s in sorted(results)], county_problems,
                                   datetime.now(timezone.utc).isoformat(timespec="seconds"), today)
        return gate_report.write_report(cache.dir / "gate-report.json", report)
    except Exception as exc:  # the sites are published; a report that cannot be written is a warning
        county_problems.append(internal_error("", "写隐私检查报告", exc))
        return None


def _orphans(out: Path, cache: BuildCache, folders: dict[str, Path]) -> list[Problem]:
    """Published schools whose folder is gone: left online (never deleted automatically), off the portal."""
    found = []
    for slug in cache.known_schools():
        if slug not in folders:
            cache.forget_school(slug)
            if (out / slug).is_dir():
                found.append(Problem(f"schools/{slug}/", 0, "",
                                     f"学校文件夹已不存在：{out.name}/{slug}/ 仍在网上但已不列入全县首页；如需下线，请手动删除这个文件夹",
                                     Severity.WARNING))
    return found


def _build_portal(ctx: BuildContext, cache: BuildCache, county_key: str, folders: dict[str, Path],
                  entries: dict[str, Optional[SchoolEntry]], county_problems: list[Problem]) -> tuple[bool, bool]:
    """Rebuild the portal from the published schools if what it shows changed; (rebuilt, online)."""
    listed = []
    for slug in sorted(folders):
        entry = entries.get(slug)
        if entry and entry.portal and (ctx.out / slug).is_dir():
            listed.append((slug, entry))
    if not listed:
        return False, False
    parts = [county_key] + [f"{slug}:{entry.portal_hash}" for slug, entry in listed]
    key = hashlib.sha256("\n".join(parts).encode()).hexdigest()
    if key == cache.portal_key() and (ctx.out / "index.html").is_file():
        return False, True
    sources = [read_portal_source(entry.portal) for _, entry in listed]
    sources = [s for s in sources if s is not None]
    stage = ctx.staging / "_portal"
    try:
        stage.mkdir(parents=True, exist_ok=True)
        portal = portal_view(ctx.county, [s.site for s in sources], [s.records for s in sources], ctx.today)
        parts = [s.report for s in sources if getattr(s, "report", None) is not None]
        reports = county_reports(ctx.county, parts, ctx.layout, portal, stage, ctx.today)  # gate-checked before written
        county_problems += reports.problems
        render_portal(portal, ctx.layout, stage)
        gate = check_portal(ctx.county, stage, frozenset(reports.generated))
        county_problems += gate
        if has_errors(gate):  # the previous portal stays online
            cache.store_portal_key(None)
            return False, (ctx.out / "index.html").is_file()
        publish_files(stage, ctx.out)
    except Exception as exc:
        county_problems.append(Problem("content/bureau.yml", 0, "", f"生成全县首页时出错：{exc}"))
        cache.store_portal_key(None)
        return False, (ctx.out / "index.html").is_file()
    cache.store_portal_key(key)
    return True, True
