"""An HTML page -> the lines a reader sees, plus what its head says (title, publish time, images).

Lines are what the text extractor works on, so a saved HTML page and a text rendering of the same page (like
the seeds) go through one analysis. Scripts, styles, frames, forms, navigation and hidden elements (a common
hiding place for injected spam) never become lines.
"""

import re
from dataclasses import dataclass, field

from lxml import etree
from lxml import html as lxml_html

DROPPED_TAGS = {
    "script",
    "style",
    "noscript",
    "iframe",
    "frame",
    "frameset",
    "object",
    "embed",
    "template",
    "svg",
    "canvas",
    "form",
    "select",
    "option",
    "button",
    "input",
    "textarea",
    "nav",
    "header",
    "footer",
    "aside",
    "head",
    "map",
    "audio",
    "video",
    "link",
    "meta",
}
BLOCK_TAGS = {
    "p",
    "div",
    "section",
    "article",
    "main",
    "li",
    "ul",
    "ol",
    "dl",
    "dt",
    "dd",
    "table",
    "tr",
    "td",
    "th",
    "tbody",
    "thead",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "blockquote",
    "pre",
    "figure",
    "figcaption",
    "center",
    "address",
    "hr",
    "body",
    "html",
    "caption",
    "fieldset",
    "legend",
    "details",
    "summary",
}
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden|font-size\s*:\s*0(?![.\d])", re.IGNORECASE)
IMAGE_MARK = "\x1aIMG "
_TITLE_SPLIT = re.compile(r"\s*(?:[-_|–—]{1,2}|\s·\s)\s*")
_PUBLISHED_META = (
    "article:published_time",
    "pubdate",
    "publishdate",
    "publish_date",
    "og:release_date",
    "datepublished",
    "dc.date",
    "dc.date.issued",
    "date",
)


@dataclass
class HtmlPage:
    lines: list[str]
    title_hints: list[str] = field(default_factory=list)
    published_hint: str = ""
    images: dict[str, dict] = field(default_factory=dict)


def html_to_lines(text: str) -> HtmlPage:
    try:
        root = lxml_html.document_fromstring(text)
    except (etree.ParserError, ValueError):
        return HtmlPage(lines=[])
    page = HtmlPage(lines=[])
    _read_head(root, page)
    body = root.find("body")
    buffer: list[str] = []
    _walk(body if body is not None else root, buffer, page)
    page.lines = [line.strip() for line in "".join(buffer).split("\n")]
    return page


def _read_head(root, page: HtmlPage) -> None:
    for meta in root.iter("meta"):
        key = (meta.get("property") or meta.get("name") or meta.get("itemprop") or "").lower()
        content = (meta.get("content") or "").strip()
        if not content:
            continue
        if key in ("og:title", "twitter:title", "articletitle", "title"):
            page.title_hints.append(content)
        elif key in _PUBLISHED_META and not page.published_hint:
            page.published_hint = content
    for heading in root.iter("h1", "h2"):
        heading_text = " ".join(heading.text_content().split())
        if 4 <= len(heading_text) <= 120:
            page.title_hints.append(heading_text)
    title = root.find(".//title")
    if title is not None and title.text:
        parts = [p for p in _TITLE_SPLIT.split(title.text.strip()) if p]
        if parts:
            page.title_hints.append(max(parts, key=len))


def _walk(element, buffer: list[str], page: HtmlPage) -> None:
    """Depth-first over the tree without recursion (deeply nested pages would exhaust the stack)."""
    stack = [(element, False)]
    while stack:
        node, closing = stack.pop()
        if closing:
            if node.tag in BLOCK_TAGS:
                buffer.append("\n")
            if node.tail:
                buffer.append(node.tail)
            continue
        tag = node.tag if isinstance(node.tag, str) else ""
        if not tag or tag in DROPPED_TAGS or _is_hidden(node):
            if node.tail:
                buffer.append(node.tail)
            continue
        if tag in BLOCK_TAGS:
            buffer.append("\n")
        if tag == "br":
            buffer.append("\n")
        elif tag == "img":
            _note_image(node, buffer, page)
        if node.text:
            buffer.append(node.text)
        stack.append((node, True))
        stack.extend((child, False) for child in reversed(node))


def _is_hidden(node) -> bool:
    if node.get("hidden") is not None or node.get("aria-hidden") == "true":
        return True
    style = node.get("style")
    return bool(style and _HIDDEN_STYLE.search(style))


def _note_image(node, buffer: list[str], page: HtmlPage) -> None:
    src = (node.get("src") or node.get("data-src") or "").strip()
    if not src or src.startswith("data:") or len(src) > 500:
        return
    name = src.rsplit("/", 1)[-1].split("?")[0] or src
    page.images[name] = {"src": src, "alt": (node.get("alt") or "").strip()}
    buffer.append(f"\n{IMAGE_MARK}{name}\n")
