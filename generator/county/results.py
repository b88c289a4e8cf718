"""What a build reports: each school's result and the county's."""

from __future__ import annotations

import traceback
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import Optional

from generator.problems import Problem, Severity
from generator.records.load import County


class Status(str, Enum):
    """What became of one school in a build."""

    BUILT = "built"  # built and published now
    UNCHANGED = "unchanged"  # inputs unchanged: the published site stays
    FAILED = "failed"  # not published: the previously published site stays

    @property
    def text(self) -> str:
        return {Status.BUILT: "已发布", Status.UNCHANGED: "未改动（沿用已发布的网站）",
                Status.FAILED: "未发布（原来的网站保持不变）"}[self]

    @property
    def short(self) -> str:
        return {Status.BUILT: "已发布", Status.UNCHANGED: "无变化", Status.FAILED: "失败"}[self]


@dataclass
class SchoolResult:
    slug: str
    status: Status
    problems: list[Problem] = field(default_factory=list)
    pages: int = 0
    gate: dict = field(default_factory=dict)  # its part of the gate report (check.school_report)

    def __post_init__(self) -> None:
        self.status = Status(self.status)

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
    cluster: Optional[str] = None  # where the schools were built, when on a Dask cluster (cluster.py)

    @property
    def failed(self) -> bool:
        return bool([p for p in self.county_problems if p.severity is Severity.ERROR]) or any(
            r.status is Status.FAILED for r in self.schools)

    def count(self, status: Status) -> int:
        return sum(1 for r in self.schools if r.status == status)


class ClusterError(Exception):
    """A build on a Dask cluster cannot start (Dask not installed, the scheduler unreachable, other
    versions on a worker, no shared storage): a Chinese message for the bureau's staff, raised
    before any school is published. Here rather than in cluster.py, which is imported only when a
    cluster is asked for."""


def internal_error(slug: str, stage: str, exc: BaseException) -> Problem:
    detail = "".join(traceback.format_exception_only(type(exc), exc)).strip()
    return Problem(f"schools/{slug}/", 0, "", f"{stage}时出错（这是 careportal 的问题，不是您的内容有误，请联系技术人员）：{detail}")
