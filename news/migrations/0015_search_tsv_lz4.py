"""The search documents' tsvector compressed with lz4 instead of pglz, on PostgreSQL servers built with lz4
(Debian's are). A walk reads the tsvector of each of the newest 1,000 documents to test it, and decompressing
them took most of its time: a walk that finds no match 1.6 -> 1.0 ms at province, of which reading the rows
alone is 0.35 ms (decision 0014). Only values
written after the column's method changes are compressed with it, so every tsvector is written again, with both
GIN indexes dropped meanwhile and built once after, and the table put back in date order, as in 0013.
Province scale (722k documents): about 3 minutes here; the table and the tsvectors keep their size (874 MB of
tsvectors in lz4)."""

from django.db import migrations

from ._search_index import build_token_index, drop_token_index

PUBLIC_INDEX = "CREATE INDEX news_search_public_tokens ON news_searchdocument USING gin (tsv) WHERE is_public"


def server_has_lz4(cursor) -> bool:
    cursor.execute("SELECT 'lz4' = ANY(enumvals) FROM pg_settings WHERE name = 'default_toast_compression'")
    row = cursor.fetchone()
    return bool(row and row[0])


def tsv_in_lz4(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        if not server_has_lz4(cursor):
            return  # a server built without lz4 keeps pglz: slower walks, the same results
    from news.search import store_in_date_order

    schema_editor.execute("ALTER TABLE news_searchdocument ALTER COLUMN tsv SET COMPRESSION lz4")
    drop_token_index(schema_editor)
    schema_editor.execute("DROP INDEX IF EXISTS news_search_public_tokens")
    schema_editor.execute("UPDATE news_searchdocument SET tsv = to_tsvector('simple', tokens)")  # as its trigger
    store_in_date_order()
    build_token_index(schema_editor)
    schema_editor.execute(PUBLIC_INDEX)


def tsv_in_default_compression(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE news_searchdocument ALTER COLUMN tsv SET COMPRESSION default")


class Migration(migrations.Migration):
    # Each step commits before the next: a CLUSTER in the transaction that rewrote every row must keep the old
    # versions (live to everyone else until it commits), and the table came out twice its size. Each step can be
    # run again if the migration stops half way.
    atomic = False
    dependencies = [("news", "0014_search_scope_statistics")]

    operations = [migrations.RunPython(tsv_in_lz4, tsv_in_default_compression)]
