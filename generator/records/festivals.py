"""Festivals and solar terms as dates (`2026年清明节`, `2026年中秋节`), with the lunar calendar of
lunar-python (pinned): the lunar festivals and the 24 solar terms move from year to year."""

from __future__ import annotations

import functools
from datetime import date, timedelta
from typing import Optional

# festivals on a fixed day of the (Gregorian) year
FIXED = {"元旦": (1, 1), "妇女节": (3, 8), "植树节": (3, 12), "劳动节": (5, 1), "五一": (5, 1), "青年节": (5, 4),
         "儿童节": (6, 1), "六一": (6, 1), "建党节": (7, 1), "建军节": (8, 1), "教师节": (9, 10), "国庆节": (10, 1),
         "国庆": (10, 1)}
# festivals on a day of the lunar year (month, day)
LUNAR = {"春节": (1, 1), "元宵节": (1, 15), "元宵": (1, 15), "端午节": (5, 5), "端午": (5, 5), "七夕": (7, 7),
         "七夕节": (7, 7), "中元节": (7, 15), "中秋节": (8, 15), "中秋": (8, 15), "重阳节": (9, 9), "重阳": (9, 9),
         "腊八节": (12, 8), "腊八": (12, 8)}
SOLAR_TERMS = ("小寒", "大寒", "立春", "雨水", "惊蛰", "春分", "清明", "谷雨", "立夏", "小满", "芒种", "夏至", "小暑",
               "大暑", "立秋", "处暑", "白露", "秋分", "寒露", "霜降", "立冬", "小雪", "大雪", "冬至")
NAMES = tuple(sorted({*FIXED, *LUNAR, *SOLAR_TERMS, "清明节", "除夕", "冬至节"}, key=len, reverse=True))


@functools.lru_cache(maxsize=64)
def _year_table(year: int) -> dict[str, date]:
    """Every lunar festival and solar term falling in the Gregorian `year`."""
    from lunar_python import Solar

    found: dict[str, date] = {}
    day = date(year, 1, 1)
    while day.year == year:
        lunar = Solar.fromYmd(day.year, day.month, day.day).getLunar()
        term = lunar.getJieQi()
        if term in SOLAR_TERMS:
            found.setdefault(term, day)
        if lunar.getMonth() > 0:  # a leap month is negative: no festival falls in it
            for name, (month, mday) in LUNAR.items():
                if (lunar.getMonth(), lunar.getDay()) == (month, mday):
                    found.setdefault(name, day)
        day += timedelta(days=1)
    if "春节" in found:
        found["除夕"] = found["春节"] - timedelta(days=1)
    return found


def festival_date(year: int, name: str) -> Optional[date]:
    """The date of a festival or solar term in a year; None for an unknown name (or out of range)."""
    name = name.strip()
    if name in {"清明节", "冬至节"}:
        name = name[:-1]
    if name in FIXED:
        month, day = FIXED[name]
        return date(year, month, day)
    if not 1990 <= year <= 2100:
        return None
    return _year_table(year).get(name)
