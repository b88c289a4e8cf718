"""Run settings: every option of a `careportal build` in one object, with what it means.

This is the one place careportal reads its environment (SOURCE_DATE_EPOCH, XDG_CACHE_HOME);
the command line fills a `BuildSettings`, and every stage reads what it needs from it. A shared
leaf of the package: any stage may import it.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
from dataclasses import dataclass
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Optional


def build_date() -> date:
    """Today, or the date of SOURCE_DATE_EPOCH for reproducible builds."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return datetime.fromtimestamp(int(epoch), tz=timezone.utc).date()
    return date.today()


def user_cache_dir() -> Path:
    """careportal's folder in the user's cache (XDG_CACHE_HOME, else ~/.cache)."""
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "careportal"


def in_shard(slug: str, shard: Optional[tuple[int, int]]) -> bool:
    """Whether the school `slug` belongs to shard `(i, n)`. A stable hash of the name alone: a
    school stays in its shard when others are added or removed (so a CI job's cache stays useful)."""
    if shard is None:
        return True
    index, count = shard
    return int.from_bytes(hashlib.sha256(slug.encode()).digest()[:8], "big") % count == index - 1


def default_work_dir(root: Path) -> Path:
    """Intermediate files live outside the source tree, in the user's cache folder."""
    digest = hashlib.sha256(str(root.resolve()).encode()).hexdigest()[:12]
    return user_cache_dir() / digest


@dataclass(frozen=True)
class BuildSettings:
    """How one build runs. Paths are resolved and defaults filled by `resolved()`."""

    root: Path
    """The data root: `content/bureau.yml`, `schools/<slug>/`, and optionally its own `theme/`
    and `mkdocs.yml` (else careportal's own are used, see theme.py)."""

    out: Optional[Path] = None
    """The published tree: the portal at its top, one folder per school. Default `<root>/site`."""

    work: Optional[Path] = None
    """Intermediate files and the build cache (safe to delete at any time). Default: a folder
    per data root in the user's cache (`default_work_dir`)."""

    only: tuple[str, ...] = ()
    """Build only these schools (folder names); empty: every school of `schools/`."""

    today: Optional[date] = None
    """The date the pages are built for (upcoming vs past activities, the sites' dates).
    Default: SOURCE_DATE_EPOCH's date if set (reproducible builds), else today."""

    jobs: Optional[int] = None
    """Worker processes building schools at once. Default: the CPUs this process may use."""

    force: bool = False
    """Rebuild every school even if its inputs did not change."""

    wait: Optional[float] = 0
    """When another build holds the same data root, work folder or output folder: seconds to wait
    for it (None: as long as it takes); 0 refuses at once with a message."""

    scheduler: Optional[str] = None
    """Address of a running Dask scheduler (`tcp://HOST:PORT`): each school is built as a task on
    its workers (county/cluster.py, needs `pip install careportal[dask]`). The data root and the
    output must be on storage every worker sees at the same path; the work directory's cache stays
    with this process. Default: no cluster, worker processes on this machine (`jobs`)."""

    local_cluster: bool = False
    """Start a Dask `LocalCluster` on this machine (127.0.0.1, `jobs` worker processes, no
    dashboard) and build on it, as `scheduler` would on a real cluster."""

    shard: Optional[tuple[int, int]] = None
    """`(i, n)`, 1 ≤ i ≤ n: build only the schools of shard i of n (a stable hash of the folder
    name picks a school's shard, see `in_shard`), and not the portal. Shards may run at once, on
    one machine or several; `portal_only` joins them."""

    portal_only: bool = False
    """Build nothing but the county portal, from the build cache of the schools already published
    (the last step after every shard has run)."""

    engine: str = "mkdocs"
    """What builds each school's site from the generated pages: `mkdocs` (MkDocs with Material
    for MkDocs, the default) or `zensical` (Zensical, Material's successor, reading the same
    mkdocs.yml; an optional dependency: `pip install careportal[zensical]`). The published pages
    are the same content; README says what differs."""

    @property
    def on_cluster(self) -> bool:
        return bool(self.scheduler) or self.local_cluster

    def resolved(self) -> "BuildSettings":
        root = self.root.resolve()
        return dataclasses.replace(
            self, root=root, out=(self.out or root / "site").resolve(),
            work=(self.work or default_work_dir(root)).resolve(), only=tuple(self.only),
            today=self.today or build_date())
