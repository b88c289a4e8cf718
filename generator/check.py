"""Stage 2, check: the privacy gate. Nothing a school publishes may identify a child.

Allow-list by construction first (templates only see public view models; per-child data lives in
`schools/<slug>/private/`, which nothing copies), then scan:

* `check_records(county, records)` reads the school's record files before anything is rendered:
  the register's deny-list, ID numbers, phones, e-mails, bank cards, person names, small counts
  and sensitive attributes in prose, recipient lists, photo consent. Findings name file and line.
* `check_output(county, records, site_dir)` reads every file of the built site before it is
  published: every text file (HTML, search index, sitemap, feeds, calendars, also inside .gz),
  every file and folder name and every image's metadata, after folding (pii.fold); and the HTML
  itself for script, event handlers, javascript:/data: URLs and outside resources.
* `check_portal(county, portal_dir)` does the same for the county portal.

Rules are numbered as in docs/privacy-gate.md (pii.RULES). Every message masks the value.
`gate_report` gathers what ran, what was found and which cells were suppressed, for the JSON
report the pipeline writes outside the published tree.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import re
import urllib.parse
from dataclasses import dataclass
from functools import lru_cache
from html.parser import HTMLParser
from pathlib import Path
from typing import Iterable, Optional

from . import images, pii
from .load import County, Loaded, SchoolRecords
from .problems import Problem, Severity
from .register import deny_list, read_register
from .suppress import effective_k

SEVERITY = {pii.ERROR: Severity.ERROR, pii.WARNING: Severity.WARNING}

# Files that must never be part of a published site, whatever produced them.
FORBIDDEN_SUFFIXES = {
    ".yml", ".yaml", ".csv", ".tsv", ".xls", ".xlsx", ".xlsm", ".et", ".ods", ".numbers", ".doc", ".docx", ".wps",
    ".db", ".sqlite", ".sqlite3", ".bak", ".tmp", ".py", ".pyc", ".md", ".j2", ".heic", ".psd", ".raw", ".dng",
}
FORBIDDEN_NAMES = {".git", ".hg", ".svn", "private", ".DS_Store", "Thumbs.db", "desktop.ini"}
MAX_SCAN_BYTES = 64 * 1024 * 1024


# ---------------------------------------------------------------------------------------------
# What the gate knows about a school


@dataclass
class Context:
    k: int
    deny: pii.DenyList
    register_problems: list[Problem]
    register_info: dict
    allowed_phones: frozenset[str]
    email_domains: tuple[str, ...]
    staff: tuple[str, ...]
    known: tuple[str, ...]  # institution and place names of the county, not persons
    site_prefix: str  # the URL path of the site when site_url is set, e.g. /huangshan-cun/
    site_host: Optional[str] = None  # the bureau's host name (site_url), the only host pages may load from


def _school_numbers(records: SchoolRecords) -> list[str]:
    if records.school is None:
        return []
    record = records.school.record
    numbers = [record.family_phone.number] + [c.phone for c in record.contacts]
    return numbers + [r.record.contact.phone for r in records.resources if r.record.contact]


def declared_phones(county: County, records: Optional[SchoolRecords] = None) -> frozenset[str]:
    """The numbers a school's site may show: its own declared institutional numbers (school.yml
    and its resources' contacts), the bureau's, and public service lines. Without `records`:
    every school of the county (the portal)."""
    numbers = [county.bureau.record.contact.phone] if county.bureau else []
    for school in ([records] if records is not None else county.schools):
        numbers += _school_numbers(school)
    return frozenset({pii.phone_key(n) for n in numbers} | pii.PUBLIC_SERVICE_LINES)


def _known_places(county: County, records: SchoolRecords) -> tuple[str, ...]:
    """Names of the bureau, the school, its township, address and rooms: not persons."""
    known = []
    if county.bureau:
        b = county.bureau.record
        known += [b.name, b.region.province, b.region.city, b.region.county, b.address or ""]
    if records.school is not None:
        s = records.school.record
        known += [s.name, s.township, s.address, s.family_phone.location or ""] + [c.role for c in s.contacts]
    known += [r.record.name for r in records.resources] + [r.record.location for r in records.resources]
    return tuple(sorted({k for k in known if k}))


def _site_host(county: County) -> Optional[str]:
    url = county.bureau.record.site_url if county.bureau else None
    return urllib.parse.urlparse(url).hostname if url else None


def _site_prefix(county: County, slug: str = "") -> str:
    url = county.bureau.record.site_url if county.bureau else None
    base = urllib.parse.urlparse(url).path.rstrip("/") if url else ""
    return f"{base}/{slug}/" if slug else f"{base}/"


def _register_key(folder: Path) -> tuple:
    from .register import register_files

    return tuple((str(p), p.stat().st_mtime_ns, p.stat().st_size) for p in register_files(folder))


@lru_cache(maxsize=64)
def _register_cached(root: str, folder: str, key: tuple):
    register = read_register(Path(root), Path(folder))
    deny = deny_list(register)
    info = {"files": len(register.files), "rows": len(register.rows), **deny.summary()}
    return deny, register.problems, info


def school_register(root: Path, folder: Path) -> tuple[pii.DenyList, list[Problem], dict]:
    """The school's deny-list, the problems reading its register, and sizes for the report."""
    return _register_cached(str(root), str(folder), _register_key(folder))


def context(county: County, records: SchoolRecords) -> Context:
    deny, problems, info = school_register(county.root, records.folder)
    staff = tuple(records.school.record.staff_names) if records.school else ()
    host = _site_host(county)
    return Context(
        k=effective_k(county.min_cell), deny=deny, register_problems=list(problems), register_info=info,
        allowed_phones=declared_phones(county, records), email_domains=(host,) if host else (), staff=staff,
        known=_known_places(county, records), site_prefix=_site_prefix(county, records.slug), site_host=host,
    )


def county_context(county: County) -> Context:
    """The portal's context: every school folder's deny-list and declared numbers at once (read
    from disk, so it does not matter which schools `county` holds)."""
    from .load import load_school, school_folders
    from .problems import Problems

    deny = pii.DenyList()
    numbers = set(declared_phones(county, SchoolRecords("", county.root)))
    staff: list[str] = []
    for folder in school_folders(county.root, Problems()):
        one, _, _ = school_register(county.root, folder)
        deny.merge(one)
        records = (next((r for r in county.schools if r.folder == folder), None)
                   or load_school(county.root, folder, kinds=("resources",)))  # what _school_numbers reads
        numbers |= {pii.phone_key(n) for n in _school_numbers(records)}
        staff += records.school.record.staff_names if records.school else []
    host = _site_host(county)
    return Context(effective_k(county.min_cell), deny, [], deny.summary(), frozenset(numbers),
                   (host,) if host else (), tuple(staff), (), _site_prefix(county), host)


# ---------------------------------------------------------------------------------------------
# Scanning text


def redacted(problems: Iterable[Problem]) -> list[Problem]:
    """Problems with anything that looks like an ID, phone, card or e-mail masked in the message
    (a schema error may quote what was typed in the wrong field)."""
    import dataclasses

    return [dataclasses.replace(p, message=pii.redact(p.message)) for p in problems]


def _problem(path: str, line: int, hit: pii.Hit) -> Problem:
    return Problem(path, line, "", pii.redact(hit.message), SEVERITY[hit.severity], hit.label)


def scan_patterns(folded: pii.Folded, ctx: Context, thorough: bool = True) -> list[pii.Hit]:
    """Rules 1–3 over one folded text."""
    return (ctx.deny.find(folded) + pii.find_ids(folded)
            + pii.find_contacts(folded, ctx.allowed_phones, ctx.email_domains, thorough))


def _strings(data, path=()):
    if isinstance(data, dict):
        for key, value in data.items():
            yield from _strings(value, path + (key,))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from _strings(value, path + (index,))
    elif isinstance(data, str):
        yield path, data


def _value_first_line(item: Loaded, raw_lines: list[str], path: tuple) -> int:
    line = item.doc.lines.get(path) or item.line_of(*path)
    text = raw_lines[line - 1] if 0 < line <= len(raw_lines) else ""
    return line + 1 if re.search(r"[|>][+-]?\s*(#.*)?$", text) else line


def _check_file(item: Loaded, county: County, ctx: Context) -> list[Problem]:
    path = county.root / item.path
    raw = path.read_text(encoding="utf-8-sig", errors="replace")
    raw_lines = raw.split("\n")
    problems: list[Problem] = []
    seen: set[tuple] = set()

    def add(line: int, hit: pii.Hit, per_line: bool = True) -> None:
        key = (hit.label, hit.masked or hit.message, line if per_line else 0)
        if key in seen or (hit.masked and (hit.label, hit.masked, "any") in seen):
            return
        seen.add(key)
        if hit.masked:
            seen.add((hit.label, hit.masked, "any"))
        problems.append(_problem(item.path, line, hit))

    # the file as written (comments included): rules 1–3
    folded = pii.fold(raw)
    for hit in scan_patterns(folded, ctx):
        add(folded.line(hit.start), hit)
    # each value as parsed (YAML escapes decoded): rules 1–3 again, then 4–7 on prose
    for value_path, value in _strings(item.doc.data):
        first = _value_first_line(item, raw_lines, value_path)
        one = pii.fold(value, first)
        for hit in scan_patterns(one, ctx):
            add(one.line(hit.start), hit)
        names = pii.name_candidates(one.text, ctx.staff, ctx.known)
        for offset, word in names:
            if any(word in name or name in word for name in (*ctx.deny.full_names, *ctx.deny.given_names)):
                continue  # part of a register name: already an error of rule 1
            add(one.line(offset), pii.Hit(offset, "人名",
                                          f"“{pii.mask_name(word)}”可能是人名。如果是学生或家长的名字，请删掉；"
                                          "如果是同意公开姓名的教职工，请把姓名加到 school.yml 的 staff_names 里",
                                          pii.WARNING, pii.mask_name(word)))
        for hit in pii.find_text_rules(one.text, ctx.k, names):
            add(one.line(hit.start), hit)
    return problems


def _structural(item: Loaded, records: SchoolRecords, ctx: Context) -> list[Problem]:
    """Rules that look at fields, not text: photo consent (8), sensitive attributes (6)."""
    problems = []
    record = item.record
    for index, photo in enumerate(getattr(record, "photos", None) or []):
        line = item.line_of("photos", index)
        faces = getattr(photo.faces, "value", photo.faces)
        why = images.refusal(photo.consent, faces)
        if why:
            problems.append(Problem(item.path, line, "", why, Severity.ERROR, "照片"))
            continue
        try:
            images.prepare(images.resolve(records.folder, photo.file))
        except images.PhotoError as exc:
            problems.append(Problem(item.path, item.line_of("photos", index, "file"), "", str(exc), Severity.ERROR, "照片"))
        except OSError:
            problems.append(Problem(item.path, item.line_of("photos", index, "file"), "", "照片文件读不出来", Severity.ERROR, "照片"))
    for index, entry in enumerate(getattr(record, "sensitive", None) or []):
        crossed = pii.qualifier_in(entry.attribute)
        if crossed:
            problems.append(Problem(item.path, item.line_of("sensitive", index, "attribute"), "", pii.redact(
                f"敏感情况只能按全校合计公布，不能按年级、班级或性别分开（这里写了“{crossed}”）"), Severity.ERROR, "敏感信息"))
    return problems


def _items(records: SchoolRecords) -> list[Loaded]:
    items: list[Loaded] = [records.school] if records.school else []
    return (items + list(records.activities) + list(records.policies) + list(records.resources)
            + list(records.summaries) + list(records.letters))


def check_records(county: County, records: SchoolRecords) -> list[Problem]:
    """The gate over a school's records, before anything is rendered."""
    ctx = context(county, records)
    problems = list(ctx.register_problems)
    for item in _items(records):
        problems += _check_file(item, county, ctx)
        problems += _structural(item, records, ctx)
    return problems


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
                cleaned = re.sub(r"[\x00-\x20]", "", pii.fold_line(url)).lower()
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
        import bisect

        index = bisect.bisect_right([o for o, _ in self.visible_lines], offset) - 1
        return self.visible_lines[index][1] if index >= 0 else 0


@dataclass
class OutputScan:
    ctx: Context
    site_dir: Path
    display: str  # prefix for paths in messages
    theme_dir: Path

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
            if suffixes & FORBIDDEN_SUFFIXES:
                problems.append(Problem(where, 0, "", "网站里不能有这种文件（记录、台账、文档或源文件），它不应被发布",
                                        Severity.ERROR, "输出文件"))
                continue
            data = path.read_bytes()
            if hashlib.sha256(data).hexdigest() in hashes:
                continue
            if path.suffix.lower() in images.IMAGE_SUFFIXES:
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
        folded = pii.fold(urllib.parse.unquote(rel).replace("/", " / "))
        hits = self.ctx.deny.find(folded) + pii.find_ids(folded)
        hits += [h for h in pii.find_contacts(folded, self.ctx.allowed_phones, self.ctx.email_domains)]
        return [Problem(where, 0, "", "文件名里" + pii.redact(h.message), SEVERITY[h.severity], h.label) for h in hits]

    def _image(self, rel: str, where: str, data: bytes) -> list[Problem]:
        found = images.metadata_found(data)
        problems = []
        if found:
            problems.append(Problem(where, 0, "", "图片带有" + "、".join(found) + "，必须经 careportal 重新处理后才能发布",
                                    Severity.ERROR, "照片"))
        try:
            from PIL import Image
            import io

            with Image.open(io.BytesIO(data)) as im:
                if im.width > images.MAX_WIDTH:
                    problems.append(Problem(where, 0, "", f"图片宽 {im.width} 像素，超过 {images.MAX_WIDTH}，没有经过处理",
                                            Severity.ERROR, "照片"))
        except Exception:
            pass  # already reported by metadata_found
        if f"/{images.PHOTO_DIR}/" in f"/{rel}" and not images.hashed_name_ok(Path(rel).name, data):
            problems.append(Problem(where, 0, "", "照片的文件名不是内容的哈希值，原文件名可能泄露信息", Severity.ERROR, "照片"))
        return problems

    def _text(self, path: Path, where: str, text: str, hashes, scripts) -> list[Problem]:
        problems: list[Problem] = []
        seen: set[tuple] = set()

        def add(line: int, hit: pii.Hit) -> None:
            key = (hit.label, hit.masked or hit.message)
            if key in seen:
                return
            seen.add(key)
            problems.append(_problem(where, line, hit))

        folded = pii.fold(text)
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
            visible = pii.fold("".join(audit.visible).replace("\n", " "))
            for hit in scan_patterns(visible, self.ctx, thorough=False):
                add(audit.visible_line(hit.start), hit)
        return problems


def _theme_dir(county: County) -> Path:
    from .render import Layout

    return Layout.for_root(county.root, county.root).theme


def check_output(county: County, records: SchoolRecords, site_dir: Path) -> list[Problem]:
    """The gate over every file of a built school site, before it is published."""
    ctx = context(county, records)
    return OutputScan(ctx, site_dir, f"（生成的网页）{records.slug}", _theme_dir(county)).run()


def check_portal(county: County, portal_dir: Path) -> list[Problem]:
    """The gate over the county portal (every school's deny-list applies)."""
    ctx = county_context(county)
    return OutputScan(ctx, portal_dir, "（全县首页）", _theme_dir(county)).run()


# ---------------------------------------------------------------------------------------------
# The report


def suppression_log(county: County, records: SchoolRecords, today=None) -> list[dict]:
    """Which published counts about children were suppressed, and why (no values)."""
    from datetime import date

    from .views import activity_view, summary_view

    k = effective_k(county.min_cell)
    log = []
    for item in records.summaries:
        view = summary_view(item, k)
        for table in view.tables:
            for row in table.rows:
                reason = "少于k" if row.value.startswith("少于") else ("不公布" if "不公布" in row.value else None)
                if reason:
                    log.append({"file": item.path, "table": table.title, "cell": row.label, "shown": row.value,
                                "reason": reason})
    for item in records.activities:
        view = activity_view(item, k, today or date.today())
        if view.participants and "少于" in view.participants:
            log.append({"file": item.path, "table": "参加人数", "cell": item.slug, "shown": view.participants,
                        "reason": "少于k"})
    return log


def findings(problems: Iterable[Problem]) -> list[dict]:
    return [{"file": p.path, "line": p.line, "rule": pii.LABELS.get(p.rule), "label": p.rule or p.field or "",
             "severity": p.severity.value, "message": pii.redact(p.message)} for p in problems]


STATUS = {"built": "已发布", "unchanged": "未改动（沿用已发布的网站）", "failed": "未发布（原来的网站保持不变）"}


def school_report(county: County, records: SchoolRecords, today=None) -> dict:
    """A built school's part of the gate report (register sizes, suppressed cells), made while its
    records are at hand and kept with it in the build cache: the report of a run where most
    schools are unchanged then reads no school's records again."""
    return {"register": school_register(county.root, records.folder)[2],
            "suppressed": suppression_log(county, records, today) if records.ok else []}


def gate_report(county: County, results: Iterable, county_problems: Iterable[Problem] = (),
                generated: str = "", today=None) -> dict:
    """The machine-readable report of one build: rules run, per school its status, findings
    (masked) and suppressed cells, and the portal's findings. `results` are pipeline
    SchoolResults (slug, status, problems)."""
    from .load import load_school

    schools = []
    for result in results:
        folder = county.root / "schools" / result.slug
        entry = {"slug": result.slug, "status": result.status, "status_text": STATUS.get(result.status, result.status)}
        recorded = getattr(result, "gate", None) or {}  # what the school's build found (kept in the cache)
        if "register" in recorded:
            entry["register"] = recorded["register"]
        elif folder.is_dir():
            entry["register"] = school_register(county.root, folder)[2]
        problems = list(result.problems)
        entry["errors"] = sum(1 for p in problems if p.severity is Severity.ERROR)
        entry["warnings"] = sum(1 for p in problems if p.severity is Severity.WARNING)
        entry["findings"] = findings(problems)
        if result.status != "failed" and "suppressed" in recorded:
            entry["suppressed"] = recorded["suppressed"]
        elif result.status != "failed" and folder.is_dir():
            records = load_school(county.root, folder)
            entry["suppressed"] = suppression_log(county, records, today) if records.ok else []
        schools.append(entry)
    portal = [p for p in county_problems if p.path.startswith("（全县首页）")]
    return {
        "generator": "careportal privacy gate",
        "generated": generated,
        "k": effective_k(county.min_cell),
        "rules": [{"id": number, "name": name} for number, name in pii.RULES.items()],
        "schools": schools,
        "portal": {"findings": findings(portal), "errors": sum(1 for p in portal if p.severity is Severity.ERROR)},
        "county_findings": findings(p for p in county_problems if p not in portal),
    }


def write_report(path: Path, report: dict) -> Path:
    """Write the report atomically (every message in it is already masked)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    tmp.replace(path)
    return path
