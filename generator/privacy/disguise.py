"""Undoing the disguises folding alone does not: what a number, an address, an e-mail address or a
register name looks like when someone writes it to get past a filter (or just writes it the way
they talk). Used by detect.py; nothing here knows about rules or messages.

* Chinese numerals read as digits where a number is being read: 一三八〇〇一三八〇〇〇, 幺三八…;
* e-mail addresses spelled with ``#``, ``at``, ``(at)``, ``艾特`` and ``点`` / ``dot``;
* register names in Traditional characters (OpenCC) and in pinyin (pypinyin), with and without
  tones, spaces, hyphens or capitals, surname first or last;
* register addresses with Chinese numerals (三组十五号) and without the village;
* register IDs with a one-letter prefix (学籍号 G + ID number) or without it.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Iterator

# ---------------------------------------------------------------------------------------------
# Chinese numerals in numbers

_DIGIT = {"〇": "0", "零": "0", "○": "0", "洞": "0", "一": "1", "幺": "1", "二": "2", "两": "2", "三": "3", "四": "4",
          "五": "5", "六": "6", "七": "7", "八": "8", "九": "9"}
_DIGIT_TABLE = str.maketrans(_DIGIT)
# A run of seven or more digit characters, at least one of them Chinese: a phone or ID number read
# aloud. Ordinary prose never has seven numeral characters in a row (十 and 百 are not digits).
_CN_RUN = re.compile(r"[0-9〇零○洞一幺二两三四五六七八九]{7,}")


def chinese_digits(text: str) -> str:
    """Runs of 7+ digit characters with Chinese numerals among them, as ASCII digits (same length)."""
    return _CN_RUN.sub(_as_digits, text)


def _as_digits(match: re.Match) -> str:
    run = match.group()
    return run if run.isdigit() else run.translate(_DIGIT_TABLE)


# Chinese numbers as written in addresses: 三组, 十五号, 二十三号.
_CN_SMALL = "零一二三四五六七八九"


def chinese_forms(number: int) -> list[str]:
    """How a small number (an address's group or house number) can be written in Chinese."""
    if number < 0 or number > 999:
        return []
    forms = {"".join(_CN_SMALL[int(d)] for d in str(number))}
    if number < 10:
        forms.add(_CN_SMALL[number])
    elif number < 100:
        tens, ones = divmod(number, 10)
        forms.add(("" if tens == 1 else _CN_SMALL[tens]) + "十" + (_CN_SMALL[ones] if ones else ""))
        forms.add(_CN_SMALL[tens] + "十" + (_CN_SMALL[ones] if ones else ""))
    else:
        hundreds, rest = divmod(number, 100)
        tens, ones = divmod(rest, 10)
        text = _CN_SMALL[hundreds] + "百"
        if rest:
            text += (_CN_SMALL[tens] + "十" if tens else "零") + (_CN_SMALL[ones] if ones else "")
        forms.add(text)
    return sorted(forms)


def address_pattern(address: str) -> str:
    """A regex for an address in which each number may be written in digits or Chinese, 号 may be
    号院, and the separators between parts are optional."""
    parts = []
    for piece in re.split(r"(\d+)", address):
        if not piece:
            continue
        if piece.isdigit():
            parts.append("(?:" + "|".join([re.escape(piece)] + [re.escape(f) for f in chinese_forms(int(piece))]) + ")")
        else:
            parts.append(re.escape(piece).replace("号", "号院?"))
    return "".join(parts)


def address_variants(address: str) -> list[str]:
    """The address, and the part after its village (3组12号 is what neighbours say)."""
    variants = [address]
    if "村" in address:
        tail = address.rsplit("村", 1)[1]
        if re.search(r"\d+组", tail) and re.search(r"\d+号", tail) and len(tail) >= 4:
            variants.append(tail)
    return variants


# ---------------------------------------------------------------------------------------------
# E-mail addresses spelled out

_AT = r"(?:@|#|\(at\)|\[at\]|\{at\}|<at>|（at）|【at】|\s+at\s+|艾特|圈a)"
_DOT = r"(?:\.|点|\(dot\)|\[dot\]|\{dot\}|（dot）|\s+dot\s+)"
_TLD = r"(?:com|cn|net|org|edu|gov|top|vip|cc|me|io|info|xyz|site)"
_SPELLED = re.compile(
    rf"(?<![A-Za-z0-9._%+-])(?P<local>[A-Za-z0-9][A-Za-z0-9._%+-]{{1,63}})\s*{_AT}\s*"
    rf"(?P<domain>[A-Za-z0-9-]{{1,63}}(?:\s*{_DOT}\s*[A-Za-z0-9-]{{1,63}})*?\s*{_DOT}\s*{_TLD})(?![A-Za-z0-9])"
    rf"(?!\s*{_DOT}\s*[A-Za-z0-9])",
    re.IGNORECASE,
)


# The “at” markers themselves, as literals (the regex engine skips quickly to their first characters).
_AT_MARK = re.compile(r"#|\(at\)|\[at\]|\{at\}|<at>|（at）|【at】| at |艾特|圈a", re.IGNORECASE)
_ALNUM = re.compile(r"[A-Za-z0-9]")


def spelled_emails(text: str) -> Iterator[tuple[int, str]]:
    """(offset, address in normal form) of e-mail addresses written with #, at, 艾特, 点, dot …
    The full pattern runs only in a window around each possible “at” (pages are mostly markup)."""
    seen = set()
    for mark in _AT_MARK.finditer(text):
        before, after = text[max(0, mark.start() - 3):mark.start()].rstrip(), text[mark.end():mark.end() + 3].lstrip()
        if not before or not after or not _ALNUM.match(before[-1]) or not _ALNUM.match(after[0]):
            continue
        start = max(0, mark.start() - 70)
        for match in _SPELLED.finditer(text, start, min(len(text), mark.end() + 260)):
            if match.start() in seen or not match.start() <= mark.start() < match.end():
                continue
            seen.add(match.start())
            domain = re.sub(_DOT, ".", match.group("domain"), flags=re.IGNORECASE).replace(" ", "").lower()
            yield match.start(), f"{match.group('local')}@{domain}"


# ---------------------------------------------------------------------------------------------
# Names in Traditional characters and in pinyin


@lru_cache(maxsize=4)
def _converter(config: str):
    import opencc

    return opencc.OpenCC(config)


def traditional_forms(text: str) -> set[str]:
    """The Traditional spellings of a (Simplified) name or address, as OpenCC writes them."""
    forms = set()
    for config in ("s2t", "s2tw", "s2hk"):
        converted = _converter(config).convert(text)
        if converted != text and len(converted) == len(text):
            forms.add(converted)
    return forms


def pinyin_forms(name: str, surname_length: int = 1) -> set[str]:
    """Letters-only, lower-case pinyin of a name (tones dropped; ü as v, u and yu), in the two
    orders people write it: 林梓萱 → linzixuan, zixuanlin."""
    from pypinyin import Style, lazy_pinyin

    syllables = lazy_pinyin(name, style=Style.NORMAL, errors="ignore", v_to_u=False)
    if len(syllables) != len(name) or not all(s.isascii() and s.isalpha() for s in syllables):
        return set()
    forms = set()
    for u in ("v", "u", "yu"):
        parts = [s.replace("v", u) for s in syllables]
        forms.add("".join(parts).lower())
        if 0 < surname_length < len(parts):
            forms.add("".join(parts[surname_length:] + parts[:surname_length]).lower())
    return {f for f in forms if len(f) >= 5}


def pinyin_anchors(name: str, surname_length: int = 1) -> set[str]:
    """Regexes for the first two syllables of a name's pinyin, in both orders, with an optional
    separator (lin[ -_]?zi, zi[ -_]?xuan): a cheap first pass on lower-case text before the full
    letters view is built."""
    from pypinyin import Style, lazy_pinyin

    syllables = [s.lower() for s in lazy_pinyin(name, style=Style.NORMAL, errors="ignore") if s.isascii() and s.isalpha()]
    if len(syllables) < 2:
        return set()
    anchors = set()
    orders = [syllables]
    if 0 < surname_length < len(syllables):
        orders.append(syllables[surname_length:] + syllables[:surname_length])
    for order in orders:
        first, second = order[0], order[1]
        for u in ("v", "u", "yu"):
            anchors.add(re.escape(first.replace("v", u)) + r"[\s\-_'’.·]*" + re.escape(second.replace("v", u)))
    return anchors


_LETTER_GAP = re.compile(r"(?<=[A-Za-z])[\s\-_'’.·]+(?=[A-Za-z])")


@lru_cache(maxsize=1)
def _latin_table() -> dict[int, str]:
    """Latin letters with tone marks and other diacritics (ā á ǎ à ü …) → the plain letter."""
    table = {}
    for code in range(0xC0, 0x250):
        base = "".join(c for c in unicodedata.normalize("NFKD", chr(code)) if not unicodedata.combining(c))
        if len(base) == 1 and base.isascii() and base.isalpha():
            table[code] = base
    for code in range(0x1E00, 0x1F00):
        base = "".join(c for c in unicodedata.normalize("NFKD", chr(code)) if not unicodedata.combining(c))
        if len(base) == 1 and base.isascii() and base.isalpha():
            table[code] = base
    return table


class LettersView:
    """Text with tone marks dropped (same length, `based`) and a lower-case view without the
    separators between letters (Lín Zǐ-xuān, lin_zixuan.jpg, LinZixuan → linzixuan)."""

    def __init__(self, text: str) -> None:
        self.based = text if text.isascii() else text.translate(_latin_table())
        starts_view, starts_text, pieces, length, last = [], [], [], 0, 0
        for match in _LETTER_GAP.finditer(self.based):
            if match.start() > last:
                starts_view.append(length)
                starts_text.append(last)
                pieces.append(self.based[last:match.start()])
                length += match.start() - last
            last = match.end()
        if last < len(self.based):
            starts_view.append(length)
            starts_text.append(last)
            pieces.append(self.based[last:])
        self.view = "".join(pieces).lower()
        self._starts = (starts_view, starts_text)

    def offset(self, index: int) -> int:
        import bisect

        starts_view, starts_text = self._starts
        slot = max(0, bisect.bisect_right(starts_view, index) - 1)
        return starts_text[slot] + (index - starts_view[slot]) if starts_view else 0

    def bounded(self, start: int, end: int) -> bool:
        """Does view[start:end] begin and end on a word boundary of the text (a separator, a
        non-letter, or a change to a capital letter)?"""
        first, last = self.offset(start), self.offset(end - 1) + 1
        based = self.based
        before_ok = first == 0 or not based[first - 1].isalpha() or not based[first - 1].isascii() or (
            based[first].isupper() and based[first - 1].islower()) or self.offset(start - 1) != first - 1
        after_ok = last >= len(based) or not based[last].isalpha() or not based[last].isascii() or (
            based[last].isupper() and based[last - 1].islower()) or (end < len(self.view) and self.offset(end) != last)
        return before_ok and after_ok
