"""Issue 16, part 2: the output audit compares every element's attributes with the ones the theme
writes on it, and names the record (file, line, field) whose text made a finding.

Since theme_values.theme_text makes every value safe, no record can add markup to a page any
more; to prove the audit is still a net under it, these builds run with that escaping removed
(as a regression, or a theme template printing a value raw, would): each payload class in a
record must then stop the school, with the message at the record and not at `404.html:104`.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from datetime import date

from helpers import DEMO_EPOCH, REPO
from generator.report.pages import expected_documents
from generator.settings import BuildSettings
from generator.county.pipeline import build_county
from generator.privacy import output_gate
from generator.privacy.theme_markup import template_pairs, theme_pairs
from generator.records.load import load_county

SLUG = "payload-school"
TODAY = None


def _write(path: Path, data: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=10**6), encoding="utf-8")


def payload_root(base: Path, school_name: str, activity_title: str = "国庆节联欢会") -> Path:
    root = base / "root"
    shutil.copytree(REPO / "content", root / "content")
    folder = root / "schools" / SLUG
    _write(folder / "school.yml", {
        "name": school_name, "kind": "小学", "township": "青溪镇", "address": "青溪镇学府路 8 号",
        "intro": "学校简介。", "family_phone": {"number": "0599-6230001"},
    })
    _write(folder / "activities" / "2026-10-01-guoqing.yml", {
        "title": activity_title, "date": "2026-10-01", "kind": "节日活动", "term": "2026-2027-1",
        "summary": "国庆节前举行联欢会。",
    })
    return root


@pytest.fixture()
def unescaped(monkeypatch):
    """The build with theme_values' escaping removed (and its check of the config)."""
    import generator.site.render as render
    import generator.site.views as views

    def raw(text):
        return str(text)

    monkeypatch.setattr(render, "theme_text", raw)
    monkeypatch.setattr(render, "meta_text", raw)
    monkeypatch.setattr(render, "checked_config", lambda config: config)
    monkeypatch.setattr(views, "theme_text", raw)


def build(root: Path, base: Path):
    report = build_county(BuildSettings(root, base / "out", base / "work", jobs=1))
    [result] = report.schools
    return result, base / "out"


PAYLOADS = {
    # the issue's own example: a quotation mark ends aria-label="…" and adds style and ping
    "attribute": ('青溪小学" style="position:fixed;inset:0;z-index:9999;background:#c00" ping="https://example.invalid/x" x="',
                  ["style=", "ping="]),
    "event handler": ('青溪小学" onmouseover="window.cpxss=1" x="', ["onmouseover="]),
    "javascript URL": ('青溪小学"><a href="javascript:window.cpxss=1">点我</a><b x="', ["javascript:"]),
    "style url()": ('青溪小学" style="background:url(https://example.invalid/t.png)" x="', ["style="]),
}


@pytest.mark.parametrize("kind", list(PAYLOADS))
def test_each_payload_class_in_the_school_name_is_refused_at_school_yml(kind, unescaped, tmp_path):
    name, expected = PAYLOADS[kind]
    root = payload_root(tmp_path, name)
    result, out = build(root, tmp_path)
    assert result.status == "failed"
    assert not (out / SLUG).exists()  # nothing was published
    at_record = [p for p in result.problems if p.path == f"schools/{SLUG}/school.yml"]
    text = "\n".join(p.format() for p in at_record)
    assert at_record and all(p.format().startswith(f"schools/{SLUG}/school.yml:1: 名称: 网页安全: ") for p in at_record), text
    for word in expected:
        assert word in text, (word, text)
    assert "404.html" in text  # the page is named too, as where it showed
    first = result.first_error
    assert first.path == f"schools/{SLUG}/school.yml", first.format()  # what the build's summary line shows


def test_an_activity_title_is_traced_to_its_file_and_line(unescaped, tmp_path):
    root = payload_root(tmp_path, "青溪小学", '国庆" onfocus="window.cpxss=1" autofocus x="')
    result, _ = build(root, tmp_path)
    assert result.status == "failed"
    traced = [p for p in result.problems if p.path == f"schools/{SLUG}/activities/2026-10-01-guoqing.yml"]
    assert traced and {p.line for p in traced} == {1} and {(p.field, p.place) for p in traced} == {("标题", "title")}, \
        "\n".join(p.format() for p in result.problems)
    assert any("onfocus=" in p.message for p in traced) and any("autofocus=" in p.message for p in traced)


def test_the_same_payload_escaped_builds_and_publishes(tmp_path):
    """Without the monkeypatch (the real build) the same names are text on the page."""
    root = payload_root(tmp_path, PAYLOADS["attribute"][0])
    result, out = build(root, tmp_path)
    assert result.status == "built", [p.format() for p in result.problems]
    assert (out / SLUG / "index.html").is_file()


def test_attributes_the_theme_never_writes_are_errors_at_the_page(demo_site, tmp_path):
    """A page changed after the build (not from any record): `style` on a link, `ping`, an
    unknown element; each reported at the page; the demo's own pages have none."""
    site = tmp_path / "site"
    shutil.copytree(demo_site / "huangshan-cun", site)
    county = load_county(REPO)
    records = next(r for r in county.schools if r.slug == "huangshan-cun")
    documents = expected_documents(county, date.fromtimestamp(int(DEMO_EPOCH)))  # the term reports it carries
    assert output_gate.check_output(county, records, site, documents) == []
    page = site / "contact.html"
    text = page.read_text(encoding="utf-8")
    text = text.replace('class="md-header__button md-logo"', 'class="md-header__button md-logo" style="position:fixed" ping="//e.invalid/"', 1)
    text = text.replace("</article>", "<marquee>x</marquee></article>", 1)
    page.write_text(text, encoding="utf-8")
    found = [p.format() for p in output_gate.check_output(county, records, site, documents)]
    assert any("contact.html" in f and "<a>" in f and "style=" in f for f in found), found
    assert any("contact.html" in f and "ping=" in f for f in found), found
    assert any("contact.html" in f and "<marquee>" in f for f in found), found


def test_the_theme_pairs_are_learned_from_the_templates():
    pairs = theme_pairs(str(REPO / "theme"))
    assert ("a", "aria-label") in pairs and ("img", "style") in pairs and ("div", "hidden") in pairs
    assert ("a", "style") not in pairs and ("a", "ping") not in pairs and not any(a.startswith("on") for _, a in pairs)
    learned = template_pairs('{% set hidden = "hidden" if "toc" in page.meta.hide %}'
                             '<nav class="x {{ y }}" {{ hidden }} {% if a > b %}data-k="{{ v }}"{% endif %}>')
    assert learned == {("nav", ""), ("nav", "class"), ("nav", "hidden"), ("nav", "data-k")}
