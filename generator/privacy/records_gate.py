"""The privacy gate on records: every record file of a school is read before anything is
rendered (register deny-list, IDs, phones, e-mails, bank cards, person names, small counts and
sensitive attributes in prose, recipient lists, photo consent). Findings name file and line."""

from __future__ import annotations

import bisect
import dataclasses
import functools
import hashlib
import re
from importlib.metadata import version
from pathlib import Path
from dataclasses import dataclass
from typing import Iterable, MutableMapping, Optional

import urllib.parse

from generator.privacy import consents, contacts, detect, meaning, photos, reviews
from generator.privacy.child_register import register_files
from generator.privacy.context import (Context, context, county_context, problem_from_hit, scan_patterns,
                                       school_lines)
from generator.problems import Problem, Severity
from generator.records import labels
from generator.records.source import text_values
from generator.records.load import County, Loaded, SchoolRecords, load_county

GATE_FORMAT = "1"  # bump when what a cached result holds changes


def _value_first_line(item: Loaded, raw_lines: list[str], path: tuple) -> int:
    line = item.doc.lines.get(path) or item.line_of(*path)
    text = raw_lines[line - 1] if 0 < line <= len(raw_lines) else ""
    return line + 1 if re.search(r"[|>][+-]?\s*(#.*)?$", text) else line


NAME_ADVICE = ("“{masked}”可能是人名。如果是学生或家长的名字，请删掉，改成“一名学生”“一位家长”；如果是同意公开姓名的"
               "教职工，请把姓名加到 school.yml 的 staff_names 里；如果不是人名，请把这个词加到 school.yml 的 "
               "not_names 里（只想在这一句不再提醒，就写这一句里包含它的一段原话），提醒就不再出现")


def text_hits(one: detect.Folded, ctx: Context, review: bool = True) -> list[detect.Hit]:
    """Every rule that reads one value's text: 1–3 (patterns), 4 (names, warnings), 5–7 (meaning),
    and with `review` the sentences that go to review (never one that a rule blocks)."""
    hits = scan_patterns(one, ctx)
    names = detect.name_candidates(one.text, ctx.staff, ctx.known)
    names += [(o, w) for o, w in meaning.titled_names(one.text)
              if not any(w in s or s in w for s in ctx.staff) and (o, w) not in names]
    for offset, word in names:
        if any(word in name or name in word for name in (*ctx.deny.full_names, *ctx.deny.given_names)):
            continue  # part of a register name: already an error of rule 1
        if acknowledged(one.text, offset, word, ctx.not_names):
            continue
        hits.append(detect.Hit(offset, "人名", NAME_ADVICE.format(masked=detect.mask_name(word)),
                               detect.WARNING, detect.mask_name(word)))
    # the error rules read every candidate, acknowledged or not: acknowledging silences the reminder only
    hits += meaning.find_text_rules(one.text, ctx.k, names, ctx.totals, review)
    blocked = [h.start for h in hits if h.severity is detect.ERROR and h.label != meaning.REVIEW]
    return [h for h in hits if h.label != meaning.REVIEW
            or not any(h.start <= at < meaning.sentence_end(one.text, h.start) for at in blocked)]


def acknowledged(text: str, offset: int, word: str, not_names: tuple[str, ...]) -> bool:
    """Whether school.yml's not_names silences the name reminder for `word` at `offset`: an entry
    that is the word (everywhere), or a stretch of the sentence around it that contains the word
    (in that sentence only)."""
    if not not_names:
        return False
    sentence = detect.sentence_at(text, offset)
    return any(word in entry and entry in sentence for entry in not_names)


def _check_file(item: Loaded, county: County, ctx: Context, review: bool = True) -> list[Problem]:
    """Rules 1–7 over one record file. Every occurrence is reported on its own line (a phone
    written on two lines is two problems), so one run shows everything there is to fix; a hit the
    parsed value finds again where the raw text already showed it is not repeated."""
    path = county.root / item.path
    raw = path.read_text(encoding="utf-8-sig", errors="replace")
    raw_lines = raw.split("\n")
    problems: list[Problem] = []
    seen: set[tuple] = set()
    raw_seen: dict[tuple, set[int]] = {}

    def add(line: int, hit: detect.Hit) -> None:
        key = (hit.label, hit.masked or hit.message, line)
        if key in seen:
            return
        seen.add(key)
        where = item.doc.path_at(line)
        problems.append(dataclasses.replace(problem_from_hit(item.path, line, hit),
                                            field=labels.field_path(where), place=labels.machine_path(where)))

    # the file's name and folders, as the output scan reads the names of published files
    name = detect.fold(urllib.parse.unquote(item.path).replace("/", " / "))
    for hit in ctx.deny.find(name) + detect.find_ids(name) + detect.find_contacts(name, ctx.allowed_phones, ctx.email_domains):
        problems.append(problem_from_hit(item.path, 0, dataclasses_replace(hit, "文件名里" + hit.message)))
    # the file as written (comments included): rules 1–3
    folded = detect.fold(raw)
    for hit in scan_patterns(folded, ctx):
        line = folded.line(hit.start)
        raw_seen.setdefault((hit.label, hit.masked or hit.message), set()).add(line)
        add(line, hit)
    # each value as parsed (YAML escapes decoded): rules 1–3 again, then 4–7 on prose
    starts = sorted(set(item.doc.lines.values()))  # lines where a field or item starts
    for value_path, value in text_values(item.doc.data):
        first = _value_first_line(item, raw_lines, value_path)
        following = bisect.bisect_right(starts, item.doc.lines.get(value_path) or item.line_of(*value_path))
        last = starts[following] - 1 if following < len(starts) else len(raw_lines)  # before the next field
        one = detect.fold(value, first)
        for hit in text_hits(one, ctx, review):
            if hit.label == meaning.REVIEW:
                end = meaning.sentence_end(one.text, hit.start)
                shown = value if len(value) == len(one.text) else one.text  # as written, when offsets agree
                sentence = re.sub(r"\s*\n\s*", "", shown[hit.start:end]).strip()  # one paragraph's lines, joined
                if ("review", hit.masked) not in seen:
                    seen.add(("review", hit.masked))
                    problems.append(reviews.ReviewProblem(item.path, one.line(hit.start), labels.field_path(value_path),
                                                          hit.message, detect.ERROR, reviews.REVIEW_RULE,
                                                          place=labels.machine_path(value_path),
                                                          digest=hit.masked, sentence=sentence))
                continue
            if any(first - 1 <= at <= last for at in raw_seen.get((hit.label, hit.masked or hit.message), ())):
                continue  # already reported from the raw text, at its exact line
            add(min(one.line(hit.start), last), hit)
    return problems


def _structural(item: Loaded, records: SchoolRecords, ctx: Context) -> list[Problem]:
    """Rules that look at fields, not text: photo consent (8), sensitive attributes (6)."""
    problems = []
    record = item.record
    for index, photo in enumerate(getattr(record, "photos", None) or []):
        faces = getattr(photo.faces, "value", photo.faces)
        why = photos.refusal(photo.consent, faces, records.folder)
        if why:
            where = ("photos", index, "consent") if photo.consent and photo.faces else ("photos", index)
            problems.append(labels.problem(item.path, item.line_of(*where), where, why, Severity.ERROR, "照片"))
            continue
        try:
            photos.prepare(photos.resolve(records.folder, photo.file))
        except photos.PhotoError as exc:
            problems.append(labels.problem(item.path, item.line_of("photos", index, "file"), ("photos", index, "file"),
                                           str(exc), Severity.ERROR, "照片"))
        except OSError:
            problems.append(labels.problem(item.path, item.line_of("photos", index, "file"), ("photos", index, "file"),
                                           "照片文件读不出来", Severity.ERROR, "照片"))
    for index, entry in enumerate(getattr(record, "sensitive", None) or []):
        crossed = detect.qualifier_in(entry.attribute) or next(
            (text for _, _, text in meaning.locators(meaning.simplified(entry.attribute), [])), None)
        if crossed:
            problems.append(labels.problem(item.path, item.line_of("sensitive", index, "attribute"),
                                           ("sensitive", index, "attribute"), detect.redact(
                f"敏感情况只能按全校合计公布，不能按年级、班级或性别分开（这里写了“{crossed}”）"), Severity.ERROR, "敏感信息"))
    return problems


@functools.lru_cache(maxsize=1)
def _code_version() -> str:
    """The gate's own code and the tagger it uses: a change invalidates every cached result."""
    digest = hashlib.sha256(version("jieba").encode())
    for path in sorted(Path(__file__).resolve().parent.glob("*.py")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def dataclasses_replace(hit: detect.Hit, message: str) -> detect.Hit:
    return detect.Hit(hit.start, hit.label, message, hit.severity, hit.masked)


def _contacts(records: SchoolRecords) -> list[Problem]:
    """Rule 3: every declared number must be an institutional line (contacts.py)."""
    problems = []
    staff = tuple(records.school.record.staff_names) if records.school else ()
    for item, path, number, role, kind in school_lines(records):
        verdict = contacts.verdict(number, role, kind, staff)
        if not verdict.ok:
            where = path[:-1] + (("role",) if verdict.field == "role" else path[-1:])
            problems.append(labels.problem(item.path, item.line_of(*where), where, detect.redact(verdict.message),
                                           Severity.ERROR, "电话号码"))
    return problems


def _consent_register(county: County, records: SchoolRecords) -> list[Problem]:
    register = consents.read_consents(records.folder)
    if register.path is None:
        return []
    display = register.path.relative_to(county.root).as_posix() if register.path.is_relative_to(county.root) else register.path.as_posix()
    return [Problem(display, line, "", message, Severity.ERROR, "照片") for line, message in register.problems]


def context_key(ctx: Context, records: SchoolRecords) -> str:
    """Everything besides a record's own text that its text checks read: the register (its files'
    bytes, and the deny-list made from them), k, the declared numbers, staff and place names, the
    site's address, the totals the school publishes (percentages are read against them), and the
    gate's code."""
    digest = hashlib.sha256(f"{GATE_FORMAT}|{_code_version()}".encode())
    for path in register_files(records.folder):
        digest.update(b"register\0" + str(path.relative_to(records.folder)).encode() + b"\0" + path.read_bytes())
    deny = ctx.deny
    parts = [ctx.k, sorted(deny.full_names.items()), sorted(deny.given_names.items()), sorted(deny.ids),
             sorted(deny.phones), sorted(deny.addresses), sorted(deny.allow_words), sorted(ctx.allowed_phones),
             list(ctx.email_domains), list(ctx.staff), list(ctx.known), ctx.site_prefix, ctx.site_host,
             list(ctx.totals), list(ctx.not_names)]
    digest.update(repr(parts).encode())
    return digest.hexdigest()


def _file_key(item: Loaded, county: County, ctx_key: str) -> str:
    raw = (county.root / item.path).read_bytes()
    return hashlib.sha256(ctx_key.encode() + b"\0" + item.path.encode() + b"\0" + raw).hexdigest()


def check_records(county: County, records: SchoolRecords,
                  memo: Optional[MutableMapping[str, list[Problem]]] = None,
                  reviewed: Optional[list] = None) -> list[Problem]:
    """The gate over a school's records, before anything is rendered.

    With `memo`, each record file's text checks (rules 1–7, jieba's tagging included) are looked
    up by a key of its bytes and everything else they read (`context_key`: the register's hash
    among it); an unchanged record with an unchanged register is not scanned again. The
    structural checks (photos, sensitive attributes) always run: they read the photo files.

    Sentences held for review are decided by the school's private/reviews.yml after the memo
    (reviews.resolve), so a decision takes effect without scanning again; `reviewed`, if given,
    receives every such sentence with its decision (reviews.ReviewItem)."""
    ctx = context(county, records)
    ctx_key = context_key(ctx, records) if memo is not None else ""
    problems = list(ctx.register_problems) + _contacts(records) + _consent_register(county, records)
    for item in records.all_records():
        if memo is None:
            problems += _check_file(item, county, ctx)
        else:
            key = _file_key(item, county, ctx_key)
            found = memo.get(key)
            if found is None:
                found = memo[key] = _check_file(item, county, ctx)
            problems += found
        problems += _structural(item, records, ctx)
    problems, items = reviews.resolve(problems, records.folder, records.slug,
                                      records.folder.relative_to(county.root).as_posix()
                                      if records.folder.is_relative_to(county.root) else records.folder.as_posix())
    if reviewed is not None:
        reviewed.extend(items)
    return problems


@dataclass(frozen=True)
class GeneratedText:
    """A sentence the generator writes from a record's words and numbers (site/generated.py), with
    the record's file, line and field it is reported on."""

    path: str
    line: int
    field: str
    text: str


def check_generated(county: County, records: SchoolRecords, texts: Iterable[GeneratedText]) -> list[Problem]:
    """Rules 5–7 (meaning) on the generator's own sentences: each part may pass on its own while
    the sentence they make does not. Never sent to review (the record's words are reviewed)."""
    ctx = context(county, records)
    problems, seen = [], set()
    for generated in texts:
        for hit in meaning.find_text_rules(detect.fold(generated.text).text, ctx.k, (), ctx.totals, review=False):
            key = (generated.path, generated.line, hit.label)
            if key not in seen:
                seen.add(key)
                problems.append(Problem(generated.path, generated.line, generated.field, detect.redact(
                    f"网页和工作总结会把这里的内容和人数连成一句话：{hit.message}"), hit.severity, hit.label))
    return problems


def school_reviews(county: County, records: SchoolRecords) -> list[reviews.ReviewItem]:
    """Every sentence of a school held for review, with its decision, in file and line order."""
    items: list[reviews.ReviewItem] = []
    check_records(county, records, reviewed=items)
    return sorted(items, key=lambda i: (i.path, i.line, i.digest))


@dataclass(frozen=True)
class SchoolReviews:
    """One school's sentences for review as `careportal check` decides them, or why they cannot be
    read (`problems`: the school's records have errors, or the bureau file is missing)."""

    records: SchoolRecords
    items: list[reviews.ReviewItem]
    problems: list[Problem]


def reviews_of(root: Path, slug: str) -> SchoolReviews:
    """Load one school (as check does) and list its sentences for review: what `careportal review`
    and the editor's 待审核 panel show."""
    county = load_county(root, only=[slug])
    records = county.schools[0]
    if not records.ok or county.bureau is None:
        return SchoolReviews(records, [], list(county.problems) + list(records.problems))
    return SchoolReviews(records, school_reviews(county, records), [])


def check_bureau(county: County) -> list[Problem]:
    """The gate over content/bureau.yml: its text is on the county portal and on every school's
    pages, so it is read with every school's deny-list and declared numbers (the portal's
    context), the same rules as a school's records. `careportal check` and `build` both run it."""
    if county.bureau is None:
        return []
    ctx = county_context(county)
    ctx.known = tuple(sorted({*ctx.known, *_bureau_places(county)}))
    return _check_file(county.bureau, county, ctx, review=False)  # no school to review it for


def _bureau_places(county: County) -> list[str]:
    b = county.bureau.record
    return [v for v in (b.name, b.region.province, b.region.city, b.region.county, b.address, b.contact.role) if v]
