"""The national search slice: the built province with its search table at national size (PostgreSQL only).

DOMAIN.md §5's national scale has ten times the province's activities and articles, so ten times its search
documents (7.2M for the bench's province of 722k; DOMAIN's own figures give 11M). The whole national data set does
not fit on these machines (about 100 GB; the note of issue 19, decision 0014), but search is the part whose cost
grows with the number of documents in a day or a date band, whatever the user's scope. So this copies the province
database and writes its search documents ten times over, each copy on the same days, with object ids moved up by
`ID_SHIFT` per copy, and, below the province's root, under cities of its own (paths no unit has; scope words moved
with them). A day then holds ten times its documents, as a national sector's day does; the province's root sees
all of them, as a national sector committee does; a city or a hospital sees its own, as at any scale.

The new table is written day range by day range in sort-key order (what `news.search.store_in_date_order`
leaves), with the indexes built after, under their own names. Progress is printed; a failed build leaves no
marker and is started again from the province copy.

    .venv/bin/python bench/run.py --scale national-search --engines postgresql [--only search]
"""

import time

COPIES = 10
ID_SHIFT = 10**9  # object ids stay below 2**37, the id bits of the sort key (news.search.sort_key)
DAY_SHIFT = 40  # news.search._DAY_SHIFT
DAYS_PER_STEP_BITS = 5  # 32 days a step: at national size about 400k documents, sorted in memory
TABLE = "news_searchdocument"
SEGMENT = 6  # orgs.models.SEGMENT_WIDTH
# Copy k of a document below the root moves to a city of its own: the city's path segment becomes "z<k>" and the
# segment's last four characters (base36 of ids below 36**4), a path no unit has, sorting after every real one.
_MOVED_PATH = (
    f"CASE WHEN c.k = 0 OR length(d.org_path) < {2 * SEGMENT} THEN d.org_path ELSE "
    f"substr(d.org_path, 1, {SEGMENT}) || 'z' || c.k || substr(d.org_path, {SEGMENT + 3}) END"
)


def _scope_words(path: str) -> str:
    return (
        f"ARRAY(SELECT 'zp' || substr({path}, 1, {SEGMENT} * i) FROM generate_series(2, length({path}) / {SEGMENT}) i)"
    )


def build(source_db: str, target_db: str, connect) -> None:
    """Copy `source_db` to `target_db` and write its search table ten times over. `connect(db)` opens psycopg."""
    started = time.monotonic()
    with connect("postgres") as admin:
        admin.autocommit = True
        admin.execute(f"DROP DATABASE IF EXISTS {target_db}")
        admin.execute(f"CREATE DATABASE {target_db} TEMPLATE {source_db}")
    print(f"  copied {source_db} in {time.monotonic() - started:.0f} s", flush=True)
    with connect(target_db) as conn:
        conn.autocommit = True
        conn.execute("SET maintenance_work_mem = '4GB'")
        conn.execute("SET work_mem = '2GB'")
        conn.execute("SET max_parallel_maintenance_workers = 2")
        indexes, constraints, clustered = _saved_definitions(conn)
        columns = [row[0] for row in conn.execute(
            "SELECT attname FROM pg_attribute WHERE attrelid = %s::regclass AND attnum > 0 AND NOT attisdropped "
            "ORDER BY attnum", [TABLE],
        )]  # fmt: skip
        # The columns' storage, compression (0015) and statistics targets (0014) as migrations set them: LIKE
        # copies the first two when asked and never the third, and a slice planned with 100 buckets for the
        # path collected the city site's empty tier through the path's b-tree (116x instead of 9x).
        targets = conn.execute(
            "SELECT attname, attstattarget FROM pg_attribute WHERE attrelid = %s::regclass AND attnum > 0 "
            "AND NOT attisdropped AND attstattarget >= 0", [TABLE],
        ).fetchall()  # fmt: skip
        conn.execute(
            f"CREATE TABLE {TABLE}_national (LIKE {TABLE} INCLUDING DEFAULTS INCLUDING IDENTITY INCLUDING STORAGE "
            "INCLUDING COMPRESSION)"
        )
        for column, target in targets:
            conn.execute(f'ALTER TABLE {TABLE}_national ALTER COLUMN "{column}" SET STATISTICS {target}')
        _fill_in_key_order(conn, columns, started)
        conn.execute(f"DROP TABLE {TABLE}")
        conn.execute(f"ALTER TABLE {TABLE}_national RENAME TO {TABLE}")
        sequence = conn.execute("SELECT pg_get_serial_sequence(%s, 'id')", [TABLE]).fetchone()[0]
        conn.execute(f"ALTER SEQUENCE {sequence} RENAME TO {TABLE}_id_seq")  # the name the old table's had
        conn.execute(f"SELECT setval('{TABLE}_id_seq', (SELECT max(id) FROM {TABLE}))")  # new rows after the copies
        for name, definition in constraints:
            step = time.monotonic()
            conn.execute(f'ALTER TABLE {TABLE} ADD CONSTRAINT "{name}" {definition}')
            print(f"  constraint {name}: {time.monotonic() - step:.0f} s", flush=True)
        for name, definition in indexes:
            step = time.monotonic()
            conn.execute(definition)
            print(f"  index {name}: {time.monotonic() - step:.0f} s", flush=True)
        if clustered:
            conn.execute(f'ALTER TABLE {TABLE} CLUSTER ON "{clustered}"')
        conn.execute(
            f"CREATE TRIGGER news_search_tsv BEFORE INSERT OR UPDATE OF tokens ON {TABLE} "
            "FOR EACH ROW EXECUTE FUNCTION news_search_tsv()"
        )
        step = time.monotonic()
        conn.execute(f"VACUUM (ANALYZE) {TABLE}")
        print(f"  vacuum and analyze: {time.monotonic() - step:.0f} s", flush=True)
        size = conn.execute(f"SELECT pg_size_pretty(pg_total_relation_size('{TABLE}'))").fetchone()[0]
        count = conn.execute(f"SELECT reltuples::bigint FROM pg_class WHERE relname = '{TABLE}'").fetchone()[0]
    print(f"  national search slice: {count:,} documents, {size}, built in {time.monotonic() - started:.0f} s",
          flush=True)  # fmt: skip


def _saved_definitions(conn):
    """The table's indexes and constraints as they are now (migrations made them), to build again by name."""
    constraints = conn.execute(
        "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = %s::regclass "
        "AND contype IN ('p', 'u') ORDER BY contype, conname",
        [TABLE],
    ).fetchall()
    owned = {name for name, _ in constraints}
    indexes = [
        (name, definition)
        for name, definition in conn.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s ORDER BY indexname", [TABLE]
        ).fetchall()
        if name not in owned
    ]
    found = conn.execute(
        "SELECT c.relname FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
        "WHERE i.indrelid = %s::regclass AND i.indisclustered",
        [TABLE],
    ).fetchone()
    return indexes, constraints, found[0] if found else None


def _fill_in_key_order(conn, columns: list[str], started: float) -> None:
    """Every document ten times, day range by day range, each range sorted by the new sort key: the heap ends
    in key order, as CLUSTER leaves it (but for a row that fits a page a few back), without sorting 16 GB at once."""
    moved = {
        "id": "d.id + c.k * %(id_shift)s",
        "object_id": "d.object_id + c.k * %(shift)s",
        "sort_key": "d.sort_key - c.k * %(shift)s",  # the id bits only: -(day|kind|id + shift)
        "org_path": f"{_MOVED_PATH}",
        # The scope words (news.search.scope_tokens): every ancestor path below the root, moved with the path.
        "tsv": f"CASE WHEN c.k = 0 OR length(d.org_path) < {2 * SEGMENT} THEN d.tsv "
        f"ELSE ts_delete(d.tsv, {_scope_words('d.org_path')}) || array_to_tsvector({_scope_words(_MOVED_PATH)}) END",
        "tokens": f"CASE WHEN c.k = 0 OR length(d.org_path) < {2 * SEGMENT} THEN d.tokens "
        f"ELSE replace(d.tokens, 'zp' || substr(d.org_path, 1, {2 * SEGMENT}), "
        f"'zp' || substr({_MOVED_PATH}, 1, {2 * SEGMENT})) END",
    }
    select = ", ".join(moved.get(column, f"d.{column}") for column in columns)
    id_shift = conn.execute(f"SELECT max(id) + 1 FROM {TABLE}").fetchone()[0]
    steps = [row[0] for row in conn.execute(
        f"SELECT DISTINCT (-sort_key) >> {DAY_SHIFT + DAYS_PER_STEP_BITS} AS step FROM {TABLE} ORDER BY step DESC"
    )]  # fmt: skip
    written = 0
    for number, step in enumerate(steps, 1):
        high = -(step << (DAY_SHIFT + DAYS_PER_STEP_BITS))  # the newest key of the range (keys ascend to older)
        low = -((step + 1) << (DAY_SHIFT + DAYS_PER_STEP_BITS))
        written += conn.execute(
            f"INSERT INTO {TABLE}_national ({', '.join(columns)}) OVERRIDING SYSTEM VALUE "
            f"SELECT {select} FROM {TABLE} d CROSS JOIN generate_series(0::bigint, %(copies)s - 1) AS c(k) "
            f"WHERE d.sort_key > %(low)s AND d.sort_key <= %(high)s ORDER BY d.sort_key - c.k * %(shift)s",
            {"id_shift": id_shift, "shift": ID_SHIFT, "copies": COPIES, "low": low, "high": high},
        ).rowcount
        if number % 5 == 0 or number == len(steps):
            print(f"  documents: {written:,} ({number}/{len(steps)} day ranges, "
                  f"{time.monotonic() - started:.0f} s)", flush=True)  # fmt: skip
