"""The private register (台账): read from CSV/XLSX with the headers schools use, turned into the
gate's deny-list, and counted by `careportal aggregate` into a term summary that is already
suppressed (no cell below k, no sensitive attribute near 0 % or 100 %)."""

from __future__ import annotations


from helpers import run_cli

from helpers import gate_data as gd
from generator.records import models  # noqa: E402
from generator.privacy.child_register import deny_list, read_register  # noqa: E402
from generator.records.source import read  # noqa: E402

SCHOOL = "huangshan-cun"


def test_xlsx_register_with_title_row_and_numeric_ids_becomes_a_deny_list(tmp_path):
    folder = tmp_path / "schools" / SCHOOL
    rows = gd.children(8)
    gd.write_xlsx(folder / "private" / "台账.xlsx", rows, id_as_number=True)
    register = read_register(tmp_path, folder)
    assert len(register.rows) == 8
    assert any("存成了数字" in p.message for p in register.problems)  # Excel may have rounded them
    deny = deny_list(register)
    assert rows[0]["姓名"] in deny.full_names and rows[0]["姓名"][1:] in deny.given_names
    assert rows[0]["监护人"].split("（")[0] in deny.full_names  # “林桂芬（祖母）” → 林桂芬
    assert rows[0]["身份证号"] in deny.ids
    assert "13800138100" in deny.phones
    assert "黄杉村1组10号" in deny.addresses
    assert not any("广东" in a for a in deny.addresses)  # 父母务工地 is a city, not an address


def test_aggregate_writes_counts_keeps_hand_written_parts_and_passes_check(data_root):
    school = data_root / "schools" / SCHOOL
    rows = gd.children(60, counselling=14) + [dict(gd.children(1)[0], 姓名="顾语桐", 留守类型="随迁子女")] * 3
    gd.write_csv(school / "private" / "2025-2026-2.csv", rows)
    before = read(school / "summaries" / "2025-2026-2.yml").data
    result = run_cli("aggregate", "--root", str(data_root), "--school", SCHOOL, "--term", "2025-2026-2")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "未写入：随迁子女人数" in result.stdout
    written = (school / "summaries" / "2025-2026-2.yml").read_text(encoding="utf-8")
    summary = models.TermSummary.model_validate(read(school / "summaries" / "2025-2026-2.yml").data)
    lb = summary.left_behind
    assert (lb.total, lb.both_parents_away, lb.one_parent_away) == (60, 20, 40)
    assert [(b.band, b.count) for b in lb.by_grade_band] == [("1—3年级", 30), ("4—6年级", 30)]
    assert [(s.attribute, s.count) for s in summary.sensitive] == [("心理辅导", 14)]
    assert summary.migrant_total is None
    assert summary.highlights == before["highlights"] and str(summary.students_total) == before["students_total"]
    for row in rows:
        for value in (row["姓名"], row["身份证号"], row["监护人电话"]):
            assert value not in written
    check = run_cli("check", "--root", str(data_root))
    assert check.returncode == 0, check.stdout + check.stderr


def test_aggregate_leaves_out_small_breakdowns_and_near_total_sensitive_counts(data_root):
    school = data_root / "schools" / SCHOOL
    grades = ["一年级"] * 11 + ["二年级"] * 11 + ["五年级"] * 3  # 4—6年级 has 3
    kinds = ["父母双方外出"] * 20 + ["母亲外出"] * 5
    rows = gd.children(25, counselling=18)
    for row, grade, kind in zip(rows, grades, kinds):
        row["年级"], row["留守类型"] = grade, kind
    gd.write_xlsx(school / "private" / "2026-2027-1.xlsx", rows)
    result = run_cli("aggregate", "--root", str(data_root), "--school", SCHOOL, "--term", "2026-2027-1")
    assert result.returncode == 0, result.stdout + result.stderr
    data = read(school / "summaries" / "2026-2027-1.yml").data
    assert data["term"] == "2026-2027-1" and data["left_behind"] == {"total": "25"}
    assert "sensitive" not in data  # 18 of 25: the 7 without it are too few
    for line in ("分学段人数", "父母双方外出/一方外出", "心理辅导"):
        assert line in result.stdout


def test_aggregate_refuses_unclear_registers_without_writing(data_root):
    school = data_root / "schools" / SCHOOL
    target = school / "summaries" / "2025-2026-2.yml"
    before = target.read_bytes()
    rows = gd.children(12)
    rows[4]["留守类型"] = "外婆带"
    gd.write_csv(school / "private" / "2025-2026-2.csv", rows)
    result = run_cli("aggregate", "--root", str(data_root), "--school", SCHOOL, "--term", "2025-2026-2")
    assert result.returncode == 1
    assert f"schools/{SCHOOL}/private/2025-2026-2.csv:6: 留守类型: 留守类型看不懂" in result.stderr
    assert "外婆带" not in result.stdout + result.stderr  # messages never quote a register cell
    gd.write_csv(school / "private" / "另一份.csv", gd.children(12))
    result = run_cli("aggregate", "--root", str(data_root), "--school", SCHOOL, "--term", "2026-2027-2")
    assert result.returncode == 1 and "多个台账" in result.stderr
    assert target.read_bytes() == before
    assert run_cli("aggregate", "--root", str(data_root), "--school", SCHOOL, "--term", "2026").returncode == 2
