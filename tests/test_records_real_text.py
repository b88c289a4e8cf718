"""Real school text as teachers write it (issue 15): the seed documents' own phrasing loads with a
reminder naming the canonical form (file, line), is stored canonically and shows canonically on
both scripts' pages, the calendar and the feed; what stays ambiguous is refused with the form to
write. Programmes and shared places are records with their own pages.

The fixture county (tests/fixtures/real-text) is written in that phrasing and is checked and built
with the real command line; the demo county's new records are built too.
"""

from __future__ import annotations

import re
import shutil
import textwrap
from datetime import date
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from icalendar import Calendar

from helpers import REPO, copy_demo, run_cli
from generator.problems import Problems, Severity
from generator.records import models, phrasing
from generator.records.festivals import festival_date
from generator.records.load import load_county, load_record
from generator.site.hans import to_hans
from generator.site import views
from generator.site.views import summary_view

FIXTURE = Path(__file__).parent / "fixtures" / "real-text"

ACTIVITY = """\
title: 国庆小长假集中家访
date: 2026-10-03
kind: 家访
term: 2026-2027-1
summary: 教师分片走访留守儿童家庭。
"""
POLICY = """\
name: 谈心制度
category: 谈心
summary: 班主任每月与留守儿童谈心。
responsible_role: 班主任
cadence:
  action: 与每名留守儿童谈心
  count: 1
  per: 月
"""
SUMMARY = """\
term: 2025-2026-1
students_total: 4322
left_behind:
  total: 3414
"""


def load(tmp_path: Path, text: str, model, name: str = "x.yml"):
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    found = Problems()
    item = load_record(tmp_path, path, model, found)
    return item, [p.format() for p in found]


# ---------------------------------------------------------------------------------------------
# The pieces: numerals, festivals, the term's year


@pytest.mark.parametrize("text, value", [
    ("一", 1), ("两", 2), ("兩", 2), ("十", 10), ("十二", 12), ("二十", 20), ("四十五", 45), ("一百", 100),
    ("三百零五", 305), ("一千二百", 1200), ("二三", None), ("一千二", None), ("十百", None), ("三十多", None), ("", None),
])
def test_chinese_numerals(text, value):
    assert phrasing.chinese_numeral(text) == value


@pytest.mark.parametrize("year, name, day", [
    (2026, "清明节", date(2026, 4, 5)), (2026, "清明", date(2026, 4, 5)), (2026, "春节", date(2026, 2, 17)),
    (2026, "除夕", date(2026, 2, 16)), (2025, "中秋节", date(2025, 10, 6)), (2026, "端午节", date(2026, 6, 19)),
    (2026, "重阳节", date(2026, 10, 18)), (2025, "冬至", date(2025, 12, 21)), (2026, "国庆节", date(2026, 10, 1)),
    (2026, "儿童节", date(2026, 6, 1)), (2026, "圣诞节", None),
])
def test_festival_dates_come_from_the_lunar_calendar(year, name, day):
    assert festival_date(year, name) == day


@pytest.mark.parametrize("term, month, year", [
    ("2025-2026-1", 9, 2025), ("2025-2026-1", 12, 2025), ("2025-2026-1", 1, 2026), ("2025-2026-1", 2, 2026),
    ("2025-2026-1", 4, None), ("2025-2026-2", 3, 2026), ("2025-2026-2", 8, 2026), ("2025-2026-2", 10, None),
])
def test_a_term_fixes_the_year_of_a_month(term, month, year):
    assert models.year_in_term(models.to_term(term), month) == year


# ---------------------------------------------------------------------------------------------
# Accepted forms: the stored value and the reminder (line and canonical form)


@pytest.mark.parametrize("written, start, end, reminder", [
    ("10月1日—7日", (2026, 10, 1), (2026, 10, 7), "“10月1日—7日”已读作 2026年10月1日至7日；标准写法：date: 2026-10-01 和 end_date: 2026-10-07"),
    ("9月30日至10月7日", (2026, 9, 30), (2026, 10, 7), "标准写法：date: 2026-09-30 和 end_date: 2026-10-07"),
    ("12月30日—1月2日", (2026, 12, 30), (2027, 1, 2), "已读作 2026年12月30日至2027年1月2日"),
    ("2026-10-01至2026-10-07", (2026, 10, 1), (2026, 10, 7), "已读作 2026年10月1日至7日"),
    ("2026年10月1日～10月7日", (2026, 10, 1), (2026, 10, 7), "已读作 2026年10月1日至7日"),
    ("2026.10.1-7", (2026, 10, 1), (2026, 10, 7), "标准写法：date: 2026-10-01 和 end_date: 2026-10-07"),
    ("10月1日—40日", None, None, None),  # no such day: refused
])
def test_a_date_range_is_split_into_date_and_end_date(tmp_path, written, start, end, reminder):
    item, problems = load(tmp_path, ACTIVITY.replace("2026-10-03", written), models.Activity)
    if start is None:
        assert item is None and problems[0].startswith("x.yml:2: 日期: ")
        return
    assert (item.record.date, item.record.end_date) == (models.PartialDate(*start), models.PartialDate(*end))
    assert len(problems) == 1 and problems[0].startswith("x.yml:2: 日期: 提醒：") and reminder in problems[0]


@pytest.mark.parametrize("written, stored, reminder", [
    ("12月31日", models.PartialDate(2026, 12, 31), "“12月31日”按学期2026-2027-1读作 2026年12月31日；标准写法：2026-12-31"),
    ("1月", models.PartialDate(2027, 1), "“1月”按学期2026-2027-1读作 2027年1月；标准写法：2027-01"),
    ("中秋节", models.PartialDate(2026, 9, 25), "“中秋节”已读作 2026年9月25日（中秋节）；以后可直接写 2026-09-25"),
    ("春节", models.PartialDate(2027, 2, 6), "“春节”已读作 2027年2月6日（春节）"),
    ("2026年清明节", models.PartialDate(2026, 4, 5), "“2026年清明节”已读作 2026年4月5日（清明节）；以后可直接写 2026-04-05"),
    ("2026年清明節", models.PartialDate(2026, 4, 5), "已读作 2026年4月5日（清明节）"),
])
def test_dates_teachers_write(tmp_path, written, stored, reminder):
    item, problems = load(tmp_path, ACTIVITY.replace("2026-10-03", written), models.Activity)
    assert item is not None, problems
    assert item.record.date == stored
    assert len(problems) == 1 and problems[0].startswith("x.yml:2: 日期: 提醒：") and reminder in problems[0], problems


@pytest.mark.parametrize("written, count, qualifier, unit, group", [
    ("42名同学", 42, None, None, "同学"),
    ("300余人次", 300, models.Qualifier.OVER, models.ParticipantUnit.ATTENDANCES, None),
    ("约四十人", 40, models.Qualifier.ABOUT, None, None),
    ("二十多名留守儿童", 20, models.Qualifier.MORE_THAN, None, "留守儿童"),
    ("约40", 40, models.Qualifier.ABOUT, None, None),  # accepted before, unchanged and without a reminder
])
def test_participants_as_written(tmp_path, written, count, qualifier, unit, group):
    item, problems = load(tmp_path, ACTIVITY + f"participants: {written}\n", models.Activity)
    p = item.record.participants
    assert (p.count, p.qualifier, p.unit, p.group) == (count, qualifier, unit, group)
    if written in {"约40", "300余人次"}:
        assert problems == []
    else:
        assert len(problems) == 1 and problems[0].startswith(f"x.yml:6: 参加人数: 提醒：“{written}”已读作")


@pytest.mark.parametrize("per, count, stored, reminders", [
    ("每两周", "1", (models.CadencePer.TWO_WEEKS, 1, None), ["8: 频次的周期: 提醒：“每两周”已读作“每两周”；标准写法：per: 两周（句子里会自动加“每”）"]),
    ("每个月", "两次", (models.CadencePer.MONTH, 2, None), ["7: 频次的次数: 提醒：“两次”已读作 2；标准写法是只写阿拉伯数字：2",
                                                          "8: 频次的周期: 提醒：“每个月”已读作“每月”；标准写法：per: 月（句子里会自动加“每”）"]),
    ("学期", "一至两次", (models.CadencePer.SEMESTER, 1, 2), ["7: 频次的次数: 提醒：“一至两次”已读作 1 至 2 次；标准写法：count: 1-2"]),
    ("学期", "1-2", (models.CadencePer.SEMESTER, 1, 2), []),
    ("星期", "十二次", (models.CadencePer.WEEK, 12, None), ["7: 频次的次数: 提醒：“十二次”已读作 12；标准写法是只写阿拉伯数字：12",
                                                         "8: 频次的周期: 提醒：“星期”已读作“每周”；标准写法：per: 周（句子里会自动加“每”）"]),
])
def test_cadences_as_written(tmp_path, per, count, stored, reminders):
    item, problems = load(tmp_path, POLICY.replace("count: 1", f"count: {count}").replace("per: 月", f"per: {per}"), models.Policy)
    c = item.record.cadence
    assert (c.per, c.count, c.count_max) == stored
    assert problems == [f"x.yml:{r}" for r in reminders]


# A policy with several duties (班主任“三个一”; the school urging parents): each its own subject and frequency
DUTIES = """\
name: 亲情联系制度
category: 家校联系
summary: 督促家长每两周与孩子通一次电话。
responsible_role: 班主任
duties:
  - who: 学校
    through: 督促家长
    action: 与孩子通电话
    count: 1
    per: 两周
  - action: 与留守儿童谈心
    count: 1
    per: 月
"""


def sentences(item) -> list[str]:
    return [views.duty_sentence(item.record.responsible_role, d) for d in item.record.all_duties]


def test_each_duty_keeps_its_subject_and_reads_as_one_sentence(tmp_path):
    item, problems = load(tmp_path, DUTIES, models.Policy)
    assert problems == []
    first, second = item.record.duties
    assert (first.who, first.through, first.count, first.per, first.at_least) == ("学校", "督促家长", 1, models.CadencePer.TWO_WEEKS, False)
    assert second.who is None  # the policy's responsible role
    assert sentences(item) == ["学校督促家长每两周与孩子通电话一次。", "班主任每月与留守儿童谈心一次。"]


def test_at_least_only_when_the_record_says_so(tmp_path):
    """At least was added to every sentence before; now only at_least: 是 adds it (the single
    cadence: form is read as before, as the one duty)."""
    plain, problems = load(tmp_path, POLICY, models.Policy)
    assert problems == [] and plain.record.cadence.at_least is False and plain.record.all_duties == (plain.record.cadence,)
    assert sentences(plain) == ["班主任每月与每名留守儿童谈心一次。"]
    marked, _ = load(tmp_path, POLICY + "  at_least: 是\n", models.Policy, "y.yml")
    assert sentences(marked) == ["班主任每月至少与每名留守儿童谈心一次。"]
    ranged, _ = load(tmp_path, POLICY.replace("count: 1", "count: 1-2") + "  at_least: 是\n", models.Policy, "z.yml")
    assert sentences(ranged) == ["班主任每月与每名留守儿童谈心一至两次。"]  # a range never reads 至少


@pytest.mark.parametrize("lines, word, reminder", [
    ("    frequency: 经常\n", "经常", None),
    ("    per: 经常\n", "经常", "12: 各项职责第2条的周期: 提醒：“经常”已读作频次“经常”（没有具体次数）；标准写法：frequency: 经常（不写 count 和 per）"),
    ("    count: 定期\n", "定期", "12: 各项职责第2条的次数: 提醒：“定期”已读作频次“定期”（没有具体次数）；标准写法：frequency: 定期（不写 count 和 per）"),
    ("    per: 不定期\n", "不定期", "12: 各项职责第2条的周期: 提醒：“不定期”已读作频次“不定期”（没有具体次数）；标准写法：frequency: 不定期（不写 count 和 per）"),
    ("    frequency: 經常\n", "经常", "12: 各项职责第2条的频次（没有具体次数时）: 提醒：“經常”已读作“经常”；标准写法：经常"),
    ("    frequency: 定期与不定期\n", "定期不定期", "12: 各项职责第2条的频次（没有具体次数时）: 提醒：“定期与不定期”已读作“定期不定期”；标准写法：定期不定期"),
])
def test_a_vague_frequency_is_a_word_without_a_number(tmp_path, lines, word, reminder):
    text = DUTIES.replace("    count: 1\n    per: 月\n", lines)
    item, problems = load(tmp_path, text, models.Policy)
    assert item is not None, problems
    duty = item.record.duties[1]
    assert (duty.frequency.value, duty.count, duty.per) == (word, None, None)
    assert problems == ([f"x.yml:{reminder}"] if reminder else [])
    assert sentences(item)[1] == f"班主任{word}与留守儿童谈心。"


@pytest.mark.parametrize("old, new, expected", [
    ("    count: 1\n    per: 月\n", "    frequency: 经常\n    count: 2\n",
     "x.yml:11: 各项职责第2条: 写了 frequency: 经常（没有具体次数）就不要再写 count；有确切次数时删掉 frequency，写 count 和 per，例如 count: 1 和 per: 月"),
    ("    count: 1\n    per: 月\n", "    frequency: 定期\n    at_least: 是\n",
     "x.yml:11: 各项职责第2条: “定期”没有次数，不能加“至少”：请删掉 at_least"),
    ("    count: 1\n    per: 月\n", "    count: 1\n",
     "x.yml:11: 各项职责第2条: 缺少必填项“per”（周期），请补上，例如 per: 月（每月一次写 count: 1 和 per: 月）；说不出次数时不写 count 和 per，改写 frequency: 经常（或 定期、不定期）"),
    ("    count: 1\n    per: 月\n", "    frequency: 偶尔\n",
     "x.yml:12: 各项职责第2条的频次（没有具体次数时）: “偶尔” 不是可选的值，请从这些里选一个：经常、定期、不定期、定期不定期、随时、长期、常年"),
    ("  - action: 与留守儿童谈心\n    count: 1\n    per: 月\n", "  - 班主任每月与留守儿童谈心一次\n",
     ("x.yml:11: 各项职责第2条: “班主任每月与留守儿童谈心一次” 请把这项职责分开写成几行：who（谁来做，可不写）、action（做什么）、"
      "count 和 per（例如 count: 1 和 per: 月），说不出次数时写 frequency: 经常")),
    # a list or a mapping where a word or number belongs: a field error, not a program error
    ("    count: 1\n    per: 月\n", "    count: [1, 2]\n    per: 月\n",
     "x.yml:12: 各项职责第2条的次数: （一组内容） 不是整数，应写成数字，例如 30"),
    ("    count: 1\n    per: 月\n", "    count: 1\n    per: {a: 1}\n",
     "x.yml:13: 各项职责第2条的周期: （一组内容） 不是可选的值，请从这些里选一个：天、周、两周、月、学期、半年、年"),
    ("duties:\n", "cadence:\n  action: 谈心\n  count: 1\n  per: 月\nduties:\n",
     "x.yml:5: 频次: cadence 和 duties 只能写一个：请把 cadence 下面的内容移到 duties 下面，作为其中一项（以“- ”开头）"),
])
def test_duties_refused_with_what_to_write(tmp_path, old, new, expected):
    assert old in DUTIES
    item, problems = load(tmp_path, DUTIES.replace(old, new), models.Policy)
    assert item is None and problems == [expected]


def test_a_share_becomes_a_count_against_the_students(tmp_path):
    item, problems = load(tmp_path, SUMMARY.replace("total: 3414", "share: 79%"), models.TermSummary)
    lb = item.record.left_behind
    assert (lb.total, lb.share, lb.derived) == (3414, 79.0, True)
    assert problems == ["x.yml:4: 留守儿童人数的比例: 提醒：留守儿童占79%，按在校学生总数4322人折算为3414人（四舍五入），"
                        "网站上显示“3414人（占79%）”；知道确切人数时请直接写 total: 3414"]
    written, _ = load(tmp_path, SUMMARY, models.TermSummary, "y.yml")
    assert (written.record.left_behind.total, written.record.left_behind.derived) == (3414, False)


def test_a_share_is_published_only_beside_a_published_count(tmp_path):
    """With the students' total public, the share reveals the count: a suppressed count hides it."""
    big, _ = load(tmp_path, SUMMARY.replace("total: 3414", "total: 占79%"), models.TermSummary)
    shown = summary_view(big, 10).tables[0].rows
    assert [(r.label, r.value) for r in shown] == [("在校学生", "4322人"), ("留守儿童", "3414人（占79%，按在校学生数折算）")]
    small, _ = load(tmp_path, SUMMARY.replace("4322", "40").replace("total: 3414", "total: 占20%"), models.TermSummary, "s.yml")
    assert small.record.left_behind.total == 8
    row = summary_view(small, 10).tables[0].rows[1]
    assert row.label == "留守儿童" and "8" not in row.value and "%" not in row.value and "占" not in row.value


def test_traditional_choices_and_weekdays_fold_to_simplified(tmp_path):
    text = """\
    kind: 留守兒童之家
    name: 留守儿童之家
    location: 教学楼一楼
    hours:
      - days: 週一至週五
        period: 中午
      - days: [週六, 星期日]
        start: "09:00"
        end: "11:00"
    """
    item, problems = load(tmp_path, text, models.Resource)
    r = item.record
    assert r.kind is models.ResourceKind.CARE_HOME
    assert [[d.value for d in h.days] for h in r.hours] == [["周一", "周二", "周三", "周四", "周五"], ["周六", "周日"]]
    assert problems == [
        "x.yml:1: 类型: 提醒：“留守兒童之家”已读作“留守儿童之家”；标准写法：留守儿童之家",
        "x.yml:5: 开放时间第1条的星期: 提醒：“週一至週五”已读作“周一至周五”（简体）；标准写法：周一至周五",
        "x.yml:7: 开放时间第2条的星期第1条: 提醒：“週六”已读作“周六”（简体）；标准写法：周六",
    ]


def test_simplified_pages_convert_only_traditional_runs():
    assert to_hans("班主任每月至少與每名留守兒童談心一次。") == "班主任每月至少与每名留守儿童谈心一次。"
    assert to_hans('<a href="x.html">縣教育局</a>提出') == '<a href="x.html">县教育局</a>提出'
    for simplified in ("显著的著名作家", "乾坤", "后来", "繁體中文", "防溺水 14:30 <b>"):  # untouched
        assert to_hans(simplified) == simplified


# ---------------------------------------------------------------------------------------------
# Still refused, each with the form to write


@pytest.mark.parametrize("model, base, old, new, expected", [
    (models.Letter, None, None, None, "x.yml:2: 日期: “9月1日” 缺少年份。日期写成 2024-06-01 或 2024年6月1日；只知道月份时写 2024-06"),
    (models.Activity, ACTIVITY, "2026-10-03", "4月20日",
     "x.yml:2: 日期: “4月20日” 不在2026—2027学年第一学期内（这个学期是2026年8月至2027年2月），请写上年份，例如 2027年4月20日"),
    (models.Activity, ACTIVITY, "2026-10-03", "清明节",
     "x.yml:2: 日期: “清明节” 不在2026—2027学年第一学期内，请写上年份，例如 2027年清明节，或直接写日期 2027-04-05"),
    (models.Activity, ACTIVITY, "2026-10-03", "2026年教师节前后", "x.yml:2: 日期: “2026年教师节前后” 不是有效日期。"),
    (models.Activity, ACTIVITY, "participants", None, None),
    (models.Policy, POLICY, "per: 月", "per: 经常",
     "x.yml:8: 频次的周期: “经常”不是周期：写了次数 count 时，per 写 天、周、两周、月、学期、半年 或 年；说不出次数时删掉 count，改写 frequency: 经常"),
    (models.Policy, POLICY, "count: 1", "count: 好几次", "x.yml:7: 频次的次数: “好几次” 不是整数，应写成数字，例如 30"),
    (models.TermSummary, SUMMARY, "total: 3414", "total: 大约八成",
     "x.yml:4: 留守儿童人数的总数: “大约八成” 看不懂这个数，请用阿拉伯数字，例如 30"),
])
def test_still_refused_with_what_to_write(tmp_path, model, base, old, new, expected):
    if model is models.Letter:
        text = "title: 致家长的一封信\ndate: 9月1日\naudience: [全体家长]\nbody: 正文。\nsigned: 示例小学\n"
    elif new is None:
        text = ACTIVITY.replace("2026-10-03", "2026-10-01") + "end_date: 2027-03-01\n"
        expected = "x.yml:6: 结束日期: 活动从 2026-10-01 到 2027-03-01，超过 92 天，请检查日期；长期开展的工作请写成关爱项目（programmes）"
        root = tmp_path / "root"
        (root / "schools" / "s" / "activities").mkdir(parents=True)
        shutil.copyfile(Path(__file__).parent / "fixtures" / "hostile" / "school" / "minimal.yml", root / "schools" / "s" / "school.yml")
        (root / "schools" / "s" / "activities" / "x.yml").write_text(text, encoding="utf-8")
        found = [p.format().replace("schools/s/activities/", "") for p in load_county(root).schools[0].problems]
        assert expected in found
        return
    else:
        text = base.replace(old, new)
    item, problems = load(tmp_path, text, model)
    assert item is None
    assert any(p.startswith(expected) for p in problems), problems


def test_a_programme_part_must_exist(tmp_path):
    root = copy_demo(tmp_path / "root", ["qingxi-zhongxin"])
    path = root / "schools" / "qingxi-zhongxin" / "activities" / "2026-09-24-zhongqiu-qinqing.yml"
    path.write_text(path.read_text(encoding="utf-8").replace("programme_part: 2", "programme_part: 第十二条"), encoding="utf-8")
    problems = [p.format() for p in load_county(root).schools[0].problems if p.severity is Severity.ERROR]
    assert problems == ["schools/qingxi-zhongxin/activities/2026-09-24-zhongqiu-qinqing.yml:9: 完成项目的第几条: "
                        "“第十二条”不是“九个一”里的一条：它共有 9 条，请写 1 到 9 之间的数字，例如 programme_part: 1（建立一个留守儿童之家）"]


# ---------------------------------------------------------------------------------------------
# The fixture county, written in the seeds' phrasing: checked, built and read


@pytest.fixture(scope="module")
def real_text(tmp_path_factory) -> tuple[Path, Path, str]:
    root = tmp_path_factory.mktemp("real-text") / "root"
    shutil.copytree(FIXTURE, root, ignore=shutil.ignore_patterns("README.md"))
    shutil.copyfile(REPO / "content" / "bureau.yml", root / "content" / "bureau.yml")
    checked = run_cli("check", "--root", str(root))
    assert checked.returncode == 0, checked.stdout + checked.stderr
    out, work = root.parent / "site", root.parent / "work"
    built = run_cli("build", "--root", str(root), "--out", str(out), "--work", str(work))
    assert built.returncode == 0, built.stdout + built.stderr
    return root, out / "wanzhi-erxiao", checked.stdout + checked.stderr


def text_of(path: Path, selector: str = "article, .cp-page") -> str:
    soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
    return soup.select_one(selector).get_text(" ", strip=True)


def test_the_seed_phrasing_checks_with_reminders_only(real_text):
    _, _, output = real_text
    assert "检查通过" in output and "问题" not in output
    lines = output.splitlines()
    for expected in (
        "schools/wanzhi-erxiao/activities/2026-12-31-geshou-dasai.yml:2: 日期: 提醒：“12月31日”按学期2026-2027-1读作 2026年12月31日；标准写法：2026-12-31",
        "schools/wanzhi-erxiao/activities/2026-10-01-guoqing-jiafang.yml:2: 日期: 提醒：“10月1日—7日”已读作 2026年10月1日至7日；标准写法：date: 2026-10-01 和 end_date: 2026-10-07",
        "schools/wanzhi-erxiao/activities/2026-10-01-guoqing-jiafang.yml:3: 类型: 提醒：“家訪”已读作“家访”；标准写法：家访",
        "schools/wanzhi-erxiao/policies/anquan-fazhi.yml:7: 频次的次数: 提醒：“一至两次”已读作 1 至 2 次；标准写法：count: 1-2",
        "schools/wanzhi-erxiao/resources/liushou-zhijia.yml:13: 设备第2条的数量: 提醒：“若干”已读作“数量未写明”，网站上显示“若干”；知道数量时请写数字，例如 quantity: 20",
        "schools/wanzhi-erxiao/summaries/2025-2026-1.yml:4: 留守儿童人数的总数: 提醒：留守儿童占79%，按在校学生总数4322人折算为3414人（四舍五入），网站上显示“3414人（占79%）”；知道确切人数时请直接写 total: 3414",
        "content/resources/wanzhi-funv-huodongshi.yml:8: 开放时间第1条的开始时间: 提醒：“中午”已读作开放时段“中午”（没有具体钟点）；标准写法：period: 中午，知道钟点时再写 start 和 end",
    ):
        assert expected in lines


def test_simplified_pages_show_the_canonical_forms(real_text):
    _, site, _ = real_text
    news = text_of(site / "news" / "2026-10-01-guoqing-jiafang.html")
    assert "日期 2026年10月1日至7日" in news and "参加人数 300余人次" in news
    assert "所属项目 三个一 · 第3条：每学期家访一次" in news  # the programme was pasted in Traditional
    singer = text_of(site / "news" / "2026-12-31-geshou-dasai.html")
    assert "日期 2026年12月31日" in singer and "参加人数 同学42人" in singer
    assert "所属项目 九个一 · 第7条：搭建阳光平台，举办丰富多彩的文体活动" in singer
    policies = text_of(site / "policies" / "index.html")
    for sentence in ("德育处每学期召集全校的留守学生开展安全与法制教育讲座一至两次。", "学校督促家长每两周与孩子通电话一次。",
                     "谈心制度 班主任每月至少与每名留守儿童谈心一次。"):
        assert sentence in policies
    for page in (news, policies):  # the pasted Traditional text reads in Simplified here
        assert not re.search("[談與兒個學條]", page)
    room = text_of(site / "resources" / "liushou-zhijia.html")
    assert "周一至周五 中午（具体时间见公告）" in room and "周一至周五 下午课后（具体时间见公告）" in room
    assert "电脑 2 图书 若干 电话机 1" in room
    assert "在校学生 4322人 留守儿童 3414人（占79%，按在校学生数折算）" in text_of(site / "data" / "index.html")
    home = BeautifulSoup((site / "index.html").read_text(encoding="utf-8"), "html.parser")
    assert "2027年1月25日至2月5日 寒假集中家访" in home.select_one(".cp-upcoming").get_text(" ", strip=True)
    assert [a["href"] for a in home.select(".cp-programmes a")] == ["programmes/jiugeyi.html", "programmes/sangeyi.html"]
    family = " ".join(li.get_text(" ", strip=True) for li in home.select(".cp-phone .cp-week li"))
    assert "周一 下午课后（具体时间见公告）" in family and "周六 不接听" in family


POLICY_DUTIES = {  # the fixture's policies: one sentence per duty, each with its own subject
    "qinqing-dianhua": ["学校督促家长每两周与孩子通电话一次。", "学校督促家长每月与孩子互通书信一次。",
                        "学校督促家长每月与孩子的班主任和委托监护人联系一次。", "班主任定期与远在外地的家长电话沟通。"],
    "sangeyi": ["班主任每月与留守儿童的监护人进行家校联系一次。", "班主任每月和留守儿童的家长通话一次。",
                "班主任每学期给留守儿童的家长写家庭教育建议一次，在期末进行。"],
    "tanxin": ["班主任每月至少与每名留守儿童谈心一次。", "爱心妈妈经常与结对的留守儿童谈心。",
               "学校组织帮扶教师、留守儿童及其监护人定期参与座谈会。"],
    "anquan-fazhi": ["德育处每学期召集全校的留守学生开展安全与法制教育讲座一至两次。"],
}


def test_each_duty_is_a_sentence_on_the_policy_page_and_the_list(real_text):
    _, site, output = real_text
    listing = BeautifulSoup((site / "policies" / "index.html").read_text(encoding="utf-8"), "html.parser")
    for slug, expected in POLICY_DUTIES.items():
        page = BeautifulSoup((site / "policies" / f"{slug}.html").read_text(encoding="utf-8"), "html.parser")
        assert [p.get_text() for p in page.select("article .cp-cadence")] == expected
        item = listing.select_one(f'.cp-policies a[href$="policies/{slug}.html"]').parent
        assert [p.get_text() for p in item.select(".cp-cadence")] == expected
    text = text_of(site / "policies" / "qinqing-dianhua.html")
    assert "家长每两周" not in text.replace("督促家长每两周", "")  # the duty stays the school's
    hant = BeautifulSoup((site / "zh-Hant" / "policies" / "qinqing-dianhua.html").read_text(encoding="utf-8"), "html.parser")
    assert hant.select_one("article .cp-cadence").get_text() == "學校督促家長每兩週與孩子通電話一次。"
    lines = output.splitlines()
    for expected in (
        "schools/wanzhi-erxiao/policies/qinqing-dianhua.yml:16: 各项职责第2条的次数: 提醒：“一封”已读作 1；标准写法是只写阿拉伯数字：1",
        "schools/wanzhi-erxiao/policies/qinqing-dianhua.yml:24: 各项职责第4条的周期: 提醒：“定期”已读作频次“定期”（没有具体次数）；标准写法：frequency: 定期（不写 count 和 per）",
        # the same 一次 in three duties: one reminder on each line
        "schools/wanzhi-erxiao/policies/sangeyi.yml:8: 各项职责第1条的次数: 提醒：“一次”已读作 1；标准写法是只写阿拉伯数字：1",
        "schools/wanzhi-erxiao/policies/sangeyi.yml:11: 各项职责第2条的次数: 提醒：“一次”已读作 1；标准写法是只写阿拉伯数字：1",
        "schools/wanzhi-erxiao/policies/sangeyi.yml:14: 各项职责第3条的次数: 提醒：“一次”已读作 1；标准写法是只写阿拉伯数字：1",
        "schools/wanzhi-erxiao/policies/tanxin.yml:12: 各项职责第2条的频次（没有具体次数时）: 提醒：“經常”已读作“经常”；标准写法：经常",
        "schools/wanzhi-erxiao/policies/tanxin.yml:16: 各项职责第3条的次数: 提醒：“定期”已读作频次“定期”（没有具体次数）；标准写法：frequency: 定期（不写 count 和 per）",
    ):
        assert expected in lines
    # the 工作总结 writes each duty too
    report = text_of(site / "data" / "report-2025-2026-1.html", "body")
    assert "学校督促家长每两周与孩子通电话一次。学校督促家长每月与孩子互通书信一次。" in report


def test_traditional_pages_show_the_same_forms(real_text):
    _, site, _ = real_text
    hant = site / "zh-Hant"
    news = text_of(hant / "news" / "2026-10-01-guoqing-jiafang.html")
    assert "2026年10月1日至7日" in news and "300餘人次" in news and "三個一 · 第3條：每學期家訪一次" in news
    policies = text_of(hant / "policies" / "index.html")
    assert "講座一至兩次。" in policies and "班主任每月至少與每名留守兒童談心一次。" in policies
    room = text_of(hant / "resources" / "liushou-zhijia.html")
    assert "週一至週五 中午（具體時間見公告）" in room and "圖書 若干" in room
    assert "3414人（佔79%" in text_of(hant / "data" / "index.html")


def test_a_programme_page_lists_each_part_with_the_activities_that_fulfilled_it(real_text):
    _, site, _ = real_text
    soup = BeautifulSoup((site / "programmes" / "jiugeyi.html").read_text(encoding="utf-8"), "html.parser")
    parts = soup.select("li.cp-part")
    assert len(parts) == 9
    assert parts[5].select_one("h2").get_text(" ", strip=True) == "第6条 组织校外游览活动"
    assert [a.get_text() for a in parts[5].select(".cp-news a")] == ["清明野炊"]
    assert [a.get_text() for a in parts[6].select(".cp-news a")] == ["第三届校园歌手大赛"]
    assert all(not p.select(".cp-news a") for i, p in enumerate(parts) if i not in (5, 6))
    shared = BeautifulSoup((site / "programmes" / "sangeyi.html").read_text(encoding="utf-8"), "html.parser")
    assert shared.select_one("h1").get_text() == "三个一"  # a county programme, pasted in Traditional
    assert [a.get_text() for a in shared.select("#part-3 .cp-news a")] == ["国庆小长假集中家访"]
    hant = BeautifulSoup((site / "zh-Hant" / "programmes" / "sangeyi.html").read_text(encoding="utf-8"), "html.parser")
    assert hant.select_one("h1").get_text() == "三個一"


def test_a_multi_day_activity_spans_its_days_in_the_calendar_and_the_feed(real_text):
    _, site, _ = real_text
    for folder in (site, site / "zh-Hant"):
        calendar = Calendar.from_ical((folder / "calendar.ics").read_bytes())
        events = {str(e["summary"]): e for e in calendar.walk("VEVENT")}
        winter = events["寒假集中家訪" if folder.name == "zh-Hant" else "寒假集中家访"]
        assert (winter.decoded("dtstart"), winter.decoded("dtend")) == (date(2027, 1, 25), date(2027, 2, 6))
        assert str(winter["description"]).startswith("2027年1月25日至2月5日")
    feed = (site / "feed.xml").read_text(encoding="utf-8")
    assert "2026年10月1日至7日：利用国庆小长假，教师分片走访留守儿童家庭。" in feed


def test_the_shared_room_is_on_the_school_and_the_portal(real_text):
    root, site, _ = real_text
    listing = text_of(site / "resources" / "index.html")
    assert "湾沚镇留守流动儿童活动室" in listing and "湾沚镇妇联设立，多校共用" in listing
    room = text_of(site / "resources" / "shared-wanzhi-funv-huodongshi.html")
    assert "管理单位 湾沚镇妇联" in room and "书柜、书刊 若干" in room
    page = BeautifulSoup((site / "resources" / "shared-wanzhi-funv-huodongshi.html").read_text(encoding="utf-8"),
                         "html.parser")
    hours = [[td.get_text("", strip=True) for td in tr.select("td")] for tr in page.select("table.cp-hours tbody tr")]
    assert ["周六、周日", "全天（具体时间见公告）"] in hours, hours
    portal = BeautifulSoup((site.parent / "index.html").read_text(encoding="utf-8"), "html.parser")
    shared = portal.select_one("section[aria-labelledby=shared]")
    assert "湾沚镇留守流动儿童活动室" in shared.get_text()
    assert [a["href"] for a in shared.select("a")] == ["wanzhi-erxiao/index.html"]  # the other school is not in this county


# ---------------------------------------------------------------------------------------------
# The demo county's new records, built


def test_demo_school_with_programmes_a_shared_room_and_a_holiday_visit(tmp_path):
    root = copy_demo(tmp_path / "root", ["qingxi-zhongxin", "qingxi-erzhong"])
    out = tmp_path / "site"
    built = run_cli("build", "--root", str(root), "--out", str(out), "--work", str(tmp_path / "work"))
    assert built.returncode == 0, built.stdout + built.stderr
    assert "提醒" not in built.stdout + built.stderr  # the demo writes the canonical forms
    school = out / "qingxi-zhongxin"
    visit = text_of(school / "news" / "2027-01-25-hanjia-jiafang.html")
    assert "日期 2027年1月25日至2月5日" in visit and "所属项目 四个一" in visit
    policy = text_of(school / "policies" / "anquan-fazhi.html")
    assert "德育处每学期召集全校留守学生开展安全与法制教育讲座一至两次。" in policy
    programme = BeautifulSoup((school / "programmes" / "jiugeyi.html").read_text(encoding="utf-8"), "html.parser")
    assert [a.get_text() for a in programme.select("#part-2 .cp-news a")] == ["“月圆话亲情”中秋亲情通话"]
    assert [a.get_text() for a in programme.select("#part-4 .cp-news a")] == ["九月“爱心月”结对帮扶启动"]
    for slug in ("qingxi-zhongxin", "qingxi-erzhong"):  # defined once, on both schools
        room = text_of(out / slug / "resources" / "shared-qingxi-zhen-ertong-huodongshi.html")
        assert "周一至周五 下午课后（具体时间见公告）" in room and "周六 上午 09:00—11:30" in room
        assert "本校和附近另外 1 所学校共用" in room
        hant = text_of(out / slug / "zh-Hant" / "resources" / "shared-qingxi-zhen-ertong-huodongshi.html")
        assert "週一至週五 下午課後（具體時間見公告）" in hant
    listing = BeautifulSoup((school / "resources" / "index.html").read_text(encoding="utf-8"), "html.parser")
    assert "resources/shared-qingxi-zhen-ertong-huodongshi.html" in [a["href"].removeprefix("../") for a in listing.select(".cp-resources a")]
    portal = BeautifulSoup((out / "index.html").read_text(encoding="utf-8"), "html.parser")
    assert {a["href"] for a in portal.select("section[aria-labelledby=shared] a")} == {
        "qingxi-zhongxin/index.html", "qingxi-erzhong/index.html"}
    calendar = Calendar.from_ical((school / "calendar.ics").read_bytes())
    visit_event = next(e for e in calendar.walk("VEVENT") if str(e["summary"]) == "寒假返乡家长集中家访")
    assert (visit_event.decoded("dtstart"), visit_event.decoded("dtend")) == (date(2027, 1, 25), date(2027, 2, 6))


def test_a_programme_part_needs_a_programme_record(tmp_path):
    root = copy_demo(tmp_path / "root", ["qingxi-zhongxin"])
    path = root / "schools" / "qingxi-zhongxin" / "activities" / "2026-09-24-zhongqiu-qinqing.yml"
    path.write_text(path.read_text(encoding="utf-8").replace("programme: 九个一", "programme: 十个一"), encoding="utf-8")
    problems = [p.format() for p in load_county(root).schools[0].problems if p.severity is Severity.ERROR]
    assert problems == ["schools/qingxi-zhongxin/activities/2026-09-24-zhongqiu-qinqing.yml:8: 所属项目: "
                        "没有名为“十个一”的项目记录，所以对不上第几条（programme_part）。现有的项目：九个一、四个一；"
                        "新项目请写在 content/programmes/ 或学校的 programmes/ 文件夹里"]
