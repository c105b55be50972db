"""Bytes of an uploaded page -> text, with the encoding it was written in.

Hospital sites still serve GBK, GB2312 and Big5 pages next to UTF-8 ones, often with a wrong or missing
declaration. Order of trust: a byte-order mark, valid UTF-8, the page's own declaration (GB2312/GBK are read as
their superset GB18030, Big5 as CP950), then charset-normalizer's guess.
"""

import re

from charset_normalizer import from_bytes

MAX_PAGE_BYTES = 5 * 1024 * 1024
_DECLARED = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([a-zA-Z0-9_-]+)""", re.IGNORECASE)
_SUPERSETS = {
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "gb18030": "gb18030",
    "big5": "cp950",
    "big5-hkscs": "big5hkscs",
    "utf-8": "utf-8",
    "utf8": "utf-8",
}


class PageError(ValueError):
    """A page that cannot be read; the message is shown to the user as is."""


def decode_page(data: bytes) -> tuple[str, str]:
    """Return (text, encoding). Refuses binaries and oversized files with a Chinese message."""
    if len(data) > MAX_PAGE_BYTES:
        raise PageError(
            f"文件过大（{len(data) / 1024 / 1024:.1f} MB）：单个网页不能超过 {MAX_PAGE_BYTES // 1024 // 1024} MB。"
        )
    if not data.strip():
        raise PageError("文件是空的。")
    if _looks_binary(data[:8192]):
        raise PageError("这不是网页或文本文件（内容是二进制数据），请上传 .html、.htm 或 .txt 文件。")
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace"), "utf-8"
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return data.decode("utf-16", errors="replace"), "utf-16"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    declared = _declared_encoding(data[:4096])
    if declared and declared != "utf-8":
        try:
            return data.decode(declared), declared
        except UnicodeDecodeError:
            pass
    guess = from_bytes(data[:200_000], cp_isolation=["gb18030", "cp950", "big5hkscs", "utf-8", "utf-16"]).best()
    encoding = guess.encoding if guess else "gb18030"
    return data.decode(encoding, errors="replace"), encoding


def _declared_encoding(head: bytes) -> str | None:
    match = _DECLARED.search(head)
    if not match:
        return None
    name = match.group(1).decode("ascii", errors="ignore").lower()
    return _SUPERSETS.get(name)


def _looks_binary(head: bytes) -> bool:
    if b"\x00" in head and not head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return True
    controls = sum(1 for b in head if b < 9 or 13 < b < 32)
    return controls > len(head) * 0.05
