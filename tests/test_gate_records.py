"""Privacy gate over a school's records, through the real `careportal check`: an adversarial copy
of the demo county (leaks injected in tmp dirs, register written by the test) is refused with
`file:line: 规则: 说明` lines and masked values; the untouched demo county passes."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from helpers import REPO, copy_demo, run_cli

from helpers import gate_data as gd
from generator.county.pipeline import check_county  # noqa: E402
from generator.problems import Severity  # noqa: E402

SCHOOL = "huangshan-cun"
ROWS = gd.children(24, counselling=3)
ID = gd.make_id(region="360426", birth="20160229", sequence="481")
MOBILE = "13800138000"
CARD = gd.luhn_card()


def _line(path: Path, needle: str) -> int:
    return next(i for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if needle in line)


@pytest.fixture(scope="module")
def leaky(tmp_path_factory):
    """The demo county with one school full of leaks; `careportal check` run once over it."""
    root = copy_demo(tmp_path_factory.mktemp("leaky") / "root")
    school = root / "schools" / SCHOOL
    gd.write_xlsx(school / "private" / "2025-2026-2.xlsx", ROWS)
    gd.gps_jpeg(school / "photos" / "banhui-1.jpg", size=(800, 600))
    gd.gps_jpeg(school / "photos" / "banhui-2.jpg", size=(800, 600))
    child, guardian = ROWS[0]["姓名"], ROWS[1]["监护人"].split("（")[0]
    files = {}
    # rule 2: an ID split by spaces inside a news body
    files["id"] = gd.write_activity(school, "2026-03-02-ceshi-id",
                                    body=f"请家长核对证件号 {ID[:6]} {ID[6:14]} {ID[14:]} 是否正确。")
    # rule 1: a register name in a photo caption, a guardian's name and phone (entities) in a body
    files["caption"] = gd.write_activity(school, "2026-03-03-ceshi-photo", extra=(
        "photos:\n"
        "  - file: photos/banhui-1.jpg\n"
        f"    caption: {child}在班会上发言\n"
        "    consent: 2026-家长同意书-03\n"
        "    faces: blurred\n"))
    files["guardian"] = gd.write_activity(school, "2026-03-04-ceshi-guardian",
                                          body=f"感谢{guardian}奶奶，有事请打 {gd.entities(ROWS[1]['监护人电话'])}。")
    # rule 8: a photo without consent or faces
    files["consent"] = gd.write_activity(school, "2026-03-05-ceshi-consent", extra=(
        "photos:\n"
        "  - file: banhui-2.jpg\n"
        "    caption: 班会现场\n"))
    # rules 5 and 6 in prose, rule 7, rule 4 (a warning), rule 3 (e-mail, bank card, YAML escapes)
    files["prose"] = gd.write_activity(school, "2026-03-06-ceshi-prose",
                                       body="二年级有3名留守儿童接受心理辅导。")
    files["list"] = gd.write_activity(school, "2026-03-07-ceshi-list",
                                      body="受助学生名单：张小明、王芳。")
    files["name"] = gd.write_activity(school, "2026-03-08-ceshi-name",
                                      body="二年级的张小明在比赛中获得一等奖。")
    files["mail"] = gd.write_activity(school, "2026-03-09-ceshi-mail",
                                      body=f"照片请发到 linzixuan2015@qq.com，补助打到卡号 {CARD}。")
    files["escape"] = gd.write_activity(school, "2026-03-10-ceshi-escape",
                                        summary='"' + "".join(f"\\u{ord(c):04x}" for c in MOBILE) + '"')
    # rule 3: a phone in full-width digits in a resource's rules
    resource = school / "resources" / "nongjia-shuwu.yml"
    text = resource.read_text(encoding="utf-8").replace(
        "  - 爱护图书，损坏照价赔偿。", f"  - 爱护图书，损坏照价赔偿。\n  - 借书有问题请找管理员 {gd.full_width(MOBILE)}。")
    resource.write_text(text, encoding="utf-8")
    files["resource"] = resource
    # rule 6: a sensitive attribute crossed with grade in a term summary
    summary = school / "summaries" / "2024-2025-2.yml"
    summary.write_text("term: 2024-2025-2\nleft_behind:\n  total: 50\nsensitive:\n"
                       "  - attribute: 三年级心理辅导\n    count: 12\n", encoding="utf-8")
    files["summary"] = summary
    result = run_cli("check", "--root", str(root))
    return root, files, result, child, guardian


def _expect(leaky, key: str, needle: str, field: str, label: str, stream: str = "stderr") -> str:
    """The message at `file:line: field: rule:`, the field named in Chinese as check prints it."""
    root, files, result, *_ = leaky
    path = files[key]
    rel = path.relative_to(root).as_posix()
    line = _line(path, needle)
    output = getattr(result, stream)
    match = re.search(rf"^{re.escape(rel)}:{line}: {re.escape(field)}: {label}: (.*)$", output, re.M)
    assert match, f"{rel}:{line}: {field}: {label} not in\n{output}"
    return match.group(1)


def test_check_exits_1_and_other_schools_are_not_blamed(leaky):
    _, _, result, *_ = leaky
    assert result.returncode == 1
    assert "Traceback" not in result.stdout + result.stderr
    lines = [line for line in (result.stdout + result.stderr).splitlines() if line.startswith("schools/")]
    assert lines and all(line.startswith(f"schools/{SCHOOL}/") for line in lines)


def test_id_split_by_spaces_in_a_news_body(leaky):
    message = _expect(leaky, "id", "请家长核对证件号", "正文", "身份证号")
    assert f"{ID[:4]}**********{ID[-4:]}" in message


def test_phone_in_full_width_digits_in_a_resource_rule(leaky):
    rules = yaml.safe_load(leaky[1]["resource"].read_text(encoding="utf-8"))["rules"]
    index = next(i for i, rule in enumerate(rules, 1) if "借书有问题" in rule)  # counted from 1, as printed
    message = _expect(leaky, "resource", "借书有问题请找管理员", f"制度第{index}条", "电话号码")
    assert "138****8000" in message


def test_register_name_in_a_photo_caption(leaky):
    child = leaky[3]
    message = _expect(leaky, "caption", "caption:", "照片第1条的照片说明", "台账信息")
    assert f"{child[0]}**" in message


def test_guardian_name_and_phone_from_the_register(leaky):
    _expect(leaky, "guardian", "感谢", "正文", "台账信息")
    root, files, result, *_ = leaky
    rel = files["guardian"].relative_to(root).as_posix()
    assert len(re.findall(rf"^{re.escape(rel)}:\d+: 正文: 台账信息: ", result.stderr, re.M)) >= 2


def test_photo_without_consent_is_refused(leaky):
    message = _expect(leaky, "consent", "- file: banhui-2.jpg", "照片第1条", "照片")
    assert "consent" in message and "faces" in message


def test_small_count_with_grade_and_counselling(leaky):
    _expect(leaky, "prose", "二年级有3名", "正文", "敏感信息")


def test_recipient_list(leaky):
    _expect(leaky, "list", "受助学生名单", "正文", "受助名单")


def test_person_name_outside_staff_is_a_warning_with_file_and_line(leaky):
    message = _expect(leaky, "name", "张小明在比赛", "正文", "人名", stream="stdout")
    assert message.startswith("提醒：") and "张**" in message


def test_email_bank_card_and_yaml_escaped_phone(leaky):
    _expect(leaky, "mail", "照片请发到", "正文", "电子邮箱")
    _expect(leaky, "mail", "照片请发到", "正文", "银行卡号")
    _expect(leaky, "escape", "summary:", "摘要", "电话号码")


def test_sensitive_attribute_crossed_with_grade(leaky):
    _expect(leaky, "summary", "三年级心理辅导", "敏感情况（只写全校合计）第1条的情况", "敏感信息")


def test_no_value_is_ever_printed_in_full(leaky):
    _, _, result, child, guardian = leaky
    output = result.stdout + result.stderr
    for secret in [ID, MOBILE, CARD, "linzixuan2015", child, guardian, ROWS[1]["监护人电话"], "张小明"]:
        assert secret not in output


def test_demo_county_passes_the_gate_untouched():
    result = run_cli("check", "--root", str(REPO))
    assert result.returncode == 0, result.stdout + result.stderr
    for label in ("台账信息", "身份证号", "电话号码", "电子邮箱", "银行卡号", "人名", "小数字", "敏感信息", "受助名单", "照片"):
        assert f": {label}: " not in result.stdout + result.stderr


# ---------------------------------------------------------------------------------------------
# The register itself


def test_register_in_gbk_csv_with_a_title_row_feeds_the_deny_list(data_root):
    school = data_root / "schools" / SCHOOL
    rows = gd.children(12)
    gd.write_csv(school / "private" / "台账.csv", rows, encoding="gb18030", title="黄杉村小学留守儿童台账")
    gd.write_activity(school, "2026-03-02-ceshi", body=f"{rows[5]['姓名'][1:]}的作文获奖。")
    result = run_cli("check", "--root", str(data_root))
    assert result.returncode == 1
    assert re.search(rf"^schools/{SCHOOL}/activities/2026-03-02-ceshi.yml:{gd.ACTIVITY_BODY_LINE}: 正文: 台账信息: ",
                     result.stderr, re.M), result.stderr


def test_unreadable_register_blocks_the_school_and_words_file_allows_ordinary_words(data_root):
    school = data_root / "schools" / SCHOOL
    (school / "private").mkdir()
    (school / "private" / "旧台账.xls").write_bytes(b"\xd0\xcf\x11\xe0 not really excel")
    result = run_cli("check", "--root", str(data_root))
    assert result.returncode == 1
    assert f"schools/{SCHOOL}/private/旧台账.xls: 另存为" in result.stderr or "读不了这种格式" in result.stderr
    (school / "private" / "旧台账.xls").unlink()
    rows = [dict(gd.children(1)[0], 姓名="陈国庆")]
    gd.write_csv(school / "private" / "台账.csv", rows)
    gd.write_activity(school, "2026-03-02-ceshi", body="国庆假期集中家访。")

    def gate_labels() -> list[str]:
        _, per_school = check_county(data_root)
        return [p.rule for p in per_school[SCHOOL] if p.severity is Severity.ERROR]

    assert gate_labels() == ["台账信息"]
    (school / "private" / "不是人名.txt").write_text("# 这些词在本校不是人名\n国庆\n", encoding="utf-8")
    assert gate_labels() == []
