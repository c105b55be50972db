"""The index of SearchDocument.tokens (SQLite's FTS5 table, PostgreSQL's GIN index), for the migrations that
rewrite the tokens or the sort key (0007, 0009, 0010): dropped before the rows are rewritten and built once after,
since updating it row by row costs minutes on a province's documents."""

ORDINAL = {  # date.toordinal() in SQL; a document without a day is 0
    "sqlite": "COALESCE(CAST(julianday(day) - 1721424.5 AS INTEGER), 0)",
    "postgresql": "COALESCE(day - DATE '0001-01-01' + 1, 0)",
}

SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS news_search_au", "DROP TRIGGER IF EXISTS news_search_ad",
    "DROP TRIGGER IF EXISTS news_search_ai", "DROP TABLE IF EXISTS news_search_fts",
]  # fmt: skip


def sqlite_index(rowid: str) -> list[str]:
    return [
        "CREATE VIRTUAL TABLE news_search_fts USING fts5(tokens, content='news_searchdocument', "
        f"content_rowid='{rowid}', tokenize='unicode61 remove_diacritics 0')",
        "INSERT INTO news_search_fts(news_search_fts) VALUES ('rebuild')",
        "CREATE TRIGGER news_search_ai AFTER INSERT ON news_searchdocument BEGIN "
        f"INSERT INTO news_search_fts(rowid, tokens) VALUES (new.{rowid}, new.tokens); END",
        "CREATE TRIGGER news_search_ad AFTER DELETE ON news_searchdocument BEGIN "
        f"INSERT INTO news_search_fts(news_search_fts, rowid, tokens) VALUES ('delete', old.{rowid}, old.tokens); END",
        f"CREATE TRIGGER news_search_au AFTER UPDATE OF tokens, {rowid} ON news_searchdocument BEGIN "
        f"INSERT INTO news_search_fts(news_search_fts, rowid, tokens) VALUES ('delete', old.{rowid}, old.tokens); "
        f"INSERT INTO news_search_fts(rowid, tokens) VALUES (new.{rowid}, new.tokens); END",
    ]


def append_tokens(connection, columns: str, words) -> None:
    """Append `words(*row)` (a string) to every document's tokens, reading `columns` in batches by id (0007, 0013)."""
    last = 0
    with connection.cursor() as cursor:
        while True:
            cursor.execute(
                f"SELECT id, {columns} FROM news_searchdocument WHERE id > %s ORDER BY id LIMIT %s", [last, 5000]
            )
            rows = cursor.fetchall()
            if not rows:
                return
            updates = [(words(*row[1:]), row[0]) for row in rows]
            cursor.executemany("UPDATE news_searchdocument SET tokens = tokens || %s WHERE id = %s", updates)
            last = rows[-1][0]


def drop_token_index(schema_editor) -> None:
    if schema_editor.connection.vendor == "sqlite":
        for statement in SQLITE_DROP:
            schema_editor.execute(statement)
    else:
        schema_editor.execute("DROP INDEX IF EXISTS news_search_tokens")


def build_token_index(schema_editor) -> None:
    if schema_editor.connection.vendor == "sqlite":
        for statement in sqlite_index("sort_key"):
            schema_editor.execute(statement)
    else:
        schema_editor.execute("CREATE INDEX news_search_tokens ON news_searchdocument USING gin (tsv)")


# The published documents only, for the public sites (0011): a contentless index kept by the same kind of
# triggers, filled from the documents table since a contentless index cannot 'rebuild'.
SQLITE_PUBLIC = [
    "CREATE VIRTUAL TABLE news_search_public_fts USING fts5(tokens, content='', "
    "tokenize='unicode61 remove_diacritics 0')",
    "INSERT INTO news_search_public_fts(rowid, tokens) SELECT sort_key, tokens FROM news_searchdocument WHERE is_public",
    "CREATE TRIGGER news_search_public_ai AFTER INSERT ON news_searchdocument WHEN new.is_public BEGIN "
    "INSERT INTO news_search_public_fts(rowid, tokens) VALUES (new.sort_key, new.tokens); END",
    "CREATE TRIGGER news_search_public_ad AFTER DELETE ON news_searchdocument WHEN old.is_public BEGIN "
    "INSERT INTO news_search_public_fts(news_search_public_fts, rowid, tokens) "
    "VALUES ('delete', old.sort_key, old.tokens); END",
    "CREATE TRIGGER news_search_public_au AFTER UPDATE OF tokens, sort_key, is_public ON news_searchdocument BEGIN "
    "INSERT INTO news_search_public_fts(news_search_public_fts, rowid, tokens) "
    "SELECT 'delete', old.sort_key, old.tokens WHERE old.is_public; "
    "INSERT INTO news_search_public_fts(rowid, tokens) SELECT new.sort_key, new.tokens WHERE new.is_public; END",
]
SQLITE_PUBLIC_DROP = [
    "DROP TRIGGER IF EXISTS news_search_public_au", "DROP TRIGGER IF EXISTS news_search_public_ad",
    "DROP TRIGGER IF EXISTS news_search_public_ai", "DROP TABLE IF EXISTS news_search_public_fts",
]  # fmt: skip
