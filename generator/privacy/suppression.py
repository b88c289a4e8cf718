"""Small-cell suppression for every published count about children.

This module is the only owner of k: its default, its floor and what is suppressed.

A count below k (the bureau's `privacy.min_cell`, default 10, never below 5) is shown as
“少于k人”. Where cells add up to a published total, a single suppressed cell could be recovered
by subtraction, so a second cell (the smallest other one) is withheld too and shown as “不公布”
(never as “少于k人”, which would be untrue). A sensitive attribute (心理辅导, 资助 …) is shown
only when both the “has” and the “has not” counts reach k, so no page ever says “all” or “none”.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional, Sequence

from generator.problems import Problem
from generator.records.load import County
from generator.records.models import PrivacySettings

SMALL = "small"  # below k
COMPLEMENTARY = "complementary"  # withheld so that a small cell cannot be recovered from the total
SENSITIVE = "sensitive"  # a sensitive attribute whose “has” or “has not” count is below k
FLOOR = 5  # k is never below this, whatever the configuration says


def effective_k(k: int) -> int:
    return max(FLOOR, int(k))


def county_k(county: County) -> int:
    """The k every page of this county is published with (the bureau's setting, floored)."""
    return effective_k((county.bureau.record.privacy if county.bureau else PrivacySettings()).min_cell)


def settings_problems(county: County) -> list[Problem]:
    """A bureau that asks for a k below the floor is told so (the floor applies regardless)."""
    configured = county.bureau.record.privacy.min_cell if county.bureau else FLOOR
    if configured >= FLOOR:
        return []
    bureau = county.bureau
    return [bureau.problem(("privacy", "min_cell"),
                           f"数值不能小于 {FLOOR}：人数太少的数字会让人认出是哪个孩子（现在写的是 {configured}）")]


@dataclass(frozen=True)
class Cell:
    """A count as published: either its value, or suppressed (and why)."""

    value: Optional[int]
    suppressed: bool
    k: int
    unit: str = "人"
    reason: str = ""

    @property
    def small(self) -> bool:
        """Suppressed because the count itself is below k (shown as “少于k人”)."""
        return self.suppressed and self.reason == SMALL

    @property
    def log_reason(self) -> str:
        """Why it is suppressed, as the gate report says it ("" when published)."""
        return "" if not self.suppressed else ("少于k" if self.reason == SMALL else "不公布")

    @property
    def text(self) -> str:
        if self.value is None:
            return "—"
        if not self.suppressed:
            return f"{self.value}{self.unit}"
        if self.reason in (COMPLEMENTARY, SENSITIVE):
            return "不公布"
        return f"少于{self.k}{self.unit}"


def cell(value: Optional[int], k: int, unit: str = "人") -> Cell:
    k = effective_k(k)
    small = value is not None and value < k
    return Cell(value, small, k, unit, SMALL if small else "")


def cells_with_total(values: Sequence[int], k: int, unit: str = "人") -> list[Cell]:
    """Cells that sum to a published total: small ones are suppressed, and more cells are withheld
    until no suppressed cell can be worked out from the total and the other cells (exactly one
    suppressed cell, or “少于10人” bounds that add up to the total, as 9 + 9 = 18 would)."""
    k = effective_k(k)
    reasons = [SMALL if v < k else "" for v in values]
    if len(values) > 1:
        while _recoverable(values, reasons, k):
            visible = [(v, i) for i, v in enumerate(values) if not reasons[i]]
            if visible:
                reasons[min(visible)[1]] = COMPLEMENTARY
            else:  # every cell is small: drop the “fewer than k” bound that pins them down
                reasons = [COMPLEMENTARY if r else r for r in reasons]
                break
    return [Cell(v, bool(r), k, unit, r) for v, r in zip(values, reasons)]


def _recoverable(values: Sequence[int], reasons: list[str], k: int) -> bool:
    """Can a reader who knows the total and the published cells pin down any suppressed one?"""
    hidden = [i for i, r in enumerate(reasons) if r]
    if not hidden:
        return False
    rest = sum(values) - sum(v for v, r in zip(values, reasons) if not r)
    high = {i: (k - 1 if reasons[i] == SMALL else rest) for i in hidden}
    for i in hidden:
        others = sum(high[j] for j in hidden if j != i)
        if max(0, rest - others) == min(high[i], rest):
            return True
    return False


def sensitive_publishable(count: int, group_total: Optional[int], k: int) -> bool:
    """A sensitive attribute is shown only if both the 'has' and the 'has not' counts reach k."""
    k = effective_k(k)
    return group_total is not None and count >= k and group_total - count >= k


def sensitive_cell(count: Optional[int], group_total: Optional[int], k: int, unit: str = "人") -> Cell:
    """A sensitive count (school level only): published only when `sensitive_publishable`."""
    k = effective_k(k)
    if count is None:
        return Cell(None, False, k, unit)
    ok = sensitive_publishable(count, group_total, k)
    return Cell(count, not ok, k, unit, "" if ok else SENSITIVE)


def total_over_parts(values: Sequence[Optional[int]], k: int, unit: str = "人") -> Optional[Cell]:
    """The sum of parts that are published elsewhere one by one (e.g. each school's figure on the
    county portal). Withheld when exactly one part is suppressed, since the sum minus the other
    parts would reveal it; shown as “少于k人” when the sum itself is small. None if no part is known."""
    k = effective_k(k)
    known = [v for v in values if v is not None]
    if not known:
        return None
    if sum(1 for v in known if v < k) == 1 and len(values) >= 1:
        return Cell(sum(known), True, k, unit, COMPLEMENTARY)
    return cell(sum(known), k, unit)
