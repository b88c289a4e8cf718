"""Unit tests of site/views.py: the public view models, built from real records (the demo county
and small records written here), without rendering or MkDocs."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from helpers import REPO, copy_demo

from generator.privacy.suppression import county_k
from generator.records import models
from generator.records.load import load_county
from generator.site import urls, views

TODAY = date(2026, 11, 23)  # the demo county's build date (helpers.DEMO_EPOCH)


@pytest.fixture(scope="module")
def county():
    return load_county(REPO)


@pytest.fixture(scope="module")
def huangshan(county):
    return next(s for s in county.schools if s.slug == "huangshan-cun")


def test_small_helpers():
    assert views.chinese_count(1) == "一" and views.chinese_count(2) == "两" and views.chinese_count(12) == "十二"
    assert views.chinese_count(30) == "三十" and views.chinese_count(45) == "四十五"
    assert views.tel_uri("0599-647 2106") == "tel:05996472106"
    week = [models.Weekday(d) for d in ("周一", "周二", "周三", "周四", "周五")]
    assert views.days_text(week) == "周一至周五"
    assert views.days_text([models.Weekday("周一"), models.Weekday("周三")]) == "周一、周三"
    assert not set(views.nav_title('<b>A&B"</b>')) & set('<>&"\'')  # safe printed raw, escaped or stripped


def test_participants_below_k_are_suppressed_and_qualifiers_read_as_written():
    def p(count, qualifier=None, group=None):
        return models.Participants(count=count, qualifier=qualifier, group=group)

    assert views.participants_text(p(3), 10) == "少于10人"
    assert views.participants_text(p(3, models.Qualifier.ABOUT, "监护人"), 10) == "监护人少于10人"
    assert views.participants_text(p(40, models.Qualifier.ABOUT), 10) == "约40人"
    assert views.participants_text(p(40, models.Qualifier("余")), 10) == "40余人"
    assert views.participants_text(None, 10) is None


def test_a_policy_cadence_reads_as_one_sentence(huangshan):
    talk = next(p for p in huangshan.policies if p.slug == "tanxin-jiedui")
    view = views.policy_view(talk)
    assert view.duties == ("全体教师每两周至少与结对的留守儿童谈心一次。",)
    assert view.path == urls.policy("tanxin-jiedui").url == "policies/tanxin-jiedui.html"


@pytest.mark.parametrize("fields, sentence", [
    ({"action": "与每名留守儿童谈心", "count": 1, "per": "月"}, "班主任每月与每名留守儿童谈心一次。"),
    ({"action": "与每名留守儿童谈心", "count": 1, "per": "月", "at_least": True}, "班主任每月至少与每名留守儿童谈心一次。"),
    ({"action": "召开讲座", "count": 1, "count_max": 2, "per": "学期", "at_least": True}, "班主任每学期召开讲座一至两次。"),
    ({"who": "学校", "through": "督促家长", "action": "与孩子通电话", "count": 1, "per": "两周"},
     "学校督促家长每两周与孩子通电话一次。"),
    ({"who": "生活老师", "action": "与住校的留守儿童谈心", "frequency": "经常"}, "生活老师经常与住校的留守儿童谈心。"),
    ({"action": "家访", "frequency": "定期不定期", "windows": ["期初", "期末"]}, "班主任定期不定期家访，在期初、期末进行。"),
    ({"action": "写家庭教育建议", "count": 12, "per": "年"}, "班主任每年写家庭教育建议十二次。"),
])
def test_a_duty_reads_as_one_sentence_with_its_own_subject(fields, sentence):
    assert views.duty_sentence("班主任", models.Duty(**fields)) == sentence


def test_school_site_splits_upcoming_from_past_by_the_build_date(county, huangshan):
    site = views.school_site(county, huangshan, TODAY)
    assert site.upcoming and site.news
    assert all(a.date.first_day > TODAY for a in site.upcoming)
    assert all(a.date.first_day <= TODAY for a in site.news)
    assert [a.date.sort_key for a in site.upcoming] == sorted(a.date.sort_key for a in site.upcoming)  # soonest first
    keys = [g.key for g in site.months]
    assert keys == sorted(keys, reverse=True)  # newest month first
    assert all(g.activities for g in site.kinds)  # only kinds that have activities get a page
    assert site.min_cell == county_k(county) == 10
    assert site.site_url is None or site.site_url.endswith("/huangshan-cun/")
    # a later build date turns every upcoming activity into news
    later = views.school_site(county, huangshan, date(2030, 1, 1))
    assert later.upcoming == [] and len(later.news) == len(huangshan.activities)


def test_summary_rows_carry_the_cell_behind_each_count(huangshan):
    summary = next(s for s in huangshan.summaries if s.record.term.code == "2025-2026-2")
    view = views.summary_view(summary, 10)
    rows = {row.label: row for table in view.tables for row in table.rows}
    assert rows["留守儿童"].value == "51人" and rows["留守儿童"].cell.value == 51
    assert rows["学前班"].cell.suppressed and rows["学前班"].value == "少于10人"
    # 学前班 7 is small; another band is withheld so that 7 cannot be worked out from 51
    withheld = [label for label in ("1—3年级", "4—6年级") if rows[label].cell.suppressed]
    assert len(withheld) == 1 and rows[withheld[0]].value == "不公布"
    assert view.suppressed == sum(1 for r in rows.values() if r.cell is not None and r.cell.suppressed)
    assert rows["家访"].cell is None  # events, not children: published as counted


def test_portal_links_and_totals_over_the_county(tmp_path):
    root = copy_demo(tmp_path / "root")
    county = load_county(root)
    sites = [views.school_site(county, s, TODAY) for s in county.schools]
    portal = views.portal_view(county, sites, county.schools, TODAY)
    links = [link for t in portal.townships for group in t.kinds for link in group.schools]
    assert sorted(link.path for link in links) == sorted(f"{s.slug}/index.html" for s in county.schools)
    assert portal.school_count == len(county.schools)
    latest = [s.summaries[0].record for s in county.schools if s.summaries]
    totals = {row.label: row.value for row in portal.totals}
    assert totals["留守儿童"] == f"{sum(s.left_behind.total for s in latest)}人"
    assert len(portal.news) <= views.PORTAL_NEWS
    assert [n.date_iso for n in portal.news] == sorted((n.date_iso for n in portal.news), reverse=True)
    first = portal.news[0]
    slug = first.path.split("/")[0]
    assert (Path(slug) / "news").as_posix() in first.path and first.path.endswith(".html")
