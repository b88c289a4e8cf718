"""A report as a Word document, filled into the bureau's template with python-docx.

The template's body is replaced; its page set-up, footers (page numbers) and styles stay. Each
paragraph gets one of the template's styles by name, and every run names its fonts in all four
slots (ascii, hAnsi, eastAsia, cs), copied from its paragraph style in the template, with no theme
font attribute: python-docx alone writes only the Latin slots, and a theme attribute would win
over an explicit font. So the document looks the same in WPS, Word and LibreOffice, and a bureau
that restyles the template changes the runs' fonts with it.

The document's properties name the school or bureau (never a person) and the report's date, and
the zip is written with fixed timestamps, so the same records give the same bytes.
"""

from __future__ import annotations

import io
import zipfile
from datetime import datetime, timezone
from pathlib import Path
from typing import Optional

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm

from generator.report.content import Block, Report, ReportTable
from generator.report.template import fixed_zip, template_bytes

TEMPLATE = Path("content") / "report-template.docx"
STYLES = {"title": "Title", "h1": "Heading 1", "h2": "Heading 2", "p": "Normal", "item": "Normal",
          "caption": "表格标题", "cell": "表格文字", "signature": "落款"}
SLOTS = ("ascii", "hAnsi", "eastAsia", "cs")
THEME_ATTRIBUTES = ("asciiTheme", "hAnsiTheme", "eastAsiaTheme", "cstheme")
FALLBACK_FONT = "仿宋"
TEXT_WIDTH_MM = 156  # the default template's type area; tables are laid out in it


class TemplateError(Exception):
    """The template cannot be used (message in Chinese, for `file: message`)."""


def template_for(root: Path) -> tuple[bytes, str]:
    """The bureau's template (content/report-template.docx) or, without one, the default; and
    the path to name in messages."""
    path = root / TEMPLATE
    if path.is_file():
        return path.read_bytes(), TEMPLATE.as_posix()
    return template_bytes(), "（默认模板）"


def _style_fonts(document, name: str) -> dict[str, str]:
    """The fonts a paragraph style resolves to: its own rFonts, then its base styles', then the
    document defaults; the East Asian slot falls back to the Latin one, then to 仿宋."""
    found: dict[str, str] = {}
    style = document.styles[name]
    chain = []
    while style is not None:
        chain.append(style.element)
        style = style.base_style
    defaults = document.styles.element.find(qn("w:docDefaults"))
    if defaults is not None:
        chain.append(defaults.find(qn("w:rPrDefault")))
    for element in chain:
        rpr = element.find(qn("w:rPr")) if element is not None else None
        fonts = rpr.find(qn("w:rFonts")) if rpr is not None else None
        if fonts is None:
            continue
        for slot in SLOTS:
            value = fonts.get(qn(f"w:{slot}"))
            if value and slot not in found:
                found[slot] = value
    east = found.get("eastAsia") or found.get("ascii") or FALLBACK_FONT
    return {slot: found.get(slot) or east for slot in SLOTS} | {"eastAsia": east}


def _set_fonts(run, fonts: dict[str, str]) -> None:
    rpr = run._r.get_or_add_rPr()
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = OxmlElement("w:rFonts")
        rpr.insert(0, rfonts)
    for attribute in THEME_ATTRIBUTES:
        rfonts.attrib.pop(qn(f"w:{attribute}"), None)
    for slot, name in fonts.items():
        rfonts.set(qn(f"w:{slot}"), name)


class _Filler:
    def __init__(self, document) -> None:
        self.document = document
        missing = [name for name in STYLES.values() if name not in [s.name for s in document.styles]]
        if missing:
            raise TemplateError("模板里缺少样式" + "、".join(f"“{m}”" for m in missing)
                                + "。请用 WPS 或 Word 在模板里恢复这些样式（名称不能改），或删除模板文件改用默认模板")
        self.fonts = {key: _style_fonts(document, name) for key, name in STYLES.items()}
        self.grid = "Table Grid" if "Table Grid" in [s.name for s in document.styles] else None

    def paragraph(self, key: str, text: str, bold: bool = False, container=None):
        target = container if container is not None else self.document
        paragraph = target.add_paragraph(style=STYLES[key])
        if text:
            run = paragraph.add_run(text)
            if bold:
                run.bold = True
            _set_fonts(run, self.fonts[key])
        return paragraph

    def table(self, table: ReportTable) -> None:
        self.paragraph("caption", table.caption)
        header = list(table.header)
        columns = len(header) if header else max(len(r) for r in table.rows)
        grid = self.document.add_table(rows=0, cols=columns)
        if self.grid:
            grid.style = self.grid
        grid.alignment = WD_TABLE_ALIGNMENT.CENTER
        rows = ([tuple(header)] if header else []) + list(table.rows)
        widths = _widths(rows, columns)
        for column, width in zip(grid.columns, widths):  # the grid LibreOffice and WPS lay out by
            column.width = Mm(width)
        for index, values in enumerate(rows):
            cells = grid.add_row().cells
            for cell, value, width in zip(cells, values, widths):
                cell.width = Mm(width)
                cell.paragraphs[0].style = self.document.styles[STYLES["cell"]]
                if value:
                    run = cell.paragraphs[0].add_run(value)
                    run.bold = bool(header) and index == 0
                    _set_fonts(run, self.fonts["cell"])
        if header:  # the heading row repeats on every page the table runs onto
            properties = grid.rows[0]._tr.get_or_add_trPr()
            properties.append(OxmlElement("w:tblHeader"))


def _widths(rows: list, columns: int) -> list[float]:
    """Column widths (mm) over the type area, in proportion to each column's longest text (a
    column gets at least 12% and at most 24 characters' worth, so long lists wrap)."""
    longest = [max([min(len(row[i]) if i < len(row) else 0, 24) for row in rows] + [2]) for i in range(columns)]
    total = sum(longest)
    shares = [max(0.12, n / total) for n in longest]
    return [TEXT_WIDTH_MM * share / sum(shares) for share in shares]


def _clear_body(document) -> None:
    body = document.element.body
    for child in list(body):
        if child.tag != qn("w:sectPr"):
            body.remove(child)


def _properties(document, report: Report) -> None:
    when = datetime.fromisoformat(report.date_iso).replace(tzinfo=timezone.utc)
    core = document.core_properties
    core.author = report.unit
    core.last_modified_by = report.unit
    core.title = report.title
    core.subject = "关爱留守儿童工作" if report.lang == "zh-Hans" else "關愛留守兒童工作"
    core.keywords = ""
    core.comments = ""
    core.category = ""
    core.content_status = ""
    core.identifier = report.slug
    core.language = "zh-CN" if report.lang == "zh-Hans" else "zh-TW"
    core.version = ""
    core.revision = 1
    core.created = when
    core.modified = when


def _normalised(data: bytes) -> bytes:
    """The same parts with fixed timestamps, so equal documents are equal bytes."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        parts = [(info.filename, archive.read(info)) for info in archive.infolist()]
    return fixed_zip(parts)


def report_docx(report: Report, template: Optional[bytes] = None) -> bytes:
    """The report as .docx bytes. Raises TemplateError when the template cannot be used."""
    try:
        document = Document(io.BytesIO(template if template is not None else template_bytes()))
    except Exception as exc:
        raise TemplateError(f"模板不是有效的 Word（.docx）文件，无法打开（{type(exc).__name__}）") from None
    fill = _Filler(document)
    _clear_body(document)
    fill.paragraph("title", report.title)
    fill.paragraph("p", report.lead)
    for block in report.blocks:
        _block(fill, block)
    fill.paragraph("p", report.closing)
    fill.paragraph("p", "")
    fill.paragraph("signature", report.signer)
    fill.paragraph("signature", report.date_text)
    _properties(document, report)
    buffer = io.BytesIO()
    document.save(buffer)
    return _normalised(buffer.getvalue())


def _block(fill: _Filler, block: Block) -> None:
    if block.kind == "table" and block.table is not None:
        fill.table(block.table)
    else:
        fill.paragraph(block.kind, block.text)
