"""Issue 16: two `careportal build` runs on one data root, one work folder or one output folder at
the same time. The second is refused with a Chinese message naming the folder (or, with --wait,
waits for the first), and neither the published tree nor the work folder is damaged: a third
build finds every school unchanged and the output gate passes on what was published."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pytest

from helpers import DEMO_EPOCH, REPO, copy_demo
from generator.privacy.output_gate import check_output
from generator.report.pages import expected_documents
from generator.records.load import load_county

SCHOOLS = ["huangshan-cun", "shilian-jiunian"]


def start(root: Path, out: Path, work: Path | None, env: dict, *extra: str) -> subprocess.Popen:
    args = [sys.executable, "-m", "generator.cli", "build", "--root", str(root), "--out", str(out), "-j", "1", *extra]
    if work is not None:
        args += ["--work", str(work)]
    return subprocess.Popen(args, cwd=REPO, env={**os.environ, "SOURCE_DATE_EPOCH": DEMO_EPOCH, **env},
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def wait_until_building(out: Path, first: subprocess.Popen) -> None:
    """Until the first build holds its locks (its staging folder exists only inside them)."""
    deadline = time.monotonic() + 120
    while not (out / ".careportal-staging").is_dir():
        assert first.poll() is None, first.communicate()
        assert time.monotonic() < deadline
        time.sleep(0.02)


def intact(root: Path, out: Path, work: Path | None, env: dict) -> None:
    """The published tree and the work folder are whole: every school is there and passes the
    output gate, and a new build finds nothing to do."""
    county = load_county(root)
    documents = expected_documents(county, date.fromtimestamp(int(DEMO_EPOCH)))  # the term reports the sites carry
    for records in county.schools:
        assert (out / records.slug / "index.html").is_file()
        assert check_output(county, records, out / records.slug, documents) == []
    assert (out / "index.html").is_file() and not (out / ".careportal-staging").exists()
    again = start(root, out, work, env)
    stdout, stderr = again.communicate(timeout=600)
    assert again.returncode == 0, stdout + stderr
    assert f"无变化　{len(SCHOOLS):>8}" in stdout, stdout


CASES = {
    # one data root into two outputs: both use the root's default work folder
    "one root, default work": lambda tmp: ((tmp / "root", tmp / "out-a", None), (tmp / "root", tmp / "out-b", None)),
    # one root, everything else separate
    "one root": lambda tmp: ((tmp / "root", tmp / "out-a", tmp / "work-a"), (tmp / "root", tmp / "out-b", tmp / "work-b")),
    # two copies of the data into one output
    "one output": lambda tmp: ((tmp / "root", tmp / "out", tmp / "work-a"), (tmp / "root-b", tmp / "out", tmp / "work-b")),
}


@pytest.mark.parametrize("case", list(CASES))
def test_a_second_build_is_refused_while_the_first_runs(case, tmp_path):
    env = {"XDG_CACHE_HOME": str(tmp_path / "cache")}  # where the default work folder is
    (root_a, out_a, work_a), (root_b, out_b, work_b) = CASES[case](tmp_path)
    for root in {root_a, root_b}:
        copy_demo(root, SCHOOLS)
    first = start(root_a, out_a, work_a, env)
    wait_until_building(out_a, first)
    second = start(root_b, out_b, work_b, env)
    out2, err2 = second.communicate(timeout=600)
    out1, err1 = first.communicate(timeout=600)
    assert first.returncode == 0, out1 + err1
    assert second.returncode == 1, out2 + err2
    assert "另一个 careportal build 正在使用" in err2 and "--wait" in err2, err2
    assert "Traceback" not in err2
    if out_b != out_a:
        assert not (out_b / "index.html").exists() and not any((out_b / s).exists() for s in SCHOOLS)
    intact(root_a, out_a, work_a, env)


def test_two_builds_started_together_one_refused(tmp_path):
    env = {"XDG_CACHE_HOME": str(tmp_path / "cache")}
    root = copy_demo(tmp_path / "root", SCHOOLS)
    builds = [start(root, tmp_path / "out", None, env), start(root, tmp_path / "out", None, env)]
    results = [(b.wait(timeout=600), *b.communicate()) for b in builds]
    codes = sorted(code for code, _, _ in results)
    assert codes == [0, 1], results
    refused = next(err for code, _, err in results if code == 1)
    assert "另一个 careportal build 正在使用" in refused
    intact(root, tmp_path / "out", None, env)


def test_with_wait_the_second_build_runs_after_the_first(tmp_path):
    env = {"XDG_CACHE_HOME": str(tmp_path / "cache")}
    root = copy_demo(tmp_path / "root", SCHOOLS)
    out = tmp_path / "out"
    first = start(root, out, None, env)
    wait_until_building(out, first)
    (root / "schools" / SCHOOLS[0] / "school.yml").write_text(
        (root / "schools" / SCHOOLS[0] / "school.yml").read_text(encoding="utf-8").replace("intro: ", "intro: 新学期。", 1),
        encoding="utf-8")
    second = start(root, out, None, env, "--wait")
    out2, err2 = second.communicate(timeout=600)
    out1, err1 = first.communicate(timeout=600)
    assert first.returncode == 0, out1 + err1
    assert second.returncode == 0, out2 + err2
    assert "等它结束后再开始" in err2, err2
    assert "新学期。" in (out / SCHOOLS[0] / "index.html").read_text(encoding="utf-8")  # the waiting build ran
    intact(root, out, None, env)


def test_check_needs_no_fcntl(tmp_path):
    """`careportal check` (and the editor of issue 12) must run where there is no fcntl."""
    code = ("import sys; sys.modules['fcntl'] = None\n"
            "from generator.cli import main\n"
            f"main(['check', '--root', {str(REPO)!r}])\n")
    result = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "检查通过" in result.stdout
