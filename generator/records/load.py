"""Stage 1, load: the data root's YAML files → validated records, with `file:line` problems.

Layout of a data root:
    content/bureau.yml
    schools/<slug>/school.yml
    schools/<slug>/{activities,policies,resources,summaries,letters}/*.yml
    schools/<slug>/photos/…            (images referenced by activities)
    schools/<slug>/private/…           (the register; never read here, never published)

Each school is loaded on its own, so one school's mistakes never stop another from publishing.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Generic, Optional, TypeVar

from pydantic import BaseModel, ValidationError

from generator.records import models, phrasing
from generator.problems import ContentError, Problem, Problems, Severity
from generator.records.source import Document, read

SLUG = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$")
RECORD_DIRS = {
    "activities": models.Activity,
    "policies": models.Policy,
    "resources": models.Resource,
    "summaries": models.TermSummary,
    "letters": models.Letter,
    "programmes": models.Programme,
}
# Records defined once for the county and used by schools: content/<name>/*.yml
SHARED_DIRS = {
    "programmes": models.Programme,
    "resources": models.SharedResource,
}
KNOWN_SCHOOL_ENTRIES = set(RECORD_DIRS) | {"school.yml", "photos", "private", "README.md"}

T = TypeVar("T", bound=BaseModel)


@dataclass(frozen=True)
class Loaded(Generic[T]):
    """A record with where it came from: its slug (file name), its file and the line of each key."""

    record: T
    slug: str
    path: str
    doc: Document

    def line_of(self, *path) -> int:
        return self.doc.line_of(tuple(path))


@dataclass
class SchoolRecords:
    slug: str
    folder: Path
    school: Optional[Loaded[models.School]] = None
    activities: list[Loaded[models.Activity]] = field(default_factory=list)
    policies: list[Loaded[models.Policy]] = field(default_factory=list)
    resources: list[Loaded[models.Resource]] = field(default_factory=list)
    summaries: list[Loaded[models.TermSummary]] = field(default_factory=list)
    letters: list[Loaded[models.Letter]] = field(default_factory=list)
    programmes: list[Loaded[models.Programme]] = field(default_factory=list)  # the school's own
    county_programmes: list[Loaded[models.Programme]] = field(default_factory=list)  # content/programmes
    shared_resources: list[Loaded[models.SharedResource]] = field(default_factory=list)  # serving this school
    problems: Problems = field(default_factory=Problems)

    def programme(self, name: str) -> Optional[Loaded[models.Programme]]:
        """The programme an activity names: the school's own first, then the county's."""
        wanted = phrasing.simplified(name.strip())
        for item in self.programmes + self.county_programmes:
            if phrasing.simplified(item.record.name) == wanted:
                return item
        return None

    @property
    def ok(self) -> bool:
        return self.school is not None and not self.problems.errors

    def files(self) -> list[Path]:
        """Every input file this school's site depends on (records and photos)."""
        found = [self.folder / "school.yml"]
        for name in list(RECORD_DIRS) + ["photos"]:
            folder = self.folder / name
            if folder.is_dir():
                found.extend(p for p in folder.rglob("*") if p.is_file() and not p.is_symlink())
        return sorted(p for p in found if p.exists())


@dataclass
class Shared:
    """The county's records used by several schools: programmes and shared places."""

    programmes: list[Loaded[models.Programme]] = field(default_factory=list)
    resources: list[Loaded[models.SharedResource]] = field(default_factory=list)


@dataclass
class County:
    root: Path
    bureau: Optional[Loaded[models.Bureau]]
    problems: Problems  # problems of bureau-wide records and of the schools/ folder itself
    schools: list[SchoolRecords]
    shared: Shared = field(default_factory=Shared)

    @property
    def min_cell(self) -> int:
        return self.bureau.record.privacy.min_cell if self.bureau else models.PrivacySettings().min_cell


# ---------------------------------------------------------------------------------------------
# Messages


def _loc_text(loc: tuple) -> str:
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def _allowed_keys(model: type[BaseModel], loc: tuple) -> list[str]:
    """The keys the model accepts at the mapping that holds `loc`'s last key."""
    current = model
    for part in loc[:-1]:
        if isinstance(part, int) or current is None:
            continue
        info = current.model_fields.get(part)
        current = _inner_model(info.annotation) if info else None
    return list(current.model_fields) if current else []


def _inner_model(annotation) -> Optional[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()) or ():
        found = _inner_model(arg)
        if found:
            return found
    origin = getattr(annotation, "__origin__", None)
    if origin is not None and origin is not list:
        return _inner_model(origin)
    return None


def _quote(value) -> str:
    if isinstance(value, (dict, list)):
        return "（一组内容）"
    text = str(value)
    return f"“{text[:40]}…”" if len(text) > 40 else f"“{text}”"


def explain(error: dict, model: type[BaseModel]) -> str:
    """A pydantic error → a plain Chinese sentence saying what to write instead."""
    kind = error["type"]
    loc = error["loc"]
    ctx = error.get("ctx") or {}
    value = error.get("input")
    if kind == "careportal":
        return error["msg"]
    if value is None and kind != "missing":
        return "这一项是空的，请填写内容，或删掉这一行"
    if kind == "missing":
        label = models.FIELD_LABELS.get(str(loc[-1]), "")
        return f"缺少必填项“{loc[-1]}”{'（' + label + '）' if label else ''}，请补上"
    if kind == "extra_forbidden":
        key = str(loc[-1])
        allowed = _allowed_keys(model, loc)
        by_label = [name for name in allowed if models.FIELD_LABELS.get(name) == key]
        if by_label:
            return f"字段名要用英文：“{key}”请写成“{by_label[0]}”"
        close = difflib.get_close_matches(key.lower(), allowed, n=1, cutoff=0.6)
        hint = f"，是不是想写“{close[0]}”？" if close else (f"。可以写的字段有：{'、'.join(allowed)}" if allowed else "，请删掉")
        return f"不认识的字段“{key}”{hint}"
    if kind == "enum":
        expected = ctx.get("expected", "")
        options = "、".join(re.findall(r"'([^']*)'", expected)) or expected
        return f"{_quote(value)} 不是可选的值，请从这些里选一个：{options}"
    if kind in {"string_type", "str_type"}:
        return f"{_quote(value)} 应该是一段文字。如果写了多行或列表，请检查缩进"
    if kind == "string_too_short":
        return "不能为空，请填写内容"
    if kind == "string_too_long":
        return f"太长了（{len(str(value))} 字），最多 {ctx.get('max_length')} 字"
    if kind == "string_pattern_mismatch":
        return f"{_quote(value)} 格式不对，网址应以 https:// 或 http:// 开头"
    if kind in {"list_type", "tuple_type"}:
        if isinstance(value, str) and value.startswith("-"):
            return "短横线“-”后面要加一个空格，例如“  - 县妇联”，每项单独一行"
        return "这里应该是一个列表：每项单独一行，以“- ”开头"
    if kind in {"model_type", "dict_type", "model_attributes_type"}:
        return f"{_quote(value)} 这里应该是一组“字段: 内容”，写在下一行并多缩进两个空格"
    if kind == "too_short":
        return "至少要写一项"
    if kind == "too_long":
        return f"项目太多，最多 {ctx.get('max_length')} 项"
    if kind in {"int_parsing", "int_type", "int_from_float"}:
        return f"{_quote(value)} 不是整数，应写成数字，例如 30"
    if kind in {"float_parsing", "float_type"}:
        return f"{_quote(value)} 不是数字，例如 98.5"
    if kind in {"greater_than_equal", "greater_than"}:
        return f"{_quote(value)} 太小了，不能小于 {ctx.get('ge', ctx.get('gt'))}"
    if kind in {"less_than_equal", "less_than"}:
        return f"{_quote(value)} 太大了，不能大于 {ctx.get('le', ctx.get('lt'))}"
    if kind in {"bool_parsing", "bool_type"}:
        return f"{_quote(value)} 应写成“是”或“否”"
    return f"{_quote(value)} 格式不对，请对照说明修改"


# ---------------------------------------------------------------------------------------------
# Reading one file


def _relative(root: Path, path: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


def _without_empty(data):
    """`key:` with nothing after it means the same as leaving the line out."""
    if isinstance(data, dict):
        return {k: _without_empty(v) for k, v in data.items() if v is not None}
    if isinstance(data, list):
        return [_without_empty(v) for v in data]
    return data


def load_record(root: Path, path: Path, model: type[T], problems: Problems) -> Optional[Loaded[T]]:
    """Read one file into a model; on any mistake add problems and return None. Never raises."""
    display = _relative(root, path)
    try:
        return _load_record(display, path, model, problems)
    except Exception as exc:  # a bug of ours must not hide every other school's problems behind a traceback
        problems.add(Problem(display, 0, "", f"读取时出错（这是 careportal 的问题，不是您的内容有误，请联系技术人员）："
                                             f"{type(exc).__name__}: {exc}"))
        return None


def _load_record(display: str, path: Path, model: type[T], problems: Problems) -> Optional[Loaded[T]]:
    try:
        doc = read(path)
    except ContentError as exc:
        problems.add(Problem(display, exc.line, exc.field, exc.message))
        return None
    except OSError as exc:
        problems.add(Problem(display, 0, "", f"无法读取文件：{exc.strerror or exc}"))
        return None
    for line, message in doc.warnings:
        problems.add(Problem(display, line, "", message, Severity.WARNING))
    if doc.data is None:
        problems.add(Problem(display, 1, "", "文件是空的（或只有注释）。请填写内容，或删除这个文件"))
        return None
    if not isinstance(doc.data, dict):
        problems.add(Problem(display, 1, "", "文件内容应该是一组“字段: 内容”，每行一个字段"))
        return None
    try:
        with phrasing.collecting() as notes:
            record = model.model_validate(_without_empty(doc.data))
    except ValidationError as exc:
        for error in exc.errors(include_url=False):
            loc = tuple(p for p in error["loc"] if isinstance(p, (int, str)) and not str(p).startswith("function-"))
            message = explain(error, model)
            if error["type"] == "missing" and loc in doc.lines:  # written, but left empty
                label = models.FIELD_LABELS.get(str(loc[-1]), "")
                message = f"“{loc[-1]}”{'（' + label + '）' if label else ''}是必填项，不能空着，请填写内容"
            if loc and loc[0] == "end_date" and ("end_date",) not in doc.lines:  # split from a range in `date`
                loc = ("date",) + loc[1:]
            problems.add(Problem(display, doc.line_of(loc), _loc_text(loc), message))
        return None
    placed = sorted(((doc.line_of(where), where, found) for found in notes for where in [_note_path(doc, found)]),
                    key=lambda item: item[0])
    for line, where, found in placed:
        problems.add(Problem(display, line, _loc_text(where), found.message, Severity.WARNING))
    return Loaded(record=record, slug=path.stem, path=display, doc=doc)


def _scalars(data, path: tuple = ()):
    """Every (path, text) of a document, in file order."""
    if isinstance(data, dict):
        for key, value in data.items():
            yield from _scalars(value, path + (key,))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from _scalars(value, path + (index,))
    elif isinstance(data, str):
        yield path, data


def _note_path(doc: Document, found: phrasing.Note) -> tuple:
    """Where a reminder belongs: the value as written (under the named key when several are equal),
    else the first key of that name."""
    scalars = list(_scalars(doc.data))
    for wanted in ((lambda p, v: v == found.raw and (found.key is None or p[-1] == found.key)),
                   (lambda p, v: v == found.raw),
                   (lambda p, v: found.key is not None and p and p[-1] == found.key)):
        for path, value in scalars:
            if path and wanted(path, value):
                return path
    if found.key and (found.key,) in doc.lines:
        return (found.key,)
    return ()


# ---------------------------------------------------------------------------------------------
# Names of folders and files


def suggest_slug(name: str) -> str:
    text = name.lower().strip()
    text = re.sub(r"[\s_.]+", "-", text)
    text = re.sub(r"[^a-z0-9-]", "", text)
    text = re.sub(r"-+", "-", text).strip("-")
    return text[:64]


def slug_problem(display: str, name: str, what: str, suffix: str = "") -> Optional[Problem]:
    """A folder or file name becomes part of a web address: only a-z, 0-9 and inner hyphens."""
    if SLUG.match(name):
        return None
    suggestion = suggest_slug(name)
    example = "2024-06-01-fangnishui" if suffix else "qingxi-zhongxin"
    if re.search(r"[\u3400-\u9fff]", name):
        hint = f"请改用拼音，例如 {example}{suffix}"
    elif suggestion:
        hint = f"例如改成“{suggestion}{suffix}”"
    else:
        hint = f"例如 {example}{suffix}"
    shown = name if len(name) <= 40 else name[:40] + "…"
    return Problem(display, 0, "", f"{what}“{shown}{suffix}”不合规：只能用小写英文字母、数字和连字符“-”（最长 64 个字符），{hint}")


def _split_record_name(name: str) -> tuple[str, Optional[str]]:
    """`a.yml` → ("a", ".yml"); near misses (`a.YML`, `a.yml.txt`) → ("a", ".yml") with a differing
    suffix so the caller can ask for a rename; anything else → (name, None)."""
    match = re.match(r"^(.*?)(\.ya?ml)(\.txt)?$", name, re.I)
    if not match or not match.group(1):
        return name, None
    if match.group(3) is None and match.group(2) in {".yml", ".yaml"}:
        return match.group(1), match.group(2)
    return match.group(1), ".yml"


def _record_files(root: Path, folder: Path, problems: Problems) -> list[Path]:
    files = []
    for path in sorted(folder.iterdir()):
        display = _relative(root, path)
        if path.is_symlink():
            problems.add(Problem(display, 0, "", "不允许使用符号链接（快捷方式），请放入真实文件"))
            continue
        if path.name.startswith("."):
            continue
        if path.is_dir():
            if folder.name == "activities" and path.name == "photos":
                continue
            problems.add(Problem(display, 0, "", "这里不应有子文件夹，记录文件请直接放在上一级文件夹里", Severity.WARNING))
            continue
        if not path.is_file():
            problems.add(Problem(display, 0, "", "这不是普通文件，请放入真实的 .yml 记录文件"))
            continue
        stem, suffix = _split_record_name(path.name)
        if suffix is None:
            problems.add(Problem(display, 0, "", "不是 .yml 记录文件，已忽略", Severity.WARNING))
            continue
        if suffix != path.name[len(stem):]:
            problems.add(Problem(display, 0, "", f"文件扩展名不对，请把文件改名为“{stem}.yml”"
                                                 "（记事本保存时“保存类型”选“所有文件”，就不会多出 .txt）"))
            continue
        issue = slug_problem(display, stem, "文件名", ".yml")
        if issue:
            problems.add(issue)
            continue
        twin = next((f for f in files if f.stem == stem), None)
        if twin is not None:  # a.yml and a.yaml would become the same page
            problems.add(Problem(display, 0, "", f"和“{twin.name}”重名（网页地址相同），请删掉一个或改名"))
            continue
        files.append(path)
    return files


# ---------------------------------------------------------------------------------------------
# Cross-field checks that pydantic cannot place on a line by itself


def _check_summary(item: Loaded[models.TermSummary], problems: Problems) -> None:
    s = item.record
    if item.slug != s.term.code:
        problems.add(Problem(item.path, item.line_of("term"), "term",
                             f"文件名应与学期一致：学期是 {s.term.code}，文件应命名为 {s.term.code}.yml"))
    lb = s.left_behind
    if lb.derived:  # a count converted from a share is rounded: parts need not add up to it exactly
        return
    if lb.both_parents_away is not None and lb.one_parent_away is not None:
        if lb.both_parents_away + lb.one_parent_away != lb.total:
            problems.add(Problem(item.path, item.line_of("left_behind", "both_parents_away"), "left_behind",
                                 f"父母双方外出（{lb.both_parents_away}）加单方外出（{lb.one_parent_away}）应等于留守儿童总数（{lb.total}）"))
    if lb.by_grade_band and sum(b.count for b in lb.by_grade_band) != lb.total:
        problems.add(Problem(item.path, item.line_of("left_behind", "by_grade_band"), "left_behind.by_grade_band",
                             f"各学段人数之和（{sum(b.count for b in lb.by_grade_band)}）应等于留守儿童总数（{lb.total}）"))
    if s.students_total is not None and lb.total > s.students_total:
        problems.add(Problem(item.path, item.line_of("left_behind", "total"), "left_behind.total",
                             f"留守儿童人数（{lb.total}）不能超过在校学生总数（{s.students_total}）"))


def _check_school(school: Loaded[models.School], problems: Problems) -> None:
    group = school.record.leading_group
    allowed = set(school.record.staff_names)
    for index, member in enumerate(group.members if group else []):
        if member.name and member.name not in allowed:
            problems.add(Problem(school.path, school.line_of("leading_group", "members", index, "name"),
                                 f"leading_group.members[{index}].name",
                                 f"“{member.name}”不在 staff_names（可公开的教职工姓名）里。只有本人同意公开的姓名才能写，"
                                 "请加到 staff_names，或删掉姓名只写岗位"))


def _check_resource(item: Loaded[models.Resource], problems: Problems) -> None:
    for index, hours in enumerate(item.record.hours):
        if hours.start is not None and hours.end is not None and hours.end <= hours.start:
            problems.add(Problem(item.path, item.line_of("hours", index, "end"), f"hours[{index}].end",
                                 f"结束时间 {hours.end} 应晚于开始时间 {hours.start}"))


LONGEST_ACTIVITY = 92  # days: a holiday's worth; longer is a typo (or a programme, not an activity)


def _check_activity(item: Loaded[models.Activity], records: "SchoolRecords", problems: Problems) -> None:
    a = item.record
    date_line = item.line_of("end_date") if ("end_date",) in item.doc.lines else item.line_of("date")
    if a.end_date is not None:
        if a.date.day is None or a.end_date.day is None:
            problems.add(Problem(item.path, date_line, "end_date",
                                 "几天的活动要写到具体哪一天：date: 2026-10-01 和 end_date: 2026-10-07"))
        elif a.end_date.first_day < a.date.first_day:
            problems.add(Problem(item.path, date_line, "end_date",
                                 f"结束日期 {a.end_date.iso()} 早于开始日期 {a.date.iso()}，请检查"))
        elif (a.end_date.first_day - a.date.first_day).days > LONGEST_ACTIVITY:
            problems.add(Problem(item.path, date_line, "end_date",
                                 f"活动从 {a.date.iso()} 到 {a.end_date.iso()}，超过 {LONGEST_ACTIVITY} 天，请检查日期；"
                                 "长期开展的工作请写成关爱项目（programmes）"))
    if a.programme_part is not None:
        programme = records.programme(a.programme) if a.programme else None
        if programme is None and not a.programme:
            problems.add(Problem(item.path, item.line_of("programme_part"), "programme_part",
                                 "写了第几条（programme_part），就要在 programme 里写项目名称，并且这个项目要有自己的记录"
                                 "（content/programmes/ 或学校的 programmes/ 文件夹）"))
        elif programme is None:
            names = "、".join(p.record.name for p in records.programmes + records.county_programmes) or "（还没有）"
            problems.add(Problem(item.path, item.line_of("programme"), "programme",
                                 f"没有名为“{a.programme}”的项目记录，所以对不上第几条（programme_part）。现有的项目：{names}；"
                                 "新项目请写在 content/programmes/ 或学校的 programmes/ 文件夹里"))
        elif programme.record.part(a.programme_part) is None:
            parts = programme.record.parts
            problems.add(Problem(item.path, item.line_of("programme_part"), "programme_part",
                                 f"“{a.programme_part}”不是“{programme.record.name}”里的一条：它共有 {len(parts)} 条，"
                                 f"请写 1 到 {len(parts)} 之间的数字，例如 programme_part: 1（{parts[0].title}）"))


LETTER_ONE_PAGE = 600  # characters of body and asks that print on one A4 sheet (test_browser, the demo letters)


def _check_letter(item: Loaded[models.Letter], problems: Problems) -> None:
    r = item.record
    length = len(re.sub(r"\s", "", r.body)) + sum(len(ask) for ask in r.asks)
    if length > LETTER_ONE_PAGE:
        problems.add(Problem(item.path, item.line_of("body"), "body",
                             f"这封信的正文和“请您做到”共 {length} 字，打印出来可能超过一张 A4 纸（网上看不受影响）。"
                             f"想印在一张纸上，请删到 {LETTER_ONE_PAGE} 字以内", Severity.WARNING))


# ---------------------------------------------------------------------------------------------
# Whole tree


def load_bureau(root: Path, problems: Problems) -> Optional[Loaded[models.Bureau]]:
    path = root / "content" / "bureau.yml"
    if not path.is_file():
        problems.add(Problem("content/bureau.yml", 0, "", "找不到教育局信息文件 content/bureau.yml"))
        return None
    if path.is_symlink():
        problems.add(Problem("content/bureau.yml", 0, "", "不允许使用符号链接（快捷方式），请放入真实文件"))
        return None
    return load_record(root, path, models.Bureau, problems)


def school_folders(root: Path, problems: Problems) -> list[Path]:
    base = root / "schools"
    if not base.is_dir():
        problems.add(Problem("schools/", 0, "", "找不到 schools 文件夹，每所学校一个子文件夹"))
        return []
    folders = []
    for path in sorted(base.iterdir()):
        display = _relative(root, path) + "/"
        if path.name.startswith(".") or not (path.is_dir() or path.is_symlink()):
            continue
        if path.is_symlink():
            problems.add(Problem(display, 0, "", "不允许使用符号链接（快捷方式），请放入真实文件夹"))
            continue
        issue = slug_problem(display, path.name, "学校文件夹名")
        if issue:
            problems.add(issue)
            continue
        folders.append(path)
    return folders


def load_school(root: Path, folder: Path, kinds: Optional[tuple[str, ...]] = None) -> SchoolRecords:
    """One school's records; with `kinds` (names of RECORD_DIRS), school.yml and those only."""
    records = SchoolRecords(slug=folder.name, folder=folder)
    problems = records.problems
    school_file = folder / "school.yml"
    if school_file.is_symlink():
        problems.add(Problem(_relative(root, school_file), 0, "", "不允许使用符号链接（快捷方式），请放入真实文件"))
    elif not school_file.is_file():
        near = [e.name for e in folder.iterdir() if e.name != "school.yml" and _split_record_name(e.name)[0].lower() == "school"]
        hint = f"。文件夹里有“{near[0]}”，请把它改名为 school.yml" if near else "（可用 careportal new school 生成）"
        problems.add(Problem(_relative(root, school_file), 0, "", f"缺少学校信息文件 school.yml{hint}"))
    else:
        records.school = load_record(root, school_file, models.School, problems)
        if records.school:
            _check_school(records.school, problems)
    for entry in sorted(folder.iterdir()):
        if entry.name not in KNOWN_SCHOOL_ENTRIES and not entry.name.startswith(".") \
                and _split_record_name(entry.name)[0].lower() != "school":
            problems.add(Problem(_relative(root, entry), 0, "",
                                 f"不认识的文件或文件夹，已忽略。学校文件夹里可以有：school.yml、{'、'.join(RECORD_DIRS)}、photos",
                                 Severity.WARNING))
    for name, model in RECORD_DIRS.items():
        if kinds is not None and name not in kinds:
            continue
        sub = folder / name
        if sub.is_symlink():
            problems.add(Problem(_relative(root, sub) + "/", 0, "", "不允许使用符号链接（快捷方式），请放入真实文件夹"))
            continue
        if not sub.is_dir():
            continue
        bucket = getattr(records, name)
        for path in _record_files(root, sub, problems):
            item = load_record(root, path, model, problems)
            if item is not None:
                bucket.append(item)
    shared = load_shared(root, Problems(), only_for=records.slug)  # problems reported once, for the county
    records.county_programmes = shared.programmes
    records.shared_resources = shared.resources
    for item in records.activities:
        _check_activity(item, records, problems)
    for item in records.summaries:
        _check_summary(item, problems)
    for item in records.resources:
        _check_resource(item, problems)
    for item in records.letters:
        _check_letter(item, problems)
    seen_terms: dict = {}
    for item in records.summaries:
        if item.record.term in seen_terms:
            problems.add(Problem(item.path, item.line_of("term"), "term", f"学期 {item.record.term.code} 已在 {seen_terms[item.record.term]} 里写过"))
        seen_terms.setdefault(item.record.term, item.path)
    records.activities.sort(key=lambda a: (a.record.date.sort_key, a.slug), reverse=True)
    records.policies.sort(key=lambda p: p.slug)
    records.resources.sort(key=lambda r: (list(models.ResourceKind).index(r.record.kind), r.slug))
    records.summaries.sort(key=lambda s: s.record.term, reverse=True)
    records.letters.sort(key=lambda item: (item.record.date, item.slug), reverse=True)
    records.programmes.sort(key=lambda item: item.slug)
    return records


def load_shared(root: Path, problems: Problems, only_for: Optional[str] = None,
                schools: Optional[set[str]] = None) -> Shared:
    """content/programmes and content/resources; with `only_for`, the resources serving that school.
    With `schools` (the folder names), a shared place naming a school that does not exist is an error."""
    shared = Shared()
    for name, model in SHARED_DIRS.items():
        folder = root / "content" / name
        if folder.is_symlink():
            problems.add(Problem(_relative(root, folder) + "/", 0, "", "不允许使用符号链接（快捷方式），请放入真实文件夹"))
            continue
        if not folder.is_dir():
            continue
        bucket = getattr(shared, name)
        for path in _record_files(root, folder, problems):
            item = load_record(root, path, model, problems)
            if item is not None:
                bucket.append(item)
    for item in shared.resources:
        _check_resource(item, problems)
        for index, slug in enumerate(item.record.schools):
            if schools is not None and slug not in schools:
                close = difflib.get_close_matches(slug, sorted(schools), n=1, cutoff=0.6)
                hint = f"，是不是“{close[0]}”？" if close else "。请写学校文件夹的名字，例如 qingxi-zhongxin"
                problems.add(Problem(item.path, item.line_of("schools", index), "schools",
                                     f"没有名为“{slug}”的学校文件夹{hint}", Severity.WARNING))
    names: dict[str, str] = {}
    for item in shared.programmes:
        if item.record.name in names:
            problems.add(Problem(item.path, item.line_of("name"), "name", f"项目“{item.record.name}”已在 {names[item.record.name]} 里写过"))
        names.setdefault(item.record.name, item.path)
    if only_for is not None:
        shared.resources = [r for r in shared.resources if only_for in r.record.schools]
    shared.programmes.sort(key=lambda p: p.slug)
    shared.resources.sort(key=lambda r: r.slug)
    return shared


def _load_school_safely(root: Path, folder: Path) -> SchoolRecords:
    """One school's folder; an unreadable folder is that school's problem only."""
    try:
        return load_school(root, folder)
    except OSError as exc:
        records = SchoolRecords(slug=folder.name, folder=folder)
        records.problems.add(Problem(_relative(root, folder) + "/", 0, "", f"无法读取这个文件夹：{exc.strerror or exc}"))
        return records


def load_county(root: Path, only: Optional[list[str]] = None) -> County:
    """Load the bureau and every school (or only the named ones)."""
    root = root.resolve()
    problems = Problems()
    bureau = load_bureau(root, problems)
    folders = school_folders(root, problems)
    if only:
        known = {f.name for f in folders}
        for slug in only:
            if slug not in known:
                problems.add(Problem(f"schools/{slug}/", 0, "", f"没有名为“{slug}”的学校文件夹"))
        folders = [f for f in folders if f.name in set(only)]
    shared = load_shared(root, problems, schools={f.name for f in school_folders(root, Problems())})
    schools = [_load_school_safely(root, folder) for folder in folders]
    return County(root=root, bureau=bureau, problems=problems, schools=schools, shared=shared)
