"""Privacy gate, second generation: what a sentence means, not its word order.

* the labelled corpus (tests/fixtures/gate/meaning_corpus.tsv, 353 sentences of school prose) and the
  held-out set written after the rules: recall on blocks ≥ 0.98, false blocks ≤ 2 %;
* through the real `careportal check`: contacts that are personal lines, photo consents that
  consent to nothing (or are unknown, expired, out of scope), sensitive rows carrying a grade,
  a secret in a record's file name and a number broken by Markdown escapes;
* check = build: a school whose records hold every allow sentence of the corpus passes `check` and
  is published by `build` (the output scan refuses nothing check let through).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from helpers import copy_demo, run_cli


from helpers import gate_data as gd
from helpers import meaning_eval as ev
from generator.privacy import contacts, detect, meaning  # noqa: E402

SCHOOL = "huangshan-cun"


@pytest.fixture(scope="module")
def ctx(tmp_path_factory):
    return ev.context(tmp_path_factory.mktemp("corpus"))


# ---------------------------------------------------------------------------------------------
# The labelled corpus


def _totals(stats: dict) -> tuple[int, int, int, int]:
    blocks = sum(s["blocks"] for k, s in stats.items() if not k.startswith("_"))
    caught = sum(s["caught"] for k, s in stats.items() if not k.startswith("_"))
    return blocks, caught, stats["_allows"]["false"], 0


@pytest.mark.parametrize("path", [ev.CORPUS, ev.HELDOUT], ids=["corpus", "heldout"])
def test_labelled_sentences_recall_and_false_blocks(ctx, path):
    rows = ev.corpus(path)
    stats, wrong = ev.evaluate(ctx, path)
    blocks, caught, allows, _ = _totals(stats)
    false = [row for row, _ in wrong if row.expect == "allow"]
    report = "\n".join(f"{r.line}: {r.expect} {r.label} → {labels}: {r.text}" for r, labels in wrong)
    assert blocks + allows + sum(r.expect == "review" for r in rows) == len(rows)
    assert caught / blocks >= 0.98, report
    assert len(false) / allows <= 0.02, report


def test_the_corpus_is_large_and_covers_every_class():
    rows = ev.corpus()
    assert len(rows) >= 300
    kinds = {row.kind for row in rows if row.expect == "block"}
    assert {"word-order", "universal", "percent", "locator", "status", "aid", "register", "phone", "email", "mou"} <= kinds
    assert sum(row.expect == "allow" for row in rows) >= 150


def test_blocked_sentences_name_the_rule_the_corpus_expects(ctx):
    """Most blocks carry the label the corpus gives (a sentence may break two rules at once)."""
    rows = [r for r in ev.corpus() if r.expect == "block"]
    right = sum(r.label in {h.label for h in ev.errors(r.text, ctx)} for r in rows)
    assert right / len(rows) >= 0.95


@pytest.mark.parametrize("sentence", [
    "全体教师都参加了心理辅导培训。",
    "捐赠的物资已全部发放到孩子们手中。",
    "三年级的3名同学代表学校参加县里的朗诵比赛。",
    "亲情电话也可以打青溪镇中心小学的热线 0599-6586000 询问。",
])
def test_the_false_blocks_of_the_issue_are_published(ctx, sentence):
    assert ev.errors(sentence, ctx) == []


def test_every_refusal_masks_the_value_and_says_what_to_write(ctx):
    for row in ev.corpus():
        if row.expect != "block":
            continue
        for hit in ev.errors(row.text, ctx):
            message = detect.redact(hit.message)
            for secret in re.findall(r"[\u4e00-\u9fff]{2,4}(?=同学|的奶奶|在)", row.text):
                if secret in ctx.deny.full_names:
                    assert secret not in message
            if hit.label in {"敏感信息", "小数字", "受助名单"}:
                assert "可以写成" in message or "请" in message, message


def test_traditional_text_is_read_as_simplified():
    assert meaning.simplified("五年級的王某某父母離異") == "五年级的王某某父母离异"
    assert [h.label for h in meaning.analyse("五年級的王某某父母離異。", 10)] == ["敏感信息"]


def test_a_percentage_of_a_published_total_below_k_is_refused_and_above_is_not():
    totals = (("left_behind", 53), ("students", 300))
    assert [h.label for h in meaning.analyse("留守儿童中父亲外出的占12%。", 10, (), totals)] == ["小数字"]  # 6 of 53
    assert meaning.analyse("留守儿童中父母双方外出的占60%。", 10, (), totals) == []  # 32 of 53
    assert [h.label for h in meaning.analyse("留守儿童中单亲家庭的占30%。", 10, (), totals)] == []  # 16 and 37
    assert [h.label for h in meaning.analyse("留守儿童中单亲家庭的占30%。", 10, (), ())] == ["敏感信息"]  # no total


# ---------------------------------------------------------------------------------------------
# Contacts


@pytest.mark.parametrize("role,number,kind,ok", [
    ("学校办公室", "0599-6472105", None, True),
    ("德育处主任", "0599-6472105", None, True),
    ("值班电话", "13907990066", "值班手机", True),
    ("值班电话", "13907990066", None, False),  # a mobile must be declared the school's
    ("王校长", "0599-6472105", None, False),
    ("校长王建国", "0599-6472105", None, False),
    ("家长志愿者", "13907990066", "值班手机", False),
    ("联系人：李老师", "0599-6472105", "单位电话", False),
])
def test_contact_verdicts(role, number, kind, ok):
    assert contacts.verdict(number, role, kind).ok is ok


# ---------------------------------------------------------------------------------------------
# Through the real `careportal check` and `careportal build`


def _line(path: Path, needle: str) -> int:
    return next(i for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if needle in line)


@pytest.fixture(scope="module")
def refused(tmp_path_factory):
    """One school with personal contacts, consents that consent to nothing, a sensitive row with a
    grade, a pinyin register name in a file name and a phone broken by Markdown escapes."""
    root = copy_demo(tmp_path_factory.mktemp("refused") / "root", [SCHOOL, "liulang-zhongxin"])
    school = root / "schools" / SCHOOL
    gd.write_csv(school / "private" / "2025-2026-2.csv", gd.children(12))
    gd.write_consents(school, [("TY-01", "2026-02-20", "学校网站、宣传栏", "2027-08-31"),
                               ("TY-02", "2025-02-20", "学校网站", "2025-08-31"),
                               ("TY-03", "2026-02-20", "仅限校内展板", "2027-08-31")])
    for name in ("a.jpg", "b.jpg", "c.jpg", "d.jpg", "e.jpg"):
        gd.gps_jpeg(school / "photos" / name, size=(320, 240))
    photo = "  - file: photos/{file}\n    caption: 班会现场\n    consent: \"{consent}\"\n    faces: blurred\n"
    files = {}
    files["consent"] = gd.write_activity(school, "2026-03-02-zhaopian", extra="photos:\n" + "".join(
        photo.format(file=f, consent=c) for f, c in
        (("a.jpg", "无"), ("b.jpg", "TY-99"), ("c.jpg", "TY-02"), ("d.jpg", "TY-03"), ("e.jpg", "TY-01"))))
    files["pinyin"] = gd.write_activity(school, "2026-03-03-gu-muyang", body="同学们积极发言。")
    files["escape"] = gd.write_activity(school, "2026-03-04-dianhua", body="有事请打 138\\-0799\\-0066。")
    school_yml = school / "school.yml"
    text = school_yml.read_text(encoding="utf-8")
    text = text.replace("contacts:\n", "contacts:\n  - role: 王校长\n    phone: \"13907990066\"\n"
                                      "  - role: 值班手机\n    phone: \"13907990077\"\n    kind: 值班手机\n"
                                      "  - role: 晚间值班\n    phone: \"13907990088\"\n", 1)
    school_yml.write_text(text, encoding="utf-8")
    files["school"] = school_yml
    resource = school / "resources" / "nongjia-shuwu.yml"
    resource.write_text(resource.read_text(encoding="utf-8").replace(
        "  role: 学校办公室\n  phone: \"0599-6472105\"", "  role: 家长志愿者李红梅\n  phone: \"0599-6472777\""), encoding="utf-8")
    files["resource"] = resource
    summary = school / "summaries" / "2024-2025-2.yml"
    summary.write_text("term: 2024-2025-2\nleft_behind:\n  total: 50\nsensitive:\n"
                       "  - attribute: 低年级单亲\n    count: 12\n  - attribute: 六年級心理輔導\n    count: 11\n", encoding="utf-8")
    files["summary"] = summary
    files["neighbour"] = gd.write_activity(school, "2026-03-05-shoulashou",
                                           body="有事也可以打柳浪乡中心学校办公室 0599-6586000。")
    result = run_cli("check", "--root", str(root))
    return root, files, result


def _found(refused, key: str, needle: str, label: str, field: str = "") -> str:
    """The message at `file:line: field: rule:` (a file name has neither line nor field)."""
    root, files, result = refused
    path = files[key]
    rel = path.relative_to(root).as_posix()
    where = f"{rel}:{_line(path, needle)}" if needle else rel
    where += f": {field}" if field else ""
    match = re.search(rf"^{re.escape(where)}: {label}: (.*)$", result.stderr, re.M)
    assert match, f"{where}: {label} not in\n{result.stderr}"
    return match.group(1)


def test_consent_that_consents_to_nothing_is_refused(refused):
    assert "等于没有监护人同意" in _found(refused, "consent", 'consent: "无"', "照片", "照片第1条的监护人同意书编号")
    assert "找不到" in _found(refused, "consent", 'consent: "TY-99"', "照片", "照片第2条的监护人同意书编号")
    assert "过期" in _found(refused, "consent", 'consent: "TY-02"', "照片", "照片第3条的监护人同意书编号")
    assert "不包括在学校网站上公开" in _found(refused, "consent", 'consent: "TY-03"', "照片", "照片第4条的监护人同意书编号")
    root, files, result = refused
    rel = files["consent"].relative_to(root).as_posix()
    assert not re.search(rf"^{re.escape(rel)}:{_line(files['consent'], 'TY-01')}: ", result.stderr, re.M)


def test_personal_lines_in_contacts_are_refused_with_what_to_write(refused):
    assert "指向一个人" in _found(refused, "school", "role: 王校长", "电话号码", "联系电话第1条的岗位")
    assert "kind: 值班手机" in _found(refused, "school", '"13907990088"', "电话号码", "联系电话第3条的电话")
    assert "指向一个人" in _found(refused, "resource", "role: 家长志愿者", "电话号码", "联系方式的岗位")
    root, files, result = refused
    assert "13907990077" not in result.stderr and "139****0077" not in result.stderr  # a declared duty mobile passes
    assert "李红梅" not in result.stderr


def test_a_neighbouring_schools_registered_line_is_allowed(refused):
    root, files, result = refused
    rel = files["neighbour"].relative_to(root).as_posix()
    assert rel not in result.stderr


def test_sensitive_rows_carrying_a_grade_are_refused(refused):
    assert "低年级" in _found(refused, "summary", "低年级单亲", "敏感信息", "敏感情况（只写全校合计）第1条的情况")
    assert _found(refused, "summary", "六年級心理輔導", "敏感信息", "敏感情况（只写全校合计）第2条的情况")


def test_check_reads_file_names_and_markdown_escapes_like_the_build(refused):
    message = _found(refused, "pinyin", "", "台账信息")
    assert message.startswith("文件名里") and "gu*****" in message
    assert "138****0066" in _found(refused, "escape", "有事请打", "电话号码", "正文")


def test_check_passing_means_build_publishes_the_corpus_allow_sentences(tmp_path):
    """check = build: every allow sentence of the corpus, in one school's news, passes `check`, and
    `build` publishes the school (its output scan refuses nothing the records gate let through)."""
    root = copy_demo(tmp_path / "root", [SCHOOL, "liulang-zhongxin"])
    school = root / "schools" / SCHOOL
    gd.write_csv(school / "private" / "2025-2026-2.csv", ev.register_rows())
    allow = [row.text for row in ev.corpus() if row.expect == "allow"]
    allow += [row.text for row in ev.corpus(ev.HELDOUT) if row.expect == "allow"]
    for index in range(0, len(allow), 40):
        body = "\n\n  ".join(allow[index:index + 40])
        gd.write_activity(school, f"2026-04-{1 + index // 40:02d}-yuliao", body=body)
    checked = run_cli("check", "--root", str(root))
    assert checked.returncode == 0, checked.stdout + checked.stderr
    built = run_cli("build", "--root", str(root), "--out", str(tmp_path / "out"), "--work", str(tmp_path / "work"),
                    "--school", SCHOOL)
    assert built.returncode == 0, built.stdout + built.stderr
    pages = list((tmp_path / "out" / SCHOOL / "news").glob("2026-04-0*.html"))
    assert len(pages) == (len(allow) + 39) // 40
    published = " ".join(p.read_text(encoding="utf-8") for p in pages)
    assert "全体教师都参加了心理辅导培训" in published and "0599-6586000" in published


def test_the_build_publishes_a_neighbours_registered_line_and_refuses_another(tmp_path):
    """The build gives its workers every school's institutional lines from the facts it keeps per
    folder (county.institutional_lines) instead of each worker re-reading every school: a
    neighbouring school's registered hotline is published, a number no school registered is not,
    and a rebuild after one edit reads the kept facts."""
    root = copy_demo(tmp_path / "root", [SCHOOL, "liulang-zhongxin"])
    school = root / "schools" / SCHOOL
    gd.write_activity(school, "2026-03-05-shoulashou", body="有事也可以打柳浪乡中心学校办公室 0599-6586000。")
    out, work = tmp_path / "site", tmp_path / "work"
    built = run_cli("build", "--root", str(root), "--out", str(out), "--work", str(work))
    assert built.returncode == 0, built.stdout + built.stderr
    page = next(p for p in (out / SCHOOL / "news").glob("*shoulashou*.html"))
    assert "0599-6586000" in page.read_text(encoding="utf-8")

    stranger = gd.write_activity(school, "2026-03-06-dianhua", body="有事请打 0599-6589999。")
    rebuilt = run_cli("build", "--root", str(root), "--out", str(out), "--work", str(work))
    assert rebuilt.returncode == 1 and f"{stranger.relative_to(root).as_posix()}:" in rebuilt.stderr
    assert not list((out / SCHOOL / "news").glob("*2026-03-06-dianhua*"))  # the school kept its published version
    assert page.is_file()
