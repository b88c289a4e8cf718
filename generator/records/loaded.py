"""A record with where it came from (slug, file, line of each key)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, TypeVar

from pydantic import BaseModel

from generator.problems import Problem, Severity
from generator.records import labels
from generator.records.source import Document

T = TypeVar("T", bound=BaseModel)


@dataclass(frozen=True)
class Loaded(Generic[T]):
    """A record with where it came from: its slug (file name), its file and the line of each key."""

    record: T
    slug: str
    path: str
    doc: Document

    def line_of(self, *path) -> int:
        return self.doc.line_of(tuple(path))

    def problem(self, loc: tuple, message: str, severity: Severity = Severity.ERROR, line: int = 0) -> Problem:
        """A problem at the field `loc` of this record (at its line unless `line` is given)."""
        return labels.problem(self.path, line or self.line_of(*loc), loc, message, severity)
