"""Review of what the rules cannot decide: `schools/<slug>/private/reviews.yml`.

A sentence that singles out children and that no rule blocks or clears (meaning.REVIEW) is held
until a reviewer approves it (`careportal review`). Each decision is kept by the digest of the
normalised sentence (meaning.sentence_digest), so it is void as soon as the sentence changes.
The file sits in the private folder: never published, never in git. It is written with a safe
YAML writer (yaml.safe_dump), atomically, keeping every entry it does not change.

    reviews:
      - sentence: 3f2a…            # sha256 of the normalised sentence
        decision: approved         # approved | rejected
        role: 德育主任              # the reviewer's post, never a name
        date: 2026-12-02
        file: schools/x/activities/2026-03-02-banhui.yml   # where it was, for people reading the file
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from generator.privacy.contacts import person_in_role
from generator.problems import Problem, Severity

REVIEWS_FILE = "reviews.yml"
PRIVATE = "private"
APPROVED, REJECTED, PENDING = "approved", "rejected", "pending"
DECISIONS = {APPROVED: "已批准", REJECTED: "已驳回", PENDING: "待审核"}
REVIEW_RULE = "待审核"
REJECTED_RULE = "已驳回"
MAX_ROLE = 30


@dataclass(frozen=True)
class Decision:
    digest: str
    decision: str  # approved | rejected
    role: str
    day: str  # ISO date
    file: str = ""


@dataclass
class Reviews:
    path: Path
    decisions: dict[str, Decision] = field(default_factory=dict)
    entries: list[dict] = field(default_factory=list)  # the file's entries as read (all kept on writing)
    problem: str | None = None  # why the file cannot be read (Chinese)


@dataclass(frozen=True)
class ReviewProblem(Problem):
    """A sentence held for review, as the records gate finds it (the memo keeps it unresolved)."""

    digest: str = ""
    sentence: str = ""  # the sentence itself: shown to the reviewer in the terminal, never in a report


@dataclass(frozen=True)
class ReviewItem:
    """One sentence for review with its current decision (what `careportal review` lists)."""

    path: str
    line: int
    field: str
    sentence: str
    digest: str
    decision: str  # approved | rejected | pending
    role: str = ""
    day: str = ""

    def decided(self, decision: str, role: str, day: str) -> Decision:
        """The decision a reviewer (by post) takes on this sentence on `day`."""
        return Decision(self.digest, decision, role, day, self.path)

    def report(self) -> dict:
        """Its entry in the gate report: where, which sentence (digest) and the decision; no text."""
        return {"file": self.path, "line": self.line, "field": self.field, "sentence_hash": self.digest[:12],
                "decision": self.decision, "decision_text": DECISIONS[self.decision], "role": self.role,
                "date": self.day}


def role_refusal(role: str) -> str | None:
    """Why `role` cannot be recorded as the reviewer (Chinese), or None: a post, never a person's
    name. `careportal review` and the editor both ask this."""
    role = (role or "").strip()
    if not role:
        return "请写审核人的岗位，例如 德育主任"
    if len(role) > MAX_ROLE:
        return f"岗位写得太长了（最多 {MAX_ROLE} 个字），例如 德育主任"
    person = person_in_role(role)
    if person:
        return f"审核记录只写岗位，不写人名（这里写了“{person}”）。例如：德育主任"
    return None


def reviews_path(folder: Path) -> Path:
    return folder / PRIVATE / REVIEWS_FILE


def read_reviews(folder: Path) -> Reviews:
    path = reviews_path(folder)
    reviews = Reviews(path)
    if not path.is_file():
        return reviews
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"第 {mark.line + 1} 行" if mark is not None else ""
        reviews.problem = f"审核记录{where}读不出来，所有待审核的句子都按未审核处理。请改正或删掉这个文件后重新运行 careportal review"
        return reviews
    entries = (data or {}).get("reviews") if isinstance(data, dict) else None
    if data is not None and not isinstance(entries, list):
        reviews.problem = "审核记录的格式不对（应该是 reviews: 下面一条一条的记录），请删掉这个文件后重新运行 careportal review"
        return reviews
    for entry in entries or []:
        if not isinstance(entry, dict):
            continue
        reviews.entries.append(entry)
        digest, decision = str(entry.get("sentence") or ""), str(entry.get("decision") or "")
        if len(digest) == 64 and decision in (APPROVED, REJECTED):
            reviews.decisions[digest] = Decision(digest, decision, str(entry.get("role") or ""),
                                                 str(entry.get("date") or ""), str(entry.get("file") or ""))
    return reviews


def record(folder: Path, decisions: Iterable[Decision]) -> Path:
    """Write `decisions` into the school's reviews.yml, replacing earlier decisions on the same
    sentences and keeping every other entry. Raises ValueError (Chinese) if the file is unreadable:
    it is never overwritten then."""
    reviews = read_reviews(folder)
    if reviews.problem:
        raise ValueError(f"{reviews.path.name}：{reviews.problem}")
    new = {d.digest: d for d in decisions}
    kept = [e for e in reviews.entries if str(e.get("sentence") or "") not in new]
    written = kept + [{"sentence": d.digest, "decision": d.decision, "role": d.role, "date": d.day, "file": d.file}
                      for d in new.values()]
    text = ("# careportal review 写的审核记录：不公开、不进 git。改了句子，原来的批准就作废。\n"
            + yaml.safe_dump({"reviews": written}, allow_unicode=True, sort_keys=False, default_flow_style=False))
    path = reviews.path
    path.parent.mkdir(parents=True, exist_ok=True)
    staged = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    staged.write_text(text, encoding="utf-8")
    os.replace(staged, path)
    return path


def resolve(problems: Iterable[Problem], folder: Path, slug: str, display_folder: str
            ) -> tuple[list[Problem], list[ReviewItem]]:
    """The records gate's problems with each sentence held for review decided by reviews.yml:
    approved → gone; rejected → an error (已驳回); pending → an error (待审核) that says how to
    review. Also every reviewed sentence with its decision (for `careportal review` and the gate
    report). Read after the memo, so a decision takes effect without scanning the records again."""
    reviews: Reviews | None = None
    out: list[Problem] = []
    items: list[ReviewItem] = []
    for problem in problems:
        if not isinstance(problem, ReviewProblem):
            out.append(problem)
            continue
        if reviews is None:
            reviews = read_reviews(folder)
            if reviews.problem:
                out.append(Problem(f"{display_folder}/{PRIVATE}/{REVIEWS_FILE}", 0, "", reviews.problem,
                                   Severity.ERROR, REVIEW_RULE))
        decided = reviews.decisions.get(problem.digest)
        state = decided.decision if decided else PENDING
        items.append(ReviewItem(problem.path, problem.line, problem.field, problem.sentence, problem.digest, state,
                                decided.role if decided else "", decided.day if decided else ""))
        if state == APPROVED:
            continue
        plain = Problem(problem.path, problem.line, problem.field, problem.message, Severity.ERROR, REVIEW_RULE)
        if state == REJECTED:
            plain = dataclasses.replace(plain, rule=REJECTED_RULE, message=(
                f"这句话（编号 {problem.digest[:8]}）已被{decided.role or '审核人'}驳回，不能发布。请改写或删掉它"
                "（改写后的句子如果还需要审核，会重新列出）"))
        else:
            plain = dataclasses.replace(plain, message=(
                f"{problem.message}（编号 {problem.digest[:8]}）。请运行 careportal review --school {slug}"))
        out.append(plain)
    return out, items
