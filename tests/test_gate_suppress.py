"""Privacy gate, rules 5 and 6: small cells, complementary suppression and sensitive attributes,
in suppression.py and in the summary tables and portal totals that views.py builds from them."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from generator.records import models

from generator.privacy import suppression
from generator.records.load import load_county
from generator.site.views import _county_total, summary_view

REPO = Path(__file__).resolve().parent.parent


def test_small_cells_read_fewer_than_k_and_k_is_never_below_five():
    assert suppression.cell(3, 10).text == "少于10人"
    assert suppression.cell(0, 10).text == "少于10人"  # a true zero is small too
    assert suppression.cell(10, 10).text == "10人"
    assert suppression.cell(4, 3).text == "少于5人"  # a configured k of 3 is raised to 5
    assert suppression.cell(None, 10).text == "—"


def _bounds(text: str, k: int, total: int) -> range:
    """What a reader learns about a cell from its text alone."""
    if text.startswith("少于"):
        return range(0, int(text[2:].rstrip("人")))
    if text == "不公布":
        return range(0, total + 1)
    value = int(text.rstrip("人"))
    return range(value, value + 1)


@settings(max_examples=400, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=40), min_size=2, max_size=6), st.integers(min_value=5, max_value=15))
def test_no_suppressed_cell_can_be_recovered_from_a_published_total(values, k):
    cells = suppression.cells_with_total(values, k)
    total = sum(values)
    for value, c in zip(values, cells):
        assert c.suppressed or value >= k  # every small value is hidden
        if c.suppressed:
            assert c.text != f"{value}人"
            assert not c.text.startswith("少于") or value < k  # a withheld big cell never claims to be small
    if total < k:
        return  # the total is then shown as “少于k人” itself: nothing to subtract from
    bounds = [_bounds(c.text, k, total) for c in cells]
    for index, c in enumerate(cells):
        if not c.suppressed:
            continue
        others_low = sum(b.start for j, b in enumerate(bounds) if j != index)
        others_high = sum(b.stop - 1 for j, b in enumerate(bounds) if j != index)
        feasible = [x for x in bounds[index] if others_low <= total - x <= others_high]
        assert len(feasible) > 1, (values, [c.text for c in cells])


def test_fewer_than_k_bounds_that_add_up_to_the_total_are_not_shown():
    assert [c.text for c in suppression.cells_with_total([9, 9], 10)] == ["不公布", "不公布"]
    assert [c.text for c in suppression.cells_with_total([9, 9, 30], 10)] == ["少于10人", "少于10人", "不公布"]
    assert [c.text for c in suppression.cells_with_total([0, 0, 30], 10)] == ["少于10人", "少于10人", "不公布"]
    assert [c.text for c in suppression.cells_with_total([3, 40, 25], 10)] == ["少于10人", "40人", "不公布"]


def test_sensitive_attributes_need_both_has_and_has_not_at_least_k():
    assert suppression.sensitive_cell(12, 40, 10).text == "12人"
    assert suppression.sensitive_cell(9, 40, 10).text == "不公布"  # too few have it
    assert suppression.sensitive_cell(35, 40, 10).text == "不公布"  # too few do not: “nearly all”
    assert suppression.sensitive_cell(40, 40, 10).text == "不公布"  # 100 %
    assert suppression.sensitive_cell(0, 40, 10).text == "不公布"  # 0 %
    assert suppression.sensitive_cell(20, None, 10).text == "不公布"  # no group size, no way to know


def test_portal_totals_are_withheld_when_one_school_is_small_and_never_small_themselves():
    assert suppression.total_over_parts([120, 7, 300], 10).text == "不公布"
    assert _county_total([120, 7, 300], 10) == "（有学校人数过少，合计不公布）"
    assert _county_total([120, 7, 8, 300], 10) == "435人"  # two small schools: their sum is not either one
    assert _county_total([3, 4], 10) == "少于10人"  # the county sum itself is a small cell
    assert _county_total([None, None], 10) is None


def _summary(data: dict):
    from generator.records.load import Loaded
    from generator.records.source import Document

    record = models.TermSummary.model_validate(data)
    return Loaded(record, record.term.code, "schools/x/summaries/x.yml", Document(data, {(): 1}))


def _rows(view) -> dict[str, str]:
    return {f"{t.title}/{r.label}": r.value for t in view.tables for r in t.rows}


def test_a_grade_band_of_three_is_suppressed_with_a_second_cell_and_the_total_stays():
    view = summary_view(_summary({
        "term": "2025-2026-2", "students_total": "126",
        "left_behind": {"total": "53", "both_parents_away": "21", "one_parent_away": "32",
                        "by_grade_band": [{"band": "学前班", "count": "3"}, {"band": "1—3年级", "count": "22"},
                                          {"band": "4—6年级", "count": "28"}]},
    }), 10)
    rows = _rows(view)
    assert rows["留守儿童分学段人数/学前班"] == "少于10人"
    assert rows["留守儿童分学段人数/1—3年级"] == "不公布"  # the smallest other cell goes too
    assert rows["留守儿童分学段人数/4—6年级"] == "28人"
    assert rows["基本情况/留守儿童"] == "53人"
    assert not any(v in {"3人", "22人"} for v in rows.values())
    assert view.suppressed == 2


def test_sensitive_rows_and_aid_recipients_in_the_summary():
    view = summary_view(_summary({
        "term": "2025-2026-2", "students_total": "122",
        "left_behind": {"total": "51"},
        "donations": {"recipients": "122"},
        "sensitive": [{"attribute": "心理辅导", "count": "12"}, {"attribute": "孤儿", "count": "2"},
                      {"attribute": "资助", "count": "51"}],
    }), 10)
    rows = _rows(view)
    assert rows["专项关爱（全校合计）/心理辅导"] == "12人"
    assert rows["专项关爱（全校合计）/孤儿"] == "不公布"
    assert rows["专项关爱（全校合计）/资助"] == "不公布"  # every left-behind child: 100 %
    assert rows["捐赠资助（只公布总数，不公布受助学生名单）/受助学生"] == "不公布"  # every student
    assert not any(v in {"2人", "51人", "122人"} for k, v in rows.items() if "专项" in k or "捐赠" in k)


def test_demo_county_summaries_publish_no_cell_below_k():
    county = load_county(REPO)
    k = suppression.county_k(county)
    for school in county.schools:
        for item in school.summaries:
            for table in summary_view(item, k).tables:
                for row in table.rows:
                    number = row.value.removesuffix("人")
                    if number.isdigit() and table.title != "关爱工作开展情况":
                        assert int(number) >= k, (item.path, table.title, row.label)


def test_activity_participants_below_k_are_suppressed():
    from datetime import date

    from generator.records.load import Loaded
    from generator.records.source import Document
    from generator.site.views import activity_view

    def view(participants):
        data = {"title": "家访", "date": "2026-03-02", "kind": "家访", "term": "2025-2026-2", "summary": "家访。",
                "participants": participants}
        record = models.Activity.model_validate(data)
        return activity_view(Loaded(record, "x", "schools/x/activities/x.yml", Document(data, {(): 1})), 10, date(2026, 3, 3))

    assert view("4").participants == "少于10人"
    assert view({"count": "6", "group": "留守儿童"}).participants == "留守儿童少于10人"
    assert view("约40").participants == "约40人"

