"""Stage 4, build: one school's generated MkDocs project → static files, through MkDocs' Python API.

Runs the plugins' startup and shutdown hooks around every build, as the `mkdocs build` command
does: plugin objects are shared process-wide, and skipping shutdown leaks their temp folders.

A worker process builds many schools one after another, so this module keeps what does not
change between them: compiled theme templates (a Jinja bytecode cache) and the list of the
theme's static files. Material's own assets (stylesheets, scripts, icons: 2.5 MB) are not copied
into every school: one copy is kept for the county (`publish_theme_assets`) and each school's
assets/ holds hard links to it; careportal's own theme files (assets/careportal/) likewise.
Pages are exactly what MkDocs writes (they still load `assets/…` from their own site, so a
school's folder works on its own, from file:// and from any sub-path), but the bytes are stored
once.
"""

from __future__ import annotations

import json
import logging
import os
import secrets
import shutil
from contextlib import contextmanager
from datetime import date, datetime, time, timezone
from importlib.metadata import version
from pathlib import Path
from typing import Iterator, Optional

os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
os.environ.setdefault("DISABLE_MKDOCS_2_WARNING", "true")

import jinja2  # noqa: E402
import material  # noqa: E402
from mkdocs.commands.build import build as mkdocs_build  # noqa: E402
from mkdocs.config import load_config  # noqa: E402
from mkdocs.plugins import BasePlugin  # noqa: E402

from generator.ids import opaque  # noqa: E402

MATERIAL_ASSETS = Path(material.__file__).resolve().parent / "templates" / "assets"
THEME_LANGUAGES = MATERIAL_ASSETS.parent / "partials" / "languages"  # the theme's interface words
THEME_STORE = ".careportal-theme"  # in the output folder: the county's one copy of Material's assets
OWN_ASSETS = "assets/careportal/"  # careportal's stylesheets, scripts and images in a school's docs
SHARED_FILES = "careportal-files"  # in THEME_STORE: one copy of each of them, named by content


def publish_theme_assets(out: Path, clean_leftovers: bool = True) -> Path:
    """Make sure `out/.careportal-theme/material-<version>/` holds Material's assets; returns it.

    Copied beside its final place and renamed in, so it is either absent or complete. A new
    Material version gets a new folder; schools linked to the old one keep their files. Builds
    running at once (shards) may race here: the first rename wins, the others drop their copy; a
    shard passes `clean_leftovers=False`, since another one's copy in progress is no leftover."""
    target = out / THEME_STORE / f"material-{version('mkdocs-material')}"
    if clean_leftovers and target.parent.is_dir():  # leftovers from a build that was killed while copying
        for leftover in [*target.parent.glob("*.tmp"), *(target.parent / SHARED_FILES).glob("*.tmp")]:
            shutil.rmtree(leftover, ignore_errors=True) if leftover.is_dir() else leftover.unlink(missing_ok=True)
    if target.is_dir():
        return target
    staged = target.with_name(f"{target.name}.{_unique()}.tmp")
    shutil.copytree(MATERIAL_ASSETS, staged)
    try:
        os.rename(staged, target)
    except OSError:
        if not target.is_dir():
            raise
        shutil.rmtree(staged, ignore_errors=True)  # another build put its copy in first
    return target


def _unique() -> str:
    """A temporary name's tag, unique across processes and machines sharing the output."""
    return f"{os.getpid()}.{secrets.token_hex(6)}"


def _shared_copy(folder: Path, source: Path) -> Path:
    """The county's one copy of `source`, named by its content (written once, renamed in)."""
    data = source.read_bytes()
    target = folder / (opaque(data) + source.suffix)
    if not target.is_file():
        folder.mkdir(parents=True, exist_ok=True)
        staged = target.with_name(f"{target.name}.{_unique()}.tmp")
        staged.write_bytes(data)
        os.replace(staged, target)
    return target


def _link_or_copy(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(source, target)
    except OSError:  # another file system, or one without hard links
        shutil.copyfile(source, target)


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def quiet_mkdocs() -> None:
    logging.getLogger("mkdocs").setLevel(logging.WARNING)
    logging.getLogger("jieba").setLevel(logging.WARNING)
    try:
        import jieba

        jieba.setLogLevel(logging.WARNING)
    except ImportError:  # pragma: no cover - jieba is a pinned dependency
        pass


def warm_up() -> None:
    """Pay a worker's one-off costs before its first school: imports and jieba's two
    dictionaries (the two-script one that rendering and search use, see hant.py, and the plain
    one the privacy gate tags names with, see detect.py)."""
    quiet_mkdocs()
    from generator.site.hant import use_search_dictionary
    from generator.privacy.detect import name_tagger

    use_search_dictionary()
    name_tagger()


def _plain_search_index(site_dir: Path) -> None:
    """Material writes its search index with every Chinese character as a \\uXXXX escape, six
    bytes where UTF-8 needs three. The same JSON is written again as UTF-8, about half the size:
    `search_index.json` (read over http) and, if the offline plugin made it, `search_index.js`
    (the same data as a script, read from file://). U+2028/U+2029 stay escaped for old browsers'
    JavaScript parsers."""
    index = site_dir / "search" / "search_index.json"
    if not index.is_file():
        return
    text = search_index_text(json.loads(index.read_text(encoding="utf-8")))
    index.write_text(text, encoding="utf-8")
    script = index.with_suffix(".js")
    if script.is_file():
        script.write_text(f"var __index = {text}", encoding="utf-8")


def search_index_text(data: dict) -> str:
    """The search index as written into a site: UTF-8 JSON (see `_plain_search_index`)."""
    return (json.dumps(data, ensure_ascii=False, separators=(",", ":"))
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def search_segment(text: str) -> str:
    """Chinese text cut into search words exactly as Material's search plugin does it."""
    from material.plugins.search.plugin import SearchIndex

    return SearchIndex._segment_chinese(None, text)


class _MemoryBytecodeCache(jinja2.BytecodeCache):
    """Compiled templates kept for the life of the process (Jinja checks the source checksum)."""

    def __init__(self) -> None:
        self._store: dict[str, bytes] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        data = self._store.get(bucket.key)
        if data is not None:
            bucket.bytecode_from_string(data)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self._store[bucket.key] = bucket.bytecode_to_string()


_BYTECODE = _MemoryBytecodeCache()
_THEME_LISTING: dict[tuple, list[str]] = {}


class _ReuseAcrossBuilds(BasePlugin):
    """Added in code (not in mkdocs.yml) to every build this module runs.

    - The theme's Jinja environment gets a process-wide bytecode cache and a memoised list of
      the theme's static files (MkDocs otherwise re-compiles ~30 templates and walks Material's
      14,000 icon files on every build).
    - With a theme store, MkDocs does not copy Material's asset files; `link_theme_assets`
      hard-links the store's copies to the same places after the build.
    """

    def __init__(self, store: Optional[Path]) -> None:
        super().__init__()
        self.store = store
        self.linked: list[tuple[Path, Path]] = []  # (store file, file in the site)

    def on_config(self, config):
        theme = config.theme
        original = theme.get_env

        def get_env() -> jinja2.Environment:
            env = original()
            env.bytecode_cache = _BYTECODE
            key = (tuple(theme.dirs), tuple(sorted(theme.static_templates)))
            list_all = env.list_templates

            def list_templates(extensions=None, filter_func=None):
                if extensions is not None or filter_func is None:
                    return list_all(extensions, filter_func)
                if key not in _THEME_LISTING:
                    _THEME_LISTING[key] = list_all(filter_func=filter_func)
                return list(_THEME_LISTING[key])

            env.list_templates = list_templates
            return env

        theme.get_env = get_env
        return config

    def on_files(self, files, config):
        if self.store is None:
            return files
        for file in list(files):
            src = Path(file.abs_src_path).resolve() if file.abs_src_path else None
            if src is not None and src.is_relative_to(MATERIAL_ASSETS):
                source = self.store / src.relative_to(MATERIAL_ASSETS)
                if source.is_file():
                    files.remove(file)
                    self.linked.append((source, Path(file.abs_dest_path)))
            elif src is not None and file.src_uri.startswith(OWN_ASSETS) and not file.is_documentation_page():
                files.remove(file)  # careportal's own theme files: the same in every school and script
                self.linked.append((_shared_copy(self.store.parent / SHARED_FILES, src), Path(file.abs_dest_path)))
        return files

    def link_theme_assets(self) -> None:
        for source, target in self.linked:
            _link_or_copy(source, target)


@contextmanager
def _source_date(day: Optional[date]) -> Iterator[None]:
    """MkDocs dates the sitemap (and the gzip header of sitemap.xml.gz) from SOURCE_DATE_EPOCH."""
    if day is None:
        yield
        return
    saved = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = str(int(datetime.combine(day, time(), timezone.utc).timestamp()))
    try:
        yield
    finally:
        if saved is None:
            os.environ.pop("SOURCE_DATE_EPOCH", None)
        else:
            os.environ["SOURCE_DATE_EPOCH"] = saved


def build_site(config_file: Path, *, theme_store: Optional[Path] = None,
               content_date: Optional[date] = None) -> list[str]:
    """Build one MkDocs project; returns the warnings MkDocs logged. Raises on failure.

    With `theme_store` (from `publish_theme_assets`), Material's assets are hard-linked from it
    instead of copied. `content_date` dates the sitemap (otherwise the build date is used)."""
    quiet_mkdocs()
    collector = _Collect()
    logger = logging.getLogger("mkdocs")
    logger.addHandler(collector)
    try:
        with _source_date(content_date):
            config = load_config(config_file=str(config_file))
            reuse = _ReuseAcrossBuilds(theme_store)
            config.plugins["careportal/reuse"] = reuse
            config.plugins.on_startup(command="build", dirty=False)
            try:
                mkdocs_build(config)
            finally:
                config.plugins.on_shutdown()
            reuse.link_theme_assets()
            _plain_search_index(Path(config.site_dir))
    finally:
        logger.removeHandler(collector)
    return collector.messages
