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


def parse_published(text: str) -> dt.datetime | dt.date | None:
    """'2023-07-06 07:51' -> datetime, '2024-05-25' -> date, '2023年7月6日' -> date; None if none."""
    match = _FULL_DATE.search(text or "")
    if not match:
        return None
    try:
        day = dt.date(int(match["y"]), int(match["m"]), int(match["d"]))
        if match["H"] is None:
            return day
        return dt.datetime(day.year, day.month, day.day, int(match["H"]), int(match["M"]), int(match["S"] or 0))
    except ValueError:
        return None


def event_dates(paragraphs: list[str], published: dt.date | None) -> list[dt.date]:
    """The first date in the body that could be the event's (not after publication), expanded over a range."""
    for paragraph in paragraphs:
        for match in _EVENT_DATE.finditer(_arabic_month_days(paragraph)):
            dates = _resolve(match, published)
            if dates:
                return dates
    return []


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


def _arabic_month_days(text: str) -> str:
    """'五月二十二日' -> '5月22日' so that one pattern reads both."""
    return _CN_MONTH_DAY.sub(lambda m: f"{_cn_number(m[1])}月{_cn_number(m[2])}日", text)


def _cn_number(text: str) -> int:
    if text == "十":
        return 10
    if text.startswith("十"):
        return 10 + _CN_DIGITS[text[1]]
    if len(text) == 3 or (len(text) == 2 and text[1] == "十"):
        return _CN_DIGITS[text[0]] * 10 + (_CN_DIGITS[text[2]] if len(text) == 3 else 0)
    return _CN_DIGITS[text[0]]
