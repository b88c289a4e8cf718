"""What parents and grandparents take home from a school site, checked on the built demo county:
both scripts, the calendar, the feeds, the printable notice with its QR code, link cards.
(The same pages driven in a real browser: test_browser.py.)"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from collections import Counter
from datetime import date
from pathlib import Path
from urllib.parse import unquote, urlsplit

import opencc
import pytest
import segno
import yaml
from bs4 import BeautifulSoup
from icalendar import Calendar

from helpers import REPO

SCHOOLS = sorted(p.name for p in (REPO / "schools").iterdir() if (p / "school.yml").is_file())
ATOM = "{http://www.w3.org/2005/Atom}"
S2T = opencc.OpenCC("s2t")
T2S = opencc.OpenCC("t2s")
RFC3339 = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(Z|[+-]\d{2}:\d{2})")


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def site_url() -> str:
    bureau = yaml.safe_load((REPO / "content" / "bureau.yml").read_text(encoding="utf-8"))
    return bureau["site_url"].rstrip("/") + "/"


def school(slug: str) -> dict:
    return yaml.safe_load((REPO / "schools" / slug / "school.yml").read_text(encoding="utf-8"))


def hans_pages(root: Path) -> list[Path]:
    """A school's zh-Hans HTML pages (not the zh-Hant copy, not theme assets)."""
    return sorted(p for p in root.rglob("*.html") if p.relative_to(root).parts[0] not in {"zh-Hant", "assets"})


def local_file(url: str, demo_site: Path) -> Path:
    """An absolute URL on the bureau's host → the built file it names."""
    assert url.startswith(site_url()), url
    return demo_site / unquote(urlsplit(url).path[len(urlsplit(site_url()).path):])


# ---------------------------------------------------------------------------------------------
# Both scripts


@pytest.mark.parametrize("slug", SCHOOLS)
def test_every_page_also_exists_in_traditional_chinese(demo_site, slug):
    root = demo_site / slug
    pages = hans_pages(root)
    assert len(pages) > 20
    for page in pages:
        rel = page.relative_to(root)
        hant = root / "zh-Hant" / rel
        assert hant.is_file(), rel
        a, b = soup(page), soup(hant)
        assert a.html["lang"] in {"zh", "zh-Hans"} and b.html["lang"] == "zh-Hant", rel
        if a.h1 is None:
            continue
        simplified, traditional = a.h1.get_text(strip=True), b.h1.get_text(strip=True)
        # a faithful conversion: back to Simplified gives the original, and it did change something
        assert T2S.convert(traditional) == simplified, rel
        if S2T.convert(simplified) != simplified:
            assert traditional != simplified, rel
    assert soup(root / "zh-Hant" / "index.html").h1.get_text(strip=True) == S2T.convert(school(slug)["name"])


def test_traditional_chinese_is_converted_word_by_word(demo_site):
    """OpenCC's phrase match alone turns 监护人参加 into 監護人蔘加 (人参, ginseng)."""
    checked = 0
    for slug in SCHOOLS:
        for page in hans_pages(demo_site / slug):
            text = soup(page).get_text()
            if "人参加" in text:
                converted = soup(demo_site / slug / "zh-Hant" / page.relative_to(demo_site / slug)).get_text()
                assert "人參加" in converted and "蔘" not in converted, page
                checked += 1
    assert checked, "the demo county has a 人参加 (监护人参加 …) somewhere"


@pytest.mark.parametrize("slug", SCHOOLS)
def test_language_switch_lands_on_the_same_page(demo_site, slug):
    root = demo_site / slug
    for page in hans_pages(root):
        rel = page.relative_to(root)
        for here, there, lang in ((page, root / "zh-Hant" / rel, "zh-Hant"), (root / "zh-Hant" / rel, page, "zh-Hans")):
            if rel.name == "404.html":
                continue  # served at any URL, so its links are site-absolute (checked by test_site)
            links = soup(here).select("a.cp-lang")
            assert len(links) == 1, here
            link = links[0]
            assert link["hreflang"] == lang and link["lang"] == lang
            assert (here.parent / link["href"]).resolve() == there.resolve(), (here, link["href"])


@pytest.mark.parametrize("slug", SCHOOLS)
def test_search_indexes_cut_both_scripts_into_the_same_words(demo_site, slug):
    hans = json.loads((demo_site / slug / "search" / "search_index.json").read_text(encoding="utf-8"))
    hant = json.loads((demo_site / slug / "zh-Hant" / "search" / "search_index.json").read_text(encoding="utf-8"))
    assert hans["config"]["lang"] == hant["config"]["lang"] == ["zh"]
    separator = re.compile(hans["config"]["separator"])
    docs = {d["location"]: d["text"] for d in hant["docs"]}
    agree = total = 0
    found = []
    for doc in hans["docs"]:
        if doc["location"] not in docs:
            continue
        words = Counter(S2T.convert(w) for w in separator.split(doc["text"]) if w)
        hant_words = Counter(w for w in separator.split(docs[doc["location"]]) if w)
        agree += sum((words & hant_words).values())
        total += max(sum(words.values()), sum(hant_words.values()))
        if doc["location"].startswith("news/") and "溺水" in hant_words:
            found.append(doc["location"])
    # jieba's dictionary is Simplified; with its Traditional forms added both scripts are cut alike
    assert agree / total >= 0.95, agree / total
    assert found, "a news body with 防溺水 is indexed as words in zh-Hant"


# ---------------------------------------------------------------------------------------------
# Calendar


def _calendar(path: Path) -> Calendar:
    return Calendar.from_ical(path.read_bytes())


@pytest.mark.parametrize("slug", SCHOOLS)
def test_calendar_lists_the_upcoming_events_in_china_time(demo_site, slug):
    root = demo_site / slug
    cal = _calendar(root / "calendar.ics")
    zones = [tz["TZID"] for tz in cal.walk("VTIMEZONE")]
    assert zones == ["Asia/Shanghai"]
    events = cal.walk("VEVENT")
    listed = soup(root / "events.html").select("ul.cp-events > li")
    dated = [li for li in listed if re.search(r"\d+年\d+月\d+日", li.time.get_text())]
    assert events and len(events) == len(dated)
    titles = {li.a.get_text(strip=True) for li in dated}
    uids = set()
    for event in events:
        assert str(event["SUMMARY"]) in titles
        start = event["DTSTART"]
        if "TZID" in start.params:
            assert start.params["TZID"] == "Asia/Shanghai" and start.dt.tzinfo is not None
        else:
            assert isinstance(start.dt, date)
        assert "@" not in str(event["UID"])  # not an e-mail address for the privacy gate
        uids.add(str(event["UID"]))
        assert str(event["URL"]).startswith(site_url() + f"{slug}/news/")
        assert local_file(str(event["URL"]), demo_site).is_file()
    assert len(uids) == len(events)
    assert any("TZID" in e["DTSTART"].params for e in events)
    hant = _calendar(root / "zh-Hant" / "calendar.ics")
    assert {str(e["UID"]) for e in hant.walk("VEVENT")} == uids  # the same events in either script
    for event in hant.walk("VEVENT"):
        assert T2S.convert(str(event["SUMMARY"])) in titles


def test_calendar_uid_survives_a_changed_time_and_title(data_root):
    """A subscribed calendar updates the event instead of adding a second one."""
    from generator.site.calendar import school_calendar
    from generator.records.load import load_county
    from generator.site.views import school_site

    today = date(2026, 11, 23)

    def events(root: Path, slug: str) -> dict[str, tuple]:
        county = load_county(root)
        records = next(r for r in county.schools if r.slug == slug)
        cal = Calendar.from_ical(school_calendar(school_site(county, records, today)))
        return {str(e["UID"]): (str(e["SUMMARY"]), e["DTSTART"].dt) for e in cal.walk("VEVENT")}

    slug = SCHOOLS[0]
    before = events(data_root, slug)
    assert before
    upcoming = sorted(p for p in (data_root / "schools" / slug / "activities").glob("*.yml")
                      if p.stem[:10] >= "2026-11-24" and re.match(r"\d{4}-\d{2}-\d{2}-", p.stem))
    record = upcoming[0]
    text = record.read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    text = re.sub(r"(?m)^title: .*$", f"title: {data['title']}（时间调整）", text)
    text = re.sub(r"(?m)^time: .*$", 'time: "19:15"', text) if "time:" in text else text.replace(
        "\nkind:", '\ntime: "19:15"\nkind:', 1)
    record.write_text(text, encoding="utf-8")
    after = events(data_root, slug)
    assert set(after) == set(before)
    changed = [uid for uid in after if after[uid] != before[uid]]
    assert len(changed) == 1
    title, start = after[changed[0]]
    assert title.endswith("（时间调整）") and (start.hour, start.minute) == (19, 15)


# ---------------------------------------------------------------------------------------------
# Feeds


def _feed(path: Path) -> ET.Element:
    return ET.fromstring(path.read_bytes())


@pytest.mark.parametrize("slug", SCHOOLS)
def test_school_news_feed(demo_site, slug):
    root = demo_site / slug
    for feed_path, prefix, lang in ((root / "feed.xml", f"{slug}/", "zh-Hans"),
                                    (root / "zh-Hant" / "feed.xml", f"{slug}/zh-Hant/", "zh-Hant")):
        feed = _feed(feed_path)
        assert feed.tag == f"{ATOM}feed"
        assert feed.get("{http://www.w3.org/XML/1998/namespace}lang") == lang
        assert RFC3339.fullmatch(feed.findtext(f"{ATOM}updated"))
        entries = feed.findall(f"{ATOM}entry")
        news = {a["href"] for a in soup(root / "news" / "index.html").select("ul.cp-news > li > a")}
        assert 0 < len(entries) <= 20 and len(entries) == min(20, len(news))
        ids = set()
        dates = []
        for entry in entries:
            link = entry.find(f"{ATOM}link").get("href")
            assert link.startswith(site_url() + prefix + "news/")
            assert local_file(link, demo_site).is_file()
            assert entry.findtext(f"{ATOM}id") == link
            ids.add(link)
            assert RFC3339.fullmatch(entry.findtext(f"{ATOM}updated"))
            dates.append(entry.findtext(f"{ATOM}updated"))
            assert entry.findtext(f"{ATOM}title") and entry.findtext(f"{ATOM}summary")
        assert len(ids) == len(entries)
        assert dates == sorted(dates, reverse=True)
    first = _feed(root / "zh-Hant" / "feed.xml").find(f"{ATOM}entry").findtext(f"{ATOM}title")
    assert T2S.convert(first) == _feed(root / "feed.xml").find(f"{ATOM}entry").findtext(f"{ATOM}title")


def test_county_news_feed(demo_site):
    feed = _feed(demo_site / "feed.xml")
    entries = feed.findall(f"{ATOM}entry")
    assert len(entries) == 20
    schools = set()
    dates = [e.findtext(f"{ATOM}updated") for e in entries]
    assert dates == sorted(dates, reverse=True)
    for entry in entries:
        link = entry.find(f"{ATOM}link").get("href")
        assert local_file(link, demo_site).is_file()
        schools.add(urlsplit(link).path.split("/")[1])
        assert entry.findtext(f"{ATOM}author/{ATOM}name")
    assert len(schools) >= 2
    # the same entry has the same id in the school's feed and the county's
    school_ids = {e.findtext(f"{ATOM}id") for s in SCHOOLS for e in _feed(demo_site / s / "feed.xml").findall(f"{ATOM}entry")}
    assert {e.findtext(f"{ATOM}id") for e in entries} <= school_ids


# ---------------------------------------------------------------------------------------------
# The printable notice


def _svg_modules(svg: bytes) -> list[list[bool]]:
    """The dark modules of segno's SVG path (`M x y.5 h n m dx dy …`, one stroke per run)."""
    root = ET.fromstring(svg)
    size = int(root.get("viewBox").split()[2])
    grid = [[False] * size for _ in range(size)]
    path = next(p for p in root.iter("{http://www.w3.org/2000/svg}path") if p.get("stroke"))
    x = y = 0.0
    for op, a, b in re.findall(r"([Mmh])(-?[\d.]+)(?:\s(-?[\d.]+))?", path.get("d")):
        if op == "M":
            x, y = float(a), float(b)
        elif op == "m":
            x, y = x + float(a), y + float(b)
        else:
            for i in range(int(float(a))):
                grid[int(y)][int(x) + i] = True
            x += float(a)
    return grid


def assert_qr_code_of(svg: Path, url: str) -> None:
    """`svg` is a full QR code (never a Micro QR) with its quiet zone, and it encodes `url`."""
    grid = _svg_modules(svg.read_bytes())
    expected = segno.make_qr(url, error="m")
    assert not expected.is_micro
    border = (len(grid) - expected.symbol_size(scale=1, border=0)[0]) // 2
    assert border >= 4  # quiet zone
    inner = [row[border:len(grid) - border] for row in grid[border:len(grid) - border]]
    assert len(inner) >= 21 and (len(inner) - 17) % 4 == 0  # a QR code, never a Micro QR (11–17)
    assert inner == [[bool(v) for v in row] for row in expected.matrix]  # it encodes the printed URL
    # three finder patterns (Micro QR has one)
    for top, left in ((0, 0), (0, len(inner) - 7), (len(inner) - 7, 0)):
        assert all(inner[top][left + i] and inner[top + 6][left + i] for i in range(7))
        assert all(inner[top + 2 + i][left + 2 + j] for i in range(3) for j in range(3))


@pytest.mark.parametrize("slug", SCHOOLS)
def test_printable_notice_with_a_full_qr_code_to_the_school_site(demo_site, slug):
    data = school(slug)
    number = re.sub(r"[^\d+]", "", data["family_phone"]["number"])
    for root, url in ((demo_site / slug, f"{site_url()}{slug}/"), (demo_site / slug / "zh-Hant", f"{site_url()}{slug}/zh-Hant/")):
        page = soup(root / "notice.html")
        assert page.select_one(f"a[href='tel:{number}']")
        assert page.select_one(".cp-notice__url").get_text(strip=True) == url
        img = page.select_one(".cp-notice__qr img")
        assert img["src"] == "qr.svg" and img.get("alt")
        assert_qr_code_of(root / "qr.svg", url)
    hours = [td.get_text() for td in soup(demo_site / slug / "notice.html").select(".cp-notice__phone td")]
    for row in data["family_phone"].get("hours", []):
        assert any(row["start"] in h for h in hours)


LETTERS = sorted((p.parent.parent.name, p.stem) for p in (REPO / "schools").glob("*/letters/*.yml"))


def test_letters_to_families_have_a_page_in_both_scripts_with_a_qr_code_to_it(demo_site):
    assert LETTERS, "the demo county has letters to families"
    for slug, stem in LETTERS:
        record = yaml.safe_load((REPO / "schools" / slug / "letters" / f"{stem}.yml").read_text(encoding="utf-8"))
        for root, prefix, back in ((demo_site / slug, f"{site_url()}{slug}/", str),
                                   (demo_site / slug / "zh-Hant", f"{site_url()}{slug}/zh-Hant/", T2S.convert)):
            page = soup(root / "letters" / f"{stem}.html")
            url = f"{prefix}letters/{stem}.html"
            assert back(page.select_one("article h1").get_text()) == record["title"]
            assert [back(li.get_text()) for li in page.select(".cp-letter__asks li")] == record.get("asks", [])
            assert record["signed"] in back(page.select_one(".cp-letter__signed").get_text())
            assert page.select_one(".cp-print-url").get_text().endswith(url)  # the address, printed under the code
            img = page.select_one(".cp-letter__qr img")
            assert img["src"] == f"../letters/{stem}.qr.svg" and img.get("alt")
            assert_qr_code_of(root / "letters" / f"{stem}.qr.svg", url)
            index = json.loads((root / "search" / "search_index.json").read_text(encoding="utf-8"))
            assert f"letters/{stem}.html" in {d["location"] for d in index["docs"]}  # found by search
            listed = soup(root / "letters" / "index.html").select(f"a[href='../letters/{stem}.html']")
            assert listed and back(listed[0].get_text()) == record["title"]
        home = soup(demo_site / slug / "index.html")
        assert home.select_one(f".cp-letters a[href='letters/{stem}.html']")  # on the home page, where parents look
    for slug in SCHOOLS:
        if not (REPO / "schools" / slug / "letters").is_dir():  # no letters: no empty pages about them
            assert not (demo_site / slug / "letters").exists()
            assert soup(demo_site / slug / "index.html").select_one(".cp-letters") is None


# ---------------------------------------------------------------------------------------------
# Link cards and weight-related build facts


def _meta(page: BeautifulSoup, key: str) -> list[str]:
    return [m["content"] for m in page.find_all("meta") if m.get("property") == key or m.get("itemprop") == key]


@pytest.mark.parametrize("rel", ["index.html", "news/index.html", "contact.html", "zh-Hant/index.html"])
def test_link_cards_have_absolute_urls(demo_site, rel):
    for slug in SCHOOLS:
        page = soup(demo_site / slug / rel)
        title, description = _meta(page, "og:title"), _meta(page, "og:description")
        assert title and title[0] and description and description[0]
        assert page.title.get_text(strip=True)
        assert _meta(page, "og:url") == [f"{site_url()}{slug}/{rel}"]
        images = _meta(page, "og:image")
        assert len(images) == 2
        for url in images + _meta(page, "image"):
            assert local_file(url, demo_site).is_file()
        assert _meta(page, "name") and _meta(page, "description")
    for slug in SCHOOLS:
        news = sorted((demo_site / slug / "news").glob("20*.html"))[0]
        page = soup(news)
        assert _meta(page, "og:type") == ["article"]
        assert _meta(page, "og:title")[0].startswith(page.h1.get_text(strip=True))


def test_portal_link_card(demo_site):
    page = soup(demo_site / "index.html")
    assert _meta(page, "og:url") == [site_url()]
    for url in _meta(page, "og:image"):
        assert local_file(url, demo_site).is_file()
    assert page.select_one("button.cp-elder-toggle")
    assert (demo_site / "portal.js").is_file()


@pytest.mark.parametrize("slug", SCHOOLS[:2])
def test_own_css_and_js_names_carry_their_content_hash(demo_site, slug):
    from generator.ids import opaque

    page = soup(demo_site / slug / "index.html")
    own = [tag.get("href") or tag.get("src") for tag in page.select("link[rel=stylesheet], script[src]")
           if "careportal/careportal." in (tag.get("href") or tag.get("src") or "")]
    assert len(own) == 2
    for ref in own:
        path = demo_site / slug / ref
        digest = re.search(r"careportal\.([a-z2-7]{10})\.(css|js)$", ref).group(1)
        assert opaque(path.read_bytes(), 10) == digest


@pytest.mark.parametrize("slug", SCHOOLS)
def test_home_page_has_what_a_parent_needs_without_javascript(demo_site, slug):
    data = school(slug)
    for root in (demo_site / slug, demo_site / slug / "zh-Hant"):
        page = soup(root / "index.html")
        number = re.sub(r"[^\d+]", "", data["family_phone"]["number"])
        assert page.select_one(f"a.cp-call[href='tel:{number}']")
        weeks = page.select("ul.cp-week")
        assert weeks and all(len(w.select("li[data-weekday]")) == 7 for w in weeks)
        assert page.select("section.cp-upcoming ul.cp-events li time[datetime]")
        assert page.select_one("section.cp-upcoming a[href='calendar.ics']")
        assert page.select("section.cp-latest ul.cp-news li a")
        assert page.select_one(".cp-updated-home time[datetime]")
        hint = page.select_one(".cp-wechat-hint")
        assert hint is not None and hint.has_attr("hidden")  # shown by script inside WeChat only


def test_without_a_site_url_nothing_points_to_a_made_up_host(data_root, tmp_path):
    """A bureau that has not set site_url yet: no QR code, no card images, relative feed links."""
    from generator.records.load import load_county
    from generator.site.render import Layout, render_school
    from generator.site.views import school_site

    bureau = data_root / "content" / "bureau.yml"
    bureau.write_text(re.sub(r"(?m)^site_url: .*\n", "", bureau.read_text(encoding="utf-8")), encoding="utf-8")
    county = load_county(data_root)
    records = next(r for r in county.schools if r.slug == SCHOOLS[0])
    site = school_site(county, records, date(2026, 11, 23))
    assert site.site_url is None
    rendered = render_school(site, Layout.for_root(data_root, tmp_path / "work"), tmp_path / "out")
    for docs, config in zip((rendered.project / "docs", rendered.hant_files), rendered.configs * 2):
        assert not (docs / "qr.svg").exists()
        notice = soup(docs / "notice.html")
        assert notice.select_one(".cp-notice__qr") is None and notice.select_one("a[href^='tel:']")
        feed = _feed(docs / "feed.xml")
        for entry in feed.findall(f"{ATOM}entry"):
            assert entry.find(f"{ATOM}link").get("href").startswith("news/")
            assert re.fullmatch(r"tag:careportal\.invalid,2024:[a-z2-7]{26}", entry.findtext(f"{ATOM}id"))
        cal = _calendar(docs / "calendar.ics")
        assert cal.walk("VEVENT") and all("URL" not in e for e in cal.walk("VEVENT"))
        settings = yaml.safe_load(config.read_text(encoding="utf-8"))
        assert "site_url" not in settings and "share_image" not in settings["extra"]["careportal"]
    assert len(rendered.configs) == 1  # zh-Hant is made from the built zh-Hans site
