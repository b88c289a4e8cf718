"""Reports on the sites: each school's term reports under 数据与总结 (a page and its .docx, in both
scripts) and the county's 工作情况汇报 on the portal. Every .docx is gate-checked before it is
written; the hashes of those that passed are handed to the output gate, which lets exactly
these documents (and no other .docx) be published."""

from __future__ import annotations

import dataclasses
import hashlib
import shutil
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import MutableMapping, Optional, Sequence

from markupsafe import Markup

from generator.digest import digest
from generator.privacy.suppression import county_k
from generator.privacy.context import Context, context, county_context
from generator.privacy.docx_gate import check_docx
from generator.problems import Problem, Severity, has_errors
from generator.records.load import County, SchoolRecords
from generator.report.content import (Report, SchoolPart, converted, county_report, county_terms, report_terms,
                                      school_part, school_report)
from generator.report.word import TemplateError, report_docx, template_for
from generator.site.hant import to_hant, use_search_dictionary
from generator.site.render import HANS, HANT, ExtraFile, environment
from generator.theme import Layout
from generator.site.views import Portal, ReportLink, SchoolSite


REPORT_CSS = "assets/careportal/report.css"  # the print versions' stylesheet (theme/assets/report.css)


@dataclass
class Built:
    """What writing reports produced: files for the site, problems, and the checked documents."""

    extras: list[ExtraFile] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    generated: set[str] = field(default_factory=set)  # sha256 of every .docx that passed the gate

    @property
    def ok(self) -> bool:
        return not has_errors(self.problems)


def checked_docx(report: Report, template: bytes, template_name: str, ctx: Context, display: str,
                 built: Built, kept: Optional[MutableMapping] = None, ctx_key: Optional[str] = None) -> bytes | None:
    """The report's .docx if it passed the gate (its hash noted), else None with the problems.

    `kept`: documents made and checked by earlier builds, by a digest of everything that decides
    the document's bytes and the gate's findings (the report, the template, the gate's context,
    the name shown in messages); the caller's mapping holds only those of one version of
    careportal's code (see county.gate_memo.county_documents). `ctx_key`: digest(ctx), when the caller
    checks several documents against one context."""
    key = None
    if kept is not None:
        key = digest((report, hashlib.sha256(template).hexdigest(), template_name, ctx_key or digest(ctx), display))
    found_before = kept.get(key) if kept is not None else None
    if found_before is not None:
        data, found = found_before
    else:
        try:
            data = report_docx(report, template)
        except TemplateError as exc:
            built.problems.append(Problem(template_name, 0, "", str(exc), Severity.ERROR, "报告模板"))
            return None
        found = check_docx(data, ctx, display, (report.unit,))
        if has_errors(found):
            data = None
        if kept is not None:
            kept[key] = (data, found)
    built.problems += found
    if data is None:
        return None
    built.generated.add(hashlib.sha256(data).hexdigest())
    return data


def school_reports(county: County, records: SchoolRecords, site: SchoolSite, layout: Layout, today: date) -> Built:
    """Every term report of the school (one per term summary), as files for its site in both
    scripts; fills `site.reports` with the links the data page shows."""
    built = Built()
    use_search_dictionary()  # to_hant cuts words with jieba: the same dictionary as the pages, whichever ran first
    template, template_name = template_for(county.root)
    ctx = context(county, records)
    env = environment(layout.theme, "pages")
    for term in report_terms(records):
        report = school_report(county, records, term, today)
        link = ReportLink(term.code, report.title, f"data/{report.slug}.html", f"data/{report.slug}.docx", report.file_name,
                          f"data/{report.slug}.print.html")
        pages: dict[str, bytes] = {}
        prints: dict[str, bytes] = {}
        documents: dict[str, bytes] = {}
        for script in (HANS, HANT):
            version = report if script is HANS else converted(report, to_hant, HANT.lang)
            shown = dataclasses.replace(link, title=version.title, file_name=version.file_name)
            page = env.get_template("report.md.j2").render(site=site, report=version, link=shown, base="../")
            pages[script.lang] = (page if script is HANS else to_hant(page)).encode("utf-8")
            printable = env.get_template("report_print.html.j2").render(
                report=version, css=f"../{REPORT_CSS}", back=f"{report.slug}.html", docx=f"{report.slug}.docx",
                file_name=version.file_name, other={"lang": script.other_lang, "label": script.other_label,
                                                    "href": f"../{script.other_prefix}{link.print}"})
            prints[script.lang] = (printable if script is HANS else to_hant(printable)).encode("utf-8")
            display = f"（生成的报告）{records.slug}/{script.subdir}{link.docx}"
            data = checked_docx(version, template, template_name, ctx, display, built)
            if data is None:
                break
            documents[script.lang] = data
        if len(documents) == 2:
            built.extras += [ExtraFile(f"data/{report.slug}.md", pages), ExtraFile(link.print, prints),
                             ExtraFile(link.docx, documents)]
            site.reports.append(link)
    return built


def county_reports(county: County, parts: Sequence[SchoolPart], layout: Layout, portal: Portal, target: Path,
                   today: date, facts=None, kept: Optional[MutableMapping] = None) -> Built:
    """The county's 工作情况汇报 for every term some school summarised: a printable page and a
    .docx each, written into the portal's folder; fills `portal.reports`. `facts`: each school
    folder's facts for the gate, as kept by the build (see context.county_context); `kept`: the
    documents of earlier builds (see `checked_docx`)."""
    built = Built()
    if county.bureau is None or not parts:
        return built
    template, template_name = template_for(county.root)
    ctx = county_context(county, facts)
    ctx_key = digest(ctx) if kept is not None else None  # one context for every term's document
    bureau = county.bureau.record
    env = environment(layout.theme, "portal")
    body = environment(layout.theme, "pages").get_template("report_body.j2")  # the same body as a school's page
    for term in county_terms(parts):
        report = county_report(bureau, parts, term, county_k(county), today)
        page, docx_name = f"{report.slug}.html", f"{report.slug}.docx"
        data = checked_docx(report, template, template_name, ctx, f"（全县首页）{docx_name}", built, kept, ctx_key)
        if data is None:
            continue
        link = ReportLink(term.code, report.title, page, docx_name, report.file_name)
        (target / docx_name).write_bytes(data)
        (target / page).write_text(env.get_template("report.html.j2").render(
            portal=portal, report=report, link=link, css="report.css", body=Markup(body.render(report=report))),
            encoding="utf-8")
        shutil.copyfile(layout.theme / "assets" / "report.css", target / "report.css")
        portal.reports.append(link)
    return built


def expected_documents(county: County, today: date) -> frozenset[str]:
    """The sha256 of every report document a build of `county` on `today` publishes (each school's
    term reports in both scripts, and the county's), made again from the records: what an
    independent re-check of a published tree passes to the output gate."""
    use_search_dictionary()
    template, _ = template_for(county.root)
    digests = set()
    parts = []
    for records in county.schools:
        if not records.ok:
            continue
        parts.append(school_part(records, today))
        for term in report_terms(records):
            report = school_report(county, records, term, today)
            for version in (report, converted(report, to_hant, HANT.lang)):
                digests.add(hashlib.sha256(report_docx(version, template)).hexdigest())
    if county.bureau is not None:
        for term in county_terms(parts):
            report = county_report(county.bureau.record, parts, term, county_k(county), today)
            digests.add(hashlib.sha256(report_docx(report, template)).hexdigest())
    return frozenset(digests)
