"""Stage 3, render: view models → each school's MkDocs project (Markdown pages + config), and the
county portal page, all through Jinja templates under theme/ with autoescape on.

Pages are Markdown files whose content is HTML written by the templates: staff text is escaped by
Jinja and bodies come pre-sanitised from richtext.py, so no Markdown extension syntax in content
(admonitions, attribute lists, snippets …) is ever interpreted. MkDocs adds navigation, search and
the theme around them.
"""

from __future__ import annotations

import json
import re
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Optional, Sequence

import yaml
from jinja2 import Environment, FileSystemLoader, StrictUndefined

from generator.site.calendar import school_calendar
from generator.site.feeds import county_feed, school_feed
from generator.site.hans import to_hans
from generator.site.hant import to_hant, use_search_dictionary
from generator.site.hant_site import HantRules, Scripts, build_hant_site, interface_words
from generator.site.engines import DEFAULT as DEFAULT_ENGINE, engine
from generator.theme import Layout
from generator.ids import opaque
from generator.privacy.photos import write_photos
from generator.site.qr import qr_svg
from generator.site import urls
from generator.site.theme_values import checked_config, theme_text, theme_url
from generator.site.views import Portal, SchoolSite


# Page front matter (titles, descriptions, link-card titles) is theme context too: the same function.
meta_text = theme_text


def environment(theme: Path, folder: str) -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(theme / folder)),
        autoescape=True,
        undefined=StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=False,
    )
    env.filters["meta_text"] = meta_text
    env.globals["urls"] = urls.TEMPLATE_URLS  # the one table of page URLs
    env.policies["json.dumps_function"] = _front_matter_json
    # Chinese stays readable in front matter (and convertible to zh-Hant); <, >, & and ' are still escaped
    env.policies["json.dumps_kwargs"] = {"sort_keys": True, "ensure_ascii": False}
    return env


_SURROGATE_PAIR = re.compile(r"(?<!\\)((?:\\\\)*)\\u(d[89ab][0-9a-f]{2})\\u(d[c-f][0-9a-f]{2})")


def _front_matter_json(value, **kwargs) -> str:
    """`tojson` for page front matter, which MkDocs reads as YAML: YAML turns JSON's surrogate pair
    for an emoji into two lone surrogates (and the page loses its title), so write one `\\U` escape."""
    def astral(match: re.Match) -> str:
        return match[1] + "\\U%08x" % (0x10000 + ((int(match[2], 16) - 0xD800) << 10) + int(match[3], 16) - 0xDC00)

    return _SURROGATE_PAIR.sub(astral, json.dumps(value, **kwargs))


@dataclass(frozen=True)
class ExtraFile:
    """A file another layer made for a school's site (a term report's page or .docx), by script:
    `content[lang]` is written to `docs/path` of that script's site."""

    path: str
    content: dict[str, bytes]


@dataclass(frozen=True)
class RenderedSchool:
    slug: str
    project: Path  # the generated MkDocs project folder
    configs: list[Path]  # MkDocs configs to build, in this order (one: the zh-Hans site)
    pages: int
    hant_files: Optional[Path] = None  # the zh-Hant take-home files (feed, calendar, notice, QR codes)
    site_url: Optional[str] = None  # the zh-Hans site's URL, if the county has one


@dataclass(frozen=True)
class Script:
    """One of the two scripts every school site is published in."""

    lang: str  # BCP 47, for <html lang>, hreflang and feeds
    theme_language: str  # Material's translation of its own interface
    og_locale: str
    speech: str  # speech synthesis voice
    convert: Callable[[str], str]
    subdir: str  # where this script's site lives inside the school's folder
    other_lang: str
    other_label: str  # the language switch, written in the other script
    other_prefix: str  # from this site's root to the same page in the other script
    portal: str  # from this site's root to the county portal


HANS = Script("zh-Hans", "zh", "zh_CN", "zh-CN", to_hans, "", "zh-Hant", "繁體中文", "zh-Hant/", "../index.html")
HANT = Script("zh-Hant", "zh-Hant", "zh_TW", "zh-TW", to_hant, "zh-Hant/", "zh-Hans", "简体中文", "../", "../../index.html")

# Interface words of the theme override (theme/overrides/main.html), in Simplified Chinese.
UI = {
    "tools": "阅读设置",
    "elder": "长辈版（大字）",
    "read": "朗读全文",
    "read_stop": "停止朗读",
    "updated": "信息更新于",
    "bureau": "主管单位：",
    "portal": "返回全县学校列表",
    "privacy": "本站不公开任何学生的姓名、照片、身份证号、电话或家庭情况。",
    "web_address": "网页地址：",  # printed under an article (a letter to parents on paper)
}
SHARE_IMAGES = ("share-1200x630.png", "share-600x600.png")
FINGERPRINTED = ("careportal.css", "careportal.js", "notice.css")


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def _copy_assets(theme: Path, docs: Path) -> dict[str, str]:
    """theme/assets → docs/assets/careportal, with content hashes in the names of our own CSS and
    JS (WeChat's browser caches aggressively: a changed file must get a new URL)."""
    target = docs / "assets" / "careportal"
    shutil.copytree(theme / "assets", target)
    names = {}
    for name in FINGERPRINTED:
        source = target / name
        digest = opaque(source.read_bytes(), 10)
        stem, suffix = name.rsplit(".", 1)
        source.rename(target / f"{stem}.{digest}.{suffix}")
        names[name] = f"assets/careportal/{stem}.{digest}.{suffix}"
    return names


def _write_take_home(site: SchoolSite, layout: Layout, docs: Path, script: Script, url: Optional[str],
                     assets: dict[str, str]) -> None:
    """The calendar, the news feed, the printable notice (with its QR code) and the QR codes of
    the letters to families, of one script."""
    t = script.convert
    (docs / urls.CALENDAR).write_bytes(school_calendar(site, text=t, site_url=url))
    feed = environment(layout.theme, "feeds").get_template("atom.xml.j2")
    _write(docs / urls.FEED, t(feed.render(feed=school_feed(site, url), lang=script.lang)))
    notice = environment(layout.theme, "notice").get_template("notice.html.j2")
    other = {"lang": script.other_lang, "label": script.other_label, "prefix": script.other_prefix}
    _write(docs / urls.NOTICE, t(notice.render(site=site, url=url, lang=script.lang, other=other,
                                                 css=assets["notice.css"], js=assets["careportal.js"])))
    if url:
        (docs / "qr.svg").write_bytes(qr_svg(url))
        for letter in site.letters:  # printed letters carry a code to their own page, in this script
            (docs / letter.qr).parent.mkdir(parents=True, exist_ok=True)
            (docs / letter.qr).write_bytes(qr_svg(url + letter.path))


def _convert_docs(source: Path, target: Path) -> None:
    """The zh-Hant docs: every Markdown page converted, every other file (assets, photos) copied."""
    for path in sorted(source.rglob("*")):
        out = target / path.relative_to(source)
        if path.is_dir():
            out.mkdir(parents=True, exist_ok=True)
        elif path.suffix == ".md":
            _write(out, to_hant(path.read_text(encoding="utf-8")))
        else:
            out.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, out)


def _nav(layout: Layout, t: Callable[[str], str]) -> Optional[list]:
    """The base config's navigation with its titles converted and made theme-safe (None when it has none)."""
    base = yaml.safe_load(layout.base_config.read_text(encoding="utf-8")) or {}

    def convert(item):
        if isinstance(item, dict):
            return {theme_text(t(k)): convert(v) for k, v in item.items()}
        if isinstance(item, list):
            return [convert(i) for i in item]
        return item

    return convert(base["nav"]) if base.get("nav") else None


def _config(site: SchoolSite, layout: Layout, script: Script, site_dir: Path, url: Optional[str],
            assets: dict[str, str]) -> dict:
    t = script.convert
    share = {}
    if url:
        share = {"share_image": theme_url(f"{url}assets/careportal/{SHARE_IMAGES[0]}"),
                 "share_image_square": theme_url(f"{url}assets/careportal/{SHARE_IMAGES[1]}")}
    config = {
        "INHERIT": str(layout.base_config),
        "site_name": theme_text(t(site.name)),
        "site_description": theme_text(t(site.description)),
        "docs_dir": "docs",
        "site_dir": str(site_dir),
        "theme": {"name": "material", "custom_dir": str(layout.theme / "overrides"),
                  "language": script.theme_language},
        "extra_css": [assets["careportal.css"]],
        "extra_javascript": [assets["careportal.js"]],
        "extra": {
            "careportal": {
                "school": theme_text(t(site.name)),
                "school_meta": theme_text(t(site.name)),
                "bureau": theme_text(t(site.bureau_name)),
                "updated": site.updated.iso(),  # 2026-09 for a month: a valid <time datetime>
                "updated_text": site.updated.chinese(),
                "lang": script.lang,
                "og_locale": script.og_locale,
                "speech_lang": script.speech,
                "portal": script.portal,
                "other": {"lang": script.other_lang, "label": script.other_label, "prefix": script.other_prefix},
                "ui": {key: theme_text(t(value)) for key, value in UI.items()},
                **share,
            },
        },
    }
    nav = _nav(layout, t)  # written for both scripts: the base config's titles are made theme-safe too
    if nav:
        config["nav"] = nav
    if url:
        config["site_url"] = theme_url(url)
    return checked_config(config)


def _write_config(path: Path, config: dict) -> None:
    _write(path, "# 由 careportal 生成，请勿手改。Generated by careportal; do not edit.\n"
           + yaml.safe_dump(config, allow_unicode=True, sort_keys=True))


def _write_extras(docs: Path, extras: Sequence[ExtraFile], lang: str, pages: bool = True) -> None:
    """Files other stages made for the site (the term reports): pages (.md) only where the engine
    builds them (zh-Hans; zh-Hant pages are converted from the built ones), other files in both."""
    for extra in extras:
        if extra.path.endswith(".md") and not pages:
            continue
        target = docs / extra.path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(extra.content[lang])


def render_school(site: SchoolSite, layout: Layout, site_dir: Path, engine_name: str = DEFAULT_ENGINE,
                  extras: Sequence[ExtraFile] = ()) -> RenderedSchool:
    """Write the school's MkDocs project (zh-Hans, built into `site_dir`) into the work directory,
    and the zh-Hant take-home files beside it; `write_hant` makes `site_dir/zh-Hant` from the
    built site (one MkDocs build per school, see hant_site.py).

    Also points jieba (process-wide, as MkDocs' search plugin uses it) at the dictionary that
    knows both scripts, so both search indexes are segmented alike (see hant.py).

    The config is the same for both engines but for `site_dir`: Zensical writes only inside the
    project (`site`, moved to `site_dir` by zensical_build.py)."""
    use_search_dictionary()
    project = layout.work / "schools" / site.slug
    docs = project / "docs"
    hant_files = project / "zh-Hant-files"
    for folder in (docs, hant_files, project / "zh-Hant"):
        if folder.exists():
            shutil.rmtree(folder)
    env = environment(layout.theme, "pages")
    pages: list[tuple[urls.Page, str, dict]] = [
        (urls.HOME, "home.md.j2", {}),
        (urls.NEWS, "news_index.md.j2", {}),
        (urls.EVENTS, "events.md.j2", {}),
        (urls.POLICIES, "policies.md.j2", {}),
        (urls.RESOURCES, "resources.md.j2", {}),
        (urls.DATA, "data.md.j2", {}),
        (urls.CONTACT, "contact.md.j2", {}),
    ]
    pages += [(urls.activity_kind(g.slug), "news_kind.md.j2", {"group": g}) for g in site.kinds]
    pages += [(urls.activity(a.slug), "activity.md.j2", {"a": a}) for a in site.activities]
    pages += [(urls.policy(p.slug), "policy.md.j2", {"p": p}) for p in site.policies]
    pages += [(urls.from_url(r.path), "resource.md.j2", {"r": r}) for r in site.resources]
    pages += [(urls.from_url(p.path), "programme.md.j2", {"p": p}) for p in site.programmes]
    if site.letters:
        pages += [(urls.LETTERS, "letters.md.j2", {})]
        pages += [(urls.letter(letter.slug), "letter.md.j2", {"letter": letter}) for letter in site.letters]
    for page, template, extra in pages:
        base = "../" * page.source.count("/")
        # text pasted from a Traditional document reads in Simplified here, as zh-Hant converts the other way
        _write(docs / page.source, to_hans(env.get_template(template).render(site=site, base=base, **extra)))
    _write_extras(docs, extras, HANS.lang)
    write_photos((photo for a in site.activities for photo in a.photos), docs)  # re-encoded, hashed names
    assets = _copy_assets(layout.theme, docs)
    for script, folder in ((HANS, docs), (HANT, hant_files)):
        url = site.site_url + script.subdir if site.site_url else None
        folder.mkdir(parents=True, exist_ok=True)
        _write_take_home(site, layout, folder, script, url, assets)
        if script is HANT:  # the zh-Hant documents and print pages, in place of converted copies
            _write_extras(folder, extras, HANT.lang, pages=False)
    config_path = project / "mkdocs.yml"
    url = site.site_url or None
    built_into = site_dir if engine_name == DEFAULT_ENGINE else Path("site")
    _write_config(config_path, _config(site, layout, HANS, built_into, url, assets))
    return RenderedSchool(site.slug, project, [config_path], len(pages) + sum(1 for e in extras if e.path.endswith(".md")),
                          hant_files, url)


SCRIPTS = Scripts(
    hans_lang=HANS.theme_language, hant_lang=HANT.lang, hans_og_locale=HANS.og_locale,
    hant_og_locale=HANT.og_locale, hans_speech=HANS.speech, hant_speech=HANT.speech,
    hans_other_prefix=HANS.other_prefix, hant_other_prefix=HANT.other_prefix, hans_portal=HANS.portal,
    hant_portal=HANT.portal, hant_other_lang=HANT.other_lang, hant_other_label=HANT.other_label)


def write_hant(rendered: RenderedSchool, site_dir: Path, engine_name: str = DEFAULT_ENGINE) -> list[Path]:
    """The zh-Hant site (`site_dir/zh-Hant`) from the built zh-Hans one; returns its pages."""
    built_by = engine(engine_name)
    words, translations = interface_words(built_by.languages)
    rules = HantRules(SCRIPTS, rendered.site_url, words, translations,
                      None if built_by.name == DEFAULT_ENGINE else built_by.config_text)
    return build_hant_site(site_dir, rendered.hant_files, rules, built_by.segment, built_by.index_text,
                           built_by.search_index, built_by.search_script_end)


PORTAL_FILES = ["index.html", "portal.css", "portal.js", urls.FEED, *SHARE_IMAGES]


def render_portal(portal: Portal, layout: Layout, target_dir: Path) -> list[str]:
    """Write the county portal (index.html, its stylesheet and script, the county's news feed and
    the link-card images) into `target_dir`; returns the names of the files written."""
    env = environment(layout.theme, "portal")
    share = f"{portal.site_url}{SHARE_IMAGES[0]}" if portal.site_url else None
    share_square = f"{portal.site_url}{SHARE_IMAGES[1]}" if portal.site_url else None
    version = {f"{kind}_version": opaque(path.read_bytes(), 10) for kind, path in
               (("css", layout.theme / "portal" / "portal.css"), ("js", layout.theme / "assets" / "careportal.js"))}
    _write(target_dir / "index.html", to_hans(env.get_template("index.html.j2").render(
        portal=portal, share=share, share_square=share_square, **version)))
    shutil.copyfile(layout.theme / "portal" / "portal.css", target_dir / "portal.css")
    shutil.copyfile(layout.theme / "assets" / "careportal.js", target_dir / "portal.js")
    for name in SHARE_IMAGES:
        shutil.copyfile(layout.theme / "assets" / name, target_dir / name)
    feed = environment(layout.theme, "feeds").get_template("atom.xml.j2")
    _write(target_dir / urls.FEED, to_hans(feed.render(feed=county_feed(portal), lang="zh-Hans")))
    return list(PORTAL_FILES)
