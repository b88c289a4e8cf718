"""Shared test helpers: the repository, the real CLI in a child process, a writable copy of the
demo data root, and a local HTTP server. Imported by tests as `helpers` (pytest puts tests/ on the
path); fixtures stay in conftest.py."""

from __future__ import annotations

import contextlib
import functools
import os
import shutil
import subprocess
import sys
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent.parent
# The demo county is dated around this day; builds in tests are reproducible with it.
DEMO_EPOCH = "1795392000"  # 2026-11-23 00:00 UTC
TEST_ENGINE = os.environ.get("CAREPORTAL_TEST_ENGINE", "mkdocs")  # or zensical: the demo build's engine
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--disable-default-apps", "--disable-extensions",
]


def run_cli(*args: str, cwd: Path | None = None, env: dict | None = None) -> subprocess.CompletedProcess:
    """Run the real `careportal` command line in a child process."""
    full_env = {**os.environ, "SOURCE_DATE_EPOCH": DEMO_EPOCH, **(env or {})}
    return subprocess.run([sys.executable, "-m", "generator.cli", *args], cwd=cwd or REPO, env=full_env,
                          capture_output=True, text=True, timeout=600)


def copy_demo(root: Path, slugs: list[str] | None = None) -> Path:
    """A writable copy of the demo data root at `root`: content/ and the given schools (all by
    default), without any private/ register."""
    (root / "schools").mkdir(parents=True)
    shutil.copytree(REPO / "content", root / "content")
    for slug in slugs if slugs is not None else sorted(p.name for p in (REPO / "schools").iterdir() if p.is_dir()):
        shutil.copytree(REPO / "schools" / slug, root / "schools" / slug, ignore=shutil.ignore_patterns("private"))
    return root


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args, **kwargs) -> None:  # no access log in test output
        pass


@contextlib.contextmanager
def serve(directory: Path):
    """Serve a folder on 127.0.0.1 (a free port); yields the base URL."""
    handler = functools.partial(_QuietHandler, directory=str(directory))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
