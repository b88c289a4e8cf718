"""The demo county, built by the real CLI: every page, Chinese, tap-to-call, search, no outside host."""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import unquote, urlsplit
from xml.etree import ElementTree

import pytest
import yaml
from bs4 import BeautifulSoup
from icalendar import Calendar

from helpers import TEST_ENGINE
from generator.site.engines import engine
from helpers import REPO, copy_demo, run_cli

SCHOOLS = sorted(p.name for p in (REPO / "schools").iterdir() if (p / "school.yml").is_file())
SECTION_PAGES = ["index.html", "news/index.html", "policies/index.html", "resources/index.html", "data/index.html",
                 "contact.html"]


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def bureau_site_url() -> str:
    bureau = yaml.safe_load((REPO / "content" / "bureau.yml").read_text(encoding="utf-8"))
    return bureau.get("site_url") or ""


def bureau_host() -> str:
    return urlsplit(bureau_site_url()).netloc


def test_demo_county_has_enough_schools_and_records():
    assert len(SCHOOLS) >= 6
    kinds = set()
    for slug in SCHOOLS:
        folder = REPO / "schools" / slug
        school = yaml.safe_load((folder / "school.yml").read_text(encoding="utf-8"))
        kinds.add(school["kind"])
        assert len(list((folder / "activities").glob("*.yml"))) >= 15, slug
        assert len(list((folder / "policies").glob("*.yml"))) >= 5, slug
        assert len(list((folder / "resources").glob("*.yml"))) >= 3, slug
        assert len(list((folder / "summaries").glob("*.yml"))) >= 2, slug
        terms = {yaml.safe_load(p.read_text(encoding="utf-8"))["term"] for p in (folder / "activities").glob("*.yml")}
        assert len(terms) >= 2, slug
    assert {"中心小学", "九年一贯制", "小学", "初中", "幼儿园", "中心学校"} <= kinds


@pytest.mark.parametrize("slug", SCHOOLS)
def test_every_school_has_every_page(demo_site, slug):
    site = demo_site / slug
    for page in SECTION_PAGES:
        assert (site / page).is_file(), page
    for record in (REPO / "schools" / slug / "activities").glob("*.yml"):
        assert (site / "news" / f"{record.stem}.html").is_file(), record.name
    for kind, folder in (("policies", "policies"), ("resources", "resources")):
        for record in (REPO / "schools" / slug / kind).glob("*.yml"):
            assert (site / folder / f"{record.stem}.html").is_file(), record.name
    for html in site.rglob("*.html"):
        # ASCII only; the Traditional Chinese copy of the site lives in zh-Hant/ (BCP 47 casing)
        assert re.fullmatch(r"(zh-Hant/)?[a-z0-9./_-]+", html.relative_to(site).as_posix()), f"non-ASCII URL {html}"


@pytest.mark.parametrize("slug", SCHOOLS)
def test_home_page_serves_parents(demo_site, slug):
    school = yaml.safe_load((REPO / "schools" / slug / "school.yml").read_text(encoding="utf-8"))
    page = soup(demo_site / slug / "index.html")
    assert page.html["lang"].startswith("zh")
    assert page.h1.get_text(strip=True) == school["name"]
    number = re.sub(r"[^\d+]", "", school["family_phone"]["number"])
    calls = [a for a in page.select("a.cp-call") if a["href"] == f"tel:{number}"]
    assert calls and "亲情电话" in calls[0].get_text()
    text = page.get_text(" ", strip=True)
    # as people read dates (2026年9月 when the newest record gives only a month), the ISO form for machines
    updated = page.select_one(".cp-updated-home time")
    assert re.fullmatch(r"\d{4}-\d{2}(-\d{2})?", updated["datetime"])
    year, month, *day = (int(v) for v in updated["datetime"].split("-"))
    assert updated.get_text() == f"{year}年{month}月" + (f"{day[0]}日" if day else "")
    assert f"信息更新于 {updated.get_text()}" in text
    assert "近期活动和会议" in text and "最新动态" in text
    assert page.select("section.cp-latest li a[href^='news/']")


def test_policy_cadence_is_a_sentence(demo_site):
    sentences = [p.get_text(strip=True) for slug in SCHOOLS
                 for p in soup(demo_site / slug / "policies" / "index.html").select(".cp-cadence")]
    assert sentences
    assert any(re.fullmatch(r"班主任每月至少与每名留守儿童谈心一次。", s) for s in sentences), sentences
    assert "班主任每月与在外务工的家长通电话一次。" in sentences  # no 至少 unless the record says so


def test_a_policy_with_several_duties_reads_one_sentence_each(demo_site):
    """班主任“三个一”: three duties, three sentences, on the policy page and in the list."""
    page = soup(demo_site / "shilian-jiunian" / "policies" / "jiaxiao-lianxi.html")
    expected = ["班主任每月与留守儿童的监护人进行家校联系一次。", "班主任每月与在外务工的家长通电话一次。",
                "班主任每学期给留守儿童的家长写家庭教育建议一次，在期末进行。"]
    assert [p.get_text(strip=True) for p in page.select("article .cp-cadence")] == expected
    listing = soup(demo_site / "shilian-jiunian" / "policies" / "index.html")
    item = listing.select_one('.cp-policies a[href$="jiaxiao-lianxi.html"]').parent
    assert [p.get_text(strip=True) for p in item.select(".cp-cadence")] == expected
    talk = soup(demo_site / "qingxi-zhongxin" / "policies" / "tanxin.html")
    assert [p.get_text(strip=True) for p in talk.select("article .cp-cadence")] == [
        "班主任每月至少与每名留守儿童谈心一次。", "结对教师和爱心妈妈定期与结对的孩子谈心。"]


def test_summaries_render_as_tables_with_small_cells_suppressed(demo_site):
    found_suppressed = False
    for slug in SCHOOLS:
        page = soup(demo_site / slug / "data" / "index.html")
        tables = page.select("section.cp-summary table")
        assert tables, slug
        text = page.get_text(" ", strip=True)
        found_suppressed |= "少于10人" in text
        for cell in page.select("section.cp-summary td"):
            match = re.fullmatch(r"(\d+)人", cell.get_text(strip=True))
            if match:
                assert int(match.group(1)) >= 10, (slug, cell)
    assert found_suppressed, "the demo county should show one suppressed cell"


def test_news_by_kind_and_month_newest_first(demo_site):
    slug = SCHOOLS[0]
    page = soup(demo_site / slug / "news" / "index.html")
    months = [h.get("id") for h in page.select("h2[id^='m-']")]
    assert months == sorted(months, reverse=True) and len(months) >= 4
    kinds = page.select("nav.cp-kinds a")
    assert kinds
    target = demo_site / slug / "news" / kinds[0]["href"]
    assert target.is_file()


def test_portal_lists_every_school_grouped(demo_site):
    page = soup(demo_site / "index.html")
    assert page.html["lang"] == "zh-Hans"
    links = {a["href"] for a in page.select("a.cp-school")}
    assert links == {f"{slug}/index.html" for slug in SCHOOLS}
    townships = {yaml.safe_load((REPO / "schools" / s / "school.yml").read_text(encoding="utf-8"))["township"]
                 for s in SCHOOLS}
    assert {h.get_text(strip=True) for h in page.find_all("h3")} >= townships
    text = page.get_text(" ", strip=True)
    assert "全县合计" in text and "留守儿童" in text
    assert page.select("ul.cp-news li a")


def test_portal_totals_sum_latest_summaries(demo_site):
    total = 0
    for slug in SCHOOLS:
        latest = sorted((REPO / "schools" / slug / "summaries").glob("*.yml"))[-1]
        total += int(yaml.safe_load(latest.read_text(encoding="utf-8"))["left_behind"]["total"])
    page = soup(demo_site / "index.html")
    row = next(tr for tr in page.select("tr") if tr.th and tr.th.get_text(strip=True) == "留守儿童")
    assert row.td.get_text(strip=True) == f"{total}人"


def _local_targets(html_file: Path, root: Path):
    page = soup(html_file)
    for tag, attr in (("a", "href"), ("link", "href"), ("script", "src"), ("img", "src")):
        for node in page.find_all(tag):
            value = node.get(attr)
            if not value or value.startswith(("#", "tel:", "mailto:", "javascript:")):
                continue
            parts = urlsplit(value)
            if parts.scheme or parts.netloc:
                continue
            if parts.path.startswith("/"):
                # Only MkDocs' 404 page uses root-absolute links (from site_url), since a host serves it
                # at any URL: resolve them against site_url's path.
                assert html_file.name == "404.html", f"{html_file}: absolute link {value}"
                prefix = urlsplit(bureau_site_url()).path
                assert parts.path.startswith(prefix), value
                yield value, (root / unquote(parts.path[len(prefix):])).resolve()
                continue
            yield value, (html_file.parent / unquote(parts.path)).resolve()


def test_every_internal_link_resolves_from_disk(demo_site):
    """Opening site/index.html from disk reaches every school and every page: all relative links land on files."""
    broken = []
    for html_file in demo_site.rglob("*.html"):
        for value, target in _local_targets(html_file, demo_site):
            if target.is_dir():
                target = target / "index.html"
            if not target.is_file():
                broken.append(f"{html_file.relative_to(demo_site)} → {value}")
    assert not broken, broken[:20]


# Hosts named inside the theme's own JavaScript (Material's bundle and lunr's language files):
# licence and documentation comments, and code paths for features careportal never enables
# (repository facts via the GitHub API, Mermaid diagrams, a polyfill for browsers without
# ResizeObserver). They are strings, not requests; the browser tests prove no request leaves.
THEME_JS_HOSTS = {
    "chasen.org", "code.google.com", "docs.python.org", "en.wikipedia.org", "lunrjs.com", "msdn.microsoft.com",
    "narwhaljs.org", "people.mozilla.org", "snowball.tartarus.org", "tartarus.org", "underscorejs.org",
    "wiki.commonjs.org", "wiki.ecmascript.org", "www.mozilla.org", "api.github.com", "benediktmeurer.de", "bit.ly",
    "clipboardjs.com", "developer.mozilla.org", "github.com", "rxjs.dev", "t.ly", "unpkg.com", "www.npmjs.com",
}
# Zensical's bundle also names the SVG namespace and Pyodide's CDN (runnable Python code blocks,
# loaded only on a page that defines loadPyodide; careportal never does).
ZENSICAL_JS_HOSTS = {"www.w3.org", "cdn.jsdelivr.net"}
XML_NAMESPACES = {"www.sitemaps.org", "www.w3.org"}
URL = re.compile(r"https?://([A-Za-z0-9.-]+\.[a-z]{2,})")


def test_no_reference_to_any_other_host(demo_site):
    own = bureau_host()
    offending = []
    for path in sorted(demo_site.rglob("*")):
        if not path.is_file() or path.suffix not in {".html", ".css", ".js", ".json", ".xml"}:
            continue
        rel = path.relative_to(demo_site).as_posix()
        text = path.read_text(encoding="utf-8", errors="replace")
        if path.suffix == ".html":
            page = BeautifulSoup(text, "html.parser")
            for node in page.find_all(True):
                for attr in ("src", "href", "srcset", "poster", "data", "action", "content"):
                    value = node.get(attr)
                    if isinstance(value, str) and re.match(r"\s*(https?:)?//", value):
                        host = urlsplit(value.strip() if value.strip().startswith("http") else "https:" + value.strip()).netloc
                        if host != own:
                            offending.append(f"{rel}: <{node.name} {attr}={value}>")
            inline = "\n".join(n.get_text() for n in page.find_all(["script", "style"]))
            offending += [f"{rel}: inline {m.group()}" for m in URL.finditer(inline) if m.group(1) != own]
        elif path.suffix == ".css":
            for m in re.finditer(r"(?:url\(\s*['\"]?|@import\s+['\"])((?:https?:)?//[^'\")\s]+)", text):
                offending.append(f"{rel}: {m.group(1)}")
        elif path.suffix == ".js" and ("/assets/javascripts/" in "/" + rel or rel.startswith(".careportal-theme/")):
            hosts = THEME_JS_HOSTS | (ZENSICAL_JS_HOSTS if TEST_ENGINE == "zensical" else set())
            offending += [f"{rel}: {m.group()}" for m in URL.finditer(text) if m.group(1) not in hosts]
        else:
            allowed = {own} | (XML_NAMESPACES if path.suffix == ".xml" else set())
            offending += [f"{rel}: {m.group()}" for m in URL.finditer(text) if m.group(1) not in allowed]
    assert not offending, offending[:20]


def test_material_does_not_load_fonts_or_unpkg(demo_site):
    for html_file in demo_site.rglob("*.html"):
        text = html_file.read_text(encoding="utf-8")
        assert "fonts.googleapis" not in text and "fonts.gstatic" not in text, html_file
        assert "unpkg.com" not in text, html_file


def _search_index(demo_site, slug) -> tuple[dict, list[dict]]:
    index = json.loads((demo_site / slug / engine(TEST_ENGINE).search_index).read_text(encoding="utf-8"))
    return index, index["docs" if TEST_ENGINE == "mkdocs" else "items"]


@pytest.mark.parametrize("slug", SCHOOLS)
def test_search_index_is_chinese_and_segmented(demo_site, slug):
    index, docs = _search_index(demo_site, slug)
    assert index["config"]["lang"] == ["zh"]
    text = " ".join(doc["text"] for doc in docs)
    if TEST_ENGINE == "mkdocs":
        assert "\u200b" in text  # jieba's word boundaries
        words = set(re.split(index["config"]["separator"].replace("\\u200b", "\u200b").replace("\\u3000", "\u3000"), text))
        assert {"留守", "儿童"} <= words or "留守儿童" in words
    else:  # Zensical: plain text, segmented by the browser (Intl.Segmenter; tests/test_browser.py searches it)
        assert "留守儿童" in text and "\u200b" not in text
    script = (demo_site / slug / engine(TEST_ENGINE).search_index).with_suffix(".js")
    assert script.is_file()  # search from file://


def test_search_index_finds_a_word_from_a_news_body(demo_site):
    hits = []
    for slug in SCHOOLS:
        _, docs = _search_index(demo_site, slug)
        hits += [d["location"] for d in docs if d["location"].startswith("news/") and "溺水" in d["text"]]
    assert hits


# ---------------------------------------------------------------------------------------------
# A date known only to the month (issue 15): shown as a month everywhere people read it


MONTH_ONLY = {
    "2026-12-nuandong.yml": """title: 十二月“暖冬行动”送温暖
date: 2026-12
kind: 捐赠资助
term: 2026-2027-1
participants: 约40
summary: 十二月里，村委会和学校一起为留守儿童送去棉衣和手套。
""",
    "2027-01-hanjia-jiazhanghui.yml": """title: 寒假前留守儿童家长会
date: 2027年1月
kind: 家长会
term: 2026-2027-1
summary: 一月放寒假前召开家长会，具体日子另行通知。
""",
}


def test_a_month_only_date_is_shown_as_a_month_everywhere(tmp_path):
    """Built on 2026-12-01: the school's newest record (and the county's) is dated 2026年12月, and an
    upcoming one 2027年1月; no page, feed summary or notice shows an invented first day."""
    root = copy_demo(tmp_path / "root", ["huangshan-cun", "liulang-zhongxin"])
    for name, text in MONTH_ONLY.items():
        (root / "schools" / "huangshan-cun" / "activities" / name).write_text(text, encoding="utf-8")
    out = tmp_path / "site"
    built = run_cli("build", "--root", str(root), "--out", str(out), "--work", str(tmp_path / "work"),
                    env={"SOURCE_DATE_EPOCH": "1796083200"})  # 2026-12-01 00:00 UTC
    assert built.returncode == 0, built.stdout + built.stderr
    school = out / "huangshan-cun"

    def month(selector: str, page: Path, iso: str = "2026-12", text: str = "2026年12月") -> None:
        found = soup(page).select_one(selector)
        assert (found["datetime"], found.get_text()) == (iso, text), page

    # the "updated" date: home page, every page's footer (both scripts), printed notice, portal
    month(".cp-updated-home time", school / "index.html")
    for page in ("news/index.html", "zh-Hant/news/index.html", "zh-Hant/index.html"):
        month("p[class^=cp-updated] time", school / page)
    month(".cp-notice__foot time", school / "notice.html")
    portal = soup(out / "index.html")
    assert "信息更新于 2026年12月" in portal.get_text(" ", strip=True)
    # the activity's own page and the lists; the upcoming one on the home page
    month("article time", school / "news" / "2026-12-nuandong.html")
    month(".cp-news time[datetime='2026-12']", school / "news" / "index.html")
    month(".cp-event time[datetime='2027-01']", school / "index.html", "2027-01", "2027年1月")
    # nowhere an invented day for people: every page's visible text, both scripts, and the portal
    pages = list(school.rglob("*.html")) + [out / "index.html"]
    assert len(pages) > 40
    for page in pages:
        text = soup(page).get_text(" ", strip=True)
        for invented in ("2026-12-01", "2026年12月1日", "2027-01-01", "2027年1月1日"):
            assert invented not in text, (page, invented)

    # feeds need a full date-time: the first of the month, with the month as written in the summary
    ns = {"a": "http://www.w3.org/2005/Atom"}
    for feed_file, title in ((school / "feed.xml", "十二月“暖冬行动”送温暖"), (out / "feed.xml", "十二月“暖冬行动”送温暖")):
        feed = ElementTree.parse(feed_file).getroot()
        entry = next(e for e in feed.findall("a:entry", ns) if e.findtext("a:title", namespaces=ns) == title)
        assert entry.findtext("a:updated", namespaces=ns) == "2026-12-01T00:00:00+08:00"
        assert entry.findtext("a:summary", namespaces=ns).startswith("2026年12月："), feed_file
    # the sitemap's machine date likewise
    assert set(re.findall(r"<lastmod>([^<]*)</lastmod>", (school / "sitemap.xml").read_text(encoding="utf-8"))) == {"2026-12-01"}
    # a calendar needs a day: the month-only event is left out, the dated ones are there
    events = [str(e["summary"]) for e in Calendar.from_ical((school / "calendar.ics").read_bytes()).walk("VEVENT")]
    assert events and "寒假前留守儿童家长会" not in events
