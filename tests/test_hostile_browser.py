"""Script injection, proved in a real browser: a school whose every free-text field (and the bureau's)
carries a payload is built with the real CLI, then every page of it and the county portal are
loaded in Chromium. No dialog may open, no element or attribute from content may exist, no marker
global set by a payload may be defined; and each payload must be visible on the page as text.
"""

from __future__ import annotations

import re
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import yaml

from helpers import run_cli, serve

SLUG = "payload-school"
PHONES = {"family": "0599-6230001", "office": "0599-6230002", "room": "0599-6230003"}
# Each payload is shorter than a title (120 characters) and free of phone- or ID-like digit runs.
PAYLOADS = [
    '<script>window.cpxss_a=1;alert("cpxss")</script>',
    '<img src=x onerror="window.cpxss_b=1;alert(1)">',
    '"><svg onload="window.cpxss_c=1;alert(1)">',
    "</title><script>window.cpxss_d=1</script>",
    "'><iframe src=javascript:alert(1)></iframe>",
    "{{ 7*7 }}{% if true %}cpjinja{% endif %}{# c #}",
    "[点我](javascript:window.cpxss_e=1)",
    "![x](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
    '--8<-- "/etc/passwd"',
    '!!! note "cpadmonition"',
    '{: onclick="window.cpxss_f=1" }',
    "<!-- material/tags -->",
    "&lt;script&gt;window.cpxss_g=1&lt;/script&gt;",
    '<a href="javascript:window.cpxss_h=1">cplink</a>',
    "<style>body{display:none}</style>",
    '<base href="//evil.example/">',
    "<meta http-equiv=refresh content=0;url=javascript:alert(1)>",
    "javascript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    '<math><mtext><table><mglyph><style><img src=x onerror="window.cpxss_i=1">',
    "\u202e<b>rtl</b>\u200b😀",
]
BODY = "\n\n".join([
    "## 小标题 <script>window.cpxss_j=1</script>",
    "正文里的链接：[点我](javascript:window.cpxss_k=1) [数据](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==) "
    "<javascript:alert(1)> [好链接](https://example.org/)",
    '![图](x" onerror="window.cpxss_l=1) ![图2](data:image/png;base64,AAAA)',
    "[引用][evil]\n\n[evil]: javascript:window.cpxss_m=1",
    '<div onclick="window.cpxss_n=1">块级 HTML</div>',
    "```\n</code></pre><script>window.cpxss_o=1</script>\n```",
    "| 表头 <img src=x onerror=alert(1)> |\n|---|\n| {{ 7*7 }} |",
    *PAYLOADS,
])


class Fields:
    """Hands out `F07 cpq <payload>`: a numbered marker per field, so each one can be found on the
    page (`cpq` is a word the search box can find)."""

    def __init__(self) -> None:
        self.given: dict[str, str] = {}

    def __call__(self, where: str) -> str:
        number = len(self.given)
        text = f"F{number:02d} cpq {PAYLOADS[number % len(PAYLOADS)]}"
        self.given[where] = text
        return text


def write(path: Path, data: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=10**6), encoding="utf-8")


def payload_school(root: Path) -> dict[str, str]:
    """Write the payload school (and payloads in the bureau's fields); returns field → text."""
    f = Fields()
    bureau_path = root / "content" / "bureau.yml"
    bureau = yaml.safe_load(bureau_path.read_text(encoding="utf-8"))
    bureau["name"] = f("bureau.name")
    bureau["intro"] = f("bureau.intro")
    bureau["address"] = f("bureau.address")
    bureau["contact"]["role"] = f("bureau.contact.role")
    write(bureau_path, bureau)
    folder = root / "schools" / SLUG
    staff = f("staff_names[0]")
    write(folder / "school.yml", {
        "name": f("school.name"), "kind": "中心小学", "township": f("school.township"), "boarding": "是",
        "address": f("school.address"), "intro": f("school.intro"),
        "family_phone": {"number": PHONES["family"], "location": f("family_phone.location"), "note": f("family_phone.note"),
                         "hours": [{"days": "周一至周五", "start": "18:00", "end": "20:00", "note": f("family_phone.hours.note")}]},
        "contacts": [{"role": f("contacts.role"), "phone": PHONES["office"], "hours": f("contacts.hours"), "note": f("contacts.note")}],
        "leading_group": {"name": f("leading_group.name"), "meets": f("leading_group.meets"), "members": [
            {"role": f("members.role"), "position": f("members.position"), "name": staff, "duty": f("members.duty")}]},
        "staff_names": [staff],
    })
    photos = folder / "photos"
    photos.mkdir(parents=True)
    from PIL import Image

    Image.new("RGB", (64, 48), (200, 220, 240)).save(photos / "2026-10-01-1.jpg", "JPEG")
    (folder / "private").mkdir(exist_ok=True)  # the guardians' consent the photo refers to (never published)
    (folder / "private" / "consents.csv").write_text(
        "编号,监护人同意日期,范围,有效期至\n家长书面同意书,2026-09-01,学校网站,2030-08-31\n", encoding="utf-8")
    for slug, when, kind in (("2026-10-01-guoqing", "2026-10-01", "节日活动"), ("2026-12-20-jiazhanghui", "2026-12-20", "家长会")):
        write(folder / "activities" / f"{slug}.yml", {
            "title": f(f"{slug}.title"), "date": when, "time": "14:30", "location": f(f"{slug}.location"), "kind": kind,
            "term": "2026-2027-1", "participants": {"count": "40", "qualifier": "约", "group": f(f"{slug}.participants.group")},
            "organizer": f(f"{slug}.organizer"), "partners": [f(f"{slug}.partners[0]"), f(f"{slug}.partners[1]")],
            "programme": f(f"{slug}.programme"), "summary": f(f"{slug}.summary"), "body": BODY,
            **({"photos": [{"file": "2026-10-01-1.jpg", "caption": f(f"{slug}.photos.caption"), "consent": "家长书面同意书",
                            "faces": "none"}]} if slug.startswith("2026-10") else {}),
        })
    write(folder / "policies" / "tanxin.yml", {
        "name": f("policy.name"), "category": "谈心", "summary": f("policy.summary"), "responsible_role": f("policy.responsible_role"),
        "cadence": {"action": f("policy.cadence.action"), "count": "1", "per": "月", "windows": ["期初"]},
        "instrument": f("policy.instrument"), "body": BODY,
    })
    write(folder / "resources" / "zhijia.yml", {
        "kind": "留守儿童之家", "name": f("resource.name"), "location": f("resource.location"), "tier": "模式一",
        "intro": f("resource.intro"), "hours": [{"days": "周一至周五", "start": "12:00", "end": "13:30", "note": f("resource.hours.note")}],
        "hours_note": f("resource.hours_note"), "equipment": [{"item": f("resource.equipment.item"), "quantity": "3"}],
        "rules": [f("resource.rules[0]"), f("resource.rules[1]")],
        "contact": {"role": f("resource.contact.role"), "phone": PHONES["room"], "hours": f("resource.contact.hours")},
        "body": BODY,
    })
    write(folder / "summaries" / "2026-2027-1.yml", {
        "term": "2026-2027-1", "students_total": "600",
        "left_behind": {"total": "120", "by_grade_band": [{"band": f("summary.band[0]"), "count": "60"},
                                                         {"band": f("summary.band[1]"), "count": "60"}]},
        "donations": {"items": [f("summary.donations.items")], "donors": [f("summary.donations.donors")]},
        "sensitive": [{"attribute": f("summary.sensitive.attribute"), "count": "40"}],
        "highlights": [f("summary.highlights")], "problems": [f("summary.problems")], "next_steps": [f("summary.next_steps")],
    })
    write(folder / "letters" / "2026-09-01-zhi-jiazhang.yml", {
        "title": f("letter.title"), "date": "2026-09-01", "audience": ["外出务工家长"], "greeting": f("letter.greeting"),
        "body": BODY, "asks": [f("letter.asks[0]"), f("letter.asks[1]")], "signed": f("letter.signed"),
    })
    return f.given


CHECK_PAGE = r"""() => {
  const bad = [];
  for (const el of document.querySelectorAll('*')) {
    for (const a of el.attributes) {
      if (/^on/i.test(a.name)) bad.push(`${el.tagName} ${a.name}=${a.value}`);
      if (/^(href|src|action|formaction|data|xlink:href|background|poster)$/i.test(a.name)
          && /^\s*(javascript|vbscript|data):/i.test(a.value)) bad.push(`${el.tagName} ${a.name}=${a.value}`);
    }
  }
  for (const s of document.querySelectorAll('script')) {
    const type = (s.getAttribute('type') || 'text/javascript').toLowerCase();
    if (/javascript|module|ecmascript/.test(type) && /cpxss|alert\(|cpjinja/.test(s.textContent)) bad.push('script: ' + s.textContent.slice(0, 80));
  }
  for (const sel of ['iframe', 'object', 'embed', 'base', 'math', 'meta[http-equiv]', 'img[src="x"]', 'svg[onload]', 'div[onclick]']) {
    for (const el of document.querySelectorAll(sel)) bad.push('element: ' + el.outerHTML.slice(0, 80));
  }
  for (const s of document.querySelectorAll('style')) if (/display:\s*none/.test(s.textContent) && /body/.test(s.textContent)) bad.push('style from content');
  const globals = Object.keys(window).filter(k => k.startsWith('cpxss'));
  return {bad, globals, text: document.body ? document.body.innerText : '', title: document.title,
          hidden: document.body ? getComputedStyle(document.body).display === 'none' : true};
}"""


@pytest.fixture(scope="module")
def payload_site(tmp_path_factory):
    from helpers import REPO

    base = tmp_path_factory.mktemp("payload")
    root = base / "root"
    shutil.copytree(REPO / "content", root / "content")
    given = payload_school(root)
    out = base / "out"
    result = run_cli("build", "--root", str(root), "--out", str(out), "--work", str(base / "work"))
    assert result.returncode == 0, result.stdout + result.stderr
    return out, given


def normalise(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def test_no_payload_runs_in_any_page_and_each_is_shown_as_text(payload_site, chromium):
    out, given = payload_site
    pages = sorted(p.relative_to(out).as_posix() for p in (out / SLUG).rglob("*.html")) + ["index.html"]
    assert len(pages) > 20
    dialogs: list[str] = []
    seen_text = {}
    with serve(out) as url:
        context = chromium.new_context(java_script_enabled=True)
        page = context.new_page()
        page.on("dialog", lambda d: (dialogs.append(f"{page.url}: {d.message}"), d.dismiss()))
        failures = []
        for rel in pages:
            page.goto(f"{url}/{rel}", wait_until="load")
            page.wait_for_timeout(50)
            found = page.evaluate(CHECK_PAGE)
            if found["bad"] or found["globals"] or found["hidden"]:
                failures.append((rel, found["bad"], found["globals"], found["hidden"]))
            raw = (out / rel).read_text(encoding="utf-8")
            if not re.search(r"<title>[^<]*</title>", raw):  # nothing from content closed or opened a tag in it
                failures.append((rel, ["title: " + found["title"]], [], False))
            seen_text[rel] = normalise(found["text"])
        # the search box renders results from the index as HTML: search for the payloads
        page.goto(f"{url}/{SLUG}/index.html", wait_until="load")
        page.click("input.md-search__input")
        page.keyboard.type("cpq", delay=30)
        page.wait_for_selector(".md-search-result__item", timeout=15_000)
        page.wait_for_timeout(300)
        found = page.evaluate(CHECK_PAGE)
        if found["bad"] or found["globals"]:
            failures.append(("search results", found["bad"], found["globals"], False))
        results = page.inner_text(".md-search-result")
        context.close()
    assert not dialogs, dialogs
    assert not failures, failures
    assert "cpxss" in results  # the payloads were found, as text
    everything = " ".join(text for rel, text in seen_text.items() if "/zh-Hant/" not in f"/{rel}")
    missing = [f"{where}: {text}" for where, text in given.items() if normalise(text).strip() not in everything]
    assert not missing, "\n".join(missing)
    # Jinja syntax was never evaluated, MkDocs/Material syntax never interpreted
    assert "{{ 7*7 }}{% if true %}cpjinja{% endif %}{# c #}" in everything
    assert '!!! note "cpadmonition"' in everything and '--8<-- "/etc/passwd"' in everything
    home = seen_text[f"{SLUG}/index.html"]
    assert given["school.name"] in home


def test_feeds_and_calendars_carry_payloads_as_inert_text(payload_site):
    out, given = payload_site
    for feed in (out / SLUG).rglob("*.xml"):
        tree = ET.fromstring(feed.read_bytes())  # well-formed: nothing broke out of an element
        assert not [el for el in tree.iter() if str(el.tag).lower().endswith(("script", "iframe", "svg"))], feed
    for calendar in (out / SLUG).rglob("*.ics"):
        text = calendar.read_text(encoding="utf-8")
        assert text.count("BEGIN:VEVENT") == text.count("END:VEVENT") >= 1
        assert not re.search(r"^(BEGIN|END):(?!VCALENDAR|VEVENT|VTIMEZONE|STANDARD|DAYLIGHT)", text, re.M), calendar
