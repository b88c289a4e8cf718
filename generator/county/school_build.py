"""One school's build, every stage into a staging folder: load → check records → render →
MkDocs → check output. Run in the main process or in a worker (workers.py); never raises."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Optional

from generator.county.gate_memo import school_memo
from generator.county.publish import staging_root
from generator.county.results import SchoolResult, Status, internal_error
from generator.problems import Problem, Problems, Severity, has_errors
from generator.settings import BuildSettings
from generator.records.load import County, SchoolRecords, load_bureau, load_school, load_shared, school_folders
from generator.theme import Layout


@dataclass
class BuildContext:
    """What every school's build needs, prepared once per process (the main one and each worker)."""

    settings: BuildSettings  # resolved
    layout: Layout
    county: County  # the bureau and county-wide problems; `schools` is empty
    theme_store: Optional[Path] = None  # the county's copy of Material's assets (build.publish_theme_assets)
    staging_dir: Optional[Path] = None  # where schools are staged; default the output's staging folder

    @property
    def root(self) -> Path:
        return self.settings.root

    @property
    def out(self) -> Path:
        return self.settings.out

    @property
    def today(self) -> date:
        return self.settings.today

    @property
    def staging(self) -> Path:
        """Where `build_school` stages a school: a shard or a cluster task has its own folder in it."""
        return self.staging_dir or staging_root(self.out)


def prepare(settings: BuildSettings) -> BuildContext:
    settings = settings.resolved()
    problems = Problems()
    bureau = load_bureau(settings.root, problems)
    shared = load_shared(settings.root, problems, schools={f.name for f in school_folders(settings.root, Problems())})
    county = County(root=settings.root, bureau=bureau, problems=problems, schools=[], shared=shared)
    return BuildContext(settings, Layout.for_root(settings.root, settings.work), county)


def today_window(records: SchoolRecords, today: date) -> tuple[date, date]:
    """The days [from, until) on which the school's pages are the same as on `today`.

    Views read the build date only by comparing it with activity dates (upcoming or past, and the
    newest past date as the site's "updated" date), so the pages can only change on an activity's
    date or the day after; with no dated content at all the site is dated today itself."""
    marks: set[date] = set()
    for item in records.activities:
        for when in (item.record.date, item.record.end_date):  # an activity over several days ends too
            if when is not None:
                first = when.first_day
                marks.update((first, first + timedelta(days=1)))
    school = records.school.record if records.school else None
    if (school is None or school.updated is None) and not any(m <= today for m in marks):
        return today, today + timedelta(days=1)
    start = max((m for m in marks if m <= today), default=date.min)
    end = min((m for m in marks if m > today), default=date.max)
    return start, end


@dataclass
class SchoolBuild:
    """One school's run of every stage, as a worker sends it back to be published."""

    result: SchoolResult
    staged: Optional[Path] = None  # the finished site, ready to swap in (None when failed)
    window: tuple[date, date] = (date.min, date.min)
    portal: bytes = b""  # cache.PortalSource, pickled
    portal_hash: str = ""


def build_school(ctx: BuildContext, slug: str) -> SchoolBuild:
    """load → check → render → build → check the output, into staging/<slug>. Never raises."""
    result = SchoolResult(slug, Status.FAILED)
    try:
        # The stages' modules (Markdown, jieba, OpenCC, python-docx, the engines …) are imported when
        # a school is built, not with this module: a build with nothing to do starts in a fraction
        # of a second. Inside the try: a module that cannot be imported fails the school, as any stage.
        from generator.county import gate_report
        from generator.county.cache import portal_source
        from generator.privacy.context import redacted
        from generator.privacy.output_gate import check_output, use_engine_templates
        from generator.report.content import school_part
        from generator.report.pages import school_reports
        from generator.site.engines import engine
        from generator.site.generated import gate_school
        from generator.site.render import render_school, write_hant
        from generator.site.views import school_site

        records = load_school(ctx.root, ctx.root / "schools" / slug)
        result.problems += redacted(records.problems)
        if not records.ok:
            return SchoolBuild(result)
        county = dataclasses.replace(ctx.county, schools=[records])
        memo = school_memo(ctx.settings.work, slug)
        reviewed: list = []
        result.problems += gate_school(county, records, memo, reviewed)
        memo.save()
        result.gate = {"reviews": [item.report() for item in reviewed]}  # the gate report lists them, failed or not
        if has_errors(result.problems):
            return SchoolBuild(result)
        site = school_site(county, records, ctx.today)
        reports = school_reports(county, records, site, ctx.layout, ctx.today)  # gate-checked before written
        result.problems += reports.problems
        if not reports.ok:
            return SchoolBuild(result)
        staged = ctx.staging / slug
        engine_name = ctx.settings.engine
        rendered = render_school(site, ctx.layout, staged, engine_name, reports.extras)
        result.pages = rendered.pages
        builder = engine(engine_name)
        label = "MkDocs" if engine_name == "mkdocs" else "Zensical"
        for config in rendered.configs:
            for warning in builder.build(config, staged, theme_store=ctx.theme_store,
                                         content_date=site.updated.first_day):
                result.problems.append(Problem(f"schools/{slug}/", 0, "", f"{label}：{warning}", Severity.WARNING))
        write_hant(rendered, staged, engine_name)
        use_engine_templates(builder.templates)
        result.problems += check_output(county, records, staged, frozenset(reports.generated))
        if has_errors(result.problems):
            return SchoolBuild(result)
        result.status = Status.BUILT
        result.gate = {**gate_report.school_report(county, records, ctx.today), **result.gate}
        return SchoolBuild(result, staged, today_window(records, ctx.today), *portal_source(site, records, school_part(records, ctx.today)))
    except Exception as exc:  # a crash in one school must not stop the others
        result.problems.append(internal_error(slug, "生成网站", exc))
        return SchoolBuild(result)
