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
    "published": r"(?:发布|发表|更新|上传|录入|发稿|创建|发文|刊发|上线)(?:时间|日期|于)|发布于|时间|日期",
    "views": r"(?:点击|浏览|阅读|访问|查看)(?:次数|量|数|率)?|人气|阅",
    "source": r"(?:本文|信息|稿件|文章|新闻|消息|图文)?来源|供稿(?:单位|部门)?|稿源|出处|承制部门|发布(?:单位|部门|机构)|来稿单位",
    "owner": r"主管部门|主办单位",
    "author": r"作者|撰稿人?|撰文|文稿撰写|撰写|文字|通讯员|记者|供稿人|图文|文图|文/图|图/文|文|宣传(?:委员|干事|员)|信息员",
    "editor": r"(?:责任|值班|网络|执行)?编辑|责编|编审|审核人?|审稿|终审|校对|核稿|编发|复核|审签|签发|初审|二审|三审|编校",
    "photo": r"摄影|图片|摄像|美编排版|美编|排版|视频",
    "ignored": r"作者科室|编辑科室|字号|字体|索引号|分类|主题词|文号|成文日期",
}
_LABEL_ALTERNATIVES = "|".join(f"(?P<{k}>{v})" for k, v in META_LABELS.items())
_ANY_LABEL = re.compile(r"(?:^|(?<=[\s,，;；\]】)(（]))(" + _LABEL_ALTERNATIVES + r")" + _LABEL_SEP)
# Run-on lines ('来源:党办宣传委员:周志强发布时间:2026-02-02编辑:…') lose the spaces between fields: there a label
# is read wherever it stands, but only before a colon and only the longer, unmistakable ones.
_RUN_ON_LABEL = re.compile(
    r"(?P<label>(?:发布|发表|更新|创建)(?:时间|日期)|(?:文章|信息|新闻)?来源|稿源|发布机构|作者|通讯员|记者|宣传(?:委员|干事)|"
    r"(?:责任)?编辑|校对|审核人?|审稿|核稿|编发|点击(?:数|量|次数)?|浏览(?:次数|量)?|阅读(?:量|数)?|访问量)\s*[:：]"
)
_KIND_OF_RUN_ON = [(re.compile(META_LABELS[k]), k) for k in ("published", "views", "source", "author", "editor")]

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
    r"版权所有|copyright|©|相关新闻|相关文章|相关阅读|推荐阅读|热门文章|原标题|原文标题|原文链接|阅读原文|[-—–\s]*end[-—–\s]*$)",
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
    """Label: value pairs on a metadata line such as '发布时间:2023-07-06 07:51 本文来源: 党办'. Several values of one
    kind are joined with ';' (two authors); an empty label keeps an empty value."""
    found = [(m.start(), m.end(), _kind_of(m)) for m in _ANY_LABEL.finditer(matching)]
    taken = [(a, b) for a, b, _ in found]
    for m in _RUN_ON_LABEL.finditer(matching):
        if not any(a <= m.start() < b or m.start() <= a < m.end() for a, b in taken):
            found.append((m.start(), m.end(), _run_on_kind(m.group("label"))))
    found.sort()
    fields: dict[str, str] = {}
    for i, (_start, end, kind) in enumerate(found):
        stop = found[i + 1][0] if i + 1 < len(found) else len(matching)
        value = cut(original, matching, end, stop)
        if kind == "ignored":
            continue
        if fields.get(kind) and value and kind in ("author", "source"):
            fields[kind] = f"{fields[kind]};{value}"
        elif not fields.get(kind):
            fields[kind] = value
    return fields


def _kind_of(match) -> str:
    return next(k for k in META_LABELS if match.group(k))


def _run_on_kind(label: str) -> str:
    return next(kind for pattern, kind in _KIND_OF_RUN_ON if pattern.fullmatch(label) or pattern.match(label))


def is_meta_line(matching: str) -> bool:
    """Mostly label: value pairs, short, and not a sentence."""
    if len(matching) > 120:
        return False
    found = [m.start() for m in _ANY_LABEL.finditer(matching)] + [m.start() for m in _RUN_ON_LABEL.finditer(matching)]
    if not found:
        return False
    if min(found) > 12:
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


_FURNITURE = re.compile(
    r"点击.{0,4}(?:蓝字|关注)|关注我们|打开.{0,8}(?:新闻|客户端|app)|查看精彩图片|欢迎(?:访问|光临|来到|您)|今天是|今日是|"
    r"设为首页|加入收藏|无障碍|长者助手|我的收藏|繁体版?|简体版|手机版|手机上看|字号|字体|打印本页|收藏本页|分享到|"
    r"如需转载|版权声明|视频号|公众号|二维码|长按识别",
    re.IGNORECASE,
)
_UNLABELLED_CRUMBS = re.compile(r"\s*(?:-|>>|>|»|›|→)\s*")


def is_furniture(matching: str) -> bool:
    """Site and app furniture: greetings, today's date, WeChat prompts, font-size and print links."""
    return len(matching) < 80 and bool(_FURNITURE.search(matching))


def is_foreign(matching: str) -> bool:
    """A line mostly in Latin letters: a site's English name under its Chinese one."""
    letters = sum(1 for c in matching if c.isascii() and c.isalpha())
    return len(matching) >= 8 and letters > 0.6 * len(matching.replace(" ", ""))


def unlabelled_crumbs(original: str, matching: str) -> list[str] | None:
    """'新闻中心- 医院新闻- 我院…' or '首页-党建园地-工作动态': crumbs without a 当前位置 label, or None."""
    parts = [p for p in _UNLABELLED_CRUMBS.split(matching) if p]
    if len(parts) < 3 and not (len(parts) == 2 and parts[0] in _CRUMB_NOISE):
        return None
    if any(len(p) > 14 for p in parts[:-1]) or "。" in matching or any(c in matching for c in "，,；;"):
        return None
    source = original if len(original) == len(matching) else matching
    pieces, pos = [], 0
    for part in parts:
        start = matching.find(part, pos)
        pos = start + len(part)
        pieces.append(source[start:pos].strip())
    return pieces


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


_DAY_FIRST_DATE = re.compile(r"(?<![\d.])\d{1,2}\.\d{1,2}\.(?:19|20)\d{2}")


def is_dateline(matching: str) -> bool:
    """'集团全媒体中心 白云精康医院 2023-07-11 21:05': a reposted article's byline, not body text."""
    has_date = bool(_DATE_TIME.search(matching) or _DAY_FIRST_DATE.search(matching))
    return len(matching) < 60 and has_date and "。" not in matching and "," not in matching and "，" not in matching


def is_spam(matching: str) -> bool:
    hits = {m.group(0).lower() for m in _SPAM.finditer(matching)}
    return len(hits) >= 3


def has_sentence(matching: str) -> bool:
    return len(matching) >= 30 and bool(_SENTENCE_PUNCT.search(matching))


_PUBLISHED_LABEL = re.compile(r"(?:发布|发表|更新|创建)(?:时间|日期)\s*[:：]")
_DATE_VALUE = re.compile(
    r"\s*(?:(?:19|20)\d{2}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}\s*日?(?:\s*\d{1,2}[:：]\d{2}(?:[:：]\d{2})?)?)"
)
_CLAUSE = re.compile(r"[，。；！？,;!?]")
HEAD_LINES = 4  # a title run into its first paragraph only happens at the top


def split_run_on_lines(texts: list[str]) -> list[tuple[str, str]]:
    """Text renderings sometimes run a page's parts into one line: '标题发表时间:2021-06-15 11:07 为深入推进…' or
    '标题 6月29日上午,我院举行…'. Split them back into title, metadata and body; (line, matching form) pairs."""
    out: list[tuple[str, str]] = []
    for index, text in enumerate(texts):
        matching = matching_form(text)
        parts = _split_at_published(text, matching) or (
            _split_title_space(text, matching) if index < HEAD_LINES else None
        )
        out.extend([(part, matching_form(part)) for part in parts] if parts else [(text, matching)])
    return out


def _split_at_published(text: str, matching: str) -> list[str] | None:
    label = _PUBLISHED_LABEL.search(matching)
    if not label or len(matching) < 40:
        return None
    before = matching[: label.start()]
    if before.strip() and (is_meta_line(before.strip()) or len(before.strip()) < 4):
        return None  # a metadata line that starts with another field: not run on
    value = _DATE_VALUE.match(matching, label.end())
    if not value:
        return None
    source = text if len(text) == len(matching) else matching
    parts = [source[: label.start()].strip(), source[label.start() : value.end()].strip()]
    rest = source[value.end() :].strip()
    if rest:
        parts.append(rest)
    return [p for p in parts if p]


def _split_title_space(text: str, matching: str) -> list[str] | None:
    if len(matching) < 40:
        return None
    for position, char in enumerate(matching):
        if position > 70:
            return None
        if char == " " and position >= 8:
            head, tail = matching[:position], matching[position + 1 :]
            balanced = head.count("(") + head.count("（") == head.count(")") + head.count("）")
            if balanced and not _CLAUSE.search(head) and len(_CLAUSE.findall(tail)) >= 2 and len(tail) > 30:
                source = text if len(text) == len(matching) else matching
                return [source[:position].strip(), source[position + 1 :].strip()]
            if _CLAUSE.search(head):
                return None
    return None
