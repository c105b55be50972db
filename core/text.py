"""Chinese text normalisation shared by search, import and the registry.

Names are stored as written; a normalised copy (NFKC, traditional -> simplified, pinyin artefacts removed)
and pinyin keys are stored beside them at write time so that search is a plain indexed prefix lookup.
"""

import re
import unicodedata
from functools import lru_cache

import opencc
from pypinyin import Style, lazy_pinyin, pinyin

_t2s = opencc.OpenCC("t2s")
# "醫(yī)院": a CJK character followed by its pinyin in brackets, left by some 繁简 converters.
_PINYIN_ARTEFACT = re.compile(r"([\u4e00-\u9fff])[（(]\s*([a-zāáǎàōóǒòēéěèīíǐìūúǔùüǖǘǚǜńňǹ]{1,7})\s*[)）]")
_TONE_MARKS = set("āáǎàōóǒòēéěèīíǐìūúǔùǖǘǚǜńňǹ")
_SPACES = re.compile(r"\s+")


def to_simplified(text: str) -> str:
    return _t2s.convert(text)


def strip_pinyin_artefacts(text: str) -> str:
    """Remove a bracketed syllable after a character when it is pinyin: tone-marked, or one of the character's
    readings ("醫(yī)" → "醫"); "(a)" or "(ok)" after a character stays."""
    if "(" not in text and "（" not in text:
        return text
    return _PINYIN_ARTEFACT.sub(_drop_if_reading, text)


def _drop_if_reading(match) -> str:
    char, syllable = match.group(1), match.group(2)
    if _TONE_MARKS.intersection(syllable) or syllable in _readings(char):
        return char
    return match.group(0)


@lru_cache(maxsize=20000)
def _readings(char: str) -> frozenset[str]:
    return frozenset(p for ps in pinyin(char, style=Style.NORMAL, heteronym=True, errors="ignore") for p in ps)


def normalise(text: str | None) -> str:
    """The searchable form of a text: NFKC, simplified characters, no pinyin artefacts, single spaces."""
    if not text:
        return ""
    text = unicodedata.normalize("NFKC", text)
    text = strip_pinyin_artefacts(text)
    text = to_simplified(text)
    return _SPACES.sub(" ", text).strip().lower()


@lru_cache(maxsize=20000)
def _char_pinyin(char: str) -> str:
    syllables = lazy_pinyin(char, style=Style.NORMAL, errors="ignore")
    return syllables[0].lower() if syllables else ""


def pinyin_keys(name: str) -> tuple[str, str]:
    """Full pinyin without tones and initials of a Chinese name: 雷继敏 -> ("leijimin", "ljm").

    Character by character (cached): names are not phrases, and lazy_pinyin on whole names costs ~100 µs each,
    which a 100k-row import cannot afford.
    """
    syllables = [_char_pinyin(c) for c in normalise(name).replace(" ", "")]
    full = "".join(s if s else "" for s in syllables)
    initials = "".join(s[0] for s in syllables if s)
    return full, initials


def search_keys(name: str) -> str:
    """The pinyin column of an organisation or unit name, searched with `contains`: "full|initials"
    (东莞市第七人民医院 -> "dongguanshidiqirenminyiyuan|dgsdqrmyy"); the bar stops a query spanning both."""
    full, initials = pinyin_keys(name)
    return f"{full}|{initials}"


def letters_query(query: str) -> str | None:
    """A search box entry that is Latin letters only (pinyin or initials), lower-cased without spaces."""
    letters = (query or "").strip().lower().replace(" ", "")
    return letters if letters and letters.isascii() and letters.isalpha() else None


def prefix_range(prefix: str) -> tuple[str, str]:
    """Bounds for an indexed prefix search under byte-wise comparison: value >= low AND value < high.

    U+10FFFF is the greatest code point (its UTF-8 bytes are the greatest too), so names with characters
    beyond the basic plane (CJK extension B and later) stay inside the range."""
    return prefix, prefix + "\U0010ffff"


_NUMERALS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_NUMBER = re.compile(r"\d+|[零〇一二两三四五六七八九十百]+")


def _chinese_number(text: str) -> int:
    """一 → 1, 十一 → 11, 二十 → 20, 一百零五 → 105 (the numbers in branch and group names)."""
    total, digit = 0, 0
    for char in text:
        if char == "百":
            total += (digit or 1) * 100
            digit = 0
        elif char == "十":
            total += (digit or 1) * 10
            digit = 0
        else:
            digit = _NUMERALS[char]
    return total + digit


def natural_key(name: str) -> tuple:
    """Sort key that reads numbers as numbers: 第二党支部 before 第十一党支部, 2病区 before 10病区. The text
    between numbers compares as the database compares names (by character), which keeps a 200-row list's sort
    well under a millisecond (by pinyin it took 9 ms)."""
    key: list = []
    position = 0
    for match in _NUMBER.finditer(name):
        if match.start() > position:
            key.append((0, name[position : match.start()], 0))
        number = match.group()
        key.append((1, "", int(number) if number.isdigit() else _chinese_number(number)))
        position = match.end()
    if position < len(name):
        key.append((0, name[position:], 0))
    return tuple(key)
