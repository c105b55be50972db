"""Credits written into the text rather than under a label: a dispatch line ('红网时刻3月22日讯(通讯员莫研)'), a
credit in brackets at the start or end of the body ('(通讯员:严庄婷)', '(胡志强、医师报陈远航)'), or a byline line of
its own ('封面新闻记者宁芝', '离退休办公室 张伟', '姚远平').

Each function works on the matching (simplified) form and returns (sources, authors) cut from the original text.
"""

import re

from core.text import to_simplified

from .entities import valid_name as _valid_simplified


def valid_name(text: str) -> bool:
    return _valid_simplified(to_simplified(text))


_CREDIT_LABEL = r"(?:作者|通讯员|特约通讯员|记者|见习记者|文|图文|文/图|图/文|撰稿|撰文|摄影|供稿|报道员|信息员)"
_LEADING = re.compile(r"^[（(]\s*(?P<credit>" + _CREDIT_LABEL + r"\s*[:：]?[^（）()]{1,40})[）)]")
_DISPATCH = re.compile(
    r"^(?P<media>[^\d\s，,。:：（(]{2,12}?)(?:\d{1,2}月\d{1,2}日)?(?:讯|电)\s*(?:[（(](?P<credit>[^（）()]{1,60})[）)])?"
)
_TRAILING = re.compile(r"[（(](?P<credit>[^（）()]{2,40})[）)]\s*$")
_MEDIA_END = re.compile(r"(?:网|报|台|社|时刻|新闻|日报|晚报|客户端|频道|电视台|杂志)")
_OWN_MEDIA = {"本网", "本报", "本台", "本刊", "本站"}
_ORG_END = re.compile(r"(?:支部|总支|党委|科|室|办公室|办|处|部|中心|委|局|院|站|队|组|会)$")
_SEPARATORS = re.compile(r"[、,，;；/\s]+")
# A label inside a credit: the longer ones wherever they stand ('通讯员莫研'), '文' only before a colon or space.
_LABEL_IN_CREDIT = re.compile(
    r"(?:作者|特约通讯员|通讯员|见习记者|记者|图文|文/图|图/文|撰稿|撰文|摄影|报道员|信息员)\s*[:：]?|(?:^|(?<=\s))文\s*[:：\s]"
)


def leading_credit(original: str, matching: str) -> tuple[list[str], list[str], int]:
    """Credits at the start of the first paragraph, and how many characters they take (to cut them off)."""
    match = _LEADING.match(matching)
    if match:
        sources, authors = _credit_items(_cut(original, matching, match.start("credit"), match.end("credit")))
        return sources, authors, match.end()
    match = _DISPATCH.match(matching)
    if match and not match.group("media").endswith(("年", "月", "日")):
        media = _media_name(_cut(original, matching, match.start("media"), match.end("media")))
        sources = [] if media is None else [media]
        authors: list[str] = []
        if match.group("credit"):
            extra_sources, authors = _credit_items(_cut(original, matching, match.start("credit"), match.end("credit")))
            sources += extra_sources
        if sources or authors:
            return sources, authors, match.end()
    return [], [], 0


def trailing_credit(original: str, matching: str) -> tuple[list[str], list[str]]:
    """'…(行政一支部)', '…(李建吾 供稿)', '…(胡志强、医师报陈远航)' at the end of the body."""
    match = _TRAILING.search(matching)
    if not match:
        return [], []
    credit = _cut(original, matching, match.start("credit"), match.end("credit"))
    sources, authors = _credit_items(credit)
    items = _SEPARATORS.split(credit.strip())
    if not (sources or authors) or len(sources) + len(authors) < len([i for i in items if i and i != "供稿"]):
        return [], []  # a bracket that is not a credit: '(含预备党员)'
    return sources, authors


def byline_line(original: str, matching: str) -> tuple[list[str], list[str]]:
    """A short line that is only a credit: '封面新闻记者宁芝', '离退休办公室 张伟', '姚远平'."""
    if len(matching) > 24 or any(p in matching for p in "。，,；;！？!?：:"):
        return [], []
    reporter = re.match(r"^(?P<media>.{2,10}?)(?:记者|通讯员)\s*(?P<names>.+)$", matching)
    if reporter:
        media = _media_name(_cut(original, matching, 0, reporter.end("media")))
        names = [n for n in _SEPARATORS.split(_cut(original, matching, reporter.start("names"), len(matching))) if n]
        if names and all(valid_name(n) for n in names):
            return ([media] if media else []), names
        return [], []
    sources, authors = _credit_items(original if len(original) == len(matching) else matching)
    items = [i for i in _SEPARATORS.split(matching) if i]
    if authors and len(sources) + len(authors) == len(items) and len(sources) <= 1:
        return sources, authors
    return [], []


def _credit_items(credit: str) -> tuple[list[str], list[str]]:
    """'通讯员 师海娥 张笑', '胡志强、医师报陈远航', '李建吾 供稿', '行政一支部' -> (sources, authors)."""
    sources, authors = [], []
    text = _LABEL_IN_CREDIT.sub(" ", credit)
    for item in _SEPARATORS.split(text):
        item = item.strip()
        if not item or item == "供稿":
            continue
        if valid_name(item):
            authors.append(item)
            continue
        media = _MEDIA_END.search(item)
        if media and valid_name(item[media.end() :]):  # 医师报陈远航
            sources.append(item[: media.end()])
            authors.append(item[media.end() :])
        elif _ORG_END.search(item) and 2 <= len(item) <= 16 or _MEDIA_END.search(item):
            sources.append(item)
    return sources, authors


def _media_name(text: str) -> str | None:
    """'红网时刻', '东北网绥化' -> '东北网', '阳光' ; None for the site's own '本网'."""
    text = text.strip()
    if text in _OWN_MEDIA or text.startswith(tuple(_OWN_MEDIA)):
        return None
    ends = list(_MEDIA_END.finditer(text))
    if ends and len(text) - ends[-1].end() <= 3:  # a place after the outlet: 东北网绥化
        return text[: ends[-1].end()]
    return text


def _cut(original: str, matching: str, start: int, end: int) -> str:
    source = original if len(original) == len(matching) else matching
    return source[start:end]
