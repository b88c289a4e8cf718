"""The one place where text from records becomes a value for MkDocs' config or a theme template's
context (site_name, site_description, navigation and page titles, page descriptions, link-card
text, extra.careportal …).

Material's templates print these values in every way there is: as text (`{{ config.site_name }}`),
inside attributes without escaping (`aria-label="{{ config.site_name }}"`), escaped once
(`title="{{ config.site_name | e }}"`), after `striptags` (which also *unescapes* entities), or
url-encoded. No escaping with entities is right for all of these at once: `&quot;` is needed in
the first attribute, shows as `&quot;` in the second and turns back into `"` in the third.

So a theme value contains none of the characters HTML gives a meaning to: `< > & " '` and the
backtick (an attribute delimiter for old Internet Explorer) become their full-width forms
(＜ ＞ ＆ ＂ ＇ ｀), which read the same to a Chinese reader, and every run of white space or
control characters (line breaks included) becomes one space. The result is the same however
often it is escaped or unescaped, and cannot end an attribute or start a tag or entity in any
context. URLs get the same guarantee by percent-encoding.

`checked_config` then verifies a whole generated config before it is written, so a value that was
added without going through here stops the build instead of reaching a page.
"""

from __future__ import annotations

import re
import urllib.parse
from typing import Any

# HTML's special characters → their full-width forms (U+FF01 block).
_FULL_WIDTH = str.maketrans({"<": "＜", ">": "＞", "&": "＆", '"': "＂", "'": "＇", "`": "｀"})
# White space and control characters (C0, DEL, C1, line/paragraph separators) → one space.
_SPACE = re.compile(r"[\s\x00-\x1f\x7f-\x9f\u2028\u2029]+")
_UNSAFE = re.compile(r"[<>&\"'`\x00-\x1f\x7f-\x9f\u2028\u2029]")
# What a URL value may keep as it is; everything else is percent-encoded.
_URL_SAFE = ":/?#[]@!$&()*+,;=%~-._"


def theme_text(text: Any) -> str:
    """Text for the theme: safe as element text and as an attribute value, escaped or not."""
    return _SPACE.sub(" ", str(text).translate(_FULL_WIDTH)).strip()


def theme_url(url: str) -> str:
    """A URL for the theme (site_url, link-card images): percent-encoded where it could end an
    attribute (`"`, `'`, backtick, `<`, `>`, white space). An `&` stays: inside a quoted
    attribute it cannot end it, and it is how a query string is written."""
    return urllib.parse.quote(url.strip(), safe=_URL_SAFE)


def is_theme_safe(value: str) -> bool:
    """Whether `value` could be printed by any template, escaped or not, without changing markup."""
    return _UNSAFE.search(value) is None


# Config keys that hold file system paths: read by MkDocs, never printed on a page.
PATH_KEYS = frozenset({"INHERIT", "docs_dir", "site_dir", "custom_dir"})
URL_KEYS = frozenset({"site_url", "share_image", "share_image_square"})


class UnsafeThemeValue(ValueError):
    """A config value that did not go through `theme_text` / `theme_url`: a careportal bug."""


def checked_config(config: dict) -> dict:
    """`config`, after checking that every printed value in it is theme-safe (paths excepted).

    Raises UnsafeThemeValue, naming the key, for one that is not."""

    def walk(value: Any, where: str) -> None:
        if isinstance(value, dict):
            for key, item in value.items():
                if isinstance(key, str) and not is_theme_safe(key):  # navigation titles are keys
                    raise UnsafeThemeValue(f"{where}: {key!r}")
                if key not in PATH_KEYS:
                    walk(item, f"{where}.{key}" if where else str(key))
        elif isinstance(value, list):
            for index, item in enumerate(value):
                walk(item, f"{where}[{index}]")
        elif isinstance(value, str):
            last = where.rsplit(".", 1)[-1]
            ok = (is_theme_safe(value.replace("&", "")) if last in URL_KEYS else is_theme_safe(value))
            if not ok:
                raise UnsafeThemeValue(f"{where}: {value!r}")

    walk(config, "")
    return config
