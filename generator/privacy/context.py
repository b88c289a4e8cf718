"""What the privacy gate knows about a school (or the whole county, for the portal): its
register's deny-list, the numbers it may publish, its staff and place names, the site's address;
and the scanning of one folded text with rules 1–3. Used by the records gate and the output gate."""

from __future__ import annotations

import dataclasses
import urllib.parse
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Callable, Iterable, Optional

from generator.privacy import contacts, detect
from generator.privacy.child_register import deny_list, read_register, register_files
from generator.privacy.suppression import county_k
from generator.problems import Problem, Problems
from generator.records.load import County, SchoolRecords, load_school, school_folders



# ---------------------------------------------------------------------------------------------
# What the gate knows about a school


@dataclass
class Context:
    k: int
    deny: detect.DenyList
    register_problems: list[Problem]
    register_info: dict
    allowed_phones: frozenset[str]
    email_domains: tuple[str, ...]
    staff: tuple[str, ...]
    known: tuple[str, ...]  # institution and place names of the county, not persons
    site_prefix: str  # the URL path of the site when site_url is set, e.g. /huangshan-cun/
    site_host: Optional[str] = None  # the bureau's host name (site_url), the only host pages may load from
    totals: tuple[tuple[str, int], ...] = ()  # (left_behind | students | migrant, total the school publishes)
    not_names: tuple[str, ...] = ()  # school.yml's not_names: words (or phrases) the name reminder is not to ask about


def school_lines(records: SchoolRecords):
    """(Loaded item, path to the number, number, role or None, kind) of every number a school declares."""
    if records.school is None:
        return
    record = records.school.record
    yield records.school, ("family_phone", "number"), record.family_phone.number, None, record.family_phone.kind
    for index, c in enumerate(record.contacts):
        yield records.school, ("contacts", index, "phone"), c.phone, c.role, c.kind
    for item in list(records.resources) + list(records.shared_resources):
        c = item.record.contact
        if c:
            yield item, ("contact", "phone"), c.phone, c.role, c.kind


def _school_numbers(records: SchoolRecords) -> list[str]:
    """The declared numbers that are institutional lines (contacts.verdict): only these may be shown."""
    staff = tuple(records.school.record.staff_names) if records.school else ()
    return [number for _, _, number, role, kind in school_lines(records)
            if contacts.verdict(number, role, kind, staff).ok]


def _folder_key(folder: Path) -> tuple:
    paths = [folder / "school.yml", folder / "resources"]
    return tuple((p.name, p.stat().st_mtime_ns) for p in paths if p.exists())


@lru_cache(maxsize=8)
def _county_lines_cached(root: str, key: tuple) -> frozenset[str]:
    numbers: set[str] = set()
    for folder_name, _ in key:
        records = load_school(Path(root), Path(root) / "schools" / folder_name, only=("resources",))
        numbers |= {detect.phone_key(n) for n in _school_numbers(records)}
    return frozenset(numbers)


def county_lines(county: County) -> frozenset[str]:
    """Institutional lines of every school of the county: a school may print a neighbouring school's
    registered hotline. Given by the build (county.institutional_lines, from its per-school facts
    cache), else read from disk and cached in this process by modification times."""
    if county.institutional_lines is not None:
        return county.institutional_lines
    folders = school_folders(county.root, Problems())
    key = tuple((folder.name, _folder_key(folder)) for folder in folders)
    return _county_lines_cached(str(county.root), key)


def declared_phones(county: County, records: Optional[SchoolRecords] = None) -> frozenset[str]:
    """The numbers a school's site may show: its own declared institutional numbers (school.yml
    and its resources' contacts), the bureau's, and public service lines. Without `records`:
    every school of the county (the portal)."""
    numbers = [county.bureau.record.contact.phone] if county.bureau else []
    for school in ([records] if records is not None else county.schools):
        numbers += _school_numbers(school)
    own = {detect.phone_key(n) for n in numbers}
    return frozenset(own | detect.PUBLIC_SERVICE_LINES | (county_lines(county) if records is not None else set()))


def published_totals(records: SchoolRecords) -> tuple[tuple[str, int], ...]:
    """Totals the school's term summaries publish: what a percentage is read against."""
    totals = set()
    for item in records.summaries:
        s = item.record
        totals |= {(kind, v) for kind, v in (("left_behind", s.left_behind.total), ("students", s.students_total),
                                             ("migrant", s.migrant_total)) if v}
    return tuple(sorted(totals))


def _known_places(county: County, records: SchoolRecords) -> tuple[str, ...]:
    """Names of the bureau, the school, its township, address and rooms: not persons."""
    known = []
    if county.bureau:
        b = county.bureau.record
        known += [b.name, b.region.province, b.region.city, b.region.county, b.address or ""]
    if records.school is not None:
        s = records.school.record
        known += [s.name, s.township, s.address, s.family_phone.location or ""] + [c.role for c in s.contacts]
    resources = list(records.resources) + list(records.shared_resources)
    known += [r.record.name for r in resources] + [r.record.location for r in resources]
    known += [r.record.operator for r in records.shared_resources]
    return tuple(sorted({k for k in known if k}))


def _site_host(county: County) -> Optional[str]:
    url = county.bureau.record.site_url if county.bureau else None
    return urllib.parse.urlparse(url).hostname if url else None


def _site_prefix(county: County, slug: str = "") -> str:
    url = county.bureau.record.site_url if county.bureau else None
    base = urllib.parse.urlparse(url).path.rstrip("/") if url else ""
    return f"{base}/{slug}/" if slug else f"{base}/"


def _register_key(folder: Path) -> tuple:
    return tuple((str(p), p.stat().st_mtime_ns, p.stat().st_size) for p in register_files(folder))


@lru_cache(maxsize=64)
def _register_cached(root: str, folder: str, key: tuple):
    register = read_register(Path(root), Path(folder))
    deny = deny_list(register)
    info = {"files": len(register.files), "rows": len(register.rows), **deny.summary()}
    return deny, register.problems, info


def school_register(root: Path, folder: Path) -> tuple[detect.DenyList, list[Problem], dict]:
    """The school's deny-list, the problems reading its register, and sizes for the report."""
    return _register_cached(str(root), str(folder), _register_key(folder))


def context(county: County, records: SchoolRecords) -> Context:
    deny, problems, info = school_register(county.root, records.folder)
    staff = tuple(records.school.record.staff_names) if records.school else ()
    host = _site_host(county)
    return Context(
        k=county_k(county), deny=deny, register_problems=list(problems), register_info=info,
        allowed_phones=declared_phones(county, records), email_domains=(host,) if host else (), staff=staff,
        known=_known_places(county, records), site_prefix=_site_prefix(county, records.slug), site_host=host,
        totals=published_totals(records),
        not_names=tuple(records.school.record.not_names) if records.school else (),
    )


@dataclass(frozen=True)
class SchoolFacts:
    """What the portal's gate needs of one school folder: its register's deny-list, its declared
    numbers and its staff names. Kept between builds by the county layer, keyed by the folder's
    content (the school's build key), so a portal rebuild does not re-read every school."""

    deny: detect.DenyList
    numbers: frozenset[str]
    staff: tuple[str, ...]


def school_facts(county: County, folder: Path) -> SchoolFacts:
    deny, _, _ = school_register(county.root, folder)
    records = (next((r for r in county.schools if r.folder == folder), None)
               or load_school(county.root, folder, only=("resources",)))  # what _school_numbers reads
    numbers = frozenset(detect.phone_key(n) for n in _school_numbers(records))
    return SchoolFacts(deny, numbers, tuple(records.school.record.staff_names) if records.school else ())


def county_context(county: County, facts: Optional[Callable[[Path], SchoolFacts]] = None) -> Context:
    """The portal's context: every school folder's deny-list and declared numbers at once (read
    from disk, so it does not matter which schools `county` holds; `facts` may answer per folder
    from a cache instead, see `SchoolFacts`)."""
    deny = detect.DenyList()
    numbers = set(declared_phones(county, SchoolRecords("", county.root)))
    staff: list[str] = []
    for folder in school_folders(county.root, Problems()):
        one = facts(folder) if facts is not None else school_facts(county, folder)
        deny.merge(one.deny)
        numbers |= one.numbers
        staff += one.staff
    host = _site_host(county)
    return Context(county_k(county), deny, [], deny.summary(), frozenset(numbers),
                   (host,) if host else (), tuple(staff), (), _site_prefix(county), host)


# ---------------------------------------------------------------------------------------------
# Scanning text


def redacted(problems: Iterable[Problem]) -> list[Problem]:
    """Problems with anything that looks like an ID, phone, card or e-mail masked in the message
    (a schema error may quote what was typed in the wrong field)."""
    return [dataclasses.replace(p, message=detect.redact(p.message)) for p in problems]


def problem_from_hit(path: str, line: int, hit: detect.Hit) -> Problem:
    return Problem(path, line, "", detect.redact(hit.message), hit.severity, hit.label)


def scan_patterns(folded: detect.Folded, ctx: Context, thorough: bool = True) -> list[detect.Hit]:
    """Rules 1–3 over one folded text."""
    return (ctx.deny.find(folded) + detect.find_ids(folded)
            + detect.find_contacts(folded, ctx.allowed_phones, ctx.email_domains, thorough))
