"""Province scale: schools built as tasks on a Dask cluster (a LocalCluster of 2 worker processes
on 127.0.0.1, no dashboard) and sharded builds joined by a portal-only build, each compared byte
for byte with the local build of the same data."""

from __future__ import annotations

import json
import subprocess
import sys
import os
from pathlib import Path

import pytest

from helpers import DEMO_EPOCH, REPO, copy_demo, run_cli
from helpers.cluster import ExtraDistribution, KillDuringSchool, fake_distribution, local_cluster, runs_of
from generator.county.cache import FileHashes, environment
from generator.county.cluster import differences
from generator.settings import in_shard

# One school in each of the three shards (in_shard is a stable hash of the folder name).
THREE = ["huangshan-cun", "qingxi-erzhong", "runhe-youeryuan"]
STAGING = ".careportal-staging"


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def gate_report(work: Path, name: str = "gate-report.json", statuses: bool = True) -> dict:
    """The gate report of a build, without the time it was written (and the build's statuses)."""
    [path] = list((work / "cache").glob(f"*/{name}"))
    report = json.loads(path.read_text(encoding="utf-8"))
    report.pop("generated")
    if not statuses:
        for school in report["schools"]:
            school.pop("status"), school.pop("status_text")
    return report


def build(root: Path, out: Path, work: Path, *args: str) -> subprocess.CompletedProcess:
    return run_cli("build", "--root", str(root), "--out", str(out), "--work", str(work), *args)


@pytest.fixture(scope="module")
def three(tmp_path_factory) -> tuple[Path, Path, Path]:
    """Three demo schools built locally (the reference): (data root, published tree, work folder)."""
    base = tmp_path_factory.mktemp("three")
    root = copy_demo(base / "root", THREE)
    out, work = base / "site", base / "work"
    result = build(root, out, work, "--jobs", "2")
    assert result.returncode == 0, result.stdout + result.stderr
    return root, out, work


@pytest.fixture()
def cluster():
    from distributed import Client

    running = local_cluster()
    client = Client(running, set_as_default=False)
    try:
        yield running, client
    finally:
        client.close()
        try:
            running.close(timeout=60)
        except TimeoutError:  # a loaded machine can be slow to stop a worker process (not what is tested)
            pass


def test_the_demo_county_built_on_a_cluster_is_byte_identical_to_the_local_build(demo_site, tmp_path):
    out, work = tmp_path / "site", tmp_path / "work"
    result = build(REPO, out, work, "--cluster", "local", "--jobs", "2")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "学校在本机的 Dask LocalCluster（2 个工作节点）上生成。" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr
    schools = sorted(p.name for p in (REPO / "schools").iterdir() if (p / "school.yml").is_file())
    assert len(schools) == 6 and all((out / slug / "index.html").is_file() for slug in schools)
    assert tree(out) == tree(demo_site)
    assert gate_report(work) == gate_report(demo_site.parent / "work")
    assert not (out / STAGING).exists()
    # The schools' MkDocs projects were written by the workers in their own folders, not here.
    assert not (work / "schools").exists() and (demo_site.parent / "work" / "schools").is_dir()


def test_a_school_that_fails_on_the_cluster_fails_alone_and_is_not_retried(tmp_path, cluster):
    running, _ = cluster
    bad, good = "huangshan-cun", "runhe-youeryuan"
    root, out, work = copy_demo(tmp_path / "root", [bad, good]), tmp_path / "site", tmp_path / "work"
    news = sorted((root / "schools" / bad / "activities").glob("*.yml"))[0]
    news.write_text(news.read_text(encoding="utf-8").replace("body: |\n", "body: |\n  家长电话13912345678。\n\n", 1),
                    encoding="utf-8")
    result = build(root, out, work, "--scheduler", running.scheduler_address)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    assert "完成：发布 1 所，无变化 0 所，失败 1 所。全县首页已更新。" in result.stdout
    assert f"{bad}：schools/{bad}/activities/{news.name}:" in result.stderr
    assert "13912345678" not in result.stdout + result.stderr
    assert not (out / bad).exists() and (out / good / "index.html").is_file()
    portal = (out / "index.html").read_text(encoding="utf-8")
    assert f"{good}/index.html" in portal and f"{bad}/index.html" not in portal
    # A content failure is a result, not an error: each school's task ran once.
    assert runs_of(running, bad) == 1 and runs_of(running, good) == 1
    assert not (out / STAGING).exists()


def test_a_worker_killed_in_the_middle_of_a_school_leaves_a_complete_correct_output(tmp_path, cluster, three):
    running, client = cluster
    root, reference, reference_work = three
    out, work, marker = tmp_path / "site", tmp_path / "work", tmp_path / "killed.json"
    victim = "qingxi-erzhong"
    client.register_plugin(KillDuringSchool(victim, str(out), str(marker)), name="kill-during-school")
    result = build(root, out, work, "--scheduler", running.scheduler_address)
    assert result.returncode == 0, result.stdout + result.stderr
    killed = json.loads(marker.read_text(encoding="utf-8"))
    # The worker was killed while its half-built site sat in the staging folder on the output's storage …
    assert len(killed["written"]) >= 3 and all(f"/{victim}/" in path for path in killed["written"]), killed
    # … the scheduler gave the school to a worker again, and the published tree is whole and identical.
    assert runs_of(running, victim) == 2
    assert tree(out) == tree(reference)
    assert gate_report(work) == gate_report(reference_work)
    assert not (out / STAGING).exists()
    assert "完成：发布 3 所，无变化 0 所，失败 0 所。" in result.stdout


def test_a_worker_with_other_versions_is_refused_before_anything_is_written(tmp_path, cluster):
    running, client = cluster
    root, out, work = copy_demo(tmp_path / "root", ["runhe-youeryuan"]), tmp_path / "site", tmp_path / "work"
    client.register_plugin(ExtraDistribution(str(fake_distribution(tmp_path / "other", "mkdocs-material", "9.9.9"))),
                           name="other-versions")
    result = build(root, out, work, "--scheduler", running.scheduler_address)
    assert result.returncode == 2, result.stdout + result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    assert "工作节点上的软件版本与本机不一致" in result.stderr
    assert "mkdocs-material：本机 9.8.1，工作节点 9.8.1 和 9.9.9" in result.stderr
    assert running.scheduler_address.rsplit(":", 1)[0] in result.stderr  # names the workers
    assert not out.exists()


def test_shards_joined_by_a_portal_only_build_equal_the_full_build(tmp_path, three):
    root, reference, reference_work = three
    out, work = tmp_path / "site", tmp_path / "work"
    assert [[s for s in THREE if in_shard(s, (i, 3))] for i in (1, 2, 3)] == [["runhe-youeryuan"], ["huangshan-cun"],
                                                                             ["qingxi-erzhong"]]
    env = {**os.environ, "SOURCE_DATE_EPOCH": DEMO_EPOCH}
    # Shards 1 and 2 at once, on the same output and work folder.
    shards = [subprocess.Popen([sys.executable, "-m", "generator.cli", "build", "--root", str(root), "--out", str(out),
                                "--work", str(work), "--jobs", "1", "--shard", f"{i}/3"], cwd=REPO, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for i in (1, 2)]
    for i, shard in enumerate(shards, 1):
        stdout, stderr = shard.communicate(timeout=600)
        assert shard.returncode == 0, stdout + stderr
        assert "完成：发布 1 所，无变化 0 所，失败 0 所。这是第 " f"{i}/3 份" in stdout
    assert not (out / "index.html").exists()  # shards leave the portal to the join
    # Both shards' file hashes were kept (merged, not overwritten by whichever saved last).
    assert {Path(p).relative_to(root).parts[1] for p in FileHashes(work / "cache" / "files.pkl").known
            if Path(p).is_relative_to(root / "schools")} == {"runhe-youeryuan", "huangshan-cun"}

    early = build(root, out, work, "--portal-only")  # shard 3 has not run
    assert early.returncode == 1, early.stdout + early.stderr
    assert "qingxi-erzhong：schools/qingxi-erzhong/: 这所学校还没有发布过" in early.stderr
    portal = (out / "index.html").read_text(encoding="utf-8")
    assert "huangshan-cun/index.html" in portal and "qingxi-erzhong/index.html" not in portal

    last = build(root, out, work, "--shard", "3/3", "--jobs", "1")
    assert last.returncode == 0, last.stdout + last.stderr
    join = build(root, out, work, "--portal-only")
    assert join.returncode == 0, join.stdout + join.stderr
    assert "完成：发布 0 所，无变化 3 所，失败 0 所。全县首页已更新。" in join.stdout
    assert tree(out) == tree(reference)
    assert gate_report(work, statuses=False) == gate_report(reference_work, statuses=False)
    for i in (1, 2, 3):
        assert gate_report(work, f"gate-report-shard-{i}-of-3.json")["schools"][0]["status"] == "built"
    assert not (out / STAGING).exists()


def test_every_school_is_in_exactly_one_shard_whatever_the_others():
    slugs = [f"school-{n}" for n in range(300)]
    for count in (1, 2, 3, 7):
        shards = [[s for s in slugs if in_shard(s, (i, count))] for i in range(1, count + 1)]
        assert sorted(s for shard in shards for s in shard) == sorted(slugs)
        assert all(len(shard) > 300 / count / 2 for shard in shards)  # roughly even
        # a school's shard does not depend on the other schools
        assert [[s for s in slugs[:50] if in_shard(s, (i, count))] for i in range(1, count + 1)] == \
               [[s for s in shard if s in slugs[:50]] for shard in shards]


def test_version_differences_are_named_in_chinese():
    mine = environment()
    theirs = {**mine, "python": "3.12.1 (main)", "careportal": "other",
              "packages": [p for p in mine["packages"] if not p.startswith("jinja2==")] + ["jinja2==3.0.0", "extra==1.0"]}
    found = differences(mine, theirs)
    assert "Python：本机 " + mine["python"].split()[0] + "，工作节点 3.12.1" in found
    assert any(line.startswith("careportal 本身的程序文件不同") for line in found)
    assert "jinja2：本机 3.1.6，工作节点 3.0.0" in found  # names as pip normalises them
    assert "extra：本机 未安装，工作节点 1.0" in found
    assert differences(mine, dict(mine)) == []


def test_without_the_dask_extra_a_cluster_build_says_what_to_install(tmp_path):
    """`careportal[dask]` not installed (distributed made unimportable): a Chinese message, exit 2, nothing written."""
    root, out = copy_demo(tmp_path / "root", ["runhe-youeryuan"]), tmp_path / "site"
    code = "import sys; sys.modules['distributed'] = None; from generator.cli import main; main()"
    result = subprocess.run([sys.executable, "-c", code, "build", "--root", str(root), "--out", str(out), "--work",
                             str(tmp_path / "work"), "--scheduler", "tcp://127.0.0.1:8786"], cwd=REPO,
                            env={**os.environ, "SOURCE_DATE_EPOCH": DEMO_EPOCH}, capture_output=True, text=True, timeout=300)
    assert result.returncode == 2, result.stdout + result.stderr
    assert "需要先安装可选组件 careportal[dask]" in result.stderr and "Traceback" not in result.stderr
    assert not out.exists()


@pytest.mark.parametrize("args, message", [
    (["--shard", "4/3"], "写成 i/N"),
    (["--shard", "0/3"], "写成 i/N"),
    (["--portal-only", "--shard", "1/3"], "--portal-only 只生成全县首页"),
    (["--scheduler", "tcp://127.0.0.1:8786", "--cluster", "local"], "只能选一个"),
])
def test_wrong_cluster_and_shard_options_are_usage_errors(tmp_path, args, message):
    result = run_cli("build", "--root", str(tmp_path), "--out", str(tmp_path / "site"), *args)
    assert result.returncode == 2 and message in result.stderr, result.stderr
    assert not (tmp_path / "site").exists()
