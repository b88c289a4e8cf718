"""Stage 4 on the second engine: one school's generated project → static files with Zensical
(`careportal build --engine zensical`), from the same `mkdocs.yml` MkDocs reads.

Zensical reads mkdocs.yml (INHERIT, nav, theme, extra, built-in plugins; `theme.variant:
classic` keeps Material's look) but writes only inside the project: `site_dir` is `site` in the
project folder, and the finished site is moved to its staging place. Its search index
(`search.json`, and `search.js` for file://) holds plain text: the browser segments Chinese
with `Intl.Segmenter`, so jieba is not involved.

Zensical's theme assets are the same bytes in every school: after a build they are replaced by
hard links to one copy for the county (`<out>/.careportal-theme/zensical-<version>/`), like
Material's (mkdocs_build.py); careportal's own files likewise.

Zensical runs in this process (its Rust core calls back into Python for Markdown); what it
prints is collected and returned as warnings, except its success lines.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from contextlib import contextmanager
from datetime import date
from importlib.metadata import version
from pathlib import Path
from typing import Iterator, Optional

import zensical

from generator.site.mkdocs_build import OWN_ASSETS, SHARED_FILES, THEME_STORE, _link_or_copy, _shared_copy, _source_date

ZENSICAL_TEMPLATES = Path(zensical.__file__).resolve().parent / "templates"
ZENSICAL_ASSETS = ZENSICAL_TEMPLATES / "assets"
THEME_LANGUAGES = ZENSICAL_TEMPLATES / "partials" / "languages"
SEARCH_INDEX = "search.json"
QUIET = ("Build started", "No issues found", "Build finished")


def publish_theme_assets(out: Path, clean_leftovers: bool = True) -> Path:
    """`out/.careportal-theme/zensical-<version>/`: one copy of Zensical's theme assets (the same
    signature as MkDocs'; there are no leftovers of other builds to clean here)."""
    target = out / THEME_STORE / f"zensical-{version('zensical')}"
    if target.is_dir():
        return target
    staged = target.with_name(target.name + f".{os.getpid()}.tmp")
    shutil.rmtree(staged, ignore_errors=True)
    shutil.copytree(ZENSICAL_ASSETS, staged)
    try:
        os.rename(staged, target)
    except OSError:  # another process was first
        shutil.rmtree(staged, ignore_errors=True)
    return target


@contextmanager
def _captured_output() -> Iterator[list[str]]:
    """What the Rust core writes to stdout and stderr (file descriptors 1 and 2)."""
    lines: list[str] = []
    with tempfile.TemporaryFile() as capture:
        saved = os.dup(1), os.dup(2)
        try:
            os.dup2(capture.fileno(), 1)
            os.dup2(capture.fileno(), 2)
            yield lines
        finally:
            os.dup2(saved[0], 1)
            os.dup2(saved[1], 2)
            os.close(saved[0])
            os.close(saved[1])
            capture.seek(0)
            lines += capture.read().decode("utf-8", "replace").splitlines()


def _link_store(site: Path, store: Path) -> None:
    """Replace the theme's and careportal's asset files in `site` by hard links to one copy."""
    assets = site / "assets"
    for path in sorted(p for p in assets.rglob("*") if p.is_file()):
        rel = path.relative_to(assets)
        if rel.as_posix().startswith(OWN_ASSETS[len("assets/"):]):
            source = _shared_copy(store.parent / SHARED_FILES, path)
        else:
            source = store / rel
            if not source.is_file() or source.stat().st_size != path.stat().st_size \
                    or source.read_bytes() != path.read_bytes():
                continue
        path.unlink()
        _link_or_copy(source, path)


def build_site(config_file: Path, site_dir: Path, *, theme_store: Optional[Path] = None,
               content_date: Optional[date] = None) -> list[str]:
    """Build one project with Zensical into `site_dir`; returns what it warned about."""
    project = config_file.parent
    built = project / "site"
    shutil.rmtree(built, ignore_errors=True)
    with _source_date(content_date), _captured_output() as lines:
        zensical.build(str(config_file.resolve()), {"clean": False, "strict": False})
    if not (built / "index.html").is_file():
        raise RuntimeError("Zensical：" + " ".join(lines[-5:]))
    if site_dir.exists():
        shutil.rmtree(site_dir)
    site_dir.parent.mkdir(parents=True, exist_ok=True)
    shutil.move(str(built), str(site_dir))
    if theme_store is not None:
        _link_store(site_dir, theme_store)
    return [line for line in (x.strip() for x in lines) if line and not line.startswith(QUIET)]


def search_segment(text: str) -> str:
    """Zensical's index is not segmented at build time (the browser's Intl.Segmenter does it)."""
    return text


def search_index_text(data: dict) -> str:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def app_config_text(data: dict) -> str:
    """The page's `__config` as Zensical writes it: compact UTF-8 JSON, safe inside <script>."""
    return (json.dumps(data, ensure_ascii=False, separators=(",", ":"))
            .replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))
