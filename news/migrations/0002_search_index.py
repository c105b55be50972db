"""Full-text index of SearchDocument.tokens: FTS5 (external content, kept in step by triggers) on SQLite,
a trigger-maintained tsvector column with a GIN index on PostgreSQL. Tokens are already segmented and simplified."""

from django.db import migrations

SQLITE = [
    "CREATE VIRTUAL TABLE news_search_fts USING fts5(tokens, content='news_searchdocument', content_rowid='id', "
    "tokenize='unicode61 remove_diacritics 0')",
    "CREATE TRIGGER news_search_ai AFTER INSERT ON news_searchdocument BEGIN "
    "INSERT INTO news_search_fts(rowid, tokens) VALUES (new.id, new.tokens); END",
    "CREATE TRIGGER news_search_ad AFTER DELETE ON news_searchdocument BEGIN "
    "INSERT INTO news_search_fts(news_search_fts, rowid, tokens) VALUES ('delete', old.id, old.tokens); END",
    "CREATE TRIGGER news_search_au AFTER UPDATE OF tokens ON news_searchdocument BEGIN "
    "INSERT INTO news_search_fts(news_search_fts, rowid, tokens) VALUES ('delete', old.id, old.tokens); "
    "INSERT INTO news_search_fts(rowid, tokens) VALUES (new.id, new.tokens); END",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS news_search_au", "DROP TRIGGER IF EXISTS news_search_ad",
    "DROP TRIGGER IF EXISTS news_search_ai", "DROP TABLE IF EXISTS news_search_fts",
]
# A stored tsvector (kept by a trigger) so that ranking does not re-parse every matching row's tokens.
POSTGRES = [
    "ALTER TABLE news_searchdocument ADD COLUMN tsv tsvector",
    "CREATE FUNCTION news_search_tsv() RETURNS trigger AS $$ BEGIN "
    "NEW.tsv := to_tsvector('simple', NEW.tokens); RETURN NEW; END $$ LANGUAGE plpgsql",
    "CREATE TRIGGER news_search_tsv BEFORE INSERT OR UPDATE OF tokens ON news_searchdocument "
    "FOR EACH ROW EXECUTE FUNCTION news_search_tsv()",
    "CREATE INDEX news_search_tokens ON news_searchdocument USING gin (tsv)",
]
POSTGRES_DROP = [
    "DROP INDEX IF EXISTS news_search_tokens", "DROP TRIGGER IF EXISTS news_search_tsv ON news_searchdocument",
    "DROP FUNCTION IF EXISTS news_search_tsv()", "ALTER TABLE news_searchdocument DROP COLUMN IF EXISTS tsv",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("news", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE, "postgresql": POSTGRES}), _run({"sqlite": SQLITE_DROP, "postgresql": POSTGRES_DROP})
        ),
    ]
