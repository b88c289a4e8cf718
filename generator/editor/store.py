"""One school's folder as the editor sees it: which paths exist for it, reading them, and the one
way of writing a record — checked by the models and the privacy gate first, written atomically,
keeping the comments and key order of everything the edit did not change.

Paths are relative to the school's folder (`activities/2026-06-12-x.yml`, `school.yml`,
`photos/a.jpg`). Only the record folders the loader knows, school.yml and photos/ are reachable;
no `..`, no symlink anywhere on the way, and never private/ (the register).
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
import os
import re
import secrets
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Optional

from pydantic_core import PydanticCustomError
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import LiteralScalarString

from generator.editor.fields import model_fields, replaced_fields
from generator.privacy import photos
from generator.privacy.context import redacted
from generator.site.generated import gate_school
from generator.privacy.reviews import REJECTED_RULE, REVIEW_RULE
from generator.problems import ContentError, Problem, Problems, Severity
from generator.records import labels, models
from generator.records.kinds import BY_FOLDER, SCHOOL
from generator.records.kinds import MODELS as RECORD_DIRS
from generator.records.load import (SLUG, County, Loaded, SchoolRecords, load_bureau, load_record,
                                    load_school)
from generator.records.source import MAX_FILE_BYTES, parse

SCHOOL_FILE = "school.yml"
MEDIA_DIR = photos.PHOTO_DIR
_RECORD_NAME = re.compile(r"^([a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?)\.(yml|yaml)$")
_MEDIA_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,100}(?:\.[A-Za-z0-9_-]{1,20})*\.(jpe?g|png|webp)$", re.I)
_TEMP_PREFIX = ".careportal-edit-"

STALE = ("这条记录在您打开之后已经被修改过（可能是在另一个浏览器窗口或用记事本改的）。为了不覆盖别人的修改，这次没有保存。"
         "请先把您改的内容复制下来，刷新页面重新打开这条记录，再改一次")
EXISTS = ("已经有一条同名的记录（例如同一个学期的统计只能有一条）。为了不覆盖它，这次没有保存："
          "请打开原来那条记录修改")
NOT_ALLOWED = "不能访问这个位置：编辑器只能打开本校的记录文件和 photos 文件夹里的照片"
PHOTO_NAME = ("照片的文件名只能用英文字母、数字、连字符和下划线，扩展名是 .jpg、.png 或 .webp。"
              "请先把照片改名（例如 2026-06-12-1.jpg）再上传")


class Refused(Exception):
    """A request the editor will not carry out; `problems` say why, in Chinese."""

    def __init__(self, message: str, problems: Optional[list[Problem]] = None, status: int = 422):
        super().__init__(message)
        self.message = message
        self.problems = problems or []
        self.status = status


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass(frozen=True)
class Target:
    relative: str  # as the editor names it, e.g. activities/a.yml
    path: Path
    kind: str  # "school", a RECORD_DIRS folder, or "media"


class SchoolStore:
    def __init__(self, root: Path, slug: str):
        if not SLUG.match(slug):
            raise ValueError(slug)
        self.root = root.resolve()
        self.slug = slug
        self.folder = self.root / "schools" / slug
        self._writing = threading.Lock()  # one save at a time: check and rename cannot interleave
        if self.folder.is_symlink() or not (self.folder / SCHOOL_FILE).is_file():
            raise FileNotFoundError(self.folder)

    # -----------------------------------------------------------------------------------------
    # Paths

    def _no_symlinks(self, path: Path) -> None:
        current = self.folder
        for part in path.relative_to(self.folder).parts:
            current = current / part
            if current.is_symlink():
                raise Refused(NOT_ALLOWED, status=403)

    def target(self, relative: Any) -> Target:
        """The one place a request may name: refused unless it is school.yml, a record file in a
        record folder, or a photo in photos/ (always refused for private/, `..`, symlinks)."""
        if not isinstance(relative, str) or not relative or len(relative) > 300 or "\\" in relative \
                or "\x00" in relative or relative.startswith("/"):
            raise Refused(NOT_ALLOWED, status=403)
        parts = relative.split("/")
        if any(p in {"", ".", ".."} or p.startswith(".") for p in parts):
            raise Refused(NOT_ALLOWED, status=403)
        if parts == [SCHOOL_FILE]:
            kind = "school"
        elif len(parts) == 2 and parts[0] in RECORD_DIRS and _RECORD_NAME.match(parts[1]):
            kind = parts[0]
        elif len(parts) == 2 and parts[0] == MEDIA_DIR:
            if not _MEDIA_NAME.match(parts[1]):
                raise Refused(PHOTO_NAME, status=403)
            kind = "media"
        else:
            raise Refused(NOT_ALLOWED, status=403)
        path = self.folder.joinpath(*parts)
        self._no_symlinks(path)
        if path.exists() and not path.is_file():
            raise Refused(NOT_ALLOWED, status=403)
        return Target(relative, path, kind)

    def folder_files(self, folder: Any, extension: str = "yml") -> list[str]:
        """The record files of one record folder (or photos/), as relative paths."""
        if folder not in RECORD_DIRS and folder != MEDIA_DIR:
            raise Refused(NOT_ALLOWED, status=403)
        base = self.folder / folder
        if base.is_symlink():
            raise Refused(NOT_ALLOWED, status=403)
        if not base.is_dir():
            return []
        found = []
        for entry in sorted(base.iterdir()):
            relative = f"{folder}/{entry.name}"
            if entry.is_symlink() or not entry.is_file() or entry.name.startswith("."):
                continue
            try:
                self.target(relative)
            except Refused:
                continue
            if folder == MEDIA_DIR or entry.name.endswith("." + (extension or "yml")):
                found.append(relative)
        return found

    # -----------------------------------------------------------------------------------------
    # Reading

    def read(self, relative: Any) -> tuple[Target, Optional[bytes]]:
        target = self.target(relative)
        if not target.path.is_file():
            return target, None
        return target, target.path.read_bytes()

    # -----------------------------------------------------------------------------------------
    # Checking

    def _county(self) -> County:
        problems = Problems()
        bureau = load_bureau(self.root, problems)
        return County(root=self.root, bureau=bureau, problems=problems, schools=[])

    def check_candidate(self, target: Target, candidate: Path) -> list[Problem]:
        """What `careportal check` would say about this school with `candidate` in place of the
        target file: schema problems of the file and the school, then the privacy gate."""
        records = load_school(self.root, self.folder)
        display = f"schools/{self.slug}/{target.relative}"
        temp_display = candidate.relative_to(self.root).as_posix()
        model = models.School if target.kind == "school" else RECORD_DIRS[target.kind]
        problems = Problems()
        loaded = load_record(self.root, candidate, model, problems)
        # the school's own problems, minus those of the file being replaced (the candidate's replace them)
        found = [p for p in records.problems if p.path != display] + list(problems)
        if loaded is not None:
            loaded = dataclasses.replace(loaded, slug=target.path.stem)
            self._substitute(records, target, loaded)
            found += self._cross_checks(records, target, loaded)
        found = [dataclasses.replace(p, path=display) if p.path == temp_display else p for p in redacted(found)]
        errors = [p for p in found if p.severity is Severity.ERROR]
        county = self._county()
        if loaded is not None and not errors and county.bureau is not None and records.school is not None:
            county.schools = [records]
            # a sentence held for review does not stop a save, nor does one rejected in another file:
            # they hold publication (until approved, or rewritten), not the teacher's other work
            gate = [dataclasses.replace(p, severity=Severity.WARNING)
                    if p.rule == REVIEW_RULE or (p.rule == REJECTED_RULE and p.path not in (display, temp_display)) else p
                    for p in gate_school(county, records)]
            found += [dataclasses.replace(p, path=display) if p.path == temp_display else p for p in gate]
        if county.bureau is None:
            found += list(county.problems)
        return found

    @staticmethod
    def _substitute(records: SchoolRecords, target: Target, loaded: Loaded) -> None:
        if target.kind == "school":
            records.school = loaded
            return
        bucket = getattr(records, target.kind)
        bucket[:] = [item for item in bucket if item.slug != target.path.stem] + [loaded]

    def _cross_checks(self, records: SchoolRecords, target: Target, loaded: Loaded) -> list[Problem]:
        """The loader's checks that need more than one field (sums, file name = term, hours)."""
        problems = Problems()
        kind = SCHOOL if target.kind == "school" else BY_FOLDER[target.kind]
        if kind.check is not None:  # the registry's cross-field checks (records/rules.py)
            kind.check(loaded, problems)
        return list(problems)

    # -----------------------------------------------------------------------------------------
    # Writing

    def write_record(self, relative: Any, raw: Any, based_on: Optional[str]) -> tuple[str, list[Problem]]:
        """Write one record from the editor's YAML. `based_on` is the hash of the file as the editor
        last read it (None: the editor believes the file is new). Returns the new hash and the
        warnings; raises Refused (nothing written) for errors or a stale base."""
        target = self.target(relative)
        if target.kind == "media":
            raise Refused(NOT_ALLOWED, status=403)
        with self._writing:
            return self._write_record(target, relative, raw, based_on)

    def _write_record(self, target: Target, relative: str, raw: Any, based_on: Optional[str]) -> tuple[str, list[Problem]]:
        if not isinstance(raw, str) or len(raw.encode("utf-8")) > MAX_FILE_BYTES:
            raise Refused("内容太长，无法保存")
        current = target.path.read_bytes() if target.path.is_file() else None
        if current is not None and based_on is not None and sha256(current) != based_on:
            raise Refused(STALE, [Problem(f"schools/{self.slug}/{relative}", 0, "", STALE)], status=409)
        if current is None and based_on is not None:
            raise Refused(STALE, [Problem(f"schools/{self.slug}/{relative}", 0, "", STALE)], status=409)
        if current is not None and based_on is None:  # a new record whose file name is taken
            raise Refused(EXISTS, [Problem(f"schools/{self.slug}/{relative}", 0, "", EXISTS)], status=409)
        data = _editor_data(raw)
        text = merged_text(current, data, _defaults(self._model(target)), replaced_fields(self._model(target)))
        if current is None:
            text = _schema_line(target) + text
        candidate = self._temp(target)
        try:
            candidate.write_text(text, encoding="utf-8", newline="\n")
            found = self.check_candidate(target, candidate)
            errors = [p for p in found if p.severity is Severity.ERROR]
            if errors:
                raise Refused("没有保存：" + "；".join(p.message for p in errors[:3]), _with_fields(found, text))
            again = target.path.read_bytes() if target.path.is_file() else None
            if again != current:  # changed while we were checking
                raise Refused(STALE, [Problem(f"schools/{self.slug}/{relative}", 0, "", STALE)], status=409)
            os.replace(candidate, target.path)
        finally:
            if candidate.exists():
                candidate.unlink()
        return sha256(text.encode("utf-8")), [p for p in found if p.severity is Severity.WARNING]

    @staticmethod
    def _model(target: Target):
        return models.School if target.kind == "school" else RECORD_DIRS[target.kind]

    def display_text(self, target: Target, data: bytes) -> str:
        """The file as the editor's form should see it: a yes/no field left out of the file shows
        its default, and a field kept for older files (a policy's one `cadence`) shows as the one
        item of the list that replaced it (`duties`), which a save writes back as `cadence` while it holds one item; the file is unchanged."""
        text = data.decode("utf-8-sig", errors="replace")
        if target.kind == "media":
            return text
        try:
            document = _round_trip().load(text)
        except Exception:
            return text
        if not isinstance(document, CommentedMap):
            return text
        moved = _move_replaced(document, replaced_fields(self._model(target)))
        if not _fill_defaults(document, _defaults(self._model(target)), ()) and not moved:
            return text
        buffer = io.StringIO()
        _round_trip().dump(document, buffer)
        return buffer.getvalue()

    def _temp(self, target: Target) -> Path:
        target.path.parent.mkdir(exist_ok=True)
        self._no_symlinks(target.path.parent)
        return target.path.parent / f"{_TEMP_PREFIX}{secrets.token_hex(6)}.yml"

    def write_photo(self, relative: Any, data: bytes) -> tuple[Target, bytes, bool]:
        """Store an uploaded photo shrunk and without any metadata (privacy/photos.encode, as the
        build does). Returns the target, the stored bytes and whether the file is new."""
        target = self.target(relative)
        if target.kind != "media":
            raise Refused(NOT_ALLOWED, status=403)
        if len(data) > photos.MAX_SOURCE_BYTES:
            raise Refused("照片文件太大（超过 40 MB），请先缩小")
        target.path.parent.mkdir(exist_ok=True)
        self._no_symlinks(target.path.parent)
        upload = target.path.parent / f"{_TEMP_PREFIX}{secrets.token_hex(6)}.upload"
        try:
            upload.write_bytes(data)
            try:
                prepared = photos.encode(upload)
            except photos.PhotoError as exc:
                raise Refused(str(exc)) from None
            existed = target.path.exists()
            final = target.path.parent / f"{_TEMP_PREFIX}{secrets.token_hex(6)}.photo"
            final.write_bytes(prepared.data)
            os.replace(final, target.path)
        finally:
            if upload.exists():
                upload.unlink()
        return target, prepared.data, not existed


def _with_fields(problems: list[Problem], text: str) -> list[Problem]:
    """Give a problem found by line only the field written on that line, so the page can show it
    next to that field."""
    try:
        doc = parse(text)
    except ContentError:
        return problems
    out = []
    for problem in problems:
        if not problem.place and problem.line:
            where = doc.path_at(problem.line)
            if where:
                problem = dataclasses.replace(problem, field=problem.field or labels.field_path(where),
                                              place=labels.machine_path(where))
        out.append(problem)
    return out


# ---------------------------------------------------------------------------------------------
# YAML: the editor's data merged into the file as it was


def _editor_data(raw: str) -> dict:
    """The editor's YAML → data, after the same safety checks as any record file (no aliases,
    tags, deep nesting); empty values dropped (an empty box means the field is not written)."""
    try:
        doc = parse(raw)
    except ContentError as exc:
        raise Refused(exc.message) from None
    if not isinstance(doc.data, dict):
        raise Refused("内容应该是一组字段")
    yaml = YAML(typ="safe", pure=True)
    # dates stay text: the models read them (and explain a 2026-13-40 in Chinese)
    yaml.constructor.add_constructor("tag:yaml.org,2002:timestamp", lambda loader, node: loader.construct_scalar(node))
    try:
        data = yaml.load(raw)
    except Exception:  # parse() accepted it, so this is a spelling only YAML 1.2 reads differently
        data = doc.data
    return _without_empty(data)


def _without_empty(value):
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            item = _without_empty(item)
            if item is None or item == "" or item == {}:
                continue
            out[str(key)] = item
        return out
    if isinstance(value, list):
        return [v for v in (_without_empty(v) for v in value) if v is not None and v != ""]
    if isinstance(value, str):
        return value.strip() if not value.strip() else value
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def _defaults(model) -> dict[tuple, Any]:
    """Path of each field → its default, from the models (a list item's fields under "*")."""
    found: dict[tuple, Any] = {}

    def walk(forms):
        for form in forms:
            if form.default is not None:
                found[form.path] = form.default
            if form.kind in {"object", "list"}:
                walk(form.fields)

    walk(model_fields(model))
    return found


def _move_replaced(document: CommentedMap, replaced: dict[str, str]) -> list[tuple[str, str]]:
    """`cadence: {…}` → `duties: [{…}]`, in the same place (when the list is not written too);
    returns what was moved, so that `_move_back` can keep a file that still holds one item as written."""
    moved = []
    for old, new in replaced.items():
        if isinstance(document.get(old), CommentedMap) and new not in document:
            position = list(document).index(old)
            value = document.pop(old)
            document.insert(position, new, CommentedSeq([value]))
            moved.append((old, new))
    return moved


def _move_back(document: CommentedMap, moved: list[tuple[str, str]]) -> None:
    """A list that still holds its one item goes back under the older name (`duties: [{…}]` →
    `cadence: {…}`): a save that changed something else changes only that line; a second duty
    added in the form writes the list."""
    for old, new in moved:
        items = document.get(new)
        if isinstance(items, CommentedSeq) and len(items) == 1 and isinstance(items[0], CommentedMap):
            position = list(document).index(new)
            document.pop(new)
            document.insert(position, old, items[0])


def _fill_defaults(document: CommentedMap, defaults: dict[tuple, Any], path: tuple) -> bool:
    changed = False
    for key_path, value in defaults.items():
        if len(key_path) != len(path) + 1 or key_path[:-1] != path or not isinstance(value, bool):
            continue
        if key_path[-1] not in document:
            document[key_path[-1]] = value
            changed = True
    for key, value in document.items():
        if isinstance(value, CommentedMap):
            changed = _fill_defaults(value, defaults, path + (key,)) or changed
    return changed


def _schema_line(target: Target) -> str:
    from generator.editor.schema import SINGULAR

    name = "school" if target.kind == "school" else SINGULAR[target.kind]
    up = "../../" if target.kind == "school" else "../../../"
    return f"# yaml-language-server: $schema={up}schemas/{name}.schema.json\n"


def _round_trip() -> YAML:
    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.width = 4096  # never fold a long Chinese line
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.allow_unicode = True
    return yaml


def _same(old, new) -> bool:
    """Whether the file's value and the editor's mean the same (the file keeps its spelling)."""
    if isinstance(old, dict) and isinstance(new, dict):
        return old.keys() == new.keys() and all(_same(old[k], new[k]) for k in old)
    if isinstance(old, list) and isinstance(new, list):
        return len(old) == len(new) and all(_same(a, b) for a, b in zip(old, new))
    if isinstance(old, (dict, list)) or isinstance(new, (dict, list)):
        return False
    if old is None or new is None:
        return old is new
    if isinstance(new, bool) and isinstance(old, str):  # 是 / 否 as staff write it
        try:
            return models._to_bool(old) is new
        except PydanticCustomError:  # not a yes/no the models read
            return False
    if isinstance(old, bool) or isinstance(new, bool):
        return old == new
    as_text = (lambda v: v.isoformat() if hasattr(v, "isoformat") else str(v).strip())
    return as_text(old) == as_text(new)


def _fresh(value):
    """An editor value as it should look in the file: multi-line text as a `|` block."""
    if isinstance(value, dict):
        out = CommentedMap()
        for key, item in value.items():
            out[key] = _fresh(item)
        return out
    if isinstance(value, list):
        out = CommentedSeq(_fresh(v) for v in value)
        if all(not isinstance(v, (dict, list)) for v in value) and sum(len(str(v)) for v in value) < 60:
            out.fa.set_flow_style()
        return out
    if isinstance(value, str) and "\n" in value:
        return LiteralScalarString(value.rstrip("\n") + "\n")
    return value


def _merge(old, new, defaults: dict[tuple, Any], path: tuple = ()):
    """`new` with the nodes of `old` (and their comments) kept wherever the value did not change.
    A field the file leaves out stays out when the editor sends its default (the form shows it)."""
    if _same(old, new):
        return old
    if isinstance(old, CommentedMap) and isinstance(new, dict):
        for key in [k for k in old if k not in new]:
            del old[key]
        for position, (key, value) in enumerate(new.items()):
            if key in old:
                old[key] = _merge(old[key], value, defaults, path + (key,))
            elif (path + (key,)) in defaults and _same(defaults[path + (key,)], value):
                continue
            else:
                old.insert(min(position, len(old)), key, _fresh(value))
        return old
    if isinstance(old, CommentedSeq) and isinstance(new, list) and len(old) <= len(new):
        for index, value in enumerate(new):  # items added at the end (a policy's next duty) are appended
            if index < len(old):
                old[index] = _merge(old[index], value, defaults, path + ("*",))
            else:
                added = _merge(CommentedMap(), value, defaults, path + ("*",))
                old.append(added)
        if old.fa.flow_style() and any(isinstance(v, (dict, list)) for v in new):
            old.fa.set_block_style()
        return old
    return _fresh(new)


def merged_text(current: Optional[bytes], data: dict, defaults: Optional[dict] = None,
                replaced: Optional[dict[str, str]] = None) -> str:
    """The file after a save. A field the form shows moved into a list (`replaced`: a policy's one
    `cadence` shown as `duties`) is moved in the file too, so its unchanged parts keep their spelling,
    and moved back while the list holds only that one item."""
    yaml = _round_trip()
    document = None
    if current is not None:
        try:
            document = yaml.load(current.decode("utf-8-sig"))
        except Exception:  # a file the editor's form could not have come from: written afresh
            document = None
    if isinstance(document, CommentedMap):
        moved = _move_replaced(document, {old: new for old, new in (replaced or {}).items() if new in data})
        document = _merge(document, data, defaults or {})
        _move_back(document, moved)
    else:
        document = _fresh(data)
    buffer = io.StringIO()
    yaml.dump(document, buffer)
    return buffer.getvalue()
