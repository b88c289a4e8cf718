"""The build cache: what each published school was built from, so unchanged schools are skipped.

A school's key is a hash of everything its site depends on: every file in its folder (records,
photos, the private register the gate reads), and a county-wide part (content/, the theme, the
base mkdocs.yml, careportal's own code, the installed packages' versions, Python's version).
Today's date matters too, because views mark activities as upcoming and date the site: an entry
records the range of days [valid_from, valid_until) over which its pages stay the same, and is
rebuilt once the build date leaves it (see `pipeline.today_window`).

Everything lives in the work directory under cache/. Any file that is missing, unreadable or from
another version simply counts as "not built": deleting the cache only costs a full rebuild.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import pickle
import re
import secrets
import sys
from dataclasses import dataclass, field
from datetime import date
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any, Optional

from markupsafe import Markup

from generator.digest import digest
from generator.records.kinds import FOLDERS
from generator.records.load import Loaded, SchoolRecords
from generator.problems import Problem, Problems

if TYPE_CHECKING:  # the views (Markdown, photos …) are imported only to make a portal source
    from generator.site.views import SchoolSite

FORMAT = "careportal-cache-1"
PACKAGE = Path(__file__).resolve().parent


def _write_atomic(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    # unique across processes and machines: shards and cluster runs may share this folder
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(6)}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def _read_pickle(path: Path):
    try:
        with open(path, "rb") as handle:
            return pickle.load(handle)
    except Exception:  # missing, truncated, or written by another version: not cached
        return None


class FileHashes:
    """sha256 of files, remembered by (size, mtime, ctime, inode) so unchanged files are not re-read."""

    def __init__(self, path: Path) -> None:
        self.path = path
        loaded = _read_pickle(path)
        self.known: dict[str, tuple] = loaded if isinstance(loaded, dict) else {}
        self.used: dict[str, tuple] = {}

    def digest(self, path: str, stat: os.stat_result) -> str:
        signature = (stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino)
        entry = self.known.get(path)
        if entry is None or entry[0] != signature:
            with open(path, "rb") as handle:
                entry = (signature, hashlib.file_digest(handle, "sha256").hexdigest())
        self.used[path] = entry
        return entry[1]

    def save(self, partial: bool = False) -> None:
        """Keep only the files seen in this run (a deleted school's files are forgotten).

        A `partial` run saw only some schools (a shard, `--school`): it adds what it saw to what is
        on disk now, under a lock, so shards saving at once keep each other's entries."""
        if not partial:
            if self.used != self.known:
                _write_atomic(self.path, pickle.dumps(self.used, protocol=pickle.HIGHEST_PROTOCOL))
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.path.with_name(self.path.name + ".lock"), "w") as lock:
            import fcntl  # Unix only, and only for a build: `check` and `edit` run on Windows

            fcntl.flock(lock, fcntl.LOCK_EX)
            current = _read_pickle(self.path)
            current = current if isinstance(current, dict) else {}
            merged = {**current, **self.used}
            if merged != current:
                _write_atomic(self.path, pickle.dumps(merged, protocol=pickle.HIGHEST_PROTOCOL))


def tree_digest(folder: Path, hashes: FileHashes) -> str:
    """Hash of every file under `folder`: relative paths and contents, in sorted order."""
    digest = hashlib.sha256()
    base = len(str(folder)) + 1

    def walk(directory: str) -> None:
        try:
            entries = sorted(os.scandir(directory), key=lambda e: e.name)
        except OSError:
            return
        for entry in entries:
            if entry.name == "__pycache__":
                continue
            rel = entry.path[base:]
            if entry.is_symlink():  # refused by the loader; its target still counts
                digest.update(f"L {rel} {os.readlink(entry.path)}\n".encode())
            elif entry.is_dir():
                walk(entry.path)
            elif entry.is_file():
                digest.update(f"F {rel} {hashes.digest(entry.path, entry.stat())}\n".encode())

    if folder.is_file():
        digest.update(hashes.digest(str(folder), folder.stat()).encode())
    else:
        walk(str(folder))
    return digest.hexdigest()


def _installed_packages() -> str:
    """Every installed distribution but careportal itself (its code is hashed on its own): a
    checkout's careportal.egg-info is found too when careportal runs as `python -m generator.cli`
    from the checkout, and must not change the key.

    Read from the names of the `.dist-info` folders on sys.path (`name-version.dist-info`, by the
    packaging spec) rather than by parsing 350 METADATA files (0.16 s of every build's start);
    only a folder without a version in its name (an egg-info of a develop install) is opened."""
    names = set()
    for entry in sys.path:
        try:
            listing = os.listdir(entry or ".")
        except OSError:  # a zip, a missing folder
            continue
        for name in listing:
            stem, dot, suffix = name.rpartition(".")
            if not dot or suffix not in ("dist-info", "egg-info"):
                continue
            parts = stem.split("-")  # name-version[-pyX.Y]: neither holds a "-" (the spec escapes them)
            label = re.sub(r"[-_.]+", "-", parts[0]).lower()  # the name as pip normalises it
            if label == "careportal":
                continue
            version = parts[1] if len(parts) > 1 else metadata.Distribution.at(Path(entry or ".", name)).version
            names.add(f"{label}=={version}")
    return "\n".join(sorted(names))


def county_parts(inputs: list[Path], hashes: FileHashes) -> dict[str, str]:
    """What every school's key shares, part by part: the given inputs (content/, the theme, the
    base config), careportal's code, the installed packages and Python."""
    parts = {"careportal": tree_digest(PACKAGE, hashes),
             "packages": hashlib.sha256(f"{FORMAT}\n{sys.version}\n{_installed_packages()}".encode()).hexdigest()}
    for path in inputs:
        parts[path.name] = tree_digest(path, hashes) if path.exists() else "-"
    return parts


def environment() -> dict:
    """What must be the same wherever a school is built for its site to be byte-identical: the
    digest of careportal's code and the installed distributions (the parts of every cache key
    that do not depend on the data), and Python's version. Compared across a cluster's workers."""
    return {"careportal": tree_digest(PACKAGE, FileHashes(Path(os.devnull))),
            "python": sys.version, "format": FORMAT,
            "packages": sorted(_installed_packages().splitlines())}


def county_key(parts: dict[str, str]) -> str:
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()


def school_key(county: str, folder: Path, hashes: FileHashes) -> str:
    return hashlib.sha256(f"{county}\n{tree_digest(folder, hashes)}".encode()).hexdigest()


@dataclass
class SchoolEntry:
    """What the published `out/<slug>/` was built from."""

    key: str
    valid_from: date
    valid_until: date
    published: tuple[int, int]  # (st_dev, st_ino) of out/<slug> right after it was swapped in
    pages: int = 0
    problems: list[Problem] = field(default_factory=list)  # its warnings (the gate report, the count shown)
    portal: bytes = b""  # a pickled PortalSource: what the county portal shows of this school
    portal_hash: str = ""
    gate: dict = field(default_factory=dict)  # its part of the gate report (check.school_report)

    def current(self, key: str, today: date) -> bool:
        """Built from these inputs, for a day on which its pages are the same as `today`'s."""
        return key == self.key and self.valid_from <= today < self.valid_until

    def still_valid(self, key: str, today: date, target: Path) -> bool:
        if not self.current(key, today):
            return False
        try:
            stat = target.stat()
        except OSError:
            return False
        return (stat.st_dev, stat.st_ino) == self.published


def published_id(target: Path) -> tuple[int, int]:
    stat = target.stat()
    return stat.st_dev, stat.st_ino


class BuildCache:
    """The cache of one output folder, inside the work directory."""

    def __init__(self, work: Path, out: Path) -> None:
        self.base = work / "cache"
        self.dir = self.base / hashlib.sha256(str(out).encode()).hexdigest()[:16]
        self.files = FileHashes(self.base / "files.pkl")
        self._keys: dict[tuple[str, str], str] = {}  # one walk of each folder per build

    def county_key(self, inputs: list[Path]) -> tuple[str, list[str]]:
        """The county part of every key, and what changed in it since the last run (names)."""
        parts = county_parts(inputs, self.files)
        before = _read_pickle(self.dir / "county.pkl")
        changed = sorted(k for k in parts if isinstance(before, dict) and before.get(k) != parts[k])
        if before != parts:
            _write_atomic(self.dir / "county.pkl", pickle.dumps(parts))
        return county_key(parts), changed

    def school_key(self, county: str, folder: Path) -> str:
        """The folder's key, hashed once per build (the skip decision and the kept facts both ask)."""
        known = self._keys.get((county, str(folder)))
        if known is None:
            known = self._keys[(county, str(folder))] = school_key(county, folder, self.files)
        return known

    def rehash(self) -> None:
        """Forget the folders' keys of this build: after schools were built (minutes, for a county)
        the portal's gate hashes them again, so a register edited meanwhile is read as it is now."""
        self._keys.clear()

    def known_schools(self) -> list[str]:
        folder = self.dir / "schools"
        return sorted(p.stem for p in folder.glob("*.pkl")) if folder.is_dir() else []

    def _school_path(self, slug: str) -> Path:
        return self.dir / "schools" / f"{slug}.pkl"

    def school(self, slug: str) -> Optional[SchoolEntry]:
        entry = _read_pickle(self._school_path(slug))
        if isinstance(entry, SchoolEntry) and all(hasattr(entry, f.name) for f in dataclasses.fields(SchoolEntry)):
            return entry
        return None  # none, or written by another version of careportal

    def store_school(self, slug: str, entry: SchoolEntry) -> None:
        _write_atomic(self._school_path(slug), pickle.dumps(entry, protocol=pickle.HIGHEST_PROTOCOL))

    def forget_school(self, slug: str) -> None:
        try:
            self._school_path(slug).unlink()
        except FileNotFoundError:
            pass

    def portal_key(self) -> Optional[str]:
        try:
            return (self.dir / "portal.key").read_text(encoding="ascii")
        except OSError:
            return None

    def store_portal_key(self, key: Optional[str]) -> None:
        if key is None:
            (self.dir / "portal.key").unlink(missing_ok=True)
        else:
            _write_atomic(self.dir / "portal.key", key.encode("ascii"))

    def save(self, partial: bool = False) -> None:
        self.files.save(partial)


# ---------------------------------------------------------------------------------------------
# What the county portal shows of a school, kept so the portal can be rebuilt without reloading
# every school


@dataclass
class PortalSource:
    """A school as `views.portal_view` reads it, small enough to load a thousand of: its site view
    with only the newest PORTAL_NEWS news, no other activity, policy, resource or summary views
    and no page bodies; and its latest term summary. (test_bureau_portal checks that the portal
    made from these equals the portal made from full views.)"""

    site: SchoolSite
    records: SchoolRecords
    report: Any = None  # report.content.SchoolPart: what the county's 工作情况汇报 sums


# Lists of SchoolSite the portal does not read: every record kind's views, and their groupings.
NOT_ON_PORTAL = (*FOLDERS, "months", "kinds", "care_rooms")


def _without_bodies(value: Any, memo: dict[int, Any]) -> Any:
    """A copy of a view tree with every `body_html` emptied; shared objects stay shared."""
    if id(value) in memo:
        return memo[id(value)]
    result = value
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        changes = {}
        for f in dataclasses.fields(value):
            if not f.init:
                continue
            current = getattr(value, f.name)
            new = Markup("") if f.name == "body_html" else _without_bodies(current, memo)
            if new is not current:
                changes[f.name] = new
        result = dataclasses.replace(value, **changes) if changes else value
    elif isinstance(value, (list, tuple)):
        items = [_without_bodies(v, memo) for v in value]
        if any(a is not b for a, b in zip(items, value)):
            result = type(value)(items) if isinstance(value, list) else tuple(items)
    memo[id(value)] = result
    return result


def portal_source(site: SchoolSite, records: SchoolRecords, report: Any = None) -> tuple[bytes, str]:
    """The school as the portal needs it, pickled, and a hash of its content."""
    from generator.site.views import PORTAL_NEWS

    def slim(item: Optional[Loaded]) -> Optional[Loaded]:
        return dataclasses.replace(item, doc=None) if item is not None else None  # line numbers: not needed

    newest = sorted(site.news, key=lambda a: (a.date_iso, a.path), reverse=True)[:PORTAL_NEWS]
    lighter = dataclasses.replace(site, news=newest, **{name: [] for name in NOT_ON_PORTAL if hasattr(site, name)})
    source = PortalSource(_without_bodies(lighter, {}), SchoolRecords(
        slug=records.slug, folder=records.folder, summaries=[slim(s) for s in records.summaries[:1]], problems=Problems()),
        report)
    return pickle.dumps(source, protocol=pickle.HIGHEST_PROTOCOL), digest(source)


def read_portal_source(data: bytes) -> Optional[PortalSource]:
    try:
        source = pickle.loads(data)
    except Exception:
        return None
    return source if isinstance(source, PortalSource) else None
