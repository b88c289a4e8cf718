"""Cross-field checks of records that pydantic cannot place on a line by itself."""

from __future__ import annotations

import re

from generator.problems import Problem, Problems, Severity
from generator.records import models
from generator.records.loaded import Loaded


def check_summary(item: Loaded[models.TermSummary], problems: Problems) -> None:
    s = item.record
    if item.slug != s.term.code:
        problems.add(Problem(item.path, item.line_of("term"), "term",
                             f"文件名应与学期一致：学期是 {s.term.code}，文件应命名为 {s.term.code}.yml"))
    lb = s.left_behind
    if lb.both_parents_away is not None and lb.one_parent_away is not None:
        if lb.both_parents_away + lb.one_parent_away != lb.total:
            problems.add(Problem(item.path, item.line_of("left_behind", "both_parents_away"), "left_behind",
                                 f"父母双方外出（{lb.both_parents_away}）加单方外出（{lb.one_parent_away}）应等于留守儿童总数（{lb.total}）"))
    if lb.by_grade_band and sum(b.count for b in lb.by_grade_band) != lb.total:
        problems.add(Problem(item.path, item.line_of("left_behind", "by_grade_band"), "left_behind.by_grade_band",
                             f"各学段人数之和（{sum(b.count for b in lb.by_grade_band)}）应等于留守儿童总数（{lb.total}）"))
    if s.students_total is not None and lb.total > s.students_total:
        problems.add(Problem(item.path, item.line_of("left_behind", "total"), "left_behind.total",
                             f"留守儿童人数（{lb.total}）不能超过在校学生总数（{s.students_total}）"))


def check_school(school: Loaded[models.School], problems: Problems) -> None:
    group = school.record.leading_group
    allowed = set(school.record.staff_names)
    for index, member in enumerate(group.members if group else []):
        if member.name and member.name not in allowed:
            problems.add(Problem(school.path, school.line_of("leading_group", "members", index, "name"),
                                 f"leading_group.members[{index}].name",
                                 f"“{member.name}”不在 staff_names（可公开的教职工姓名）里。只有本人同意公开的姓名才能写，"
                                 "请加到 staff_names，或删掉姓名只写岗位"))


def check_resource(item: Loaded[models.Resource], problems: Problems) -> None:
    for index, hours in enumerate(item.record.hours):
        if hours.end <= hours.start:
            problems.add(Problem(item.path, item.line_of("hours", index, "end"), f"hours[{index}].end",
                                 f"结束时间 {hours.end} 应晚于开始时间 {hours.start}"))


LETTER_ONE_PAGE = 600  # characters of body and asks that print on one A4 sheet (test_browser, the demo letters)


def check_letter(item: Loaded[models.Letter], problems: Problems) -> None:
    r = item.record
    length = len(re.sub(r"\s", "", r.body)) + sum(len(ask) for ask in r.asks)
    if length > LETTER_ONE_PAGE:
        problems.add(Problem(item.path, item.line_of("body"), "body",
                             f"这封信的正文和“请您做到”共 {length} 字，打印出来可能超过一张 A4 纸（网上看不受影响）。"
                             f"想印在一张纸上，请删到 {LETTER_ONE_PAGE} 字以内", Severity.WARNING))


def check_terms_unique(summaries: list[Loaded[models.TermSummary]], problems: Problems) -> None:
    seen_terms: dict = {}
    for item in summaries:
        if item.record.term in seen_terms:
            problems.add(Problem(item.path, item.line_of("term"), "term", f"学期 {item.record.term.code} 已在 {seen_terms[item.record.term]} 里写过"))
        seen_terms.setdefault(item.record.term, item.path)
