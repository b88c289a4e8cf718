"""The sentences the generator writes from records, for the privacy gate's meaning rules.

A page joins a record's words with numbers the generator formats: an activity's title and its
participants (“单亲家庭学生心理辅导” beside “学生少于10人”), a policy's duty sentences (subject +
action + count), a summary's rows (a sensitive attribute or a grade band beside its count). Each
part may pass on its own while the sentence they make does not; records_gate.check_generated
reads them as sentences and reports on the record's file, line and field."""

from __future__ import annotations

from collections.abc import Iterator, MutableMapping
from typing import Optional

from generator.privacy.records_gate import GeneratedText, check_generated, check_records
from generator.privacy.suppression import county_k
from generator.problems import Problem
from generator.records.load import County, SchoolRecords
from generator.records.labels import field_path
from generator.site.views import duty_sentence, participants_text, summary_view


def gate_school(county: County, records: SchoolRecords,
                memo: Optional[MutableMapping[str, list[Problem]]] = None,
                reviewed: Optional[list] = None) -> list[Problem]:
    """The records gate as `careportal check`, the build and the editor all run it: the records'
    own text (check_records), then the sentences the generator writes from them."""
    return (check_records(county, records, memo, reviewed)
            + check_generated(county, records, generated_texts(records, county_k(county))))


def generated_texts(records: SchoolRecords, k: int) -> Iterator[GeneratedText]:
    for item in records.activities:
        r = item.record
        who = participants_text(r.participants, k)
        if who:
            line = item.line_of("participants")
            for text in (r.title, r.summary):
                if text:
                    last = text.rstrip("。！？!? \n").split("。")[-1]  # the sentence the figure follows
                    yield GeneratedText(item.path, line, field_path(("participants",)), f"{last}（{who}）。")
    for item in records.policies:
        p = item.record
        if p.cadence is not None:  # the older single-duty form
            yield GeneratedText(item.path, item.line_of("cadence"), field_path(("cadence",)),
                                duty_sentence(p.responsible_role, p.cadence))
        for i, duty in enumerate(p.duties):
            yield GeneratedText(item.path, item.line_of("duties", i), field_path(("duties", i)),
                                duty_sentence(p.responsible_role, duty))
    for item in records.summaries:
        s = item.record
        labels = {e.attribute: ("sensitive", i, "attribute") for i, e in enumerate(s.sensitive)}
        labels.update({b.band: ("left_behind", "by_grade_band", i) for i, b in enumerate(s.left_behind.by_grade_band or [])})
        for table in summary_view(item, k).tables:
            for row in table.rows:
                if row.label in labels and row.cell is not None:  # the record's words beside a count of children
                    path = labels[row.label]
                    yield GeneratedText(item.path, item.line_of(*path), field_path(path),
                                        f"{table.title}：{row.label}{row.value}。")
