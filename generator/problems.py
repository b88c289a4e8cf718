"""Problems found in user content: one line each, `file:line: field: message`, in Chinese."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class Severity(str, Enum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one place in one file. `path` is relative to the data root; `field` is
    the field as a teacher reads it (开放时间第1条的开始时间, see records/labels.py), `place` the
    same field's machine path (hours[0].start), which the editor uses to show the problem beside
    its form field (not printed)."""

    path: str
    line: int
    field: str
    message: str
    severity: Severity = Severity.ERROR
    rule: str = ""  # privacy-gate rule name, empty for schema problems
    place: str = ""  # machine path of the field, for forms (not printed)

    def format(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        label = ": ".join(part for part in (self.field, self.rule) if part)
        prefix = "" if self.severity is Severity.ERROR else "提醒："
        return f"{where}: {label}: {prefix}{self.message}" if label else f"{where}: {prefix}{self.message}"


class Problems(list):
    """The one collection of problems: a list of `Problem` (so it concatenates, sorts and prints
    like any list) that can also say which are errors and which are reminders. Kept per school so
    one school's mistakes never block another."""

    def add(self, problem: Problem) -> None:
        self.append(problem)

    @property
    def items(self) -> list[Problem]:  # the list itself, for readers that ask for it by name
        return list(self)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self if p.severity is Severity.ERROR]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self if p.severity is Severity.WARNING]


def has_errors(problems) -> bool:
    """Whether any of `problems` (a Problems or any iterable of Problem) is an error."""
    return any(p.severity is Severity.ERROR for p in problems)


class ContentError(Exception):
    """Raised inside the reader for a mistake at a known line; turned into a Problem by the loader."""

    def __init__(self, line: int, message: str, field: str = ""):
        super().__init__(message)
        self.line = line
        self.message = message
        self.field = field
