"""A report as plain blocks, from records only.

The skeleton is the genre's (domain.md §5.1 and §5.2): 标题, 导语 ending in “现将……如下”,
一、基本情况, 二、组织领导, 三、主要做法 with (一)(二)(三), 四、取得的成效, 五、存在的问题,
六、今后打算, 结语, 落款. Every sentence is filled from a record; where a school kept no record
for a part, the part says so in one line (“未填写”) and nothing is made up. Counts about children
come from `site.views.summary_view` and `participants_text` (the data page's suppression); county
sums go through `privacy.suppression` as the portal's do.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field
from datetime import date
from typing import Callable, Optional, Sequence

from generator.privacy.suppression import COMPLEMENTARY, Cell, cell, county_k, sensitive_cell, total_over_parts
from generator.records import models
from generator.records.load import County, Loaded, SchoolRecords
from generator.site.hans import to_hans
from generator.site.views import (chinese_count, days_text, fulfils, is_upcoming, participants_text, policy_view,
                                  summary_view)

NUMERALS = "一二三四五六七八九十"
SECTIONS = ("基本情况", "组织领导", "主要做法", "取得的成效", "存在的问题", "今后打算")
NOT_KEPT = "本学期没有这方面的记录。"


# ---------------------------------------------------------------------------------------------
# The report as blocks


@dataclass(frozen=True)
class ReportTable:
    caption: str
    header: tuple[str, ...]  # column headings; empty for a two-column label/value table
    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class Block:
    kind: str  # h1 (一、) | h2 (（一）) | p (paragraph) | item (1. / (1) numbered paragraph) | table
    text: str = ""
    table: Optional[ReportTable] = None


@dataclass(frozen=True)
class Report:
    scope: str  # school | county
    term_code: str
    term_text: str
    title: str
    lead: str  # 导语
    blocks: tuple[Block, ...]
    closing: str  # 结语
    signer: str  # 落款: the school or the bureau
    date_text: str  # 2026年1月20日
    date_iso: str
    unit: str  # the institution, for the document's properties (never a person)
    slug: str  # report-2025-2026-1: the page's and the .docx's name on the site
    file_name: str  # what the .docx is saved as: 《…工作总结》.docx
    k: int  # the suppression threshold the figures passed (for the page's note)
    lang: str = "zh-Hans"

    @property
    def headings(self) -> list[str]:
        return [b.text for b in self.blocks if b.kind == "h1"]

    def text_lines(self) -> list[str]:
        """Every line of text in the report, in order (for tests and the page's description)."""
        lines = [self.title, self.lead]
        for b in self.blocks:
            if b.table:
                lines.append(b.table.caption)
                lines += ["\t".join(b.table.header)] if b.table.header else []
                lines += ["\t".join(r) for r in b.table.rows]
            else:
                lines.append(b.text)
        return lines + [self.closing, self.signer, self.date_text]


def converted(report: Report, convert: Callable[[str], str], lang: str) -> Report:
    """The report with its text converted (zh-Hant: site.hant.to_hant); codes and dates unchanged."""
    def text(value):
        if isinstance(value, str):
            return convert(value)
        if isinstance(value, tuple):
            return tuple(text(v) for v in value)
        if isinstance(value, (Block, ReportTable)):
            return dataclasses.replace(value, **{f.name: text(getattr(value, f.name)) for f in dataclasses.fields(value)})
        return value

    keep = {"scope", "term_code", "date_iso", "slug", "k", "lang", "unit"}  # properties name the unit as registered
    changes = {f.name: text(getattr(report, f.name)) for f in dataclasses.fields(report) if f.name not in keep}
    return dataclasses.replace(report, lang=lang, **changes)


def _numeral(index: int) -> str:
    """0 → 一, 1 → 二 … 10 → 十一 (a school with many programmes has more than ten （…） sections)."""
    return NUMERALS[index] if index < len(NUMERALS) else chinese_count(index + 1)


class _Writer:
    """Blocks with the genre's numbering: 一、 → （一） → 1. ; a level restarts under its parent."""

    def __init__(self) -> None:
        self.blocks: list[Block] = []
        self._h1 = 0
        self._h2 = 0
        self._item = 0

    def h1(self, title: str) -> None:
        self.blocks.append(Block("h1", f"{_numeral(self._h1)}、{title}"))
        self._h1 += 1
        self._h2 = self._item = 0

    def h2(self, title: str) -> None:
        self.blocks.append(Block("h2", f"（{_numeral(self._h2)}）{title}"))
        self._h2 += 1
        self._item = 0

    def p(self, text: str) -> None:
        if text:
            self.blocks.append(Block("p", text))

    def item(self, text: str) -> None:
        self._item += 1
        self.blocks.append(Block("item", f"{self._item}.{text}"))

    def items(self, texts: Sequence[str], empty: str = NOT_KEPT) -> None:
        if not texts:
            self.p(empty)
        for t in texts:
            self.item(t)

    def table(self, caption: str, rows: Sequence[Sequence[str]], header: Sequence[str] = ()) -> None:
        if rows:
            self.blocks.append(Block("table", table=ReportTable(caption, tuple(header), tuple(tuple(r) for r in rows))))


def _end(text: str) -> str:
    """A sentence from a record, ending in one full stop."""
    text = text.strip()
    return text if text.endswith(("。", "！", "？", "；", "”", "）")) else text + "。"


def _quoted(title: str) -> str:
    """A title in “…”: quotes inside it become ‘…’, as Chinese nests them."""
    return "“" + title.replace("“", "‘").replace("”", "’") + "”"


def _day(when: models.PartialDate) -> str:
    return f"{when.month}月{when.day}日" if when.day else f"{when.month}月"


def file_name(title: str) -> str:
    """A .docx file name from a title: characters Windows or a browser's download refuses become
    “_”, and it is kept short enough for any file system."""
    cleaned = re.sub(r'[\\/:*?"<>|\x00-\x1f\x7f]', "_", title).strip(" .") or "report"
    return cleaned[:80] + ".docx"


def report_date(when: date) -> tuple[str, str]:
    return f"{when.year}年{when.month}月{when.day}日", when.isoformat()


# ---------------------------------------------------------------------------------------------
# A school's 工作总结

# How each kind of activity is counted in a sentence.
UNITS = {
    models.ActivityKind.CLASS_MEETING: "次", models.ActivityKind.SAFETY_TALK: "场", models.ActivityKind.HOME_VISIT: "次",
    models.ActivityKind.FAMILY_CALL: "次", models.ActivityKind.LETTERS: "次", models.ActivityKind.SPORTS_ARTS: "次",
    models.ActivityKind.FESTIVAL: "次", models.ActivityKind.MENTAL_HEALTH: "次", models.ActivityKind.PARENT_MEETING: "次",
    models.ActivityKind.VOLUNTEER: "次", models.ActivityKind.DONATION: "次", models.ActivityKind.HEALTH_CHECK: "次",
    models.ActivityKind.OTHER: "项",
}
KIND_LABEL = {models.ActivityKind.OTHER: "其他关爱活动"}

# Which of the data page's tables goes to which section (titles are views.summary_view's).
PROGRAMME_TABLE = "关爱工作开展情况"
DONATION_TABLE = "捐赠资助"


def report_terms(records: SchoolRecords) -> list[models.Term]:
    """The terms a school can report on: those with a term summary, newest first."""
    return sorted({s.record.term for s in records.summaries}, reverse=True)


@dataclass(frozen=True)
class Period:
    """What a school report covers: one term, or a school year (both its terms)."""

    code: str  # 2025-2026-1 or 2025-2026
    text: str  # 2025—2026学年第一学期 or 2025—2026学年
    terms: tuple[models.Term, ...]
    word: str  # 本学期 / 本学年


def term_period(term: models.Term) -> Period:
    return Period(term.code, term.chinese(), (term,), "本学期")


def year_period(start_year: int) -> Period:
    return Period(f"{start_year}-{start_year + 1}", f"{start_year}—{start_year + 1}学年",
                  (models.Term(start_year, 1), models.Term(start_year, 2)), "本学年")


def term_activities(records: SchoolRecords, term: models.Term | Period, today: date) -> list[Loaded[models.Activity]]:
    """The term's (or period's) activities that have taken place by `today`, in date order."""
    terms = term.terms if isinstance(term, Period) else (term,)
    done = [a for a in records.activities if a.record.term in terms and not is_upcoming(a.record.date, today)]
    return sorted(done, key=lambda a: (a.record.date.sort_key, a.slug))


def school_report_date(records: SchoolRecords, term: models.Term | Period, today: date) -> date:
    """The date a published report carries: the day of the term's last activity held by `today`,
    else the school's own 更新 date, else `today` (so the page changes only when records do)."""
    days = [a.record.date.first_day for a in term_activities(records, term, today) if a.record.date.day]
    if days:
        return max(days)
    school = records.school.record if records.school else None
    return school.updated if school and school.updated and school.updated <= today else today


def _summary(records: SchoolRecords, term: models.Term) -> Optional[Loaded[models.TermSummary]]:
    return next((s for s in records.summaries if s.record.term == term), None)


def _unique(lists) -> list:
    seen: list = []
    for values in lists:
        seen += [v for v in values if v not in seen]
    return seen


def period_summary(records: SchoolRecords, period: Period) -> Optional[Loaded[models.TermSummary]]:
    """The period's summary: a term's own; for a school year, the latest term's head counts, rates
    and programme stock (pairs, 爱心妈妈), the terms' event counts and donations added up, and their
    highlights, problems and next steps in order. Aid recipients are not added across terms (the
    same children may be counted twice), so a year shows none."""
    items = sorted((s for s in records.summaries if s.record.term in period.terms), key=lambda s: s.record.term)
    if len(items) <= 1:
        return items[0] if items else None
    latest = items[-1]
    terms = [i.record for i in items]

    def added(values) -> Optional[float]:
        known = [v for v in values if v is not None]
        return sum(known) if known else None

    programme = latest.record.programme.model_copy(update={
        name: added(getattr(t.programme, name) for t in terms)
        for name in ("home_visits", "talks", "family_calls", "lectures", "lecture_audience")})
    donations = latest.record.donations.model_copy(update={
        "amount_yuan": added(t.donations.amount_yuan for t in terms), "recipients": None,
        "items": _unique(t.donations.items for t in terms), "donors": _unique(t.donations.donors for t in terms)})
    merged = latest.record.model_copy(update={
        "programme": programme, "donations": donations, "highlights": _unique(t.highlights for t in terms),
        "problems": _unique(t.problems for t in terms), "next_steps": _unique(t.next_steps for t in terms)})
    return dataclasses.replace(latest, record=merged)


def _basic_sentence(rows: dict[str, str]) -> str:
    def said(label: str, value: str) -> str:
        return f"{label}人数不公布" if value == "不公布" else f"{label}{value}"

    parts = []
    if "在校学生" in rows:
        parts.append(said("在校学生", rows["在校学生"]))
    lb = said("留守儿童", rows["留守儿童"])
    if "其中父母双方外出" in rows:
        lb += f"（其中父母双方外出{rows['其中父母双方外出']}、父母一方外出{rows['其中父母一方外出']}）".replace("外出不公布", "外出人数不公布")
    parts.append(lb)
    if "随迁子女" in rows:
        parts.append(said("随迁子女", rows["随迁子女"]))
    return "全校" + "，".join(parts) + "。"


def _leading_group(w: _Writer, school: models.School) -> None:
    group = school.leading_group
    if group is None:
        w.p("学校的领导小组情况未填写。")
        return
    named = set(school.staff_names)

    def who(m: models.LeadingGroupMember) -> str:
        return m.position + (m.name if m.name and m.name in named else "")

    by_role: dict[str, list[str]] = {}
    for m in group.members:
        by_role.setdefault(m.role, []).append(who(m))
    roles = "，".join(f"{'、'.join(people)}任{role}" if role != "成员" else f"{'、'.join(people)}为成员"
                     for role, people in by_role.items())
    w.p(f"学校成立了{group.name}，{roles}。" + (_end(group.meets) if group.meets else ""))
    w.items([f"{m.role}（{who(m)}）：{_end(m.duty)}" for m in group.members if m.duty], empty="")


def _policies(w: _Writer, records: SchoolRecords) -> None:
    w.h2("健全关爱制度")
    if not records.policies:
        w.p("学校的关爱制度未填写。")
        return
    names = "、".join(_quoted(p.record.name) for p in records.policies)
    w.p(f"学校建立了{names}等{chinese_count(len(records.policies))}项关爱制度。")
    for item in records.policies:
        v = policy_view(item)
        text = f"{v.name}。{_end(v.summary)}" + "".join(v.duties)
        if v.instrument:
            text += f"工作情况记入{v.instrument}。"
        w.item(text)


def _hours(r: models.Resource) -> str:
    slots = [f"{days_text(h.days)}{h.start}—{h.end}" + (f"（{h.note}）" if h.note else "") for h in r.hours]
    text = "开放时间为" + "，".join(slots) if slots else ""
    if r.hours_note:
        text += ("，" if text else "") + r.hours_note
    return _end(text) if text else ""


def _resources(w: _Writer, records: SchoolRecords) -> None:
    w.h2("加强关爱阵地建设")
    if not records.resources:
        w.p("学校的关爱阵地未填写。")
        return
    homes = [r.record for r in records.resources if r.record.kind is models.ResourceKind.CARE_HOME]
    others = [r.record for r in records.resources if r.record.kind is not models.ResourceKind.CARE_HOME]
    for r in homes + others:
        equipment = "、".join(f"{e.item}{e.quantity if e.quantity is not None else ''}" for e in r.equipment)
        text = f"{r.name}（{r.kind.value}{'，' + r.tier.value if r.tier else ''}），位于{r.location}。"
        if r.intro:
            text += _end(r.intro)
        if equipment:
            text += f"配有{equipment}。"
        w.item(text + _hours(r))


def _by_kind(activities: Sequence[models.Activity]) -> list[tuple[models.ActivityKind, list[models.Activity]]]:
    groups: dict[models.ActivityKind, list[models.Activity]] = {}
    for a in activities:
        groups.setdefault(a.kind, []).append(a)
    return [(kind, groups[kind]) for kind in models.ActivityKind if kind in groups]


def _counted(kind: models.ActivityKind, items: Sequence[models.Activity],
             other: str = KIND_LABEL[models.ActivityKind.OTHER]) -> str:
    """安全教育讲座2场 / 其他关爱活动1项 (`other` names the kind 其他)."""
    return f"{other if kind is models.ActivityKind.OTHER else kind.value}{len(items)}{UNITS[kind]}"


def _named(items: Sequence[models.Activity], k: int) -> str:
    """11月12日“冬季安全教育讲座”（约900人）；9月“爱心月”（60余人）: dates as written (a month stays a month)."""
    named = []
    for a in items:
        who = participants_text(a.participants, k)
        named.append(f"{_day(a.date)}{_quoted(a.title)}" + (f"（{who}）" if who else ""))
    return "；".join(named)


def _activities(w: _Writer, activities: list[Loaded[models.Activity]], k: int, word: str = "本学期",
                listed: Sequence[Loaded[models.Activity]] = (), programmes: str = "") -> None:
    """Every activity counted; those `listed` under the programmes above (`programmes`: their
    names) are not listed again."""
    w.h2("开展其他关爱活动" if listed else "开展关爱活动")
    if not activities:
        w.p(NOT_KEPT)
        return
    counts = "、".join(_counted(kind, items) for kind, items in _by_kind([a.record for a in activities]))
    known = [a.record.participants for a in activities if a.record.participants is not None]
    sentence = f"{word}共开展关爱活动{len(activities)}项，其中{counts}"
    total = total_over_parts([p.count for p in known], k, "人次")
    if total is not None and not total.suppressed:
        about = "约" if any(p.qualifier for p in known) or len(known) < len(activities) else ""
        sentence += f"，有记录的参加人数合计{about}{total.text}"
    rest = [a for a in activities if all(a is not b for b in listed)]
    if listed:
        sentence += f"。除上述{programmes}中的{len(listed)}项外，" + ("其他活动如下：" if rest else "没有其他活动")
    w.p(sentence if sentence.endswith("：") else sentence + "。")
    for kind, items in _by_kind([a.record for a in rest]):
        w.item(f"{_counted(kind, items)}：{_named(items, k)}。")


def _programme_groups(records: SchoolRecords, activities: list[Loaded[models.Activity]]
                      ) -> list[tuple[models.Programme, list[tuple[Loaded[models.Activity], Optional[int]]]]]:
    """The programmes (the school's own first, then the county's) that the period's activities
    fulfil, each with those activities and the part each names."""
    found: dict[int, list[tuple[Loaded[models.Activity], Optional[int]]]] = {}
    for a in activities:
        link = fulfils(records, a.record)
        if link is not None:
            found.setdefault(id(link[0]), []).append((a, link[1]))
    return [(p.record, found[id(p)]) for p in records.programmes + records.county_programmes if id(p) in found]


def _programme(w: _Writer, programme: models.Programme, done: list[tuple[Loaded[models.Activity], Optional[int]]],
               k: int, word: str) -> None:
    """（三）落实“九个一”: what the programme is, then each numbered part with what was done under it
    in the period (the item's number is the part's own)."""
    w.h2(f"落实{_quoted(programme.name)}")
    parts_done = {n for _, n in done if n}
    w.p(f"{_quoted(programme.name)}" + (f"（{programme.by}提出）" if programme.by else "") + f"：{_end(programme.summary)}"
        + f"{word}落实其中{len(parts_done)}条，开展相关活动{len(done)}项。")
    for number, part in enumerate(programme.parts, start=1):
        text = part.title + (f"（{part.cadence}）" if part.cadence else "") + "。"
        items = [a.record for a, n in done if n == number]
        if items:
            counts = "、".join(_counted(kind, group, other="相关活动") for kind, group in _by_kind(items))
            text += f"{word}开展{counts}：{_named(items, k)}。"
        else:
            text += f"{word}没有这一条的活动记录。"
        w.item(text)
    unplaced = [a.record for a, n in done if not n]
    if unplaced:
        w.p(f"另有{len(unplaced)}项活动注明属于{_quoted(programme.name)}，未写明第几条：{_named(unplaced, k)}。")


def _table_rows(table) -> list[tuple[str, str]]:
    return [(row.label, row.value) for row in table.rows]


def school_report(county: County, records: SchoolRecords, term: models.Term | Period, today: date,
                  when: Optional[date] = None) -> Report:
    """The school's 工作总结 for a term (or a school year, `year_period`). `when` is the date it is
    signed (default: the date of the period's last activity, see `school_report_date`)."""
    period = term if isinstance(term, Period) else term_period(term)
    k = county_k(county)
    school = records.school.record
    summary_item = period_summary(records, period)
    view = summary_view(summary_item, k) if summary_item else None
    summary = summary_item.record if summary_item else None
    tables = {t.title.split("（")[0]: t for t in view.tables} if view else {}
    w = _Writer()

    w.h1(SECTIONS[0])
    if view:
        basic = dict(_table_rows(tables["基本情况"]))
        latest = summary_item.record.term
        counted = "" if len(period.terms) == 1 else f"（按{latest.chinese()}统计）"
        w.p(period.word + counted + _basic_sentence(basic))
        rates = tables.get("入学与建档")
        if rates:
            w.p("，".join(f"{label}{value}" for label, value in _table_rows(rates)) + "。")
        for title in ("基本情况", "留守儿童分学段人数", "入学与建档", "专项关爱"):
            if title in tables:
                w.table(tables[title].title, _table_rows(tables[title]))
    else:
        files = "、".join(f"summaries/{t.code}.yml" for t in period.terms)
        w.p(f"{period.word}的学期统计（{files}）未填写，基本数据暂缺。")

    w.h1(SECTIONS[1])
    _leading_group(w, school)

    w.h1(SECTIONS[2])
    _policies(w, records)
    _resources(w, records)
    held = term_activities(records, period, today)
    groups = _programme_groups(records, held)
    for programme, done in groups:
        _programme(w, programme, done, k, period.word)
    _activities(w, held, k, period.word, listed=[a for _, done in groups for a, _ in done],
                programmes="、".join(_quoted(p.name) for p, _ in groups))
    if PROGRAMME_TABLE in tables:
        w.h2("落实结对帮扶和家校联系")
        rows = _table_rows(tables[PROGRAMME_TABLE])
        w.p(period.word + "，".join(f"{label.split('（')[0]}{value}" for label, value in rows) + "。")
        w.table(tables[PROGRAMME_TABLE].title, rows)
    if DONATION_TABLE in tables:
        w.h2("争取社会资助")
        rows = _table_rows(tables[DONATION_TABLE])
        w.p(period.word + "，".join(f"{label}{value}" for label, value in rows) + "。")
        w.table(tables[DONATION_TABLE].title, rows)

    for title, texts in ((SECTIONS[3], summary.highlights if summary else []),
                         (SECTIONS[4], summary.problems if summary else []),
                         (SECTIONS[5], summary.next_steps if summary else [])):
        w.h1(title)
        w.items([_end(t) for t in texts], empty="学期总结中未填写。")

    when = when or school_report_date(records, period, today)
    date_text, date_iso = report_date(when)
    lead = (_end(school.intro) if school.intro else "") + f"现将我校{period.text}关爱留守儿童工作总结如下。"
    title = f"{school.name}{period.text}关爱留守儿童工作总结"
    return converted(Report(
        scope="school", term_code=period.code, term_text=period.text, title=title, lead=lead, blocks=tuple(w.blocks),
        closing=f"以上是我校{period.text}关爱留守儿童工作的总结，不足之处，我们将在今后的工作中改进。",
        signer=school.name, date_text=date_text, date_iso=date_iso, unit=school.name, slug=f"report-{period.code}",
        file_name=file_name(title), k=k,
    ), to_hans, "zh-Hans")  # text pasted from a Traditional document reads Simplified, as on the site


# ---------------------------------------------------------------------------------------------
# What a school contributes to the county's 工作情况汇报


@dataclass(frozen=True)
class TermPart:
    term: str
    has_summary: bool
    students: Optional[int] = None
    left_behind: Optional[int] = None
    migrant: Optional[int] = None
    lectures: Optional[int] = None
    lecture_audience: Optional[int] = None
    donation_yuan: Optional[float] = None
    recipients: Optional[int] = None
    activities: tuple[tuple[str, int], ...] = ()  # (kind, count), held by the build date
    highlights: tuple[str, ...] = ()
    problems: tuple[str, ...] = ()
    next_steps: tuple[str, ...] = ()


@dataclass(frozen=True)
class SchoolPart:
    slug: str
    name: str
    kind: str
    township: str
    has_group: bool
    policies: tuple[str, ...]  # categories
    resources: tuple[tuple[str, str], ...]  # (kind, tier or "")
    terms: tuple[TermPart, ...] = field(default_factory=tuple)

    def term(self, code: str) -> Optional[TermPart]:
        return next((t for t in self.terms if t.term == code), None)


def school_part(records: SchoolRecords, today: date) -> SchoolPart:
    """The school's figures as the county report sums them (raw counts: kept in the build cache
    outside the published tree, suppressed when the county report is written)."""
    school = records.school.record
    codes = sorted({s.record.term for s in records.summaries} | {a.record.term for a in records.activities})
    terms = []
    for term in codes:
        item = _summary(records, term)
        done = term_activities(records, term, today)
        kinds = [(kind.value, sum(1 for a in done if a.record.kind is kind)) for kind in models.ActivityKind]
        base = TermPart(term.code, item is not None, activities=tuple((kd, n) for kd, n in kinds if n))
        if item:
            s = item.record
            base = dataclasses.replace(
                base, students=s.students_total, left_behind=s.left_behind.total, migrant=s.migrant_total,
                lectures=s.programme.lectures, lecture_audience=s.programme.lecture_audience,
                donation_yuan=s.donations.amount_yuan, recipients=s.donations.recipients,
                highlights=tuple(s.highlights), problems=tuple(s.problems), next_steps=tuple(s.next_steps))
        terms.append(base)
    return SchoolPart(
        slug=records.slug, name=school.name, kind=school.kind.value, township=school.township,
        has_group=school.leading_group is not None, policies=tuple(p.record.category.value for p in records.policies),
        resources=tuple((r.record.kind.value, r.record.tier.value if r.record.tier else "") for r in records.resources),
        terms=tuple(terms),
    )


def county_terms(parts: Sequence[SchoolPart]) -> list[models.Term]:
    """Terms for which at least one school has a term summary, newest first."""
    return sorted({models.to_term(t.term) for p in parts for t in p.terms if t.has_summary}, reverse=True)


def _withheld_if_one_hidden(cells: Sequence[Cell], total: Cell) -> Cell:
    """A sum of parts published one by one elsewhere: withheld when exactly one part is hidden,
    which the sum minus the others would reveal (as suppression.total_over_parts does)."""
    if sum(1 for c in cells if c.suppressed) == 1:
        return dataclasses.replace(total, suppressed=True, reason=COMPLEMENTARY)
    return total


def _number(value: float) -> str:
    return f"{value:,.0f}"


def county_report(bureau: models.Bureau, parts: Sequence[SchoolPart], term: models.Term, k: int,
                  when: date) -> Report:
    """The county's 工作情况汇报 for `term`, summed over the schools' parts."""
    code = term.code
    schools = sorted((p for p in parts if p.term(code)), key=lambda p: (p.township, p.name))
    reported = [p for p in schools if p.term(code).has_summary]
    kinds = [kd.value for kd in models.SchoolKind]
    w = _Writer()

    w.h1(SECTIONS[0])
    by_kind = {kd: sum(1 for p in parts if p.kind == kd) for kd in kinds}
    kind_text = "、".join(f"{kd}{n}所" for kd, n in by_kind.items() if n)
    sentence = f"全县纳入本平台的学校共{len(parts)}所（{kind_text}），本学期有{len(reported)}所学校填报了学期统计"
    figures = []
    rows = []
    for label, attr in (("在校学生", "students"), ("留守儿童", "left_behind"), ("随迁子女", "migrant")):
        total = total_over_parts([getattr(p.term(code), attr) for p in reported], k)
        if total is None:
            continue
        shown = "不公布" if total.suppressed and total.reason != "small" else total.text
        figures.append(f"{label}{shown}" if shown != "不公布" else f"{label}合计不公布")
        rows.append((label, shown))
    w.p(sentence + ("，合计" + "，".join(figures) if figures else "") + "。")
    table = []
    for p in reported:
        t = p.term(code)
        table.append((p.name, p.township, *(cell(v, k).text if v is not None else "—" for v in (t.students, t.left_behind, t.migrant))))
    if table:
        table.append(("合计", "", *[dict(rows).get(label, "—") for label in ("在校学生", "留守儿童", "随迁子女")]))
    w.table("各校基本情况", table, ("学校", "乡镇", "在校学生", "留守儿童", "随迁子女"))

    w.h1(SECTIONS[1])
    groups = sum(1 for p in parts if p.has_group)
    w.p(f"全县{len(parts)}所学校中，{groups}所成立了关爱留守儿童工作领导小组。")
    categories = [c.value for c in models.PolicyCategory]
    counted = {c: sum(p.policies.count(c) for p in parts) for c in categories}
    total_policies = sum(counted.values())
    if total_policies:
        w.p(f"各校共建立关爱制度{total_policies}项，其中" + "、".join(f"{c}{n}项" for c, n in counted.items() if n) + "。")

    w.h1(SECTIONS[2])
    w.h2("关爱阵地建设")
    resources = [r for p in parts for r in p.resources]
    homes = [tier for kind, tier in resources if kind == models.ResourceKind.CARE_HOME.value]
    if resources:
        tiers = "、".join(f"{t.value}{homes.count(t.value)}个" for t in models.CareHomeTier if homes.count(t.value))
        others = [(kd.value, sum(1 for kind, _ in resources if kind == kd.value)) for kd in models.ResourceKind
                  if kd is not models.ResourceKind.CARE_HOME]
        text = f"全县学校共建有留守儿童之家{len(homes)}个" + (f"（其中{tiers}）" if tiers else "")
        more = "、".join(f"{kind}{n}个" for kind, n in others if n)
        w.p(text + (f"，另有{more}" if more else "") + "。")
    else:
        w.p("各校的关爱阵地未填写。")

    w.h2("关爱活动")
    per_school = [(p, dict(p.term(code).activities)) for p in schools]
    all_kinds = {kd.value: sum(acts.get(kd.value, 0) for _, acts in per_school) for kd in models.ActivityKind}
    total_acts = sum(all_kinds.values())
    if total_acts:
        w.p(f"本学期{len([1 for _, a in per_school if a])}所学校共开展关爱活动{total_acts}项，其中"
            + "、".join(f"{KIND_LABEL.get(models.ActivityKind(kd), kd)}{n}{UNITS[models.ActivityKind(kd)]}"
                        for kd, n in all_kinds.items() if n) + "。")
        w.table("各校本学期关爱活动", [
            (p.name, str(sum(acts.values())), "、".join(f"{kd}{n}" for kd, n in acts.items()))
            for p, acts in per_school], ("学校", "活动（项）", "其中"))
    else:
        w.p(NOT_KEPT)

    lectures = [p.term(code).lectures for p in reported if p.term(code).lectures is not None]
    audience = [p.term(code).lecture_audience for p in reported if p.term(code).lecture_audience is not None]
    if lectures or audience:
        w.h2("专题讲座")
        text = f"各校共举办专题讲座{sum(lectures)}场" if lectures else "各校"
        if audience:
            text += f"，受众{sum(audience)}人次"
        w.p(text + "。")

    money = [p.term(code).donation_yuan for p in reported if p.term(code).donation_yuan is not None]
    recipients = [(p.term(code).recipients, p.term(code).students) for p in reported if p.term(code).recipients is not None]
    if money or recipients:
        w.h2("社会资助")
        text = f"各校共接受捐助资金{_number(sum(money))}元" if money else "各校"
        if recipients:
            cells = [sensitive_cell(n, students, k) for n, students in recipients]
            students = [s for _, s in recipients]
            total = sensitive_cell(sum(n for n, _ in recipients), sum(students) if None not in students else None, k)
            total = _withheld_if_one_hidden(cells, total)
            text += "，受助学生人数不公布" if total.suppressed else f"，资助学生{total.text}"
        w.p(text + "。")

    w.h1(SECTIONS[3])
    towns: dict[str, list[SchoolPart]] = {}
    for p in reported:
        if p.term(code).highlights:
            towns.setdefault(p.township, []).append(p)
    if not towns:
        w.p("各校学期总结中未填写。")
    for town, members in towns.items():
        w.h2(town)
        for p in members:
            w.p(f"{p.name}：" + "".join(_end(h) for h in p.term(code).highlights))

    for title, attr in ((SECTIONS[4], "problems"), (SECTIONS[5], "next_steps")):
        w.h1(title)
        w.items([f"{_end(text)[:-1]}（{p.name}）。" for p in reported for text in getattr(p.term(code), attr)],
                empty="各校学期总结中未填写。")

    date_text, date_iso = report_date(when)
    place = bureau.region.county
    title = f"{place}{term.chinese()}关爱留守儿童工作情况汇报"
    return converted(Report(
        scope="county", term_code=code, term_text=term.chinese(), title=title,
        lead=f"现将{place}{term.chinese()}关爱农村留守儿童和随迁子女工作情况汇报如下。",
        blocks=tuple(w.blocks),
        closing=f"以上是{place}{term.chinese()}关爱留守儿童工作情况，数据汇总自各校在本平台填报的学期统计和活动记录。",
        signer=bureau.name, date_text=date_text, date_iso=date_iso, unit=bureau.name, slug=f"report-{code}",
        file_name=file_name(title), k=k,
    ), to_hans, "zh-Hans")  # text pasted from a Traditional document reads Simplified, as on the site
