"""Reading one YAML record file safely, keeping the line of every key and value.

Every scalar is loaded as text (only `~`, `null` and an empty value mean "nothing"): YAML 1.1's
implicit typing would turn an unquoted phone 13800138000 into an int, `no` into False and 0755
into 493. The record models convert text into numbers, dates and booleans themselves, with
Chinese messages. Aliases, custom tags, duplicate keys, deep nesting and oversize files are
refused, so a hostile or mistaken file can never build objects, exhaust memory or lose data.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
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

from .problems import ContentError

MAX_FILE_BYTES = 256 * 1024  # a record file; bodies beyond this belong in several records
MAX_DEPTH = 20
MAX_NODES = 20_000

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

    def compose_node(self, parent, index):
        if self.check_event(AliasEvent):
            event = self.peek_event()
            raise ContentError(
                event.start_mark.line + 1,
                "不支持“*”引用（YAML 别名），请把内容直接写出来",
            )
        return super().compose_node(parent, index)


@dataclass
class Document:
    """A parsed record file: plain data (dicts, lists, text, None) and the line of each path."""

    data: Any
    lines: dict[Path_, int]

    def line_of(self, path: Path_) -> int:
        """The line of the deepest known prefix of `path` (a missing key points at its parent)."""
        path = tuple(path)
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return self.lines.get((), 1)


def decode(raw: bytes) -> str:
    """Bytes to text: UTF-8 (with or without the BOM Notepad writes); anything else is refused."""
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ContentError(1, "文件是 UTF-16 编码。请用记事本打开，点“另存为”，编码选“UTF-8”后保存")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        try:
            raw.decode("gb18030")
        except UnicodeDecodeError:
            raise ContentError(line, "文件里有无法识别的字符（不是 UTF-8 编码）。请另存为 UTF-8 编码后再试") from None
        raise ContentError(
            line,
            "文件是 GBK/GB18030 编码（中文 Windows 的默认编码），不是 UTF-8。"
            "请用记事本或 WPS 打开，点“另存为”，编码选“UTF-8”后保存",
        ) from None
    return text.replace("\r\n", "\n").replace("\r", "\n")


_KEY_FULLWIDTH_COLON = re.compile(r"^\s*(?:-\s+)?[A-Za-z_][A-Za-z0-9_]*\s*：")
_KEY_NO_SPACE = re.compile(r"^\s*(?:-\s+)?[A-Za-z_][A-Za-z0-9_]*:[^\s/]")


def _prescan(text: str) -> None:
    """Mistakes whose YAML parser message would mislead a non-programmer: say them plainly first."""
    in_block = False
    block_indent = 0
    for number, line in enumerate(text.split("\n"), start=1):
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
        if _KEY_FULLWIDTH_COLON.match(line):
            raise ContentError(number, "字段名后面用了中文冒号“：”，请改成英文冒号“:”并在后面加一个空格")
        if _KEY_NO_SPACE.match(line):
            raise ContentError(number, "英文冒号“:”后面要加一个空格，例如 title: 防溺水安全教育")
        if re.search(r":\s*[|>][+-]?\s*(#.*)?$", line):
            in_block = True
            block_indent = indent


def _translate_yaml_error(exc: yaml.MarkedYAMLError) -> ContentError:
    mark = exc.problem_mark or exc.context_mark
    line = mark.line + 1 if mark else 1
    problem = (exc.problem or "") + " " + (exc.context or "")
    if "found character '\\t'" in problem or "\t" in problem:
        return ContentError(line, "这一行有 Tab 字符。YAML 只能用空格缩进，请把 Tab 换成空格")
    if "found unexpected end of stream" in problem or "found unexpected end" in problem:
        return ContentError(line, "引号没有配对：某个 \" 或 ' 开始后没有结束。请检查这一行及上面几行的引号")
    if "while scanning a quoted scalar" in problem:
        return ContentError(line, "引号没有配对：某个 \" 或 ' 开始后没有结束。请检查这一行及上面几行的引号")
    if "mapping values are not allowed here" in problem:
        return ContentError(
            line,
            "这一行的冒号位置不对：可能缺了缩进，或文字里有“: ”。含冒号的文字请用引号括起来，例如 title: \"通知: 放假安排\"",
        )
    if "expected <block end>" in problem or "did not find expected key" in problem or "bad indentation" in problem:
        return ContentError(line, "缩进不对：同一级的字段要左边对齐，下一级比上一级多缩进两个空格")
    if "could not find expected ':'" in problem:
        return ContentError(line, "这里缺少冒号：每个字段要写成“字段名: 内容”")
    if "found undefined alias" in problem or "found unhashable key" in problem:
        return ContentError(line, "不支持 YAML 的“*引用”或复杂键，请把内容直接写出来")
    if "expected alphabetic or numeric character" in problem:
        return ContentError(line, "这一行有“*”或“&”开头的文字，YAML 会当作引用。请给这段文字加上引号")
    if "found character that cannot start any token" in problem:
        return ContentError(line, "这一行以 YAML 的特殊符号开头（如 @ ` % |）。请给这段文字加上引号")
    return ContentError(line, "YAML 格式有误，请检查这一行的缩进、冒号和引号")


def _scalar_text(node: ScalarNode) -> str | None:
    if node.tag == _NULL:
        return None
    if node.tag != _STR:
        raise ContentError(
            node.start_mark.line + 1,
            f"不支持 YAML 标签“{node.tag.replace('tag:yaml.org,2002:', '!!')}”，请删掉它，直接写内容",
        )
    return node.value


def _walk(node, path: Path_, lines: dict, depth: int, budget: list[int]) -> Any:
    budget[0] -= 1
    if budget[0] < 0:
        raise ContentError(node.start_mark.line + 1, "内容过多，超出了单个文件的上限，请拆成多个文件")
    if depth > MAX_DEPTH:
        raise ContentError(node.start_mark.line + 1, f"嵌套层数太深（超过 {MAX_DEPTH} 层），请检查缩进")
    lines.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, ScalarNode):
        return _scalar_text(node)
    if isinstance(node, SequenceNode):
        if node.tag != _SEQ:
            raise ContentError(node.start_mark.line + 1, f"不支持 YAML 标签“{node.tag}”，请删掉它")
        result = []
        for index, item in enumerate(node.value):
            lines[path + (index,)] = item.start_mark.line + 1
            result.append(_walk(item, path + (index,), lines, depth + 1, budget))
        return result
    if isinstance(node, MappingNode):
        if node.tag != _MAP:
            raise ContentError(node.start_mark.line + 1, f"不支持 YAML 标签“{node.tag}”，请删掉它")
        result: dict[str, Any] = {}
        first_line: dict[str, int] = {}
        for key_node, value_node in node.value:
            line = key_node.start_mark.line + 1
            if not isinstance(key_node, ScalarNode):
                raise ContentError(line, "字段名必须是简单的文字")
            key = _scalar_text(key_node)
            if key is None:
                raise ContentError(line, "这一行缺少字段名：冒号前面要写字段名")
            if key in result:
                raise ContentError(line, f"字段“{key}”写了两次（第 {first_line[key]} 行和第 {line} 行），请删掉一个", key)
            first_line[key] = line
            lines[path + (key,)] = line
            result[key] = _walk(value_node, path + (key,), lines, depth + 1, budget)
        return result
    raise ContentError(node.start_mark.line + 1, "无法识别的内容")  # pragma: no cover - PyYAML has 3 node kinds


def parse(text: str) -> Document:
    """Parse YAML text into a Document. Raises ContentError with a line number."""
    _prescan(text)
    try:
        node = yaml.compose(text, Loader=_RecordLoader)
    except ContentError:
        raise
    except yaml.MarkedYAMLError as exc:
        raise _translate_yaml_error(exc) from None
    except yaml.YAMLError:
        raise ContentError(1, "YAML 格式有误，请检查缩进、冒号和引号") from None
    except RecursionError:
        raise ContentError(1, f"嵌套层数太深（超过 {MAX_DEPTH} 层），请检查缩进") from None
    if node is None:
        return Document(None, {(): 1})
    lines: dict[Path_, int] = {(): node.start_mark.line + 1}
    data = _walk(node, (), lines, 0, [MAX_NODES])
    return Document(data, lines)


def read(path: Path) -> Document:
    """Read and parse a record file. Raises ContentError."""
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise ContentError(1, f"文件太大（{size // 1024} KB），单个文件最多 {MAX_FILE_BYTES // 1024} KB。请精简正文或拆成多条记录")
    return parse(decode(path.read_bytes()))
