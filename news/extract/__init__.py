"""Read a saved news page (HTML in any common encoding, or a text rendering) into the facts it reports.

`extract_page(data)` returns the dict printed by `manage.py extract_page`: title, published_at, views, source,
author, editor, column, event_dates, event_type, institutions, people, body, plus what the import review uses
(party_organisations, images with captions, encoding, warnings).
"""

import datetime as dt
import re

from .bylines import byline_line, leading_credit, trailing_credit
from .dates import event_dates, parse_published
from .decode import PageError, decode_page
from .entities import (
    event_type,
    longest_forms,
    named_people,
    people_in,
    resolve_short_forms,
    settle_names,
    units_and_parties,
)
from .html import html_to_lines
from .lines import (
    breadcrumb_column,
    clean_line,
    column_heading,
    has_sentence,
    image_name,
    is_bullet,
    is_dateline,
    is_decoration,
    is_end_marker,
    is_foreign,
    is_furniture,
    is_image_placeholder,
    is_meta_line,
    is_spam,
    matching_form,
    meta_fields,
    split_run_on_lines,
    unlabelled_crumbs,
)

__all__ = ["PageError", "extract_page"]

_HTML_HINT = re.compile(r"<(?:html|body|div|p|head|meta|table|span|br)\b", re.IGNORECASE)
_UNKNOWN = {"未知", "不详", "佚名", "无", "暂无", "本站", "本网", "admin", "管理员", "-", "—"}
_CAPTION_MAX = 80


class Line:
    __slots__ = ("text", "match")

    def __init__(self, text: str, match: str | None = None):
        self.text = text
        self.match = matching_form(text) if match is None else match


def extract_page(data: bytes | str) -> dict:
    if isinstance(data, bytes):
        text, encoding = decode_page(data)
    else:
        text, encoding = data, "utf-8"
    warnings = []
    if text.count("\ufffd") > 20:
        warnings.append("部分字符无法按识别出的编码读取（文件可能混用了编码），已用 � 代替。")
    title_hints, published_hint, images = [], "", {}
    if _HTML_HINT.search(text[:5000]):
        page = html_to_lines(text)
        raw_lines, title_hints, published_hint, images = page.lines, page.title_hints, page.published_hint, page.images
    else:
        raw_lines = text.splitlines()
    lines = [Line(t, m) for t, m in split_run_on_lines([c for c in (clean_line(r) for r in raw_lines) if c])]
    lines = [line for line in lines if not is_spam(line.match)]
    result = _analyse(lines, title_hints, published_hint, images)
    result["encoding"] = encoding
    result["warnings"] = warnings + result["warnings"]
    return result


def _analyse(lines: list[Line], title_hints: list[str], published_hint: str, images: dict) -> dict:
    anchor = _published_line(lines)
    title_index, title = _find_title(lines, anchor, title_hints)
    body_start = _body_start(lines, anchor, title_index)
    body_end = _body_end(lines, body_start)
    meta = _meta(lines, title_index, body_start, body_end)
    paragraphs, captions, credits = _body(lines[body_start:body_end], title, images)
    published = (
        parse_published(meta.get("published", ""))
        or (parse_published(lines[anchor].text) if anchor is not None else None)
        or parse_published(published_hint)
    )
    published_day = published.date() if isinstance(published, dt.datetime) else published
    matching_paragraphs = [matching_form(p) for p in paragraphs]
    institutions, parties = _units(title, paragraphs, _headlines(lines, title_index, body_start, body_end), lines)
    return {
        "title": title,
        "published_at": published.isoformat() if published else None,
        "views": _views(meta.get("views")),
        "source": _value(meta.get("source")) or _value(meta.get("owner")) or _joined(credits["sources"]),
        "author": _with_credits(_value(meta.get("author")), credits["authors"]),
        "editor": _value(meta.get("editor")),
        "column": _column(lines, title_index, body_start),
        "event_dates": event_dates(matching_paragraphs, published_day, _year_in_text(title, matching_paragraphs)),
        "event_type": event_type(matching_form(title), matching_paragraphs[0] if matching_paragraphs else ""),
        "institutions": institutions,
        "people": _people([title] + paragraphs),
        "body": "\n".join(paragraphs),
        "party_organisations": parties,
        "images": captions,
        "warnings": [] if paragraphs else ["没有找到正文段落。"],
    }


_TODAY = re.compile(r"今天|今日|星期|周[一二三四五六日]")


def _published_line(lines: list[Line]) -> int | None:
    """The metadata line with the publish time: a labelled one, else a short line that is only a date and labels
    ('2014-03-12 阅读量:857', '06.07.2018 18:46') near the top; never a masthead's 'today'."""
    limit = max(10, int(len(lines) * 0.6))
    for i, line in enumerate(lines[:limit]):
        if is_meta_line(line.match) and parse_published(meta_fields(line.text, line.match).get("published", "")):
            return i
    for i, line in enumerate(lines[: min(limit, 30)]):
        m = line.match
        if (is_meta_line(m) or is_dateline(m)) and not _TODAY.search(m) and not is_furniture(m) and parse_published(m):
            return i
    return None


_TITLE_LABEL = re.compile(r"^(?:名称|标题|题目)\s*[:：]\s*")
_CLAUSES = re.compile(r"[，,；;。！!？?]")


def _find_title(lines: list[Line], anchor: int | None, hints: list[str]) -> tuple[int | None, str]:
    """(line index, title): the HTML's own title where the page shows it; a '名称:' label (government portals);
    the headline above the publish line; the last crumb of a breadcrumb that ends in a headline; the line the
    page repeats; else the first line that reads like a headline."""
    hinted = _hinted_title(lines, hints)
    if hinted is not None and (anchor is None or hinted < anchor):
        return hinted, _with_subtitle(lines, hinted)
    labelled = _labelled_title(lines)
    if labelled is not None:
        return labelled
    if anchor is not None:
        for i in range(anchor - 1, max(-1, anchor - 5), -1):
            if _could_be_title(lines, i):
                return _headline_at(lines, i)
    if hinted is not None:
        return hinted, lines[hinted].text
    crumb = _crumb_headline(lines)
    if crumb is not None:
        return crumb
    index = _repeated_or_first_title(lines)
    return (index, _with_subtitle(lines, index)) if index is not None else (None, hints[0] if hints else "")


def _headline_at(lines: list[Line], i: int) -> tuple[int, str]:
    """A '——subtitle' line belongs to the headline above it."""
    if lines[i].match.startswith(("——", "—")) and i > 0 and _could_be_title(lines, i - 1):
        return i, f"{lines[i - 1].text} {lines[i].text}"
    return i, _with_subtitle(lines, i)


def _with_subtitle(lines: list[Line], i: int) -> str:
    nxt = lines[i + 1] if i + 1 < len(lines) else None
    if nxt is not None and nxt.match.startswith(("——", "—")) and len(nxt.match) < 80 and "。" not in nxt.match:
        return f"{lines[i].text} {nxt.text}"
    return lines[i].text


def _labelled_title(lines: list[Line]) -> tuple[int, str] | None:
    for i, line in enumerate(lines[:40]):
        label = _TITLE_LABEL.match(line.match)
        if label and len(line.match) > label.end() + 4:
            return i, _with_subtitle(lines, i)[label.end() :].strip()
    return None


def _crumb_headline(lines: list[Line]) -> tuple[int, str] | None:
    """'当前位置: 首页 >> 党建 >> 某院开展主题党日': a breadcrumb whose last crumb is the headline itself."""
    for i, line in enumerate(lines[:15]):
        last = breadcrumb_column(line.text, line.match)
        if last is None:
            crumbs = unlabelled_crumbs(line.text, line.match)
            last = crumbs[-1] if crumbs else None
        if last and len(matching_form(last)) >= 10 and not _CLAUSES.search(matching_form(last)[:-1]):
            for j in range(i + 1, min(len(lines), i + 6)):
                if lines[j].match == matching_form(last):
                    return j, lines[j].text
            return i, last
    return None


def _hinted_title(lines: list[Line], hints: list[str]) -> int | None:
    wanted = {matching_form(h).strip() for h in hints if h}
    for i, line in enumerate(lines):
        if line.match in wanted:
            return i
    return None


def _could_be_title(lines: list[Line], i: int) -> bool:
    line = lines[i]
    m = line.match
    nxt = lines[i + 1].match if i + 1 < len(lines) else ""
    return (
        5 <= len(m) <= 120
        and not is_meta_line(m)
        and not is_dateline(m)
        and image_name(line.text) is None
        and breadcrumb_column(line.text, m) is None
        and unlabelled_crumbs(line.text, m) is None
        and not is_decoration(m)
        and not is_furniture(m)
        and not is_foreign(m)
        and not is_foreign(nxt)  # a site's name above its English name: the masthead
        and not byline_line(line.text, m)[1]
        and not m.endswith(("。", "：", ":"))
        and "。" not in m
    )


def _repeated_or_first_title(lines: list[Line]) -> int | None:
    seen = {}
    for i, line in enumerate(lines[:80]):
        if _could_be_title(lines, i) and len(line.match) >= 8:
            if line.match in seen:
                return seen[line.match]
            seen[line.match] = i
    for i, line in enumerate(lines[:40]):
        if _is_paragraph(line.match):
            return None  # the text starts before any headline: the excerpt has none
        if _could_be_title(lines, i) and len(line.match) >= 8 and len(_CLAUSES.findall(line.match)) <= 1:
            return i
    return None


_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})\s*年(?!代)")


def _year_in_text(title: str, paragraphs: list[str]) -> int | None:
    """Without a publish date, the year the page itself names, when it names only one."""
    years = {int(y) for text in [matching_form(title), *paragraphs] for y in _YEAR.findall(text)}
    return years.pop() if len(years) == 1 else None


def _is_paragraph(matching: str) -> bool:
    return len(matching) >= 40 and len(_CLAUSES.findall(matching)) >= 2


def _body_start(lines: list[Line], anchor: int | None, title_index: int | None) -> int:
    start = max(i for i in (anchor, title_index, -1) if i is not None) + 1
    while start < len(lines) and (is_meta_line(lines[start].match) or is_dateline(lines[start].match)):
        start += 1
    return start


def _body_end(lines: list[Line], start: int) -> int:
    """Where the text ends: at the first end marker ('上一篇', '分享到', '原标题') after the text has begun (share
    buttons and print links also stand above it), or before a run of bullet links."""
    bullets, begun = 0, False
    for i in range(start, len(lines)):
        match = lines[i].match
        begun = begun or _is_paragraph(match)
        if begun and is_end_marker(match):
            return i
        bullets = bullets + 1 if is_bullet(match) else 0
        if bullets >= 3:
            return i - 2
    return len(lines)


def _meta(lines: list[Line], title_index: int | None, body_start: int, body_end: int) -> dict[str, str]:
    first = max(0, (title_index or 0) - 3)
    region = lines[first:body_start] + lines[body_end : body_end + 40]
    fields: dict[str, str] = {}
    head = set(range(first, body_start))
    for index, line in zip([*range(first, body_start), *range(body_end, body_end + 40)], region):
        if is_meta_line(line.match) or (index in head and is_dateline(line.match)):
            for key, value in meta_fields(line.text, line.match).items():
                if value and key not in fields:
                    fields[key] = value
                elif key not in fields:
                    fields[key] = ""
            if "views" not in fields and index in head and (count := _VIEWS_BEFORE_LABEL.search(line.match)):
                fields["views"] = count.group(1)
    return fields


_VIEWS_BEFORE_LABEL = re.compile(r"(\d[\d,.]*\s*[万萬]?)\s*次?\s*(?:阅读|浏览|点击)")


def _body(lines: list[Line], title: str, images: dict) -> tuple[list[str], list[dict], dict]:
    """Paragraphs without furniture or repeats, the images with the caption line that follows each, and the
    credits written into the text (bylines, dispatch lines, bracketed credits)."""
    title_match = matching_form(title)
    paragraphs, captions, seen = [], [], set()
    credits: dict[str, list[str]] = {"sources": [], "authors": []}
    last_image = None
    for line in lines:
        name = image_name(line.text)
        if name is not None:
            last_image = {
                "name": name,
                "src": images.get(name, {}).get("src", name),
                "caption": images.get(name, {}).get("alt", ""),
            }
            captions.append(last_image)
            continue
        m = line.match
        if (
            is_image_placeholder(m)
            or is_decoration(m)
            or is_dateline(m)
            or m == title_match
            or (is_meta_line(m) and not has_sentence(m))
            or (is_bullet(m) and len(m) < 40)
        ):
            continue
        is_caption = last_image is not None and len(m) <= _CAPTION_MAX and not m.endswith("。")
        if is_caption:
            last_image["caption"] = line.text
        last_image = None
        if is_furniture(m):
            continue
        if not paragraphs and not is_caption and _credit(credits, byline_line(line.text, m)):
            continue  # '封面新闻记者宁芝', '姚远平' above the text
        if not paragraphs and not is_caption and _is_banner(m):
            continue  # a banner or slogan above the first paragraph
        if m in seen:
            continue
        seen.add(m)
        text = line.text
        if not any(len(p) >= 30 for p in paragraphs):  # the first real paragraph (not '活动现场。')
            sources, authors, taken = leading_credit(text, m)
            if _credit(credits, (sources, authors)):
                text = text[taken:].strip() if len(text) == len(m) else m[taken:].strip()
        paragraphs.append(text)
    while paragraphs and _credit(credits, byline_line(paragraphs[-1], matching_form(paragraphs[-1]))):
        paragraphs.pop()  # '离退休办公室 张伟' under the text
    if paragraphs:
        _credit(credits, trailing_credit(paragraphs[-1], matching_form(paragraphs[-1])))
    return paragraphs, captions, credits


def _credit(credits: dict, found: tuple[list[str], list[str]]) -> bool:
    sources, authors = found
    for key, values in (("sources", sources), ("authors", authors)):
        credits[key].extend(v for v in values if v not in credits[key])
    return bool(sources or authors)


def _with_credits(written: str | None, names: list[str]) -> str | None:
    """The author field as the page writes it, with credited names found elsewhere added."""
    extra = [n for n in dict.fromkeys(names) if not written or n not in written]
    return "、".join([written, *extra] if written else extra) or None


def _joined(values: list[str]) -> str | None:
    values = list(dict.fromkeys(v for v in values if v))
    return "、".join(values) if values else None


def _is_banner(matching: str) -> bool:
    """A slogan or banner line: short and without sentence punctuation."""
    return len(matching) < 20 and not any(p in matching for p in "。，,；;！!？?")


def _column(lines: list[Line], title_index: int | None, body_start: int) -> str | None:
    for line in lines[: max(body_start, 1)]:
        column = breadcrumb_column(line.text, line.match)
        if column:
            return column
    if title_index:
        for line in lines[max(0, title_index - 2) : title_index][::-1]:
            column = column_heading(line.text, line.match)
            if column:
                return column
    return None


def _value(text: str | None) -> str | None:
    if not text:
        return None
    text = " ".join(text.split()).strip(" ,，;；|丨")
    return None if not text or text in _UNKNOWN else text


def _views(text: str | None) -> int | None:
    """'1108', '1,234', '1.4萬' (14000), '10万+' (100000); None when the counter is empty or '-'."""
    match = re.search(r"(\d+(?:\.\d+)?)\s*([万萬千kKwW]?)", (text or "").replace(",", "").replace("，", ""))
    if not match:
        return None
    factor = {"万": 10000, "萬": 10000, "w": 10000, "W": 10000, "千": 1000, "k": 1000, "K": 1000}.get(match.group(2), 1)
    return round(float(match.group(1)) * factor)


_ORIGINAL_TITLE = re.compile(r"^原(?:文)?标题\s*[:：]\s*")


def _headlines(lines: list[Line], title_index: int | None, body_start: int, body_end: int) -> list[str]:
    """Lines that head the text without being paragraphs: a second headline under the title ('仪征医院与湖州康复医院
    开展支部结对共建'), and a repost's '原标题:' line."""
    found = []
    first = (title_index + 1) if title_index is not None else body_start
    for index in range(first, min(body_end, first + 12)):
        line = lines[index]
        if _is_paragraph(line.match):
            break
        if _could_be_title(lines, index) and not is_meta_line(line.match):
            found.append(line.text)
    for line in lines[body_end : body_end + 10]:
        if label := _ORIGINAL_TITLE.match(line.match):
            found.append(line.text[label.end() :] if len(line.text) == len(line.match) else line.match[label.end() :])
    return found


def _units(title: str, paragraphs: list[str], headlines: list[str], lines: list[Line]) -> tuple[list[str], list[str]]:
    units, parties = [], []
    for text in [title, *headlines, *paragraphs]:
        match = matching_form(text)
        source = text if len(text) == len(match) else match
        unit_spans, party_spans = units_and_parties(match)
        units.extend((source[a:b], sure) for a, b, sure in unit_spans)
        parties.extend((source[a:b], sure) for a, b, sure in party_spans)
    names = settle_names(units, title)
    if any(
        len(n) <= 6 and n[0] in "省市县区縣區" for n in names
    ):  # short forms to resolve: the site's own name in full
        page_names = names + [source for line in lines[:40] if len(line.match) < 60 for source in _names_in(line)]
        names = resolve_short_forms(names, page_names)
    return names, settle_names(parties, title)


def _names_in(line: Line) -> list[str]:
    source = line.text if len(line.text) == len(line.match) else line.match
    return [source[a:b] for a, b, sure in units_and_parties(line.match)[0] if sure]


def _people(texts: list[str]) -> list[dict]:
    people: dict[str, dict] = {}
    for text in texts:
        match = matching_form(text)
        source = text if len(text) == len(match) else match
        for (a, b), posts in people_in(match):
            key = match[a:b]
            person = people.setdefault(key, {"name": source[a:b], "posts": []})
            for spans in posts:
                post = "".join(source[s:e] for s, e in spans).strip()
                if post and post not in person["posts"]:
                    person["posts"].append(post)
        for a, b in named_people(match):
            people.setdefault(match[a:b], {"name": source[a:b], "posts": []})
    for person in people.values():
        person["posts"] = longest_forms(person["posts"])
    return list(people.values())
