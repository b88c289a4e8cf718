"""Reading one YAML record file safely, keeping the line of every key and value.

Every scalar is loaded as text (only `~`, `null` and an empty value mean "nothing"): YAML 1.1's
implicit typing would turn an unquoted phone 13800138000 into an int, `no` into False and 0755
into 493. The record models convert text into numbers, dates and booleans themselves, with
Chinese messages. Aliases, custom tags, duplicate keys, deep nesting and oversize files are
refused, so a hostile or mistaken file can never build objects, exhaust memory or lose data.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any

import yaml
from yaml.composer import Composer
from yaml.events import AliasEvent
from yaml.nodes import MappingNode, ScalarNode, SequenceNode
from yaml.parser import Parser
from yaml.reader import Reader
from yaml.resolver import BaseResolver
from yaml.scanner import Scanner

from generator.problems import ContentError

MAX_FILE_BYTES = 256 * 1024  # a record file; bodies beyond this belong in several records
MAX_DEPTH = 20
MAX_NODES = 20_000
TOO_DEEP = f"嵌套层数太深（超过 {MAX_DEPTH} 层），请检查缩进"
TOO_MANY_NODES = "内容过多，超出了单个文件的上限，请拆成多个文件"

# Characters no record needs, which only arrive through escapes such as "\x02" or "\ud800" in
# double quotes: C0/C1 controls (tab and newline are fine), lone surrogates, non-characters.
_FORBIDDEN = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff]")
# Invisible characters that Word, WeChat and Notepad slip into keys (zero-width space, joiner, BOM).
_INVISIBLE = re.compile(r"[\u200b-\u200f\u2060\ufeff]")
_LEADING_WIDE_SPACE = re.compile(r"^[\u00a0\u2000-\u200a\u202f\u205f\u3000]")

_STR = "tag:yaml.org,2002:str"
_NULL = "tag:yaml.org,2002:null"
_SEQ = "tag:yaml.org,2002:seq"
_MAP = "tag:yaml.org,2002:map"

Path_ = tuple  # a path into the document: keys (str) and list indexes (int)


class _TextResolver(BaseResolver):
    """Resolves plain scalars to text, except the spellings of null."""


_TextResolver.add_implicit_resolver(_NULL, re.compile(r"^(?:~|null|Null|NULL|)$"), ["~", "n", "N", ""])


class _RecordLoader(Reader, Scanner, Parser, Composer, _TextResolver):
    def __init__(self, stream):
        Reader.__init__(self, stream)
        Scanner.__init__(self)
        Parser.__init__(self)
        Composer.__init__(self)
        _TextResolver.__init__(self)

        self._depth = 0
        self._nodes = 0

    def compose_node(self, parent, index):
        event = self.peek_event()
        if isinstance(event, AliasEvent):
            raise ContentError(event.start_mark.line + 1, "不支持“*”引用（YAML 别名），请把内容直接写出来")
        # Limits are enforced while composing, before any recursion or memory use can grow.
        self._nodes += 1
        if self._nodes > MAX_NODES:
            raise ContentError(event.start_mark.line + 1, TOO_MANY_NODES)
        if getattr(event, "tag", None) is not None:  # `!tag`, `!!python/…`, even a bare `!`
            tag = event.tag.replace("tag:yaml.org,2002:", "!!")
            raise ContentError(event.start_mark.line + 1, f"不支持 YAML 标签“{tag}”（以 ! 开头的写法），请删掉它，直接写内容。"
                                                          "文字以 ! 开头时请加引号")
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                raise ContentError(event.start_mark.line + 1, TOO_DEEP)
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


@dataclass
class Document:
    """A parsed record file: plain data (dicts, lists, text, None) and the line of each path."""

    data: Any
    lines: dict[Path_, int]
    warnings: list[tuple[int, str]] = field(default_factory=list)  # (line, message): accepted, but worth a look

    def line_of(self, path: Path_) -> int:
        """The line of the deepest known prefix of `path` (a missing key points at its parent)."""
        path = tuple(path)
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return self.lines.get((), 1)

    def path_at(self, line: int) -> Path_:
        """The deepest field written on or above `line` (the field a line of the file belongs to,
        e.g. a line inside a `body: |` block); () above the first field."""
        starts, paths = self._starts
        index = bisect.bisect_right(starts, line) - 1
        return paths[index] if index >= 0 else ()

    @cached_property
    def _starts(self) -> tuple[list[int], list[Path_]]:
        """The lines where fields start, in order, and the deepest field starting on each."""
        deepest: dict[int, Path_] = {}
        for path, at in self.lines.items():
            if path and (at not in deepest or len(path) > len(deepest[at])):
                deepest[at] = path
        starts = sorted(deepest)
        return starts, [deepest[at] for at in starts]


def decode(raw: bytes) -> str:
    """Bytes to text: UTF-8 (with or without the BOM Notepad writes); anything else is refused."""
    while raw.startswith(b"\xef\xbb\xbf"):  # some editors add a second BOM when re-saving
        raw = raw[3:]
    if raw.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0", b"{\\rtf", b"%PDF")):
        raise ContentError(1, "这是 Word、WPS、Excel 或 PDF 文档，不是纯文本文件。请把内容复制到记事本里，另存为 UTF-8 编码的 .yml 文件")
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")) or raw[:200].count(b"\x00") > len(raw[:200]) // 4:
        raise ContentError(1, "文件是 UTF-16（Unicode）编码。请用记事本打开，点“另存为”，编码选“UTF-8”后保存")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        try:
            raw.decode("gb18030")
        except UnicodeDecodeError:
            raise ContentError(line, "文件里有无法识别的字符（不是 UTF-8 编码）。请用记事本打开，点“另存为”，编码选“UTF-8”后保存") from None
        raise ContentError(
            line,
            "文件是 GBK/GB18030 编码（中文 Windows 的默认编码），不是 UTF-8。"
            "请用记事本或 WPS 打开，点“另存为”，编码选“UTF-8”后保存",
        ) from None
    return text.replace("\r\n", "\n").replace("\r", "\n")


_KEY_FULLWIDTH_COLON = re.compile(r"^\s*(?:-\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*：")
_KEY_NO_SPACE = re.compile(r"^\s*(?:-\s+)?([A-Za-z_][A-Za-z0-9_]*):[^\s/]")


@lru_cache(maxsize=1)
def _field_names() -> frozenset[str]:
    """Every key a record may have: `title:abc` is a mistake, `javascript:alert` in a list is text."""
    from generator.records import models

    names, todo = set(), list(models.Record.__subclasses__())
    while todo:
        cls = todo.pop()
        names.update(cls.model_fields)
        todo.extend(cls.__subclasses__())
    return frozenset(names)


def _mistyped_key(pattern: re.Pattern, line: str) -> bool:
    match = pattern.match(line)
    return bool(match) and match.group(1) in _field_names()


_BLOCK_START = re.compile(r":\s*[|>][0-9+-]*\s*(#.*)?$")


def _lines_inside_scalars(text: str) -> set[int]:
    """Lines (1-based) that continue a multi-line text value, as far as the file scans: there a
    `word:` or a tab is just text, so the line checks below leave them alone."""
    inside: set[int] = set()
    depth = 0
    opening = (yaml.FlowSequenceStartToken, yaml.FlowMappingStartToken, yaml.BlockSequenceStartToken,
               yaml.BlockMappingStartToken)
    closing = (yaml.FlowSequenceEndToken, yaml.FlowMappingEndToken, yaml.BlockEndToken)
    try:
        for token in yaml.scan(text, Loader=_RecordLoader):
            if isinstance(token, yaml.ScalarToken) and token.end_mark.line > token.start_mark.line:
                inside.update(range(token.start_mark.line + 2, token.end_mark.line + 2))
            depth += isinstance(token, opening) - isinstance(token, closing)
            if depth > MAX_DEPTH:  # the loader refuses this file anyway; scanning deeper costs O(n²)
                break
    except yaml.YAMLError:
        pass  # the lines up to the mistake are known; the rest get every check
    return inside


def _prescan(text: str, until: int | None = None) -> None:
    """Mistakes whose YAML parser message would mislead a non-programmer (or that YAML quietly
    takes as text): say them plainly. Only lines up to `until` when YAML failed there."""
    inside = _lines_inside_scalars(text)
    in_block = False
    block_indent = 0
    for number, line in enumerate(text.split("\n"), start=1):
        if until is not None and number > until:
            return
        if number in inside:
            continue
        stripped = line.lstrip(" ")
        indent = len(line) - len(stripped)
        if in_block:  # inside a `|` or `>` text block anything goes
            if not stripped or indent > block_indent:
                continue
            in_block = False
        if stripped.startswith("\t"):
            raise ContentError(number, "这一行用 Tab 键缩进了。YAML 只能用空格缩进，请把 Tab 换成两个空格")
        if stripped.startswith("#"):
            continue
        if _mistyped_key(_KEY_FULLWIDTH_COLON, line):
            raise ContentError(number, "字段名后面用了中文冒号“：”，请改成英文冒号“:”并在后面加一个空格")
        if _mistyped_key(_KEY_NO_SPACE, line):
            raise ContentError(number, "英文冒号“:”后面要加一个空格，例如 title: 防溺水安全教育")
        if _BLOCK_START.search(line):
            in_block = True
            block_indent = indent


def _line_text(text: str, line: int) -> str:
    lines = text.split("\n")
    return lines[line - 1] if 0 < line <= len(lines) else ""


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _previous_content_line(text: str, line: int) -> str:
    lines = text.split("\n")[: max(0, line - 1)]
    for candidate in reversed(lines):
        if candidate.strip() and not candidate.strip().startswith("#"):
            return candidate
    return ""


QUOTE_NOT_CLOSED = "这一行的引号没有结束：以 \" 或 ' 开始的文字，要用同样的引号结束。文字里需要引号时，请用中文引号“”"
TEXT_AFTER_QUOTE = "引号结束后，同一行还有文字。文字里需要引号时请用中文引号“”，或把整段文字用单引号 ' ' 括起来"
_QUOTED_THEN_TEXT = re.compile(r"^\s*(?:-\s+)?(?:[^\s:#][^:#]*:\s+)?([\"']).*?(?<!\\)\1\s*[^\s#]")


_VALUE_LEAD = re.compile(r"^\s*(?:-\s+)*(?:[^\s:#\-?][^:#]*?:\s+)?(\S)")
_SPECIAL_LEADS = set("!&*>|-?,[]{}@%`")


def _translate_yaml_error(exc: yaml.YAMLError, text: str) -> ContentError:
    """A PyYAML error → the line the mistake is really on, and what to write instead."""
    if isinstance(exc, yaml.reader.ReaderError):
        line = text.count("\n", 0, exc.position) + 1 if isinstance(exc.position, int) else 1
        return ContentError(line, f"这一行有看不见的特殊字符（U+{exc.character:04X}），可能是从 Word、网页或微信复制来的。"
                                  "请删掉这一行，用键盘重新输入")
    if not isinstance(exc, yaml.MarkedYAMLError):
        return ContentError(1, "YAML 格式有误，请检查缩进、冒号和引号")
    problem_line = exc.problem_mark.line + 1 if exc.problem_mark else 0
    context_line = exc.context_mark.line + 1 if exc.context_mark else 0
    line = problem_line or context_line or 1
    problem = exc.problem or ""
    context = exc.context or ""
    if "found character '\\t'" in problem or "\t" in problem:
        return ContentError(line, "这一行有 Tab 字符。YAML 只能用空格，请把 Tab 换成空格")
    if "quoted scalar" in context:
        if "unknown escape" in problem or "expected escape sequence" in problem:
            return ContentError(line, "双引号里的反斜杠“\\”有特殊含义。请把 \\ 写成 \\\\，或者把这段文字改用单引号 ' ' 括起来")
        return ContentError(context_line or line, QUOTE_NOT_CLOSED)
    if "could not find expected ':'" in problem:
        return ContentError(context_line or line, "这一行缺少冒号：每个字段要写成“字段名: 内容”（英文冒号，后面加一个空格）")
    if "single document" in context:
        return ContentError(line, "一个文件只能写一条记录，这一行的“---”后面又开始了一条。请删掉“---”，或把后面的内容放到另一个文件")
    if "flow sequence" in context or "flow mapping" in context:
        return ContentError(context_line or line, "这一行的方括号 [ ] 或花括号 { } 没有配对，请补上另一半。文字里有 [ 或 { 时请给整段文字加上引号")
    if "mapping values are not allowed here" in problem:
        current = _line_text(text, line)
        previous = _previous_content_line(text, line)
        if previous and _indent(current) > _indent(previous) and not previous.rstrip().endswith(":"):
            return ContentError(line, "这一行比上一行多缩进了。同一级的字段要左边对齐，请删掉这一行开头多余的空格")
        return ContentError(
            line,
            "这一行有两个冒号“: ”。文字里有冒号时，请把整段文字用引号括起来，例如 title: \"通知: 放假安排\"，或改用中文冒号“：”",
        )
    lead = _VALUE_LEAD.match(_line_text(text, line))
    if lead and lead.group(1) in _SPECIAL_LEADS and "flow" not in context:
        char = lead.group(1)
        return ContentError(line, f"这一行的文字以 YAML 的特殊符号“{char}”开头。请给整段文字加上英文引号，例如 \"{char}……\"")
    if "expected <block end>" in problem or "did not find expected key" in problem or "bad indentation" in problem \
            or "expected <block mapping start>" in problem:
        if _QUOTED_THEN_TEXT.match(_line_text(text, line)):
            return ContentError(line, TEXT_AFTER_QUOTE)
        if "block collection" in context and "'?'" in problem:
            return ContentError(line, "缩进不对：列表项（“- ”开头的行）和字段不能写在同一级。字段请和上一级字段左边对齐")
        return ContentError(line, "缩进不对：同一级的字段要左边对齐，下一级比上一级多缩进两个空格")
    if "found undefined alias" in problem or "found unhashable key" in problem:
        return ContentError(line, "不支持 YAML 的“*引用”或复杂键，请把内容直接写出来")
    if "expected alphabetic or numeric character" in problem:
        return ContentError(line, "这一行有“*”或“&”开头的文字，YAML 会当作引用。请给这段文字加上引号")
    special = re.search(r"found character '(.)' that cannot start any token", problem)
    if special:
        char = special.group(1)
        return ContentError(line, f"这一行的文字以 YAML 的特殊符号“{char}”开头。请给整段文字加上英文引号，例如 \"{char}……\"")
    return ContentError(line, "YAML 格式有误，请检查这一行的缩进、冒号和引号")


def _check_text(value: str, line: int) -> str:
    bad = _FORBIDDEN.search(value)
    if bad:
        raise ContentError(line, f"文字里有看不见的控制字符（U+{ord(bad.group()):04X}），一般是双引号里的“\\”转义写错了。请删掉它")
    return value


def _tag_error(node) -> ContentError:
    tag = node.tag.replace("tag:yaml.org,2002:", "!!")
    return ContentError(node.start_mark.line + 1, f"不支持 YAML 标签“{tag}”（以 ! 开头的写法），请删掉它，直接写内容")


def _scalar_text(node: ScalarNode) -> str | None:
    if node.tag == _NULL:
        return None
    if node.tag != _STR:
        raise _tag_error(node)
    return _check_text(node.value, node.start_mark.line + 1)


def _key_text(node, line: int) -> str:
    """A mapping key: simple text, with the invisible characters pasted text carries removed."""
    if not isinstance(node, ScalarNode):
        raise ContentError(line, "字段名必须是简单的文字")
    key = _scalar_text(node)
    if key is None:
        raise ContentError(line, "这一行缺少字段名：冒号前面要写字段名")
    if _LEADING_WIDE_SPACE.match(key):
        raise ContentError(line, "这一行开头有全角空格或不换行空格（中文输入法或从 Word、微信复制时常见）。"
                                 "缩进只能用半角空格，请删掉开头的空格后用空格键重新输入")
    return unicodedata.normalize("NFKC", _INVISIBLE.sub("", key)).strip()


HASH_COMMENT = "这一行“#”后面的文字被当作注释，不会显示在网站上。如果它是内容的一部分（例如微信话题 #关爱#），请给整段文字加上引号"
_HASHTAG_AFTER_VALUE = re.compile(r"\s+#\S")


class _Walker:
    """Node tree → plain data, recording the line of every path (and gentle warnings)."""

    def __init__(self, text: str) -> None:
        self.text_lines = text.split("\n")
        self.lines: dict[Path_, int] = {}
        self.warnings: list[tuple[int, str]] = []

    def _hashtag_check(self, node: ScalarNode) -> None:
        """`title: 参加 #关爱行动# 活动` silently loses the words after `#`: say so."""
        if node.style is None and node.end_mark.line < len(self.text_lines):
            rest = self.text_lines[node.end_mark.line][node.end_mark.column :]
            if _HASHTAG_AFTER_VALUE.match(rest):
                self.warnings.append((node.end_mark.line + 1, HASH_COMMENT))

    def walk(self, node, path: Path_, depth: int) -> Any:
        if depth > MAX_DEPTH:
            raise ContentError(node.start_mark.line + 1, TOO_DEEP)
        self.lines.setdefault(path, node.start_mark.line + 1)
        if isinstance(node, ScalarNode):
            value = _scalar_text(node)
            if value is not None:
                self._hashtag_check(node)
            return value
        if isinstance(node, SequenceNode):
            if node.tag != _SEQ:
                raise _tag_error(node)
            result = []
            for index, item in enumerate(node.value):
                self.lines[path + (index,)] = item.start_mark.line + 1
                result.append(self.walk(item, path + (index,), depth + 1))
            return result
        if isinstance(node, MappingNode):
            if node.tag != _MAP:
                raise _tag_error(node)
            result: dict[str, Any] = {}
            first_line: dict[str, int] = {}
            for key_node, value_node in node.value:
                line = key_node.start_mark.line + 1
                key = _key_text(key_node, line)
                if key in result:
                    raise ContentError(line, f"字段“{key}”写了两次（第 {first_line[key]} 行和第 {line} 行），请删掉一个", key)
                first_line[key] = line
                self.lines[path + (key,)] = line
                result[key] = self.walk(value_node, path + (key,), depth + 1)
            return result
        raise ContentError(node.start_mark.line + 1, "无法识别的内容")  # pragma: no cover - PyYAML has 3 node kinds


# YAML also breaks lines at NEL and the Unicode line/paragraph separators that text copied from web
# pages and Word carries; Notepad does not, so they would shift every line number after them.
_EXTRA_LINE_BREAKS = str.maketrans({"\x85": " ", "\u2028": " ", "\u2029": " "})


def parse(text: str) -> Document:
    """Parse YAML text into a Document. Raises ContentError with a line number."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").translate(_EXTRA_LINE_BREAKS)
    try:  # composing stops at the first alias, tag or level too deep: hostile files fail fast
        node = yaml.compose(text, Loader=_RecordLoader)
    except ContentError:
        raise
    except yaml.YAMLError as exc:
        error = _translate_yaml_error(exc, text)
        _prescan(text, until=error.line)  # a plainer name for the same mistake, if there is one
        raise error from None
    except RecursionError:  # pragma: no cover - the loader stops at MAX_DEPTH long before
        raise ContentError(1, TOO_DEEP) from None
    _prescan(text)
    if node is None:
        return Document(None, {(): 1})
    walker = _Walker(text)
    data = walker.walk(node, (), 0)
    return Document(data, walker.lines, walker.warnings)


def read(path: Path) -> Document:
    """Read and parse a record file. Raises ContentError."""
    with path.open("rb") as handle:  # read at most one byte past the limit, whatever stat says
        raw = handle.read(MAX_FILE_BYTES + 1)
    if len(raw) > MAX_FILE_BYTES:
        size = max(path.stat().st_size, len(raw))
        raise ContentError(1, f"文件太大（{size / 1024:.0f} KB），单个文件最多 {MAX_FILE_BYTES // 1024} KB。请精简正文或拆成多条记录")
    return parse(decode(raw))


def text_values(data, path: tuple = ()):
    """Every (path, text) of a parsed document, in file order: a path is the keys and list
    indexes leading to the value (as `Document.line_of` takes them)."""
    if isinstance(data, dict):
        for key, value in data.items():
            yield from text_values(value, path + (key,))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from text_values(value, path + (index,))
    elif isinstance(data, str):
        yield path, data
