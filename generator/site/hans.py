"""Simplified Chinese (zh-Hans) pages from text that may have been pasted from a Traditional-script
document (the seed documents include one): such text is converted with OpenCC t2s, as the zh-Hant
pages are converted the other way (hant.py), so a Simplified page never mixes the two scripts.

Only runs of Chinese holding a character that Simplified text never uses (one outside GB2312 that
t2s changes, such as 與 談 兒 個) are converted: text already in Simplified passes through
unchanged, so the demo's pages and anything accepted before read exactly as before.
"""

from __future__ import annotations

import functools
import re

import opencc

HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+")
# The language switch names the other script in that script: it stays as written.
KEEP = ("繁體中文",)


@functools.lru_cache(maxsize=1)
def _t2s() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


@functools.lru_cache(maxsize=8192)
def _traditional_only(char: str) -> bool:
    try:
        char.encode("gb2312")
        return False
    except UnicodeEncodeError:
        return _t2s().convert(char) != char


def _convert_run(match: re.Match) -> str:
    run = match.group()
    if run in KEEP or not any(_traditional_only(c) for c in run):
        return run
    return _t2s().convert(run)


def to_hans(text: str) -> str:
    """Traditional runs → Simplified; everything else (markup, Simplified text, digits) unchanged."""
    return HAN.sub(_convert_run, text)
