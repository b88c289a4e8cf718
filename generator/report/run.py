"""`careportal report`: one school's 工作总结 or the county's 工作情况汇报 as a .docx file.

The records are loaded and pass the records gate first (as for a build); the document is made,
checked by the docx gate, and only then written (through a temporary file, so a failed run never
leaves half a document or replaces a good one)."""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Optional

from generator.privacy.suppression import county_k
from generator.privacy.context import context, county_context, redacted
from generator.privacy.records_gate import check_records
from generator.problems import Problem, Severity, has_errors
from generator.records import models
from generator.records.load import County, load_county
from generator.report.content import (Period, Report, converted, county_report, school_part, school_report,
                                      term_period)
from generator.report.pages import Built, checked_docx
from generator.report.word import template_for
from generator.site.hant import to_hant, use_search_dictionary


@dataclass
class Outcome:
    path: Optional[Path] = None
    report: Optional[Report] = None
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # Chinese lines for the command to print
    on_site: bool = False  # the same report is published on the site by `careportal build`


def _write_atomic(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".careportal-", suffix=".docx.tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _finish(outcome: Outcome, county: County, report: Report, ctx, out: Path, hant: bool) -> Outcome:
    if hant:
        use_search_dictionary()  # the same word cutting (and so the same conversion) as the site's zh-Hant pages
        report = converted(report, to_hant, "zh-Hant")
    template, template_name = template_for(county.root)
    built = Built()
    path = out / report.file_name
    data = checked_docx(report, template, template_name, ctx, path.as_posix(), built)
    outcome.problems += built.problems
    if data is None:
        return outcome
    _write_atomic(path, data)
    outcome.path, outcome.report = path, report
    return outcome


def school_report_file(root: Path, slug: str, term: models.Term | Period, out: Path, today: date,
                       when: Optional[date] = None, hant: bool = False) -> Outcome:
    """A term's (or, with `content.year_period`, a school year's) 工作总结 of one school."""
    period = term if isinstance(term, Period) else term_period(term)
    outcome = Outcome()
    county = load_county(root, only=[slug])
    outcome.problems += list(county.problems)
    records = next((r for r in county.schools if r.slug == slug), None)
    if county.bureau is None or records is None or not records.ok:
        if records is not None:
            outcome.problems += redacted(records.problems)
        return outcome
    outcome.problems += check_records(county, records)
    if has_errors(outcome.problems):
        return outcome
    terms = {s.record.term for s in records.summaries} | {a.record.term for a in records.activities}
    if not terms & set(period.terms):
        known = "、".join(t.code for t in sorted(terms)) or "（没有）"
        outcome.problems.append(Problem(f"schools/{slug}/", 0, "", f"这所学校没有 {period.text}的学期统计或活动记录。"
                                        f"有记录的学期：{known}"))
        return outcome
    report = school_report(county, records, period, today, when or today)
    summarised = {s.record.term for s in records.summaries}
    for missing in (t for t in period.terms if t not in summarised):
        outcome.notes.append(f"提醒：还没有 summaries/{missing.code}.yml，这个学期的基本情况、成效、问题和打算暂缺。")
    outcome.on_site = len(period.terms) == 1 and period.terms[0] in summarised
    return _finish(outcome, county, report, context(county, records), out, hant)


def county_report_file(root: Path, term: models.Term, out: Path, today: date,
                       when: Optional[date] = None, hant: bool = False) -> Outcome:
    outcome = Outcome()
    county = load_county(root)
    outcome.problems += list(county.problems)
    if county.bureau is None:
        return outcome
    parts = []
    for records in county.schools:
        found = redacted(records.problems) if not records.ok else check_records(county, records)
        if has_errors(found) or not records.ok:
            outcome.notes.append(f"提醒：{records.slug} 的记录有问题，没有计入汇报（用 careportal check 查看）。")
            outcome.problems += [p for p in found if p.severity is not Severity.ERROR]
            continue
        parts.append(school_part(records, today))
    if not any(p.term(term.code) and p.term(term.code).has_summary for p in parts):
        outcome.problems.append(Problem("schools/", 0, "", f"没有一所学校填写了 {term.code} 学期的学期统计，无法汇总"))
        return outcome
    report = county_report(county.bureau.record, parts, term, county_k(county), when or today)
    outcome.on_site = True
    return _finish(outcome, county, report, county_context(county), out, hant)
