"""Stage 2, check: the privacy gate. Nothing a school publishes may identify a child.

Two passes per school: `check_records` reads the school's record files as text before anything
is rendered; `check_output` reads every file of the built site before it is published. Both
report `Problem`s with the sensitive value masked.
"""

from __future__ import annotations

import html
import re
import unicodedata
from pathlib import Path

from .load import County, SchoolRecords
from .problems import Problem, Severity

ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK = "10X98765432"
PUBLIC_SERVICE_LINES = {"110", "119", "120", "122", "12110", "12315", "12345", "12348", "12355", "12356", "12338"}

_SEPARATORS = re.compile(r"[\s\u200b-\u200d\u2060\ufeff\-]")
_ID = re.compile(r"(?<![0-9A-Za-z])[1-9]\d{5}(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[\dXx](?![0-9A-Za-z])")
_MOBILE = re.compile(r"(?<!\d)(?:\+?86)?1[3-9]\d{9}(?!\d)")
_LANDLINE = re.compile(r"(?<!\d)0\d{2,3}[-\s]?\d{7,8}(?!\d)")
_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")


def normalise(text: str) -> str:
    """What a reader would see: entities decoded, full-width forms folded (NFKC)."""
    return unicodedata.normalize("NFKC", html.unescape(text))


def id_checksum_ok(number: str) -> bool:
    number = number.upper()
    return (len(number) == 18 and number[:17].isdigit()
            and ID_CHECK[sum(int(c) * w for c, w in zip(number, ID_WEIGHTS)) % 11] == number[17])


def mask(value: str) -> str:
    digits = re.sub(r"\s", "", value)
    if len(digits) >= 15:
        return digits[:4] + "*" * (len(digits) - 8) + digits[-4:]
    if len(digits) >= 7:
        return digits[:3] + "*" * (len(digits) - 7) + digits[-4:]
    return "*" * len(digits)


def declared_phones(county: County, records: SchoolRecords) -> set[str]:
    phones = set(PUBLIC_SERVICE_LINES)
    school = records.school.record
    numbers = [school.family_phone.number] + [c.phone for c in school.contacts]
    numbers += [r.record.contact.phone for r in records.resources if r.record.contact]
    if county.bureau:
        numbers.append(county.bureau.record.contact.phone)
    phones.update(re.sub(r"\D", "", n) for n in numbers)
    return phones


def scan_text(text: str, allowed_phones: set[str]) -> list[tuple[int, str, str, Severity]]:
    """Findings in one text: (offset, rule, message, severity)."""
    found = []
    folded = normalise(text)
    squeezed_map = [i for i, ch in enumerate(folded) if not _SEPARATORS.match(ch)]
    squeezed = "".join(folded[i] for i in squeezed_map)
    for match in _ID.finditer(squeezed):
        if id_checksum_ok(match.group()):
            found.append((squeezed_map[match.start()], "身份证号", f"发现身份证号 {mask(match.group())}，不能公开", Severity.ERROR))
    for pattern in (_MOBILE, _LANDLINE):
        for match in pattern.finditer(folded):
            digits = re.sub(r"\D", "", match.group()).removeprefix("86") if pattern is _MOBILE else re.sub(r"\D", "", match.group())
            if digits not in allowed_phones:
                found.append((match.start(), "电话号码",
                              f"发现未登记的电话号码 {mask(digits)}。只能公开 school.yml 里登记的学校电话", Severity.ERROR))
    for match in _EMAIL.finditer(folded):
        found.append((match.start(), "电子邮箱", "发现电子邮箱地址，不能公开个人邮箱", Severity.ERROR))
    return found


def check_records(county: County, records: SchoolRecords) -> list[Problem]:
    """Scan the school's record files as text, line by line."""
    allowed = declared_phones(county, records)
    problems = []
    for path in records.files():
        if path.suffix not in {".yml", ".yaml"}:
            continue
        display = path.relative_to(county.root).as_posix()
        text = path.read_text(encoding="utf-8-sig", errors="replace")
        for offset, rule, message, severity in scan_text(text, allowed):
            line = text.count("\n", 0, offset) + 1 if offset < len(text) else 0
            problems.append(Problem(display, line, "", message, severity, rule))
    return problems


def check_output(county: County, records: SchoolRecords, site_dir: Path) -> list[Problem]:
    """Scan every text file of a built site before it is published."""
    allowed = declared_phones(county, records)
    problems = []
    for path in sorted(site_dir.rglob("*")):
        if not path.is_file() or path.suffix not in {".html", ".json", ".js", ".xml", ".txt", ".ics"}:
            continue
        if "assets/javascripts" in path.as_posix() or "assets/careportal/vendor" in path.as_posix():
            continue  # the theme's own bundles, not content
        text = path.read_text(encoding="utf-8", errors="replace")
        for _, rule, message, severity in scan_text(text, allowed):
            rel = path.relative_to(site_dir).as_posix()
            problems.append(Problem(f"（生成的网页）{records.slug}/{rel}", 0, "", message, severity, rule))
    return problems
