"""The SQLite FTS5 index of SearchDocument.tokens, for the migrations that rebuild it (0007, 0009)."""

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
