"""Atom feeds (RFC 4287): each school's news, and the whole county's, for readers and aggregators.

Feeds are rendered by a Jinja template with autoescape on; this module only prepares the
entries. Dates are the activities' dates at midnight, China time (the time of day when known).
Atom needs a full date-time, so an activity dated by month only is stamped on the first of its
month; feed readers show that stamp, so such an entry's summary starts with the month as written
(2026年9月：…), as one over several days starts with its range.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Optional

from generator.ids import opaque
from generator.records.models import PartialDate
from generator.site import urls
from generator.site.views import ActivityView, Portal, SchoolSite

FEED_SIZE = 20
CHINA = "+08:00"


@dataclass(frozen=True)
class FeedEntry:
    id: str
    title: str
    link: str
    updated: str
    summary: str
    content_html: Optional[str]
    author: str
    category: str


@dataclass(frozen=True)
class Feed:
    id: str
    title: str
    subtitle: str
    link: str  # the HTML page this feed belongs to
    self_link: str
    updated: str
    author: str
    entries: list[FeedEntry]


def stamp(day: date, at: Optional[str] = None) -> str:
    return f"{day.isoformat()}T{at or '00:00'}:00{CHINA}"


def dated_summary(when: PartialDate, date_text: str, summary: str, several_days: bool = False) -> str:
    """The summary, led by the date as people read it when the machine stamp cannot say it."""
    return f"{date_text}：{summary}" if several_days or when.day is None else summary


def _id(base: Optional[str], path: str, key: str) -> str:
    # without a public address: a tag URI (RFC 4151) whose specific part is opaque (see ids.py)
    return base + path if base else f"tag:careportal.invalid,2024:{opaque(f'careportal:{key}')}"


def _entry(a: ActivityView, base: Optional[str], prefix: str, key: str, author: str) -> FeedEntry:
    link = (base or "") + prefix + a.path
    return FeedEntry(
        id=_id(base, prefix + a.path, key), title=a.title, link=link,
        updated=stamp(a.date.first_day, a.time), summary=dated_summary(a.date, a.date_text, a.summary, bool(a.end)),
        content_html=str(a.body_html) or None, author=author, category=a.kind,
    )


def school_feed(site: SchoolSite, site_url: Optional[str] = None) -> Feed:
    """The school's news, newest first. Links are absolute when the bureau set site_url."""
    base = site_url if site_url is not None else site.site_url
    entries = [_entry(a, base, "", f"{site.slug}/{a.path}", site.name) for a in site.news[:FEED_SIZE]]
    return Feed(
        id=_id(base, "", f"{site.slug}/"), title=f"{site.name} · 活动动态",
        subtitle=f"{site.name}关爱留守儿童和随迁子女工作的活动动态",
        link=(base or "") + urls.HOME.url, self_link=(base or "") + urls.FEED,
        updated=stamp(site.updated.first_day), author=site.name, entries=entries,
    )


def county_feed(portal: Portal) -> Feed:
    """The newest news of every school together (the portal's list)."""
    base = portal.site_url
    entries = [
        FeedEntry(id=_id(base, n.path, n.path), title=n.title, link=(base or "") + n.path,
                  updated=stamp(n.date.first_day), summary=dated_summary(n.date, n.date_text, n.summary), content_html=None,
                  author=n.school_name, category=n.kind)
        for n in portal.news
    ]
    return Feed(
        id=_id(base, "", "county/"), title=f"{portal.bureau_name} · 各校关爱留守儿童动态",
        subtitle=f"{portal.region}各学校关爱留守儿童和随迁子女工作的最新动态",
        link=(base or "") + urls.HOME.url, self_link=(base or "") + urls.FEED,
        updated=stamp(portal.updated.first_day), author=portal.bureau_name, entries=entries,
    )
