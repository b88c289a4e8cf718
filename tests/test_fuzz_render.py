"""Property-based tests of the renderer: any text a record accepts reaches the pages as escaped text.
Pages are rendered through the render layer (views → Jinja → the MkDocs project's Markdown files,
then through Python-Markdown as MkDocs would); a few examples also run a full MkDocs build.

Invariant: the record is refused with problems, or every free-text value is shown on some page as
exactly that text, no element or attribute comes from content, and every page's front matter still
parses (its title intact).
"""

from __future__ import annotations

import re
import shutil
from datetime import date
from pathlib import Path

import markdown
import pytest
from bs4 import BeautifulSoup
from hypothesis import event, given, strategies as st
from mkdocs.utils.meta import get_data

from helpers import REPO
from generator.records import models
from generator.site.mkdocs_build import build_site
from generator.records.load import load_county
from generator.site.hans import to_hans
from generator.site.render import Layout, meta_text, render_portal, render_school
from generator.site.views import nav_title, portal_view, school_site
from test_fuzz_loader import CORPUS, RECORD_FOLDERS, TEMPLATES, fuzz, generated, get_path

TODAY = date(2026, 11, 23)
BAD_TAGS = {"script", "iframe", "object", "embed", "style", "base", "meta", "link", "form", "input", "svg", "math", "img"}


def fresh_root(base: Path) -> Path:
    root = base / "root"
    if root.exists():
        shutil.rmtree(root)
    (root / "content").mkdir(parents=True)
    shutil.copyfile(REPO / "content" / "bureau.yml", root / "content" / "bureau.yml")
    folder = root / "schools" / "fuzz"
    folder.mkdir(parents=True)
    shutil.copyfile(CORPUS / "school" / "minimal.yml", folder / "school.yml")
    return root


def write_record(root: Path, model, text: str, name: str) -> None:
    folder = root / "schools" / "fuzz"
    target = folder / "school.yml" if model is models.School else folder / RECORD_FOLDERS[model] / f"{name}.yml"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")


def render(root: Path, work: Path):
    """Load and render the fuzz school (and the county portal, which shows its name and township);
    None when the loader refused it (with problems)."""
    county = load_county(root)
    records = county.schools[0]
    if not records.ok:
        assert records.problems.errors and all(p.message and p.path for p in records.problems)
        return None
    site = school_site(county, records, TODAY)
    layout = Layout.for_root(root, work)
    rendered = render_school(site, layout, work / "site")
    portal = work / "portal"
    portal.mkdir(parents=True, exist_ok=True)
    render_portal(portal_view(county, [site], [records], TODAY), layout, portal)
    return county, records, rendered


def pages_of(rendered) -> dict[str, tuple[dict, BeautifulSoup]]:
    """Each zh-Hans Markdown page: its front matter and its body as MkDocs' Markdown makes it."""
    docs = rendered.project / "docs"
    found = {}
    for path in sorted(docs.rglob("*.md")):
        body, meta = get_data(path.read_text(encoding="utf-8"))
        assert meta.get("title"), f"{path}: front matter did not parse"
        html = markdown.markdown(body, extensions=["toc", "tables", "fenced_code"])
        found[path.relative_to(docs).as_posix()] = (meta, BeautifulSoup(html, "html.parser"))
    return found


def _template_image(el) -> bool:
    """The one image a template puts on a text page: a letter's QR code (a local, generated file)."""
    return (el.name == "img" and "cp-letter__qr" in (el.parent.get("class") or [])
            and re.fullmatch(r"(\.\./)*letters/[a-z0-9-]+\.qr\.svg", el.get("src", "")) is not None)


def assert_inert(name: str, soup: BeautifulSoup) -> None:
    for el in soup.find_all(True):
        assert el.name not in BAD_TAGS or _template_image(el), f"{name}: <{el.name}> {el}"
        for attr, value in el.attrs.items():
            assert not attr.lower().startswith("on"), f"{name}: {attr} on <{el.name}>"
            if attr in {"href", "src"}:
                assert not re.match(r"\s*(javascript|data|vbscript):", str(value), re.I), f"{name}: {attr}={value}"


def free_texts(record, texts: dict) -> dict[tuple, str]:
    """The generated free-text values as the record kept them (titles collapse white space)."""
    return {path: get_path(record, path) for path in texts}


def check_site(model, rendered, record, texts) -> None:
    pages = pages_of(rendered)
    shown = ""
    for name, (meta, soup) in pages.items():
        assert_inert(name, soup)
        shown += soup.get_text() + "\n"
    portal = BeautifulSoup((rendered.project.parent.parent / "portal" / "index.html").read_text(encoding="utf-8"),
                           "html.parser")
    for el in portal.find_all(True):  # a whole document with its own <script src> and <meta>
        assert not any(a.lower().startswith("on") for a in el.attrs), el
        assert el.name != "script" or el.get("src") or "cpxss" not in el.get_text(), el
    shown += portal.body.get_text()
    for path, value in free_texts(record, texts).items():
        if path[-1] == "body" or (model is models.School and path[:1] == ("staff_names",)):
            continue  # bodies are Markdown (checked below); staff names show as members' names
        assert to_hans(value) in shown, (path, value)  # Traditional text reads in Simplified (site/hans.py)
    if model is models.Activity:
        slug = next(iter(pages_of_kind(pages, "news/2")))
        meta, soup = pages[slug]
        assert meta["title"] == to_hans(nav_title(record.title))
        assert meta["description"] == to_hans(meta_text(record.summary))
        assert soup.h1.get_text() == to_hans(record.title)


def pages_of_kind(pages: dict, prefix: str) -> list[str]:
    return [name for name in pages if name.startswith(prefix)]


@pytest.fixture(scope="module")
def scratch(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("fuzz-render")


@fuzz(40, long=2_000)
@given(model=st.sampled_from(list(TEMPLATES)), data=st.data())
def test_accepted_text_is_rendered_escaped_on_the_pages(scratch, model, data):
    root = fresh_root(scratch)
    text, texts = data.draw(generated(model, printable_only=data.draw(st.sampled_from([True, True, True, False]))))
    write_record(root, model, text.replace("2023-2024-2", "2026-2027-1"), "2026-10-01-fuzz" if model is models.Activity
                 else "2026-2027-1" if model is models.TermSummary else "fuzz")
    result = render(root, scratch / "work")
    event("refused" if result is None else "rendered")
    if result is None:
        return
    county, records, rendered = result
    record = records.school.record if model is models.School else getattr(records, RECORD_FOLDERS[model])[0].record
    check_site(model, rendered, record, texts)


@fuzz(40, long=10_000)
@given(body=st.lists(st.sampled_from([
    "<script>window.cpxss=1</script>", "[x](javascript:alert(1))", "[x](JaVaScRiPt:alert(1))", "[x](java\tscript:alert(1))",
    "[x](data:text/html,<script>alert(1)</script>)", "![x](data:image/png;base64,AAAA)", "![x](https://evil.example/t.png)",
    "<javascript:alert(1)>", "<https://example.org>", "[a]: javascript:alert(1)\n\n[x][a]", '"><svg onload=alert(1)>',
    "<img src=x onerror=alert(1)>", "<a href='javascript:alert(1)'>x</a>", "```\n</code><script>x</script>\n```",
    "`<b>`", "| a <i>x</i> |\n|---|\n| b |", "# 标题", "> 引用 <script>", "- 列表\n  - 嵌套", "1. 一\n2. 二",
    "**粗体** _斜体_ ~~删除~~", "{{ 7*7 }}", "{% include 'x' %}", "--8<-- 'x'", "!!! note", "{: .x onclick=y }",
    "<!-- c -->", "&lt;script&gt;", "\\<script>", "[x](https://example.org \"t\\\" onmouseover=alert(1)\")",
]) | st.text(max_size=30), min_size=1, max_size=8).map("\n\n".join))
def test_markdown_bodies_become_allow_listed_html(scratch, body):
    from generator.site.richtext import to_html

    html = str(to_html(body))
    soup = BeautifulSoup(html, "html.parser")
    allowed = {"p", "br", "hr", "strong", "em", "del", "s", "blockquote", "ul", "ol", "li", "code", "pre", "h2", "h3",
               "h4", "h5", "h6", "table", "thead", "tbody", "tr", "th", "td", "a"}
    for el in soup.find_all(True):
        assert el.name in allowed, el
        for attr, value in el.attrs.items():
            assert attr in {"href", "title", "rel", "start", "style"}, (attr, el)
            if attr == "href":
                assert re.match(r"(https?:|mailto:|tel:|#|/|[^:]*$)", value, re.I), value
            if attr == "style":
                assert re.fullmatch(r"text-align:\s*(left|right|center)", value), value
    # what MkDocs then does to the page leaves it alone: raw HTML blocks pass through as they are
    page = markdown.markdown(f'<div class="cp-body">\n{html}\n</div>', extensions=["toc", "tables", "fenced_code"])
    assert_inert("body", BeautifulSoup(page, "html.parser"))


@fuzz(3, long=40)
@given(data=st.data())
def test_a_full_build_shows_titles_and_text_as_written(scratch, data):
    root = fresh_root(scratch)
    text, texts = data.draw(generated(models.Activity, printable_only=True))
    write_record(root, models.Activity, text.replace("2023-2024-2", "2026-2027-1").replace("2024-06-01", "2026-10-01"),
                 "2026-10-01-fuzz")
    result = render(root, scratch / "work")
    event("refused" if result is None else "built")
    if result is None:
        return
    county, records, rendered = result
    record = records.activities[0].record
    out = scratch / "work" / "site"
    if out.exists():
        shutil.rmtree(out)
    for config in getattr(rendered, "configs", None) or [rendered.config]:
        build_site(config)
    built = BeautifulSoup((out / "news" / "2026-10-01-fuzz.html").read_text(encoding="utf-8"), "html.parser")
    # as written, except that text pasted in Traditional script reads in Simplified here (site/hans.py)
    assert built.title.get_text().startswith(to_hans(nav_title(record.title)).replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&"))
    assert built.select_one("article h1").get_text() == to_hans(record.title)
    assert built.select_one(".cp-lead").get_text() == to_hans(record.summary)
    assert_inert("built page", built.select_one("article"))
    for el in built.find_all(True):
        assert not any(a.lower().startswith("on") for a in el.attrs), el
