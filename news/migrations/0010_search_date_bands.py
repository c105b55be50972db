"""Every document's day as date-band index words (zb<level>x<number>, news.search.band_tokens), so that PostgreSQL
can read a tier's matches back band by band instead of collecting them all (decision 0013). The index is dropped
while the tokens are rewritten and built once afterwards, as in 0007."""

from django.db import migrations

from ._search_index import SQLITE_DROP, sqlite_index

LEVELS = (2, 4, 6, 8)  # news.search.BAND_LEVELS, as of this migration
ORDINAL = {  # date.toordinal() in SQL; an undated document is in band 0
    "sqlite": "COALESCE(CAST(julianday(day) - 1721424.5 AS INTEGER), 0)",
    "postgresql": "COALESCE(day - DATE '0001-01-01' + 1, 0)",
}


def add_bands(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        for statement in SQLITE_DROP:
            schema_editor.execute(statement)
    else:
        schema_editor.execute("DROP INDEX IF EXISTS news_search_tokens")
    bands = " || ".join(f"' zb{level}x' || ({ORDINAL[vendor]} >> {level})" for level in LEVELS)
    schema_editor.execute(f"UPDATE news_searchdocument SET tokens = tokens || {bands}")
    if vendor == "sqlite":
        for statement in sqlite_index("sort_key"):
            schema_editor.execute(statement)
    else:
        schema_editor.execute("CREATE INDEX news_search_tokens ON news_searchdocument USING gin (tsv)")


class Migration(migrations.Migration):
    dependencies = [("news", "0009_search_sort_key_ascending")]

    operations = [migrations.RunPython(add_bands, migrations.RunPython.noop)]
