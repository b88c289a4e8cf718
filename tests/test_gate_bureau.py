"""Issue 16, related findings: `careportal check` and `build` agree on content/bureau.yml (an e-mail
address in one of its fields is reported by both, at its file and line), and a Markdown link that
the renderer has already made harmless (`java&#x09;script:` → `href="java%09script:…"`) does not
block the school."""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers import copy_demo, run_cli

SCHOOL = "huangshan-cun"


def _with_line(path: Path, key: str, value: str) -> int:
    """Set a top-level `key: value` of a YAML file (appended if absent); returns its line."""
    lines = path.read_text(encoding="utf-8").split("\n")
    for index, line in enumerate(lines):
        if line.startswith(f"{key}:"):
            lines[index] = f"{key}: {value}"
            break
    else:
        index = len(lines) - 1 if lines[-1] == "" else len(lines)
        lines.insert(index, f"{key}: {value}")
    path.write_text("\n".join(lines), encoding="utf-8")
    return index + 1


@pytest.mark.parametrize("key", ["intro", "address"])
def test_check_and_build_both_refuse_an_email_in_bureau_yml_at_its_line(key, tmp_path):
    root = copy_demo(tmp_path / "root", [SCHOOL])
    line = _with_line(root / "content" / "bureau.yml", key, "青溪县教育局基础教育股，来信请寄 qxjyj_jcjy@163.com")
    where = f"content/bureau.yml:{line}: { {'intro': '简介', 'address': '地址'}[key]}: 电子邮箱:"  # the field, in Chinese

    check = run_cli("check", "--root", str(root))
    assert check.returncode == 1, check.stdout + check.stderr
    assert where in check.stderr, check.stdout + check.stderr
    assert "qxjyj_jcjy@163.com" not in check.stdout + check.stderr  # the address itself is masked

    out = tmp_path / "site"
    build = run_cli("build", "--root", str(root), "--out", str(out), "--work", str(tmp_path / "work"))
    assert build.returncode == 1, build.stdout + build.stderr
    assert where in build.stderr, build.stdout + build.stderr
    assert not (out / "index.html").exists() and not (out / SCHOOL).exists()  # nothing was published

    _with_line(root / "content" / "bureau.yml", key, "青溪县教育局基础教育股")  # fixed: both pass
    assert run_cli("check", "--root", str(root)).returncode == 0
    build = run_cli("build", "--root", str(root), "--out", str(out), "--work", str(tmp_path / "work"))
    assert build.returncode == 0, build.stdout + build.stderr
    assert (out / "index.html").is_file() and (out / SCHOOL / "index.html").is_file()


def test_a_link_the_renderer_made_harmless_does_not_block_the_school(tmp_path, chromium):
    root = copy_demo(tmp_path / "root", [SCHOOL])
    activity = sorted((root / "schools" / SCHOOL / "activities").glob("2026-*.yml"))[0]
    text = activity.read_text(encoding="utf-8")
    assert "\nbody: |\n" in text or "\nbody:" not in text
    body = "  更多内容见[这里](java&#x09;script:alert(1))，或[那里]( jav&#x0A;ascript:alert(2))。\n"
    activity.write_text(text.replace("\nbody: |\n", "\nbody: |\n" + body, 1) if "\nbody: |\n" in text
                        else text + "body: |\n" + body, encoding="utf-8")
    out = tmp_path / "site"
    build = run_cli("build", "--root", str(root), "--out", str(out), "--work", str(tmp_path / "work"))
    assert build.returncode == 0, build.stdout + build.stderr
    page = out / SCHOOL / "news" / f"{activity.stem}.html"
    html = page.read_text(encoding="utf-8")
    assert 'href="java%09script:alert(1)"' in html and 'href="jav%0Aascript:alert(2)"' in html
    # and a browser agrees that they are not script links: it reads them as relative addresses
    context = chromium.new_context()
    browser_page = context.new_page()
    dialogs = []
    browser_page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    browser_page.goto(page.as_uri())
    protocols = browser_page.evaluate(
        "() => [...document.querySelectorAll('.cp-body a[href*=script]')].map(a => a.protocol)")
    assert protocols == ["file:", "file:"], protocols
    for index in range(2):  # following them opens no dialog (a missing file at most)
        browser_page.goto(page.as_uri())
        browser_page.locator(".cp-body a[href*=script]").nth(index).click()
        browser_page.wait_for_timeout(200)
    context.close()
    assert not dialogs
