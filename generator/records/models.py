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
from datetime import date
from enum import Enum
from typing import Annotated, Any, Optional

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints
from pydantic_core import PydanticCustomError


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

_UNIT_SUFFIX = re.compile(r"^([0-9]{1,12})\s*(?:人|名|次|场|个|对|所|间|台|套|本|件|位|户)?$")


def _to_count(value: Any) -> Any:
    if isinstance(value, str):
        text = _nfkc(value).replace(",", "")
        match = _UNIT_SUFFIX.match(text)
        if not match:
            if re.search(r"[零〇一二两三四五六七八九十百千万]", text):
                raise _fail(f"“{value}” 请用阿拉伯数字，例如 30")
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


@dataclass(frozen=True)
class PartialDate:
    """A full date or a year and month (news in the seed documents is often dated by month only)."""

    year: int
    month: int
    day: Optional[int] = None

    @property
    def sort_key(self) -> tuple[int, int, int]:
        return (self.year, self.month, self.day or 0)

    @property
    def first_day(self) -> date:
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


def _to_partial_date(value: Any) -> Any:
    if isinstance(value, PartialDate):
        return value
    if not isinstance(value, str):
        raise _fail(f"这里应该是一个日期。{_DATE_HINT}")
    text = _nfkc(value).replace("—", "-").replace("–", "-")
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


class _ChoiceOf:
    """`Choice[SomeEnum]`: an enumeration written as staff type it (full-width, in “quotes”)."""

    def __class_getitem__(cls, enum):
        return Annotated[enum, BeforeValidator(_nfkc)]


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
        return [_DAY_ALIASES.get(_nfkc(v), _nfkc(v)) if isinstance(v, str) else v for v in value]
    return value


class WeeklyHours(Record):
    """Opening hours on some days of the week, e.g. 周一至周五 12:00—13:30."""

    days: Annotated[list[Weekday], BeforeValidator(_to_days), Field(min_length=1)]
    start: Time
    end: Time
    note: Optional[ShortText] = None


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


def _to_participants(value: Any) -> Any:
    """`约40`, `40多人`, `40余名`, `40` or a mapping {count, qualifier, group}."""
    if isinstance(value, str):
        text = _nfkc(value)
        match = re.match(r"^(约)?\s*(\d+)\s*(多|余)?\s*(?:人|名)?$", text)
        if not match or (match.group(1) and match.group(3)):
            raise _fail(f"“{value}” 看不懂，应写成 40、约40、40多 或 40余")
        qualifier = match.group(1) or match.group(3)
        return {"count": match.group(2), "qualifier": qualifier}
    return value


class Participants(Record):
    count: Count
    qualifier: Optional[Choice[Qualifier]] = None
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
    min_cell: int = Field(default=10, ge=5, le=100)  # smallest published count about children


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
    updated: Optional[FullDate] = None


class Activity(Record):
    title: ShortText
    date: DateOrMonth
    time: Optional[Time] = None
    location: Optional[ShortText] = None
    kind: Choice[ActivityKind]
    term: TermCode
    participants: Optional[Annotated[Participants, BeforeValidator(_to_participants)]] = None
    organizer: Optional[ShortText] = None
    partners: list[ShortText] = Field(default_factory=list)
    programme: Optional[ShortText] = None  # e.g. 九个一
    summary: MediumText
    body: LongText = ""
    photos: list[Photo] = Field(default_factory=list)


class Letter(Record):
    """A letter or notice to families (致家长的一封信, 安全告知书, 倡议书), printable on one A4 page."""

    title: ShortText  # 致外出务工家长的一封信
    date: FullDate
    audience: list[Choice[LetterAudience]] = Field(min_length=1)
    greeting: Optional[ShortText] = None  # 尊敬的家长朋友：
    body: LongText
    asks: list[MediumText] = Field(default_factory=list)  # what the school asks of them, e.g. 四个一
    signed: ShortText  # 落款: the school or one of its offices


class Cadence(Record):
    """How often a policy is carried out, rendered as a sentence."""

    action: ShortText  # e.g. 与每名留守儿童谈心
    count: Annotated[int, BeforeValidator(_to_count), Field(ge=1, le=100)]
    per: Choice[CadencePer]
    at_least: YesNo = True
    windows: list[Choice[TermWindow]] = Field(default_factory=list)


class Policy(Record):
    name: ShortText
    category: Choice[PolicyCategory]
    summary: MediumText
    responsible_role: ShortText
    cadence: Optional[Cadence] = None
    instrument: Optional[ShortText] = None  # 记录卡 / 联系卡 / 家访记录
    body: LongText = ""


class EquipmentItem(Record):
    item: ShortText
    quantity: Optional[Count] = None


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


class GradeBand(Record):
    band: ShortText  # 1—3年级 / 4—6年级 / 初中 / 幼儿园
    count: Count


class LeftBehindCounts(Record):
    total: Count
    both_parents_away: Optional[Count] = None
    one_parent_away: Optional[Count] = None
    by_grade_band: list[GradeBand] = Field(default_factory=list)


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
    left_behind: LeftBehindCounts
    migrant_total: Optional[Count] = None  # 随迁子女
    rates: Rates = Field(default_factory=Rates)
    programme: ProgrammeFigures = Field(default_factory=ProgrammeFigures)
    donations: Donations = Field(default_factory=Donations)
    sensitive: list[SensitiveCount] = Field(default_factory=list)
    highlights: list[MediumText] = Field(default_factory=list)
    problems: list[MediumText] = Field(default_factory=list)
    next_steps: list[MediumText] = Field(default_factory=list)


# Chinese labels of fields, for error messages and the starter files.
FIELD_LABELS = {
    "title": "标题", "date": "日期", "time": "时间", "location": "地点", "kind": "类型", "term": "学期",
    "participants": "参加人数", "organizer": "组织者", "partners": "合作单位", "programme": "所属项目",
    "summary": "摘要", "body": "正文", "photos": "照片", "name": "名称", "category": "类别",
    "responsible_role": "负责人（岗位）", "cadence": "频次", "instrument": "记录工具", "hours": "开放时间",
    "equipment": "设备", "rules": "制度", "contact": "联系方式", "tier": "模式", "township": "乡镇",
    "boarding": "是否寄宿", "address": "地址", "intro": "简介", "family_phone": "亲情电话",
    "contacts": "联系电话", "leading_group": "领导小组", "staff_names": "可公开的教职工姓名",
    "phone": "电话", "role": "岗位", "consent": "监护人同意书编号", "faces": "人脸处理", "number": "号码", "start": "开始时间", "end": "结束时间", "days": "星期",
    "audience": "写给谁", "greeting": "称呼", "asks": "请家长做到的事", "signed": "落款",
}
