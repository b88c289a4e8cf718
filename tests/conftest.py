"""Shared fixtures: a real build of the demo county, a local HTTP server and a real Chromium."""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers import CHROMIUM, CHROMIUM_ARGS, REPO, TEST_ENGINE, copy_demo, run_cli



@pytest.fixture(scope="session")
def demo_site(tmp_path_factory) -> Path:
    """The demo county built once per test session with the real CLI, by the engine named in
    CAREPORTAL_TEST_ENGINE (mkdocs by default; CI runs the site and browser tests with both)."""
    base = tmp_path_factory.mktemp("demo")
    out, work = base / "site", base / "work"
    result = run_cli("build", "--root", str(REPO), "--out", str(out), "--work", str(work), "--engine", TEST_ENGINE)
    assert result.returncode == 0, result.stdout + result.stderr
    return out


@pytest.fixture()
def data_root(tmp_path) -> Path:
    """A writable copy of the demo data root (content/ and schools/) for tests that change records."""
    return copy_demo(tmp_path / "root")


@pytest.fixture(scope="session")
def chromium():
    """Debian's Chromium driven by Playwright (no browser download)."""
    from playwright.sync_api import sync_playwright

    assert Path(CHROMIUM).exists(), "需要 Debian 的 chromium（make test 会自动安装）"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()
