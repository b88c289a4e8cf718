"""Incremental bureau builds with the real CLI: unchanged schools are skipped, an edited school is
rebuilt alone, the portal follows what it shows, the cache is safe to delete, builds are
byte-for-byte reproducible, and the build date only matters when it crosses an activity's date."""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import shutil
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import docx
import pytest

from helpers import DEMO_EPOCH, REPO, copy_demo, run_cli
from generator.records.load import load_county
from generator.county.school_build import today_window
from generator.site.views import school_site

SMALL = ["huangshan-cun", "runhe-youeryuan"]  # the demo's two smallest schools


@pytest.fixture()
def small_root(tmp_path) -> Path:
    return copy_demo(tmp_path / "root", SMALL)


def build(root: Path, *extra: str, epoch: str = DEMO_EPOCH):
    out, work = root.parent / "site", root.parent / "work"
    result = run_cli("build", "--root", str(root), "--out", str(out), "--work", str(work), "--jobs", "2", *extra,
                     env={"SOURCE_DATE_EPOCH": epoch})
    assert "Traceback" not in result.stdout + result.stderr, result.stderr
    return result


def counts(result) -> tuple[int, int, int]:
    match = re.search(r"完成：发布 (\d+) 所，无变化 (\d+) 所，失败 (\d+) 所", result.stdout)
    assert match, result.stdout + result.stderr
    return tuple(int(g) for g in match.groups())


def snapshot(out: Path) -> dict[str, str]:
    """Content hash of every published file (the theme store included)."""
    return {p.relative_to(out).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(out.rglob("*")) if p.is_file()}


def epoch_of(day: date) -> str:
    return str((day - date(1970, 1, 1)).days * 86400)


def newest_past_activity(root: Path, slug: str, today: date) -> Path:
    def day(path: Path) -> date:
        year, month, dd = re.match(r"(\d{4})-(\d{2})(?:-(\d{2}))?-", path.name).groups()
        return date(int(year), int(month), int(dd or 1))

    files = sorted((root / "schools" / slug / "activities").glob("*.yml"), key=day)
    return [f for f in files if day(f) <= today][-1]


def test_only_what_changed_is_rebuilt_and_the_cache_is_disposable(small_root):
    out, work = small_root.parent / "site", small_root.parent / "work"
    a, b = SMALL
    first = build(small_root)
    assert first.returncode == 0, first.stdout + first.stderr
    assert counts(first) == (2, 0, 0) and "全县首页已更新" in first.stdout
    report = Path(re.search(r"隐私检查报告（不发布）：(\S+)", first.stdout).group(1))
    built_report = json.loads(report.read_text(encoding="utf-8"))["schools"]
    assert any(s["suppressed"] for s in built_report)  # huangshan-cun's small cells
    published = snapshot(out)
    inode = {slug: (out / slug).stat().st_ino for slug in SMALL}

    again = build(small_root)
    assert again.returncode == 0 and counts(again) == (0, 2, 0) and "全县首页无变化" in again.stdout
    assert snapshot(out) == published
    # the gate report of unchanged schools is the one their build made (kept in the cache)
    unchanged_report = json.loads(report.read_text(encoding="utf-8"))["schools"]
    assert [{**s, "status": "", "status_text": ""} for s in unchanged_report] == \
        [{**s, "status": "", "status_text": ""} for s in built_report]
    # the installed `careportal` command, run from the checkout (where careportal.egg-info lies), agrees
    script = subprocess.run([str(Path(sys.executable).parent / "careportal"), "build", "--root", str(small_root),
                             "--out", str(out), "--work", str(work)], cwd=REPO, capture_output=True, text=True,
                            env={**os.environ, "SOURCE_DATE_EPOCH": DEMO_EPOCH}, timeout=600)
    assert script.returncode == 0 and counts(script) == (0, 2, 0), script.stdout + script.stderr
    assert {slug: (out / slug).stat().st_ino for slug in SMALL} == inode

    # A body is not on the portal: only that school is rebuilt, the portal stays.
    portal_before = (out / "index.html").read_bytes()
    today = date(2026, 11, 23)
    record = newest_past_activity(small_root, a, today)
    text = record.read_text(encoding="utf-8")
    record.write_text(text.replace("body: |\n", "body: |\n  这是补充的一句话，用来检验增量生成。\n\n", 1), encoding="utf-8")
    edited = build(small_root)
    assert edited.returncode == 0 and counts(edited) == (1, 1, 0) and "全县首页无变化" in edited.stdout
    assert f"✓ {a}" in edited.stdout and f"✓ {b}" not in edited.stdout
    assert "这是补充的一句话" in (out / a / "news" / f"{record.stem}.html").read_text(encoding="utf-8")
    assert (out / b).stat().st_ino == inode[b]
    assert (out / "index.html").read_bytes() == portal_before

    # A title is news on the portal: the school and the portal are rebuilt.
    portal_before = (out / "index.html").read_bytes()
    text = record.read_text(encoding="utf-8")
    title = re.search(r"^title: (.+)$", text, re.M).group(1)
    record.write_text(text.replace(f"title: {title}", "title: 增量生成检验的新标题", 1), encoding="utf-8")
    retitled = build(small_root)
    assert counts(retitled) == (1, 1, 0) and "全县首页已更新" in retitled.stdout
    portal = (out / "index.html").read_text(encoding="utf-8")
    assert "增量生成检验的新标题" in portal and portal.encode() != portal_before
    assert (out / b).stat().st_ino == inode[b]

    # The cache is safe to delete: everything is rebuilt, byte for byte the same.
    published = snapshot(out)
    shutil.rmtree(work / "cache")
    cold = build(small_root)
    assert cold.returncode == 0 and counts(cold) == (2, 0, 0)
    assert snapshot(out) == published

    # --force rebuilds an unchanged school, again identically.
    forced = build(small_root, "--school", b, "--force")
    assert forced.returncode == 0 and counts(forced) == (1, 0, 0)
    assert (out / b).stat().st_ino != inode[b]
    assert snapshot(out) == published
    assert not (out / ".careportal-staging").exists()


def test_the_build_date_counts_only_when_it_crosses_an_activity_date(tmp_path):
    root = copy_demo(tmp_path / "root", ["huangshan-cun"])
    out = root.parent / "site"
    assert counts(build(root, epoch=epoch_of(date(2026, 11, 23)))) == (1, 0, 0)
    # No activity is dated 2026-11-23 or 2026-11-24: the next day changes nothing.
    assert counts(build(root, epoch=epoch_of(date(2026, 11, 24)))) == (0, 1, 0)
    meeting = next((root / "schools" / "huangshan-cun" / "activities").glob("2026-12-09-*.yml")).stem
    home = out / "huangshan-cun" / "index.html"
    upcoming = home.read_text(encoding="utf-8")
    assert f"news/{meeting}.html" in upcoming
    # After 2026-12-09 the meeting is past news, not an upcoming one: rebuilt.
    later = build(root, epoch=epoch_of(date(2026, 12, 10)))
    assert later.returncode == 0 and counts(later) == (1, 0, 0)
    assert home.read_text(encoding="utf-8") != upcoming


@pytest.mark.parametrize("slug", SMALL)
def test_pages_do_not_change_within_a_date_window(slug):
    county = load_county(REPO, only=[slug])
    records = county.schools[0]
    day = date(2025, 8, 1)
    checked = 0
    while day < date(2027, 3, 1):
        start, end = today_window(records, day)
        assert start <= day < end
        view = school_site(county, records, day)
        for other in {start, end - timedelta(days=1), day + (end - day) // 2}:
            if date(2000, 1, 1) < other < date(2100, 1, 1):
                assert school_site(county, records, other) == view, (day, other)
                checked += 1
        day = min(end, date(2027, 3, 1)) if end < date.max else date(2027, 3, 1)
    assert checked > 20


def test_an_upcoming_activity_ends_the_window_the_day_after_it():
    county = load_county(REPO, only=["huangshan-cun"])
    records = county.schools[0]
    dated = [a for a in records.activities if a.record.date.day and a.record.date.first_day > date(2026, 11, 23)]
    first = min(a.record.date.first_day for a in dated)
    start, end = today_window(records, date(2026, 11, 23))
    assert start <= date(2026, 11, 23) < end <= first + timedelta(days=1)


def test_county_reports_are_kept_between_builds_and_follow_the_figures(small_root, monkeypatch):
    """The county's 工作情况汇报 documents are made (python-docx) and gate-checked (before they are
    written, and again by the portal's output gate) only when what
    they say or what the gate knows changed: a portal rebuilt for a new title reuses them, byte for
    byte; a changed term figure makes that term's document again, with the new sum."""
    from generator.county import pipeline
    from generator.privacy import output_gate
    from generator.report import pages
    from generator.settings import BuildSettings

    made: list[str] = []
    real = pages.report_docx
    def counted(report, template):
        if "工作情况汇报" in report.title:  # the county's (schools' own reports are made by their builds)
            made.append(report.title)
        return real(report, template)

    monkeypatch.setattr(pages, "report_docx", counted)
    rechecked: list[str] = []  # the portal's output gate reading the county's documents again
    real_check = output_gate.check_docx
    monkeypatch.setattr(output_gate, "check_docx", lambda data, ctx, display, authors=(): (
        rechecked.append(display) if display.startswith("（全县首页）") else None) or real_check(data, ctx, display, authors))
    out, work = small_root.parent / "site", small_root.parent / "work"
    settings = BuildSettings(small_root, out, work, today=date(2026, 11, 23), jobs=1)

    def documents() -> dict[str, bytes]:
        return {p.name: p.read_bytes() for p in sorted(out.glob("report-*.docx"))}

    first = pipeline.build_county(settings)
    assert first.portal_rebuilt and len(made) == len(rechecked) == len(documents()) >= 1, (made, rechecked)
    before = documents()

    a, _ = SMALL
    record = newest_past_activity(small_root, a, date(2026, 11, 23))
    text = record.read_text(encoding="utf-8")
    title = re.search(r"^title: (.+)$", text, re.M).group(1)
    record.write_text(text.replace(f"title: {title}", "title: 县级汇报不必重做的新标题", 1), encoding="utf-8")
    made.clear(), rechecked.clear()
    retitled = pipeline.build_county(settings)
    assert retitled.portal_rebuilt and "县级汇报不必重做的新标题" in (out / "index.html").read_text(encoding="utf-8")
    assert made == [] and rechecked == [] and documents() == before

    summary = small_root / "schools" / a / "summaries" / "2025-2026-1.yml"
    old_total = _yaml_total(summary)
    summary.write_text(summary.read_text(encoding="utf-8").replace(f"students_total: {old_total}",
                                                                   f"students_total: {old_total + 7}", 1), encoding="utf-8")
    made.clear(), rechecked.clear()
    refigured = pipeline.build_county(settings)
    assert refigured.portal_rebuilt and len(made) == len(rechecked) == 1, (made, rechecked)  # that term's only
    after = documents()
    changed = [name for name in after if after[name] != before[name]]
    assert changed == ["report-2025-2026-1.docx"], changed
    assert _total_row(after[changed[0]])[2] == _total_row(before[changed[0]])[2] + 7  # 合计: 学生数


def _total_row(document: bytes) -> list:
    """The 合计 row of the 各校基本情况 table: its figures as numbers."""
    for table in docx.Document(io.BytesIO(document)).tables:
        for row in table.rows:
            cells = [cell.text for cell in row.cells]
            if cells[0] == "合计":
                return [int(c.rstrip("人")) if c.rstrip("人").isdigit() else c for c in cells]
    raise AssertionError("no 合计 row")


def _yaml_total(summary: Path) -> int:
    return int(re.search(r"^students_total: (\d+)$", summary.read_text(encoding="utf-8"), re.M).group(1))


def test_a_register_change_alone_checks_the_portal_again(small_root):
    """The portal's gate reads every school's register: a child added to one school's register
    (and nothing else changed) re-checks the portal, which another school's news shows the child's
    name on; the finding is reported and the build fails."""
    from helpers import gate_data as gd

    a, b = SMALL
    record = newest_past_activity(small_root, a, date(2026, 11, 23))
    text = record.read_text(encoding="utf-8")
    title = re.search(r"^title: (.+)$", text, re.M).group(1)
    record.write_text(text.replace(f"title: {title}", "title: 林梓萱同学获县作文比赛一等奖", 1), encoding="utf-8")
    first = build(small_root)
    assert first.returncode == 0 and counts(first) == (2, 0, 0), first.stdout + first.stderr
    assert "林梓萱同学获县作文比赛一等奖" in (small_root.parent / "site" / "index.html").read_text(encoding="utf-8")

    gd.write_csv(small_root / "schools" / b / "private" / "2026-2027-1.csv", gd.children(1))  # 林梓萱 moved to b
    again = build(small_root)
    assert again.returncode != 0, again.stdout + again.stderr
    portal = [line for line in (again.stdout + again.stderr).splitlines() if "（全县首页）" in line]
    assert any("台账" in line for line in portal), again.stdout + again.stderr
    assert "林梓萱" not in again.stdout + again.stderr  # the name is masked in the message
