"""Issue 16, part 1: every value careportal hands to MkDocs' config or to the theme's templates
(site name and description, navigation and page titles, descriptions, link-card text, the
bureau's name, the site's address) is safe in text and attribute contexts alike.

A real school site is built twice with the real CLI: once with `"`, `'`, `<`, `>`, `&`, backticks,
line breaks and attribute payloads in every record field that reaches the config or the pages'
front matter (and in the navigation titles of the data root's own mkdocs.yml), once with plain
words in the same fields. Every page of both must have the same elements with the same attribute
names, in the same order, and every attribute must be one the theme itself writes on that element.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup

from helpers import REPO, copy_demo, run_cli
from generator.privacy.theme_markup import theme_pairs
from generator.site.theme_values import checked_config, theme_text, UnsafeThemeValue

SLUG = "shilian-jiunian"
KEEP_ACTIVITIES = ("2026-11-13-tushu-juanzeng", "2026-12-11-qimo-jiazhanghui")  # one past, one upcoming
HOSTILE = "\"'<>&`\n x\" style=\"color:red\" ping=\"//e.invalid/p\" onclick=\"window.cpxss=1\" y='`"
SITE_URL = "https://care.example.cn/q'x`y&z/"  # what the bureau's site_url pattern lets through


def _load(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _dump(path: Path, data) -> None:
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=10**6), encoding="utf-8")


def make_root(base: Path, hostile: bool) -> tuple[Path, dict[str, str]]:
    """A data root with one school; every text that reaches the config or front matter is marked
    `F<n>` plus the hostile text (or plain words). Returns the root and field → text."""
    root = copy_demo(base / ("hostile" if hostile else "plain"), [SLUG])
    given: dict[str, str] = {}

    def mark(where: str) -> str:
        text = f"F{len(given):02d}" + (HOSTILE if hostile else "甲乙丙丁")
        given[where] = text
        return text

    bureau_path = root / "content" / "bureau.yml"
    bureau = _load(bureau_path)
    bureau.update(name=mark("bureau.name"), site_url=SITE_URL, intro=mark("bureau.intro"),
                  address=mark("bureau.address"))
    bureau["contact"]["role"] = mark("bureau.contact.role")
    _dump(bureau_path, bureau)

    folder = root / "schools" / SLUG
    school = _load(folder / "school.yml")
    school.update(name=mark("school.name"), address=mark("school.address"), intro=mark("school.intro"))
    _dump(folder / "school.yml", school)
    for path in sorted((folder / "activities").glob("*.yml")):
        if path.stem not in KEEP_ACTIVITIES:
            path.unlink()
            continue
        data = _load(path)
        data.update(title=mark(f"{path.stem}.title"), summary=mark(f"{path.stem}.summary"),
                    location=mark(f"{path.stem}.location"))
        _dump(path, data)
    for kind, fields in (("policies", ("name", "summary")), ("resources", ("name", "location")),
                         ("letters", ("title", "signed"))):
        for path in sorted((folder / kind).glob("*.yml")):
            data = _load(path)
            data.update({name: mark(f"{kind}/{path.stem}.{name}") for name in fields})
            _dump(path, data)
    base_config = _load(REPO / "mkdocs.yml")
    base_config["nav"] = [{f"{mark(f'nav[{index}]')}{title}": page} for index, item in enumerate(base_config["nav"])
                          for title, page in item.items()]
    (root / "mkdocs.yml").write_text(yaml.safe_dump(base_config, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return root, given


def one_line(text: str) -> str:
    """A title as the record keeps it (line breaks in titles and names become one space)."""
    return re.sub(r"\s+", " ", text).strip()


def structure(page: Path) -> list[tuple[str, tuple[str, ...]]]:
    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    return [(el.name, tuple(el.attrs)) for el in soup.find_all(True)]


@pytest.fixture(scope="module")
def twin_sites(tmp_path_factory):
    base = tmp_path_factory.mktemp("theme-values")
    built = {}
    for hostile in (True, False):
        root, given = make_root(base, hostile)
        out = base / f"out-{hostile}"
        result = run_cli("build", "--root", str(root), "--out", str(out), "--work", str(base / f"work-{hostile}"), "-j", "1")
        assert result.returncode == 0, result.stdout + result.stderr
        built[hostile] = (root, out, given)
    return built


def test_hostile_text_adds_no_element_and_no_attribute_to_any_page(twin_sites):
    _, hostile_out, _ = twin_sites[True]
    _, plain_out, _ = twin_sites[False]
    pages = sorted(p.relative_to(hostile_out) for p in hostile_out.rglob("*.html"))
    assert len(pages) > 30 and any(p.parts[0] == SLUG and "zh-Hant" in p.parts for p in pages)
    allowed = theme_pairs(str(REPO / "theme"))
    for rel in pages:
        hostile, plain = structure(hostile_out / rel), structure(plain_out / rel)
        assert hostile == plain, rel
        for tag, attributes in hostile:
            assert (tag, "") in allowed, (rel, tag)
            assert all((tag, a.lower()) in allowed for a in attributes), (rel, tag, attributes)


def test_the_hostile_texts_reach_the_theme_as_safe_text(twin_sites):
    root, out, given = twin_sites[True]
    home = BeautifulSoup((out / SLUG / "index.html").read_text(encoding="utf-8"), "html.parser")
    name = theme_text(given["school.name"])
    assert "＂" in name and "＜" in name and "＆" in name and "＇" in name and "｀" in name and "\n" not in name
    logo = home.select_one("a.md-logo")
    assert logo["aria-label"] == name and logo["title"] == name  # the unescaped and the `| e` attribute agree
    assert home.select_one(".md-header__topic .md-ellipsis").get_text(strip=True) == name
    assert home.title.get_text() == f"首页 - {name}"
    assert home.find("meta", attrs={"property": "og:site_name"})["content"] == name
    assert theme_text(given["bureau.name"]) in home.select_one(".cp-footer").get_text()
    # the page's own text still shows the record exactly as written (escaped by Jinja)
    assert home.h1.get_text() == one_line(given["school.name"])
    nav = [a.get_text(strip=True) for a in home.select(".md-tabs__link, .md-nav__link")]
    assert any(text.startswith(theme_text(given["nav[1]"])) for text in nav), nav
    canonical = home.find("link", rel="canonical")["href"]
    assert canonical.startswith("https://care.example.cn/q%27x%60y&z/")
    for stem in KEEP_ACTIVITIES:
        page = BeautifulSoup((out / SLUG / "news" / f"{stem}.html").read_text(encoding="utf-8"), "html.parser")
        title = theme_text(given[f"{stem}.title"])
        assert page.title.get_text().startswith(title)
        assert page.find("meta", attrs={"name": "description"})["content"] == theme_text(given[f"{stem}.summary"])
        assert page.find("meta", attrs={"property": "og:title"})["content"].startswith(title)
        assert page.select_one("article h1").get_text() == one_line(given[f"{stem}.title"])


def test_a_config_value_that_skipped_theme_text_stops_the_build():
    with pytest.raises(UnsafeThemeValue, match="site_name"):
        checked_config({"site_name": 'a" onclick="x', "site_dir": "/tmp/o'brien"})
    with pytest.raises(UnsafeThemeValue, match="nav"):
        checked_config({"nav": [{"首页<b>": "index.md"}]})
    ok = {"site_name": theme_text('a" <b>'), "site_dir": "/tmp/o'brien", "site_url": "https://x.cn/?a=1&b=2"}
    assert checked_config(ok) is ok
