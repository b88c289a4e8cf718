"""Property-based tests of the loader: whatever bytes or text staff (or an attacker) put in a record
file, the result is a validated record or `file:line: message` problems — never an exception.

A bounded number of examples runs with the suite; `HYPOTHESIS_PROFILE=long` runs many more
(see docs/input-rules.md):

    HYPOTHESIS_PROFILE=long .venv/bin/python -m pytest tests/test_fuzz_loader.py tests/test_fuzz_render.py \
        -p no:cacheprovider --hypothesis-show-statistics
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, event, given, settings, strategies as st

from generator.records import models
from generator.records.load import load_record, load_school
from generator.problems import ContentError, Problems, Severity
from generator.records.source import decode, parse

LONG = os.environ.get("HYPOTHESIS_PROFILE") == "long"
CORPUS = Path(__file__).parent / "fixtures" / "hostile"


def fuzz(fast: int, long: int = 20_000) -> settings:
    """`fast` examples in the normal suite, `long` under HYPOTHESIS_PROFILE=long."""
    return settings(
        max_examples=long if LONG else fast, deadline=None, database=None, print_blob=True,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much,
                               HealthCheck.function_scoped_fixture, HealthCheck.large_base_example],
    )


# ---------------------------------------------------------------------------------------------
# Strategies: what pasted text really contains, and what an attacker would try

HOSTILE_TOKENS = [
    "<script>window.cpxss=1</script>", "<img src=x onerror=alert(1)>", '"><svg onload=alert(1)>', "</title><script>",
    "[点我](javascript:alert(1))", "![x](data:image/png;base64,AAAA)", "<javascript:alert(1)>", "{{ 7*7 }}", "{% raw %}",
    "{# c #}", "--8<-- \"/etc/passwd\"", "!!! note \"x\"", "{: onclick=\"alert(1)\" }", "<!-- material/tags -->",
    "&amp;", "&#x3C;", "&lt;b&gt;", "\\", '"', "'", "“", "”", "：", ":", ": ", "#", " #话题#", "- ", "-", "? ", "*a", "&a",
    "!", "!!python/object/apply:os.system", "|", ">", "%", "@", "`", "[", "]", "{", "}", ",", "---", "...",
    "\t", "\u3000", "\xa0", "\r", "\n", "\r\n", "\u2028", "\u2029", "\x85", "\u200b", "\u200d", "\u2060", "\ufeff",
    "\u202e", "\u202d", "\u200f", "\u061c", "\U0001f600", "\U0001f468\u200d\U0001f469\u200d\U0001f467", "\U0010fffd",
    "\x00", "\x02wzxhzdk:0\x03", "\x1b[31m", "\x7f", "\x9b", "\ufffe", "\ufdd0",
    "０１２", "２０２４年６月１日", "１４：３０", "下午2点半", "三十", "约40", "13800138000", "0755", "no", "yes", "~", "null",
    "防溺水安全教育", "留守儿童之家", "é", "ﬁ", "Ⅻ", "𠀀", "\u0301",
    # teachers' phrasing read with a reminder (issue 15)
    "每两周", "一至两次", "两次", "42名同学", "300余人次", "週一至週五", "談心", "若干", "占79%", "12月31日", "2026年清明节",
    "中秋节", "10月1日—7日", "至", "中午", "下午课后", "第三条",
]


def unicode_text(surrogates: bool = False, max_size: int = 40) -> st.SearchStrategy[str]:
    """Any Unicode (lone surrogates only where text never reaches a file), mixed with hostile tokens."""
    categories = () if surrogates else ("Cs",)
    chars = st.text(st.characters(codec=None, exclude_categories=categories), max_size=max_size)
    return st.lists(st.one_of(st.sampled_from(HOSTILE_TOKENS), chars, st.text(max_size=8)), max_size=6).map("".join)


def clean_line(max_size: int = 30) -> st.SearchStrategy[str]:
    """Text a record can hold: printable, any script, no line breaks (still with the hostile tokens).
    Noncharacters (U+FDD0–FDEF, U+FFFE/FFFF) are left out: the loader refuses them with a line
    (test_noncharacters_are_refused_with_a_line), as it refuses control characters."""
    printable = st.characters(exclude_categories=("Cc", "Cs", "Zl", "Zp"),
                              exclude_characters="\ufffe\uffff\ufeff" + "".join(map(chr, range(0xFDD0, 0xFDF0))))
    safe_tokens = [t for t in HOSTILE_TOKENS if not re.search(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\ufeff\ufffe\ufdd0]", t)]
    return st.lists(st.one_of(st.sampled_from(safe_tokens), st.text(printable, max_size=max_size)), min_size=1, max_size=5) \
        .map("".join).filter(lambda s: s.strip())


# Valid documents of every record kind, in the YAML styles staff use (block and flow, quoted and
# plain, `|` bodies, comments), as starting points for mutation.
TEMPLATES = {
    models.Activity: """\
# 活动记录：防溺水
title: 防溺水安全教育讲座
date: 2024-06-01
time: "14:30"
location: 学校阶梯教室
kind: 安全教育讲座
term: 2023-2024-2
participants: 约300
organizer: 德育处
partners: [县妇联, 镇卫生院]
programme: 九个一
summary: 邀请派出所民警讲解防溺水知识。   # 一两句话
body: |
  ## 活动过程

  民警讲解了“六不”要求。
  - 不私自下水
  - 不擅自与他人结伴游泳
""",
    models.Policy: """\
name: 亲情联系制度
category: 家校联系
summary: 督促家长每两周与孩子通一次电话，班主任经常与留守儿童谈心。
responsible_role: 班主任
duties:
  - who: 学校
    through: 督促家长
    action: 与孩子通电话
    count: 1
    per: 两周
    at_least: 是
  - action: 与每名留守儿童谈心
    frequency: 经常
    windows: [期初, 期末]
instrument: 谈心记录卡
body: >
  谈心内容记入记录卡，
  发现问题及时报告。
""",
    models.Resource: """\
kind: 留守儿童之家
name: 留守儿童之家
location: 教学楼一楼
tier: 模式一
intro: 每天午间和放学后开放。
hours:
  - {days: 周一至周五, start: "12:00", end: "13:30", note: 午间}
  - days: [周六]
    start: "09:00"
    end: "11:00"
  - days: 週一至週五
    start: 下午课后
hours_note: 寒暑假不开放
equipment:
  - {item: 图书, quantity: 1200}
  - item: 电话机
  - {item: 棋类, quantity: 若干}
rules:
  - 轻轻翻书，不撕不画。
contact:
  role: 德育处
  phone: "0599-6000002"
""",
    models.TermSummary: """\
term: 2023-2024-2
students_total: 500
left_behind:
  total: 120
  share: 24%
  both_parents_away: 80
  one_parent_away: 40
  by_grade_band:
    - {band: 1—3年级, count: 60}
    - {band: 4—6年级, count: 60}
rates: {enrollment: 100, retention: "99.5"}
programme:
  pairs: 60
  home_visits: 200
donations:
  amount_yuan: 6000
  items: [书包 200 个]
  donors: [县妇联]
sensitive:
  - {attribute: 心理辅导, count: 12}
highlights:
  - 开学第一周完成家访。
problems: [心理教师不足。]
next_steps:
  - 春节前召开返乡家长座谈会。
""",
    models.Letter: """\
# 致家长的一封信
title: 致外出务工家长的一封信
date: 2024-09-01
audience: [外出务工家长, 临时监护人]
greeting: 尊敬的家长朋友：
body: |
  新学期开始了，学校和您一样牵挂着孩子。

  电话号码有变化请告诉班主任。
asks:
  - 每周给孩子打一次亲情电话
  - 每月和班主任联系一次
signed: 示例小学
""",
    models.School: """\
name: 示例小学
kind: 小学
township: 示例镇
boarding: 否
address: 示例镇示例路1号
intro: 示例小学的简介。
family_phone:
  number: "0599-0000000"
  hours:
    - days: 周一至周五
      start: "18:00"
      end: "20:00"
  location: 留守儿童之家
  note: 家长也可以在这个时间打进来找孩子。
contacts:
  - role: 德育处
    phone: "0599-0000001"
    hours: 工作日 8:00—17:30
leading_group:
  name: 关爱留守儿童工作领导小组
  meets: 每月召开一次
  members:
    - {role: 组长, position: 校长, name: 林晓东}
    - role: 成员
      position: 各班班主任
      duty: 负责本班留守儿童
staff_names: [林晓东]
""",
    models.Programme: """\
name: 九个一
summary: 关爱留守儿童“九个一”活动。
by: 县教育局
parts:
  - 建立一个留守儿童之家
  - title: 开通一条亲情电话专线
    text: 公开电话号码，留守儿童每周至少与父母通话一次。
    cadence: 每周一次
    audience: 班主任
body: |
  各校对照九项逐条落实。
""",
}
# The activity again, in the seed documents' own phrasing (a date range without a year, a count
# with its noun, a Traditional kind): mutated like the others.
PHRASED_ACTIVITY = """\
title: 国庆小长假集中家访
date: 10月1日—7日
kind: 家訪
term: 2023-2024-1
participants: 42名同学
summary: 国庆期间集中家访。
"""
# A policy in the single `cadence:` form written before duties, in the seeds' phrasing
PHRASED_POLICY = """\
name: 谈心谈话制度
category: 談心
summary: 班主任每月与留守儿童谈心。
responsible_role: 班主任
cadence:
  action: 与每名留守儿童谈心
  count: 一至两次
  per: 每月
  at_least: 是
  windows:
    - 期初
    - 期末
instrument: 谈心记录卡
"""
RECORD_FOLDERS = {models.Activity: "activities", models.Policy: "policies", models.Resource: "resources",
                  models.TermSummary: "summaries", models.Letter: "letters", models.Programme: "programmes"}


@st.composite
def mutated(draw, template: str) -> str:
    """A valid document with a few edits of the kinds people make: typed or pasted characters at
    random places, deleted or duplicated spans and lines, indentation changed, lines swapped."""
    text = template
    for _ in range(draw(st.integers(1, 5))):
        action = draw(st.sampled_from(["insert", "delete", "duplicate", "indent", "swap", "replace_line"]))
        lines = text.split("\n")
        if action == "insert":
            at = draw(st.integers(0, len(text)))
            text = text[:at] + draw(unicode_text()) + text[at:]
        elif action == "delete" and text:
            at = draw(st.integers(0, len(text) - 1))
            text = text[:at] + text[at + draw(st.integers(1, 12)):]
        elif action == "duplicate":
            i = draw(st.integers(0, len(lines) - 1))
            lines.insert(i, lines[i])
            text = "\n".join(lines)
        elif action == "indent":
            i = draw(st.integers(0, len(lines) - 1))
            lines[i] = draw(st.sampled_from(["", " ", "  ", "    ", "\t", "\u3000", "- "])) + lines[i].lstrip(" ")
            text = "\n".join(lines)
        elif action == "swap":
            i, j = draw(st.integers(0, len(lines) - 1)), draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
            text = "\n".join(lines)
        else:
            i = draw(st.integers(0, len(lines) - 1))
            key = lines[i].split(":", 1)[0] if ":" in lines[i] else lines[i]
            lines[i] = key + draw(st.sampled_from([": ", ":", "：", " ", ": |\n  ", ": >-\n    "])) + draw(unicode_text())
            text = "\n".join(lines)
    return text


def as_bytes(text: str, style: str) -> bytes:
    """The same text as different editors save it."""
    if style == "crlf":
        text = text.replace("\n", "\r\n")
    elif style == "cr":
        text = text.replace("\n", "\r")
    if style == "gb18030":
        return text.encode("gb18030", errors="replace")
    data = text.encode("utf-8", errors="surrogatepass" if style == "surrogatepass" else "strict")
    return b"\xef\xbb\xbf" + data if style == "bom" else data


def assert_problem_shape(problem, path: str, line_count: int) -> None:
    assert problem.path == path
    assert 0 <= problem.line <= line_count + 1, (problem.line, line_count)
    assert problem.message and re.search(r"[\u4e00-\u9fff]", problem.message), problem.message
    assert "Traceback" not in problem.message and "careportal 的问题" not in problem.message, problem.message


# ---------------------------------------------------------------------------------------------
# The reader


@fuzz(400)
@given(unicode_text(surrogates=True, max_size=80))
def test_parse_accepts_or_names_a_line_for_any_text(text):
    last_line = text.replace("\r\n", "\n").replace("\r", "\n").count("\n") + 1
    try:
        doc = parse(text)
    except ContentError as exc:
        assert 1 <= exc.line <= last_line and re.search(r"[\u4e00-\u9fff]", exc.message)
        return
    for line in doc.lines.values():
        assert 1 <= line <= last_line
    for line, message in doc.warnings:
        assert 1 <= line <= last_line and message


@fuzz(400)
@given(st.binary(max_size=300) | unicode_text(max_size=60).map(lambda t: t.encode("utf-8", "surrogatepass")))
def test_decode_accepts_utf8_or_explains_any_bytes(raw):
    try:
        text = decode(raw)
    except ContentError as exc:
        assert exc.line >= 1 and "UTF-8" in exc.message or "文档" in exc.message
        return
    assert "\r" not in text and not text.startswith("\ufeff")
    assert text == raw.decode("utf-8").lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")


@fuzz(200)
@given(st.data())
def test_parsed_scalars_are_always_text_never_yaml_11_types(data):
    value = data.draw(st.sampled_from(["13800138000", "0755", "no", "yes", "on", "1e3", "0x1F", "1_000", "2024-06-01",
                                       "12:30:00", ".inf", ".nan", "-0", "+1", "0o17", "Y", "NO"]) | clean_line())
    doc = parse(yaml.safe_dump({"title": value}, allow_unicode=True))
    assert doc.data == {"title": value}


@pytest.mark.parametrize("char", ["\ufdd0", "\ufdef", "\ufffe", "\uffff"])
def test_noncharacters_are_refused_with_a_line(char):
    with pytest.raises(ContentError) as refused:
        parse(yaml.safe_dump({"summary": "说明", "title": f"标题{char}"}, allow_unicode=True))
    assert refused.value.line == 2 and f"U+{ord(char):04X}" in str(refused.value)


# ---------------------------------------------------------------------------------------------
# The loader, on files in a school folder


def school_root(tmp_path: Path) -> Path:
    root = tmp_path / "root"
    folder = root / "schools" / "fuzz"
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(CORPUS / "school" / "minimal.yml", folder / "school.yml")
    for name in RECORD_FOLDERS.values():
        (folder / name).mkdir(exist_ok=True)
    return root


def load_one(root: Path, model, raw: bytes):
    """Write `raw` where the pipeline reads a record of `model`, load the school, return
    (the record or None, the problems about that file, the file's relative path)."""
    folder = root / "schools" / "fuzz"
    for sub in RECORD_FOLDERS.values():
        for old in (folder / sub).iterdir():
            old.unlink()
    if model is models.School:
        target = folder / "school.yml"
    else:
        target = folder / RECORD_FOLDERS[model] / "fuzz-record.yml"
        shutil.copyfile(CORPUS / "school" / "minimal.yml", folder / "school.yml")
    target.write_bytes(raw)
    if model is models.TermSummary:  # the loader wants a summary named after its term
        item = load_record(root, target, model, Problems())
        if item:
            target = target.rename(target.with_name(f"{item.record.term.code}.yml"))
    records = load_school(root, folder)
    rel = target.relative_to(root).as_posix()
    problems = [p for p in records.problems if p.path == rel]
    others = [p for p in records.problems if p.path != rel]
    assert not others, others
    if model is models.School:
        loaded = records.school
    else:
        bucket = getattr(records, RECORD_FOLDERS[model])
        loaded = bucket[0] if bucket else None
    record = loaded.record if loaded is not None and not records.problems.errors else None
    return record, problems, rel


@fuzz(60, long=10_000)
@given(model=st.sampled_from(list(TEMPLATES)), data=st.data(),
       style=st.sampled_from(["utf-8", "utf-8", "utf-8", "bom", "crlf", "cr", "gb18030"]))
def test_mutated_records_load_or_point_at_a_line(tmp_path_factory, model, data, style):
    root = school_root(tmp_path_factory.mktemp("fuzz"))
    phrased = {models.Activity: PHRASED_ACTIVITY, models.Policy: PHRASED_POLICY}
    template = phrased[model] if model in phrased and data.draw(st.booleans()) else TEMPLATES[model]
    text = data.draw(mutated(template))
    raw = as_bytes(text, style)
    record, problems, rel = load_one(root, model, raw)
    line_count = raw.count(b"\n") + raw.count(b"\r")
    for problem in problems:
        assert_problem_shape(problem, rel, line_count)
    errors = [p for p in problems if p.severity is Severity.ERROR]
    assert (record is None) == bool(errors)
    event("refused" if errors else "accepted")
    if record is not None:
        assert isinstance(record, model)


def text_fields(model) -> dict[str, tuple[int, bool]]:
    """Free-text fields of a model: name → (max length, one line?)."""
    found = {}
    for name, info in model.model_fields.items():
        meta = [m for m in info.metadata if hasattr(m, "max_length") and m.max_length]
        if info.annotation is str and meta:
            found[name] = (meta[0].max_length, meta[0].max_length == models.SHORT)
    return found


@st.composite
def generated(draw, model, printable_only: bool = False):
    """A document that is valid apart from its free text, which is anything at all (mostly text a
    record can hold), written by a YAML emitter (so every string round-trips) in a random style."""
    base = yaml.safe_load(TEMPLATES[model])
    texts: dict[tuple, str] = {}

    def fill(node, path=()):
        if isinstance(node, dict):
            for key, value in node.items():
                node[key] = fill(value, path + (key,))
        elif isinstance(node, list):
            return [fill(v, path + (i,)) for i, v in enumerate(node)]
        elif isinstance(node, str) and _free_text(path) and draw(st.booleans()):
            value = draw(clean_line() if printable_only else st.one_of(clean_line(), clean_line(), unicode_text(max_size=30)))
            texts[path] = value
            return value
        if isinstance(node, (dict, str)) or node is None:
            return node
        return str(node)  # numbers and dates, as typed

    fill(base)
    style = draw(st.sampled_from([None, '"', "'", "|"]))
    return yaml.safe_dump(base, allow_unicode=draw(st.booleans()), default_style=style, sort_keys=False,
                          width=draw(st.sampled_from([80, 10**6]))), texts


SEPARATORS_AS_SPACE = str.maketrans({"\x85": " ", "\u2028": " ", "\u2029": " "})
FREE_TEXT = {"title", "location", "organizer", "programme", "summary", "body", "name", "responsible_role", "action",
             "instrument", "intro", "hours_note", "note", "item", "role", "position", "duty", "meets", "band",
             "attribute", "township", "address", "hours", "text", "cadence", "audience", "by", "who", "through"}


def _free_text(path: tuple) -> bool:
    keys = [p for p in path if isinstance(p, str)]
    if not keys:
        return False
    if keys[-1] == "hours" and len(keys) >= 1 and isinstance(path[-1], int):
        return False
    parents = {"partners", "rules", "highlights", "problems", "next_steps", "items", "donors", "staff_names"}
    return keys[-1] in FREE_TEXT or (isinstance(path[-1], int) and keys[-1] in parents)


def get_path(record, path):
    node = record
    for part in path:
        node = node[part] if isinstance(part, int) else getattr(node, part)
    return node


@fuzz(80, long=8_000)
@given(model=st.sampled_from(list(TEMPLATES)), data=st.data())
def test_any_free_text_is_kept_exactly_or_refused_with_a_line(tmp_path_factory, model, data):
    root = school_root(tmp_path_factory.mktemp("fuzz"))
    text, texts = data.draw(generated(model))
    record, problems, rel = load_one(root, model, text.encode("utf-8", "surrogatepass"))
    for problem in problems:
        assert_problem_shape(problem, rel, text.count("\n"))
    event("refused" if record is None else "accepted")
    if record is None:
        assert any(p.severity is Severity.ERROR for p in problems)
        return
    for path, value in texts.items():
        if model is models.School and path[:2] == ("leading_group", "members") and path[-1] == "name":
            continue
        kept = get_path(record, path)
        # titles and names are one line (runs of white space become one space); longer text is kept,
        # except that a raw line or paragraph separator (which YAML, unlike Notepad, takes for a line
        # break) reads as a space
        typed = value.translate(SEPARATORS_AS_SPACE)
        assert kept in {value.strip(), typed.strip(), re.sub(r"\s+", " ", value).strip()}, (path, value, kept)
