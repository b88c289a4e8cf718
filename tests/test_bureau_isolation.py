"""A school that fails (privacy gate, template crash, dying worker) is reported and skipped: the
others publish, its previous site stays online byte for byte, the run ends with a table and exit 1."""

from __future__ import annotations

import os
import re
import shutil
from datetime import date
from pathlib import Path

from helpers.bureau import CRASHING, crash_on_one_school
from helpers import DEMO_EPOCH, REPO, copy_demo, run_cli
from generator.county.school_build import prepare
from generator.settings import BuildSettings
from generator.county.workers import run_builds

SMALL = ["huangshan-cun", "runhe-youeryuan"]


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_a_failing_school_keeps_its_site_and_the_others_publish(tmp_path):
    root, out, work = copy_demo(tmp_path / "root", SMALL), tmp_path / "site", tmp_path / "work"
    args = ("build", "--root", str(root), "--out", str(out), "--work", str(work), "--jobs", "2")
    assert run_cli(*args).returncode == 0
    bad, good = SMALL
    old_site, old_portal = tree(out / bad), (out / "index.html").read_bytes()

    # The privacy gate stops `bad` (a parent's mobile number in a news body); `good` publishes its edit.
    news = sorted((root / "schools" / bad / "activities").glob("*.yml"))[0]
    news.write_text(news.read_text(encoding="utf-8").replace("body: |\n", "body: |\n  家长电话13912345678。\n\n", 1),
                    encoding="utf-8")
    school = root / "schools" / good / "school.yml"
    school.write_text(school.read_text(encoding="utf-8").replace("intro: ", "intro: 隔离检验的新介绍。", 1), encoding="utf-8")
    result = run_cli(*args)
    assert result.returncode == 1
    assert "Traceback" not in result.stdout + result.stderr
    assert re.search(r"完成：发布 1 所，无变化 0 所，失败 1 所", result.stdout), result.stdout
    table = result.stderr[result.stderr.index("未发布的学校"):]
    assert re.search(rf"{bad}：schools/{bad}/activities/{news.name}:\d+: .*139\*+5678", table), table
    assert "13912345678" not in result.stdout + result.stderr
    assert tree(out / bad) == old_site
    assert "隔离检验的新介绍。" in (out / good / "index.html").read_text(encoding="utf-8")
    portal = (out / "index.html").read_text(encoding="utf-8")
    assert f"{bad}/index.html" in portal and f"{good}/index.html" in portal

    # A template that crashes on one of `bad`'s pages: reported as careportal's fault, `good` still publishes.
    news.write_text(news.read_text(encoding="utf-8").replace("家长电话13912345678。", "", 1), encoding="utf-8")
    shutil.copytree(REPO / "theme", root / "theme")
    template = root / "theme" / "pages" / "activity.md.j2"
    template.write_text(template.read_text(encoding="utf-8")
                        + f"{{% if a.slug == '{news.stem}' %}}{{{{ a.no_such_field.oops }}}}{{% endif %}}\n",
                        encoding="utf-8")
    result = run_cli(*args)
    assert result.returncode == 1
    assert "Traceback" not in result.stdout + result.stderr
    assert re.search(r"完成：发布 1 所，无变化 0 所，失败 1 所", result.stdout), result.stdout
    assert re.search(rf"{bad}：schools/{bad}/: 生成网站时出错（这是 careportal 的问题.*no_such_field", result.stderr)
    assert tree(out / bad) == old_site
    assert not (out / ".careportal-staging").exists()
    assert old_portal  # the portal was online before and still is
    assert (out / "index.html").is_file()


def test_a_worker_that_dies_fails_only_its_school(tmp_path):
    root = tmp_path / "root"
    (root / "schools").mkdir(parents=True)
    shutil.copytree(REPO / "content", root / "content")
    ctx = prepare(BuildSettings(root, tmp_path / "site", tmp_path / "work", today=date.fromtimestamp(int(DEMO_EPOCH)),
                                jobs=2))
    done = {}
    slugs = ["a-school", CRASHING, "b-school", "c-school", "d-school"]
    run_builds(ctx, [(s, f"key-{s}") for s in slugs], lambda build, key: done.setdefault(build.result.slug, (build, key)),
               task=crash_on_one_school)
    assert set(done) == set(slugs)
    assert {s for s, (b, _) in done.items() if b.result.status == "built"} == set(slugs) - {CRASHING}
    crashed, key = done[CRASHING]
    assert key == f"key-{CRASHING}" and crashed.result.status == "failed"
    assert "工作进程意外退出" in crashed.result.first_error.message
    # Every school ran in a worker process, none in this one. (How schools spread over the two
    # workers depends on timing: one fast worker may take them all, so that is not asserted.)
    workers = {b.result.pages for s, (b, _) in done.items() if s != CRASHING}
    assert workers and os.getpid() not in workers
