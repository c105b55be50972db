"""Search over articles and activities: 繁简-insensitive, ranked by relevance or date, with highlighted snippets.

Text is normalised at write time (NFKC, simplified, no pinyin artefacts) and segmented by jieba (search mode,
so 东莞市第七人民医院 also yields 东莞 and 医院); titles add their single characters and pairs so that one- and
two-character queries (党, 医院) find titles, and every title word is indexed a second time with a "zt" prefix
so that "in the title" is a question the index answers. Queries are segmented the same way; every word must
match.

Order (decision 0013): the index's own row order is the date order. A document's sort key is its day, then
its kind and id, packed into one integer and negated (`sort_key`, ascending = newest first); it is the FTS5
rowid on SQLite and a b-tree column on PostgreSQL, so "newest first" reads matches in index order, forwards
(FTS5 reads its posting lists backwards several times slower), and stops after a page.
Relevance is a few tiers, each read newest first: every query word in the title, then some, then none. Nothing
is approximate: a tier's page is exact, and a deeper page reads only as far as it reaches (MAX_RESULTS).
"""

import itertools
import math
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property

import rjieba
from django.db import connection, connections, router, transaction
from django.utils import timezone
from markupsafe import Markup, escape  # C escaping: Django's lazy-aware escape cost 6 µs a call here

from core.access import PATH_END, granted_roots
from core.text import normalise
from orgs.models import SEGMENT_WIDTH, ancestor_paths

from .extract.lines import matching_form
from .models import DocumentKind, SearchDocument

MAX_RESULTS = 1000  # as far as paging goes: a page beyond it would read a thousand matches to skip them
SNIPPET_CHARS = 120
_WORD = re.compile(r"[\w\u4e00-\u9fff]", re.UNICODE)
_CJK = re.compile(r"[\u4e00-\u9fff]")
_KIND_CODE = {DocumentKind.ARTICLE: 1, DocumentKind.ACTIVITY: 2}
_DAY_SHIFT, _KIND_SHIFT = 40, 37  # day ordinal · 3 bits of kind · 37 bits of id: one signed 64-bit integer


def sort_key(day, kind: str, object_id: int) -> int:
    """Newest first is this key ascending: the day, then the kind, then the id (a document without a day last)."""
    ordinal = day.toordinal() if day else 0
    return -((ordinal << _DAY_SHIFT) | (_KIND_CODE[kind] << _KIND_SHIFT) | object_id)


def document_row(kind: str, object_id: int, *, org_path: str, is_public: bool, when, title: str, text: str) -> dict:
    """The SearchDocument columns of one article or activity (`when` a date or an aware datetime)."""
    day = timezone.localtime(when).date() if hasattr(when, "hour") else when
    return {
        "kind": kind, "object_id": object_id, "org_path": org_path, "is_public": is_public, "day": day,
        "sort_key": sort_key(day, kind, object_id), "title": title[:200], "text": text[:4000],
        "tokens": document_tokens(title, text, org_path=org_path, is_public=is_public, kind=kind, day=day),
    }  # fmt: skip


def document_tokens(title: str, text: str, *, org_path: str, is_public: bool, kind: str, day) -> str:
    body_words = _words(rjieba.cut_for_search(normalise(text)))
    # jieba's HMM glues unknown names to a neighbour (雷继敏作): pairs of long words let a name still match.
    body_words += [pair for w in body_words if len(w) >= 3 and _CJK.match(w) for pair in _pairs(w)]
    title_words = title_tokens(title)
    words = title_words + [TITLE_PREFIX + w for w in title_words] + body_words
    if connection.vendor == "postgresql":  # FTS5 reads its lists in date order: it has no use for them
        words += title_band_tokens(title_words, day)
    return " ".join(words + scope_tokens(org_path, is_public, kind) + band_tokens(day))


def title_tokens(title: str) -> list[str]:
    title_norm = normalise(title)
    cjk = [c for c in title_norm if _CJK.match(c)]
    return _words(rjieba.cut_for_search(title_norm)) + cjk + ["".join(pair) for pair in zip(cjk, cjk[1:])]


TITLE_PREFIX = "zt"


def scope_tokens(org_path: str, is_public: bool, kind: str) -> list[str]:
    """Where a document sits, as index words: every ancestor path, publication and kind. A scoped query then
    intersects posting lists inside the index instead of joining every match of a common word to its row."""
    tokens = [_path_token(p) for p in ancestor_paths(org_path)] + [_kind_token(kind)]
    return tokens + [PUBLIC_TOKEN] if is_public else tokens


# Date bands as index words: the document's day in bands of 4, 16, 64 and 256 days (an undated document in band 0).
# A query for "the newest matches older than X" then intersects one band's posting list instead of the whole
# history's (PostgreSQL's GIN skips through the long lists by the short one), see _by_bands.
BAND_LEVELS = (2, 4, 6, 8)


def band_tokens(day) -> list[str]:
    ordinal = day.toordinal() if day else 0
    return [_band_token(level, ordinal >> level) for level in BAND_LEVELS]


def _band_token(level: int, number: int) -> str:
    return f"zb{level}x{number}"


# Title words qualified by the document's 16-day band (PostgreSQL: zt医院b4x45678). GIN reads the shortest of a
# query's posting lists whole; for a band of common title words that was the band's own list or a word's whole
# history (about 100 ns a document). With these, one step back reads the title words' matches in that band
# alone, so a stretch of documents without a match (a month of planned activities ahead of the articles a tier
# matches) costs almost nothing whatever its length (decision 0014).
TITLE_BAND_LEVEL = 4
TITLE_BAND_STEPS = 12  # about half a year of 16-day steps; further back the plain bands grow to 256 days


def title_band_tokens(title_words: list[str], day) -> list[str]:
    suffix = title_band((day.toordinal() if day else 0) >> TITLE_BAND_LEVEL)
    return [TITLE_PREFIX + w + suffix for w in title_words]


def title_band(number: int) -> str:
    return f"b{TITLE_BAND_LEVEL}x{number}"


def _path_token(path: str) -> str:
    return "zp" + path


def _kind_token(kind: str) -> str:
    return "zk" + kind


PUBLIC_TOKEN = "zpublic"


def _pairs(word: str) -> list[str]:
    return [word[i : i + 2] for i in range(len(word) - 1)]


def search_offset(request) -> int:
    """The page asked for, as an offset in steps of a page; anything else is the first page."""
    raw = request.GET.get("offset", "")
    return min(int(raw), MAX_RESULTS) // 20 * 20 if raw.isdigit() and len(raw) < 8 else 0


def query_words(query: str) -> list[str]:
    return list(dict.fromkeys(_words(rjieba.cut(normalise(query)))))[:12]


def _words(tokens) -> list[str]:
    return [t for t in tokens if t.strip() and _WORD.search(t)]


def index(kind: str, object_id: int, *, org_path: str, is_public: bool, day, title: str, text: str) -> None:
    row = document_row(kind, object_id, org_path=org_path, is_public=is_public, when=day, title=title, text=text)
    SearchDocument.objects.update_or_create(kind=kind, object_id=object_id, defaults=row)


def store_in_date_order() -> None:
    """After a bulk load. PostgreSQL rewrites the documents in sort-key order, as a live index appends them day by
    day: a walk or a date band then reads neighbouring pages (a band of 64 days: 4 ms instead of 13). SQLite merges
    the FTS5 segments (its index is in sort-key order already)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT i.indexrelid::regclass::text FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid "
                "AND a.attnum = i.indkey[0] WHERE i.indrelid = 'news_searchdocument'::regclass AND i.indisunique "
                "AND i.indnatts = 1 AND a.attname = 'sort_key'"
            )
            cursor.execute(f'CLUSTER news_searchdocument USING "{cursor.fetchone()[0]}"')
            cursor.execute("ANALYZE news_searchdocument")  # search reads which words are common from these
        else:
            for table in ("news_search_fts", "news_search_public_fts"):
                cursor.execute(f"INSERT INTO {table}({table}) VALUES ('optimize')")


def remove(kind: str, object_id: int) -> None:
    SearchDocument.objects.filter(kind=kind, object_id=object_id).delete()


@dataclass
class Hit:
    kind: str
    object_id: int
    title: Markup
    snippet: Markup
    day: object


@dataclass(frozen=True)
class Syntax:
    """How one engine writes a boolean full-text query."""

    quote: str
    both: str
    either: str
    but_not: str

    def word(self, word: str, prefix: str = "", suffix: str = "") -> str:
        """A word, or for a long Chinese word, the word or all of its pairs (see document_tokens)."""
        clean = word.replace('"', "").replace("'", "").replace("\\", "")
        term = self.quote + prefix + clean + suffix + self.quote
        if len(clean) >= 3 and _CJK.match(clean):
            pairs = self.all_of([self.quote + prefix + p + suffix + self.quote for p in _pairs(clean)])
            return f"({term}{self.either}{pairs})"
        return term

    def all_of(self, parts: list[str]) -> str:
        return "(" + self.both.join(parts) + ")"

    def any_of(self, parts: list[str]) -> str:
        return "(" + self.either.join(parts) + ")"


FTS5 = Syntax('"', " AND ", " OR ", " NOT ")
TSQUERY = Syntax("'", " & ", " | ", " & !")


@dataclass(frozen=True)
class Tier:
    """One query of a search, and the index words every match has ([[any of], ...]), to estimate its matches.
    `banded`: the same query for one 16-day band, its title words qualified by the band (None if it asks for
    no title word)."""

    match: str
    required: list[list[str]]
    banded: Callable[[str], str] | None = None


def tiers(words: list[str], scope: list[list[str]], order: str, syntax: Syntax) -> list[Tier]:
    """The queries whose results, each newest first, concatenated, are the order asked for."""
    quoted = [[syntax.quote + t + syntax.quote for t in tokens] for tokens in scope]
    base = syntax.all_of([syntax.word(w) for w in words] + [syntax.any_of(q) for q in quoted])
    required = [[w] for w in words] + scope
    if order == "date":
        return [Tier(base, required)]
    def in_title(band=""):
        return [syntax.word(w, TITLE_PREFIX, band) for w in words]

    all_in_title = syntax.all_of(in_title())
    # A title word is indexed bare too, so "all in the title" implies the base words: the first tier asks only for
    # the title words and the scope, fewer posting lists to intersect (SQLite: 16 -> 11 ms for four words).
    in_scope = [syntax.any_of(q) for q in quoted]
    titled = Tier(
        syntax.all_of(in_title() + in_scope),
        [[TITLE_PREFIX + w] for w in words] + scope,
        lambda band: syntax.all_of(in_title(band) + in_scope),
    )
    if len(words) == 1:
        return [titled, Tier(f"{base}{syntax.but_not}{all_in_title}", required)]
    some_in_title = syntax.any_of(in_title())
    return [
        titled,
        Tier(
            f"({base}{syntax.both}{some_in_title}){syntax.but_not}{all_in_title}",
            required,
            lambda band: f"({base}{syntax.both}{syntax.any_of(in_title(band))}){syntax.but_not}{all_in_title}",
        ),
        Tier(f"{base}{syntax.but_not}{some_in_title}", required),
    ]


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
    if not words or offset >= MAX_RESULTS:
        return []
    filters, params, scope = _filters(user, public_only, org_path, kinds)
    if filters is None:
        return []
    wanted = min(offset + limit, MAX_RESULTS)
    if connection.vendor == "postgresql":
        stream = _stream(public_only, org_path)
        keys = _postgres(tiers(words, scope, order, TSQUERY), filters, params, wanted, stream=stream)
        return [_hit(row, words) for row in _rows(keys[offset:wanted])]  # columns for the page's keys only
    table = "news_search_public_fts" if public_only else "news_search_fts"
    rows = []
    for tier in tiers(words, scope, order, FTS5):
        rows += _sqlite(tier, filters, params, wanted - len(rows), table=table)
        if len(rows) >= wanted:
            break
    return [_hit(row, words) for row in rows[offset:wanted]]


def _filters(user, public_only, org_path, kinds):
    """SQL conditions on the document row plus the same conditions as index words ([[any of], ...] per condition)."""
    clauses, params, terms = [], [], []
    if public_only:
        clauses.append("d.is_public AND d.kind = %s")  # only articles are ever public
        params.append(DocumentKind.ARTICLE)  # and the public index holds published documents only (migration 0011)
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
        if len(org_path) > SEGMENT_WIDTH:
            terms.append([_path_token(org_path)])
    if kinds:
        clauses.append("d.kind IN (" + ", ".join(["%s"] * len(kinds)) + ")")
        params += list(kinds)
        terms.append([_kind_token(k) for k in kinds])
    return (" AND ".join(clauses) or "1=1"), params, terms


_COLUMNS = "d.kind, d.object_id, d.title, d.text, d.day"


def _sqlite(tier, filters, params, limit, *, table: str):
    sql = (
        f"SELECT {_COLUMNS} FROM {table} f JOIN news_searchdocument d ON d.sort_key = f.rowid "
        f"WHERE {table} MATCH %s AND {filters} ORDER BY f.rowid LIMIT %s"
    )
    with _reading().cursor() as cursor:
        cursor.execute(sql, [tier.match, *params, limit])
        return cursor.fetchall()


# PostgreSQL's GIN posting lists are in row order, not date order, and its planner guesses the selectivity of
# a conjunction of correlated words (医院 with the scope's own words) far too low, then collects and sorts tens
# of thousands of matches (50-150 ms for 医院 at province scale). So each tier judges its own matches from the
# index words' shares in PostgreSQL's statistics (decision 0013):
# - at most FEW (a rare word or scope word among them): collected through the GIN index and sorted;
# - otherwise the tier walks the newest WALK documents in sort-key order and keeps the matches, which fills a
#   page of common words within a few hundred rows. If the walk does not fill the page, the rest is collected if
#   both the words' shares and the walk say the matches are few, and read back through the date bands if not.
#   Words of one phrase (主题党日 志愿服务) are far more often together than their shares say: the walk sees that.
WALK, WALK_PER_ROW = 1000, 5  # rows walked: a page of words in 1 document in 50, and more for a deep page
COMMON_SHARE = 0.01  # PostgreSQL keeps the shares of the words in more than 1% of the documents
FEW = 2000  # matches collected and sorted in a few milliseconds


def _postgres(tiers: list[Tier], filters, params, wanted: int, *, stream: "_Stream") -> list[int]:
    """The sort keys of the first `wanted` matches of the tiers in turn (keys only: narrow rows to sort; the
    columns a hit shows are read for the page's keys alone, see _rows)."""
    shares, documents = word_shares()
    stream_documents = documents * shares.get(PUBLIC_TOKEN, 0.0) if stream.public else documents
    walk = _Walk(filters, params, max(WALK, WALK_PER_ROW * wanted), stream)
    keys = []
    for tier in tiers:
        limit = wanted - len(keys)
        likely, at_most = estimated_matches(tier.required, shares, stream_documents)
        if stream.own:  # its stream holds the scope already: walk it if the words alone are likely common
            likely, _ = estimated_matches([g for g in tier.required if not _is_scope(g)], shares, stream_documents)
            at_most = likely
        if at_most < FEW:
            keys += _collect(tier.match, filters, params, limit)
        else:
            keys += _walked_then_older(walk, tier, likely, stream_documents, limit)
        if len(keys) >= wanted:
            break
    return keys[:wanted]


@dataclass(frozen=True)
class _Stream:
    """The documents a walk reads newest first: every document, the published ones, or one site's published ones."""

    where: str
    params: tuple = ()
    public: bool = False
    own: bool = False


# A city's or a hospital's site walks its own published documents, through a b-tree per tree level on (the
# path's first characters, sort key) (migration 0012): in the whole public stream they are a few in a thousand
# at national density (decision 0014), and collecting them costs a heap read per match.
SITE_LEVELS = tuple(SEGMENT_WIDTH * level for level in (2, 3, 4))


def _stream(public: bool, site_path: str) -> _Stream:
    if public and len(site_path) in SITE_LEVELS:
        return _Stream(f"is_public AND substr(org_path, 1, {len(site_path)}) = %s", (site_path,), True, True)
    return _Stream("is_public", (), True) if public else _Stream("true")


def _is_scope(group: list[str]) -> bool:
    return all(word.startswith(_path_token("")) and word != PUBLIC_TOKEN for word in group)


def _walked_then_older(walk, tier: Tier, likely: float, stream_documents: float, limit: int) -> list[int]:
    """A common tier: its matches among the walked documents, then, if they do not fill the page, those beyond
    the walk: collected if both the words' shares and the walk say they are few, else read back by date bands."""
    walked = walk.matches(tier.match, limit)
    if len(walked) == limit or walk.edge is None:
        return walked
    rest = limit - len(walked)
    if walk.stream.own or max(likely, len(walked) * stream_documents / walk.size) < FEW:
        return walked + _collect(tier.match, walk.filters, walk.params, rest, after=walk.edge)
    # None among the walked documents: the matches begin further back, and 16-day bands of the title words cost
    # those matches alone. Some: bands from 4 days fetch fewer of them before the page is full (page 10 of 医院:
    # 5% of the documents match, and a 16-day band holds thousands of matches at national size).
    return walked + _by_bands(tier, walk.filters, walk.params, rest, after=walk.edge, stream=walk.stream,
                              title_bands=not walked)


@dataclass
class _Walk:
    """The newest `size` documents of the stream (every document, or the published ones), read in sort-key order
    by each common tier of a search, which stops as soon as its page is full; the key of the last of them, the
    edge beyond which the tiers read on, is found once per search."""

    filters: str
    params: list
    size: int
    stream: _Stream

    def matches(self, match: str, limit: int) -> list[int]:
        return [row[0] for row in _fetch(
            f"SELECT d.sort_key FROM (SELECT sort_key, tsv, org_path, kind, is_public FROM news_searchdocument "
            f"WHERE {self.stream.where} ORDER BY sort_key LIMIT %s) d WHERE {self.filters} "
            f"AND d.tsv @@ to_tsquery('simple', %s) ORDER BY d.sort_key LIMIT %s",
            [*self.stream.params, self.size, *self.params, match, limit], in_index_order=self.stream.own,
        )]  # fmt: skip

    @cached_property
    def edge(self):
        """The key of the walk's last document, None if the walk reads every document."""
        found = _fetch(
            f"SELECT sort_key FROM news_searchdocument WHERE {self.stream.where} ORDER BY sort_key OFFSET %s LIMIT 1",
            [*self.stream.params, self.size - 1],
            in_index_order=self.stream.own,
        )
        return found[0][0] if found else None


def _rows(keys: list[int]) -> list[tuple]:
    """The columns a hit shows, for the kept keys, in their order."""
    if not keys:
        return []
    found = {row[0]: row[1:] for row in _fetch(
        f"SELECT d.sort_key, {_COLUMNS} FROM news_searchdocument d WHERE d.sort_key = ANY(%s)", [keys]
    )}  # fmt: skip
    return [found[key] for key in keys if key in found]


def _collect(match, filters, params, limit, after=None) -> list[int]:
    """The keys of the newest matches (older than the key `after`), collected through the GIN index and sorted."""
    if after is not None:
        filters, params = f"{filters} AND d.sort_key + 0 > %s", [*params, after]
    return [row[0] for row in _fetch(  # "+ 0": sort the collected matches instead of walking the whole b-tree
        f"SELECT d.sort_key FROM news_searchdocument d WHERE d.tsv @@ to_tsquery('simple', %s) AND {filters} "
        f"ORDER BY d.sort_key + 0 LIMIT %s",
        [match, *params, limit],
    )]  # fmt: skip


def _by_bands(tier: Tier, filters, params, limit, *, after: int, stream: _Stream, title_bands: bool = False):
    """The keys of the newest matches older than the key `after`, read back in date bands: first the 16-day bands
    of the tier's title words if `title_bands` and it asks for any (Tier.banded), then bands that grow from 4 (or 256) to 256 days.

    Each step asks GIN for the matches in one band only, so it reads the band's posting lists and fetches the
    band's matches, not every match in the history: a tier whose matches begin only far back (an article tier
    behind a month of planned activities) costs a few bands, not all of its tens of thousands of matches. The
    steps are exact: each band's matches are all older than the previous step's, and a step returns them sorted.
    """
    rows = []
    for step in itertools.count():
        after_next = _fetch(
            f"SELECT sort_key FROM news_searchdocument WHERE {stream.where} AND sort_key > %s ORDER BY sort_key LIMIT 1",
            [*stream.params, after],
        )  # the next document back: a gap in the dates costs no empty steps
        if not after_next:
            return rows
        day = -after_next[0][0] >> _DAY_SHIFT
        if title_bands and tier.banded and step < TITLE_BAND_STEPS:
            level = TITLE_BAND_LEVEL
            match = tier.banded(title_band(day >> level))
        else:
            level = BAND_LEVELS[min(step, len(BAND_LEVELS) - 1)]
            match = f"({tier.match}) & '{_band_token(level, day >> level)}'"
        rows += _collect(match, filters, params, limit - len(rows), after)
        if len(rows) >= limit:
            return rows
        after = -((day >> level << level) << _DAY_SHIFT)  # everything from the band's first day on is read


def estimated_matches(required: list[list[str]], shares: dict[str, float], documents: float) -> tuple[float, float]:
    """The documents holding every group of words (a group: any of its words): as many as if the words were
    independent, and at most as many as the rarest group holds. A group with no common word is rare."""
    group_shares = [min(1.0, sum(shares.get(word, 0.0) for word in group)) for group in required]
    return documents * math.prod(group_shares), documents * min(group_shares, default=1.0)


def word_shares() -> tuple[dict[str, float], float]:
    """The index words in more than COMMON_SHARE of the documents with their shares, and the number of documents,
    from PostgreSQL's own statistics (ANALYZE keeps the tsvector's most common lexemes); kept for ten minutes."""
    now = time.monotonic()
    if now - _shares_cache[0] > 600:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT most_common_elems::text::text[], most_common_elem_freqs, "
                "(SELECT reltuples FROM pg_class WHERE relname = 'news_searchdocument') FROM pg_stats "
                "WHERE tablename = 'news_searchdocument' AND attname = 'tsv'"
            )
            row = cursor.fetchone()
        words = dict(zip(row[0], row[1], strict=False)) if row and row[0] else {}
        common = {w: share for w, share in words.items() if share > COMMON_SHARE}
        _shares_cache[:] = [now, (common, max(row[2], 0) if row else 0)]
    return _shares_cache[1]


_shares_cache: list = [float("-inf"), ({}, 0)]


def _reading():
    """The database that search reads: the replica in a view whose reads may lag (core.replica), else the primary."""
    return connections[router.db_for_read(SearchDocument)]


def _fetch(sql, args, *, in_index_order: bool = False):
    """Rows of one search query. `in_index_order`: a walk of a site's own stream, read in its b-tree's order and
    stopped at the page. PostgreSQL's planner, taking the stream for a few hundred rows, would fetch and sort all
    of it (a city's 5,000 documents: 15-40 ms at province scale instead of 1), so it may not (decision 0014)."""
    reading = _reading()
    if not in_index_order:
        with reading.cursor() as cursor:
            cursor.execute(sql, args)
            return cursor.fetchall()
    # A transaction of its own keeps the settings and the query on one server connection behind a transaction-mode
    # pooler (docs/deploy.md); they are reset before it ends, or an enclosing transaction would keep them.
    with transaction.atomic(using=reading.alias), reading.cursor() as cursor:
        cursor.execute("SET LOCAL enable_bitmapscan = off; SET LOCAL enable_sort = off")
        cursor.execute(sql, args)
        rows = cursor.fetchall()
        cursor.execute("RESET enable_bitmapscan; RESET enable_sort")
        return rows


def _hit(row, words) -> Hit:
    kind, object_id, title, text, day = row
    return Hit(kind, object_id, highlight(title, words), highlight(_window(text, words), words), day)


def _window(text: str, words: list[str]) -> str:
    """SNIPPET_CHARS of the text from shortly before the first match.

    A word found as written is at the same place in the simplified form, so only the text up to the first such
    match is converted to look for an earlier 繁體 or full-width one: converting whole bodies cost 150 µs a hit."""
    lowered = text.lower()
    as_written = [p for p in (lowered.find(w) for w in words) if p >= 0]
    reach = min(as_written) + max(map(len, words)) if as_written else len(text)
    matching = matching_form(text[:reach]).lower()
    positions = [p for p in (matching.find(w) for w in words) if p >= 0]
    start = max(0, min(positions) - 30) if positions else 0
    snippet = text[start : start + SNIPPET_CHARS]
    return ("…" if start else "") + snippet + ("…" if start + SNIPPET_CHARS < len(text) else "")


def highlight(text: str, words: list[str]) -> Markup:
    """Escape the text and wrap each found word in <mark>, located on the simplified form (same positions);
    words that touch or overlap make one mark."""
    matching = matching_form(text).lower()
    if len(matching) != len(text):
        matching = text.lower()
    spans = []
    for word in filter(None, words):
        start = matching.find(word)
        while start >= 0:
            spans.append((start, start + len(word)))
            start = matching.find(word, start + len(word))
    merged: list[list[int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    out, done = [], 0
    for start, end in merged:
        out += [escape(text[done:start]), "<mark>", escape(text[start:end]), "</mark>"]
        done = end
    out.append(escape(text[done:]))
    return Markup("".join(out))
