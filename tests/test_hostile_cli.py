"""The hostile corpus end to end, through the real `careportal check` and `careportal build`: every
refused case is reported with its exact file:line message and exit code 1 (never a traceback), the
school with the mistakes keeps its previously published site byte for byte, the other schools still
publish (accepted cases show correctly), and nothing is written outside the output and work folders.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path

from bs4 import BeautifulSoup

from helpers import run_cli
from generator.privacy.context import redacted
from generator.problems import Problem, Severity
from test_hostile_corpus import CORPUS, EXPECTED

BROKEN, GOOD = "runhe-youeryuan", "huangshan-cun"
# Accepted cases published in the good school (one summary only: all corpus summaries share a term).
ACCEPTED_IN_BUILD = [
    "activities/bom-notepad.yml", "activities/crlf-windows.yml", "activities/fullwidth-digits.yml",
    "activities/chinese-date.yml", "activities/month-only-date.yml", "activities/quoted-values-from-word.yml",
    "activities/hashtag-comment.yml", "activities/invisible-chars-in-key.yml", "activities/every-optional-empty.yml",
    "policies/cadence-fullwidth.yml", "resources/hours-fullwidth.yml", "summaries/fullwidth-counts.yml",
    # teachers' phrasing (issue 15): built, with reminders
    "activities/date-range-month-day.yml", "activities/participants-noun.yml", "activities/kind-traditional.yml",
    "policies/cadence-range-words.yml", "policies/category-traditional.yml", "resources/hours-period-and-unstated.yml",
    "policies/duties-several.yml",
]


def shown(path: str, expected: str) -> str:
    """An expected `line: message` as the CLI prints it: the privacy gate masks anything in a message
    that looks like a phone or ID number (a schema error may quote what was typed)."""
    line, rest = expected.split(": ", 1)
    warning = rest.startswith("提醒：")
    problem = Problem(path, int(line), "", rest.removeprefix("提醒："), Severity.WARNING if warning else Severity.ERROR)
    return redacted([problem])[0].format()


def refused(rel: str) -> bool:
    return any("提醒：" not in e for e in EXPECTED[rel])


def tree(folder: Path, skip: tuple[Path, ...] = ()) -> dict[str, str]:
    """Every file (and symlink) under `folder` with a digest of its content."""
    found = {}
    for path in sorted(folder.rglob("*")):
        if any(path == s or s in path.parents for s in skip):
            continue
        if path.is_symlink():
            found[path.relative_to(folder).as_posix()] = "-> " + os.readlink(path)
        elif path.is_file():
            found[path.relative_to(folder).as_posix()] = hashlib.sha256(path.read_bytes()).hexdigest()
    return found


def place_corpus(root: Path) -> dict[str, str]:
    """Copy the corpus into the data root; returns fixture → the path the CLI will report."""
    where = {}
    for rel in EXPECTED:
        kind, name = rel.split("/")
        if kind == "school":
            if not refused(rel):
                continue
            folder = root / "schools" / f"hostile-{Path(name).stem}"
            folder.mkdir()
            target = folder / "school.yml"
        elif refused(rel):
            target = root / "schools" / BROKEN / kind / name
        elif rel in ACCEPTED_IN_BUILD:
            target = root / "schools" / GOOD / kind / ("2023-2024-2.yml" if kind == "summaries" else name)
        else:
            continue
        if refused(rel) and kind == "summaries" and any(": left_behind:" in e and "应等于" in e for e in EXPECTED[rel]):
            target = target.with_name("2023-2024-2.yml")  # loads, then fails a cross-field check
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(CORPUS / rel, target)
        where[rel] = target.relative_to(root).as_posix()
    return where


def test_the_corpus_through_check_and_build(data_root, tmp_path):
    out, work, outside = tmp_path / "out", tmp_path / "work", tmp_path / "outside"
    build = ("build", "--root", str(data_root), "--out", str(out), "--work", str(work), "--school", BROKEN, "--school", GOOD)
    first = run_cli(*build[:-2])  # the school that will break, as it was published before
    assert first.returncode == 0, first.stdout + first.stderr
    published_before = tree(out / BROKEN)
    assert published_before

    where = place_corpus(data_root)
    # names that are not slugs, and symlinks pointing out of the data root
    shutil.copytree(data_root / "schools" / GOOD, data_root / "schools" / "Bad Name", ignore=shutil.ignore_patterns("activities"))
    (outside / "school").mkdir(parents=True)
    shutil.copyfile(CORPUS / "school" / "minimal.yml", outside / "school" / "school.yml")
    (outside / "secret.yml").write_text("title: 不该读到\n", encoding="utf-8")
    (data_root / "schools" / "evil-link").symlink_to(outside / "school", target_is_directory=True)
    (data_root / "schools" / BROKEN / "activities" / "linked.yml").symlink_to(outside / "secret.yml")
    before_everything_else = tree(tmp_path, skip=(out, work))

    check = run_cli("check", "--root", str(data_root))
    assert check.returncode == 1
    assert "Traceback" not in check.stdout + check.stderr
    expected_lines = [shown(where[rel], e) for rel in where for e in EXPECTED[rel]]
    expected_lines += [
        "schools/Bad Name/: 学校文件夹名“Bad Name”不合规：只能用小写英文字母、数字和连字符“-”（最长 64 个字符），例如改成“bad-name”",
        "schools/evil-link/: 不允许使用符号链接（快捷方式），请放入真实文件夹",
        f"schools/{BROKEN}/activities/linked.yml: 不允许使用符号链接（快捷方式），请放入真实文件",
    ]
    reported = (check.stdout + check.stderr).splitlines()
    missing = [line for line in expected_lines if line not in reported]
    assert not missing, "\n".join(missing)

    second = run_cli(*build)
    output = second.stdout + second.stderr
    assert second.returncode == 1
    assert "Traceback" not in output
    assert f"✗ {BROKEN}：未发布，原来的网站保持不变。" in output
    missing = [line for line in expected_lines if line.startswith(f"schools/{BROKEN}/") and line not in output]
    assert not missing, "\n".join(missing)
    # the broken school's site is exactly what was published before, still listed on the portal
    assert tree(out / BROKEN) == published_before
    assert f'href="{BROKEN}/index.html"' in (out / "index.html").read_text(encoding="utf-8")
    # the other school published, with every accepted case shown as written
    pages = {name: BeautifulSoup((out / GOOD / "news" / f"{name}.html").read_text(encoding="utf-8"), "html.parser")
             for name in ("fullwidth-digits", "chinese-date", "quoted-values-from-word", "bom-notepad", "month-only-date")}
    facts = pages["fullwidth-digits"].select_one(".cp-facts").get_text(" ", strip=True)
    assert "2024年6月1日 14:30" in facts and "30人" in facts
    assert "2024年6月1日" in pages["chinese-date"].select_one(".cp-facts").get_text()
    assert "约40人" in pages["quoted-values-from-word"].select_one(".cp-facts").get_text()
    assert pages["bom-notepad"].h1.get_text() == "防溺水安全教育"
    assert "2024年6月" in pages["month-only-date"].select_one(".cp-facts").get_text()
    data = (out / GOOD / "data" / "index.html").read_text(encoding="utf-8")
    assert "2023—2024学年第二学期" in data and "99.5%" in data
    # no mojibake or replacement character anywhere in what was published
    for page in (out / GOOD).rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        assert "\ufffd" not in text and "锟斤拷" not in text, page
    assert not (out / "Bad Name").exists() and not (out / "evil-link").exists()
    assert "不该读到" not in "".join(p.read_text(encoding="utf-8") for p in out.rglob("*.html"))
    # nothing outside the output and work folders changed: not the data root, not the symlink targets
    assert tree(tmp_path, skip=(out, work)) == before_everything_else


def test_school_names_from_the_command_line_cannot_escape(data_root, tmp_path):
    out, work = tmp_path / "out", tmp_path / "work"
    (tmp_path / "victim").mkdir()  # looks like a school to a path joined without checking
    shutil.copyfile(CORPUS / "school" / "minimal.yml", tmp_path / "victim" / "school.yml")
    before = tree(tmp_path, skip=(out, work))
    result = run_cli("build", "--root", str(data_root), "--out", str(out), "--work", str(work), "--school", "../../victim")
    assert result.returncode == 1 and "Traceback" not in result.stdout + result.stderr
    assert "schools/../../victim/: 没有名为“../../victim”的学校文件夹" in result.stderr
    assert not list(out.rglob("*victim*"))
    new = run_cli("new", "activity", "--root", str(data_root), "--school", "../../victim")
    assert new.returncode == 2 and "Traceback" not in new.stdout + new.stderr
    assert tree(tmp_path, skip=(out, work)) == before
