"""Public view models: the only thing page templates see.

Built from validated records, with every count about children already passed through
small-cell suppression, every phone turned into a `tel:` link, and every body rendered to
sanitised HTML. Templates only lay these out; they make no decisions of their own.
"""

from __future__ import annotations

import dataclasses

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Optional

from markupsafe import Markup

from generator.records import models, phrasing
from generator.privacy.photos import PhotoView, photo_views
from generator.records.load import County, Loaded, SchoolRecords
from generator.site import urls
from generator.site.richtext import to_html
from generator.privacy.suppression import Cell, cell, cells_with_total, county_k, sensitive_cell, total_over_parts
from generator.site.theme_values import theme_text

CN_DIGITS = "零一二三四五六七八九十"


def chinese_count(n: int) -> str:
    """1 → 一, 2 → 两, 12 → 十二 (for cadence sentences)."""
    if n == 2:
        return "两"
    if n <= 10:
        return CN_DIGITS[n]
    if n < 20:
        return "十" + (CN_DIGITS[n - 10] if n > 10 else "")
    if n < 100:
        return CN_DIGITS[n // 10] + "十" + (CN_DIGITS[n % 10] if n % 10 else "")
    return str(n)


def nav_title(text: str) -> str:
    """A page title for MkDocs' own templates, which print titles unescaped, escaped and
    through `striptags`: made safe for all of them by `theme_values.theme_text`."""
    return theme_text(text)


def tel_uri(phone: str) -> str:
    return "tel:" + re.sub(r"[^\d+]", "", phone)


def days_text(days: list[models.Weekday]) -> str:
    """[周一…周五] → 周一至周五; [周一, 周三] → 周一、周三."""
    indexes = sorted({d.index for d in days})
    names = [d.value for d in models.Weekday]
    if len(indexes) == 7:
        return "每天"
    if len(indexes) > 2 and indexes == list(range(indexes[0], indexes[-1] + 1)):
        return f"{names[indexes[0]]}至{names[indexes[-1]]}"
    return "、".join(names[i] for i in indexes)


@dataclass(frozen=True)
class HoursRow:
    days: str
    start: str  # "" when only a period is known
    end: str
    note: Optional[str]
    weekdays: tuple[int, ...]  # 0 = Monday, for the "open today" hint
    period: Optional[str] = None  # 中午 / 下午课后

    @property
    def day_groups(self) -> tuple[str, ...]:
        """The days in pieces a line may not break inside: 周一至周五 | 周六、周日 → 周六 | 周日."""
        return tuple(self.days.split("、"))

    @property
    def when(self) -> str:
        """12:00—13:30; 中午（具体时间见公告）; 中午 12:00—13:30."""
        times = f"{self.start}—{self.end}" if self.start else ""
        if self.period and not times:
            return f"{self.period}（具体时间见公告）"
        return f"{self.period} {times}" if self.period else times


def hours_rows(hours: list[models.WeeklyHours]) -> list[HoursRow]:
    return [HoursRow(days_text(h.days), str(h.start) if h.start else "", str(h.end) if h.end else "", h.note,
                     tuple(sorted({d.index for d in h.days})), h.period)
            for h in hours]


@dataclass(frozen=True)
class DayHours:
    """One day of the week and its opening times, for the “open today” list (0 = Monday)."""

    index: int
    name: str
    slots: list[str]  # "12:00—13:30", "18:00—20:00（亲情通话时段）"; empty when closed


def _period_start(period: Optional[str]) -> str:
    """Where a period without clock times goes in a day's list (中午 before 下午课后)."""
    return next((start for word, start in sorted(phrasing.PERIOD_STARTS.items(), key=lambda i: -len(i[0]))
                 if period and period.startswith(word)), "99")


def week_of(rows: list[HoursRow]) -> list[DayHours]:
    names = [d.value for d in models.Weekday]
    week = []
    for index, name in enumerate(names):
        slots = sorted((r.start or _period_start(r.period), r.when, r.note or "") for r in rows if index in r.weekdays)
        week.append(DayHours(index, name, [w + (f"（{n}）" if n else "") for _, w, n in slots]))
    return week


@dataclass(frozen=True)
class ContactView:
    role: str
    phone: str
    tel: str
    hours: Optional[str] = None
    note: Optional[str] = None


def contact_view(contact: models.Contact) -> ContactView:
    return ContactView(contact.role, contact.phone, tel_uri(contact.phone), contact.hours, contact.note)


@dataclass(frozen=True)
class FamilyPhoneView:
    number: str
    tel: str
    hours: list[HoursRow]
    location: Optional[str]
    note: Optional[str]

    @property
    def week(self) -> list[DayHours]:
        return week_of(self.hours)


@dataclass(frozen=True)
class ProgrammeLink:
    """Which programme (and part) an activity fulfils, for its page."""

    name: str
    path: Optional[str]  # the programme's page, when the programme has a record
    part: Optional[int] = None
    part_title: Optional[str] = None

    @property
    def text(self) -> str:
        return f"{self.name} · 第{self.part}条：{self.part_title}" if self.part else self.name


@dataclass(frozen=True)
class ActivityView:
    slug: str
    title: str
    nav_title: str
    date: models.PartialDate
    date_text: str  # 2026年10月1日至7日 for an activity over several days
    date_iso: str
    time: Optional[str]
    location: Optional[str]
    kind: str
    kind_slug: str
    term_text: str
    participants: Optional[str]
    organizer: Optional[str]
    partners: list[str]
    programme: Optional[str]
    summary: str
    body_html: Markup
    path: str
    upcoming: bool
    photos: tuple[PhotoView, ...] = ()  # only photos with consent and faces (photos.photo_views)
    end: Optional[models.PartialDate] = None  # the last day of an activity over several days
    programme_link: Optional[ProgrammeLink] = None
    term_code: str = ""

    @property
    def end_iso(self) -> Optional[str]:
        return self.end.iso() if self.end else None


def participants_text(p: Optional[models.Participants], k: int) -> Optional[str]:
    if p is None:
        return None
    published = cell(p.count, k)
    if published.suppressed:
        text = published.text
    else:
        unit = p.unit.value if p.unit else "人"
        if p.qualifier is models.Qualifier.ABOUT:
            text = f"约{p.count}{unit}"
        elif p.qualifier:
            text = f"{p.count}{p.qualifier.value}{unit}"
        else:
            text = f"{p.count}{unit}"
    return f"{p.group}{text}" if p.group else text


def is_upcoming(when: models.PartialDate, today: date, end: Optional[models.PartialDate] = None) -> bool:
    """Still ahead, or (over several days) still going on."""
    if end is not None and end.day is not None:
        return end.first_day >= today
    if when.day is None:
        return (when.year, when.month) > (today.year, today.month)
    return when.first_day >= today


def activity_view(item: Loaded[models.Activity], k: int, today: date, folder: Optional[Path] = None,
                  programme: Optional[ProgrammeLink] = None) -> ActivityView:
    a = item.record
    end = a.end_date if a.end_date is not None and a.end_date != a.date else None
    return ActivityView(
        slug=item.slug, title=a.title, nav_title=nav_title(a.title), date=a.date,
        date_text=models.date_range_text(a.date, end), date_iso=a.date.iso(), time=str(a.time) if a.time else None,
        location=a.location, kind=a.kind.value,
        kind_slug=a.kind.slug, term_text=a.term.chinese(), participants=participants_text(a.participants, k),
        organizer=a.organizer, partners=list(a.partners), programme=a.programme, summary=a.summary,
        body_html=to_html(a.body), path=urls.activity(item.slug).url, upcoming=is_upcoming(a.date, today, end),
        photos=photo_views(folder, a.photos) if folder is not None else (), end=end,
        programme_link=programme or (ProgrammeLink(a.programme, None) if a.programme else None), term_code=a.term.code,
    )


@dataclass(frozen=True)
class PolicyView:
    slug: str
    name: str
    nav_title: str
    category: str
    summary: str
    responsible_role: str
    duties: tuple[str, ...]  # one sentence per duty
    instrument: Optional[str]
    body_html: Markup
    path: str


def duty_sentence(role: str, d: models.Duty) -> str:
    """One duty as a sentence, its subject kept (`who`, else the policy's responsible role):
    班主任每月至少与每名留守儿童谈心一次，在期初、期末进行。 学校督促家长每两周与孩子通电话一次。
    班主任经常与留守儿童谈心。 A range reads 一至两次; "至少" only when the record says so."""
    subject = (d.who or role) + (d.through or "")
    if d.frequency is not None:
        sentence = f"{subject}{d.frequency.value}{d.action}"
    elif d.count_max is not None:
        sentence = f"{subject}每{d.per.value}{d.action}{chinese_count(d.count)}至{chinese_count(d.count_max)}次"
    else:
        sentence = f"{subject}每{d.per.value}{'至少' if d.at_least else ''}{d.action}{chinese_count(d.count)}次"
    if d.windows:
        sentence += f"，在{'、'.join(w.value for w in d.windows)}进行"
    return sentence + "。"


def policy_view(item: Loaded[models.Policy]) -> PolicyView:
    p = item.record
    return PolicyView(
        slug=item.slug, name=p.name, nav_title=nav_title(p.name), category=p.category.value, summary=p.summary,
        responsible_role=p.responsible_role,
        duties=tuple(duty_sentence(p.responsible_role, d) for d in p.all_duties),
        instrument=p.instrument, body_html=to_html(p.body), path=urls.policy(item.slug).url,
    )


@dataclass(frozen=True)
class LetterView:
    slug: str
    title: str
    nav_title: str
    date_text: str
    date_iso: str
    audience: str  # 外出务工家长、临时监护人
    greeting: Optional[str]
    body_html: Markup
    asks: list[str]
    signed: str
    path: str
    qr: Optional[str]  # the QR code image (to this letter's public address), beside the page

    @property
    def description(self) -> str:
        return f"{self.signed}{self.date_text}致{self.audience}的信"


def letter_view(item: Loaded[models.Letter], site_url: Optional[str]) -> LetterView:
    r = item.record
    return LetterView(
        slug=item.slug, title=r.title, nav_title=nav_title(r.title),
        date_text=f"{r.date.year}年{r.date.month}月{r.date.day}日", date_iso=r.date.isoformat(),
        audience="、".join(a.value for a in r.audience), greeting=r.greeting, body_html=to_html(r.body),
        asks=list(r.asks), signed=r.signed, path=urls.letter(item.slug).url,
        qr=f"letters/{item.slug}.qr.svg" if site_url else None,
    )


@dataclass(frozen=True)
class EquipmentRow:
    item: str
    quantity: Optional[int]
    unstated: bool = False  # 若干

    @property
    def quantity_text(self) -> str:
        return str(self.quantity) if self.quantity is not None else ("若干" if self.unstated else "—")


@dataclass(frozen=True)
class ResourceView:
    slug: str
    kind: str
    name: str
    nav_title: str
    location: str
    intro: Optional[str]
    hours: list[HoursRow]
    hours_note: Optional[str]
    equipment: list[EquipmentRow]
    rules: list[str]
    contact: Optional[ContactView]
    tier: Optional[str]
    body_html: Markup
    path: str
    operator: Optional[str] = None  # a shared place: who runs it (乡镇、妇联)
    shared_with: int = 0  # how many other schools it serves

    @property
    def week(self) -> list[DayHours]:
        return week_of(self.hours)


def resource_view(item: Loaded[models.Resource]) -> ResourceView:
    r = item.record
    if isinstance(r, models.SharedResource):
        return dataclasses.replace(
            _resource_view(item), path=urls.shared_resource(item.slug).url, operator=r.operator,
            shared_with=len(set(r.schools)) - 1)
    return _resource_view(item)


def _resource_view(item: Loaded[models.Resource]) -> ResourceView:
    r = item.record
    return ResourceView(
        slug=item.slug, kind=r.kind.value, name=r.name, nav_title=nav_title(r.name), location=r.location,
        intro=r.intro, hours=hours_rows(r.hours), hours_note=r.hours_note,
        equipment=[EquipmentRow(e.item, e.quantity, e.quantity_unstated) for e in r.equipment], rules=list(r.rules),
        contact=contact_view(r.contact) if r.contact else None, tier=r.tier.value if r.tier else None,
        body_html=to_html(r.body), path=urls.resource(item.slug).url,
    )


@dataclass(frozen=True)
class Row:
    label: str
    value: str
    cell: Optional[Cell] = None  # the published count behind `value`, if it is a count about children


@dataclass(frozen=True)
class Table:
    title: str
    rows: list[Row]


@dataclass(frozen=True)
class SummaryView:
    term_code: str
    term_text: str
    tables: list[Table]
    highlights: list[str]
    problems: list[str]
    next_steps: list[str]
    suppressed: int  # how many cells were suppressed, for the page's explanation


def _rate(value: Optional[float]) -> Optional[str]:
    return None if value is None else f"{value:g}%"


def summary_view(item: Loaded[models.TermSummary], k: int) -> SummaryView:
    s = item.record
    lb = s.left_behind
    published: list[Cell] = []

    def count(value: Optional[int], unit: str = "人") -> Optional[Cell]:
        if value is None:
            return None
        c = cell(value, k, unit)
        published.append(c)
        return c

    def row(label: str, c: Cell) -> Row:
        return Row(label, c.text, c)

    basic = [row("在校学生", count(s.students_total))] if s.students_total is not None else []
    left_behind = count(lb.total)
    # a share is shown only beside a published count: with students_total public it reveals the count
    share = f"（占{lb.share:g}%{'，按在校学生数折算' if lb.derived else ''}）" if lb.share is not None and not left_behind.suppressed else ""
    basic.append(Row("留守儿童", left_behind.text + share, left_behind))
    if s.migrant_total is not None:
        basic.append(row("随迁子女", count(s.migrant_total)))
    if lb.both_parents_away is not None and lb.one_parent_away is not None:
        pair = cells_with_total([lb.both_parents_away, lb.one_parent_away], k)
        published.extend(pair)
        basic += [row("其中父母双方外出", pair[0]), row("其中父母一方外出", pair[1])]
    tables = [Table("基本情况", basic)]
    if lb.by_grade_band:
        bands = cells_with_total([b.count for b in lb.by_grade_band], k)
        published.extend(bands)
        tables.append(Table("留守儿童分学段人数", [row(b.band, c) for b, c in zip(lb.by_grade_band, bands)]))
    rates = [Row(label, _rate(value)) for label, value in
             (("入学率", s.rates.enrollment), ("巩固率", s.rates.retention), ("建档率", s.rates.archive)) if value is not None]
    if rates:
        tables.append(Table("入学与建档", rates))
    pf = s.programme
    programme_rows = [
        (label, value, unit) for label, value, unit in (
            ("结对帮扶（对）", pf.pairs, "对"), ("爱心妈妈", pf.caring_mothers, "人"), ("家访", pf.home_visits, "次"),
            ("谈心", pf.talks, "次"), ("亲情通话", pf.family_calls, "次"), ("专题讲座", pf.lectures, "场"),
            ("讲座受众", pf.lecture_audience, "人次"),
        ) if value is not None
    ]
    if programme_rows:
        rows = []
        for label, value, unit in programme_rows:
            # pairs are children; the rest count events, adults or attendances
            rows.append(row(label, count(value, unit)) if label.startswith("结对") else Row(label, f"{value}{unit}"))
        tables.append(Table("关爱工作开展情况", rows))
    d = s.donations
    donation_rows = []
    if d.amount_yuan is not None:
        donation_rows.append(Row("捐助金额", f"{d.amount_yuan:,.0f}元"))
    if d.recipients is not None:
        # receiving aid is sensitive: never “all” or “none” of the students (suppression.sensitive_cell)
        recipients = sensitive_cell(d.recipients, s.students_total, k)
        published.append(recipients)
        donation_rows.append(row("受助学生", recipients))
    if d.items:
        donation_rows.append(Row("捐赠物品", "、".join(d.items)))
    if d.donors:
        donation_rows.append(Row("捐助单位", "、".join(d.donors)))
    if donation_rows:
        tables.append(Table("捐赠资助（只公布总数，不公布受助学生名单）", donation_rows))
    sensitive_rows = []
    for entry in s.sensitive:
        shown = sensitive_cell(entry.count, lb.total, k)
        published.append(shown)
        sensitive_rows.append(row(entry.attribute, shown))
    if sensitive_rows:
        tables.append(Table("专项关爱（全校合计）", sensitive_rows))
    return SummaryView(
        term_code=s.term.code, term_text=s.term.chinese(), tables=tables, highlights=list(s.highlights),
        problems=list(s.problems), next_steps=list(s.next_steps),
        suppressed=sum(1 for c in published if c.suppressed),
    )


@dataclass(frozen=True)
class PartView:
    number: int
    title: str
    text: Optional[str]
    cadence: Optional[str]
    audience: Optional[str]
    activities: list[ActivityView]  # the school's activities that fulfilled this part, newest first


@dataclass(frozen=True)
class ProgrammeView:
    slug: str
    name: str
    nav_title: str
    summary: str
    by: Optional[str]
    parts: list[PartView]
    unplaced: list[ActivityView]  # activities naming the programme but no part
    body_html: Markup
    path: str
    county: bool  # set by the bureau (content/programmes), not the school


def _programme_paths(records: SchoolRecords) -> dict[int, str]:
    """id(record) → page path: a school's own programmes/<file>.html; the county's the same unless
    the school has a file of that name, then programmes/county-<file>.html."""
    own = {item.slug for item in records.programmes}
    paths = {id(item): urls.programme(item.slug).url for item in records.programmes}
    for item in records.county_programmes:
        paths[id(item)] = urls.programme(item.slug, county=item.slug in own).url
    return paths


def fulfils(records: SchoolRecords, a: models.Activity) -> Optional[tuple[Loaded[models.Programme], Optional[int]]]:
    """The programme record an activity names and the 1-based number of the part it fulfils
    (None when it names no part); None when it names no programme record."""
    found = records.programme(a.programme) if a.programme else None
    if found is None:
        return None
    return found, found.record.part(a.programme_part) if a.programme_part else None


def programme_links(records: SchoolRecords) -> dict[str, ProgrammeLink]:
    """activity slug → the programme (and part) it names, for activities naming a programme record."""
    paths = _programme_paths(records)
    links = {}
    for item in records.activities:
        found = fulfils(records, item.record)
        if found is None:
            continue
        programme, number = found
        title = programme.record.parts[number - 1].title if number else None
        links[item.slug] = ProgrammeLink(programme.record.name, paths[id(programme)], number, title)
    return links


def programme_views(records: SchoolRecords, activities: list[ActivityView]) -> list[ProgrammeView]:
    """The school's own programmes, and the county's that its activities fulfil."""
    paths = _programme_paths(records)
    used = {a.programme_link.path for a in activities if a.programme_link and a.programme_link.path}
    shown = list(records.programmes) + [p for p in records.county_programmes if paths[id(p)] in used]
    views = []
    for item in shown:
        path = paths[id(item)]
        mine = [a for a in activities if a.programme_link and a.programme_link.path == path]
        p = item.record
        parts = [PartView(n, part.title, part.text, part.cadence, part.audience,
                          [a for a in mine if a.programme_link.part == n])
                 for n, part in enumerate(p.parts, start=1)]
        views.append(ProgrammeView(
            slug=path.removeprefix("programmes/").removesuffix(".html"), name=p.name, nav_title=nav_title(p.name),
            summary=p.summary, by=p.by, parts=parts, unplaced=[a for a in mine if a.programme_link.part is None],
            body_html=to_html(p.body), path=path, county=id(item) in {id(p) for p in records.county_programmes}))
    return views


@dataclass(frozen=True)
class ReportLink:
    """A term report (工作总结) published beside the data page: its page and its Word document."""

    term_code: str
    title: str
    page: str  # from the site's root, e.g. data/report-2025-2026-1.html
    docx: str  # data/report-2025-2026-1.docx
    file_name: str  # the name the download is saved as
    print: str = ""  # the A4 print version, data/report-2025-2026-1.print.html


@dataclass(frozen=True)
class LeadingGroupView:
    name: str
    members: list[models.LeadingGroupMember]
    meets: Optional[str]


@dataclass(frozen=True)
class MonthGroup:
    key: str
    text: str
    activities: list[ActivityView]


@dataclass(frozen=True)
class KindGroup:
    kind: str
    slug: str
    activities: list[ActivityView]

    @property
    def path(self) -> str:
        return urls.activity_kind(self.slug).url


@dataclass
class SchoolSite:
    """Everything one school's pages show."""

    slug: str
    name: str
    kind: str
    township: str
    boarding: bool
    address: str
    intro: str
    family_phone: FamilyPhoneView
    contacts: list[ContactView]
    leading_group: Optional[LeadingGroupView]
    care_rooms: list[ResourceView]
    news: list[ActivityView]
    upcoming: list[ActivityView]
    months: list[MonthGroup]
    kinds: list[KindGroup]
    activities: list[ActivityView]
    policies: list[PolicyView]
    resources: list[ResourceView]
    summaries: list[SummaryView]
    letters: list[LetterView]
    programmes: list[ProgrammeView]
    updated: models.PartialDate  # a month when the newest record is dated by month only
    bureau_name: str
    bureau_contact: ContactView
    site_url: Optional[str]
    min_cell: int
    description: str = field(default="")
    reports: list[ReportLink] = field(default_factory=list)  # filled by generator.report when it builds them

    def absolute(self, path: str) -> Optional[str]:
        return self.site_url + path if self.site_url else None


CARE_ROOM_KINDS = {models.ResourceKind.CARE_HOME, models.ResourceKind.ACTIVITY_ROOM}


def school_updated(records: SchoolRecords, today: date) -> models.PartialDate:
    """The visible “信息更新于” date: the newest of the school's own date and past activity dates;
    a month when the newest is an activity dated by month only (shown as 2026年9月, not an invented day)."""
    dates = [a.record.date for a in records.activities if a.record.date.first_day <= today]
    if records.school.record.updated:
        dates.append(models.PartialDate.of(records.school.record.updated))
    return max(dates) if dates else models.PartialDate.of(today)


def school_site(county: County, records: SchoolRecords, today: date) -> SchoolSite:
    k = county_k(county)
    bureau = county.bureau.record
    school = records.school.record
    links = programme_links(records)
    activities = [activity_view(a, k, today, records.folder, links.get(a.slug)) for a in records.activities]
    past = [a for a in activities if not a.upcoming]
    upcoming = sorted((a for a in activities if a.upcoming), key=lambda a: (a.date.sort_key, a.slug))
    months: dict[str, list[ActivityView]] = {}
    for a in past:
        months.setdefault(a.date.month_key, []).append(a)
    # every activity page links to its kind's page, so kind pages list upcoming ones too
    kinds = [KindGroup(kind.value, kind.slug, [a for a in upcoming + past if a.kind == kind.value])
             for kind in models.ActivityKind]
    all_resources = list(records.resources) + list(records.shared_resources)
    resources = [resource_view(r) for r in all_resources]
    fp = school.family_phone
    site_url = None
    if bureau.site_url:
        site_url = bureau.site_url.rstrip("/") + f"/{records.slug}/"
    group = school.leading_group
    return SchoolSite(
        slug=records.slug, name=school.name, kind=school.kind.value, township=school.township, boarding=school.boarding,
        address=school.address, intro=school.intro,
        family_phone=FamilyPhoneView(fp.number, tel_uri(fp.number), hours_rows(fp.hours), fp.location, fp.note),
        contacts=[contact_view(c) for c in school.contacts],
        leading_group=LeadingGroupView(group.name, list(group.members), group.meets) if group else None,
        # the school's own rooms (a shared room is on the 关爱阵地 pages, not on the one-page printed notice)
        care_rooms=[r for r, item in zip(resources, records.resources) if item.record.kind in CARE_ROOM_KINDS and r.hours],
        news=past, upcoming=upcoming,
        months=[MonthGroup(key, f"{int(key[:4])}年{int(key[5:])}月", items) for key, items in months.items()],
        kinds=[g for g in kinds if g.activities], activities=activities,
        policies=[policy_view(p) for p in records.policies], resources=resources,
        summaries=[summary_view(s, k) for s in records.summaries],
        letters=[letter_view(item, site_url) for item in records.letters],
        programmes=programme_views(records, activities),
        updated=school_updated(records, today), bureau_name=bureau.name, bureau_contact=contact_view(bureau.contact),
        site_url=site_url, min_cell=k,
        description=f"{school.name}关爱留守儿童和随迁子女工作：亲情电话、活动动态、关爱制度、关爱阵地。",
    )


# ---------------------------------------------------------------------------------------------
# County portal


@dataclass(frozen=True)
class SchoolLink:
    name: str
    slug: str
    kind: str
    boarding: bool
    path: str
    family_phone: str
    family_tel: str


@dataclass(frozen=True)
class KindSchools:
    kind: str
    schools: list[SchoolLink]


@dataclass(frozen=True)
class TownshipGroup:
    township: str
    kinds: list[KindSchools]


@dataclass(frozen=True)
class PortalNews:
    school_name: str
    title: str
    date_text: str
    date_iso: str
    kind: str
    path: str
    summary: str
    date: models.PartialDate  # as written: a month when only the month is known


@dataclass(frozen=True)
class SharedPlace:
    """A place several schools share, on the portal: who runs it and which schools it serves."""

    name: str
    kind: str
    operator: str
    location: str
    hours: list[str]  # 周一至周五 中午（具体时间见公告）
    schools: list[SchoolLink]


@dataclass
class Portal:
    bureau_name: str
    region: str
    intro: Optional[str]
    contact: ContactView
    address: Optional[str]
    townships: list[TownshipGroup]
    totals: list[Row]
    totals_note: str
    news: list[PortalNews]
    school_count: int
    updated: models.PartialDate
    site_url: Optional[str]
    shared_places: list[SharedPlace] = field(default_factory=list)
    reports: list[ReportLink] = field(default_factory=list)  # the county's 工作情况汇报 (generator.report)


def _county_total(values: list[Optional[int]], k: int, unit: str = "人") -> Optional[str]:
    """Sum of the schools' latest figures; withheld if exactly one school's figure is suppressed,
    since subtracting the other schools' published figures would reveal it."""
    total = total_over_parts(values, k, unit)
    if total is None:
        return None
    if total.suppressed and not total.small:
        return "（有学校人数过少，合计不公布）"
    return total.text


PORTAL_NEWS = 20  # in the county feed; the page shows the first 12


def portal_view(county: County, sites: list[SchoolSite], records: list[SchoolRecords], today: date) -> Portal:
    bureau = county.bureau.record
    k = county_k(county)
    by_township: dict[str, dict[str, list[SchoolLink]]] = {}
    for site in sorted(sites, key=lambda s: (s.township, list(models.SchoolKind).index(models.SchoolKind(s.kind)), s.slug)):
        link = SchoolLink(site.name, site.slug, site.kind, site.boarding, urls.school_home(site.slug),
                          site.family_phone.number, site.family_phone.tel)
        by_township.setdefault(site.township, {}).setdefault(site.kind, []).append(link)
    latest = [r.summaries[0].record for r in records if r.summaries]
    totals = []
    for label, values in (
        ("在校学生", [s.students_total for s in latest]),
        ("留守儿童", [s.left_behind.total for s in latest]),
        ("随迁子女", [s.migrant_total for s in latest]),
    ):
        text = _county_total(values, k)
        if text:
            totals.append(Row(label, text))
    news = sorted(
        (PortalNews(site.name, a.title, a.date_text, a.date_iso, a.kind, urls.on_portal(site.slug, a.path), a.summary,
                    a.date)
         for site in sites for a in site.news),
        key=lambda n: (n.date_iso, n.path), reverse=True,
    )[:PORTAL_NEWS]
    links = {t.slug: t for group in by_township.values() for kind in group.values() for t in kind}
    shared_places = []
    for item in county.shared.resources:
        r = item.record
        served = [links[slug] for slug in dict.fromkeys(r.schools) if slug in links]
        if served:  # only published schools are linked
            shared_places.append(SharedPlace(r.name, r.kind.value, r.operator, r.location,
                                             [f"{row.days} {row.when}" for row in hours_rows(r.hours)], served))
    return Portal(
        shared_places=shared_places,
        bureau_name=bureau.name, region=f"{bureau.region.province}{bureau.region.city}{bureau.region.county}",
        intro=bureau.intro, contact=contact_view(bureau.contact), address=bureau.address,
        townships=[TownshipGroup(t, [KindSchools(kind, links) for kind, links in kinds.items()])
                   for t, kinds in by_township.items()],
        totals=totals, totals_note=f"按各校最近一个学期的总结汇总；少于{k}人的数字不公布。",
        news=news, school_count=len(sites),
        updated=max([s.updated for s in sites] + ([models.PartialDate.of(bureau.updated)] if bureau.updated else []))
        if sites else models.PartialDate.of(today),
        site_url=bureau.site_url,
    )
