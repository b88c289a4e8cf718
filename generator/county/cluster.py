"""Schools built on a Dask cluster: each school's build is one task on the cluster's workers.

Imported only when a build asks for a cluster (`--scheduler tcp://HOST:PORT`, `--cluster local`):
Dask is an optional extra (`pip install careportal[dask]`). The same guarantees as the local pool
(workers.py):

- Workers build into the output's staging folder, on storage every worker and this process see
  at the same path (checked before the first task); each task stages into a folder of its own, so
  what a lost worker half wrote is never touched again and is removed at the end of the run. This
  process alone swaps a finished school into the published tree (`publish`), so the published tree
  never holds half a school; the build cache and the gate report stay with this process.
- Versions: before anything is written, every worker's careportal code, installed distributions
  and Python are compared with this process's (`cache.environment`: the parts of every cache key
  that do not depend on the data); a difference is refused with a message naming the worker and
  the package. A worker that joins later is checked by each task it runs (it refuses the school,
  which is then retried on another worker).
- A school that fails for a content reason (or a careportal bug in it) is a normal FAILED result:
  `build_school` never raises, so it is not retried. A task that raises (the shared storage not
  reachable from one worker, a late worker with other versions) is retried elsewhere, `RETRIES`
  times. A task whose worker dies (killed, out of memory, its machine lost) is rescheduled by the
  scheduler, up to its `distributed.scheduler.allowed-failures` (3 by default), then reported as
  failed, like the local pool's crashed schools.
- One school at a time per worker process (MkDocs' plugins, jieba and SOURCE_DATE_EPOCH are
  process-wide): a lock in the task. Start workers with one thread each (`--nthreads 1`) and as
  many processes as cores (`--nworkers`), so the scheduler does not queue schools behind the lock.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
import os
import secrets
import shutil
import socket
import tempfile
import threading
from pathlib import Path
from typing import Callable, Optional

from generator.county.cache import environment
from generator.county.results import ClusterError, SchoolResult, Status, internal_error
from generator.county.school_build import BuildContext, SchoolBuild, build_school, prepare
from generator.county.workers import default_jobs
from generator.problems import Problem
from generator.settings import BuildSettings

RETRIES = 2  # a task that raised (not a content failure) is tried this many more times
CONNECT_TIMEOUT = "30s"
WORKERS_TIMEOUT = 300  # seconds to wait for the first worker of a cluster that is still starting
INSTALL = "pip install -c constraints.txt 'careportal[dask]'"


class VersionMismatch(Exception):
    """Raised by a task on a worker whose versions differ from the main process's."""


def _distributed():
    try:
        import distributed
    except ImportError:
        raise ClusterError("要在 Dask 集群上生成，需要先安装可选组件 careportal[dask]（工作节点上也要安装同样的版本）："
                           f"{INSTALL}") from None
    return distributed


# ---------------------------------------------------------------------------------------------
# Versions


def digest(env: dict) -> str:
    return hashlib.sha256(json.dumps(env, sort_keys=True).encode()).hexdigest()


def differences(mine: dict, theirs: dict) -> list[str]:
    """What differs between this process's environment and a worker's, in Chinese."""
    found = []
    if mine.get("python") != theirs.get("python"):
        found.append(f"Python：本机 {str(mine.get('python')).split()[0]}，工作节点 {str(theirs.get('python')).split()[0]}")
    if mine.get("careportal") != theirs.get("careportal") or mine.get("format") != theirs.get("format"):
        found.append("careportal 本身的程序文件不同（版本不同，或一边是源码目录、一边是安装包）")

    def by_name(packages: list[str]) -> dict[str, set[str]]:
        named: dict[str, set[str]] = {}
        for line in packages:
            name, _, version = line.partition("==")
            named.setdefault(name, set()).add(version)
        return named

    ours, theirs_ = by_name(mine.get("packages", [])), by_name(theirs.get("packages", []))
    for name in sorted(set(ours) | set(theirs_), key=str.lower):
        if ours.get(name) != theirs_.get(name):
            here = " 和 ".join(sorted(ours[name])) if name in ours else "未安装"
            there = " 和 ".join(sorted(theirs_[name])) if name in theirs_ else "未安装"
            found.append(f"{name}：本机 {here}，工作节点 {there}")
    return found


# ---------------------------------------------------------------------------------------------
# On the workers

_ENVIRONMENT: Optional[dict] = None
_CONTEXTS: dict[tuple, BuildContext] = {}
_ONE_AT_A_TIME = threading.Lock()


def worker_environment() -> dict:
    """This worker process's environment (computed once per process)."""
    global _ENVIRONMENT
    if _ENVIRONMENT is None:
        _ENVIRONMENT = environment()
    return _ENVIRONMENT


def _sees_storage(marker: str, token: str, out: str, root: str) -> list[str]:
    """Run on each worker before the first task: what it cannot reach of the shared storage."""
    missing = []
    try:
        if Path(marker).read_text(encoding="ascii") != token:
            missing.append(f"输出目录 {out} 与本机的不是同一个")
        probe = Path(marker).with_name(f"probe-{socket.gethostname()}-{os.getpid()}")
        probe.write_bytes(b"")
        probe.unlink()
    except OSError:
        missing.append(f"输出目录 {out} 看不到或不能写")
    if not os.access(Path(root) / "content" / "bureau.yml", os.R_OK):
        missing.append(f"数据根目录 {root} 看不到")
    return missing


def _work_dir() -> Path:
    """Intermediate files stay on the worker's own disk (its Dask folder), not on shared storage."""
    try:
        from distributed import get_worker

        base = Path(get_worker().local_directory)
    except (ImportError, ValueError):
        base = Path(tempfile.gettempdir())
    return base / f"careportal-{os.getpid()}"


def _context(settings: BuildSettings, theme_store: Optional[Path]) -> BuildContext:
    key = (settings, theme_store)
    ctx = _CONTEXTS.get(key)
    if ctx is None:
        from generator.site.mkdocs_build import warm_up

        warm_up()
        ctx = prepare(dataclasses.replace(settings, work=_work_dir()))
        ctx.theme_store = theme_store
        _CONTEXTS.clear()  # one build at a time per worker: drop the previous build's context
        _CONTEXTS[key] = ctx
    return ctx


def build_on_worker(slug: str, settings: BuildSettings, theme_store: Optional[Path], run_dir: str,
                    expected: str) -> SchoolBuild:
    """The task: one school's build, staged into a folder of its own under `run_dir`."""
    if digest(worker_environment()) != expected:
        raise VersionMismatch(f"工作节点 {socket.gethostname()} 的软件版本与发起生成的机器不一致，不在这里生成")
    with _ONE_AT_A_TIME:
        ctx = _context(settings, theme_store)
        attempt = Path(run_dir) / secrets.token_hex(8)
        attempt.mkdir(parents=True)
        return build_school(dataclasses.replace(ctx, staging_dir=attempt), slug)


# ---------------------------------------------------------------------------------------------
# In the main process


def _lost(slug: str, exc: BaseException, killed_worker: type) -> SchoolBuild:
    if isinstance(exc, killed_worker):
        problem = Problem(f"schools/{slug}/", 0, "",
                          "生成这所学校的工作节点多次意外退出（可能是内存不足或节点被回收），已跳过。"
                          "这是 careportal 或集群的问题，不是您的内容有误，请联系技术人员")
    elif isinstance(exc, VersionMismatch):
        problem = Problem(f"schools/{slug}/", 0, "", f"{exc}（已换节点重试仍未成功），已跳过，请联系技术人员")
    else:
        problem = internal_error(slug, "在集群上生成网站", exc)
    return SchoolBuild(SchoolResult(slug, Status.FAILED, [problem]))


class ClusterRunner:
    """A connection to a Dask cluster (or a LocalCluster it started), checked and ready to build."""

    def __init__(self, settings: BuildSettings) -> None:
        distributed = _distributed()
        self.cluster = None
        self.client = None
        self.where = "本机的 Dask LocalCluster" if settings.local_cluster else f"Dask 调度器 {settings.scheduler}"
        logging.getLogger("distributed").setLevel(logging.ERROR)  # a lost worker is retried quietly; a school that still fails says so
        try:
            if settings.local_cluster:
                os.environ.setdefault("DASK_LOGGING__DISTRIBUTED", "error")  # the worker processes' logs
                self.cluster = distributed.LocalCluster(
                    n_workers=settings.jobs or default_jobs(), threads_per_worker=1, processes=True,
                    host="127.0.0.1", dashboard_address=None)
                self.client = distributed.Client(self.cluster, set_as_default=False)
            else:
                self.client = distributed.Client(settings.scheduler, timeout=CONNECT_TIMEOUT, set_as_default=False)
        except Exception as exc:
            self.close()
            raise ClusterError(f"连不上{'' if settings.local_cluster else ' '}{self.where}：{exc}。请检查地址（tcp://主机:端口）、网络和防火墙") from None
        try:
            self.mine = environment()
            self._check_versions()
        except BaseException:
            self.close()
            raise

    def _check_versions(self) -> None:
        try:
            self.client.wait_for_workers(1, timeout=WORKERS_TIMEOUT)
        except Exception:
            raise ClusterError(f"{self.where} 上 {WORKERS_TIMEOUT} 秒内没有可用的工作节点，请先启动工作节点") from None
        found = self.client.run(worker_environment)
        self.description = f"{self.where}（{len(found)} 个工作节点）"
        problems = [f"  {address}：{'；'.join(diff)}" for address, theirs in sorted(found.items())
                    if (diff := differences(self.mine, theirs))]
        if problems:
            raise ClusterError(
                "工作节点上的软件版本与本机不一致，生成的网站不能保证与本机生成的逐字节相同，已停止（没有改动任何已发布的网站）：\n"
                + "\n".join(problems)
                + f"\n请在本机和所有工作节点上安装完全相同的 careportal 和依赖（同一个容器镜像，或 {INSTALL}）。")

    def run_builds(self, ctx: BuildContext, todo: list[tuple[str, str]],
                   publish: Callable[[SchoolBuild, str], None]) -> None:
        """Build every (slug, key) of `todo` on the cluster; `publish(build, key)` here as each finishes."""
        if not todo:
            return
        distributed = _distributed()
        token = secrets.token_hex(8)
        run_dir = ctx.staging / f"cluster-{token}"
        run_dir.mkdir(parents=True)
        marker = run_dir / "careportal-run"
        marker.write_text(token, encoding="ascii")
        blind = self.client.run(_sees_storage, str(marker), token, str(ctx.out), str(ctx.root))
        blind = {address: missing for address, missing in blind.items() if missing}
        if blind:
            shutil.rmtree(run_dir, ignore_errors=True)
            raise ClusterError("工作节点看不到本机的共享存储，没有生成任何学校：\n"
                               + "\n".join(f"  {address}：{'；'.join(missing)}" for address, missing in sorted(blind.items()))
                               + "\n数据根目录和输出目录必须放在所有节点都能读写的共享存储上，并且挂载在同一个路径（见 docs/cluster.md）。")
        keys = dict(todo)
        slugs = [slug for slug, _ in todo]
        futures = self.client.map(build_on_worker, slugs, key=[f"careportal-{slug}-{token}" for slug in slugs],
                                  settings=ctx.settings, theme_store=ctx.theme_store, run_dir=str(run_dir),
                                  expected=digest(self.mine), retries=RETRIES, pure=False)
        slug_of = {future.key: slug for future, slug in zip(futures, slugs)}
        try:
            for future in distributed.as_completed(futures, loop=self.client.loop):
                slug = slug_of[future.key]
                try:
                    build = future.result()
                except Exception as exc:
                    build = _lost(slug, exc, distributed.KilledWorker)
                future.release()
                publish(build, keys[slug])
        finally:
            self.client.cancel([f for f in futures if not f.done()])
            shutil.rmtree(run_dir, ignore_errors=True)  # what lost workers left half written

    def close(self) -> None:
        for thing in (self.client, self.cluster):
            if thing is not None:
                try:
                    thing.close()
                except Exception:  # closing is best effort: the build's result stands
                    pass
