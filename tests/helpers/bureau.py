"""Worker tasks for tests of the worker pool (module level, so spawned workers can import them)."""

from __future__ import annotations

import os

from generator.county.results import SchoolResult
from generator.county.school_build import SchoolBuild

CRASHING = "crash-me"


def crash_on_one_school(slug: str) -> SchoolBuild:
    """Stands in for a build whose worker process dies (a segfault, the OOM killer)."""
    if slug == CRASHING:
        os._exit(3)
    return SchoolBuild(SchoolResult(slug, "built", [], pages=os.getpid()))
