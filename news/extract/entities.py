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
    "临床医疗中心|医疗中心|医学中心|社会福利中心|福利中心|发展中心|服务中心|"
    "人民医院|中医医院|中医院|医院|卫生院|卫生室|诊所|门诊部|医疗集团|医疗公司|医学院|分院|集团有限公司|有限公司|集团|公司|"
    "卫生健康委员会|卫生和计划生育委员会|卫生健康委|卫生健康局|卫健委|卫健局|卫计委|卫计局|卫生局|卫生党工委|人民政府|"
    "街道办事处|办事处|人大常委会|县委办公室|市委办公室|区委办公室|政府办公室|派出所|交警大队|中队|分局|公安局|"
    "职业学院|学院|大学|中学|小学|学校|幼儿园|商会|协会|学会|委组织部|组织部|研究院|研究所|报社|日报社|电视台|血站|"
    "急救中心|管理局|居民委员会|村民委员会|居委会|居委|社区|街道|村|镇|乡"
)
# Endings that are also common words (社区, 村, 镇 …): a name with one is kept only when it is surely a proper name.
_WEAK_ENDINGS = re.compile("(?:社区|街道|村|镇|乡|居委|中队|分局|公司|集团|(?<!卫生)服务中心|发展中心)$")
# A type of hospital, not a hospital: '新时代公立医院党建', '四川省公立医院标杆党支部'.
_CATEGORY_NAME = re.compile(
    "(?:公立|民营|民办|私立|基层|定点|专科|综合|县级|市级|省级|二级|三级|非公)(?:医疗机构|医院|卫生院)$"
)
_SPAM_IN_NAME = re.compile("彩票|娱乐|博彩|棋牌|平台|官网|海洋之神|赌|开户|注册")
# Short forms a page uses after the full name: 市二院, 市四医院, 市中医院, 省医院, 区中心医院, 附属二医院.
_BEFORE_SHORT_FORM = '[了的是为与和同及跟到赴在对向由把被给让从将以等、，,。；;：:“"(（\\s]'
# Short forms a page uses for units it names in full elsewhere, or for the level's own health commission:
# 市二院, 市四医院, 市中医院, 省医院, 区中心医院, 附属二医院, 省卫生健康委, 市卫健局, 国家卫生健康委.
_SHORT_FORM = re.compile(
    f"(?:(?<=^)|(?<={_BEFORE_SHORT_FORM}))"
    "(?:(?:[省市县区])(?:第?[一二三四五六七八九十]{1,2}(?:人民)?医?院|中医医院|中医院|中心医院|人民医院|妇幼保健院|医院)"
    "|附属[一二三四五六七八九十]{1,2}医?院"
    "|(?:国家|[省市县区])(?:卫生健康委员会|卫生健康委|卫健委|卫生健康局|卫健局|卫计委|卫计局|卫生局))"
    "(?![\u4e00-\u9fff]*(?:科|部|楼)(?:[^\u4e00-\u9fff]|$))"
)
# A type of place or a facility, not a unit taking part: 党群服务中心, 活动中心.
_FACILITY = re.compile("(?:党群|活动|会议|文化|展览|游客)(?:服务)?中心$")
# A bare kind of hospital in a list of named ones: '兴宾区人民医院、妇幼保健院、三五镇中心卫生院'.
_BARE_IN_LIST = re.compile(
    "(?<=、)(?:妇幼保健院|中医医院|中医院|人民医院|卫生院|疾病预防控制中心|疾控中心)(?=、|等|和|及)"
)
_CAMPUS = re.compile("[东南西北]区|院区|本部")
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
    if not _UNIT.search(text) and not _PARTY.search(text) and not _SHORT_FORM.search(text):
        return [], []  # most lines of a page name nothing: no need to segment them
    tokens = _token_spans(text)
    units = [_unit_span(text, span) for span in _named_spans(text, tokens, _UNIT)]
    units = _sure_in_lists(text, [span for span in units if span])
    units = [span for span in units if _plausible_unit(text, span)]
    units += [(m.start(), m.end(), True) for m in _SHORT_FORM.finditer(text) if not _in_passing(text, m)]
    units += [(m.start(), m.end(), True) for m in _BARE_IN_LIST.finditer(text)]
    parties = _named_spans(text, tokens, _PARTY, min_prefix=2)
    town_parties = [span for span in parties if _TOWN_PARTY.search(text[span[0] : span[1]])]
    units = [u for u in units if not any(p[0] <= u[0] and u[1] <= p[1] for p in town_parties)]
    units += town_parties  # a town named only by its party committee (港口镇党委) takes part as that
    units = [span for span in units if not _alias_in_brackets(text, span, units)]
    return units, parties


_LIST_JOINER = re.compile(r"、|和|及|与|以及")
# A commission named as the author of a document or a directive, not as a party to the event.
_REFERENCE_WORDS = re.compile("印发|下发|出台|精神|文件|批复|指示|过渡|要求|通知|规定|意见")
_CLAUSE_MARK = re.compile("[，,。；;！!？?]")


def _in_passing(text: str, match) -> bool:
    if text[max(0, match.start() - 2) : match.start()].endswith(("向", "根据", "按照", "依据", "经")):
        return True
    end = _CLAUSE_MARK.search(text, match.end())
    clause = text[match.end() : end.start() if end else len(text)]
    return text.startswith(("“", '"'), match.end()) or bool(_REFERENCE_WORDS.search(clause[:12]))


def resolve_short_forms(names: list[str], page_names: list[str]) -> list[str]:
    """'县卫健局' on a page whose masthead or publisher line names '佛冈县卫生健康局' is that unit: the longest form."""
    canonical = canonical_name
    resolved = []
    for name in names:
        key = canonical(name)
        full = {p for p in page_names if len(p) > len(name) and canonical(p).endswith(key) and len(key) >= 3}
        resolved.append(max(full, key=len) if key[0] in "省市县区" and len(full) == 1 else name)
    return list(dict.fromkeys(resolved))


def _sure_in_lists(text: str, spans: list) -> list:
    """A name listed beside a surely proper one ('健康报社、国家卫健委人口发展中心', '…有限公司、东张社区') is one too;
    so is a long company name (中铁十二局集团第三工程有限公司)."""
    spans = sorted(
        (start, end, sure or (text.endswith("有限公司", start, end) and end - start >= 8)) for start, end, sure in spans
    )
    changed = True
    while changed:
        changed = False
        for i in range(len(spans) - 1):
            (a0, a1, a_sure), (b0, b1, b_sure) = spans[i], spans[i + 1]
            if a_sure != b_sure and _LIST_JOINER.fullmatch(text[a1:b0]):
                spans[i], spans[i + 1] = (a0, a1, True), (b0, b1, True)
                changed = True
    return spans


def _unit_span(text: str, span):
    """'中共X医院' is X医院; a campus after the name belongs to it ('广安门医院南区')."""
    start, end, sure = span
    if text.startswith("中共", start) and re.match("委员会|党委|党总支|党支部|机关", text[end:]):
        start += 2  # '中共X医院委员会': the unit is X医院 (the organ 中共临沂市委组织部 keeps its name)
    campus = _CAMPUS.match(text, end)
    if campus and (campus.end() == len(text) or _AFTER_CAMPUS.match(text, campus.end())):
        end = campus.end()
    return (start, end, sure) if end - start >= 3 else None


_AFTER_CAMPUS = re.compile(r"[^\u4e00-\u9fff]|党|与|和|及|、|的")


def _plausible_unit(text: str, span) -> bool:
    start, end, sure = span
    name = text[start:end]
    if _CATEGORY_NAME.search(name) or _SPAM_IN_NAME.search(name) or _FACILITY.search(name):
        return False
    if _PLACE_ENDINGS.search(name):  # 社区, 村, 镇 …: a place taking part ('走进新民路社区,'), not where one works
        before = text[max(0, start - 2) : start]
        return (
            sure
            and (start == 0 or _BEFORE_PLACE.search(before) is not None)
            and (end == len(text) or _AFTER_WEAK.match(text, end) is not None)
        )
    return sure or not _WEAK_ENDINGS.search(name)


_BEFORE_PLACE = re.compile(r"(?:[^\u4e00-\u9fff]|与|和|、|到|赴|至|进|往|访|入|合|手|接|对)$")


_PLACE_ENDINGS = re.compile("(?:社区|街道|村|镇|乡|居委)$")


_AFTER_WEAK = re.compile(
    r"[^\u4e00-\u9fff]|党|各|的|与|和|及|等|、|开展|举行|进行|参加|签|共建|结对|居|支部|为|看望|慰问|义诊|志愿"
)


def _alias_in_brackets(text: str, span, spans) -> bool:
    """'山东第一医科大学附属省立医院(山东省立医院)': the name in brackets is another name of the one before it."""
    start = span[0]
    return start > 0 and text[start - 1] in "(（" and any(other[1] == start - 1 for other in spans)


_TOWN_PARTY = re.compile(f"(?:镇|乡|街道|村|社区)(?:{PARTY_ENDINGS})$")
_PLACE_CHAR = re.compile("[省市县区镇乡村州盟旗街]")


def settle_names(candidates: list[tuple[str, bool]], title: str) -> list[str]:
    """Keep sure names, and unsure ones whose first characters recur in a sure name or the title
    (广济医院 beside 广东广济医疗公司), so that '明确指出南栅医院' does not survive as a unit."""
    sure = [name for name, confident in candidates if confident]
    kept = []
    for name, confident in candidates:
        if confident or any(name[:2] in other for other in sure if other != name) or name[:2] in title:
            kept.append(name)
    kept = longest_forms(kept)
    return _one_form_each([n for n in kept if not _town_named_otherwise(n, kept)])


def _town_named_otherwise(name: str, names: list[str]) -> bool:
    """'大涌镇党委' stands for the town only when the town is not named as a unit ('中山市大涌镇人民政府')."""
    from core.text import to_simplified

    town = _TOWN_PARTY.search(to_simplified(name))
    if not town:
        return False
    place = to_simplified(name[: town.start() + 1])
    return any(place in to_simplified(other) and other != name for other in names)


_SAME_ENDINGS = [("卫生健康委员会", "卫健委"), ("卫生健康委", "卫健委"), ("卫生健康局", "卫健局"), ("中医医院", "中医院"),
                 ("卫生和计划生育委员会", "卫计委")]  # fmt: skip


def canonical_name(name: str) -> str:
    """A unit's name with its ending in one spelling: 卫生健康委员会, 卫生健康委 and 卫健委 alike; simplified script."""
    from core.text import to_simplified

    name = to_simplified(name)
    for long, short in _SAME_ENDINGS:
        name = name.replace(long, short)
    return name


def _one_form_each(names: list[str]) -> list[str]:
    """One name per unit: '白山市卫健委' and '白山市卫生健康委' are one unit, named by its longest form."""
    canonical = canonical_name
    best: dict[str, str] = {}
    for name in names:
        key = canonical(name)
        if key not in best or len(name) > len(best[key]):
            best[key] = name
    return [name for name in names if best[canonical(name)] == name]


def _token_spans(text: str) -> list[tuple[int, int, str, str]]:
    spans, pos = [], 0
    for word, tag in rjieba.tag(text):
        spans.append((pos, pos + len(word), word, tag))
        pos += len(word)
    return spans


def _named_spans(text, tokens, ending: re.Pattern, min_prefix: int = 2) -> list[tuple[int, int]]:
    spans = []
    matches = list(ending.finditer(text))
    if not matches:
        return spans
    starts = {start: i for i, (start, *_rest) in enumerate(tokens)}
    ends = {end for _s, end, *_rest in tokens}
    for match in matches:
        if match.end() not in ends and not _ends_before_party(text, match.end()):
            continue
        first = _first_token_at_or_before(tokens, starts, match.start())
        if first is None:
            continue
        start = _walk_left(
            tokens,
            first,
            match.start(),
            company=bool(_COMPANY.search(match.group(0))),
            media=match.group(0) in _WORD_NAMED,
        )
        prefix = text[start : match.start()]
        if _BAD_IN_NAME.search(text[start : match.end()]):
            continue
        if len(prefix) < min_prefix or _GENERIC_PREFIX.match(prefix) or prefix[0] in "家个所名位年度":
            continue
        name_tokens = [t for t in tokens if start <= t[0] < match.end()]
        confident = any(t[3] in _PROPER_POS for t in name_tokens) or bool(_PLACE_CHAR.search(prefix))
        spans.append((start, match.end(), confident))
    return spans


_COMPANY = re.compile("公司|集团|商会")
_WORD_NAMED = {"报社", "日报社", "电视台", "分院"}


def _ends_before_party(text: str, end: int) -> bool:
    return bool(_PARTY.match(text, end)) or bool(_POST_IN.match(text, end))


def _first_token_at_or_before(tokens, starts, position):
    if position in starts:
        return starts[position]
    for i, (start, end, *_rest) in enumerate(tokens):
        if start < position < end:
            return i
    return None


def _walk_left(tokens, index: int, floor: int, company: bool = False, media: bool = False) -> int:
    """Extend a name leftwards over name-like tokens; stop at function words, verbs, numerals, punctuation.

    jieba tags some place and brand names as verbs or adjectives (大涌, 精康): such a token is kept when a proper
    noun stands right before it (中山市大涌, 白云精康). Place levels chain (嵊州市谷来镇横山村); ordinals belong to
    names (第五人民医院); a company's name runs over its trade (山东高速城市建设有限公司).
    """
    start = min(tokens[index][0], floor)
    length = floor - start
    i = index - 1
    named_level = False
    while i >= 0 and length < 26:
        token_start, _end, word, tag = tokens[i]
        place = (
            _is_cjk(word) and (word[-1] in "省市县区镇乡" or word.endswith("街道")) and word not in STOP_WORDS
        ) or (named_level and _is_cjk(word) and word not in STOP_WORDS and tag not in _STOP_POS)
        named_level = word in ("镇", "乡", "村", "县", "区", "街道")  # the token before a bare level is its name
        trade = (company and word in _TRADE_WORDS) or bool(_ORDINAL.fullmatch(word))
        if not (place or trade) and (
            tag in _STOP_POS
            or tag in ("m", "q", "mq")
            or word in STOP_WORDS
            or word[-2:] in VERBS
            or _POST_END.search(word)
            or any(c.isdigit() for c in word)
            or not _is_cjk(word)
        ):
            break
        # a descriptive word right before a newspaper's or branch's ending names it: 健康报社, 延长分院
        named_by_word = (
            media
            and token_start + len(word) == floor
            and (i == 0 or tokens[i - 1][3] in ("x", "p", "c") or tokens[i - 1][2] in STOP_WORDS)
        )
        if (
            tag[:1] in ("v", "a")
            and not (place or trade or named_by_word)
            and not (i > 0 and tokens[i - 1][3] in _PROPER_POS)
        ):
            break
        start = token_start
        length += len(word)
        i -= 1
    return start


_TRADE_WORDS = frozenset(
    [
        "建设",
        "发展",
        "管理",
        "服务",
        "投资",
        "科技",
        "置业",
        "食品",
        "工程",
        "城市",
        "金融",
        "医疗",
        "健康",
        "文化",
        "实业",
        "贸易",
        "物业",
        "建工",
        "集团",
        "高速",
        "交通",
        "能源",
        "电力",
        "药业",
        "医药",
        "生物",
        "信息",
        "技术",
        "咨询",
        "物流",
        "控股",
        "股份",
        "国际",
        "环境",
        "水务",
        "燃气",
    ]
)
_ORDINAL = re.compile("第?[一二三四五六七八九十]{1,3}[局处队院区部]?")


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


_COMRADES = re.compile(r"((?:[\u4e00-\u9fff]{2,4}、)*[\u4e00-\u9fff]{2,4})同志")
_ATTENDED_BY = re.compile(r"(?:出席|参加|陪同|参会|带队)(?:人员|的有|会议|活动)?(?:有|为)?[:：]?")


def named_people(text: str) -> list[tuple[int, int]]:
    """Names written without a post: before 同志 ('王振瑜、李玲燕同志领学'), or listed after 出席/参加/陪同."""
    spans = []
    for match in _COMRADES.finditer(text):
        pos = match.start(1)
        for part in match.group(1).split("、"):
            # the name ends the part ('…党支部王振瑜'); a double surname first (欧阳刚劲, not 阳刚劲)
            candidates = (part[-4:], part[-3:]) if part[-4:-2] in COMPOUND_SURNAMES else (part[-3:], part[-2:])
            for name in candidates:
                start = pos + len(part) - len(name)
                if valid_name(name) and not (len(name) == 3 and part[-4:-2] in COMPOUND_SURNAMES):
                    spans.append((start, start + len(name)))
                    break
            pos += len(part) + 1
    for match in _ATTENDED_BY.finditer(text):
        tail = text[match.end() : match.end() + 60]
        pos = match.end()
        for part in re.split("[、，,]", tail):
            if 2 <= len(part) <= 3 and valid_name(part):
                spans.append((pos, pos + len(part)))
                pos += len(part) + 1
            else:
                break
    return spans
