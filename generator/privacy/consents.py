"""Guardians' consents for photos (rule 8): `schools/<slug>/private/consents.csv`.

A photo's `consent` is the id of a row in the school's consent register, which stays in the private
folder (never published, never in git). The register is a CSV (UTF-8 or GBK) with the columns

    编号 (or id) | 监护人同意日期 | 范围 | 有效期至

A photo is published only if its reference is found there, the consent was given on or before
today, it has not expired (有效期至 is today or later), and its scope (范围) covers publishing on the
school's website (网站, 网络, 网上, 互联网, 公开 or 宣传). A consent that consents to nothing (无, 没有,
否, 未签, 待补 …), a missing register, an unknown, expired or out-of-scope reference refuses the photo.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Optional

from generator.privacy.csv_files import csv_rows
from generator.settings import build_date

CONSENTS_FILE = "consents.csv"
PRIVATE = "private"
ID_HEADERS = ("编号", "id", "ID", "同意书编号", "编码")
DATE_HEADERS = ("监护人同意日期", "同意日期", "签署日期")
SCOPE_HEADERS = ("范围", "同意范围", "使用范围")
UNTIL_HEADERS = ("有效期至", "有效期", "截止日期")
PUBLISH_SCOPES = ("网站", "网络", "网上", "互联网", "公开", "宣传", "公众号")
NEGATIONS = re.compile(r"^(?:无|没有|否|未|未签|未签字|不同意|拒绝|暂无|待补|待签|待定|未取得|未收回|无同意书|n/?a|none|no|null|-+|—+|/|x)$",
                       re.IGNORECASE)


@dataclass(frozen=True)
class Consent:
    line: int
    given: Optional[date]
    scope: str
    until: Optional[date]


@dataclass
class ConsentRegister:
    path: Optional[Path]
    consents: dict[str, Consent] = field(default_factory=dict)
    problems: list[tuple[int, str]] = field(default_factory=list)  # (line, Chinese message)


def today() -> date:
    """Today, or the day of SOURCE_DATE_EPOCH (reproducible builds): the build's date."""
    return build_date()


def _key(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(text or ""))).upper()


def _date(text: str) -> Optional[date]:
    text = unicodedata.normalize("NFKC", text or "").strip()
    match = re.fullmatch(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?", text)
    if not match:
        return None
    try:
        return date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    except ValueError:
        return None


def _column(headers: list[str], names: tuple[str, ...]) -> Optional[int]:
    for index, header in enumerate(headers):
        if header in names:
            return index
    return None


def read_consents(folder: Path) -> ConsentRegister:
    path = folder / PRIVATE / CONSENTS_FILE
    if not path.is_file():
        return ConsentRegister(None)
    stat = path.stat()
    return _read(str(path), stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=64)
def _read(path_text: str, mtime: int, size: int) -> ConsentRegister:
    path = Path(path_text)
    register = ConsentRegister(path)
    rows = csv_rows(path)
    if rows is None:
        register.problems.append((0, "同意书登记表的编码无法识别，请另存为“CSV UTF-8”"))
        return register
    start = next((i for i, row in enumerate(rows[:10]) if _column([_key(c).lower() if _key(c).isascii() else _key(c) for c in row],
                                                                     tuple(h.lower() if h.isascii() else h for h in ID_HEADERS)) is not None), None)
    if start is None:
        register.problems.append((1, "同意书登记表第一行应是列名：编号、监护人同意日期、范围、有效期至"))
        return register
    headers = [_key(c) for c in rows[start]]
    headers = [h.lower() if h.isascii() else h for h in headers]
    columns = {name: _column(headers, tuple(h.lower() if h.isascii() else h for h in names))
               for name, names in (("id", ID_HEADERS), ("date", DATE_HEADERS), ("scope", SCOPE_HEADERS),
                                   ("until", UNTIL_HEADERS))}
    missing = [label for label, key in (("监护人同意日期", "date"), ("范围", "scope"), ("有效期至", "until")) if columns[key] is None]
    if missing:
        register.problems.append((start + 1, "同意书登记表缺少这些列：" + "、".join(missing)))
        return register
    for number, row in enumerate(rows[start + 1:], start=start + 2):
        cells = row + [""] * (len(headers) - len(row))
        ref = _key(cells[columns["id"]])
        if not ref:
            continue
        given, until = _date(cells[columns["date"]]), _date(cells[columns["until"]])
        if cells[columns["date"]].strip() and given is None:
            register.problems.append((number, "监护人同意日期看不懂，应写成 2026-03-01"))
        if cells[columns["until"]].strip() and until is None:
            register.problems.append((number, "有效期至看不懂，应写成 2027-08-31"))
        register.consents[ref] = Consent(number, given, cells[columns["scope"]].strip(), until)
    return register


def refusal(folder: Optional[Path], reference: Optional[str], on: Optional[date] = None) -> Optional[str]:
    """Why the consent `reference` does not allow publishing a photo today, or None."""
    text = unicodedata.normalize("NFKC", reference or "").strip()
    if not text:
        return "照片缺少 consent（private/consents.csv 里监护人同意书的编号），不能发布"
    if NEGATIONS.match(text):
        return (f"照片的 consent 写的是“{text}”，等于没有监护人同意，不能发布。请取得监护人书面同意，登记在 "
                "private/consents.csv 里，再在这里写同意书的编号")
    if folder is None:
        return None
    register = read_consents(folder)
    if register.path is None:
        return ("找不到同意书登记表 private/consents.csv。照片的 consent 要写登记表里的编号；"
                "登记表的列是：编号、监护人同意日期、范围、有效期至")
    consent = register.consents.get(_key(text))
    if consent is None:
        return f"同意书编号“{text}”在 private/consents.csv 里找不到，照片不能发布。请核对编号，或先登记这份同意书"
    where = f"private/consents.csv 第 {consent.line} 行"
    day = on or today()
    if consent.given is None:
        return f"同意书“{text}”没有写监护人同意日期（{where}），照片不能发布"
    if consent.given > day:
        return f"同意书“{text}”的同意日期在今天之后（{where}），请核对"
    if consent.until is None:
        return f"同意书“{text}”没有写有效期至（{where}），照片不能发布"
    if consent.until < day:
        return f"同意书“{text}”已经过期（有效期至 {consent.until.isoformat()}，{where}），照片不能再发布。请重新取得同意，或删掉这张照片"
    if not any(word in consent.scope for word in PUBLISH_SCOPES):
        return (f"同意书“{text}”的范围是“{consent.scope or '（空）'}”，不包括在学校网站上公开（{where}）。"
                "范围里写明“学校网站”的同意书才能用于网上发布")
    return None
