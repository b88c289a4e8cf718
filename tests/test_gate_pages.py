"""Issue 13: the output audit reads a site's pages in runs of lines and audits each distinct run
once (output_gate.PageAuditor), so the theme's frame is parsed once per site and per page only
what differs. It must report exactly what the audit did before, one pass of HtmlAudit over each
whole page (output_gate.whole_page_audit): the same findings with the same lines and start-tag
context, the same visible text mapped to the same lines, hence the same problems (file, line,
field, message) — on the demo county, a synthetic county, pages with hostile markup planted and
hostile records built with the theme's escaping removed."""

from __future__ import annotations

import importlib.util
import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest
from helpers import DEMO_EPOCH, REPO, run_cli
from helpers import gate_data as gd
from test_gate_output import INJECTIONS
from test_gate_trace import PAYLOADS, build, payload_root, unescaped  # noqa: F401 (a fixture)

from generator.privacy import output_gate
from generator.records.load import load_county
from generator.report.pages import expected_documents

SCHOOL = "huangshan-cun"


@pytest.fixture()
def compared(monkeypatch):
    """Every page the gate audits is audited both ways and the two compared field by field;
    returns the list of pages audited and a way to run a check with the whole-page audit instead."""
    audited: list[Path] = []
    by_runs = output_gate.PageAuditor.audit

    def both(self, page, text):
        new = by_runs(self, page, text)
        old = output_gate.whole_page_audit(page, text, self.site_dir, self.ctx, self.hashes, self.scripts, self.markup)
        assert new.findings == old.findings, page
        assert new.visible == old.visible, page
        assert new.visible_lines == old.visible_lines, page
        audited.append(page)
        return new

    monkeypatch.setattr(output_gate.PageAuditor, "audit", both)

    def whole(run):
        with monkeypatch.context() as patch:
            patch.setattr(output_gate.PageAuditor, "audit", lambda self, page, text: output_gate.whole_page_audit(
                page, text, self.site_dir, self.ctx, self.hashes, self.scripts, self.markup))
            return run()

    return audited, whole


def _rows(problems) -> list[tuple]:
    return [(p.path, p.line, p.field, p.message, p.severity, p.rule) for p in problems]


def _documents(county):
    return expected_documents(county, datetime.fromtimestamp(int(DEMO_EPOCH), UTC).date())


def _same_for_every_school(root: Path, site: Path, compared) -> int:
    audited, whole = compared
    county = load_county(root)
    documents = _documents(county)
    for records in county.schools:
        def run(records=records):
            return output_gate.check_output(county, records, site / records.slug, documents)
        assert _rows(run()) == _rows(whole(run)), records.slug

    def portal():
        return output_gate.check_portal(county, site, documents)
    assert _rows(portal()) == _rows(whole(portal))
    return len(audited)


def test_the_demo_county_every_school_and_the_portal(demo_site, compared):
    pages = _same_for_every_school(REPO, demo_site, compared)
    assert pages > 100


def test_a_synthetic_county(tmp_path, compared):
    spec = importlib.util.spec_from_file_location("synth", REPO / "bench" / "synth.py")
    synth = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(synth)
    root, site = tmp_path / "root", tmp_path / "site"
    synth.generate(root, 2)
    result = run_cli("build", "--root", str(root), "--out", str(site), "--work", str(tmp_path / "work"))
    assert result.returncode == 0, result.stdout + result.stderr
    assert _same_for_every_school(root, site, compared) > 300


# Markup that ends runs of lines in awkward places: a tag, a comment, a script, a style and a
# template spread over lines that start with `<`, a charref at a line's end, a page in one line.
AWKWARD = [
    '<p\n<b onclick="x">a</b>\n<i>b</i></p>',
    "<!-- a\n<script>alert(1)</script>\n-->\n<b onmouseover=x>c</b>",
    "<script>\nvar a = 1;\n</script>\n<script>\nalert(2)\n</script>",
    "<style>\n<b>\np{background:url(javascript:x)}\n</style>\n<u style='x'>d</u>",
    "<template>\n<b onclick=x>e</b>\n</template>\n<i>f</i>",
    "<p>0599&\n<b>-6230001</b>&amp\n<b>x</b></p>",
    "<textarea>\n<b onclick=x>\n</textarea>\n<title>\n<i ping=y>\n</title>",
    '<a href="\n<b onclick=x>">g</a>\n<![CDATA[\n<b>\n]]>\n<?php\n<b>?>',
    "<svg><a xlink:href='javascript:x'>\n<script src='../assets/careportal/evil.js'></script>\n</a></svg>",
    '<script src="http://[x/a.js"></script>\n<b onclick=x>h</b>',  # a URL that stops the audit
    '<script src="a%00b.js"></script>\n<b onclick=x>i</b>',
]


def test_hostile_markup_planted_in_the_pages(demo_site, data_root, tmp_path, compared):
    _, whole = compared
    rows = gd.children(6)
    gd.write_csv(data_root / "schools" / SCHOOL / "private" / "台账.csv", rows)
    site = tmp_path / "site"
    shutil.copytree(demo_site / SCHOOL, site)
    (site / "assets" / "careportal" / "evil.js").write_text("alert(1)", encoding="utf-8")
    number = gd.make_id(sequence="777")
    plants = [*INJECTIONS, *AWKWARD, f"<p>{number[:4]}<b>{number[4:10]}</b>\n<span>{number[10:]}</span></p>",
              f"<p>{rows[2]['姓名'][0]}\n<b>{rows[2]['姓名'][1:]}</b></p>", "<marquee>\nx</marquee>"]
    pages = sorted(site.rglob("*.html"))
    assert len(pages) > len(plants) + 5
    for page, html in zip(pages, plants):
        text = page.read_text(encoding="utf-8")
        if "</article>" in text:
            text = text.replace("</article>", html + "\n</article>", 1)
        else:
            text = text.replace("</body>", html + "\n</body>", 1)
        page.write_text(text, encoding="utf-8")
    flat = pages[len(plants)]
    flat.write_text(flat.read_text(encoding="utf-8").replace("\n", " ") + AWKWARD[0], encoding="utf-8")
    county = load_county(data_root)
    records = next(r for r in county.schools if r.slug == SCHOOL)

    def run():
        return output_gate.check_output(county, records, site, _documents(county))

    found = _rows(run())
    assert found == _rows(whole(run))
    lines = {(path, line) for path, line, _, _, _, rule in found if rule in {"网页安全", "身份证号", "台账信息"} and line}
    assert len(lines) > len(plants), found


@pytest.mark.parametrize("kind", ["attribute", "javascript URL"])
def test_hostile_records_with_the_escaping_removed(kind, unescaped, tmp_path, compared):  # noqa: F811
    audited, whole = compared
    root = payload_root(tmp_path / "a", PAYLOADS[kind][0], '国庆" onfocus="window.cpxss=1" autofocus x="')
    new, _ = build(root, tmp_path / "a")
    old, _ = whole(lambda: build(payload_root(tmp_path / "b", PAYLOADS[kind][0],
                                              '国庆" onfocus="window.cpxss=1" autofocus x="'), tmp_path / "b"))
    assert new.status == old.status == "failed"
    assert _rows(new.problems) == _rows(old.problems) and any(p.rule == "网页安全" for p in new.problems)
    assert audited
