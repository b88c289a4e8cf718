"""The records gate's results kept between builds, one file per school in the work directory
(see records_gate.check_records: keyed by each record file's bytes, the register's hash and
everything else the text checks read). Only the keys used by the latest build are kept."""

from __future__ import annotations

import pickle
from pathlib import Path

from generator.county.cache import _read_pickle, _write_atomic
from generator.problems import Problem

FORMAT = "records-gate-1"


class GateMemo(dict):
    """A dict of key → problems, loaded from and saved to one school's file."""

    def __init__(self, path: Path) -> None:
        super().__init__()
        self.path = path
        loaded = _read_pickle(path)
        self.known: dict[str, list[Problem]] = (loaded[1] if isinstance(loaded, tuple) and len(loaded) == 2
                                                and loaded[0] == FORMAT and isinstance(loaded[1], dict) else {})
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
            _write_atomic(self.path, pickle.dumps((FORMAT, dict(self)), protocol=pickle.HIGHEST_PROTOCOL))


def school_memo(work: Path, slug: str) -> GateMemo:
    return GateMemo(work / "cache" / "records-gate" / f"{slug}.pkl")
