"""The privacy gate on output: every file of a built site before it is published (text files,
also inside .gz, file and folder names, image metadata, after folding) and the HTML itself for
scripts, event handlers, javascript:/data: URLs and outside resources (rule 9), and every
element's attributes against the ones the theme itself writes on that element (theme_markup.py).

A finding on a page whose text one of the records holds is reported at that record's file, line
and field (trace.py), where staff can fix it; others at the page."""

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
from typing import MutableMapping, Optional

from generator import theme
from generator.digest import digest
from generator.privacy import detect, photos
from generator.privacy.context import Context, context, county_context, problem_from_hit, scan_patterns
from generator.privacy.docx_gate import check_docx
from generator.privacy.theme_markup import theme_pairs
from generator.privacy.trace import RecordTexts
from generator.problems import Problem, Severity
from generator.records import labels
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


_ENGINE_TEMPLATES: list[Optional[str]] = [None]  # set by use_engine_templates


def use_engine_templates(folder: Optional[Path]) -> None:
    """The templates folder of the engine that built the pages this process checks (None:
    Material's, for MkDocs). Only that engine's theme files and inline scripts are allowed."""
    _ENGINE_TEMPLATES[0] = str(folder) if folder is not None else None


def _engine_templates() -> Path:
    if _ENGINE_TEMPLATES[0] is not None:
        return Path(_ENGINE_TEMPLATES[0])
    import material

    return Path(material.__file__).parent / "templates"


def theme_hashes(theme_dir: str) -> frozenset[str]:
    """Hashes of every file the themes ship (the engine's theme assets, careportal's theme):
    those files are copied unchanged and are not content, so their bytes are not scanned as text."""
    return _theme_hashes(theme_dir, str(_engine_templates()))


def theme_scripts(theme_dir: str) -> tuple[re.Pattern, ...]:
    """Inline scripts the themes' templates contain, as patterns (a Jinja expression matches any
    text without '<'). Analytics integrations are left out: careportal never sends readers' data."""
    return _theme_scripts(theme_dir, str(_engine_templates()))


@lru_cache(maxsize=8)
def _theme_hashes(theme_dir: str, engine_templates: str) -> frozenset[str]:
    folders = [Path(engine_templates), Path(theme_dir)]
    found = set()
    for folder in folders:
        for path in folder.rglob("*"):
            if path.is_file() and path.suffix not in {".html", ".j2", ".py", ".pyc"}:
                found.add(hashlib.sha256(path.read_bytes()).hexdigest())
    return frozenset(found)


_JINJA = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.S)
_SCRIPT_IN_TEMPLATE = re.compile(r"<script\b([^>]*)>(.*?)</script>", re.S | re.I)


@lru_cache(maxsize=8)
def _theme_scripts(theme_dir: str, engine_templates: str) -> tuple[re.Pattern, ...]:
    patterns = []
    for folder in (Path(engine_templates), Path(theme_dir)):
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
_SCRIPT_SCHEMES = {"javascript", "vbscript", "livescript"}


def url_scheme(url: str) -> Optional[str]:
    """The scheme a browser reads in an attribute's URL (WHATWG URL parsing): leading and trailing
    control characters and spaces are dropped, tabs and line breaks anywhere are removed, and the
    scheme is the ASCII letters, digits, `+ - .` before the first colon. `java%09script:` has no
    scheme (a browser opens it as a relative address), `java\tscript:` is `javascript`."""
    text = re.sub(r"[\t\n\r]", "", re.sub(r"^[\x00-\x20]+|[\x00-\x20]+$", "", url))
    match = re.match(r"([A-Za-z][A-Za-z0-9+.-]*):", text)
    return match[1].lower() if match else None


def _attribute_evidence(name: str, value: str) -> tuple[str, ...]:
    """Texts that may identify, in a record, where an attribute on a page came from."""
    return (value, f'{name}="{value}', f"{name}='{value}", f"{name}={value}", f'{name}="', f"{name}='")


def local_file(url: str, page: Path, site_dir: Path, site_prefix: str) -> Path | None:
    """The file of the site a page's URL names, if it is one."""
    path = urllib.parse.unquote(urllib.parse.urlsplit(url).path)
    if path.startswith("/"):
        if not path.startswith(site_prefix):
            return None
        target = site_dir / path[len(site_prefix):]
    else:
        target = page.parent / path
    try:
        target = target.resolve()
    except OSError:
        return None
    root = site_dir.resolve()
    return target if (root == target or root in target.parents) and target.is_file() else None


_FOREIGN_SCRIPT = "网页加载了不属于主题的脚本文件"
_PAGE_SCRIPT = object()  # in place of a finding's message: a script's src=, checked where the page is


class HtmlAudit(HTMLParser):
    """Rule 9 over one HTML page, and the page's visible text (for the scans of rules 1–3)."""

    def __init__(self, page: Path, site_dir: Path, ctx: Context, hashes: frozenset[str], scripts: tuple,
                 markup: Optional[frozenset[tuple[str, str]]] = None) -> None:
        super().__init__(convert_charrefs=True)
        self.page, self.site_dir, self.ctx, self.hashes, self.scripts = page, site_dir, ctx, hashes, scripts
        self.markup = markup  # the theme's (tag, attribute) pairs (tag, "" for the tag): HTML pages only
        # (line, message, texts that may trace it to a record, the start tag or script it is in)
        self.findings: list[tuple[int, str, tuple[str, ...], str]] = []
        self._context = ""
        self.visible: list[str] = []
        self.visible_lines: list[tuple[int, int]] = []  # (offset in visible text, line)
        self._length = 0
        self._script: Optional[dict] = None
        self._script_body: list[str] = []
        self._skip = 0
        self.file_hashes: dict[Path, str] = {}  # local files' sha256, shared by the pages of one scan
        self.defer_local = False  # leave scripts' src= to PageAuditor (see _PAGE_SCRIPT)

    def _flag(self, message: str, *evidence: str) -> None:
        self.findings.append((self.getpos()[0], message, evidence, self._context))

    def _local_file(self, url: str) -> Optional[Path]:
        return local_file(url, self.page, self.site_dir, self.ctx.site_prefix)

    def handle_starttag(self, tag: str, attrs: list) -> None:
        self._context = self.get_starttag_text() or ""
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
            self._context = "".join(self._script_body)
            self._check_script(self._script, self._context)
            self._script = None
        if tag in _BLOCK_TAGS:
            self._text(BOUNDARY)

    def handle_data(self, data: str) -> None:
        if self._script is not None:
            self._script_body.append(data)
        elif self._skip:
            if "expression(" in data.lower() or "javascript:" in data.lower():
                self._flag("样式表里有脚本（expression/javascript:）", data.strip())
        else:
            self._text(data)

    def _text(self, data: str) -> None:
        self.visible_lines.append((self._length, self.getpos()[0]))
        self.visible.append(data)
        self._length += len(data)

    def script_src_problem(self, src: str) -> str | None:
        local = self._local_file(src)  # first: a URL it cannot take stops the audit, as it always has
        if re.match(r"^\s*([a-z][a-z0-9+.-]*:|//)", src, re.I):
            return "网页从外部网址加载脚本。网站不能依赖外部网络，也不能放统计代码"
        return None if self.theme_file(local) else _FOREIGN_SCRIPT

    def theme_file(self, path: Path | None) -> bool:
        if path is None:
            return False
        if path not in self.file_hashes:
            self.file_hashes[path] = hashlib.sha256(path.read_bytes()).hexdigest()
        return self.file_hashes[path] in self.hashes

    def at_rest(self) -> bool:
        """Everything fed so far is parsed and nothing is open that the next text would continue
        (a tag, a comment, a script, style or template): a fresh audit could take over from here."""
        return not self.rawdata and self.cdata_elem is None and not self._skip and self._script is None

    def _check_script(self, attrs: dict, body: str) -> None:
        kind = (attrs.get("type") or "").strip().lower()
        src = attrs.get("src")
        if src is not None:
            if self.defer_local:
                self.findings.append((self.getpos()[0], _PAGE_SCRIPT, (src,), self._context))
            elif message := self.script_src_problem(src):
                self._flag(message, src)
            return
        if kind in {"application/json", "application/ld+json"}:
            try:
                json.loads(body)
            except ValueError:
                self._flag("网页里有无法识别的数据脚本", body.strip())
            return
        text = body.strip()
        if text and not any(p.fullmatch(text) for p in self.scripts):
            self._flag("网页里有不属于主题模板的脚本（<script>）。内容里不能有脚本", text)

    def _check_markup(self, tag: str, attrs: list) -> None:
        """Elements and attributes the theme never writes can only have come from content."""
        if (tag, "") not in self.markup:
            start = self.get_starttag_text() or ""  # the record may hold its beginning: `<b x="`
            self._flag(f"网页里有主题从不使用的 <{tag}> 元素，它只能来自内容",
                       *(start[:end] for end in range(len(start), len(tag) + 2, -1)))
            return
        for name, value in attrs:  # html.parser gives tag and attribute names in lower case
            if (tag, name) not in self.markup and not name.startswith("on"):  # on…= has its own message
                self._flag(f"网页元素 <{tag}> 带有主题从不写在它上面的属性 {name}=，它只能来自内容",
                           *_attribute_evidence(name, value or ""))

    def _check(self, tag: str, attrs: list) -> None:
        if tag in _FORBIDDEN_TAGS:
            self._flag(f"网页里有 <{tag}> 标签，不允许嵌入其他网页或插件", self.get_starttag_text() or "")
        if self.markup is not None:
            self._check_markup(tag, attrs)
        values = {name.lower(): (value or "") for name, value in attrs}
        for name, value in values.items():
            if name.startswith("on"):
                self._flag(f"网页元素带有事件脚本属性 {name}=，不允许", *_attribute_evidence(name, value))
                continue
            if name == "style":
                lowered = value.lower().replace(" ", "")
                if "expression(" in lowered or "javascript:" in lowered or re.search(r"url\((['\"]?)(https?:)?//", lowered):
                    self._flag("样式属性里有脚本或外部网址", *_attribute_evidence(name, value))
                continue
            if name not in _URL_ATTRIBUTES:
                continue
            urls = [part.strip().split(" ")[0] for part in value.split(",")] if name.endswith("srcset") else [value]
            for url in urls:
                scheme = url_scheme(url)
                if scheme in _SCRIPT_SCHEMES:
                    self._flag("网页里有 javascript: 链接，不允许", *_attribute_evidence(name, url))
                elif scheme == "data" and not (tag in {"img", "source"} and name in {"src", "srcset"}
                                               and re.sub(r"[\t\n\r]", "", url.strip()).lower().startswith("data:image/")):
                    self._flag("网页里有 data: 链接（只有图片可以这样写）", *_attribute_evidence(name, url))
        if tag == "meta" and values.get("http-equiv", "").lower() == "refresh" and "javascript:" in values.get("content", "").lower():
            self._flag("网页自动跳转到脚本", values.get("content", ""))
        loading = _LOADING.get(tag)
        external = re.compile(r"^\s*(https?:)?//", re.I)
        site_url = self.ctx.site_host
        if loading and external.match(values.get(loading, "")):
            host = urllib.parse.urlsplit(values[loading].strip()).hostname
            if host != site_url:
                self._flag(f"网页从外部网址加载 <{tag}>。网站不能依赖外部网络", values[loading])
        if tag == "link" and set(values.get("rel", "").lower().split()) & _LOADING_LINK_RELS and external.match(values.get("href", "")):
            host = urllib.parse.urlsplit(values["href"].strip()).hostname
            if host != site_url:
                self._flag("网页从外部网址加载样式或图标。网站不能依赖外部网络", values["href"])
        if tag == "form" and external.match(values.get("action", "")):
            self._flag("表单会把内容发送到外部网址", values["action"])


@dataclass
class PageAudit:
    """What the audit of one HTML page found: HtmlAudit's findings and visible text, in the same form."""

    findings: list[tuple[int, str, tuple[str, ...], str]]
    visible: list[str]
    visible_lines: list[tuple[int, int]]

    def visible_line(self, offset: int) -> int:
        index = bisect.bisect_right([o for o, _ in self.visible_lines], offset) - 1
        return self.visible_lines[index][1] if index >= 0 else 0


@dataclass
class _Piece:
    """The audit of one run of lines of a page, lines counted from the run's first line (1)."""

    findings: list[tuple[int, str, tuple[str, ...], str]]
    visible: list[str]
    visible_lines: list[tuple[int, int]]  # (offset in the run's visible text, line)
    length: int  # of the run's visible text
    line_breaks: int  # in the run


_UNFINISHED = object()  # a run of lines that ends inside a tag, comment, script, style or template
_PIECE_START = re.compile(r"\n[ \t]*(?=<)")


class PageAuditor:
    """HtmlAudit over the pages of one site, one run of lines at a time, each distinct run audited
    once: the theme's page frame (head, header, navigation, footer, scripts) repeats on every page,
    so after the first pages only what records produced is parsed again.

    A page is cut before a tag that starts a line, where html.parser has consumed everything fed
    and nothing is open (HtmlAudit.at_rest); a run that ends elsewhere is joined to the next. From
    such a point a fresh parser reads the rest of the page exactly as the one that read the page
    from its start would (its state there is its initial state, and the text before the tag is
    handed over whole either way), so the findings, their start-tag context and the visible text
    are those of one pass over the whole page, with the run's first line added to each line
    number. A script's src= names a file relative to the page, so it is checked per page folder."""

    def __init__(self, site_dir: Path, ctx: Context, hashes: frozenset[str], scripts: tuple,
                 markup: frozenset[tuple[str, str]] | None) -> None:
        self.site_dir, self.ctx, self.hashes, self.scripts, self.markup = site_dir, ctx, hashes, scripts, markup
        self._runs: dict[tuple[str, bool], object] = {}  # (run, ends the page) → _Piece or _UNFINISHED
        self._file_hashes: dict[Path, str] = {}
        self._scripts: dict[tuple[Path, str], str | None] = {}  # (page folder, src) → its problem

    def audit(self, page: Path, text: str) -> PageAudit:
        findings: list[tuple[int, str, tuple[str, ...], str]] = []
        visible: list[str] = []
        visible_lines: list[tuple[int, int]] = []
        length = 0
        cuts = [m.end() for m in _PIECE_START.finditer(text)] + [len(text)]
        start, line, index = 0, 0, 0  # line: line breaks before `start`
        while True:
            end = cuts[index]
            index += 1
            piece = self._piece(page, text[start:end], end == len(text))
            if piece is _UNFINISHED:
                continue  # the next cut; the last one (the end of the page) always finishes
            if piece is None:  # html.parser gave up: the page is audited in one pass, as before
                return whole_page_audit(page, text, self.site_dir, self.ctx, self.hashes, self.scripts, self.markup)
            for found_line, message, evidence, start_tag in piece.findings:
                if message is _PAGE_SCRIPT:
                    try:
                        message = self._script_problem(page, evidence[0])
                    except Exception:  # noqa: BLE001 (it stopped the one-pass audit in the middle of the page)
                        return whole_page_audit(page, text, self.site_dir, self.ctx, self.hashes, self.scripts,
                                                self.markup)
                    if message is None:
                        continue
                findings.append((found_line + line, message, evidence, start_tag))
            if piece.visible:
                visible += piece.visible
                visible_lines += [(offset + length, data_line + line) for offset, data_line in piece.visible_lines]
                length += piece.length
            if end == len(text):
                return PageAudit(findings, visible, visible_lines)
            line += piece.line_breaks
            start = end

    def _piece(self, page: Path, run: str, final: bool):
        known = self._runs.get((run, final))
        if known is not None:
            return known
        audit = self._audit(page)
        audit.defer_local = True
        try:
            audit.feed(run)
            if final:
                audit.close()
        except Exception:  # noqa: BLE001 (as whole_page_audit: the page is then audited in one pass)
            return None
        if not final and not audit.at_rest():
            known = _UNFINISHED
        else:
            known = _Piece(audit.findings, audit.visible, audit.visible_lines, audit._length, run.count("\n"))
        self._runs[(run, final)] = known
        return known

    def _audit(self, page: Path) -> HtmlAudit:
        audit = HtmlAudit(page, self.site_dir, self.ctx, self.hashes, self.scripts, self.markup)
        audit.file_hashes = self._file_hashes
        return audit

    def _script_problem(self, page: Path, src: str) -> str | None:
        key = (page.parent, src)
        if key not in self._scripts:
            self._scripts[key] = self._audit(page).script_src_problem(src)
        return self._scripts[key]


def whole_page_audit(page: Path, text: str, site_dir: Path, ctx: Context, hashes: frozenset[str], scripts: tuple,
                     markup: frozenset[tuple[str, str]] | None) -> PageAudit:
    """HtmlAudit over a whole page in one pass (the reference PageAuditor is held to)."""
    audit = HtmlAudit(page, site_dir, ctx, hashes, scripts, markup)
    try:
        audit.feed(text)
        audit.close()
    except Exception:  # html.parser is lenient; anything it cannot take is suspicious
        audit.findings.append((0, "网页结构无法解析", (), ""))
    return PageAudit(audit.findings, audit.visible, audit.visible_lines)


@dataclass
class OutputScan:
    ctx: Context
    site_dir: Path
    display: str  # prefix for paths in messages
    theme_dir: Path
    records: Optional[RecordTexts] = None  # where findings are traced back to
    # .docx files careportal generated and gate-checked (sha256): the only documents a site may
    # carry; their text is checked again here. Any other .docx is refused like any .doc.
    generated: frozenset[str] = frozenset()
    authors: tuple[str, ...] = ()  # names the generated documents' properties may carry
    # the findings of earlier builds on generated documents, by a digest of everything check_docx
    # reads (the document's bytes, the context, the name shown, the authors); see _document
    kept: Optional[MutableMapping] = None

    def run(self) -> list[Problem]:
        hashes = theme_hashes(str(self.theme_dir))
        scripts = theme_scripts(str(self.theme_dir))
        self._pages = PageAuditor(self.site_dir, self.ctx, hashes, scripts,
                                  theme_pairs(str(self.theme_dir), _ENGINE_TEMPLATES[0]))
        self._svg = PageAuditor(self.site_dir, self.ctx, hashes, scripts, None)
        self._traced: set[tuple] = set()
        self._ctx_key: Optional[str] = None  # digest(self.ctx), once a kept finding is looked up
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
                    problems += self._document(data, where)
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

    def _document(self, data: bytes, where: str) -> list[Problem]:
        """check_docx on a generated document, or its findings from an earlier build for the same
        inputs (a county document with a thousand schools' rows takes seconds to read)."""
        if self.kept is None:
            return check_docx(data, self.ctx, where, self.authors)
        if self._ctx_key is None:
            self._ctx_key = digest(self.ctx)
        key = digest(("output gate", hashlib.sha256(data).hexdigest(), self._ctx_key, where, self.authors))
        found = self.kept.get(key)
        if found is None:
            found = self.kept[key] = check_docx(data, self.ctx, where, self.authors)
        return list(found)

    def _name(self, rel: str, where: str) -> list[Problem]:
        folded = detect.fold(urllib.parse.unquote(rel).replace("/", " / "))
        hits = self.ctx.deny.find(folded) + detect.find_ids(folded)
        hits += [h for h in detect.find_contacts(folded, self.ctx.allowed_phones, self.ctx.email_domains)]
        return [Problem(where, 0, "", "文件名里" + detect.redact(h.message), h.severity, h.label) for h in hits]

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
            audit = (self._svg if path.suffix.lower() == ".svg" else self._pages).audit(path, text)
            for line, message, evidence, context in audit.findings:
                key = ("网页安全", message, line)
                if key not in seen:
                    seen.add(key)
                    problems += self._markup_problem(where, line, message, evidence, context)
            visible = detect.fold("".join(audit.visible).replace("\n", " "))
            for hit in scan_patterns(visible, self.ctx, thorough=False):
                add(audit.visible_line(hit.start), hit)
        return problems


    def _markup_problem(self, where: str, line: int, message: str, evidence: tuple, context: str) -> list[Problem]:
        """A finding of the HTML audit: at the record whose text made it, when one does (once per
        record line and finding, however many pages show it), else at the page."""
        found = self.records.locate(evidence, context) if self.records is not None else None
        if found is None:
            return [Problem(where, line, "", message, Severity.ERROR, "网页安全")]
        source, source_line = found
        key = (source.path, source_line, source.loc, message)
        if key in self._traced:
            return []
        self._traced.add(key)
        page = where.removeprefix(f"{self.display}/") + (f":{line}" if line else "")
        return [labels.problem(source.path, source_line, source.loc, detect.redact(
            f"{message}。这个字段的文字在生成的网页 {page} 里变成了网页代码，网站不能发布。"
            "请删掉其中的英文引号、尖括号等符号后重新生成"), Severity.ERROR, "网页安全")]


def check_output(county: County, records: SchoolRecords, site_dir: Path,
                 generated: frozenset[str] = frozenset()) -> list[Problem]:
    """The gate over every file of a built school site, before it is published. `generated`:
    the hashes of the report documents careportal made and checked for this site."""
    ctx = context(county, records)
    return OutputScan(ctx, site_dir, f"（生成的网页）{records.slug}", theme.theme_dir(county.root),
                      records=RecordTexts(county, records), generated=generated).run()


def check_portal(county: County, portal_dir: Path, generated: frozenset[str] = frozenset(),
                 facts=None, kept: Optional[MutableMapping] = None) -> list[Problem]:
    """The gate over the county portal (every school's deny-list applies; `facts`: see
    context.county_context; findings are traced to the bureau's records and those of the schools
    `county` holds; `generated`: the county reports careportal made and checked; `kept`: what
    earlier builds found in the same documents, see OutputScan._document)."""
    ctx = county_context(county, facts)
    authors = ((county.bureau.record.name,) if county.bureau else ()) + tuple(
        s.school.record.name for s in county.schools if s.school is not None)  # institutions, never persons
    return OutputScan(ctx, portal_dir, "（全县首页）", theme.theme_dir(county.root), records=RecordTexts(county),
                      generated=generated, authors=authors, kept=kept).run()


