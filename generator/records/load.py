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
from typing import Optional, TypeVar

from pydantic import BaseModel, ValidationError

from generator.records import kinds, labels, models, phrasing, rules
from generator.records.loaded import Loaded
from generator.problems import ContentError, Problem, Problems, Severity
from generator.records.source import Document, read, text_values

T = TypeVar("T", bound=BaseModel)

SLUG = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$")
KNOWN_SCHOOL_ENTRIES = set(kinds.FOLDERS) | {"school.yml", "photos", "private", "README.md"}


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

    def of(self, kind: "kinds.RecordKind") -> list[Loaded]:
        """This school's records of one kind (a list of the registry's folder name)."""
        return getattr(self, kind.folder)

    def all_records(self) -> list[Loaded]:
        """school.yml, then every record of every kind, in the registry's order, then the county's
        records this school's site shows (its programmes and the shared places serving it)."""
        return (([self.school] if self.school else []) + [item for kind in kinds.KINDS for item in self.of(kind)]
                + list(self.county_programmes) + list(self.shared_resources))

    def files(self) -> list[Path]:
        """Every input file this school's site depends on (records and photos)."""
        found = [self.folder / "school.yml"]
        for name in list(kinds.FOLDERS) + ["photos"]:
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
    # every school's institutional lines (a school may print a neighbour's hotline), when the build
    # has them from its cache of per-school facts; None: the privacy layer reads them from disk
    institutional_lines: Optional[frozenset[str]] = None


# ---------------------------------------------------------------------------------------------
# Messages


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


def _label_after(name: str) -> str:
    """“（标题）” after an English field name, when the field has a Chinese one."""
    return f"（{labels.FIELD_LABELS[name]}）" if name in labels.FIELD_LABELS else ""


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
        return f"缺少必填项“{loc[-1]}”{_label_after(str(loc[-1]))}，请补上"
    if kind == "extra_forbidden":
        key = str(loc[-1])
        allowed = _allowed_keys(model, loc)
        by_label = [name for name in allowed if labels.FIELD_LABELS.get(name) == key]
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
        problems.add(labels.problem(display, exc.line, (exc.field,) if exc.field else (), exc.message))
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
                message = f"“{loc[-1]}”{_label_after(str(loc[-1]))}是必填项，不能空着，请填写内容"
            if loc and loc[0] == "end_date" and ("end_date",) not in doc.lines:  # split from a range in `date`
                loc = ("date",) + loc[1:]
            problems.add(labels.problem(display, doc.line_of(loc), loc, message))
        return None
    taken: set[tuple] = set()  # equal values in several list items (一次, 一次): one reminder each
    placed = sorted(((doc.line_of(where), where, found) for found in notes for where in [_note_path(doc, found, taken)]),
                    key=lambda item: item[0])
    for line, where, found in placed:
        problems.add(labels.problem(display, line, where, found.message, Severity.WARNING))
    return Loaded(record=record, slug=path.stem, path=display, doc=doc)




def _note_path(doc: Document, found: phrasing.Note, taken: set[tuple]) -> tuple:
    """Where a reminder belongs: the value as written (under the named key when several are equal),
    else the first key of that name. Reminders are noted in the file's order, so a value written
    again further down (a second duty's 一次) gets the next place not yet `taken`."""
    scalars = list(text_values(doc.data))
    for wanted in ((lambda p, v: v == found.raw and (found.key is None or p[-1] == found.key)),
                   (lambda p, v: v == found.raw),
                   (lambda p, v: found.key is not None and p and p[-1] == found.key)):
        matches = [path for path, value in scalars if path and wanted(path, value)]
        if matches:
            free = [path for path in matches if (path, found.message) not in taken]
            where = (free or matches)[0]
            taken.add((where, found.message))
            return where
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


def load_school(root: Path, folder: Path, only: Optional[tuple[str, ...]] = None) -> SchoolRecords:
    """One school's records; with `kinds` (record folders, see kinds.py), school.yml and those only."""
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
            rules.check_school(records.school, problems)
    for entry in sorted(folder.iterdir()):
        if entry.name not in KNOWN_SCHOOL_ENTRIES and not entry.name.startswith(".") \
                and _split_record_name(entry.name)[0].lower() != "school":
            problems.add(Problem(_relative(root, entry), 0, "",
                                 f"不认识的文件或文件夹，已忽略。学校文件夹里可以有：school.yml、{'、'.join(kinds.FOLDERS)}、photos",
                                 Severity.WARNING))
    for kind in kinds.KINDS:
        if only is not None and kind.folder not in only:
            continue
        sub = folder / kind.folder
        if sub.is_symlink():
            problems.add(Problem(_relative(root, sub) + "/", 0, "", "不允许使用符号链接（快捷方式），请放入真实文件夹"))
            continue
        if not sub.is_dir():
            continue
        bucket = records.of(kind)
        for path in _record_files(root, sub, problems):
            item = load_record(root, path, kind.model, problems)
            if item is not None:
                bucket.append(item)
    shared = load_shared(root, Problems(), only_for=records.slug)  # problems reported once, for the county
    records.county_programmes = shared.programmes
    records.shared_resources = shared.resources
    for kind in kinds.KINDS:
        bucket = records.of(kind)
        if kind.check is not None:
            for item in bucket:
                kind.check(item, problems)
        if kind.check_in_school is not None:
            for item in bucket:
                kind.check_in_school(item, records, problems)
        if kind.check_all is not None:
            kind.check_all(bucket, problems)
        bucket.sort(key=kind.sort_key, reverse=kind.newest_first)
    return records


def load_shared(root: Path, problems: Problems, only_for: Optional[str] = None,
                schools: Optional[set[str]] = None) -> Shared:
    """content/programmes and content/resources; with `only_for`, the resources serving that school.
    With `schools` (the folder names), a shared place naming a school that does not exist is an error."""
    shared = Shared()
    for kind in kinds.SHARED_KINDS:
        name, model = kind.folder, kind.model
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
        rules.check_resource(item, problems)
        for index, slug in enumerate(item.record.schools):
            if schools is not None and slug not in schools:
                close = difflib.get_close_matches(slug, sorted(schools), n=1, cutoff=0.6)
                hint = f"，是不是“{close[0]}”？" if close else "。请写学校文件夹的名字，例如 qingxi-zhongxin"
                problems.add(item.problem(("schools", index), f"没有名为“{slug}”的学校文件夹{hint}", Severity.WARNING))
    names: dict[str, str] = {}
    for item in shared.programmes:
        if item.record.name in names:
            problems.add(item.problem(("name",), f"项目“{item.record.name}”已在 {names[item.record.name]} 里写过"))
        names.setdefault(item.record.name, item.path)
    if only_for is not None:
        shared.resources = [r for r in shared.resources if only_for in r.record.schools]
    for kind in kinds.SHARED_KINDS:
        getattr(shared, kind.folder).sort(key=kind.sort_key, reverse=kind.newest_first)
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
