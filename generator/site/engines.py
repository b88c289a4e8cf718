"""The two build engines careportal can run over the same generated project: MkDocs with
Material (the default) and Zensical (`careportal build --engine zensical`). What differs between
them for the rest of careportal is here: how a project is built, where the theme's assets and
interface words are, and how the search index and the page's `__config` are written."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Callable, Optional

ENGINES = ("mkdocs", "zensical")
DEFAULT = "mkdocs"


@dataclass(frozen=True)
class Engine:
    name: str
    languages: Path  # the theme's translations (partials/languages/<code>.html)
    search_index: str  # the search index's path inside a site
    search_script_end: str  # after the index in its file:// script copy (`var __index = …`)
    segment: Callable[[str], str]  # text → search words, as the engine's index holds them
    index_text: Callable[[dict], str]  # the index as the engine writes it
    config_text: Callable[[dict], str]  # a page's `__config` JSON as the engine writes it
    publish_theme_assets: Callable[[Path], Path]  # the county's one copy of the theme's assets
    build: Callable[..., list[str]]  # (config, site_dir, theme_store=, content_date=) → warnings
    warm_up: Callable[[], None]
    templates: Optional[Path] = None  # the theme's templates, for the output gate (None: Material's)


def _material_config_text(data: dict) -> str:
    import json

    from jinja2.utils import htmlsafe_json_dumps

    return str(htmlsafe_json_dumps(data, dumps=functools.partial(json.dumps, sort_keys=True)))


@functools.lru_cache(maxsize=None)
def engine(name: str) -> Engine:
    if name == "mkdocs":
        from generator.site import mkdocs_build as m

        def build(config: Path, site_dir: Path, *, theme_store: Optional[Path] = None,
                  content_date: Optional[date] = None) -> list[str]:
            return m.build_site(config, theme_store=theme_store, content_date=content_date)

        return Engine("mkdocs", m.THEME_LANGUAGES, "search/search_index.json", "", m.search_segment,
                      m.search_index_text, _material_config_text, m.publish_theme_assets, build, m.warm_up)
    if name == "zensical":
        from generator.site import mkdocs_build as m
        from generator.site import zensical_build as z

        return Engine("zensical", z.THEME_LANGUAGES, z.SEARCH_INDEX, ";", z.search_segment, z.search_index_text,
                      z.app_config_text, z.publish_theme_assets, z.build_site, m.warm_up, z.ZENSICAL_TEMPLATES)
    raise ValueError(f"unknown engine {name!r}")
