"""A real build killed (SIGKILL, the whole process group) at random instants leaves the published
tree complete and consistent: every school folder there, each entirely old or entirely new, the
portal there; and the next run finishes the job."""

from __future__ import annotations

import hashlib
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

from helpers import DEMO_EPOCH, REPO, copy_demo

SCHOOLS = ["huangshan-cun", "runhe-youeryuan"]
KILLS = 5


def tree_hash(folder: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            digest.update(path.relative_to(folder).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def state(out: Path) -> dict[str, str]:
    found = {slug: tree_hash(out / slug) for slug in SCHOOLS}
    for name in ("index.html", "portal.css"):
        found[name] = hashlib.sha256((out / name).read_bytes()).hexdigest()
    return found


def start_build(root: Path, out: Path, work: Path) -> subprocess.Popen:
    env = {**os.environ, "SOURCE_DATE_EPOCH": DEMO_EPOCH}
    return subprocess.Popen([sys.executable, "-m", "generator.cli", "build", "--root", str(root), "--out", str(out),
                             "--work", str(work), "--jobs", "2"], cwd=REPO, env=env, start_new_session=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def kill_group(process: subprocess.Popen) -> None:
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    process.wait(timeout=30)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:  # the workers die with the build
        try:
            os.killpg(process.pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.05)
    raise AssertionError("worker processes outlived the killed build")


def test_a_build_killed_at_any_instant_leaves_a_complete_consistent_tree(tmp_path):
    root, out, work = copy_demo(tmp_path / "root", SCHOOLS), tmp_path / "site", tmp_path / "work"
    started = time.monotonic()
    first = start_build(root, out, work)
    assert first.wait(timeout=600) == 0
    duration = time.monotonic() - started
    old = state(out)
    saved = tmp_path / "saved"
    shutil.copytree(out, saved / "site", symlinks=True)
    shutil.copytree(work, saved / "work", symlinks=True)

    # A new bureau name changes every page of every school and the portal.
    bureau = root / "content" / "bureau.yml"
    text = bureau.read_text(encoding="utf-8")
    name = next(line for line in text.splitlines() if line.startswith("name: "))
    bureau.write_text(text.replace(name, name + "（新）", 1), encoding="utf-8")

    rng = random.Random(int(os.environ.get("CAREPORTAL_KILL_SEED", "5")))
    seen = []
    for i in range(KILLS):
        # Each run starts from the published old tree, and is killed at a random point of a build
        # (spread over start-up, the schools' swaps and the portal).
        shutil.rmtree(out)
        shutil.rmtree(work)
        shutil.copytree(saved / "site", out, symlinks=True)
        shutil.copytree(saved / "work", work, symlinks=True)
        delay = 1.2 * duration * (i + rng.random()) / KILLS
        build = start_build(root, out, work)
        time.sleep(delay)
        kill_group(build)
        now = state(out)  # raises if a school folder or the portal is missing
        seen.append((round(delay, 2), now))
        for slug in SCHOOLS:
            assert (out / slug / "index.html").is_file()

    finished = start_build(root, out, work)
    assert finished.wait(timeout=600) == 0
    new = state(out)
    assert all(new[key] != old[key] for key in SCHOOLS + ["index.html"]), "the edit changes every school and the portal"
    for delay, found in seen:
        for key, value in found.items():
            assert value in (old[key], new[key]), f"killed after {delay}s: {key} is neither the old nor the new one"
    assert any(found[s] == new[s] for _, found in seen for s in SCHOOLS), "no kill landed after a school was swapped in"
    assert any(found[s] == old[s] for _, found in seen for s in SCHOOLS)
