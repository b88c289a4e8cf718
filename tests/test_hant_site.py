"""The zh-Hant site made from the built zh-Hans site (site/hant_site.py) is the site a second
MkDocs build of the converted Markdown made (the way careportal built zh-Hant before): every file,
byte for byte, on demo schools with and without a site URL; and the conversion's rules."""

from __future__ import annotations

import re
import shutil
from datetime import date
from pathlib import Path

import pytest
from helpers import copy_demo

from generator.records.load import load_county
from generator.site import hant_site, render
from generator.site.hant import to_hant
from generator.site.mkdocs_build import build_site
from generator.site.views import school_site

TODAY = date(2026, 11, 23)


def _two_builds(site, layout: render.Layout, out: Path) -> None:
    """zh-Hant the old way: the rendered Markdown converted, a zh-Hant config, a second build."""
    rendered = render.render_school(site, layout, out)
    project = rendered.project
    hant_docs = project / "zh-Hant" / "docs"
    for path in sorted((project / "docs").rglob("*")):
        target = hant_docs / path.relative_to(project / "docs")
        if path.is_dir():
            target.mkdir(parents=True, exist_ok=True)
        elif path.suffix == ".md":
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(to_hant(path.read_text(encoding="utf-8")), encoding="utf-8")
        elif path.relative_to(project / "docs") not in {p.relative_to(rendered.hant_files)
                                                        for p in rendered.hant_files.rglob("*")}:
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, target)
    for path in rendered.hant_files.rglob("*"):
        if path.is_file():
            (hant_docs / path.relative_to(rendered.hant_files)).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, hant_docs / path.relative_to(rendered.hant_files))
    hans_config = rendered.configs[0]
    assets = {"careportal.css": re.search(r"(assets/careportal/careportal\.\w+\.css)", hans_config.read_text())[1],
              "careportal.js": re.search(r"(assets/careportal/careportal\.\w+\.js)", hans_config.read_text())[1]}
    url = site.site_url + render.HANT.subdir if site.site_url else None
    config = render._config(site, layout, render.HANT, out / "zh-Hant", url, assets)
    config["docs_dir"] = "docs"
    render._write_config(project / "zh-Hant" / "mkdocs.yml", config)
    build_site(hans_config)
    build_site(project / "zh-Hant" / "mkdocs.yml")


def _one_build(site, layout: render.Layout, out: Path) -> None:
    rendered = render.render_school(site, layout, out)
    build_site(rendered.configs[0])
    render.write_hant(rendered, out)


def _files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("slug, site_url", [("qingxi-zhongxin", True), ("huangshan-cun", False)])
def test_converted_site_is_the_second_builds_site_byte_for_byte(tmp_path, slug, site_url):
    root = copy_demo(tmp_path / "root", [slug])
    if not site_url:
        bureau = root / "content" / "bureau.yml"
        bureau.write_text(re.sub(r"(?m)^site_url: .*\n", "", bureau.read_text(encoding="utf-8")), encoding="utf-8")
    county = load_county(root)
    site = school_site(county, county.schools[0], TODAY)
    assert bool(site.site_url) is site_url
    _two_builds(site, render.Layout.for_root(root, tmp_path / "work-two"), tmp_path / "two")
    _one_build(site, render.Layout.for_root(root, tmp_path / "work-one"), tmp_path / "one")
    two, one = _files(tmp_path / "two" / "zh-Hant"), _files(tmp_path / "one" / "zh-Hant")
    assert sorted(one) == sorted(two)
    different = [name for name in two if one[name] != two[name]]
    assert not different, different[:10]
    assert any(name.endswith(".html") for name in one) and "search/search_index.json" in one
    page = one["index.html"].decode()
    assert '<html lang="zh-Hant"' in page and "首頁" in page and "首页" not in page
    index = one["search/search_index.json"].decode()
    assert "\u200b監護\u200b" in index or "\u200b臨時\u200b" in index or "關愛" in index
    # the zh-Hans site's files are what the one build wrote, untouched by the conversion
    assert _files(tmp_path / "one")["index.html"] == _files(tmp_path / "two")["index.html"]


RULES = hant_site.HantRules(render.SCRIPTS, "https://x.example/s/", {"查找": "搜尋"}, {"search.result.none": "沒有"})


def test_people_text_is_converted_urls_and_code_are_not():
    page = ('<html lang="zh"><head><title>首页</title><meta name="description" content="关爱留守儿童">'
            '<link rel="canonical" href="https://x.example/s/news/a.html"></head><body>'
            '<nav aria-label="查找"><img alt="学校照片" src="assets/学校.png"></nav>'
            '<article><p title="查找">查找</p><a href="news/学校.html">学校</a>'
            '<p class="cp-print-url">网页地址：https://x.example/s/news/a.html</p></article>'
            '<a class="cp-tool cp-lang" href="./zh-Hant/news/a.html" hreflang="zh-Hant" lang="zh-Hant">繁體中文</a>'
            '<!--zh-Hans--><span>简体</span><!--/zh-Hans-->'
            '<script>var s = "学校";</script>'
            '<footer><a href="./../index.html">返回全县学校列表</a></footer></body></html>')
    out = hant_site.convert_page(page, RULES)
    assert '<html lang="zh-Hant">' in out and "<title>首頁</title>" in out and 'content="關愛留守兒童"' in out
    assert 'href="https://x.example/s/zh-Hant/news/a.html"' in out
    assert '<nav aria-label="搜尋">' in out  # the theme's own word, outside the article
    assert '<p title="查找">查找</p>' in out  # inside the article: plain conversion only
    assert 'alt="學校照片" src="assets/学校.png"' in out and 'href="news/学校.html">學校<' in out
    assert "網頁地址：https://x.example/s/zh-Hant/news/a.html" in out
    assert ('<a class="cp-tool cp-lang" href="./../news/a.html" hreflang="zh-Hans" lang="zh-Hans">简体中文</a>'
            in out)
    assert "<span>简体</span>" in out and 'var s = "学校";' in out
    assert '<a href="./../../index.html">返回全縣學校列表</a>' in out
