"""A school's upcoming activities and meetings as an iCalendar file (RFC 5545).

Times are local to the school (TZID=Asia/Shanghai, with the VTIMEZONE block calendars need);
an activity without a time is an all-day event, one over several days an all-day event spanning
them (DTEND is the day after its last day, RFC 5545 §3.6.1), and one dated by month only is left
out (it has no day to put in a calendar; the HTML list still shows it). Each event's UID is derived from the
school's folder name and the record's file name, so a subscribed calendar updates an event in place
when its record changes instead of adding a duplicate.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
from typing import Callable
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event

from generator.ids import opaque
from generator.site.views import ActivityView, SchoolSite

TZ = "Asia/Shanghai"
PRODID = "-//careportal//关爱留守儿童//ZH"


def event_uid(site: SchoolSite, activity: ActivityView) -> str:
    """Stable across builds, edits of the record and a change of host; no '@' (the privacy gate reads
    `x@y.z` as an e-mail address) and no hex (see ids.py)."""
    return "careportal-" + opaque(f"careportal:{site.slug}/{activity.path}")


def calendar_events(site: SchoolSite) -> list[ActivityView]:
    return [a for a in site.upcoming if a.date.day is not None]


def school_calendar(site: SchoolSite, text: Callable[[str], str] = str, site_url: str | None = None) -> bytes:
    """The .ics file; `text` converts every human-readable string (e.g. to Traditional Chinese)."""
    zone = ZoneInfo(TZ)
    base = site_url if site_url is not None else site.site_url
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", text(f"{site.name}活动日历"))
    cal.add("x-wr-caldesc", text(f"{site.name}近期的家长会、开放日、监护人会议和节假日活动"))
    cal.add("x-wr-timezone", TZ)
    stamp = datetime.combine(site.updated.first_day, time(0, 0), tzinfo=timezone.utc)  # machine-only
    for activity in calendar_events(site):
        event = Event()
        event.add("uid", event_uid(site, activity))
        event.add("dtstamp", stamp)
        day = date(activity.date.year, activity.date.month, activity.date.day)
        description = text(activity.summary)
        if activity.end is not None and activity.end.day is not None:
            event.add("dtstart", day)
            event.add("dtend", activity.end.first_day + timedelta(days=1))
            when = activity.date_text + (f"，{activity.time} 开始" if activity.time else "")
            description = text(when) + "\n" + description
        elif activity.time:
            hour, minute = (int(part) for part in activity.time.split(":"))
            event.add("dtstart", datetime.combine(day, time(hour, minute), tzinfo=zone))
        else:
            event.add("dtstart", day)
        event.add("summary", text(activity.title))
        if activity.location:
            event.add("location", text(activity.location))
        if base:
            event.add("url", base + activity.path)
            description += "\n" + base + activity.path
        event.add("description", description)
        event.add("categories", [text(activity.kind)])
        cal.add_component(event)
    cal.add_missing_timezones()
    return cal.to_ical()
