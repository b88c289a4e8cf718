"""The privacy gate on output: every file of a built site before it is published (text files,
also inside .gz, file and folder names, image metadata, after folding) and the HTML itself for
scripts, event handlers, javascript:/data: URLs and outside resources (rule 9)."""

from __future__ import annotations

import bisect
import gzip
import json
import hashlib
import re
import urllib.parse
from dataclasses import dataclass
from functools import lru_cache
from html.parser import HTMLParser
from pathlib import Path
from typing import Optional

from generator import theme
from generator.privacy import detect, photos
from generator.privacy.context import SEVERITY, Context, context, county_context, problem_from_hit, scan_patterns
from generator.privacy.docx_gate import check_docx
from generator.problems import Problem, Severity
from generator.records.load import County, SchoolRecords


# Files that must never be part of a published site, whatever produced them.
FORBIDDEN_SUFFIXES = {
    ".yml", ".yaml", ".csv", ".tsv", ".xls", ".xlsx", ".xlsm", ".et", ".ods", ".numbers", ".doc", ".docx", ".wps",
    ".db", ".sqlite", ".sqlite3", ".bak", ".tmp", ".py", ".pyc", ".md", ".j2", ".heic", ".psd", ".raw", ".dng",
}
FORBIDDEN_NAMES = {".git", ".hg", ".svn", "private", ".DS_Store", "Thumbs.db", "desktop.ini"}
MAX_SCAN_BYTES = 64 * 1024 * 1024


# ---------------------------------------------------------------------------------------------
# Scanning the built site


@lru_cache(maxsize=8)
def theme_hashes(theme_dir: str) -> frozenset[str]:
    """Hashes of every file the themes ship (Material's assets, careportal's theme): those files
    are copied unchanged and are not content, so their bytes are not scanned as text."""
    import material

    folders = [Path(material.__file__).parent / "templates", Path(theme_dir)]
    found = set()
    for folder in folders:
        for path in folder.rglob("*"):
            if path.is_file() and path.suffix not in {".html", ".j2", ".py", ".pyc"}:
                found.add(hashlib.sha256(path.read_bytes()).hexdigest())
    return frozenset(found)


_JINJA = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.S)
_SCRIPT_IN_TEMPLATE = re.compile(r"<script\b([^>]*)>(.*?)</script>", re.S | re.I)


@lru_cache(maxsize=8)
def theme_scripts(theme_dir: str) -> tuple[re.Pattern, ...]:
    """Inline scripts the themes' templates contain, as patterns (a Jinja expression matches any
    text without '<'). Analytics integrations are left out: careportal never sends readers' data."""
    import material

    patterns = []
    for folder in (Path(material.__file__).parent / "templates", Path(theme_dir)):
        for path in sorted(folder.rglob("*")):
            if path.suffix not in {".html", ".j2"} or "analytics" in path.as_posix():
                continue
            for attrs, body in _SCRIPT_IN_TEMPLATE.findall(path.read_text(encoding="utf-8", errors="replace")):
                if "src=" in attrs or "application/" in attrs or len(_JINJA.sub("", body).strip()) < 12:
                    continue  # data or external scripts are checked otherwise; a bare expression proves nothing
                pieces = []
                for index, part in enumerate(_JINJA.split(body.strip())):
                    if index:
                        pieces.append(r"[^<]*?")
                    pieces.append("".join(r"\s*" if ch.isspace() else re.escape(ch) for ch in part))
                patterns.append(re.compile("".join(pieces), re.S))
    return tuple(patterns)


_URL_ATTRIBUTES = {"href", "src", "action", "formaction", "poster", "background", "cite", "data", "codebase",
                   "xlink:href", "longdesc", "manifest", "ping", "srcset", "imagesrcset"}
_LOADING = {"script": "src", "img": "src", "iframe": "src", "source": "src", "video": "src", "audio": "src",
            "track": "src", "embed": "src", "input": "src"}
_LOADING_LINK_RELS = {"stylesheet", "icon", "shortcut", "apple-touch-icon", "preload", "modulepreload", "prefetch",
                      "manifest", "mask-icon", "preconnect", "dns-prefetch"}
_FORBIDDEN_TAGS = {"iframe", "frame", "frameset", "object", "embed", "applet", "base", "portal"}
_BLOCK_TAGS = {"p", "div", "li", "td", "th", "tr", "br", "h1", "h2", "h3", "h4", "h5", "h6", "dt", "dd", "section",
               "article", "header", "footer", "nav", "ul", "ol", "table", "figure", "figcaption", "blockquote", "pre",
               "option", "label", "title", "hr", "form", "main", "aside", "caption", "summary", "details"}
_CSS_EXTERNAL = re.compile(r"url\(\s*['\"]?\s*(?:https?:)?//|@import\s+(?:url\()?\s*['\"]?\s*(?:https?:)?//|expression\(|javascript:", re.I)
BOUNDARY = "\u241e"  # between blocks of visible text: not a separator, so no match spans two blocks


class HtmlAudit(HTMLParser):
    """Rule 9 over one HTML page, and the page's visible text (for the scans of rules 1–3)."""

    def __init__(self, page: Path, site_dir: Path, ctx: Context, hashes: frozenset[str], scripts: tuple) -> None:
        super().__init__(convert_charrefs=True)
        self.page, self.site_dir, self.ctx, self.hashes, self.scripts = page, site_dir, ctx, hashes, scripts
        self.findings: list[tuple[int, str]] = []
        self.visible: list[str] = []
        self.visible_lines: list[tuple[int, int]] = []  # (offset in visible text, line)
        self._length = 0
        self._script: Optional[dict] = None
        self._script_body: list[str] = []
        self._skip = 0

    def _flag(self, message: str) -> None:
        self.findings.append((self.getpos()[0], message))

    def _local_file(self, url: str) -> Optional[Path]:
        path = urllib.parse.unquote(urllib.parse.urlsplit(url).path)
        if path.startswith("/"):
            if not path.startswith(self.ctx.site_prefix):
                return None
            target = self.site_dir / path[len(self.ctx.site_prefix):]
        else:
            target = self.page.parent / path
        try:
            target = target.resolve()
        except OSError:
            return None
        root = self.site_dir.resolve()
        return target if (root == target or root in target.parents) and target.is_file() else None

    def handle_starttag(self, tag: str, attrs: list) -> None:
        self._check(tag, attrs)
        if tag in _BLOCK_TAGS:
            self._text(BOUNDARY)
        if tag in {"script", "style", "template"}:
            self._skip += 1
        if tag == "script":
            self._script = dict(attrs)
            self._script_body = []

    def handle_endtag(self, tag: str) -> None:
        if tag in {"script", "style", "template"} and self._skip:
            self._skip -= 1
        if tag == "script" and self._script is not None:
            self._check_script(self._script, "".join(self._script_body))
            self._script = None
        if tag in _BLOCK_TAGS:
            self._text(BOUNDARY)

    def handle_data(self, data: str) -> None:
        if self._script is not None:
            self._script_body.append(data)
        elif self._skip:
            if "expression(" in data.lower() or "javascript:" in data.lower():
                self._flag("样式表里有脚本（expression/javascript:）")
        else:
            self._text(data)

    def _text(self, data: str) -> None:
        self.visible_lines.append((self._length, self.getpos()[0]))
        self.visible.append(data)
        self._length += len(data)

    def _check_script(self, attrs: dict, body: str) -> None:
        kind = (attrs.get("type") or "").strip().lower()
        src = attrs.get("src")
        if src is not None:
            local = self._local_file(src)
            if re.match(r"^\s*([a-z][a-z0-9+.-]*:|//)", src, re.I):
                self._flag("网页从外部网址加载脚本。网站不能依赖外部网络，也不能放统计代码")
            elif local is None or hashlib.sha256(local.read_bytes()).hexdigest() not in self.hashes:
                self._flag("网页加载了不属于主题的脚本文件")
            return
        if kind in {"application/json", "application/ld+json"}:
            try:
                json.loads(body)
            except ValueError:
                self._flag("网页里有无法识别的数据脚本")
            return
        text = body.strip()
        if text and not any(p.fullmatch(text) for p in self.scripts):
            self._flag("网页里有不属于主题模板的脚本（<script>）。内容里不能有脚本")

    def _check(self, tag: str, attrs: list) -> None:
        if tag in _FORBIDDEN_TAGS:
            self._flag(f"网页里有 <{tag}> 标签，不允许嵌入其他网页或插件")
        values = {name.lower(): (value or "") for name, value in attrs}
        for name, value in values.items():
            if name.startswith("on"):
                self._flag(f"网页元素带有事件脚本属性 {name}=，不允许")
                continue
            if name == "style":
                lowered = value.lower().replace(" ", "")
                if "expression(" in lowered or "javascript:" in lowered or re.search(r"url\((['\"]?)(https?:)?//", lowered):
                    self._flag("样式属性里有脚本或外部网址")
                continue
            if name not in _URL_ATTRIBUTES:
                continue
            urls = [part.strip().split(" ")[0] for part in value.split(",")] if name.endswith("srcset") else [value]
            for url in urls:
                cleaned = re.sub(r"[\x00-\x20]", "", detect.fold_line(url)).lower()
                if cleaned.startswith(("javascript:", "vbscript:", "livescript:")):
                    self._flag("网页里有 javascript: 链接，不允许")
                elif cleaned.startswith("data:") and not (tag in {"img", "source"} and name in {"src", "srcset"}
                                                          and cleaned.startswith("data:image/")):
                    self._flag("网页里有 data: 链接（只有图片可以这样写）")
        if tag == "meta" and values.get("http-equiv", "").lower() == "refresh" and "javascript:" in values.get("content", "").lower():
            self._flag("网页自动跳转到脚本")
        loading = _LOADING.get(tag)
        external = re.compile(r"^\s*(https?:)?//", re.I)
        site_url = self.ctx.site_host
        if loading and external.match(values.get(loading, "")):
            host = urllib.parse.urlsplit(values[loading].strip()).hostname
            if host != site_url:
                self._flag(f"网页从外部网址加载 <{tag}>。网站不能依赖外部网络")
        if tag == "link" and set(values.get("rel", "").lower().split()) & _LOADING_LINK_RELS and external.match(values.get("href", "")):
            host = urllib.parse.urlsplit(values["href"].strip()).hostname
            if host != site_url:
                self._flag("网页从外部网址加载样式或图标。网站不能依赖外部网络")
        if tag == "form" and external.match(values.get("action", "")):
            self._flag("表单会把内容发送到外部网址")

    def visible_line(self, offset: int) -> int:
        index = bisect.bisect_right([o for o, _ in self.visible_lines], offset) - 1
        return self.visible_lines[index][1] if index >= 0 else 0


@dataclass
class OutputScan:
    ctx: Context
    site_dir: Path
    display: str  # prefix for paths in messages
    theme_dir: Path
    # .docx files careportal generated and gate-checked (sha256): the only documents a site may
    # carry; their text is checked again here. Any other .docx is refused like any .doc.
    generated: frozenset[str] = frozenset()
    authors: tuple[str, ...] = ()  # names the generated documents' properties may carry

    def run(self) -> list[Problem]:
        hashes = theme_hashes(str(self.theme_dir))
        scripts = theme_scripts(str(self.theme_dir))
        problems: list[Problem] = []
        for path in sorted(self.site_dir.rglob("*")):
            rel = path.relative_to(self.site_dir).as_posix()
            where = f"{self.display}/{rel}"
            problems += self._name(rel, where)
            if path.name in FORBIDDEN_NAMES:
                problems.append(Problem(where, 0, "", "网站里不能有这个文件或文件夹（可能含有未公开的资料）",
                                        Severity.ERROR, "输出文件"))
                continue
            if path.is_symlink():
                problems.append(Problem(where, 0, "", "网站里不能有快捷方式（符号链接）", Severity.ERROR, "输出文件"))
                continue
            if not path.is_file():
                continue
            suffixes = {s.lower() for s in path.suffixes}
            if path.suffix.lower() == ".docx" and suffixes == {".docx"} and self.generated:
                data = path.read_bytes()
                if hashlib.sha256(data).hexdigest() in self.generated:
                    problems += check_docx(data, self.ctx, where, self.authors)
                    continue
            if suffixes & FORBIDDEN_SUFFIXES:
                problems.append(Problem(where, 0, "", "网站里不能有这种文件（记录、台账、文档或源文件），它不应被发布",
                                        Severity.ERROR, "输出文件"))
                continue
            data = path.read_bytes()
            if hashlib.sha256(data).hexdigest() in hashes:
                continue
            if path.suffix.lower() in photos.IMAGE_SUFFIXES:
                problems += self._image(rel, where, data)
                continue
            if path.suffix.lower() == ".gz":
                try:
                    with gzip.open(path) as handle:
                        data = handle.read(MAX_SCAN_BYTES)
                except (OSError, EOFError):
                    problems.append(Problem(where, 0, "", "压缩文件无法打开检查", Severity.ERROR, "输出文件"))
                    continue
            try:
                text = data.decode("utf-8")
            except UnicodeDecodeError:
                problems.append(Problem(where, 0, "", "网站里有无法检查的文件（不是文字也不是图片），不能发布",
                                        Severity.ERROR, "输出文件"))
                continue
            problems += self._text(path, where, text, hashes, scripts)
        return problems

    def _name(self, rel: str, where: str) -> list[Problem]:
        folded = detect.fold(urllib.parse.unquote(rel).replace("/", " / "))
        hits = self.ctx.deny.find(folded) + detect.find_ids(folded)
        hits += [h for h in detect.find_contacts(folded, self.ctx.allowed_phones, self.ctx.email_domains)]
        return [Problem(where, 0, "", "文件名里" + detect.redact(h.message), SEVERITY[h.severity], h.label) for h in hits]

    def _image(self, rel: str, where: str, data: bytes) -> list[Problem]:
        found = photos.metadata_found(data)
        problems = []
        if found:
            problems.append(Problem(where, 0, "", "图片带有" + "、".join(found) + "，必须经 careportal 重新处理后才能发布",
                                    Severity.ERROR, "照片"))
        try:
            from PIL import Image
            import io

            with Image.open(io.BytesIO(data)) as im:
                if im.width > photos.MAX_WIDTH:
                    problems.append(Problem(where, 0, "", f"图片宽 {im.width} 像素，超过 {photos.MAX_WIDTH}，没有经过处理",
                                            Severity.ERROR, "照片"))
        except Exception:
            pass  # already reported by metadata_found
        if f"/{photos.PHOTO_DIR}/" in f"/{rel}" and not photos.hashed_name_ok(Path(rel).name, data):
            problems.append(Problem(where, 0, "", "照片的文件名不是内容的哈希值，原文件名可能泄露信息", Severity.ERROR, "照片"))
        return problems

    def _text(self, path: Path, where: str, text: str, hashes, scripts) -> list[Problem]:
        problems: list[Problem] = []
        seen: set[tuple] = set()

        def add(line: int, hit: detect.Hit) -> None:
            key = (hit.label, hit.masked or hit.message)
            if key in seen:
                return
            seen.add(key)
            problems.append(problem_from_hit(where, line, hit))

        folded = detect.fold(text)
        for hit in scan_patterns(folded, self.ctx, thorough=False):
            add(folded.line(hit.start), hit)
        if path.suffix.lower() == ".css":
            for match in _CSS_EXTERNAL.finditer(text):
                problems.append(Problem(where, text.count("\n", 0, match.start()) + 1, "",
                                        "样式表从外部网址加载字体或图片，或含有脚本。网站不能依赖外部网络", Severity.ERROR, "网页安全"))
        if path.suffix.lower() in {".html", ".htm", ".svg", ".xhtml"}:
            audit = HtmlAudit(path, self.site_dir, self.ctx, hashes, scripts)
            try:
                audit.feed(text)
                audit.close()
            except Exception:  # html.parser is lenient; anything it cannot take is suspicious
                audit.findings.append((0, "网页结构无法解析"))
            for line, message in audit.findings:
                key = ("网页安全", message, line)
                if key not in seen:
                    seen.add(key)
                    problems.append(Problem(where, line, "", message, Severity.ERROR, "网页安全"))
            visible = detect.fold("".join(audit.visible).replace("\n", " "))
            for hit in scan_patterns(visible, self.ctx, thorough=False):
                add(audit.visible_line(hit.start), hit)
        return problems


def check_output(county: County, records: SchoolRecords, site_dir: Path,
                 generated: frozenset[str] = frozenset()) -> list[Problem]:
    """The gate over every file of a built school site, before it is published. `generated`:
    the hashes of the report documents careportal made and checked for this site."""
    ctx = context(county, records)
    return OutputScan(ctx, site_dir, f"（生成的网页）{records.slug}", theme.theme_dir(county.root), generated).run()


def check_portal(county: County, portal_dir: Path, generated: frozenset[str] = frozenset()) -> list[Problem]:
    """The gate over the county portal (every school's deny-list applies)."""
    ctx = county_context(county)
    authors = ((county.bureau.record.name,) if county.bureau else ()) + tuple(
        s.school.record.name for s in county.schools if s.school is not None)  # institutions, never persons
    return OutputScan(ctx, portal_dir, "（全县首页）", theme.theme_dir(county.root), generated, authors).run()


