"""Review of what the rules cannot decide (issue 10): a sentence that singles out children and that
no rule blocks or clears holds the school until a reviewer approves it (`careportal review`,
private/reviews.yml); the meaning rules also read the sentences the generator writes.

* the labelled corpus: how many allow sentences go to review (under 2 %), the review rows go to
  review, no block row does;
* through the real CLI on a copy of the demo: check fails with 待审核, the build does not publish
  that school (and keeps its published version) while the other publishes, an approval lets it
  publish, editing the sentence voids it, a rejection is an error, the gate report lists every
  decision, reviews.yml never reaches the site;
* a record whose participants make a generated sentence reveal a below-k sensitive count.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from helpers import DEMO_EPOCH, REPO, copy_demo, run_cli
from helpers import gate_data as gd
from helpers import meaning_eval as ev

from generator.privacy import meaning, reviews

SCHOOL, OTHER = "huangshan-cun", "liulang-zhongxin"
SENTENCE = "五年级一名学生最近常常一个人坐在教室角落，班主任已经留意。"


@pytest.fixture(scope="module")
def ctx(tmp_path_factory):
    return ev.context(tmp_path_factory.mktemp("corpus"))


# ---------------------------------------------------------------------------------------------
# The corpus: review stays rare, and never takes a sentence a rule blocks


@pytest.mark.parametrize("path", [ev.CORPUS, ev.HELDOUT], ids=["corpus", "heldout"])
def test_review_is_rare_and_never_replaces_a_block(ctx, path):
    figures = ev.review_figures(ctx, path)
    assert len(figures["allows_reviewed"]) / figures["allows"] < 0.02, figures["allows_reviewed"]
    assert figures["expected"] >= 5
    assert figures["expected_reviewed"] / figures["expected"] >= 0.9, figures["expected_missed"]
    assert figures["blocks_reviewed"] == []


@pytest.mark.parametrize("sentence", [
    "五年级一名学生父母离异，跟着奶奶生活。",  # blocked (敏感信息), not reviewed
    "三年级的王某某同学是留守儿童。",
])
def test_a_blocked_sentence_is_not_sent_to_review(ctx, sentence):
    assert ev.errors(sentence, ctx)
    assert not ev.reviewed(sentence, ctx)


@pytest.mark.parametrize("sentence", [
    "三年级的3名同学代表学校参加县里的朗诵比赛。",
    "二年级的孩子们在班会上分享了寒假里的趣事。",
    "全体教师均签订了师德承诺书。",
])
def test_public_achievements_and_whole_groups_are_not_reviewed(ctx, sentence):
    assert not ev.reviewed(sentence, ctx) and not ev.errors(sentence, ctx)


def test_the_digest_ignores_spacing_and_changes_with_the_words():
    assert meaning.sentence_digest("五年级一名学生 最近常常一个人") == meaning.sentence_digest("五年级一名学生最近常常一个人。")
    assert meaning.sentence_digest("五年級一名學生") == meaning.sentence_digest("五年级一名学生")
    assert meaning.sentence_digest("五年级一名学生最近常常一个人") != meaning.sentence_digest("五年级一名学生最近常常两个人")


def test_recording_keeps_other_entries_and_never_overwrites_an_unreadable_file(tmp_path):
    folder = tmp_path / "school"
    first, second = "a" * 64, "b" * 64
    reviews.record(folder, [reviews.Decision(first, reviews.APPROVED, "德育主任", "2026-11-23", "x.yml")])
    reviews.record(folder, [reviews.Decision(second, reviews.REJECTED, "校长", "2026-11-24", "y.yml")])
    reviews.record(folder, [reviews.Decision(first, reviews.REJECTED, "德育主任", "2026-11-25", "x.yml")])
    data = yaml.safe_load(reviews.reviews_path(folder).read_text(encoding="utf-8"))
    assert {(e["sentence"], e["decision"]) for e in data["reviews"]} == {(first, "rejected"), (second, "rejected")}
    broken = "reviews:\n  - sentence: [\n"
    reviews.reviews_path(folder).write_text(broken, encoding="utf-8")
    with pytest.raises(ValueError):
        reviews.record(folder, [reviews.Decision(first, reviews.APPROVED, "德育主任", "2026-11-23")])
    assert reviews.reviews_path(folder).read_text(encoding="utf-8") == broken


# ---------------------------------------------------------------------------------------------
# Through the real CLI


def _report(result) -> dict:
    path = re.search(r"隐私检查报告（不发布）：(.+)$", result.stdout, re.MULTILINE).group(1).strip()
    return {s["slug"]: s for s in json.loads(Path(path).read_text(encoding="utf-8"))["schools"]}


def _tree(folder: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            digest.update(path.relative_to(folder).as_posix().encode() + path.read_bytes())
    return digest.hexdigest()


@pytest.fixture(scope="module")
def county(tmp_path_factory):
    base = tmp_path_factory.mktemp("review")
    root = copy_demo(base / "root", [SCHOOL, OTHER])
    news = gd.write_activity(root / "schools" / SCHOOL, "2026-03-02-banhui", body=SENTENCE)
    return root, base / "out", base / "work", news


def _build(county):
    root, out, work, _ = county
    return run_cli("build", "--root", str(root), "--out", str(out), "--work", str(work), "-j", "1")


def test_review_holds_the_school_until_approved_and_a_change_voids_the_approval(county):
    root, out, _, news = county
    rel = news.relative_to(root).as_posix()
    line = gd.ACTIVITY_BODY_LINE

    checked = run_cli("check", "--root", str(root))
    assert checked.returncode == 1
    assert re.search(rf"^{re.escape(rel)}:{line}: 正文: 待审核: .*careportal review --school {SCHOOL}$",
                     checked.stderr, re.MULTILINE), checked.stderr
    assert "教室角落" not in checked.stderr  # the sentence is shown to the reviewer, not in logs

    built = _build(county)
    assert built.returncode == 1
    assert (out / OTHER / "index.html").is_file() and not (out / SCHOOL).exists()
    report = _report(built)
    assert report[SCHOOL]["status"] == "failed" and report[OTHER]["status"] == "built"
    assert [(r["file"], r["line"], r["field"], r["decision"]) for r in report[SCHOOL]["reviews"]] == [
        (rel, line, "正文", "pending")]

    listed = run_cli("review", "--root", str(root), "--school", SCHOOL, "--list")
    number = meaning.sentence_digest(SENTENCE)[:8]  # the 编号 check prints, which the reviewer names
    assert listed.returncode == 0 and f"1. [待审核] 编号 {number}  {rel}:{line} 正文" in listed.stdout
    assert f"编号 {number}" in checked.stderr and SENTENCE.rstrip("。") in listed.stdout
    assert run_cli("review", "--root", str(root), "--school", SCHOOL, "--approve", "1", "--role", "德育主任").returncode == 2
    both = run_cli("review", "--root", str(root), "--school", SCHOOL, "--approve", number, "--reject", number, "--role", "德育主任")
    assert both.returncode == 2 and "写了两次" in both.stderr
    refused = run_cli("review", "--root", str(root), "--school", SCHOOL, "--approve", number, "--role", "王校长")
    assert refused.returncode == 2 and not reviews.reviews_path(root / "schools" / SCHOOL).exists()

    approved = run_cli("review", "--root", str(root), "--school", SCHOOL, "--approve", number, "--role", "德育主任")
    assert approved.returncode == 0, approved.stderr
    entry = yaml.safe_load(reviews.reviews_path(root / "schools" / SCHOOL).read_text(encoding="utf-8"))["reviews"][0]
    assert entry["sentence"] == meaning.sentence_digest(SENTENCE) and entry["decision"] == "approved"
    assert entry["role"] == "德育主任" and entry["date"] == "2026-11-23"
    assert run_cli("check", "--root", str(root)).returncode == 0

    built = _build(county)  # the records gate's memo is warm: the decision takes effect all the same
    assert built.returncode == 0, built.stdout + built.stderr
    assert (out / SCHOOL / "index.html").is_file()
    assert SENTENCE.rstrip("。") in " ".join(p.read_text(encoding="utf-8") for p in (out / SCHOOL).rglob("*.html"))
    assert [r["decision"] for r in _report(built)[SCHOOL]["reviews"]] == ["approved"]
    assert not [p for p in out.rglob("*") if "review" in p.name or p.name == "private"]
    assert not any(entry["sentence"][:12] in p.read_text(encoding="utf-8", errors="ignore")
                   for p in out.rglob("*") if p.is_file() and p.suffix in {".html", ".json", ".xml", ".txt"})
    published = _tree(out / SCHOOL)

    news.write_text(news.read_text(encoding="utf-8").replace("一个人坐在", "一个人坐"), encoding="utf-8")
    checked = run_cli("check", "--root", str(root))
    assert checked.returncode == 1 and "待审核" in checked.stderr  # the approval was for the old sentence
    built = _build(county)
    assert built.returncode == 1 and _tree(out / SCHOOL) == published  # the published version stays

    changed = meaning.sentence_digest(SENTENCE.replace("一个人坐在", "一个人坐"))[:8]
    rejected = run_cli("review", "--root", str(root), "--school", SCHOOL, "--reject", changed, "--role", "德育主任")
    assert rejected.returncode == 0
    checked = run_cli("check", "--root", str(root))
    assert re.search(rf"^{re.escape(rel)}:{line}: 正文: 已驳回: ", checked.stderr, re.MULTILINE), checked.stderr
    assert len(yaml.safe_load(reviews.reviews_path(root / "schools" / SCHOOL).read_text(encoding="utf-8"))["reviews"]) == 2
    report = _report(_build(county))
    assert sorted(r["decision"] for r in report[SCHOOL]["reviews"]) == ["rejected"]
    assert report[SCHOOL]["status"] == "failed"


def test_review_asks_in_the_terminal(tmp_path):
    root = copy_demo(tmp_path / "root", [SCHOOL])
    gd.write_activity(root / "schools" / SCHOOL, "2026-03-02-banhui", body=SENTENCE)
    gd.write_activity(root / "schools" / SCHOOL, "2026-03-03-jiafang", body="黄杉村一名学生暑假里在河边玩水，被村民劝回。")
    done = subprocess.run([sys.executable, "-m", "generator.cli", "review", "--root", str(root), "--school", SCHOOL],
                          input="y\nn\n德育主任\n", capture_output=True, text=True, cwd=REPO, check=False,
                          env={**os.environ, "SOURCE_DATE_EPOCH": DEMO_EPOCH}, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "第 1 句：已批准（德育主任" in done.stdout and "第 2 句：已驳回（德育主任" in done.stdout
    checked = run_cli("check", "--root", str(root))
    assert "已驳回" in checked.stderr and "待审核" not in checked.stderr


# ---------------------------------------------------------------------------------------------
# The generator's own sentences


def test_a_generated_sentence_that_reveals_a_small_sensitive_count_is_refused(tmp_path):
    """The title alone and the participants alone pass; the page and the report put them together
    (“单亲家庭学生心理辅导（学生少于10人）”): fewer than k single-parent children. Refused on the
    record's participants line, in check and in build."""
    root = copy_demo(tmp_path / "root", [SCHOOL])
    path = gd.write_activity(root / "schools" / SCHOOL, "2026-03-05-xinli", title="单亲家庭学生心理辅导",
                             extra="participants:\n  count: 6\n  group: 学生\n")
    rel = path.relative_to(root).as_posix()
    line = next(i for i, text in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if text.startswith("participants"))
    checked = run_cli("check", "--root", str(root))
    assert re.search(rf"^{re.escape(rel)}:{line}: 参加人数: 敏感信息: 网页和工作总结会把", checked.stderr, re.MULTILINE), checked.stderr
    built = run_cli("build", "--root", str(root), "--out", str(tmp_path / "out"), "--work", str(tmp_path / "work"))
    assert built.returncode == 1 and not (tmp_path / "out" / SCHOOL).exists()
    path.write_text(path.read_text(encoding="utf-8").replace("count: 6", "count: 30"), encoding="utf-8")
    assert run_cli("check", "--root", str(root)).returncode == 0  # 30 is a published school-wide figure


def test_every_duty_of_a_policy_is_read_as_a_generated_sentence():
    """Each duty is its own sentence on the page (subject + frequency + action), so each is read by
    the meaning rules on its own line: the older single `cadence:` and every item of `duties:`."""
    from generator.records.load import load_school
    from generator.site.generated import generated_texts

    records = load_school(REPO, REPO / "schools" / "shilian-jiunian")
    policy = next(item for item in records.policies if len(item.record.duties) >= 3)
    texts = [t for t in generated_texts(records, 10) if t.path == policy.path]
    assert len(texts) == len(policy.record.duties)
    assert [t.line for t in texts] == [policy.line_of("duties", i) for i in range(len(policy.record.duties))]
    assert len(set(t.line for t in texts)) == len(texts)
    assert all(t.text.startswith(("班主任", "学校", "结对")) and t.text.endswith("。") for t in texts)


def test_a_place_before_an_institution_is_not_a_childs_name():
    """柳浪中队 is a police squad, not a child called 柳浪: with no school of the county named 柳浪 (the
    1,000-school benchmark's synthetic county), the sentence was held for review in 305 schools."""
    sentence = "10月16日，交警大队柳浪中队的民警来校，教孩子们认识交通标志、靠右走。"
    from generator.privacy import detect
    names = detect.name_candidates(sentence, (), ())
    assert names == []
    assert meaning.find_text_rules(sentence, 10, names, (), True) == []
    child = "三年级的柳静同学和奶奶住在一起，教孩子们认识交通标志。"  # a name is still read as one
    assert [w for _, w in detect.name_candidates(child, (), ())] == ["柳静"]


def test_a_sentence_broken_across_lines_is_read_whole():
    """Markdown joins a paragraph's lines into one sentence on the page: the rules read it whole (a
    sensitive attribute on the next line is still about the child of the first), and a sentence held
    for review is digested whole, so changing its second line voids an approval."""
    split = "五年级一名学生\n父母离异，由奶奶照顾。"
    assert [h.label for h in meaning.find_text_rules(split, 10, (), (), True)] == ["敏感信息"]
    held = "五年级一名学生最近常常\n一个人坐在教室角落。"
    first = meaning.find_text_rules(held, 10, (), (), True)
    changed = meaning.find_text_rules(held.replace("教室角落", "操场边上"), 10, (), (), True)
    assert [h.label for h in first] == [meaning.REVIEW] == [h.label for h in changed]
    assert first[0].masked != changed[0].masked
    # a blank line or a list item still ends a sentence
    listed = "活动安排：\n- 五年级一名学生领读\n- 全体同学跟读"
    assert [h.label for h in meaning.find_text_rules(listed, 10, (), (), True)] == [meaning.REVIEW]
