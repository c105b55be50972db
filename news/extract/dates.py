"""Dates on news pages: the publish time of a metadata line and the event's dates in the body.

An event date is usually written without its year ('5月22日下午'); it is resolved against the publish date and
may not fall after it (a report on 3 January about '12月28日' is about the previous year).
"""

import datetime as dt
import re

_CN_DIGITS = {
    "〇": 0,
    "零": 0,
    "一": 1,
    "二": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
    "十": 10,
}
_FULL_DATE = re.compile(
    r"(?P<y>(?:19|20)\d{2})\s*[-/.年]\s*(?P<m>\d{1,2})\s*[-/.月]\s*(?P<d>\d{1,2})\s*日?"
    r"(?:\s*(?:[T ]|日)?\s*(?P<H>\d{1,2})[:：时](?P<M>\d{2})(?:[:：分](?P<S>\d{2}))?)?"
)
_EVENT_DATE = re.compile(
    r"(?:(?P<y>(?:19|20)\d{2})\s*年\s*)?(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*[日号]"
    r"(?:\s*(?:[至到~～\-—–－]+|—)\s*(?:(?P<m2>\d{1,2})\s*月\s*)?(?P<d2>\d{1,2})\s*[日号])?"
    r"|(?P<iy>(?:19|20)\d{2})[-/.](?P<im>\d{1,2})[-/.](?P<id>\d{1,2})(?![\d:])"
)
_CN_MONTH_DAY = re.compile(r"([一二三四五六七八九十]{1,3})月([一二三四五六七八九十]{1,3})日")
MAX_RANGE_DAYS = 31


_DAY_FIRST = re.compile(
    r"(?<![\d.])(?P<d>\d{1,2})\.(?P<m>\d{1,2})\.(?P<y>(?:19|20)\d{2})(?:\s+(?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2}))?)?"
)


def parse_published(text: str) -> dt.datetime | dt.date | None:
    """'2023-07-06 07:51' -> datetime, '2024-05-25' -> date, '2023年7月6日' -> date, '06.07.2018 18:46' (day first,
    as European-style CMS templates print it) -> datetime; None if none."""
    match = _FULL_DATE.search(text or "") or _DAY_FIRST.search(text or "")
    if not match:
        return None
    try:
        day = dt.date(int(match["y"]), int(match["m"]), int(match["d"]))
        if match["H"] is None:
            return day
        return dt.datetime(day.year, day.month, day.day, int(match["H"]), int(match["M"]), int(match["S"] or 0))
    except ValueError:
        return None


_DISPATCH_AFTER = re.compile(r"\s*(?:讯|电|消息)")
_VAGUE = re.compile(r"^[^，,。]{0,30}?(?:近日|日前|近期|前不久|不久前)")
_YESTERDAY = re.compile(r"^[^，,。]{0,30}?(?:昨日|昨天)")
UNKNOWN_YEAR = "????"


def event_dates(paragraphs: list[str], published: dt.date | None, year_in_text: int | None = None) -> list[str]:
    """The event's dates, as ISO strings: the first date in the body that could be the event's (not after
    publication, not a dispatch line's '7月1日讯'), expanded over a range. Without a publish date the year is the
    one the page names, if it names one; else the date is written '????-MM-DD' (the year is never guessed).
    '昨日' is the day before publication; '近日'/'日前' before any date give no date."""
    reference = published or _assumed(year_in_text)
    for index, paragraph in enumerate(paragraphs):
        text = _arabic_month_days(paragraph)
        if index == 0 and published and _YESTERDAY.match(text) and not _EVENT_DATE.search(text[:30]):
            return [(published - dt.timedelta(days=1)).isoformat()]
        for match in _EVENT_DATE.finditer(text):
            if _DISPATCH_AFTER.match(text, match.end()):
                continue
            dates = _resolve(match, reference)
            if dates:
                dates = sorted(set(dates) | _other_events(paragraphs[index + 1 :], reference))
                return [d.isoformat() for d in dates]
            if reference is None and not match["y"] and not match["iy"]:
                return [f"{UNKNOWN_YEAR}-{int(match['m']):02d}-{int(match['d']):02d}"]
        if index == 0 and _VAGUE.match(text):
            return []
    return []


_LEADING_DATE = 12  # a paragraph that opens with a date reports an event of its own ('3月15日,…举行签约')


def _other_events(paragraphs: list[str], reference: dt.date | None) -> set[dt.date]:
    """A page reporting several events opens a paragraph with each one's date."""
    found: set[dt.date] = set()
    for paragraph in paragraphs:
        text = _arabic_month_days(paragraph)
        match = _EVENT_DATE.search(text[: _LEADING_DATE + 16])
        if match and match.start() <= _LEADING_DATE and not _DISPATCH_AFTER.match(text, match.end()):
            found.update(_resolve(match, reference))
    return found


def _assumed(year: int | None) -> dt.date | None:
    """A stand-in publish date at the end of the year the page names (dates resolve into that year)."""
    return dt.date(year, 12, 31) if year else None


def _resolve(match, published: dt.date | None) -> list[dt.date]:
    try:
        if match["iy"]:
            start = dt.date(int(match["iy"]), int(match["im"]), int(match["id"]))
            return [start] if _plausible(start, published) else []
        month, day = int(match["m"]), int(match["d"])
        year = int(match["y"]) if match["y"] else _year_for(month, day, published)
        if year is None:
            return []
        start = dt.date(year, month, day)
    except ValueError:
        return []
    if not _plausible(start, published):
        return []
    if not match["d2"]:
        return [start]
    try:
        end_month = int(match["m2"]) if match["m2"] else month
        end = dt.date(year + (1 if end_month < month else 0), end_month, int(match["d2"]))
    except ValueError:
        return [start]
    days = (end - start).days
    if 0 < days <= MAX_RANGE_DAYS:
        return [start + dt.timedelta(days=i) for i in range(days + 1)]
    return [start]


def _year_for(month: int, day: int, published: dt.date | None) -> int | None:
    if published is None:
        return None
    try:
        candidate = dt.date(published.year, month, day)
    except ValueError:
        return published.year - 1
    return published.year - 1 if candidate > published + dt.timedelta(days=7) else published.year


def _plausible(day: dt.date, published: dt.date | None) -> bool:
    if published is None:
        return 1949 <= day.year <= dt.date.today().year + 1
    return published - dt.timedelta(days=400) <= day <= published + dt.timedelta(days=7)


_RUN_TOGETHER = re.compile(r"(?<![\d年月/.\-:：])(\d{3,4})日")


def _arabic_month_days(text: str) -> str:
    """'五月二十二日' -> '5月22日' so that one pattern reads both; '1117日' (a slip for 11月17日) -> '11月17日' when
    only one reading is a date ('112日' could be 1月12日 or 11月2日: left alone)."""
    text = _CN_MONTH_DAY.sub(lambda m: f"{_cn_number(m[1])}月{_cn_number(m[2])}日", text)
    return _RUN_TOGETHER.sub(_split_month_day, text)


def _split_month_day(match) -> str:
    digits = match.group(1)
    readings = [(digits[:cut], digits[cut:]) for cut in (1, 2)]
    valid = {
        (int(m), int(d))
        for m, d in readings
        if d and not m.startswith("0") and not d.startswith("0") and 1 <= int(m) <= 12 and 1 <= int(d) <= 31
    }
    if len(valid) != 1:
        return match.group(0)
    month, day = valid.pop()
    return f"{month}月{day}日"


def _cn_number(text: str) -> int:
    if text == "十":
        return 10
    if text.startswith("十"):
        return 10 + _CN_DIGITS[text[1]]
    if len(text) == 3 or (len(text) == 2 and text[1] == "十"):
        return _CN_DIGITS[text[0]] * 10 + (_CN_DIGITS[text[2]] if len(text) == 3 else 0)
    return _CN_DIGITS[text[0]]
