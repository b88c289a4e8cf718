"""The zh-Hant site made from the built zh-Hans site, instead of a second MkDocs build.

A school's site is built once, in Simplified Chinese; this module writes its Traditional twin
into `<site>/zh-Hant/` from the built files:

- pages (.html): every Chinese text node and attribute value is converted with the word-aware
  conversion of hant.py (`to_hant`); URLs (href, src, srcset, action) are left alone. The theme's
  own interface words outside the article become the theme's zh-Hant translation (not a
  character conversion: Material says 搜尋, not 搜索), and so do the search translations in the
  page's `__config`. Then what differs by script: `<html lang>`, og:locale, the speech voice, the
  switch to the other script (link, hreflang, label), the link back to the portal (one folder
  further up), and absolute URLs of the site (canonical, og:url, og:image, the printed web
  address; on 404.html the absolute paths) gain `zh-Hant/`.
- the search index: each entry's text is converted and segmented again with jieba exactly as
  Material's search plugin does (Traditional words, `\\u200b` between them); the `.js` copy for
  file:// is the same data.
- sitemap.xml (and its .gz, with the same gzip header date) name the zh-Hant URLs.
- take-home files rendered per script by render.py (feed, calendar, notice, QR codes) are
  taken from `take_home`, never converted here.
- every other file (theme assets, photos) is the same bytes: hard-linked.

The tokenizer only rewrites text between existing tags and existing attribute values; it never
assembles markup.
"""

from __future__ import annotations

import functools
import gzip
import html
import json
import os
import re
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Optional

import jieba

from generator.site.hant import HAN
from generator.site.hant import to_hant as _to_hant

HANT_DIR = "zh-Hant"
URL_ATTRIBUTES = {"href", "src", "srcset", "action", "id", "class", "for", "name", "type", "rel",
                  "property", "itemprop", "datetime", "data-md-component", "data-md-level"}
TOKENS = re.compile(r"(<!--.*?-->|<script\b.*?</script\s*>|<style\b.*?</style\s*>|<[!/]?[a-zA-Z][^>]*>)", re.S)
ATTRIBUTE = re.compile(r'(\s)([^\s=/>"\']+)(=)("[^"]*"|\'[^\']*\')')
TAG_NAME = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)")
CONFIG_SCRIPT = re.compile(r'(<script id="__config" type="application/json">)(.*?)(</script>)', re.S)
KEEP_OPEN, KEEP_CLOSE = "<!--zh-Hans-->", "<!--/zh-Hans-->"
LANGUAGE_ENTRY = re.compile(r'"([\w.]+)":\s*"([^"]*)"')


@functools.lru_cache(maxsize=1 << 16)
def _cached_hant(text: str, dictionary: Optional[str]) -> str:
    return _to_hant(text)


def to_hant(text: str) -> str:
    """hant.to_hant, skipping text without Chinese and remembering what a site repeats."""
    if not HAN.search(text):
        return text
    return _cached_hant(text, jieba.dt.dictionary) if len(text) < 400 else _to_hant(text)


@dataclass(frozen=True)
class Scripts:
    """What differs between the two sites, from render.py's HANS and HANT."""

    hans_lang: str  # <html lang> written by the theme for zh-Hans (theme.language)
    hant_lang: str
    hans_og_locale: str
    hant_og_locale: str
    hans_speech: str
    hant_speech: str
    hans_other_prefix: str  # "zh-Hant/": the zh-Hans site's link to the same page in zh-Hant
    hant_other_prefix: str  # "../"
    hans_portal: str  # "../index.html"
    hant_portal: str  # "../../index.html"
    hant_other_lang: str  # "zh-Hans": the zh-Hant site's switch points there
    hant_other_label: str  # "简体中文", written in the other script (never converted)


def _language_file(folder: Path, code: str) -> dict[str, str]:
    path = folder / f"{code}.html"
    return dict(LANGUAGE_ENTRY.findall(path.read_text(encoding="utf-8"))) if path.is_file() else {}


@functools.lru_cache(maxsize=4)
def interface_words(languages: Path) -> tuple[dict[str, str], dict[str, str]]:
    """The theme's translations: (converted zh text → zh-Hant text, zh-Hant by key).

    Only unambiguous words are mapped (two keys whose Simplified words convert alike but whose
    Traditional words differ are left to plain conversion)."""
    hans, hant = _language_file(languages, "zh"), _language_file(languages, "zh-Hant")
    words: dict[str, str] = {}
    clash: set[str] = set()
    for key, value in hans.items():
        if key not in hant or key == "language":
            continue
        converted = to_hant(value)
        if words.get(converted, hant[key]) != hant[key]:
            clash.add(converted)
        words[converted] = hant[key]
    return {k: v for k, v in words.items() if k not in clash and k != v}, hant


class _Page:
    """One page's conversion (state: inside the article, the footer, the script switch)."""

    def __init__(self, rules: "HantRules", is_404: bool) -> None:
        self.rules = rules
        self.is_404 = is_404
        self.article = 0
        self.footer = 0
        self.keep = False
        self.after_switch = False  # the next text is the switch's label
        self.print_url = False  # the next text is the printed web address

    # -- text -----------------------------------------------------------------------------
    def text(self, text: str) -> str:
        if self.keep:
            return text
        if self.after_switch:
            self.after_switch = False
            return self.rules.scripts.hant_other_label if text.strip() else text
        converted = to_hant(text)
        if self.print_url:
            self.print_url = False
            converted = self.rules.site_address_in_text(converted)
        if not self.article:
            stripped = converted.strip()
            if stripped in self.rules.words:
                converted = converted.replace(stripped, self.rules.words[stripped])
        return converted

    # -- tags -----------------------------------------------------------------------------
    def tag(self, tag: str) -> str:
        match = TAG_NAME.match(tag)
        if not match:
            return tag
        closing, name = match[1] == "/", match[2].lower()
        if name == "article":
            self.article += -1 if closing else 1
        elif name == "footer":
            self.footer += -1 if closing else 1
        if closing:
            return tag
        attrs = {m[2].lower(): html.unescape(m[4][1:-1]) for m in ATTRIBUTE.finditer(tag)}
        classes = attrs.get("class", "").split()
        scripts = self.rules.scripts
        if "cp-print-url" in classes:
            self.print_url = True

        def attribute(m: re.Match) -> str:
            key, quoted = m[2].lower(), m[4]
            value = quoted[1:-1]
            new = value
            if name == "html" and key == "lang" and value == scripts.hans_lang:
                new = scripts.hant_lang
            elif key in ("href", "src"):
                if name == "a":
                    if "cp-lang" in classes:
                        new = self.rules.switch(value)
                    elif self.footer:
                        new = self.rules.portal(value)
                    if self.is_404:  # absolute paths from the site's root
                        new = self.rules.site_address(new)
                elif self.is_404 or name == "link":
                    new = self.rules.site_address(value)
            elif key in URL_ATTRIBUTES:
                pass
            elif name == "a" and "cp-lang" in classes and key in ("hreflang", "lang"):
                new = scripts.hant_other_lang
            elif name == "meta" and key == "content":
                if attrs.get("property") == "og:locale" and value == scripts.hans_og_locale:
                    new = scripts.hant_og_locale
                elif attrs.get("property") in ("og:url", "og:image") or attrs.get("itemprop") == "image":
                    new = self.rules.site_address(value)
                else:
                    new = to_hant(value)
            elif key == "data-lang" and value == scripts.hans_speech:
                new = scripts.hant_speech
            else:
                new = to_hant(value)
                if not self.article and key in ("aria-label", "title", "placeholder") and new in self.rules.words:
                    new = self.rules.words[new]
            if new == value:
                return m[0]
            return f"{m[1]}{m[2]}{m[3]}{quoted[0]}{new}{quoted[0]}"

        if name == "a" and "cp-lang" in classes:
            self.after_switch = True
        return ATTRIBUTE.sub(attribute, tag)

    # -- inline scripts -------------------------------------------------------------------
    def script(self, block: str) -> str:
        match = CONFIG_SCRIPT.fullmatch(block)
        if match:
            return match[1] + self.rules.app_config(match[2], self.is_404) + match[3]
        if self.is_404 and self.rules.site_path:
            return self.rules.site_path_in_script(block)
        return block

    def convert(self, page: str) -> str:
        out = []
        for index, part in enumerate(TOKENS.split(page)):
            if not part:
                continue
            if index % 2 == 0:
                out.append(self.text(part))
            elif part == KEEP_OPEN:
                self.keep = True
                out.append(part)
            elif part == KEEP_CLOSE:
                self.keep = False
                out.append(part)
            elif part.startswith("<!--"):
                out.append(part)
            elif part[:7].lower() == "<script":
                out.append(self.script(part))
            elif part[:6].lower() == "<style":
                out.append(part)
            else:
                out.append(self.tag(part))
        return "".join(out)


@dataclass(frozen=True)
class HantRules:
    scripts: Scripts
    site_url: Optional[str]  # the zh-Hans site's URL (ends with /), if the county has one
    words: dict[str, str]  # the theme's interface words: converted zh → zh-Hant
    translations: dict[str, str]  # the theme's zh-Hant translations by key
    config_text: Optional[Callable[[dict], str]] = None  # a page's `__config` as the engine writes it

    @functools.cached_property
    def site_path(self) -> Optional[str]:
        if not self.site_url:
            return None
        path = re.sub(r"^[a-z][a-z0-9+.-]*://[^/]*", "", self.site_url)
        return path if path.endswith("/") else path + "/"

    def site_address(self, value: str) -> str:
        """An absolute URL or path inside the zh-Hans site → the same in the zh-Hant site."""
        for prefix in filter(None, (self.site_url, self.site_path)):
            if value.startswith(prefix) and not value[len(prefix):].startswith(HANT_DIR + "/"):
                return prefix + HANT_DIR + "/" + value[len(prefix):]
        return value

    def site_address_in_text(self, text: str) -> str:
        if not self.site_url:
            return text
        return re.sub(re.escape(self.site_url) + "(?!" + HANT_DIR + "/)", self.site_url + HANT_DIR + "/", text)

    def site_path_in_script(self, block: str) -> str:
        path = self.site_path
        return re.sub(r"""(["'])""" + re.escape(path) + "(?!" + HANT_DIR + "/)",
                      lambda m: m[1] + path + HANT_DIR + "/", block)

    def switch(self, href: str) -> str:
        """`<base>/zh-Hant/<page>` (to zh-Hant) → `<base>/../<page>` (back to zh-Hans)."""
        prefix = self.scripts.hans_other_prefix
        index = href.find("/" + prefix)
        if index < 0:
            return href
        return href[:index + 1] + self.scripts.hant_other_prefix + href[index + 1 + len(prefix):]

    def portal(self, href: str) -> str:
        if href.endswith("/" + self.scripts.hans_portal):
            return href[: -len(self.scripts.hans_portal)] + self.scripts.hant_portal
        return href

    def app_config(self, text: str, absolute: bool) -> str:
        """The theme's `__config` JSON: its translations in zh-Hant (written as Jinja's tojson);
        on a page with absolute paths (404.html), its paths in the zh-Hant site."""
        from jinja2.utils import htmlsafe_json_dumps

        data = json.loads(text)
        translations = data.get("translations")
        if not isinstance(translations, dict):
            return text
        for key, value in translations.items():
            translations[key] = self.translations.get(key, to_hant(value))
        if absolute:
            data.update({k: self.site_address(v) for k, v in data.items() if isinstance(v, str)})
        if self.config_text is not None:
            return self.config_text(data)
        return str(htmlsafe_json_dumps(data, dumps=functools.partial(json.dumps, sort_keys=True)))


def convert_page(page: str, rules: HantRules, *, is_404: bool = False) -> str:
    return _Page(rules, is_404).convert(page)


def _segment(text: str, segment: Callable[[str], str]) -> str:
    return segment(to_hant(text.replace("\u200b", "")))


def convert_search_index(data: dict, segment: Callable[[str], str]) -> dict:
    """A search index (Material's `docs` or Zensical's `items`): titles, texts and page paths
    converted, then segmented again as the engine does."""
    for doc in data.get("docs", data.get("items", [])):
        for field in ("title", "text"):
            if isinstance(doc.get(field), str):
                doc[field] = _segment(doc[field], segment)
        if isinstance(doc.get("path"), list):
            doc["path"] = [_segment(p, segment) if isinstance(p, str) else p for p in doc["path"]]
    return data


def _link_or_copy(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(source, target)
    except OSError:
        shutil.copyfile(source, target)


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def _sitemap_gz(xml: bytes, source_gz: Path, target: Path) -> None:
    """Gzip `xml` as MkDocs does, with the header date of the zh-Hans sitemap.xml.gz."""
    header = source_gz.read_bytes()[:10]
    mtime = int.from_bytes(header[4:8], "little")
    with open(target, "wb") as raw, gzip.GzipFile(fileobj=raw, filename=str(target), mode="wb", mtime=mtime) as out:
        out.write(xml)


def build_hant_site(site: Path, take_home: Path, rules: HantRules,
                    search_segment: Callable[[str], str], search_format: Callable[[dict], str],
                    search_index: str = "search/search_index.json", script_end: str = "") -> list[Path]:
    """Write `site/zh-Hant/` from the built zh-Hans `site` and the zh-Hant `take_home` files.

    `search_segment` cuts a text into search words as the engine's search plugin does;
    `search_format` writes the index JSON (at `search_index`, and its file:// script copy beside
    it) as the engine does. Returns the pages."""
    target = site / HANT_DIR
    if target.exists():
        shutil.rmtree(target)
    own = {p.relative_to(take_home) for p in take_home.rglob("*") if p.is_file()} if take_home.is_dir() else set()
    pages = []
    for path in sorted(site.rglob("*")):
        rel = path.relative_to(site)
        if rel.parts[0] == HANT_DIR or path.is_dir() or rel in own:
            continue
        out = target / rel
        if path.suffix == ".html":
            _write(out, convert_page(path.read_text(encoding="utf-8"), rules, is_404=rel.as_posix() == "404.html"))
            pages.append(out)
        elif rel.as_posix() == search_index:
            data = convert_search_index(json.loads(path.read_text(encoding="utf-8")), search_segment)
            text = search_format(data)
            _write(out, text)
            if (path.with_suffix(".js")).is_file():
                _write(out.with_suffix(".js"), f"var __index = {text}{script_end}")
        elif rel.as_posix() == str(Path(search_index).with_suffix(".js")):
            continue  # written with the index
        elif rel.as_posix() == "sitemap.xml":
            _write(out, _sitemap(path.read_text(encoding="utf-8"), rules))
        elif rel.as_posix() == "sitemap.xml.gz":
            continue  # written after sitemap.xml
        else:
            _link_or_copy(path, out)
    if (site / "sitemap.xml.gz").is_file() and (target / "sitemap.xml").is_file():
        _sitemap_gz((target / "sitemap.xml").read_bytes(), site / "sitemap.xml.gz", target / "sitemap.xml.gz")
    for rel in sorted(own):
        _link_or_copy(take_home / rel, target / rel)
    return pages


def _sitemap(xml: str, rules: HantRules) -> str:
    return re.sub(r"(<loc>)([^<]*)(</loc>)", lambda m: m[1] + rules.site_address(m[2]) + m[3], xml)
