"""Search over articles and activities: 繁简-insensitive, ranked by relevance or date, with highlighted snippets.

Text is normalised at write time (NFKC, simplified, no pinyin artefacts) and segmented by jieba (search mode,
so 东莞市第七人民医院 also yields 东莞 and 医院); titles add their single characters and pairs so that one- and
two-character queries (党, 医院) find titles. Queries are segmented the same way and every word must match.
Relevance ranks the most recent CANDIDATE_CAP matches only: ranking all matches of a common word costs about a
second at a million documents (PERFORMANCE.md).
"""

import re
from dataclasses import dataclass

import rjieba
from django.db import connection
from django.utils.html import escape
from markupsafe import Markup

from core.access import PATH_END, granted_roots
from core.text import normalise
from orgs.models import SEGMENT_WIDTH, ancestor_paths

from .extract.lines import matching_form
from .models import DocumentKind, SearchDocument

CANDIDATE_CAP = 1000
# Search the most recently indexed documents first and widen only when a page is not full: a common word
# matches most of a province's documents, and neither FTS5 nor GIN can rank or sort all of them in a few ms.
WINDOWS = (20_000, 0)  # 0: everything
SNIPPET_CHARS = 120
_WORD = re.compile(r"[\w\u4e00-\u9fff]", re.UNICODE)
_CJK = re.compile(r"[\u4e00-\u9fff]")


def document_tokens(title: str, text: str, *, org_path: str, is_public: bool, kind: str) -> str:
    title_norm, text_norm = normalise(title), normalise(text)
    words = _words(rjieba.cut_for_search(title_norm)) * 2
    cjk = [c for c in title_norm if _CJK.match(c)]
    words += cjk + ["".join(pair) for pair in zip(cjk, cjk[1:])]
    body_words = _words(rjieba.cut_for_search(text_norm))
    words += body_words
    # jieba's HMM glues unknown names to a neighbour (雷继敏作): pairs of long words let a name still match.
    words += [pair for w in body_words if len(w) >= 3 and _CJK.match(w) for pair in _pairs(w)]
    return " ".join(words + scope_tokens(org_path, is_public, kind))


def scope_tokens(org_path: str, is_public: bool, kind: str) -> list[str]:
    """Where a document sits, as index words: every ancestor path, publication and kind. A scoped query then
    intersects posting lists inside the index instead of joining every match of a common word to its row."""
    tokens = [_path_token(p) for p in ancestor_paths(org_path)] + [_kind_token(kind)]
    return tokens + [PUBLIC_TOKEN] if is_public else tokens


def _path_token(path: str) -> str:
    return "zp" + path


def _kind_token(kind: str) -> str:
    return "zk" + kind


PUBLIC_TOKEN = "zpublic"


def _pairs(word: str) -> list[str]:
    return [word[i : i + 2] for i in range(len(word) - 1)]


def query_words(query: str) -> list[str]:
    return list(dict.fromkeys(_words(rjieba.cut(normalise(query)))))[:12]


def _words(tokens) -> list[str]:
    return [t for t in tokens if t.strip() and _WORD.search(t)]


def index(kind: str, object_id: int, *, org_path: str, is_public: bool, day, title: str, text: str) -> None:
    SearchDocument.objects.update_or_create(
        kind=kind, object_id=object_id,
        defaults={"org_path": org_path, "is_public": is_public, "day": day, "title": title[:200],
                  "text": text[:4000],
                  "tokens": document_tokens(title, text, org_path=org_path, is_public=is_public, kind=kind)},
    )  # fmt: skip


def remove(kind: str, object_id: int) -> None:
    SearchDocument.objects.filter(kind=kind, object_id=object_id).delete()


@dataclass
class Hit:
    kind: str
    object_id: int
    title: Markup
    snippet: Markup
    day: object


def search(
    query: str,
    *,
    user=None,
    public_only: bool = False,
    org_path: str = "",
    order: str = "relevance",
    kinds: tuple[str, ...] = (),
    offset: int = 0,
    limit: int = 20,
) -> list[Hit]:
    """Hits visible to the user (or only published articles, under org_path, for the public site)."""
    words = query_words(query)
    if not words:
        return []
    filters, params, scope = _filters(user, public_only, org_path, kinds)
    if filters is None:
        return []
    run = _postgres if connection.vendor == "postgresql" else _sqlite
    newest = SearchDocument.objects.order_by("-id").values_list("id", flat=True).first() or 0
    for window in WINDOWS:
        floor = newest - window if window else 0
        rows = run(words, scope, filters, params, order, offset, limit, floor)
        if len(rows) >= limit or floor <= 0:
            break
    return [_hit(row, words) for row in rows]


def _filters(user, public_only, org_path, kinds):
    """SQL conditions on the document row plus the same conditions as index words ([[any of], ...] per condition)."""
    clauses, params, terms = [], [], []
    if public_only:
        clauses.append("d.is_public AND d.kind = %s")
        params.append(DocumentKind.ARTICLE)
        terms += [[PUBLIC_TOKEN], [_kind_token(DocumentKind.ARTICLE)]]
    elif not user.is_superuser:
        roots = granted_roots(user, SearchDocument.access_roles["view"])
        if not roots:
            return None, [], []
        clauses.append("(" + " OR ".join(["(d.org_path >= %s AND d.org_path < %s)"] * len(roots)) + ")")
        for root in roots:
            params += [root, root + PATH_END]
        if all(len(root) > SEGMENT_WIDTH for root in roots):  # a top-level grant covers nearly everything:
            terms.append([_path_token(root) for root in roots])  # its word would only lengthen the intersection
    if org_path:
        clauses.append("d.org_path >= %s AND d.org_path < %s")
        params += [org_path, org_path + PATH_END]
        terms.append([_path_token(org_path)])
    if kinds:
        clauses.append("d.kind IN (" + ", ".join(["%s"] * len(kinds)) + ")")
        params += list(kinds)
        terms.append([_kind_token(k) for k in kinds])
    return (" AND ".join(clauses) or "1=1"), params, terms


_COLUMNS = "d.kind, d.object_id, d.title, d.text, d.day"


def _fts_term(word: str, quote: str, both: str, either: str) -> str:
    """A word, or for a long Chinese word, the word or all of its pairs (see document_tokens)."""
    clean = word.replace('"', "").replace("'", "").replace("\\", "")
    term = quote + clean + quote
    if len(clean) >= 3 and _CJK.match(clean):
        pairs = f" {both} ".join(quote + p + quote for p in _pairs(clean))
        return f"({term} {either} ({pairs}))"
    return term


def _any_of(tokens: list[str], quote: str, either: str) -> str:
    return "(" + f" {either} ".join(quote + t + quote for t in tokens) + ")"


def _sqlite(words, scope, filters, params, order, offset, limit, floor):
    match = " AND ".join([_fts_term(w, '"', "AND", "OR") for w in words] + [_any_of(t, '"', "OR") for t in scope])
    if order == "date":
        sql = (
            f"SELECT {_COLUMNS} FROM news_search_fts f JOIN news_searchdocument d ON d.id = f.rowid "
            f"WHERE news_search_fts MATCH %s AND f.rowid > %s AND {filters} ORDER BY d.day DESC, d.id DESC "
            f"LIMIT %s OFFSET %s"
        )
        args = [match, floor, *params, limit, offset]
    else:
        sql = (
            f"SELECT {_COLUMNS} FROM (SELECT rowid, rank FROM news_search_fts WHERE news_search_fts MATCH %s "
            f"AND rowid > %s ORDER BY rowid DESC LIMIT %s) f JOIN news_searchdocument d ON d.id = f.rowid "
            f"WHERE {filters} ORDER BY f.rank, d.day DESC LIMIT %s OFFSET %s"
        )
        args = [match, floor, CANDIDATE_CAP, *params, limit, offset]
    with connection.cursor() as cursor:
        cursor.execute(sql, args)
        return cursor.fetchall()


def _postgres(words, scope, filters, params, order, offset, limit, floor):
    tsquery = " & ".join([_fts_term(w, "'", "&", "|") for w in words] + [_any_of(t, "'", "|") for t in scope])
    if order == "date":
        sql = (
            f"SELECT {_COLUMNS} FROM news_searchdocument d WHERE d.tsv @@ to_tsquery('simple', %s) AND d.id > %s "
            f"AND {filters} ORDER BY d.day DESC NULLS LAST, d.id DESC LIMIT %s OFFSET %s"
        )
        args = [tsquery, floor, *params, limit, offset]
    else:
        sql = (
            f"SELECT {_COLUMNS} FROM (SELECT id, ts_rank(tsv, to_tsquery('simple', %s)) AS score "
            f"FROM news_searchdocument WHERE tsv @@ to_tsquery('simple', %s) AND id > %s ORDER BY id DESC LIMIT %s) c "
            f"JOIN news_searchdocument d ON d.id = c.id WHERE {filters} "
            f"ORDER BY c.score DESC, d.day DESC NULLS LAST LIMIT %s OFFSET %s"
        )
        args = [tsquery, tsquery, floor, CANDIDATE_CAP, *params, limit, offset]
    with connection.cursor() as cursor:
        cursor.execute(sql, args)
        return cursor.fetchall()


def _hit(row, words) -> Hit:
    kind, object_id, title, text, day = row
    return Hit(kind, object_id, highlight(title, words), highlight(_window(text, words), words), day)


def _window(text: str, words: list[str]) -> str:
    matching = matching_form(text).lower()
    positions = [p for p in (matching.find(w) for w in words) if p >= 0]
    start = max(0, min(positions) - 30) if positions else 0
    snippet = text[start : start + SNIPPET_CHARS]
    return ("…" if start else "") + snippet + ("…" if start + SNIPPET_CHARS < len(text) else "")


def highlight(text: str, words: list[str]) -> Markup:
    """Escape the text and wrap each found word in <mark>, located on the simplified form (same positions)."""
    matching = matching_form(text).lower()
    if len(matching) != len(text):
        matching = text.lower()
    marks = [False] * len(text)
    for word in words:
        start = matching.find(word)
        while start >= 0:
            for i in range(start, start + len(word)):
                marks[i] = True
            start = matching.find(word, start + len(word))
    out, i = [], 0
    while i < len(text):
        j = i
        while j < len(text) and marks[j] == marks[i]:
            j += 1
        chunk = escape(text[i:j])
        out.append(f"<mark>{chunk}</mark>" if marks[i] else str(chunk))
        i = j
    return Markup("".join(out))
