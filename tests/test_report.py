"""Term reports (issue 11): the school's 工作总结 and the county's 工作情况汇报, as .docx read back
with python-docx, opened in LibreOffice (headless, → PDF, read with poppler), and on the sites."""

from __future__ import annotations

import hashlib
import io
import re
import shutil
import subprocess
import tempfile
import zipfile
from pathlib import Path

import docx
import pytest
import yaml
from bs4 import BeautifulSoup
from docx.oxml.ns import qn

from helpers import REPO, run_cli
from generator.privacy.output_gate import check_output
from generator.records.load import load_county
from generator.report.template import template_bytes

HEADINGS = ["一、基本情况", "二、组织领导", "三、主要做法", "四、取得的成效", "五、存在的问题", "六、今后打算"]
THEME_ATTRIBUTES = ("asciiTheme", "hAnsiTheme", "eastAsiaTheme", "cstheme")
SCHOOLS = sorted(p.name for p in (REPO / "schools").iterdir() if (p / "school.yml").is_file())


def _yaml(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _terms(slug: str) -> list[str]:
    return sorted(p.stem for p in (REPO / "schools" / slug / "summaries").glob("*.yml"))


def _report(tmp: Path, *args: str, root: Path = REPO) -> Path:
    out = tmp / "out"
    result = run_cli("report", "--root", str(root), "--out", str(out), *args)
    assert result.returncode == 0, result.stdout + result.stderr
    written = sorted(out.glob("*.docx"))
    assert len(written) == 1 and written[0].name in result.stdout
    return written[0]


def _heading_texts(document) -> list[str]:
    return [p.text for p in document.paragraphs if p.style.name == "Heading 1"]


def _tables(document) -> dict[str, dict[str, str]]:
    """Two-column tables by the caption paragraph just before them: {caption: {label: value}}."""
    found = {}
    body = list(document.element.body)
    for index, element in enumerate(body):
        if element.tag == qn("w:tbl"):
            caption = "".join(t.text or "" for t in body[index - 1].iter(qn("w:t")))
            rows = {}
            for tr in element.iter(qn("w:tr")):
                cells = ["".join(t.text or "" for t in tc.iter(qn("w:t"))) for tc in tr.iter(qn("w:tc"))]
                rows[cells[0]] = cells[1:] if len(cells) > 2 else cells[1]
            found[caption] = rows
    return found


def _pdf(docx_path: Path, tmp: Path) -> Path:
    """Convert with LibreOffice headless, in a profile of its own (other runs may be using theirs)."""
    libreoffice = shutil.which("libreoffice") or shutil.which("soffice")
    assert libreoffice, "LibreOffice is needed (make test installs libreoffice-writer-nogui)"
    profile = tmp / "lo-profile"
    subprocess.run([libreoffice, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf",
                    "--outdir", str(tmp), str(docx_path)], check=True, capture_output=True, timeout=300)
    pdf = tmp / (docx_path.stem + ".pdf")
    assert pdf.is_file()
    return pdf


def _pdf_info(pdf: Path) -> tuple[int, str]:
    info = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True, text=True).stdout
    pages = int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))
    size = re.search(r"^Page size:\s+(.*)$", info, re.M).group(1)
    return pages, size


def _pdf_text(pdf: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, text=True).stdout


# ---------------------------------------------------------------------------------------------
# The Word document, read back


def test_default_template_is_the_generator_output():
    """content/report-template.docx is exactly what generator/report/template.py makes."""
    assert (REPO / "content" / "report-template.docx").read_bytes() == template_bytes()


@pytest.mark.parametrize("slug", SCHOOLS)
def test_school_report_structure_fonts_and_figures(slug, tmp_path):
    term = _terms(slug)[0]
    path = _report(tmp_path, "--school", slug, "--term", term)
    school = _yaml(REPO / "schools" / slug / "school.yml")
    summary = _yaml(REPO / "schools" / slug / "summaries" / f"{term}.yml")
    document = docx.Document(str(path))

    # the genre's skeleton, in order, and its title and 落款
    assert _heading_texts(document) == HEADINGS
    title = document.paragraphs[0]
    assert title.style.name == "Title" and title.text.startswith(school["name"]) and title.text.endswith("关爱留守儿童工作总结")
    assert "现将我校" in document.paragraphs[1].text and "总结如下" in document.paragraphs[1].text
    signature = [p.text for p in document.paragraphs if p.style.name == "落款"]
    assert signature[0] == school["name"] and re.fullmatch(r"\d{4}年\d{1,2}月\d{1,2}日", signature[1])
    assert any(p.style.name == "Heading 2" and re.match(r"（[一二三四五六]）", p.text) for p in document.paragraphs)

    # figures equal the records' (all demo figures are at least k, so shown as they are)
    basic = _tables(document)["基本情况"]
    assert basic["留守儿童"] == f"{summary['left_behind']['total']}人"
    if "students_total" in summary:
        assert basic["在校学生"] == f"{summary['students_total']}人"
    body = "\n".join(p.text for p in document.paragraphs)
    for item in summary.get("problems", []) + summary.get("next_steps", []) + summary.get("highlights", []):
        assert item.rstrip("。") in body

    # East Asian fonts named on every run, in all four slots, with no theme attribute; from the styles
    expected = {"Title": "方正小标宋简体", "Heading 1": "黑体", "Heading 2": "楷体", "Normal": "仿宋", "表格文字": "仿宋"}
    runs = [(p.style.name, r) for p in document.paragraphs for r in p.runs]
    runs += [(p.style.name, r) for t in document.tables for row in t.rows for c in row.cells for p in c.paragraphs for r in p.runs]
    assert len(runs) > 30
    for style, run in runs:
        fonts = run._r.rPr.find(qn("w:rFonts"))
        assert fonts is not None, (style, run.text)
        for slot in ("ascii", "hAnsi", "eastAsia", "cs"):
            assert fonts.get(qn(f"w:{slot}")), (style, slot, run.text)
        assert not any(fonts.get(qn(f"w:{a}")) for a in THEME_ATTRIBUTES)
        if style in expected:
            assert fonts.get(qn("w:eastAsia")) == expected[style], (style, run.text)
    # no theme fonts anywhere in the package
    with zipfile.ZipFile(path) as archive:
        for name in archive.namelist():
            if name.endswith(".xml"):
                assert b"Theme=" not in archive.read(name).replace(b"themeFontLang", b""), name

    # GB/T 9704 page: A4, margins 37/35/28/26 mm, page numbers in the footers
    section = document.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    assert [round(m.mm) for m in (section.top_margin, section.bottom_margin, section.left_margin, section.right_margin)] == [37, 35, 28, 26]
    assert "PAGE" in section.footer._element.xml and "PAGE" in section.even_page_footer._element.xml

    # properties name the school, never a person
    core = document.core_properties
    assert core.author == school["name"] and core.last_modified_by == school["name"]
    for person in school.get("staff_names", []):
        assert person not in (core.author, core.last_modified_by, core.title)


def test_report_is_reproducible(tmp_path):
    first = _report(tmp_path / "a", "--school", "qingxi-zhongxin", "--term", "2025-2026-1", "--date", "2026-01-20")
    second = _report(tmp_path / "b", "--school", "qingxi-zhongxin", "--term", "2025-2026-1", "--date", "2026-01-20")
    assert first.read_bytes() == second.read_bytes()
    assert "2026年1月20日" in [p.text for p in docx.Document(str(first)).paragraphs]


def test_small_counts_are_suppressed_as_on_the_data_page(data_root, tmp_path):
    summary = data_root / "schools" / "huangshan-cun" / "summaries" / "2025-2026-1.yml"
    data = _yaml(summary)
    data["migrant_total"] = 3
    data["left_behind"]["both_parents_away"] = 4
    data["left_behind"]["one_parent_away"] = data["left_behind"]["total"] - 4
    summary.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    path = _report(tmp_path, "--school", "huangshan-cun", "--term", "2025-2026-1", root=data_root)
    document = docx.Document(str(path))
    basic = _tables(document)["基本情况"]
    assert basic["随迁子女"] == "少于10人"
    assert basic["其中父母双方外出"] == "少于10人"
    assert basic["其中父母一方外出"] == "不公布"  # complementary: the total would give it away
    text = "\n".join(p.text for p in document.paragraphs)
    assert "随迁子女少于10人" in text and "父母一方外出人数不公布" in text
    assert f"{data['left_behind']['total'] - 4}人" not in text + str(basic)


def test_text_pasted_from_a_traditional_document_reads_simplified(data_root, tmp_path):
    """A policy pasted from a Traditional-script document (談心制度, 與每名留守兒童) reads Simplified in
    the Simplified 工作总结, as it does on the site; the zh-Hant report stays Traditional."""
    policy = next((data_root / "schools" / "huangshan-cun" / "policies").glob("*.yml"))
    data = _yaml(policy)
    data["name"] = "談心與家訪制度"
    data["summary"] = "班主任與每名留守兒童定期談心，並做好記錄。"
    policy.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    path = _report(tmp_path, "--school", "huangshan-cun", "--term", "2025-2026-1", root=data_root)
    text = "\n".join(p.text for p in docx.Document(str(path)).paragraphs)
    assert "谈心与家访制度" in text and "班主任与每名留守儿童定期谈心，并做好记录。" in text
    assert not re.search("[談與兒並錄]", text)


def _activities(slug: str, term: str) -> list[dict]:
    found = [_yaml(f) for f in sorted((REPO / "schools" / slug / "activities").glob("*.yml"))]
    return [a for a in found if a["term"] == term]


def test_main_work_is_written_by_programme_when_activities_fulfil_one(tmp_path):
    """三、主要做法 has a section per programme: its numbered parts, each with what was done under it
    this term (dates as written: a month-only activity is “9月”); the other activities follow."""
    slug, term = "qingxi-zhongxin", "2025-2026-1"
    programme = _yaml(REPO / "content" / "programmes" / "jiugeyi.yml")
    held = _activities(slug, term)
    fulfilled = {}
    for a in held:
        if a.get("programme") == programme["name"]:
            written = str(a["programme_part"])  # 4, 第五条 or a part's title
            titles = [p if isinstance(p, str) else p["title"] for p in programme["parts"]]
            bare = written.removeprefix("第").removesuffix("条")
            number = (titles.index(written) if written in titles else
                      int(bare) - 1 if bare.isdigit() else "一二三四五六七八九".index(bare)) + 1
            fulfilled.setdefault(number, []).append(a)
    assert len(fulfilled) >= 2 and any(len(str(a["date"])) == 7 for group in fulfilled.values() for a in group)

    document = docx.Document(str(_report(tmp_path, "--school", slug, "--term", term)))
    paragraphs = [(p.style.name, p.text) for p in document.paragraphs]
    texts = [t for _, t in paragraphs]
    start = texts.index("（三）落实“九个一”")
    assert texts.index("三、主要做法") < start < texts.index("四、取得的成效")
    assert paragraphs[start][0] == "Heading 2"
    lead = texts[start + 1]
    assert lead.startswith("“九个一”（县教育局提出）：")
    count = sum(len(v) for v in fulfilled.values())
    assert lead.endswith(f"本学期落实其中{len(fulfilled)}条，开展相关活动{count}项。")
    parts = texts[start + 2:start + 2 + len(programme["parts"])]
    for number, (text, part) in enumerate(zip(parts, programme["parts"]), start=1):
        title = part if isinstance(part, str) else part["title"]
        assert text.startswith(f"{number}.{title}"), text
        if number in fulfilled:
            for a in fulfilled[number]:
                when = str(a["date"])
                day = f"{int(when[5:7])}月" + (f"{int(when[8:10])}日" if len(when) == 10 else "")
                assert f"{day}“{a['title'].replace('“', '‘').replace('”', '’')}”" in text, text
        else:
            assert text.endswith("本学期没有这一条的活动记录。"), text
    # the rest, under 开展其他关爱活动: all counted, only the others listed
    other = texts.index("（四）开展其他关爱活动")
    assert texts[other + 1].startswith(f"本学期共开展关爱活动{len(held)}项")
    assert f"除上述“九个一”中的{count}项外，其他活动如下：" in texts[other + 1]
    listed = "".join(texts[other + 2:texts.index("四、取得的成效")])
    for a in held:
        quoted = a["title"].replace("“", "‘").replace("”", "’")
        assert (f"“{quoted}”" in listed) == (a.get("programme") != programme["name"]), a["title"]

    # a school whose activities fulfil no programme record: the report as before
    plain = docx.Document(str(_report(tmp_path / "plain", "--school", "huangshan-cun", "--term", "2025-2026-1")))
    headings = [p.text for p in plain.paragraphs if p.style.name == "Heading 2"]
    assert "（三）开展关爱活动" in headings and not any("落实“" in h for h in headings)


SANJIEHE = """name: 三结合
summary: 学校、家庭、社会三方面结合起来关爱留守儿童
by: 本校
parts:
  - 学校教育为主
  - title: 家庭教育跟上
    cadence: 每学期一次
  - 社会关爱补充
"""


def test_a_schools_own_programme_in_seed_phrasing(data_root, tmp_path):
    """A school's own programme: a part named by its Chinese ordinal, an activity naming the programme
    but no part (listed after the parts), a count under k published as on the data page; zh-Hant too."""
    school = data_root / "schools" / "huangshan-cun"
    (school / "programmes").mkdir()
    (school / "programmes" / "sanjiehe.yml").write_text(SANJIEHE, encoding="utf-8")
    video = school / "activities" / "2025-09-qinqing-shipin.yml"
    video.write_text(video.read_text(encoding="utf-8").replace('participants: "约50"\n', 'participants: 6\n'
                     "programme: 三结合\nprogramme_part: 第二条\n"), encoding="utf-8")
    escort = school / "activities" / "2025-10-16-ludui-husong.yml"
    escort.write_text(escort.read_text(encoding="utf-8").replace("organizer: 学校\n", "organizer: 学校\nprogramme: 三结合\n"),
                      encoding="utf-8")
    texts = [p.text for p in docx.Document(str(_report(tmp_path, "--school", "huangshan-cun", "--term", "2025-2026-1",
                                                       root=data_root))).paragraphs]
    start = texts.index("（三）落实“三结合”")
    assert texts[start + 1] == "“三结合”（本校提出）：学校、家庭、社会三方面结合起来关爱留守儿童。本学期落实其中1条，开展相关活动2项。"
    assert texts[start + 2] == "1.学校教育为主。本学期没有这一条的活动记录。"
    assert texts[start + 3] == "2.家庭教育跟上（每学期一次）。本学期开展亲情通话1次：9月“每周三‘亲情视频日’开通”（少于10人）。"
    assert texts[start + 4] == "3.社会关爱补充。本学期没有这一条的活动记录。"
    assert texts[start + 5] == ("另有1项活动注明属于“三结合”，未写明第几条：10月16日“上下学交通安全教育和路队护送”（约120人）。")
    assert texts[start + 6] == "（四）开展其他关爱活动"
    hant = [p.text for p in docx.Document(str(_report(tmp_path / "hant", "--school", "huangshan-cun", "--term", "2025-2026-1",
                                                      "--hant", root=data_root))).paragraphs]
    assert "（三）落實“三結合”" in hant and "（四）開展其他關愛活動" in hant


def test_year_report_covers_both_terms(tmp_path):
    path = _report(tmp_path, "--school", "qingxi-zhongxin", "--year", "2025-2026")
    document = docx.Document(str(path))
    assert _heading_texts(document) == HEADINGS
    text = "\n".join(p.text for p in document.paragraphs)
    assert document.paragraphs[0].text == "青溪县青溪镇中心小学2025—2026学年关爱留守儿童工作总结"
    one = _yaml(REPO / "schools/qingxi-zhongxin/summaries/2025-2026-1.yml")
    two = _yaml(REPO / "schools/qingxi-zhongxin/summaries/2025-2026-2.yml")
    programme = _tables(document)["关爱工作开展情况"]
    assert programme["家访"] == f"{one['programme']['home_visits'] + two['programme']['home_visits']}次"
    assert programme["结对帮扶（对）"] == f"{two['programme']['pairs']}对"  # a stock: the latest term's
    assert one["problems"][0] in text and two["problems"][0] in text
    donations = next(rows for caption, rows in _tables(document).items() if caption.startswith("捐赠资助"))
    assert "受助学生" not in donations and donations["捐助金额"] == "13,000元"  # recipients are not added across terms


def test_traditional_report(tmp_path):
    path = _report(tmp_path, "--school", "shilian-jiunian", "--term", "2025-2026-2", "--hant")
    assert "學期" in path.name
    document = docx.Document(str(path))
    assert _heading_texts(document) == ["一、基本情況", "二、組織領導", "三、主要做法", "四、取得的成效", "五、存在的問題", "六、今後打算"]


def test_usage_and_missing_term_are_explained(tmp_path):
    result = run_cli("report", "--root", str(REPO), "--term", "2025-2026-1")
    assert result.returncode == 2 and "--school" in result.stderr and "Traceback" not in result.stderr
    result = run_cli("report", "--root", str(REPO), "--school", "qingxi-zhongxin", "--term", "2019-2020-1", "--out", str(tmp_path))
    assert result.returncode == 1 and "有记录的学期" in result.stderr and not list(tmp_path.glob("*.docx"))


# ---------------------------------------------------------------------------------------------
# The privacy gate reads the document before it is written


def _template_with_footer_text(root: Path, text: str) -> None:
    source = zipfile.ZipFile(io.BytesIO(template_bytes()))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as out:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "word/footer1.xml":
                data = data.replace(b"</w:ftr>", f"<w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:ftr>".encode())
            out.writestr(info, data)
    (root / "content" / "report-template.docx").write_bytes(buffer.getvalue())


def test_gate_refuses_a_report_with_a_phone_number(data_root, tmp_path):
    _template_with_footer_text(data_root, "联系人手机 13912345678")
    out = tmp_path / "out"
    result = run_cli("report", "--root", str(data_root), "--school", "qingxi-zhongxin", "--term", "2025-2026-1",
                     "--out", str(out))
    assert result.returncode == 1
    assert re.search(r"\.docx:\d+: ", result.stdout + result.stderr), result.stdout + result.stderr
    assert "13912345678" not in result.stdout + result.stderr  # masked in the message
    assert not out.exists() or not list(out.glob("*.docx"))
    # and a build publishes no school with such a report
    built = run_cli("build", "--root", str(data_root), "--out", str(tmp_path / "site"), "--work", str(tmp_path / "work"),
                    "--school", "qingxi-zhongxin")
    assert built.returncode == 1 and not (tmp_path / "site" / "qingxi-zhongxin").exists()


def test_template_without_a_style_is_explained(data_root, tmp_path):
    source = zipfile.ZipFile(io.BytesIO(template_bytes()))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as out:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "word/styles.xml":
                data = data.replace("表格文字".encode(), "别的名字".encode())
            out.writestr(info, data)
    (data_root / "content" / "report-template.docx").write_bytes(buffer.getvalue())
    result = run_cli("report", "--root", str(data_root), "--school", "runhe-youeryuan", "--term", "2025-2026-1",
                     "--out", str(tmp_path))
    assert result.returncode == 1
    assert "content/report-template.docx" in result.stdout + result.stderr and "表格文字" in result.stdout + result.stderr


def test_output_gate_allows_only_the_generated_documents(tmp_path):
    county = load_county(REPO, only=["qingxi-zhongxin"])
    records = county.schools[0]
    site = tmp_path / "site"
    (site / "data").mkdir(parents=True)
    report = _report(tmp_path, "--school", "qingxi-zhongxin", "--term", "2025-2026-1")
    data = report.read_bytes()
    (site / "data" / "report.docx").write_bytes(data)
    generated = frozenset({hashlib.sha256(data).hexdigest()})
    assert [p for p in check_output(county, records, site, generated) if p.severity.value == "error"] == []
    # not generated by this build (or changed since): refused like any document
    assert any("不能有这种文件" in p.message for p in check_output(county, records, site))
    (site / "data" / "report.docx").write_bytes(data + b"\0")
    assert any("不能有这种文件" in p.message for p in check_output(county, records, site, generated))


# ---------------------------------------------------------------------------------------------
# It opens in a real office suite


def test_school_report_opens_in_libreoffice(tmp_path):
    path = _report(tmp_path, "--school", "qingxi-zhongxin", "--term", "2025-2026-1")
    pdf = _pdf(path, tmp_path)
    pages, size = _pdf_info(pdf)
    assert 4 <= pages <= 12, pages
    width, height = (float(v) for v in re.match(r"([\d.]+) x ([\d.]+)", size).groups())
    assert (round(width), round(height)) == (595, 842) and "A4" in size
    text = re.sub(r"[ \t]+", "", _pdf_text(pdf))
    positions = [text.find(h) for h in ["青溪县青溪镇中心小学", *HEADINGS[:3], "（三）落实“九个一”", "（四）开展其他关爱活动",
                                        *HEADINGS[3:], "以上是我校"]]
    assert -1 not in positions and positions == sorted(positions), positions
    assert "—1—" in text and "—2—" in text  # page numbers
    first_page = _pdf_text(pdf).split("\f")[0]
    assert re.search(r"912\s*人", first_page)  # the first figure of the 基本情况 (LibreOffice spaces digits from Han)


def test_county_report_sums_the_schools_and_opens_in_libreoffice(tmp_path):
    term = "2025-2026-1"
    path = _report(tmp_path, "--county", "--term", term)
    document = docx.Document(str(path))
    assert _heading_texts(document) == HEADINGS
    assert document.paragraphs[0].text == "青溪县2025—2026学年第一学期关爱留守儿童工作情况汇报"
    summaries = [_yaml(REPO / "schools" / s / "summaries" / f"{term}.yml") for s in SCHOOLS]
    table = _tables(document)["各校基本情况"]
    students, left_behind = table["合计"][1], table["合计"][2]
    assert students == f"{sum(s['students_total'] for s in summaries)}人"
    assert left_behind == f"{sum(s['left_behind']['total'] for s in summaries)}人"
    text = "\n".join(p.text for p in document.paragraphs)
    lectures = sum(s["programme"]["lectures"] for s in summaries)
    assert f"专题讲座{lectures}场" in text
    homes = [_yaml(f) for s in SCHOOLS for f in (REPO / "schools" / s / "resources").glob("*.yml")]
    tier_one = sum(1 for r in homes if r["kind"] == "留守儿童之家" and r.get("tier") == "模式一")
    assert f"模式一{tier_one}个" in text
    assert document.core_properties.author == "青溪县教育局"
    pdf = _pdf(path, tmp_path)
    pages, size = _pdf_info(pdf)
    assert pages >= 3 and "A4" in size
    flat = re.sub(r"\s+", "", _pdf_text(pdf))
    positions = [flat.find(h) for h in HEADINGS]
    assert -1 not in positions and positions == sorted(positions)


# ---------------------------------------------------------------------------------------------
# On the sites


def test_reports_are_on_the_sites(demo_site, tmp_path):
    for slug in SCHOOLS:
        data_page = BeautifulSoup((demo_site / slug / "data" / "index.html").read_text(encoding="utf-8"), "html.parser")
        for term in _terms(slug):
            links = {a["href"] for a in data_page.select(".cp-report-link a")}
            assert {f"../data/report-{term}.html", f"../data/report-{term}.print.html", f"../data/report-{term}.docx"} <= links
            page = BeautifulSoup((demo_site / slug / "data" / f"report-{term}.html").read_text(encoding="utf-8"), "html.parser")
            assert [h.get_text() for h in page.select("article.cp-report h2")] == HEADINGS
            printable = BeautifulSoup((demo_site / slug / "data" / f"report-{term}.print.html").read_text(encoding="utf-8"),
                                      "html.parser")
            css = printable.find("link", rel="stylesheet")["href"]
            assert "@page" in (demo_site / slug / "data" / css).resolve().read_text(encoding="utf-8")
            document = docx.Document(str(demo_site / slug / "data" / f"report-{term}.docx"))
            assert _heading_texts(document) == HEADINGS
            hant = docx.Document(str(demo_site / slug / "zh-Hant" / "data" / f"report-{term}.docx"))
            assert _heading_texts(hant)[-1] == "六、今後打算"
            # the page and the document say the same as the data page
            shown = {th.get_text(): td.get_text() for tr in data_page.select(f"#term-{term} tr")
                     for th, td in [(tr.find("th"), tr.find("td"))] if th and td}
            assert _tables(document)["基本情况"]["留守儿童"] == shown["留守儿童"]
    portal = BeautifulSoup((demo_site / "index.html").read_text(encoding="utf-8"), "html.parser")
    hrefs = {a["href"] for a in portal.select(".cp-reports a")}
    for term in ("2025-2026-1", "2025-2026-2"):
        assert {f"report-{term}.html", f"report-{term}.docx"} <= hrefs
        county = docx.Document(str(demo_site / f"report-{term}.docx"))
        assert _heading_texts(county) == HEADINGS
        page = BeautifulSoup((demo_site / f"report-{term}.html").read_text(encoding="utf-8"), "html.parser")
        assert [h.get_text() for h in page.select("article.cp-report h2")] == HEADINGS


def test_a_kept_county_document_is_checked_again_when_the_gate_knows_more(monkeypatch):
    """checked_docx keeps a document and its findings by everything the gate reads: the same
    report under the same context is not made again; a register that now names a word of the
    document (a context with more in its deny-list) makes and checks it again, and refuses it."""
    import dataclasses
    from datetime import date

    from generator.privacy.context import county_context
    from generator.privacy.suppression import county_k
    from generator.report import pages
    from generator.report.content import county_report, county_terms, school_part

    county = load_county(REPO)
    today = date(2026, 11, 23)
    parts = [school_part(records, today) for records in county.schools]
    report = county_report(county.bureau.record, parts, county_terms(parts)[0], county_k(county), today)
    made = []
    real = pages.report_docx
    monkeypatch.setattr(pages, "report_docx", lambda r, t: made.append(r.title) or real(r, t))
    ctx, kept = county_context(county), {}

    def check(context) -> tuple:
        built = pages.Built()
        return pages.checked_docx(report, template_bytes(), "template", context, "（全县首页）report.docx", built, kept), built

    first, built = check(ctx)
    assert first is not None and len(made) == 1 and not built.problems
    again, built = check(ctx)
    assert again == first and len(made) == 1 and built.generated  # kept: not made again
    deny = dataclasses.replace(ctx.deny, full_names=dict(ctx.deny.full_names), given_names=dict(ctx.deny.given_names))
    deny.add_name("黄杉村", "学生")  # a word the document carries (a school's name), now in a register
    refused, built = check(dataclasses.replace(ctx, deny=deny))
    assert refused is None and len(made) == 2 and any("台账" in p.message for p in built.problems), built.problems
    # the portal's output gate keeps its re-check of the document the same way
    from generator import theme
    from generator.privacy.output_gate import OutputScan

    site = Path(tempfile.mkdtemp()) / "portal"
    site.mkdir()
    (site / "report.docx").write_bytes(first)
    generated, seen = frozenset({hashlib.sha256(first).hexdigest()}), {}

    def scan(context) -> list:
        found = OutputScan(context, site, "（全县首页）", theme.theme_dir(REPO), generated=generated,
                           authors=(county.bureau.record.name,), kept=seen).run()
        return [p for p in found if p.path.endswith("report.docx")]

    assert scan(ctx) == [] and scan(ctx) == [] and len(seen) == 1
    assert any("台账" in p.message for p in scan(dataclasses.replace(ctx, deny=deny))) and len(seen) == 2
