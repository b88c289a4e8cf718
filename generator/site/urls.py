"""The one table of a school site's pages: where each page's Markdown source goes in the MkDocs
docs folder and the URL it is published at, relative to the site root.

Views, render and the templates (as the global `urls`) all read this table; no other module
spells a page path. Pages are plain `.html` files (`use_directory_urls: false`), so a page whose
source is `news/x.md` is published at `news/x.html`. To add a page: add it here, render it in
render.py and give it a template in theme/pages/.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Page:
    """One page: its source path in the docs folder (`news/index.md`) and its URL (`news/index.html`)."""

    source: str

    @property
    def url(self) -> str:
        return self.source[:-3] + ".html"

    def __str__(self) -> str:
        return self.url


# The site's fixed pages (sources).
HOME = Page("index.md")
NEWS = Page("news/index.md")
EVENTS = Page("events.md")
POLICIES = Page("policies/index.md")
RESOURCES = Page("resources/index.md")
DATA = Page("data/index.md")
CONTACT = Page("contact.md")
LETTERS = Page("letters/index.md")

# Files written beside the pages (not Markdown): their URL is their path.
NOTICE = "notice.html"  # the printable contact card
CALENDAR = "calendar.ics"
FEED = "feed.xml"
SCRIPT_FOLDER = "zh-Hant/"  # the Traditional-script copy of a site


def activity(slug: str) -> Page:
    return Page(f"news/{slug}.md")


def activity_kind(slug: str) -> Page:
    return Page(f"news/kind-{slug}.md")


def policy(slug: str) -> Page:
    return Page(f"policies/{slug}.md")


def resource(slug: str) -> Page:
    return Page(f"resources/{slug}.md")


def letter(slug: str) -> Page:
    return Page(f"letters/{slug}.md")


def school_home(school_slug: str) -> str:
    """A school's home page, from the county portal (the portal is the parent of every school)."""
    return f"{school_slug}/{HOME.url}"


def on_portal(school_slug: str, url: str) -> str:
    """A page of a school, from the county portal."""
    return f"{school_slug}/{url}"


class Table:
    """The table as the templates see it (`urls.news`, `urls.activity(slug)` — URLs only)."""

    home = HOME.url
    news = NEWS.url
    events = EVENTS.url
    policies = POLICIES.url
    resources = RESOURCES.url
    data = DATA.url
    contact = CONTACT.url
    letters = LETTERS.url
    notice = NOTICE
    calendar = CALENDAR
    feed = FEED

    @staticmethod
    def activity_kind(slug: str) -> str:
        return activity_kind(slug).url


TEMPLATE_URLS = Table()
