"""Search reads matches in date order and stops after a page (decision 0013).

Every document gets `sort_key` (day, kind, id packed newest-first; news.search.sort_key) and its title words a
second time with the "zt" prefix. On SQLite the FTS5 index is rebuilt with `sort_key` as its rowid; on
PostgreSQL a b-tree on `sort_key` stands beside the GIN index. The index is dropped while rows are rewritten
and built once afterwards: updating it row by row costs minutes on a province's documents.
"""

from django.db import migrations, models

from ._search_index import ORDINAL, SQLITE_DROP, append_tokens, build_token_index, drop_token_index, sqlite_index

DAY, KIND = 1 << 40, 1 << 37
KIND_CODE = "CASE kind WHEN 'article' THEN 1 ELSE 2 END"  # news.search._KIND_CODE

def title_words(title: str) -> list[str]:
    """The title's index words with their title prefix (news.search.document_tokens), from the code of the day."""
    from news.search import TITLE_PREFIX, title_tokens

    return [TITLE_PREFIX + word for word in title_tokens(title)]


def rewrite_rows(apps, schema_editor):
    drop_token_index(schema_editor)
    schema_editor.execute(  # a document without a day sorts last (ordinal 0)
        f"UPDATE news_searchdocument SET sort_key = {ORDINAL[schema_editor.connection.vendor]} * {DAY} "
        f"+ {KIND_CODE} * {KIND} + object_id"
    )
    _append_title_words(schema_editor.connection)


def build_index(apps, schema_editor):
    """After the column is altered: SQLite alters by copying the table, which drops its triggers."""
    build_token_index(schema_editor)


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for statement in SQLITE_DROP:
            schema_editor.execute(statement)


def build_old_index(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for statement in SQLITE_DROP + sqlite_index("id"):
            schema_editor.execute(statement)


def _append_title_words(connection):
    append_tokens(connection, "title", lambda title: " " + " ".join(title_words(title)))


class Migration(migrations.Migration):
    dependencies = [("news", "0006_siteprofile")]

    operations = [
        migrations.RunPython(migrations.RunPython.noop, build_old_index),
        migrations.AddField("searchdocument", "sort_key", models.BigIntegerField(null=True)),
        migrations.RunPython(rewrite_rows, migrations.RunPython.noop),
        migrations.AlterField("searchdocument", "sort_key", models.BigIntegerField(unique=True)),
        migrations.RunPython(build_index, drop_index),
    ]
