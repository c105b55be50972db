"""Read a saved news page (HTML in any common encoding, or a text rendering) into the facts it reports.

`extract_page(data)` returns the dict printed by `manage.py extract_page`: title, published_at, views, source,
author, editor, column, event_dates, event_type, institutions, people, body, plus what the import review uses
(party_organisations, images with captions, encoding, warnings).
"""

import datetime as dt
import re

from .dates import event_dates, parse_published
from .decode import PageError, decode_page
from .entities import event_type, longest_forms, people_in, settle_names, units_and_parties
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
    is_image_placeholder,
    is_meta_line,
    is_spam,
    matching_form,
    meta_fields,
)

__all__ = ["PageError", "extract_page"]

_HTML_HINT = re.compile(r"<(?:html|body|div|p|head|meta|table|span|br)\b", re.IGNORECASE)
_UNKNOWN = {"未知", "不详", "佚名", "无", "暂无", "本站", "本网", "admin", "管理员", "-", "—"}
_CAPTION_MAX = 80


class Line:
    __slots__ = ("text", "match")

    def __init__(self, text: str):
        self.text = text
        self.match = matching_form(text)


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
    lines = [Line(c) for c in (clean_line(r) for r in raw_lines) if c]
    lines = [line for line in lines if not is_spam(line.match)]
    result = _analyse(lines, title_hints, published_hint, images)
    result["encoding"] = encoding
    result["warnings"] = warnings + result["warnings"]
    return result


def _analyse(lines: list[Line], title_hints: list[str], published_hint: str, images: dict) -> dict:
    anchor = _published_line(lines)
    title_index = _title_index(lines, anchor, title_hints)
    title = lines[title_index].text if title_index is not None else (title_hints[0] if title_hints else "")
    body_start = _body_start(lines, anchor, title_index)
    body_end = _body_end(lines, body_start)
    meta = _meta(lines, title_index, body_start, body_end)
    paragraphs, captions = _body(lines[body_start:body_end], title, images)
    published = parse_published(meta.get("published", "")) or parse_published(published_hint)
    published_day = published.date() if isinstance(published, dt.datetime) else published
    matching_paragraphs = [matching_form(p) for p in paragraphs]
    institutions, parties = _units(title, paragraphs)
    return {
        "title": title,
        "published_at": published.isoformat() if published else None,
        "views": _views(meta.get("views")),
        "source": _value(meta.get("source")) or _value(meta.get("owner")),
        "author": _value(meta.get("author")),
        "editor": _value(meta.get("editor")),
        "column": _column(lines, title_index, body_start),
        "event_dates": [d.isoformat() for d in event_dates(matching_paragraphs, published_day)],
        "event_type": event_type(matching_form(title), matching_paragraphs[0] if matching_paragraphs else ""),
        "institutions": institutions,
        "people": _people([title] + paragraphs),
        "body": "\n".join(paragraphs),
        "party_organisations": parties,
        "images": captions,
        "warnings": [] if paragraphs else ["没有找到正文段落。"],
    }


def _published_line(lines: list[Line]) -> int | None:
    limit = max(10, int(len(lines) * 0.6))
    for i, line in enumerate(lines[:limit]):
        if is_meta_line(line.match) and parse_published(meta_fields(line.text, line.match).get("published", "")):
            return i
    return None


def _title_index(lines: list[Line], anchor: int | None, hints: list[str]) -> int | None:
    hinted = _hinted_title(lines, hints)
    if hinted is not None and (anchor is None or hinted < anchor):
        return hinted
    if anchor is not None:
        for i in range(anchor - 1, max(-1, anchor - 5), -1):
            if _could_be_title(lines[i]):
                return i
    if hinted is not None:
        return hinted
    return _repeated_or_first_title(lines)


def _hinted_title(lines: list[Line], hints: list[str]) -> int | None:
    wanted = {matching_form(h).strip() for h in hints if h}
    for i, line in enumerate(lines):
        if line.match in wanted:
            return i
    return None


def _could_be_title(line: Line) -> bool:
    m = line.match
    return (
        5 <= len(m) <= 120
        and not is_meta_line(m)
        and image_name(line.text) is None
        and breadcrumb_column(line.text, m) is None
        and not is_decoration(m)
        and not m.endswith("。")
    )


def _repeated_or_first_title(lines: list[Line]) -> int | None:
    seen = {}
    for i, line in enumerate(lines[:80]):
        if _could_be_title(line) and len(line.match) >= 8:
            if line.match in seen:
                return seen[line.match]
            seen[line.match] = i
    for i, line in enumerate(lines[:40]):
        if _could_be_title(line) and len(line.match) >= 8 and not has_sentence(line.match):
            return i
    return None


def _body_start(lines: list[Line], anchor: int | None, title_index: int | None) -> int:
    start = max(i for i in (anchor, title_index, -1) if i is not None) + 1
    while start < len(lines) and (is_meta_line(lines[start].match) or is_dateline(lines[start].match)):
        start += 1
    return start


def _body_end(lines: list[Line], start: int) -> int:
    bullets = 0
    for i in range(start, len(lines)):
        match = lines[i].match
        if is_end_marker(match):
            return i
        bullets = bullets + 1 if is_bullet(match) else 0
        if bullets >= 3:
            return i - 2
    return len(lines)


def _meta(lines: list[Line], title_index: int | None, body_start: int, body_end: int) -> dict[str, str]:
    first = max(0, (title_index or 0) - 3)
    region = lines[first:body_start] + lines[body_end : body_end + 40]
    fields: dict[str, str] = {}
    for line in region:
        if is_meta_line(line.match):
            for key, value in meta_fields(line.text, line.match).items():
                if value and key not in fields:
                    fields[key] = value
                elif key not in fields:
                    fields[key] = ""
    return fields


def _body(lines: list[Line], title: str, images: dict) -> tuple[list[str], list[dict]]:
    """Paragraphs without furniture or repeats, and the images with the caption line that follows each."""
    title_match = matching_form(title)
    paragraphs, captions, seen = [], [], set()
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
        if not paragraphs and not is_caption and _is_banner(m):
            continue  # a banner or slogan above the first paragraph
        if m in seen:
            continue
        seen.add(m)
        paragraphs.append(line.text)
    return paragraphs, captions


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
    match = re.search(r"\d+", (text or "").replace(",", ""))
    return int(match.group(0)) if match else None


def _units(title: str, paragraphs: list[str]) -> tuple[list[str], list[str]]:
    units, parties = [], []
    for text in [title] + paragraphs:
        match = matching_form(text)
        source = text if len(text) == len(match) else match
        unit_spans, party_spans = units_and_parties(match)
        units.extend((source[a:b], sure) for a, b, sure in unit_spans)
        parties.extend((source[a:b], sure) for a, b, sure in party_spans)
    return settle_names(units, title), settle_names(parties, title)


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
    for person in people.values():
        person["posts"] = longest_forms(person["posts"])
    return list(people.values())
