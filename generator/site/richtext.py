"""Markdown bodies written by staff → safe HTML.

markdown-it-py's "js-default" preset leaves raw HTML as text; nh3 (ammonia) then keeps only
an allow-list of tags and URL schemes, so no script, event handler, `javascript:` or `data:`
link, iframe or remote image can come from content (an image shows as its alt text).
Headings are shifted down one level so a body never competes with the page's own <h1>.
"""

from __future__ import annotations

from functools import lru_cache

import nh3
from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markupsafe import Markup

from generator.privacy.theme_markup import BODY_ATTRIBUTES, BODY_LINK_REL, BODY_TAGS, BODY_URL_SCHEMES

# The allow-list is the privacy layer's (the output audit checks pages against the same one).
ALLOWED_TAGS = set(BODY_TAGS)
ALLOWED_ATTRIBUTES = {tag: set(names) for tag, names in BODY_ATTRIBUTES.items()}
URL_SCHEMES = set(BODY_URL_SCHEMES)


def _image_as_text(self, tokens, idx, options, env) -> str:
    """Pictures are published through photo records only: an image in a body shows its words."""
    alt = self.renderInlineAsText(tokens[idx].children or [], options, env)
    return escapeHtml(f"［图片：{alt}］" if alt.strip() else "")


@lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    parser = MarkdownIt("js-default").enable(["table", "strikethrough"])
    parser.add_render_rule("image", _image_as_text)
    return parser


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
        link_rel=BODY_LINK_REL,
        filter_style_properties={"text-align"},
    )
    return Markup(clean)
