"""Detectors of personal information for the privacy gate (records_gate.py, output_gate.py).

Everything here works on *folded* text: what a reader would see once HTML entities, JSON
`\\uXXXX` escapes and %-escapes are decoded, full-width forms folded (NFKC) and invisible
characters (zero-width spaces, joiners, soft hyphens, combining marks) removed. A second,
*squeezed* view also drops spaces, dashes and Markdown emphasis, so “3604 2619 9101 0100 71”,
“１３８００１３８０００” or “张 小 明” are seen as the reader reads them.

Detectors return `Hit`s with offsets into the folded text; callers turn offsets into line
numbers. A hit never carries the value in full: its message holds the masked value only.
"""

from __future__ import annotations

import bisect
import html
import re
import unicodedata
import urllib.parse
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Iterable, Optional

import phonenumbers

from generator.privacy import disguise
from generator.problems import Severity

# ---------------------------------------------------------------------------------------------
# Rules of the gate (numbers as in the documentation, docs/privacy-gate.md)

RULES = {
    1: "台账信息",   # deny-list from the private register; also forbidden output files and names
    2: "身份证号",
    3: "联系方式",   # phones, e-mails, bank cards
    4: "人名",
    5: "小数字",     # small cells
    6: "敏感信息",
    7: "受助名单",
    8: "照片",
    9: "网页安全",
}

# Labels printed in `file:line: 规则: 说明`, with the rule they belong to.
LABELS = {
    "台账信息": 1, "输出文件": 1, "身份证号": 2, "电话号码": 3, "电子邮箱": 3, "银行卡号": 3, "人名": 4,
    "小数字": 5, "敏感信息": 6, "受助名单": 7, "照片": 8, "网页安全": 9,
}

# A hit's severity is the one Severity of every problem careportal reports.
ERROR = Severity.ERROR
WARNING = Severity.WARNING


@dataclass(frozen=True)
class Hit:
    start: int  # offset in the folded text
    label: str  # one of LABELS
    message: str  # Chinese, with the value masked
    severity: Severity = ERROR
    masked: str = ""  # the masked value, for de-duplication


# ---------------------------------------------------------------------------------------------
# Folding


def _invisible_table() -> dict[int, None]:
    """Format characters (zero-width space/joiners, bidi marks, soft hyphen …), combining marks
    and control characters other than tab and newline: invisible to a reader, so removed."""
    table = {c: None for c in range(0x30000) if unicodedata.category(chr(c)) in {"Cf", "Mn", "Me"}}
    table.update({c: None for c in range(0xE0000, 0xE0080)})  # tag characters
    table.update({c: None for c in list(range(0x00, 0x09)) + list(range(0x0B, 0x20)) + list(range(0x7F, 0xA0))})
    return table


_INVISIBLE = _invisible_table()
_JSON_ESCAPE = re.compile(r"\\u([0-9a-fA-F]{4})")
_PERCENT = re.compile(r"%[0-9A-Fa-f]{2}")


def fold_line(text: str) -> str:
    """One line as a reader sees it (see module docstring). Short lines are cached: the lines of
    a site's theme (header, navigation, footer) repeat on every page."""
    return _fold_short_line(text) if len(text) <= 1000 else _fold_line(text)


def _fold_line(text: str) -> str:
    if "\\u" in text:
        text = _JSON_ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), text)
    text = unicodedata.normalize("NFKC", text)
    for _ in range(3):  # double-encoded entities (&amp;#49;) count as well: stricter, never looser
        if "&" not in text:
            break
        decoded = html.unescape(text)
        if decoded == text:
            break
        text = decoded
    if "%" in text and _PERCENT.search(text):
        text = urllib.parse.unquote(text)
    text = unicodedata.normalize("NFKC", text)
    text = text.translate(_INVISIBLE)
    return text.replace("\n", " ").replace("\r", " ")


_fold_short_line = lru_cache(maxsize=1 << 16)(_fold_line)


# Characters that can be slipped between the digits of a number or the characters of a name
# without changing what a reader understands. Dropped in the squeezed view.
_SQUEEZE = re.compile(r"[\s\-‐‑‒–—―−_·•・*`~＿()\[\]（）【】\\]+")  # \ : Markdown escapes (138\-0013)


@dataclass
class Folded:
    """Folded text with a map back to line numbers, and its squeezed view. The map from the
    squeezed view back to the text is only built when a hit needs it (most texts have none)."""

    text: str
    line_starts: list[int]
    first_line: int
    squeezed: str
    _runs: Optional[tuple[list[int], list[int]]] = field(default=None, repr=False)
    _numbers: Optional[list[tuple[int, int]]] = field(default=None, repr=False)

    def line(self, offset: int) -> int:
        return self.first_line + max(0, bisect.bisect_right(self.line_starts, offset) - 1)

    def unsqueeze(self, offset: int) -> int:
        if self._runs is None:
            self._runs = _kept_runs(self.text)
        sq_starts, tx_starts = self._runs  # start of each kept run in `squeezed`, and in `text`
        if not sq_starts:
            return 0
        index = max(0, bisect.bisect_right(sq_starts, offset) - 1)
        return tx_starts[index] + (offset - sq_starts[index])


    def number_matches(self, pattern: re.Pattern) -> Iterable[re.Match]:
        """`pattern.finditer(self.squeezed)` for a pattern whose matches are made of digits, “+” and
        “X” only, at least 10 long (phones, ID numbers): the same matches, found by running the
        pattern over the maximal runs of such characters instead of the whole text (a site's pages
        are mostly markup with few long numbers). Look-arounds at a run's edges see the same
        non-digit they would in the whole text."""
        if self._numbers is None:
            self._numbers = [m.span() for m in _NUMBER_RUN.finditer(self.squeezed)]
        for start, end in self._numbers:
            yield from pattern.finditer(self.squeezed, start, end)


# Where a phone or an ID number can be, in the squeezed view (see Folded.number_matches).
_NUMBER_RUN = re.compile(r"[+\dXx]{10,}")


def _kept_runs(text: str) -> tuple[list[int], list[int]]:
    sq_starts, tx_starts, length, last = [], [], 0, 0
    for match in _SQUEEZE.finditer(text):
        if match.start() > last:
            sq_starts.append(length)
            tx_starts.append(last)
            length += match.start() - last
        last = match.end()
    if last < len(text):
        sq_starts.append(length)
        tx_starts.append(last)
    return sq_starts, tx_starts


def fold(raw: str, first_line: int = 1) -> Folded:
    lines = [fold_line(line) for line in raw.split("\n")]
    starts, position = [], 0
    for line in lines:
        starts.append(position)
        position += len(line) + 1
    text = "\n".join(lines)
    plain = _SQUEEZE.sub("", text)
    squeezed = disguise.chinese_digits(plain)
    if squeezed is not plain and squeezed != plain:  # 一三八〇…: read as digits in both views
        text = disguise.chinese_digits(text)
    return Folded(text, starts, first_line, squeezed)


# ---------------------------------------------------------------------------------------------
# Masking: a finding shows enough to find the value in the file, never the value itself


def mask_number(value: str) -> str:
    chars = re.sub(r"[^0-9Xx+]", "", value).upper()
    if len(chars) >= 15:
        return chars[:4] + "*" * (len(chars) - 8) + chars[-4:]
    if len(chars) >= 7:
        return chars[:3] + "*" * (len(chars) - 7) + chars[-4:]
    return chars[:1] + "*" * (len(chars) - 1)


def mask_name(value: str) -> str:
    return value[:1] + "*" * (len(value) - 1)


def mask_text(value: str) -> str:
    return value[:2] + "*" * min(6, max(1, len(value) - 2))


def mask_email(value: str) -> str:
    local, _, domain = value.partition("@")
    return f"{local[:1]}***@{domain}"


_REDACT_ID = re.compile(r"(?<![0-9])[1-9][0-9]{14}(?:[0-9]{2}[0-9Xx])?(?![0-9])")
_REDACT_DIGITS = re.compile(r"(?<![0-9])\+?[0-9][0-9 \-]{5,}[0-9](?![0-9])")
_REDACT_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")


def redact(text: str) -> str:
    """Mask anything in a message that looks like an ID, phone, card number or e-mail.

    Applied to every message before it is printed or written to the report, so a value quoted
    in a schema error (“… 不是有效日期”) is never shown in full either.
    """
    text = _REDACT_EMAIL.sub(lambda m: mask_email(m.group()), text)
    text = _REDACT_ID.sub(lambda m: mask_number(m.group()), text)

    def digits(match: re.Match) -> str:
        value = match.group()
        count = sum(ch.isdigit() for ch in value)
        if count < 7 or re.fullmatch(r"\d{4}-\d{1,2}-\d{1,2}", value) or re.fullmatch(r"\d{4}-\d{4}-[12]", value):
            return value  # short numbers, dates and term codes stay readable
        return mask_number(value)

    return _REDACT_DIGITS.sub(digits, text)


# ---------------------------------------------------------------------------------------------
# Resident ID numbers (GB 11643-1999, ISO 7064 MOD 11-2)

ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK = "10X98765432"
_ID18 = re.compile(r"(?<!\d)[1-9]\d{5}(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[\dXx](?!\d)")
_ID15 = re.compile(r"(?<!\d)[1-9]\d{7}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}(?!\d)")


def id_checksum_ok(number: str) -> bool:
    number = number.upper()
    return (len(number) == 18 and number[:17].isdigit()
            and ID_CHECK[sum(int(c) * w for c, w in zip(number, ID_WEIGHTS)) % 11] == number[17])


def find_ids(folded: Folded) -> list[Hit]:
    hits, seen = [], set()
    for match in folded.number_matches(_ID18):
        masked = mask_number(match.group())
        if id_checksum_ok(match.group()):
            seen.add(match.group().upper())
            hits.append(Hit(folded.unsqueeze(match.start()), "身份证号",
                            f"发现身份证号 {masked}。身份证号绝不能公开，请删掉", ERROR, masked))
        else:
            hits.append(Hit(folded.unsqueeze(match.start()), "身份证号",
                            f"发现疑似身份证号 {masked}（校验位不对，可能抄错了一位）。如果是身份证号请删掉", WARNING, masked))
    for match in folded.number_matches(_ID15):
        masked = mask_number(match.group())
        hits.append(Hit(folded.unsqueeze(match.start()), "身份证号",
                        f"发现疑似 15 位旧身份证号 {masked}。如果是身份证号请删掉；如果是别的编号请确认可以公开", WARNING, masked))
    return hits


# ---------------------------------------------------------------------------------------------
# Phones, e-mails, bank cards

# Public service lines anyone may print (youth, police, ambulance, fire, women, legal aid …).
PUBLIC_SERVICE_LINES = frozenset({
    "110", "119", "120", "122", "12110", "12315", "12320", "12333", "12338", "12345", "12348", "12355",
    "12356", "12377", "12395", "96110", "12123", "12580",
})
_PERSONAL_TYPES = {
    phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE,
    phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE, phonenumbers.PhoneNumberType.PERSONAL_NUMBER,
    phonenumbers.PhoneNumberType.VOIP, phonenumbers.PhoneNumberType.UNKNOWN,
}
_MOBILE = re.compile(r"(?<!\d)(?:\+?86)?(1[3-9]\d{9})(?!\d)")
_LANDLINE = re.compile(r"(?<!\d)(0\d{9,11})(?!\d)")
# A local number (7–8 digits, no area code) where a phone number is being given: 电话：6472105.
_LOCAL_IN_CONTEXT = re.compile(
    r"(?:电话|手机|座机|热线|拨打|致电|来电|联系|号码|tel|Tel|TEL|phone)(?:号码|方式)?[:：是为]?(?:打|拨)?"
    r"(?P<local>[2-9]\d{6,7})(?!\d)")
_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
_FILE_SUFFIX = re.compile(r"\.(?:png|jpe?g|gif|svg|webp|ico|css|js|json|html?|xml|txt|ics|pdf|woff2?)$")
_CARD = re.compile(r"(?<![\d])(?:\d[ -]?){15,18}\d(?![\d])")
_CARD_RUN = re.compile(r"\d[\d \-]{15,}")  # maximal runs a card number can lie in (a faster first pass)
_CARD_PREFIX = re.compile(r"^(?:62|60|4|5[1-5]|2[2-7]|3[4-7]|9)")


def phone_key(text: str) -> str:
    """A phone written any way → its national significant number (digits), for comparing."""
    digits = re.sub(r"[^\d+]", "", unicodedata.normalize("NFKC", text))
    if len(digits.lstrip("+")) <= 5:
        return digits.lstrip("+")
    try:
        number = phonenumbers.parse(digits, "CN")
        return phonenumbers.national_significant_number(number)
    except phonenumbers.NumberParseException:
        return digits.lstrip("+")


def _luhn_ok(digits: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def _email_on_its_line(folded: Folded, match: re.Match) -> tuple[int, str]:
    """An address found in the squeezed view (line breaks dropped), cut at the end of its line when
    what remains is still an address: `x@163.com` at a line's end is not `x@163.comdefaultterm`
    joined to the next line's key. An address that is one only across lines is kept whole."""
    start = folded.unsqueeze(match.start())
    line, address = folded.line(start), match.group()
    end = len(address)
    while end > 1 and folded.line(folded.unsqueeze(match.start() + end - 1)) != line:
        end -= 1
    cut = _EMAIL.fullmatch(address[:end]) if end < len(address) else None
    return start, cut.group() if cut else address


def find_contacts(folded: Folded, allowed_phones: frozenset[str], allowed_email_domains: tuple[str, ...] = (),
                  thorough: bool = True) -> list[Hit]:
    """Phones, e-mails and bank cards. `thorough` adds libphonenumber's matcher (every way of
    writing a CN number); the squeezed regexes alone already see numbers with spaces, dashes,
    brackets or invisible characters inside, and are fast enough for whole built sites."""
    hits: list[Hit] = []
    reported: set[tuple[str, int]] = set()  # (value, line): the matchers overlap; each line is reported once

    def phone(offset: int, number: str) -> None:
        key = phone_key(number)
        if key in allowed_phones or key in PUBLIC_SERVICE_LINES or (key, folded.line(offset)) in reported:
            return
        reported.add((key, folded.line(offset)))
        if len(key) <= 8 and not key.startswith("1"):  # a local number without its area code
            masked = key[:2] + "*" * (len(key) - 4) + key[-2:]
        else:
            masked = mask_number(("0" + key) if not key.startswith("1") else key)
        hits.append(Hit(offset, "电话号码",
                        f"发现没有登记的电话号码 {masked}。网上只能公开 school.yml 或 bureau.yml 里登记的单位电话"
                        "和 12355 这类公共服务电话；家长、监护人、学生和老师的私人号码都不能写", ERROR, masked))

    if thorough:
        for match in phonenumbers.PhoneNumberMatcher(folded.text, "CN", leniency=phonenumbers.Leniency.VALID):
            if phonenumbers.number_type(match.number) in _PERSONAL_TYPES:
                phone(match.start, phonenumbers.national_significant_number(match.number))
    for match in folded.number_matches(_MOBILE):
        phone(folded.unsqueeze(match.start()), match.group(1))
    for match in folded.number_matches(_LANDLINE):
        try:
            number = phonenumbers.parse(match.group(1), "CN")
        except phonenumbers.NumberParseException:
            continue
        if phonenumbers.is_valid_number(number) and phonenumbers.number_type(number) in _PERSONAL_TYPES:
            phone(folded.unsqueeze(match.start()), match.group(1))
    for match in _LOCAL_IN_CONTEXT.finditer(folded.squeezed):
        local = match.group("local")
        if local in allowed_phones or any(key.endswith(local) for key in allowed_phones if len(key) > len(local)):
            continue  # the subscriber part of a declared line (6472105 of 0599-6472105)
        phone(folded.unsqueeze(match.start("local")), local)
    emails = [_email_on_its_line(folded, m) for m in _EMAIL.finditer(folded.squeezed)] if "@" in folded.squeezed else []
    emails += list(disguise.spelled_emails(folded.text))
    for offset, address in emails:
        domain = address.rsplit("@", 1)[1].lower()
        if _FILE_SUFFIX.search(domain):
            continue  # logo@2x.png: a file name, not an address
        if domain.endswith((".gov.cn", ".edu.cn")) or any(domain == d or domain.endswith("." + d) for d in allowed_email_domains):
            continue
        masked = mask_email(address)
        if (masked, folded.line(offset)) in reported:
            continue
        reported.add((masked, folded.line(offset)))
        hits.append(Hit(offset, "电子邮箱",
                        f"发现电子邮箱 {masked}。个人邮箱不能公开；单位邮箱请用 .gov.cn 或 .edu.cn 的地址", ERROR, masked))
    for match in (m for run in _CARD_RUN.finditer(folded.text) for m in _CARD.finditer(folded.text, *run.span())):
        digits = re.sub(r"\D", "", match.group())
        if not 16 <= len(digits) <= 19 or not _CARD_PREFIX.match(digits) or not _luhn_ok(digits):
            continue
        if len(digits) == 18 and _ID18.fullmatch(digits):
            continue  # shaped like an ID number: reported as one
        masked = mask_number(digits)
        if (masked, folded.line(match.start())) in reported:
            continue
        reported.add((masked, folded.line(match.start())))
        hits.append(Hit(match.start(), "银行卡号", f"发现银行卡号 {masked}。银行卡号不能公开，请删掉", ERROR, masked))
    return hits


# ---------------------------------------------------------------------------------------------
# The register's deny-list


COMPOUND_SURNAMES = (
    "欧阳", "司马", "诸葛", "上官", "东方", "皇甫", "尉迟", "公孙", "慕容", "令狐", "夏侯", "长孙", "宇文", "司徒",
    "端木", "独孤", "南宫", "西门", "百里", "呼延", "澹台", "轩辕", "钟离", "闻人", "万俟", "申屠", "太史", "公羊",
)
# Common single-character surnames (the most frequent ~300 cover over 95% of people).
SURNAMES = set(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范"
    "金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪"
    "庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房"
    "滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商"
    "刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝官封谈匡鞠惠荆乐冀郁胥南班储原栗燕楚鄢劳谌奚皮粟冼蔺楼盘满闻位厉伊仝区郜"
    "海阚花权强帅屠豆朴盖练廉禹井祖漆巴丰支卿国狄平计索宣晋相初门云容敬来扈晁芮都普阙浦戈伏鹿薄邸雍辜羊阿乌母裘亓修邰赫"
    "杭况那宿鲜印逯隆茹诸战慕危玉银亢嵇公哈湛宾戎勾茅利於呼居揭干但尉冶斯元束檀衣信展阴昝智幸奉植衡富尧闭由"
)


def split_name(name: str) -> tuple[str, str]:
    """(surname, given name) of a Chinese name."""
    for compound in COMPOUND_SURNAMES:
        if name.startswith(compound) and len(name) > 2:
            return compound, name[2:]
    return name[:1], name[1:]


_NAME_CHARS = re.compile(r"^[\u3400-\u9fff·]{2,6}$")
_NAME_NOISE = re.compile(r"[（(][^）)]*[）)]|[\s\u3000]")
_RELATIONS = re.compile(r"^(?:爷爷|奶奶|外公|外婆|姥姥|姥爷|祖父|祖母|外祖父|外祖母|父亲|母亲|爸爸|妈妈|伯伯|叔叔|姑姑|舅舅|阿姨|哥哥|姐姐|伯父|伯母|叔父|婶婶|舅妈|姑父|姨妈|其他)[:：]?")


def clean_names(cell: str) -> list[str]:
    """A register cell → the person names in it (“李桂英（祖母）”, “祖母：李桂英/王建国”)."""
    names = []
    for part in re.split(r"[、,，;；/／|]+", unicodedata.normalize("NFKC", cell or "")):
        part = _NAME_NOISE.sub("", part)
        part = _RELATIONS.sub("", part)
        if _NAME_CHARS.match(part):
            names.append(part.replace("·", ""))
    return names


@dataclass
class DenyList:
    """What a school's private register says must never be published. Never printed in full."""

    full_names: dict[str, str] = field(default_factory=dict)  # name → who (学生 / 监护人)
    given_names: dict[str, str] = field(default_factory=dict)
    ids: set[str] = field(default_factory=set)
    phones: set[str] = field(default_factory=set)  # national significant numbers
    addresses: set[str] = field(default_factory=set)
    allow_words: set[str] = field(default_factory=set)  # given names that are ordinary words here
    pinyin: dict[str, str] = field(default_factory=dict)  # letters-only pinyin of a name → who
    pinyin_anchors: set[str] = field(default_factory=set)  # regexes of each name's first two syllables (a first pass)

    def add_name(self, name: str, who: str) -> None:
        if len(name) < 2:
            return
        surname, given = split_name(name)
        for form in {name} | disguise.traditional_forms(name):
            self.full_names.setdefault(form, who)
        for form in disguise.pinyin_forms(name, len(surname)):
            self.pinyin.setdefault(form, who)
        self.pinyin_anchors.update(disguise.pinyin_anchors(name, len(surname)))
        if len(given) >= 2:
            self.pinyin_anchors.update(disguise.pinyin_anchors(given, 0))
        if len(given) >= 2:
            for form in {given} | disguise.traditional_forms(given):
                self.given_names.setdefault(form, who)
            for form in disguise.pinyin_forms(given, 0):
                self.pinyin.setdefault(form, who + "的名字:" + given)

    def add_id(self, value: str) -> None:
        value = re.sub(r"[\s\-]", "", unicodedata.normalize("NFKC", value)).upper()
        if len(value) >= 8:
            self.ids.add(value)
            prefixed = re.fullmatch(r"[A-Z]{1,2}(\d{8,}[\dX]?)", value)
            if prefixed:  # 学籍号 G + ID number: the number alone is just as identifying
                self.ids.add(prefixed.group(1))

    def add_phone(self, value: str) -> None:
        key = phone_key(value)
        if len(key) >= 7:
            self.phones.add(key)

    def add_address(self, value: str) -> None:
        value = _SQUEEZE.sub("", unicodedata.normalize("NFKC", value or ""))
        if len(value) < 6:
            return
        value = _cn_address_numbers(value)
        self.addresses.add(value)
        # the part after the last township/town/district is what neighbours recognise
        tail = re.split(r"(?:省|市|县|区|乡|镇|街道)", value)[-1]
        if len(tail) >= 5 and re.search(r"[0-9组号栋室户排]", tail):
            self.addresses.add(tail)
            self.addresses.update(disguise.address_variants(tail)[1:])  # 3组12号, without the village
        for form in list(self.addresses):
            self.addresses.update(disguise.traditional_forms(form))

    def merge(self, other: "DenyList") -> None:
        for name, who in other.full_names.items():
            self.full_names.setdefault(name, who)
        for name, who in other.given_names.items():
            self.given_names.setdefault(name, who)
        self.ids |= other.ids
        self.phones |= other.phones
        self.addresses |= other.addresses
        self.allow_words |= other.allow_words
        for name, who in other.pinyin.items():
            self.pinyin.setdefault(name, who)
        self.pinyin_anchors |= other.pinyin_anchors

    def __bool__(self) -> bool:
        return bool(self.full_names or self.ids or self.phones or self.addresses)

    def summary(self) -> dict:
        """Sizes only, for the report."""
        return {"names": len(self.full_names), "given_names": len(self.given_names), "ids": len(self.ids),
                "phones": len(self.phones), "addresses": len(self.addresses)}

    @property
    def _pattern(self) -> Optional[re.Pattern]:
        return _compile_deny(frozenset(self.full_names), frozenset(self.given_names) - frozenset(self.allow_words),
                             frozenset(self.ids), frozenset(self.addresses))

    @property
    def _pinyin_pattern(self) -> Optional[re.Pattern]:
        allow = {f for word in self.allow_words for f in disguise.pinyin_forms(word, 0)}
        return _compile_pinyin(frozenset(self.pinyin) - frozenset(allow))

    def find_pinyin(self, text: str) -> list[Hit]:
        """Register names in pinyin (in prose, file names, URLs): 林梓萱 → Lin Zixuan, lin-zixuan …"""
        pattern = self._pinyin_pattern
        if pattern is None or not re.search(r"[A-Za-z]", text):
            return []
        anchors = _compile_anchors(frozenset(self.pinyin_anchors))
        if anchors is not None and not anchors.search(text.lower()) and not _TONED.search(text):
            return []  # no syllable of any register name anywhere: nothing to read
        view = disguise.LettersView(text)
        hits = []
        for match in pattern.finditer(view.view):
            if not view.bounded(match.start(), match.end()):
                continue
            who = self.pinyin.get(match.group(), "学生").split(":")[0]
            masked = match.group()[:2] + "*" * (len(match.group()) - 2)
            hits.append(Hit(view.offset(match.start()), "台账信息",
                            f"出现了台账里{who}姓名的拼音 {masked}。拼音也能认出是谁，文件名、网址和正文里都不能用孩子和家长"
                            "的姓名拼音，请改用日期或活动名称", ERROR, masked))
        return hits

    def _matches(self, squeezed: str) -> Iterable[re.Match]:
        pattern = self._pattern
        if pattern is not None:
            yield from pattern.finditer(squeezed)
        addresses = _compile_addresses(frozenset(self.addresses))
        if addresses is not None:
            regex, anchors = addresses
            done = -1
            for anchor in anchors.finditer(squeezed):  # the address pattern runs only near its literal parts
                if anchor.start() <= done:
                    continue
                for match in regex.finditer(squeezed, max(0, anchor.start() - 48), anchor.end() + 48):
                    if match.end() > done:
                        done = match.end()
                        yield match

    def find(self, folded: Folded) -> list[Hit]:
        hits: list[Hit] = []
        if True:
            for match in self._matches(folded.squeezed):
                kind, value = match.lastgroup, match.group()
                offset = folded.unsqueeze(match.start())
                if kind == "name":
                    who = self.full_names.get(value, "学生")
                    hits.append(Hit(offset, "台账信息",
                                    f"出现了台账里的{who}姓名 {mask_name(value)}。网上不能出现孩子和家长的姓名，"
                                    "请改成“一名学生”“一位家长”这样的说法", ERROR, mask_name(value)))
                elif kind == "given":
                    who = self.given_names.get(value, "学生")
                    hits.append(Hit(offset, "台账信息",
                                    f"出现了台账里{who}的名字 {mask_name(value)}。如果这里写的就是这个人，请删掉；"
                                    "如果只是普通词语（例如地名、节日），请换一种写法，或把这个词写进 private/不是人名.txt",
                                    ERROR, mask_name(value)))
                elif kind == "id":
                    hits.append(Hit(offset, "台账信息", f"出现了台账里的证件号或学籍号 {mask_number(value)}，请删掉",
                                    ERROR, mask_number(value)))
                else:
                    hits.append(Hit(offset, "台账信息", f"出现了台账里的家庭住址 {mask_text(value)}，请删掉",
                                    ERROR, mask_text(value)))
        hits += self.find_pinyin(folded.text)
        if self.phones:
            for match in re.finditer(r"\+?\d{7,}", folded.squeezed):
                run = match.group()
                for phone in self.phones:
                    index = run.find(phone)
                    if index >= 0:
                        masked = mask_number(phone if phone.startswith("1") else "0" + phone)
                        hits.append(Hit(folded.unsqueeze(match.start() + index), "台账信息",
                                        f"出现了台账里的电话号码 {masked}。家长和监护人的电话不能公开，请删掉",
                                        ERROR, masked))
        return hits


@lru_cache(maxsize=64)
def _compile_deny(names: frozenset, given: frozenset, ids: frozenset, addresses: frozenset) -> Optional[re.Pattern]:
    def alternation(values: Iterable[str]) -> str:
        return "|".join(re.escape(v) for v in sorted(values, key=lambda v: (-len(v), v)))

    parts = []
    if ids:
        parts.append(f"(?<![0-9])(?P<id>{alternation(ids)})(?![0-9])")
    if names:
        parts.append(f"(?P<name>{alternation(names)})")
    if given:
        parts.append(f"(?P<given>{alternation(given)})")
    return re.compile("|".join(parts), re.IGNORECASE) if parts else None


@lru_cache(maxsize=64)
def _compile_addresses(addresses: frozenset) -> Optional[tuple[re.Pattern, re.Pattern]]:
    """The addresses (numbers in digits or Chinese, 号 or 号院), and the literal pieces of them a
    text must contain for an address to be there (组, 号, a village name …)."""
    if not addresses:
        return None
    ordered = sorted(addresses, key=lambda v: (-len(v), v))
    regex = re.compile(f"(?P<address>{'|'.join(disguise.address_pattern(a) for a in ordered)})")
    pieces = {max(re.split(r"\d+", a), key=len) for a in ordered}
    anchors = re.compile("|".join(re.escape(p) for p in sorted(pieces, key=lambda v: (-len(v), v)) if p))
    return regex, anchors


@lru_cache(maxsize=64)
def _compile_anchors(anchors: frozenset) -> Optional[re.Pattern]:
    return re.compile("|".join(sorted(anchors, key=lambda v: (-len(v), v)))) if anchors else None


_TONED = re.compile(r"[\u00c0-\u024f\u1e00-\u1eff]")


@lru_cache(maxsize=64)
def _compile_pinyin(forms: frozenset) -> Optional[re.Pattern]:
    if not forms:
        return None
    return re.compile("|".join(re.escape(f) for f in sorted(forms, key=lambda v: (-len(v), v))))


def _cn_address_numbers(value: str) -> str:
    """三组十五号 → 3组15号 in a register cell (the text side is matched by disguise.address_pattern)."""
    def number(match: re.Match) -> str:
        value = chinese_number(match.group(1))
        return str(value) if value is not None else match.group(1)

    return re.sub(r"([零一二两三四五六七八九十]+)(?=组|号|栋|排|户|室|单元|幢|楼)", number, value)


# ---------------------------------------------------------------------------------------------
# Person names (jieba): a warning heuristic, never the only control


_NAME_FLAGS = {"nr", "nr1", "nr2", "nrf", "nrfg"}
_TITLES = ("老师", "校长", "主任", "书记", "同志", "阿姨", "叔叔", "伯伯", "奶奶", "爷爷", "师傅", "医生", "警官",
           "园长", "教练", "先生", "女士", "局长", "股长", "组长", "队长", "村长", "支书", "所长", "院长", "部长")
_PLACE_SUFFIX = set("乡镇村县市省区路街楼园院校所站节会队组室馆厅场寺庙河湖山岭塘桥坝湾店厂社团部局处科")
# Words that follow a place's name in an institution's (柳浪中队, 青溪中心小学, 黄杉派出所).
_PLACE_WORDS = ("中队", "大队", "支队", "中心", "中学", "小学", "初中", "高中", "九年", "幼儿", "派出", "关工委", "妇联",
                "社区", "街道", "卫生", "医院", "司法", "交警", "边防", "片区", "学区", "联校", "完小", "教学点")
# Words of school work that jieba's dictionary lacks, so that its tagger reads them as a surname
# and a given name (师德建设 → 师德/nr): added to the name tagger's dictionary as ordinary nouns.
SCHOOL_WORDS = (
    "师德", "师风", "师德师风", "教风", "班风", "师爱", "劳育", "心育", "五育", "家校", "家委", "五老", "控辍", "保学",
    "研学", "学困", "双减", "铸魂", "生师", "队建", "班训", "晨检", "午检", "午读", "晚读", "课辅", "防溺", "防拐",
    "反诈", "墨香", "爱生", "研训", "评课", "磨课", "赛课", "说课", "微课", "慕课", "优课", "追梦", "筑梦", "护苗",
    "暖心",
)
_COMMON_WORD_FREQ = 100  # a two-character jieba word this frequent starts a compound word, not a name


@lru_cache(maxsize=1)
def name_tagger():
    """jieba with its own default dictionary: the process-wide one is switched for search (hant.py),
    and `check` must find the same names as `build`."""
    import logging

    import jieba
    import jieba.posseg

    jieba.setLogLevel(logging.WARNING)
    tokenizer = jieba.Tokenizer()
    tokenizer.initialize()
    tagger = jieba.posseg.POSTokenizer(tokenizer)
    for word in SCHOOL_WORDS:  # known words, so neither cut apart nor taken for a name
        tokenizer.add_word(word, tag="n")
        tagger.word_tag_tab[word] = "n"
    return tagger, tokenizer.FREQ


def name_candidates(text: str, allowed: Iterable[str], known: Iterable[str]) -> list[tuple[int, str]]:
    """(offset, token) of words jieba tags as a person name, after dropping what is clearly not a
    child's name: declared staff, surname + title (王老师), place and institution names the
    county's own records contain, and ordinary dictionary words."""
    tokenizer, freq = name_tagger()
    allowed = [a for a in allowed if a]
    known = [k for k in known if k]
    found = []
    for sentence in _SENTENCE.finditer(text):
        if _has_suspect(sentence.group(), tokenizer.tokenizer, freq):
            found += [(sentence.start() + o, w) for o, w in _names_in(sentence.group(), tokenizer, freq, allowed, known)]
    return found


def sentence_at(text: str, offset: int) -> str:
    """The sentence of `text` (split at 。！？； and line ends) that holds `offset`."""
    for sentence in _SENTENCE.finditer(text):
        if sentence.start() <= offset < sentence.end():
            return sentence.group()
    return ""


def _has_suspect(text: str, segmenter, freq: dict) -> bool:
    """Cheap pre-filter: plain segmentation finds a word outside the dictionary that starts with
    a surname; only then is the slower part-of-speech tagger run."""
    for word in segmenter.cut(text, HMM=True):
        if 2 <= len(word) <= 4 and not freq.get(word) and (word[:1] in SURNAMES or word.startswith(COMPOUND_SURNAMES)):
            return True
    return False


def _names_in(text: str, tokenizer, freq: dict, allowed: list[str], known: list[str]) -> list[tuple[int, str]]:
    found, offset = [], 0
    for pair in tokenizer.cut(text):
        word, flag = pair.word, pair.flag
        start = offset
        offset += len(word)
        if flag not in _NAME_FLAGS or not 2 <= len(word) <= 4 or not re.fullmatch(r"[\u3400-\u9fff]+", word):
            continue
        if word[:1] not in SURNAMES and not word.startswith(COMPOUND_SURNAMES):
            continue
        if len(word) == 4 and not word.startswith(COMPOUND_SURNAMES):
            continue  # four characters tagged nr are nearly always idioms
        if (freq.get(word) or 0) > 0 or word.endswith(_TITLES) or word[-1] in _PLACE_SUFFIX:
            continue  # a dictionary word (jieba's dictionary tags some ordinary words nr) or a title
        if len(word) == 3 and (freq.get(word[:2]) or 0) >= _COMMON_WORD_FREQ:
            continue  # 桂花树, 初中生, 宣传周: a common word plus one character
        after = text[offset:offset + 1]
        if after and after in _PLACE_SUFFIX or text.startswith(_PLACE_WORDS, offset):
            continue  # 柳浪乡, 柳浪中队, 柳浪中心小学: a place or an institution
        if any(word in a or a in word for a in allowed) or any(word in k for k in known):
            continue
        found.append((start, word))
    return found


# ---------------------------------------------------------------------------------------------
# Counts and sensitive attributes in free text

SENSITIVE_WORDS = (
    "心理辅导", "心理问题", "心理疾病", "心理障碍", "抑郁", "焦虑症", "自闭", "多动症", "资助", "受助", "助学金", "补助", "救助",
    "贫困", "低保", "特困", "建档立卡", "家庭困难", "经济困难", "困难家庭", "残疾", "残障", "智力障碍", "孤儿", "服刑",
    "无人抚养", "单亲", "离异", "重病", "大病", "辍学",
)
AID_WORDS = ("受助", "资助", "捐助", "救助", "补助", "助学金", "奖学金", "贫困", "低保", "慰问金", "特困", "困难学生")
_SENSITIVE = re.compile("|".join(SENSITIVE_WORDS))
_AID = re.compile("|".join(AID_WORDS))
_QUALIFIER = re.compile(
    r"[一二三四五六七八九1-9]\s*年级|[初高][一二三]|学前班|[大中小]班|[0-9一二三四五六七八九十]+\s*[（(]?\s*[0-9一二三四五六七八九十]*\s*[）)]?\s*班"
    r"|男生|女生|男孩|女孩|男童|女童|男同学|女同学"
)
_CN_NUM = "零一二两三四五六七八九十"
_CHILD_COUNT = re.compile(
    rf"(?P<num>\d+|[{_CN_NUM}]+)\s*(?:名|个|位)?\s*(?P<noun>留守儿童|留守学生|留守幼儿|学生|孩子|儿童|同学|幼儿|小朋友|随迁子女|男生|女生|男孩|女孩)"
)
_EXTREME = re.compile(r"100\s*%|百分之百|(?<![\d.])0\s*%|无一|全部|所有|全体")
_LIST_INTRO = re.compile(r"(?:名单|名册|获得者|受助学生|受助人)\s*(?:如下)?\s*[:：]|如下\s*[:：]")
# A sentence as a reader reads it: up to 。！？； — a single line break inside a paragraph does not end
# it (Markdown joins the lines of a paragraph: "五年级一名学生\n父母离异" is one sentence on the page);
# a blank line, a list item, a heading or a quote does.
SENTENCE = re.compile(r"[^。！？；!?;\n](?:[^。！？；!?;\n]|\n(?![ \t]*(?:\n|[-*+>#]|\d+[.、)）])))*")
_SENTENCE = SENTENCE


def chinese_number(text: str) -> Optional[int]:
    if text.isdigit():
        return int(text)
    digits = {c: i for i, c in enumerate("零一二三四五六七八九")}
    digits["两"] = 2
    if all(c in digits for c in text):
        return int("".join(str(digits[c]) for c in text)) if len(text) > 1 else digits[text]
    if text.count("十") == 1:
        tens, _, ones = text.partition("十")
        if (not tens or tens in digits) and (not ones or ones in digits):
            return (digits[tens] if tens else 1) * 10 + (digits[ones] if ones else 0)
    return None


def qualifier_in(text: str) -> Optional[str]:
    match = _QUALIFIER.search(unicodedata.normalize("NFKC", text))
    return match.group() if match else None

