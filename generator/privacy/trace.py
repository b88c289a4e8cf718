"""From a finding on a generated page back to the record that produced it.

The output audit sees a page (`404.html:104`) but staff can only change records. When markup on a
page that the theme does not write (an attribute, an element, a `javascript:` link) carries text
that one of the school's records (or the bureau's) holds, the finding is reported at that record's
file, line and field instead: `schools/x/school.yml:1: name: …`.

Texts are matched as written in the record; for a zh-Hant page, whose text was converted, by the
longest runs of ASCII in the finding (payloads are code, which the conversion leaves alone).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable, Iterator, Optional

from generator.records.load import County, Loaded, SchoolRecords

MIN_EVIDENCE = 4  # shorter texts (`x="`, `1`) would match records by chance
_ASCII_RUN = re.compile(r"[\x21-\x7e](?:[\x20-\x7e]*[\x21-\x7e])?")
_BLOCK_SCALAR = re.compile(r"[|>][+-]?\s*(#.*)?$")


@dataclass(frozen=True)
class Source:
    """One text value of one record: where it is written."""

    path: str  # relative to the data root, as in every problem message
    line: int
    field: str
    value: str


def _strings(data, path=()) -> Iterator[tuple[tuple, str]]:
    if isinstance(data, dict):
        for key, value in data.items():
            yield from _strings(value, path + (key,))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from _strings(value, path + (index,))
    elif isinstance(data, str):
        yield path, data


def field_name(path: tuple) -> str:
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def _sources(item: Loaded, county: County) -> list[Source]:
    try:
        raw_lines = (county.root / item.path).read_text(encoding="utf-8-sig", errors="replace").split("\n")
    except OSError:
        raw_lines = []
    found = []
    for path, value in _strings(item.doc.data):
        line = item.doc.lines.get(path) or item.line_of(*path)
        text = raw_lines[line - 1] if 0 < line <= len(raw_lines) else ""
        if _BLOCK_SCALAR.search(text):
            line += 1  # `body: |`: the text starts on the next line
        found.append(Source(item.path, line, field_name(path), value))
    return found


def _items(records: SchoolRecords) -> list[Loaded]:
    items: list[Loaded] = [records.school] if records.school else []
    return (items + list(records.activities) + list(records.policies) + list(records.resources)
            + list(records.summaries) + list(records.letters))


class RecordTexts:
    """Every text of a school's records and of the bureau's (or of every school, for the portal)."""

    def __init__(self, county: County, records: Optional[SchoolRecords] = None) -> None:
        items = [county.bureau] if county.bureau else []
        for school in ([records] if records is not None else county.schools):
            items += _items(school)
        self.sources = [source for item in items for source in _sources(item, county)]

    def locate(self, evidence: Iterable[str]) -> Optional[tuple[Source, int]]:
        """The record text holding one of `evidence` (tried in order; each as written, then its
        ASCII runs), with the line it is on; None when no record holds any of it."""
        evidence = [e for e in evidence if e and len(e.strip()) >= MIN_EVIDENCE]
        for candidates in (evidence, [run for e in evidence for run in sorted(_ASCII_RUN.findall(e), key=len, reverse=True)
                                      if len(run) >= 2 * MIN_EVIDENCE]):
            for text in candidates:
                for source in self.sources:
                    index = source.value.find(text)
                    if index >= 0:
                        return source, source.line + source.value.count("\n", 0, index)
        return None
