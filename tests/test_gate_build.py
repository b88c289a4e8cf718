"""The privacy gate inside a real `careportal build`: photos are re-encoded without metadata and
named by hash, small cells are suppressed on the page, a school that leaks is not published (its
previous site stays byte for byte) while another school publishes, the build exits 1, and the
JSON report outside the published tree says what was blocked, with values masked."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from PIL import Image

from helpers import copy_demo, run_cli

from helpers import gate_data as gd

SCHOOL, OTHER = "huangshan-cun", "liulang-zhongxin"
ROWS = gd.children(20)
CAPTION = "学生们在班会上分组讨论"


def _snapshot(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def _report_path(result) -> Path:
    match = re.search(r"隐私检查报告（不发布）：(.+)$", result.stdout, re.M)
    assert match, result.stdout
    return Path(match.group(1).strip())


@pytest.fixture(scope="module")
def county(tmp_path_factory):
    """The demo data with a register, a consented GPS-tagged photo and a grade band of 3, built."""
    base = tmp_path_factory.mktemp("gatebuild")
    root = copy_demo(base / "root")
    school = root / "schools" / SCHOOL
    gd.write_xlsx(school / "private" / "2025-2026-2.xlsx", ROWS)
    gd.write_consents(school, [("2026-监护人同意书-07", "2026-02-20", "学校网站、宣传栏", "2027-08-31")])
    gd.gps_jpeg(school / "photos" / "banhui-sanban-0302.jpg", size=(2400, 1600))
    gd.write_activity(school, "2026-03-02-banhui", extra=(
        "photos:\n"
        "  - file: photos/banhui-sanban-0302.jpg\n"
        f"    caption: {CAPTION}\n"
        "    consent: 2026-监护人同意书-07\n"
        "    faces: blurred\n"))
    (school / "summaries" / "2024-2025-2.yml").write_text(
        "term: 2024-2025-2\nstudents_total: 126\nleft_behind:\n  total: 53\n  by_grade_band:\n"
        "    - {band: 学前班, count: 3}\n    - {band: 1—3年级, count: 22}\n    - {band: 4—6年级, count: 28}\n",
        encoding="utf-8")
    out, work = base / "site", base / "work"
    first = run_cli("build", "--root", str(root), "--out", str(out), "--work", str(work),
                    "--school", SCHOOL, "--school", OTHER)
    assert first.returncode == 0, first.stdout + first.stderr
    return root, out, work, first


def test_photo_is_reencoded_upright_small_without_metadata_and_named_by_hash(county):
    root, out, _, _ = county
    photos = sorted((out / SCHOOL / "photos").iterdir())
    assert len(photos) == 1
    data = photos[0].read_bytes()
    digest = hashlib.sha256(data).digest()
    import base64

    assert photos[0].name == base64.b32encode(digest).decode().lower()[:26] + ".jpg"
    with Image.open(photos[0]) as image:
        assert image.format == "JPEG"
        assert image.width <= 1280 and image.height > image.width  # orientation 6 applied, then scaled
        assert len(image.getexif()) == 0
        assert [marker for marker, _ in image.applist] == ["APP0"]  # JFIF only: no EXIF, XMP, ICC, COM
        for key in ("exif", "comment", "icc_profile", "xmp"):
            assert key not in image.info
    for secret in (b"Exif", b"adobe:ns:meta", b"ICC_PROFILE", "林梓萱".encode(), "黄杉村3组".encode(), b"PhoneMaker"):
        assert secret not in data
    assert not any("banhui-sanban-0302" in p.as_posix() for p in out.rglob("*"))
    page = BeautifulSoup((out / SCHOOL / "news" / "2026-03-02-banhui.html").read_text(encoding="utf-8"), "html.parser")
    image = page.select_one(f'img[alt="{CAPTION}"]')
    assert image is not None and image["src"] == f"../photos/{photos[0].name}"
    assert (out / SCHOOL / "zh-Hant" / "photos" / photos[0].name).read_bytes() == data


def test_grade_band_of_three_is_suppressed_on_the_data_page(county):
    _, out, _, _ = county
    page = BeautifulSoup((out / SCHOOL / "data" / "index.html").read_text(encoding="utf-8"), "html.parser")
    section = page.select_one("#term-2024-2025-2")
    cells = {row.th.get_text(strip=True): row.td.get_text(strip=True) for row in section.select("tr") if row.th and row.td}
    assert cells["学前班"] == "少于10人"
    assert cells["1—3年级"] == "不公布"
    assert cells["4—6年级"] == "28人"
    assert not {"3人", "22人"} & set(cells.values())
    assert re.search(r"(?<!\d)(3|22)人", section.get_text()) is None


def test_report_is_written_outside_the_published_tree(county):
    _, out, work, first = county
    path = _report_path(first)
    assert out.resolve() not in path.resolve().parents and work.resolve() in path.resolve().parents
    report = json.loads(path.read_text(encoding="utf-8"))
    assert [r["id"] for r in report["rules"]] == list(range(1, 10))
    schools = {s["slug"]: s for s in report["schools"]}
    assert schools[SCHOOL]["status"] == "built" and schools[SCHOOL]["register"]["names"] >= 20
    assert {"table": "留守儿童分学段人数", "cell": "学前班", "shown": "少于10人"}.items() <= next(
        s for s in schools[SCHOOL]["suppressed"] if s["cell"] == "学前班").items()


def test_a_leaking_school_is_not_published_and_the_others_are(county):
    root, out, work, _ = county
    before = _snapshot(out / SCHOOL)
    number = ROWS[3]["身份证号"]
    gd.write_activity(root / "schools" / SCHOOL, "2026-03-09-jiafang",
                      body=f"{ROWS[3]['姓名'][1:]}的奶奶说，孩子的证件号是 {number[:9]} {number[9:]}。")
    gd.write_activity(root / "schools" / OTHER, "2026-03-09-banhui", title="三月主题班会")
    result = run_cli("build", "--root", str(root), "--out", str(out), "--work", str(work),
                     "--school", SCHOOL, "--school", OTHER)
    assert result.returncode == 1
    rel = f"schools/{SCHOOL}/activities/2026-03-09-jiafang.yml:{gd.ACTIVITY_BODY_LINE}"
    assert f"{rel}: 正文: 台账信息: " in result.stderr and f"{rel}: 正文: 身份证号: " in result.stderr
    assert _snapshot(out / SCHOOL) == before  # the previous site, byte for byte
    assert not (out / SCHOOL / "news" / "2026-03-09-jiafang.html").exists()
    assert "三月主题班会" in (out / OTHER / "news" / "2026-03-09-banhui.html").read_text(encoding="utf-8")
    report_text = _report_path(result).read_text(encoding="utf-8")
    report = json.loads(report_text)
    schools = {s["slug"]: s for s in report["schools"]}
    assert schools[SCHOOL]["status"] == "failed" and schools[OTHER]["status"] == "built"
    labels = {f["label"] for f in schools[SCHOOL]["findings"]}
    assert {"台账信息", "身份证号"} <= labels
    assert {f["rule"] for f in schools[SCHOOL]["findings"] if f["label"] in {"台账信息", "身份证号"}} == {1, 2}
    assert {f["field"] for f in schools[SCHOOL]["findings"] if f["label"] in {"台账信息", "身份证号"}} == {"正文"}
    for secret in (number, ROWS[3]["姓名"], ROWS[3]["姓名"][1:]):
        assert secret not in report_text and secret not in result.stdout + result.stderr
    assert f"{number[:4]}**********{number[-4:]}" in report_text
