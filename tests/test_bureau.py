"""The bureau build's published tree (the demo county, built once by the real CLI): every link
lands on a file, Material's assets are stored once for the county, dates come from content,
and search works from disk and from a sub-path of a web server."""

from __future__ import annotations

import gzip
import json
import re
import struct
from datetime import date, datetime, timezone
from importlib.metadata import version
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
import yaml
from bs4 import BeautifulSoup

from helpers import REPO, serve
from generator.ids import opaque

SCHOOLS = sorted(p.name for p in (REPO / "schools").iterdir() if (p / "school.yml").is_file())
STORE = ".careportal-theme"
URL_ATTRIBUTES = ("href", "src", "srcset", "poster", "data", "action")


def site_prefix() -> str:
    bureau = yaml.safe_load((REPO / "content" / "bureau.yml").read_text(encoding="utf-8"))
    return urlsplit(bureau.get("site_url") or "/").path


def references(page: BeautifulSoup):
    """Every URL a page refers to: attributes of any element, and the search worker in Material's config."""
    for node in page.find_all(True):
        for attr in URL_ATTRIBUTES:
            value = node.get(attr)
            if not isinstance(value, str) or not value.strip():
                continue
            if attr == "srcset":
                yield from (part.strip().split(" ")[0] for part in value.split(",") if part.strip())
            else:
                yield value.strip()
    config = page.find("script", id="__config")
    if config:
        yield json.loads(config.get_text())["search"]


def local_target(html_file: Path, url: str, root: Path) -> Path | None:
    """The file a URL opens when the site is read from disk; None for other schemes and hosts."""
    if url.startswith("#") or re.match(r"^[a-z][a-z0-9+.-]*:", url, re.I) or url.startswith("//"):
        return None
    path = unquote(urlsplit(url).path)
    if not path:
        return None
    if path.startswith("/"):
        # MkDocs' 404 page links from site_url's path, since a host serves it at any URL.
        assert html_file.name == "404.html", f"{html_file}: absolute link {url}"
        prefix = site_prefix()
        assert path.startswith(prefix), url
        target = root / path[len(prefix):]
    else:
        target = html_file.parent / path
    return target / "index.html" if path.endswith("/") else target


def test_every_href_and_src_of_every_page_is_a_file(demo_site):
    checked = 0
    broken = []
    for html_file in sorted(demo_site.rglob("*.html")):
        if STORE in html_file.parts:
            continue
        page = BeautifulSoup(html_file.read_text(encoding="utf-8"), "html.parser")
        for url in references(page):
            target = local_target(html_file, url, demo_site)
            if target is None:
                continue
            checked += 1
            resolved = target.resolve()
            if resolved.is_dir():
                resolved = resolved / "index.html"
            if not resolved.is_file():
                broken.append(f"{html_file.relative_to(demo_site)} → {url}")
    assert not broken, broken[:20]
    assert checked > 1000


@pytest.mark.parametrize("slug", SCHOOLS)
def test_material_assets_are_stored_once_for_the_county(demo_site, slug):
    stores = sorted((demo_site / STORE).iterdir())
    assert [p.name for p in stores][1:] == ["material-" + version("mkdocs-material")]
    shared, store = stores
    sites = [demo_site / slug] + [p.parent.parent for p in (demo_site / slug).glob("*/search/search_index.json")]
    for site in sites:
        files = [p for folder in ("javascripts", "stylesheets", "images")
                 for p in (site / "assets" / folder).rglob("*") if p.is_file()]
        assert len(files) > 30, site
        for path in files:
            twin = store / path.relative_to(site / "assets")
            assert path.stat().st_ino == twin.stat().st_ino, f"{path} is a copy, not the county's file"
            assert path.stat().st_nlink > 2  # the store, this school and the others
        own = [p for p in (site / "assets" / "careportal").rglob("*") if p.is_file()]
        assert len(own) > 5, site
        for path in own:  # careportal's own theme files: one copy each, named by their content
            twin = shared / (opaque(path.read_bytes()) + path.suffix)
            assert path.stat().st_ino == twin.stat().st_ino, f"{path} is a copy, not the county's file"
            assert path.stat().st_nlink > 2
    assert shared.name == "careportal-files" and not list(shared.glob("*.tmp"))


def test_search_worker_finds_its_language_files(demo_site):
    for slug in SCHOOLS:
        site = demo_site / slug
        page = BeautifulSoup((site / "news" / "index.html").read_text(encoding="utf-8"), "html.parser")
        worker = (site / "news" / json.loads(page.find("script", id="__config").get_text())["search"]).resolve()
        assert worker.is_file()
        languages = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))["config"]["lang"]
        lunr = worker.parent.parent / "lunr" / "min"
        assert (lunr / "lunr.stemmer.support.min.js").is_file()
        for lang in languages:
            if lang != "en":
                assert (lunr / f"lunr.{lang}.min.js").is_file(), lang


def test_sitemap_is_dated_from_content_not_from_the_build(demo_site):
    for slug in SCHOOLS:
        site = demo_site / slug
        page = BeautifulSoup((site / "news" / "index.html").read_text(encoding="utf-8"), "html.parser")
        updated = page.select_one("p[class^=cp-updated] time")["datetime"]
        if len(updated) == 7:  # a month (2026-09): the sitemap needs a day and takes the first
            updated += "-01"
        sitemap = (site / "sitemap.xml").read_text(encoding="utf-8")
        assert set(re.findall(r"<lastmod>([^<]*)</lastmod>", sitemap)) == {updated}, slug
        raw = (site / "sitemap.xml.gz").read_bytes()
        mtime = struct.unpack("<I", raw[4:8])[0]
        assert datetime.fromtimestamp(mtime, timezone.utc).date() == date.fromisoformat(updated)
        assert gzip.decompress(raw) == (site / "sitemap.xml").read_bytes()


def test_nothing_is_left_in_staging(demo_site):
    assert not (demo_site / ".careportal-staging").exists()
    assert set(SCHOOLS) | {STORE} <= {p.name for p in demo_site.iterdir() if p.is_dir()}
    assert not [p for p in (demo_site / STORE).iterdir() if p.name.endswith(".tmp")]


def _search(page, query: str) -> list[str]:
    """Type a query into Material's search box (a key press after the text: typing Chinese
    inserts text without key events) and return the result links."""
    page.wait_for_selector(".md-search__input", state="attached")
    page.focus(".md-search__input")
    page.fill(".md-search__input", query)
    page.press(".md-search__input", "End")
    page.wait_for_selector(".md-search-result__item", timeout=30000)
    return page.eval_on_selector_all(".md-search-result__item a", "nodes => nodes.map(n => n.href)")


def test_pages_and_search_work_from_disk_and_from_a_sub_path(demo_site, chromium):
    slug = SCHOOLS[0]
    context = chromium.new_context(viewport={"width": 1200, "height": 900})
    failed: list[str] = []
    context.on("requestfailed", lambda request: failed.append(request.url))
    try:
        page = context.new_page()
        page.goto((demo_site / slug / "news" / "index.html").as_uri())
        assert page.evaluate("getComputedStyle(document.querySelector('.md-header')).position") == "sticky"
        hits = _search(page, "家访")
        assert hits and all(h.startswith((demo_site / slug).as_uri()) for h in hits)
        with serve(demo_site.parent) as base:
            page.goto(f"{base}/{demo_site.name}/{slug}/policies/index.html")
            assert page.evaluate("getComputedStyle(document.querySelector('.md-header')).position") == "sticky"
            hits = _search(page, "家访")
            assert hits and all(h.startswith(f"{base}/{demo_site.name}/{slug}/") for h in hits)
    finally:
        context.close()
    assert not failed, failed
