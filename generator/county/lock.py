"""One `careportal build` at a time per data root, work folder and output folder.

Two builds on one output would swap sites in under each other and share its staging folder; on
one work folder (the default one belongs to the data root) they would render into the same
MkDocs projects and rewrite the same cache; on one data root they read records another run may be
rewriting (`careportal aggregate`, a later `build` of the same root into another folder). So a
build holds an exclusive lock on all three folders for its whole run: a second one is refused
with a message naming the folder (or, asked to, waits for it).

The locks are `flock` locks on the folders themselves: no lock file is left in the published
tree or the data root, and the kernel releases them when the process ends however it ends
(killed, crashed), so a lock never outlives its build. On a file system without flock (some
network shares) that folder is not locked. `fcntl` is imported here, when a build starts, and
nowhere else: `careportal check` and the editor run where there is none (Windows), and so does a
build there, without locks.
"""

from __future__ import annotations

import errno
import os
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator, Optional

POLL = 0.2  # seconds between tries while waiting
WHAT = {"root": "数据根目录", "work": "中间文件目录", "out": "输出目录", "shard": "同一个分片"}


class Busy(Exception):
    """Another build holds one of the folders."""

    def __init__(self, kind: str, path: Path) -> None:
        self.kind, self.path = kind, path
        super().__init__(f"另一个 careportal build 正在使用{WHAT[kind]} {path}（也可能是 careportal serve 正在重新生成），"
                         "为了不互相破坏，这次没有生成。请等它结束后再运行，或加上 --wait 等它结束后自动开始")


def _try_lock(path: Path, exclusive: bool = True) -> Optional[int]:
    """An fd holding a lock on folder (or lock file) `path`, exclusive or shared; -1 where locks
    are not supported. Raises BlockingIOError when another process holds it."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows
        return -1
    if path.is_dir():
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    else:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, (fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH) | fcntl.LOCK_NB)
    except OSError as exc:
        os.close(fd)
        if exc.errno in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
            raise BlockingIOError(exc.errno, exc.strerror) from None
        return -1  # ENOLCK, EOPNOTSUPP, EBADF (NFS): this folder cannot be locked
    return fd


@contextmanager
def build_lock(root: Path, work: Path, out: Path, wait: Optional[float] = 0,
               on_wait: Optional[Callable[[Busy], None]] = None, shard: Optional[str] = None) -> Iterator[None]:
    """Hold the data root, the work folder and the output folder (created if missing) for the
    duration of the block. Raises Busy at once (`wait=0`), after `wait` seconds, or never
    (`wait=None`: until the other build ends). `on_wait` is called once when waiting starts.

    A shard (`--shard i/N`, named by `shard`) holds the three folders shared with the other shards
    and its own shard alone (a lock file in the work folder): shards run side by side, a second
    run of the same shard is refused, and a whole build or the portal-only join waits for all.

    All are tried without blocking and released together when one is taken, so two waiting
    builds can never hold one folder each and wait for each other."""
    folders = {"root": root, "work": work, "out": out}
    work.mkdir(parents=True, exist_ok=True)
    out.mkdir(parents=True, exist_ok=True)
    if shard:
        folders["shard"] = work / f".lock-{shard}"
    deadline = None if wait is None else time.monotonic() + wait
    told = False
    seen: set[tuple[int, int]] = set()
    while True:
        held: list[int] = []
        busy = None
        seen.clear()
        for kind, path in folders.items():
            if kind == "shard":
                fd = None
                try:
                    fd = _try_lock(path)
                except BlockingIOError:
                    busy = Busy(kind, path)
                    break
                if fd is not None and fd >= 0:
                    held.append(fd)
                continue
            stat = path.stat()
            if (stat.st_dev, stat.st_ino) in seen:  # the same folder twice (e.g. --work inside it): once
                continue
            seen.add((stat.st_dev, stat.st_ino))
            try:
                fd = _try_lock(path, exclusive=not shard or kind == "shard")
            except BlockingIOError:
                busy = Busy(kind, path)
                break
            if fd is not None and fd >= 0:
                held.append(fd)
        if busy is None:
            break
        for fd in held:
            os.close(fd)
        if deadline is not None and time.monotonic() >= deadline:
            raise busy
        if not told and on_wait is not None:
            on_wait(busy)
            told = True
        time.sleep(POLL)
    try:
        yield
    finally:
        for fd in held:
            os.close(fd)
