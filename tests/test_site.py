"""The demo county, built by the real CLI: every page, Chinese, tap-to-call, search, no outside host."""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
import yaml
from bs4 import BeautifulSoup

from helpers import TEST_ENGINE
from generator.site.engines import engine
from helpers import REPO

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
    assert re.search(r"信息更新于 \d{4}-\d{2}-\d{2}", text)
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
