"""The records gate with its results kept by content hash (records_gate.check_records(memo=…),
county/gate_memo.py) reports exactly what the gate without a memo reports: on the demo county, on
synthetic schools, on a school full of leaks with a register, and on every hostile fixture; an
unchanged record is not scanned again, and a changed register invalidates what was kept."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest
from helpers import REPO, copy_demo
from helpers import gate_data as gd

from generator.county.gate_memo import school_memo
from generator.privacy import records_gate
from generator.records.load import load_county

sys.path.insert(0, str(REPO / "bench"))
from synth import generate  # noqa: E402

HOSTILE = REPO / "tests" / "fixtures" / "hostile"


def _formatted(problems) -> list[str]:
    return [f"{p.format()}|{p.severity.value}" for p in problems]


def _assert_same_with_memo(root: Path, work: Path, scanned: list[int]) -> None:
    county = load_county(root)
    assert county.schools
    for records in county.schools:
        plain = _formatted(records_gate.check_records(county, records))
        cold = school_memo(work, records.slug)
        assert _formatted(records_gate.check_records(county, records, cold)) == plain
        cold.save()
        warm = school_memo(work, records.slug)  # read back from disk, as the next build does
        assert _formatted(records_gate.check_records(county, records, warm)) == plain, records.slug
        assert warm.hits == len(list(records.all_records()))  # nothing scanned again
        scanned.append(warm.hits)


def test_demo_county_and_synthetic_schools(tmp_path):
    scanned: list[int] = []
    _assert_same_with_memo(copy_demo(tmp_path / "demo"), tmp_path / "work-demo", scanned)
    generate(tmp_path / "synth", 2)
    _assert_same_with_memo(tmp_path / "synth", tmp_path / "work-synth", scanned)
    assert sum(scanned) > 100


def _leaky(root: Path) -> Path:
    school = root / "schools" / "huangshan-cun"
    rows = gd.children(24, counselling=3)
    gd.write_xlsx(school / "private" / "2025-2026-2.xlsx", rows)
    child, guardian = rows[0]["姓名"], rows[1]["监护人"].split("（")[0]
    gd.write_activity(school, "2026-03-02-ceshi-id", body=f"请家长核对证件号 {gd.make_id()} 是否正确。")
    gd.write_activity(school, "2026-03-03-ceshi-name", body=f"感谢{guardian}奶奶，{child}在班会上发言。")
    gd.write_activity(school, "2026-03-06-ceshi-prose", body="二年级有3名留守儿童接受心理辅导。")
    gd.write_activity(school, "2026-03-07-ceshi-list", body="受助学生名单：张小明、王芳。")
    gd.write_activity(school, "2026-03-09-ceshi-mail", body=f"照片请发到 a@qq.com，卡号 {gd.luhn_card()}。")
    return school


def test_a_leaky_school_and_a_changed_register(tmp_path):
    root = copy_demo(tmp_path / "root", ["huangshan-cun"])
    school = _leaky(root)
    scanned: list[int] = []
    _assert_same_with_memo(root, tmp_path / "work", scanned)
    county = load_county(root)
    before = _formatted(records_gate.check_records(county, county.schools[0]))
    assert any("ceshi-name" in line for line in before)
    # a register naming someone an unchanged record mentions: the kept results must not be used
    gd.write_activity(school, "2026-03-11-ceshi-later", body="感谢沈若汐同学的帮助。")
    county = load_county(root)
    warm = school_memo(tmp_path / "work", "huangshan-cun")
    records_gate.check_records(county, county.schools[0], warm)
    warm.save()
    extra = [dict(gd.children(1)[0], 姓名="沈若汐")]
    gd.write_xlsx(school / "private" / "2026-extra.xlsx", extra)
    county = load_county(root)
    plain = _formatted(records_gate.check_records(county, county.schools[0]))
    memo = school_memo(tmp_path / "work", "huangshan-cun")
    assert _formatted(records_gate.check_records(county, county.schools[0], memo)) == plain
    assert memo.hits == 0  # the register is part of every key
    assert any("ceshi-later" in line and "ERROR" in line.upper() for line in plain) or \
        any("ceshi-later" in line for line in plain)


@pytest.mark.parametrize("kind", sorted(p.name for p in HOSTILE.iterdir() if p.is_dir()))
def test_hostile_fixtures(tmp_path, kind):
    """Every hostile file of a kind in the demo school (the school.yml ones one at a time)."""
    fixtures = sorted((HOSTILE / kind).glob("*.yml"))
    scanned: list[int] = []
    for index, group in enumerate([[f] for f in fixtures] if kind == "school" else [fixtures]):
        root = copy_demo(tmp_path / f"case-{index}", ["huangshan-cun"])
        school = root / "schools" / "huangshan-cun"
        for fixture in group:
            if kind == "school":
                shutil.copyfile(fixture, school / "school.yml")
            else:  # a summary named after no term is refused by the loader, before the gate
                (school / kind).mkdir(exist_ok=True)
                shutil.copyfile(fixture, school / kind / fixture.name)
        if load_county(root).schools:
            _assert_same_with_memo(root, tmp_path / f"work-{index}", scanned)
    assert scanned


def test_portal_context_from_kept_school_facts(tmp_path):
    """The portal's gate context made from kept per-school facts equals the one read from every
    school, cold and warm; a changed register changes the key, so its facts are read again."""
    from generator.county.cache import FileHashes, school_key
    from generator.county.gate_memo import PortalFacts
    from generator.privacy.context import county_context, school_facts

    root = copy_demo(tmp_path / "root")
    school = _leaky(root)
    hashes = FileHashes(tmp_path / "files.pkl")

    def facts(county):
        return PortalFacts(tmp_path / "portal-facts.pkl", lambda folder: school_key("county", folder, hashes),
                           lambda folder: school_facts(county, folder))

    county = load_county(root)
    plain = county_context(county)
    cold = facts(county)
    assert county_context(county, cold) == plain and cold.computed == len(county.schools)
    cold.save()
    warm = facts(county)
    assert county_context(county, warm) == plain and warm.computed == 0
    gd.write_xlsx(school / "private" / "2026-extra.xlsx", [dict(gd.children(1)[0], 姓名="沈若汐")])
    county = load_county(root)
    changed = facts(county)
    assert county_context(county, changed) == county_context(county) and changed.computed == 1
    assert "沈若汐" in county_context(county).deny.full_names and "沈若汐" not in plain.deny.full_names
