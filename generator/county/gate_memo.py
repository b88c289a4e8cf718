"""The records gate's results kept between builds, one file per school in the work directory
(see records_gate.check_records: keyed by each record file's bytes, the register's hash and
everything else the text checks read). Only the keys used by the latest build are kept."""

from __future__ import annotations

import pickle
from pathlib import Path

from generator.county.cache import _read_pickle, _write_atomic
from generator.digest import digest
from generator.problems import Problem

FORMAT = "records-gate-1"


class GateMemo(dict):
    """A dict of key → problems, loaded from and saved to one school's file."""

    def __init__(self, path: Path, version: str = FORMAT) -> None:
        super().__init__()
        self.path, self.version = path, version  # kept entries of another version are not read
        loaded = _read_pickle(path)
        self.known: dict[str, list[Problem]] = (loaded[1] if isinstance(loaded, tuple) and len(loaded) == 2
                                                and loaded[0] == version and isinstance(loaded[1], dict) else {})
        self.hits = 0

    def get(self, key, default=None):
        if key in self:
            return self[key]
        found = self.known.get(key)
        if found is not None:
            self.hits += 1
            self[key] = found
            return found
        return default

    def save(self) -> None:
        if dict(self) != self.known:
            _write_atomic(self.path, pickle.dumps((self.version, dict(self)), protocol=pickle.HIGHEST_PROTOCOL))


def school_memo(work: Path, slug: str) -> GateMemo:
    return GateMemo(work / "cache" / "records-gate" / f"{slug}.pkl")


def county_documents(folder: Path, county_key: str) -> GateMemo:
    """The county's 工作情况汇报 documents as made and gate-checked by earlier builds: key →
    (document or None, its problems), see report.pages.checked_docx. Made with careportal's
    code and the county's files of `county_key`; python-docx takes seconds per document with a
    thousand schools' rows, and most portal rebuilds change no school's term figures."""
    return GateMemo(folder / "county-reports.pkl", f"county-reports-1|{county_key}")


class PortalFacts:
    """Each school folder's `SchoolFacts` for the portal's gate, and a digest of them, kept by the
    folder's build key (`cache.school_key`: the county part and every file of the folder, the
    register included), in one file of the work directory. Only the keys of this build are kept."""

    FORMAT = "portal-facts-2"  # key → (SchoolFacts, digest of them)

    def __init__(self, path: Path, key_of, compute) -> None:
        self.path, self.key_of, self.compute = path, key_of, compute
        loaded = _read_pickle(path)
        self.known = (loaded[1] if isinstance(loaded, tuple) and len(loaded) == 2 and loaded[0] == self.FORMAT
                      and isinstance(loaded[1], dict) else {})
        self.used: dict = {}
        self.computed = 0

    def _entry(self, folder: Path) -> tuple:
        key = self.key_of(folder)
        found = self.used.get(key) or self.known.get(key)  # asked again in one build: computed once
        if found is None:
            facts = self.compute(folder)
            found = (facts, digest(facts))
            self.computed += 1
        self.used[key] = found
        return found

    def __call__(self, folder: Path):
        return self._entry(folder)[0]

    def digest(self, folder: Path) -> str:
        """What the portal's gate reads of this folder, as a digest: part of the portal's key."""
        return self._entry(folder)[1]

    def save(self) -> None:
        if self.used.keys() != self.known.keys():
            _write_atomic(self.path, pickle.dumps((self.FORMAT, self.used), protocol=pickle.HIGHEST_PROTOCOL))
