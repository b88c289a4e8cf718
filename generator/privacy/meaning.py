"""Rules 5, 6 and 7 on what a sentence means, in any word order (the second-generation prose rules).

A sentence is split into clauses; the analysis looks for

* **children** as the subject: 学生, 孩子, 留守儿童, 同学, 幼儿 …, a surname + 某 (张某, 李某某), a name;
* **sensitive attributes** (an extended lexicon: 单亲, 离异, 孤儿, 事实无人抚养, 残疾, 疾病, 心理辅导, 贫困,
  低保, 建档立卡, 服刑人员子女, 辍学, 受助 …), and the **status** words 留守 / 随迁, which are sensitive
  when tied to a locator or a count below k;
* **locators**: grades (also 低年级 / 高年级 / 初二 / 大班 / a band like 1—3年级), classes, sex, village
  groups and house numbers, a surname + 某, a name; and **singular or small counts** (一名, 两个, （4人）,
  留守儿童3人, 个别);
* **quantifiers** (均, 都, 全, 全部, 所有, 全体, 每名, 无一, 100%, 0%) with the noun they range over, and
  **percentages** (占15%, 百分之十五, 三成) with the totals the school publishes.

Decisions (whatever the word order):

* a sensitive attribute about children together with a locator, or with a count below k → error
  (rule 6, 敏感信息);
* a status word (留守 / 随迁 / 孤儿 …) with a count below k, or with a person locator (surname + 某, a
  name, 一名) → error (rule 5, 小数字, or 6);
* a universal quantifier over children together with a sensitive attribute → error (rule 6); a
  quantifier over teachers, parents, goods or money is fine;
* a percentage over children with a sensitive attribute whose implied count (or its complement) is
  below k, or cannot be checked against a published total → error (rule 6); a percentage of a
  published total implying fewer than k children → error (rule 5);
* a small count with a locator but nothing sensitive (three pupils of a grade in a contest) is fine;
* a recipient list or a name in a sentence about aid → error (rule 7);
* what no rule blocks or clears but that singles out children — a child with a person locator
  (surname + 某, a name), or with a locator (grade, class, village, village group, sex) and a
  singular or below-k count — goes to **review** (label 待审核, `REVIEW`): a person reads it
  before the school is published (privacy/reviews.py). A public achievement (代表学校参加比赛,
  获奖, 担任升旗手 …) clears it. A sentence a rule blocks never goes to review.

Text is read in Simplified characters (OpenCC t2s), so 離異 / 六年級 are read as 离异 / 六年级.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterable, Optional, Sequence

from generator.privacy.detect import ERROR, SENTENCE, SURNAMES, Hit, chinese_number, name_tagger

# ---------------------------------------------------------------------------------------------
# Lexicon

# Nouns for children (longest first, so 留守儿童 wins over 儿童).
CHILD_NOUNS = (
    "留守儿童", "留守学生", "留守幼儿", "留守孩子", "随迁子女", "随迁儿童", "随迁学生", "困境儿童", "事实孤儿", "孤儿",
    "小学生", "初中生", "住校生", "寄宿生", "走读生", "学困生", "受助学生", "困难学生", "学生", "孩子", "儿童", "同学",
    "幼儿", "小朋友", "男生", "女生", "男孩", "女孩", "男童", "女童", "该生", "学童", "子女", "娃娃",
)
# Nouns for everyone and everything else a quantifier can range over.
OTHER_NOUNS = (
    "教职工", "教师", "老师", "班主任", "校长", "家长", "监护人", "爷爷奶奶", "老人", "志愿者", "党员", "干部", "村民",
    "医生", "同志", "代表", "单位", "物资", "书包", "衣物", "图书", "文具", "棉被", "棉衣", "棉鞋", "礼物", "礼品", "善款",
    "助学款", "资金", "款项", "钱款", "设备", "电脑", "器材", "物品", "工作", "活动", "课程", "任务", "经费", "学校",
    "班级", "教室", "宿舍", "档案", "资料", "名单", "项目",
)
# Sensitive attributes (rule 6). Benign compounds are masked out first (_BENIGN).
SENSITIVE_WORDS = (
    "心理辅导", "心理疏导", "心理干预", "心理问题", "心理疾病", "心理障碍", "心理咨询", "抑郁", "焦虑症", "自闭", "多动症",
    "自残", "自伤", "厌学", "资助", "受助", "助学金", "补助", "救助", "贫困", "低保", "特困", "建档立卡", "家庭困难",
    "经济困难", "困难家庭", "困难学生", "生活困难", "残疾", "残障", "智力障碍", "听力障碍", "视力障碍", "孤儿",
    "服刑", "坐牢", "戒毒", "无人抚养", "单亲", "离异", "离婚", "改嫁", "再婚", "去世", "病故", "过世", "重病", "大病",
    "疾病", "患病", "患有", "白血病", "癫痫", "辍学", "失学", "退学", "休学", "因病", "住院", "手术", "犯罪", "违法", "受伤", "留级",
)
# Words that contain a sensitive word but name a service, a room, a job or a general topic.
_BENIGN = re.compile(
    r"心理咨询室|心理辅导室|心理咨询师|心理辅导员|心理辅导老师|心理辅导教师|心理健康|心理委员|心理咨询热线|团体心理辅导|"
    r"资助政策|资助工作|资助档案|资助中心|资助管理|资助项目|资助资金|学生资助|资助款|资助标准|助学金政策|补助标准|营养餐补助|"
    r"救助站|救助中心|救助热线|救助电话|救助政策|疾病预防|预防疾病|传染病|防病|患病率|"
    r"预防犯罪|违法犯罪|法治|防溺水|安全|意外受伤|不受伤|受伤害|残疾人联合会|残联|困难时|有困难"
)
STATUS_WORDS = ("留守", "随迁", "孤儿", "困境儿童", "事实无人抚养")
_SENSITIVE = re.compile("|".join(sorted(SENSITIVE_WORDS, key=len, reverse=True)))
_STATUS = re.compile("|".join(STATUS_WORDS))
AID_WORDS = ("受助", "资助", "捐助", "救助", "补助", "助学金", "奖学金", "贫困", "低保", "慰问金", "特困", "困难学生")
_AID = re.compile("|".join(AID_WORDS))
_LIST_INTRO = re.compile(r"(?:名单|名册|获得者|受助学生|受助人|资助对象|救助对象)\s*(?:如下|是|为)?\s*[:：]|如下\s*[:：]")

_NUM = "零〇一二两三四五六七八九十百"
_NOT_AFTER_MEASURE = r"(?!月|星期|小时|学期|钟|周|年|阶段|季度|多月|半月|时段|下午|上午|晚上|课时|环节|节目|组|班|村)"
_GRADE_DIGIT = "一二三四五六七八九1-9"
# Locators: where in the school (or the village) a child is.
_GRADE = re.compile(
    rf"(?P<range>[{_GRADE_DIGIT}]\s*(?:至|到|—|－|-|~|～)\s*[{_GRADE_DIGIT}]\s*年级)"
    rf"|[{_GRADE_DIGIT}]\s*年级|[初高]\s*[一二三123](?![年个位名])|[七八九]年级|学前班|[大中小]班(?![会子])|[低中高]年级|[低中高]段"
    r"|[低高]学段|毕业班"
)
_CLASS = re.compile(r"[0-9一二三四五六七八九十]+\s*[（(]\s*[0-9一二三四五六七八九十]+\s*[）)]\s*班|(?<![每各全几])[0-9一二三四五六七八九十]+\s*班(?![主会级子车])")
_SEX = re.compile(r"男生|女生|男孩|女孩|男童|女童|男同学|女同学")
_PLACE = re.compile(r"[\u4e00-\u9fff]{1,4}村[0-9一二三四五六七八九十]+\s*组|(?<![村民小])[0-9一二三四五六七八九十]+\s*组\s*[0-9一二三四五六七八九十]+\s*号|[0-9一二三四五六七八九十]+\s*号院")
_MOU = re.compile(rf"(?:[{''.join(sorted(SURNAMES))}]|欧阳|司马|诸葛|上官)某某?|某某(?:同学|学生|孩子)|某(?:同学|学生|孩子|儿童|幼儿)")
_SINGULAR = re.compile(rf"(?:一|1)\s*(?:名|个|位){_NOT_AFTER_MEASURE}[\u4e00-\u9fff]{{0,6}}?(?:{'|'.join(CHILD_NOUNS)})|个别(?:{'|'.join(CHILD_NOUNS)})|其中(?:一|1)人|有(?:一|1)人")
# A name in the given-name + 同学 form (张浩然同学, 小雨同学), which jieba misses.
_NAME_BEFORE_TITLE = re.compile(
    rf"(?P<name>[{''.join(sorted(SURNAMES))}][\u4e00-\u9fff]{{1,2}}|小[\u4e00-\u9fff])(?=同学|小朋友|学生(?![会家]))"
)
_FUNCTION_CHARS = set("和于向对给把被与及让为由将从在跟同比等以及或")
_NOT_NAMES = set("全各新老男女本该这那其每此他她你我大小同众学班组校级园届队部")

_QUANT_BEFORE = re.compile(r"全体|所有|全部|每名|每位|每个|每一名|每一位|每一个|百分之百|100\s*%|全都")
_QUANT_AFTER = re.compile(r"均|都|全部|全都|一律|无一|无一例外|个个|人人|全是|全为")
_PERCENT = re.compile(r"(?P<num>\d+(?:\.\d+)?)\s*%|百分之(?P<cn>[零一二两三四五六七八九十百]+)|(?P<cheng>[一二三四五六七八九])成(?![绩员长功立熟])")
_ZERO = re.compile(r"(?<![\d.])0\s*%|无一|没有一(?:名|个|位)")
_RATE = re.compile(r"率\s*(?:达|达到|为|是|约|超过)?\s*$")

# Counts of children: “3名留守儿童”, “留守儿童3人”, “（4人）”, “共3人”.
_COUNT_BEFORE = re.compile(rf"(?P<num>\d+|[{_NUM}]+)\s*(?:名|个|位){_NOT_AFTER_MEASURE}\s*(?:[\u4e00-\u9fff]{{0,5}}?)(?P<noun>{'|'.join(CHILD_NOUNS)})")
_COUNT_BARE = re.compile(rf"(?<![之分第])(?P<num>\d+|[{_NUM}]+)\s*(?P<noun>{'|'.join(CHILD_NOUNS)})")
_COUNT_AFTER = re.compile(rf"(?P<noun>{'|'.join(CHILD_NOUNS)})[^，,。；;：:]{{0,6}}?(?:有|共|计|为|是)?\s*(?P<num>\d+|[{_NUM}]+)\s*(?:人|名)(?!民|员|次|天|元|小时|分钟)")
_COUNT_PAREN = re.compile(rf"[（(]\s*(?:共|计|约)?\s*(?P<num>\d+|[{_NUM}]+)\s*(?:人|名)\s*[）)]")
_COUNT_PEOPLE = re.compile(rf"(?:共|计|有|其中)\s*(?P<num>\d+|[{_NUM}]+)\s*(?:人|名)(?!民|员|次|天|元|小时|分钟|家长|教师|老师)")
_OTHER_COUNT = re.compile(rf"(?:\d+|[{_NUM}]+)\s*(?:名|个|位)\s*(?:{'|'.join(OTHER_NOUNS)})")

# Locators only review reads: a village (黄杉村一名学生), which rules 5/6 do not treat as one.
_VILLAGE = re.compile(r"(?<=[\u4e00-\u9fff])(?<![农乡山各全每本该邻外同进驻下到回入])村(?![小委民级干里庄子务部落寨组史])")
# What clears a small group or one child: a public achievement or a public role, read out at any
# school assembly (三年级的3名同学代表学校参加比赛, 一名同学获得一等奖).
_CLEARS = re.compile(r"代表|比赛|竞赛|大赛|评比|获得|获奖|荣获|夺得|奖|表彰|评为|评选|优秀|先进|表演|演出|朗诵|演讲|"
                     r"主持|升旗|护旗|参赛|入选|选拔|冠军|亚军|季军|名次|第[一二三]名|作品|合唱|书法|绘画|征文|"
                     r"小记者|志愿|班干部|队长|委员|发言|分享|当选|标兵|称号|好少年|三好")
_SUPPRESSED = re.compile(r"(?:少于|不足|不到)\s*(?P<num>\d+)\s*(?:人|名)")
_FEW = re.compile(r"个别(?:学生|孩子|同学|留守儿童|幼儿)")
_SENTENCE = SENTENCE  # one reading of where a sentence ends (detect.SENTENCE)
_CLAUSE = re.compile(r"[^，,：:、]+")
_CHILD = re.compile("|".join(CHILD_NOUNS))
_OTHER = re.compile("|".join(OTHER_NOUNS))


@lru_cache(maxsize=1)
def _t2s():
    import opencc

    return opencc.OpenCC("t2s")


def simplified(text: str) -> str:
    """Text in Simplified characters, same length (falls back to the text if a phrase changes length)."""
    if text.isascii():
        return text
    converted = _t2s().convert(text)
    return converted if len(converted) == len(text) else text


@dataclass(frozen=True)
class Finding:
    start: int
    label: str
    message: str


def _number(text: str) -> Optional[int]:
    text = text.replace("〇", "零")
    if text in {"百"}:
        return 100
    return chinese_number(text)


def _mask_spans(body: str, pattern: re.Pattern) -> str:
    return pattern.sub(lambda m: "□" * len(m.group()), body)


def _sensitive(body: str) -> Optional[re.Match]:
    return _SENSITIVE.search(_mask_spans(body, _BENIGN))


def locators(body: str, names: Sequence[str]) -> list[tuple[int, str, str]]:
    """(offset, kind, text) of every locator: grade, class, sex, place, 某, name."""
    found = []
    for match in _GRADE.finditer(body):
        if match.group("range"):
            span = re.findall(rf"[{_GRADE_DIGIT}]", match.group("range"))
            first, last = (chinese_number(span[0]) if not span[0].isdigit() else int(span[0]),
                           chinese_number(span[-1]) if not span[-1].isdigit() else int(span[-1]))
            if first == 1 and last in (6, 9):
                continue  # 一至六年级: the whole school
        found.append((match.start(), "grade", match.group()))
    found += [(m.start(), "class", m.group()) for m in _CLASS.finditer(body)]
    found += [(m.start(), "sex", m.group()) for m in _SEX.finditer(body)]
    found += [(m.start(), "place", m.group()) for m in _PLACE.finditer(body)]
    found += [(m.start(), "mou", m.group()) for m in _MOU.finditer(body)]
    found += [(o, "name", n) for o, n in titled_names(body)]
    for name in names:
        index = body.find(name)
        if index >= 0:
            found.append((index, "name", name))
    return sorted(found)


def titled_names(body: str) -> list[tuple[int, str]]:
    """Names written as given name + 同学 (张浩然同学, 小雨同学): jieba splits 张 + 浩然 and misses
    nicknames. A candidate must start and end on word boundaries and not be a dictionary word."""
    tokenizer, freq = name_tagger()
    candidates = [m for m in _NAME_BEFORE_TITLE.finditer(body) if _plausible(m.group("name"), freq)]
    if not candidates:
        return []  # the cheap checks first: most “…学生” are “组织学生”, “全体学生”
    bounds, offset = {0}, 0
    for word in tokenizer.tokenizer.cut(body, HMM=False):
        offset += len(word)
        bounds.add(offset)
    return [(m.start(), m.group("name")) for m in candidates if m.start() in bounds and m.end() in bounds]


def _plausible(name: str, freq: dict) -> bool:
    """Could this be a name (before looking at word boundaries)?"""
    if name[-1] in _NOT_NAMES or name[1:2] in _NOT_NAMES:
        return False
    if any(c in _FUNCTION_CHARS or c in "的地得了着过们件" for c in name[1:]):
        return False
    if len(name) == 3 and (freq.get(name[:2]) or 0) > 0:
        return False  # 信件由学生, 单独与学生: a word, then a character
    if not name.startswith("小") and ((freq.get(name) or 0) > 0 or name[0] in _FUNCTION_CHARS
                                      or _STATUS.search(name[1:]) or (freq.get(name[1:]) or 0) > 2000):
        return False  # 普通学生, 和留守学生, 向全体同学: words, not names
    return True


def _names_a_thing(body: str, end: int) -> bool:
    """A child noun ending at `end` that is part of a place or an event (留守儿童之家, 儿童节,
    留守儿童会): what the number before it counts is not children."""
    return body[end:end + 2] in {"之家", "节", "会"}


def _counts(body: str) -> list[tuple[int, int, str]]:
    """(offset, value, noun) of counts of children; ratios (每人结对两名) and ordinals are left out."""
    found: list[tuple[int, int, str]] = []
    other = [m.span() for m in _OTHER_COUNT.finditer(body)]
    for pattern in (_COUNT_BEFORE, _COUNT_BARE, _COUNT_AFTER):
        for match in pattern.finditer(body):
            start = match.start("num")
            if any(a <= start < b for a, b in other):
                continue
            before = body[:match.start()]
            if "每" in before[-12:] or before.endswith(("第", "模式", "周", "星期", "初", "高")):
                continue  # 每人结对两名: a ratio; 第三名, 模式二: not counts
            if _names_a_thing(body, match.end()):
                continue
            after = body[match.end("num"):match.end("num") + 2]
            if re.match(r"[—\-~～至到]\s*\d", after):
                continue  # 2—3名: a ratio or a range in a rule
            value = _number(match.group("num"))
            if value is None:
                continue
            found.append((start, value, match.group("noun")))
    for pattern in (_COUNT_PAREN, _COUNT_PEOPLE):
        for match in pattern.finditer(body):
            value = _number(match.group("num"))
            if value is None or any(a <= match.start() < b for a, b in other):
                continue
            if pattern is _COUNT_PEOPLE and _OTHER.search(body, match.end(), match.end() + 4):
                continue  # 有一名结对老师: a count of teachers
            found.append((match.start("num"), value, ""))
    if _FEW.search(body):
        found.append((body.find("个别"), 1, "个别"))
    return sorted(set(found))


def _singular(body: str) -> Optional[re.Match]:
    """“一名孤儿”, “一个孩子”, “个别学生”, “其中一人” (not “一名教师”)."""
    for match in _SINGULAR.finditer(body):
        if body[max(0, match.start() - 1):match.start()] in {"每", "第", "唯"} or _OTHER.match(body, match.start() + 2):
            continue
        if _names_a_thing(body, match.end()):
            continue  # 建立一个留守儿童之家: a place, not a child
        return match
    return None


def _noun_before(clause: str, end: int) -> Optional[str]:
    """The last noun (child or other) in `clause` before `end`."""
    best, kind = -1, None
    for pattern, which in ((_CHILD, "child"), (_OTHER, "other")):
        for match in pattern.finditer(clause, 0, end):
            if match.start() > best:
                best, kind = match.start(), which
    return kind


def _noun_after(clause: str, start: int, within: int = 8) -> Optional[str]:
    window = clause[start:start + within]
    child, other = _CHILD.search(window), _OTHER.search(window)
    if child and (not other or child.start() <= other.start()):
        return "child"
    return "other" if other else None


def _quantified_children(body: str, predicate: Optional[int] = None) -> Optional[int]:
    """Offset of a universal quantifier whose scope is children, or None. With `predicate`: only a
    quantifier placed after the children and before that offset (三年级的孩子都是留守儿童)."""
    for clause_match in _CLAUSE.finditer(body):
        clause = clause_match.group()
        for match in _QUANT_BEFORE.finditer(clause) if predicate is None else ():
            scope = _noun_after(clause, match.end()) or _noun_before(clause, match.start())
            child = _CHILD.search(body, clause_match.start() + match.end(), clause_match.start() + match.end() + 8)
            if scope == "child" and not (child and _group_defined_by_attribute(body, clause_match.start() + match.end(), child.end())):
                return clause_match.start() + match.start()
        for match in _QUANT_AFTER.finditer(clause):
            if predicate is not None and clause_match.start() + match.start() > predicate:
                continue
            scope = _noun_before(clause, match.start())
            if scope is None and clause_match.start() > 0:
                scope = _noun_before(body, clause_match.start())  # 留守儿童中，父母离异的均…
            if scope == "child" and not _group_defined_by_attribute(body, clause_match.start(), clause_match.start() + match.start()):
                return clause_match.start() + match.start()
    return None


def _group_defined_by_attribute(body: str, start: int, end: int) -> bool:
    """每名受助学生 / 困难学生都…: the quantifier ranges over a group the attribute defines (the
    sensitive words are all in the subject, body[start:end]) and nothing sensitive is said of it
    after the quantifier (为每名受助学生建立档案 tells nothing new about anyone)."""
    masked = _mask_spans(body, _BENIGN)
    found = list(_SENSITIVE.finditer(masked))
    return bool(found) and all(start <= m.start() and m.end() <= end for m in found)


def _percentages(body: str) -> list[tuple[int, float, Optional[str]]]:
    """(offset, fraction, scope) of percentages that are not rates (入学率 98%)."""
    found = []
    for clause_match in _CLAUSE.finditer(body):
        clause = clause_match.group()
        for match in _PERCENT.finditer(clause):
            if _RATE.search(clause[:match.start()]):
                continue
            if match.group("num"):
                value = float(match.group("num")) / 100
            elif match.group("cn"):
                number = _number(match.group("cn"))
                if number is None:
                    continue
                value = number / 100
            else:
                value = (chinese_number(match.group("cheng")) or 0) / 10
            scope = _noun_after(clause, match.end(), 6) or _noun_before(clause, match.start())
            if scope is None:
                scope = _noun_before(body, clause_match.start())
            found.append((clause_match.start() + match.start(), value, scope))
    fraction = re.search(r"([一二三四五六七八九十]+)分之([一二三四五六七八九])", body)
    if fraction:
        whole, part = chinese_number(fraction.group(1)), chinese_number(fraction.group(2))
        if whole and part:
            found.append((fraction.start(), part / whole, _noun_before(body, fraction.start()) or _noun_after(body, fraction.end())))
    return found


def _explicit_totals(body: str) -> list[int]:
    return [value for _, value, noun in _counts(body) if value and noun]


def _pool(body: str, totals: Sequence) -> list[int]:
    """The totals a percentage in `body` is read against: the numbers the sentence gives, else the
    school's published total of the group the sentence is about (left-behind, migrant, all pupils)."""
    explicit = _explicit_totals(body)
    if explicit:
        return sorted(set(explicit))
    base = re.search(rf"占(?:全校|全部|全体|本校|我校)?(?P<noun>{'|'.join(CHILD_NOUNS)})", body) or re.search(
        rf"(?P<noun>{'|'.join(CHILD_NOUNS)})(?:总数)?(?:中|里|当中)", body)
    about = base.group("noun") if base else body
    kind = "left_behind" if "留守" in about else "migrant" if "随迁" in about else "students"
    typed = [value for which, value in (t if isinstance(t, tuple) else ("students", t) for t in totals) if which == kind]
    return sorted(set(typed))


REVIEW = "待审核"


def normalised(sentence: str) -> str:
    """A sentence as its review decision is keyed: NFKC, Simplified, without spaces or end marks."""
    text = simplified(unicodedata.normalize("NFKC", sentence))
    return re.sub(r"[\s。！？；!?;]+", "", text)


def sentence_digest(sentence: str) -> str:
    """The key of a review decision: any change to the sentence (but spacing) voids it."""
    return hashlib.sha256(normalised(sentence).encode("utf-8")).hexdigest()


def sentence_end(text: str, start: int) -> int:
    """Where the sentence starting at `start` ends (for a REVIEW hit, which starts its sentence)."""
    match = _SENTENCE.match(text, start)
    return match.end() if match else start


def _review(body: str, k: int, names: list[str]) -> Optional[str]:
    """Why a sentence no rule decided singles out children (None if it does not)."""
    if not (_CHILD.search(body) or _MOU.search(body)):
        return None  # a name the tagger guesses, alone, may be a teacher's (or 师德)
    places = locators(body, names) + [(m.start(), "village", body[max(0, m.start() - 2):m.end()])
                                      for m in _VILLAGE.finditer(body)]
    if not places:
        return None
    person = [p for p in places if p[1] in {"mou", "name"}]
    small = [v for _, v, _ in _counts(body) if 0 < v < k]
    few = small or _singular(body)
    if not person and not few:
        return None
    if _CLEARS.search(body):
        return None
    if person:
        return "写了一个具体的孩子（姓加“某”或名字）"
    where = next(p[2] for p in places if p[1] not in {"mou", "name"})
    return f"“{where}”加上{'一名' if not small or 1 in small else '少于' + str(k) + '名'}孩子"


def analyse(text: str, k: int, names: Iterable[tuple[int, str]] = (), totals: Sequence[int] = (),
            review: bool = True) -> list[Hit]:
    """Rules 5, 6 and 7 over one piece of prose (offsets into `text`); with `review`, sentences
    that single out children and that no rule decided come back as REVIEW hits (masked = the
    sentence's digest), starting where the sentence starts."""
    text = simplified(unicodedata.normalize("NFKC", text))
    hits: list[Hit] = []
    name_list = list(names)
    for sentence in _SENTENCE.finditer(text):
        body, base = sentence.group(), sentence.start()
        here = [w for o, w in name_list if base <= o < sentence.end()]
        hit = _sentence(body, k, here, totals)
        if hit:
            hits.append(Hit(base + hit.start, hit.label, hit.message))
        aid = _AID.search(_mask_spans(body, _BENIGN))
        if review and not hit and not aid:
            why = _review(body, k, here)
            if why:
                hits.append(Hit(base, REVIEW, f"这句话{why}，规则判断不了会不会让人认出是谁，要由审核人读过批准才能发布",
                                ERROR, sentence_digest(body)))
        if aid:
            listing = _LIST_INTRO.search(body)
            named = [body.find(w) for w in here if w in body]
            named += [m.start() for m in _MOU.finditer(body)]
            if listing or named:
                at = listing.start() if listing else min(named)
                hits.append(Hit(base + at, "受助名单",
                                "捐赠和资助只能公布金额、物品和人数，不能公布受助学生名单或受助人姓名。"
                                "可以写成：本学期共资助学生30人，发放助学金3万元"))
    return hits


def _sentence(body: str, k: int, names: list[str], totals: Sequence[int]) -> Optional[Finding]:
    sensitive = _sensitive(body)
    status = _STATUS.search(body)
    if not sensitive and not status and not _PERCENT.search(body) and "分之" not in body:
        return None  # nothing any rule below could act on
    child = _CHILD.search(body) or _MOU.search(body) or (names and True)
    places = locators(body, names)
    person = [l for l in places if l[1] in {"mou", "name"}]
    counts = _counts(body)
    small = [(o, v, n) for o, v, n in counts if 0 < v < k]
    singular = _singular(body)
    what = lambda: sensitive.group() if sensitive else ""  # noqa: E731

    if sensitive and child:
        at = sensitive.start()
        if places:
            where = places[0][2] if places[0][1] not in {"name", "mou"} else places[0][2][:1] + "**"
            return Finding(at, "敏感信息",
                           f"这句话把“{what()}”和“{where}”写在一起，村里的人能据此认出是哪个孩子。敏感情况只能写全校合计，"
                           f"而且有和没有的人数都不少于{k}人。可以写成：本学期共有留守儿童53人，学校为需要的孩子提供心理辅导")
        hidden = _SUPPRESSED.search(body)  # “少于10人” next to a sensitive group still says it is small
        if small or singular or hidden:
            at = small[0][0] if small else singular.start() if singular else hidden.start()
            return Finding(at, "敏感信息",
                           f"这句话说有少于{k}个孩子有“{what()}”的情况，村里的人能据此认出是谁。请删掉人数，"
                           f"或只写全校合计且有和没有都不少于{k}人的数字")
        quantified = _quantified_children(body)
        if quantified is not None or _ZERO.search(body):
            return Finding(quantified if quantified is not None else _ZERO.search(body).start(), "敏感信息",
                           f"说孩子们“都”“全部”“每名”或“无一”有“{what()}”的情况，等于说出了每个孩子的情况。"
                           "请改写成不带“都”“全部”的说法，例如：学校为需要的孩子提供心理辅导")
    for at, fraction, scope in _percentages(body):
        if scope != "child" and not (scope is None and child):
            continue
        pool = _pool(body, totals)
        if sensitive:
            if fraction in (0.0, 1.0):
                return Finding(at, "敏感信息", f"不能说孩子“100%”或“0%”有“{what()}”的情况（等于说出了每个孩子的情况）")
            bad = not pool or any(round(fraction * t) < k or t - round(fraction * t) < k for t in pool)
            if bad:
                return Finding(at, "敏感信息",
                               f"这个比例加上学校公布的总人数，能算出有“{what()}”情况的孩子少于{k}人（或算不出是否少于{k}人）。"
                               f"请只写全校合计人数，有和没有都不少于{k}人时才写")
        elif pool and any(0 < round(fraction * t) < k for t in pool):
            return Finding(at, "小数字",
                           f"这个比例乘以学校公布的总人数，得出的人数少于{k}人，等于公布了一个少于{k}人的数字。"
                           f"可以写成：少于{k}人")
    if status:
        if person:
            return Finding(person[0][0], "敏感信息",
                           f"这句话把一个孩子（{person[0][2][:1]}**）和“{status.group()}”写在一起，能认出是谁。"
                           "请改成不指向具体孩子的说法，例如：学校关心每一名留守儿童")
        status_small = [(o, v, n) for o, v, n in small if n == "" or _STATUS.search(n) or (n and status)]
        if status_small or singular:
            at = status_small[0][0] if status_small else singular.start()
            return Finding(at, "小数字",
                           f"这句话说出了少于{k}名{status.group()}孩子（可能还有年级、班级），村里的人能据此认出是哪几个孩子。"
                           f"可以写成：全校共有留守儿童53人；少于{k}人时写“少于{k}人”")
        quantified = _quantified_children(body, predicate=status.start())
        if places and quantified is not None:
            return Finding(quantified, "敏感信息",
                           f"说某个年级或班级的孩子“都是”{status.group()}儿童，等于说出了每个孩子的情况，请删掉")
    return None


def find_text_rules(text: str, k: int, names: Iterable[tuple[int, str]] = (), totals: Iterable = (),
                    review: bool = True) -> list[Hit]:
    """Rules 5, 6 and 7 over one piece of prose (offsets into `text`); REVIEW hits with `review`."""
    return analyse(text, k, names, tuple(totals), review)
