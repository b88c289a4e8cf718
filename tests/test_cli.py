"""The `careportal` command line: exit codes, messages in Chinese, starter files, one-school builds."""

from __future__ import annotations

from pathlib import Path

from helpers import REPO, run_cli

from generator.problems import Problems
from generator.records import models
from generator.records.load import load_record
from generator.site import views


def test_check_passes_on_the_demo_county():
    result = run_cli("check", "--root", str(REPO))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "检查通过" in result.stdout


def test_check_reports_file_line_field_and_exits_1(data_root):
    target = sorted((data_root / "schools").glob("*/activities/*.yml"))[0]
    lines = target.read_text(encoding="utf-8").splitlines()
    number = next(i for i, line in enumerate(lines, 1) if line.startswith("date:"))
    lines[number - 1] = "date: 2024-13-01"
    target.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = run_cli("check", "--root", str(data_root))
    assert result.returncode == 1
    rel = target.relative_to(data_root).as_posix()
    assert f"{rel}:{number}: 日期: “2024-13-01” 不是有效日期，应写成 2024-06-01 或 2024-06" in result.stderr
    assert "Traceback" not in result.stdout + result.stderr


def test_usage_errors_exit_2():
    assert run_cli("build", "--no-such-option").returncode == 2
    assert run_cli("new", "school", "Bad Name", "--root", str(REPO)).returncode == 2
    assert run_cli("frobnicate").returncode == 2


def test_new_school_activity_letter_and_policy_write_valid_commented_files(data_root):
    result = run_cli("new", "school", "xinjian-xiaoxue", "--root", str(data_root))
    assert result.returncode == 0, result.stderr
    school = data_root / "schools" / "xinjian-xiaoxue" / "school.yml"
    assert school.read_text(encoding="utf-8").startswith("#")
    result = run_cli("new", "activity", "--school", "xinjian-xiaoxue", "--name", "kaixue", "--root", str(data_root))
    assert result.returncode == 0, result.stderr
    created = list((data_root / "schools" / "xinjian-xiaoxue" / "activities").glob("*-kaixue.yml"))
    assert len(created) == 1 and "# " in created[0].read_text(encoding="utf-8")
    result = run_cli("new", "letter", "--school", "xinjian-xiaoxue", "--root", str(data_root))
    assert result.returncode == 0, result.stderr
    letters = list((data_root / "schools" / "xinjian-xiaoxue" / "letters").glob("*-zhi-jiazhang.yml"))
    assert len(letters) == 1 and letters[0].read_text(encoding="utf-8").startswith("# 给家长的信")
    result = run_cli("new", "policy", "--school", "xinjian-xiaoxue", "--name", "tanxin", "--root", str(data_root))
    assert result.returncode == 0, result.stderr
    policy = data_root / "schools" / "xinjian-xiaoxue" / "policies" / "tanxin.yml"
    assert policy.read_text(encoding="utf-8").startswith("# 关爱制度")
    loaded = load_record(data_root, policy, models.Policy, Problems())
    # 至少 is not written unless the starter's at_least line is uncommented
    assert [views.duty_sentence(loaded.record.responsible_role, d) for d in loaded.record.all_duties] == [
        "班主任每月与每名留守儿童谈心一次。"]
    check = run_cli("check", "--root", str(data_root))
    assert check.returncode == 0, check.stdout + check.stderr
    assert "xinjian-xiaoxue" not in check.stdout + check.stderr  # the starters check without any reminder
    assert run_cli("new", "policy", "--school", "xinjian-xiaoxue", "--name", "tanxin", "--root", str(data_root)).returncode == 1
    again = run_cli("new", "school", "xinjian-xiaoxue", "--root", str(data_root))
    assert again.returncode == 1 and "已经存在" in again.stderr


def test_build_one_school_leaves_the_others_alone(data_root, tmp_path):
    out, work = tmp_path / "out", tmp_path / "work"
    slugs = sorted(p.name for p in (data_root / "schools").iterdir())
    first = run_cli("build", "--root", str(data_root), "--out", str(out), "--work", str(work), "--school", slugs[0])
    assert first.returncode == 0, first.stdout + first.stderr
    assert (out / slugs[0] / "index.html").is_file()
    assert not (out / slugs[1]).exists()
    assert (out / "index.html").is_file()


def test_a_broken_school_is_not_published_and_keeps_its_old_site(data_root, tmp_path):
    out, work = tmp_path / "out", tmp_path / "work"
    assert run_cli("build", "--root", str(data_root), "--out", str(out), "--work", str(work)).returncode == 0
    slugs = sorted(p.name for p in (data_root / "schools").iterdir())
    broken, other = slugs[0], slugs[1]
    old_home = (out / broken / "index.html").read_bytes()
    school_file = data_root / "schools" / broken / "school.yml"
    school_file.write_text(school_file.read_text(encoding="utf-8").replace("name:", "titel:", 1), encoding="utf-8")
    intro_file = data_root / "schools" / other / "school.yml"
    intro_file.write_text(intro_file.read_text(encoding="utf-8").replace("intro: ", "intro: 新的介绍。", 1), encoding="utf-8")
    result = run_cli("build", "--root", str(data_root), "--out", str(out), "--work", str(work))
    assert result.returncode == 1
    assert "Traceback" not in result.stdout + result.stderr
    assert f"schools/{broken}/school.yml" in result.stderr and "titel" in result.stderr
    assert (out / broken / "index.html").read_bytes() == old_home
    assert "新的介绍。" in (out / other / "index.html").read_text(encoding="utf-8")
    assert not list(Path(out).glob(".careportal-staging/*/index.html"))
