"""Unit tests of site/render.py: views → the MkDocs projects of one school (both scripts) and the
portal's files, read back from disk without running MkDocs."""

from __future__ import annotations

from datetime import date

import pytest
import yaml
from helpers import copy_demo

from generator.records.load import load_county
from generator.site import hant_site, render, urls
from generator.site.views import portal_view, school_site

TODAY = date(2026, 11, 23)


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    base = tmp_path_factory.mktemp("render")
    root = copy_demo(base / "root", ["huangshan-cun"])
    county = load_county(root)
    records = county.schools[0]
    site = school_site(county, records, TODAY)
    layout = render.Layout.for_root(root, base / "work")
    return site, records, render.render_school(site, layout, base / "out" / site.slug), layout


def test_every_record_gets_its_page_at_the_url_tables_path(rendered):
    site, records, result, _ = rendered
    docs = result.project / "docs"
    expected = [urls.HOME, urls.NEWS, urls.EVENTS, urls.POLICIES, urls.RESOURCES, urls.DATA, urls.CONTACT]
    expected += [urls.activity(a.slug) for a in records.activities] + [urls.policy(p.slug) for p in records.policies]
    expected += [urls.resource(r.slug) for r in records.resources]
    expected += [urls.activity_kind(g.slug) for g in site.kinds]
    if records.letters:
        expected += [urls.LETTERS] + [urls.letter(item.slug) for item in records.letters]
    for page in expected:
        assert (docs / page.source).is_file(), page.source
    assert result.pages == len(expected)
    for name in (urls.CALENDAR, urls.FEED, urls.NOTICE):  # written beside the pages, in both scripts
        assert (docs / name).is_file() and (result.hant_files / name).is_file()
    assert "活動" in (result.hant_files / urls.FEED).read_text(encoding="utf-8")


def test_one_config_the_zh_hant_site_is_made_from_the_built_one(rendered):
    site, _, result, layout = rendered
    assert [c.parent.name for c in result.configs] == [site.slug]
    hans = yaml.safe_load(result.configs[0].read_text(encoding="utf-8"))
    assert hans["INHERIT"] == str(layout.base_config)
    assert hans["site_name"] == "青溪县柳浪乡黄杉村小学"
    assert hans["theme"]["language"] == "zh"
    assert not (result.project / "zh-Hant").exists()
    # careportal's own assets are fingerprinted, and the config names exactly the copied files
    css = hans["extra_css"][0]
    assert css.startswith("assets/careportal/careportal.") and (result.project / "docs" / css).is_file()


def test_zh_hant_pages_are_converted_and_keep_their_links(rendered):
    _, _, result, _ = rendered
    hans = (result.project / "docs" / urls.NEWS.source).read_text(encoding="utf-8")
    rules = hant_site.HantRules(render.SCRIPTS, None, {}, {})
    hant = hant_site.convert_page(hans, rules)  # as the built page is converted (test_hant_site.py)
    assert "活动动态" in hans and "活動動態" in hant
    assert hant.count('href="') == hans.count('href="')


def test_meta_text_is_safe_inside_an_attribute():
    safe = render.meta_text('青溪"小学<b>')
    assert not set(safe) & set('"<>&\'`') and "青溪" in safe and "小学" in safe


def test_the_portal_writes_its_files(tmp_path):
    root = copy_demo(tmp_path / "root")
    county = load_county(root)
    sites = [school_site(county, s, TODAY) for s in county.schools]
    portal = portal_view(county, sites, county.schools, TODAY)
    out = tmp_path / "portal"
    out.mkdir()
    render.render_portal(portal, render.Layout.for_root(root, tmp_path / "work"), out)
    for name in render.PORTAL_FILES:
        assert (out / name).is_file(), name
    index = (out / "index.html").read_text(encoding="utf-8")
    for site in sites:
        assert f'href="{urls.school_home(site.slug)}"' in index
