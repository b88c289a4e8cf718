"""Both build engines (CAREPORTAL_TEST_ENGINE=mkdocs|zensical picks the one the demo county is built
with, see conftest.py): the zh-Hant site made from the built zh-Hans one, the search index in both
scripts, the theme's assets stored once, and output byte-identical across forced rebuilds."""

from __future__ import annotations

import json
import os

from bs4 import BeautifulSoup
from helpers import TEST_ENGINE
from helpers import REPO, run_cli

from generator.site.engines import engine

SCHOOL = "huangshan-cun"


def _page(path):
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def test_zh_hant_site_speaks_traditional_and_switches_back(demo_site):
    hans, hant = _page(demo_site / SCHOOL / "index.html"), _page(demo_site / SCHOOL / "zh-Hant" / "index.html")
    assert hans.html["lang"] == "zh" and hant.html["lang"] == "zh-Hant"
    assert "首頁" in hant.title.get_text() and "首页" in hans.title.get_text()
    switch = hant.select_one("a.cp-lang")
    assert switch["hreflang"] == "zh-Hans" and switch.get_text() == "简体中文"
    assert (demo_site / SCHOOL / "zh-Hant" / switch["href"]).resolve() == (demo_site / SCHOOL / "index.html").resolve()
    back = hans.select_one("a.cp-lang")
    assert (demo_site / SCHOOL / back["href"]).resolve() == (demo_site / SCHOOL / "zh-Hant" / "index.html").resolve()
    portal = hant.select_one("footer a[href$='index.html']")
    assert (demo_site / SCHOOL / "zh-Hant" / portal["href"]).resolve() == (demo_site / "index.html").resolve()
    visible = hant.select_one("article").get_text()
    for simplified in ("亲情电话", "学校", "活动"):
        assert simplified not in visible


def test_search_index_in_both_scripts(demo_site):
    path = engine(TEST_ENGINE).search_index
    hans = json.loads((demo_site / SCHOOL / path).read_text(encoding="utf-8"))
    hant = json.loads((demo_site / SCHOOL / "zh-Hant" / path).read_text(encoding="utf-8"))
    key = "docs" if "docs" in hans else "items"
    assert len(hans[key]) == len(hant[key]) > 20
    assert [d["location"] for d in hans[key]] == [d["location"] for d in hant[key]]
    text = json.dumps(hant, ensure_ascii=False)
    assert "監護人" in text.replace("\u200b", "") and "监护人" not in text
    script = (demo_site / SCHOOL / "zh-Hant" / path).with_suffix(".js").read_text(encoding="utf-8")
    assert script.startswith("var __index = ") and "監護" in script  # search from file://


def test_theme_assets_are_stored_once(demo_site):
    """Every file of a school's assets/ but its photos is a hard link into the county's one copy."""
    store = demo_site / ".careportal-theme"
    inodes = {p.stat().st_ino for p in store.rglob("*") if p.is_file()}
    assets = [p for p in (demo_site / SCHOOL / "assets").rglob("*") if p.is_file()]
    assets += [p for p in (demo_site / SCHOOL / "zh-Hant" / "assets").rglob("*") if p.is_file()]
    linked = [p for p in assets if p.stat().st_ino in inodes]
    assert assets and len(linked) >= 0.9 * len(assets), [str(p) for p in assets if p not in linked][:5]


def test_forced_rebuild_is_byte_identical(tmp_path):
    out, work = tmp_path / "site", tmp_path / "work"
    args = ("build", "--root", str(REPO), "--out", str(out), "--work", str(work), "--engine", TEST_ENGINE,
            "--school", SCHOOL, "--jobs", "1")
    first = run_cli(*args)
    assert first.returncode == 0, first.stdout + first.stderr

    def files():
        return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*"))
                if p.is_file() and not p.relative_to(out).as_posix().startswith(".careportal")}

    before = files()
    second = run_cli(*args, "--force")
    assert second.returncode == 0, second.stdout + second.stderr
    after = files()
    assert sorted(before) == sorted(after) and len(before) > 80
    assert [name for name in before if before[name] != after[name]] == []


def test_unknown_engine_is_refused_in_chinese():
    result = run_cli("build", "--root", str(REPO), "--engine", "hugo")
    assert result.returncode == 2 and "hugo" in result.stderr and "Traceback" not in result.stderr
    assert os.environ.get("CAREPORTAL_TEST_ENGINE", "mkdocs") in ("mkdocs", "zensical")
