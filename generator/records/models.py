"""The records schools and the bureau keep, as validated pydantic models.

Keys are English (stable, typo-checked); enum values are the Chinese words staff use. Every
value arrives as text (see source.py); the types below turn text into numbers, dates and times,
accepting full-width digits, and explain mistakes in Chinese. Nothing here describes a single
child: public records hold institutional facts and aggregate counts only.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import total_ordering
from datetime import date
from enum import Enum
from typing import Annotated, Any, Optional

from pydantic import (BaseModel, BeforeValidator, ConfigDict, Field, PrivateAttr, StringConstraints, ValidationInfo,
                      field_validator, model_validator)
from pydantic_core import PydanticCustomError

from generator.records import phrasing
from generator.records.festivals import NAMES as FESTIVAL_NAMES, festival_date
from generator.records.phrasing import CHINESE_NUMERAL, note


def _fail(message: str) -> PydanticCustomError:
    return PydanticCustomError("careportal", message)


_WRAPPING_QUOTES = re.compile(r'^(?:“(.*)”|‘(.*)’|"(.*)"|\'(.*)\'|「(.*)」|『(.*)』)$', re.S)


def _nfkc(value: Any) -> Any:
    """A structured value (number, date, time, choice) as staff type it: full-width forms folded,
    surrounding spaces and a pair of quotes copied from Word or WeChat (“15”, 「家访」) removed."""
    if not isinstance(value, str):
        return value
    text = unicodedata.normalize("NFKC", value).strip()
    match = _WRAPPING_QUOTES.match(text)
    if match:
        text = next(g for g in match.groups() if g is not None).strip()
    return text


def _one_line(value: Any) -> Any:
    """Titles and names are one line: a line break (from a `|` block or a paste) becomes a space."""
    return re.sub(r"\s+", " ", value).strip() if isinstance(value, str) else value


# ---------------------------------------------------------------------------------------------
# Basic types

SHORT = 120  # titles, names, roles
MEDIUM = 500  # summaries, one paragraph
LONG = 20_000  # Markdown bodies

ShortText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=SHORT), BeforeValidator(_one_line)]
MediumText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=MEDIUM)]
LongText = Annotated[str, StringConstraints(strip_whitespace=True, max_length=LONG)]


def _to_bool(value: Any) -> Any:
    if isinstance(value, str):
        text = _nfkc(value).lower()
        if text in {"是", "有", "true", "yes", "y", "on", "1"}:
            return True
        if text in {"否", "无", "没有", "不是", "false", "no", "n", "off", "0"}:
            return False
        raise _fail(f"“{value}” 应写成“是”或“否”")
    return value


YesNo = Annotated[bool, BeforeValidator(_to_bool)]

_UNIT = r"(?:人次|人|名|次|场|个|对|所|间|台|套|本|件|位|户|张|期|回|封|节)"
# nouns that may follow a count, as in 42名同学 (read as the count; the noun is the reader's context)
_NOUN = r"(?:留守儿童|留守学生|随迁子女|同学|学生|家长|儿童|孩子|幼儿|老师|教师|监护人|师生|志愿者|干部|民警)"
_UNIT_SUFFIX = re.compile(r"^([0-9]{1,12})\s*" + _UNIT + "?$")
_SPOKEN_COUNT = re.compile(r"^([0-9]{1,12}|" + CHINESE_NUMERAL + r")\s*(" + _UNIT + r"?)\s*(" + _NOUN + "?)$")


def _spoken_count(value: str, text: str) -> Optional[int]:
    """两次, 三场, 42名同学, 十二人: the number, with a reminder of the canonical form."""
    match = _SPOKEN_COUNT.match(text)
    if not match:
        return None
    n = phrasing.number(match.group(1))
    if n is None:
        return None
    note(f"“{value}”已读作 {n}；标准写法是只写阿拉伯数字：{n}", value)
    return n


def _to_count(value: Any) -> Any:
    if isinstance(value, str):
        text = _nfkc(value).replace(",", "")
        match = _UNIT_SUFFIX.match(text)
        if not match:
            spoken = _spoken_count(value, text)
            if spoken is not None:
                return spoken
            if re.search(r"[零〇一二两三四五六七八九十百千万]", text):
                raise _fail(f"“{value}” 看不懂这个数，请用阿拉伯数字，例如 30")
            if re.fullmatch(r"[0-9]{13,}", text):
                raise _fail(f"“{value}” 数字太大了，请检查")
            if re.search(r"^(约|大约|近|多|余)|(多|余|左右)(人|名|次)?$", text):
                raise _fail(f"“{value}” 这里只能写确切的整数，例如 30（不要写“约”“多”“左右”）")
            raise _fail(f"“{value}” 不是整数，应写成数字，例如 30")
        return int(match.group(1))
    return value


Count = Annotated[int, BeforeValidator(_to_count), Field(ge=0, le=10_000_000)]


def _to_rate(value: Any) -> Any:
    if isinstance(value, str):
        text = _nfkc(value).rstrip("%").strip()
        if not _DECIMAL.match(text):
            raise _fail(f"“{value}” 不是百分比，应写成数字，例如 98.5 或 100%")
        return float(text)
    return value


_DECIMAL = re.compile(r"^[0-9]{1,12}(?:\.[0-9]{1,6})?$")  # no signs, exponents, nan or inf

Rate = Annotated[float, BeforeValidator(_to_rate), Field(ge=0, le=100)]


def _to_money(value: Any) -> Any:
    if isinstance(value, str):
        text = _nfkc(value).replace(",", "").removesuffix("元").strip()
        if text.endswith("万") and _DECIMAL.match(text[:-1].strip()):
            return float(text[:-1]) * 10_000
        if not _DECIMAL.match(text):
            raise _fail(f"“{value}” 不是金额，应写成数字（单位：元），例如 6000")
        return float(text)
    return value


Money = Annotated[float, BeforeValidator(_to_money), Field(ge=0, le=1e10)]

_PHONE_CHARS = re.compile(r"^\+?[0-9\- ()]+$")


def _to_phone(value: Any) -> Any:
    if not isinstance(value, str):
        return value
    text = _nfkc(value).replace("（", "(").replace("）", ")").replace("—", "-").replace("－", "-")
    digits = re.sub(r"\D", "", text)
    if not _PHONE_CHARS.match(text) or not 3 <= len(digits) <= 15:
        raise _fail(f"“{value}” 不是有效的电话号码，应写成 0551-12345678 或 12355 这样的形式")
    return re.sub(r"\s+", " ", text)


Phone = Annotated[str, BeforeValidator(_to_phone)]

_TIME = re.compile(r"^([01]?[0-9]|2[0-3]):([0-5][0-9])$")
_TIME_HINT = "时间用 24 小时制写成“时:分”，例如 08:30、14:30"


@dataclass(frozen=True, order=True)
class TimeOfDay:
    hour: int
    minute: int

    def __str__(self) -> str:
        return f"{self.hour:02d}:{self.minute:02d}"


def _to_time(value: Any) -> Any:
    """Only `HH:MM` on the 24-hour clock (full-width digits and colon are fine). Spoken forms such
    as 下午2点半 are refused: 上午/下午 and 点/半 are too easy to get wrong on a parents' meeting."""
    if isinstance(value, TimeOfDay):
        return value
    if not isinstance(value, str):
        raise _fail(f"这里应该是一个时间。{_TIME_HINT}")
    text = _nfkc(value)
    match = _TIME.match(text)
    if match:
        return TimeOfDay(int(match.group(1)), int(match.group(2)))
    if re.search(r"[上下中晚早午夜凌]|点|时|分|半|AM|PM", text, re.I):
        raise _fail(f"“{value}” 请改成 24 小时制的“时:分”，例如“下午2点半”写成 14:30，“上午8点”写成 08:00")
    if re.match(r"^24:00$", text):
        raise _fail(f"“{value}” 不是有效时间，一天最晚写到 23:59")
    if re.match(r"^[0-9]{1,2}:[0-9]{2}:[0-9]{2}$", text):
        raise _fail(f"“{value}” 不用写秒，写成 {text[:-3]} 即可")
    raise _fail(f"“{value}” 不是有效时间。{_TIME_HINT}")


Time = Annotated[TimeOfDay, BeforeValidator(_to_time)]

# One rule for dates (docs/input-rules.md): year, month and (optionally) day in Arabic digits,
# separated by - / . or written 2024年6月1日; full-width digits are folded first.
_DATE_FORMS = (
    re.compile(r"^([0-9]{4})-([0-9]{1,2})(?:-([0-9]{1,2}))?$"),
    re.compile(r"^([0-9]{4})/([0-9]{1,2})(?:/([0-9]{1,2}))?$"),
    re.compile(r"^([0-9]{4})\.([0-9]{1,2})(?:\.([0-9]{1,2}))?$"),
    re.compile(r"^([0-9]{4})\s*年\s*([0-9]{1,2})\s*月(?:\s*([0-9]{1,2})\s*[日号])?$"),
)
_DATE_HINT = "日期写成 2024-06-01 或 2024年6月1日；只知道月份时写 2024-06"
_WEEKDAY_SUFFIX = re.compile(r"\s*[(（]\s*(?:周|星期|礼拜)([一二三四五六日天])\s*[)）]$")
_WEEKDAY_NAMES = "一二三四五六日"


@total_ordering
@dataclass(frozen=True)
class PartialDate:
    """A full date or a year and month (news in the seed documents is often dated by month only).

    The precision travels with the value: people see `chinese()` (2026年9月 for a month, never an
    invented day), HTML's `<time datetime>` gets `iso()` (2026-09 is a valid month string there),
    and only machine formats that require a day (Atom, the sitemap, .ics stamps) use `first_day`.
    A month sorts before the days in it."""

    year: int
    month: int
    day: Optional[int] = None

    @classmethod
    def of(cls, when: date) -> "PartialDate":
        return cls(when.year, when.month, when.day)

    def __lt__(self, other: "PartialDate") -> bool:
        return self.sort_key < other.sort_key

    @property
    def sort_key(self) -> tuple[int, int, int]:
        return (self.year, self.month, self.day or 0)

    @property
    def first_day(self) -> date:
        """A machine date for formats that need a day (the first of the month when only a month is known)."""
        return date(self.year, self.month, self.day or 1)

    @property
    def month_key(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    def iso(self) -> str:
        return f"{self.month_key}-{self.day:02d}" if self.day else self.month_key

    def chinese(self) -> str:
        return f"{self.year}年{self.month}月{self.day}日" if self.day else f"{self.year}年{self.month}月"

    def __str__(self) -> str:
        return self.iso()


def year_in_term(term: "Term", month: int) -> Optional[int]:
    """The calendar year of a month inside a term: the autumn term runs from August to February,
    the spring term from January to August. None when the month lies outside the term."""
    if term.semester == 1:
        return term.start_year if month >= 8 else (term.start_year + 1 if month <= 2 else None)
    return term.start_year + 1 if month <= 8 else None


_FESTIVAL = re.compile(r"^(?:([0-9]{4})\s*年\s*)?(" + "|".join(FESTIVAL_NAMES) + r")(?:当天|那天)?$")
_MONTH_DAY = re.compile(r"^([0-9]{1,2})\s*月(?:\s*([0-9]{1,2})\s*[日号])?$")


def _festival(value: str, text: str) -> Optional[PartialDate]:
    match = _FESTIVAL.match(text)
    if not match:
        return None
    name = match.group(2)
    term = phrasing.recall("term")
    if match.group(1):
        years = [int(match.group(1))]
    elif term is not None:
        years = [term.start_year, term.start_year + 1]
    else:
        raise _fail(f"“{value}” 缺少年份：请写成 2026年{name}，或直接写日期，例如 2026-04-05")
    found = []
    for year in years:
        when = festival_date(year, name)
        if when and (match.group(1) or year_in_term(term, when.month) == year):
            found.append(when)
    if len(found) != 1:
        if match.group(1):
            raise _fail(f"“{value}” 算不出这一年的日期，请直接写日期，例如 {years[0]}-04-05")
        example = festival_date(years[-1], name) or date(years[-1], 1, 1)
        raise _fail(f"“{value}” 不在{term.chinese()}内，请写上年份，例如 {example.year}年{name}，"
                    f"或直接写日期 {example.isoformat()}")
    when = found[0]
    note(f"“{value}”已读作 {when.year}年{when.month}月{when.day}日（{name}）；以后可直接写 {when.isoformat()}", value)
    return PartialDate(when.year, when.month, when.day)


def _month_day(value: str, text: str) -> Optional[PartialDate]:
    """12月31日 inside a record with a term: the year comes from the term."""
    match = _MONTH_DAY.match(text)
    term = phrasing.recall("term")
    if not match or term is None:
        return None
    month = int(match.group(1))
    day = int(match.group(2)) if match.group(2) else None
    if not 1 <= month <= 12:
        return None
    year = year_in_term(term, month)
    if year is None:
        guess = term.start_year + 1 if term.semester == 1 else term.start_year
        raise _fail(f"“{value}” 不在{term.chinese()}内（这个学期是{_term_months(term)}），请写上年份，例如 {guess}年{month}月{day or 1}日")
    try:
        date(year, month, day or 1)
    except ValueError:
        raise _fail(f"“{value}” 不是真实的日期：{year}年{month}月没有{day}日") from None
    found = PartialDate(year, month, day)
    note(f"“{value}”按学期{term.code}读作 {found.chinese()}；标准写法：{found.iso()}", value)
    return found


def _term_months(term: "Term") -> str:
    if term.semester == 1:
        return f"{term.start_year}年8月至{term.start_year + 1}年2月"
    return f"{term.start_year + 1}年1月至8月"


def _to_partial_date(value: Any) -> Any:
    if isinstance(value, PartialDate):
        return value
    if not isinstance(value, str):
        raise _fail(f"这里应该是一个日期。{_DATE_HINT}")
    text = _nfkc(value).replace("—", "-").replace("–", "-")
    spoken = _festival(value, phrasing.simplified(text)) or _month_day(value, text)
    if spoken is not None:
        return spoken
    weekday = _WEEKDAY_SUFFIX.search(text)
    if weekday:
        text = text[: weekday.start()]
    for form in _DATE_FORMS:
        match = form.match(text)
        if not match:
            continue
        year, month = int(match.group(1)), int(match.group(2))
        day = int(match.group(3)) if match.group(3) else None
        if not 1990 <= year <= 2100:
            raise _fail(f"“{value}” 的年份 {year} 不对，请检查")
        if not 1 <= month <= 12:
            # the exact wording the issue specifies for `careportal check`
            raise _fail(f"“{value}” 不是有效日期，应写成 2024-06-01 或 2024-06")
        try:
            when = date(year, month, day or 1)
        except ValueError:
            raise _fail(f"“{value}” 不是真实的日期：{year}年{month}月没有{day}日") from None
        if weekday:
            said = _WEEKDAY_NAMES.index(weekday.group(1).replace("天", "日"))
            if day is None or said != when.weekday():
                real = f"{year}年{month}月{day}日是周{_WEEKDAY_NAMES[when.weekday()]}" if day else "只写了月份"
                raise _fail(f"“{value}” 的星期不对：{real}。日期后面可以不写星期")
        return PartialDate(year, month, day)
    if re.search(r"[0-9]{1,2}:[0-9]{2}", text):
        raise _fail(f"“{value}” 日期和时间请分开写，例如 date: 2024-06-01 和 time: \"14:30\"")
    if re.search(r"[〇零一二三四五六七八九十]", text):
        raise _fail(f"“{value}” 请用阿拉伯数字写日期。{_DATE_HINT}")
    if re.match(r"^[0-9]{1,2}\s*月", text) or re.match(r"^[0-9]{1,2}[-/.][0-9]{1,2}$", text):
        raise _fail(f"“{value}” 缺少年份。{_DATE_HINT}")
    raise _fail(f"“{value}” 不是有效日期。{_DATE_HINT}")


DateOrMonth = Annotated[PartialDate, BeforeValidator(_to_partial_date)]


def _to_full_date(value: Any) -> Any:
    if isinstance(value, date):
        return value
    parsed = _to_partial_date(value)
    if parsed.day is None:
        raise _fail(f"“{value}” 需要写到具体哪一天，例如 2024-06-01")
    return parsed.first_day


FullDate = Annotated[date, BeforeValidator(_to_full_date)]

_TERM = re.compile(r"^([0-9]{4})-([0-9]{4})-([12])$")


@dataclass(frozen=True, order=True)
class Term:
    """A school term: the school year's two calendar years and the semester (1 = autumn, 2 = spring)."""

    start_year: int
    semester: int

    @property
    def code(self) -> str:
        return f"{self.start_year}-{self.start_year + 1}-{self.semester}"

    def chinese(self) -> str:
        return f"{self.start_year}—{self.start_year + 1}学年第{'一' if self.semester == 1 else '二'}学期"

    def __str__(self) -> str:
        return self.code


def to_term(value: Any) -> Any:
    if isinstance(value, Term):
        return value
    if not isinstance(value, str):
        raise _fail("这里应该是一个学期，例如 2024-2025-1")
    text = _nfkc(value)
    match = _TERM.match(text.replace("—", "-").replace("–", "-"))
    if match and int(match.group(2)) == int(match.group(1)) + 1:
        return Term(int(match.group(1)), int(match.group(3)))
    raise _fail(f"“{value}” 不是有效学期，应写成 2024-2025-1（2024—2025学年第一学期）或 2024-2025-2（第二学期）")


TermCode = Annotated[Term, BeforeValidator(to_term)]


def _choice_reader(enum, aliases: Optional[dict[str, str]] = None):
    values = {member.value for member in enum}

    def read(value: Any) -> Any:
        text = _nfkc(value)
        if not isinstance(text, str) or text in values:
            return text
        folded = phrasing.simplified(text)
        folded = (aliases or {}).get(folded, folded)
        if folded in values:
            note(f"“{value}”已读作“{folded}”；标准写法：{folded}", value)
            return folded
        return text

    return read


class _ChoiceOf:
    """`Choice[SomeEnum]`: an enumeration written as staff type it (full-width, in “quotes”, or in
    Traditional script, folded to Simplified with a reminder)."""

    def __class_getitem__(cls, enum):
        return Annotated[enum, BeforeValidator(_choice_reader(enum))]


Choice = _ChoiceOf


class Record(BaseModel):
    """Base for every record: unknown keys are errors, so a typo like `titel` never passes silently."""

    model_config = ConfigDict(extra="forbid", frozen=True, arbitrary_types_allowed=True)


# ---------------------------------------------------------------------------------------------
# Enumerations (values are what staff write)


class SchoolKind(str, Enum):
    PRIMARY = "小学"
    CENTRAL_PRIMARY = "中心小学"
    JUNIOR = "初中"
    NINE_YEAR = "九年一贯制"
    CENTRAL_SCHOOL = "中心学校"
    KINDERGARTEN = "幼儿园"


class ActivityKind(str, Enum):
    CLASS_MEETING = "主题班会"
    SAFETY_TALK = "安全教育讲座"
    HOME_VISIT = "家访"
    FAMILY_CALL = "亲情通话"
    LETTERS = "两地书"
    SPORTS_ARTS = "文体活动"
    FESTIVAL = "节日活动"
    MENTAL_HEALTH = "心理健康"
    PARENT_MEETING = "家长会"
    VOLUNTEER = "志愿服务"
    DONATION = "捐赠资助"
    HEALTH_CHECK = "健康体检"
    OTHER = "其他"

    @property
    def slug(self) -> str:
        return ACTIVITY_KIND_SLUGS[self]


ACTIVITY_KIND_SLUGS = {
    ActivityKind.CLASS_MEETING: "class-meeting",
    ActivityKind.SAFETY_TALK: "safety",
    ActivityKind.HOME_VISIT: "home-visit",
    ActivityKind.FAMILY_CALL: "family-call",
    ActivityKind.LETTERS: "letters",
    ActivityKind.SPORTS_ARTS: "sports-arts",
    ActivityKind.FESTIVAL: "festival",
    ActivityKind.MENTAL_HEALTH: "mental-health",
    ActivityKind.PARENT_MEETING: "parent-meeting",
    ActivityKind.VOLUNTEER: "volunteer",
    ActivityKind.DONATION: "donation",
    ActivityKind.HEALTH_CHECK: "health-check",
    ActivityKind.OTHER: "other",
}

# Activities a parent may want to come home for or put in a calendar.
MEETING_KINDS = {ActivityKind.PARENT_MEETING, ActivityKind.HOME_VISIT}


class PolicyCategory(str, Enum):
    ARCHIVE = "档案建设"
    PAIRING = "结对帮扶"
    TALK = "谈心"
    HOME_VISIT = "家访"
    HOME_SCHOOL = "家校联系"
    GUARDIAN_MEETING = "监护人会议"
    SAFETY = "安全应急"
    MENTAL_HEALTH = "心理健康"
    ROOM = "阵地管理"
    ASSESSMENT = "考核评价"
    AID = "资助帮扶"
    OTHER = "其他"


class CadencePer(str, Enum):
    DAY = "天"
    WEEK = "周"
    TWO_WEEKS = "两周"
    MONTH = "月"
    SEMESTER = "学期"
    HALF_YEAR = "半年"
    YEAR = "年"


class TermWindow(str, Enum):
    START = "期初"
    MIDDLE = "期中"
    END = "期末"
    HOLIDAY = "假期"


class ResourceKind(str, Enum):
    CARE_HOME = "留守儿童之家"
    ACTIVITY_ROOM = "活动室"
    COUNSELLING = "心理咨询室"
    FAMILY_PHONE = "亲情电话"
    PARENT_SCHOOL = "家长学校"
    READING_CORNER = "图书角"
    RADIO = "红领巾广播站"
    OTHER = "其他"


class CareHomeTier(str, Enum):
    TIER_ONE = "模式一"
    TIER_TWO = "模式二"


class Weekday(str, Enum):
    MON = "周一"
    TUE = "周二"
    WED = "周三"
    THU = "周四"
    FRI = "周五"
    SAT = "周六"
    SUN = "周日"

    @property
    def index(self) -> int:
        return list(Weekday).index(self)


class Qualifier(str, Enum):
    ABOUT = "约"
    MORE_THAN = "多"
    OVER = "余"


class LetterAudience(str, Enum):
    PARENTS_AWAY = "外出务工家长"
    GUARDIANS = "临时监护人"
    PARENTS = "全体家长"
    STUDENTS = "学生"
    PUBLIC = "社会各界"


class ContactKind(str, Enum):
    """What kind of line a published number is (privacy/contacts.py): only institutional lines."""

    OFFICE = "单位电话"
    FAMILY = "亲情电话"
    DUTY_MOBILE = "值班手机"  # a mobile phone that belongs to the school, not to a person


class PhotoFaces(str, Enum):
    NONE = "none"
    BLURRED = "blurred"
    CONSENTED = "consented"


# ---------------------------------------------------------------------------------------------
# Shared parts

_DAY_ALIASES = {"星期一": "周一", "星期二": "周二", "星期三": "周三", "星期四": "周四", "星期五": "周五",
                "星期六": "周六", "星期日": "周日", "星期天": "周日", "周天": "周日"}


def _to_days(value: Any) -> Any:
    """`周一至周五`, `周一、周三` or a YAML list of days."""
    if isinstance(value, str):
        text = _nfkc(value)
        if phrasing.simplified(text) != text:
            folded = phrasing.simplified(text)
            note(f"“{value}”已读作“{folded}”（简体）；标准写法：{folded}", value)
            text = folded
        for long, short in _DAY_ALIASES.items():
            text = text.replace(long, short)
        names = [d.value for d in Weekday]
        span = re.match(r"^(周.)\s*(?:至|到|-|~|—)\s*(周.)$", text)
        if span and span.group(1) in names and span.group(2) in names:
            start, end = names.index(span.group(1)), names.index(span.group(2))
            if start <= end:
                return names[start : end + 1]
        if text in {"每天", "天天", "全周"}:
            return names
        parts = [p for p in re.split(r"[、,，\s]+", text) if p]
        if parts and all(p in names for p in parts):
            return parts
        raise _fail(f"“{value}” 不是有效的星期，应写成“周一至周五”或“周一、周三”")
    if isinstance(value, list):
        days = []
        for v in value:
            if isinstance(v, str):
                text = phrasing.simplified(_nfkc(v))
                if text != _nfkc(v):
                    note(f"“{v}”已读作“{text}”（简体）；标准写法：{text}", v)
                v = _DAY_ALIASES.get(text, text)
            days.append(v)
        return days
    return value


class WeeklyHours(Record):
    """Opening hours on some days of the week, e.g. 周一至周五 12:00—13:30, or a part of the day
    when the clock times are not known (period: 中午), optionally with times as well."""

    days: Annotated[list[Weekday], BeforeValidator(_to_days), Field(min_length=1)]
    start: Optional[Time] = None
    end: Optional[Time] = None
    period: Optional[ShortText] = None  # 中午 / 下午课后
    note: Optional[ShortText] = None

    @model_validator(mode="before")
    @classmethod
    def _period_in_start(cls, data: Any) -> Any:
        """`start: 中午` (a part of the day where a clock time goes) → period: 中午."""
        if isinstance(data, dict) and isinstance(data.get("start"), str) and data.get("period") is None:
            data_start = data["start"]
            text = _nfkc(data_start)
            if phrasing.PERIOD.match(phrasing.simplified(text)) and data.get("end") in (None, ""):
                data = {k: v for k, v in data.items() if k not in {"start", "end"}}
                data["period"] = phrasing.simplified(text)
                note(f"“{text}”已读作开放时段“{data['period']}”（没有具体钟点）；标准写法：period: {data['period']}"
                     "，知道钟点时再写 start 和 end", data_start, "start")
        return data

    @model_validator(mode="after")
    def _times_or_period(self) -> "WeeklyHours":
        if (self.start is None) != (self.end is None):
            raise _fail("开始时间 start 和结束时间 end 要一起写；不知道钟点时请写时段，例如 period: 中午")
        if self.start is None and self.period is None:
            raise _fail("请写开放时间：start: \"12:00\" 和 end: \"13:30\"，或者时段，例如 period: 中午")
        return self


class Contact(Record):
    """An institutional contact (an office or duty line), never a teacher's personal mobile."""

    role: ShortText
    phone: Phone
    kind: Optional[Choice[ContactKind]] = None  # without it: a landline is 单位电话, a mobile is refused
    hours: Optional[ShortText] = None
    note: Optional[ShortText] = None


class FamilyPhone(Record):
    """The 亲情电话: the line children use to call parents far away, and parents call in on."""

    number: Phone
    kind: Optional[Choice[ContactKind]] = None  # 值班手机 when the family line is a school-owned mobile
    hours: list[WeeklyHours] = Field(default_factory=list)
    location: Optional[ShortText] = None
    note: Optional[MediumText] = None


class LeadingGroupMember(Record):
    role: ShortText  # 组长 / 副组长 / 成员
    position: ShortText  # 校长 / 德育主任 / 各班班主任
    name: Optional[ShortText] = None  # only a staff member who agreed; must be in staff_names
    duty: Optional[MediumText] = None


class LeadingGroup(Record):
    name: ShortText = "关爱留守儿童工作领导小组"
    members: list[LeadingGroupMember] = Field(min_length=1)
    meets: Optional[ShortText] = None  # e.g. 每月召开一次工作会议


_PARTICIPANTS = re.compile(r"^(约|大约)?\s*([0-9]{1,12}|" + CHINESE_NUMERAL + r")\s*(多|余)?\s*(人次|人|名|位|个)?\s*("
                           + _NOUN + r")?$")


def _to_participants(value: Any) -> Any:
    """`约40`, `40多人`, `40余名`, `40`, `42名同学`, `300余人次`, `四十多人` or a mapping
    {count, qualifier, unit, group}."""
    if isinstance(value, str):
        text = _nfkc(value).replace(",", "")
        match = _PARTICIPANTS.match(text)
        n = phrasing.number(match.group(2)) if match else None
        if not match or n is None or (match.group(1) and match.group(3)):
            raise _fail(f"“{value}” 看不懂，应写成 40、约40、40多、40余、42名同学 或 300余人次")
        qualifier = "约" if match.group(1) else match.group(3)
        unit = "人次" if match.group(4) == "人次" else None
        group = match.group(5)
        read = {"count": str(n), "qualifier": qualifier, "unit": unit, "group": group}
        if group or not match.group(2).isdigit():
            shown = f"{'约' if qualifier == '约' else ''}{n}{qualifier if qualifier in ('多', '余') else ''}{unit or ''}"
            canonical = f"participants: {shown}" + (f"（要写明对象时，写成 count: {n} 和 group: {group} 两行）" if group else "")
            note(f"“{value}”已读作 {shown}{'' if unit else '人'}{'（' + group + '）' if group else ''}；标准写法：{canonical}", value)
        return {k: v for k, v in read.items() if v is not None}
    return value


class ParticipantUnit(str, Enum):
    PERSONS = "人"
    ATTENDANCES = "人次"  # the same person counted once per session


class Participants(Record):
    count: Count
    qualifier: Optional[Choice[Qualifier]] = None
    unit: Optional[Choice[ParticipantUnit]] = None
    group: Optional[ShortText] = None  # 留守儿童 / 全体学生 / 监护人


class Photo(Record):
    file: ShortText  # under the school's photos/ folder, e.g. 2024-06-01-1.jpg
    caption: ShortText
    consent: Optional[ShortText] = None  # id of the guardians' written consent in private/consents.csv
    faces: Optional[Choice[PhotoFaces]] = None


# ---------------------------------------------------------------------------------------------
# Bureau


class Region(Record):
    province: ShortText
    city: ShortText
    county: ShortText


class PrivacySettings(Record):
    # k, the smallest count about children a page may show; its floor and what is suppressed below
    # it are privacy/suppression.py's alone
    min_cell: int = Field(default=10, ge=0, le=100)


class Bureau(Record):
    name: ShortText
    region: Region
    site_url: Optional[Annotated[str, StringConstraints(pattern=r"^https?://[^\s<>\"]+$", max_length=300)]] = None
    contact: Contact
    address: Optional[ShortText] = None
    default_term: TermCode
    intro: Optional[MediumText] = None
    privacy: PrivacySettings = Field(default_factory=PrivacySettings)
    updated: Optional[FullDate] = None


# ---------------------------------------------------------------------------------------------
# School and its records


class School(Record):
    name: ShortText
    kind: Choice[SchoolKind]
    township: ShortText
    boarding: YesNo = False
    address: ShortText
    intro: MediumText
    family_phone: FamilyPhone
    contacts: list[Contact] = Field(default_factory=list)
    leading_group: Optional[LeadingGroup] = None
    staff_names: list[ShortText] = Field(default_factory=list)  # staff who agreed to be named
    # words the name reminder asked about that are not names (a phrase around one: that sentence only)
    not_names: list[ShortText] = Field(default_factory=list)
    updated: Optional[FullDate] = None


_RANGE_SEP = r"\s*(?:—+|–|-{1,2}|~|～|至|到)\s*"
_DATE_RANGE = re.compile(r"^(.+?[日号]|[0-9]{4}([-/.])[0-9]{1,2}\2[0-9]{1,2})" + _RANGE_SEP + r"(.+)$")
_END_DAY = re.compile(r"^([0-9]{1,2})\s*[日号]?$")
_END_MONTH_DAY = re.compile(r"^([0-9]{1,2})\s*月\s*([0-9]{1,2})\s*[日号]$")


def _split_date_range(value: str) -> Optional[tuple[str, str]]:
    """`10月1日—7日`, `2026年10月1日至10月7日`, `2026-10-01至2026-10-07` → (start, end) in ISO
    form; None when `value` is not a range (a single date, which the date type reads)."""
    text = _nfkc(value)
    match = _DATE_RANGE.match(text)
    if not match or _TERM.match(text):
        return None
    left, right = match.group(1), match.group(3).strip()
    with phrasing.quiet():
        try:
            start = _to_partial_date(left)
        except PydanticCustomError:
            return None
        if start.day is None:
            return None
        day, month_day = _END_DAY.match(right), _END_MONTH_DAY.match(right)
        if day or month_day:
            month = int(month_day.group(1)) if month_day else start.month
            end = PartialDate(start.year + (month < start.month), month, int((month_day or day).group(2 if month_day else 1)))
            try:
                end.first_day
            except ValueError:
                return None
        else:
            try:
                end = _to_partial_date(right)
            except PydanticCustomError:
                return None
    return start.iso(), end.iso() if end.day else end.iso()


def date_range_text(start: PartialDate, end: Optional[PartialDate]) -> str:
    """2026年10月1日至7日; 2026年9月30日至10月7日; 2026年12月30日至2027年1月2日."""
    if end is None or end.day is None or end == start:
        return start.chinese()
    if end.year != start.year:
        return f"{start.chinese()}至{end.chinese()}"
    if end.month != start.month:
        return f"{start.chinese()}至{end.month}月{end.day}日"
    return f"{start.chinese()}至{end.day}日"


class Activity(Record):
    title: ShortText
    date: DateOrMonth
    end_date: Optional[DateOrMonth] = None  # the last day of an activity over several days
    time: Optional[Time] = None
    location: Optional[ShortText] = None
    kind: Choice[ActivityKind]
    term: TermCode
    participants: Optional[Annotated[Participants, BeforeValidator(_to_participants)]] = None
    organizer: Optional[ShortText] = None
    partners: list[ShortText] = Field(default_factory=list)
    programme: Optional[ShortText] = None  # e.g. 九个一 (a programme record's name, or free text)
    programme_part: Optional[ShortText] = None  # the part it fulfils: its number (3, 第三条) or its title
    summary: MediumText
    body: LongText = ""
    photos: list[Photo] = Field(default_factory=list)

    @model_validator(mode="before")
    @classmethod
    def _read_term_and_range(cls, data: Any) -> Any:
        """The term fixes the year of a month-day date; a date range is split into date and end_date."""
        if not isinstance(data, dict):
            return data
        try:
            phrasing.remember("term", to_term(data.get("term")))
        except PydanticCustomError:
            pass  # reported on the term's own line
        written = data.get("date")
        if isinstance(written, str) and data.get("end_date") is None:
            found = _split_date_range(written)
            if found is not None:
                start, end = PartialDate(*map(int, found[0].split("-"))), PartialDate(*map(int, found[1].split("-")))
                note(f"“{written}”已读作 {date_range_text(start, end)}；标准写法：date: {found[0]} 和 end_date: {found[1]}",
                     written, "date")
                data = {**data, "date": found[0], "end_date": found[1]}
        return data


class Letter(Record):
    """A letter or notice to families (致家长的一封信, 安全告知书, 倡议书), printable on one A4 page."""

    title: ShortText  # 致外出务工家长的一封信
    date: FullDate
    audience: list[Choice[LetterAudience]] = Field(min_length=1)
    greeting: Optional[ShortText] = None  # 尊敬的家长朋友：
    body: LongText
    asks: list[MediumText] = Field(default_factory=list)  # what the school asks of them, e.g. 四个一
    signed: ShortText  # 落款: the school or one of its offices


_PER_ALIASES = {"日": "天", "二周": "两周", "双周": "两周", "半月": "两周", "星期": "周", "礼拜": "周", "个月": "月",
                "学年": "年", "年度": "年", "半学年": "半年"}


def _to_per(value: Any) -> Any:
    """`两周`, and as staff write it: `每两周`, `每学期`, `每个月`, `每星期` (with a reminder)."""
    text = _nfkc(value)
    if not isinstance(text, str):
        return text
    read = phrasing.simplified(text)
    read = read[1:] if read.startswith("每") and len(read) > 1 else read
    read = _PER_ALIASES.get(read, read)
    if read not in {p.value for p in CadencePer}:
        word = _vague_word(text)
        if word is not None:  # 经常 beside a count: which is meant cannot be told
            raise _fail(f"“{value}”不是周期：写了次数 count 时，per 写 天、周、两周、月、学期、半年 或 年；"
                        f"说不出次数时删掉 count，改写 frequency: {word}")
        return text  # refused as written
    if read != text:
        note(f"“{value}”已读作“每{read}”；标准写法：per: {read}（句子里会自动加“每”）", value, "per")
    return read


_COUNT_RANGE = re.compile(r"^([0-9]{1,3}|" + CHINESE_NUMERAL + r")" + _RANGE_SEP + r"([0-9]{1,3}|" + CHINESE_NUMERAL
                          + r")\s*(?:次|回|场|封|个)?$")


class VagueFrequency(str, Enum):
    """How often, said without a number, as policies say it (班主任经常与留守儿童谈心; 定期不定期家访)."""

    OFTEN = "经常"
    REGULARLY = "定期"
    IRREGULARLY = "不定期"
    BOTH = "定期不定期"
    ANY_TIME = "随时"
    LONG_TERM = "长期"
    ALL_YEAR = "常年"


_VAGUE_ALIASES = {"定期与不定期": "定期不定期", "定期和不定期": "定期不定期", "定期、不定期": "定期不定期",
                  "定期或不定期": "定期不定期", "定期与不定期相结合": "定期不定期", "定期不定期相结合": "定期不定期",
                  "经常性": "经常"}
_read_vague = _choice_reader(VagueFrequency, _VAGUE_ALIASES)


def _vague_word(value: Any) -> Optional[str]:
    """The canonical word of a vague frequency written in `per` or `count` (经常, 經常), else None."""
    with phrasing.quiet():  # the caller notes its own reminder
        read = _read_vague(value)
    return read if isinstance(read, str) and read in {v.value for v in VagueFrequency} else None


def _to_duty(value: Any) -> Any:
    """A duty written as one sentence is refused with the form to write (its parts cannot be told apart)."""
    if isinstance(value, str):
        raise _fail(f"“{value[:40]}” 请把这项职责分开写成几行：who（谁来做，可不写）、action（做什么）、"
                    "count 和 per（例如 count: 1 和 per: 月），说不出次数时写 frequency: 经常")
    return value


class Duty(Record):
    """One duty of a policy: who does what how often, rendered as one sentence — 班主任每月与每名留守
    儿童谈心一次; 学校督促家长每两周与孩子通电话一次 (the school's duty, done through the parents);
    班主任经常与留守儿童谈心 (a frequency without a number); 每学期一至两次 for a range.
    "至少" only when `at_least` says so."""

    who: Optional[ShortText] = None  # 班主任 / 学校 / 家长 / 生活老师; default: the policy's responsible_role
    through: Optional[ShortText] = None  # 督促家长 / 组织留守儿童: the duty is done through others
    action: ShortText  # 与每名留守儿童谈心
    count: Optional[Annotated[int, BeforeValidator(_to_count), Field(ge=1, le=100)]] = None
    count_max: Optional[Annotated[int, BeforeValidator(_to_count), Field(ge=1, le=100)]] = None
    per: Optional[Annotated[CadencePer, BeforeValidator(_to_per)]] = None
    frequency: Optional[Annotated[VagueFrequency, BeforeValidator(_read_vague)]] = None
    at_least: YesNo = False
    windows: list[Choice[TermWindow]] = Field(default_factory=list)

    @model_validator(mode="before")
    @classmethod
    def _read_forms(cls, data: Any) -> Any:
        """`count: 1-2` or `count: 一至两次` → count 1 and count_max 2; `per: 经常` (no count) → frequency."""
        if not isinstance(data, dict):
            return data
        if isinstance(data.get("count"), str) and data.get("count_max") is None:
            written = data["count"]
            match = _COUNT_RANGE.match(_nfkc(written))
            if match:
                low, high = phrasing.number(match.group(1)), phrasing.number(match.group(2))
                if low is not None and high is not None:
                    if not re.fullmatch(r"[0-9]+\s*-\s*[0-9]+", _nfkc(written)):
                        note(f"“{written}”已读作 {low} 至 {high} 次；标准写法：count: {low}-{high}", written, "count")
                    data = {**data, "count": str(low), "count_max": str(high)}
        if data.get("frequency") is None:
            for key, other in (("per", "count"), ("count", "per")):
                word = _vague_word(data.get(key))
                if word is not None and data.get(other) is None and data.get("count_max") is None:
                    written = data[key]
                    note(f"“{written}”已读作频次“{word}”（没有具体次数）；标准写法：frequency: {word}（不写 count 和 per）",
                         written, key)
                    data = {k: v for k, v in data.items() if k != key}
                    data["frequency"] = word
                    break
        return data

    @model_validator(mode="after")
    def _one_frequency(self) -> "Duty":
        if self.frequency is not None:
            written = [name for name in ("count", "count_max", "per") if getattr(self, name) is not None]
            if written:
                raise _fail(f"写了 frequency: {self.frequency.value}（没有具体次数）就不要再写 {'、'.join(written)}；"
                            f"有确切次数时删掉 frequency，写 count 和 per，例如 count: 1 和 per: 月")
            if self.at_least:
                raise _fail(f"“{self.frequency.value}”没有次数，不能加“至少”：请删掉 at_least")
            return self
        for name, label, example in (("count", "次数", "count: 1"), ("per", "周期", "per: 月")):
            if getattr(self, name) is None:
                raise _fail(f"缺少必填项“{name}”（{label}），请补上，例如 {example}（每月一次写 count: 1 和 per: 月）；"
                            "说不出次数时不写 count 和 per，改写 frequency: 经常（或 定期、不定期）")
        if self.count_max is not None and self.count_max <= self.count:
            raise _fail(f"次数范围 {self.count}-{self.count_max} 不对：后一个数要比前一个大；只有一个次数时写 count: {self.count}")
        return self


class Policy(Record):
    """A care policy (谈心制度, 家访制度 …) and its duties, each read as one sentence. A policy written
    before `duties` existed holds its one duty as `cadence:`; both forms are read, not both at once."""

    name: ShortText
    category: Choice[PolicyCategory]
    summary: MediumText
    responsible_role: ShortText
    duties: Annotated[list[Annotated[Duty, BeforeValidator(_to_duty)]], Field(max_length=20)] = Field(default_factory=list)
    cadence: Optional[Duty] = Field(default=None, json_schema_extra={"replaced_by": "duties"})
    instrument: Optional[ShortText] = None  # 记录卡 / 联系卡 / 家访记录
    body: LongText = ""

    @field_validator("cadence")
    @classmethod
    def _one_form(cls, cadence: Optional[Duty], info: ValidationInfo) -> Optional[Duty]:
        """Reported on the `cadence:` line (duties, declared first, are validated already)."""
        if cadence is not None and info.data.get("duties"):
            raise _fail("cadence 和 duties 只能写一个：请把 cadence 下面的内容移到 duties 下面，作为其中一项（以“- ”开头）")
        return cadence

    @property
    def all_duties(self) -> tuple[Duty, ...]:
        return (self.cadence,) if self.cadence is not None else tuple(self.duties)


class EquipmentItem(Record):
    item: ShortText
    quantity: Optional[Count] = None
    quantity_unstated: YesNo = False  # 若干: there is some, the number is not stated

    @model_validator(mode="before")
    @classmethod
    def _unstated(cls, data: Any) -> Any:
        if isinstance(data, dict) and isinstance(data.get("quantity"), str):
            written = data["quantity"]
            if phrasing.simplified(_nfkc(written)) in phrasing.UNSTATED_QUANTITY:
                note(f"“{written}”已读作“数量未写明”，网站上显示“若干”；知道数量时请写数字，例如 quantity: 20",
                     written, "quantity")
                data = {k: v for k, v in data.items() if k != "quantity"}
                data["quantity_unstated"] = "是"
        return data


class Resource(Record):
    kind: Choice[ResourceKind]
    name: ShortText
    location: ShortText
    intro: Optional[MediumText] = None
    hours: list[WeeklyHours] = Field(default_factory=list)
    hours_note: Optional[ShortText] = None  # e.g. 寒暑假不开放
    equipment: list[EquipmentItem] = Field(default_factory=list)
    rules: list[MediumText] = Field(default_factory=list)
    contact: Optional[Contact] = None
    tier: Optional[Choice[CareHomeTier]] = None
    body: LongText = ""


class SharedResource(Resource):
    """A place run by the county, a township or the 妇联 and used by several schools
    (content/resources/*.yml): defined once, shown on each school's 关爱阵地 pages and the portal."""

    operator: ShortText  # 青溪镇人民政府 / 县妇联
    schools: Annotated[list[ShortText], Field(min_length=1)]  # the folder names of the schools it serves


def _to_part(value: Any) -> Any:
    """A part written as one sentence (`- 每月与留守儿童谈心一次`) or as {title, text, cadence, audience}."""
    return {"title": value} if isinstance(value, str) else value


class ProgrammePart(Record):
    title: ShortText  # 一次家访 / 每月与留守儿童谈心一次
    text: Optional[MediumText] = None  # the commitment in full
    cadence: Optional[ShortText] = None  # 每学期一次
    audience: Optional[ShortText] = None  # 班主任 / 家长


class Programme(Record):
    """A named programme with numbered parts (九个一, 三个一, 四个一, 三个优先, 五统一, 三结合): the
    bureau's in content/programmes/, a school's own in schools/<slug>/programmes/. Activities
    name it (programme) and the part they fulfil (programme_part)."""

    name: ShortText
    summary: MediumText
    by: Optional[ShortText] = None  # who set it: 县教育局 / 县妇联 / 本校
    parts: Annotated[list[Annotated[ProgrammePart, BeforeValidator(_to_part)]], Field(min_length=1, max_length=30)]
    body: LongText = ""

    def part(self, written: str) -> Optional[int]:
        """The 1-based number of the part an activity names: 3, 第三条, （三）, or its title."""
        text = _nfkc(written)
        bare = re.sub(r"^第\s*|\s*[条项个点]$|^[(（]|[)）]$", "", text).strip()
        n = phrasing.number(bare)
        if n is not None:
            return n if 1 <= n <= len(self.parts) else None
        folded = phrasing.simplified(text)
        for index, part in enumerate(self.parts, start=1):
            if folded in {part.title, phrasing.simplified(part.title)}:
                return index
        return None


class GradeBand(Record):
    band: ShortText  # 1—3年级 / 4—6年级 / 初中 / 幼儿园
    count: Count


_SHARE = re.compile(r"^(?:占|约占|占比)?\s*([0-9]{1,3}(?:\.[0-9]{1,3})?)\s*[%％]$")


class LeftBehindCounts(Record):
    """`total` is the count; a source that states a share (留守儿童占79%) may give `share` instead,
    converted to a count against the summary's students_total (rounded, with a reminder)."""

    total: Optional[Count] = None
    share: Optional[Rate] = None  # percent of students_total
    both_parents_away: Optional[Count] = None
    one_parent_away: Optional[Count] = None
    by_grade_band: list[GradeBand] = Field(default_factory=list)

    _derived: bool = PrivateAttr(default=False)

    @property
    def derived(self) -> bool:
        """The total was converted from the share, not written."""
        return self._derived

    @model_validator(mode="before")
    @classmethod
    def _share_in_total(cls, data: Any) -> Any:
        """`total: 占79%` → share: 79 (and `share: 占79%` → 79)."""
        if isinstance(data, dict) and isinstance(data.get("share"), str):
            match = _SHARE.match(_nfkc(data["share"]))
            if match:
                data = {**data, "share": match.group(1)}
        if isinstance(data, dict) and isinstance(data.get("total"), str) and data.get("share") is None:
            match = _SHARE.match(_nfkc(data["total"]))
            if match:
                data = {**data, "share": match.group(1)}
                phrasing.remember("share_written", (data.pop("total"), "total"))
        return data

    @model_validator(mode="after")
    def _count_from_share(self) -> "LeftBehindCounts":
        if self.total is not None:
            return self
        if self.share is None:
            raise _fail("缺少留守儿童人数 total，请补上（例如 total: 320）；来源只给了比例时写 share: 79%")
        students = phrasing.recall("students")
        if students is None:
            raise _fail(f"写了比例 share（{self.share:g}%）就要写在校学生总数 students_total，才能算出人数；"
                        "或者直接写人数 total")
        total = int(students * self.share / 100 + 0.5)
        written, key = phrasing.recall("share_written") or (None, "share")
        note(f"留守儿童占{self.share:g}%，按在校学生总数{students}人折算为{total}人（四舍五入），网站上显示“{total}人（占{self.share:g}%）”；"
             f"知道确切人数时请直接写 total: {total}", written if written is not None else f"{self.share:g}", key)
        converted = self.model_copy(update={"total": total})
        converted._derived = True
        return converted


class Rates(Record):
    enrollment: Optional[Rate] = None  # 入学率
    retention: Optional[Rate] = None  # 巩固率
    archive: Optional[Rate] = None  # 建档率


class ProgrammeFigures(Record):
    pairs: Optional[Count] = None  # 结对帮扶 pairs
    caring_mothers: Optional[Count] = None  # 爱心妈妈
    home_visits: Optional[Count] = None
    talks: Optional[Count] = None  # 谈心
    family_calls: Optional[Count] = None  # 亲情通话
    lectures: Optional[Count] = None
    lecture_audience: Optional[Count] = None


class Donations(Record):
    amount_yuan: Optional[Money] = None
    recipients: Optional[Count] = None  # a count only, never a list of children
    items: list[ShortText] = Field(default_factory=list)  # in-kind, e.g. 书包 200 个
    donors: list[ShortText] = Field(default_factory=list)  # organisations


class SensitiveCount(Record):
    """A sensitive attribute (心理辅导, 资助 …) counted at school level only."""

    attribute: ShortText
    count: Count


class TermSummary(Record):
    term: TermCode
    students_total: Optional[Count] = None

    @model_validator(mode="before")
    @classmethod
    def _read_students(cls, data: Any) -> Any:
        """left_behind.share is converted against students_total."""
        if isinstance(data, dict) and data.get("students_total") is not None:
            with phrasing.quiet():
                try:
                    phrasing.remember("students", _to_count(data["students_total"]))
                except PydanticCustomError:
                    pass  # reported on its own line
        return data

    left_behind: LeftBehindCounts
    migrant_total: Optional[Count] = None  # 随迁子女
    rates: Rates = Field(default_factory=Rates)
    programme: ProgrammeFigures = Field(default_factory=ProgrammeFigures)
    donations: Donations = Field(default_factory=Donations)
    sensitive: list[SensitiveCount] = Field(default_factory=list)
    highlights: list[MediumText] = Field(default_factory=list)
    problems: list[MediumText] = Field(default_factory=list)
    next_steps: list[MediumText] = Field(default_factory=list)
