"""Small-cell suppression for every published count about children.

A count below k (the bureau's `privacy.min_cell`, default 10, never below 5) is shown as
“少于k人”. Where cells add up to a published total, a single suppressed cell could be recovered
by subtraction, so a second cell (the smallest other one) is suppressed too.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional, Sequence


@dataclass(frozen=True)
class Cell:
    """A count as published: either its value, or suppressed."""

    value: Optional[int]
    suppressed: bool
    k: int
    unit: str = "人"

    @property
    def text(self) -> str:
        if self.value is None:
            return "—"
        return f"少于{self.k}{self.unit}" if self.suppressed else f"{self.value}{self.unit}"


def cell(value: Optional[int], k: int, unit: str = "人") -> Cell:
    return Cell(value, value is not None and value < k, k, unit)


def cells_with_total(values: Sequence[int], k: int, unit: str = "人") -> list[Cell]:
    """Cells that sum to a published total: suppress small ones, and never exactly one."""
    flags = [v < k for v in values]
    if sum(flags) == 1 and len(values) > 1:
        others = [(v, i) for i, v in enumerate(values) if not flags[i]]
        flags[min(others)[1]] = True
    return [Cell(v, f, k, unit) for v, f in zip(values, flags)]


def sensitive_publishable(count: int, group_total: int, k: int) -> bool:
    """A sensitive attribute is shown only if both the 'has' and the 'has not' counts reach k."""
    return count >= k and group_total - count >= k
