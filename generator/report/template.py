"""The default Word template for reports (content/report-template.docx), made from scratch.

    python -m generator.report.template content/report-template.docx

The bureau owns the template and may restyle it in WPS or Word: careportal only uses its page
set-up, its footers and these paragraph styles (by name), never its text:

    Title      标题：小标宋 二号（22 磅），居中
    heading 1  一级标题“一、”：黑体 三号
    heading 2  二级标题“（一）”：楷体 三号
    Normal     正文：仿宋 三号（16 磅），首行缩进 2 字，两端对齐
    表格标题   表格上方的标题：黑体 四号，居中
    表格文字   表格里的文字：仿宋 四号，单倍行距
    落款       署名和日期：仿宋 三号，右对齐，右空 4 字

The default follows the common official-document layout (GB/T 9704-2012): A4, margins top 37 mm,
bottom 35 mm, left 28 mm, right 26 mm (a 156 × 225 mm type area), 22 lines of 28 characters a
page (fixed 28.95 pt line pitch and the document grid), page numbers “— 1 —” in 宋体 四号 below
the type area, odd pages right, even pages left. Every style names its fonts in all four slots
(ascii, hAnsi, eastAsia, cs) and there is no theme part, so no theme font can override them.
The file is byte-for-byte reproducible (fixed zip timestamps and dates).
"""

from __future__ import annotations

import io
import sys
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

FIXED_ZIP_TIME = (1980, 1, 1, 0, 0, 0)
TEMPLATE_DATE = "2026-01-01T00:00:00Z"

# Fonts (the names WPS and Word show); `ALT` is what a PC without the font may fall back to.
TITLE_FONT = "方正小标宋简体"
BODY_FONT = "仿宋"
H1_FONT = "黑体"
H2_FONT = "楷体"
PAGE_NUMBER_FONT = "宋体"
FONTS = {TITLE_FONT: "宋体", BODY_FONT: "仿宋_GB2312", H1_FONT: "SimHei", H2_FONT: "楷体_GB2312", PAGE_NUMBER_FONT: "SimSun"}


def mm(value: float) -> int:
    """Millimetres → twentieths of a point (twips)."""
    return round(value * 1440 / 25.4)


PAGE_W, PAGE_H = 11906, 16838  # A4
MARGINS = {"top": mm(37), "bottom": mm(35), "left": mm(28), "right": mm(26)}
LINE = 579  # 28.95 pt: 22 lines in the 225 mm type area
CONDENSED = -8  # body text 0.4 pt condensed: 28 characters of 三号 (15.6 pt each) fit the 156 mm line

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
XML = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'


def _fonts(name: str) -> str:
    n = escape(name, {'"': "&quot;"})
    return f'<w:rFonts w:ascii="{n}" w:hAnsi="{n}" w:eastAsia="{n}" w:cs="{n}"/>'


def _rpr(font: str, half_points: int, bold: bool = False, spacing: int = 0) -> str:
    b = "<w:b/><w:bCs/>" if bold else "<w:b w:val=\"0\"/><w:bCs w:val=\"0\"/>"
    condensed = f'<w:spacing w:val="{spacing}"/>' if spacing else ""
    return (f'<w:rPr>{_fonts(font)}{b}<w:color w:val="000000"/>{condensed}<w:sz w:val="{half_points}"/>'
            f'<w:szCs w:val="{half_points}"/></w:rPr>')


def _style(style_id: str, name: str, ppr: str, rpr: str, based_on: str = "Normal", kind: str = "paragraph",
           extra: str = "") -> str:
    based = f'<w:basedOn w:val="{based_on}"/>' if based_on else ""
    return (f'<w:style w:type="{kind}" w:customStyle="{0 if style_id in BUILT_IN else 1}" w:styleId="{style_id}">'
            f'<w:name w:val="{name}"/>{based}<w:next w:val="Normal"/><w:qFormat/>{extra}{ppr}{rpr}</w:style>')


BUILT_IN = {"Normal", "Title", "Heading1", "Heading2", "Heading3", "Footer", "TableGrid"}
BODY_PPR = (f'<w:pPr><w:widowControl w:val="0"/><w:snapToGrid w:val="1"/><w:spacing w:before="0" w:after="0" '
            f'w:line="{LINE}" w:lineRule="exact"/><w:ind w:firstLineChars="200" w:firstLine="640"/><w:jc w:val="both"/></w:pPr>')


def styles_xml() -> str:
    heading = (lambda level: f'<w:pPr><w:keepNext/><w:spacing w:before="0" w:after="0" w:line="{LINE}" w:lineRule="exact"/>'
               f'<w:ind w:firstLineChars="200" w:firstLine="640"/><w:jc w:val="both"/><w:outlineLvl w:val="{level}"/></w:pPr>')
    styles = [
        f'<w:docDefaults><w:rPrDefault>{_rpr(BODY_FONT, 32)[:-len("</w:rPr>")]}<w:lang w:val="en-US" w:eastAsia="zh-CN" w:bidi="ar-SA"/>'
        f'</w:rPr></w:rPrDefault><w:pPrDefault><w:pPr><w:spacing w:before="0" w:after="0"/></w:pPr></w:pPrDefault></w:docDefaults>',
        _style("Normal", "Normal", BODY_PPR, _rpr(BODY_FONT, 32, spacing=CONDENSED), based_on=""),
        _style("Title", "Title", f'<w:pPr><w:keepNext/><w:spacing w:before="0" w:after="{LINE}" w:line="{LINE + 120}" '
               f'w:lineRule="exact"/><w:ind w:firstLineChars="0" w:firstLine="0"/><w:jc w:val="center"/>'
               f'<w:outlineLvl w:val="9"/></w:pPr>', _rpr(TITLE_FONT, 44)),
        _style("Heading1", "heading 1", heading(0), _rpr(H1_FONT, 32)),
        _style("Heading2", "heading 2", heading(1), _rpr(H2_FONT, 32)),
        _style("Heading3", "heading 3", heading(2), _rpr(BODY_FONT, 32)),
        _style("TableCaption", "表格标题", '<w:pPr><w:keepNext/><w:spacing w:before="120" w:after="60" w:line="360" '
               'w:lineRule="auto"/><w:ind w:firstLineChars="0" w:firstLine="0"/><w:jc w:val="center"/></w:pPr>',
               _rpr(H1_FONT, 28)),
        _style("TableText", "表格文字", '<w:pPr><w:snapToGrid w:val="0"/><w:spacing w:before="40" w:after="40" '
               'w:line="240" w:lineRule="auto"/><w:ind w:firstLineChars="0" w:firstLine="0"/><w:jc w:val="left"/></w:pPr>',
               _rpr(BODY_FONT, 28)),
        _style("Signature", "落款", '<w:pPr><w:ind w:firstLineChars="0" w:firstLine="0" w:rightChars="400" w:right="1280"/>'
               '<w:jc w:val="right"/></w:pPr>', _rpr(BODY_FONT, 32)),
        _style("Footer", "footer", '<w:pPr><w:snapToGrid w:val="0"/><w:spacing w:line="240" w:lineRule="auto"/>'
               '<w:ind w:firstLineChars="0" w:firstLine="0"/></w:pPr>', _rpr(PAGE_NUMBER_FONT, 28)),
        ('<w:style w:type="table" w:default="1" w:styleId="TableNormal"><w:name w:val="Normal Table"/><w:uiPriority w:val="99"/>'
         '<w:semiHidden/><w:tblPr><w:tblInd w:w="0" w:type="dxa"/><w:tblCellMar><w:top w:w="0" w:type="dxa"/>'
         '<w:left w:w="108" w:type="dxa"/><w:bottom w:w="0" w:type="dxa"/><w:right w:w="108" w:type="dxa"/>'
         '</w:tblCellMar></w:tblPr></w:style>'),
        ('<w:style w:type="table" w:styleId="TableGrid"><w:name w:val="Table Grid"/><w:basedOn w:val="TableNormal"/>'
         '<w:tblPr><w:jc w:val="center"/><w:tblBorders>' + "".join(
             f'<w:{side} w:val="single" w:sz="4" w:space="0" w:color="000000"/>'
             for side in ("top", "left", "bottom", "right", "insideH", "insideV")) + '</w:tblBorders></w:tblPr></w:style>'),
    ]
    return f'{XML}<w:styles xmlns:w="{W}">{"".join(styles)}</w:styles>'


def _page_number(align: str, indent: str) -> str:
    run = f'<w:r>{_rpr(PAGE_NUMBER_FONT, 28)}'
    return (f'<w:p><w:pPr><w:pStyle w:val="Footer"/><w:ind {indent}/><w:jc w:val="{align}"/></w:pPr>'
            f'{run}<w:t xml:space="preserve">— </w:t></w:r>{run}<w:fldChar w:fldCharType="begin"/></w:r>'
            f'{run}<w:instrText xml:space="preserve"> PAGE </w:instrText></w:r>{run}<w:fldChar w:fldCharType="separate"/></w:r>'
            f'{run}<w:t>1</w:t></w:r>{run}<w:fldChar w:fldCharType="end"/></w:r>{run}<w:t xml:space="preserve"> —</w:t></w:r></w:p>')


def footer_xml(odd: bool) -> str:
    # one character (14 pt) in from the type area's outer edge
    paragraph = _page_number("right", 'w:rightChars="100" w:right="280"') if odd else _page_number("left", 'w:leftChars="100" w:left="280"')
    return f'{XML}<w:ftr xmlns:w="{W}" xmlns:r="{R}">{paragraph}</w:ftr>'


GUIDE = [
    ("Title", "关爱留守儿童工作总结（模板）"),
    ("Normal", "这是 careportal 生成工作总结和工作情况汇报所用的 Word 模板。careportal 只使用本文件的页面设置、页码和下面这些样式，"
               "不使用这里的文字。可以在 WPS 或 Word 里修改样式（字体、字号、行距、缩进），保存后，下次生成的报告就按新的样式排版。"),
    ("Heading1", "一、一级标题（样式“标题 1”：黑体 三号）"),
    ("Heading2", "（一）二级标题（样式“标题 2”：楷体 三号）"),
    ("Normal", "正文（样式“正文”：仿宋 三号，首行缩进 2 字，每页 22 行、每行 28 字）。"),
    ("TableCaption", "表格标题（样式“表格标题”）"),
    ("TableText", "表格文字（样式“表格文字”：仿宋 四号）"),
    ("Signature", "署名和日期（样式“落款”）"),
]


def document_xml() -> str:
    paragraphs = "".join(f'<w:p><w:pPr><w:pStyle w:val="{style}"/></w:pPr><w:r><w:t>{escape(text)}</w:t></w:r></w:p>'
                         for style, text in GUIDE)
    m = MARGINS
    sect = (f'<w:sectPr><w:footerReference w:type="default" r:id="rIdFooterOdd"/>'
            f'<w:footerReference w:type="even" r:id="rIdFooterEven"/>'
            f'<w:pgSz w:w="{PAGE_W}" w:h="{PAGE_H}"/>'
            f'<w:pgMar w:top="{m["top"]}" w:right="{m["right"]}" w:bottom="{m["bottom"]}" w:left="{m["left"]}" '
            f'w:header="{mm(15)}" w:footer="{mm(23)}" w:gutter="0"/><w:pgNumType w:fmt="decimal"/>'
            f'<w:cols w:space="425"/><w:docGrid w:type="lines" w:linePitch="{LINE}"/></w:sectPr>')
    return f'{XML}<w:document xmlns:w="{W}" xmlns:r="{R}"><w:body>{paragraphs}{sect}</w:body></w:document>'


def settings_xml() -> str:
    return (f'{XML}<w:settings xmlns:w="{W}"><w:evenAndOddHeaders/><w:defaultTabStop w:val="420"/>'
            '<w:characterSpacingControl w:val="compressPunctuation"/>'
            '<w:compat><w:spaceForUL/><w:balanceSingleByteDoubleByteWidth/><w:doNotLeaveBackslashAlone/>'
            '<w:ulTrailSpace/><w:doNotExpandShiftReturn/><w:adjustLineHeightInTable/><w:useFELayout/>'
            '<w:compatSetting w:name="compatibilityMode" w:uri="http://schemas.microsoft.com/office/word" w:val="15"/>'
            '</w:compat><w:themeFontLang w:val="en-US" w:eastAsia="zh-CN"/></w:settings>')


def font_table_xml() -> str:
    fonts = "".join(f'<w:font w:name="{escape(name)}"><w:altName w:val="{escape(alt)}"/><w:charset w:val="86"/>'
                    f'<w:family w:val="{"modern" if name in (H1_FONT,) else "roman"}"/><w:pitch w:val="variable"/></w:font>'
                    for name, alt in FONTS.items())
    return f'{XML}<w:fonts xmlns:w="{W}">{fonts}</w:fonts>'


def core_xml() -> str:
    return (f'{XML}<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
            'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
            'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
            '<dc:title>关爱留守儿童工作总结模板</dc:title><dc:creator>careportal</dc:creator>'
            '<cp:lastModifiedBy>careportal</cp:lastModifiedBy><cp:revision>1</cp:revision>'
            f'<dcterms:created xsi:type="dcterms:W3CDTF">{TEMPLATE_DATE}</dcterms:created>'
            f'<dcterms:modified xsi:type="dcterms:W3CDTF">{TEMPLATE_DATE}</dcterms:modified></cp:coreProperties>')


def app_xml() -> str:
    return (f'{XML}<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
            '<Application>careportal</Application></Properties>')


CONTENT_TYPES = (
    f'{XML}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
    '<Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/>'
    '<Override PartName="/word/settings.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.settings+xml"/>'
    '<Override PartName="/word/fontTable.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.fontTable+xml"/>'
    '<Override PartName="/word/footer1.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml"/>'
    '<Override PartName="/word/footer2.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml"/>'
    '<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
    '<Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/>'
    '</Types>'
)
PACKAGE_RELS = (
    f'{XML}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/>'
    '<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties" Target="docProps/app.xml"/>'
    '</Relationships>'
)
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
DOCUMENT_RELS = (
    f'{XML}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    f'<Relationship Id="rIdStyles" Type="{_REL}styles" Target="styles.xml"/>'
    f'<Relationship Id="rIdSettings" Type="{_REL}settings" Target="settings.xml"/>'
    f'<Relationship Id="rIdFonts" Type="{_REL}fontTable" Target="fontTable.xml"/>'
    f'<Relationship Id="rIdFooterOdd" Type="{_REL}footer" Target="footer1.xml"/>'
    f'<Relationship Id="rIdFooterEven" Type="{_REL}footer" Target="footer2.xml"/>'
    '</Relationships>'
)


def fixed_zip(parts: list[tuple[str, bytes]]) -> bytes:
    """A zip whose bytes depend only on its parts (fixed timestamps and permissions)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts:
            info = zipfile.ZipInfo(name, FIXED_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, data)
    return buffer.getvalue()


def template_bytes() -> bytes:
    parts = [
        ("[Content_Types].xml", CONTENT_TYPES), ("_rels/.rels", PACKAGE_RELS),
        ("docProps/core.xml", core_xml()), ("docProps/app.xml", app_xml()),
        ("word/document.xml", document_xml()), ("word/_rels/document.xml.rels", DOCUMENT_RELS),
        ("word/styles.xml", styles_xml()), ("word/settings.xml", settings_xml()),
        ("word/fontTable.xml", font_table_xml()), ("word/footer1.xml", footer_xml(True)),
        ("word/footer2.xml", footer_xml(False)),
    ]
    return fixed_zip([(name, text.encode("utf-8")) for name, text in parts])


def main(argv: list[str]) -> int:
    target = Path(argv[1] if len(argv) > 1 else "content/report-template.docx")
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(template_bytes())
    print(f"已写入 {target}")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main(sys.argv))
