"""Schools built in parallel: a pool of worker processes, each reused for many schools.

Processes, not threads: MkDocs plugin objects and jieba's dictionary are process-wide state.
Each worker pays its start-up once (imports, jieba's dictionary, compiled theme templates, see
site/mkdocs_build.py) and then builds school after school. Workers are started with "spawn" (a clean
interpreter, no inherited locks or file handles).

`concurrent.futures.ProcessPoolExecutor` is used *without* `max_tasks_per_child`: with it, on
Python 3.11, a pool recycling its workers hung (reproduced: 50 tasks, 2 workers, 10 tasks per
child, no progress after 60 s); without it, and with `multiprocessing.Pool`, no hang. The
executor is preferred over `multiprocessing.Pool` because it reports a worker that dies
(segfault, out of memory, killed) as an error instead of waiting for it forever: the schools
that were in flight are then retried one at a time in a one-worker pool, where a dying worker
names its school, which is reported as failed; the others go on. Memory stays flat across
builds (~40 MB growth over 40 sites was measured in one process), so workers are not recycled.

Workers only build into the staging folder; the main process swaps each finished site in.
"""

from __future__ import annotations

import ctypes
import dataclasses
import multiprocessing
import os
import signal
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Callable, Optional

from generator.county.results import SchoolResult, Status, internal_error
from generator.county.school_build import BuildContext, SchoolBuild, build_school, prepare
from generator.problems import Problem
from generator.settings import BuildSettings

_CTX: Optional[BuildContext] = None
_PR_SET_PDEATHSIG = 1


def default_jobs() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


def _die_with_parent() -> None:
    """Workers die with the build that started them (killed, crashed): no orphan keeps working."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):  # pragma: no cover - not Linux
        pass


def _init(settings: BuildSettings, theme_store: Optional[Path], lines: Optional[frozenset[str]] = None) -> None:
    global _CTX
    _die_with_parent()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C is handled by the main process
    from generator.site.mkdocs_build import warm_up

    warm_up()
    _CTX = prepare(settings)
    _CTX.theme_store = theme_store
    _CTX.county = dataclasses.replace(_CTX.county, institutional_lines=lines)  # the main process's, from its facts


def _task(slug: str) -> SchoolBuild:
    assert _CTX is not None
    return build_school(_CTX, slug)


def _crashed(slug: str) -> SchoolBuild:
    return SchoolBuild(SchoolResult(slug, Status.FAILED, [Problem(
        f"schools/{slug}/", 0, "",
        "生成这所学校时工作进程意外退出（可能是内存不足），已跳过。这是 careportal 的问题，请联系技术人员")]))


def run_builds(ctx: BuildContext, todo: list[tuple[str, str]],
               publish: Callable[[SchoolBuild, str], None], task: Callable[[str], SchoolBuild] = _task) -> None:
    """Build every (slug, key) in `todo`; call `publish(build, key)` in this process as each finishes.

    `task` runs in the workers (a module-level function, so it can be pickled)."""
    if not todo:
        return
    jobs = min(ctx.settings.jobs or default_jobs(), len(todo))
    if jobs <= 1:
        from generator.site.mkdocs_build import warm_up

        warm_up()
        for slug, key in todo:
            publish(build_school(ctx, slug) if task is _task else task(slug), key)
        return
    keys = dict(todo)
    pending = [slug for slug, _ in todo]
    suspects: list[str] = []  # in flight when a worker died: retried one at a time
    while pending or suspects:
        if pending:
            pending, lost = _run_pool(ctx, pending, jobs, 2 * jobs, keys, publish, task)
            suspects += lost
        else:
            # One worker, one school at a time: a worker that dies now was killed by this school.
            suspects, lost = _run_pool(ctx, suspects, 1, 1, keys, publish, task)
            for slug in lost:
                publish(_crashed(slug), keys[slug])


def _run_pool(ctx: BuildContext, slugs: list[str], jobs: int, window: int, keys: dict[str, str],
              publish: Callable[[SchoolBuild, str], None], task: Callable[[str], SchoolBuild]) -> tuple[list[str], list[str]]:
    """Run one pool until done or broken; returns (schools not started, schools in flight when a
    worker died). At most `window` schools are handed to the pool at once."""
    queue = list(reversed(slugs))
    running: dict[Future, str] = {}
    args = (ctx.settings, ctx.theme_store, ctx.county.institutional_lines)
    executor = ProcessPoolExecutor(max_workers=jobs, mp_context=multiprocessing.get_context("spawn"),
                                   initializer=_init, initargs=args)
    try:
        while queue or running:
            while queue and len(running) < window:
                slug = queue.pop()
                running[executor.submit(task, slug)] = slug
            done, _ = wait(running, return_when=FIRST_COMPLETED)
            for future in done:
                slug = running.pop(future)
                try:
                    build = future.result()
                except BrokenProcessPool:
                    lost = [slug] + list(running.values())
                    running.clear()
                    return list(reversed(queue)), lost
                except Exception as exc:  # pickling trouble and the like: this school only
                    build = SchoolBuild(SchoolResult(slug, Status.FAILED, [internal_error(slug, "生成网站", exc)]))
                publish(build, keys[slug])
        return [], []
    finally:
        executor.shutdown(wait=True, cancel_futures=True)
