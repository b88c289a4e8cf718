"""The demo county in a real Chromium on a phone-sized screen (390×844), from a local HTTP server and
from file://: accessibility (axe-core), text and button sizes, 长辈版, the language switch, search,
requests, weight, 朗读, today's hours, WeChat, no-JavaScript, the printed notice.

Screenshots of a school home page (normal and 长辈版) are written to test-artifacts/."""

from __future__ import annotations

import gzip
import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

import axe_playwright_python
import opencc
import pytest
import yaml

from helpers import TEST_ENGINE
from helpers import REPO, serve

SCHOOLS = sorted(p.name for p in (REPO / "schools").iterdir() if (p / "school.yml").is_file())
PHONE = {"width": 390, "height": 844}
AXE_JS = (Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text(encoding="utf-8")
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
ARTIFACTS = REPO / "test-artifacts"
T2S = opencc.OpenCC("t2s")
WEIGHT_BUDGET = 150 * 1024  # school home page, gzip, before optional images
NORMAL = {"font": 18, "target": 48, "contrast": 0}  # normal contrast (4.5:1) is axe's color-contrast rule
ELDER = {"font": 24, "target": 60, "contrast": 7}


# ---------------------------------------------------------------------------------------------
# The pages under test, found in the built demo county


@pytest.fixture(scope="module")
def pages(demo_site) -> dict[str, str]:
    """Site-relative paths: a school home, one of its news posts with 防溺水 in the body, a
    resource page, and the same in zh-Hant."""
    for slug in SCHOOLS:
        news = sorted(p for p in (demo_site / slug / "news").glob("*.html")
                      if "防溺水" in p.read_text(encoding="utf-8") and not p.name.startswith(("index", "kind-")))
        rooms = sorted((demo_site / slug / "resources").glob("*.html"))
        if news and len(rooms) > 1:
            found = {"home": f"{slug}/index.html", "news": f"{slug}/news/{news[0].name}",
                     "resource": next(f"{slug}/resources/{p.name}" for p in rooms if p.name != "index.html"),
                     "portal": "index.html", "slug": slug}
            for key in ("home", "news", "resource"):
                found[f"{key}-hant"] = found[key].replace(f"{slug}/", f"{slug}/zh-Hant/", 1)
            return found
    raise AssertionError("the demo county has a news post about 防溺水")


@pytest.fixture(scope="module")
def origin(demo_site):
    with serve(demo_site) as base:
        yield base


class Browse:
    """Opens pages by site-relative path over HTTP or from file://, and records every request."""

    def __init__(self, browser, demo_site: Path, base: str, via: str, **context):
        self.demo_site, self.base, self.via = demo_site, base, via
        self.context = browser.new_context(viewport=context.pop("viewport", PHONE), **context)
        self.requests: list[str] = []
        self.context.on("request", lambda r: self.requests.append(r.url))
        self.context.route("**/*", self._route)
        self.page = self.context.new_page()

    def _route(self, route):
        if self.is_local(route.request.url):
            route.continue_()
        else:
            route.abort()  # recorded by the request listener; the test then fails on it

    def is_local(self, url: str) -> bool:
        return url.startswith(self.base + "/") if self.via == "http" else url.startswith("file://")

    def url(self, rel: str) -> str:
        return f"{self.base}/{rel}" if self.via == "http" else (self.demo_site / rel).as_uri()

    def rel(self, url: str) -> str:
        if self.via == "http":
            return unquote(urlsplit(url).path).lstrip("/")
        return Path(unquote(urlsplit(url).path)).relative_to(self.demo_site).as_posix()

    def open(self, rel: str):
        self.page.goto(self.url(rel), wait_until="load")
        return self.page

    def foreign(self) -> list[str]:
        return [u for u in self.requests if not self.is_local(u) and not u.startswith(("data:", "blob:", "about:"))]

    def close(self):
        self.context.close()


@pytest.fixture()
def browse(chromium, demo_site, origin):
    opened: list[Browse] = []

    def make(via: str = "http", **context) -> Browse:
        b = Browse(chromium, demo_site, origin, via, **context)
        opened.append(b)
        return b

    yield make
    for b in opened:
        foreign = b.foreign()
        b.close()
        assert not foreign, f"requests left the local origin: {foreign[:5]}"


def switch_elder_on(page) -> None:
    button = page.locator("button.cp-elder-toggle")
    assert button.is_visible() and button.get_attribute("aria-pressed") == "false"
    button.click()
    assert page.evaluate("document.documentElement.classList.contains('cp-elder')")
    assert button.get_attribute("aria-pressed") == "true"


# ---------------------------------------------------------------------------------------------
# Accessibility: axe-core, sizes, contrast, reflow


def axe_violations(page) -> list[str]:
    page.evaluate(AXE_JS)
    result = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
                           AXE_TAGS)
    return [f"{v['id']}: {[n['target'] for n in v['nodes'][:3]]}" for v in result["violations"]]


@pytest.mark.parametrize("script", ["hans", "hant"])
@pytest.mark.parametrize("mode", ["normal", "elder"])
def test_axe_finds_no_wcag_violation(browse, pages, script, mode):
    b = browse("http")
    keys = ["home", "news", "resource"]
    keys = [k if script == "hans" else f"{k}-hant" for k in keys] + (["portal"] if script == "hans" else [])
    page = b.open(pages[keys[0]])
    if mode == "elder":
        switch_elder_on(page)
    found = {}
    for key in keys:
        page = b.open(pages[key])
        assert page.evaluate("document.documentElement.classList.contains('cp-elder')") == (mode == "elder")
        violations = axe_violations(page)
        if violations:
            found[pages[key]] = violations
    assert not found, found


def test_axe_from_file_url(browse, pages):
    b = browse("file")
    for key in ("home", "news-hant", "portal"):
        assert not axe_violations(b.open(pages[key])), pages[key]


MEASURE = """
({font, target, contrast}) => {
  const visible = el => el.checkVisibility({opacityProperty: true, visibilityProperty: true});
  const inView = r => r.width > 0 && r.height > 0 && r.right > 0 && r.left < window.innerWidth;
  const rgba = c => { const m = c.match(/rgba?\\(([^)]+)\\)/); if (!m) return null;
    const p = m[1].split(/[\\s,\\/]+/).filter(Boolean).map(Number); return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1]; };
  const background = el => {
    const layers = [];
    for (let e = el; e; e = e.parentElement) {
      const cs = getComputedStyle(e);
      if (cs.backgroundImage !== "none") return null;
      const c = rgba(cs.backgroundColor);
      if (c && c[3] > 0) { layers.push(c); if (c[3] >= 1) break; }
    }
    let out = [255, 255, 255];
    for (let i = layers.length - 1; i >= 0; i--) {
      const [r, g, b, a] = layers[i]; out = [r * a + out[0] * (1 - a), g * a + out[1] * (1 - a), b * a + out[2] * (1 - a)];
    }
    return out;
  };
  const lum = c => { const f = v => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
    return 0.2126 * f(c[0]) + 0.7152 * f(c[1]) + 0.0722 * f(c[2]); };
  const name = el => el.tagName.toLowerCase() + (el.className && typeof el.className === "string" ? "." + el.className.trim().split(/\\s+/).join(".") : "")
    + " “" + (el.textContent || el.getAttribute("aria-label") || "").trim().slice(0, 16) + "”";
  const out = {font: [], target: [], contrast: [], texts: 0, targets: 0};
  for (const el of document.body.querySelectorAll("*")) {
    if (!visible(el)) continue;
    if (![...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim())) continue;
    if (!inView(el.getBoundingClientRect())) continue;
    out.texts++;
    const cs = getComputedStyle(el);
    const size = parseFloat(cs.fontSize);
    if (size < font - 0.01) out.font.push(`${name(el)} ${size}px`);
    if (contrast) {
      const bg = background(el), fg = rgba(cs.color);
      if (bg && fg) {
        const c = [fg[0] * fg[3] + bg[0] * (1 - fg[3]), fg[1] * fg[3] + bg[1] * (1 - fg[3]), fg[2] * fg[3] + bg[2] * (1 - fg[3])];
        const [hi, lo] = [lum(c), lum(bg)].sort((a, b) => b - a);
        const ratio = (hi + 0.05) / (lo + 0.05);
        if (ratio < contrast) out.contrast.push(`${name(el)} ${ratio.toFixed(2)}:1`);
      }
    }
  }
  const interactive = "a[href], button, input:not([type=hidden]), select, textarea, label[for], summary, [role=button]";
  for (const el of document.querySelectorAll(interactive)) {
    if (!visible(el)) continue;
    const r = el.getBoundingClientRect();
    if (!inView(r)) continue;
    out.targets++;
    if (r.width < target - 0.5 || r.height < target - 0.5) out.target.push(`${name(el)} ${Math.round(r.width)}×${Math.round(r.height)}`);
  }
  return out;
}
"""


@pytest.mark.parametrize("mode", ["normal", "elder"])
def test_text_size_tap_targets_and_contrast(browse, pages, mode):
    limits = NORMAL if mode == "normal" else ELDER
    b = browse("http")
    page = b.open(pages["home"])
    if mode == "elder":
        switch_elder_on(page)
    problems = {}
    for key in ("home", "news", "resource", "home-hant", "news-hant", "portal"):
        page = b.open(pages[key])
        found = page.evaluate(MEASURE, limits)
        assert found["texts"] > 20 and found["targets"] > 5, (key, found)
        if found["font"] or found["target"] or found["contrast"]:
            problems[key] = {k: found[k][:8] for k in ("font", "target", "contrast") if found[k]}
        body = float(page.evaluate("parseFloat(getComputedStyle(document.querySelector('.md-content__inner') || document.querySelector('main')).fontSize)"))
        assert body >= limits["font"], (key, body)
    # the navigation drawer, opened as a reader would
    page = b.open(pages["home"])
    page.click("label.md-header__button[for=__drawer]")
    page.wait_for_timeout(400)
    found = page.evaluate(MEASURE, limits)
    if found["font"] or found["target"] or found["contrast"]:
        problems["drawer"] = {k: found[k][:8] for k in ("font", "target", "contrast") if found[k]}
    assert not problems, problems


@pytest.mark.parametrize("mode", ["normal", "elder"])
def test_no_horizontal_scroll_at_320_px(browse, pages, mode):
    b = browse("http", viewport={"width": 320, "height": 640})
    page = b.open(pages["home"])
    if mode == "elder":
        switch_elder_on(page)
    wide = {}
    for key in ("home", "news", "resource", "home-hant", "portal"):
        page = b.open(pages[key])
        width = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
        if width[0] > width[1]:
            wide[key] = width
    page = b.open(f"{pages['slug']}/notice.html")
    width = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    if width[0] > width[1]:
        wide["notice"] = width
    assert not wide, wide


# ---------------------------------------------------------------------------------------------
# 长辈版, the language switch, search


@pytest.mark.parametrize("via", ["http", "file"])
def test_elder_mode_persists_across_pages_and_visits(browse, pages, via):
    b = browse(via)
    page = b.open(pages["home"])
    assert not page.evaluate("document.documentElement.classList.contains('cp-elder')")
    normal = page.evaluate("parseFloat(getComputedStyle(document.querySelector('.md-content__inner')).fontSize)")
    switch_elder_on(page)
    assert page.evaluate("parseFloat(getComputedStyle(document.querySelector('.md-content__inner')).fontSize)") >= 24 > normal
    # follow links as a reader does: a news list, the other script, the county portal
    page.locator("section.cp-latest a[href$='news/index.html']").click()
    page.wait_for_load_state("load")
    assert b.rel(page.url) == f"{pages['slug']}/news/index.html"
    for _ in range(2):
        assert page.evaluate("document.documentElement.classList.contains('cp-elder')")
        assert page.locator("button.cp-elder-toggle").get_attribute("aria-pressed") == "true"
        page.locator("a.cp-lang").click()
        page.wait_for_load_state("load")
    page.locator(".cp-footer a").last.click()
    page.wait_for_load_state("load")
    assert b.rel(page.url) == "index.html"
    assert page.evaluate("document.documentElement.classList.contains('cp-elder')")
    assert page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)") >= 24
    page.reload()
    assert page.evaluate("document.documentElement.classList.contains('cp-elder')")
    # and off again, from the keyboard
    page.locator("button.cp-elder-toggle").focus()
    page.keyboard.press("Enter")
    assert not page.evaluate("document.documentElement.classList.contains('cp-elder')")
    page.locator("a.cp-school").first.click()
    page.wait_for_load_state("load")
    assert not page.evaluate("document.documentElement.classList.contains('cp-elder')")
    assert page.locator("button.cp-elder-toggle").get_attribute("aria-pressed") == "false"


@pytest.mark.parametrize("via", ["http", "file"])
def test_language_switch_lands_on_the_same_page(browse, pages, via):
    b = browse(via)
    page = b.open(pages["news"])
    title = page.locator("h1").inner_text()
    page.locator("a.cp-lang").click()
    page.wait_for_load_state("load")
    assert b.rel(page.url) == pages["news-hant"]
    assert page.evaluate("document.documentElement.lang") == "zh-Hant"
    converted = page.locator("h1").inner_text()
    assert converted != title and T2S.convert(converted) == title
    page.locator("a.cp-lang").click()
    page.wait_for_load_state("load")
    assert b.rel(page.url) == pages["news"]
    assert page.evaluate("document.documentElement.lang") in {"zh", "zh-Hans"}


def search(page, query: str) -> list[str]:
    if TEST_ENGINE == "zensical":
        return search_zensical(page, query)
    page.click("label.md-header__button[for=__search]")
    box = page.locator("input.md-search__input")
    box.wait_for(state="visible")
    page.wait_for_timeout(300)
    box.press_sequentially(query, delay=30)
    box.press("End")  # the theme searches on key events; typed Chinese arrives as text input
    page.wait_for_selector(".md-search-result__item a", timeout=10_000)
    return [a.get_attribute("href") for a in page.query_selector_all(".md-search-result__item > a")]


def search_zensical(page, query: str) -> list[str]:
    """Zensical's search dialog (in a shadow root, which Playwright's locators pierce): the
    browser's Intl.Segmenter cuts the Chinese, not jieba."""
    page.click("label.md-header__button[for=__search]")
    opener = page.locator(".md-search__button")
    if opener.is_visible():
        opener.click()
    box = page.locator("dialog input[role=combobox]")
    box.wait_for(state="visible")
    box.press_sequentially(query, delay=30)
    page.wait_for_selector("dialog ol[role=listbox] a[href]", timeout=10_000)
    return [a.get_attribute("href") for a in page.locator("dialog ol[role=listbox] a[href]").all()]


@pytest.mark.parametrize("via", ["http", "file"])
@pytest.mark.parametrize("script", ["hans", "hant"])
def test_search_finds_a_word_from_a_news_body(browse, pages, via, script):
    b = browse(via)
    suffix = "" if script == "hans" else "-hant"
    page = b.open(pages["home" + suffix])
    hits = search(page, "防溺水")
    target = Path(pages["news" + suffix]).name
    assert any(h.split("#")[0].endswith(f"news/{target}") for h in hits), hits
    if script == "hant":
        page = b.open(pages["home-hant"])
        assert any("/news/" in h or h.startswith("news/") for h in search(page, "監護人")), "a Traditional word"
    # a two-character word (Zensical segments with the browser's Intl.Segmenter, MkDocs with jieba)
    page = b.open(pages["home" + suffix])
    word = "溺水" if script == "hans" else "監護"
    assert any(h.split("#")[0].endswith(f"news/{target}") or "/news/" in h or h.startswith("news/")
               for h in search(page, word)), word


# ---------------------------------------------------------------------------------------------
# Requests and weight


def test_no_request_leaves_the_local_origin(browse, pages):
    """Every page a reader visits, search, and a browser without ResizeObserver (old WeChat
    engines), for which the theme would fetch a polyfill from a CDN."""
    b = browse("http")
    slug = pages["slug"]
    for rel in (pages["home"], pages["news"], pages["resource"], f"{slug}/events.html", f"{slug}/contact.html",
                f"{slug}/notice.html", f"{slug}/data/index.html", pages["home-hant"], pages["portal"]):
        b.open(rel).wait_for_load_state("networkidle")
    search(b.open(pages["home"]), "防溺水")
    assert len(b.requests) > 20
    old = browse("http")
    old.context.add_init_script("delete window.ResizeObserver")
    page = old.open(pages["home"])
    page.wait_for_load_state("networkidle")
    assert page.evaluate("typeof window.ResizeObserver") == "function"  # the vendored polyfill
    assert any("resize-observer-polyfill.js" in u for u in old.requests)


def test_school_home_page_weight(browse, demo_site, pages):
    b = browse("http")
    page = b.open(pages["home"])
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(500)
    total, files = 0, []
    for url in dict.fromkeys(b.requests):
        path = demo_site / b.rel(url)
        data = path.read_bytes()
        size = len(gzip.compress(data, 6)) if path.suffix not in {".png", ".jpg", ".jpeg", ".webp", ".gz"} else len(data)
        files.append((size, b.rel(url)))
        total += size
    print(f"\nschool home page: {total / 1024:.1f} KB gzip in {len(files)} requests")
    assert total <= WEIGHT_BUDGET, sorted(files, reverse=True)[:6]


# ---------------------------------------------------------------------------------------------
# 朗读, today's hours, WeChat, no JavaScript


RECORD_SPEECH = """
window.__spoken = [];
if (window.speechSynthesis) {
  speechSynthesis.speak = u => window.__spoken.push([u.text, u.lang]);
  speechSynthesis.cancel = () => window.__spoken.push(["<cancel>", ""]);
}
"""


def test_read_aloud_reads_the_article_where_speech_exists(browse, pages):
    b = browse("http")
    b.context.add_init_script(RECORD_SPEECH)
    for key, lang in (("news", "zh-CN"), ("news-hant", "zh-TW")):
        page = b.open(pages[key])
        button = page.locator("button.cp-read")
        assert button.is_visible()
        label = button.inner_text()
        button.click()
        spoken = page.evaluate("window.__spoken")
        text = "".join(t for t, _ in spoken if t != "<cancel>")
        assert page.locator("h1").inner_text() in text and "溺水" in text
        assert {l for t, l in spoken if t != "<cancel>"} == {lang}
        assert button.inner_text() != label  # now "停止朗读"
        button.click()
        assert page.evaluate("window.__spoken")[-1][0] == "<cancel>" and button.inner_text() == label
    assert b.open(pages["home"]).locator("button.cp-read").count() == 0  # articles only
    mute = browse("http")
    mute.context.add_init_script("Object.defineProperty(window, 'speechSynthesis', {value: undefined})")
    page = mute.open(pages["news"])
    assert page.locator("button.cp-read").count() == 1 and not page.locator("button.cp-read").is_visible()


def test_today_is_marked_in_china_time(browse, pages, demo_site):
    slug = pages["slug"]
    school = yaml.safe_load((REPO / "schools" / slug / "school.yml").read_text(encoding="utf-8"))
    for when, weekday in (("2026-11-29T10:00:00+08:00", 6),   # a Sunday in China
                          ("2026-11-29T20:00:00+00:00", 0)):  # Sunday evening in London = Monday in China
        b = browse("http")
        b.page.clock.set_fixed_time(when)
        page = b.open(pages["home"])
        phone = page.locator("section.cp-phone ul.cp-week")
        today = phone.locator("li.cp-today")
        assert today.count() == 1 and today.get_attribute("data-weekday") == str(weekday)
        assert today.locator(".cp-today-mark").is_visible()
        assert phone.locator(".cp-today-mark:visible").count() == 1
        hours = [h for h in school["family_phone"].get("hours", []) if
                 ["周一", "周二", "周三", "周四", "周五", "周六", "周日"][weekday] in h["days"] or h["days"] == "每天"]
        for h in hours:
            assert h["start"] in today.inner_text()


def test_wechat_sees_how_to_add_the_calendar(browse, pages):
    wechat = browse("http", user_agent="Mozilla/5.0 (Linux; Android 10; V2001A) AppleWebKit/537.36 (KHTML, like Gecko) "
                                       "Chrome/86.0.4240.99 XWEB/4317 MMWEBSDK/20220903 Mobile Safari/537.36 "
                                       "MMWEBID/1234 MicroMessenger/8.0.28.2240(0x28001C35) WeChat/arm64 Weixin "
                                       "NetType/4G Language/zh_CN ABI/arm64")
    page = wechat.open(pages["home"])
    assert page.locator("section.cp-upcoming .cp-wechat-hint").is_visible()
    assert "浏览器" in page.locator("section.cp-upcoming .cp-wechat-hint").inner_text()
    assert page.locator("a[href='calendar.ics']").first.is_visible()
    plain = browse("http")
    page = plain.open(pages["home"])
    assert not page.locator("section.cp-upcoming .cp-wechat-hint").is_visible()


def test_core_content_works_without_javascript(browse, pages):
    b = browse("http", java_script_enabled=False)
    page = b.open(pages["home"])
    assert page.locator("a.cp-call").first.is_visible()
    assert page.locator("section.cp-phone ul.cp-week li").count() == 7
    assert page.locator("section.cp-upcoming li").first.is_visible()
    assert page.locator("section.cp-latest li a").first.is_visible()
    assert page.locator("a.cp-lang").is_visible()
    assert not page.locator("button.cp-elder-toggle").is_visible()  # needs a script; hidden, not broken
    page = b.open(pages["news"])
    assert "溺水" in page.locator("article.cp-article").inner_text()
    assert not page.locator("button.cp-read").is_visible()
    page.locator("a.cp-lang").click()
    page.wait_for_load_state("load")
    assert b.rel(page.url) == pages["news-hant"]


# ---------------------------------------------------------------------------------------------
# Print, and pictures for people


@pytest.mark.parametrize("slug", SCHOOLS)
def test_notice_prints_on_one_a4_page(browse, slug):
    b = browse("http")
    for rel in (f"{slug}/notice.html", f"{slug}/zh-Hant/notice.html"):
        page = b.context.new_page()
        page.goto(b.url(rel))
        pdf = page.pdf(format="A4", prefer_css_page_size=True)  # print media
        assert len(re.findall(rb"/Type\s*/Page\b", pdf)) == 1, rel
        page.emulate_media(media="print")
        qr = page.locator(".cp-notice__qr img")
        assert qr.bounding_box()["width"] >= 40 / 25.4 * 96  # at least 4 cm on paper
        assert page.locator(".cp-notice__url").is_visible()
        assert not page.locator(".cp-notice-bar").is_visible()  # no buttons on paper
        page.close()


def test_a_letter_to_families_prints_on_one_a4_page_with_its_qr_code(browse, demo_site):
    letters = sorted(demo_site.glob("*/letters/*.qr.svg")) + sorted(demo_site.glob("*/zh-Hant/letters/*.qr.svg"))
    assert letters
    b = browse("http")
    for svg in letters:
        rel = svg.relative_to(demo_site).as_posix().replace(".qr.svg", ".html")
        page = b.context.new_page()
        page.goto(b.url(rel))
        qr = page.locator(".cp-letter__qr img")
        assert not qr.is_visible()  # on screen the reader is already on the page
        assert page.locator(".cp-letter .cp-print").is_visible()  # a button to print it (JavaScript on)
        pdf = page.pdf(format="A4", prefer_css_page_size=True)
        assert len(re.findall(rb"/Type\s*/Page\b", pdf)) == 1, rel
        page.emulate_media(media="print")
        assert qr.is_visible() and qr.evaluate("img => img.complete && img.naturalWidth > 0")
        # at least 3 cm on paper: a tenth of a 30 cm scanning distance (the notice's code is 4 cm)
        assert qr.bounding_box()["width"] >= 30 / 25.4 * 96 - 1
        assert page.locator(".cp-print-url").is_visible()
        assert not page.locator(".cp-tools").is_visible() and not page.locator(".cp-screen-only").is_visible()
        page.close()


def test_an_article_prints_with_its_web_address(browse, pages, demo_site):
    """A news post (a letter to parents, say) printed on paper: no buttons or menus, its address under it."""
    b = browse("http")
    page = b.open(pages["news"])
    assert not page.locator(".cp-print-url").is_visible()
    page.emulate_media(media="print")
    address = page.locator(".cp-print-url")
    assert address.is_visible()
    canonical = page.locator("link[rel=canonical]").get_attribute("href")
    assert canonical.endswith(pages["news"]) and canonical in address.inner_text()
    assert not page.locator(".cp-tools").is_visible() and not page.locator(".md-header").is_visible()
    pdf = page.pdf(format="A4")
    assert pdf.startswith(b"%PDF")


def test_screenshots_of_the_home_page(browse, pages):
    """For people to look at: test-artifacts/home-*.png (normal and 长辈版, both scripts, portal)."""
    ARTIFACTS.mkdir(exist_ok=True)
    b = browse("http")
    b.page.clock.set_fixed_time("2026-11-23T10:00:00+08:00")
    page = b.open(pages["home"])
    page.screenshot(path=ARTIFACTS / "home-normal.png", full_page=True)
    page.screenshot(path=ARTIFACTS / "home-normal-first-screen.png")
    switch_elder_on(page)
    page.screenshot(path=ARTIFACTS / "home-elder.png", full_page=True)
    page.screenshot(path=ARTIFACTS / "home-elder-first-screen.png")
    b.open(pages["home-hant"]).screenshot(path=ARTIFACTS / "home-elder-zh-Hant.png", full_page=True)
    b.open(pages["portal"]).screenshot(path=ARTIFACTS / "portal-elder.png", full_page=True)
    for name in ("home-normal.png", "home-elder.png", "home-elder-first-screen.png"):
        assert (ARTIFACTS / name).stat().st_size > 10_000


# ---------------------------------------------------------------------------------------------
# Pages of issue 15: a programme, an activity over several days, a room several schools share


NEW_PAGES = ["qingxi-zhongxin/programmes/jiugeyi.html", "qingxi-zhongxin/news/2027-01-25-hanjia-jiafang.html",
             "qingxi-zhongxin/resources/shared-qingxi-zhen-ertong-huodongshi.html"]


@pytest.mark.parametrize("script", ["hans", "hant"])
def test_programme_multi_day_and_shared_room_pages_on_a_phone(browse, script):
    b = browse("http", viewport={"width": 412, "height": 915})
    found = {}
    for rel in NEW_PAGES:
        if script == "hant":
            rel = rel.replace("qingxi-zhongxin/", "qingxi-zhongxin/zh-Hant/", 1)
        page = b.open(rel)
        problems = axe_violations(page)
        width = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
        if width[0] > width[1]:
            problems.append(f"scrolls sideways: {width}")
        measured = page.evaluate(MEASURE, NORMAL)
        problems += measured["font"][:4] + measured["target"][:4] + measured["contrast"][:4]
        wrapped = page.evaluate(WRAPPED_WEEKDAYS)  # an opening-hours row reads 周一至周五 on one line
        if wrapped:
            problems.append(f"weekdays wrap: {wrapped}")
        if page.locator("table.cp-hours").count():  # six separate days, text at 150 %: wraps after 、, no sideways scroll
            width = page.evaluate(LONG_DAY_LIST)
            if width[0] > width[1]:
                problems.append(f"a long list of days scrolls sideways: {width}")
        if problems:
            found[rel] = problems
    assert not found, found


WRAPPED_WEEKDAYS = """[...document.querySelectorAll('table.cp-hours td:first-child .cp-days')].filter(span => {
    const range = document.createRange(); range.selectNodeContents(span);
    return new Set([...range.getClientRects()].map(r => Math.round(r.top))).size > 1;
}).map(span => span.textContent)"""
LONG_DAY_LIST = """() => { document.documentElement.style.fontSize = '150%';
    const cell = document.querySelector('table.cp-hours td'); const piece = cell.querySelector('.cp-days');
    cell.textContent = '';
    ['周一', '周二', '周三', '周四', '周五', '周日'].forEach((day, i) => {
        if (i) cell.append('、');
        const span = piece.cloneNode(); span.textContent = day; cell.append(span); });
    return [document.documentElement.scrollWidth, document.documentElement.clientWidth]; }"""
