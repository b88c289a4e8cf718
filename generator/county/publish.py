"""Stage 5, publish: move a finished build into the output tree in one step.

A school's new site is built beside the output (same file system) and exchanged with the old
one by a single `renameat2(RENAME_EXCHANGE)` where the kernel offers it, so a reader (or a build
killed at any instant) sees either the whole old site or the whole new one. Elsewhere it falls
back to two renames, and a leftover is repaired on the next run.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import shutil
from pathlib import Path
from typing import Optional

_RENAME_EXCHANGE = 2
_AT_FDCWD = -100
STAGING = ".careportal-staging"


def _libc():
    try:
        lib = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        return lib if hasattr(lib, "renameat2") else None
    except OSError:  # pragma: no cover - non-Linux
        return None


_LIBC = _libc()


def exchange(a: Path, b: Path) -> bool:
    """Atomically swap two paths. False where the system cannot."""
    if _LIBC is None:
        return False
    result = _LIBC.renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    return result == 0


def staging_root(out: Path) -> Path:
    return out / STAGING


def clean_staging(out: Path, part: Optional[str] = None) -> Path:
    """Remove what an interrupted run left behind; returns the (empty) staging folder. The
    published tree itself is never touched, except to put back a site the two-rename fallback of
    `swap_in` had moved aside. With `part` (a shard's own folder inside the staging folder), only
    that part is cleaned: other shards may be building beside it."""
    root = staging_root(out)
    base = root / part if part else root
    if base.exists():
        # a site set aside as <slug>.old, in the staging folder or a shard's / a cluster run's in it
        for old in [*base.glob("*.old"), *base.glob("*/*.old"), *base.glob("*/*/*.old")]:
            target = out / old.name[: -len(".old")]
            if old.is_dir() and not target.exists():
                os.rename(old, target)
        shutil.rmtree(base, ignore_errors=True)
    base.mkdir(parents=True, exist_ok=True)
    return base


def swap_in(staged: Path, target: Path) -> None:
    """Publish the directory `staged` at `target`, replacing what was there."""
    if not staged.is_dir():
        raise FileNotFoundError(staged)
    if target.exists() and exchange(staged, target):
        shutil.rmtree(staged)  # now holds the old site
        return
    if target.exists():
        old = staged.with_name(staged.name + ".old")
        os.rename(target, old)
        os.rename(staged, target)
        shutil.rmtree(old)
    else:
        os.rename(staged, target)


def replace_files(staged_dir: Path, target_dir: Path, names: list[str]) -> None:
    """Publish single files (the portal), each by an atomic rename; the page itself last."""
    target_dir.mkdir(parents=True, exist_ok=True)
    for name in names:
        os.replace(staged_dir / name, target_dir / name)


def publish_files(staged_dir: Path, target_dir: Path, last: str = "index.html") -> None:
    """Publish every file under `staged_dir` (the portal and its stylesheet, feeds …) into
    `target_dir`, each by an atomic rename, the page `last` after everything it refers to."""
    files = sorted(p.relative_to(staged_dir) for p in staged_dir.rglob("*") if p.is_file())
    files.sort(key=lambda rel: rel.as_posix() == last)
    for rel in files:
        (target_dir / rel).parent.mkdir(parents=True, exist_ok=True)
        os.replace(staged_dir / rel, target_dir / rel)


def remove_staging(out: Path, part: Optional[str] = None) -> None:
    """Remove the staging folder (or only a shard's `part` of it) at the end of a run."""
    if part:
        shutil.rmtree(staging_root(out) / part, ignore_errors=True)
        try:
            staging_root(out).rmdir()  # the last shard to finish removes the folder itself
        except OSError:
            pass
        return
    shutil.rmtree(staging_root(out), ignore_errors=True)
