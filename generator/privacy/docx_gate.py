"""The privacy gate on a Word document careportal generated (a term report), before it is written.

Reads the text of every part that can carry text: the body (one line per paragraph, table cells
included), headers, footers, footnotes, endnotes, comments, and the document properties (core,
app and custom). Rules 1–3 run over it as over a web page (register names, ID numbers, phones,
e-mail addresses, bank cards); the author and last-modified-by properties must name the school,
the bureau or careportal, never a person; and a report holds no pictures. Problems name the file
and the line of this text view (`docx_lines`), so `file:line` points at the paragraph.
"""

from __future__ import annotations

import io
import zipfile
from typing import Iterable

from lxml import etree

from generator.privacy import detect, meaning
from generator.privacy.context import Context, problem_from_hit, scan_patterns
from generator.problems import Problem, Severity

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
DC = "{http://purl.org/dc/elements/1.1/}"
CP = "{http://schemas.openxmlformats.org/package/2006/metadata/core-properties}"
AUTHOR_FIELDS = {f"{DC}creator": "作者", f"{CP}lastModifiedBy": "最后修改者"}
MAX_PART = 32 * 1024 * 1024
BLOCK = "\u241e"  # ends each paragraph, as output_gate.BOUNDARY ends a block of a page: no match spans two
LABEL = "报告文档"


def _parts(data: bytes) -> list[tuple[str, bytes]]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return [(info.filename, archive.read(info)[:MAX_PART]) for info in archive.infolist() if not info.is_dir()]


def _xml(blob: bytes):
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    return etree.fromstring(blob, parser)


def _paragraph_text(p) -> str:
    pieces = []
    for node in p.iter(f"{W}t", f"{W}tab", f"{W}br", f"{W}instrText", f"{W}delText"):
        pieces.append((node.text or "") if node.tag in (f"{W}t", f"{W}instrText", f"{W}delText") else " ")
    return "".join(pieces)


def docx_lines(data: bytes) -> list[str]:
    """The document's text, one line per paragraph or property: the body first, then the other
    parts in the order the package lists them (each introduced by a line naming the part)."""
    lines: list[str] = []
    parts = _parts(data)
    ordered = sorted(parts, key=lambda part: part[0] != "word/document.xml")
    for name, blob in ordered:
        if not name.endswith(".xml") or name.endswith("styles.xml") or name.endswith("fontTable.xml"):
            continue
        try:
            root = _xml(blob)
        except etree.XMLSyntaxError:
            lines.append(f"[{name}: 无法读取]")
            continue
        if name != "word/document.xml":
            lines.append(f"[{name}]")
        paragraphs = list(root.iter(f"{W}p"))
        if paragraphs:
            lines += [_paragraph_text(p) for p in paragraphs]
        else:
            lines += [text.strip() for text in root.itertext() if text and text.strip()]
    return lines


def _media(parts: Iterable[tuple[str, bytes]]) -> list[str]:
    return [name for name, _ in parts if not name.endswith((".xml", ".rels"))]


def check_docx(data: bytes, ctx: Context, display: str, authors: Iterable[str] = ()) -> list[Problem]:
    """The gate over one generated .docx; `authors` are the names its properties may carry
    (besides careportal and the places the context knows)."""
    try:
        parts = _parts(data)
        lines = docx_lines(data)
    except (zipfile.BadZipFile, OSError, ValueError):
        return [Problem(display, 0, "", "报告文档无法打开检查，不能发布", Severity.ERROR, LABEL)]
    problems: list[Problem] = []
    seen: set[tuple] = set()
    folded = detect.fold("".join(line + BLOCK + "\n" for line in lines))
    # rules 5–7 on what the report says: its sentences join records' words with generated figures
    for hit in scan_patterns(folded, ctx) + meaning.find_text_rules(folded.text, ctx.k, (), ctx.totals, review=False):
        key = (hit.label, hit.masked or hit.message)
        if key not in seen:
            seen.add(key)
            problems.append(problem_from_hit(display, folded.line(hit.start), hit))
    for name in _media(parts):
        problems.append(Problem(display, 0, "", f"报告里有图片或其他嵌入文件（{name}），报告只能有文字和表格",
                                Severity.ERROR, LABEL))
    allowed = {"careportal", *authors, *ctx.known}
    core = dict(parts).get("docProps/core.xml")
    if core:
        root = _xml(core)
        for tag, label in AUTHOR_FIELDS.items():
            node = root.find(tag)
            value = (node.text or "").strip() if node is not None else ""
            if value and value not in allowed:
                problems.append(Problem(display, 0, "", f"文档属性“{label}”写的是“{detect.mask_name(value)}”，"
                                        "只能是学校、教育局的名称或 careportal，不能是人名。请在模板的文档属性里删掉它",
                                        Severity.ERROR, LABEL))
    return problems
