"""Every record kind loads, and every mistake is reported with its exact file, line and Chinese message."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from generator.records import models
from generator.records.load import load_county, load_record
from generator.problems import Problems

SCHOOL = """\
name: 测试镇中心小学
kind: 中心小学
township: 测试镇
boarding: 是
address: 测试镇学府路 1 号
intro: 一所寄宿制中心小学。
family_phone:
  number: "0599-6000001"
  hours:
    - days: 周一至周五
      start: "18:00"
      end: "20:00"
contacts:
  - role: 德育处
    phone: "0599-6000002"
leading_group:
  members:
    - role: 组长
      position: 校长
      name: 林晓东
staff_names: [林晓东]
"""

ACTIVITY = """\
# 活动记录
title: 防溺水安全教育讲座
date: 2026-06-12
time: "14:30"
kind: 安全教育讲座
term: 2025-2026-2
participants: 约300
summary: 暑假前的防溺水教育。
body: |
  **不私自下水游泳。**
"""

POLICY = """\
name: 谈心制度
category: 谈心
summary: 班主任定期与留守儿童谈心。
responsible_role: 班主任
cadence:
  action: 与每名留守儿童谈心
  count: 1
  per: 月
instrument: 谈心记录卡
"""

RESOURCE = """\
kind: 留守儿童之家
name: 留守儿童之家
location: 教学楼一楼
tier: 模式一
hours:
  - days: 周一、周三、周五
    start: "12:00"
    end: "13:30"
equipment:
  - item: 电脑
    quantity: 4
rules:
  - 爱护公物。
contact:
  role: 德育处
  phone: "0599-6000002"
"""

SUMMARY = """\
term: 2025-2026-1
students_total: 900
left_behind:
  total: 300
  both_parents_away: 120
  one_parent_away: 180
  by_grade_band:
    - band: 1—3年级
      count: 140
    - band: 4—6年级
      count: 160
migrant_total: 45
rates:
  enrollment: 100%
  retention: "99.5"
"""

LETTER = """\
# 致家长的一封信
title: 致外出务工家长的一封信
date: 2026-09-01
audience: [外出务工家长, 临时监护人]
greeting: 尊敬的家长朋友：
body: |
  新学期开始了。
asks:
  - 每周给孩子打一次亲情电话
signed: 测试镇中心小学
"""

BUREAU = """\
name: 测试县教育局
region: {province: 测试省, city: 测试市, county: 测试县}
contact:
  role: 基础教育股
  phone: "0599-6000000"
default_term: 2025-2026-1
"""


def write(root: Path, rel: str, text: str) -> Path:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture()
def root(tmp_path) -> Path:
    write(tmp_path, "content/bureau.yml", BUREAU)
    write(tmp_path, "schools/test/school.yml", SCHOOL)
    return tmp_path


def test_every_record_kind_loads(root):
    write(root, "schools/test/activities/2026-06-12-fangnishui.yml", ACTIVITY)
    write(root, "schools/test/policies/tanxin.yml", POLICY)
    write(root, "schools/test/resources/zhijia.yml", RESOURCE)
    write(root, "schools/test/summaries/2025-2026-1.yml", SUMMARY)
    write(root, "schools/test/letters/2026-09-01-zhi-jiazhang.yml", LETTER)
    county = load_county(root)
    assert not county.problems.items
    school = county.schools[0]
    assert not school.problems.items, [p.format() for p in school.problems]
    assert school.school.record.boarding is True
    assert school.school.record.family_phone.number == "0599-6000001"
    activity = school.activities[0].record
    assert (activity.date.year, activity.date.month, activity.date.day) == (2026, 6, 12)
    assert str(activity.time) == "14:30"
    assert activity.participants.count == 300 and activity.participants.qualifier is models.Qualifier.ABOUT
    assert school.policies[0].record.cadence.per is models.CadencePer.MONTH
    resource = school.resources[0].record
    assert [d.value for d in resource.hours[0].days] == ["周一", "周三", "周五"]
    assert resource.equipment[0].quantity == 4
    summary = school.summaries[0].record
    assert summary.rates.enrollment == 100.0 and summary.rates.retention == 99.5
    assert county.bureau.record.privacy.min_cell == 10
    letter = school.letters[0]
    assert letter.slug == "2026-09-01-zhi-jiazhang" and letter.record.date.isoformat() == "2026-09-01"
    assert [a.value for a in letter.record.audience] == ["外出务工家长", "临时监护人"]
    assert letter.record.asks == ["每周给孩子打一次亲情电话"] and letter.record.signed == "测试镇中心小学"


def problems_of(root: Path, rel: str, text: str, model) -> list[str]:
    path = write(root, rel, textwrap.dedent(text))
    found = Problems()
    assert load_record(root, path, model, found) is None
    return [p.format() for p in found]


@pytest.mark.parametrize(
    ("rel", "model", "text", "expected"),
    [
        ("schools/test/activities/x.yml", models.Activity, ACTIVITY.replace("2026-06-12", "2024-13-01"),
         "schools/test/activities/x.yml:3: 日期: “2024-13-01” 不是有效日期，应写成 2024-06-01 或 2024-06"),
        ("schools/test/activities/x.yml", models.Activity, ACTIVITY.replace("title:", "titel:"),
         "schools/test/activities/x.yml:2: titel: 不认识的字段“titel”，是不是想写“title”？"),
        ("schools/test/activities/x.yml", models.Activity, ACTIVITY.replace("kind: 安全教育讲座", "kind: 讲座"),
         "schools/test/activities/x.yml:5: 类型: “讲座” 不是可选的值，请从这些里选一个：主题班会、安全教育讲座、家访、亲情通话、两地书、"
         "文体活动、节日活动、心理健康、家长会、志愿服务、捐赠资助、健康体检、其他"),
        ("schools/test/activities/x.yml", models.Activity, ACTIVITY.replace('"14:30"', "下午2点半"),
         "schools/test/activities/x.yml:4: 时间: “下午2点半” 请改成 24 小时制的“时:分”，例如“下午2点半”写成 14:30，“上午8点”写成 08:00"),
        ("schools/test/activities/x.yml", models.Activity, ACTIVITY.replace("2025-2026-2", "2025-2027-2"),
         "schools/test/activities/x.yml:6: 学期: “2025-2027-2” 不是有效学期，应写成 2024-2025-1（2024—2025学年第一学期）或 2024-2025-2（第二学期）"),
        ("schools/test/activities/x.yml", models.Activity, ACTIVITY.replace("约300", "好几百人"),
         "schools/test/activities/x.yml:7: 参加人数: “好几百人” 看不懂，应写成 40、约40、40多、40余、42名同学 或 300余人次"),
        ("schools/test/activities/x.yml", models.Activity, ACTIVITY.replace("summary: 暑假前的防溺水教育。\n", ""),
         "schools/test/activities/x.yml:2: 摘要: 缺少必填项“summary”（摘要），请补上"),
        ("schools/test/policies/x.yml", models.Policy, POLICY.replace("per: 月", "per: 每季度"),
         "schools/test/policies/x.yml:8: 频次的周期: “每季度” 不是可选的值，请从这些里选一个：天、周、两周、月、学期、半年、年"),
        ("schools/test/policies/x.yml", models.Policy, POLICY.replace("count: 1", "count: 一二"),
         "schools/test/policies/x.yml:7: 频次的次数: “一二” 看不懂这个数，请用阿拉伯数字，例如 30"),
        ("schools/test/resources/x.yml", models.Resource, RESOURCE.replace("周一、周三、周五", "星期八"),
         "schools/test/resources/x.yml:6: 开放时间第1条的星期: “星期八” 不是有效的星期，应写成“周一至周五”或“周一、周三”"),
        ("schools/test/resources/x.yml", models.Resource, RESOURCE.replace("quantity: 4", "quantity: 四五台"),
         "schools/test/resources/x.yml:11: 设备第1条的数量: “四五台” 看不懂这个数，请用阿拉伯数字，例如 30"),
        ("schools/test/resources/x.yml", models.Resource, RESOURCE.replace("模式一", "模式三"),
         "schools/test/resources/x.yml:4: 模式: “模式三” 不是可选的值，请从这些里选一个：模式一、模式二"),
        ("schools/test/summaries/x.yml", models.TermSummary, SUMMARY.replace("total: 300", "total: 三百多"),
         "schools/test/summaries/x.yml:4: 留守儿童人数的总数: “三百多” 看不懂这个数，请用阿拉伯数字，例如 30"),
        ("schools/test/summaries/x.yml", models.TermSummary, SUMMARY.replace("retention: \"99.5\"", "retention: 120"),
         "schools/test/summaries/x.yml:15: 各项比率的巩固率（%）: “120” 太大了，不能大于 100"),
        ("schools/test/school.yml", models.School, SCHOOL.replace("kind: 中心小学", "kind: 完全小学"),
         "schools/test/school.yml:2: 类型: “完全小学” 不是可选的值，请从这些里选一个：小学、中心小学、初中、九年一贯制、中心学校、幼儿园"),
        ("schools/test/school.yml", models.School, SCHOOL.replace('"0599-6000001"', "打这个电话"),
         "schools/test/school.yml:8: 亲情电话的号码: “打这个电话” 不是有效的电话号码，应写成 0551-12345678 或 12355 这样的形式"),
        ("schools/test/school.yml", models.School, SCHOOL.replace("boarding: 是", "boarding: 也许"),
         "schools/test/school.yml:4: 是否寄宿: “也许” 应写成“是”或“否”"),
        ("schools/test/letters/x.yml", models.Letter, LETTER.replace("临时监护人]", "爷爷奶奶]"),
         "schools/test/letters/x.yml:4: 写给谁第2条: “爷爷奶奶” 不是可选的值，请从这些里选一个：外出务工家长、临时监护人、全体家长、学生、社会各界"),
        ("schools/test/letters/x.yml", models.Letter, LETTER.replace("signed: 测试镇中心小学\n", ""),
         "schools/test/letters/x.yml:2: 落款: 缺少必填项“signed”（落款），请补上"),
        ("schools/test/letters/x.yml", models.Letter, LETTER.replace("2026-09-01", "9月1日"),
         "schools/test/letters/x.yml:3: 日期: “9月1日” 缺少年份。日期写成 2024-06-01 或 2024年6月1日；只知道月份时写 2024-06"),
        ("content/bureau.yml", models.Bureau, BUREAU.replace("default_term: 2025-2026-1", "default_term: 2025年秋"),
         "content/bureau.yml:6: 当前学期: “2025年秋” 不是有效学期，应写成 2024-2025-1（2024—2025学年第一学期）或 2024-2025-2（第二学期）"),
    ],
)
def test_mistakes_name_file_line_field(root, rel, model, text, expected):
    assert expected in problems_of(root, rel, text, model)


def test_a_letter_too_long_for_one_printed_page_is_a_warning(root):
    long = LETTER.replace("  新学期开始了。\n", "  " + "请多给孩子打电话。" * 70 + "\n")
    write(root, "schools/test/letters/2026-09-01-chang.yml", long)
    school = load_county(root).schools[0]
    assert school.ok and school.letters  # published all the same
    assert [p.format() for p in school.problems] == [
        "schools/test/letters/2026-09-01-chang.yml:6: 正文: 提醒：这封信的正文和“请您做到”共 642 字，打印出来可能超过一张 A4 纸"
        "（网上看不受影响）。想印在一张纸上，请删到 600 字以内"]


def test_yaml_11_traps_stay_text(root):
    """Unquoted 13800138000, no and 0755 must not become int, False and 493."""
    text = ACTIVITY.replace("summary: 暑假前的防溺水教育。", "summary: no").replace('location', 'x') + "organizer: 0755\n"
    write(root, "schools/test/activities/a.yml", text)
    school = load_county(root).schools[0]
    activity = school.activities[0].record
    assert activity.summary == "no"
    assert activity.organizer == "0755"
    phone = SCHOOL.replace('"0599-6000001"', "13800138000")
    write(root, "schools/test/school.yml", phone)
    assert load_county(root).schools[0].school.record.family_phone.number == "13800138000"


def test_full_width_and_chinese_forms_are_understood(root):
    text = (ACTIVITY.replace("2026-06-12", "２０２６年６月１２日").replace('"14:30"', '"１４：３０"')
            .replace("约300", "３０人"))
    write(root, "schools/test/activities/a.yml", text)
    activity = load_county(root).schools[0].activities[0].record
    assert activity.date.iso() == "2026-06-12"
    assert str(activity.time) == "14:30"
    assert activity.participants.count == 30


def test_month_only_dates(root):
    write(root, "schools/test/activities/a.yml", ACTIVITY.replace("2026-06-12", "2026-06"))
    activity = load_county(root).schools[0].activities[0].record
    assert activity.date.iso() == "2026-06" and activity.date.chinese() == "2026年6月"


def test_cross_field_checks_point_at_lines(root):
    write(root, "schools/test/summaries/2025-2026-1.yml", SUMMARY.replace("one_parent_away: 180", "one_parent_away: 100"))
    write(root, "schools/test/summaries/2025-2026-2.yml", SUMMARY)
    school = load_county(root).schools[0]
    lines = [p.format() for p in school.problems]
    assert ("schools/test/summaries/2025-2026-1.yml:5: 留守儿童人数的父母双方外出: 父母双方外出（120）加单方外出（100）应等于留守儿童总数（300）"
            in lines)
    assert ("schools/test/summaries/2025-2026-2.yml:1: 学期: 文件名应与学期一致：学期是 2025-2026-1，文件应命名为 2025-2026-1.yml"
            in lines)


def test_staff_name_must_be_allowed(root):
    write(root, "schools/test/school.yml", SCHOOL.replace("staff_names: [林晓东]", "staff_names: []"))
    lines = [p.format() for p in load_county(root).schools[0].problems]
    assert any(line.startswith("schools/test/school.yml:20: 领导小组的成员第1条的名称: “林晓东”不在 staff_names")
               for line in lines), lines


def test_one_school_problem_does_not_touch_another(root):
    write(root, "schools/other/school.yml", SCHOOL.replace("name: 测试镇中心小学", "titel: x"))
    county = load_county(root)
    by_slug = {s.slug: s for s in county.schools}
    assert by_slug["test"].ok
    assert not by_slug["other"].ok
