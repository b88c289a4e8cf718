"""What a build reports: each school's result and the county's."""

from __future__ import annotations

import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from generator.problems import Problem, Severity
from generator.records.load import County


@dataclass
class SchoolResult:
    slug: str
    status: str  # built | unchanged | failed
    problems: list[Problem] = field(default_factory=list)
    pages: int = 0
    gate: dict = field(default_factory=dict)  # its part of the gate report (check.school_report)

    @property
    def first_error(self) -> Optional[Problem]:
        return next((p for p in self.problems if p.severity is Severity.ERROR), None)


@dataclass
class CountyReport:
    county: County
    schools: list[SchoolResult]
    county_problems: list[Problem]
    portal_published: bool  # the portal is online and up to date (rebuilt now or unchanged)
    portal_rebuilt: bool = False
    gate_report: Optional[Path] = None  # the privacy gate's JSON report (outside the published tree)

    @property
    def failed(self) -> bool:
        return bool([p for p in self.county_problems if p.severity is Severity.ERROR]) or any(
            r.status == "failed" for r in self.schools)

    def count(self, status: str) -> int:
        return sum(1 for r in self.schools if r.status == status)


def internal_error(slug: str, stage: str, exc: BaseException) -> Problem:
    detail = "".join(traceback.format_exception_only(type(exc), exc)).strip()
    return Problem(f"schools/{slug}/", 0, "", f"{stage}时出错（这是 careportal 的问题，不是您的内容有误，请联系技术人员）：{detail}")
