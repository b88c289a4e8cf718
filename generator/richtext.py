"""Markdown bodies written by staff → safe HTML.

markdown-it-py's "js-default" preset leaves raw HTML as text; nh3 (ammonia) then keeps only
an allow-list of tags and URL schemes, so no script, event handler, `javascript:` or `data:`
link, iframe or remote image can come from content. Headings are shifted down one level so a
body never competes with the page's own <h1>.
"""

from __future__ import annotations

from functools import lru_cache

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup

ALLOWED_TAGS = {
    "p", "br", "hr", "strong", "em", "del", "s", "blockquote", "ul", "ol", "li", "code", "pre",
    "h2", "h3", "h4", "h5", "h6", "table", "thead", "tbody", "tr", "th", "td", "a",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}, "th": {"style"}, "td": {"style"}}
URL_SCHEMES = {"http", "https", "mailto", "tel"}


@lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    return MarkdownIt("js-default").enable(["table", "strikethrough"])


def _shift_headings(tokens) -> None:
    for token in tokens:
        if token.type in {"heading_open", "heading_close"}:
            token.tag = f"h{min(6, int(token.tag[1]) + 1)}"


def to_html(markdown: str) -> Markup:
    """Render a Markdown body to sanitised HTML, marked safe for Jinja."""
    if not markdown.strip():
        return Markup("")
    parser = _parser()
    tokens = parser.parse(markdown)
    _shift_headings(tokens)
    html = parser.renderer.render(tokens, parser.options, {})
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
        filter_style_properties={"text-align"},
    )
    return Markup(clean)
