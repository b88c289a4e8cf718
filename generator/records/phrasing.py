"""Phrasing as teachers write it: the unambiguous forms records accept besides the canonical ones.

A value written in such a form (每两周, 两次, 42名同学, 週一至週五, 12月31日, 2026年清明节 …) is read
into its canonical value and a reminder (提醒) is noted, saying the canonical form, so staff learn
it and nothing is changed silently. The model validators note reminders here while a record is
validated (`collecting`); load.py places each on its line and reports it as a warning.

Also: Chinese numerals in counts, the Simplified folding of Traditional-script choices (OpenCC
t2s), and the term that fixes the year of a month-day date inside an activity.
"""

from __future__ import annotations

import contextlib
import functools
import re
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, Iterator, Optional


@dataclass(frozen=True)
class Note:
    """A reminder: `raw` is the value as written, found in the file to place the reminder on its
    line (`key`, the field's name, picks among equal values)."""

    message: str
    raw: Optional[str] = None
    key: Optional[str] = None


_NOTES: ContextVar[Optional[list[Note]]] = ContextVar("careportal_notes", default=None)
_FACTS: ContextVar[Optional[dict]] = ContextVar("careportal_facts", default=None)


@contextlib.contextmanager
def collecting() -> Iterator[list[Note]]:
    """Collect the reminders noted while validating one record (and the facts it states that other
    fields are read with: its term, its total of students)."""
    notes: list[Note] = []
    token = _NOTES.set(notes)
    facts_token = _FACTS.set({})
    try:
        yield notes
    finally:
        _NOTES.reset(token)
        _FACTS.reset(facts_token)


@contextlib.contextmanager
def quiet() -> Iterator[None]:
    """Read parts of a value without noting reminders (the caller notes one for the whole)."""
    token = _NOTES.set(None)
    try:
        yield
    finally:
        _NOTES.reset(token)


def note(message: str, raw: Any = None, key: Optional[str] = None) -> None:
    notes = _NOTES.get()
    if notes is not None:
        notes.append(Note(message, raw if isinstance(raw, str) else None, key))


def remember(key: str, value: Any) -> None:
    """A fact of the record being validated: "term" (fixes a month-day date's year), "students"."""
    facts = _FACTS.get()
    if facts is not None:
        facts[key] = value


def recall(key: str) -> Any:
    facts = _FACTS.get()
    return facts.get(key) if facts is not None else None


# ---------------------------------------------------------------------------------------------
# Traditional script


@functools.lru_cache(maxsize=1)
def _t2s():
    import opencc

    return opencc.OpenCC("t2s")


def simplified(text: str) -> str:
    """Traditional → Simplified (OpenCC t2s); Simplified text passes through unchanged."""
    return _t2s().convert(text)


HAN = re.compile(r"[\u4e00-\u9fff]")


# ---------------------------------------------------------------------------------------------
# Chinese numerals

_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "兩": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7,
           "八": 8, "九": 9}
_UNITS = {"十": 10, "百": 100, "千": 1000}
CHINESE_NUMERAL = "[零〇一二两兩三四五六七八九十百千]+"


def chinese_numeral(text: str) -> Optional[int]:
    """一 → 1, 两 → 2, 十二 → 12, 三百零五 → 305, 一千二百 → 1200; anything else → None."""
    if not text or not re.fullmatch(CHINESE_NUMERAL, text):
        return None
    total, digit, last_unit, zero = 0, None, 10_000, False
    for char in text:
        if char in _DIGITS:
            if digit is not None and digit != 0:  # 二三: not a numeral
                return None
            digit = _DIGITS[char]
            zero = zero or (digit == 0 and last_unit < 10_000)
        else:
            unit = _UNITS[char]
            if unit >= last_unit:  # 十百: not a numeral
                return None
            total += (1 if digit is None else digit) * unit
            digit, last_unit = None, unit
    if digit:
        if last_unit <= 10 or last_unit == 10_000 or zero:
            total += digit
        else:  # 一千二 (= 1200) is spoken shorthand: refuse rather than guess
            return None
    return total


def number(text: str) -> Optional[int]:
    """Arabic digits or a Chinese numeral."""
    if re.fullmatch(r"[0-9]{1,12}", text):
        return int(text)
    return chinese_numeral(text)


# ---------------------------------------------------------------------------------------------
# Words with a fixed reading

# Opening hours given as a part of the day, where clock times are not known (or vary)
# with the clock time each roughly begins at, only to list a day's openings in order
PERIOD_STARTS = {"全天": "00:00", "早上": "07:00", "早晨": "07:00", "白天": "08:00", "上午": "09:00", "大课间": "10:00",
                 "课间": "10:00", "中午": "12:00", "午间": "12:00", "午休": "12:30", "下午": "14:00", "下午课后": "16:30",
                 "课后": "16:30", "放学后": "16:30", "傍晚": "17:30", "晚上": "19:00", "晚自习前": "18:30", "晚自习": "19:00"}
PERIOD_WORDS = tuple(PERIOD_STARTS)
PERIOD = re.compile(r"^(?:" + "|".join(sorted(PERIOD_WORDS, key=len, reverse=True)) + r")(?:[(（].{0,40}[)）])?$")

# A quantity of equipment that is not stated
UNSTATED_QUANTITY = ("若干", "一批", "一些", "多", "多个", "多套", "多台", "若干套", "若干台", "若干个", "若干本", "若干件",
                     "不详", "未统计")
