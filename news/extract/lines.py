"""Classifying the lines of a news page: metadata, breadcrumb, furniture, images, spam, body.

Every test runs on a matching form of the line (NFKC, simplified, no pinyin artefacts) while values are cut
from the line as written, so a traditional-script page keeps its script.
"""

import re
import unicodedata

from core.text import strip_pinyin_artefacts, to_simplified

from .html import IMAGE_MARK

_LABEL_SEP = r"\s*[:丨|｜]\s*"
META_LABELS = {
    "published": r"(?:发布|发表|更新|上传|录入|发稿)(?:时间|日期)|发布于|时间|日期",
    "views": r"(?:点击|浏览|阅读|访问|查看)(?:次数|量|数|率)?|人气",
    "source": r"(?:本文|信息|稿件|文章|新闻|消息)?来源|供稿(?:单位|部门)?|稿源|出处|承制部门|发布单位|发布部门",
    "owner": r"主管部门|主办单位",
    "author": r"作者|撰稿人?|撰文|文稿撰写|撰写|文字|通讯员|记者|供稿人",
    "editor": r"(?:责任|值班|网络)?编辑|责编|编审|审核人?|审稿|终审|校对",
    "photo": r"摄影|图片|摄像|美编排版|美编|排版|视频",
}
_ANY_LABEL = re.compile(
    r"(?:^|(?<=[\s,，;；\]】)]))(" + "|".join(f"(?P<{k}>{v})" for k, v in META_LABELS.items()) + r")" + _LABEL_SEP
)
_BREADCRUMB = re.compile(
    r"^[•·▪●◆■>»\s]*(?:当前位置|所在位置|您的位置|你的位置|您现在的位置|你现在的位置|现在位置|位置)\s*[:：]?\s*(.*)$"
)
_CRUMB_SPLIT = re.compile(r"\s*(?:>>|>|»|›|→|/|\\|＞|》|-&gt;)\s*")
_COLUMN_TERMS = r"(?:动态|新闻|要闻|建设|公告|通知|资讯|专栏|园地|之窗|工作|信息|快讯|风采|文化|活动|党建|廉政|聚焦|视点|报道|简讯|中心)"
_COLUMN_PARTS = re.compile(r".+?" + _COLUMN_TERMS + r"(?=.)|.+$")
_CRUMB_NOISE = {
    "首页",
    "主页",
    "网站首页",
    "正文",
    "详细",
    "详情",
    "内容",
    "正文内容",
    "文章详情",
    "新闻详情",
    "浏览文章",
}
_CRUMB_TAIL = re.compile(r"(?:详细|详情|正文|内容)$")

END_MARKERS = re.compile(
    r"^(?:扫一扫|扫码|上一篇|下一篇|上一条|下一条|上一页|下一页|返回列表|返回顶部|返回首页|【?打印|打印本页|关闭窗口|【关闭】|分享到|"
    r"版权所有|copyright|©|相关新闻|相关文章|相关阅读|推荐阅读|热门文章|[-—–\s]*end[-—–\s]*$)",
    re.IGNORECASE,
)
_IMAGE_FILE = re.compile(r"^[\w\-.%()]{1,80}\.(?:jpe?g|png|gif|bmp|webp|tiff?)$", re.IGNORECASE)
_IMAGE_WORDS = {"图片", "图", "圖片", "image", "img", "photo"}
_BULLET = re.compile(r"^[•·▪●◆■□◇○]\s*")
_MARKUP_ONLY = re.compile(r"^(?:\s*</?[a-zA-Z][^<>]*>)+\s*$")
_TAG = re.compile(r"</?[a-zA-Z][^<>]{0,200}>")
_DATE_TIME = re.compile(r"\d{4}[-/.年]\d{1,2}[-/.月]\d{1,2}日?(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?")
_SPACED_CHARS = re.compile(r"^(?:\S\s+){2,}\S$")
_SENTENCE_PUNCT = re.compile(r"[。，,；;！!？?：:、“”\"（）()]")
_SPAM = re.compile(
    r"视频|在线|无码|偷拍|香蕉|一区二区|久久|成人|色情|国产|亚洲|精品|av|博彩|彩票|娱乐城|棋牌|赌|澳门|开户|六合彩|自拍|福利|毛片|日韩|欧美"
)
_ZERO_WIDTH = re.compile(r"[\u200b-\u200f\u2060\ufeff\u00ad]")
_WS = re.compile(r"[ \t\u3000\xa0]+")


def clean_line(line: str) -> str:
    line = _ZERO_WIDTH.sub("", line)
    line = strip_pinyin_artefacts(line)
    if "<" in line and not _MARKUP_ONLY.match(line):
        line = _TAG.sub("", line)
    return _WS.sub(" ", line).strip()


def matching_form(line: str) -> str:
    """NFKC + simplified; the same length as the line whenever OpenCC converts character by character."""
    return to_simplified(unicodedata.normalize("NFKC", line))


def cut(original: str, matching: str, start: int, end: int) -> str:
    """The span [start, end) of the matching form, taken from the original where the two align."""
    source = original if len(original) == len(matching) else matching
    return source[start:end].strip()


def meta_fields(original: str, matching: str) -> dict[str, str]:
    """Label: value pairs on a metadata line such as '发布时间:2023-07-06 07:51 本文来源: 党办'."""
    found = list(_ANY_LABEL.finditer(matching))
    fields = {}
    for i, match in enumerate(found):
        kind = match.lastgroup if match.lastgroup in META_LABELS else _kind_of(match)
        end = found[i + 1].start() if i + 1 < len(found) else len(matching)
        fields.setdefault(kind, cut(original, matching, match.end(), end))
    return fields


def _kind_of(match) -> str:
    return next(k for k in META_LABELS if match.group(k))


def is_meta_line(matching: str) -> bool:
    """Mostly label: value pairs, short, and not a sentence."""
    if len(matching) > 120:
        return False
    found = list(_ANY_LABEL.finditer(matching))
    if not found:
        return False
    if found[0].start() > 12:
        return False
    return "。" not in matching


def breadcrumb_column(original: str, matching: str) -> str | None:
    """The last real crumb of '当前位置: 首页 > 新闻动态 > 党建' (or crumbs run together without separators)."""
    match = _BREADCRUMB.match(matching)
    if not match:
        return None
    offset = match.start(1)
    crumbs = []
    pos = offset
    for part in _CRUMB_SPLIT.split(matching[offset:]):
        start = matching.find(part, pos)
        pos = start + len(part)
        crumbs.extend(_split_run_together(original, matching, start, part))
    crumbs = [c for c in crumbs if c and c[1] not in _CRUMB_NOISE]
    return crumbs[-1][0] if crumbs else None


def _split_run_together(original, matching, start, part):
    """'首页 党团建设党建动态详细' lost its separators: split on spaces, then after column words."""
    pieces = []
    pos = start
    for word in part.split(" "):
        word_start = matching.find(word, pos)
        pos = word_start + len(word)
        word = _CRUMB_TAIL.sub("", word) if word not in _CRUMB_NOISE else word
        if not word:
            continue
        inner = 0
        for piece in _COLUMN_PARTS.findall(word):
            piece_start = word_start + inner
            inner += len(piece)
            pieces.append((cut(original, matching, piece_start, piece_start + len(piece)), piece))
    return pieces


def column_heading(original: str, matching: str) -> str | None:
    """A short heading line such as '医院动态' just above the title."""
    if 2 <= len(matching) <= 10 and re.search(_COLUMN_TERMS + "$", matching) and not _SENTENCE_PUNCT.search(matching):
        words = _COLUMN_PARTS.findall(matching)
        last = words[-1] if words else matching
        start = len(matching) - len(last)
        return cut(original, matching, start, len(matching))
    return None


def is_end_marker(matching: str) -> bool:
    return bool(END_MARKERS.match(matching)) and len(matching) < 60


def image_name(line: str) -> str | None:
    if line.startswith(IMAGE_MARK):
        return line[len(IMAGE_MARK) :]
    if _IMAGE_FILE.match(line):
        return line
    return None


def is_image_placeholder(matching: str) -> bool:
    return matching.lower() in _IMAGE_WORDS


def is_bullet(matching: str) -> bool:
    return bool(_BULLET.match(matching))


def is_decoration(matching: str) -> bool:
    """Section numbers ('01'), spaced-out slogans ('云 医 心 向 党'), '&' banners, bare markup."""
    if _MARKUP_ONLY.match(matching):
        return True
    if re.fullmatch(r"[\d\W_]{1,6}", matching):
        return True
    if _SPACED_CHARS.match(matching) and len(matching) < 30:
        return True
    return len(matching) < 20 and "&" in matching and not _SENTENCE_PUNCT.search(matching)


def is_dateline(matching: str) -> bool:
    """'集团全媒体中心 白云精康医院 2023-07-11 21:05': a reposted article's byline, not body text."""
    return len(matching) < 60 and bool(_DATE_TIME.search(matching)) and "。" not in matching and "," not in matching


def is_spam(matching: str) -> bool:
    hits = {m.group(0).lower() for m in _SPAM.finditer(matching)}
    return len(hits) >= 3


def has_sentence(matching: str) -> bool:
    return len(matching) >= 30 and bool(_SENTENCE_PUNCT.search(matching))
