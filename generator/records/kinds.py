"""The registry of record kinds: every kind of record a school keeps, in one table.

Loading, the privacy gate, starters, the command line, the build cache and the site all read this
table. To add a record kind: add its model to models.py, a row here (and its cross-field checks to
rules.py if any), a starter in starter_files/ if staff create it with `careportal new`, its view in
site/views.py and its page in site/urls.py and theme/pages/.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Optional

from pydantic import BaseModel

from generator.records import models, rules


@dataclass(frozen=True)
class RecordKind:
    folder: str  # schools/<slug>/<folder>/*.yml, and the SchoolRecords attribute holding them
    model: type[BaseModel]
    label: str  # what staff call it, in Chinese
    sort_key: Callable[[Any], Any]  # on a Loaded record
    newest_first: bool = False
    starter: Optional[str] = None  # starter file in starter_files/ for `careportal new`
    page: Optional[str] = None  # the site's section for its records (see site/urls.py)
    check: Optional[Callable] = None  # cross-field checks of one record (rules.py)
    check_in_school: Optional[Callable] = None  # checks of one record against the school's others (rules.py)
    check_all: Optional[Callable] = None  # checks across the kind's records (rules.py)


SCHOOL = RecordKind("school.yml", models.School, "学校信息", lambda item: item.slug, starter="school.yml",
                    check=rules.check_school)

KINDS: tuple[RecordKind, ...] = (
    RecordKind("activities", models.Activity, "活动", lambda item: (item.record.date.sort_key, item.slug),
               newest_first=True, starter="activity.yml", page="news", check_in_school=rules.check_activity),
    RecordKind("policies", models.Policy, "关爱制度", lambda item: item.slug, starter="policy.yml", page="policies"),
    RecordKind("resources", models.Resource, "关爱阵地",
               lambda item: (list(models.ResourceKind).index(item.record.kind), item.slug),
               page="resources", check=rules.check_resource),
    RecordKind("summaries", models.TermSummary, "学期统计", lambda item: item.record.term, newest_first=True,
               page="data", check=rules.check_summary, check_all=rules.check_terms_unique),
    RecordKind("letters", models.Letter, "给家长的信", lambda item: (item.record.date, item.slug), newest_first=True,
               starter="letter.yml", page="letters", check=rules.check_letter),
    RecordKind("programmes", models.Programme, "关爱项目", lambda item: item.slug, page="programmes"),
)

# Records the bureau writes once for the county (content/<folder>/*.yml) and schools use: programmes
# such as 九个一, and rooms several schools share (a township's 留守流动儿童活动室).
SHARED_KINDS: tuple[RecordKind, ...] = (
    RecordKind("programmes", models.Programme, "全县关爱项目", lambda item: item.slug, page="programmes"),
    RecordKind("resources", models.SharedResource, "多校共用的关爱阵地", lambda item: item.slug, page="resources",
               check=rules.check_resource),
)

BY_FOLDER = {kind.folder: kind for kind in KINDS}
FOLDERS = tuple(BY_FOLDER)
MODELS = {kind.folder: kind.model for kind in KINDS}  # folder → record model
