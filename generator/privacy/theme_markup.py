"""What markup a published page may have: every (element, attribute) pair that the theme itself
writes, learned from its templates, plus what a Markdown body may contain after sanitising.

The output audit (output_gate.HtmlAudit) compares each element of a generated page with this:
an attribute the theme never writes on that element (`style` on a link, `ping`, `on…`, an
invented `x=`) can only have come from content, and the page is refused.

Learned from (read once per process):
- Material's templates and the icons they include inline (templates/**/*.html, .icons/**/*.svg);
- careportal's theme: theme/overrides (Material's override), theme/pages (the pages' HTML),
  theme/portal and theme/notice (pages written by careportal itself);
- the body allow-list below (richtext.py sanitises Markdown bodies with it), and what
  Python-Markdown, as MkDocs runs it, adds around the pages' raw HTML.

A template's tag is read with its Jinja parts blanked: an `{% if %}…{% endif %}` inside a tag
counts as written (both branches), `{{ value }}` in an attribute's value is a value, and a bare
`{{ name }}` where an attribute goes (Material's `{{ hidden }}`, `{{ checked }}`) stands for
the words that template's `{% set name = "…" %}` assigns.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Optional

# Markdown bodies (richtext.py): the tags and attributes nh3 keeps, and the URL schemes of links.
BODY_TAGS = frozenset({
    "p", "br", "hr", "strong", "em", "del", "s", "blockquote", "ul", "ol", "li", "code", "pre",
    "h2", "h3", "h4", "h5", "h6", "table", "thead", "tbody", "tr", "th", "td", "a",
})
BODY_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}, "th": {"style"}, "td": {"style"}}
BODY_LINK_REL = "noopener noreferrer"  # nh3 sets rel on every link
BODY_URL_SCHEMES = frozenset({"http", "https", "mailto", "tel"})

# Python-Markdown with MkDocs' default extensions (toc), as the base mkdocs.yml configures it:
# the ids of headings it makes, and what plain Markdown syntax can produce around raw HTML.
MARKDOWN_PAIRS = frozenset({
    *((f"h{n}", "id") for n in range(1, 7)),
    ("a", "href"), ("a", "title"), ("img", "src"), ("img", "alt"), ("img", "title"),
    ("ol", "start"), ("code", "class"),
})

_JINJA_COMMENT = re.compile(r"\{#.*?#\}", re.S)
_TAG = re.compile(r"<([a-zA-Z][a-zA-Z0-9:-]*)((?:\{\{.*?\}\}|\{%.*?%\}|\"[^\"]*\"|'[^']*'|[^>\"'{]|\{(?![{%]))*)/?>", re.S)
_ATTRIBUTE = re.compile(r"([^\s\"'>/=]+)(?:\s*=\s*(?:\"[^\"]*\"|'[^']*'|[^\s\"'>]+))?")
_PART = re.compile(r"\"[^\"]*\"|'[^']*'|\{\{.*?\}\}|\{%.*?%\}|[^\"'{]+|.", re.S)
_BARE = re.compile(r"\{\{-?\s*([A-Za-z_][A-Za-z0-9_]*)\s*-?\}\}")
_EXPRESSION = re.compile(r"\{\{.*?\}\}", re.S)
_STATEMENT = re.compile(r"\{%.*?%\}", re.S)
_SET = re.compile(r"\{%-?\s*set\s+([A-Za-z_][A-Za-z0-9_]*)\s*=(.*?)-?%\}", re.S)
_LITERAL = re.compile(r"\"([^\"]*)\"|'([^']*)'")


def _assigned_words(text: str) -> dict[str, set[str]]:
    """name → the words of every string literal a `{% set name = … %}` in `text` assigns."""
    found: dict[str, set[str]] = {}
    for name, expression in _SET.findall(text):
        for literal in _LITERAL.finditer(expression):
            if re.match(r"\s*(in|==|!=)\b", expression[literal.end():]):
                continue  # a test (`"x" in page.meta.hide`), not a value
            found.setdefault(name, set()).update((literal[1] or literal[2] or "").split())
    return found


def template_pairs(text: str) -> set[tuple[str, str]]:
    """The (tag, attribute) pairs one template (or HTML/SVG file) writes; (tag, "") for each tag."""
    text = _JINJA_COMMENT.sub("", text)
    assigned = _assigned_words(text)
    pairs = set()
    for match in _TAG.finditer(text):
        tag, inside = match[1].lower(), match[2]
        pairs.add((tag, ""))
        parts = []
        for part in _PART.findall(inside):
            bare = _BARE.fullmatch(part)
            if bare:  # `{{ hidden }}` where an attribute goes
                pairs.update((tag, word.lower()) for word in assigned.get(bare[1], ()))
                part = " "
            parts.append(part)
        inside = _STATEMENT.sub(" ", _EXPRESSION.sub("x", "".join(parts)))
        pairs.update((tag, attribute[1].lower()) for attribute in _ATTRIBUTE.finditer(inside))
    return pairs


def _material_templates() -> Path:
    import material

    return Path(material.__file__).resolve().parent / "templates"


@lru_cache(maxsize=8)
def theme_pairs(theme_dir: str, engine_templates: Optional[str] = None) -> frozenset[tuple[str, str]]:
    """Every (tag, attribute) pair a page built with this theme may have; `engine_templates`: the
    building engine's templates folder (None: Material's, for MkDocs)."""
    pairs: set[tuple[str, str]] = set(MARKDOWN_PAIRS)
    pairs.update((tag, attribute) for tag, attributes in BODY_ATTRIBUTES.items() for attribute in attributes)
    pairs.add(("a", "rel"))
    pairs.update((tag, "") for tag in BODY_TAGS)
    pairs.update((tag, "") for tag, _ in MARKDOWN_PAIRS)
    engine = Path(engine_templates) if engine_templates else _material_templates()
    sources = [path for path in sorted(engine.rglob("*")) if path.suffix in {".html", ".svg"}]
    theme = Path(theme_dir)
    for folder in ("overrides", "pages", "portal", "notice"):
        sources += [path for path in sorted((theme / folder).rglob("*")) if path.suffix in {".html", ".j2"}]
    for path in sources:
        pairs |= template_pairs(path.read_text(encoding="utf-8", errors="replace"))
    return frozenset(pairs)


@lru_cache(maxsize=8)
def theme_tags(theme_dir: str) -> frozenset[str]:
    """Every element a page built with this theme may have."""
    return frozenset(tag for tag, _ in theme_pairs(theme_dir))
