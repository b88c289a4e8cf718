"""The real editor in Debian's Chromium: Decap CMS (vendored) talking to careportal's server.
Every test records every request the page makes: none may leave 127.0.0.1:<the editor's port>."""

from __future__ import annotations

import io
import os
import tempfile
import re
import threading
import time
from datetime import date
from pathlib import Path

import pytest
from PIL import Image

from helpers import REPO, copy_demo
from helpers import gate_data as gd
from generator.editor.server import Editor
from generator.privacy.photos import metadata_found
from generator.problems import Problems
from generator.records import models
from generator.records.load import load_record

SLUG = "huangshan-cun"
MOBILE = "13912345678"
# screenshots go to docs/images/ only when asked (CAREPORTAL_SCREENSHOTS=1): a test run leaves the tree alone
IMAGES = REPO / "docs" / "images" if os.environ.get("CAREPORTAL_SCREENSHOTS") else Path(tempfile.gettempdir()) / "careportal-editor-shots"


@pytest.fixture()
def editor(tmp_path):
    root = copy_demo(tmp_path / "root", [SLUG])
    running = Editor(root, SLUG, tmp_path / "work", date(2026, 11, 23))
    threading.Thread(target=running.serve_forever, daemon=True).start()
    yield running
    running.shutdown()


class Session:
    """A browser context on the editor that records every request made by its pages."""

    def __init__(self, chromium, editor: Editor):
        self.editor = editor
        self.context = chromium.new_context(viewport={"width": 1100, "height": 800}, locale="zh-CN")
        self.requests: list[str] = []
        self.context.on("request", lambda request: self.requests.append(request.url))

    def open(self, fragment: str = ""):
        page = self.context.new_page()
        page.goto(self.editor.url + fragment)
        return page

    def outside(self) -> list[str]:
        own = self.editor.origin + "/"
        return [url for url in self.requests if not (url.startswith(own) or url.startswith(("data:", "blob:")))]

    def close(self) -> None:
        self.context.close()


@pytest.fixture()
def session(chromium, editor):
    opened = Session(chromium, editor)
    yield opened
    assert opened.outside() == []  # nothing ever leaves 127.0.0.1
    opened.close()


def publish(page) -> None:
    page.get_by_role("button", name="发布").first.click()
    page.get_by_text("立即发布").click()


def wait_for(condition, timeout: float = 30.0):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        value = condition()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError("timed out")


def pick(page, field: str, option: str) -> None:
    """Choose an option of a Decap select (react-select) by its label."""
    box = page.locator(f'input[id^="{field}-field-"]').first
    box.focus()
    page.keyboard.type(option)
    page.get_by_role("option", name=option, exact=True).wait_for()
    page.keyboard.press("Enter")
    assert page.locator(f'input[id^="{field}-field-"]').first.evaluate(
        "e => e.closest('[class*=container]').querySelector('[class*=singleValue]').textContent") == option


def preview_html(session: Session, pattern: str) -> str:
    """The preview's pages (built on request like a reader's first visit) containing `pattern`."""
    page = session.context.new_page()
    page.goto(session.editor.url + "preview/")
    site = session.editor.preview.site
    assert site is not None, [p.format() for p in session.editor.preview.problems]
    found = [p for p in site.rglob("*.html") if pattern in p.read_text(encoding="utf-8")]
    page.close()
    return "\n".join(p.relative_to(site).as_posix() for p in found)


def shot(page, name: str) -> None:
    """A small PNG for docs/editor.md (palette-reduced)."""
    IMAGES.mkdir(parents=True, exist_ok=True)
    image = Image.open(io.BytesIO(page.screenshot())).convert("RGB")
    image = image.resize((image.width * 3 // 4, image.height * 3 // 4), Image.Resampling.LANCZOS)
    image.quantize(colors=64).save(IMAGES / name, optimize=True)


def test_list_is_chinese_and_offline(session):
    page = session.open("#/collections/activities")
    page.get_by_text("开学摸底走访").wait_for()
    # newest first, as the site lists them
    dates = [line.split("\u3000")[0] for line in page.locator("main a[href*='/entries/'], a[href*='/entries/']").all_inner_texts()]
    assert len(dates) > 10 and dates == sorted(dates, reverse=True), dates
    for label in ["学校信息", "活动", "关爱制度", "关爱阵地", "学期统计", "给家长的信", "内容", "媒体"]:
        assert page.get_by_text(label, exact=True).first.is_visible(), label
    page.locator("#careportal-status").get_by_text("全部记录检查通过").wait_for()
    shot(page, "editor-list.png")


def test_records_with_problems_are_marked_in_the_list(session):
    """A record broken outside the editor (Notepad) shows at a glance in its list."""
    path = session.editor.store.folder / "activities/2026-01-16-hanjia-anquan.yml"
    assert path.is_file()
    path.write_text(path.read_text(encoding="utf-8").replace("kind: ", "kind: 出游#", 1), encoding="utf-8")
    page = session.open("#/collections/activities")
    badge = page.locator('a[href$="/entries/2026-01-16-hanjia-anquan"] .careportal-badge')
    badge.wait_for()
    assert badge.inner_text() == "需要修改"
    assert page.locator(".careportal-badge").count() == 1
    page.locator("#careportal-status").get_by_text("有 1 个问题需要修改").wait_for()


def test_create_activity_through_the_form(session):
    editor = session.editor
    folder = editor.store.folder / "activities"
    before = set(folder.iterdir())
    page = session.open("#/collections/activities/new")
    page.locator('input[id^="title-field-"]').fill("冬季防火安全教育主题班会")
    page.locator('input[id^="date-field-"]').fill("2026-12-10")
    page.locator('input[id^="time-field-"]').fill("14:30")
    pick(page, "kind", "主题班会")
    page.locator('input[id^="participants-field-"]').fill("约200")
    page.locator('textarea[id^="summary-field-"]').fill("各班开展冬季防火防冻安全教育。")
    page.locator('textarea[id^="body-field-"]').fill("第一段：认识火灾的危险。\n\n第二段：学会拨打 119。")
    page.locator('input[id^="title-field-"]').scroll_into_view_if_needed()
    page.mouse.wheel(0, -2000)
    shot(page, "editor-form.png")
    publish(page)
    created = wait_for(lambda: {p for p in set(folder.iterdir()) - before if not p.name.startswith(".")})
    (path,) = created
    assert re.fullmatch(r"20[0-9]{2}-[0-9]{2}-[0-9]{2}-huodong-[0-9]{6}\.yml", path.name), path.name
    problems = Problems()
    loaded = load_record(editor.store.root, path, models.Activity, problems)
    assert loaded is not None, [p.format() for p in problems]
    record = loaded.record
    assert (record.title, record.date.iso(), str(record.time), record.kind) == (
        "冬季防火安全教育主题班会", "2026-12-10", "14:30", models.ActivityKind.CLASS_MEETING)
    assert record.term.code == "2026-2027-1" and record.participants.count == 200
    assert record.body == "第一段：认识火灾的危险。\n\n第二段：学会拨打 119。"
    text = path.read_text(encoding="utf-8")
    assert "body: |" in text and "location" not in text  # prose as a block, empty fields left out
    pages = preview_html(session, "冬季防火安全教育主题班会")
    assert "news/" in pages or "activities/" in pages or pages, pages
    page.goto(editor.url + "preview/" + pages.splitlines()[0])
    assert "冬季防火安全教育主题班会" in page.inner_text("body")


def test_edit_policy_cadence_changes_the_sentence(session):
    editor = session.editor
    assert "全体教师每两周至少与结对的留守儿童谈心一次。" in open_preview_text(session)
    page = session.open("#/collections/policies/entries/tanxin-jiedui")
    page.locator('input[id^="title-field-"], input[id^="name-field-"]').first.wait_for()
    pick(page, "per", "月")
    path = editor.store.folder / "policies/tanxin-jiedui.yml"
    original = path.read_text(encoding="utf-8")
    publish(page)
    wait_for(lambda: "per: 月" in path.read_text(encoding="utf-8"))
    written = path.read_text(encoding="utf-8")
    # the form shows the file's one `cadence` as the one item of `duties`; while it stays one duty
    # the file keeps its older form and only the changed line differs (at_least: 是 and comments kept)
    old_form = "cadence:\n  action: 与结对的留守儿童谈心\n  count: 1\n  per: 两周\n  at_least: 是\n"
    assert written == original.replace(old_form, old_form.replace("per: 两周", "per: 月"))
    text = open_preview_text(session)
    assert "全体教师每月至少与结对的留守儿童谈心一次。" in text and "全体教师每两周至少" not in text


def open_preview_text(session: Session) -> str:
    page = session.context.new_page()
    page.goto(session.editor.url + "preview/policies/tanxin-jiedui.html")
    assert page.title().startswith("谈心和结对帮扶制度")
    text = page.inner_text("body")
    page.close()
    return text


def test_private_mobile_refused_next_to_the_field(session):
    path = session.editor.store.folder / "policies/jiafang.yml"
    original = path.read_bytes()
    page = session.open("#/collections/policies/entries/jiafang")
    body = page.locator('textarea[id^="body-field-"]')
    body.wait_for()
    body.fill(body.input_value() + f"\n\n有事请打班主任手机 {MOBILE}。")
    publish(page)
    note = page.locator(".careportal-problem")
    note.first.wait_for()
    message = note.first.inner_text()
    assert "手机" in message or "电话" in message, message
    assert MOBILE not in page.inner_text("body").replace(body.input_value(), "")
    # the note sits right under the body field's label
    assert page.evaluate("""() => {
        const note = document.querySelector('.careportal-problem');
        return note.previousElementSibling.querySelector('label').getAttribute('for').startsWith('body-field-');
    }""")
    assert path.read_bytes() == original
    shot(page, "editor-error.png")


def gps_jpeg() -> bytes:
    image = Image.new("RGB", (2400, 1600), (90, 140, 200))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    gps = {1: "N", 2: (29.0, 43.0, 12.5), 3: "E", 4: (118.0, 18.0, 30.25)}
    exif[0x8825] = gps
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif.tobytes(), comment=b"Zhang Xiaoming at home")
    data = buffer.getvalue()
    assert "EXIF 元数据（可能含 GPS 位置）" in metadata_found(data)
    return data


def test_photo_upload_is_stripped_of_gps(session, tmp_path):
    upload = tmp_path / "IMG_2026-gps.jpg"
    upload.write_bytes(gps_jpeg())
    photos = session.editor.store.folder / "photos"
    record = session.editor.store.folder / "activities/2025-09-08-kaixue-zoufang.yml"
    private = session.editor.store.folder / "private"  # the guardians' consent the photo will name (never served)
    private.mkdir(exist_ok=True)
    (private / "consents.csv").write_text("编号,监护人同意日期,范围,有效期至\n2025秋-家长同意书-03,2025-09-01,学校网站,2030-08-31\n",
                                          encoding="utf-8")
    page = session.open("#/collections/activities/entries/2025-09-08-kaixue-zoufang")
    page.get_by_role("button", name="新增照片").click()
    page.get_by_role("button", name="选择图片").first.click()
    page.locator('input[type="file"]').set_input_files(str(upload))
    page.get_by_role("button", name="选用已选中项目").click()
    page.locator('input[id^="caption-field-"]').fill("同学们在操场上做游戏")
    original = record.read_bytes()
    publish(page)  # without consent and faces: Decap refuses before anything is sent
    page.get_by_text("照片里的人脸").first.wait_for()
    time.sleep(1)
    assert record.read_bytes() == original and not photos.exists()
    page.locator('input[id^="consent-field-"]').fill("2025秋-家长同意书-03")
    pick(page, "faces", "没有人脸")
    publish(page)
    stored = wait_for(lambda: [p for p in photos.glob("*") if p.is_file() and not p.name.startswith(".")] if photos.is_dir() else [])
    (path,) = stored
    text = wait_for(lambda: record.read_text(encoding="utf-8") if "consent" in record.read_text(encoding="utf-8") else "")
    assert f"photos/{path.name}" in text and "faces: none" in text
    data = wait_for(lambda: path.read_bytes() if path.stat().st_size else b"")
    assert metadata_found(data) == []
    assert b"Zhang" not in data and b"PhoneMaker" not in data
    with Image.open(path) as im:
        assert im.width == 1280 and not im.getexif()


def test_second_tab_cannot_overwrite_the_first(session):
    path = session.editor.store.folder / "policies/jiafang.yml"
    first = session.open("#/collections/policies/entries/jiafang")
    second = session.open("#/collections/policies/entries/jiafang")
    for page in (first, second):
        page.locator('textarea[id^="summary-field-"]').wait_for()
    first.locator('textarea[id^="summary-field-"]').fill("第一个窗口改的摘要。")
    publish(first)
    wait_for(lambda: "第一个窗口改的摘要。" in path.read_text(encoding="utf-8"))
    saved = path.read_bytes()
    second.locator('textarea[id^="summary-field-"]').fill("第二个窗口改的摘要。")
    publish(second)
    second.locator("#careportal-problems").get_by_text("已经被修改过", exact=False).wait_for()
    assert path.read_bytes() == saved


@pytest.fixture()
def full_editor(tmp_path):
    """A school with every kind of record (letters too)."""
    root = copy_demo(tmp_path / "root", ["qingxi-zhongxin"])
    running = Editor(root, "qingxi-zhongxin", tmp_path / "work", date(2026, 11, 23))
    threading.Thread(target=running.serve_forever, daemon=True).start()
    yield running
    running.shutdown()


# one field of each kind that every record has, to change and change back
TOUCH = {"school": ("intro", lambda v: v + "改"), "activities": ("summary", lambda v: v + "改"),
         "policies": ("summary", lambda v: v + "改"), "resources": ("location", lambda v: v + "改"),
         "summaries": ("students_total", lambda v: str(int(v) + 1)), "letters": ("signed", lambda v: v + "改")}


def test_every_kind_opens_and_saves_unchanged(chromium, full_editor):
    """Each kind of record opens in its form; a change is saved on its own line, and changing it
    back gives the file byte for byte as it was (comments, quotes, order): Decap's YAML is merged
    into the file rather than replacing it."""
    session = Session(chromium, full_editor)
    folder = full_editor.store.folder
    targets = [("school", "#/collections/school/entries/school", folder / "school.yml")]
    for kind in ["activities", "policies", "resources", "summaries", "letters"]:
        path = sorted((folder / kind).glob("*.yml"))[0]
        targets.append((kind, f"#/collections/{kind}/entries/{path.stem}", path))
    for kind, fragment, path in targets:
        original = path.read_bytes()
        name, change = TOUCH[kind]
        page = session.open(fragment)
        box = page.locator(f'[id^="{name}-field-"]').first
        box.wait_for()
        value = box.input_value()
        assert value, (kind, path.name)
        box.fill(change(value))
        publish(page)
        changed = wait_for(lambda: path.read_bytes() != original and path.read_text(encoding="utf-8"))
        assert change(value) in changed, (path.name, changed)
        old_lines, new_lines = original.decode("utf-8").splitlines(), changed.splitlines()
        assert len(old_lines) == len(new_lines), (path.name, changed)
        assert sum(a != b for a, b in zip(old_lines, new_lines)) == 1, (path.name, changed)
        page.get_by_text("已发布", exact=True).wait_for()
        page.close()  # Decap compares a form with the entry as first loaded: change it back in a fresh page
        page = session.open(fragment)
        box = page.locator(f'[id^="{name}-field-"]').first
        box.wait_for()
        assert box.input_value() == change(value)
        box.fill(value)
        publish(page)
        wait_for(lambda: path.read_bytes() == original)
        page.close()
    assert session.outside() == []
    session.close()


REVIEWED = "五年级一名学生最近常常一个人坐在教室角落，班主任已经留意。"
SAVED_FOR_REVIEW = "黄杉村一名学生暑假里在河边玩水，被村民劝回。"


def test_review_panel_counts_and_approves(session):
    """The 待审核 button counts the sentences held for review (one written in Notepad, one saved
    in the form); the panel explains review, refuses a name as the reviewer and records approvals."""
    editor = session.editor
    gd.write_activity(editor.store.folder, "2026-03-02-banhui", body=REVIEWED, title="三月主题班会")
    page = session.open("#/collections/policies/entries/jiafang")
    page.set_viewport_size({"width": 1280, "height": 800})
    count = page.locator("#careportal-review-count")
    wait_for(lambda: count.inner_text() == "1")
    assert "waiting" in page.locator("#careportal-reviews").get_attribute("class")
    body = page.locator('textarea[id^="body-field-"]')
    body.wait_for()
    body.fill(body.input_value() + "\n\n" + SAVED_FOR_REVIEW)
    publish(page)
    wait_for(lambda: count.inner_text() == "2")  # refreshed after the save, no reload

    page.locator("#careportal-reviews").click()
    panel = page.locator("#careportal-review-panel")
    panel.get_by_text("可能让村里的人认出是哪个孩子").wait_for()
    items = panel.locator(".careportal-review-item")
    wait_for(lambda: items.count() == 2)
    texts = items.all_inner_texts()
    assert any("三月主题班会" in t and "activities/2026-03-02-banhui.yml" in t and "正文" in t
               and REVIEWED.rstrip("。") in t and "待审核" in t for t in texts), texts
    assert any("policies/jiafang.yml" in t and SAVED_FOR_REVIEW.rstrip("。") in t for t in texts), texts
    assert page.evaluate("parseFloat(getComputedStyle(document.querySelector('.careportal-review-sentence')).fontSize)") >= 18

    role = page.locator("#careportal-review-role")
    role.fill("王校长")
    items.first.get_by_role("button", name="批准").click()
    message = page.locator("#careportal-review-message")
    message.get_by_text("不写人名", exact=False).wait_for()
    assert count.inner_text() == "2" and not (editor.store.folder / "private" / "reviews.yml").exists()
    role.fill("德育主任")
    shot(page, "editor-review.png")
    for _ in range(2):
        before = count.inner_text()
        panel.locator('.careportal-review-item[data-decision="pending"]').first.get_by_role("button", name="批准").click()
        wait_for(lambda before=before: count.inner_text() != before)
    assert count.inner_text() == "0"
    assert "waiting" not in (page.locator("#careportal-reviews").get_attribute("class") or "")
    assert [t.startswith("已批准") for t in items.all_inner_texts()] == [True, True]
    message.get_by_text("已批准（德育主任，2026-11-23）", exact=False).wait_for()
    page.locator("#careportal-status").get_by_text("全部记录检查通过").wait_for()
    written = (editor.store.folder / "private" / "reviews.yml").read_text(encoding="utf-8")
    assert written.count("decision: approved") == 2 and written.count("role: 德育主任") == 2
    page.locator("#careportal-review-close").click()
    assert not panel.is_visible()
    page.locator("#careportal-reviews").click()
    with session.context.expect_page() as opened:
        panel.get_by_role("link", name="活动：三月主题班会").click()  # the title opens the record
    record = opened.value
    record.locator('input[id^="title-field-"]').wait_for()
    wait_for(lambda: record.locator('input[id^="title-field-"]').input_value() == "三月主题班会")
