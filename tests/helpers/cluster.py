"""Faults injected into a Dask LocalCluster's real worker processes (plugins run on every worker,
including one started after another was killed)."""

from __future__ import annotations

import json
import os
import signal
import sys
import threading
import time
from pathlib import Path

from distributed import LocalCluster
from distributed.diagnostics.plugin import WorkerPlugin


def local_cluster() -> LocalCluster:
    """What the issue asks the tests to run on: 2 worker processes on 127.0.0.1, no dashboard."""
    return LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                        dashboard_address=None)


def runs_of(cluster: LocalCluster, slug: str) -> int:
    """How many times a school's task was handed to a worker, from the scheduler's transition log
    (entries: key, start, finish, recommendations, stimulus id, time)."""
    return sum(1 for entry in cluster.scheduler.transition_log
               if str(entry[0]).startswith(f"careportal-{slug}-") and entry[2] == "processing")


class KillDuringSchool(WorkerPlugin):
    """The first time any worker starts `slug`, SIGKILL that worker process once the school has
    written part of its site into its staging folder (on the output's storage); `marker` records
    what was there at that moment."""

    def __init__(self, slug: str, out: str, marker: str) -> None:
        self.slug, self.out, self.marker = slug, out, marker

    def setup(self, worker) -> None:
        self.worker = worker

    def transition(self, key, start, finish, **kwargs) -> None:
        if finish != "executing" or not str(key).startswith(f"careportal-{self.slug}-"):
            return
        try:
            fd = os.open(self.marker, os.O_CREAT | os.O_EXCL | os.O_WRONLY)  # once, whichever worker
        except FileExistsError:
            return
        threading.Thread(target=self._kill_when_half_written, args=(fd,), daemon=True).start()

    def _kill_when_half_written(self, fd: int) -> None:
        staging = Path(self.out) / ".careportal-staging"
        deadline = time.monotonic() + 300
        written: list[str] = []
        while time.monotonic() < deadline:
            written = sorted(str(p.relative_to(staging)) for p in staging.glob(f"cluster-*/*/{self.slug}/**/*")
                             if p.is_file())
            if len(written) >= 3:
                break
            time.sleep(0.02)
        os.write(fd, json.dumps({"pid": os.getpid(), "written": written}).encode())
        os.close(fd)
        os.kill(os.getpid(), signal.SIGKILL)


class ExtraDistribution(WorkerPlugin):
    """Puts a folder holding another version of a package's metadata first on the worker's path,
    as a worker image built with a different pin would have it."""

    def __init__(self, folder: str) -> None:
        self.folder = folder

    def setup(self, worker) -> None:
        sys.path.insert(0, self.folder)


def fake_distribution(folder: Path, name: str, version: str) -> Path:
    info = folder / f"{name.replace('-', '_')}-{version}.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n", encoding="utf-8")
    return folder
