"""An index of the published documents only, for the public sites' search (decision 0013): a partial GIN index on
PostgreSQL, a second FTS5 index on SQLite.

The public documents are a seventh of the index, so their posting lists are a seventh as long. A rare
conjunction of common words (主题 党日 志愿 服务 on a city's site) is then proved empty or collected in a few
milliseconds instead of the 15-20 ms that the whole index's lists cost to read."""

from django.db import migrations

from ._search_index import SQLITE_PUBLIC, SQLITE_PUBLIC_DROP


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "CREATE INDEX news_search_public_tokens ON news_searchdocument USING gin (tsv) WHERE is_public"
        )
    else:
        for statement in SQLITE_PUBLIC:
            schema_editor.execute(statement)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS news_search_public_tokens")
    else:
        for statement in SQLITE_PUBLIC_DROP:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("news", "0010_search_date_bands")]

    operations = [migrations.RunPython(create, drop)]
