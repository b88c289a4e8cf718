"""Folder and file names become web addresses and output paths: anything but a safe slug is refused
with a suggestion, symlinks and special files are refused, and an accepted name can never point
outside the folder it is joined to."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from hypothesis import given, settings, strategies as st

from generator.records.load import SLUG, load_county, slug_problem, suggest_slug

REPO = Path(__file__).resolve().parent.parent
CORPUS = Path(__file__).parent / "fixtures" / "hostile"
ACTIVITY = CORPUS / "activities" / "minimal-every-optional-missing.yml"
SCHOOL = CORPUS / "school" / "minimal.yml"


def make_school(folder: Path) -> None:
    folder.mkdir(parents=True)
    shutil.copyfile(SCHOOL, folder / "school.yml")


def test_unsafe_names_symlinks_and_special_files_are_refused_with_suggestions(tmp_path):
    root, outside = tmp_path / "root", tmp_path / "outside"
    (root / "content").mkdir(parents=True)
    shutil.copyfile(REPO / "content" / "bureau.yml", root / "content" / "bureau.yml")
    make_school(outside / "elsewhere")
    (outside / "secret.yml").write_text("title: 不该读到\n", encoding="utf-8")
    schools = root / "schools"
    for name in ["good", "Bad Name", "中文学校", "UPPER", "-dash-", "a" * 70, ".hidden", "renamed"]:
        make_school(schools / name)
    (schools / "renamed" / "school.yml").rename(schools / "renamed" / "School.yaml")
    (schools / "linked").symlink_to(outside / "elsewhere", target_is_directory=True)
    (schools / "notes.txt").write_text("随手记\n", encoding="utf-8")
    acts = schools / "good" / "activities"
    acts.mkdir()
    for name in ["ok-one.yml", "ok-one.yaml", "Bad Name.yml", "活动.yml", "UPPER.yml", "two.yml.txt", "three.YML"]:
        shutil.copyfile(ACTIVITY, acts / name)
    (acts / "photo.docx").write_bytes(b"PK\x03\x04")
    (acts / "link.yml").symlink_to(outside / "secret.yml")
    os.mkfifo(acts / "pipe.yml")  # reading it would block for ever
    (acts / "sub").mkdir()

    county = load_county(root)
    assert [p.format() for p in county.problems] == [
        "schools/-dash-/: 学校文件夹名“-dash-”不合规：只能用小写英文字母、数字和连字符“-”（最长 64 个字符），例如改成“dash”",
        "schools/Bad Name/: 学校文件夹名“Bad Name”不合规：只能用小写英文字母、数字和连字符“-”（最长 64 个字符），例如改成“bad-name”",
        "schools/UPPER/: 学校文件夹名“UPPER”不合规：只能用小写英文字母、数字和连字符“-”（最长 64 个字符），例如改成“upper”",
        f"schools/{'a' * 70}/: 学校文件夹名“{'a' * 40}…”不合规：只能用小写英文字母、数字和连字符“-”（最长 64 个字符），例如改成“{'a' * 64}”",
        "schools/linked/: 不允许使用符号链接（快捷方式），请放入真实文件夹",
        "schools/中文学校/: 学校文件夹名“中文学校”不合规：只能用小写英文字母、数字和连字符“-”（最长 64 个字符），请改用拼音，例如 qingxi-zhongxin",
    ]
    assert [s.slug for s in county.schools] == ["good", "renamed"]
    good, renamed = county.schools
    assert [p.format() for p in good.problems] == [
        "schools/good/activities/Bad Name.yml: 文件名“Bad Name.yml”不合规：只能用小写英文字母、数字和连字符“-”（最长 64 个字符），例如改成“bad-name.yml”",
        "schools/good/activities/UPPER.yml: 文件名“UPPER.yml”不合规：只能用小写英文字母、数字和连字符“-”（最长 64 个字符），例如改成“upper.yml”",
        "schools/good/activities/link.yml: 不允许使用符号链接（快捷方式），请放入真实文件",
        "schools/good/activities/ok-one.yml: 和“ok-one.yaml”重名（网页地址相同），请删掉一个或改名",
        "schools/good/activities/photo.docx: 提醒：不是 .yml 记录文件，已忽略",
        "schools/good/activities/pipe.yml: 这不是普通文件，请放入真实的 .yml 记录文件",
        "schools/good/activities/sub: 提醒：这里不应有子文件夹，记录文件请直接放在上一级文件夹里",
        "schools/good/activities/three.YML: 文件扩展名不对，请把文件改名为“three.yml”（记事本保存时“保存类型”选“所有文件”，就不会多出 .txt）",
        "schools/good/activities/two.yml.txt: 文件扩展名不对，请把文件改名为“two.yml”（记事本保存时“保存类型”选“所有文件”，就不会多出 .txt）",
        "schools/good/activities/活动.yml: 文件名“活动.yml”不合规：只能用小写英文字母、数字和连字符“-”（最长 64 个字符），请改用拼音，例如 2024-06-01-fangnishui.yml",
    ]
    assert [a.slug for a in good.activities] == ["ok-one"]  # the .yaml twin, read first; the .yml one refused
    assert [p.format() for p in renamed.problems] == [
        "schools/renamed/school.yml: 缺少学校信息文件 school.yml。文件夹里有“School.yaml”，请把它改名为 school.yml",
    ]
    assert "不该读到" not in repr(county)


@settings(max_examples=300, deadline=None, database=None)
@given(st.text(min_size=1, max_size=80))
def test_an_accepted_name_is_one_safe_path_component(name):
    base = Path("/srv/out")
    if slug_problem("x", name, "名称") is None:
        assert SLUG.match(name) and "/" not in name and "\\" not in name and ".." not in name
        assert (base / name).resolve().parent == base
        assert os.path.normpath(os.path.join(base, name, "index.html")).startswith(f"{base}/{name}/")
    else:
        suggestion = suggest_slug(name)
        assert suggestion == "" or SLUG.match(suggestion), suggestion


def test_names_that_escape_are_never_accepted():
    for name in ["..", "../out", "..\\out", "/etc", "a/b", "a\x00b", ".", "~", "a..b", "A", "a_b", "é", "ａ", "a\u200b"]:
        assert slug_problem("x", name, "名称") is not None, name
