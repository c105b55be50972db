"""Units, party organisations, people with their posts, and the kind of event, from a page's text.

Work on the matching (simplified) form; callers cut the original script back out by position. Units are found
by their endings (医院, 卫生院, 卫生健康局 …) and extended leftwards over jieba tokens until a function word or
verb; people by a surname and a post next to them ('党委书记雷继敏', '王明新书记'). Heuristics, stated as such in
the import review: nothing found here is saved until a person confirms it.
"""

import re

import rjieba

from .wordlists import COMPOUND_SURNAMES, NON_NAME_CHARS, NOT_NAMES, STOP_WORDS, SURNAMES, VERBS

UNIT_ENDINGS = (
    "社区卫生服务中心|社区卫生服务站|卫生服务中心|疾病预防控制中心|妇幼保健计划生育服务中心|妇幼保健院|医疗保障局|"
    "人民医院|中医医院|中医院|医院|卫生院|卫生室|诊所|门诊部|医疗集团|医疗公司|医学院|集团|公司|"
    "卫生健康委员会|卫生和计划生育委员会|卫生健康局|卫健委|卫健局|人民政府|街道办事处|办事处|"
    "职业学院|学院|大学|中学|小学|学校|幼儿园|协会|学会|委组织部|组织部|研究院|研究所|血站|急救中心|管理局"
)
PARTY_ENDINGS = "党委|党总支|党支部|党组|行业党委|机关党委|党工委|联合党支部"
_UNIT = re.compile(f"(?:{UNIT_ENDINGS})")
_PARTY = re.compile(f"(?:{PARTY_ENDINGS})")
_STOP_POS = {
    "p",
    "c",
    "u",
    "d",
    "r",
    "t",
    "x",
    "i",
    "l",
    "y",
    "e",
    "o",
    "w",
    "f",
    "q",
    "uj",
    "ul",
    "ud",
    "uz",
    "ug",
    "uv",
}
_GENERIC_PREFIX = re.compile(
    r"^(?:[一二三四五六七八九十两\d]+[家个所]|市属|区属|县属|省属|公立|民营|综合|县级|市级|省级|区级|[一二三]级|[甲乙丙]等|西医类|中医类|"
    r"二级公立|三级公立|基层|定点|该|本|我|全|各|两|此|其|每|多|[一二三]甲|乡镇|社区|村|街道|镇|专科|共建|非公|民办|私立|附属|下属|"
    r"旗下|精神|口腔|眼科|妇产|儿童|肿瘤|骨科|中医|康复|公办|医疗机构|医疗卫生|卫生|医疗|年度|民营医疗机构)*$"
)
POST_ENDINGS = (
    "副书记|书记|院长|主任|干事|董事长|董事|总经理|经理|处长|局长|镇长|区长|市长|县长|部长|科长|所长|站长|委员|成员|负责人|主席|秘书长|"
    "会长|理事长|护士长|主任医师|医师|党员|组长|队长|校长|教授|院士|总监|专员|调研员|巡视员|主管|馆长|社长|厂长|行长|主编|指导员|联络员"
)
_POST_END = re.compile(f"(?:{POST_ENDINGS})$")
_POST_IN = re.compile(f"(?:{POST_ENDINGS})")
_TITLE_AFTER_NAME = re.compile(
    "书记|院长|主任|处长|局长|镇长|区长|市长|县长|部长|科长|所长|站长|董事长|总经理|经理|校长|主席|会长|教授|队长|组长|护士长|主任医师"
)
_UNIT_AT_END = re.compile(f"(?:{UNIT_ENDINGS})$")
_NAME_FOLLOWERS = re.compile(
    r"^(?:$|[\s,，。;；:：、!！?？)）(（《“”\"]|同志|主持|讲话|致辞|表示|指出|强调|介绍|宣读|出席|参加|作|做|为|在|就|对|与|和|及|以|上台|颁|"
    r"带领|率|一行|等|说|认为|希望|提出|代表|发言|传达|汇报|总结|分享|参与|亲自|向|给|从|到|深入|走访|莅临|应邀|主讲|围绕|结合|首先|也|还|都|"
    r"书记|院长|主任|处长|局长|镇长|副)"
)
_SEGMENT_SPLIT = re.compile(r"[,，。;；!！?？:：\s()（）《》“”\"【】\[\]]+")


def units_and_parties(text: str) -> tuple[list[tuple[int, int, bool]], list[tuple[int, int, bool]]]:
    """Spans of unit names and of party organisation names, each with whether it is a proper name for sure
    (a place or proper-noun token in it). A town's party committee (港口镇党委) is a unit of its own."""
    tokens = _token_spans(text)
    units = _named_spans(text, tokens, _UNIT)
    parties = _named_spans(text, tokens, _PARTY, min_prefix=2)
    units += [
        span
        for span in parties
        if _TOWN_PARTY.search(text[span[0] : span[1]]) and not _UNIT.search(text[span[0] : span[1]])
    ]
    return units, parties


_TOWN_PARTY = re.compile(f"(?:镇|乡|街道|村|社区)(?:{PARTY_ENDINGS})$")
_PLACE_CHAR = re.compile("[省市县区镇乡村州盟旗]")


def settle_names(candidates: list[tuple[str, bool]], title: str) -> list[str]:
    """Keep sure names, and unsure ones whose first characters recur in a sure name or the title
    (广济医院 beside 广东广济医疗公司), so that '明确指出南栅医院' does not survive as a unit."""
    sure = [name for name, confident in candidates if confident]
    kept = []
    for name, confident in candidates:
        if confident or any(name[:2] in other for other in sure if other != name) or name[:2] in title:
            kept.append(name)
    return longest_forms(kept)


def _token_spans(text: str) -> list[tuple[int, int, str, str]]:
    spans, pos = [], 0
    for word, tag in rjieba.tag(text):
        spans.append((pos, pos + len(word), word, tag))
        pos += len(word)
    return spans


def _named_spans(text, tokens, ending: re.Pattern, min_prefix: int = 2) -> list[tuple[int, int]]:
    spans = []
    starts = {start: i for i, (start, *_rest) in enumerate(tokens)}
    ends = {end for _s, end, *_rest in tokens}
    for match in ending.finditer(text):
        if match.end() not in ends and not _ends_before_party(text, match.end()):
            continue
        first = _first_token_at_or_before(tokens, starts, match.start())
        if first is None:
            continue
        start = _walk_left(tokens, first, match.start())
        prefix = text[start : match.start()]
        if _BAD_IN_NAME.search(text[start : match.end()]):
            continue
        if len(prefix) < min_prefix or _GENERIC_PREFIX.match(prefix) or prefix[0] in "家个所名位年度":
            continue
        name_tokens = [t for t in tokens if start <= t[0] < match.end()]
        confident = any(t[3] in _PROPER_POS for t in name_tokens) or bool(_PLACE_CHAR.search(prefix))
        spans.append((start, match.end(), confident))
    return spans


def _ends_before_party(text: str, end: int) -> bool:
    return bool(_PARTY.match(text, end)) or bool(_POST_IN.match(text, end))


def _first_token_at_or_before(tokens, starts, position):
    if position in starts:
        return starts[position]
    for i, (start, end, *_rest) in enumerate(tokens):
        if start < position < end:
            return i
    return None


def _walk_left(tokens, index: int, floor: int) -> int:
    """Extend a name leftwards over name-like tokens; stop at function words, verbs, digits, punctuation.

    jieba tags some place and brand names as verbs or adjectives (大涌, 精康): such a token is kept when a
    proper noun stands right before it (中山市大涌, 白云精康).
    """
    start = min(tokens[index][0], floor)
    length = floor - start
    i = index - 1
    while i >= 0 and length < 22:
        token_start, _end, word, tag = tokens[i]
        if (
            tag in _STOP_POS
            or word in STOP_WORDS
            or word[-2:] in VERBS
            or _POST_END.search(word)
            or any(c.isdigit() for c in word)
            or not _is_cjk(word)
        ):
            break
        if tag[:1] in ("v", "a") and not (i > 0 and tokens[i - 1][3] in _PROPER_POS):
            break
        start = token_start
        length += len(word)
        i -= 1
    return start


_BAD_IN_NAME = re.compile("书记|委员(?!会)|院长|主任|党员|我院|本院|该院|干部|职工|群众|功能型|星级|示范")
_PROPER_POS = {"ns", "nr", "nrt", "nz", "nt", "j", "nrfg"}


def _is_cjk(word: str) -> bool:
    return all("\u4e00" <= c <= "\u9fff" for c in word)


def longest_forms(names: list[str]) -> list[str]:
    """Drop a name written in full elsewhere on the page ('南栅医院' beside '东莞市虎门南栅医院')."""
    unique = list(dict.fromkeys(n for n in names if n))
    return [n for n in unique if not any(n != other and n in other for other in unique)]


def people_in(text: str) -> list[tuple[tuple[int, int], list[tuple[tuple[int, int], ...]]]]:
    """(name span, posts) for each person named beside a post; a post is one or two spans read as one text
    ('南栅医院' + '书记' around '王明新')."""
    found = []
    for seg_start, segment in _segments(text):
        pending_posts: list[tuple[tuple[int, int], ...]] = []
        pos = 0
        for part in segment.split("、"):
            part_start = seg_start + pos
            pos += len(part) + 1
            person = _person_in_part(part)
            if person is None:
                if _POST_END.search(part):
                    pending_posts.append(((part_start + _post_start(part, len(part)), part_start + len(part)),))
                else:
                    pending_posts = []
                continue
            (name_start, name_end), post = person
            shifted = tuple((part_start + a, part_start + b) for a, b in post)
            found.append(((part_start + name_start, part_start + name_end), pending_posts + [shifted]))
            pending_posts = []
    return found


def _segments(text: str):
    pos = 0
    for piece in _SEGMENT_SPLIT.split(text):
        if piece:
            start = text.find(piece, pos)
            pos = start + len(piece)
            yield start, piece


def _person_in_part(part: str):
    """'党委书记雷继敏同志' (post then name) or '南栅医院王明新书记' (name then post), positions within part."""
    for post in _POST_IN.finditer(part):
        name = _name_at(part, post.end())
        if name:
            return (post.end(), post.end() + len(name)), ((_post_start(part, post.start()), post.end()),)
    for post in _TITLE_AFTER_NAME.finditer(part):
        keyword_start = _with_qualifier(part, post.start())
        name = _name_before(part, keyword_start)
        if name:
            name_start = keyword_start - len(name)
            unit_start = _post_start(part, name_start)
            spans = (
                ((unit_start, name_start), (keyword_start, post.end()))
                if unit_start < name_start
                else ((keyword_start, post.end()),)
            )
            return (name_start, keyword_start), spans
    return None


_POST_CUT = re.compile(r".*[由对向为在与是了请及让被把将从给]")


def _post_start(part: str, position: int) -> int:
    """Where the post phrase ending at position begins: after the last function character, at most 24 back."""
    floor = max(0, position - 24)
    match = _POST_CUT.match(part[floor:position])
    return floor + match.end() if match else floor


def _with_qualifier(part: str, position: int) -> int:
    for qualifier in ("常务副", "专职副", "执行", "副", "常务", "专职", "兼职"):
        if part[:position].endswith(qualifier):
            return position - len(qualifier)
    return position


def _name_at(part: str, start: int) -> str | None:
    for length in (3, 2, 4):
        name = part[start : start + length]
        if len(name) == length and _valid_name(name) and _NAME_FOLLOWERS.match(part[start + length :]):
            return name
    return None


def _name_before(part: str, end: int) -> str | None:
    for length in (3, 2):
        start = end - length
        if start < 0:
            continue
        name = part[start:end]
        before = part[:start]
        if _valid_name(name) and (not before or _UNIT_AT_END.search(before) or before[-1] in "市县区镇局司校心委部"):
            return name
    return None


def valid_name(name: str) -> bool:
    """A person's name: a surname and one or two more characters that names use (three after a double surname)."""
    return _valid_name(name)


def _valid_name(name: str) -> bool:
    if (
        len(name) < 2
        or not _is_cjk(name)
        or name in NOT_NAMES
        or name[:2] in NOT_NAMES
        or any(c in NON_NAME_CHARS for c in name[1:])
    ):
        return False
    if name[:2] in COMPOUND_SURNAMES:
        return len(name) >= 3
    return name[0] in SURNAMES and len(name) <= 3


EVENT_TYPES = (
    (r"主题党日", "主题党日"),
    (r"党课", "党课"),
    (r"组织生活会", "组织生活会"),
    (r"民主生活会", "民主生活会"),
    (r"党员大会", "党员大会"),
    (r"座谈", "座谈会"),
    (r"总结(?:表彰)?大会|总结会", "总结大会"),
    (r"表彰大会|表彰会", "表彰大会"),
    (r"签约|签署.{0,8}协议", "签约仪式"),
    (r"授牌|揭牌", "授牌仪式"),
    (r"联学共建|红联共建|结对共建|党建共建|共建", "联学共建"),
    (r"命名|荣获|获评|被评为|殊荣|喜讯|表彰|授予", "荣誉表彰"),
    (r"义诊", "义诊"),
    (r"志愿服务|志愿者", "志愿服务"),
    (r"培训", "培训"),
    (r"讲座|宣讲", "讲座"),
    (r"竞赛|知识竞答", "知识竞赛"),
    (r"参观|红色教育|研学|瞻仰", "参观学习"),
    (r"慰问|走访", "慰问"),
    (r"读书|学习会|理论学习|中心组", "理论学习"),
    (r"会议|大会|推进会|部署会|交流会|见面会", "会议"),
)
_EVENT_TYPES = [(re.compile(pattern), label) for pattern, label in EVENT_TYPES]


def event_type(title: str, first_paragraph: str) -> str | None:
    for text in (title, first_paragraph):
        for pattern, label in _EVENT_TYPES:
            if text and pattern.search(text):
                return label
    return "党建活动" if title else None
