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

    engine: str = "mkdocs"
    """What builds each school's site from the generated pages: `mkdocs` (MkDocs with Material
    for MkDocs, the default) or `zensical` (Zensical, Material's successor, reading the same
    mkdocs.yml; an optional dependency: `pip install careportal[zensical]`). The published pages
    are the same content; README says what differs."""

    def resolved(self) -> "BuildSettings":
        root = self.root.resolve()
        return dataclasses.replace(
            self, root=root, out=(self.out or root / "site").resolve(),
            work=(self.work or default_work_dir(root)).resolve(), only=tuple(self.only),
            today=self.today or build_date())
