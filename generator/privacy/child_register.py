"""The school's private register (台账) under `schools/<slug>/private/`: never published, never
copied into any output. It serves two purposes:

1. `careportal aggregate` counts the term's figures from it and writes `summaries/<term>.yml`,
   already suppressed: a breakdown is written only when every cell reaches k, a sensitive
   attribute only when both the “has” and the “has not” counts reach k.
2. Every name, ID number, phone and address in it becomes the gate's deny-list (detect.DenyList).

Registers are CSV (UTF-8 or the GBK that Excel writes on Chinese Windows) or XLSX, with the
Chinese column headers schools use: 姓名, 性别, 出生日期, 年级, 班级, 身份证号, 监护人, 监护人电话,
家庭住址, 父母务工地, 留守类型 … A title row above the headers is fine; every sheet is read.
Messages never quote a cell's value.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Optional

import yaml

from generator.records import labels, models
from generator.privacy.consents import CONSENTS_FILE
from generator.privacy.csv_files import csv_rows
from generator.privacy.detect import DenyList, clean_names
from generator.problems import ContentError, Problem, Severity
from generator.records.source import parse, read

PRIVATE = "private"
REGISTER_SUFFIXES = {".csv", ".xlsx", ".xlsm"}
UNREADABLE_SUFFIXES = {".xls", ".et", ".ods", ".numbers", ".wps"}
ALLOW_WORDS_FILE = "不是人名.txt"
MAX_REGISTER_BYTES = 20 * 1024 * 1024

# Headers the aggregate understands (after removing spaces and a trailing "（…）" note).
COLUMNS = {
    "name": ("姓名", "学生姓名", "儿童姓名", "幼儿姓名", "留守儿童姓名"),
    "grade": ("年级", "就读年级", "所在年级"),
    "class": ("班级", "班别", "所在班级"),
    "kind": ("留守类型", "留守儿童类型", "儿童类别", "类别", "类型"),
    "pair": ("结对教师", "结对帮扶人", "帮扶人", "帮扶教师", "代理家长", "爱心妈妈", "结对人"),
}
# Sensitive attribute columns (是/否): counted at school level only.
SENSITIVE_COLUMNS = ("心理辅导", "资助", "受资助", "受助", "残疾", "孤儿", "服刑人员子女", "父母服刑", "事实无人抚养",
                     "低保", "特困", "建档立卡", "单亲", "重病", "大病")
TRUE_WORDS = {"是", "有", "√", "✓", "✔", "y", "yes", "true", "1", "○", "●"}
FALSE_WORDS = {"否", "无", "没有", "", "n", "no", "false", "0", "×", "-", "—"}

KIND_BOTH = ("父母双方外出", "双方外出", "父母均外出", "父母都外出", "双亲外出", "父母外出")
KIND_ONE = ("父母一方外出", "一方外出", "父亲外出", "母亲外出", "父外出", "母外出", "单方外出", "父亲务工", "母亲务工")
KIND_MIGRANT = ("随迁子女", "随迁")
KIND_NONE = ("非留守", "不是留守", "否")


def _header(text) -> str:
    text = unicodedata.normalize("NFKC", str(text or "")).strip()
    text = re.sub(r"\s+", "", text)
    return re.sub(r"[（(][^）)]*[）)]$", "", text)


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return unicodedata.normalize("NFKC", str(value)).strip()


@dataclass
class Row:
    line: int  # row number in the sheet (1-based, as Excel shows it)
    sheet: str
    cells: dict[str, str]


@dataclass
class Sheet:
    path: Path
    display: str
    name: str
    headers: list[str]
    rows: list[Row]


@dataclass
class Register:
    """All register files of one school, read."""

    folder: Path
    sheets: list[Sheet] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    allow_words: set[str] = field(default_factory=set)

    @property
    def rows(self) -> list[Row]:
        return [row for sheet in self.sheets for row in sheet.rows]


def _find_header(rows: list[list]) -> Optional[int]:
    for index, row in enumerate(rows[:15]):
        headers = [_header(v) for v in row]
        if any(h in COLUMNS["name"] for h in headers):
            return index
    return None


def _table(path: Path, display: str, sheet: str, raw: list[list], problems: list[Problem]) -> Optional[Sheet]:
    start = _find_header(raw)
    if start is None:
        return None
    headers = [_header(v) for v in raw[start]]
    rows = []
    numeric_ids: dict[str, int] = {}  # column → first row where Excel stored an ID as a number
    for offset, values in enumerate(raw[start + 1:], start=start + 2):
        cells = {h: _cell(v) for h, v in zip(headers, values) if h}
        if not any(cells.values()):
            continue
        rows.append(Row(offset, sheet, cells))
        for h, v in zip(headers, values):
            if isinstance(v, (int, float)) and not isinstance(v, bool) and ("身份证" in h or "证件" in h) and abs(v) >= 1e15:
                numeric_ids.setdefault(h, offset)
    for header, offset in numeric_ids.items():
        problems.append(Problem(display, offset, header, f"“{header}”这一列被 Excel 存成了数字，后几位可能已经变成 0。"
                                "请把这一列设为“文本”格式后重新输入", Severity.WARNING))
    return Sheet(path, display, sheet, headers, rows)


def _read_csv(path: Path, display: str, problems: list[Problem]) -> list[Sheet]:
    rows = csv_rows(path)
    if rows is None:
        problems.append(Problem(display, 0, "", "台账文件的编码无法识别，请用 Excel 或 WPS 另存为“CSV UTF-8”或 .xlsx"))
        return []
    table = _table(path, display, "", rows, problems)
    return [table] if table else []


def _read_xlsx(path: Path, display: str, problems: list[Problem]) -> list[Sheet]:
    import openpyxl

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a damaged or encrypted file
        problems.append(Problem(display, 0, "", "无法打开这个 Excel 文件（可能已损坏或设了密码）。请另存为 .xlsx 后再试"))
        return []
    sheets = []
    try:
        for ws in book.worksheets:
            table = _table(path, display, ws.title, [list(r) for r in ws.iter_rows(values_only=True)], problems)
            if table:
                sheets.append(table)
    finally:
        book.close()
    return sheets


def register_files(folder: Path) -> list[Path]:
    private = folder / PRIVATE
    if not private.is_dir():
        return []
    return sorted(p for p in private.rglob("*") if p.is_file() and not p.name.startswith((".", "~$")))


def read_register(root: Path, folder: Path) -> Register:
    """Read every register file of a school. Files that cannot be read become problems, so the
    gate never runs with a silently empty deny-list."""
    register = Register(folder)
    for path in register_files(folder):
        display = path.relative_to(root).as_posix() if path.is_relative_to(root) else path.as_posix()
        suffix = path.suffix.lower()
        if path.name == ALLOW_WORDS_FILE:
            text = path.read_text(encoding="utf-8-sig", errors="replace")
            register.allow_words |= {w.strip() for w in text.splitlines() if w.strip() and not w.lstrip().startswith("#")}
            continue
        if path.name == CONSENTS_FILE:
            continue  # the guardians' consents for photos (consents.py): ids and dates, no names
        if suffix in UNREADABLE_SUFFIXES:
            register.problems.append(Problem(display, 0, "", "careportal 读不了这种格式的台账。请用 Excel 或 WPS 另存为 .xlsx 或 CSV"))
            continue
        if suffix not in REGISTER_SUFFIXES:
            continue
        if path.is_symlink() or path.stat().st_size > MAX_REGISTER_BYTES:
            register.problems.append(Problem(display, 0, "", "台账文件不能是快捷方式，也不能超过 20 MB"))
            continue
        sheets = _read_csv(path, display, register.problems) if suffix == ".csv" else _read_xlsx(path, display, register.problems)
        if not sheets:
            register.problems.append(Problem(display, 0, "", "台账里找不到“姓名”这一列。第一行（或标题下面一行）应是列名：姓名、性别、年级 …"))
        register.files.append(path)
        register.sheets.extend(sheets)
    return register


def deny_list(register: Register) -> DenyList:
    """Names, ID numbers, phones and addresses in the register, by header."""
    deny = DenyList(allow_words=set(register.allow_words))
    for row in register.rows:
        for header, value in row.cells.items():
            if not value:
                continue
            if header in COLUMNS["pair"]:
                continue  # staff who care for the child, not the child's family
            if "身份证" in header or "证件" in header or "学籍" in header:
                deny.add_id(value)
            elif "电话" in header or "手机" in header or "联系方式" in header:
                for part in re.split(r"[、,，;；/／]+", value):
                    deny.add_phone(part)
            elif "住址" in header or "地址" in header:
                deny.add_address(value)
            elif header in COLUMNS["name"]:
                for name in clean_names(value):
                    deny.add_name(name, "学生")
            elif "姓名" in header or "监护人" in header or header in {"父亲", "母亲", "家长"}:
                for name in clean_names(value):
                    deny.add_name(name, "家长或监护人")
    return deny


# ---------------------------------------------------------------------------------------------
# Aggregate: the register → summaries/<term>.yml


def _column(sheet_headers: list[str], key: str) -> Optional[str]:
    return next((h for h in sheet_headers if h in COLUMNS[key]), None)


_GRADE_NUMBERS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}


def grade_band(text: str) -> Optional[str]:
    """一年级 / 1 / 初二 / 学前班 / 大班 → 1—3年级, 7—9年级, 学前班, 大班 …"""
    text = unicodedata.normalize("NFKC", text).replace(" ", "")
    if text in {"学前班", "学前", "幼儿园"}:
        return "学前班"
    if text in {"小班", "中班", "大班"}:
        return text
    match = re.fullmatch(r"(初|高)?([一二三四五六七八九]|\d{1,2})(?:年级)?", text)
    if not match:
        return None
    number = _GRADE_NUMBERS.get(match.group(2)) or int(match.group(2))
    if match.group(1) == "初":
        number += 6
    elif match.group(1) == "高":
        number += 9
    if not 1 <= number <= 12:
        return None
    return ("1—3年级", "4—6年级", "7—9年级", "高中")[(number - 1) // 3]


BAND_ORDER = ["小班", "中班", "大班", "学前班", "1—3年级", "4—6年级", "7—9年级", "高中"]


def _kind(text: str) -> Optional[str]:
    text = unicodedata.normalize("NFKC", text).replace(" ", "")
    for kind, words in (("both", KIND_BOTH), ("one", KIND_ONE), ("migrant", KIND_MIGRANT), ("none", KIND_NONE)):
        if any(text == w or text.startswith(w) for w in words):
            return kind
    return "unknown" if text else "blank"


def _truthy(text: str) -> Optional[bool]:
    value = unicodedata.normalize("NFKC", text).strip().lower()
    if value in TRUE_WORDS:
        return True
    if value in FALSE_WORDS:
        return False
    return None


@dataclass
class Aggregate:
    path: Path
    written: list[str]  # what was written, in Chinese, without values below k
    withheld: list[str]  # what was left out and why
    problems: list[Problem]
    ok: bool


def _numeric(value):
    """Record text that is a plain number is written back as a number (no quotes in the YAML)."""
    if isinstance(value, dict):
        return {k: _numeric(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_numeric(v) for v in value]
    if isinstance(value, str) and re.fullmatch(r"\d{1,9}", value) and not (len(value) > 1 and value.startswith("0")):
        return int(value)
    if isinstance(value, str) and re.fullmatch(r"\d{1,6}\.\d{1,3}", value):
        return float(value)
    return value


def aggregate(root: Path, slug: str, term: str, k: int, today: date) -> Aggregate:
    folder = root / "schools" / slug
    term_code = models.to_term(term).code
    target = folder / "summaries" / f"{term_code}.yml"
    display = target.relative_to(root).as_posix()
    register = read_register(root, folder)
    problems = list(register.problems)
    written: list[str] = []
    withheld: list[str] = []
    data_files = [p for p in register.files]
    named = [p for p in data_files if p.stem == term_code]
    if named:
        data_files = named
    if not data_files:
        problems.append(Problem(f"schools/{slug}/{PRIVATE}/", 0, "",
                                "找不到台账。请把台账（.xlsx 或 .csv）放在 private 文件夹里，第一行是列名：姓名、年级、留守类型 …"))
        return Aggregate(target, written, withheld, problems, False)
    if len(data_files) > 1:
        names = "、".join(p.name for p in data_files)
        problems.append(Problem(f"schools/{slug}/{PRIVATE}/", 0, "",
                                f"private 里有多个台账（{names}），不知道用哪一个。请把这学期的台账命名为 {term_code}.xlsx（或 .csv）"))
        return Aggregate(target, written, withheld, problems, False)
    sheets = [s for s in register.sheets if s.path == data_files[0]]
    if any(p.severity is Severity.ERROR for p in problems) or not sheets:
        return Aggregate(target, written, withheld, problems, False)

    left_behind = 0
    kinds = {"both": 0, "one": 0}
    kinds_known = True
    migrants = 0
    has_kind_column = False
    bands: dict[str, int] = {}
    bands_known = True
    has_grade = False
    pairs = 0
    has_pair = False
    sensitive: dict[str, int] = {}
    for sheet in sheets:
        kind_col = _column(sheet.headers, "kind")
        grade_col = _column(sheet.headers, "grade")
        pair_col = _column(sheet.headers, "pair")
        sensitive_cols = [h for h in sheet.headers if any(word in h for word in SENSITIVE_COLUMNS)]
        has_kind_column |= kind_col is not None
        has_grade |= grade_col is not None
        has_pair |= pair_col is not None
        for row in sheet.rows:
            kind = _kind(row.cells.get(kind_col, "")) if kind_col else "blank"
            if kind == "unknown":
                problems.append(Problem(sheet.display, row.line, kind_col,
                                        "留守类型看不懂，应写：父母双方外出、父亲外出、母亲外出、随迁子女 或 非留守"))
                continue
            if kind == "migrant":
                migrants += 1
                continue
            if kind == "none":
                continue
            left_behind += 1
            if kind in kinds:
                kinds[kind] += 1
            else:
                kinds_known = False
            band = grade_band(row.cells.get(grade_col, "")) if grade_col else None
            if band:
                bands[band] = bands.get(band, 0) + 1
            else:
                bands_known = False
                if grade_col and row.cells.get(grade_col):
                    problems.append(Problem(sheet.display, row.line, grade_col,
                                            "年级看不懂，应写成 一年级、3、初二、学前班 这样的形式", Severity.WARNING))
            if pair_col and row.cells.get(pair_col):
                pairs += 1
            for column in sensitive_cols:
                flag = _truthy(row.cells.get(column, ""))
                if flag is None:
                    problems.append(Problem(sheet.display, row.line, column, f"“{column}”这一列只能写 是 或 否"))
                elif flag:
                    sensitive[column] = sensitive.get(column, 0) + 1
                else:
                    sensitive.setdefault(column, 0)
    if any(p.severity is Severity.ERROR for p in problems):
        return Aggregate(target, written, withheld, problems, False)

    existing: dict = {}
    if target.exists():
        try:
            existing = read(target).data or {}
        except ContentError as exc:
            problems.append(labels.problem(display, exc.line, (exc.field,) if exc.field else (), f"原有的学期统计文件有误，没有改动：{exc.message}"))
            return Aggregate(target, written, withheld, problems, False)
    data: dict = {"term": term_code}
    data.update({key: value for key, value in existing.items() if key != "term"})

    lb: dict = {"total": left_behind}
    written.append("留守儿童总数" + ("" if left_behind >= k else f"（少于{k}人，网页上显示为“少于{k}人”）"))
    if has_kind_column and kinds_known and left_behind:
        if kinds["both"] >= k and kinds["one"] >= k:
            lb["both_parents_away"], lb["one_parent_away"] = kinds["both"], kinds["one"]
            written.append("父母双方外出、一方外出人数")
        else:
            withheld.append(f"父母双方外出/一方外出：有一项少于{k}人，两项都不写")
    elif has_kind_column:
        withheld.append("父母双方外出/一方外出：有的孩子没写留守类型，不写")
    if has_grade and bands_known and len(bands) >= 2:
        if all(v >= k for v in bands.values()):
            lb["by_grade_band"] = [{"band": b, "count": bands[b]} for b in sorted(bands, key=BAND_ORDER.index)]
            written.append("分学段人数")
        else:
            withheld.append(f"分学段人数：有学段少于{k}人，整张分学段表都不写（只公布全校合计）")
    elif has_grade and not bands_known:
        withheld.append("分学段人数：有的年级看不懂，不写")
    data["left_behind"] = lb
    if has_kind_column:
        if migrants >= k:
            data["migrant_total"] = migrants
            written.append("随迁子女人数")
        else:
            data.pop("migrant_total", None)
            if migrants:
                withheld.append(f"随迁子女人数：少于{k}人，不写")
    if has_pair:
        programme = dict(data.get("programme") or {})
        if pairs >= k:
            programme["pairs"] = pairs
            written.append("结对帮扶人数")
        else:
            programme.pop("pairs", None)
            withheld.append(f"结对帮扶人数：少于{k}人，不写")
        data["programme"] = programme
    if sensitive:
        kept = [entry for entry in (data.get("sensitive") or []) if isinstance(entry, dict)
                and entry.get("attribute") not in sensitive]
        for column, count in sensitive.items():
            if count >= k and left_behind - count >= k:
                kept.append({"attribute": column, "count": count})
                written.append(f"{column}人数（全校合计）")
            else:
                withheld.append(f"{column}：有或没有这种情况的孩子少于{k}人，不写（以免被认出是谁）")
        data["sensitive"] = kept
    if data.get("sensitive") == []:
        data.pop("sensitive")

    students = str(data.get("students_total") or "")
    if students.isdigit() and int(students) < left_behind:
        problems.append(labels.problem(display, 0, ("students_total",),
                                "原文件里的在校学生总数（students_total）小于台账里的留守儿童人数，没有写入。请先改正 students_total"))
        return Aggregate(target, written, withheld, problems, False)
    header = (f"# 学期统计：{models.to_term(term_code).chinese()}\n"
              f"# 留守儿童人数由 careportal aggregate 根据 private/ 里的台账统计（{today.isoformat()}），"
              f"少于{k}人的分项已不写入。\n")
    text = header + yaml.safe_dump(_numeric(data), allow_unicode=True, sort_keys=False, default_flow_style=False, width=1000)
    try:
        models.TermSummary.model_validate(parse(text).data)
    except Exception as exc:  # the existing hand-written part is wrong; never write a broken file
        problems.append(Problem(display, 0, "", f"生成的统计文件无法通过检查，没有写入。请先运行 careportal check 修改原文件。（{type(exc).__name__}）"))
        return Aggregate(target, written, withheld, problems, False)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    return Aggregate(target, written, withheld, problems, True)
