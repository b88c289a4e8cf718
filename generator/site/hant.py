"""Traditional Chinese (zh-Hant) at build time, and a search dictionary that knows both scripts.

OpenCC converts by longest phrase match, and a phrase can straddle a word boundary:
`监护人参加` → `監護人蔘加` (人参, ginseng) and `家长发了` → `家長髮了` (长发, long hair). So each run
of Chinese is first cut into words with jieba, and the words are converted separately; runs of
one-character words stay together (`签了` → `簽了`, not `籤了`). Only Chinese characters are
touched: tags, attributes, URLs, numbers and punctuation pass through unchanged.

jieba's dictionary is Simplified, so on Traditional text it cuts badly (`臨時/監護/人會議`) and the
zh-Hant search index would hold half-words. `use_search_dictionary()` makes jieba use its own
dictionary plus the Traditional form of every entry (same frequency), for both scripts, so
both sites are segmented alike and builds never depend on which script was built first.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import os
import re
import tempfile
from importlib.metadata import version
from pathlib import Path
from typing import Iterable

import jieba
import opencc

from generator.settings import user_cache_dir

HAN = re.compile(r"[\u4e00-\u9fff]+")
DICTIONARY_FORMAT = "1"  # bump when the way the dictionary is made changes

jieba.setLogLevel(logging.WARNING)


@functools.lru_cache(maxsize=1)
def _s2t() -> opencc.OpenCC:
    return opencc.OpenCC("s2t")


def _chunks(words: Iterable[str]) -> list[str]:
    """Words to convert one by one; consecutive one-character words are kept together."""
    chunks: list[str] = []
    single = ""
    for word in words:
        if len(word) == 1:
            single += word
            continue
        if single:
            chunks.append(single)
            single = ""
        chunks.append(word)
    if single:
        chunks.append(single)
    return chunks


@functools.lru_cache(maxsize=1 << 16)
def _convert_run(run: str) -> str:
    """(Cached: a site's pages share their theme and navigation words; cleared when jieba's
    dictionary changes.)"""
    chunks = _chunks(jieba.cut(run, HMM=False))
    converted = _s2t().convert("\n".join(chunks)).split("\n")
    if len(converted) != len(chunks):  # never seen; fall back to whole-run conversion
        return _s2t().convert(run)
    return "".join(converted)


KEEP = re.compile(r"(<!--zh-Hans-->.*?<!--/zh-Hans-->)", re.S)  # e.g. the link back to Simplified


def to_hant(text: str) -> str:
    """Simplified → Traditional (OpenCC s2t, word by word); everything but Chinese characters is
    kept, and so is text between <!--zh-Hans--> and <!--/zh-Hans-->."""
    parts = KEEP.split(text)
    return "".join(part if index % 2 else HAN.sub(lambda m: _convert_run(m.group()), part)
                   for index, part in enumerate(parts))


def _cache_dir() -> Path:
    base = user_cache_dir()
    try:
        base.mkdir(parents=True, exist_ok=True)
        return base
    except OSError:
        return Path(tempfile.gettempdir())


def _jieba_source() -> Path:
    return Path(jieba.__file__).resolve().parent / "dict.txt"


def search_dictionary() -> Path:
    """jieba's dictionary plus Traditional forms, written once into the user's cache folder."""
    source = _jieba_source()
    key = hashlib.sha256(
        f"{DICTIONARY_FORMAT}|{version('jieba')}|{version('opencc')}|{source.stat().st_size}".encode()
    ).hexdigest()[:12]
    path = _cache_dir() / f"jieba-dict-hans-hant-{key}.txt"
    if path.is_file():
        return path
    lines = source.read_text(encoding="utf-8").splitlines()
    entries = [line.split(" ") for line in lines if line.strip()]
    known = {e[0] for e in entries}
    traditional = _s2t().convert("\n".join(e[0] for e in entries)).split("\n")
    extra = []
    for entry, word in zip(entries, traditional):
        if word != entry[0] and word not in known and " " not in word:
            known.add(word)
            extra.append(" ".join([word, *entry[1:]]))
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".jieba-dict-", suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write("\n".join(lines + extra) + "\n")
    os.replace(tmp, path)  # atomic: parallel builds may race to write the same file
    return path


def use_search_dictionary() -> None:
    """Make jieba (process-wide, as MkDocs' search plugin uses it) cut both scripts alike."""
    path = os.path.abspath(search_dictionary())
    if jieba.dt.dictionary != path:
        jieba.set_dictionary(path)
        jieba.initialize()
        _convert_run.cache_clear()
