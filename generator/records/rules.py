"""Cross-field checks of records that pydantic cannot place on a line by itself."""

from __future__ import annotations

import re

from generator.problems import Problems, Severity
from generator.records import models
from generator.records.loaded import Loaded


def check_summary(item: Loaded[models.TermSummary], problems: Problems) -> None:
    s = item.record
    if item.slug != s.term.code:
        problems.add(item.problem(("term",),
                             f"文件名应与学期一致：学期是 {s.term.code}，文件应命名为 {s.term.code}.yml"))
    lb = s.left_behind
    if lb.derived:  # a count converted from a share is rounded: parts need not add up to it exactly
        return
    if lb.both_parents_away is not None and lb.one_parent_away is not None:
        if lb.both_parents_away + lb.one_parent_away != lb.total:
            problems.add(item.problem(("left_behind", "both_parents_away"),
                                 f"父母双方外出（{lb.both_parents_away}）加单方外出（{lb.one_parent_away}）应等于留守儿童总数（{lb.total}）"))
    if lb.by_grade_band and sum(b.count for b in lb.by_grade_band) != lb.total:
        problems.add(item.problem(("left_behind", "by_grade_band"),
                             f"各学段人数之和（{sum(b.count for b in lb.by_grade_band)}）应等于留守儿童总数（{lb.total}）"))
    if s.students_total is not None and lb.total > s.students_total:
        problems.add(item.problem(("left_behind", "total"),
                             f"留守儿童人数（{lb.total}）不能超过在校学生总数（{s.students_total}）"))


def check_school(school: Loaded[models.School], problems: Problems) -> None:
    group = school.record.leading_group
    allowed = set(school.record.staff_names)
    for index, member in enumerate(group.members if group else []):
        if member.name and member.name not in allowed:
            problems.add(school.problem(("leading_group", "members", index, "name"),
                                 f"“{member.name}”不在 staff_names（可公开的教职工姓名）里。只有本人同意公开的姓名才能写，"
                                 "请加到 staff_names，或删掉姓名只写岗位"))


def check_resource(item: Loaded[models.Resource], problems: Problems) -> None:
    for index, hours in enumerate(item.record.hours):
        if hours.start is not None and hours.end is not None and hours.end <= hours.start:
            problems.add(item.problem(("hours", index, "end"),
                                 f"结束时间 {hours.end} 应晚于开始时间 {hours.start}"))


LONGEST_ACTIVITY = 92  # days: a holiday's worth; longer is a typo (or a programme, not an activity)


def check_activity(item: Loaded[models.Activity], records, problems: Problems) -> None:
    """An activity's dates and the programme part it names (which needs the school's programmes)."""
    a = item.record
    date_line = item.line_of("end_date") if ("end_date",) in item.doc.lines else item.line_of("date")
    if a.end_date is not None:
        if a.date.day is None or a.end_date.day is None:
            problems.add(item.problem(("end_date",), line=date_line, message=
                                 "几天的活动要写到具体哪一天：date: 2026-10-01 和 end_date: 2026-10-07"))
        elif a.end_date.first_day < a.date.first_day:
            problems.add(item.problem(("end_date",), line=date_line, message=
                                 f"结束日期 {a.end_date.iso()} 早于开始日期 {a.date.iso()}，请检查"))
        elif (a.end_date.first_day - a.date.first_day).days > LONGEST_ACTIVITY:
            problems.add(item.problem(("end_date",), line=date_line, message=
                                 f"活动从 {a.date.iso()} 到 {a.end_date.iso()}，超过 {LONGEST_ACTIVITY} 天，请检查日期；"
                                 "长期开展的工作请写成关爱项目（programmes）"))
    if a.programme_part is not None:
        programme = records.programme(a.programme) if a.programme else None
        if programme is None and not a.programme:
            problems.add(item.problem(("programme_part",),
                                 "写了第几条（programme_part），就要在 programme 里写项目名称，并且这个项目要有自己的记录"
                                 "（content/programmes/ 或学校的 programmes/ 文件夹）"))
        elif programme is None:
            names = "、".join(p.record.name for p in records.programmes + records.county_programmes) or "（还没有）"
            problems.add(item.problem(("programme",),
                                 f"没有名为“{a.programme}”的项目记录，所以对不上第几条（programme_part）。现有的项目：{names}；"
                                 "新项目请写在 content/programmes/ 或学校的 programmes/ 文件夹里"))
        elif programme.record.part(a.programme_part) is None:
            parts = programme.record.parts
            problems.add(item.problem(("programme_part",),
                                 f"“{a.programme_part}”不是“{programme.record.name}”里的一条：它共有 {len(parts)} 条，"
                                 f"请写 1 到 {len(parts)} 之间的数字，例如 programme_part: 1（{parts[0].title}）"))


LETTER_ONE_PAGE = 600  # characters of body and asks that print on one A4 sheet (test_browser, the demo letters)


def check_letter(item: Loaded[models.Letter], problems: Problems) -> None:
    r = item.record
    length = len(re.sub(r"\s", "", r.body)) + sum(len(ask) for ask in r.asks)
    if length > LETTER_ONE_PAGE:
        problems.add(item.problem(("body",),
                             f"这封信的正文和“请您做到”共 {length} 字，打印出来可能超过一张 A4 纸（网上看不受影响）。"
                             f"想印在一张纸上，请删到 {LETTER_ONE_PAGE} 字以内", Severity.WARNING))


def check_terms_unique(summaries: list[Loaded[models.TermSummary]], problems: Problems) -> None:
    seen_terms: dict = {}
    for item in summaries:
        if item.record.term in seen_terms:
            problems.add(item.problem(("term",), f"学期 {item.record.term.code} 已在 {seen_terms[item.record.term]} 里写过"))
        seen_terms.setdefault(item.record.term, item.path)
