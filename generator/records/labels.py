"""The Chinese names of record fields: the one table `careportal check`, the privacy gate and the
editor's forms all read, and the way a field's place in a record is said to a
teacher ("开放时间第1条的开始时间", lists counted from 1) instead of the machine path
(`hours[0].start`), which problems keep for the editor to place them on a form field.
tests/test_field_labels.py checks that every field of every record model has a label here."""

from __future__ import annotations

from collections.abc import Iterable

from generator.problems import Problem, Severity

FIELD_LABELS = {
    "title": "标题", "date": "日期", "time": "时间", "location": "地点", "kind": "类型", "term": "学期",
    "participants": "参加人数", "organizer": "组织者", "partners": "合作单位", "programme": "所属项目",
    "summary": "摘要", "body": "正文", "photos": "照片", "name": "名称", "category": "类别",
    "responsible_role": "负责人（岗位）", "cadence": "频次", "instrument": "记录工具", "hours": "开放时间",
    "equipment": "设备", "rules": "制度", "contact": "联系方式", "tier": "模式", "township": "乡镇",
    "boarding": "是否寄宿", "address": "地址", "intro": "简介", "family_phone": "亲情电话",
    "contacts": "联系电话", "leading_group": "领导小组", "staff_names": "可公开的教职工姓名",
    "not_names": "不是人名的词",
    "phone": "电话", "role": "岗位", "consent": "监护人同意书编号", "faces": "照片里的人脸", "number": "号码",
    "start": "开始时间", "end": "结束时间", "days": "星期",
    "audience": "写给谁", "greeting": "称呼", "asks": "请家长做到的事", "signed": "落款",
    "end_date": "结束日期", "period": "时段", "count_max": "最多次数", "per": "周期",
    "share": "比例", "programme_part": "完成项目的第几条", "parts": "各条内容", "operator": "运营单位",
    "schools": "服务的学校", "quantity": "数量", "quantity_unstated": "数量未写明",
    # nested and less common fields (formerly the editor's own table)
    "action": "做什么", "amount_yuan": "捐助金额（元）", "archive": "建档率（%）", "at_least": "“至少”",
    "attribute": "情况", "band": "学段", "both_parents_away": "父母双方外出", "by_grade_band": "按学段",
    "caption": "照片说明", "caring_mothers": "爱心妈妈（人）", "city": "市",
    "count": "数量", "county": "县", "default_term": "当前学期", "donations": "捐赠资助", "donors": "捐赠单位",
    "duty": "职责", "enrollment": "入学率（%）", "family_calls": "亲情通话（次）",
    "file": "照片文件", "group": "参加对象", "highlights": "主要做法和成效", "home_visits": "家访（次）",
    "hours_note": "开放时间说明", "item": "名称", "items": "捐赠物品", "lecture_audience": "讲座听众（人次）",
    "lectures": "讲座（场）", "left_behind": "留守儿童人数", "meets": "开会频次", "members": "成员",
    "migrant_total": "随迁子女人数", "min_cell": "最小公布人数", "next_steps": "下一步打算", "note": "备注",
    "one_parent_away": "父母一方外出", "pairs": "结对帮扶（对）", "position": "职务",
    "privacy": "隐私设置", "problems": "存在的问题", "province": "省", "qualifier": "约/多/余",
    "recipients": "受助人数", "region": "地区", "retention": "巩固率（%）",
    "sensitive": "敏感情况（只写全校合计）", "site_url": "网站地址", "students_total": "在校学生总数",
    "talks": "谈心（次）", "total": "总数", "updated": "更新日期", "windows": "时段",
    "by": "制定单位", "text": "全文", "rates": "各项比率", "unit": "单位（人/人次）",
    "duties": "各项职责", "who": "谁来做", "through": "通过谁（督促家长、组织学生……）",
    "frequency": "频次（没有具体次数时）",
}

# a name that means something else inside one group: (the group's field, the name) → label
GROUP_LABELS = {("duties", "count"): "次数", ("cadence", "count"): "次数"}

def label(name: str, path: Iterable = ()) -> str:
    """A field's Chinese name (inside `path`'s group where that changes it: a duty's count is 次数);
    a key the models do not know (a typo) is shown as written."""
    groups = [part for part in path if isinstance(part, str) and part != "*"]
    if groups and (groups[-1], name) in GROUP_LABELS:
        return GROUP_LABELS[(groups[-1], name)]
    return FIELD_LABELS.get(name, name)


def machine_path(loc: Iterable) -> str:
    """("hours", 0, "start") → "hours[0].start": where a form field is (the editor's placement)."""
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def field_path(loc: Iterable) -> str:
    """("hours", 0, "start") → "开放时间第1条的开始时间": the same place, as a teacher reads it."""
    loc, text = tuple(loc), ""
    for i, part in enumerate(loc):
        name = label(part, loc[:i]) if not isinstance(part, int) else ""
        text += f"第{part + 1}条" if isinstance(part, int) else (f"的{name}" if text else name)
    return text


def problem(path: str, line: int, loc: tuple, message: str, severity: Severity = Severity.ERROR,
            rule: str = "") -> Problem:
    """A problem at a field: its Chinese path printed, its machine path kept for forms."""
    return Problem(path, line, field_path(loc), message, severity, rule, place=machine_path(loc))
