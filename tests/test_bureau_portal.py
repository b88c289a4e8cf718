"""The portal is rebuilt from what the cache keeps of each school (not from the schools' records):
that must give exactly the portal the full views give."""

from __future__ import annotations

from datetime import date

from helpers import REPO
from generator.county.cache import portal_source, read_portal_source
from generator.records.load import load_county
from generator.site.views import portal_view, school_site

TODAY = date(2026, 11, 23)


def test_portal_from_cached_sources_equals_portal_from_full_views():
    county = load_county(REPO)
    records = [r for r in county.schools if r.ok]
    sites = [school_site(county, r, TODAY) for r in records]
    assert len(sites) >= 6
    full = portal_view(county, sites, records, TODAY)
    sources = [read_portal_source(portal_source(site, r)[0]) for site, r in zip(sites, records)]
    cached = portal_view(county, [s.site for s in sources], [s.records for s in sources], TODAY)
    assert cached == full
    assert full.news and full.totals and full.townships


def test_source_hash_ignores_bodies_but_not_what_the_portal_shows():
    county = load_county(REPO, only=["huangshan-cun"])
    records = county.schools[0]
    site = school_site(county, records, TODAY)
    _, digest = portal_source(site, records)
    assert portal_source(school_site(county, records, TODAY), records)[1] == digest  # stable
    newest = max(site.news, key=lambda a: (a.date_iso, a.path))
    object.__setattr__(newest, "body_html", newest.body_html + "<p>改动</p>")
    assert portal_source(site, records)[1] == digest
    object.__setattr__(newest, "title", newest.title + "（改）")
    assert portal_source(site, records)[1] != digest
