"""The editor's server (careportal edit) over real HTTP: who may call it, which paths it reaches,
and what a save does to the files on disk. Browser tests are in test_editor_browser.py."""

from __future__ import annotations

import base64
import hashlib
import io
import http.client
import json
import re
import os
import subprocess
import sys
import threading
from datetime import date
from pathlib import Path

import pytest
import yaml

from helpers import REPO, copy_demo, run_cli
from helpers import gate_data as gd
from generator.editor import server as server_module
from generator.editor.cms_config import cms_config
from generator.editor.command import schema_text
from generator.editor.schema import KINDS
from generator.editor.server import Editor, VendorError, vendored_files
from generator.privacy import meaning
from generator.problems import Problems
from generator.records import models
from generator.records.load import load_record
from generator.site import views

SLUG = "huangshan-cun"
TAB = "tab0123456789abcd"
MOBILE = "13912345678"


def tree(root: Path) -> dict[str, str]:
    """Every file under the data root with its hash (symlinks by their target)."""
    found = {}
    for path in sorted(root.rglob("*")):
        if path.is_symlink():
            found[str(path)] = "-> " + os.readlink(path)
        elif path.is_file():
            found[str(path)] = hashlib.sha256(path.read_bytes()).hexdigest()
    return found


@pytest.fixture()
def editor(tmp_path):
    root = copy_demo(tmp_path / "root", [SLUG])
    running = Editor(root, SLUG, tmp_path / "work", date(2026, 11, 23))
    thread = threading.Thread(target=running.serve_forever, daemon=True)
    thread.start()
    yield running
    running.shutdown()


def request(editor: Editor, method: str, path: str, body=None, headers=None) -> tuple[int, dict | bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", editor.port, timeout=60)
    sent = {"Host": f"127.0.0.1:{editor.port}", "Origin": editor.origin, "X-Careportal-Tab": TAB,
            "Content-Type": "application/json"}
    sent.update(headers or {})
    sent = {k: v for k, v in sent.items() if v is not None}
    data = json.dumps(body).encode() if body is not None else None
    conn.request(method, path, body=data, headers=sent)
    response = conn.getresponse()
    raw = response.read()
    conn.close()
    try:
        return response.status, json.loads(raw)
    except ValueError:
        return response.status, raw


def api(editor: Editor, action: str, params: dict, tab: str = TAB, **headers) -> tuple[int, dict]:
    return request(editor, "POST", f"/{editor.token}/api/v1", {"action": action, "params": params},
                   {"X-Careportal-Tab": tab, **headers})


def school(editor: Editor) -> Path:
    return editor.store.folder


def persist(editor: Editor, path: str, raw: str, tab: str = TAB) -> tuple[int, dict]:
    return api(editor, "persistEntry", {"dataFiles": [{"path": path, "raw": raw, "slug": Path(path).stem}],
                                        "assets": [], "options": {}}, tab=tab)


# ---------------------------------------------------------------------------------------------
# Who may call


def test_server_binds_loopback_only(editor):
    assert editor.httpd.server_address[0] == "127.0.0.1"


def test_missing_or_wrong_token_refused_and_nothing_written(editor):
    before = tree(editor.store.root)
    raw = (school(editor) / "policies/jiafang.yml").read_text(encoding="utf-8")
    body = {"action": "persistEntry", "params": {"dataFiles": [{"path": "policies/jiafang.yml", "raw": raw + "x"}]}}
    other = ("y" if editor.token[0] == "x" else "x") + editor.token[1:]  # one character wrong, never the token
    for path in ["/api/v1", f"/{other}/api/v1", f"/{editor.token[:-1]}/api/v1", "/"]:
        status, answer = request(editor, "POST", path, body)
        assert status == 403, path
        assert "拒绝访问" in answer["error"]
    status, _ = request(editor, "GET", "/")
    assert status == 403
    status, _ = request(editor, "GET", "/vendor/decap-cms/decap-cms.js")
    assert status == 403
    assert tree(editor.store.root) == before


def test_foreign_origin_and_host_refused(editor):
    before = tree(editor.store.root)
    good = f"/{editor.token}/api/v1"
    raw = (school(editor) / "policies/jiafang.yml").read_text(encoding="utf-8").replace("家访", "家访制度", 1)
    body = {"action": "persistEntry", "params": {"dataFiles": [{"path": "policies/jiafang.yml", "raw": raw}]}}
    for headers in [{"Origin": "http://evil.example"}, {"Origin": f"http://localhost:{editor.port}"},
                    {"Origin": "null"}, {"Host": f"evil.example:{editor.port}"}, {"Host": f"localhost:{editor.port}"},
                    {"Host": "127.0.0.1"}, {"Origin": None, "Sec-Fetch-Site": "cross-site"}]:
        status, answer = request(editor, "POST", good, body, headers)
        assert status == 403, headers
        assert "拒绝访问" in answer["error"]
    status, _ = request(editor, "GET", f"/{editor.token}/", headers={"Host": "attacker.example"})
    assert status == 403
    status, _ = request(editor, "GET", f"/{editor.token}/problems", headers={"Origin": "http://evil.example"})
    assert status == 403
    assert tree(editor.store.root) == before


def test_api_call_without_tab_id_refused(editor):
    status, _ = api(editor, "info", {}, tab="")
    assert status == 403
    status, answer = api(editor, "info", {})
    assert status == 200 and answer["repo"] == SLUG


# ---------------------------------------------------------------------------------------------
# Which paths


BAD_PATHS = ["../huangshan-cun/school.yml", "activities/../school.yml", "../../content/bureau.yml", "/etc/passwd",
             "activities/..%2f..%2fschool.yml", "activities\\..\\school.yml", "private/register.yml",
             "private/../school.yml", "activities/.hidden.yml", "activities/a.txt", "activities/sub/a.yml",
             "photos/../school.yml", "photos/a.exe", "mkdocs.yml", "", "school.yml/"]


def test_bad_paths_refused_for_every_action(editor):
    folder = school(editor)
    (folder / "private").mkdir()
    (folder / "private" / "register.yml").write_text("name: 张小明\n", encoding="utf-8")
    before = tree(editor.store.root)
    for bad in BAD_PATHS:
        status, answer = api(editor, "getEntry", {"path": bad})
        assert status == 403, bad
        assert "不能访问" in answer["error"] or "照片的文件名只能用" in answer["error"]
        status, _ = api(editor, "getMediaFile", {"path": bad})
        assert status == 403, bad
        status, _ = persist(editor, bad, "title: x\n")
        assert status == 403, bad
        status, _ = api(editor, "persistMedia", {"asset": {"path": bad, "content": "AAAA", "encoding": "base64"}})
        assert status == 403, bad
        status, _ = api(editor, "entriesByFiles", {"files": [{"path": bad}]})
        assert status == 403, bad
    for folder_name in ["private", "..", "../..", "", "activities/..", "photos/../private"]:
        status, _ = api(editor, "entriesByFolder", {"folder": folder_name, "extension": "yml", "depth": 1})
        assert status == 403, folder_name
        status, _ = api(editor, "getMedia", {"mediaFolder": folder_name})
        assert status == 403, folder_name
    for action in ["deleteFile", "deleteFiles"]:
        status, _ = api(editor, action, {"path": "policies/jiafang.yml", "paths": ["policies/jiafang.yml"]})
        assert status == 403
    assert tree(editor.store.root) == before


def test_private_register_never_listed_or_served(editor):
    folder = school(editor)
    (folder / "private").mkdir()
    (folder / "private" / "taizhang.csv").write_text("姓名,电话\n张小明,13912345678\n", encoding="utf-8")
    seen = json.dumps([api(editor, "entriesByFolder", {"folder": name, "extension": "yml", "depth": 5})[1]
                       for name in ["activities", "policies", "resources", "summaries", "letters"]]
                      + [api(editor, "getMedia", {"mediaFolder": "photos"})[1],
                         api(editor, "entriesByFiles", {"files": [{"path": "school.yml"}]})[1]], ensure_ascii=False)
    assert "张小明" not in seen and "taizhang" not in seen and "private" not in seen
    for path in ["private/taizhang.csv", "private/", "private"]:
        status, _ = request(editor, "GET", f"/{editor.token}/preview/{path}")
        assert status == 404


def test_symlinks_refused(editor, tmp_path):
    folder = school(editor)
    outside = tmp_path / "outside.yml"
    outside.write_text((folder / "policies/jiafang.yml").read_text(encoding="utf-8"), encoding="utf-8")
    (folder / "policies" / "link.yml").symlink_to(outside)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "x.yml").write_text("name: x\n", encoding="utf-8")
    (folder / "letters").symlink_to(elsewhere, target_is_directory=True)
    before = tree(editor.store.root) | tree(tmp_path / "elsewhere") | {"outside": outside.read_text(encoding="utf-8")}
    status, _ = api(editor, "getEntry", {"path": "policies/link.yml"})
    assert status == 403
    status, _ = persist(editor, "policies/link.yml", outside.read_text(encoding="utf-8").replace("家访", "改了", 1))
    assert status == 403
    status, listed = api(editor, "entriesByFolder", {"folder": "policies", "extension": "yml", "depth": 1})
    assert status == 200 and "policies/link.yml" not in [e["file"]["path"] for e in listed]
    status, _ = api(editor, "entriesByFolder", {"folder": "letters", "extension": "yml", "depth": 1})
    assert status == 403
    status, _ = persist(editor, "letters/new.yml", "title: x\n")
    assert status == 403
    after = tree(editor.store.root) | tree(tmp_path / "elsewhere") | {"outside": outside.read_text(encoding="utf-8")}
    assert after == before


# ---------------------------------------------------------------------------------------------
# What a save does


def test_save_keeps_comments_and_order_of_unchanged_fields(editor):
    path = school(editor) / "policies/tanxin-jiedui.yml"
    original = path.read_text(encoding="utf-8")
    old_form = "cadence:\n  action: 与结对的留守儿童谈心\n  count: 1\n  per: 两周\n  at_least: 是\n"
    assert old_form in original
    status, entry = api(editor, "getEntry", {"path": "policies/tanxin-jiedui.yml"})
    assert status == 200
    # the form has no single `cadence`: the file's one duty shows as the one item of `duties`
    listed = "duties:\n  - action: 与结对的留守儿童谈心\n    count: 1\n    per: 两周\n    at_least: 是\n"
    assert entry["data"] == original.replace(old_form, listed)
    assert path.read_text(encoding="utf-8") == original  # showing it changes nothing
    # what Decap sends: its own YAML of the form, without comments, in the config's field order
    body = json.dumps(entry["data"].split("body: |\n", 1)[1].replace("\n  ", "\n").lstrip(" "), ensure_ascii=False)
    raw = ("name: 谈心和结对帮扶制度\ncategory: 谈心\nsummary: 全体教师每人结对若干名留守儿童，每两周至少谈心一次，做到“多看一眼、多问一声”。\n"
           "responsible_role: 全体教师\nduties:\n  - action: 与结对的留守儿童谈心\n    count: 1\n    per: 月\n    at_least: true\n"
           "instrument: 谈心记录本\nbody: " + body + "\n")
    status, answer = persist(editor, "policies/tanxin-jiedui.yml", raw)
    assert status == 200, answer
    written = path.read_text(encoding="utf-8")
    assert written.startswith("# 工作制度：谈心和结对帮扶制度\n")  # the comment is still there
    # still one duty: the file keeps its older form, only the changed line differs (the 是 kept as written)
    assert written == original.replace(old_form, old_form.replace("per: 两周", "per: 月"))
    assert not [p for p in path.parent.iterdir() if p.name.startswith(".")]  # no temporary file left
    # a second duty added in the form: the first keeps its spelling, the new one is appended
    raw = raw.replace("    at_least: true\n", "    at_least: true\n  - who: 学校\n    through: 督促家长\n    action: 与孩子通电话\n"
                      "    count: 1\n    per: 两周\n    at_least: false\n")
    _, entry = api(editor, "getEntry", {"path": "policies/tanxin-jiedui.yml"})
    status, answer = persist(editor, "policies/tanxin-jiedui.yml", raw)
    assert status == 200, answer
    written = path.read_text(encoding="utf-8")
    assert ("    at_least: 是\n  - who: 学校\n    through: 督促家长\n    action: 与孩子通电话\n    count: 1\n    per: 两周\n"
            "instrument: 谈心记录本\n") in written  # the default (no 至少) is not written out
    item = load_record(editor.store.root, path, models.Policy, Problems())
    assert [views.duty_sentence("全体教师", d) for d in item.record.all_duties] == [
        "全体教师每月至少与结对的留守儿童谈心一次。", "学校督促家长每两周与孩子通电话一次。"]


def test_private_mobile_refused_with_the_text_check_prints(editor, tmp_path):
    path = school(editor) / "policies/jiafang.yml"
    original = path.read_bytes()
    api(editor, "getEntry", {"path": "policies/jiafang.yml"})
    raw = original.decode("utf-8").replace("body: |\n", f"body: |\n  有事请打班主任手机 {MOBILE}。\n", 1)
    before = tree(editor.store.root)
    status, answer = persist(editor, "policies/jiafang.yml", raw)
    assert status == 422
    assert path.read_bytes() == original and tree(editor.store.root) == before
    errors = [p for p in answer["problems"] if p["severity"] == "error"]
    assert errors and errors[0]["field"] == "body"
    assert MOBILE not in json.dumps(answer, ensure_ascii=False)  # the refusal masks the number
    # the same file written by hand: `careportal check` prints the same lines
    other = copy_demo(tmp_path / "other", [SLUG])
    (other / "schools" / SLUG / "policies/jiafang.yml").write_text(raw, encoding="utf-8")
    checked = run_cli("check", "--root", str(other))
    assert checked.returncode == 1
    for problem in errors:
        assert problem["text"] in checked.stderr, (problem["text"], checked.stderr)


def test_a_generated_sentence_is_refused_on_save_as_check_refuses_it(editor, tmp_path):
    """The title alone and the participants alone pass; the page puts them together (“单亲家庭学生心理
    辅导（学生少于10人）”). The editor's save runs the same gate as check (site.generated.gate_school)."""
    path = sorted((school(editor) / "activities").glob("*.yml"))[0]
    rel = f"activities/{path.name}"
    original = path.read_bytes()
    api(editor, "getEntry", {"path": rel})
    text = original.decode("utf-8")
    raw = re.sub(r"(?m)^title: .*$", "title: 单亲家庭学生心理辅导", text, count=1)
    raw = re.sub(r"(?m)^participants: .*$", "participants:\n  count: 6\n  group: 学生", raw, count=1)
    status, answer = persist(editor, rel, raw)
    assert status == 422, answer
    assert path.read_bytes() == original
    errors = [p for p in answer["problems"] if p["severity"] == "error"]
    assert errors and all("参加人数" in p["text"] for p in errors), errors
    other = copy_demo(tmp_path / "other", [SLUG])
    (other / "schools" / SLUG / rel).write_text(raw, encoding="utf-8")
    checked = run_cli("check", "--root", str(other))
    assert checked.returncode == 1 and errors[0]["text"] in checked.stderr, checked.stderr


def test_schema_error_refused_in_chinese(editor):
    api(editor, "getEntry", {"path": "policies/jiafang.yml"})
    raw = (school(editor) / "policies/jiafang.yml").read_text(encoding="utf-8").replace("category: 家访", "category: 出游")
    status, answer = persist(editor, "policies/jiafang.yml", raw)
    assert status == 422
    assert answer["problems"][0]["field"] == "category"
    assert "不是可选的值" in answer["problems"][0]["message"]


def test_second_tab_saving_an_old_copy_is_refused(editor):
    path = school(editor) / "policies/jiafang.yml"
    first, second = "tabAAAAAAAAAAAA1", "tabBBBBBBBBBBBB2"
    for tab in (first, second):
        status, _ = api(editor, "getEntry", {"path": "policies/jiafang.yml"}, tab=tab)
        assert status == 200
    text = path.read_text(encoding="utf-8")
    status, _ = persist(editor, "policies/jiafang.yml", text.replace("responsible_role: ", "responsible_role: 德育处和", 1), tab=first)
    assert status == 200
    saved = path.read_bytes()
    status, answer = persist(editor, "policies/jiafang.yml", text.replace("summary: ", "summary: 第二个窗口：", 1), tab=second)
    assert status == 409
    assert "已经被修改过" in answer["error"]
    assert path.read_bytes() == saved
    # a change made outside the editor (Notepad) is protected the same way
    path.write_text(text.replace("summary: ", "summary: 记事本：", 1), encoding="utf-8")
    status, _ = persist(editor, "policies/jiafang.yml", text, tab=first)
    assert status == 409
    # a "new" record whose file exists already is not overwritten either
    status, answer = persist(editor, "policies/jiafang.yml", text, tab="tabCCCCCCCCCCCC3")
    assert status == 409 and "同名的记录" in answer["error"]


def test_new_activity_written_atomically_with_its_fields(editor):
    raw = ("title: 冬季安全教育主题班会\ndate: 2026-12-10\nkind: 主题班会\nterm: 2026-2027-1\nsummary: 各班开展冬季防火防冻安全教育。\n"
           "participants: 约200\ntime: ''\nlocation: ''\npartners: []\nbody: ''\nphotos: []\n")
    status, answer = persist(editor, "activities/2026-12-10-huodong-101010.yml", raw)
    assert status == 200, answer
    written = (school(editor) / "activities/2026-12-10-huodong-101010.yml").read_text(encoding="utf-8")
    assert "title: 冬季安全教育主题班会\n" in written and "time:" not in written and "location:" not in written
    assert written.startswith("# yaml-language-server: $schema=../../../schemas/activity.schema.json\n")
    status, answer = persist(editor, "activities/2026-12-11-huodong-101010.yml", raw.replace("2026-12-10", "2026-13-40"))
    assert status == 422 and "不是有效日期" in answer["problems"][0]["message"]
    assert not (school(editor) / "activities/2026-12-11-huodong-101010.yml").exists()


# ---------------------------------------------------------------------------------------------
# The vendored editor, the schema, Windows


def test_vendored_decap_matches_checksums(tmp_path, monkeypatch):
    files = vendored_files()
    assert "decap-cms.js" in files and len(files) > 90
    assert json.loads((server_module.VENDOR / "package.json").read_text())["version"] == "3.16.3"
    copy = tmp_path / "vendor"
    copy.mkdir()
    for name in list(files) + ["SHA256SUMS"]:
        (copy / name).write_bytes((server_module.VENDOR / name).read_bytes())
    (copy / "decap-cms.js").write_bytes((copy / "decap-cms.js").read_bytes() + b"\n// changed")
    monkeypatch.setattr(server_module, "VENDOR", copy)
    with pytest.raises(VendorError):
        vendored_files()


def test_the_policy_form_offers_a_list_of_duties_in_chinese():
    (policies,) = [c for c in cms_config("/api", "/preview")["collections"] if c.get("name") == "policies"]
    names = [f["name"] for f in policies["fields"]]
    assert "duties" in names and "cadence" not in names  # the older single form is read, not offered
    duties = policies["fields"][names.index("duties")]
    assert duties["widget"] == "list" and duties["label"] == "各项职责"
    labels = {f["name"]: f["label"] for f in duties["fields"]}
    assert labels == {"who": "谁来做", "through": "通过谁（督促家长、组织学生……）", "action": "做什么", "count": "次数",
                      "count_max": "最多次数", "per": "周期", "frequency": "频次（没有具体次数时）", "at_least": "“至少”",
                      "windows": "时段"}
    at_least = next(f for f in duties["fields"] if f["name"] == "at_least")
    assert at_least["widget"] == "boolean" and at_least["default"] is False
    frequency = next(f for f in duties["fields"] if f["name"] == "frequency")
    assert [o["value"] for o in frequency["options"]] == ["经常", "定期", "不定期", "定期不定期", "随时", "长期", "常年"]
    # the JSON Schema still accepts files in the older form
    schema = json.loads((REPO / "schemas" / "policy.schema.json").read_text(encoding="utf-8"))
    assert {"duties", "cadence"} <= set(schema["properties"])


def test_committed_schemas_are_generated_from_the_models():
    for kind in KINDS:
        assert (REPO / "schemas" / f"{kind}.schema.json").read_text(encoding="utf-8") == schema_text(kind), kind
    result = run_cli("schema")
    assert result.returncode == 0 and set(json.loads(result.stdout)) == set(KINDS)


def test_starter_files_name_their_schema(tmp_path):
    root = copy_demo(tmp_path / "root", [])
    assert run_cli("new", "school", "ceshi-xuexiao", "--root", str(root)).returncode == 0
    assert run_cli("new", "activity", "--school", "ceshi-xuexiao", "--root", str(root)).returncode == 0
    assert run_cli("new", "policy", "--school", "ceshi-xuexiao", "--name", "tanxin", "--root", str(root)).returncode == 0
    (root / "schemas").symlink_to(REPO / "schemas")
    created = [root / "schools/ceshi-xuexiao/school.yml", *(root / "schools/ceshi-xuexiao/activities").glob("*.yml"),
               root / "schools/ceshi-xuexiao/policies/tanxin.yml"]
    for path in created:
        (first,) = [line for line in path.read_text(encoding="utf-8").splitlines()[:3]
                    if line.startswith("# yaml-language-server: $schema=")]
        target = (path.parent / first.split("=", 1)[1]).resolve()
        assert target.is_file() and json.loads(target.read_text(encoding="utf-8"))["type"] == "object"


NO_FCNTL = "import sys; sys.modules['fcntl'] = None; sys.modules['termios'] = None\n"


def test_check_and_edit_run_without_fcntl(tmp_path):
    """Schools run Windows: `careportal check` and `careportal edit` must not need Unix-only modules."""
    root = copy_demo(tmp_path / "root", [SLUG])
    shim = tmp_path / "shim"
    shim.mkdir()
    (shim / "sitecustomize.py").write_text(NO_FCNTL, encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(shim), str(REPO), os.environ.get("PYTHONPATH", "")]),
           "XDG_CACHE_HOME": str(tmp_path / "cache")}
    probe = subprocess.run([sys.executable, "-c", "import fcntl"], env=env, capture_output=True, text=True)
    assert probe.returncode != 0 and "fcntl" in probe.stderr  # the shim works
    checked = subprocess.run([sys.executable, "-m", "generator.cli", "check", "--root", str(root)], env=env,
                             capture_output=True, text=True, timeout=300)
    assert checked.returncode == 0, checked.stderr
    assert "检查通过" in checked.stdout
    process = subprocess.Popen([sys.executable, "-m", "generator.cli", "edit", "--root", str(root),
                                "--no-browser"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = process.stdout.readline()
        assert line.startswith("编辑器已打开：http://127.0.0.1:"), line + process.stderr.read()
        url = line.split("：", 1)[1].strip()
        host, rest = url.removeprefix("http://").split("/", 1)
        conn = http.client.HTTPConnection(*host.split(":"), timeout=60)
        conn.request("GET", "/" + rest)
        page = conn.getresponse()
        assert page.status == 200 and "decap-cms.js" in page.read().decode("utf-8")
        conn.request("GET", f"/{rest}preview/", headers={"Host": host})
        preview = conn.getresponse()
        assert preview.status == 200 and "黄杉村小学" in preview.read().decode("utf-8")
    finally:
        process.terminate()
        process.wait(timeout=30)


def _yaml12(path: Path):
    """A record as VS Code's YAML extension reads it (YAML 1.2: dates are text, 40 is a number)."""
    from ruamel.yaml import YAML

    yaml = YAML(typ="safe", pure=True)
    yaml.constructor.add_constructor("tag:yaml.org,2002:timestamp", lambda loader, node: loader.construct_scalar(node))
    return yaml.load(path.read_text(encoding="utf-8-sig"))


def test_every_demo_record_is_valid_under_its_schema():
    import jsonschema

    from generator.editor.schema import SINGULAR

    checked = 0
    for kind, pattern in [("school", "schools/*/school.yml"), ("bureau", "content/bureau.yml"),
                          *[(SINGULAR[folder], f"schools/*/{folder}/*.yml") for folder in SINGULAR]]:
        validator = jsonschema.Draft7Validator(json.loads((REPO / "schemas" / f"{kind}.schema.json").read_text(encoding="utf-8")))
        for path in sorted(REPO.glob(pattern)):
            errors = [f"{'/'.join(map(str, e.path))}: {e.message}" for e in validator.iter_errors(_yaml12(path))]
            assert errors == [], (path, errors)
            checked += 1
    assert checked > 100
    bad = _yaml12(REPO / "schools" / SLUG / "policies" / "jiafang.yml") | {"category": "出游", "titel": "x"}
    validator = jsonschema.Draft7Validator(json.loads((REPO / "schemas" / "policy.schema.json").read_text(encoding="utf-8")))
    assert len(list(validator.iter_errors(bad))) == 2


def _gps_jpeg() -> bytes:
    from PIL import Image

    image = Image.new("RGB", (2000, 1500), (200, 120, 40))
    exif = Image.Exif()
    exif[0x8825] = {1: "N", 2: (29.0, 43.0, 12.5), 3: "E", 4: (118.0, 18.0, 30.25)}
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif.tobytes())
    return buffer.getvalue()


def test_media_upload_is_stripped_and_a_refused_save_leaves_no_photo(editor):
    from generator.privacy.photos import metadata_found

    data = _gps_jpeg()
    assert metadata_found(data)
    asset = {"path": "photos/IMG_0001.jpg", "content": base64.b64encode(data).decode(), "encoding": "base64"}
    status, answer = api(editor, "persistMedia", {"asset": asset})
    assert status == 200
    stored = (school(editor) / "photos/IMG_0001.jpg").read_bytes()
    assert base64.b64decode(answer["content"]) == stored and metadata_found(stored) == []
    status, listed = api(editor, "getMedia", {"mediaFolder": "photos"})
    assert [item["path"] for item in listed] == ["photos/IMG_0001.jpg"]
    # a photo sent with a record that is refused (no consent) is not kept
    path = "activities/2025-09-08-kaixue-zoufang.yml"
    api(editor, "getEntry", {"path": path})
    raw = (school(editor) / path).read_text(encoding="utf-8") + "photos:\n  - {file: photos/new-1.jpg, caption: 操场}\n"
    before = tree(editor.store.root)
    status, answer = api(editor, "persistEntry", {"dataFiles": [{"path": path, "raw": raw}], "assets": [
        {**asset, "path": "photos/new-1.jpg"}]})
    assert status == 422 and "consent" in answer["error"]
    assert tree(editor.store.root) == before
    status, answer = api(editor, "persistMedia", {"asset": {**asset, "path": "photos/孩子.jpg"}})
    assert status == 403 and "照片的文件名只能用" in answer["error"]


def test_page_and_vendored_files_served_with_fixed_types(editor):
    conn = http.client.HTTPConnection("127.0.0.1", editor.port, timeout=60)
    for path, kind in [("", "text/html"), ("editor.js", "text/javascript"), ("vendor/decap-cms/decap-cms.js", "text/javascript"),
                       ("vendor/decap-cms/dd5d52671a5763720504.wasm", "application/wasm")]:
        conn.request("GET", f"/{editor.token}/{path}", headers={"Host": f"127.0.0.1:{editor.port}"})
        response = conn.getresponse()
        body = response.read()
        assert response.status == 200 and response.getheader("Content-Type").startswith(kind), path
        assert response.getheader("X-Content-Type-Options") == "nosniff" and body
    conn.request("GET", f"/{editor.token}/vendor/decap-cms/SHA256SUMS", headers={"Host": f"127.0.0.1:{editor.port}"})
    assert conn.getresponse().status == 404
    conn.close()


def test_a_sentence_held_for_review_is_saved_with_a_reminder(editor):
    """Review holds publication, not the teacher's work: the editor saves the sentence with a
    reminder, and the 待审核 list has it at once."""
    raw = ("title: 主题班会\ndate: 2026-12-10\nkind: 主题班会\nterm: 2026-2027-1\nsummary: 各班开展主题班会。\n"
           "body: 五年级一名学生最近常常一个人坐在教室角落，班主任已经留意。\n")
    status, answer = persist(editor, "activities/2026-12-10-banhui-101010.yml", raw)
    assert status == 200, answer
    assert (school(editor) / "activities/2026-12-10-banhui-101010.yml").is_file()
    assert any("待审核" in w["text"] and "careportal review" in w["text"] for w in answer["warnings"]), answer
    status, listed = request(editor, "GET", f"/{editor.token}/reviews")
    assert status == 200 and listed["pending"] == 1
    assert [i["file"] for i in listed["items"]] == [f"schools/{SLUG}/activities/2026-12-10-banhui-101010.yml"]


# ---------------------------------------------------------------------------------------------
# The 待审核 panel's API: the list check makes, decisions written by privacy/reviews.py

REVIEWED = "五年级一名学生最近常常一个人坐在教室角落，班主任已经留意。"


def held(editor: Editor) -> Path:
    """A sentence held for review, written outside the editor (as Notepad would)."""
    return gd.write_activity(school(editor), "2026-03-02-banhui", body=REVIEWED, title="三月主题班会")


def reviews_file(editor: Editor) -> Path:
    return school(editor) / "private" / "reviews.yml"


def decide(editor: Editor, sentence: str, decision: str, role: str, **headers) -> tuple[int, dict]:
    return request(editor, "POST", f"/{editor.token}/reviews",
                   {"sentence": sentence, "decision": decision, "role": role}, headers)


def test_review_list_is_the_check_gates_and_an_approval_lets_check_pass(editor):
    root = editor.store.root
    path = held(editor)
    checked = run_cli("check", "--root", str(root))
    assert checked.returncode == 1 and ": 正文: 待审核: " in checked.stderr
    line = next(n for n, text in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if "五年级" in text)
    status, listed = request(editor, "GET", f"/{editor.token}/reviews")
    assert status == 200 and listed["pending"] == 1, listed
    (item,) = listed["items"]
    digest = meaning.sentence_digest(REVIEWED)
    assert item == {"file": f"schools/{SLUG}/activities/2026-03-02-banhui.yml", "line": line, "field": "正文",
                    "sentence": REVIEWED.rstrip("。"), "digest": digest, "decision": "pending", "state": "待审核",
                    "role": "", "date": "", "kind": "活动", "title": "三月主题班会",
                    "link": "#/collections/activities/entries/2026-03-02-banhui"}
    # the CLI lists the same sentence at the same place
    listed_cli = run_cli("review", "--root", str(root), "--school", SLUG, "--list")
    assert f"[待审核] 编号 {digest[:8]}  {item['file']}:{line} 正文" in listed_cli.stdout and REVIEWED.rstrip("。") in listed_cli.stdout

    status, answer = decide(editor, digest, "approved", "王校长")
    assert status == 422 and answer["error"] == "审核记录只写岗位，不写人名（这里写了“王**”）。例如：德育主任", answer
    assert not reviews_file(editor).exists()
    cli = run_cli("review", "--root", str(root), "--school", SLUG, "--approve", digest[:8], "--role", "王校长")
    assert cli.returncode == 2 and answer["error"] in " ".join(cli.stderr.split()), cli.stderr  # one check, one message
    status, answer = decide(editor, digest, "approved", "  ")
    assert status == 422 and "岗位" in answer["error"] and not reviews_file(editor).exists()

    status, answer = decide(editor, digest, "approved", " 德育主任 ")
    assert status == 200, answer
    assert answer["pending"] == 0 and answer["message"] == "已批准（德育主任，2026-11-23）"
    assert [(i["decision"], i["state"], i["role"], i["date"]) for i in answer["items"]] == [
        ("approved", "已批准", "德育主任", "2026-11-23")]
    written = yaml.safe_load(reviews_file(editor).read_text(encoding="utf-8"))["reviews"]
    assert written == [{"sentence": digest, "decision": "approved", "role": "德育主任", "date": "2026-11-23",
                        "file": item["file"]}]
    checked = run_cli("check", "--root", str(root))
    assert checked.returncode == 0, checked.stderr
    # reviews.yml stays out of reach of the CMS file API
    for action, params in [("getEntry", {"path": "private/reviews.yml"}),
                           ("entriesByFolder", {"folder": "private", "extension": "yml", "depth": 1})]:
        status, answer = api(editor, action, params)
        assert status == 403 and digest not in json.dumps(answer), action


def test_review_rejection_and_a_changed_sentence(editor):
    path = held(editor)
    digest = meaning.sentence_digest(REVIEWED)
    status, answer = decide(editor, digest, "rejected", "校长")
    assert status == 200 and answer["pending"] == 0 and answer["items"][0]["state"] == "已驳回"
    checked = run_cli("check", "--root", str(editor.store.root))
    assert checked.returncode == 1 and ": 正文: 已驳回: " in checked.stderr
    # the rejection holds publication, not the teacher's other records: another file still saves
    other = school(editor) / "policies/jiafang.yml"
    api(editor, "getEntry", {"path": "policies/jiafang.yml"})
    status, answer = persist(editor, "policies/jiafang.yml",
                             other.read_text(encoding="utf-8").replace("body: |\n", "body: |\n  家访后填写记录表。\n", 1))
    assert status == 200, answer
    assert "家访后填写记录表" in other.read_text(encoding="utf-8")
    path.write_text(path.read_text(encoding="utf-8").replace("角落", "后排"), encoding="utf-8")
    status, answer = decide(editor, digest, "approved", "校长")  # the sentence it was shown has changed
    assert status == 409 and "已经改过" in answer["error"]
    assert answer["pending"] == 1 and answer["items"][0]["sentence"] == REVIEWED.replace("角落", "后排").rstrip("。")
    assert [e["decision"] for e in yaml.safe_load(reviews_file(editor).read_text(encoding="utf-8"))["reviews"]] == ["rejected"]


def test_review_decisions_refused_from_elsewhere(editor):
    held(editor)
    digest = meaning.sentence_digest(REVIEWED)
    body = {"sentence": digest, "decision": "approved", "role": "德育主任"}
    other = ("y" if editor.token[0] == "x" else "x") + editor.token[1:]
    for path in ["/reviews", f"/{other}/reviews", f"/{editor.token[:-1]}/reviews"]:
        status, answer = request(editor, "POST", path, body)
        assert status == 403 and "拒绝访问" in answer["error"], path
        status, _ = request(editor, "GET", path)
        assert status == 403, path
    for headers in [{"Origin": "http://evil.example"}, {"Origin": f"http://localhost:{editor.port}"}, {"Origin": "null"},
                    {"Host": f"evil.example:{editor.port}"}, {"Origin": None, "Sec-Fetch-Site": "cross-site"},
                    {"Origin": None, "Sec-Fetch-Site": "same-site"}, {"X-Careportal-Tab": None},
                    {"Content-Type": "text/plain"}]:
        status, answer = request(editor, "POST", f"/{editor.token}/reviews", body, headers)
        assert status in (403, 415), headers
        assert "拒绝访问" in answer["error"] or "格式" in answer["error"], headers
    status, _ = request(editor, "GET", f"/{editor.token}/reviews", headers={"Host": f"evil.example:{editor.port}"})
    assert status == 403
    for wrong in [{"sentence": "d74a"}, {"decision": "maybe"}, {"role": 3}]:
        status, answer = request(editor, "POST", f"/{editor.token}/reviews", {**body, **wrong})
        assert status == 422 and answer["error"] == "请求格式不对", wrong
    assert not reviews_file(editor).exists()
