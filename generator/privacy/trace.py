"""From a finding on a generated page back to the record that produced it.

The output audit sees a page (`404.html:104`) but staff can only change records. When markup on a
page that the theme does not write (an attribute, an element, a `javascript:` link) carries text
that one of the school's records (or the bureau's) holds, the finding is reported at that record's
file, line and field instead: `schools/x/school.yml:1: name: …`.

Texts are matched as written in the record; for a zh-Hant page, whose text was converted, by the
longest runs of ASCII in the finding (payloads are code, which the conversion leaves alone).
"""

from __future__ import annotations

import difflib
import html
import re
from dataclasses import dataclass
from typing import Iterable, Optional

from generator.records.source import text_values
from generator.records.load import County, Loaded, SchoolRecords

MIN_EVIDENCE = 4  # shorter texts (`x="`, `1`) would match records by chance
CONTEXT_MATCH = 12  # characters a record must share with a tag to be taken as its source by that alone
_ASCII_RUN = re.compile(r"[\x21-\x7e](?:[\x20-\x7e]*[\x21-\x7e])?")
_BLOCK_SCALAR = re.compile(r"[|>][+-]?\s*(#.*)?$")


@dataclass(frozen=True)
class Source:
    """One text value of one record: where it is written."""

    path: str  # relative to the data root, as in every problem message
    line: int
    loc: tuple  # the value's path in the record, ("hours", 0, "start")
    value: str
    block: bool = False  # a `|` or `>` block: its lines are the file's lines



def _sources(item: Loaded, county: County) -> list[Source]:
    try:
        raw_lines = (county.root / item.path).read_text(encoding="utf-8-sig", errors="replace").split("\n")
    except OSError:
        raw_lines = []
    found = []
    for path, value in text_values(item.doc.data):
        line = item.doc.lines.get(path) or item.line_of(*path)
        text = raw_lines[line - 1] if 0 < line <= len(raw_lines) else ""
        block = bool(_BLOCK_SCALAR.search(text))
        found.append(Source(item.path, line + block, path, value, block))  # `body: |` starts below
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
        self._found: dict[tuple, Optional[tuple[Source, int]]] = {}

    def locate(self, evidence: Iterable[str], context: str = "") -> Optional[tuple[Source, int]]:
        key = (tuple(evidence), context)
        if key not in self._found:  # the theme repeats a tag on every page: trace it once
            self._found[key] = self._locate(key[0], context)
        return self._found[key]

    def _locate(self, evidence: tuple[str, ...], context: str) -> Optional[tuple[Source, int]]:
        """The record text that made a finding, with the line it is on; None when no record holds it.

        `evidence` are texts of the finding (an attribute's value, `name="…`), tried in order, each
        as written and then by its ASCII runs; `context` is the start tag (or script) it is in.
        Of several records holding the evidence, the one sharing the longest text with the
        context wins (two fields may carry the same payload; the rest of the tag tells them
        apart). Without evidence found, a record sharing at least CONTEXT_MATCH characters with
        the context is taken (an attribute named by a payload, `x"=`, has no useful value)."""
        context = html.unescape(context)
        evidence = [e for e in evidence if e and len(e.strip()) >= MIN_EVIDENCE]
        for candidates in (evidence, [run for e in evidence for run in sorted(_ASCII_RUN.findall(e), key=len, reverse=True)
                                      if len(run) >= 2 * MIN_EVIDENCE]):
            for text in candidates:
                holding = [(source, source.value.find(text)) for source in self.sources if text in source.value]
                if holding:
                    source, index = max(holding, key=lambda pair: _shared(pair[0].value, context))
                    return source, source.line + (source.value.count("\n", 0, index) if source.block else 0)
        if len(context) >= CONTEXT_MATCH:
            pieces = {context[i:i + CONTEXT_MATCH] for i in range(len(context) - CONTEXT_MATCH + 1)}
            sharing = [source for source in self.sources if any(piece in source.value for piece in pieces)]
            if sharing:
                best = max(sharing, key=lambda source: _shared(source.value, context))
                return best, best.line
        return None


def _shared(value: str, context: str) -> int:
    """How many characters of `value` appear, in order, in `context` (difflib's matching blocks)."""
    if not value or not context:
        return 0
    return sum(block.size for block in difflib.SequenceMatcher(None, value, context, autojunk=False).get_matching_blocks())
