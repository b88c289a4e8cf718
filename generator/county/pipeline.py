"""The pipeline, stage by stage: load → check → render → build → publish, per school.

`build_school` runs every stage of one school into a staging folder; `build_county` decides which
schools need it (a school whose inputs did not change since its published build is skipped, see
cache.py), runs them across worker processes (workers.py), swaps each finished site into place,
and rebuilds the county portal when what it shows changed.

A school that fails any stage is reported and skipped; its previously published site stays as it
was, and every other school still publishes.

Province scale: the schools' builds may run as tasks on a Dask cluster instead (cluster.py, the
same publish step here), and a build may be split into shards (`--shard i/N`, each a stable part of
the schools, no portal) joined by a portal-only build that reads the shards' cache entries.

Start-up is kept short (a build with nothing to do, 1,000 schools: well under a second of it is
imports): the modules of the stages are imported by the functions that run them.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import pickle
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Callable, Optional

from generator.county import gate_report
from generator.county.lock import Busy, build_lock
from generator.county.cache import BuildCache, SchoolEntry, published_id, read_portal_source
from generator.county.publish import clean_staging, publish_files, remove_staging, swap_in
from generator.county.results import CountyReport, SchoolResult, Status, internal_error
from generator.county.school_build import BuildContext, SchoolBuild, prepare
from generator.county.workers import run_builds
from generator.county.gate_memo import PortalFacts, county_documents
from generator.privacy.suppression import settings_problems
from generator.problems import Problem, Severity, has_errors
from generator.settings import BuildSettings, in_shard
from generator.records.load import County, load_county, school_folders
from generator.site.engines import DEFAULT as DEFAULT_ENGINE, engine


def check_county(root: Path, today: Optional[date] = None) -> tuple[County, dict[str, list[Problem]]]:
    """Load and check everything without building: what `careportal check` reports."""
    from generator.privacy.context import redacted
    from generator.privacy.records_gate import check_bureau
    from generator.site.generated import gate_school

    county = load_county(root)
    county.problems.extend(settings_problems(county))
    county.problems.extend(check_bureau(county))  # what `build` refuses the bureau's file for
    per_school = {}
    for records in county.schools:
        found = redacted(records.problems)
        if records.ok and county.bureau:
            found += gate_school(county, records)
        per_school[records.slug] = found
    return county, per_school


# ---------------------------------------------------------------------------------------------
# The county


def build_county(
    settings: BuildSettings,
    progress: Optional[Callable[[SchoolResult], None]] = None,
    plan: Optional[Callable[[int, int, Optional[str]], None]] = None,
    on_wait: Optional[Callable[[Busy], None]] = None,
) -> CountyReport:
    """Build every school (or only the named ones) that changed, then the portal.

    `progress` is called with each school's result as it finishes; `plan` once, before the first
    build starts, with the number of schools to build, the number unchanged, and why all are
    rebuilt when that is the case (or None).

    Another build on the same data root, work folder or output folder is not run alongside
    (lock.py): this one is refused with a problem, or with `settings.wait` waits for it (`on_wait`
    is told once)."""
    settings = settings.resolved()
    runner = None
    if settings.on_cluster and not settings.portal_only:
        from generator.county.cluster import ClusterRunner

        runner = ClusterRunner(settings)  # refuses other versions on a worker before anything is written
    try:
        if not settings.root.is_dir():  # reported by the loader (nothing to lock, and no folder is created for it)
            return _build_locked(settings, progress, plan, runner)
        shard = f"shard-{settings.shard[0]}-of-{settings.shard[1]}" if settings.shard else None
        with build_lock(settings.root, settings.work, settings.out, settings.wait, on_wait, shard):
            return _build_locked(settings, progress, plan, runner)
    except Busy as busy:
        county = prepare(settings).county
        return CountyReport(county, [], [*county.problems, Problem(str(busy.path), 0, "", str(busy))], False)
    finally:
        runner and runner.close()


def _build_locked(settings: BuildSettings, progress, plan, runner=None) -> CountyReport:
    """build_county's work, with the folders locked."""
    ctx = prepare(settings)
    root, out, work, today, only, force = (settings.root, settings.out, settings.work, settings.today, settings.only,
                                           settings.force)
    county = ctx.county
    folders = {f.name: f for f in school_folders(root, county.problems)}
    unsafe_settings = settings_problems(county)  # e.g. a k below the floor: nothing is built
    county_problems = list(county.problems) + unsafe_settings
    if only:
        county_problems += [Problem(f"schools/{s}/", 0, "", f"没有名为“{s}”的学校文件夹") for s in only if s not in folders]
    if county.bureau is None or unsafe_settings:
        return CountyReport(county, [], county_problems, False)

    cache = BuildCache(work, out)
    part = f"shard-{settings.shard[0]}-of-{settings.shard[1]}" if settings.shard else None
    out.mkdir(parents=True, exist_ok=True)
    staging = clean_staging(out, part)
    ctx.staging_dir = staging if part else None
    county_key, changed = cache.county_key([root / "content", ctx.layout.theme, ctx.layout.base_config])
    if ctx.settings.engine != DEFAULT_ENGINE:  # another engine's sites are other output
        county_key = hashlib.sha256(f"{county_key}|{ctx.settings.engine}".encode()).hexdigest()
    bureau_gate = _bureau_gate(cache, county, county_key, force)  # what `careportal check` reports for it
    county_problems += bureau_gate
    if has_errors(bureau_gate):  # its text is on every school's pages and the portal: nothing is built
        county_problems.append(Problem("content/bureau.yml", 0, "", "教育局信息里有不能公开的内容（见上面），"
                                       "所有学校和全县首页都没有生成，已发布的网站保持不变。请修改后重新生成"))
        remove_staging(out, part)
        return CountyReport(county, [], county_problems, False)
    selected = [s for s in folders if (not only or s in set(only)) and in_shard(s, settings.shard)]
    results: dict[str, SchoolResult] = {}
    entries: dict[str, Optional[SchoolEntry]] = {slug: cache.school(slug) for slug in folders}
    todo: list[tuple[str, str]] = []
    for slug in selected:
        key = cache.school_key(county_key, folders[slug])
        entry = entries[slug]
        if settings.portal_only:
            results[slug] = _as_published(slug, key, entry, out, today)
        elif not force and entry and entry.still_valid(key, today, out / slug):
            results[slug] = SchoolResult(slug, Status.UNCHANGED, list(entry.problems), entry.pages,
                                         getattr(entry, "gate", {}))
        else:
            todo.append((slug, key))
    reason = ("按 --force 全部重新生成" if force else
              f"{'、'.join(changed)} 有改动，所有学校都要重新生成" if changed and todo else None)
    plan and plan(len(todo), sum(r.status is Status.UNCHANGED for r in results.values()), reason)
    for slug in sorted(results):
        progress and progress(results[slug])

    def publish(build: SchoolBuild, key: str) -> None:
        result = build.result
        if result.status is Status.BUILT:
            target = out / result.slug
            try:
                swap_in(build.staged, target)
            except Exception as exc:
                result.status = Status.FAILED
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

    if todo and not settings.shard:  # every school's hotlines, from the facts kept per folder, so workers do
        # not re-read every school; a shard leaves county-wide state to the join (its workers read from disk)
        facts = _school_facts(cache, county, county_key)
        ctx.county = dataclasses.replace(county, institutional_lines=frozenset().union(
            *(facts(folder).numbers for folder in folders.values())))
        facts.save()
    if todo:  # Material's assets, stored once for the county's schools (not needed when none is built)
        ctx.theme_store = engine(ctx.settings.engine).publish_theme_assets(out, clean_leftovers=part is None)
    if runner is not None:
        runner.run_builds(ctx, todo, publish)
    else:
        run_builds(ctx, todo, publish)

    portal_rebuilt, portal_ok = False, False
    if todo:
        cache.rehash()  # the portal's facts: from the folders as they are after the builds
    if not settings.shard:  # a shard leaves the portal to the join (--portal-only)
        portal_rebuilt, portal_ok = _build_portal(ctx, cache, county_key, folders, entries, county_problems)
    if not only and not settings.shard:
        county_problems += _orphans(out, cache, folders)
    cache.save(partial=bool(only or settings.shard))
    gate_report = _write_gate_report(cache, county, results, county_problems, today,
                                     f"gate-report-{part}.json" if part else "gate-report.json")
    remove_staging(out, part)
    return CountyReport(county, [results[s] for s in sorted(results)], county_problems, portal_ok, portal_rebuilt,
                        gate_report, runner.description if runner else None)


def _as_published(slug: str, key: str, entry: Optional[SchoolEntry], out: Path, today: date) -> SchoolResult:
    """A school as a portal-only join finds it: published from its current inputs (by a shard), or not.

    Its published folder is not required to be the very one the shard swapped in (a CI job may have
    copied the shards' outputs together), only to be there."""
    if entry and entry.current(key, today) and (out / slug).is_dir():
        return SchoolResult(slug, Status.UNCHANGED, list(entry.problems), entry.pages, getattr(entry, "gate", {}))
    if entry and (out / slug).is_dir():
        message = "已发布的网站不是按现在的内容生成的（它所在的分片生成失败或还没有运行），全县首页沿用已发布的版本"
    else:
        message = "这所学校还没有发布过：请先运行包含它的分片（careportal build --shard i/N），全县首页暂不列入"
    return SchoolResult(slug, Status.FAILED, [Problem(f"schools/{slug}/", 0, "", message)])


def _school_facts(cache: BuildCache, county: County, county_key: str) -> PortalFacts:
    """Each school folder's facts (register deny-list, institutional lines, staff names), kept in the
    work directory by the folder's build key: read for the schools' hotlines and the portal's gate."""
    from generator.privacy.context import school_facts

    return PortalFacts(cache.dir / "portal-facts.pkl", lambda folder: cache.school_key(county_key, folder),
                       lambda folder: school_facts(county, folder))


def _bureau_gate(cache: BuildCache, county: County, county_key: str, force: bool) -> list[Problem]:
    """check_bureau's findings, kept in the cache under the county key (which covers content/):
    reading every school's numbers for it costs about as much as parsing every school.yml, too
    much for each incremental build. A school whose register or numbers change later is covered
    by its own output gate (the bureau's name is on its pages) and the portal's."""
    path = cache.dir / "bureau-gate.pkl"
    if not force:
        try:
            key, problems = pickle.loads(path.read_bytes())
            if key == county_key:
                return list(problems)
        except Exception:  # missing, or from another version: checked again
            pass
    from generator.privacy.records_gate import check_bureau  # the gate's modules: only when not kept

    problems = check_bureau(county)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        staged = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        staged.write_bytes(pickle.dumps((county_key, problems)))
        os.replace(staged, path)
    except OSError:  # checked again next time
        pass
    return problems


def _write_gate_report(cache: BuildCache, county: County, results: dict[str, SchoolResult],
                       county_problems: list[Problem], today: date, name: str = "gate-report.json") -> Optional[Path]:
    """The privacy gate's JSON report, in the work directory: never inside the published tree."""
    try:
        report = gate_report.gate_report(county, [results[s] for s in sorted(results)], county_problems,
                                   datetime.now(timezone.utc).isoformat(timespec="seconds"), today)
        return gate_report.write_report(cache.dir / name, report)
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
    # The portal's gate reads every school folder's register, lines and staff (its facts): a change
    # to any of them checks the portal again, even when no school's portal entry changed.
    facts = _school_facts(cache, ctx.county, county_key)
    parts = [county_key] + [f"{slug}:{entry.portal_hash}" for slug, entry in listed] + [
        f"facts {slug}:{facts.digest(folder)}" for slug, folder in sorted(folders.items())]
    key = hashlib.sha256("\n".join(parts).encode()).hexdigest()
    if key == cache.portal_key() and (ctx.out / "index.html").is_file():
        facts.save()
        return False, True
    from generator.privacy.output_gate import check_portal  # the stages: only when the portal is rebuilt
    from generator.report.pages import county_reports
    from generator.site.render import render_portal
    from generator.site.views import portal_view

    sources = [read_portal_source(entry.portal) for _, entry in listed]
    sources = [s for s in sources if s is not None]
    stage = ctx.staging / "_portal"
    try:
        stage.mkdir(parents=True, exist_ok=True)
        portal = portal_view(ctx.county, [s.site for s in sources], [s.records for s in sources], ctx.today)
        parts = [s.report for s in sources if getattr(s, "report", None) is not None]
        documents = county_documents(cache.dir, county_key)  # made and checked by earlier builds
        reports = county_reports(ctx.county, parts, ctx.layout, portal, stage, ctx.today, facts=facts,
                                 kept=documents)  # gate-checked before written
        county_problems += reports.problems
        render_portal(portal, ctx.layout, stage)
        gate = check_portal(ctx.county, stage, frozenset(reports.generated), facts=facts, kept=documents)
        facts.save()
        documents.save()
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
